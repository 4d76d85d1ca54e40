"""Hostile and broken input, made by code (SPEC §3, §9): every case ends in exit 2 and one line
naming the file (or 0 where the file is fine), in bounded time and memory, the master untouched."""

from __future__ import annotations

import faulthandler
import json
import os
import re
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trainbook
from trainbook.cli import main


def trainbook_process(*args: str) -> tuple[int, str, str, float, int]:
    """A command in its own process (a reader that crashed would take pytest down): exit code,
    stdout, stderr, seconds and the child's peak memory in MB."""
    start = time.monotonic()
    done = subprocess.run([str(Path(sys.executable).with_name("trainbook")), *args], capture_output=True,
                          text=True, timeout=120)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start, peak


def rezip(src: Path, dst: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> Path:
    """A copy of the package `src` with some parts replaced (None: dropped) or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change.get(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def far_cell_without_dimension(path: Path) -> Path:
    """One cell at Excel's last column and row, in a sheet that does not declare its range."""
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"], wb.active["XFD1048576"] = "姓名", "甲", "x"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    return rezip(path, path.with_name("nodim-" + path.name),
                 {"xl/worksheets/sheet1.xml": re.sub(rb"<dimension[^>]*/>", b"", sheet)})


def dtd_in(part: str, demo_book: Path, tmp_path: Path) -> Path:
    with zipfile.ZipFile(demo_book) as zf:
        xml = zf.read(part)
    doctype = b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd">'
    body = re.sub(rb"^(<\?xml[^>]*\?>)", rb"\1" + doctype, xml) if xml.startswith(b"<?xml") else doctype + xml
    return rezip(demo_book, tmp_path / "dtd.xlsx", {part: body})


@pytest.mark.parametrize("part", ["[Content_Types].xml", "xl/sharedStrings.xml", "xl/worksheets/sheet2.xml"])
def test_a_dtd_in_any_part_is_refused(part: str, demo_book: Path, tmp_path: Path) -> None:
    book = dtd_in(part, demo_book, tmp_path)
    before = book.read_bytes()
    result = CliRunner().invoke(main, ["validate", str(book), "--annotate"])
    assert result.exit_code == 2 and "dtd.xlsx" in result.output and "DTD" in result.output, result.output
    assert book.read_bytes() == before


def test_far_cells_are_refused_even_where_the_range_is_not_declared(demo_book: Path, tmp_path: Path) -> None:
    export = far_cell_without_dimension(tmp_path / "far.xlsx")
    before = demo_book.read_bytes()
    code, _, err, seconds, peak = trainbook_process("merge", str(demo_book), str(export))
    assert code == 2 and export.name in err and "XFD1048576" in err and len(err.splitlines()) == 1, err
    assert demo_book.read_bytes() == before and seconds < 60 and peak < 2048
    code, _, err, _, _ = trainbook_process("progress", str(export))
    assert code == 2 and export.name in err


