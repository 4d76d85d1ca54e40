"""Operations on a whole master workbook, shared by the CLI, the Excel buttons and Python users."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import BaseModel

from trainbook.errors import InputError
from trainbook.i18n import LANGS, Lang, message
from trainbook.workbook import engine_for
from trainbook.workbook.master import Master
from trainbook.workbook.master import records as sheet_records
from trainbook.workbook.template import build_workbook


def init(path: Path | str, lang: Lang = "zh", overwrite: bool = False) -> Path:
    """Create a new, empty master workbook in `lang` at `path` and return its path."""
    path = Path(path)
    if lang not in LANGS:
        raise InputError(message("bad-lang", "zh", value=lang))
    if path.exists() and not overwrite:
        raise InputError(message("file-exists", lang, path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        build_workbook(Path(tmp), lang)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def read(target: object) -> Master:
    """Read a master workbook (a path, an xlwings Book, or an engine) into memory."""
    return engine_for(target).read()


def records(target: object, sheet: str) -> list[BaseModel]:
    """The valid rows of one sheet (by key, e.g. "enrollment") as pydantic models."""
    return sheet_records(read(target), sheet)
