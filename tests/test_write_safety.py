"""The write path under races and faults: one writer at a time, no lost update, nothing left
behind, the master untouched whenever a write fails."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.errors import WriteError
from trainbook.workbook.safety import BACKUP_DIR, replace_atomically, write_lock

from .conftest import init

RACER = """
import os, sys, time
from pathlib import Path
from trainbook.errors import WriteError
from trainbook.workbook.safety import write_lock
target, marker, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
held = overlaps = 0
for _ in range(rounds):
    try:
        with write_lock(target, "zh"):
            held += 1
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                overlaps += 1
                continue
            os.close(fd)
            time.sleep(0.0005)
            os.unlink(marker)
    except WriteError:
        pass
print(held, overlaps)
"""


def test_the_lock_has_one_holder_however_many_race(tmp_path: Path) -> None:
    target = tmp_path / "master.xlsx"
    target.write_bytes(b"x")
    script = tmp_path / "racer.py"
    script.write_text(RACER)
    procs = [subprocess.Popen([sys.executable, str(script), str(target), str(tmp_path / "holder"), "300"],
                              stdout=subprocess.PIPE, text=True) for _ in range(6)]
    outcomes = [tuple(map(int, p.communicate(timeout=120)[0].split())) for p in procs]
    assert sum(o[1] for o in outcomes) == 0, "two processes held the lock at once"
    assert sum(o[0] for o in outcomes) > 0


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    target = tmp_path / "master.xlsx"
    target.write_bytes(b"x")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from trainbook.workbook.safety import write_lock\n"
        "with write_lock(Path(sys.argv[1]), 'zh'):\n    print('held', flush=True); time.sleep(60)"), str(target)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(WriteError):
        with write_lock(target, "zh"):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with write_lock(target, "zh"):  # the OS released the dead process's lock
        pass


def test_concurrent_merges_lose_no_update(tmp_path: Path, demo_book: Path) -> None:
    exports = []
    for n in range(4):
        path = tmp_path / f"p{n}.csv"
        path.write_text(f"姓名,部门,打卡时间\n某人{n},销售部,2026-11-02 08:5{n}\n", encoding="utf-8")
        exports.append(path)
    procs = [subprocess.Popen([sys.executable, "-m", "trainbook.cli", "merge", str(demo_book), str(e)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for e in exports]
    codes = [p.wait(timeout=120) for p in procs]
    assert set(codes) <= {0, 3}, codes
    logged = set(trainbook.read(demo_book).frame("imports")["file"])
    assert {e.name for e, c in zip(exports, codes) if c == 0} == logged & {e.name for e in exports}


def test_a_symlinked_master_is_written_through(tmp_path: Path) -> None:
    real = init(tmp_path / "real" / "master.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    before = real.read_bytes()
    trainbook.validate(link, annotate=True)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() != before, "the file the link points to was written"
    assert (real.parent / BACKUP_DIR).is_dir()


def test_a_killed_write_leaves_nothing_the_next_write_keeps(tmp_path: Path) -> None:
    book = init(tmp_path / "master.xlsx")
    before = book.read_bytes()
    killed = subprocess.run([sys.executable, "-c", (
        "import os, signal, sys; from pathlib import Path; from trainbook.workbook.safety import replace_atomically\n"
        "def produce(tmp):\n    tmp.write_bytes(b'half a workbook' * 1000); os.kill(os.getpid(), signal.SIGKILL)\n"
        "replace_atomically(Path(sys.argv[1]), produce, 'zh')"), str(book)])
    assert killed.returncode == -signal.SIGKILL
    assert book.read_bytes() == before
    leftovers = [p for p in tmp_path.iterdir() if "trainbook-tmp" in p.name]
    assert leftovers, "the kill left its temporary file"
    trainbook.validate(book, annotate=True)
    assert not [p for p in tmp_path.iterdir() if "trainbook-tmp" in p.name]


def test_an_incomplete_backup_never_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = init(tmp_path / "master.xlsx")
    before = book.read_bytes()

    def short_copy(src: str, dst: str, **_: object) -> str:
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        return dst

    monkeypatch.setattr(shutil, "copyfile", short_copy)
    with pytest.raises(WriteError):
        replace_atomically(book, lambda tmp: tmp.write_bytes(b"new"), "zh")
    assert book.read_bytes() == before
    backups = tmp_path / BACKUP_DIR
    assert not [p for p in backups.iterdir() if p.suffix != ".lock"] if backups.exists() else True
    assert not [p for p in tmp_path.iterdir() if "trainbook-tmp" in p.name]


@pytest.fixture
def tiny_disk(tmp_path: Path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.fail(f"the full-disk test needs root to mount a tmpfs: {done.stderr.decode()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_exit_3_with_the_master_untouched(tiny_disk: Path) -> None:
    book = init(tiny_disk / "master.xlsx")
    before = book.read_bytes()
    fd = os.open(tiny_disk / "filler", os.O_CREAT | os.O_WRONLY)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    result = CliRunner().invoke(main, ["validate", str(book), "--annotate"])
    assert result.exit_code == 3, result.output
    assert book.read_bytes() == before
    assert not [p for p in tiny_disk.iterdir() if "trainbook-tmp" in p.name]


def test_modes_follow_the_umask_and_the_old_file(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        book = init(tmp_path / "master.xlsx")
        assert book.stat().st_mode & 0o777 == 0o644
        book.chmod(0o640)
        trainbook.validate(book, annotate=True)
        assert book.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


@pytest.mark.parametrize("name", ["x.csv", "y.xls", "z.xlsb"])
def test_init_refuses_what_it_cannot_write(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / name)])
    assert result.exit_code == 2 and ".xlsx" in result.output
    assert not (tmp_path / name).exists()


def test_what_a_killed_run_left_half_written_goes_at_the_next_read(demo_book: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    leftover = demo_book.with_name(f".{demo_book.name}.trainbook-tmp-{dead}-0badc0de")
    leftover.write_bytes(b"PK half a workbook")
    writing = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # a run writing right now
    try:
        current = demo_book.with_name(f".{demo_book.name}.trainbook-tmp-{writing.pid}-5afe5afe")
        current.write_bytes(b"PK being written")
        result = CliRunner().invoke(main, ["validate", str(demo_book)])  # reads only
        assert result.exit_code in (0, 1) and not leftover.exists(), result.output
        assert current.exists(), "a live run's file is its own"
    finally:
        writing.kill()
        writing.wait()
