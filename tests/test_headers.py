"""Headers are matched by text in either language; reordered and user-added columns are fine."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import trainbook
from trainbook.demo import AS_OF
from trainbook.workbook.master import normalize


def test_reordered_english_and_messy_headers_still_match(clean_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(clean_book)
    ws = wb["报名"]
    ws.insert_cols(1)  # a column of the user's own, first
    ws["A1"] = "我的备注"
    ws["A2"] = "=1+1 不是公式"
    ws["D1"] = " Mobile "  # 手机号 in English with stray spaces
    ws["C1"] = "姓　名"  # a full-width space inside
    ws["D6"] = "12345"
    path = tmp_path / "messy.xlsx"
    wb.save(path)
    master = trainbook.read(path)
    table = master.table("enrollment")
    assert table is not None
    assert table.positions["mobile"] == 3 and table.positions["name"] == 2
    assert table.positions["我的备注"] == 0 and "我的备注" in table.frame
    report = trainbook.validate(path, as_of=AS_OF)
    assert report.flatten(("sheet", "row", "column", "code")) == [
        ("enrollment", 6, "mobile", "invalid-mobile")]
    assert report.issues[0].letter == "D" and report.issues[0].header == "Mobile"


def test_sheet_names_match_in_either_language(clean_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(clean_book)
    wb["报名"].title = "Enrollment"
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    master = trainbook.read(path)
    assert master.lang == "zh" and master.table("enrollment").name == "Enrollment"
    assert trainbook.validate(path, as_of=AS_OF).ok


def test_normalize_folds_width_space_and_case() -> None:
    assert normalize(" Ｍｏｂｉｌｅ ") == normalize("mobile") == "mobile"
    assert normalize("观看时长（分钟）") == normalize("观看时长(分钟)")


def test_records_are_typed_models(clean_book: Path) -> None:
    rows = trainbook.records(clean_book, "attendance")
    assert len(rows) == len(trainbook.read(clean_book).frame("attendance"))
    first = rows[0]
    assert first.status in {"present", "late", "absent", "excused"}
    assert first.session_id.startswith("C") and first.student_id.startswith("S")
