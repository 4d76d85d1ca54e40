"""What every workbook engine offers: read a Master, write a few sheets and cell marks back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.master import Master, Table, table_from_values

Cell = tuple[int, int]  # (Excel row, 0-based column)


@dataclass
class Update:
    """The changes one operation makes: the rows some sheets should hold, and cell marks.

    `tables` maps a sheet key to the rows it should hold below its header; the frame's columns are
    column keys (or a user column's header text). A generated sheet's data area is replaced by
    them. An input or system sheet is patched: rows labelled with a row of the sheet as read
    change only in the cells whose values differ, other rows are appended, and nothing else of the
    sheet changes (see `workbook.edit`). `marks` maps a sheet key to the cells
    to mark; a sheet given with no cells has its earlier marks removed. `unmark` lists the cells
    marked last time, for engines that cannot recognise their own marks.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    marks: dict[str, list[Cell]] = field(default_factory=dict)
    unmark: dict[str, list[Cell]] = field(default_factory=dict)
    clear: list[str] = field(default_factory=list)  # sheets to empty entirely (the paste sheet)
    emptied: list[str] = field(default_factory=list)  # sheets whose rows below the first are removed (`next`)
    last_run: tuple[str, str, str] | None = None  # operation, time, outcome for the home sheet
    # sheet → (first data row, column letter → last data row): charts over it are trimmed to fit
    chart_ranges: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    # sheet → the pictures it should show (all of trainbook's there, replacing earlier ones), and
    # the rows after which a printed page ends
    pictures: dict[str, list[Picture]] = field(default_factory=dict)
    row_breaks: dict[str, list[int]] = field(default_factory=dict)
    panels: list[Panel] = field(default_factory=list)  # blocks of cells trainbook owns on a sheet (首页's 待办)


@dataclass(frozen=True)
class Panel:
    """A block of cells on a sheet that is trainbook's alone: `rows` (text, numbers or Links) from
    the 0-based (`top`, `left`), and blank cells below them down to `height` rows, so that a shorter
    block leaves nothing of an earlier one behind. Its cells keep their look (the template's), or,
    `titled`, its first row looks like the sheet's section titles and row `header` like its table
    headers; `widths` are the columns' widths where the sheet gives none."""

    sheet: str
    top: int
    left: int
    rows: list[list[object]]
    height: int
    width: int
    widths: dict[int, float] = field(default_factory=dict)
    titled: bool = False
    header: int = 1  # the column headers' row (0-based; a title above them)


@dataclass(frozen=True)
class Picture:
    """A PNG placed with its top-left corner on a cell (0-based row and column), `width` × `height` cm."""

    png: bytes
    row: int
    col: int
    width: float
    height: float
    name: str = ""


class Engine(Protocol):
    def language(self) -> Lang:
        """The workbook's language, told from its sheet names (without reading any sheet)."""
        ...

    def read(self, keys: Iterable[str] | None = None, lazy: bool = False) -> Master:
        """The sheets named by `keys`; with `lazy`, some may still be coming (`Tables`)."""
        ...

    def read_more(self, master: Master, keys: Iterable[str]) -> None:
        """Add the sheets named by `keys` that `master` was not read with (still coming, after a
        lazy read), from the same file."""
        ...

    def write(self, master: Master, update: Update) -> None: ...

    def ready_to_write(self, master: Master) -> None:
        """Raise WriteError unless a write of `master` would succeed now."""
        ...

    def raw(self, key: str) -> list[list[Any]]: ...


def require_sheets(master: Master, update: Update) -> list[str]:
    """Refuse, before anything is written, an update to an input sheet the workbook does not have.
    Returns the generated sheets it lacks (a workbook made by an earlier version), and the sheets
    newer than it that trainbook adds with their first rows, for the engine to add."""
    missing = []
    for key in [*update.tables, *update.clear, *update.emptied]:
        if key not in master.tables and key not in master.names:
            if (BY_KEY[key].role == "generated" or BY_KEY[key].added) and key in update.tables:
                missing.append(key)
                continue
            raise InputError(message("sheet-missing", master.lang, path=master.source,
                                     sheet=BY_KEY[key].name(master.lang)))
    return missing


def added_sheet(master: Master, key: str) -> list[str]:
    """Take a sheet the engine has just added to the workbook; returns its header row."""
    sheet = BY_KEY[key]
    name, headers = sheet.name(master.lang), [c.header(master.lang) for c in sheet.columns]
    master.names[key] = name
    master.tables[key] = table_from_values(sheet, name, [headers])
    return headers


def grown_headers(table: Table, frame: pd.DataFrame, lang: Lang) -> dict[int, str]:
    """Declared columns of a generated sheet that its header row lacks (a workbook made before they
    were declared) but `frame` fills: placed after its last header and taken into the table, so
    nothing trainbook records is dropped. Returns position → header text, for the engine to write."""
    if table.sheet.role != "generated":
        return {}
    added = {}
    for column in table.sheet.columns:
        if column.key not in table.positions and column.key in frame and frame[column.key].notna().any():
            position = table.width
            table.positions[column.key] = position
            table.headers.append(column.header(lang))
            added[position] = column.header(lang)
    return added


def require_columns(master: Master, keys: Iterable[str]) -> None:
    """Refuse, before anything is computed from it, to work on a sheet whose required headers are
    not in row 1 (renamed, or pushed down by a title row): its rows could not be read or written.
    A sheet still being read is refused when it comes in, before anything can use it."""

    def refuse_without_columns(table: Table) -> None:
        if table.missing_required:
            column = table.sheet.column(table.missing_required[0]).header(master.lang)
            raise InputError(message("master-missing-column", master.lang, path=master.source, sheet=table.name,
                                     column=column))

    for key in keys:
        if key not in master.names:
            raise InputError(message("sheet-missing", master.lang, path=master.source,
                                     sheet=BY_KEY[key].name(master.lang)))
        master.tables.when_in(key, refuse_without_columns)
