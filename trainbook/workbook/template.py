"""Builds a new master workbook (and the committed template) from the sheet declarations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainbook.i18n import Lang, listing, message
from trainbook.schema.buttons import PANEL_COLUMN, PANEL_WIDTHS
from trainbook.schema.columns import Column, Parameter, Sheet, labels
from trainbook.schema.dashboard import (
    BLOCKS,
    COLUMN_WIDTH,
    DATA_ROW,
    KPIS,
    MAX_ROWS,
    PRINTED_ROWS,
    RISK_COLOURS,
    RISK_FILLS,
    RISKS,
    SLOT_COLUMNS,
    SLOT_ROWS,
    SLOTS_PER_ROW,
    THEMES,
    TILE_COLUMNS,
    TILE_FILL,
    TILE_LABEL,
    TONE_COLOURS,
    TOP_ROWS,
    WIDTH,
    chart_places,
)
from trainbook.schema.notice_templates import NOTICE_TEMPLATES
from trainbook.schema.settings import PARAMETERS
from trainbook.schema.sheets import BY_KEY, SHEETS, first_rows

if TYPE_CHECKING:  # xlsxwriter is imported only to build a workbook, not by every operation that reads one
    from xlsxwriter.workbook import Format, Workbook
    from xlsxwriter.worksheet import Worksheet

FONT = "Microsoft YaHei"
NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "time": "hh:mm",
    "datetime": "yyyy-mm-dd hh:mm",
    "percent": "0.0%",
    "integer": "0",
    "number": "0.##",
    "id": "@",
    "mobile": "@",
}
FIXED_TIMESTAMP = dt.datetime(2026, 1, 1)
LAST_RUN_CELLS = ("C12", "C13", "C14")  # operation, time, outcome on the home sheet
HOME_WIDTHS = {0: 2, 1: 16, 2: 10, 3: 60, 4: 3,  # E–G: the buttons' panel in a .xlsm
               PANEL_COLUMN: PANEL_WIDTHS[0], PANEL_COLUMN + 1: PANEL_WIDTHS[1]}
MARK_FILL = "#FFC7CE"

class _Formats:
    """The few cell formats the template uses, created once per workbook."""

    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        self.wb = wb
        self.base = base
        self.header: dict[tuple[str, bool], Format] = {}
        self.column: dict[tuple[str, bool], Format] = {}
        self.title = wb.add_format({**base, "bold": True, "font_size": 18, "font_color": "#1F3864"})
        self.subtitle = wb.add_format({**base, "font_size": 11, "font_color": "#595959"})
        self.section = wb.add_format({**base, "bold": True, "font_size": 12, "font_color": "#1F3864",
                                      "bottom": 2, "bottom_color": "#1F3864"})
        self.text = wb.add_format({**base, "text_wrap": True})
        self.link = wb.add_format({**base, "font_color": "#0563C1", "underline": 1})
        self.muted = wb.add_format({**base, "font_color": "#7F7F7F"})
        self.table_header = wb.add_format({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1,
                                           "border_color": "#BFBFBF"})
        self.cell = wb.add_format({**base, "border": 1, "border_color": "#BFBFBF", "text_wrap": True})
        self.mark = wb.add_format({"bg_color": MARK_FILL, "font_color": "#9C0006"})

    def header_for(self, sheet: Sheet, col: Column) -> Format:
        key = (sheet.tab_color, col.required)
        if key not in self.header:
            self.header[key] = self.wb.add_format({
                **self.base, "bold": True, "text_wrap": True, "align": "center",
                "font_color": "#FFFFFF", "bg_color": sheet.tab_color if col.required else _tint(sheet.tab_color),
                "border": 1, "border_color": "#FFFFFF",
            })
        return self.header[key]

    def column_for(self, col: Column) -> Format:
        key = (col.kind, col.wrap)
        if key not in self.column:
            spec: dict[str, Any] = dict(self.base)
            if col.kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[col.kind]
            if col.wrap:
                spec["text_wrap"] = True
            self.column[key] = self.wb.add_format(spec)
        return self.column[key]


def _tint(hex_color: str, amount: float = 0.35) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


QR_COLUMN_WIDTH = 10  # characters: eight columns fill an A4 page's width


def build_workbook(path: Path, lang: Lang = "zh") -> None:
    """Write a new, empty master workbook in `lang` to `path` (deterministic bytes)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    wb.set_properties({"title": message("home-title", lang), "author": "trainbook",
                       "created": FIXED_TIMESTAMP})
    wb.set_calc_mode("auto")
    formats = _Formats(wb)
    for sheet in SHEETS:
        ws = wb.add_worksheet(sheet.name(lang))
        ws.set_tab_color(sheet.tab_color)
        if sheet.hidden:
            ws.hide()
        ws.set_paper(9)
        ws.set_landscape()
        if sheet.key != "qr":  # the QR pages print at 100 %, one per session
            ws.fit_to_pages(1, 0)
        if sheet.key == "home":
            ws.fit_to_pages(1, 1)
            _home(ws, formats, lang)
            ws.activate()
        elif sheet.key == "dashboard":
            _dashboard(wb, ws, sheet.name(lang), formats, lang)
        elif sheet.key == "qr":
            _qr_sheet(ws, formats, lang)
        elif sheet.columns:
            _table_sheet(wb, ws, sheet, formats, lang)
        if sheet.key == "settings":
            _settings_rows(ws, formats, lang)
        elif sheet.key == "templates":
            _template_rows(ws, formats, lang)
        elif sheet.added:
            _first_rows(ws, sheet, formats, lang)
    wb.close()


