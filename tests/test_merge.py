"""Merging DingTalk exports: every kind lands in the right sheet with the right values, people are
matched or queued for review, and merging is idempotent."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.demo import exports
from trainbook.importers.kinds import BY_KEY as BY_KIND
from trainbook.importers.kinds import KINDS
from trainbook.importers.parsing import minutes, when

from .conftest import clean_tables, convert, init, json_book, parts, write_tables

D = dt.date


@pytest.fixture
def program() -> dict[str, pd.DataFrame]:
    tables = clean_tables()
    enrollment = tables["enrollment"]
    twin = enrollment.loc[0].copy()  # same name as S0001, other department, no DingTalk ids
    twin["student_id"], twin["department"], twin["mobile"] = "S0068", "财务部", "13700000068"
    twin["dingtalk_userid"], twin["employee_no"], twin["email"] = None, None, None
    tables["enrollment"] = pd.concat([enrollment, twin.to_frame().T], ignore_index=True)
    for key in ("attendance", "submissions", "scores", "feedback"):
        tables[key] = tables[key].iloc[0:0]
    return tables


@pytest.fixture
def roster_book(tmp_path: Path, program: dict[str, pd.DataFrame]) -> Path:
    return write_tables(init(tmp_path / "roster.xlsx"), {k: v for k, v in program.items()
                                                         if k not in ("attendance", "submissions", "scores",
                                                                      "feedback")})


def person(program: dict[str, pd.DataFrame], student_id: str) -> dict:
    row = program["enrollment"].set_index("student_id").loc[student_id]
    return {"student_id": student_id, **row.to_dict()}


def attendance(book: Path) -> dict[tuple[str, str], dict]:
    frame = trainbook.read(book).frame("attendance")
    return {(r["session_id"], r["student_id"]): r for r in frame.to_dict("records")}


def test_parsing_the_forms_exports_use() -> None:
    raw = pd.Series(["20-09-01 星期二", "2020/3/3 14:48", "昨日 23:50", 1_700_000_000_000, 45000.5,
                     "2019-03-19 9:00", None, "--"], dtype=object)
    got = when(raw, pd.Timestamp("2020-09-02"))
    assert got.tolist()[:6] == [pd.Timestamp("2020-09-01"), pd.Timestamp("2020-03-03 14:48"),
                                pd.Timestamp("2020-09-01 23:50"), pd.Timestamp("2023-11-15 06:13:20"),
                                pd.Timestamp("2023-03-15 12:00"), pd.Timestamp("2019-03-19 09:00")]
    assert got.iloc[6:].isna().all()
    assert minutes(pd.Series(["0:32:41", "12分30秒", "1小时2分钟", "未参与", "无", "--", 15], dtype=object)
                   ).round(2).tolist() == [32.68, 12.5, 62.0, 0.0, 0.0, 0.0, 15.0]


def test_punch_records_give_statuses_by_policy(tmp_path: Path, roster_book: Path, program) -> None:
    p = lambda sid: person(program, sid)  # noqa: E731
    punches = [
        (p("S0003"), dt.datetime(2026, 11, 2, 8, 50)),   # before 09:00 → 出勤
        (p("S0005"), dt.datetime(2026, 11, 2, 9, 5)),    # within the 5-minute grace → 出勤
        (p("S0007"), dt.datetime(2026, 11, 2, 9, 12)),   # → 迟到
        (p("S0007"), dt.datetime(2026, 11, 2, 11, 2)),   # its check-out
        (p("S0009"), dt.datetime(2026, 11, 2, 7, 30)),   # before check-in opens (08:00): still its check-in
    ]
    export = exports.punch_records(tmp_path / "原始记录.xlsx", punches, D(2026, 11, 2), D(2026, 11, 8))
    [result] = trainbook.merge(roster_book, export)
    assert (result.kind, result.rows, result.inserted, result.review) == ("punch_records", 5, 4, 0)
    rows = attendance(roster_book)
    assert rows[("C01", "S0003")]["status"] == "出勤"
    assert rows[("C01", "S0005")]["status"] == "出勤"
    late = rows[("C01", "S0007")]
    assert late["status"] == "迟到" and pd.Timestamp(late["checkin_at"]) == pd.Timestamp("2026-11-02 09:12")
    assert pd.Timestamp(late["checkout_at"]) == pd.Timestamp("2026-11-02 11:02")
    early = rows[("C01", "S0009")]  # no other session lies between: the early arrival is the check-in
    assert early["status"] == "出勤" and pd.Timestamp(early["checkin_at"]) == pd.Timestamp("2026-11-02 07:30")


def test_english_headers_same_names_unknown_people_and_suffixes(tmp_path: Path, roster_book: Path,
                                                               program) -> None:
    s1 = person(program, "S0001")
    twin = person(program, "S0068")
    anonymous_twin = {**twin, "dingtalk_userid": "", "employee_no": ""}
    stranger = {"name": "路人甲", "department": "销售部", "dingtalk_userid": "", "employee_no": ""}
    left = {**person(program, "S0011"), "name": person(program, "S0011")["name"] + "(离职)",
            "dingtalk_userid": "", "employee_no": ""}
    unnamed_s1 = {**s1, "dingtalk_userid": "", "employee_no": ""}
    at = dt.datetime(2026, 11, 2, 8, 55)
    export = exports.punch_records(tmp_path / "punches-en.xlsx",
                                   [(unnamed_s1, at), (anonymous_twin, at), (stranger, at), (left, at)],
                                   D(2026, 11, 2), D(2026, 11, 2), english=True)
    [result] = trainbook.merge(roster_book, export)
    assert result.matched == 3 and result.review == 1
    rows = attendance(roster_book)
    assert {("C01", "S0001"), ("C01", "S0068"), ("C01", "S0011")} <= set(rows)
    review = trainbook.read(roster_book).frame("review")
    assert review["raw_name"].tolist() == ["路人甲"] and review["reason"].tolist() == ["无匹配学员"]


def test_ambiguous_name_goes_to_review_with_candidates(tmp_path: Path, roster_book: Path, program) -> None:
    s1 = person(program, "S0001")
    nobody_knows = {"name": s1["name"], "department": "", "dingtalk_userid": "", "employee_no": ""}
    export = exports.punch_records(tmp_path / "p.xlsx", [(nobody_knows, dt.datetime(2026, 11, 2, 8, 55))],
                                   D(2026, 11, 2), D(2026, 11, 2))
    [result] = trainbook.merge(roster_book, export)
    assert result.review == 1 and result.inserted == 0
    review = trainbook.read(roster_book).frame("review").iloc[0]
    assert review["reason"] == "多个候选学员" and "S0001" in review["candidates"] and "S0068" in review["candidates"]


def test_a_namesake_whose_own_account_differs_is_never_matched(tmp_path: Path, roster_book: Path, program) -> None:
    s3 = person(program, "S0003")  # the only student of this name
    other_account = {**s3, "dingtalk_userid": "U-ELSEWHERE", "employee_no": ""}
    other_number = {**s3, "dingtalk_userid": "", "employee_no": "E-ELSEWHERE"}
    # a department is written many ways and changes: on its own it makes no namesake
    same = {**s3, "department": "华东区/后勤保障部", "dingtalk_userid": "", "employee_no": ""}
    zeros_lost = {**s3, "dingtalk_userid": "", "employee_no": "000" + str(s3["employee_no"])}  # 0012 and 12 alike
    at = dt.datetime(2026, 11, 2, 8, 55)
    export = exports.punch_records(tmp_path / "org-wide.xlsx", [(other_account, at), (other_number, at)],
                                   D(2026, 11, 2), D(2026, 11, 2))
    [result] = trainbook.merge(roster_book, export)
    assert (result.inserted, result.review) == (0, 2) and ("C01", "S0003") not in attendance(roster_book)
    review = trainbook.read(roster_book).frame("review")
    assert set(review["reason"]) == {"同名学员的钉钉UserId或工号与此行不同，请确认是否为同一人"}
    assert all("S0003" in c for c in review["candidates"])
    trainbook.merge(roster_book, exports.punch_records(tmp_path / "p.xlsx", [(same, at)], D(2026, 11, 2),
                                                       D(2026, 11, 2)))
    assert attendance(roster_book)[("C01", "S0003")]["status"] == "出勤"
    [zeros] = trainbook.merge(roster_book, exports.punch_records(tmp_path / "z.xlsx", [(zeros_lost, at)],
                                                                 D(2026, 11, 2), D(2026, 11, 2)))
    assert (zeros.matched, zeros.review) == (1, 0)


def test_a_leave_request_turned_down_never_counts(tmp_path: Path, roster_book: Path, program) -> None:
    s3, s5, s7 = (person(program, s) for s in ("S0003", "S0005", "S0007"))
    span = "2026-11-02 09:00 至 2026-11-02 18:00"
    export = exports.xlsx(tmp_path / "审批.xlsx", {"请假": [
        ["发起人姓名", "发起人部门", "请假类型", "请假时间", "审批状态", "审批结果"],
        [s3["name"], s3["department"], "事假", span, "已完成", "同意"],
        [s5["name"], s5["department"], "病假", span, "已完成", "不同意"],
        [s7["name"], s7["department"], "事假", span, "已完成", "未通过"]]})
    trainbook.merge(roster_book, export)
    rows = attendance(roster_book)
    assert rows[("C01", "S0003")]["status"] == "请假"
    assert ("C01", "S0005") not in rows and ("C01", "S0007") not in rows


def test_same_file_twice_changes_nothing(tmp_path: Path, roster_book: Path, program) -> None:
    export = exports.punch_records(tmp_path / "p.xlsx", [(person(program, "S0003"), dt.datetime(2026, 11, 2, 8, 50))],
                                   D(2026, 11, 2), D(2026, 11, 8))
    trainbook.merge(roster_book, export)
    before = parts(roster_book)
    [again] = trainbook.merge(roster_book, export)
    assert again.already_imported and parts(roster_book) == before


def test_punch_grid_weekend_columns_multiline_cells_and_midnight(tmp_path: Path, roster_book: Path,
                                                                 program) -> None:
    people = [person(program, s) for s in ("S0003", "S0005", "S0007")]
    cells = {("S0003", 2): "08:52\n11:01", ("S0005", 2): "09:20", ("S0007", 23): "19:02\n01:10"}
    export = exports.punch_grid(tmp_path / "grid.xlsx", people, cells, D(2026, 11, 1), D(2026, 11, 30))
    [result] = trainbook.merge(roster_book, export)
    assert result.kind == "punch_grid"
    rows = attendance(roster_book)
    assert rows[("C01", "S0003")]["status"] == "出勤"
    assert rows[("C01", "S0005")]["status"] == "迟到"
    night = rows[("C08", "S0007")]  # 11-23 is a Monday; 19:02 in, 01:10 the next morning out
    assert night["status"] == "出勤" and pd.Timestamp(night["checkout_at"]) == pd.Timestamp("2026-11-24 01:10")


def test_daily_stats_two_row_headers(tmp_path: Path, roster_book: Path, program) -> None:
    entries = [(person(program, "S0003"), D(2026, 11, 2), "08:58", "正常", "次日 00:30", "正常"),
               (person(program, "S0005"), D(2026, 11, 2), "09:31", "迟到", "11:00", "正常"),
               (person(program, "S0007"), D(2026, 11, 2), "", "请假", "", "请假")]
    export = exports.daily_stats(tmp_path / "daily.xlsx", entries, D(2026, 11, 2), D(2026, 11, 2))
    [result] = trainbook.merge(roster_book, export)
    assert result.kind == "daily_stats"
    rows = attendance(roster_book)
    assert rows[("C01", "S0003")]["status"] == "出勤"
    assert rows[("C01", "S0005")]["status"] == "迟到"
    assert rows[("C01", "S0007")]["status"] == "请假"


def test_monthly_summary_day_results(tmp_path: Path, roster_book: Path, program) -> None:
    people = [person(program, s) for s in ("S0003", "S0005", "S0007", "S0009")]
    cells = {("S0003", 2): "正常", ("S0005", 2): "上班迟到12分钟", ("S0007", 2): "旷工",
             ("S0009", 2): "事假 09:00-18:00 1天"}
    export = exports.monthly_summary(tmp_path / "month.xlsx", people, cells, D(2026, 11, 1), D(2026, 11, 30))
    [result] = trainbook.merge(roster_book, export)
    assert result.kind == "monthly_summary"
    statuses = {k[1]: v["status"] for k, v in attendance(roster_book).items()}
    assert statuses == {"S0003": "出勤", "S0005": "迟到", "S0007": "缺勤", "S0009": "请假"}


def test_a_blank_day_of_a_monthly_summary_says_nothing(tmp_path: Path, program) -> None:
    """Blank day cells (most of a month) are no result: not the word 'None' shown to a coordinator."""
    from trainbook.importers.sources import file_sources

    people = [person(program, s) for s in ("S0003", "S0007")]
    export = exports.monthly_summary(tmp_path / "month.xlsx", people, {("S0007", 16): "旷工"}, D(2026, 11, 1),
                                     D(2026, 11, 30))
    [source] = file_sources(export, "zh")
    rows = source.kind.read(source.table, "zh")
    assert list(rows["day_result"]) == ["旷工"] and list(rows["day"]) == [pd.Timestamp("2026-11-16")]


def test_week_then_overlapping_month_equals_month_alone(tmp_path: Path, program) -> None:
    people = [person(program, s) for s in ("S0003", "S0005", "S0007")]
    week_cells = {("S0003", 2): "08:52\n11:01", ("S0005", 2): "09:20"}
    month_cells = {**week_cells, ("S0007", 9): "", ("S0003", 16): "09:58", ("S0005", 18): "14:30"}
    week = exports.punch_grid(tmp_path / "week.xlsx", people, week_cells, D(2026, 11, 1), D(2026, 11, 7))
    month = exports.punch_grid(tmp_path / "month.xlsx", people, month_cells, D(2026, 11, 1), D(2026, 11, 30))
    tables = {k: v for k, v in program.items() if k not in ("attendance", "submissions", "scores", "feedback")}
    both = write_tables(init(tmp_path / "both.xlsx"), tables)
    alone = write_tables(init(tmp_path / "alone.xlsx"), tables)
    trainbook.merge(both, week)
    [second] = trainbook.merge(both, month)
    trainbook.merge(alone, month)
    assert second.unchanged == 2 and second.inserted == 2
    key = ["session_id", "student_id", "status", "checkin_at", "checkout_at"]
    a = trainbook.read(both).frame("attendance")[key].sort_values(key[:2]).reset_index(drop=True)
    b = trainbook.read(alone).frame("attendance")[key].sort_values(key[:2]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_live_utf16_with_parents_and_non_viewers(tmp_path: Path, roster_book: Path, program) -> None:
    s3, s5, s7, s9 = (person(program, s) for s in ("S0003", "S0005", "S0007", "S0009"))
    child = s9["name"]  # parents name their account after the child: 戴娜妈妈(家长)
    viewers = [(s3["name"], "", "1:45:10", "未参与"),          # 105 of 120 min ≥ 80% → 出勤
               (s5["name"], "", "0:40:00", "0:20:00"),          # 60 min < 96 → 缺勤
               (s7["name"], "", "未参与", "未参与"),             # → 缺勤
               (f"{child}妈妈(家长)", "家校通讯录-星河科技-家长", "0:30:00", "未参与"),
               (f"{child}爸爸(家长)", "家校通讯录-星河科技-家长", "1:50:00", "未参与")]  # longest wins → 出勤
    export = exports.live_tsv(tmp_path / "2.11产品知识.csv", "产品知识（二）", "2026/11/11 14:02", viewers)
    [result] = trainbook.merge(roster_book, export)
    assert result.kind == "live"
    rows = attendance(roster_book)
    assert rows[("C05", "S0003")]["status"] == "出勤" and rows[("C05", "S0003")]["watch_minutes"] == pytest.approx(105.2, 0.01)
    absent = rows[("C05", "S0005")]
    assert absent["status"] == "缺勤" and "直播 40 + 回放 20" in absent["note"]
    assert rows[("C05", "S0007")]["status"] == "缺勤"
    assert rows[("C05", "S0009")]["status"] == "出勤" and rows[("C05", "S0009")]["watch_minutes"] == 110


def test_leave_only_where_nothing_shows_attendance(tmp_path: Path, roster_book: Path, program) -> None:
    s3, s5 = person(program, "S0003"), person(program, "S0005")
    export = exports.xlsx(tmp_path / "leave.xlsx", {"请假记录": [
        ["姓名", "部门", "假期类型", "请假时间", "请假时长(小时)", "审批单状态"],
        [s3["name"], s3["department"], "事假", "2026-11-02 09:00 至 2026-11-02 18:00", 8, "审批通过"],
        [s5["name"], s5["department"], "病假", "2026-11-02 09:00 至 2026-11-02 18:00", 8, "已拒绝"],
    ]})
    punch = exports.punch_records(tmp_path / "p.xlsx", [(s3, dt.datetime(2026, 11, 2, 8, 50))],
                                  D(2026, 11, 2), D(2026, 11, 2))
    [result] = trainbook.merge(roster_book, export)
    assert result.kind == "leave" and attendance(roster_book)[("C01", "S0003")]["status"] == "请假"
    assert ("C01", "S0005") not in attendance(roster_book)
    trainbook.merge(roster_book, punch)
    assert attendance(roster_book)[("C01", "S0003")]["status"] == "出勤"


def test_leave_approved_ahead_of_its_session_lands(tmp_path: Path, roster_book: Path, program) -> None:
    s3 = person(program, "S0003")
    export = exports.xlsx(tmp_path / "审批.xlsx", {"请假": [
        ["请假审批记录  导出时间：2026-10-30 10:00"],
        ["发起人姓名", "发起人部门", "审批编号", "审批状态", "审批结果", "请假类型", "开始时间", "结束时间", "时长"],
        [s3["name"], s3["department"], "P1", "已完成", "同意", "事假", "2026-11-02 08:00", "2026-11-02 12:00", "4小时"]]})
    [result] = trainbook.merge(roster_book, export)
    assert (result.inserted, result.skipped) == (1, 0), result
    assert attendance(roster_book)[("C01", "S0003")]["status"] == "请假"


def test_enrollment_form_gbk_csv_adds_pending_students_once(tmp_path: Path, roster_book: Path, program) -> None:
    known = person(program, "S0003")
    rows = [["报名表 导出时间：2026-10-15"],
            ["提交人", "提交时间", "部门", "是否填写", "姓名", "手机号", "邮箱", "岗位", "学习目标"],
            ["周小川", "2026/10/12 9:30", "研发中心", "已填写", "周小川", "139 1234 5678", "zxc@example.com",
             "后端工程师", "=HYPERLINK(\"x\")"],
            [known["name"], "2026/10/12 9:31", known["department"], "已填写", known["name"], known["mobile"], "", "", ""],
            ["周小川", "2026/10/12 9:40", "研发中心", "已填写", "周小川", "13912345678", "zxc@example.com", "后端工程师", ""]]
    export = tmp_path / "报名.csv"
    export.write_bytes(exports.csv_bytes(rows, "gbk"))
    [result] = trainbook.merge(roster_book, export)
    assert (result.kind, result.rows, result.inserted, result.matched, result.unchanged) == ("enrollment_form", 3, 1, 3, 1)
    enrollment = trainbook.read(roster_book).frame("enrollment")
    new = enrollment.iloc[-1]
    assert new["student_id"] == "S0069" and new["review_status"] == "待审核" and new["mobile"] == "13912345678"
    assert new["goal"] == '=HYPERLINK("x")'  # kept as inert text
    report = trainbook.validate(roster_book)
    assert ("enrollment", len(enrollment) + 1, "goal", "formula-text") in report.flatten(
        ("sheet", "row", "column", "code"))


def test_exam_results_land_in_scores(tmp_path: Path, roster_book: Path, program) -> None:
    s3, s5 = person(program, "S0003"), person(program, "S0005")
    export = exports.xlsx(tmp_path / "exam.xlsx", {"成绩": [
        ["Name", "Department", "Exam Name", "Score", "Submitted At", "Time Used"],
        [s3["name"], s3["department"], "期中测验", 42, "2026-11-18 10:20", "12分30秒"],
        [s5["name"], s5["department"], "期中测验", "38.5", "2026-11-18 10:25", "00:15:02"]]})
    [result] = trainbook.merge(roster_book, export)
    assert result.kind == "exam" and result.inserted == 2
    scores = trainbook.read(roster_book).frame("scores")
    assert scores[["assessment_id", "student_id", "score"]].values.tolist() == [
        ["A01", "S0003", 42.0], ["A01", "S0005", 38.5]]


def test_a_lower_retake_in_a_later_export_keeps_the_best_attempt(tmp_path: Path, roster_book: Path, program) -> None:
    s3 = person(program, "S0003")

    def exam(name: str, score: float, at: str) -> Path:
        return exports.xlsx(tmp_path / name, {"成绩": [["Name", "Department", "Exam Name", "Score", "Submitted At"],
                                                      [s3["name"], s3["department"], "期中测验", score, at]]})

    trainbook.merge(roster_book, exam("first.xlsx", 42, "2026-11-18 10:20"))
    [lower] = trainbook.merge(roster_book, exam("retake.xlsx", 30, "2026-11-20 10:20"))
    [higher] = trainbook.merge(roster_book, exam("again.xlsx", 45, "2026-11-22 10:20"))
    assert (lower.updated, lower.unchanged, higher.updated) == (0, 1, 1)
    assert trainbook.read(roster_book).frame("scores")["score"].tolist() == [45.0]


def test_unrecognisable_garbage_truncated_and_bombs_exit_2_untouched(tmp_path: Path, roster_book: Path) -> None:
    unknown = exports.xlsx(tmp_path / "购物清单.xlsx", {"Sheet1": [["商品", "数量"], ["苹果", 3]]})
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 10)
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(unknown.read_bytes()[:300])
    bomb = tmp_path / "bomb.xlsx"
    import zipfile
    with zipfile.ZipFile(unknown) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'
            zout.writestr(info, data)
    before = roster_book.read_bytes()
    for bad, words in ((unknown, "支持的类型"), (garbage, "不是可识别"), (truncated, "损坏"), (bomb, "不安全")):
        result = CliRunner().invoke(main, ["merge", str(roster_book), str(bad)])
        assert result.exit_code == 2, (bad, result.output)
        assert words in result.stderr and bad.name in result.stderr and "Traceback" not in result.output
    assert roster_book.read_bytes() == before


def test_dry_run_and_json(tmp_path: Path, roster_book: Path, program) -> None:
    export = exports.punch_records(tmp_path / "p.xlsx", [(person(program, "S0003"), dt.datetime(2026, 11, 2, 8, 50))],
                                   D(2026, 11, 2), D(2026, 11, 2))
    before = roster_book.read_bytes()
    result = CliRunner().invoke(main, ["merge", str(roster_book), str(export), "--dry-run", "--format", "json"])
    assert result.exit_code == 0
    [data] = json.loads(result.stdout)
    assert set(data) == {"path", "kind", "rows", "matched", "skipped", "inserted", "updated", "unchanged", "review",
                         "already_imported"}
    assert data["inserted"] == 1 and roster_book.read_bytes() == before


def test_review_choice_is_applied_and_remembered_as_alias(tmp_path: Path, roster_book: Path, program) -> None:
    nickname = {"name": "小周周", "department": "研发中心", "dingtalk_userid": "", "employee_no": ""}
    first = exports.punch_records(tmp_path / "w1.xlsx", [(nickname, dt.datetime(2026, 11, 2, 8, 50))],
                                  D(2026, 11, 2), D(2026, 11, 2))
    trainbook.merge(roster_book, first)
    from trainbook.workbook.engine import Update
    from trainbook.workbook.file_engine import FileEngine

    engine = FileEngine(roster_book)
    master = engine.read()
    review = master.frame("review").copy()
    review.loc[review.index[0], "student_id"] = "S0003"  # the coordinator decides
    engine.write(master, Update(tables={"review": review}))
    second = exports.punch_records(tmp_path / "w2.xlsx", [(nickname, dt.datetime(2026, 11, 4, 13, 55))],
                                   D(2026, 11, 4), D(2026, 11, 4))
    [result] = trainbook.merge(roster_book, second)
    assert result.review == 0 and result.matched == 1
    after = trainbook.read(roster_book)
    assert after.frame("review").empty
    assert ("小周周", "S0003") in set(zip(after.frame("aliases")["alias"], after.frame("aliases")["student_id"]))
    rows = attendance(roster_book)
    assert rows[("C01", "S0003")]["status"] == "出勤" and rows[("C02", "S0003")]["status"] == "出勤"


def test_signin_legacy_xls(tmp_path: Path, roster_book: Path, program, soffice: str) -> None:
    from .conftest import convert

    s3, s5 = person(program, "S0003"), person(program, "S0005")
    source = exports.xlsx(tmp_path / "钉钉签到报表.xlsx", {"签到报表": [
        ["签到报表  统计日期：2026-11-16 至 2026-11-16"], ["报表生成时间：2026-11-16 18:00"],
        ["姓名", "部门", "完整部门", "日期", "时间", "经度", "纬度", "地点", "详细地址", "手机标识"],
        [s3["name"], s3["department"], "星河科技-" + s3["department"], "2026-11-16", "09:58", "120.1", "30.2", "总部",
         "3 楼", "iPhone"],
        [s5["name"], s5["department"], "星河科技-" + s5["department"], "2026-11-16", "10:20", "120.1", "30.2", "总部",
         "3 楼", "HUAWEI"]]})
    legacy = convert(soffice, source, "xls", tmp_path / "xls")
    assert legacy.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    [result] = trainbook.merge(roster_book, legacy)
    assert result.kind == "signin"
    rows = attendance(roster_book)
    assert rows[("C06", "S0003")]["status"] == "出勤" and rows[("C06", "S0005")]["status"] == "迟到"


def test_meeting_by_title_or_forced_session(tmp_path: Path, roster_book: Path, program) -> None:
    s3, s5 = person(program, "S0003"), person(program, "S0005")
    rows = [["会议主题", "参会人", "部门", "入会时间", "离会时间", "参会时长"],
            ["办公工具效率（线上）", s3["name"], s3["department"], "2026-11-23 19:01:10", "2026-11-23 20:30:00", "1小时28分"],
            ["办公工具效率（线上）", s5["name"], s5["department"], "2026-11-23 19:20:00", "2026-11-23 20:40:00", "80分钟"]]
    [result] = trainbook.merge(roster_book, exports.xlsx(tmp_path / "meeting.xlsx", {"参会人员": rows}))
    assert result.kind == "meeting"
    got = attendance(roster_book)
    assert got[("C08", "S0003")]["status"] == "出勤"  # 88 of 90 minutes, joined within the grace
    assert got[("C08", "S0005")]["status"] == "迟到"  # 80 ≥ 0.8 × 90, but joined at 19:20
    renamed = [[r[0].replace("办公工具效率（线上）", "周会") if i else r[0], *r[1:]] for i, r in enumerate(rows)]
    forced = exports.xlsx(tmp_path / "meeting2.xlsx", {"参会人员": renamed})
    assert CliRunner().invoke(main, ["merge", str(roster_book), str(forced), "--session", "C05"]).exit_code == 0
    forced_row = attendance(roster_book)[("C05", "S0003")]  # 88 of C05's 120 minutes < 80%
    assert forced_row["status"] == "缺勤" and "88" in forced_row["note"]


def test_homework_and_anonymous_questionnaire(tmp_path: Path, roster_book: Path, program) -> None:
    s3, s5 = person(program, "S0003"), person(program, "S0005")
    homework = exports.xlsx(tmp_path / "作业.xlsx", {"作业": [
        ["作业名称", "姓名", "部门", "提交状态", "提交时间", "得分"],
        ["入职心得", s3["name"], s3["department"], "已提交", "2026-11-05 20:00", 9],
        ["入职心得", s5["name"], s5["department"], "已提交", "2026-11-07 09:00", 7],
        ["产品知识小测", s5["name"], s5["department"], "未提交", "", None]]})
    [result] = trainbook.merge(roster_book, homework)
    assert result.kind == "homework" and result.inserted == 3
    subs = trainbook.read(roster_book).frame("submissions")
    assert subs[["task_id", "student_id", "status"]].values.tolist() == [
        ["T01", "S0003", "已提交"], ["T01", "S0005", "逾期提交"], ["T02", "S0005", "未提交"]]
    survey = exports.xlsx(tmp_path / "问卷.xlsx", {"问卷": [
        ["提交时间", "课程", "总体满意度", "课程内容评分", "讲师评分", "组织安排评分", "推荐意愿(0-10)", "意见建议"],
        ["2026-11-02 11:20", "开营仪式与企业文化", 5, 4, 5, 4, 9, "很好"],
        ["2026-11-02 11:25", "开营仪式与企业文化", 3, 3, 4, 3, 6, ""]]})
    [result] = trainbook.merge(roster_book, survey)
    assert result.kind == "questionnaire" and result.inserted == 2 and result.review == 0
    feedback = trainbook.read(roster_book).frame("feedback")
    assert feedback[["session_id", "overall", "content", "teacher", "organization", "nps"]].values.tolist() == [
        ["C01", 5, 4, 5, 4, 9], ["C01", 3, 3, 4, 3, 6]]
    assert feedback["student_id"].isna().all()


def test_manual_rows_are_never_touched(tmp_path: Path, roster_book: Path, program) -> None:
    manual = pd.DataFrame([{"session_id": "C01", "student_id": "S0003", "name": "x", "status": "请假",
                            "source": "手工", "note": "班主任确认"}])
    write_tables(roster_book, {"attendance": manual})
    export = exports.punch_records(tmp_path / "p.xlsx", [(person(program, "S0003"), dt.datetime(2026, 11, 2, 8, 50))],
                                   D(2026, 11, 2), D(2026, 11, 2))
    [result] = trainbook.merge(roster_book, export)
    assert result.unchanged == 1 and result.updated == 0
    row = attendance(roster_book)[("C01", "S0003")]
    assert (row["status"], row["source"], row["note"]) == ("请假", "手工", "班主任确认")


def test_a_kind_that_does_not_fit_the_file_is_refused_before_anything_is_recorded(tmp_path: Path, roster_book: Path,
                                                                                  program) -> None:
    people = [person(program, "S0003")]
    export = exports.monthly_summary(tmp_path / "m.xlsx", people, {("S0003", 2): "正常"}, D(2026, 11, 1), D(2026, 11, 30))
    before = parts(roster_book)
    for kind in ("punch_grid", "exam", "live"):
        result = CliRunner().invoke(main, ["merge", str(roster_book), str(export), "--kind", kind])
        assert result.exit_code == 2, result.output
        assert "它更像月度汇总，即 --kind monthly_summary" in result.output and "什么都没有导入" in result.output
        assert parts(roster_book) == before, "nothing written, nothing logged as imported"
    result = CliRunner().invoke(main, ["merge", str(roster_book), str(export), "--kind", "monthly_summary",
                                       "--format", "json"])
    [data] = json.loads(result.stdout)
    assert data["kind"] == "monthly_summary" and data["inserted"] == 1
    assert attendance(roster_book)[("C01", "S0003")]["status"] == "出勤"


def test_names_and_parent_accounts() -> None:
    from trainbook.importers.identity import children_named, clean_name

    assert clean_name(" 张三 (离职)") == "张三" and clean_name("李四（学员）") == "李四"
    assert children_named("戴娜妈妈(家长)") == ["戴娜"]
    assert children_named("致远爸爸/米拉爸爸(家长)") == ["致远", "米拉"]
    assert children_named("小红(语文老师)") == [] and children_named("王芳") == []


def test_one_parent_account_counts_for_each_of_its_children(tmp_path: Path, roster_book: Path, program) -> None:
    s3, s5 = person(program, "S0003"), person(program, "S0005")
    shared = f"{s3['name']}爸爸/{s5['name']}爸爸(家长)"
    export = exports.live_tsv(tmp_path / "live.csv", "产品知识（二）", "2026/11/11 14:01",
                              [(shared, "家校通讯录-星河科技-家长", "1:40:00", "未参与")])
    [result] = trainbook.merge(roster_book, export)
    assert result.review == 0
    rows = attendance(roster_book)
    assert rows[("C05", "S0003")]["status"] == rows[("C05", "S0005")]["status"] == "出勤"


def test_merging_before_there_are_sessions_is_refused_unless_forced(tmp_path: Path, program) -> None:
    book = write_tables(init(tmp_path / "no-sessions.xlsx"), {"enrollment": program["enrollment"]})
    export = exports.punch_records(tmp_path / "p.xlsx", [(person(program, "S0003"), dt.datetime(2026, 11, 2, 8, 50))],
                                   D(2026, 11, 2), D(2026, 11, 2))
    before = parts(book)
    result = CliRunner().invoke(main, ["merge", str(book), str(export), "--format", "json"])
    assert result.exit_code == 2 and "请先在“课次”表排好课" in result.output and result.stdout == ""
    assert parts(book) == before, "not recorded as imported: the right merge later is not 'already imported'"
    forced = CliRunner().invoke(main, ["merge", str(book), str(export), "--force"])
    assert forced.exit_code == 0 and "跳过 1（那天那个时间没有该学员的课次 1）" in forced.output
    assert trainbook.read(book).frame("review").empty


def test_a_due_date_typed_without_a_time_lasts_the_whole_day(tmp_path: Path, roster_book: Path, program) -> None:
    """入职心得 due "2026-11-06" (a date only): handed in that evening is on time, the next morning late;
    a reminder says the day, not 00:00."""
    tasks = trainbook.read(roster_book).typed("tasks")
    tasks.loc[tasks["task_id"] == "T01", "due_at"] = pd.Timestamp("2026-11-06")
    write_tables(roster_book, {"tasks": tasks})
    s3, s5 = person(program, "S0003"), person(program, "S0005")
    homework = exports.xlsx(tmp_path / "作业.xlsx", {"作业": [
        ["作业名称", "姓名", "部门", "提交状态", "提交时间", "得分"],
        ["入职心得", s3["name"], s3["department"], "已提交", "2026-11-06 20:00", 9],
        ["入职心得", s5["name"], s5["department"], "已提交", "2026-11-07 09:00", 7]]})
    trainbook.merge(roster_book, homework)
    subs = trainbook.read(roster_book).frame("submissions")
    assert subs[["student_id", "status"]].values.tolist() == [["S0003", "已提交"], ["S0005", "逾期提交"]]
    notices = trainbook.notices(roster_book, as_of="2026-11-05", write=False).rows
    reminders = notices[notices["notice_id"].astype(str).str.startswith("task-reminder:T01:")]
    assert len(reminders) and reminders["body"].str.contains("2026-11-06截止").all()


def test_homework_without_tasks_is_a_clear_message(tmp_path: Path, program) -> None:
    book = write_tables(init(tmp_path / "no-tasks.xlsx"), {"enrollment": program["enrollment"]})
    s3 = person(program, "S0003")
    homework = exports.xlsx(tmp_path / "作业.xlsx", {"作业": [
        ["作业名称", "姓名", "部门", "提交状态", "提交时间"],
        ["入职心得", s3["name"], s3["department"], "已提交", "2026-11-05 20:00"]]})
    before = book.read_bytes()
    result = CliRunner().invoke(main, ["merge", str(book), str(homework)])
    assert result.exit_code == 2 and "入职心得" in result.stderr and "Traceback" not in result.output
    assert book.read_bytes() == before


def test_imported_text_that_looks_like_a_formula_stays_text(tmp_path: Path, roster_book: Path) -> None:
    goals = ['=1+1', '+86 联系我', '-HYPERLINK("x")', '@SUM(A1)']
    rows = [["提交人", "提交时间", "部门", "姓名", "手机号", "学习目标"]]
    rows += [[f"新人{i}", "2026/10/12 9:30", "研发中心", f"新人{i}", f"1391234000{i}", goal] for i, goal in enumerate(goals)]
    export = tmp_path / "form.csv"
    export.write_bytes(exports.csv_bytes(rows, "utf-8"))
    trainbook.merge(roster_book, export)
    enrollment = trainbook.read(roster_book).frame("enrollment")
    assert enrollment["goal"].tail(4).tolist() == goals  # read back as the very text, not computed
    flagged = [r for r in trainbook.validate(roster_book).issues if r.code == "formula-text"]
    assert [i.value for i in flagged] == goals


def test_excel_serial_times_come_out_to_the_second() -> None:
    from trainbook import values

    serial = (dt.datetime(2026, 11, 2, 11, 3) - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    assert values.datetime(pd.Series([serial], dtype=object)).tolist() == [pd.Timestamp("2026-11-02 11:03")]
    assert values.time_of_day(pd.Series([0.378472222], dtype=object)).tolist() == [pd.Timedelta("09:05:00")]


def test_every_export_row_is_matched_reviewed_or_skipped(tmp_path: Path) -> None:
    from trainbook.demo import build_demo_book
    from trainbook.demo.program import sample_program

    book = build_demo_book(tmp_path / "demo.xlsx", records=False)
    files = exports.program_exports(sample_program("zh"), tmp_path / "exports")
    run = trainbook.merge(book, *files)
    assert {r.kind for r in run} == {k.key for k in KINDS}
    for r in run:
        assert r.rows == r.matched + r.review + r.skipped, r
        assert f"读取 {r.rows} 行 = 匹配 {r.matched} + 待确认 {r.review}" in r.summary()
        assert sum(r.skipped_because.values()) == r.skipped
    review = trainbook.read(book).frame("review")
    assert len(review) == sum(r.accounts for r in run) and review["count"].sum() == sum(r.review for r in run)
    assert not review.duplicated(["file", "raw_name", "raw_account", "reason"]).any(), "one row per account per export"
    assert f"“待确认”表里共有 {len(review)} 个账号等你确认（这次合并新增 {sum(r.accounts for r in run)} 个）" in run.summary("zh")
    grid = next(r for r in run if r.kind == "punch_grid")
    assert grid.skipped and "没有打卡时间" in grid.summary()


def test_students_typed_without_ids_get_them_and_their_punches_land(tmp_path: Path, program) -> None:
    typed = program["enrollment"].head(4).copy()
    typed["student_id"] = None
    book = write_tables(init(tmp_path / "typed.xlsx"), {"enrollment": typed, "sessions": program["sessions"],
                                                        "groups": program["groups"]})
    people = [{**row, "student_id": None} for row in typed.to_dict("records")]
    export = exports.punch_records(tmp_path / "p.xlsx", [(p, dt.datetime(2026, 11, 2, 8, 50)) for p in people],
                                   D(2026, 11, 2), D(2026, 11, 2))
    [result] = trainbook.merge(book, export)
    enrollment = trainbook.read(book).frame("enrollment")
    assert enrollment["student_id"].tolist() == ["S0001", "S0002", "S0003", "S0004"]
    assert (result.rows, result.matched, result.inserted, result.review, result.skipped) == (4, 4, 4, 0, 0)
    landed = trainbook.read(book).frame("attendance")
    assert sorted(landed["student_id"]) == ["S0001", "S0002", "S0003", "S0004"]


def test_merge_again_relands_a_file_without_duplicates(tmp_path: Path, roster_book: Path, program) -> None:
    export = exports.punch_records(tmp_path / "p.xlsx", [(person(program, "S0003"), dt.datetime(2026, 11, 2, 8, 50))],
                                   D(2026, 11, 2), D(2026, 11, 2))
    trainbook.merge(roster_book, export)
    [same] = trainbook.merge(roster_book, export)
    assert same.already_imported and "--again" in same.summary()
    [again] = trainbook.merge(roster_book, export, again=True)
    assert (again.already_imported, again.matched, again.inserted, again.unchanged) == (False, 1, 0, 1)
    assert len(trainbook.read(roster_book).frame("attendance")) == 1


def test_a_merge_keeps_the_coordinators_note_on_a_row_it_updates(tmp_path: Path, roster_book: Path, program) -> None:
    who = person(program, "S0003")
    late = exports.punch_records(tmp_path / "late.xlsx", [(who, dt.datetime(2026, 11, 2, 9, 20))], D(2026, 11, 2),
                                 D(2026, 11, 2))
    trainbook.merge(roster_book, late)
    frame = trainbook.read(roster_book).frame("attendance")
    row = frame.index[0]
    write_tables(roster_book, {"attendance": frame.assign(note=frame["note"].astype(object)).pipe(
        lambda f: f.assign(note=["堵车，已电话说明"]))})
    early = exports.punch_records(tmp_path / "early.xlsx", [(who, dt.datetime(2026, 11, 2, 8, 40))], D(2026, 11, 2),
                                  D(2026, 11, 2))
    [result] = trainbook.merge(roster_book, early)
    after = trainbook.read(roster_book).frame("attendance").loc[row]
    assert result.updated == 1 and after["status"] == "出勤" and after["note"] == "堵车，已电话说明"


def test_headers_pushed_down_by_a_title_row_are_refused_before_anything_is_logged(tmp_path: Path,
                                                                                  roster_book: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(roster_book)
    wb["考勤"].insert_rows(1)
    wb["考勤"]["A1"] = "2026 新员工培训 考勤表"
    wb.save(roster_book)
    before = roster_book.read_bytes()
    export = tmp_path / "p.csv"
    export.write_text("姓名,部门,打卡时间\n某人,销售部,2026-11-02 08:50\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["merge", str(roster_book), str(export)])
    assert result.exit_code == 2 and "考勤" in result.output and "第 1 行" in result.output
    assert roster_book.read_bytes() == before
    progress = CliRunner().invoke(main, ["progress", str(roster_book)])
    assert progress.exit_code == 2 and "考勤" in progress.output


def test_review_is_one_row_per_account_and_resolving_it_lands_all_its_records(tmp_path: Path,
                                                                              roster_book: Path) -> None:
    stranger = {"name": "吕无名", "department": "研发中心", "dingtalk_userid": "", "employee_no": ""}
    other = {"name": "路人乙", "department": "销售部", "dingtalk_userid": "", "employee_no": ""}
    punches = [(stranger, dt.datetime(2026, 11, 2, hour, minute)) for hour, minute in ((8, 50), (8, 51), (11, 2))]
    punches += [(stranger, dt.datetime(2026, 11, 4, hour, minute)) for hour, minute in ((13, 50), (13, 51), (16, 2))]
    punches += [(stranger, dt.datetime(2026, 11, 3, 9, 0)), (other, dt.datetime(2026, 11, 2, 8, 55))]
    export = exports.punch_records(tmp_path / "原始记录.xlsx", punches, D(2026, 11, 2), D(2026, 11, 4))
    with pytest.raises(trainbook.InputError, match="8 行里只有 0 行的人是本项目的学员"):
        trainbook.merge(roster_book, export)  # nobody of the program: the wrong workbook, most likely
    [result] = trainbook.merge(roster_book, export, force=True)
    assert result.review == 8 and result.accounts == 2 and "待确认 8（2 个账号）" in result.summary()
    book = trainbook.read(roster_book)
    review = book.frame("review").set_index("raw_name")
    assert len(review) == 2 and review.loc["吕无名", "count"] == 7 and review.loc["路人乙", "count"] == 1
    assert review.loc["吕无名", "source_rows"] == "4–10" and review.loc["吕无名", "reason"] == "无匹配学员"
    assert review.loc["吕无名", "evidence"] == "2026-11-02 08:50 – 2026-11-04 16:02"
    assert "{" not in "".join(str(v) for v in review.to_numpy().ravel()), "review is readable, not JSON"
    assert len(book.frame("review_data")) == 8

    write_tables(roster_book, {"review": book.frame("review").assign(
        student_id=lambda f: f["raw_name"].map({"吕无名": "S0003"}))})
    [again] = trainbook.merge(roster_book, export, again=True)
    assert (again.matched, again.review, again.skipped) == (6, 1, 1), \
        "the resolved account's records land through its alias; its punch on a day without a session is skipped"
    assert again.skipped_because == {"那天那个时间没有该学员的课次": 1}
    after = trainbook.read(roster_book)
    waiting = after.frame("review").set_index("raw_name")
    assert list(waiting.index) == ["路人乙"] and waiting.loc["路人乙", "reason"] == "无匹配学员"
    assert len(after.frame("review_data")) == 1
    rows = attendance(roster_book)
    assert rows[("C01", "S0003")]["status"] == "出勤" and rows[("C02", "S0003")]["status"] == "出勤"
    assert pd.Timestamp(rows[("C01", "S0003")]["checkout_at"]) == pd.Timestamp("2026-11-02 11:02")
    assert pd.Timestamp(rows[("C02", "S0003")]["checkout_at"]) == pd.Timestamp("2026-11-04 16:02")
    aliases = after.frame("aliases")
    assert list(zip(aliases["alias"], aliases["student_id"])).count(("吕无名", "S0003")) == 1
    assert aliases["alias"].tolist().count("吕无名") == 1


def _without_review_data(path: Path) -> Path:
    """A master as an earlier trainbook made it: no hidden 待确认数据 sheet."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    del book["待确认数据"]
    book.save(path)
    return path


