"""Targeted edits of worksheet and styles XML, done as text so that nothing else in a part changes.

Parsing and re-serialising a part would rename namespace prefixes and drop markup compatibility
attributes that Excel relies on, so edits here splice strings at known places instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd

from trainbook.uniques import distinct
from trainbook.workbook.refs import column_index, column_letter

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
UNIX_EPOCH_SERIAL = 25569.0  # 1970-01-01 as an Excel serial
MARK_TOKEN = "trainbook-mark"
MARK_DXF = ('<dxf><font><color rgb="FF9C0006"/></font>'
            '<fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>')
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
# Elements that follow <hyperlinks> / <conditionalFormatting> in CT_Worksheet, in schema order.
_AFTER_HYPERLINKS = ("printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks",
                     "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
                     "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture",
                     "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")
_AFTER_CONDITIONAL = ("dataValidations", "hyperlinks", *_AFTER_HYPERLINKS)


@dataclass(frozen=True)
class Link:
    """A cell that shows `text` and jumps to `location` (e.g. `'考勤'!B5`) inside the workbook."""

    text: str
    location: str

    def __str__(self) -> str:
        return self.text


def _prefix(xml: bytes) -> str:
    match = _ROOT.search(xml[:4096])
    return match.group(1).decode() if match and match.group(1) else ""


def column_styles(xml: bytes) -> dict[int, int]:
    """Style index that each column (0-based) carries in the sheet's <cols>."""
    styles: dict[int, int] = {}
    head = xml[: xml.find(b"<sheetData") if b"<sheetData" in xml else len(xml)]
    for match in re.finditer(rb"<(?:\w+:)?col\b([^<>]*)/?>", head):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', match.group(1)))
        if b"style" in attrs:
            for idx in range(int(attrs[b"min"]) - 1, int(attrs[b"max"])):
                styles[idx] = int(attrs[b"style"])
    return styles


def excel_serial(value: dt.datetime | dt.date | dt.time) -> float:
    if isinstance(value, pd.Timestamp) and value.tz is None:
        return value.value / 86_400_000_000_000 + UNIX_EPOCH_SERIAL
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - EXCEL_EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400


def _cell_body(value: object, style: int | None, p: str) -> str | None:
    """Everything of a <c> element after its r="…" reference, or None for an empty cell."""
    s = f' s="{style}"' if style else ""
    if value is None or value is ... or value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, Link):
        value = value.text
    if isinstance(value, (bool, np.bool_)):
        return f'{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"{s}><{p}v>{float(value) if isinstance(value, np.floating) else value!r}</{p}v></{p}c>"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return f"{s}><{p}v>{excel_serial(value)!r}</{p}v></{p}c>"
    text = escape(_ILLEGAL_XML.sub("", str(value)), quote=False)
    return f'{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is></{p}c>'


CHUNK_ROWS = 20_000
_REF = re.compile(r"(?<![A-Za-z0-9_.$])(\$?[A-Z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")


@dataclass(frozen=True)
class CarriedFormula:
    """A formula column carried down to new rows, as an Excel table does: the formula's text in
    pieces, each either literal text or a row reference's offset from the formula's own row."""

    column: int
    pieces: tuple[str | int, ...]
    style: int | None

    @classmethod
    def relative(cls, text: str, row: int) -> tuple[str | int, ...]:
        """The formula `text` (as it stands in a cell of `row`) with its relative row numbers as offsets."""
        pieces: list[str | int] = []
        last = 0
        quoted = [m.span() for m in re.finditer(r'"[^"]*"|&quot;.*?&quot;', text)]
        for match in _REF.finditer(text):
            if match.group(2) or any(a <= match.start() < b for a, b in quoted):  # $-anchored, or text
                continue
            pieces += [text[last : match.start(3)], int(match.group(3)) - row]
            last = match.end(3)
        return (*pieces, text[last:])

    def render(self, numbers: np.ndarray) -> np.ndarray:
        """The formula's (XML-escaped) text for each Excel row number in `numbers`."""
        out = np.full(len(numbers), "", dtype=object)
        for piece in self.pieces:
            out = out + ((numbers + piece).astype(str).astype(object) if isinstance(piece, int) else piece)
        return out


