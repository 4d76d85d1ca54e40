"""Patching an input sheet's XML cell by cell: only the `<c>` elements whose values change are
rewritten and new rows are added below; every other byte of the sheet stays as it was.

A changed cell keeps its style; the other cells of its row (the user's formulas, values, styles),
the row's height and hidden state, hyperlinks, merged cells and everything after the sheet data
are untouched. New rows take the column's style, and a user formula column that holds the same
relative formula in every row is carried down to them, as an Excel table would.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from trainbook.workbook.edit import TableEdit
from trainbook.workbook.refs import column_index, column_letter
from trainbook.workbook.sheet_xml import CarriedFormula, Rows, _cell_body, _prefix

_ROW = re.compile(rb"<(?:\w+:)?row\b([^<>]*?)(/?)>")
_ROW_START = re.compile(rb"<(\w+:)?row[\s/>]")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^<>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_R = re.compile(rb'\br="([A-Z]+)?(\d+)"')
_STYLE = re.compile(rb'\ss="(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b([^<>]*?)(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_SHARED = re.compile(rb'\bsi="(\d+)"')
_RANGE = re.compile(rb'(\bref=")([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?(")')


@dataclass
class Patched:
    """A patched sheet: its new text as chunks, and where its data ended before and ends now."""

    chunks: list[bytes | memoryview]
    old_last: int
    new_last: int


def patch_sheet(xml: bytes, edit: TableEdit, styles: dict[int, int], last_used: int,
                data_rows: np.ndarray) -> Patched:
    """Apply `edit` to a worksheet part. `last_used` is the sheet's last used row (new rows go
    below it) and `data_rows` the rows that hold data (for carrying formula columns down)."""
    p = _prefix(xml)
    start = xml.find(f"<{p}sheetData".encode())
    open_end = xml.find(b">", start) + 1
    head: bytes | memoryview
    tail: bytes | memoryview
    if xml[open_end - 2 : open_end] == b"/>":
        head, body_start, body_end = xml[:start] + f"<{p}sheetData>".encode(), open_end, open_end
        tail = f"</{p}sheetData>".encode() + xml[open_end:]
    else:
        body_start = open_end
        body_end = xml.find(f"</{p}sheetData>".encode(), body_start)
        head, tail = memoryview(xml)[:body_start], memoryview(xml)[body_end:]
    last_element = _last_row_number(xml, body_start, body_end, p)
    appended = edit.appended
    appended.first_row = last_used + 1
    if len(appended):
        written = set(appended.positions)
        appended.formulas = [f for f in carried_formulas(xml, body_start, body_end, last_used, data_rows)
                             if f.column not in written]
    # New rows that fall on rows the sheet already has (formatted but empty) are patched into them.
    overlap = max(0, min(len(appended), last_element - last_used))
    into_existing, below = appended.split(overlap)
    rows, cols, vals = _with_rows(edit, into_existing)
    chunks: list[bytes | memoryview] = []
    cursor = body_start
    view = memoryview(xml)
    bodies = _Bodies(p)
    for row, cells, formulas in _by_row(rows, cols, vals, into_existing):
        found = _find_row(xml, cursor, body_end, row)
        if found is None:  # no such row element: a new one goes where the order puts it
            at = _next_row_start(xml, cursor, body_end, row)
            chunks += [view[cursor:at], _new_row(row, cells, styles, p, formulas)]
            cursor = at
            continue
        row_start, content_start, row_end, self_closed = found
        chunks.append(view[cursor:row_start])
        element = xml[row_start:row_end]
        patched = None if formulas or self_closed else _patched_in_place(element, row, cells, bodies)
        chunks.append(patched if patched is not None else
                      _patched_row(element, row, cells, styles, p, formulas, content_start - row_start, self_closed))
        cursor = row_end
    chunks.append(view[cursor:body_end])
    new_last = max(last_element, last_used + len(appended)) if len(appended) else last_element
    last_col = max([int(cols.max()) if len(cols) else 0, *appended.positions, *(f.column for f in appended.formulas)])
    head_bytes = grow_dimension(bytes(head), new_last, last_col)
    tail_bytes = bytes(tail)
    if len(appended):
        tail_bytes = grow_ranges(tail_bytes, last_used, new_last, tag=b"autoFilter")
    return Patched([head_bytes, *_joined(chunks), *below.render(styles, p), tail_bytes], last_used, new_last)


def _joined(chunks: list[bytes | memoryview], size: int = 4096) -> Iterator[bytes]:
    """Many small pieces as fewer, larger ones (a zip stream writes each piece it is given)."""
    for start in range(0, len(chunks), size):
        yield b"".join(chunks[start : start + size])


class _Bodies:
    """Cell bodies (everything after r="…") rendered once per distinct value and style."""

    def __init__(self, p: str) -> None:
        self.p, self.cache = p, {}  # type: ignore[var-annotated]
        self.opening = f'<{p}c r="'.encode()
        self.closing = f"</{p}c>".encode()  # text never holds "</" (it must be escaped)

    def __call__(self, value: object, style: int | None) -> bytes:
        key = (type(value), value, style)
        try:
            return self.cache[key]  # type: ignore[no-any-return]
        except KeyError:
            self.cache[key] = rendered = _body(value, style, self.p)
            return rendered
        except TypeError:  # an unhashable value
            return _body(value, style, self.p)


def _patched_in_place(element: bytes, row: int, cells: list[tuple[int, object]], bodies: _Bodies) -> bytes | None:
    """The fast path: every cell to set is already in the row, written the usual way (`<c r="…"`
    first). None when the row needs the general path."""
    out, cursor = [], 0
    number = b'%d"' % row
    opening, closing = bodies.opening, bodies.closing
    for col, value in cells:
        tag = opening + _letters(col) + number
        begin = element.find(tag, cursor)
        if begin < 0:
            return None
        close = element.find(b">", begin)
        end = close + 1 if element[close - 1] == 47 else element.find(closing, close) + len(closing)  # 47: "/"
        at = element.find(b' s="', begin, close)
        style = int(element[at + 4 : element.find(b'"', at + 4)]) if at >= 0 else None
        out += [element[cursor:begin], tag, bodies(value, style)]
        cursor = end
    out.append(element[cursor:])
    return b"".join(out)


@functools.cache
def _letters(col: int) -> bytes:
    return column_letter(col).encode()


def _with_rows(edit: TableEdit, rows: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edit's changed cells plus the filled cells of `rows`, sorted by row and column."""
    if not len(rows):
        return edit.rows, edit.cols, edit.values
    numbers = np.arange(rows.first_row, rows.first_row + len(rows))
    r = np.concatenate([edit.rows, *(numbers for _ in rows.columns)])
    c = np.concatenate([edit.cols, *(np.full(len(rows), pos) for pos in rows.positions)])
    v = np.concatenate([edit.values, *rows.columns])
    keep = np.concatenate([np.ones(len(edit.rows), bool), *(col != None for col in rows.columns)])  # noqa: E711
    order = np.lexsort((c[keep], r[keep]))
    return r[keep][order], c[keep][order], v[keep][order]