def test_a_master_from_before_gets_its_review_data_sheet(tmp_path: Path, roster_book: Path, soffice: str) -> None:
    export = tmp_path / "p.csv"
    export.write_text("姓名,部门,打卡时间\n陌生人,销售部,2026-11-02 08:50\n", encoding="utf-8")
    before = parts(_without_review_data(roster_book))
    [result] = trainbook.merge(roster_book, export)
    after = parts(roster_book)
    assert result.review == 1 and len(trainbook.read(roster_book).frame("review_data")) == 1
    assert all(after[name] == data for name, data in before.items()
               if not name.startswith(("xl/workbook.xml", "xl/_rels/", "[Content_Types]")) and name in after
               and name not in (_sheet_part(roster_book, "待确认"), _sheet_part(roster_book, "导入记录"),
                                _sheet_part(roster_book, "首页"))), "nothing else changes"
    opened = convert(soffice, roster_book, "ods", tmp_path / "lo")
    with zipfile.ZipFile(opened) as zf:
        content = zf.read("content.xml").decode()
    style = re.search(r'table:name="待确认数据" table:style-name="([^"]+)"', content)
    assert style and re.search(rf'style:name="{style.group(1)}"[^>]*>\s*<style:table-properties table:display="false"',
                               content), "LibreOffice opens it, with the sheet hidden"


