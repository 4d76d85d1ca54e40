"""The file engine: reads a closed .xlsx/.xlsm fast, and writes only the parts that change."""

from __future__ import annotations

import os
import re
import sys
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from html import escape
from pathlib import Path
from typing import Any, cast

import numpy as np
import python_calamine

from trainbook.errors import InputError, WriteError
from trainbook.i18n import Lang, default_lang, message
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook import journal
from trainbook.workbook.early import parse_sheet, take
from trainbook.workbook.edit import TableEdit, rows_for, table_edit
from trainbook.workbook.engine import Panel, Update, added_sheet, grown_headers, require_sheets
from trainbook.workbook.master import Master, Table, identify_sheets, refuse_non_master, table_from_values
from trainbook.workbook.package import (
    BIG_PART,
    NS_MAIN,
    NS_REL,
    CellBudget,
    PackageEdit,
    check_workbook_file,
    read_or_refuse,
    sheet_parts,
)
from trainbook.workbook.pictures import set_pictures, set_row_breaks
from trainbook.workbook.refs import column_letter
from trainbook.workbook.safety import check_replaceable, file_version, remove_leftovers, replace_atomically
from trainbook.workbook.sheet_patch import grow_ranges, patch_sheet
from trainbook.workbook.sheet_xml import (
    Link,
    Rows,
    clear_rows,
    column_styles,
    ensure_mark_style,
    mark_ranges,
    recalculate_on_load,
    replace_data_rows,
    set_links_within,
    set_marks,
    set_styles,
    set_texts,
    style_of,
    trim_chart_ranges,
    with_widths,
)
from trainbook.workbook.template import LAST_RUN_CELLS

STYLES_PART = "xl/styles.xml"
READERS = min(2, os.cpu_count() or 1)  # sheets read side by side
WORKBOOK_PART = "xl/workbook.xml"


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return cast(Callable[[int], int], ctypes.CDLL("libc.so.6").malloc_trim)
    except (OSError, AttributeError):  # not glibc
        return None


