"""Writing a master safely: one writer at a time, a temporary file swapped in, the last few kept."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from trainbook.errors import WriteError
from trainbook.i18n import Lang, message

BACKUP_DIR = ".trainbook-backups"
BACKUPS_KEPT = 5


def office_lock(path: Path) -> Path | None:
    """The lock file Excel/WPS (~$name) or LibreOffice (.~lock.name#) leaves while the book is open."""
    for candidate in (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")):
        if candidate.exists():
            return candidate
    return None


def check_writable(path: Path, lang: Lang) -> None:
    """Raise WriteError unless `path` can be replaced right now."""
    lock = office_lock(path)
    if lock is not None:
        raise WriteError(message("open-in-excel", lang, path=path, lock=lock.name))
    folder = path.resolve().parent
    marked_read_only = not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if marked_read_only or not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(message("read-only", lang, path=path))


@contextlib.contextmanager
def write_lock(path: Path, lang: Lang) -> Iterator[None]:
    """Hold trainbook's own lock on `path`; a second run gets a WriteError instead of waiting."""
    lock = path.with_name(f".{path.name}.trainbook-lock")
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            holder = _lock_holder(lock)
            if holder and _alive(holder):
                raise WriteError(message("locked-by-run", lang, path=path, pid=holder)) from None
            lock.unlink(missing_ok=True)
        except OSError as exc:
            raise WriteError(message("read-only", lang, path=path)) from exc
    else:
        raise WriteError(message("locked-by-run", lang, path=path, pid="?"))
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _lock_holder(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def file_version(path: Path) -> tuple[int, int]:
    """What tells whether a file changed: its modification time (ns) and size."""
    info = path.stat()
    return info.st_mtime_ns, info.st_size


def replace_atomically(path: Path, produce: Callable[[Path], None], lang: Lang,
                       read_version: tuple[int, int] | None = None) -> None:
    """Have `produce` write a complete new file, back up the current one, then swap the new one in.

    With `read_version` (what `file_version` said when the data was read), refuse if the file has
    changed since: another run's write must not be silently overwritten.
    """
    check_writable(path, lang)
    with write_lock(path, lang):
        if read_version is not None and file_version(path) != read_version:
            raise WriteError(message("changed-meanwhile", lang, path=path))
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            produce(tmp)
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
            shutil.copymode(path, tmp)
            backup(path)
            os.replace(tmp, path)
        except OSError as exc:
            raise WriteError(message("write-failed", lang, path=path, detail=exc.strerror or exc)) from exc
        finally:
            tmp.unlink(missing_ok=True)


def backup(path: Path) -> Path:
    """Copy `path` into the backup folder beside it and keep only the newest BACKUPS_KEPT copies."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, target)
    old = sorted(folder.glob(f"{path.stem}.*{path.suffix}"))
    for stale in old[:-BACKUPS_KEPT]:
        stale.unlink(missing_ok=True)
    return target
