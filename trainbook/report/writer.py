"""Writing a manager report with XlsxWriter: values only (no formulas, macros, hidden sheets or
links), every text redacted and inert, native charts, each sheet ready to print on A4 landscape."""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from trainbook import values
from trainbook.i18n import message
from trainbook.report.content import Report, redacted
from trainbook.schema.columns import Column
from trainbook.schema.dashboard import RISK_COLOURS, RISK_FILLS, TILE_FILL, TILE_LABEL
from trainbook.schema.report import (
    ACTION_TABLE,
    BAND_TABLE,
    CHARTS,
    COMMENTS,
    DEPARTMENTS,
    FEEDBACK,
    FEEDBACK_BY_SESSION,
    FEEDBACK_BY_TEACHER,
    OPEN_ITEMS,
    OVERVIEW,
    RISK_TABLE,
    SESSIONS,
    STUDENTS,
    THEME_TABLE,
    TILES,
    Chart,
)
from trainbook.schema.sheets import RISK

NUMBER_FORMATS = {"percent": "0.0%", "number": "0.0", "integer": "0", "date": "yyyy-mm-dd"}
GRID = "#D9D9D9"
TILES_PER_ROW, TILE_WIDTH = 4, 3  # tiles a row; columns a tile spans
CHART_ROW, CHART_ROWS, CHART_COLUMNS = 9, 17, 6  # first row (0-based) of the charts; rows and columns each takes


@functools.lru_cache(maxsize=65536)  # departments, statuses and what is still needed repeat down a column
def text(value: object) -> str:
    """A text as the report shows it: redacted, and never something that would run as a formula."""
    return str(values.inert(redacted(str(value))))


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))  # type: ignore[call-overload]


def _lines(value: object, width: float) -> int:
    """How many lines a text takes wrapped in a column `width` characters wide (a CJK character
    is about two)."""
    if not isinstance(value, str):
        return 1
    wide = sum(1 for ch in value if unicodedata.east_asian_width(ch) in "WF")
    return max(1, math.ceil((len(value) + 0.8 * wide) / max(width * 1.1, 1)))  # 10-point text in 11-point columns


class _Table:
    """Where a table was written: its sheet, header row, last row, first column and columns."""

    def __init__(self, sheet: str, header: int, last: int, left: int, columns: tuple[Column, ...]) -> None:
        self.sheet, self.header, self.last, self.left, self.columns = sheet, header, last, left, columns

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def cells(self, key: str) -> list[object]:
        """The range of one column's values, for a chart series."""
        j = self.left + [c.key for c in self.columns].index(key)
        return [self.sheet, self.header + 1, j, self.last, j]