def _table_sheet(wb: Workbook, ws: Worksheet, sheet: Sheet, formats: _Formats, lang: Lang) -> None:
    ws.set_row(0, 30)
    for idx, col in enumerate(sheet.columns):
        ws.set_column(idx, idx, col.width, formats.column_for(col))
        ws.write_string(0, idx, col.header(lang), formats.header_for(sheet, col))
    frozen_cols = 2 if sheet.key in ("enrollment", "progress") else 0
    ws.freeze_panes(1, frozen_cols)
    ws.repeat_rows(0)
    ws.autofilter(0, 0, 0, len(sheet.columns) - 1)
    if sheet.key == "progress":  # 风险 in its colour, as the manager report has it
        idx = sheet.keys.index("risk")
        for choice in sheet.column("risk").choices:
            fill, font = RISK_FILLS[choice.key]
            ws.conditional_format(1, idx, sheet.rows, idx, {
                "type": "cell", "criteria": "==", "value": f'"{choice.label(lang)}"',
                "format": wb.add_format({"bg_color": fill, "font_color": font})})
    for idx, col in enumerate(sheet.columns):  # a generated sheet's column that names a row elsewhere is hers to fill
        rule = _validation_rule(col, lang) if sheet.role == "input" or col.refers_to else None
        if rule:
            ws.data_validation(1, idx, sheet.rows, idx, rule)


def _validation_rule(col: Column, lang: Lang) -> dict[str, Any] | None:
    if col.choices:
        labels = col.choice_labels(lang)
        return {"validate": "list", "source": labels, "error_type": "stop",
                "error_title": message("rule-choose-title", lang),
                "error_message": message("rule-choose", lang, allowed=listing(labels, lang))}
    if col.refers_to and not col.many:
        target = BY_KEY[col.refers_to]
        source = f"='{target.name(lang)}'!$A$2:$A${target.rows + 1}"
        return {"validate": "list", "source": source, "error_type": "warning",
                "error_title": message("rule-unknown-id-title", lang),
                "error_message": message("rule-unknown-id", lang, sheet=target.name(lang))}
    if col.kind == "date":
        return {"validate": "date", "criteria": ">=", "value": dt.date(2000, 1, 1), "error_type": "stop",
                "error_title": message("rule-date-title", lang), "error_message": message("rule-date", lang)}
    if col.kind == "time":
        return {"validate": "time", "criteria": "between", "minimum": dt.time(0, 0),
                "maximum": dt.time(23, 59, 59), "error_type": "stop",
                "error_title": message("rule-time-title", lang), "error_message": message("rule-time", lang)}
    if col.kind in ("integer", "number", "percent") and (col.min is not None or col.max is not None):
        rule: dict[str, Any] = {"validate": "integer" if col.kind == "integer" else "decimal",
                                "error_type": "warning"}
        if col.min is not None and col.max is not None:
            rule.update(criteria="between", minimum=col.min, maximum=col.max)
            shown = f"{col.min:g}–{col.max:g}" if col.kind != "percent" else "0–100%"
        else:
            rule.update(criteria=">=", value=col.min)
            shown = f"≥ {col.min:g}"
        rule["error_title"] = message("rule-range-title", lang)
        rule["error_message"] = message("rule-range", lang, range=shown)
        return rule
    return None