@dataclass
class Rows:
    """Data rows to write below a header: values by column position, rendered lazily in chunks."""

    columns: list[np.ndarray]  # one object array of values per written column
    positions: list[int]
    heights: np.ndarray | None = None  # row heights in points, for rows of wrapped text
    first_row: int = 2
    formulas: list[CarriedFormula] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def split(self, count: int) -> tuple[Rows, Rows]:
        """The first `count` rows and the rest (which then start `count` rows lower)."""
        head = Rows([c[:count] for c in self.columns], self.positions,
                    None if self.heights is None else self.heights[:count], self.first_row, self.formulas)
        tail = Rows([c[count:] for c in self.columns], self.positions,
                    None if self.heights is None else self.heights[count:], self.first_row + count, self.formulas)
        return head, tail

    def links(self) -> list[tuple[str, str]]:
        found = []
        for pos, column in zip(self.positions, self.columns):
            letter = column_letter(pos)
            found += [(f"{letter}{i + self.first_row}", v.location) for i, v in enumerate(column)
                      if isinstance(v, Link)]
        return found

    def render(self, styles: dict[int, int], p: str) -> Iterator[bytes]:
        """<row> elements, CHUNK_ROWS at a time, cells in column order. Each distinct value of a
        column is rendered once, and text is always an inline string, so nothing written can
        become a formula (only a carried-down formula column is one)."""
        bodies: list[tuple[int, str, np.ndarray | CarriedFormula]] = []
        for pos, column in zip(self.positions, self.columns):
            codes, table = distinct(column)
            rendered = np.array([_cell_body(u, styles.get(pos), p) for u in table], dtype=object)
            bodies.append((pos, column_letter(pos), rendered[codes]))
        bodies += [(f.column, column_letter(f.column), f) for f in self.formulas if f.column not in self.positions]
        bodies.sort(key=lambda b: b[0])
        for start in range(0, len(self), CHUNK_ROWS):
            count = min(CHUNK_ROWS, len(self) - start)
            rows = np.arange(start + self.first_row, start + self.first_row + count)
            numbers = rows.astype(str).astype(object)
            if self.heights is None:
                row = f'<{p}row r="' + numbers + '">'
            else:
                height = self.heights[start : start + count].astype(str).astype(object)
                row = f'<{p}row r="' + numbers + '" ht="' + height + '" customHeight="1">'
            for _, letter, body in bodies:
                if isinstance(body, CarriedFormula):
                    s = f' s="{body.style}"' if body.style else ""
                    row = row + (f'<{p}c r="{letter}' + numbers + f'"{s}><{p}f>' + body.render(rows)
                                 + f"</{p}f></{p}c>")
                    continue
                part = body[start : start + count]
                filled = part != None  # noqa: E711 (element-wise)
                cells = np.full(count, "", dtype=object)
                cells[filled] = f'<{p}c r="{letter}' + numbers[filled] + '"' + part[filled]
                row = row + cells
            yield "".join(row + f"</{p}row>").encode()


_ROW = re.compile(rb'\s*<(?:\w+:)?row\b[^<>]*\br="(\d+)"[^<>]*?(?:/>|>.*?</(?:\w+:)?row>)', re.S)


def replace_data_rows(xml: bytes, rows: Rows, last_col: int, styles: dict[int, int], top: int = 1) -> Iterator[bytes]:
    """The sheet with its `top` rows (the header) kept, every row below replaced by `rows`, and its
    links set to those in `rows` — as a stream of chunks, so a large sheet is never held twice."""
    p = _prefix(xml)
    start = xml.find(f"<{p}sheetData".encode())
    open_end = xml.find(b">", start) + 1
    close = f"</{p}sheetData>".encode()
    if xml[open_end - 2 : open_end] == b"/>":
        opening, body, tail_start = xml[start : open_end - 2] + b">", b"", open_end
    else:
        body_end = xml.find(close, open_end)
        opening, body, tail_start = xml[start:open_end], xml[open_end:body_end], body_end + len(close)
    kept = 0
    while (row := _ROW.match(body, kept)) and int(row.group(1)) <= top:
        kept = row.end()
    yield _set_dimension(xml[:start], p, len(rows) + top, last_col) + opening + body[:kept]
    yield from rows.render(styles, p)
    yield close + _replace_links(xml[tail_start:], rows.links(), p)


