"""Writing a master safely: one writer at a time, a temporary file swapped in, the last few kept."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import errno
import glob
import os
import re
import secrets
import shutil
import stat
import sys
import time
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


def check_replaceable(path: Path, lang: Lang, read_version: tuple[int, int] | None) -> None:
    """Raise WriteError unless a write of `path` would succeed now (for an operation that acts on
    the world before it writes, such as sending messages): writable, not open elsewhere, and not
    changed since it was read."""
    target = path.resolve() if path.is_symlink() else path
    check_writable(path, lang)
    check_writable(target, lang)
    if read_version is not None and file_version(target) != read_version:
        raise WriteError(message("changed-meanwhile", lang, path=path))
    try:
        with target.open("r+b"):  # refused for a file the system will not let anyone change (immutable)
            pass
    except OSError as exc:
        raise WriteError(message("read-only", lang, path=path)) from exc


@contextlib.contextmanager
def write_lock(path: Path, lang: Lang, whole_run: bool = False) -> Iterator[None]:
    """Hold trainbook's own lock on `path`; a second run gets a WriteError instead of waiting.

    An OS lock (flock on Linux and macOS, LockFileEx on Windows, through filelock): taken in one
    step, and released by the OS when its process ends, so a lock is never stale and never
    half-written. Its file lives in the backup folder, not beside the workbook. Held for a
    `whole_run` (sending, then writing what was sent), the run's own writes inside it go ahead."""
    from filelock import FileLock, Timeout

    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    where = os.path.realpath(folder / f"{path.name}.lock")
    if where in _RUN_HOLDS.get():
        yield
        return
    lock = FileLock(where, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise WriteError(message("locked-by-run", lang, path=path)) from None
    held = _RUN_HOLDS.set(_RUN_HOLDS.get() | {where}) if whole_run else None
    try:
        yield
    finally:
        if held is not None:
            _RUN_HOLDS.reset(held)
        lock.release()


_RUN_HOLDS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("trainbook_run_holds", default=frozenset())


def file_version(path: Path) -> tuple[int, int]:
    """What tells whether a file changed: its modification time (ns) and size."""
    info = path.stat()
    return info.st_mtime_ns, info.st_size


def replace_atomically(path: Path, produce: Callable[[Path], None], lang: Lang,
                       read_version: tuple[int, int] | None = None) -> None:
    """Have `produce` write a complete new file, back up the current one, then swap the new one in.

    A link is written through to the file it points to. With `read_version` (what `file_version`
    said when the data was read), refuse if the file has changed since: another run's write must
    not be silently overwritten. Any failure leaves the file as it was and raises WriteError.
    """
    target = path.resolve() if path.is_symlink() else path
    exists = target.exists()
    if exists:
        check_writable(path, lang)
        check_writable(target, lang)
    try:
        with write_lock(target, lang):
            if read_version is not None and file_version(target) != read_version:
                raise WriteError(message("changed-meanwhile", lang, path=path))
            remove_leftovers(target.parent, target.name)
            tmp = _temporary(target)
            try:
                produce(tmp)
                with tmp.open("rb+") as fh:
                    os.fsync(fh.fileno())
                if exists:
                    shutil.copymode(target, tmp)
                    backup(target)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise WriteError(message("write-failed", lang, path=path, detail=exc.strerror or exc)) from exc


TEMP_MARK = ".trainbook-tmp-"
STALE_AFTER = 3600  # seconds: where it cannot be asked whether a run is alive, a leftover this old is dead


def _temporary(target: Path) -> Path:
    """A new empty file beside `target` (mode from the umask, as any new file)."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(tmp)


def remove_leftovers(folder: Path, name: str) -> None:
    """Temporary files and folders of earlier runs that were killed while writing `name` (what
    cannot be removed — a read-only folder — stays for a later run)."""
    for leftover in folder.glob(f".{glob.escape(name)}{TEMP_MARK}*"):
        pid = leftover.name.rsplit(TEMP_MARK, 1)[1].split("-", 1)[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid), leftover):
                continue  # another run is writing it now
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _alive(pid: int, leftover: Path) -> bool:
    """Whether the run that made `leftover` may still be writing it."""
    if sys.platform == "win32":  # os.kill would end the process there: go by the file's age
        return time.time() - leftover.stat().st_mtime < STALE_AFTER
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def backup(path: Path) -> Path:
    """Copy `path` into the backup folder beside it and keep only the newest BACKUPS_KEPT copies.

    A copy counts only once it is complete: it is written under a `.partial` name, synced,
    checked against the original's size, and only then given its name."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    for partial in folder.glob(f"{glob.escape(path.stem)}.*{PARTIAL}"):
        partial.unlink(missing_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    partial = target.with_name(target.name + PARTIAL)
    try:
        shutil.copyfile(path, partial)
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        if partial.stat().st_size != path.stat().st_size:
            raise OSError(errno.EIO, f"backup {partial.name} is incomplete")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    kept = re.compile(rf"{re.escape(path.stem)}\.\d{{8}}-\d{{6}}-\d{{6}}{re.escape(path.suffix)}")
    old = sorted(f for f in folder.iterdir() if kept.fullmatch(f.name))
    for stale in old[:-BACKUPS_KEPT]:
        stale.unlink(missing_ok=True)
    return target


PARTIAL = ".partial"
