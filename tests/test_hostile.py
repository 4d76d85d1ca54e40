"""Hostile and broken input, made by code: every case ends in exit 2 and one line
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


def far_master(demo_book: Path, path: Path) -> Path:
    """The demo master with one more attendance row, reaching Excel's last column and row."""
    with zipfile.ZipFile(demo_book) as zf:
        sheet = zf.read("xl/worksheets/sheet5.xml")
    return rezip(demo_book, path, {"xl/worksheets/sheet5.xml": sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')})


def noted(book: Path) -> Path:
    """`book` with a note on its first attendance row, written as trainbook writes: only that sheet changes."""
    from trainbook.workbook.engine import Update
    from trainbook.workbook.file_engine import FileEngine

    engine = FileEngine(book)
    master = engine.read()
    attendance = master.frame("attendance").copy()
    attendance.iloc[0, attendance.columns.get_loc("note")] = "补签"
    engine.write(master, Update(tables={"attendance": attendance}))
    return book


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
    assert result.exit_code == 2 and "dtd.xlsx" in result.output and "XML 文档类型或实体声明" in result.output, result.output
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
    far = far_master(demo_book, tmp_path / "far.xlsx")
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


@pytest.mark.parametrize("how", ["header-row-deleted", "attendance-header-deleted", "attendance-renamed",
                                 "attendance-missing"])
def test_a_master_without_what_progress_needs_is_refused(how: str, demo_book: Path) -> None:
    """Refused whole — attendance's headers too, though that sheet is still being read while
    progress starts on the others."""
    wb = openpyxl.load_workbook(demo_book)
    if how == "header-row-deleted":
        wb["报名"].delete_rows(1)
    elif how == "attendance-header-deleted":
        wb["考勤"].delete_rows(1)
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


def export_with_sheet_xml(tmp_path: Path, name: str, change: object) -> Path:
    """A one-sheet sign-in export whose sheet XML is rewritten by `change` (bytes → bytes)."""
    wb = openpyxl.Workbook()
    wb.active.title = "签到报表"
    wb.active.append(["姓名", "部门", "日期", "时间"])
    wb.active.append(["甲", "研发中心", "2026-11-16", "09:58"])
    wb.save(tmp_path / "base.xlsx")
    with zipfile.ZipFile(tmp_path / "base.xlsx") as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    return rezip(tmp_path / "base.xlsx", tmp_path / name, {"xl/worksheets/sheet1.xml": change(xml)})  # type: ignore[operator]


FAR_SPELLINGS = {  # a far cell as an XML writer may spell it, and cells that give no reference at all
    "spaces.xlsx": b'<row r="3"><c  r = "XFD1048576"><v>1</v></c></row>',
    "quotes.xlsx": b"<row r='3'><c r='XFD1048576'><v>1</v></c></row>",
    "lower.xlsx": b'<row r="3"><c r="xfd1048576"><v>1</v></c></row>',
    "unplaced.xlsx": b'<row r="3">' + b"<c><v>1</v></c>" * 20_000 + b"</row>",
    # a row whose number is not its first attribute: 900,000 rows × 26 columns is past the budget
    "row-number-later.xlsx": b'<row ht="15" r="900000"><c r="Z900000"><v>1</v></c></row>',
    # within A–AZ and below row 1,000,000 each, but 800,000 rows × 52 columns together
    "long-and-wide.xlsx": b'<row r="800000"><c r="AZ800000"><v>1</v></c></row>',
}


@pytest.mark.parametrize("name", sorted(FAR_SPELLINGS))
def test_far_cells_are_found_however_they_are_spelled(name: str, demo_book: Path, tmp_path: Path) -> None:
    export = export_with_sheet_xml(tmp_path, name, lambda xml: xml.replace(b"</sheetData>",
                                                                           FAR_SPELLINGS[name] + b"</sheetData>"))
    code, _, err, seconds, peak = trainbook_process("merge", str(demo_book), str(export))
    assert code == 2 and name in err and len(err.splitlines()) == 1, err
    assert seconds < 60 and peak < 2048


def test_a_string_table_claiming_more_strings_than_it_holds_is_refused(demo_book: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(demo_book) as zf:
        strings = zf.read("xl/sharedStrings.xml")
    book = rezip(demo_book, tmp_path / "sst.xlsx",
                 {"xl/sharedStrings.xml": re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4294967295"', strings)})
    code, _, err, _, _ = trainbook_process("validate", str(book))
    assert code == 2 and "sst.xlsx" in err and "共享字符串表声明的数量大得异常" in err, err


def test_damaged_compressed_data_is_that_files_error(demo_book: Path, clean_book: Path, tmp_path: Path) -> None:
    data = bytearray(demo_book.read_bytes())
    with zipfile.ZipFile(demo_book) as zf:
        info = zf.getinfo("xl/worksheets/sheet5.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 100: start + 140] = bytes(40)  # deflate data that cannot be inflated
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    code, out, err, _, _ = trainbook_process("validate", "--format", "json", str(clean_book), str(damaged))
    files = json.loads(out)["files"]
    assert files[0]["ok"] and "damaged.xlsx" in files[1]["error"] and "内部错误" not in files[1]["error"], files
    assert code == 2


def test_an_old_xls_that_claims_too_much_is_refused(demo_book: Path, tmp_path: Path, soffice: str) -> None:
    import struct

    from .conftest import convert

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "部门", "日期", "时间"])
    wb.active.append(["甲", "研发中心", "2026-11-16", "09:58"])
    wb.save(tmp_path / "签到.xlsx")
    legacy = bytearray(convert(soffice, tmp_path / "签到.xlsx", "xls", tmp_path / "xls").read_bytes())
    at = legacy.find(b"\x00\x02\x0e\x00")
    struct.pack_into("<IIHH", legacy, at + 4, 0, 0xFFFFFFFF, 0, 0xFFFF)
    (tmp_path / "far.xls").write_bytes(bytes(legacy))
    (tmp_path / "cut.xls").write_bytes(bytes(legacy[: len(legacy) * 2 // 3]))
    for name in ("far.xls", "cut.xls"):
        code, _, err, _, _ = trainbook_process("merge", str(demo_book), str(tmp_path / name))
        assert code == 2 and name in err and len(err.splitlines()) == 1, (name, err)


def test_a_dtd_behind_a_long_comment_is_found(demo_book: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(demo_book) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    body = rels.replace(b"?>", b"?><!--" + b"x" * 5000 + b'--><!DOCTYPE r SYSTEM "http://example.com/r.dtd">', 1)
    book = rezip(demo_book, tmp_path / "rels.xlsx", {"xl/_rels/workbook.xml.rels": body})
    code, _, err, _, _ = trainbook_process("progress", str(book))
    assert code == 2 and "XML 文档类型或实体声明" in err, err


SIGNIN = "姓名,部门,完整部门,日期,时间,经度,纬度,地点,详细地址,手机标识\n"
ROW = "甲,研发中心,星河科技-研发中心,2026-11-16,09:58,120.1,30.2,总部,3 楼,iPhone\n"
CSV_CASES = {  # name → (text, exit code, what the message or the result must say)
    "weird-period.csv": ("签到报表  统计日期：2026-13-45 至 2026-11-16\n" + SIGNIN + ROW, 0, "读取 1 行"),
    "open-quote.csv": (SIGNIN + '"' + ROW + ROW * 200, 2, "引号"),
    "wide-line.csv": (SIGNIN + ROW + "," * 100_000 + "x\n", 2, "100001"),
    "beyond-headers.csv": (SIGNIN + ROW + ",,,,,,,,,,,吕晓东\n", 0, "读取 2 行"),
    "slow-dates.csv": (SIGNIN + "".join(ROW.replace("2026-11-16", f"a{' ' * 30_000}b{i}") for i in range(8)), 0,
                       "读取 8 行"),
}


@pytest.mark.parametrize("name", sorted(CSV_CASES))
def test_awkward_text_exports_are_read_whole_or_refused(name: str, demo_book: Path, tmp_path: Path) -> None:
    text, expected, says = CSV_CASES[name]
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    before = demo_book.read_bytes()
    code, out, err, seconds, peak = trainbook_process("merge", str(demo_book), str(export), "--dry-run")
    assert code == expected and says in (out + err) and "内部错误" not in err, (code, out, err)
    assert seconds < 60 and peak < 2048 and demo_book.read_bytes() == before


def test_a_live_duration_padded_with_spaces_is_read_in_no_time() -> None:
    from trainbook.importers.parsing import minutes

    start = time.monotonic()
    assert minutes(pd.Series(["1d" + " " * 4000 + "x", "1小时2分钟"], dtype=object)).tolist()[1] == 62
    assert time.monotonic() - start < 5


def test_every_sheet_of_a_workbook_export_is_counted(demo_book: Path, tmp_path: Path) -> None:
    from trainbook.demo.exports import xlsx

    from .conftest import clean_tables

    people = clean_tables()["enrollment"].iloc[:5]
    sheets = {f"签到{n}": [["签到报表  统计日期：2026-11-16 至 2026-11-16"], SIGNIN.strip().split(","),
                          *[[p["name"], p["department"], "星河科技-" + p["department"], "2026-11-16", "09:58", "120.1",
                             "30.2", "总部", "3 楼", "iPhone"] for _, p in rows.iterrows()]]
              for n, rows in ((1, people.iloc[:2]), (2, people.iloc[2:]))}
    export = xlsx(tmp_path / "两张表.xlsx", sheets)
    result = CliRunner().invoke(main, ["merge", str(demo_book), str(export), "--format", "json"])
    results = json.loads(result.stdout)
    assert [r["rows"] for r in results] == [2, 3] and [r["path"] for r in results] == [
        "两张表.xlsx/签到1", "两张表.xlsx/签到2"]


@pytest.mark.parametrize("place", ["sessions-date", "settings-number"])
def test_absurd_values_typed_in_a_master_are_findings(place: str, demo_book: Path) -> None:
    wb = openpyxl.load_workbook(demo_book)
    if place == "sessions-date":
        wb["课次"]["C2"] = "9999-12-31"
    else:
        settings = wb["设置"]
        row = next(r for r in range(2, settings.max_row + 1) if settings.cell(r, 1).value == "late_grace_minutes")
        settings.cell(row, 2).value = "1e400"
    wb.save(demo_book)
    for command in ("validate", "progress", "notices", "share"):
        result = CliRunner().invoke(main, [command, str(demo_book), *(["--out", str(demo_book.with_name("r.xlsx"))]
                                                                       if command == "share" else [])])
        assert result.exit_code in (0, 1), (command, result.output)
    assert "invalid-" in CliRunner().invoke(main, ["validate", str(demo_book)]).output


def test_a_sheet_that_only_declares_a_far_range_is_read(tmp_path: Path, demo_book: Path) -> None:
    """DingTalk-like exports saved by some tools declare A1:XFD1048576 and hold a few cells: the
    reader goes by the cells, and so does the check."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "打卡时间"])
    wb.active.append(["路人甲", "2026-11-02 08:50"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    declared = tmp_path / "declared.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(declared, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
                assert b"XFD1048576" in data
            zout.writestr(info, data)
    result = CliRunner().invoke(main, ["merge", str(demo_book), str(declared), "--dry-run", "--force"])
    assert result.exit_code == 0, result.output


def test_a_sheet_is_scanned_once_while_it_stays_as_it_is(demo_book: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """How far a sheet reaches is remembered by the digest of its stored bytes: a new process
    reading an unchanged sheet does not scan it again, a changed sheet is scanned, a sheet that was
    refused is refused again, and a cache that cannot be read or written costs a scan, not a read."""
    from trainbook.workbook import checked, package
    from trainbook.workbook.file_engine import FileEngine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    scanned: list[str] = []
    scan = package._check_extent
    monkeypatch.setattr(package, "_check_extent", lambda zf, info, *rest: scanned.append(info.filename) or
                        scan(zf, info, *rest))

    def read(book: Path) -> list[str]:
        scanned.clear()
        monkeypatch.setattr(checked, "_known", None)  # a new process: what the cache file says
        FileEngine(book).read()
        return sorted(scanned)

    first = read(demo_book)
    assert read(demo_book) == first  # the demo's sheets are small: scanned each time, nothing kept
    assert not checked.cache_file().exists()
    monkeypatch.setattr(package, "REMEMBERED_FROM", 0)  # as if they were large
    assert read(demo_book) == first
    assert "xl/worksheets/sheet5.xml" in first and read(demo_book) == []
    noted(demo_book)
    assert read(demo_book) == ["xl/worksheets/sheet5.xml"]  # only the sheet that changed

    far = far_master(demo_book, tmp_path / "far-master.xlsx")
    for _ in range(2):
        with pytest.raises(trainbook.InputError, match="XFD1048576"):
            read(far)
    before = far.read_bytes()
    for operation in (trainbook.progress, trainbook.validate):  # each reads attendance while it starts on the rest
        with pytest.raises(trainbook.InputError, match="XFD1048576"):
            operation(far)
    assert far.read_bytes() == before

    for broken in ("not json", "[1, 2]"):
        checked.cache_file().write_text(broken, encoding="utf-8")
        assert "xl/worksheets/sheet5.xml" in read(demo_book) and read(demo_book) == []
    checked.cache_file().unlink()
    checked.cache_file().mkdir()  # a folder where the file should be: nothing can be kept
    assert read(demo_book) == first and read(demo_book) == first


def test_a_sheet_parsed_early_is_taken_only_while_the_file_is_as_it_was(demo_book: Path, tmp_path: Path) -> None:
    """A command begins parsing its workbook's largest sheet before it imports pandas: the read
    takes that parse while the file is the version it was parsed from; after a change, and after a
    refusal (to be said in the workbook's language), the read parses the sheet itself."""
    import shutil

    from trainbook.workbook import early
    from trainbook.workbook.file_engine import FileEngine

    book = Path(shutil.copy(demo_book, tmp_path / "book.xlsx"))
    as_read = FileEngine(book).read().frame("attendance")
    early.begin(book)  # an earlier command's head start nobody took is let go
    assert [key[2] for key in early._begun] == ["考勤"]
    assert FileEngine(book).read().frame("attendance").equals(as_read) and not early._begun, "taken"

    changed = noted(Path(shutil.copy(demo_book, tmp_path / "changed.xlsx")))
    early.begin(book)
    shutil.copy(changed, book)  # the file changes after its sheet was begun
    assert FileEngine(book).read().frame("attendance").iloc[0]["note"] == "补签"
    assert len(early._begun) == 1, "the parse of the earlier version is not taken"
    early._begun.clear()

    far = far_master(demo_book, tmp_path / "far.xlsx")
    early.begin(far)
    with pytest.raises(trainbook.InputError, match="XFD1048576"):
        FileEngine(far).read()
    assert not early._begun
