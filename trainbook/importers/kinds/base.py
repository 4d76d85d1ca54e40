"""What every export kind provides: how to recognise it, and how to turn it into evidence rows."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import IDENTITY, Evidence
from trainbook.workbook.master import normalize


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
    for field in IDENTITY:
        column = table.column(*field.headers)
        frame[field.key] = table.rows[column] if column else None
    return frame


def has(table: ExportTable, *names: str) -> bool:
    return table.column(*names) is not None