def with_widths(xml: bytes, widths: dict[int, float]) -> bytes:
    """Column widths set where the sheet's <cols> does not give one already."""
    cols = re.search(rb"<(\w+:)?cols>(.*?)</\1?cols>", xml, re.S)
    given = {int(c) for lo, hi in re.findall(rb'min="(\d+)"[^<>]*max="(\d+)"', cols.group(2)) for c in
             range(int(lo), int(hi) + 1)} if cols else set()
    new = b"".join(f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'.encode()
                   for c, w in sorted(widths.items()) if c + 1 not in given)
    if not new:
        return xml
    if cols:
        return xml[: cols.end(2)] + new + xml[cols.end(2):]
    at = xml.find(b"<sheetData")
    return xml[:at] + b"<cols>" + new + b"</cols>" + xml[at:]


def set_styles(xml: bytes, styles: dict[str, int]) -> bytes:
    """Existing cells (by reference, e.g. 'I5') given a style; nothing else changes."""
    p = _prefix(xml)
    for ref, style in styles.items():
        xml = re.sub(f'(<{p}c r="{ref}")(?:\\s+s="\\d+")?'.encode(), f'\\1 s="{style}"'.encode(), xml, count=1)
    return xml


def style_of(xml: bytes, ref: str) -> int | None:
    """The style index of the cell at `ref` (e.g. 'A1'), if it has one."""
    match = re.search(f'<(?:\\w+:)?c r="{ref}"[^<>]*?\\ss="(\\d+)"'.encode(), xml)
    return int(match.group(1)) if match else None


def set_texts(xml: bytes, texts: dict[str, str]) -> bytes:
    """Put text into existing cells (by reference, e.g. 'C12'), keeping each cell's style."""
    p = _prefix(xml)
    for ref, text in texts.items():
        pattern = f'<{p}c r="{ref}"([^<>]*?)(?:/>|>.*?</{p}c>)'.encode()

        def cell(match: re.Match[bytes], text: str = text, ref: str = ref) -> bytes:
            style = re.search(rb'\ss="\d+"', match.group(1))
            s = style.group(0).decode() if style else ""
            body = escape(_ILLEGAL_XML.sub("", text), quote=False)
            return (f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{body}</{p}t>'
                    f"</{p}is></{p}c>").encode()

        xml = re.sub(pattern, cell, xml, count=1, flags=re.S)
    return xml


def trim_references(text: str, sheet_name: str, first_row: int, last_rows: dict[str, int]) -> str:
    """Every range of `sheet_name` in `text` (a chart part, or a series formula) that starts at
    `first_row` in a column of `last_rows`, ended at that column's last row."""
    def trim(match: re.Match[str]) -> str:
        column = match.group(2)
        if int(match.group(3)) != first_row or column not in last_rows:
            return match.group(0)
        return match.group(1) + str(last_rows[column])

    return _ranges(sheet_name).sub(trim, text)


def _ranges(sheet_name: str) -> re.Pattern[str]:
    """A range of `sheet_name` ('看板'!$B$5:$B$40): its start, column, first row; the last row follows."""
    quoted = re.escape(sheet_name.replace("'", "''"))
    return re.compile(f"('?{quoted}'?!\\$([A-Z]+)\\$(\\d+):\\$[A-Z]+\\$)\\d+")


def trim_chart_ranges(xml: bytes, sheet_name: str, first_row: int, last_rows: dict[str, int]) -> bytes:
    """In a chart part, trim the ranges of `sheet_name` (`trim_references`) and drop the cached
    values (the cells are the truth); a chart of another sheet is not trainbook's to touch."""
    text = xml.decode("utf-8")
    if _ranges(sheet_name).search(text) is None:
        return xml
    trimmed = trim_references(text, sheet_name, first_row, last_rows)
    return re.sub(r"<(\w+:)?(?:numCache|strCache)>.*?</\1?(?:numCache|strCache)>", "", trimmed, flags=re.S).encode()