def _by_row(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, new: Rows,
            ) -> Iterator[tuple[int, list[tuple[int, object]], list[CarriedFormula]]]:
    """Per row, in order: its cells to set, and the formulas to carry into it (new rows only)."""
    numbers = set(range(new.first_row, new.first_row + len(new)))
    unique, starts = np.unique(rows, return_index=True)
    ends = [*starts[1:].tolist(), len(rows)]
    col_list, val_list = cols.tolist(), list(vals)
    for row, lo, hi in zip(unique.tolist(), starts.tolist(), ends):
        yield row, list(zip(col_list[lo:hi], val_list[lo:hi])), new.formulas if row in numbers else []


def _last_row_number(xml: bytes, start: int, end: int, p: str) -> int:
    at = xml.rfind(f"<{p}row".encode(), start, end)
    while at >= start:
        match = _ROW.match(xml, at)
        if match:
            number = _R.search(match.group(1))
            return int(number.group(2)) if number else 1
        at = xml.rfind(f"<{p}row".encode(), start, at)
    return 1


def _span(xml: bytes, match: re.Match[bytes], end: int) -> tuple[int, int, int, bool]:
    if match.group(2):
        return match.start(), match.end(), match.end(), True
    prefix = _ROW_START.match(xml, match.start())
    closing = b"</" + ((prefix.group(1) if prefix else None) or b"") + b"row>"
    return match.start(), match.end(), xml.find(closing, match.end(), end) + len(closing), False


def _number(match: re.Match[bytes]) -> int:
    ref = _R.search(match.group(1))
    return int(ref.group(2)) if ref else -1


