"""Validation: clean data passes; each catalogue code is reported exactly where it was planted."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import trainbook
from trainbook import values
from trainbook.demo import AS_OF
from trainbook.schema.sheets import SHEETS
from trainbook.validation.catalogue import CODES
from trainbook.validation.cells import check_cells
from trainbook.validation.report import Finding
from trainbook.workbook.file_engine import FileEngine
from trainbook.workbook.master import Master, Tables

from .conftest import clean_tables, named, write_tables

CELL = ("sheet", "row", "column", "code")


def test_clean_program_has_no_findings(clean_book: Path) -> None:
    report = trainbook.validate(clean_book, as_of=AS_OF)
    assert report.ok
    assert report.flatten(CELL) == []


def test_blank_workbook_is_valid_and_asks_for_the_programs_name(blank_book: Path) -> None:
    report = trainbook.validate(blank_book)
    assert report.ok and report.flatten(("sheet", "column", "code")) == [("settings", "value", "program-name-missing")]


def planted_tables(book: Path) -> dict:
    tables = clean_tables()
    e, s = tables["enrollment"], tables["sessions"].astype(object)
    tables["sessions"] = s
    e.loc[4, "mobile"] = "1381234567"
    e.loc[9, "email"] = "zhao.qiang@example"
    e.loc[2, "group_id"] = "G03"
    e.loc[20, "goal"] = '=HYPERLINK("http://evil.example","点我")'
    twin = e.loc[12].copy()
    twin["student_id"] = "S0067"
    tables["enrollment"] = pd.concat([e, twin.to_frame().T], ignore_index=True)
    tables["groups"].loc[0, "name"] = None
    tables["groups"].loc[1, "capacity"] = 20
    s.loc[0, "date"] = "2026-13-45"
    s.loc[1, "start"] = "25:00"
    s.loc[3, "end"] = dt.time(9, 0)
    tables["tasks"] = tables["tasks"].astype(object)
    tables["tasks"].loc[0, "max_points"] = "十"
    a = tables["attendance"]
    a.loc[7, "status"] = "出席"
    tables["attendance"] = pd.concat([a, a.loc[[3]]], ignore_index=True)
    tables["submissions"].loc[0, "task_id"] = "T09"
    tables["assessments"].loc[3, "weight"] = 0.2
    sc = tables["scores"]
    sc.loc[5, "score"] = 55
    sc.loc[1, "assessment_id"] = "A09"
    sc.loc[len(sc)] = {"assessment_id": "A01", "student_id": "S0099", "name": "王小明", "score": 41}
    tables["feedback"].loc[0, "overall"] = 6
    m = tables["materials"]
    m.loc[2, "material_id"] = "M01"
    m.loc[1, "session_id"] = "C99"
    s.loc[6, "checkin_url"] = "见群公告"
    settings = named(book)
    settings.loc[settings["key"] == "late_grace_minutes", "value"] = "五分钟"
    settings.loc[settings["key"] == "require_checkout", "value"] = "也许"
    tables["settings"] = settings
    templates = FileEngine(book).read().frame("templates").copy()
    templates.loc[templates["kind"] == "task-reminder", "body"] = "{姓名}：{作业名称} 快截止了"
    tables["templates"] = templates
    return tables


def test_every_planted_mistake_is_found_where_it_is(blank_book: Path) -> None:
    tables = planted_tables(blank_book)
    write_tables(blank_book, tables)
    report = trainbook.validate(blank_book, as_of="2026-12-01")  # C09 (11-30) held, its data not imported
    n_att = len(tables["attendance"]) + 1
    settings = tables["settings"]
    grace_row = int(settings.index[settings["key"] == "late_grace_minutes"][0])
    checkout_row = int(settings.index[settings["key"] == "require_checkout"][0])
    task_row = int(tables["templates"].index[tables["templates"]["kind"] == "task-reminder"][0])
    expected = [
        ("enrollment", 4, "group_id", "unknown-group"),
        ("enrollment", 6, "mobile", "invalid-mobile"),
        ("enrollment", 11, "email", "invalid-email"),
        ("enrollment", 22, "goal", "formula-text"),
        ("enrollment", 68, "mobile", "possible-duplicate"),
        ("enrollment", 68, "name", "possible-duplicate"),
        ("groups", 2, "name", "required-missing"),
        ("groups", 3, "capacity", "over-capacity"),
        ("sessions", 2, "date", "invalid-date"),
        ("sessions", 3, "start", "invalid-time"),
        ("sessions", 5, "end", "end-before-start"),
        ("sessions", 8, "checkin_url", "invalid-url"),
        ("attendance", 9, "status", "invalid-choice"),
        ("attendance", n_att, "student_id", "duplicate-record"),
        ("tasks", 2, "max_points", "invalid-number"),
        ("submissions", 2, "task_id", "unknown-task"),
        ("assessments", None, "weight", "weights-not-100"),
        ("scores", 3, "assessment_id", "unknown-assessment"),
        ("scores", 7, "score", "out-of-range"),
        ("scores", 68, "student_id", "unknown-student"),
        ("feedback", 2, "overall", "out-of-range"),
        ("materials", 3, "session_id", "unknown-session"),
        ("materials", 4, "material_id", "duplicate-id"),
        ("settings", grace_row, "value", "invalid-number"),
        ("settings", checkout_row, "value", "invalid-choice"),
        ("sessions", 10, "session_id", "session-unrecorded"),
        ("templates", task_row, "body", "unknown-placeholder"),
    ]
    assert sorted(report.flatten(CELL), key=str) == sorted(expected, key=str)
    assert not report.ok
    # with test_missing_sheet_and_missing_column, test_hostile, the blank workbook's test and test_outputs
    # (ids that are no file names) and the task on an elective below, every code of the catalogue is planted somewhere
    assert {code for *_, code in expected} | {"missing-sheet", "missing-column", "duplicate-column",
                                              "program-name-missing", "id-not-a-file-name", "task-on-elective"} == {
        c.code for c in CODES}


def test_missing_sheet_and_missing_column(clean_book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(clean_book)
    del wb["资料"]
    wb["课次"]["C1"] = "上课日期"  # the required 日期 header renamed
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    report = trainbook.validate(broken, as_of="2000-01-01")
    assert ("materials", None, "", "missing-sheet") in report.flatten(CELL)
    assert ("sessions", 1, "date", "missing-column") in report.flatten(CELL)


def test_messages_name_the_place_and_speak_the_books_language(blank_book: Path, tmp_path: Path) -> None:
    write_tables(blank_book, planted_tables(blank_book))
    issue = next(i for i in trainbook.validate(blank_book).issues if i.code == "invalid-mobile")
    assert issue.cell == "C6" and issue.header == "手机号" and issue.value == "1381234567"
    assert "报名!C6" in issue.message and "手机号" in issue.message

    en_book = trainbook.init(tmp_path / "en.xlsx", lang="en")
    tables = clean_tables()
    tables["enrollment"].loc[4, "mobile"] = "12345"
    write_tables(en_book, {"enrollment": tables["enrollment"]})
    issue = next(i for i in trainbook.validate(en_book).issues if i.code == "invalid-mobile")
    assert issue.sheet_name == "Enrollment" and "Enrollment!C6" in issue.message
    assert "mobile" in issue.message


@pytest.mark.parametrize("value", ["138 1234 5678", "+86 138-1234-5678", 13812345678, "008613812345678"])
def test_mobile_forms_coordinators_type_are_accepted(blank_book: Path, value: object) -> None:
    tables = clean_tables()
    tables["enrollment"].loc[0, "mobile"] = value
    write_tables(blank_book, {"enrollment": tables["enrollment"], "groups": tables["groups"]})
    assert "invalid-mobile" not in {i.code for i in trainbook.validate(blank_book).issues}


def test_report_helpers(demo_book: Path) -> None:
    report = trainbook.validate(demo_book, as_of=AS_OF)
    frame = report.to_frame()
    assert len(frame) == len(report.issues) and {"code", "cell", "message"} <= set(frame.columns)
    assert report.errors == sum(frame["severity"] == "error")
    data = report.to_json()
    assert set(data) == {"path", "ok", "errors", "warnings", "issues"}
    assert set(data["issues"][0]) == {"severity", "sheet", "row", "column", "code", "message", "value"}


def _student(**extra: object) -> dict:
    return {"student_id": "S0001", "name": "甲", "mobile": "13800000001", "department": "研发", "review_status": "已通过",
            **extra}


def test_a_mobile_with_plus_86_is_a_phone_number_and_minus_sums_are_formulas(blank_book: Path) -> None:
    people = pd.DataFrame([_student(mobile="+86 137 1234 5670", notes="-2+3"),
                           _student(student_id="S0002", name="乙", mobile="13800000002", notes="-5"),
                           _student(student_id="S0003", name="-丙", mobile="13800000003", notes="-")])
    write_tables(blank_book, {"enrollment": people})
    found = trainbook.validate(blank_book).flatten(("row", "column", "code"))
    assert (2, "mobile", "formula-text") not in found and (2, "mobile", "invalid-mobile") not in found
    assert (2, "notes", "formula-text") in found and (3, "notes", "formula-text") not in found
    assert (4, "name", "formula-text") in found and (4, "notes", "formula-text") not in found  # Excel runs -丙; - is a dash
    assert values.inert("-丙") == "'-丙" and values.inert("-5") == "-5"


def test_formula_like_text_waiting_in_review_is_found(blank_book: Path) -> None:
    write_tables(blank_book, {"review": pd.DataFrame([{"kind": "punch_records", "file": "p.csv", "source_row": 2,
                                                       "raw_name": "=HYPERLINK(\"http://evil\",\"x\")"}])})
    assert ("review", "raw_name", "formula-text") in trainbook.validate(blank_book).flatten(("sheet", "column", "code"))


def test_the_specs_header_for_a_tasks_session_is_accepted(blank_book: Path) -> None:
    wb = openpyxl.load_workbook(blank_book)
    header = [c.value for c in wb["任务"][1]]
    wb["任务"].cell(1, header.index("课次编号") + 1, "关联课次")
    wb.save(blank_book)
    assert "session_id" in trainbook.read(blank_book).tables["tasks"].positions


def test_possible_duplicate_says_which_account_two_records_share(blank_book: Path) -> None:
    people = pd.DataFrame([_student(dingtalk_userid="u-1"),
                           _student(student_id="S0002", name="乙", mobile="13800000002", dingtalk_userid="u-1")])
    write_tables(blank_book, {"enrollment": people})
    [issue] = [i for i in trainbook.validate(blank_book).issues if i.code == "possible-duplicate"]
    assert issue.column == "dingtalk_userid" and "UserId" in issue.message and "S0001" in issue.message


def test_an_english_workbook_speaks_english_in_settings_and_lists(tmp_path: Path) -> None:
    book = trainbook.init(tmp_path / "en.xlsx", lang="en")
    settings = trainbook.read(book).frame("settings")
    assert settings.loc[settings["key"] == "language", "value"].iloc[0] == "English"
    people = pd.DataFrame([{"student_id": "S0001", "name": "Ann", "mobile": "13800000001", "department": "R&D",
                            "review_status": "maybe"}])
    write_tables(book, {"enrollment": people})
    [issue] = [i for i in trainbook.validate(book).issues if i.code == "invalid-choice"]
    assert "Pending, Approved, Rejected" in issue.message and "、" not in issue.message


def test_every_choice_setting_is_typed_with_exactly_its_choices() -> None:
    import typing

    from trainbook.schema.settings import PARAMETERS, Settings

    for param in PARAMETERS:
        if param.kind == "choice":
            allowed = set(typing.get_args(Settings.model_fields[param.key].annotation))
            assert allowed == {c.key for c in param.choices}, param.key


def test_a_warm_validate_of_an_unchanged_file_reads_nothing(demo_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a running Python (the buttons' server, a notebook), validating a file again as of the same
    day answers from what the first call found; any change to the file, another day or annotating
    reads it afresh."""
    reads: list[Path] = []
    read = FileEngine.read

    def counted(self: FileEngine, keys: object = None, lazy: bool = False) -> object:
        reads.append(self.path)
        return read(self, keys, lazy)  # type: ignore[arg-type]

    monkeypatch.setattr(FileEngine, "read", counted)
    first = trainbook.validate(demo_book, as_of=AS_OF)
    again = trainbook.validate(str(demo_book), as_of=AS_OF)
    assert len(reads) == 1 and again.flatten() == first.flatten() and again is not first
    again.issues.clear()  # a caller's copy: what it does to it is its own
    assert trainbook.validate(demo_book, as_of=AS_OF).flatten() == first.flatten() and len(reads) == 1
    trainbook.validate(demo_book, as_of=AS_OF + dt.timedelta(days=1))
    assert len(reads) == 2, "another day is another question"
    enrollment = trainbook.read(demo_book).frame("enrollment").copy()
    enrollment.loc[enrollment.index[0], "mobile"] = "123"
    write_tables(demo_book, {"enrollment": enrollment})
    changed = trainbook.validate(demo_book, as_of=AS_OF)
    finding = ("enrollment", int(enrollment.index[0]), "mobile", "invalid-mobile")
    where = ("sheet", "row", "column", "code")
    assert finding in changed.flatten(where) and finding not in first.flatten(where)
    before = len(reads)
    trainbook.validate(demo_book, annotate=True, as_of=AS_OF)
    assert len(reads) > before, "annotating always reads and writes"


