"""A macro-enabled master: the same workbook plus the VBA project, a panel of form buttons on the
home sheet, and an `xlwings.conf` sheet naming the Python that runs them. Added as new parts, so
every sheet, value and style of the workbook stays as it was."""

from __future__ import annotations

import contextlib
import functools
import io
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xlsxwriter

from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.schema.buttons import BUTTONS, PANEL_COLUMN, PANEL_ROW, PANEL_WIDTHS
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.edit import TableEdit
from trainbook.workbook.package import NS_REL, PackageEdit, sheet_parts
from trainbook.workbook.sheet_patch import patch_sheet
from trainbook.workbook.sheet_xml import Rows, style_of, with_widths
from trainbook.workbook.template import FONT, HOME_WIDTHS

if TYPE_CHECKING:
    from pyopenvba import ExcelFile
    from pyopenvba.vba import VBAModuleKind

CONF_SHEET = "xlwings.conf"
MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_SIGNATURES = [f"http://schemas.microsoft.com/office/2006/relationships/vbaProjectSignature{v}"
                  for v in ("", "Agile", "V3")]
VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
BUTTON_SIZE = (PANEL_WIDTHS[0] * 7, 30)  # pixels: as wide as the panel's column (a character is 7), less a margin


def vba_project() -> bytes:
    """The committed VBA project (built by macros/build_vba_project.py)."""
    return (files("trainbook") / "data" / "vbaProject.bin").read_bytes()


def merged_project(package: PackageEdit, part: str, lang: Lang) -> bytes:
    """The workbook's VBA project (`part`) with trainbook's modules added, or replaced by the
    current ones; every other module's stream is left as it was. A project that is signed or has a
    password is not changed but refused: the signature would no longer hold, and a locked project
    is the coordinator's to open."""
    from pyopenvba.exceptions import PyOpenVBAError

    project = package.read(part)
    if project == vba_project():
        return project
    if any(package.related(part, kind) for kind in VBA_SIGNATURES):
        raise InputError(message("buttons-signed", lang))
    ours = _modules(vba_project())
    try:
        with _as_workbook(project) as (book, path):
            modules = book.vba_project()
            if modules.protection is not None and modules.protection.has_password:
                raise InputError(message("buttons-locked", lang))
            present = set(modules.module_names())
            for name, (source, kind) in ours.items():
                if name in present:
                    book.set_module(name, source)
                else:
                    modules.add_module(name, source, kind=kind)
            book.save(path)
            return _project_of(path)
    except PyOpenVBAError:
        raise InputError(message("buttons-unreadable", lang)) from None


@functools.cache
def _modules(project: bytes) -> dict[str, tuple[str, VBAModuleKind]]:
    """trainbook's modules in `project` (those a new project does not have), with their sources."""
    from pyopenvba import ExcelFile

    with _as_workbook(project) as (book, _), tempfile.TemporaryDirectory() as scratch:
        blank = Path(scratch) / "blank.xlsm"
        with ExcelFile.create_new(blank) as new:
            own = set(new.vba_project().module_names())
        modules = book.vba_project()
        return {name: (modules.get_module(name).source, modules.get_module(name).kind)
                for name in modules.module_names() if name not in own}


@contextlib.contextmanager
def _as_workbook(project: bytes) -> Iterator[tuple[ExcelFile, Path]]:
    """`project` in a scratch macro-enabled workbook, opened for editing (pyopenvba edits files)."""
    from pyopenvba import ExcelFile

    with tempfile.TemporaryDirectory() as scratch:
        shell, path = Path(scratch) / "shell.xlsm", Path(scratch) / "project.xlsm"
        with ExcelFile.create_new(shell) as new:
            new.save(shell)
        with zipfile.ZipFile(shell) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, project if info.filename == "xl/vbaProject.bin" else zin.read(info))
        with ExcelFile(path) as book:
            yield book, path


def _project_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/vbaProject.bin")


def interpreters() -> dict[str, str]:
    """The Python running now, for the platform it runs on (what a click should start)."""
    python = sys.executable
    if sys.platform == "win32":  # pythonw: a click opens no console window
        windowless = python[: -len("python.exe")] + "pythonw.exe" if python.lower().endswith("python.exe") else python
        return {"Interpreter_Win": windowless, "Interpreter_Mac": ""}
    return {"Interpreter_Win": "", "Interpreter_Mac": python if sys.platform == "darwin" else ""}


