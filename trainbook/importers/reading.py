"""Reading anything DingTalk produces into rows of cells: xlsx, xls, UTF-8/GBK csv, UTF-16 TSV.

The container is sniffed from the bytes, never from the file name.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import python_calamine

from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.workbook.package import (
    MAX_CELLS,
    OLE_MAGIC,
    ZIP_MAGIC,
    check_workbook_file,
    check_xls_file,
    read_or_refuse,
)
from trainbook.workbook.refs import column_letter

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"
MAX_TEXT_BYTES = 512 * 1024**2
MAX_ROWS = 1_048_576  # Excel's rows in a sheet
MAX_COLUMNS = 16_384  # Excel's columns
MAX_LINES_IN_CELL = 20  # more line breaks in one text-export cell: a quote that never closed swallowed the rows
MAX_CELL_TEXT = 32_767  # Excel's characters in a cell
PEEK_ROWS = 50  # a first look at an export: its title rows, headers and some data


@dataclass
class RawSheet:
    """One sheet (or a whole text file) as rows of cell values, row 1 first."""

    name: str
    rows: list[list[Any]]


def read_export(path: Path, lang: Lang) -> list[RawSheet]:
    """Every sheet of an export file as rows of values; InputError when it cannot be read."""
    if not path.is_file():
        raise InputError(message("file-not-regular" if path.exists() else "file-missing", lang, path=path))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP_MAGIC):
        check_workbook_file(path, lang)
        return _within_limits(_read_spreadsheet(path, lang), path, lang)
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            raise InputError(message("file-encrypted", lang, path=path))
        check_xls_file(path, lang)
        return _within_limits(_read_spreadsheet(path, lang), path, lang)
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise InputError(message("file-unsafe", lang, path=path, detail=message("unsafe-too-big", lang)))
    text = decode_text(path.read_bytes(), path, lang)
    lines, cells = text.count("\n"), max(text.count("\t"), text.count(","))
    if lines > MAX_ROWS:  # refused before a parser holds millions of rows or cells
        raise InputError(message("export-too-many-rows", lang, path=path, limit=MAX_ROWS))
    if cells > MAX_CELLS:
        raise InputError(message("file-too-many-cells", lang, path=path, cells=f"{cells:,}"))
    try:
        rows = parse_text(text)
    except csv.Error as exc:  # a cell longer than any export holds (131,072 characters), a stray NUL
        raise InputError(message("export-broken-text", lang, path=path, at=message("broken-cell", lang))) from exc
    if lines - len(rows) > MAX_LINES_IN_CELL:  # line breaks inside cells: one may be a quote that never closed
        for number, row in enumerate(rows, start=1):
            if any(cell.count("\n") > MAX_LINES_IN_CELL for cell in row):
                raise InputError(message("export-open-quote", lang, path=path, row=number))
    return _within_limits([RawSheet(path.stem, rows)], path, lang)


def first_rows(path: Path, lang: Lang) -> list[RawSheet] | None:
    """The first PEEK_ROWS rows of every sheet of an xlsx file, streamed: the rest is not parsed
    (enough to tell an export's kind while a large file is still to be read). None for another
    container, or a workbook the stream cannot follow — its full read says what is wrong. A
    package `read_export` refuses outright (not a sound zip, unsafe XML) is refused here first."""
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        if not fh.read(8).startswith(ZIP_MAGIC):
            return None
    check_workbook_file(path, lang, extents=False)  # how far its sheets reach does not matter to a stream
    import openpyxl

    try:
        with warnings.catch_warnings():  # what the stream thinks of the file's styles is nobody's business
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                return [RawSheet(sheet.title, _head(sheet)) for sheet in book.worksheets]
            finally:
                book.close()
    except Exception:  # a hint only: the full read reports the fault
        return None


def _head(sheet: Any) -> list[list[Any]]:
    """A streamed sheet's first rows as they are: DingTalk declares every sheet's range as A1
    whatever it holds, and a stream that believed it would cut each row to one cell."""
    sheet.reset_dimensions()
    return [list(row) for row in sheet.iter_rows(max_row=PEEK_ROWS, values_only=True)]


def _within_limits(sheets: list[RawSheet], path: Path, lang: Lang) -> list[RawSheet]:
    """The sheets, unless one has more rows or a longer text than an Excel sheet can hold: such a
    file did not come whole from DingTalk, and nothing of it is imported."""
    for sheet in sheets:
        if len(sheet.rows) > MAX_ROWS:
            raise InputError(message("export-too-many-rows", lang, path=path, limit=MAX_ROWS))
        width = max(map(len, sheet.rows), default=0)
        if width > MAX_COLUMNS or len(sheet.rows) * width > MAX_CELLS:
            raise InputError(message("file-too-large", lang, path=path, cell=f"{column_letter(width - 1)}{len(sheet.rows)}",
                                     rows=len(sheet.rows), cols=width))
        # every cell as text, at C speed: a number's or a date's is far shorter than the limit
        if max(map(len, map(str, chain.from_iterable(sheet.rows))), default=0) > MAX_CELL_TEXT:
            row, col, length = next((i, j, len(v)) for i, r in enumerate(sheet.rows, start=1) for j, v in enumerate(r)
                                    if type(v) is str and len(v) > MAX_CELL_TEXT)
            raise InputError(message("export-long-cell", lang, path=path, sheet=sheet.name,
                                     cell=f"{column_letter(col)}{row}", length=length, limit=MAX_CELL_TEXT))
    return sheets


def _read_spreadsheet(path: Path, lang: Lang) -> list[RawSheet]:
    with read_or_refuse(path, lang):
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            return [RawSheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                    for name in workbook.sheet_names]
        finally:
            workbook.close()


def decode_text(data: bytes, path: Path, lang: Lang) -> str:
    """Text from UTF-16 (BOM), UTF-8 (with or without BOM) or GBK/GB18030 bytes."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:  # cut short (an odd byte count) or a lone surrogate
            raise InputError(message("export-broken-text", lang, path=path,
                                     at=message("broken-byte", lang, at=exc.start))) from exc
    if data.startswith(UTF8_BOM):
        return data[3:].decode("utf-8", errors="replace")
    if b"\x00" in data[:4096]:
        raise InputError(message("export-unknown-format", lang, path=path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(message("export-unknown-format", lang, path=path)) from exc


def parse_text(text: str) -> list[list[Any]]:
    """Rows of a CSV or TSV text; the delimiter is whichever of tab and comma the lines favour."""
    sample = text[:20000]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [[cell.strip() for cell in row] for row in reader]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows
