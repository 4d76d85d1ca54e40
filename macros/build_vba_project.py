"""Build trainbook/data/vbaProject.bin: the VBA project of every macro-enabled master.

It holds the button Subs of macros/*.bas (trainbook.bas written first from the buttons'
declaration, trainbook/schema/buttons.py) and, so that no xlwings add-in is needed, the xlwings
VBA module and its Dictionary class from the installed xlwings (standalone mode). A project gets a
random GUID, so the .bin is built here once and committed; tests check that its modules are
these sources. Rebuild it after changing macros/ or the xlwings pin:

    python macros/build_vba_project.py
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import xlwings
from pyopenvba import ExcelFile
from pyopenvba.vba import VBAModuleKind

from trainbook.schema.buttons import MODULE, vba_module

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "trainbook" / "data" / "vbaProject.bin"
XLWINGS = Path(xlwings.__file__).parent


def write_module() -> Path:
    """macros/trainbook.bas, from the buttons' declaration."""
    path = HERE / f"{MODULE}.bas"
    path.write_text(vba_module(), encoding="ascii", newline="\n")
    return path


def sources(stub: str | None = None) -> list[tuple[str, str, VBAModuleKind]]:
    """(name, source, kind) of every module. With `stub`, RunPython is that VBA instead of
    xlwings (a test build that a spreadsheet program without Python can run)."""
    modules = [(path.stem, path.read_text(encoding="ascii"), VBAModuleKind.standard)
               for path in sorted(HERE.glob("*.bas"))]
    if stub is not None:
        return [*modules, ("xlwings", stub, VBAModuleKind.standard)]
    return [*modules, ("xlwings", (XLWINGS / "xlwings.bas").read_text(encoding="utf-8"), VBAModuleKind.standard),
            ("Dictionary", (XLWINGS / "addin" / "Dictionary.cls").read_text(encoding="utf-8"), VBAModuleKind.other)]


def build(target: Path, stub: str | None = None) -> Path:
    """Write a vbaProject.bin holding `sources(stub)` to `target`."""
    write_module()
    with tempfile.TemporaryDirectory() as scratch:
        book = Path(scratch) / "project.xlsm"
        with ExcelFile.create_new(book) as wb:
            project = wb.vba_project()
            project.delete_module("Module1")
            for name, source, kind in sources(stub):
                project.add_module(name, source.replace("\r\n", "\n").replace("\n", "\r\n"), kind=kind)
            wb.save(book)
        with zipfile.ZipFile(book) as zf:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read("xl/vbaProject.bin"))
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET))