def test_the_cell_checks_find_together_what_they_find_column_by_column(blank_book: Path) -> None:
    """The cell checks run once over every column of many sheets; what each column holds is
    judged by its own declaration all the same: a value allowed in one column and not in the
    next, a number in range for one and not for another."""
    tables = planted_tables(blank_book)
    e, g, f = tables["enrollment"], tables["groups"].astype(object), tables["feedback"].astype(object)
    e.loc[5, "status"] = "迟到"  # an attendance status, no enrollment status
    e.loc[6, "review_status"] = "在读"  # an enrollment status, not a review status
    g.loc[2, "capacity"] = 0.5  # below 1 and not whole
    f.loc[1, "nps"], f.loc[2, "overall"] = 10, 10  # the top of one scale, beyond the other
    a = tables["attendance"].astype(object)
    a.loc[0, "watch_minutes"] = 0.5  # a number as any other, where 0.5 is no whole number of places
    tables["groups"], tables["feedback"], tables["attendance"] = g, f, a
    write_tables(blank_book, tables)
    master = FileEngine(blank_book).read()
    sheets = [sheet for sheet in SHEETS if sheet.key in master.tables]

    def found(findings: Iterable[Finding]) -> list[tuple[object, ...]]:
        return sorted(((f.code, f.sheet, f.column, row, str(value), str(f.extra))
                       for f in findings for row, value in zip(f.rows, f.values)), key=str)

    alone = []
    for sheet in sheets:
        table = master.tables[sheet.key]
        for column in table.frame.columns:
            one = Master(master.source, master.lang, master.sheet_names,
                         Tables({sheet.key: dataclasses.replace(table, frame=table.frame[[column]])}))
            alone += check_cells(one, [sheet])
    together = found(check_cells(master, sheets))
    assert together == found(alone)
    where = {(code, sheet, column, row) for code, sheet, column, row, *_ in together}
    assert {("invalid-choice", "enrollment", "status", 7), ("invalid-choice", "enrollment", "review_status", 8),
            ("invalid-number", "groups", "capacity", 4), ("out-of-range", "groups", "capacity", 4),
            ("out-of-range", "feedback", "overall", 4)} <= where
    assert not where & {("out-of-range", "feedback", "nps", 3), ("out-of-range", "attendance", "watch_minutes", 2),
                        ("invalid-number", "attendance", "watch_minutes", 2)}


