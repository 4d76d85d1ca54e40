"""Progress: every rule of the attendance, task, score and risk policy pinned on small programs worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import python_calamine
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.policy.attendance import combine, statuses
from trainbook.schema.dashboard import BLOCKS, DATA_ROW
from trainbook.schema.settings import BY_KEY as PARAMETERS
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.file_engine import FileEngine

from .conftest import init, write_tables

T = pd.Timestamp


def tiny_program(tmp_path: Path, attendance: list[tuple[str, str, str]], settings: dict[str, object] | None = None,
                 students: list[dict] | None = None, scores: list[tuple[str, str, float]] | None = None,
                 submissions: list[tuple[str, str, str]] | None = None) -> Path:
    """Two groups, five Monday sessions (S3 is for G2 only), two tasks, two assessments."""
    book = init(tmp_path / f"tiny-{len(list(tmp_path.glob('tiny-*.xlsx')))}.xlsx")
    people = students or [
        {"student_id": "A", "name": "甲", "mobile": "13800000001", "department": "研发", "group_id": "G1",
         "review_status": "已通过", "status": "在读"},
        {"student_id": "B", "name": "乙", "mobile": "13800000002", "department": "研发", "group_id": "G2",
         "review_status": "已通过", "status": "在读", "joined_on": T("2026-03-09")},
    ]
    sessions = pd.DataFrame([{"session_id": f"S{i}", "title": f"第{i}讲", "date": T("2026-03-02") + pd.Timedelta(weeks=i - 1),
                              "start": dt.time(9), "end": dt.time(11), "mode": "线下",
                              "groups": "G2" if i == 3 else "", "required": "是"} for i in range(1, 6)])
    tables = {
        "enrollment": pd.DataFrame(people),
        "groups": pd.DataFrame([{"group_id": "G1", "name": "一班"}, {"group_id": "G2", "name": "二班"}]),
        "sessions": sessions,
        "attendance": pd.DataFrame([{"session_id": s, "student_id": p, "status": st} for s, p, st in attendance],
                                   columns=["session_id", "student_id", "status"]),
        "tasks": pd.DataFrame([{"task_id": "T1", "title": "作业一", "due_at": T("2026-03-05 23:59"), "required": "是"},
                               {"task_id": "T2", "title": "作业二", "due_at": T("2026-03-26 23:59"), "required": "是"}]),
        "submissions": pd.DataFrame([{"task_id": t, "student_id": p, "status": st} for t, p, st in (submissions or [])],
                                    columns=["task_id", "student_id", "status"]),
        "assessments": pd.DataFrame([
            {"assessment_id": "X1", "title": "期中", "dimension": "知识", "weight": 0.4, "max_score": 50},
            {"assessment_id": "X2", "title": "期末考试", "dimension": "技能", "weight": 0.6, "max_score": 100}]),
        "scores": pd.DataFrame([{"assessment_id": a, "student_id": p, "score": v} for a, p, v in (scores or [])],
                               columns=["assessment_id", "student_id", "score"]),
    }
    master = FileEngine(book).read()
    frame = master.frame("settings").copy()
    for key, value in {"end_date": "2026-03-30", **(settings or {})}.items():
        frame.loc[frame["key"] == key, "value"] = value
    tables["settings"] = frame
    return write_tables(book, tables)


def row(book: Path, as_of: str, student: str = "A") -> pd.Series:
    return trainbook.progress(book, as_of=as_of, write=False).students.loc[student]


def test_late_joiners_and_group_only_sessions(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S2", "A", "出勤"), ("S2", "B", "出勤"),
                                   ("S3", "B", "迟到")])
    a, b = row(book, "2026-03-16", "A"), row(book, "2026-03-16", "B")
    # A (G1): S1, S2, S4, S5 apply (S3 is G2's) → 2 held by 03-16, both present
    assert (a["sessions_planned"], a["sessions_to_date"], a["present"], a["attendance_rate"]) == (4, 2, 2, 1.0)
    # B joined 03-09: S2, S3, S4, S5 apply → S2 present, S3 late (weight 1) → 2 of 2
    assert (b["sessions_planned"], b["sessions_to_date"], b["late"], b["attendance_rate"]) == (4, 2, 1, 1.0)


def test_no_evidence_for_a_past_session_is_absence(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S2", "B", "出勤")])
    a = row(book, "2026-03-09")
    assert (a["present"], a["absent"], a["attendance_rate"]) == (1, 1, 0.5)


def test_a_held_session_with_no_records_is_unrecorded_not_everyones_absence(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤")])
    result = trainbook.progress(book, as_of="2026-03-09")
    a = result.students.loc["A"]
    assert (a["present"], a["absent"], a["sessions_to_date"], a["attendance_rate"]) == (1, 0, 1, 1.0)
    assert result.unrecorded == ["S2 第2讲 2026-03-09"] and "S2 第2讲 2026-03-09 尚无考勤记录" in result.summary()
    issues = trainbook.validate(book, as_of="2026-03-09").flatten(("sheet", "row", "code"))
    assert ("sessions", 3, "session-unrecorded") in issues


def test_the_demo_after_c09_leaves_c09_out_and_names_it(demo_book: Path) -> None:
    before = trainbook.progress(demo_book, as_of="2026-11-29", write=False)
    after = trainbook.progress(demo_book, as_of="2026-12-01")
    assert [s.split()[0] for s in after.unrecorded] == ["C09"] and not before.unrecorded
    columns = ["attendance_rate", "attendance_rate_max", "risk", "needed"]
    pd.testing.assert_frame_equal(after.students[columns], before.students[columns])
    home = python_calamine.CalamineWorkbook.from_path(str(demo_book)).get_sheet_by_name("首页").to_python()
    assert any("C09" in str(cell) and "尚无考勤记录" in str(cell) for row in home for cell in row)
    board = python_calamine.CalamineWorkbook.from_path(str(demo_book)).get_sheet_by_name("看板").to_python()
    assert "C09" in str(board[0][0]) or "C09" in str(board[1][0])


@pytest.mark.parametrize("excused_counts, rate", [("否", 1.0), ("是", 2 / 3)])
def test_excused_leave_in_or_out_of_the_denominator(tmp_path: Path, excused_counts: str, rate: float) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S2", "A", "请假"), ("S2", "B", "出勤"), ("S4", "A", "出勤")],
                        {"excused_counts": excused_counts})
    assert row(book, "2026-03-23")["attendance_rate"] == pytest.approx(rate)


def test_leave_alone_does_not_make_a_session_recorded(tmp_path: Path) -> None:
    """Leave is often imported before the session; until its attendance comes in, nobody else is absent."""
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S1", "B", "出勤"), ("S2", "A", "请假")])
    result = trainbook.progress(book, as_of="2026-03-09", write=False)
    b = result.students.loc["B"]  # joined on 03-09: S2 is B's first session
    assert (b["absent"], b["sessions_to_date"]) == (0, 0) and pd.isna(b["attendance_rate"])
    assert result.unrecorded == ["S2 第2讲 2026-03-09"]
    notices = trainbook.notices(book, as_of="2026-03-09", write=False).rows
    assert "absence-followup" not in set(notices["kind"])


def test_a_session_marked_not_applicable_is_not_the_students(tmp_path: Path) -> None:
    """DingTalk's 休息, 未入职 or 离职 (or the coordinator's 不适用): neither held nor to come for that student."""
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S1", "B", "出勤"), ("S2", "A", "不适用"), ("S2", "B", "出勤")])
    a = row(book, "2026-03-09")
    assert (a["sessions_planned"], a["sessions_to_date"], a["absent"], a["attendance_rate"]) == (3, 1, 0, 1.0)
    notices = trainbook.notices(book, as_of="2026-03-09", write=False).rows
    assert "absence-followup" not in set(notices.loc[notices["student_id"] == "A", "kind"])
    ahead = trainbook.notices(book, as_of="2026-03-08", write=False).rows
    reminded = set(ahead.loc[ahead["kind"] == "session-reminder", "student_id"])
    assert "B" in reminded and "A" not in reminded


def test_free_absences_and_late_weight(tmp_path: Path) -> None:
    attendance = [("S1", "A", "出勤"), ("S2", "A", "缺勤"), ("S4", "A", "迟到")]
    assert row(tiny_program(tmp_path, attendance, {"free_absences": 1}), "2026-03-23")["attendance_rate"] == 1.0
    weighted = tiny_program(tmp_path, attendance, {"late_weight": 0.5})
    assert row(weighted, "2026-03-23")["attendance_rate"] == pytest.approx(1.5 / 3)


def test_unreachable_threshold_is_high_risk_before_the_end(tmp_path: Path) -> None:
    # A: 4 sessions; absent at S1 and S2 → at best 2 of 4 = 50% < 80%
    book = tiny_program(tmp_path, [("S1", "A", "缺勤"), ("S2", "A", "缺勤")], {"consecutive_absences": 5})
    a = row(book, "2026-03-10")
    assert a["attendance_rate_max"] == 0.5 and a["risk"] == "high" and a["certificate"] == "no"
    assert "达不到 80%" in a["needed"]


def test_consecutive_absences_are_high_risk(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S2", "A", "缺勤"), ("S4", "A", "缺勤")],
                        {"attendance_threshold": 0.5})
    a = row(book, "2026-03-23")
    assert a["attendance_rate_max"] == 0.5 and a["risk"] == "high" and "连续缺勤 2 次" in a["reasons"]


def test_scores_final_grade_needed_and_certificates(tmp_path: Path) -> None:
    attendance = [(s, "A", "出勤") for s in ("S1", "S2", "S4", "S5")]
    submissions = [("T1", "A", "已提交"), ("T2", "A", "逾期提交")]
    # X1: 40 of 50 → 80 ×0.4 = 32; X2 not yet → final so far 80; 期末考试 needs (60 − 32)/0.6 = 46.7
    book = tiny_program(tmp_path, attendance, submissions=submissions, scores=[("X1", "A", 40)])
    a = row(book, "2026-03-29")
    assert (a["score_knowledge"], a["final_score"], a["grade"]) == (80.0, 80.0, "good")
    assert a["certificate"] == "pending" and "期末考试需 ≥ 46.7 分" in a["needed"]
    done = tiny_program(tmp_path, attendance, submissions=submissions, scores=[("X1", "A", 40), ("X2", "A", 95)])
    a = row(done, "2026-03-31")
    assert (a["score_skill"], a["final_score"], a["grade"], a["certificate"]) == (95.0, 89.0, "good", "yes")
    failed = tiny_program(tmp_path, attendance, submissions=submissions, scores=[("X1", "A", 10), ("X2", "A", 50)])
    a = row(failed, "2026-03-31")
    assert (a["final_score"], a["grade"], a["certificate"], a["risk"]) == (38.0, "fail", "no", "high")


def test_at_the_end_a_verdict_waits_for_an_assessment_not_graded(tmp_path: Path) -> None:
    attendance = [(s, "A", "出勤") for s in ("S1", "S2", "S4", "S5")] + [("S3", "B", "出勤")]
    submissions = [("T1", "A", "已提交"), ("T2", "A", "已提交")]
    book = tiny_program(tmp_path, attendance, submissions=submissions, scores=[("X1", "A", 48)])  # 期末考试 never graded
    a = row(book, "2026-03-31")
    assert (a["final_score"], a["certificate"]) == (96.0, "pending") and "期末考试" in a["needed"]


def test_at_the_end_a_verdict_waits_for_a_due_tasks_records(tmp_path: Path) -> None:
    attendance = [(s, "A", "出勤") for s in ("S1", "S2", "S4", "S5")] + [("S3", "B", "出勤")]
    scores = [("X1", "A", 48), ("X2", "A", 90)]
    book = tiny_program(tmp_path, attendance, submissions=[("T1", "A", "已提交")], scores=scores)  # T2: nothing in
    result = trainbook.progress(book, as_of="2026-03-31", write=False)
    a = result.students.loc["A"]
    assert (a["task_rate"], a["certificate"]) == (1.0, "pending")
    assert result.unrecorded_tasks == ["T2 作业二"] and "T2 作业二 已到截止日期但尚无提交记录" in result.summary()
    done = tiny_program(tmp_path, attendance, submissions=[("T1", "A", "已提交"), ("T2", "A", "已提交")], scores=scores)
    assert row(done, "2026-03-31")["certificate"] == "yes"


def test_cells_that_do_not_read_are_named_not_left_out_silently(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S1", "B", "出席")], scores=[("X1", "A", "45分")])  # type: ignore[list-item]
    master = FileEngine(book).read()
    tasks = master.frame("tasks").copy()
    tasks.loc[tasks.index[1], "required"] = "选修"  # not a choice: read as the default would make it required
    write_tables(book, {"tasks": tasks})
    master = FileEngine(book).read()
    where = {key: (master.tables[key].name, master.tables[key].letter(column), master.tables[key].frame.index[row])
             for key, column, row in (("scores", "score", 0), ("attendance", "status", 1), ("tasks", "required", 1))}
    result = trainbook.progress(book, as_of="2026-03-09", write=False)
    assert result.unreadable == [f"{n}!{c}{r}" for n, c, r in (where["attendance"], where["tasks"], where["scores"])]
    assert "注意：3 个单元格无法识别" in result.summary() and "计算时按空白处理" in result.summary()
    assert trainbook.progress(tiny_program(tmp_path, [("S1", "A", "出勤")]), as_of="2026-03-09", write=False).unreadable == []


def test_a_look_back_does_not_see_what_was_graded_or_handed_in_after_it(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S1", "B", "出勤")])
    write_tables(book, {
        "scores": pd.DataFrame([{"assessment_id": "X1", "student_id": "A", "score": 40, "graded_at": T("2026-03-20 10:00")},
                                {"assessment_id": "X2", "student_id": "A", "score": 90}]),  # no time: always there
        "submissions": pd.DataFrame([{"task_id": "T1", "student_id": "A", "status": "已提交",
                                      "submitted_at": T("2026-03-12 09:00")},
                                     {"task_id": "T1", "student_id": "B", "status": "免做"}])})
    before, after = row(book, "2026-03-10"), row(book, "2026-03-20")
    assert (before["final_score"], before["task_rate"]) == (90.0, 0.0)
    assert (after["final_score"], after["task_rate"]) == (86.0, 1.0)


def test_task_rate_counts_required_tasks_due(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [], submissions=[("T1", "A", "未提交"), ("T1", "B", "免做")])
    a, b = row(book, "2026-03-10", "A"), row(book, "2026-03-10", "B")
    assert a["task_rate"] == 0.0  # T1 due, not handed in; T2 not due yet
    assert pd.isna(b["task_rate"])  # T1 exempt: nothing due counts


def test_work_not_handed_in_by_its_due_time_can_still_come_in_late_until_the_end(tmp_path: Path) -> None:
    """逾期提交 counts as done, so a missed task is below the threshold (中, 待定), not lost (高, 否),
    before the end; after it, it is lost."""
    attendance = [(s, "A", "出勤") for s in ("S1", "S2", "S4", "S5")] + [("S3", "B", "出勤")]
    book = tiny_program(tmp_path, attendance, submissions=[("T1", "A", "未提交"), ("T2", "A", "已提交")],
                        scores=[("X1", "A", 48), ("X2", "A", 90)])
    before = row(book, "2026-03-27")
    assert (before["task_rate"], before["risk"], before["certificate"]) == (0.5, "medium", "pending")
    assert "还需补交 1 项任务" in before["needed"] and "任务完成率已无法达标" not in before["reasons"]
    after = row(book, "2026-03-31")
    assert (after["task_rate"], after["risk"], after["certificate"]) == (0.5, "high", "no")
    assert "任务完成率已无法达标" in after["reasons"]


def test_a_task_due_on_the_day_is_not_missed_before_it_is_due(tmp_path: Path) -> None:
    """As of its due day, a task counts once handed in; not handed in yet, it is neither missed nor
    warned about, and at the end the verdict waits for it."""
    book = tiny_program(tmp_path, [("S1", "A", "出勤")], submissions=[("T1", "A", "未提交")])
    a = row(book, "2026-03-05")
    assert pd.isna(a["task_rate"]) and a["risk"] == "low"
    handed_in = tiny_program(tmp_path, [("S1", "A", "出勤")], submissions=[("T1", "A", "已提交")])
    assert row(handed_in, "2026-03-05")["task_rate"] == 1.0
    notices = trainbook.notices(book, as_of="2026-03-05", write=False).rows
    assert not set(notices["notice_id"]) & {"risk-warning:medium:A", "task-overdue:T1:A"}
    assert "task-reminder:T1:A" in set(notices["notice_id"])
    assert row(book, "2026-03-06")["task_rate"] == 0.0  # the day after, it is missed
    attendance = [(s, "A", "出勤") for s in ("S1", "S2", "S4", "S5")] + [("S3", "B", "出勤")]
    last = tiny_program(tmp_path, attendance, submissions=[("T1", "A", "已提交"), ("T2", "A", "未提交")],
                        scores=[("X1", "A", 48), ("X2", "A", 90)], settings={"end_date": "2026-03-26"})
    on_the_day = row(last, "2026-03-26")  # the last day, T2 due that evening
    assert (on_the_day["task_rate"], on_the_day["certificate"]) == (1.0, "pending")
    assert row(last, "2026-03-27")["certificate"] == "no"
    after_the_end = tiny_program(tmp_path, attendance, submissions=[("T1", "A", "已提交"), ("T2", "A", "未提交")],
                                 scores=[("X1", "A", 48), ("X2", "A", 90)], settings={"end_date": "2026-03-20"})
    assert row(after_the_end, "2026-03-21")["certificate"] == "pending"  # over, but T2 is due on 03-26
    assert row(after_the_end, "2026-03-27")["certificate"] == "no"


def test_a_task_due_before_a_student_joined_is_not_theirs(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [], submissions=[("T1", "A", "已提交"), ("T2", "A", "已提交")])
    b = row(book, "2026-03-31", "B")  # joined 03-09: T1 was due 03-05
    assert b["task_rate"] == 0.0 and "任务：到期 1 项，完成 0 项" in b["reasons"]
    notices = trainbook.notices(book, as_of="2026-03-31", write=False).rows
    overdue = notices[(notices["kind"] == "task-overdue") & (notices["student_id"] == "B")]
    assert len(overdue) == 1 and "T2" in overdue["notice_id"].iloc[0]


def test_a_task_of_a_session_not_applicable_is_not_the_students(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "不适用"), ("S1", "B", "出勤"), ("S2", "A", "出勤")],
                        submissions=[("T2", "A", "已提交")])
    tasks = FileEngine(book).read().frame("tasks").copy()
    tasks.loc[tasks["task_id"] == "T1", "session_id"] = "S1"  # T1 is S1's homework, never handed in
    write_tables(book, {"tasks": tasks})
    a = row(book, "2026-03-31")
    assert a["task_rate"] == 1.0 and "任务：到期 1 项，完成 1 项" in a["reasons"]
    notices = trainbook.notices(book, as_of="2026-03-31", write=False).rows
    assert "task-overdue:T1:A" not in set(notices["notice_id"])


def test_several_sources_best_status_wins() -> None:
    settings = type("S", (), {"late_grace_minutes": 5, "early_leave_grace_minutes": 5, "require_checkout": "no",
                              "online_min_watch_ratio": 0.8, "count_replay": "yes"})()
    start, end = T("2026-03-02 09:00"), T("2026-03-02 11:00")
    evidence = pd.DataFrame([
        {"session_id": "S1", "student_id": "A", "evidence": "punch", "at": T("2026-03-02 09:20"),
         "start_at": start, "end_at": end},
        {"session_id": "S1", "student_id": "A", "evidence": "slot", "day_result": "正常", "on_at": pd.NaT, "off_at": pd.NaT,
         "start_at": start, "end_at": end},
        {"session_id": "S1", "student_id": "B", "evidence": "online", "account": "乙", "live_minutes": 80,
         "replay_minutes": 20, "joined_at": T("2026-03-02 09:02"), "start_at": start, "end_at": end},
        {"session_id": "S1", "student_id": "B", "evidence": "leave", "start_at": start, "end_at": end},
    ])
    found = [statuses(evidence[evidence["evidence"] == kind], kind, settings, "zh")
             for kind in ("punch", "slot", "online", "leave")]
    got = combine(pd.concat(found, ignore_index=True)).set_index("student_id")
    assert got.loc["A", "status"] == "present" and got.loc["A", "checkin_at"] == T("2026-03-02 09:20")
    assert got.loc["B", "status"] == "present" and got.loc["B", "watch_minutes"] == 100


def test_demo_reasons_state_numbers_that_add_up(tmp_path: Path) -> None:
    from trainbook.demo import run_demo

    book = run_demo(tmp_path / "demo", echo=lambda _: None)
    result = trainbook.progress(book, as_of="2026-11-29")
    pattern = re.compile(r"已开 (\d+) 场（共 (\d+) 场）= 出勤 (\d+) \+ 迟到 (\d+) \+ 早退 (\d+) \+ 请假 (\d+) \+ 缺勤 (\d+)；"
                         r"计入 (\d+) 场（豁免缺勤 (\d+)），折算出勤 ([\d.]+) → ([\d.]+|—)%?.*任务：到期 (\d+) 项，完成 (\d+) 项")
    sheet = trainbook.read(book).frame("progress")
    assert len(sheet) == len(result.students) > 60
    for student_id, r in result.students.iterrows():
        m = pattern.search(r["reasons"])
        assert m, r["reasons"]
        to_date, planned, present, late, early, excused, absent, counted, forgiven, attended = (
            float(g) for g in m.groups()[:10])
        assert (to_date, planned) == (r["sessions_to_date"], r["sessions_planned"])
        assert present + late + early + excused + absent == to_date
        assert counted == to_date - excused - forgiven
        assert attended == present + late + early  # the demo's weights are 1
        if counted:
            assert float(m.group(11)) == pytest.approx(round(attended / counted * 100, 1))
            assert r["attendance_rate"] == pytest.approx(attended / counted)
        due, done = int(m.group(12)), int(m.group(13))
        assert done <= due
        if due:
            assert r["task_rate"] == pytest.approx(done / due)


def test_cli_json_is_deterministic_and_rewrites(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤")])
    first = CliRunner().invoke(main, ["progress", str(book), "--as-of", "2026-03-09", "--format", "json"])
    second = CliRunner().invoke(main, ["progress", str(book), "--as-of", "2026-03-09", "--format", "json"])
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["as_of"] == "2026-03-09" and [s["student_id"] for s in data["students"]] == ["A", "B"]
    assert set(data["students"][0]) >= {"attendance_rate", "attendance_rate_max", "risk", "needed", "reasons"}
    assert len(trainbook.read(book).frame("progress")) == 2  # replaced, not appended


def test_dashboard_charts_render_in_libreoffice(tmp_path: Path, soffice: str) -> None:
    import subprocess
    import zipfile

    from trainbook.demo import run_demo

    from .conftest import convert

    book = run_demo(tmp_path / "demo", echo=lambda _: None)
    with zipfile.ZipFile(book) as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == len(BLOCKS)
        first = zf.read(charts[0]).decode()
        feedback = zf.read(charts[4]).decode()
        themes = zf.read(charts[6]).decode()
    sessions = len(trainbook.read(book).frame("sessions"))
    held = sum(1 for d in trainbook.read(book).frame("sessions")["date"] if pd.Timestamp(d) <= T("2026-11-29"))
    top = DATA_ROW + 1
    assert f"$A${top}:$A${DATA_ROW + held}" in first and held < sessions and "numCache" not in first
    rated = len(trainbook.progress(book, as_of="2026-11-29", write=False).feedback_by_session)
    assert f"$N${top}:$N${DATA_ROW + rated}" in feedback, "the feedback chart covers the sessions with feedback"
    analysis = trainbook.read(book).frame("feedback_analysis")
    assert f"$Z${top}:$Z${DATA_ROW + int((analysis['scope'] == '主题').sum())}" in themes, "a bar per theme"
    pdf = convert(soffice, book, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for title in ("各课次出勤率", "总评分布", "部门对比", "风险分布", "平均出勤率", "各课次满意度", "各讲师满意度",
                  "评论主题（按语气）"):
        assert title in text


def test_progress_button_writes_each_sheet_once(tmp_path: Path, demo_book: Path) -> None:
    import trainbook.xl
    from trainbook.todolist import PANEL_LEFT

    from .conftest import json_book

    book = json_book(demo_book)
    book.set_mock_caller()
    trainbook.xl.progress()
    actions = book.json()["actions"]
    names = [s.name for s in book.sheets]
    writes = [names[a["sheet_position"]] for a in actions if a["func"] == "setValues"]
    # 看板: its data blocks and its tiles; 首页: last run, to-do
    assert sorted(writes) == sorted(["学习进度", "看板", "看板", "反馈分析", "改进", "首页", "首页"])
    assert sum(a["func"] == "setValues" and a["start_column"] == PANEL_LEFT for a in actions) == 1
    progress_write = next(a for a in actions if a["func"] == "setValues" and names[a["sheet_position"]] == "学习进度")
    assert progress_write["row_count"] == len(trainbook.read(demo_book).frame("enrollment"))  # all approved
    assert [a["func"] for a in actions].count("alert") == 1


def test_feedback_summaries_and_small_groups(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤")])
    feedback = pd.DataFrame([
        {"response_id": "R1", "session_id": "S1", "overall": 5, "nps": 10},
        {"response_id": "R2", "session_id": "S1", "overall": 4, "nps": 9},
        {"response_id": "R3", "session_id": "S1", "overall": 2, "nps": 3},
        {"response_id": "R4", "session_id": "S2", "overall": 1, "nps": 0},
        {"response_id": "R5", "session_id": "S2", "overall": 5, "nps": 10},
    ])
    write_tables(book, {"feedback": feedback})
    result = trainbook.progress(book, as_of="2026-03-10", write=False)
    s1 = result.feedback_by_session.loc["S1"]
    assert (s1["overall"], s1["top2"], s1["nps"], s1["responses"]) == (pytest.approx(3.67), pytest.approx(2 / 3), 33, 3)
    other = result.feedback_by_session.loc["其他"]
    assert other["responses"] == 2 and pd.isna(other["overall"])  # two answers are not broken out
    assert "S2" not in result.feedback_by_session.index


def test_percentages_typed_as_text_are_read_not_crashed_on(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S2", "A", "缺勤")],
                        {"attendance_threshold": "50%", "late_grace_minutes": "五分钟"},
                        submissions=[("T1", "A", "已提交")])
    found = trainbook.validate(book, as_of="2026-03-10").flatten(("sheet", "code"))
    assert sorted(found) == [("settings", "invalid-number"), ("settings", "program-name-missing")]
    result = trainbook.progress(book, as_of="2026-03-10", write=False)
    a = result.students.loc["A"]
    assert (a["attendance_rate"], a["risk"]) == (0.5, "low")  # 50% against a threshold read as 0.5, not 50
    assert result.settings_ignored == ["late_grace_minutes"]
    label = PARAMETERS["late_grace_minutes"].zh
    assert f"设置中 {label}（late_grace_minutes） 的值无效" in result.summary("zh"), result.summary("zh")


def test_medium_risk_says_why_and_a_partial_final_score_is_provisional(tmp_path: Path) -> None:
    # A: absent at S1, present at S2 → 50% now, 75% (≥ 70%) still reachable over S4–S5; only the midterm graded
    book = tiny_program(tmp_path, [("S1", "A", "缺勤"), ("S2", "A", "出勤")],
                        {"consecutive_absences": 5, "attendance_threshold": 0.7}, scores=[("X1", "A", 40)],
                        submissions=[("T1", "A", "已提交")])
    a = row(book, "2026-03-10")
    assert a["risk"] == "medium"
    assert "风险：中（出勤率低于 70%" in a["reasons"]
    assert "总评 80（暂定：还有 1 项考核未评分）" in a["reasons"]


def test_the_demo_names_its_program_organizer_and_dates(demo_book: Path) -> None:
    settings = trainbook.read(demo_book).frame("settings").set_index("key")["value"]
    assert settings["program_name"] and settings["organizer"]
    assert str(settings["start_date"])[:10] == "2026-11-02" and str(settings["end_date"])[:10] > "2026-11-02"


def test_a_fresh_workbook_shows_no_rates_and_says_what_to_do_first(blank_book: Path) -> None:
    result = trainbook.progress(blank_book, as_of="2026-11-29")
    assert result.students.empty and "先在“报名”表登记学员" in result.summary()
    board = python_calamine.CalamineWorkbook.from_path(str(blank_book)).get_sheet_by_name("看板").to_python()
    assert any("先在“报名”表登记学员" in str(cell) for row in board[:3] for cell in row)
    assert not any("%" in str(cell) for row in board[:12] for cell in row), "no rates on an empty program"


def test_after_the_end_needed_says_what_was_missed_not_what_to_do(tmp_path: Path) -> None:
    book = tiny_program(tmp_path, [("S1", "A", "出勤"), ("S2", "A", "缺勤"), ("S4", "A", "缺勤"), ("S5", "A", "出勤")],
                        {"consecutive_absences": 5}, scores=[("X1", "A", 40)])
    a = row(book, "2026-04-30")
    assert a["certificate"] == "no"
    assert a["needed"].startswith("项目已结束，未达到结业要求：") and "出勤率低于 80%" in a["needed"]
    assert "还需" not in a["needed"] and "需 ≥" not in a["needed"]


def test_a_task_whose_submissions_were_never_imported_is_not_yet_due(clean_book: Path) -> None:
    """As with a session that has no records: nobody is late with a task nothing was imported for."""
    before = trainbook.progress(clean_book, as_of="2026-11-29", write=False).students
    tasks = trainbook.read(clean_book).frame("tasks")
    added = pd.DataFrame([{"task_id": "T05", "title": "结课总结", "kind": "作业", "due_at": pd.Timestamp("2026-11-20 23:59"),
                           "required": "是"}], index=[10_000])
    write_tables(clean_book, {"tasks": pd.concat([tasks, added])})
    waiting = trainbook.progress(clean_book, as_of="2026-11-29", write=False).students
    assert (waiting["task_rate"].fillna(-1) == before["task_rate"].fillna(-1)).all()
    subs = trainbook.read(clean_book).frame("submissions")
    one = pd.DataFrame([{"task_id": "T05", "student_id": "S0001", "name": "黄刚", "status": "已提交"}], index=[100_000])
    write_tables(clean_book, {"submissions": pd.concat([subs, one])})
    imported = trainbook.progress(clean_book, as_of="2026-11-29", write=False).students
    others = (imported.index != "S0001") & before["task_rate"].notna().to_numpy()
    assert (imported.loc[others, "task_rate"] < before.loc[others, "task_rate"]).all(), "once imported, due for all"


def test_risk_is_coloured_in_the_progress_sheet_and_stays_after_a_run(clean_book: Path) -> None:
    import re
    import zipfile

    from trainbook.schema.dashboard import RISK_FILLS
    from trainbook.workbook.package import sheet_parts

    trainbook.progress(clean_book, as_of="2026-11-29")
    with zipfile.ZipFile(clean_book) as zf:
        part = next(p.part for p in sheet_parts(zf) if p.name == "学习进度")
        xml = zf.read(part).decode()
        styles = zf.read("xl/styles.xml").decode()
    block = re.search(r'<conditionalFormatting sqref="([A-Z]+)2:[A-Z]+\d+">(.*?)</conditionalFormatting>', xml, re.S)
    assert block is not None
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[BY_KEY["progress"].keys.index("risk")]
    assert block.group(1) == column
    assert [f.replace("&quot;", '"') for f in re.findall(r"<formula>(.*?)</formula>", block.group(2))] == [
        '"高"', '"中"', '"低"']
    for fill, _ in RISK_FILLS.values():
        assert fill[1:].upper() in styles.upper()
    rows = trainbook.read(clean_book).frame("progress")
    assert set(rows["risk"].dropna()) <= {"高", "中", "低"} and len(rows) > 0


def test_every_operation_asks_one_clock(demo_book: Path) -> None:
    """Left without an as-of day, an operation works as of the clock's today, and 首页's last run
    says the clock's time: fixed, the whole run is as of that moment."""
    from trainbook import clock

    moment = dt.datetime(2026, 11, 29, 9, 30)
    with clock.fixed(moment):
        result = trainbook.progress(demo_book)
        notices = trainbook.notices(demo_book, write=False)
        report = trainbook.validate(demo_book)
    assert result.as_of == notices.as_of == moment.date()
    assert result.students.equals(trainbook.progress(demo_book, as_of="2026-11-29", write=False).students)
    home = python_calamine.CalamineWorkbook.from_path(str(demo_book)).get_sheet_by_name("首页").to_python()
    assert ["2026-11-29 09:30"] == [c for row in home for c in row if str(c).startswith("2026-11-29 09")]
    assert report.errors == trainbook.validate(demo_book, as_of="2026-11-29").errors