class _Writer:
    def __init__(self, report: Report, path: Path, as_of: dt.date) -> None:
        self.report, self.lang, self.path = report, report.lang, path
        self.buffer = io.BytesIO()  # made in memory: the file is written in one go, and a failure is the file's
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_formulas": False,
                                                      "strings_to_urls": False, "strings_to_numbers": False})
        self.book.set_properties({"title": text(self.title), "author": "trainbook",
                                  "created": dt.datetime.combine(as_of, dt.time())})
        self.formats: dict[str, Format] = {}
        self.tables: dict[str, _Table] = {}
        self.risks = {c.label(self.lang): c.key for c in RISK}  # a risk label → its key

    @property
    def title(self) -> str:
        return f"{self.report.program} · {message('report-title', self.lang)}"

    @property
    def header(self) -> Format:
        return self.format("header", bold=True, bg_color="#DDEBF7", border=1, border_color="#9BC2E6",
                           text_wrap=True, align="center")

    def format(self, name: str, **spec: Any) -> Format:
        """A cell format, made once per name."""
        if name not in self.formats:
            self.formats[name] = self.book.add_format({"font_size": 10, "valign": "vcenter", **spec})
        return self.formats[name]

    def write(self) -> None:
        r = self.report
        sheets = {s.key: self.book.add_worksheet(s.name(self.lang)) for s in (OVERVIEW, DEPARTMENTS, STUDENTS,
                                                                               SESSIONS, FEEDBACK)}
        self.table(sheets["departments"], "departments", DEPARTMENTS.columns, r.departments, 0, freeze=True)
        self.scales(sheets["departments"], self.tables["departments"])
        self.table(sheets["students"], "students", STUDENTS.columns, r.students, 0, freeze=True)
        end = self.table(sheets["sessions"], "sessions", SESSIONS.columns, r.sessions, 0, freeze=True)
        if r.unrecorded:
            sheets["sessions"].write_string(end + 2, 0, text(message("report-unrecorded", self.lang,
                                                                      sessions=", ".join(r.unrecorded))))
        self.feedback(sheets["feedback"])
        self.overview(sheets["overview"])
        for sheet in sheets.values():
            self.print_ready(sheet)
        self.book.close()
        self.path.write_bytes(self.buffer.getvalue())

    def table(self, sheet: Worksheet, key: str, columns: tuple[Column, ...], frame: pd.DataFrame, top: int,
              freeze: bool = False, left: int = 0, filtered: bool = False) -> int:
        """A header at row `top` from column `left`, the frame's rows below it (with `filtered`, an
        autofilter over them; with `freeze`, the header frozen and printed on every page); returns
        the last row."""
        for j, column in enumerate(columns, start=left):
            sheet.write_string(top, j, text(column.header(self.lang)), self.header)
            sheet.set_column(j, j, column.width)
        sheet.set_row(top, 14 * max(_lines(c.header(self.lang), c.width) for c in columns))
        wrapped = [(k, c.width) for k, c in enumerate(columns) if c.wrap]
        for i, row in enumerate(frame.itertuples(index=False), start=top + 1):
            for j, (column, value) in enumerate(zip(columns, row), start=left):
                self.cell(sheet, i, j, column, value)
            lines = max((_lines(row[k], width) for k, width in wrapped), default=1)
            if lines > 1:  # a spreadsheet program sizes rows only when it edits them
                sheet.set_row(i, 14 * lines)
        last = top + len(frame)
        self.tables[key] = _Table(sheet.name, top, last, left, columns)
        if len(frame) and (filtered or freeze):
            sheet.autofilter(top, 0, last, len(columns) - 1)
        if freeze:
            sheet.freeze_panes(top + 1, 0)
            sheet.repeat_rows(top)
        return last

    def cell(self, sheet: Worksheet, row: int, col: int, column: Column, value: object,
             fmt: Format | None = None) -> None:
        fmt = fmt or self.cell_format(column, value)
        if _missing(value):
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, (pd.Timestamp, dt.date)):
            sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), fmt)
        elif column.kind in NUMBER_FORMATS and isinstance(value, (int, float)):
            sheet.write_number(row, col, float(value), fmt)
        else:
            sheet.write_string(row, col, text(value), fmt)

    def cell_format(self, column: Column, value: object) -> Format:
        """A table cell's format: its column's number format, or its risk's colours."""
        risk = self.risks.get(value) if column.key == "risk" and isinstance(value, str) else None
        if risk is not None:
            fill, font = RISK_FILLS[risk]
            return self.format(f"risk-{risk}", bg_color=fill, font_color=font, align="center", border=1,
                               border_color=GRID)
        return self.format(f"cell-{column.kind}-{column.wrap}", num_format=NUMBER_FORMATS.get(column.kind, "@"),
                           text_wrap=column.wrap, border=1, border_color=GRID)

    def scales(self, sheet: Worksheet, table: _Table) -> None:
        """Data bars on the rates, a colour scale on the scores."""
        if table.last == table.header:
            return
        for j, column in enumerate(table.columns):
            if column.kind == "percent":
                sheet.conditional_format(table.header + 1, j, table.last, j, {
                    "type": "data_bar", "bar_color": "#63BE7B", "bar_solid": True,
                    "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1})
            elif column.key == "final_score":
                sheet.conditional_format(table.header + 1, j, table.last, j, {
                    "type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84", "max_color": "#63BE7B"})

    def feedback(self, sheet: Worksheet) -> None:
        r = self.report
        title = self.format("block-title", bold=True, font_size=12)
        blocks: list[tuple[str, str, tuple[Column, ...], pd.DataFrame]] = [
            ("feedback", message("report-feedback-sessions", self.lang), FEEDBACK_BY_SESSION, r.feedback_by_session),
            ("teachers", message("report-feedback-teachers", self.lang), FEEDBACK_BY_TEACHER, r.feedback_by_teacher)]
        if r.themes is not None and not r.themes.empty:
            blocks.append(("themes", message("report-themes", self.lang), THEME_TABLE, r.themes))
        if r.actions is not None and not r.actions.empty:
            blocks.append(("actions", message("report-actions", self.lang), ACTION_TABLE, r.actions))
        if r.comments is not None:
            blocks.append(("comments", message("report-comments", self.lang), COMMENTS, r.comments))
        top = 0
        for key, heading, columns, frame in blocks:
            sheet.write_string(top, 0, text(heading), title)
            if key == "comments":
                self.comments(sheet, frame, top + 1)
            else:
                top = self.table(sheet, key, columns, frame, top + 1, filtered=key == "feedback") + 3

    def comments(self, sheet: Worksheet, frame: pd.DataFrame, top: int) -> None:
        """Comments under the rating tables: a comment spans the rating columns (which keep their
        widths), its row as tall as its text."""
        last = len(FEEDBACK_BY_SESSION) - 1
        width = sum(c.width for c in FEEDBACK_BY_SESSION[1:])
        header = self.header
        body = self.format("comment", text_wrap=True, valign="top", border=1, border_color=GRID)
        session = self.format("comment-session", valign="top", border=1, border_color=GRID)
        sheet.write_string(top, 0, text(COMMENTS[0].header(self.lang)), header)
        sheet.merge_range(top, 1, top, last, text(COMMENTS[1].header(self.lang)), header)
        for i, (label, comment) in enumerate(frame.itertuples(index=False), start=top + 1):
            sheet.write_string(i, 0, text(label), session)
            sheet.merge_range(i, 1, i, last, text(comment), body)
            sheet.set_row(i, 14 * _lines(comment, width))

    def overview(self, sheet: Worksheet) -> None:
        r = self.report
        last = TILES_PER_ROW * TILE_WIDTH - 1
        sheet.set_column(0, last, 11)
        sheet.merge_range(0, 0, 0, last, text(self.title), self.format("title", bold=True, font_size=18))
        sheet.merge_range(1, 0, 1, last, text(r.period), self.format("period", font_color="#595959"))
        sheet.set_row(0, 30)
        label = self.format("tile-label", font_color=TILE_LABEL, bg_color=TILE_FILL, align="center")
        for i, column in enumerate(TILES):
            row, col = 3 + (i // TILES_PER_ROW) * 3, (i % TILES_PER_ROW) * TILE_WIDTH
            sheet.merge_range(row, col, row, col + TILE_WIDTH - 1, text(column.header(self.lang)), label)
            fmt = self.format(f"tile-{column.kind}", bold=True, font_size=18 if column.kind in NUMBER_FORMATS else 12,
                              bg_color=TILE_FILL, align="center", num_format=NUMBER_FORMATS.get(column.kind, "@"))
            sheet.merge_range(row + 1, col, row + 1, col + TILE_WIDTH - 1, "", fmt)
            value = r.tiles[column.key]
            if _missing(value):
                value = "—"  # nothing to show yet (no responses from these people, say), not a blank to wonder at
            self.cell(sheet, row + 1, col, column, value, fmt)
            sheet.set_row(row + 1, 32)
        charts = [chart for chart in CHARTS if self.has_data(chart)]
        slots = len(charts) + 1  # the last holds the tables of risks and score bands
        # a page: the tiles and a row of charts, then two rows of charts each
        sheet.set_h_pagebreaks(list(range(CHART_ROW + CHART_ROWS, CHART_ROW + (slots + 1) // 2 * CHART_ROWS,
                                          2 * CHART_ROWS)))
        row, col = self.slot(len(charts))
        self.table(sheet, "risks", RISK_TABLE, pd.DataFrame(r.risks, columns=["risk", "students"]), row + 1, left=col)
        self.table(sheet, "bands", BAND_TABLE, pd.DataFrame(r.bands, columns=["band", "students"]), row + 1,
                   left=col + len(RISK_TABLE) + 1)
        if r.open_items is not None:  # what the program's team still has to do, under the counts
            below = row + 1 + max(len(r.risks), len(r.bands)) + 3
            sheet.write_string(below - 1, col, text(message("report-open-items", self.lang)), self.format(
                "subtitle", bold=True))
            if r.open_items.empty:
                sheet.write_string(below, col, text(message("report-no-open-items", self.lang)))
            else:
                self.table(sheet, "open_items", OPEN_ITEMS, r.open_items, below, left=col)
        for i, chart in enumerate(charts):
            row, col = self.slot(i)
            sheet.insert_chart(row, col, self.chart(chart), {"x_offset": 4, "y_offset": 4})

    @staticmethod
    def slot(i: int) -> tuple[int, int]:
        """The top-left cell of the overview's i-th place for a chart, two to a row."""
        return CHART_ROW + (i // 2) * CHART_ROWS, (i % 2) * CHART_COLUMNS

    def has_data(self, chart: Chart) -> bool:
        r = self.report
        counts = {"risks": r.risks, "bands": r.bands}
        if chart.table in counts:
            return sum(n for _, n in counts[chart.table]) > 0
        frame = {"sessions": r.sessions, "departments": r.departments, "feedback": r.feedback_by_session}[chart.table]
        return bool(frame[list(chart.series)].notna().any().any())

    def chart(self, chart: Chart) -> Any:
        block, table = chart.block, self.tables[chart.table]
        drawn = self.book.add_chart({"type": block.chart_type})
        categories = table.cells(chart.category)
        for key in chart.series:
            cells = table.cells(key)
            series: dict[str, Any] = {"categories": categories, "values": cells, "name": [table.sheet, table.header, cells[2]]}
            if block.chart_type == "pie":
                series |= {"points": [{"fill": {"color": c}} for c in RISK_COLOURS],
                           "data_labels": {"value": True, "category": True}}
            else:
                shown = NUMBER_FORMATS.get(table.column(key).kind, "0").replace(".0%", "%")
                series |= {"gap": 60, **({"data_labels": {"value": True, "num_format": shown}}
                                         if len(chart.series) == 1 else {})}
            drawn.add_series(series)
        if block.chart_type != "pie":
            axis: dict[str, object] = {"min": 0, "num_format": "0%" if block.percent else "0",
                                       "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}}
            if chart.axis_max is not None:
                axis["max"] = chart.axis_max
            (drawn.set_x_axis if block.chart_type == "bar" else drawn.set_y_axis)(axis)
        drawn.set_legend({"position": "bottom"} if len(chart.series) > 1 else {"none": True})
        drawn.set_title({"name": block.chart(self.lang),
                         "name_font": {"size": 12, "bold": True}})
        drawn.set_size({"width": CHART_COLUMNS * 80 - 8, "height": CHART_ROWS * 20 - 8})
        return drawn

    def print_ready(self, sheet: Worksheet) -> None:
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        sheet.set_header(f"&L{text(self.report.program).replace('&', '&&')}&R{sheet.name}")
        sheet.set_footer("&C&P / &N")


def write_report(report: Report, path: Path, as_of: dt.date) -> None:
    """Write `report` as a new workbook at `path`."""
    _Writer(report, path, as_of).write()