def _find_row(xml: bytes, cursor: int, end: int, row: int) -> tuple[int, int, int, bool] | None:
    """(start, content start, end, self-closed) of row element `row` at or after `cursor`."""
    hint = xml.find(b' r="%d"' % row, cursor, end)  # rows are in order: straight to it
    if hint >= 0:
        lt = xml.rfind(b"<", cursor, hint)
        start = _ROW_START.match(xml, lt) if lt >= 0 else None
        if start is not None:
            gt = xml.find(b">", hint)
            if xml.find(b"<", lt + 1, gt) < 0:  # the hint is inside this row's start tag
                if xml[gt - 1] == 47:  # "/": an empty row
                    return lt, gt + 1, gt + 1, True
                closing = b"</" + (start.group(1) or b"") + b"row>"
                return lt, gt + 1, xml.find(closing, gt) + len(closing), False
    for match in _ROW.finditer(xml, cursor, end):  # unusual markup: row by row
        if _number(match) == row:
            return _span(xml, match, end)
        if _number(match) > row:
            break
    return None


def _next_row_start(xml: bytes, cursor: int, end: int, row: int) -> int:
    for match in _ROW.finditer(xml, cursor, end):
        if _number(match) > row:
            return match.start()
    return end


def _body(value: object, style: int | None, p: str) -> bytes:
    """A cell's XML after its r="…" reference; an empty cell keeps only its style."""
    body = _cell_body(value, style, p)
    return ((f' s="{style}"/>' if style else "/>") if body is None else body).encode()


def _cell_xml(ref: str, value: object, style: int | None, p: str) -> bytes:
    return f'<{p}c r="{ref}"'.encode() + _body(value, style, p)


def _formula_xml(formula: CarriedFormula, row: int, p: str) -> bytes:
    text = formula.render(np.array([row]))[0]
    s = f' s="{formula.style}"' if formula.style else ""
    return f'<{p}c r="{column_letter(formula.column)}{row}"{s}><{p}f>{text}</{p}f></{p}c>'.encode()


def _new_row(row: int, cells: list[tuple[int, object]], styles: dict[int, int], p: str,
             formulas: list[CarriedFormula]) -> bytes:
    parts = {col: _cell_xml(f"{column_letter(col)}{row}", value, styles.get(col), p) for col, value in cells}
    parts.update({f.column: _formula_xml(f, row, p) for f in formulas if f.column not in parts})
    return f'<{p}row r="{row}">'.encode() + b"".join(parts[c] for c in sorted(parts)) + f"</{p}row>".encode()


def _patched_row(element: bytes, row: int, cells: list[tuple[int, object]], styles: dict[int, int], p: str,
                 formulas: list[CarriedFormula], content_at: int, self_closed: bool) -> bytes:
    """One row element with the given cells set: existing cells keep their style, missing ones are
    inserted in column order, every other cell stays byte for byte."""
    if self_closed:
        opening, content, closing = element[:-2] + b">", b"", f"</{p}row>".encode()
    else:
        close = element.rfind(b"</")
        opening, content, closing = element[:content_at], element[content_at:close], element[close:]
    present: list[tuple[int, int, int, bytes]] = []  # (column, start, end, attributes)
    for match in _CELL.finditer(content):
        ref = _R.search(match.group(1))
        if ref and ref.group(1):
            present.append((column_index(ref.group(1)), match.start(), match.end(), match.group(1)))
    wanted = dict(cells)
    empty_ok = {f.column for f in formulas}
    out, cursor = [], 0
    placed: set[int] = set()
    for col, begin, end, attrs in present:
        for new_col in sorted(c for c in [*wanted, *empty_ok] if c < col and c not in placed):
            out += [content[cursor:begin], _new_cell(new_col, row, wanted, formulas, styles, p)]
            cursor = begin
            placed.add(new_col)
        if col in wanted:
            style = _STYLE.search(attrs)
            kept = int(style.group(1)) if style else None
            out += [content[cursor:begin], _cell_xml(f"{column_letter(col)}{row}", wanted[col], kept, p)]
            cursor = end
            placed.add(col)
        elif col in empty_ok:
            placed.add(col)  # the row has its own cell there already
    out.append(content[cursor:])
    for new_col in sorted(c for c in [*wanted, *empty_ok] if c not in placed):
        out.append(_new_cell(new_col, row, wanted, formulas, styles, p))
    return _widened_spans(opening, [*wanted, *empty_ok]) + b"".join(out) + closing