def write_macro_enabled(src: Path, dst: Path, lang: Lang) -> None:
    """Write `dst` as `src` made macro-enabled (`src` is only read)."""
    with zipfile.ZipFile(src) as zf:
        package = PackageEdit(zf)
        add_macros(package, lang)
        package.write(src, dst)


def add_macros(package: PackageEdit, lang: Lang) -> None:
    """Make the package a macro-enabled master: VBA project, button panel, conf sheet. On a
    macro-enabled workbook already, trainbook's modules are added to its project or brought up to
    date there (every other module kept as it is), its buttons stay, and the conf sheet names the
    Python running now."""
    workbook = "xl/workbook.xml"
    existing = package.related(workbook, VBA_REL)
    if existing:
        package.replace(existing[0], [merged_project(package, existing[0], lang)])
    else:
        package.add_part("xl/vbaProject.bin", vba_project(), VBA_PROJECT)
        package.relate(workbook, VBA_REL, "vbaProject.bin")
    package.set_content_type(workbook, MACRO_WORKBOOK)
    xml = package.read(workbook)
    if b"codeName=" not in xml:  # the project's ThisWorkbook module is this workbook
        xml = re.sub(rb"<(\w+:)?workbookPr\b", lambda m: m.group(0) + b' codeName="ThisWorkbook"', xml, count=1)
    package.replace(workbook, [xml])
    names = {p.name: p.part for p in sheet_parts(package.zf)}
    home = names.get(BY_KEY["home"].name(lang))
    if home is not None:
        _add_panel(package, home, lang)
    if CONF_SHEET in names:  # made before, maybe on another PC: name this Python now
        pairs = list(interpreters().items())
        edit = TableEdit(np.array([1, 2]), np.array([1, 1]), np.array([v or None for _, v in pairs], dtype=object),
                         Rows([], []))
        conf = names[CONF_SHEET]
        package.replace(conf, [b"".join(patch_sheet(package.read(conf), edit, {}, 2, np.array([1, 2])).chunks)])
    else:
        _add_conf_sheet(package, lang)


def _add_panel(package: PackageEdit, home: str, lang: Lang) -> None:
    """The buttons (a VML drawing, as Excel keeps form buttons) and a line on each beside it."""
    xml = package.read(home)
    block, vml = _renumbered(_buttons_vml(lang), package)
    existing = package.related(home, VML_REL)
    if existing:  # the sheet's comments live in a VML drawing already: the buttons join them
        old = package.read(existing[0])
        if b"<x:FmlaMacro>" in old:
            return  # it has buttons already (a copy made before): they stay as they are
        shapes = re.findall(rb"<v:shapetype\b.*?</v:shapetype>|<v:shape\b.*?</v:shape>", vml, re.S)
        old = re.sub(rb'(<o:idmap\b[^<>]*data=")([^"]*)"', lambda m: m.group(1) + m.group(2) + b",%d\"" % block, old, count=1)
        at = old.rfind(b"</xml>")
        package.replace(existing[0], [old[:at] + b"".join(shapes) + old[at:]])
        rid = None
    else:
        part = package.free_name("xl/drawings/vmlDrawing{}.vml")
        package.add_part(part, vml, VML)
        rid = package.relate(home, VML_REL, "../drawings/" + part.rsplit("/", 1)[1])
    rows = [PANEL_ROW + 1 + 2 * i for i in range(len(BUTTONS))]
    cells = TableEdit(np.array([PANEL_ROW + 1, *[r + 1 for r in rows]]),
                      np.array([PANEL_COLUMN, *[PANEL_COLUMN + 1] * len(rows)]),
                      np.array([message("buttons-title", lang), *[b.explain(lang) for b in BUTTONS]], dtype=object),
                      Rows([], []))
    style = style_of(xml, "B5")
    patched = b"".join(patch_sheet(xml, cells, {PANEL_COLUMN: style} if style else {}, 1, np.array([])).chunks)
    patched = with_widths(patched, {PANEL_COLUMN: HOME_WIDTHS[PANEL_COLUMN], PANEL_COLUMN + 1: HOME_WIDTHS[PANEL_COLUMN + 1]})
    if rid is not None:
        at = min(i for i in (patched.find(b"<legacyDrawingHF"), patched.find(b"<tableParts"), patched.find(b"<extLst"),
                             patched.rfind(b"</worksheet>")) if i >= 0)
        patched = patched[:at] + f'<legacyDrawing xmlns:r="{NS_REL}" r:id="{rid}"/>'.encode() + patched[at:]
    package.replace(home, [patched])


