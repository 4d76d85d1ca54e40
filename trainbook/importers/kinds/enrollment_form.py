"""智能填表 — form submissions used for enrollment: one row per submitter."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, has, identity, when
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import APPLICANT

SUBMITTER = ("提交人", "填写人", "Submitter")
SUBMITTED = ("提交时间", "填写时间", "Submitted At", "Submission Time")
FIELDS = {  # enrollment column → fragments of the question titles that ask for it
    "email": ("邮箱", "email", "e-mail"),
    "company": ("公司", "单位", "company"),
    "position": ("岗位", "职位", "职务", "position", "title"),
    "goal": ("学习目标", "目标", "期望", "goal"),
    "manager": ("直属主管", "主管姓名", "manager"),
}


class EnrollmentFormImporter(ExportKind):
    key = "enrollment_form"
    zh, en = "报名表单（智能填表）", "Enrollment form"
    gives = APPLICANT
    nothing = ("没有姓名或未填写", "no name, or not filled in")

    def score(self, table: ExportTable) -> int:
        if not has(table, *SUBMITTER) or not has(table, *SUBMITTED):
            return 0
        return 2 + bool(table.column_like("手机", "电话", "mobile", "phone"))

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        asked_name = table.column("姓名", "Name", "学员姓名")
        if asked_name:
            out["name"] = rows[asked_name]
        for key, fragments in {"mobile": ("手机", "电话", "mobile", "phone"),
                               "department": ("部门", "department")}.items():
            column = table.column_like(*fragments)
            if column and out[key].isna().all():
                out[key] = rows[column]
        for key, fragments in FIELDS.items():
            column = table.column_like(*fragments)
            out[key] = rows[column] if column else None
        out["enrolled_at"] = when(table, table.column(*SUBMITTED))
        filled = table.column("是否填写")
        if filled:
            out = out[~rows[filled].astype(str).str.contains("未")]
        return out[out["name"].notna()]
