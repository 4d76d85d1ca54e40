"""What trainbook writes beside a workbook (notices CSV/JSON, manager reports, QR codes,
certificates): never through a link or onto a master, never outside --out whatever an id or a name
says, and on a full disk exit 3 with no partial file and the earlier one kept."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.demo import FINISHED_AS_OF, build_demo_book

from .conftest import write_tables

BAD_IDS = ["../x", "/abs/x", "a/b", "CON", "c\td"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_book(tmp_path_factory.mktemp("finished") / "结业.xlsx", finished=True)


def tree(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if ".trainbook-backups" not in p.parts}


@pytest.mark.parametrize("out", ["n.csv", "n.json", "r.xlsx"])
@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_link_to_a_workbook_as_out_is_refused(finished: Path, tmp_path: Path, out: str, link: str) -> None:
    master = tmp_path / "另一个项目.xlsx"
    master.write_bytes(finished.read_bytes())
    target = tmp_path / out
    target.symlink_to(master) if link == "symbolic" else os.link(master, target)
    before = master.read_bytes()
    command = ["share", str(finished), "--as-of", str(FINISHED_AS_OF)] if out.endswith(".xlsx") else [
        "notices", str(finished), "--as-of", str(FINISHED_AS_OF)]
    result = CliRunner().invoke(main, [*command, "--out", str(target)])
    assert result.exit_code == 2 and str(target) in result.output and "Traceback" not in result.output, result.output
    assert master.read_bytes() == before


def test_a_master_as_out_is_refused(finished: Path, tmp_path: Path) -> None:
    other = tmp_path / "n.json"
    other.write_bytes(finished.read_bytes())
    before = other.read_bytes()
    result = CliRunner().invoke(main, ["notices", str(finished), "--out", str(other)])
    assert result.exit_code == 2 and "主工作簿" in result.output, result.output
    assert other.read_bytes() == before


@pytest.fixture(scope="module")
def bad_ids(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The finished demo with five students and five sessions whose ids are paths or devices, and
    names with a slash."""
    folder = tmp_path_factory.mktemp("ids")
    book = build_demo_book(folder / "证书.xlsx", finished=True)
    master = trainbook.read(book)
    progress = trainbook.progress(book, as_of=FINISHED_AS_OF, write=False)
    done = progress.students.index[progress.students["certificate"] == "yes"][:len(BAD_IDS)].tolist()
    sessions = master.frame("sessions")
    with_link = sessions["session_id"].head(len(BAD_IDS)).tolist()
    students, classes = dict(zip(done, BAD_IDS)), dict(zip(with_link, BAD_IDS))
    tables = {}
    for key in master.tables:
        frame = master.frame(key)
        if "student_id" in frame and key != "progress":
            frame = frame.assign(student_id=frame["student_id"].replace(students))
        if "session_id" in frame:
            frame = frame.assign(session_id=frame["session_id"].replace(classes))
        tables[key] = frame
    tables["enrollment"].loc[tables["enrollment"]["student_id"] == BAD_IDS[0], "name"] = "张三/李四"
    return write_tables(book, {k: tables[k] for k in ("enrollment", "sessions", "attendance", "scores", "submissions")
                               if k in tables})


def test_ids_and_names_never_become_paths(bad_ids: Path) -> None:
    root = bad_ids.parent
    before = tree(root)
    certificates = trainbook.certificates(bad_ids, as_of=FINISHED_AS_OF, out=root / "out" / "证书")
    qr = trainbook.qr(bad_ids, out=root / "out" / "二维码")
    files = [p for p in tree(root) - before if p.is_file()]
    assert files and all((root / "out") in p.parents for p in files), sorted(files)
    names = [p.name for p in files]
    assert len(certificates.files) >= len(BAD_IDS) and len(qr.files) >= len(BAD_IDS)
    assert len(set(names)) == len(names), "one file each, none lost"
    assert not any(name.upper().split(".")[0] == "CON" for name in names)
    assert any(name.startswith("_x") for name in names) and "张三_李四" in " ".join(names), names
    assert not Path("/abs/x.png").exists() and not (root.parent / "x.png").exists()
    assert qr.summary() and certificates.summary()


def test_ids_that_are_no_file_names_are_findings(bad_ids: Path) -> None:
    report = trainbook.validate(bad_ids)
    found = report.to_frame()
    flagged = found.loc[found["code"] == "id-not-a-file-name"]
    values = set(flagged["value"].astype(str))
    assert {"../x", "/abs/x", "a/b", "CON"} <= values and any("\t" in v for v in values), values
    assert set(flagged["sheet"]) == {"enrollment", "sessions"} and len(flagged) == 2 * len(BAD_IDS), "where defined"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.fail(f"the full-disk tests need root to mount a tmpfs: {done.stderr.decode()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def fill(disk: Path) -> None:
    fd = os.open(disk / "filler", os.O_CREAT | os.O_WRONLY)
    try:
        while os.write(fd, b"\0" * 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != "filler"}


@pytest.mark.parametrize("command, out", [
    (["notices", "--as-of", "2026-12-10"], "n.csv"),
    (["notices", "--as-of", "2026-12-10"], "n.json"),
    (["share", "--as-of", "2026-12-10"], "r.xlsx"),
    (["share", "--as-of", "2026-12-10", "--by", "department"], "departments"),
    (["qr"], "qr"),
    (["certificates", "--as-of", str(FINISHED_AS_OF)], "certificates"),
])
def test_a_full_disk_is_exit_3_and_the_earlier_file_stays(finished: Path, tiny_disk: Path, command: list[str],
                                                          out: str) -> None:
    """First a complete file; then, on a full disk, the same command again (in a process of its
    own): exit 3 naming the target, the earlier file as it was, nothing partial or temporary."""
    book = tiny_disk.parent / "book.xlsx"
    book.write_bytes(finished.read_bytes())
    args = [command[0], str(book), *command[1:], "--out", str(tiny_disk / out)]
    first = subprocess.run([sys.executable, "-m", "trainbook.cli", *args], capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    earlier = snapshot(tiny_disk)
    assert earlier, "the first run wrote something"
    fill(tiny_disk)
    again = subprocess.run([sys.executable, "-m", "trainbook.cli", *args], capture_output=True, text=True)
    said = again.stdout + again.stderr
    assert again.returncode == 3 and out in said and "Traceback" not in said and "Errno" not in said, said
    assert snapshot(tiny_disk) == earlier
    assert not [p for p in tiny_disk.rglob("*") if "trainbook-tmp" in p.name]


def test_qr_makes_no_code_of_a_link_that_is_no_web_address(tmp_path: Path) -> None:
    book = build_demo_book(tmp_path / "demo.xlsx")
    sessions = trainbook.read(book).frame("sessions").copy()
    first, second = sessions.loc[sessions["mode"] != "线上", "session_id"].iloc[:2]
    sessions.loc[sessions["session_id"] == first, "checkin_url"] = "javascript:alert(1)"
    sessions.loc[sessions["session_id"] == second, "checkin_url"] = "file:///etc/passwd"
    write_tables(book, {"sessions": sessions})
    run = trainbook.qr(book, out=tmp_path / "png")
    made = {p.stem for p in (tmp_path / "png").iterdir()}
    assert first not in made and second not in made and made, made
    assert "javascript" not in run.summary() and pd.notna(run.summary())