def give_back_memory() -> None:
    """Hand the system back what a reading thread's parse used and freed: glibc keeps a thread's
    freed pages for that thread, so a large sheet parsed in one would stay in the process's size."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class FileEngine:
    """A master workbook file on disk."""

    def __init__(self, path: Path | str, lang: Lang | None = None) -> None:
        self.path = Path(path)
        self.lang = lang or default_lang()
        self._budget = CellBudget(self.path, self.lang)
        self._version: tuple[int, int] | None = None

    def language(self) -> Lang:
        """The master's language; a workbook that is no master is refused (an export, the report)."""
        check_workbook_file(self.path, self.lang)
        with zipfile.ZipFile(self.path) as zf:
            names = [p.name for p in sheet_parts(zf)]
        refuse_non_master(names, self.path, self.lang)
        self.lang = identify_sheets(names)[1]
        return self.lang

    def read(self, keys: Iterable[str] | None = None, lazy: bool = False) -> Master:
        """Read the sheets named by `keys` (default: every declared sheet that has columns). The
        sheets are read side by side; `lazy` returns before they are all in (`Tables`)."""
        check_workbook_file(self.path, self.lang, extents=False)  # each sheet's reach: before it is read
        remove_leftovers(self.path.parent, self.path.name)  # of runs killed while writing it
        version = file_version(self.path)
        with read_or_refuse(self.path, self.lang):
            workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
            names = list(workbook.sheet_names)
            workbook.close()
        refuse_non_master(names, self.path, self.lang)
        found, lang = identify_sheets(names)
        self.lang = lang
        master = Master(self.path, lang, names, names=found, version=version)
        wanted = list(keys) if keys is not None else [k for k in found if BY_KEY[k].columns]
        done = journal.sent(self.path)  # what a run sent but could not record is recorded by the next
        if done and "notices" not in wanted and "notices" in found:
            wanted.append("notices")
        self._budget = CellBudget(self.path, lang)  # the cells of every sheet this read takes, together
        self._version = version  # a sheet parsed early (`early.begin`) is taken only of this version
        master.tables.expect(self._reading({key: found[key] for key in wanted if key in found}, lang))
        if done or not lazy:
            master.tables.wait()
        if done:
            master.settled = journal.settle(master, done)
            if master.settled:
                self._record_sent(master)
            else:
                journal.clear_if_held(self.path, lang, done)
        return master

    def read_more(self, master: Master, keys: Iterable[str]) -> None:
        """Add the sheets named by `keys` that `master` was not read with, read as `read` reads them
        (side by side, coming in lazily) and counted in the same budget of cells."""
        wanted = {key: master.names[key] for key in keys if key in master.names and key not in master.tables}
        if wanted:
            master.tables.expect(self._reading(wanted, master.lang))

    def _reading(self, sheets: dict[str, str], lang: Lang) -> dict[str, Future[Callable[[], Table]]]:
        """The sheets (key → name) being read, side by side: the fast reader lets go of Python
        while it parses, so the largest sheet — attendance, often most of the file — is parsed in
        one thread while the others are parsed (and made tables, and lazily worked on) meanwhile.
        Each sheet's reach is checked before it is parsed; its rows are made where it is looked up."""
        with zipfile.ZipFile(self.path) as zf:
            parts = {p.name: p.part for p in sheet_parts(zf)}
            sizes = {info.filename: info.file_size for info in zf.infolist()}
        budget = self._budget

        def size(key: str) -> int:
            return sizes.get(parts.get(sheets[key], ""), 0)

        def parse(key: str) -> Callable[[], Table]:
            parsed = []
            if (early := take(self.path, self._version, sheets[key])) is not None:
                try:
                    sheet, cells = early.result()
                except Exception:  # parsed again below, to be refused in the workbook's language
                    pass
                else:
                    budget.charge(cells)
                    parsed.append(sheet)
            if not parsed:
                parsed.append(parse_sheet(self.path, sheets[key], parts.get(sheets[key], ""), lang, budget)[0])

            def table() -> Table:
                with read_or_refuse(self.path, lang):
                    values = parsed.pop().to_python(skip_empty_area=False)  # the parse let go of here
                if size(key) > BIG_PART:
                    give_back_memory()
                return table_from_values(BY_KEY[key], sheets[key], values)

            return cache(table)  # made once, however often it is asked for

        pool = ThreadPoolExecutor(READERS)
        futures = {key: pool.submit(parse, key) for key in sorted(sheets, key=size, reverse=True)}
        pool.shutdown(wait=False)
        return futures

    def _record_sent(self, master: Master) -> None:
        """Write the sends the journal holds into the notices sheet before anything else — or, if
        the workbook cannot be written now (open in Excel), keep them for the write this run makes
        or a later run's."""
        try:
            self.write(master, Update())
        except WriteError:
            return
        master.version = file_version(self.path)

    def raw(self, key: str) -> list[list[Any]]:
        """A sheet's cell values as they are, row 1 first (for the paste sheet)."""
        with read_or_refuse(self.path, self.lang):
            workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
            try:
                found, _ = identify_sheets(workbook.sheet_names)
                if key not in found:
                    return []
                return workbook.get_sheet_by_name(found[key]).to_python(skip_empty_area=False)
            finally:
                workbook.close()

    def ready_to_write(self, master: Master) -> None:
        """Raise WriteError unless a write of `master` would succeed now."""
        check_replaceable(self.path, master.lang, master.version)

    def write(self, master: Master, update: Update) -> None:
        """Apply `update` to the file: atomic, backed up, and nothing else in the file changes. Sends
        the journal holds go in with it, and the journal is emptied once they are in."""
        if master.settled and "notices" not in update.tables:
            update.tables["notices"] = master.tables["notices"].frame
        self._write(master, update)
        if master.settled or journal.journal_path(self.path).exists() and "notices" in update.tables:
            journal.clear(self.path)
            master.settled = False

    def _write(self, master: Master, update: Update) -> None:
        master.tables.wait()  # a sheet refused while it was read stops the write
        give_back_memory()  # what reading and working out freed, before a large sheet is rewritten
        missing = require_sheets(master, update)
        with zipfile.ZipFile(self.path) as zf:
            package = PackageEdit(zf)
            parts = {p.name: p.part for p in sheet_parts(zf)}
            for key in missing:
                parts[BY_KEY[key].name(master.lang)] = _add_sheet(package, added_sheet(master, key),
                                                                  BY_KEY[key].name(master.lang), BY_KEY[key].hidden)
            patched = False
            for key, frame in update.tables.items():
                table = master.tables[key]
                part = parts[table.name]
                xml = package.read(part)
                if table.sheet.role == "generated":
                    if added := grown_headers(table, frame, master.lang):
                        xml = _with_headers(xml, added)
                    package.replace(part, replace_data_rows(xml, rows_for(table, frame), max(table.width - 1, 0),
                                                            column_styles(xml), table.sheet.top_rows))
                    continue
                edit = table_edit(table, frame)
                if not len(edit):
                    continue
                result = patch_sheet(xml, edit, column_styles(xml), table.last_row, table.original.index.to_numpy())
                package.replace(part, result.chunks)
                _grow_tables(package, part, result.old_last, result.new_last, master, table.name)
                patched = True
            if patched:  # formulas over the changed cells are recalculated when the book is opened
                package.replace(WORKBOOK_PART, [recalculate_on_load(package.read(WORKBOOK_PART))])
            marking = {k: cells for k, cells in update.marks.items() if k in master.tables}
            if marking:
                styles, dxf_id = ensure_mark_style(zf.read(STYLES_PART))
                if any(marking.values()):
                    package.replace(STYLES_PART, [styles])
                for key, cells in marking.items():
                    part = parts[master.tables[key].name]
                    package.replace(part, set_marks(package.read(part), mark_ranges(cells), dxf_id))
            if update.last_run and "home" in master.names:
                part = parts[master.names["home"]]
                package.replace(part, [set_texts(package.read(part), dict(zip(LAST_RUN_CELLS, update.last_run)))])
            for key, (first_row, last_rows) in update.chart_ranges.items():
                sheet = parts[master.names[key]]  # only the charts drawn on that sheet are trainbook's
                for part in (c for d in package.related(sheet, DRAWING_REL) for c in package.related(d, CHART_REL)):
                    chart = zf.read(part)
                    trimmed = trim_chart_ranges(chart, master.names[key], first_row, last_rows)
                    if trimmed != chart:
                        package.replace(part, [trimmed])
            for key, pictures in update.pictures.items():
                set_pictures(package, parts[master.names[key]], pictures)
            for key, after in update.row_breaks.items():
                part = parts[master.names[key]]
                package.replace(part, [set_row_breaks(package.read(part), after)])
            for key in update.clear:
                part = parts[master.names[key]]
                package.replace(part, [clear_rows(package.read(part))])
            for key in update.emptied:
                if key in master.names:
                    part = parts[master.names[key]]
                    package.replace(part, [clear_rows(package.read(part), keep=1)])
            for panel in update.panels:
                if panel.sheet in master.names:
                    part = parts[master.names[panel.sheet]]
                    package.replace(part, [_with_panel(package.read(part), panel)])
            if not package.replaced:
                return
            replace_atomically(self.path, lambda tmp: package.write(self.path, tmp), master.lang, master.version)