def _sheet_part(path: Path, name: str) -> str:
    from trainbook.workbook.package import sheet_parts

    with zipfile.ZipFile(path) as zf:
        return next(p.part for p in sheet_parts(zf) if p.name == name)


def test_a_button_book_from_before_gets_its_review_data_sheet(tmp_path: Path, roster_book: Path) -> None:
    from trainbook.workbook.xlwings_engine import XlwingsEngine

    book = json_book(_without_review_data(roster_book))
    export = tmp_path / "p.csv"
    export.write_text("姓名,部门,打卡时间\n陌生人,销售部,2026-11-02 08:50\n", encoding="utf-8")
    [result] = trainbook.merge(XlwingsEngine(book), export)
    assert result.review == 1
    actions = book.json()["actions"]
    added = next(a for a in actions if a["func"] == "addSheet")
    position = added["args"][0]
    assert added["args"][1] == "待确认数据" and position == len(book.sheets) - 1, "added at the end"
    on_it = [a for a in actions if a.get("sheet_position") == position]
    assert [a["func"] for a in on_it] == ["setValues", "setSheetVisibility", "setValues"]
    assert on_it[0]["values"] == [["编号", "原始行号", "数据"]] and on_it[1]["args"] == ["Hidden"]
    assert on_it[2]["values"][0][:2] == ["R0001", 2]