def clear_rows(xml: bytes, keep: int = 0) -> bytes:
    """Every row of the sheet after the first `keep` removed (its columns, views and formatting stay)."""
    p = _prefix(xml)
    data = re.search(f"<{p}sheetData\\b[^<>]*?(?:/>|>(.*?)</{p}sheetData>)".encode(), xml, flags=re.S)
    if data is None:
        return xml
    rows = re.findall(f"<{p}row\\b[^<>]*?(?:/>|>.*?</{p}row>)".encode(), data.group(1) or b"", flags=re.S)
    kept = [row for i, row in enumerate(rows, start=1) if _row_number(row, i) <= keep]
    body = b"".join([f"<{p}sheetData>".encode(), *kept, f"</{p}sheetData>".encode()]) if kept else \
        f"<{p}sheetData/>".encode()
    cells = re.findall(rb'<(?:\w+:)?c\b[^<>]*?\br="([A-Z]+)\d+"', b"".join(kept))
    last_col = max((column_index(c) for c in cells), default=0)
    return _set_dimension(xml[:data.start()] + body + xml[data.end():], p, max(len(kept), 1), last_col)


def _row_number(row: bytes, position: int) -> int:
    number = re.search(rb'\br="(\d+)"', row[:200])
    return int(number.group(1)) if number else position


def _set_dimension(head: bytes, p: str, last_row: int, last_col: int) -> bytes:
    ref = f"A1:{column_letter(last_col)}{last_row}".encode()
    return re.sub(rb'(<(?:\w+:)?dimension\s+ref=")[^"]*(")', lambda m: m.group(1) + ref + m.group(2),
                  head, count=1)


def _insert_before(tail: bytes, element: bytes, followers: tuple[str, ...], p: str) -> bytes:
    positions = [i for name in followers if (i := _find_tag(tail, p, name)) >= 0]
    at = min(positions) if positions else tail.rfind(f"</{p}worksheet>".encode())
    return tail[:at] + element + tail[at:]


def _find_tag(xml: bytes, p: str, name: str) -> int:
    match = re.search(f"<{p}{name}[\\s/>]".encode(), xml)
    return match.start() if match else -1


def set_links_within(xml: bytes, links: list[tuple[str, str]], rows: range, cols: range) -> bytes:
    """A sheet with its hyperlinks inside the block `rows` × `cols` (Excel numbers, 0-based
    columns) replaced by `links` (cell reference, location); every other hyperlink kept."""
    p = _prefix(xml)

    def within(element: bytes) -> bool:
        ref = re.search(rb'\bref="([A-Z]+)(\d+)"', element)
        return ref is not None and int(ref.group(2)) in rows and column_index(ref.group(1)) in cols

    kept = [m.group(0) for m in re.finditer(f"<{p}hyperlink\\b[^>]*?/>".encode(), xml) if not within(m.group(0))]
    new = [f'<{p}hyperlink ref="{ref}" location="{escape(loc)}" display="{escape(ref)}"/>'.encode()
           for ref, loc in links]
    start = max(xml.rfind(f"</{p}sheetData>".encode()), xml.rfind(f"<{p}sheetData/>".encode()))
    head, tail = xml[:start], xml[start:]
    tail = re.sub(f"<{p}hyperlinks>.*?</{p}hyperlinks>|<{p}hyperlinks/>".encode(), b"", tail, flags=re.S)
    if kept or new:
        tail = _insert_before(tail, f"<{p}hyperlinks>".encode() + b"".join(kept + new) + f"</{p}hyperlinks>".encode(),
                              _AFTER_HYPERLINKS, p)
    return head + tail


def _replace_links(tail: bytes, links: list[tuple[str, str]], p: str) -> bytes:
    tail = re.sub(f"<{p}hyperlinks>.*?</{p}hyperlinks>|<{p}hyperlinks/>".encode(), b"", tail, flags=re.S)
    if not links:
        return tail
    body = "".join(f'<{p}hyperlink ref="{ref}" location="{escape(loc)}" display="{escape(ref)}"/>'
                   for ref, loc in links)
    return _insert_before(tail, f"<{p}hyperlinks>{body}</{p}hyperlinks>".encode(), _AFTER_HYPERLINKS, p)


