"""Targeted edits of worksheet and styles XML, done as text so that nothing else in a part changes.

Parsing and re-serialising a part would rename namespace prefixes and drop markup compatibility
attributes that Excel relies on, so edits here splice strings at known places instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
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


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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
    for match in re.finditer(rb"<(?:\w+:)?col\b([^>]*)/?>", head):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', match.group(1)))
        if b"style" in attrs:
            for idx in range(int(attrs[b"min"]) - 1, int(attrs[b"max"])):
                styles[idx] = int(attrs[b"style"])
    return styles


def excel_serial(value: dt.datetime | dt.date | dt.time) -> float:
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - EXCEL_EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400


def _cell(ref: str, value: object, style: int | None, p: str) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value is ... or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isinf(value):
            return ""
        return f'<{p}c r="{ref}"{s}><{p}v>{value!r}</{p}v></{p}c>'
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return f'<{p}c r="{ref}"{s}><{p}v>{excel_serial(value)!r}</{p}v></{p}c>'
    text = escape(_ILLEGAL_XML.sub("", str(value)))
    return (f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}'
            f"</{p}t></{p}is></{p}c>")


@dataclass
class RenderedRows:
    xml: str
    links: list[tuple[str, str]]  # (cell ref, location)
    last_row: int


def render_rows(rows: Iterable[Sequence[object]], positions: Sequence[int], styles: dict[int, int],
                first_row: int = 2, prefix: str = "") -> RenderedRows:
    """Rows of values → <row> elements, each value placed at its column position.

    Text is always written as an inline string, so nothing imported can become a formula.
    """
    letters = [column_letter(pos) for pos in positions]
    col_styles = [styles.get(pos) for pos in positions]
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    p = prefix
    r = first_row - 1
    for r, row in enumerate(rows, start=first_row):
        cells = []
        for letter, style, value in zip(letters, col_styles, row):
            ref = f"{letter}{r}"
            if isinstance(value, Link):
                links.append((ref, value.location))
                value = value.text
            cells.append(_cell(ref, value, style, p))
        parts.append(f'<{p}row r="{r}">{"".join(cells)}</{p}row>')
    return RenderedRows("".join(parts), links, r)


def replace_data_rows(xml: bytes, rows: RenderedRows, last_col: int) -> bytes:
    """Keep the header row, replace every row below it, and set the sheet's links to `rows.links`."""
    p = _prefix(xml)
    start = xml.find(f"<{p}sheetData".encode())
    open_end = xml.find(b">", start) + 1
    if xml[open_end - 2 : open_end] == b"/>":
        body_start, body_end, close = open_end, open_end, b""
        opening = xml[start : open_end - 2] + b">"
        close = f"</{p}sheetData>".encode()
        tail_start = open_end
    else:
        opening = xml[start:open_end]
        body_start = open_end
        body_end = xml.find(f"</{p}sheetData>".encode(), body_start)
        close = f"</{p}sheetData>".encode()
        tail_start = body_end + len(close)
    body = xml[body_start:body_end]
    header = re.match(rb'\s*<(?:\w+:)?row\b[^>]*\br="1"[^>]*?(?:/>|>.*?</(?:\w+:)?row>)', body, re.S)
    kept = header.group(0) if header else b""
    head = _set_dimension(xml[:start], p, max(rows.last_row, 1), last_col)
    tail = _replace_links(xml[tail_start:], rows.links, p)
    return head + opening + kept + rows.xml.encode() + close + tail


def clear_rows(xml: bytes) -> bytes:
    """Every row of the sheet removed (its columns, views and formatting stay)."""
    p = _prefix(xml)
    emptied = re.sub(f"<{p}sheetData\\b[^>]*?(?:/>|>.*?</{p}sheetData>)".encode(),
                     f"<{p}sheetData/>".encode(), xml, count=1, flags=re.S)
    return _set_dimension(emptied, p, 1, 0)


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


def _replace_links(tail: bytes, links: list[tuple[str, str]], p: str) -> bytes:
    tail = re.sub(f"<{p}hyperlinks>.*?</{p}hyperlinks>|<{p}hyperlinks/>".encode(), b"", tail, flags=re.S)
    if not links:
        return tail
    body = "".join(f'<{p}hyperlink ref="{ref}" location={quoteattr(loc)} display={quoteattr(ref)}/>'
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
    block = re.search(f"<{p}dxfs\\b[^>]*?(?:/>|>(.*?)</{p}dxfs>)".encode(), styles, re.S)
    if block is None:
        element = f'<{p}dxfs count="1">{dxf}</{p}dxfs>'.encode()
        at = min([i for name in ("tableStyles", "colors", "extLst")
                  if (i := _find_tag(styles, p, name)) >= 0]
                 or [styles.rfind(f"</{p}styleSheet>".encode())])
        return styles[:at] + element + styles[at:], 0
    inner = block.group(1) or b""
    existing = re.findall(f"<{p}dxf\\s*/>|<{p}dxf\\b[^>]*>.*?</{p}dxf>".encode(), inner, re.S)
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
        for row in [*rows[1:], None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            refs.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
            if row is not None:
                start = prev = row
    return " ".join(refs)