def test_a_batch_reports_every_good_book_beside_a_bad_one(demo_book: Path, clean_book: Path, tmp_path: Path) -> None:
    far = far_cell_without_dimension(tmp_path / "far.xlsx")
    code, out, err, _, _ = trainbook_process("validate", "--jobs", "2", "--format", "json",
                                             str(demo_book), str(far), str(clean_book))
    files = json.loads(out)["files"]
    assert [Path(f["path"]).name for f in files] == [demo_book.name, far.name, clean_book.name]
    assert files[0]["errors"] > 0 and files[2]["ok"] and "error" not in files[0] and "error" not in files[2]
    assert "XFD1048576" in files[1]["error"] and code == 2  # the worst of 1 (errors found), 2 (unusable), 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_that_crashes_its_reader_is_that_files_error(jobs: str, demo_book: Path, clean_book: Path,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A native crash (here: os.abort in the worker that reads `crash.xlsx`) ends that file's
    process only; the workers are forked from this process, so they run the patched reader."""
    crash = tmp_path / "crash.xlsx"
    crash.write_bytes(clean_book.read_bytes())
    import trainbook.operations

    real = trainbook.operations.validate

    def validate(path: object, *args: object, **kwargs: object) -> object:
        if str(path).endswith("crash.xlsx"):
            faulthandler.disable()  # the crash is the point: no dump of it in the test's output
            os.abort()
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(trainbook.operations, "validate", validate)
    result = CliRunner().invoke(main, ["validate", "--jobs", jobs, "--format", "json",
                                       str(clean_book), str(crash), str(demo_book)])
    files = json.loads(result.stdout)["files"]
    assert [f.get("error") is None for f in files] == [True, False, True]
    assert "crash.xlsx" in files[1]["error"] and result.exit_code == 2


def test_a_repeated_header_is_a_finding(blank_book: Path) -> None:
    wb = openpyxl.load_workbook(blank_book)
    sheet = wb["报名"]
    sheet.cell(1, sheet.max_column + 1, "手机号")
    wb.save(blank_book)
    report = trainbook.validate(blank_book)
    assert ("enrollment", 1, "mobile", "duplicate-column") in report.flatten(("sheet", "row", "column", "code"))
    [line] = [line for line in report.lines() if "duplicate-column" in line]
    assert "报名!C1" in line and "T 列" in line


@pytest.mark.parametrize("how", ["header-row-deleted", "attendance-renamed", "attendance-missing"])
def test_a_master_without_what_progress_needs_is_refused(how: str, demo_book: Path) -> None:
    wb = openpyxl.load_workbook(demo_book)
    if how == "header-row-deleted":
        wb["报名"].delete_rows(1)
    elif how == "attendance-renamed":
        wb["考勤"].title = "出勤记录"
    else:
        del wb["考勤"]
    wb.save(demo_book)
    before = demo_book.read_bytes()
    result = CliRunner().invoke(main, ["progress", str(demo_book)])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.output
    assert ("报名" if how == "header-row-deleted" else "考勤") in result.stderr
    assert demo_book.read_bytes() == before


TEXT_EXPORTS = {  # name → bytes: each refused whole, exit 2, the file named
    "long-cell.csv": ("姓名,部门,意见建议\n甲,研发中心," + "长" * 40_000 + "\n").encode("utf-8"),
    "many-rows.csv": b"name,time\n" + b"a,1\n" * 1_048_600,
    "utf16-odd.csv": b"\xff\xfe" + "姓名\t打卡时间\r\n".encode("utf-16-le") + b"\x41",
    "binary.csv": os.urandom(2048),
}


@pytest.mark.parametrize("name", sorted(TEXT_EXPORTS))
def test_an_export_beyond_what_excel_holds_is_refused(name: str, demo_book: Path, tmp_path: Path) -> None:
    export = tmp_path / name
    export.write_bytes(TEXT_EXPORTS[name])
    before = demo_book.read_bytes()
    code, _, err, seconds, peak = trainbook_process("merge", str(demo_book), str(export))
    assert code == 2 and name in err and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert demo_book.read_bytes() == before and seconds < 60 and peak < 2048
    if name == "long-cell.csv":
        assert "C2" in err and "40000" in err


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_a_workbook_cut_short_anywhere_is_refused(fraction: float, demo_book: Path, tmp_path: Path) -> None:
    data = demo_book.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: int(len(data) * fraction)])
    for args in (["validate", str(cut)], ["merge", str(demo_book), str(cut)]):
        before = demo_book.read_bytes()
        code, _, err, _, _ = trainbook_process(*args)
        assert code == 2 and "cut.xlsx" in err and len(err.splitlines()) == 1, (args, err)
        assert demo_book.read_bytes() == before


CELLS = st.one_of(st.text(max_size=24), st.floats(allow_nan=True, allow_infinity=True),
                  st.integers(min_value=-10**20, max_value=10**20), st.booleans(), st.none(), st.datetimes(),
                  st.dates(), st.times(), st.timedeltas())


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=6))
def test_reading_a_master_cell_never_fails(cells: list[object]) -> None:
    """What a coordinator may type (or a file may hold) in a number, date or time column is read
    or left missing for validation to name: never an exception."""
    from trainbook import values

    column = pd.Series(cells, dtype=object)
    numbers, dates, times = values.number(column), values.date(column), values.time_of_day(column)
    assert len(numbers) == len(dates) == len(times) == len(cells)
    assert numbers.dtype == float and str(dates.dtype).startswith("datetime64")
    assert str(times.dtype).startswith("timedelta64")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_validation_and_progress_take_any_cells(data: st.DataObject) -> None:
    """Every input sheet filled with anything at all: validation finds what it finds and progress
    works out what it can; neither raises."""
    import datetime as dt

    from trainbook.metrics import compute
    from trainbook.schema.sheets import SHEETS
    from trainbook.validation import run_checks
    from trainbook.workbook.master import Master, table_from_values

    likely = st.sampled_from(["S0001", "C01", "G1", "出勤", "是", "已通过", "2026-11-02", "9:00", "13812345678",
                              "=1+1", "-2+3", "80%"])
    tables = {}
    for sheet in (s for s in SHEETS if s.columns):
        header = [c.zh for c in sheet.columns]
        rows = data.draw(st.lists(st.lists(st.one_of(likely, CELLS), min_size=len(header), max_size=len(header)),
                                  max_size=3))
        tables[sheet.key] = table_from_values(sheet, sheet.zh, [header, *rows])
    master = Master("fuzz.xlsx", "zh", [s.zh for s in SHEETS], tables=tables, names={s.key: s.zh for s in SHEETS})
    run_checks(master, dt.date(2026, 11, 29))
    compute(master, dt.date(2026, 11, 29))


def test_tags_that_never_close_cost_no_more_than_their_length(demo_book: Path, tmp_path: Path) -> None:
    """150,000 '<c ' openings in a comment (valid XML; a reference past column Z beside them makes
    every reference be read) once made a reference search quadratic: an export with them, and a
    master with them, are read and written in bounded time."""
    import datetime as dt
    import random

    from trainbook.demo.exports import punch_records

    from .conftest import clean_tables

    letters = random.Random(7).choices(b"abcdefghijklmnopqrstuvwxyz", k=5 * 150_000)
    junk = b'<!-- r="AA1"' + b"".join(b"<c " + bytes(letters[i:i + 5]) for i in range(0, len(letters), 5)) + b"--></worksheet>"
    person = clean_tables()["enrollment"].iloc[2].to_dict()
    export = punch_records(tmp_path / "p.xlsx", [(person, dt.datetime(2026, 11, 2, 8, 50))],
                           dt.date(2026, 11, 2), dt.date(2026, 11, 2))
    with zipfile.ZipFile(export) as zf:
        sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/"))
        xml = zf.read(sheet)
    hostile_export = rezip(export, tmp_path / "junk.xlsx", {sheet: xml.replace(b"</worksheet>", junk)})
    with zipfile.ZipFile(demo_book) as zf:
        xml = zf.read("xl/worksheets/sheet5.xml")  # 考勤, written by the merge
    hostile_master = rezip(demo_book, tmp_path / "master.xlsx",
                           {"xl/worksheets/sheet5.xml": xml.replace(b"</worksheet>", junk)})
    code, out, err, seconds, _ = trainbook_process("merge", str(hostile_master), str(hostile_export))
    assert code == 0 and "junk.xlsx" in out and seconds < 60, (code, err, seconds)