def _buttons_vml(lang: Lang) -> bytes:
    """The VML of the panel's buttons, drawn by XlsxWriter over columns as wide as the home sheet's."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    for col, width in HOME_WIDTHS.items():
        ws.set_column(col, col, width)
    width, height = BUTTON_SIZE
    for i, button in enumerate(BUTTONS):
        ws.insert_button(PANEL_ROW + 1 + 2 * i, PANEL_COLUMN, {
            "macro": button.macro, "caption": button.caption(lang), "width": width, "height": height,
            "x_offset": 2, "y_offset": 5})
    wb.close()
    with zipfile.ZipFile(buffer) as zf:  # printed with 首页, so its explanations point at something on paper
        vml = zf.read("xl/drawings/vmlDrawing1.vml").replace(b"<x:PrintObject>False</x:PrintObject>", b"")
    # captions in the workbook's font, 9 points: the longest (Check-in QR, 管理层报表) on one line in any program
    return vml.replace(b'face="Calibri" size="220"', f'face="{FONT}" size="180"'.encode())


def _renumbered(vml: bytes, package: PackageEdit) -> tuple[int, bytes]:
    """Shape ids of their own (an id block no VML drawing of the workbook uses), and the block."""
    taken = {int(n) for name in package.names if name.endswith(".vml")
             for data in re.findall(rb'<o:idmap[^<>]*data="([\d,]+)"', package.read(name)) for n in data.split(b",")}
    block = max(taken, default=0) + 1
    vml = vml.replace(b'data="1"', f'data="{block}"'.encode(), 1)
    return block, re.sub(rb"_x0000_s1(\d{3})", lambda m: f"_x0000_s{block * 1024 + int(m.group(1)) - 24}".encode(), vml)


def _add_conf_sheet(package: PackageEdit, lang: Lang) -> None:
    """The visible, grey `xlwings.conf` sheet: keys in A, values in B, what it is for in D."""
    pairs = list(interpreters().items())
    rows = Rows([np.array([k for k, _ in pairs], dtype=object), np.array([v or None for _, v in pairs], dtype=object),
                 np.array([message("conf-note", lang), None], dtype=object)], [0, 1, 3], first_row=1)
    body = b"".join(rows.render({}, ""))
    color = BY_KEY["settings"].tab_color.lstrip("#")
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           + f'<sheetPr><tabColor rgb="FF{color}"/></sheetPr><dimension ref="A1:D2"/>'.encode()
           + b'<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
           b'<cols><col min="1" max="1" width="18" customWidth="1"/><col min="2" max="2" width="60" customWidth="1"/>'
           b'<col min="4" max="4" width="80" customWidth="1"/></cols>'
           b"<sheetData>" + body + b"</sheetData>"
           b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    part = package.free_name("xl/worksheets/sheet{}.xml")
    package.add_part(part, xml, SHEET)
    rid = package.relate("xl/workbook.xml", SHEET_REL, part.removeprefix("xl/"))
    workbook = package.read("xl/workbook.xml")
    ids = [int(n) for n in re.findall(rb'<(?:\w+:)?sheet\b[^<>]*\bsheetId="(\d+)"', workbook)]
    entry = (f'<sheet xmlns:r="{NS_REL}" name="{CONF_SHEET}" sheetId="{max(ids, default=0) + 1}" '
             f'r:id="{rid}"/>').encode()  # the prefix declared here: not every writer declares it on the root
    at = re.search(rb"</(\w+:)?sheets>", workbook)
    assert at is not None
    package.replace("xl/workbook.xml", [workbook[: at.start()] + entry + workbook[at.start():]])