def _settings_rows(ws: Worksheet, formats: _Formats, lang: Lang) -> None:
    for row, param in enumerate(PARAMETERS, start=1):
        default = _parameter_default(param, lang)
        ws.write_string(row, 0, param.key)
        ws.write_string(row, 1, param.label(lang))
        if isinstance(default, str):
            ws.write_string(row, 2, default)
            ws.write_string(row, 3, default)
        else:
            ws.write_number(row, 2, default)
            ws.write_number(row, 3, default)
        ws.write_string(row, 4, param.explain(lang), formats.text)
        if param.choices:
            ws.data_validation(row, 2, row, 2, {"validate": "list",
                                                "source": [c.label(lang) for c in param.choices]})
        elif param.kind in ("integer", "number") and param.min is not None:
            ws.data_validation(row, 2, row, 2, {
                "validate": "integer" if param.kind == "integer" else "decimal",
                "criteria": "between", "minimum": param.min, "maximum": param.max,
                "error_type": "warning"})


def _parameter_default(param: Parameter, lang: Lang) -> str | float:
    if param.key == "language":  # an English workbook says so
        return labels(param.choices, lang)[lang] if param.choices else lang
    if param.choices:
        return labels(param.choices, lang)[str(param.default)]
    if param.default is None:
        return ""
    return param.default


def _template_rows(ws: Worksheet, formats: _Formats, lang: Lang) -> None:
    for row, template in enumerate(NOTICE_TEMPLATES, start=1):
        name, subject, body = template.texts(lang)
        ws.write_string(row, 0, template.kind)
        ws.write_string(row, 1, name)
        ws.write_string(row, 2, subject)
        ws.write_string(row, 3, body, formats.text)


def _first_rows(ws: Worksheet, sheet: Sheet, formats: _Formats, lang: Lang) -> None:
    for row, values in enumerate(first_rows(sheet.key, lang), start=1):
        for key, value in values.items():
            ws.write_string(row, sheet.keys.index(key), value, formats.text if sheet.column(key).wrap else None)


def _dashboard(wb: Workbook, ws: Worksheet, name: str, formats: _Formats, lang: Lang) -> None:
    """Title, the headline tiles (figures written by `progress`), the grid of charts drawn over the
    largest data blocks, and a landscape page of the tiles and charts; `progress` fills the blocks
    and trims the charts to what it wrote."""
    ws.hide_gridlines(2)
    ws.set_row(0, 30)
    ws.write(0, 0, name, formats.title)
    percent = wb.add_format({**formats.base, "num_format": "0.0%"})
    ws.set_column(0, WIDTH - 1, COLUMN_WIDTH)
    for block in BLOCKS:
        if block.percent:
            ws.set_column(block.column + 1, block.column + len(block.zh) - 1, COLUMN_WIDTH, percent)
    label = wb.add_format({**formats.base, "font_color": TILE_LABEL, "bg_color": TILE_FILL, "align": "center",
                           "left": 2, "right": 2, "border_color": "#FFFFFF"})
    figures = {size: wb.add_format({**formats.base, "bold": True, "font_size": size, "font_color": "#1F3864",
                                    "bg_color": TILE_FILL, "align": "center", "shrink": True, "left": 2, "right": 2,
                                    "border_color": "#FFFFFF"}) for size in (18, 12)}
    ws.set_row(TOP_ROWS - 1, 34)
    for i, column in enumerate(KPIS):  # a figure large; a text (the certificate counts) smaller, shrunk to fit
        left = i * TILE_COLUMNS
        ws.merge_range(TOP_ROWS - 2, left, TOP_ROWS - 2, left + TILE_COLUMNS - 1, column.header(lang), label)
        ws.merge_range(TOP_ROWS - 1, left, TOP_ROWS - 1, left + TILE_COLUMNS - 1, "—",
                       figures[18 if column.kind in NUMBER_FORMATS else 12])
    for block, (row, col, columns) in zip(BLOCKS, chart_places()):
        chart = wb.add_chart({"type": block.chart_type, **({"subtype": block.subtype} if block.subtype else {})})
        categories = [name, DATA_ROW, block.column, DATA_ROW + MAX_ROWS - 1, block.column]
        for j in range(1, 1 + (block.charted or len(block.zh) - 1)):
            chart.add_series({"name": [name, DATA_ROW - 1, block.column + j], "categories": categories,
                              "values": [name, DATA_ROW, block.column + j, DATA_ROW + MAX_ROWS - 1,
                                         block.column + j],
                              # a dLbls element of its own, even all "off", makes LibreOffice label every bar
                              **({"data_labels": {"value": True, "category": True}} if block.chart_type == "pie" else {}),
                              **({"points": [{"fill": {"color": c}} for c in RISK_COLOURS]} if block is RISKS else {}),
                              **({"fill": {"color": TONE_COLOURS[j - 1]}} if block is THEMES else {})})
        chart.set_title({"name": block.chart(lang),
                         "name_font": {"name": FONT, "size": 12}})
        chart.set_legend({"none": (block.charted == 1 or len(block.zh) == 2) and block.chart_type != "pie",
                          "position": "bottom"})
        if block.chart_type != "pie":
            axis: dict[str, Any] = {"num_font": {"name": FONT}}
            if block.percent:
                axis.update(num_format="0%", min=0, max=1)
            (chart.set_x_axis if block.chart_type == "bar" else chart.set_y_axis)(axis)
        if block.chart_type == "bar":  # the first category on top, as the block lists them
            chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"name": FONT}})
        # a slot's size in pixels: a column of COLUMN_WIDTH characters, rows of 20; a small gap all round
        chart.set_size({"width": columns * (COLUMN_WIDTH * 7 + 5) - 12, "height": SLOT_ROWS * 20 - 12})
        ws.insert_chart(row, col, chart, {"x_offset": 6, "y_offset": 6})
    ws.print_area(0, 0, PRINTED_ROWS - 1, SLOTS_PER_ROW * SLOT_COLUMNS - 1)
    ws.fit_to_pages(1, 1)


