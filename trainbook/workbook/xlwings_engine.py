"""The xlwings engine: a book open in Excel (or handed over as JSON), read and written whole-range.

Each sheet costs a fixed number of Excel calls whatever its size: one read of its used range; for a
generated sheet one clear and one write of its data area; for an input sheet one write per run of
changed cells down a column and one for the new rows; one colour call per 10,000 marked cells' band.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from trainbook.i18n import Lang, default_lang
from trainbook.schema.sheets import BY_KEY
from trainbook.values import FORMULA_START
from trainbook.workbook import journal
from trainbook.workbook.edit import TableEdit, rows_for, table_edit
from trainbook.workbook.engine import Cell, Picture, Update, added_sheet, grown_headers, require_sheets
from trainbook.workbook.master import Master, Table, identify_sheets, refuse_non_master, table_from_values
from trainbook.workbook.sheet_xml import Link, Rows, excel_serial, trim_references
from trainbook.workbook.template import LAST_RUN_CELLS

MARK_COLOR = "#FFC7CE"
PICTURE_PREFIX = "trainbook-"  # the pictures trainbook placed, and may replace
MAX_COLOR_CELLS = 10_000


def _to_excel(value: object) -> object:
    """A Python value as xlwings should hand it to Excel: text stays text, links become formulas."""
    if isinstance(value, Link):
        location = value.location.replace('"', '""')
        text = value.text.replace('"', '""')
        return f'=HYPERLINK("#{location}","{text}")'
    if isinstance(value, str) and (value.startswith(FORMULA_START) or value.startswith("-")):
        return "'" + value
    if isinstance(value, dt.time):
        return excel_serial(value)
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


def _matrix(rows: Rows, width: int) -> list[list[object]]:
    matrix = np.full((len(rows), width), None, dtype=object)
    for pos, column in zip(rows.positions, rows.columns):
        matrix[:, pos] = [_to_excel(v) for v in column]
    return matrix.tolist()


class XlwingsEngine:
    """A workbook open through xlwings (Excel on Windows/macOS, or a JSON book)."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def language(self) -> Lang:
        return identify_sheets([sheet.name for sheet in self.book.sheets])[1]

    def read(self, keys: Iterable[str] | None = None, lazy: bool = False) -> Master:
        """Every sheet is in when this returns: Excel hands over one range at a time, whatever `lazy` asks."""
        names = [sheet.name for sheet in self.book.sheets]
        refuse_non_master(names, self.book.name, default_lang())
        found, lang = identify_sheets(names)
        # the full path: what an operation prints goes beside the workbook, and a button's Python
        # runs in the interpreter's folder, not the workbook's
        master = Master(self.book.fullname, lang, names, names=found)
        self.read_more(master, keys if keys is not None else [k for k in found if BY_KEY[k].columns])
        master.settled = journal.settle(master, journal.sent(Path(self.book.fullname)))  # kept until written to the file
        return master

    def read_more(self, master: Master, keys: Iterable[str]) -> None:
        """Add the sheets named by `keys` that `master` was not read with."""
        for key in keys:
            if key in master.names and key not in master.tables:
                values = self._values(master.names[key])
                master.tables[key] = table_from_values(BY_KEY[key], master.names[key], values or [[]])

    def raw(self, key: str) -> list[list[Any]]:
        found, _ = identify_sheets([sheet.name for sheet in self.book.sheets])
        return self._values(found[key]) if key in found else []

    def _values(self, name: str) -> list[list[Any]]:
        """A sheet's cell values from A1 to its last used cell, row 1 first."""
        sheet = self.book.sheets[name]
        last = sheet.used_range.last_cell
        return sheet.range((1, 1), (max(last.row, 1), max(last.column, 1))).options(ndim=2).value or []

    def ready_to_write(self, master: Master) -> None:
        """A book open in Excel can always take a write."""

    def write(self, master: Master, update: Update) -> None:
        for key in require_sheets(master, update):
            sheet = self.book.sheets.add(name=BY_KEY[key].name(master.lang), after=self.book.sheets[-1])
            sheet.range((1, 1)).value = [added_sheet(master, key)]
            if BY_KEY[key].hidden:
                sheet.visible = False
        for key, frame in update.tables.items():
            table = master.tables[key]
            sheet = self.book.sheets[table.name]
            if table.sheet.role == "generated":
                for position, header in grown_headers(table, frame, master.lang).items():
                    sheet.range((1, position + 1)).value = header
                self._replace(sheet, table, rows_for(table, frame))
            else:
                self._patch(sheet, table, table_edit(table, frame))
        for key in update.clear:
            self.book.sheets[master.names[key]].clear_contents()
        for key in update.emptied:
            if key in master.names:
                sheet = self.book.sheets[master.names[key]]
                last = sheet.used_range.last_cell
                if last.row > 1:
                    sheet.range((2, 1), (last.row, last.column)).clear_contents()
        if update.last_run and "home" in master.names:
            first, last = LAST_RUN_CELLS[0], LAST_RUN_CELLS[-1]
            self.book.sheets[master.names["home"]].range(f"{first}:{last}").value = [[v] for v in update.last_run]
        for key, cells in update.marks.items():
            if key in master.tables:
                self._colour(master.tables[key].name, cells, update.unmark.get(key, []))
        for key, pictures in update.pictures.items():
            self._pictures(self.book.sheets[master.names[key]], pictures)
        for key, after in update.row_breaks.items():
            self._row_breaks(self.book.sheets[master.names[key]], after)
        for panel in update.panels:
            if panel.sheet in master.names:
                rows = [*panel.rows, *[[] for _ in range(panel.height - len(panel.rows))]]
                block = [[_to_excel(row[c]) if c < len(row) else None for c in range(panel.width)] for row in rows]
                self.book.sheets[master.names[panel.sheet]].range((panel.top + 1, panel.left + 1)).value = block
        for key, (first_row, last_rows) in update.chart_ranges.items():
            self._chart_ranges(self.book.sheets[master.names[key]], first_row, last_rows)

    @staticmethod
    def _chart_ranges(sheet: Any, first_row: int, last_rows: dict[str, int]) -> None:
        """The sheet's charts ended at the data's last rows, series by series, through Excel's
        object model. A client without it (the JSON book of xlwings' remote interpreter carries no
        charts; macOS's scripting bridge names things otherwise) leaves the charts' full ranges,
        whose empty rows chart as nothing."""
        for chart in sheet.charts:
            try:
                series = chart.api[1].SeriesCollection()
                for n in range(1, series.Count + 1):
                    item = series.Item(n)
                    item.Formula = trim_references(item.Formula, sheet.name, first_row, last_rows)
            except (AttributeError, TypeError, IndexError):
                continue

    @staticmethod
    def _pictures(sheet: Any, pictures: list[Picture]) -> None:
        """trainbook's pictures on a sheet: the earlier ones deleted, each new one placed on its cell."""
        for old in [p for p in sheet.pictures if str(p.name).startswith(PICTURE_PREFIX)]:
            old.delete()
        with tempfile.TemporaryDirectory() as folder:
            for n, picture in enumerate(pictures):
                path = Path(folder) / f"{n}.png"
                path.write_bytes(picture.png)
                added = sheet.pictures.add(str(path), anchor=sheet.range((picture.row + 1, picture.col + 1)),
                                           width=picture.width / 2.54 * 72, height=picture.height / 2.54 * 72)  # cm → pt
                added.name = picture.name or f"{PICTURE_PREFIX}{n}"

    def _row_breaks(self, sheet: Any, after: list[int]) -> None:
        """Page ends, where the spreadsheet program offers them (Excel's object model; a JSON book has none)."""
        if getattr(self.book.app, "engine", None) is None or self.book.app.engine.name != "excel":
            return
        sheet.api.ResetAllPageBreaks()
        for row in after:
            sheet.api.HPageBreaks.Add(sheet.api.Rows(row + 1))

    @staticmethod
    def _replace(sheet: Any, table: Table, rows: Rows) -> None:
        """A generated sheet's data area, below its kept top rows: one clear and one write."""
        width, first = max(table.width, 1), table.sheet.top_rows + 1
        old_last = int(table.frame.index.max()) if len(table.frame) else sheet.used_range.last_cell.row  # laid out
        if old_last >= first:
            sheet.range((first, 1), (old_last, width)).clear_contents()
        if len(rows):
            sheet.range((first, 1)).value = _matrix(rows, width)

    @staticmethod
    def _patch(sheet: Any, table: Table, edit: TableEdit) -> None:
        """An input sheet: each run of changed cells down a column in one write, new rows in one
        write below the last used row; every other cell (the user's formulas too) untouched."""
        for col in np.unique(edit.cols):
            at = edit.cols == col
            rows, values = edit.rows[at], edit.values[at]
            breaks = np.flatnonzero(np.diff(rows) != 1) + 1
            for run_rows, run_values in zip(np.split(rows, breaks), np.split(values, breaks)):
                cells = sheet.range((int(run_rows[0]), int(col) + 1), (int(run_rows[-1]), int(col) + 1))
                cells.options(ndim=2).value = [[_to_excel(v)] for v in run_values]
        if len(edit.appended):
            width = max(edit.appended.positions) + 1
            sheet.range((table.last_row + 1, 1)).value = _matrix(edit.appended, width)

    def _colour(self, sheet_name: str, marks: list[Cell], unmarks: list[Cell]) -> None:
        """Fill marked cells and clear the fill of cells marked last time, one call per band."""
        colour: dict[Cell, str | None] = {cell: None for cell in unmarks}
        colour.update({cell: MARK_COLOR for cell in marks})
        if not colour:
            return
        sheet = self.book.sheets[sheet_name]
        top = min(r for r, _ in colour)
        bottom = max(r for r, _ in colour)
        left = min(c for _, c in colour)
        right = max(c for _, c in colour)
        width = right - left + 1
        band = max(1, MAX_COLOR_CELLS // width)
        for start in range(top, bottom + 1, band):
            end = min(start + band - 1, bottom)
            if not any(start <= r <= end for r, _ in colour):
                continue
            matrix: list[list[object]] = [
                [colour.get((r, c), ...) for c in range(left, right + 1)] for r in range(start, end + 1)
            ]
            sheet.range((start, left + 1), (end, right + 1)).set_colors(matrix)
