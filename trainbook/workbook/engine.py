"""What every workbook engine offers: read a Master, write a few sheets and cell marks back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from trainbook.errors import InputError
from trainbook.i18n import message
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.master import Master, Table
from trainbook.workbook.sheet_xml import Rows

Cell = tuple[int, int]  # (Excel row, 0-based column)


@dataclass
class Update:
    """The changes one operation makes: whole data areas of some sheets, and cell marks.

    `tables` maps a sheet key to the rows that replace everything below its header; the frame's
    columns are column keys (or a user column's header text). `marks` maps a sheet key to the cells
    to mark; a sheet given with no cells has its earlier marks removed. `unmark` lists the cells
    marked last time, for engines that cannot recognise their own marks.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    marks: dict[str, list[Cell]] = field(default_factory=dict)
    unmark: dict[str, list[Cell]] = field(default_factory=dict)
    clear: list[str] = field(default_factory=list)  # sheets to empty entirely (the paste sheet)
    last_run: tuple[str, str, str] | None = None  # operation, time, outcome for the home sheet
    # sheet → (first data row, column letter → last data row): charts over it are trimmed to fit
    chart_ranges: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)


class Engine(Protocol):
    def read(self, keys: Iterable[str] | None = None) -> Master: ...

    def write(self, master: Master, update: Update) -> None: ...

    def raw(self, key: str) -> list[list[Any]]: ...


def rows_for(table: Table, frame: pd.DataFrame) -> Rows:
    """A frame's columns as the rows to write into `table`'s sheet, placed by header position."""
    columns = [c for c in frame.columns if c in table.positions]
    arrays = []
    for column in columns:
        values = frame[column].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = None
        arrays.append(values)
    return Rows(arrays, [table.positions[c] for c in columns], _heights(table, frame))


LINE_HEIGHT = 13.5


def _heights(table: Table, frame: pd.DataFrame) -> np.ndarray | None:
    """Row heights that show every line of the sheet's wrapped columns (spreadsheet programs do not
    grow rows on opening)."""
    wrapped = [c for c in table.sheet.columns if c.wrap and c.key in frame]
    if not wrapped or frame.empty:
        return None
    lines = np.ones(len(frame))
    for col in wrapped:
        text = frame[col.key].fillna("").astype(str)
        width = text.str.len() + text.str.count(r"[^\x00-\x7f]")  # CJK characters are two wide
        lines = np.maximum(lines, np.ceil(width.to_numpy() / (col.width * 1.15)))
    return np.minimum(lines * LINE_HEIGHT, 409)


def require_sheets(master: Master, update: Update) -> None:
    """Refuse, before anything is written, an update to a sheet the workbook does not have."""
    for key in [*update.tables, *update.clear]:
        if key not in master.tables and key not in master.names:
            raise InputError(message("sheet-missing", master.lang, path=master.source,
                                     sheet=BY_KEY[key].name(master.lang)))