def test_review_keeps_an_unknown_id_and_again_makes_no_copies(tmp_path: Path, roster_book: Path) -> None:
    export = tmp_path / "p.csv"
    export.write_text("姓名,部门,打卡时间\n陌生人,销售部,2026-11-02 08:50\n", encoding="utf-8")
    trainbook.merge(roster_book, export)
    trainbook.merge(roster_book, export, again=True)
    review = trainbook.read(roster_book).frame("review")
    assert len(review) == 1, "merging the same file again replaces its review rows"
    write_tables(roster_book, {"review": review.assign(student_id="S9999")})
    trainbook.merge(roster_book, export, again=True)
    review = trainbook.read(roster_book).frame("review")
    assert len(review) == 1 and "S9999" in review["note"].iloc[0] and "报名" in review["note"].iloc[0]
    assert "S9999" not in set(trainbook.read(roster_book).frame("attendance").get("student_id", []))


def test_records_already_waiting_for_review_wait_once(tmp_path: Path, roster_book: Path, program) -> None:
    """The same export saved again (another name, another encoding) adds no second review row for
    records that wait already, and merging a file again keeps its waiting rows' numbers."""
    s1 = person(program, "S0001")
    export = tmp_path / "p.csv"
    export.write_text(f"姓名,部门,打卡时间\n{s1['name']},,2026-11-02 08:55\n陌生人,销售部,2026-11-02 08:50\n",
                      encoding="utf-8")
    [first] = trainbook.merge(roster_book, export)
    before = trainbook.read(roster_book).frame("review")
    assert first.accounts == 2 and len(before) == 2
    resaved = tmp_path / "p-另存.csv"
    resaved.write_bytes(export.read_text(encoding="utf-8").encode("gbk"))
    second = trainbook.merge(roster_book, resaved)
    assert not second[0].already_imported and second[0].review == 2 and second[0].accounts == 0
    assert "共有 2 个账号等你确认（这次合并新增 0 个）" in second.summary("zh")
    [again] = trainbook.merge(roster_book, export, again=True)
    after = trainbook.read(roster_book).frame("review")
    assert again.accounts == 0
    shown = ["review_id", "raw_name", "imported_at"]
    pd.testing.assert_frame_equal(after[shown], before[shown])
    assert len(trainbook.read(roster_book).frame("review_data")) == 2


