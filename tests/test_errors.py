"""Unusable files exit 2 with a one-line message; unwritable masters exit 3 and stay byte-identical."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from msoffcrypto.format.ooxml import OOXMLFile

import trainbook
from trainbook.cli import main
from trainbook.workbook.safety import write_lock


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _garbage(tmp_path: Path, demo_book: Path) -> Path:
    path = tmp_path / "notes.xlsx"
    path.write_text("姓名,手机号\n张三,13812345678\n", encoding="utf-8")
    return path


def _truncated(tmp_path: Path, demo_book: Path) -> Path:
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(demo_book.read_bytes()[: demo_book.stat().st_size // 2])
    return path


def _encrypted(tmp_path: Path, demo_book: Path) -> Path:
    path = tmp_path / "protected.xlsx"
    with demo_book.open("rb") as src, path.open("wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    return path


def _not_a_workbook_zip(tmp_path: Path, demo_book: Path) -> Path:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return path


def _entity_bomb(tmp_path: Path, demo_book: Path) -> Path:
    path = tmp_path / "bomb.xlsx"
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>')
    with zipfile.ZipFile(demo_book) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, bomb if info.filename == "xl/workbook.xml" else zin.read(info))
    return path


@pytest.mark.parametrize("make, words", [
    (_garbage, "不是 Excel 工作簿"),
    (_truncated, "已损坏或不完整"),
    (_encrypted, "设置了打开密码"),
    (_not_a_workbook_zip, "不是 Excel 工作簿"),
    (_entity_bomb, "不安全"),
])
def test_unusable_files_exit_2_with_one_line(make, words, tmp_path: Path, demo_book: Path) -> None:
    path = make(tmp_path, demo_book)
    content = path.read_bytes()
    code, out, err = run("validate", str(path), "--annotate")
    assert code == 2
    assert err.count("\n") == 1 and str(path) in err and words in err
    assert "Traceback" not in out + err
    said = re.sub(r"Excel|XML|--debug|\.xls[xm]?", "", err.replace(str(path), ""))
    assert not re.search(r"[A-Za-z]{3,}", said), "no English from inside Python in a Chinese message"
    assert path.read_bytes() == content


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "nope.xlsx" in err


def test_read_only_master_exits_3_untouched(demo_book: Path) -> None:
    content = demo_book.read_bytes()
    demo_book.chmod(0o444)
    try:
        code, _, err = run("validate", str(demo_book), "--annotate")
    finally:
        demo_book.chmod(0o644)
    assert code == 3 and "只读" in err
    assert demo_book.read_bytes() == content


def test_master_open_in_excel_exits_3_untouched(demo_book: Path) -> None:
    content = demo_book.read_bytes()
    (demo_book.parent / f"~${demo_book.name}").write_bytes(b"owner")
    code, _, err = run("validate", str(demo_book), "--annotate")
    assert code == 3 and "Excel" in err
    assert demo_book.read_bytes() == content


def test_master_locked_by_another_run_exits_3_untouched(demo_book: Path) -> None:
    content = demo_book.read_bytes()
    with write_lock(demo_book, "zh"):
        code, _, err = run("validate", str(demo_book), "--annotate")
    assert code == 3 and "另一个 trainbook" in err
    assert demo_book.read_bytes() == content


def test_stale_lock_of_a_dead_run_is_taken_over(demo_book: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    lock = demo_book.parent / ".trainbook-backups" / f"{demo_book.name}.lock"
    lock.parent.mkdir(exist_ok=True)
    lock.write_text(dead)
    code, _, _ = run("validate", str(demo_book), "--annotate")
    assert code == 1


def test_write_keeps_a_backup_and_leaves_no_temporary_files(demo_book: Path) -> None:
    original = demo_book.read_bytes()
    folder = demo_book.parent / ".trainbook-backups"
    earlier = set(folder.iterdir())
    run("validate", str(demo_book), "--annotate")
    backups = {p for p in set(folder.iterdir()) - earlier if p.suffix == ".xlsx"}
    assert len(backups) == 1 and backups.pop().read_bytes() == original
    leftovers = [p for p in demo_book.parent.iterdir() if p.name.startswith(".demo-")]
    assert leftovers == []
    for _ in range(7):
        run("validate", str(demo_book), "--annotate")
    assert len(list((demo_book.parent / ".trainbook-backups").glob("*.xlsx"))) == 5
    assert sorted(p.name for p in demo_book.parent.iterdir() if p.name.startswith(".")) == [".trainbook-backups"], \
        "nothing of trainbook's beside the workbook but the backup folder"


def test_internal_errors_show_no_traceback_without_debug(demo_book: Path, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("trainbook.validation.run_checks", boom)
    code, out, err = run("validate", str(demo_book))
    assert code == 4 and "disk on fire" in err and "--debug" in err and "Traceback" not in err
    result = CliRunner().invoke(main, ["--debug", "validate", str(demo_book)])
    assert isinstance(result.exception, RuntimeError)


def test_json_output_is_only_json(demo_book: Path) -> None:
    import json

    code, out, err = run("validate", str(demo_book), "--format", "json")
    assert code == 1
    assert json.load(io.StringIO(out))["files"][0]["errors"] == 6
    assert os.path.basename(str(demo_book)) in out


def test_annotate_without_an_issues_sheet_adds_it(demo_book: Path, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(demo_book)
    del wb["校验结果"]
    book = tmp_path / "no-issues-sheet.xlsx"
    wb.save(book)
    code, out, err = run("validate", str(book), "--annotate")
    assert code == 1 and "Traceback" not in err, err  # the demo's planted errors
    master = trainbook.read(book)
    assert master.names["issues"] == "校验结果" and len(master.frame("issues")) == len(trainbook.validate(book).issues)


def test_a_missing_input_sheet_is_refused_not_added(demo_book: Path, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(demo_book)
    del wb["考勤"]
    book = tmp_path / "no-attendance.xlsx"
    wb.save(book)
    content = book.read_bytes()
    export = tmp_path / "p.csv"
    export.write_text("姓名,部门,打卡时间\n陌生人,销售部,2026-11-02 08:50\n", encoding="utf-8")
    code, _, err = run("merge", str(book), str(export))
    assert code == 2 and "考勤" in err and book.read_bytes() == content


def test_a_write_never_overwrites_a_change_made_since_the_read(demo_book: Path) -> None:
    import os

    from trainbook.errors import WriteError
    from trainbook.validation import run_checks
    from trainbook.validation.annotate import annotation
    from trainbook.workbook.file_engine import FileEngine

    engine = FileEngine(demo_book)
    master = engine.read()
    report = run_checks(master)
    stat = demo_book.stat()
    os.utime(demo_book, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # someone saved it meanwhile
    content = demo_book.read_bytes()
    with pytest.raises(WriteError, match="重新运行"):
        engine.write(master, annotation(report, master))
    assert demo_book.read_bytes() == content


def _far_cell(path: Path) -> Path:
    """A one-sheet workbook with a cell at Excel's last column and row."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    wb.active["A2"] = "甲"
    wb.active["XFD1048576"] = "x"
    wb.save(path)
    return path


