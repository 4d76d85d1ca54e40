"""What every workbook engine offers: read a Master, write a few sheets and cell marks back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

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


class Engine(Protocol):
    def read(self, keys: Iterable[str] | None = None) -> Master: ...

    def write(self, master: Master, update: Update) -> None: ...

    def raw(self, key: str) -> list[list[object]]: ...


def rows_for(table: Table, frame: pd.DataFrame) -> Rows:
    """A frame's columns as the rows to write into `table`'s sheet, placed by header position."""
    columns = [c for c in frame.columns if c in table.positions]
    arrays = []
    for column in columns:
        values = frame[column].to_numpy(dtype=object, copy=True)
        values[pd.isna(values)] = None
        arrays.append(values)
    return Rows(arrays, [table.positions[c] for c in columns])


def require_sheets(master: Master, update: Update) -> None:
    """Refuse, before anything is written, an update to a sheet the workbook does not have."""
    for key in [*update.tables, *update.clear]:
        if key not in master.tables and key not in master.names:
            raise InputError(message("sheet-missing", master.lang, path=master.source,
                                     sheet=BY_KEY[key].name(master.lang)))
