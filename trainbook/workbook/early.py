"""A workbook's largest sheet, parsed while a command imports what works on it.

A command about to read a whole workbook calls `begin` before it imports pandas and the rest of
trainbook (a third of a second): the largest sheet — attendance, often most of the file — is
parsed on the other core meanwhile (python-calamine lets go of Python while it parses), and the
read takes it (`take`) if the file is still that version. Nothing here imports pandas.
"""

from __future__ import annotations

import threading
import zipfile
from concurrent.futures import Future
from pathlib import Path

import python_calamine

from trainbook.i18n import Lang, default_lang
from trainbook.workbook.package import CellBudget, check_workbook_file, read_or_refuse, sheet_parts
from trainbook.workbook.safety import file_version

Parsed = tuple[python_calamine.CalamineSheet, int]  # a parsed sheet, and the cells it was counted for
_begun: dict[tuple[Path, tuple[int, int], str], Future[Parsed]] = {}


def begin(path: Path | str) -> None:
    """Begin parsing the largest sheet of the workbook at `path`, checked for far-reaching cells
    first, for a read of it later in this process (one workbook at a time). Whatever is wrong with
    the file is left to that read to say, in the workbook's language."""
    path = Path(path)
    lang = default_lang()
    try:
        check_workbook_file(path, lang, extents=False)
        version = file_version(path)
        with zipfile.ZipFile(path) as zf:
            sizes = {info.filename: info.file_size for info in zf.infolist()}
            largest = max(sheet_parts(zf), key=lambda sheet: sizes.get(sheet.part, 0))
    except Exception:  # a head start only: the read says what is wrong with the file
        return

    parsed: Future[Parsed] = Future()

    def parse() -> None:
        if parsed.set_running_or_notify_cancel():
            try:
                parsed.set_result(parse_sheet(path, largest.name, largest.part, lang, CellBudget(path, lang)))
            except BaseException as exc:  # the read that takes it raises it
                parsed.set_exception(exc)

    _begun.clear()  # one at a time: an earlier head start nobody took is let go
    _begun[(path.resolve(), version, largest.name)] = parsed
    # a daemon: a command refused before it reads (an export given as the master) exits at once,
    # not once the parse nobody will take is done
    threading.Thread(target=parse, name="trainbook-head-start", daemon=True).start()


def parse_sheet(path: Path, name: str, part: str, lang: Lang, budget: CellBudget) -> Parsed:
    """The sheet `name` (stored in `part`) parsed, once `budget` has checked how far it reaches."""
    with read_or_refuse(path, lang):
        cells = budget.check(part)
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))  # one per thread
        try:
            return workbook.get_sheet_by_name(name), cells
        finally:
            workbook.close()


def take(path: Path, version: tuple[int, int] | None, name: str) -> Future[Parsed] | None:
    """The sheet `name` as begun for this version of the file, once; None when it was not."""
    return _begun.pop((path.resolve(), version, name), None) if version is not None else None
