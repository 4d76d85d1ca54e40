"""A table edit: what an operation changes in an input sheet — the cells whose values change and the
rows to append. Worked out by comparing the sheet as read with the rows the operation wants, so an
input sheet is patched, never replaced."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd

from trainbook.uniques import distinct
from trainbook.workbook.master import Table
from trainbook.workbook.sheet_xml import Link, Rows, excel_serial


@dataclass
class TableEdit:
    """Changed cells of existing rows (parallel arrays, sorted by row then column) and new rows.

    `rows` are Excel row numbers, `cols` 0-based column positions. `appended` rows go below the
    sheet's last used row, in order."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    appended: Rows

    def __len__(self) -> int:
        return len(self.rows) + len(self.appended)


def canonical(value: object) -> str:
    """A cell value as a comparable text: what the cell would hold, whatever type carried it."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value == "":
        return ""
    if isinstance(value, Link):
        value = value.text
    if isinstance(value, (bool, np.bool_)):
        return f"b:{bool(value)}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"n:{float(value)!r}"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return f"n:{round(excel_serial(value), 8)!r}"
    return f"s:{value}"


def _canonical(values: np.ndarray) -> np.ndarray:
    codes, table = distinct(values)
    return cast(np.ndarray, np.array([canonical(v) for v in table], dtype=object)[codes])


def table_edit(table: Table, frame: pd.DataFrame) -> TableEdit:
    """The edit that turns `table` (as read) into `frame`.

    A row of `frame` whose index label is a row of the sheet as read is that row: its cells that
    differ are changed. Every other row of `frame` is appended. Rows of the sheet missing from
    `frame` are left as they are: an edit never deletes. Columns the sheet has no header for are
    not written."""
    original = table.original
    known = frame.index.isin(original.index)
    at = original.index.get_indexer(frame.index[known])
    excel_rows = original.index.to_numpy()[at]
    rows, cols, vals = [], [], []
    for column in frame.columns:
        if column not in table.positions or column not in original:
            continue
        new = frame[column].to_numpy(dtype=object)[known]
        old = original[column].to_numpy(dtype=object)[at]
        if len(new) == 0:
            continue
        differs = new != old
        if differs.any():
            maybe = np.flatnonzero(differs)
            shown = _canonical(new[maybe])
            really = shown != _canonical(old[maybe])
            changed = new[maybe[really]].copy()
            changed[shown[really] == ""] = None
            rows.append(excel_rows[maybe[really]])
            cols.append(np.full(int(really.sum()), table.positions[column]))
            vals.append(changed)
    if rows:
        r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
        order = np.lexsort((c, r))
        r, c, v = r[order], c[order], v[order]
    else:
        r, c, v = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, object)
    return TableEdit(r, c, v, rows_for(table, frame[~known]))


def unchanged(table: Table, frame: pd.DataFrame) -> bool:
    """Whether `frame`, as the whole of a sheet's rows, says what the sheet already says."""
    if len(frame) != len(table.original):
        return False
    return not len(table_edit(table, frame.set_axis(table.original.index)))


def rows_for(table: Table, frame: pd.DataFrame) -> Rows:
    """A frame's columns as the rows to write into `table`'s sheet, placed by header position
    (a column with nothing in it is not written: its cells are left to the sheet)."""
    arrays, positions = [], []
    for column in frame.columns:
        if column not in table.positions:
            continue
        values = frame[column].to_numpy(dtype=object, copy=True)
        blank = pd.isna(values)
        if blank.all() and len(values):
            continue
        values[blank] = None
        arrays.append(values)
        positions.append(table.positions[column])
    return Rows(arrays, positions, _heights(table, frame), first_row=table.sheet.top_rows + 1)


LINE_HEIGHT = 16  # points a line of 10-point text takes, with the CJK fonts' line spacing (YaHei, Noto)


def _heights(table: Table, frame: pd.DataFrame) -> np.ndarray | None:
    """Row heights that show every line of the sheet's wrapped columns (spreadsheet programs do not
    grow rows on opening): each line of a cell's text (it may hold line breaks) takes as many
    lines as its width needs, CJK characters counting two."""
    wrapped = [c for c in table.sheet.columns if c.wrap and c.key in frame]
    if not wrapped or frame.empty:
        return None
    lines = np.ones(len(frame))
    for col in wrapped:
        pieces = frame[col.key].fillna("").astype(str).reset_index(drop=True).str.split("\n").explode()
        width = pieces.str.len() + pieces.str.count(r"[^\x00-\x7f]")
        needed = (-(-width.astype(float) // (col.width * 1.15))).clip(lower=1).groupby(level=0).sum()  # ceil
        lines = np.maximum(lines, needed.to_numpy())
    return np.minimum(lines * LINE_HEIGHT, 409)
