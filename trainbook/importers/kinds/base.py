"""What every export kind provides: how to recognise it, and how to turn it into evidence rows."""

from __future__ import annotations

from typing import ClassVar, cast

import pandas as pd

from trainbook.i18n import Lang, listing, message, pick
from trainbook.importers import parsing
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import IDENTITY, Evidence
from trainbook.values import normalize


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
        return pick(lang, self.zh, self.en)

    def skip_reason(self, lang: Lang) -> str:
        return pick(lang, self.nothing[0], self.nothing[1])

    def score(self, table: ExportTable) -> int:
        """How well `table` looks like this kind: 0 = not at all."""
        raise NotImplementedError

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        """Evidence rows (the identity columns and those `gives` declares), indexed by the export's
        own row number; an InputError when the table cannot be read as this kind."""
        raise NotImplementedError

    def notes(self, table: ExportTable, lang: Lang) -> list[str]:
        """What the merge should say about this table beyond its counts: cells that hold no date or
        time it can read (the rest of their rows is used)."""
        if not table.unreadable:
            return []
        shown = listing((message("unreadable-cell", lang, row=row, column=header, value=value)
                         for row, header, value in table.unreadable[:5]), lang)
        more = message("and-more", lang, count=len(table.unreadable)) if len(table.unreadable) > 5 else ""
        return [message("export-unreadable-times", lang, cells=shown + more)]

    def named_sheet(self, table: ExportTable) -> bool:
        return any(normalize(n) in normalize(table.sheet) for n in self.sheet_names)


def identity(table: ExportTable) -> pd.DataFrame:
    """The columns that tell who a row is about, under their canonical names."""
    frame: pd.DataFrame = pd.DataFrame(index=table.rows.index)
    for field in IDENTITY:
        column = table.column(*field.headers)
        frame[field.key] = table.rows[column] if column else None
    return frame


def when(table: ExportTable, header: str | None, day: pd.Series | None = None) -> pd.Series:
    """The date-times of a column (bare times on `day`; no column, none); every filled cell that is
    none is noted on the table, so that the merge says which rows lost their time and why."""
    if header is None:
        return pd.Series(pd.NaT, index=table.rows.index, dtype="datetime64[ns]")
    raw = table.rows[header]
    parsed = parsing.when(raw, day)
    text = raw.astype(str).str.strip()
    bad = raw.notna() & (text != "") & parsed.isna() & ~text.isin(parsing.NOT_PARTICIPATED)
    if day is not None:
        bad &= day.notna()  # a time whose day is unreadable is said of the day
    table.unreadable += [(int(cast(int, row)), header, value) for row, value in raw[bad].items()]
    return parsed


def day_of(table: ExportTable, header: str | None) -> pd.Series:
    """The days of a column (a date, a date-time, 20-09-01 星期二), noted like `when`."""
    return cast(pd.Series, when(table, header).dt.normalize())


def has(table: ExportTable, *names: str) -> bool:
    return table.column(*names) is not None