def _qr_sheet(ws: Worksheet, formats: _Formats, lang: Lang) -> None:
    """A page per session once `trainbook qr` has run: A4 portrait at 100 %, centred across the
    page, rows of a fixed height so that a page's block of rows fills one sheet of paper."""
    from trainbook.printing.qr import ROW_POINTS

    ws.set_portrait()
    ws.set_margins(left=0.6, right=0.6, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_default_row(ROW_POINTS)
    ws.set_column(0, 7, QR_COLUMN_WIDTH)
    ws.hide_gridlines(2)
    ws.write(0, 0, message("qr-hint", lang), formats.muted)


def _home(ws: Worksheet, formats: _Formats, lang: Lang) -> None:
    ws.hide_gridlines(2)
    for col, width in HOME_WIDTHS.items():
        if col <= 3:
            ws.set_column(col, col, width)
    ws.set_row(1, 32)
    ws.write(1, 1, message("home-title", lang), formats.title)
    ws.write(2, 1, message("home-subtitle", lang), formats.subtitle)
    ws.write(4, 1, message("home-steps-title", lang), formats.section)
    for i in range(3):
        ws.write(5 + i, 1, message(f"home-step-{i + 1}", lang))
    ws.write(8, 1, message("home-cli", lang), formats.muted)
    ws.write(10, 1, message("home-last-run-title", lang), formats.section)  # rows 12–14: LAST_RUN_CELLS
    for i, (label, value) in enumerate(zip(("operation", "time", "result"), ("—", "—", message("home-not-run", lang)))):
        ws.write(11 + i, 1, message(f"home-last-run-{label}", lang), formats.table_header)
        ws.merge_range(11 + i, 2, 11 + i, 3, value, formats.cell)
    ws.write(15, 1, message("home-sheets-title", lang), formats.section)
    top = 16
    for i, header in enumerate(("sheet", "kind", "purpose")):
        ws.write(top, 1 + i, message(f"home-header-{header}", lang), formats.table_header)
    for i, sheet in enumerate(s for s in SHEETS if s.key != "home" and not s.hidden):
        row = top + 1 + i
        name = sheet.name(lang)
        ws.write_url(row, 1, f"internal:'{name}'!A1", formats.link, name)
        ws.write(row, 2, message(f"role-{sheet.role}", lang), formats.cell)
        ws.write(row, 3, message(f"purpose-{sheet.key}", lang), formats.cell)