def test_a_required_task_on_an_elective_session_is_named(blank_book: Path) -> None:
    sessions = pd.DataFrame([{"session_id": "C01", "title": "开班", "date": pd.Timestamp("2026-03-02"), "start": "09:00",
                              "end": "11:00", "required": "是"},
                             {"session_id": "C02", "title": "选修", "date": pd.Timestamp("2026-03-09"), "start": "09:00",
                              "end": "11:00", "required": "否"}])
    tasks = pd.DataFrame([{"task_id": "T1", "title": "作业一", "session_id": "C01", "due_at": pd.Timestamp("2026-03-05"),
                           "required": "是"},
                          {"task_id": "T2", "title": "作业二", "session_id": "C02", "due_at": pd.Timestamp("2026-03-12"),
                           "required": "是"},
                          {"task_id": "T3", "title": "作业三", "session_id": "C02", "due_at": pd.Timestamp("2026-03-12"),
                           "required": "否"}])
    write_tables(blank_book, {"sessions": sessions, "tasks": tasks})
    report = trainbook.validate(blank_book)
    found = [i for i in report.issues if i.code == "task-on-elective"]
    assert [(i.sheet, i.row) for i in found] == [("tasks", 3)]
    assert "必做任务 T2 挂在选修课次 C02 上" in found[0].message
