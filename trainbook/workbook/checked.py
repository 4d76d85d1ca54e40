"""Sheets already found sound, remembered by a digest of their bytes: how far a sheet reaches is
scanned once, not at every click, while the sheet stays as it is.

A sheet's extent check reads all of it (attendance can be hundreds of MB of XML). The bytes a
sheet is stored as, still compressed, decide what it holds, so their SHA-256 — a fraction of the
scan's cost — names the result: a changed sheet is another digest, and no one can make a sheet
that reaches far pass for one that was checked. Kept in the user's cache folder (a file it may
lose, or be unable to read or write, at no cost but a scan); only sound sheets are remembered.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import zipfile
from pathlib import Path

from trainbook.folders import user_folder

KEPT = 512  # sheets remembered; the oldest go first
_lock = threading.Lock()
_known: dict[str, int] | None = None


def cache_file() -> Path:
    return user_folder("cache") / "checked-sheets.json"


def digest(info: zipfile.ZipInfo, stored: bytes) -> str:
    """What names a sheet: its stored (compressed) bytes and how they are to be read."""
    sha = hashlib.sha256(f"{info.compress_type}:{info.file_size}:".encode())
    sha.update(stored)  # one call over all of it: hashlib lets other threads run meanwhile
    return sha.hexdigest()


def _load() -> dict[str, int]:
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def known(key: str) -> int | None:
    """The cells a sheet of this digest spans, if it was checked before."""
    global _known
    with _lock:
        if _known is None:
            _known = _load()
        return _known.get(key)


def remember(key: str, cells: int) -> None:
    """Keep a sound sheet's digest (with what other runs kept meanwhile); never fails."""
    global _known
    with _lock:
        merged = _load()
        merged.pop(key, None)
        merged[key] = cells
        _known = dict(list(merged.items())[-KEPT:])
        path = cache_file()
        temp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".checked-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(_known, fh)
            os.replace(temp, path)
        except OSError:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