def test_the_demos_feedback_lands_on_the_sessions_its_titles_and_times_say(tmp_path: Path) -> None:
    from trainbook.demo import build_demo_book
    from trainbook.demo.program import sample_program

    book = build_demo_book(tmp_path / "demo.xlsx", records=False)
    tables = sample_program("zh")
    survey = next(p for p in exports.program_exports(tables, tmp_path / "exports") if "问卷" in p.name)
    trainbook.merge(book, survey)
    landed = trainbook.read(book).frame("feedback")
    got = sorted(zip(pd.to_datetime(landed["submitted_at"]).dt.floor("min"), landed["session_id"]))
    want = sorted(zip(pd.to_datetime(tables["feedback"]["submitted_at"]).dt.floor("min"), tables["feedback"]["session_id"]))
    assert got == want
    titles = tables["sessions"].set_index("session_id")["title"]
    assert titles["C02"] != titles["C05"] and titles["C02"][:4] == titles["C05"][:4], "（一）/（二）: told apart"


def test_an_imported_formula_is_stored_as_text_not_mangled(tmp_path: Path, roster_book: Path) -> None:
    export = tmp_path / "p.csv"
    export.write_text('姓名,部门,打卡时间\n"=HYPERLINK(""http://evil"",""x"")",销售部,2026-11-02 08:50\n', encoding="utf-8")
    trainbook.merge(roster_book, export)
    review = trainbook.read(roster_book).frame("review")
    assert review["raw_name"].iloc[0] == '=HYPERLINK("http://evil","x")'
    from trainbook.importers.identity import clean_name

    assert clean_name('=HYPERLINK("http://evil","x")') == '=HYPERLINK("http://evil","x")'
    assert clean_name("张三 (离职)") == "张三" and clean_name("李四（语文老师）") == "李四"