def set_marks(xml: bytes, sqref: str, dxf_id: int) -> list[bytes | memoryview]:
    """Replace trainbook's own conditional-format marks in a sheet with a mark on `sqref` ("" = none).

    Returns the new part as chunks: the untouched rows as a view of `xml`, then the edited tail.
    """
    p = _prefix(xml)
    end = max(xml.rfind(f"</{p}sheetData>".encode()), 0)
    head, tail = memoryview(xml)[:end], xml[end:]
    tail = re.sub(
        f"<{p}conditionalFormatting\\b(?:(?!</{p}conditionalFormatting>).)*{MARK_TOKEN}"
        f"(?:(?!</{p}conditionalFormatting>).)*</{p}conditionalFormatting>".encode(),
        b"", tail, flags=re.S)
    if sqref:
        element = (f'<{p}conditionalFormatting sqref="{sqref}"><{p}cfRule type="expression" '
                   f'dxfId="{dxf_id}" priority="1"><{p}formula>ISTEXT("{MARK_TOKEN}")</{p}formula>'
                   f"</{p}cfRule></{p}conditionalFormatting>").encode()
        tail = _insert_before(tail, element, _AFTER_CONDITIONAL, p)
    return [head, tail]


def ensure_mark_style(styles: bytes) -> tuple[bytes, int]:
    """styles.xml with trainbook's red mark among its differential formats, and that format's index."""
    p_match = re.search(rb"<(\w+:)?styleSheet\b", styles)
    p = p_match.group(1).decode() if p_match and p_match.group(1) else ""
    dxf = MARK_DXF.replace("<", f"<{p}").replace(f"<{p}/", f"</{p}") if p else MARK_DXF
    block = re.search(f"<{p}dxfs\\b[^<>]*?(?:/>|>(.*?)</{p}dxfs>)".encode(), styles, re.S)
    if block is None:
        element = f'<{p}dxfs count="1">{dxf}</{p}dxfs>'.encode()
        at = min([i for name in ("tableStyles", "colors", "extLst")
                  if (i := _find_tag(styles, p, name)) >= 0]
                 or [styles.rfind(f"</{p}styleSheet>".encode())])
        return styles[:at] + element + styles[at:], 0
    inner = block.group(1) or b""
    existing = re.findall(f"<{p}dxf\\s*/>|<{p}dxf\\b[^<>]*>.*?</{p}dxf>".encode(), inner, re.S)
    if dxf.encode() in existing:
        return styles, existing.index(dxf.encode())
    new_inner = inner + dxf.encode()
    element = f'<{p}dxfs count="{len(existing) + 1}">'.encode() + new_inner + f"</{p}dxfs>".encode()
    return styles[: block.start()] + element + styles[block.end():], len(existing)


def mark_ranges(cells: Iterable[tuple[int, int]]) -> str:
    """(Excel row, 0-based column) pairs → a compact space-separated sqref of vertical runs."""
    by_col: dict[int, list[int]] = {}
    for row, col in cells:
        by_col.setdefault(col, []).append(row)
    refs = []
    for col in sorted(by_col):
        letter = column_letter(col)
        rows = sorted(set(by_col[col]))
        start = prev = rows[0]
        for row in [*rows[1:], -1]:  # -1 ends the last run
            if row == prev + 1:
                prev = row
                continue
            refs.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
            start = prev = row
    return " ".join(refs)


def recalculate_on_load(workbook: bytes) -> bytes:
    """workbook.xml asking the spreadsheet program to recalculate every formula when it opens the
    book, so formulas over cells trainbook changed never show stale cached values."""
    match = re.search(rb"<(\w+:)?calcPr\b([^<>]*?)(/?)>", workbook)
    if match is None:
        p_match = re.search(rb"<(\w+:)?workbook\b", workbook)
        p = p_match.group(1) if p_match and p_match.group(1) else b""
        at = min([i for name in (b"oleSize", b"customWorkbookViews", b"pivotCaches", b"smartTagPr", b"smartTagTypes",
                                 b"webPublishing", b"fileRecoveryPr", b"webPublishObjects", b"extLst")
                  if (i := workbook.find(b"<" + p + name)) >= 0] or [workbook.rfind(b"</" + p + b"workbook>")])
        return workbook[:at] + b"<" + p + b'calcPr fullCalcOnLoad="1"/>' + workbook[at:]
    attrs = match.group(2)
    if b"fullCalcOnLoad=" in attrs:
        attrs = re.sub(rb'fullCalcOnLoad="[^"]*"', b'fullCalcOnLoad="1"', attrs)
    else:
        attrs += b' fullCalcOnLoad="1"'
    return workbook[: match.start()] + b"<" + (match.group(1) or b"") + b"calcPr" + attrs + match.group(3) + b">" \
        + workbook[match.end():]
