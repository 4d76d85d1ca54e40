"""Golden exports in real DingTalk layouts (tests/data/golden/, made by tests/data/golden.py), each
merged into the program its expected.json describes: every landed (session, student, status) with
its times, every 待确认 row with its reason and candidates, and every skipped row with its reason
come out exactly as expected, and every row is accounted for."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import python_calamine

import trainbook
from trainbook.importers.sources import file_sources, likely_kinds
from trainbook.workbook.engine import Update
from trainbook.workbook.file_engine import FileEngine

from .data import golden

CASES = sorted(golden.CASES)


def expected(case: str) -> dict[str, Any]:
    return json.loads((golden.HERE / f"{case}.expected.json").read_text(encoding="utf-8"))


def program_book(folder: Path, program: dict[str, Any]) -> Path:
    """A master holding the expected.json's students and sessions."""
    path = trainbook.init(folder / "program.xlsx")
    students = pd.DataFrame([{"review_status": "已通过", "status": "在读", "department": "培训部", **s}
                             for s in program["students"]])
    sessions = pd.DataFrame([{"mode": "线下", "required": "是", **s} for s in program["sessions"]])
    for column in ("date",):
        sessions[column] = pd.to_datetime(sessions[column])
    engine = FileEngine(path)
    engine.write(engine.read(), Update(tables={"enrollment": students, "sessions": sessions}))
    return path


def outcome(book: Path, export: Path) -> dict[str, Any]:
    """What merging `export` into `book` did, in the shape of expected.json."""
    [result] = trainbook.merge(book, export)
    master = trainbook.read(book)
    attendance = master.frame("attendance")
    review = master.frame("review")

    def clock(value: Any) -> str | None:
        return None if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")

    return {
        "counts": {k: getattr(result, k) for k in ("kind", "rows", "matched", "review", "skipped")},
        "skipped_because": result.skipped_because,
        "attendance": sorted([r["session_id"], r["student_id"], r["status"], clock(r["checkin_at"]), clock(r["checkout_at"])]
                             for r in attendance.to_dict("records")),
        "review": sorted([r["raw_name"], r["reason"], r["candidates"] or "", int(r["count"])]
                         for r in review.to_dict("records")),
    }


@pytest.mark.parametrize("case", CASES)
def test_a_golden_export_lands_exactly_as_expected(tmp_path: Path, case: str) -> None:
    want = expected(case)
    got = outcome(program_book(tmp_path, want["program"]), golden.HERE / f"{case}.xlsx")
    counts = got["counts"]
    assert counts["rows"] == counts["matched"] + counts["review"] + counts["skipped"]
    assert sum(got["skipped_because"].values()) == counts["skipped"], "every skipped row has its reason"
    assert {k: got[k] for k in ("counts", "skipped_because", "attendance", "review")} == \
           {k: want[k] for k in ("counts", "skipped_because", "attendance", "review")}


@pytest.fixture
def looked_at_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports taken for large ones, which merge looks at first (a small one is read whole at once)."""
    from trainbook.importers import sources

    monkeypatch.setattr(sources, "LOOK_FIRST_FROM", 0)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.usefixtures("looked_at_first")
def test_a_golden_exports_kind_is_told_from_its_first_rows(case: str) -> None:
    """What the master is read for while the export is parsed: the kinds its full read finds."""
    path = golden.HERE / f"{case}.xlsx"
    assert likely_kinds(path, "zh") == [source.kind for source in file_sources(path, "zh")]


@pytest.mark.usefixtures("looked_at_first")
def test_a_first_look_says_nothing_of_what_it_makes_of_the_file(tmp_path: Path) -> None:
    """An export whose styles lack the default one (as some generators write them) is looked at in
    silence: the stream's opinion of it is no message for the coordinator."""
    source = golden.HERE / "daily_two_rows.xlsx"
    bare = tmp_path / "bare-styles.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/styles.xml":
                data = re.sub(rb"<cellStyleXfs.*?</cellStyleXfs>|<cellStyles.*?</cellStyles>", b"", data, flags=re.S)
            zout.writestr(info, data)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        assert [k.key for k in likely_kinds(bare, "zh") or []] == ["daily_stats"]
    assert not said, [str(w.message) for w in said]


def _layout(path: Path) -> tuple[list[list[list[Any]]], list[bytes]]:
    """Every sheet's cells, and the used ranges the sheets declare (a streaming reader trusts them)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        cells = [book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names]
    finally:
        book.close()
    with zipfile.ZipFile(path) as zf:
        declared = [re.search(rb"<dimension[^>]*>", zf.read(name)) for name in sorted(zf.namelist())
                    if name.startswith("xl/worksheets/sheet")]
    return cells, [d.group(0) if d else b"" for d in declared]


@pytest.mark.parametrize("case", CASES)
def test_the_committed_golden_export_is_what_its_code_makes(tmp_path: Path, case: str) -> None:
    made = golden.build(case, tmp_path)
    assert _layout(made) == _layout(golden.HERE / f"{case}.xlsx"), f"run python -m tests.data.golden ({case} is stale)"


def _grid(path: Path, labels: list[str], title: str = "打卡时间 统计日期：2026-06-15 至 2026-06-21") -> Path:
    ident = ["姓名", "考勤组", "部门", "工号", "职位", "UserId"]
    rows: list[list[Any]] = [[title], ["报表生成时间：2026-06-22 09:10"], ident + ["打卡时间"] + [None] * (len(labels) - 1),
                             [None] * len(ident) + labels,
                             ["高雅丽", "公司", "财务部", "H0004", "会计", "U1001"] + ["08:50  \n17:10  "] * len(labels)]
    return golden.write(path, [golden.Sheet("打卡时间", rows, [(2, c, 3, c) for c in range(6)])])


def test_a_day_column_whose_label_contradicts_its_date_is_named_and_not_imported(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from trainbook.cli import main

    want = expected("grid_holidays")
    book = program_book(tmp_path, want["program"])
    export = _grid(tmp_path / "grid.xlsx", ["15", "16", "17", "8", "端午节", "六", "日"])  # 18 mislabelled 8
    result = CliRunner().invoke(main, ["merge", str(book), str(export)])
    assert result.exit_code == 0, result.output
    assert "有 1 列（“8”）的标签与统计日期推算的日期不符，未导入" in result.output
    landed = trainbook.read(book).frame("attendance")
    assert sorted(landed["session_id"]) == ["C01", "C02", "C03", "C05", "C06", "C07"], "every other day lands"


def test_a_day_grid_without_its_period_is_refused_before_anything_is_recorded(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from trainbook.cli import main

    book = program_book(tmp_path, expected("grid_holidays")["program"])
    before = book.read_bytes()
    export = _grid(tmp_path / "grid.xlsx", ["15", "16", "17", "18", "端午节", "六", "日"], title="打卡时间")
    result = CliRunner().invoke(main, ["merge", str(book), str(export)])
    assert result.exit_code == 2 and "统计日期" in result.output
    assert book.read_bytes() == before


def test_an_overtime_approval_export_is_not_taken_for_leave(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from trainbook.cli import main

    sheet = golden.leave_approval()[0]
    overtime_fields = {"请假类型": "加班类型", "请假事由": "加班原因"}
    header = [overtime_fields.get(h, h) for h in sheet.rows[0]]
    overtime = golden.write(tmp_path / "加班.xlsx", [golden.Sheet("202604271525000382", [header, header, *sheet.rows[2:]])])
    book = program_book(tmp_path, expected("leave_approval")["program"])
    result = CliRunner().invoke(main, ["merge", str(book), str(overtime)])
    assert result.exit_code == 2 and "加班.xlsx" in result.output