def test_logs_and_review_name_kinds_in_the_books_language(tmp_path: Path, roster_book: Path) -> None:
    export = tmp_path / "p.csv"
    export.write_text("姓名,部门,打卡时间\n陌生人,销售部,2026-11-02 08:50\n", encoding="utf-8")
    trainbook.merge(roster_book, export)
    book = trainbook.read(roster_book)
    assert set(book.frame("imports")["kind"]) == {"打卡原始记录"} and set(book.frame("review")["kind"]) == {"打卡原始记录"}
    [again] = trainbook.merge(roster_book, export)
    assert again.already_imported and again.kind == "punch_records"


def test_family_accounts_count_for_the_children_in_the_program_only(tmp_path: Path, roster_book: Path,
                                                                    program) -> None:
    s3, s5, s7 = (person(program, s) for s in ("S0003", "S0005", "S0007"))
    viewers = [(f"甲某爸爸/{s3['name']}爸爸(家长)", "家校通讯录-家长", "1:40:00", "未参与"),  # 甲某: another class
               (f"{s5['name']}阿姨/乙某阿姨/丙某阿姨(家长)", "家校通讯录-家长", "1:50:00", "未参与"),
               (f"{s7['name']}爷爷", "家校通讯录-家长", "1:45:00", "未参与"),
               ("丁某妈妈(家长)", "家校通讯录-家长", "1:30:00", "未参与"),  # nobody of this program
               (f"{s7['name']}（语文老师）", "家校通讯录-老师", "0:10:00", "未参与")]
    export = exports.live_tsv(tmp_path / "live.csv", "产品知识（二）", "2026/11/11 14:01", viewers)
    [result] = trainbook.merge(roster_book, export)
    assert (result.rows, result.matched, result.review, result.skipped) == (5, 4, 0, 1), result
    assert "家长账号所写的孩子都不在本项目 1" in result.summary()
    rows = attendance(roster_book)
    assert {rows[("C05", s)]["status"] for s in ("S0003", "S0005", "S0007")} == {"出勤"}


