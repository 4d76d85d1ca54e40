"""Everything trainbook writes beside a workbook — notices as CSV or JSON, QR codes, certificates,
manager reports — written one way: into a temporary file in the target's folder, moved into place
only when complete. So a full disk or a killed run leaves the earlier file as it was and no partial
one; a link is never written through (a symbolic or hard link named as the target is refused, as is
a master workbook); and a name made of an id, a name or a title never becomes a path.

A set of files (every session's QR code, every certificate) is made in a staging folder beside the
target folder first, and moved in only when all of it is there.
"""

from __future__ import annotations

import contextlib
import errno
import html
import os
import re
import secrets
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from trainbook.errors import InputError, WriteError
from trainbook.i18n import Lang, message
from trainbook.workbook.safety import TEMP_MARK, remove_leftovers

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = re.compile(r"^(?:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(?:\..*)?$", re.I)  # Windows devices
NAME_LIMIT = 120  # characters: room for the folder within a path's limit


def safe_name(text: object, fallback: str = "_") -> str:
    """A file name from text people typed (an id, a name, a title): path separators, drive colons,
    control characters and what Windows forbids become `_`; no leading dots (`..`), no trailing dots
    or spaces, no device name (CON, NUL…); never empty."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", str(text)))
    name = name.strip(" .").lstrip(".") or fallback
    if _RESERVED.match(name):
        name = "_" + name
    return name[:NAME_LIMIT]


def unique_names(names: list[str]) -> list[str]:
    """The names, each told apart from any earlier one that is the same but for case (-2, -3…)."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 2
        while candidate.lower() in taken:
            candidate = f"{stem}-{n}{dot}{suffix}" if dot else f"{name}-{n}"
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def is_master(path: Path) -> bool:
    """Whether `path` is a master workbook (it has the master's sheets)."""
    from trainbook.workbook.master import MASTER_SHEETS, identify_sheets

    try:
        with zipfile.ZipFile(path) as zf:
            workbook = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    names = [html.unescape(n) for n in re.findall(r'<(?:\w+:)?sheet\b[^<>]*\bname="([^"]*)"', workbook)]
    return len(identify_sheets(names)[0]) >= MASTER_SHEETS


def refuse_target(target: Path, lang: Lang) -> None:
    """An InputError for a target that must not be replaced: a link (symbolic, or a file with
    other names), a folder, or a master workbook."""
    if target.is_symlink() or (target.exists() and target.is_file() and target.stat().st_nlink > 1):
        raise InputError(message("output-is-link", lang, path=target))
    if target.is_dir():
        raise InputError(message("output-is-folder", lang, path=target))
    if target.exists() and is_master(target):
        raise InputError(message("output-is-master", lang, path=target))


def write_file(target: Path, produce: Callable[[Path], object], lang: Lang) -> Path:
    """Have `produce` write a new file that replaces `target` only once complete (see the module's
    docstring). A write that fails — a full disk included — is a WriteError naming the target, and
    leaves the target as it was."""
    refuse_target(target, lang)
    with _failures(target, lang):
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target.parent, target.name)
        tmp = target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
        try:
            produce(tmp)
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def staged(folder: Path, lang: Lang) -> Iterator[Path]:
    """A staging folder to make a set of files in; when the block ends they are moved into `folder`
    (each target checked as `write_file` checks it). If the block fails, nothing of it stays."""
    if folder.exists() and not folder.is_dir():
        raise InputError(message("out-is-file", lang, path=folder))
    with _failures(folder, lang):
        folder.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(folder.parent, folder.name)
        stage = folder.with_name(f".{folder.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
        stage.mkdir()
        try:
            yield stage
            made = sorted(stage.iterdir())
            for file in made:
                refuse_target(folder / file.name, lang)
            folder.mkdir(exist_ok=True)
            for file in made:
                os.replace(file, folder / file.name)
        finally:
            shutil.rmtree(stage, ignore_errors=True)


@contextlib.contextmanager
def _failures(target: Path, lang: Lang) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        detail = message("disk-full", lang) if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (
            exc.strerror or type(exc).__name__)
        raise WriteError(message("output-failed", lang, path=target, detail=detail)) from exc