def _with_panel(xml: bytes, panel: Panel) -> bytes:
    """A sheet with `panel` written into its block of cells (each cell's value and link; a titled
    panel's title and header styled as the sheet's own section title and table header) and nothing
    else changed."""
    cells = [(panel.top + 1 + r, panel.left + c, value) for r in range(panel.height) for c in range(panel.width)
             for value in [panel.rows[r][c] if r < len(panel.rows) and c < len(panel.rows[r]) else None]]
    rows = np.array([r for r, _, _ in cells])
    cols = np.array([c for _, c, _ in cells])
    edit = TableEdit(rows, cols, np.array([v for _, _, v in cells], dtype=object), Rows([], []))
    patched = b"".join(patch_sheet(xml, edit, {}, panel.top + panel.height, np.array([])).chunks)
    title, header = (style_of(xml, "B5"), style_of(xml, "B12")) if panel.titled else (None, None)  # 首页's looks
    looks = {f"{column_letter(panel.left)}{panel.top + 1}": title} if title is not None else {}
    if header is not None:
        columns = range(panel.left, panel.left + panel.width)
        looks |= {f"{column_letter(c)}{panel.top + 1 + panel.header}": header for c in columns}
    patched = set_styles(patched, looks)
    links = [(f"{column_letter(c)}{r}", v.location) for r, c, v in cells if isinstance(v, Link)]
    patched = set_links_within(patched, links, range(panel.top + 1, panel.top + panel.height + 1),
                               range(panel.left, panel.left + panel.width))
    return with_widths(patched, panel.widths)