CLASS = ["子涵", "一诺", "浩然", "雨桐", "梓轩", "欣怡", "思远", "李诗涵", "若曦", "沐阳"]
LESSONS = [("C01", "2.27音乐课", "2020/2/27 13:59"), ("C02", "3.3体育课", "2020/3/3 14:48"),
           ("C03", "3.3美术课", "2020/3/3 15:40")]


def _hms(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def test_a_class_of_family_accounts_gives_each_child_its_longest_watch(tmp_path: Path) -> None:
    """2020 class-group live lessons (DingTalk 4.7) as a public class's exports have them: given-name
    rosters, parents' accounts (several per child, several children per account, siblings in other
    classes), teachers watching, 未参与/无, replays. Each child's figure is the longest total
    (live + replay) of the accounts named after it, as that class's own summary table counts."""
    book = init(tmp_path / "五年级.xlsx")
    write_tables(book, {
        "enrollment": pd.DataFrame({"student_id": [f"S{i:04d}" for i in range(1, 11)], "name": CLASS,
                                    "department": "五年级5班", "review_status": "已通过", "status": "在读"}),
        "sessions": pd.DataFrame([{"session_id": sid, "title": title, "date": pd.Timestamp(at[:9].rstrip()),
                                   "start": pd.Timestamp(at).time(), "end": (pd.Timestamp(at) + pd.Timedelta("40min")).time(),
                                   "mode": "线上"} for sid, title, at in LESSONS])})
    dept = "家校通讯录-某县某镇中心小学-小学-五年级2015级-五年级5班-家长"
    truth: dict[tuple[str, str], int] = {}
    files = []
    for n, (sid, title, at) in enumerate(LESSONS):
        viewers = []
        for i, child in enumerate(CLASS[:-1]):  # 沐阳's family never joins: no record, 0
            live, replay = (600 + 137 * i + 211 * n) % 2400, (97 * i * n) % 400 if i % 3 == 0 else 0
            if (i + n) % 4 == 3:
                live = 0
            given = child[-2:]
            viewers.append((f"{given}妈妈(家长)", dept, _hms(live) if live else "未参与", _hms(replay) if replay else "未参与"))
            best = live + replay
            if i % 2 == 0:  # a second parent's account; the child's figure is the longer one
                other = (live // 2 + 900 * n) % 2400
                viewers.append((f"{given}爸爸(家长)", dept, _hms(other) if other else "未参与", "未参与"))
                best = max(best, other)
            truth[(sid, f"S{i + 1:04d}")] = best
        shared = 1500 + 60 * n  # one grandparent for two children of the class, and a sibling elsewhere
        viewers.append((f"{CLASS[0]}奶奶/{CLASS[1]}奶奶/外班某奶奶(家长)", dept.replace("5班", "2班"), _hms(shared), "未参与"))
        for key in ((sid, "S0001"), (sid, "S0002")):
            truth[key] = max(truth[key], shared)
        viewers += [("某某爸爸/外班某爸爸(家长)", dept.replace("五年级5班", "三年级5班"), "0:20:00", "未参与"),
                    ("王某(数学老师)", "", _hms(1900 + n), "未参与"), ("赵某(老师)", "", "未参与", "未参与")]
        files.append(exports.live_tsv(tmp_path / f"{title}.csv", title, at, viewers))
    run = trainbook.merge(book, *files)
    for result in run:
        assert result.review == 0 and result.skipped_because == {"家长账号所写的孩子都不在本项目": 1, "老师的账号": 2}
    frame = trainbook.read(book).frame("attendance")
    got = {(s, st): float(m) * 60 for s, st, m in zip(frame["session_id"], frame["student_id"], frame["watch_minutes"])}
    expected = {key: seconds for key, seconds in truth.items() if seconds}
    assert {k for k, v in got.items() if v} == set(expected), "every child who watched, and only those"
    off = {k: (got[k], seconds) for k, seconds in expected.items() if abs(got[k] - seconds) > 3}
    assert not off, f"minutes are kept to 0.1 (6 s); these differ more: {off}"
    assert ("C01", "S0010") not in got


DAYS = [str(d) for d in range(2, 10)]
PERIOD = ["打卡时间表 统计日期：2026-11-02 至 2026-11-09"]
MINIMAL = {  # a name column and the one or two columns that make the kind (the task/exam from the title row)
    "punch_records": [["姓名", "打卡时间"], ["甲", "2026-11-02 08:50"]],
    "daily_stats": [["姓名", "日期", "上班1打卡时间"], ["甲", "2026-11-02", "08:50"]],
    "punch_grid": [PERIOD, ["姓名", *DAYS], ["甲", *["08:50"] * 8]],
    "monthly_summary": [PERIOD, ["姓名", *DAYS], ["甲", *["正常"] * 8]],
    "signin": [["姓名", "签到时间"], ["甲", "2026-11-02 08:50"]],
    "live": [["姓名", "观看时长"], ["甲", "0:30:00"]],
    "meeting": [["姓名", "入会时间", "参会时长"], ["甲", "2026-11-02 08:50", "60分钟"]],
    "leave": [["姓名", "请假时间"], ["甲", "2026-11-02 09:00 至 2026-11-02 12:00"]],
    "enrollment_form": [["提交人", "提交时间"], ["甲", "2026-10-10 10:00"]],
    "exam": [["期中测验 成绩"], ["姓名", "分数"], ["甲", 80]],
    "homework": [["第一次作业"], ["姓名", "提交状态"], ["甲", "已提交"]],
    "questionnaire": [["姓名", "总体满意度"], ["甲", 5]],
}


@pytest.mark.parametrize("key", sorted(MINIMAL))
def test_every_kind_is_recognised_at_its_minimal_shape(tmp_path: Path, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from trainbook.importers import sources
    from trainbook.importers.kinds import detect
    from trainbook.importers.sources import likely_kinds
    from trainbook.importers.table import find_table

    monkeypatch.setattr(sources, "LOOK_FIRST_FROM", 0)  # as if the file were large

    table = find_table("Sheet1", MINIMAL[key])
    assert table is not None
    kind, found = detect([table])
    assert kind.key == key
    assert len(kind.read(found, "zh")) >= 1, "its one row carries evidence"
    export = exports.xlsx(tmp_path / "export.xlsx", {"Sheet1": MINIMAL[key]})
    assert [k.key for k in likely_kinds(export, "zh") or []] == [key], "told from the file's first rows too"


def test_a_first_look_that_guesses_wrong_costs_time_not_results(tmp_path: Path, roster_book: Path, program,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The master's sheets read for the kind an export's first rows suggest are only a head start:
    the sheets its full read calls for are read too, and the others let go unwritten."""
    from trainbook.importers import merge, sources

    s3 = person(program, "S0003")
    punches = exports.punch_records(tmp_path / "原始记录.xlsx", [(s3, dt.datetime(2026, 11, 2, 8, 50))],
                                    D(2026, 11, 2), D(2026, 11, 8))
    homework = exports.xlsx(tmp_path / "作业.xlsx", {"作业": [
        ["作业名称", "姓名", "部门", "提交状态", "提交时间", "得分"],
        ["入职心得", s3["name"], s3["department"], "已提交", "2026-11-05 20:00", 9]]})
    kept: list[set[str]] = []
    needs = merge.read_what_merging_needs

    def spied(engine, master, *args):  # type: ignore[no-untyped-def]
        needs(engine, master, *args)
        kept.append(set(master.tables))

    monkeypatch.setattr(merge, "read_what_merging_needs", spied)
    monkeypatch.setattr(sources, "likely_kinds", lambda path, lang, kind=None: [BY_KIND["homework"]])
    before = parts(roster_book)
    [result] = trainbook.merge(roster_book, punches)
    assert (result.kind, result.inserted) == ("punch_records", 1)
    assert attendance(roster_book)[("C01", "S0003")]["status"] == "出勤"
    assert "attendance" in kept[-1] and not {"submissions", "tasks"} & kept[-1]
    after = parts(roster_book)
    assert after[_sheet_part(roster_book, "任务提交")] == before[_sheet_part(roster_book, "任务提交")]

    monkeypatch.setattr(sources, "likely_kinds", lambda path, lang, kind=None: None)  # not told: read after
    [result] = trainbook.merge(roster_book, homework)
    assert (result.kind, result.inserted) == ("homework", 1)
    assert trainbook.read(roster_book).frame("submissions")["student_id"].tolist() == ["S0003"]


def test_resolving_one_account_resolves_it_everywhere_and_remembers_the_account(tmp_path: Path,
                                                                                roster_book: Path) -> None:
    stranger = {"name": "程涛", "department": "研发中心", "dingtalk_userid": "U7777", "employee_no": ""}
    namesake = {"name": "程涛", "department": "研发中心", "dingtalk_userid": "", "employee_no": ""}
    first = exports.punch_records(tmp_path / "w1.xlsx", [(stranger, dt.datetime(2026, 11, 2, 8, 50))],
                                  D(2026, 11, 2), D(2026, 11, 2))
    second = exports.punch_records(tmp_path / "w2.xlsx", [(stranger, dt.datetime(2026, 11, 4, 13, 50)),
                                                          (namesake, dt.datetime(2026, 11, 4, 13, 52))],
                                   D(2026, 11, 4), D(2026, 11, 4))
    write_tables(roster_book, {"enrollment": pd.concat([trainbook.read(roster_book).frame("enrollment"), pd.DataFrame([
        {"student_id": "S0070", "name": "程涛", "department": "研发中心", "review_status": "已通过", "status": "在读"},
        {"student_id": "S0071", "name": "程涛", "department": "研发中心", "review_status": "已通过", "status": "在读"}])])})
    trainbook.merge(roster_book, first, second)
    review = trainbook.read(roster_book).frame("review")
    assert len(review) == 3 and set(review["reason"]) == {"多个候选学员"}
    chosen = review.assign(student_id=[("S0070" if f == "w1.xlsx" and a == "U7777" else None)
                                       for f, a in zip(review["file"], review["raw_account"])])
    write_tables(roster_book, {"review": chosen})
    run = trainbook.merge(roster_book, first)  # already imported: only the review is worked through
    assert "待确认：已按你填写的学员编号导入 2 行（2 条记录）" in run.summary("zh")
    after = trainbook.read(roster_book)
    assert after.frame("review")["raw_account"].isna().all(), "the namesake without the account still waits"
    assert ("U7777", "S0070") in set(zip(after.frame("aliases")["alias"], after.frame("aliases")["student_id"]))
    assert "程涛" not in set(after.frame("aliases")["alias"]), "a name shared by two students is never an alias"
    rows = attendance(roster_book)
    assert rows[("C01", "S0070")]["status"] == "出勤" and rows[("C02", "S0070")]["status"] == "出勤"


def test_a_name_two_students_share_is_never_remembered_as_an_alias(tmp_path: Path, roster_book: Path, program) -> None:
    twin = {"name": person(program, "S0001")["name"], "department": "", "dingtalk_userid": "", "employee_no": ""}
    export = exports.punch_records(tmp_path / "w.xlsx", [(twin, dt.datetime(2026, 11, 2, 8, 50))],
                                   D(2026, 11, 2), D(2026, 11, 2))
    trainbook.merge(roster_book, export)
    review = trainbook.read(roster_book).frame("review")
    assert review["reason"].tolist() == ["多个候选学员"]
    write_tables(roster_book, {"review": review.assign(student_id="S0068")})
    trainbook.merge(roster_book, export)
    aliases = trainbook.read(roster_book).frame("aliases")
    assert twin["name"] not in set(aliases["alias"]) and aliases["alias"].notna().all(), "never a blank alias"
    assert attendance(roster_book)[("C01", "S0068")]["status"] == "出勤"


def test_namesakes_of_one_department_are_never_remembered_by_name_and_department(tmp_path: Path, program) -> None:
    s1 = person(program, "S0001")
    enrollment = program["enrollment"].copy()
    enrollment.loc[enrollment["student_id"] == "S0068", "department"] = s1["department"]  # two 黄刚 in one department
    book = write_tables(init(tmp_path / "book.xlsx"), {**{k: v for k, v in program.items() if k not in (
        "attendance", "submissions", "scores", "feedback")}, "enrollment": enrollment})
    twin = {"name": s1["name"], "department": s1["department"], "dingtalk_userid": "", "employee_no": ""}
    first = exports.punch_records(tmp_path / "w1.xlsx", [(twin, dt.datetime(2026, 11, 2, 8, 50))],
                                  D(2026, 11, 2), D(2026, 11, 2))
    trainbook.merge(book, first)
    review = trainbook.read(book).frame("review")
    write_tables(book, {"review": review.assign(student_id="S0068")})
    trainbook.merge(book, first)
    assert attendance(book)[("C01", "S0068")]["status"] == "出勤"
    assert all(s1["name"] not in a or "离职" in a for a in trainbook.read(book).frame("aliases")["alias"]), \
        "the name and department still say two people"
    second = exports.punch_records(tmp_path / "w2.xlsx", [(twin, dt.datetime(2026, 11, 4, 13, 52))],
                                   D(2026, 11, 4), D(2026, 11, 4))
    [again] = trainbook.merge(book, second)
    assert (again.matched, again.review) == (0, 1), "never guessed from her earlier choice"


def test_a_namesake_resolved_by_department_is_matched_the_next_time(tmp_path: Path, roster_book: Path, program) -> None:
    from trainbook.cli import main

    name = person(program, "S0001")["name"]  # S0068 has the same name
    twin = {"name": name, "department": "总部", "dingtalk_userid": "", "employee_no": ""}
    first = exports.punch_records(tmp_path / "w1.xlsx", [(twin, dt.datetime(2026, 11, 2, 8, 50))],
                                  D(2026, 11, 2), D(2026, 11, 2))
    trainbook.merge(roster_book, first, force=True)
    review = trainbook.read(roster_book).frame("review")
    write_tables(roster_book, {"review": review.assign(student_id="S0068")})
    result = CliRunner().invoke(main, ["merge", str(roster_book)])  # no export: her decision lands
    assert result.exit_code == 0 and "新记下 1 个别名" in result.output, result.output
    aliases = trainbook.read(roster_book).frame("aliases")
    assert list(zip(aliases["alias"], aliases["student_id"]))[-1] == (f"{name}（总部）", "S0068")
    second = exports.punch_records(tmp_path / "w2.xlsx", [(twin, dt.datetime(2026, 11, 4, 13, 52))],
                                   D(2026, 11, 4), D(2026, 11, 4))
    [again] = trainbook.merge(roster_book, second, force=True)
    assert (again.matched, again.review) == (1, 0), "the same account is matched through its alias"
    assert attendance(roster_book)[("C02", "S0068")]["status"] == "出勤"
    nothing = CliRunner().invoke(main, ["merge", str(roster_book)])
    assert nothing.exit_code == 2 and "没有要合并的导出文件" in nothing.output


@pytest.mark.parametrize("option, value, said", [("--session", "K9", "没有课次编号 K9"),
                                                 ("--assessment", "A9", "没有考核编号 A9")])
def test_a_session_or_assessment_that_does_not_exist_is_refused_untouched(tmp_path: Path, roster_book: Path, program,
                                                                          option: str, value: str, said: str) -> None:
    export = exports.punch_records(tmp_path / "p.xlsx", [(person(program, "S0003"), dt.datetime(2026, 11, 2, 8, 50))],
                                   D(2026, 11, 2), D(2026, 11, 2))
    before = parts(roster_book)
    result = CliRunner().invoke(main, ["merge", str(roster_book), str(export), option, value])
    assert result.exit_code == 2 and said in result.output and ("C01" in result.output or "A01" in result.output)
    assert parts(roster_book) == before, "nothing written, the file not logged as imported"
    [again] = trainbook.merge(roster_book, export)
    assert not again.already_imported and again.matched == 1