def _widened_spans(opening: bytes, columns: list[int]) -> bytes:
    """A row's `spans` hint (first:last column, 1-based) made to cover the columns it now holds."""
    match = re.search(rb'\bspans="(\d+):(\d+)"', opening)
    if match is None or not columns:
        return opening
    first = min(int(match.group(1)), min(columns) + 1)
    last = max(int(match.group(2)), max(columns) + 1)
    return opening[: match.start()] + b'spans="%d:%d"' % (first, last) + opening[match.end():]


def _new_cell(col: int, row: int, wanted: dict[int, object], formulas: list[CarriedFormula],
              styles: dict[int, int], p: str) -> bytes:
    if col in wanted:
        return _cell_xml(f"{column_letter(col)}{row}", wanted[col], styles.get(col), p)
    return _formula_xml(next(f for f in formulas if f.column == col), row, p)


def carried_formulas(xml: bytes, start: int, end: int, last_used: int,
                     data_rows: np.ndarray) -> list[CarriedFormula]:
    """Formula columns to carry down: those whose every data row holds one formula, the same
    relative to its row (shared formulas count as their master's)."""
    if last_used < 2 or not len(data_rows):
        return []
    found = _find_row(xml, start, end, last_used)
    if found is None:
        return []
    row_xml = xml[found[1] : found[2]]
    candidates = []
    for match in _CELL.finditer(row_xml):
        ref = _R.search(match.group(1))
        if ref and ref.group(1) and match.group(2) and _FORMULA.search(match.group(2)):
            style = _STYLE.search(match.group(1))
            candidates.append((ref.group(1), int(style.group(1)) if style else None))
    wanted = set(int(r) for r in data_rows)
    out = []
    for letters, style_index in candidates:
        pattern = re.compile(rb'<(?:\w+:)?c\b[^<>]*?\br="' + letters + rb'(\d+)"([^<>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)',
                             re.S)
        forms: dict[int, tuple[str | int, ...]] = {}
        masters: dict[bytes, tuple[str | int, ...]] = {}
        sharers: list[tuple[int, bytes]] = []
        for cell in pattern.finditer(xml, start, end):
            row = int(cell.group(1))
            formula = _FORMULA.search(cell.group(3) or b"")
            if row not in wanted or formula is None:
                continue
            shared = _SHARED.search(formula.group(1))
            if formula.group(2):
                form = CarriedFormula.relative(formula.group(2).decode(), row)
                forms[row] = form
                if shared:
                    masters[shared.group(1)] = form
            elif shared:
                sharers.append((row, shared.group(1)))
        for row, si in sharers:
            if si in masters:
                forms[row] = masters[si]
        if set(forms) == wanted and len(set(forms.values())) == 1:
            out.append(CarriedFormula(column_index(letters), next(iter(forms.values())), style_index))
    return out


def grow_dimension(head: bytes, last_row: int, last_col: int) -> bytes:
    """The sheet's <dimension> widened to reach `last_row` and column `last_col` (never shrunk)."""
    def widen(match: re.Match[bytes]) -> bytes:
        right = max(column_index(match.group(4) or match.group(2)), last_col)
        bottom = max(int(match.group(5) or match.group(3)), last_row)
        return (match.group(1) + match.group(2) + match.group(3) + b":" + column_letter(right).encode()
                + str(bottom).encode() + match.group(6))

    at = re.search(rb"<(?:\w+:)?dimension\b[^<>]*>", head)
    if at is None:
        return head
    return head[: at.start()] + _RANGE.sub(widen, at.group(0), count=1) + head[at.end():]


def grow_ranges(xml: bytes, old_last: int, new_last: int, tag: bytes) -> bytes:
    """Every `ref` of a `tag` element (an Excel table, an auto-filter) that ends at `old_last`
    made to end at `new_last`, so the range covers the rows added below it."""
    def grow(match: re.Match[bytes]) -> bytes:
        element = match.group(0)

        def bottom(ref: re.Match[bytes]) -> bytes:
            if ref.group(4) is None or int(ref.group(5)) != old_last:
                return ref.group(0)
            return ref.group(1) + ref.group(2) + ref.group(3) + b":" + ref.group(4) + str(new_last).encode() + ref.group(6)

        return _RANGE.sub(bottom, element, count=1)

    return re.sub(rb"<(?:\w+:)?" + tag + rb"\b[^<>]*>", grow, xml)