def _isolated(*args: str) -> tuple[int, str]:
    """A command in its own process: a reader that tried to allocate the whole sheet would abort it."""
    import subprocess
    import sys

    done = subprocess.run([str(Path(sys.executable).with_name("trainbook")), *args], capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stderr


def test_a_sheet_that_reaches_excels_last_cell_is_refused_not_read(demo_book: Path, tmp_path: Path) -> None:
    before = demo_book.read_bytes()
    code, err = _isolated("merge", str(demo_book), str(_far_cell(tmp_path / "far.xlsx")))
    assert code == 2 and "far.xlsx" in err and "XFD1048576" in err and "Traceback" not in err, err
    assert demo_book.read_bytes() == before
    code, err = _isolated("validate", str(_far_cell(tmp_path / "far-master.xlsx")))
    assert code == 2 and "far-master.xlsx" in err


def test_one_bomb_member_is_found_even_beside_incompressible_ones(demo_book: Path, tmp_path: Path) -> None:
    import os
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(demo_book) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("xl/media/noise.bin", os.urandom(8 * 1024**2))  # keeps the overall ratio low
        with out.open("xl/media/zeros.bin", "w") as fh:
            for _ in range(40):
                fh.write(bytes(1024**2))
    code, _, err = run("validate", str(bomb))
    assert code == 2 and "bomb.xlsx" in err and "疑似压缩炸弹" in err, err


BROKEN = {  # an export that cannot be read whole: refused, exit 2, the file named, the master untouched
    "long-cell.csv": ("姓名,部门,打卡时间\n" + "甲" * 140_000 + ",x,2026-11-02 08:50\n").encode("utf-8"),
    "cut-utf16.csv": b"\xff\xfe" + "姓名\t打卡时间\r\n甲\t2026-11-02 08:50\r\n".encode("utf-16-le") + b"\x00",
    "lone-surrogate.csv": b"\xff\xfe" + "姓名\t打卡时间\r\n".encode("utf-16-le") + b"\x00\xd8" + "\t08:50\r\n".encode(
        "utf-16-le"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_an_export_that_cannot_be_read_whole_is_refused(name: str, demo_book: Path, tmp_path: Path) -> None:
    export = tmp_path / name
    export.write_bytes(BROKEN[name])
    before = demo_book.read_bytes()
    code, _, err = run("merge", str(demo_book), str(export))
    assert code == 2 and name in err and "内部错误" not in err and len(err.splitlines()) == 1, err
    assert demo_book.read_bytes() == before


def test_times_no_calendar_has_are_skipped_with_their_reason(demo_book: Path, tmp_path: Path) -> None:
    export = tmp_path / "times.csv"
    export.write_text("姓名,部门,打卡时间\n" + "".join(f"曾一诺,客户成功部,{t}\n" for t in (
        "2026-11-02 25:61", "9999-12-31 23:59", "0001-01-01 00:00", "1e308", "99:99", "-0.5")), encoding="utf-8")
    code, out, err = run("merge", str(demo_book), str(export), "--format", "json")
    assert code == 0, err
    [result] = json.loads(out)
    assert (result["rows"], result["matched"], result["review"], result["skipped"]) == (6, 0, 0, 6)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.datetimes(), st.dates(), st.times()))
def test_reading_a_time_never_fails(value: object) -> None:
    from trainbook.importers.parsing import when
    from trainbook.values import SANE_YEARS

    got = when(pd.Series([value], dtype=object), pd.Timestamp("2026-11-02")).iloc[0]
    assert pd.isna(got) or SANE_YEARS[0] - 1 <= got.year <= SANE_YEARS[1] + 1


def test_an_unknown_export_is_quoted_short(demo_book: Path, tmp_path: Path) -> None:
    export = tmp_path / "odd.csv"
    export.write_text("姓名," + "长" * 50_000 + ",备注\n甲,1,2\n乙,3,4\n", encoding="utf-8")
    code, _, err = run("merge", str(demo_book), str(export))
    assert code == 2 and "odd.csv" in err and len(err) < 2_000, len(err)
