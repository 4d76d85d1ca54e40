"""What every export kind provides: how to recognise it, and how to turn it into evidence rows."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import Evidence
from trainbook.workbook.master import normalize

NAME = ("姓名", "Name", "提交人", "填写人", "提交者", "学员姓名", "学生姓名", "员工姓名", "考生", "答题人",
        "参会人", "参会人员", "成员", "用户昵称", "Submitter", "Member", "Participant", "User")
USERID = ("UserId", "userid", "用户ID", "钉钉ID", "钉钉账号", "账号", "User ID")
EMPLOYEE_NO = ("工号", "员工工号", "员工编号", "Employee No.", "Employee ID", "Job Number", "Job No.")
MOBILE = ("手机号", "手机", "手机号码", "联系电话", "联系方式", "电话", "Mobile", "Phone", "Mobile Number")
DEPARTMENT = ("部门", "所属部门", "班级", "Department", "Dept")


class ExportKind:
    """One DingTalk export kind. Subclasses declare how it looks and what evidence it gives."""

    key: ClassVar[str]
    zh: ClassVar[str]
    en: ClassVar[str]
    gives: ClassVar[Evidence]  # the kind of evidence its rows are, and so the sheet they land in
    sheet_names: ClassVar[tuple[str, ...]] = ()
    # why a row of this kind can carry nothing to land (a blank line, a rejected request, …)
    nothing: ClassVar[tuple[str, str]] = ("没有可导入的内容", "nothing to import")

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def skip_reason(self, lang: Lang) -> str:
        return self.nothing[0] if lang == "zh" else self.nothing[1]

    def score(self, table: ExportTable) -> int:
        """How well `table` looks like this kind: 0 = not at all."""
        raise NotImplementedError

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        """Evidence rows (the identity columns and those `gives` declares), indexed by the export's
        own row number; an InputError when the table cannot be read as this kind."""
        raise NotImplementedError

    def notes(self, table: ExportTable, lang: Lang) -> list[str]:
        """What the merge should say about this table beyond its counts (columns it could not place)."""
        return []

    def named_sheet(self, table: ExportTable) -> bool:
        return any(normalize(n) in normalize(table.sheet) for n in self.sheet_names)


def identity(table: ExportTable) -> pd.DataFrame:
    """The columns that tell who a row is about, under their canonical names."""
    frame = pd.DataFrame(index=table.rows.index)
    for key, names in (("name", NAME), ("userid", USERID), ("employee_no", EMPLOYEE_NO),
                       ("mobile", MOBILE), ("department", DEPARTMENT)):
        column = table.column(*names)
        frame[key] = table.rows[column] if column else None
    return frame


def has(table: ExportTable, *names: str) -> bool:
    return table.column(*names) is not None