def _with_headers(xml: bytes, added: dict[int, str]) -> bytes:
    """Header cells for the columns `grown_headers` added to a sheet, styled as its first header."""
    cols = np.array(sorted(added))
    edit = TableEdit(np.ones(len(cols), dtype=int), cols, np.array([added[c] for c in cols], dtype=object), Rows([], []))
    style = style_of(xml, "A1")
    return b"".join(patch_sheet(xml, edit, {int(c): style for c in cols} if style is not None else {}, 1,
                                np.array([])).chunks)


WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _add_sheet(package: PackageEdit, headers: list[str], name: str, hidden: bool) -> str:
    """A new sheet at the end of the workbook holding only its header row; returns its part."""
    part = package.free_name("xl/worksheets/sheet{}.xml")
    cells = "".join(f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>{escape(h, quote=False)}</t></is></c>'
                    for i, h in enumerate(headers))
    package.add_part(part, (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}">'
                            f'<sheetData><row r="1">{cells}</row></sheetData></worksheet>').encode(), WORKSHEET_TYPE)
    rid = package.relate(WORKBOOK_PART, WORKSHEET_REL, part.removeprefix("xl/"))
    workbook = package.read(WORKBOOK_PART)
    bound = re.search(rb'xmlns:(\w+)="' + NS_REL.encode() + b'"', workbook)
    prefix = bound.group(1).decode() if bound else "r"
    declare = "" if bound else f' xmlns:r="{NS_REL}"'
    sheet_id = max((int(n) for n in re.findall(rb'<(?:\w+:)?sheet\b[^<>]*\bsheetId="(\d+)"', workbook)), default=0) + 1
    state = ' state="hidden"' if hidden else ""
    element = f'<sheet name="{escape(name)}" sheetId="{sheet_id}"{state}{declare} {prefix}:id="{rid}"/>'
    at = re.search(rb"</(?:\w+:)?sheets>", workbook)
    assert at is not None  # a sound workbook (check_workbook_file) lists its sheets
    package.replace(WORKBOOK_PART, [workbook[: at.start()] + element.encode() + workbook[at.start():]])
    return part


TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


def _grow_tables(package: PackageEdit, sheet_part: str, old_last: int, new_last: int, master: Master,
                 sheet: str) -> None:
    """Excel tables over the sheet that ended at its old last row now reach the new one. A table
    with a totals row cannot take rows below it: refused before anything is written."""
    if new_last <= old_last:
        return
    for part in package.related(sheet_part, TABLE_REL):
        xml = package.read(part)
        totals = re.search(rb'<(?:\w+:)?table\b[^<>]*\btotalsRowCount="([1-9]\d*)"', xml)
        if totals:
            name = re.search(rb'\bdisplayName="([^"]*)"', xml)
            raise InputError(message("table-totals-row", master.lang, path=master.source, sheet=sheet,
                                     table=name.group(1).decode() if name else ""))
        grown = grow_ranges(grow_ranges(xml, old_last, new_last, b"table"), old_last, new_last, b"autoFilter")
        if grown != xml:
            package.replace(part, [grown])
