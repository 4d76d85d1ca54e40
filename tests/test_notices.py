"""Notices: who gets which notice, worked out by hand on a small program; regenerating is
idempotent; the CSV and the robot messages."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import trainbook
from trainbook.notify import kind_label
from trainbook.notify.digests import MAX_BYTES, digests
from trainbook.schema.notice_templates import GROUP_SAFE

from .conftest import AS_OF, NOW, convert, init, named, write_tables

T = pd.Timestamp


@pytest.fixture
def book(notices_book: Path) -> Path:
    return notices_book


EXPECTED = {
    "enroll-confirm:A", "enroll-confirm:B", "enroll-confirm:E", "enroll-confirm:F",  # approved, staying; not C or D
    "enroll-rejected:D",
    "session-reminder:S3:A", "session-reminder:S3:B", "session-reminder:S3:E", "session-reminder:S3:F",  # tomorrow
    "absence-followup:S1:A",  # recorded 缺勤; C was absent too, but has withdrawn
    "absence-followup:S1:F",  # no record at a held session is 缺勤; S2 has no records at all: not held yet
    "task-reminder:T1:A", "task-reminder:T1:E", "task-reminder:T1:F",  # B handed T1 in; T3 is optional
    "task-overdue:T2:F",  # A handed it in late, E is exempt, B joined after it was due
    "risk-warning:high:A", "risk-warning:high:A:tutor", "risk-warning:high:A:manager",  # 0 of 1, can reach 2/3
    "risk-warning:high:F",  # S1 missed: 2 of 3 at most (T2 may still come in late); G2 has no tutor
    "material-update:M1@v2:A", "material-update:M1@v2:B", "material-update:M1@v2:E",  # M2 is old news
    "material-update:M1@v2:F",
}


def test_each_kind_goes_to_exactly_whom_it_should(book: Path) -> None:
    run = trainbook.notices(book, as_of=AS_OF, now=NOW)
    assert set(run.pending["notice_id"]) == EXPECTED
    sheet = trainbook.read(book).frame("notices").set_index("notice_id")
    reminder = sheet.loc["session-reminder:S3:B"]
    assert reminder["kind"] == "课前提醒" and reminder["status"] == "待发送" and reminder["mobile"] == "13800000002"
    assert reminder["subject"] == "【春季班】第3讲 即将开始"
    assert reminder["body"] == "乙，您好！第3讲将于2026-03-16 09:00在301开始，请准时签到：https://example.com/c/S3"
    copy = sheet.loc["risk-warning:high:A:tutor"]
    assert (copy["audience"], copy["recipient"], copy["mobile"]) == ("班主任", "王老师", "13900000001")
    assert "“高”" in copy["body"] and "出勤率0.0%" in copy["body"]
    assert copy["body"].startswith("王老师，您好！以下是发给学员甲的通知，抄送您（班主任）：\n甲，您好！")
    manager = sheet.loc["risk-warning:high:A:manager", "body"]
    assert manager.startswith("赵经理，您好！以下是发给学员甲的通知，抄送您（直属主管）：")
    assert sheet.loc["risk-warning:high:A", "body"].startswith("甲，您好！")  # hers is as the template says
    assert sheet.loc["absence-followup:S1:A", "body"].startswith("甲，您好！系统记录您未参加2026-03-02的第1讲")
    assert pd.isna(sheet.loc["task-reminder:T1:E", "mobile"]) and run.no_mobile == ["戊（E）"]
    assert "1 位收件人没有手机号" in run.summary()


JUDGED_F = {"absence-followup:S1:F", "task-overdue:T2:F", "task-reminder:T1:F", "risk-warning:high:F"}


def test_no_notice_says_how_a_student_is_doing_while_their_records_are_unsure(book: Path) -> None:
    """F's S1 typed 出席（补签） (no status the sheet knows): it reads as no record, which would be
    缺勤, so F is told nothing about attendance, work or risk until it is put right; the others are."""
    attendance = trainbook.read(book).frame("attendance")
    extra = pd.DataFrame([{"session_id": "S1", "student_id": "F", "status": "出席（补签）"}])
    write_tables(book, {"attendance": pd.concat([attendance, extra], ignore_index=True)})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW, write=False)
    assert set(run.pending["notice_id"]) == EXPECTED - JUDGED_F
    text = run.summary()
    assert re.search(r"1 个单元格无法识别（考勤!D\d+）", text) and "1 名学员（F）暂不生成" in text and "学习预警" in text
    fixed = pd.concat([attendance, extra.assign(status="出勤")], ignore_index=True)
    write_tables(book, {"attendance": fixed})
    after = trainbook.notices(book, as_of=AS_OF, now=NOW, write=False)
    pending = set(after.pending["notice_id"])
    assert "absence-followup:S1:F" not in pending and "task-overdue:T2:F" in pending


def test_records_waiting_in_review_hold_the_candidates_judging_notices(book: Path) -> None:
    """A punch of 己 (F) waits in 待确认 between F and A: it may be theirs, so neither is told they
    were absent or at risk; progress says why their figures may read low."""
    review = pd.DataFrame([{"kind": "打卡原始记录", "raw_name": "己", "reason": "多个候选学员",
                            "candidates": "F 己（研发）、A 甲（研发）", "count": 1, "review_id": "R0001"}])
    write_tables(book, {"review": review})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW, write=False)
    judged_a = {"absence-followup:S1:A", "task-reminder:T1:A", "risk-warning:high:A", "risk-warning:high:A:tutor",
                "risk-warning:high:A:manager"}
    assert set(run.pending["notice_id"]) == EXPECTED - JUDGED_F - judged_a
    assert "2 名学员（A、F）可能有导入记录在“待确认”中" in run.summary()
    progress = trainbook.progress(book, as_of=AS_OF, write=False)
    assert progress.awaiting_review == ["A", "F"] and "“待确认”" in progress.summary()
    chosen = review.assign(student_id="F")  # she names F: only F's records are unsure until the merge lands them
    write_tables(book, {"review": chosen})
    assert set(trainbook.notices(book, as_of=AS_OF, now=NOW, write=False).pending["notice_id"]) == EXPECTED - JUDGED_F
    write_tables(book, {"review": review.assign(student_id="FF")})  # a typo names nobody: the candidates still wait
    assert trainbook.progress(book, as_of=AS_OF, write=False).awaiting_review == ["A", "F"]
    write_tables(book, {"review": review.assign(kind="问卷反馈")})  # a survey answer changes none of the figures
    assert trainbook.progress(book, as_of=AS_OF, write=False).awaiting_review == []


def test_a_notice_listed_already_waits_unsent_with_her_note(book: Path) -> None:
    """Records of F's coming into 待确认 after F's 缺勤跟进 was listed: the notice stays 待发送 but
    without its text (nothing sends it), keeps what she typed on it, and is whole again once settled."""
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    sheet = trainbook.read(book).frame("notices").copy()
    sheet.loc[sheet["notice_id"] == "absence-followup:S1:F", "note"] = "已电话联系，周一再发"
    review = pd.DataFrame([{"kind": "打卡原始记录", "raw_name": "己", "reason": "多个候选学员",
                            "candidates": "F 己（研发）、A 甲（研发）", "count": 1, "review_id": "R0001"}])
    write_tables(book, {"notices": sheet, "review": review})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW)
    rows = trainbook.read(book).frame("notices").set_index("notice_id")
    assert run.cancelled == 0 and run.new == 0
    held = rows.loc["absence-followup:S1:F"]
    assert (held["status"], held["note"]) == ("待发送", "已电话联系，周一再发")
    assert pd.isna(rows.loc["absence-followup:S1:F", "body"]) and pd.isna(rows.loc["risk-warning:high:A", "body"])
    assert rows.loc["risk-warning:high:A", "note"].startswith("暂缓")
    assert "条通知暂缓" in trainbook.send(book, dry_run=True).summary()
    write_tables(book, {"review": review.iloc[:0]})
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    rows = trainbook.read(book).frame("notices").set_index("notice_id")
    assert rows.loc["absence-followup:S1:F", "note"] == "已电话联系，周一再发"
    assert rows.loc["absence-followup:S1:F", "body"].startswith("己，您好！") and pd.isna(rows.loc["risk-warning:high:A", "note"])


def test_a_session_that_does_not_read_holds_everyones_judging_notices(book: Path) -> None:
    sessions = trainbook.read(book).frame("sessions").copy()
    sessions["date"] = sessions["date"].astype(object)
    sessions.loc[sessions["session_id"] == "S4", "date"] = "下周一"
    write_tables(book, {"sessions": sessions})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW, write=False)
    judging = {i for i in EXPECTED if i.split(":")[0] in ("absence-followup", "task-reminder", "task-overdue",
                                                          "risk-warning", "completion")}
    assert set(run.pending["notice_id"]) == EXPECTED - judging
    assert "3 名学员（A、E、F）暂不生成" in run.summary()  # B has none due: T1 is in, S1 before he joined


def test_a_session_for_one_group_reminds_only_its_members_who_have_joined(book: Path) -> None:
    run = trainbook.notices(book, as_of=dt.date(2026, 3, 8), now=NOW, write=False)  # S2 (G2 only) tomorrow
    reminders = set(run.pending.loc[run.pending["kind"] == "session-reminder", "notice_id"])
    assert reminders == {"session-reminder:S2:F"}, "not G1's A and E, not B who joins on 03-10"


def test_regenerating_is_idempotent_and_keeps_what_was_decided(book: Path) -> None:
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    first = trainbook.read(book).frame("notices")
    again = trainbook.notices(book, as_of=AS_OF, now=NOW + dt.timedelta(hours=2))
    assert again.new == 0 and again.cancelled == 0
    assert trainbook.read(book).frame("notices").equals(first), "the same day gives the same sheet"
    decided = first.copy()
    decided.loc[decided["notice_id"] == "enroll-confirm:A", ["status", "sent_at"]] = ["已发送", T("2026-03-15 09:00")]
    decided.loc[decided["notice_id"] == "task-overdue:T2:F", "status"] = "已取消"
    write_tables(book, {"notices": decided})
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    rows = trainbook.read(book).frame("notices")
    assert rows["notice_id"].is_unique and len(rows) == len(first)
    kept = rows.set_index("notice_id")
    assert kept.loc["enroll-confirm:A", "status"] == "已发送" and kept.loc["task-overdue:T2:F", "status"] == "已取消"


def test_an_absence_excused_later_cancels_its_follow_up(book: Path) -> None:
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    attendance = trainbook.read(book).frame("attendance").copy()
    attendance.loc[attendance["student_id"] == "A", "status"] = "请假"
    write_tables(book, {"attendance": attendance})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW)
    rows = trainbook.read(book).frame("notices").set_index("notice_id")
    assert rows.loc["absence-followup:S1:A", "status"] == "已取消" and "已不再需要" in rows.loc["absence-followup:S1:A", "note"]
    assert "absence-followup:S1:A" not in set(run.pending["notice_id"]) and run.cancelled >= 1


def test_after_the_end_only_what_is_still_due(book: Path) -> None:
    run = trainbook.notices(book, as_of=dt.date(2026, 3, 31), now=NOW)
    kinds = set(run.pending["kind"])
    assert not kinds & {"enroll-confirm", "session-reminder", "task-reminder", "material-update"}
    progress = trainbook.progress(book, as_of=dt.date(2026, 3, 31), write=False)
    certified = set(progress.students.index[progress.students["certificate"] == "yes"])
    assert {i.split(":")[-1] for i in run.pending["notice_id"] if i.startswith("completion")} == certified


def test_a_template_with_an_unknown_placeholder_holds_its_notices(book: Path) -> None:
    templates = trainbook.read(book).frame("templates").copy()
    templates.loc[templates["kind"] == "session-reminder", "body"] = "{姓名}：{课程名} 明天开始"
    write_tables(book, {"templates": templates})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW)
    held = run.rows[run.rows["kind"] == "session-reminder"]
    assert len(held) == 4 and held["body"].isna().all() and "{课程名}" in run.summary()
    issues = trainbook.validate(book).flatten(("sheet", "column", "code"))
    assert ("templates", "body", "unknown-placeholder") in issues
    assert digests(run, trainbook.read(book)) and not any(
        "session-reminder" in i for d in digests(run, trainbook.read(book)) for i in d.notice_ids)


def test_the_csv_opens_in_libreoffice_with_its_chinese(book: Path, tmp_path: Path, soffice: str) -> None:
    templates = trainbook.read(book).frame("templates").copy()
    templates.loc[templates["kind"] == "enroll-confirm", "body"] = "=HYPERLINK(\"http://x\",\"{姓名}\")"
    write_tables(book, {"templates": templates})
    out = tmp_path / "通知.csv"
    trainbook.notices(book, as_of=AS_OF, out=out, now=NOW)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    # as LibreOffice's import dialog offers it for a file with a UTF-8 byte-order mark
    opened = convert(soffice, out, "xlsx", tmp_path / "lo", infilter="CSV:44,34,76")
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(opened)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["通知编号", "通知类型", "学员编号"]
    bodies = {r[0]: r[7] for r in rows[1:]}
    assert bodies["session-reminder:S3:A"].startswith("甲，您好！第3讲将于")
    assert bodies["enroll-confirm:A"] == "'=HYPERLINK(\"http://x\",\"甲\")", "text never turns into a formula"


def test_robot_messages_are_digests_that_mention_everyone(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "robot.json"
    run = trainbook.notices(book, as_of=AS_OF, out=out, now=NOW)
    payloads = json.loads(out.read_text(encoding="utf-8"))
    assert all(p["msgtype"] == "markdown" and p["markdown"]["title"] and p["markdown"]["text"] for p in payloads)
    assert all(len(json.dumps(p, ensure_ascii=False).encode()) <= MAX_BYTES for p in payloads)
    titles = [p["markdown"]["title"] for p in payloads]
    assert "课前提醒 · 一班" in titles and "课前提醒 · 二班" in titles
    reminder = payloads[titles.index("课前提醒 · 一班")]
    assert reminder["at"]["atMobiles"] == ["13800000001"] and "@13800000001" in reminder["markdown"]["text"]
    assert "戊" in reminder["markdown"]["text"], "no mobile: named, not mentioned"
    for p in payloads:
        assert all(f"@{m}" in p["markdown"]["text"] for m in p["at"]["atMobiles"])
    assert {t.split(" · ")[0] for t in titles} <= {kind_label(k, "zh") for k in GROUP_SAFE}, "a group sees no one's own"
    assert "enroll-confirm" in set(run.pending["kind"]) and "报名确认" not in {t.split(" · ")[0] for t in titles}
    carried = [i for d in digests(run, trainbook.read(book)) for i in d.notice_ids]
    assert sorted(carried) == sorted(run.pending["notice_id"]), "every pending notice in exactly one message"


def test_a_big_group_is_split_under_the_size_limit(tmp_path: Path) -> None:
    path = init(tmp_path / "big.xlsx")
    people = pd.DataFrame([{"student_id": f"S{i:04d}", "name": f"学员{i}", "mobile": f"138{i:08d}", "group_id": "G1",
                            "department": "研发", "review_status": "已通过", "status": "在读"} for i in range(300)])
    write_tables(path, {"enrollment": people, "groups": pd.DataFrame([{"group_id": "G1", "name": "一班"}]),
                        "settings": named(path),
                        "sessions": pd.DataFrame([{"session_id": "S1", "title": "开班", "date": T("2026-03-16"),
                                                   "start": dt.time(9), "end": dt.time(11), "mode": "线下"}])})
    run = trainbook.notices(path, as_of=AS_OF, now=NOW, write=False)
    messages = [d for d in digests(run, trainbook.read(path)) if d.kind == "session-reminder"]
    assert len(messages) > 1 and sum(len(d.notice_ids) for d in messages) == 300
    assert all(len(json.dumps(d.payload, ensure_ascii=False).encode()) <= MAX_BYTES for d in messages)


def test_a_look_back_does_not_cancel_for_good_and_what_coordinators_typed_stays(book: Path) -> None:
    trainbook.notices(book, as_of=dt.date(2026, 3, 1), now=NOW)  # before anything happened: nothing due
    run = trainbook.notices(book, as_of=AS_OF, now=NOW)
    assert set(run.pending["notice_id"]) == EXPECTED, "what trainbook cancelled comes back when due again"
    rows = trainbook.read(book).frame("notices").copy()
    at = rows.index[rows["notice_id"] == "risk-warning:high:F"][0]
    rows.loc[at, "status"] = "已发"  # not one of the choices
    rows.loc[rows["notice_id"] == "task-overdue:T2:F", "note"] = "已电话联系"
    write_tables(book, {"notices": rows})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW)
    after = trainbook.read(book).frame("notices").set_index("notice_id")
    assert after.loc["risk-warning:high:F", "status"] == "已发" and "risk-warning:high:F" not in set(run.pending["notice_id"])
    assert f"第 {at} 行的状态无法识别" in run.summary()
    assert after.loc["task-overdue:T2:F", "note"] == "已电话联系" and after.loc["task-overdue:T2:F", "status"] == "待发送"


def test_working_out_the_same_notices_again_leaves_the_file_alone(book: Path) -> None:
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    before = book.read_bytes()
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    assert book.read_bytes() == before, "no rewrite, no backup spent on nothing"


def test_a_material_of_no_session_is_news_for_everyone(book: Path) -> None:
    settings = trainbook.read(book).frame("settings").copy()
    settings.loc[settings["key"] == "recent_days", "value"] = 60  # M2 (02-01) is recent now
    write_tables(book, {"settings": settings})
    run = trainbook.notices(book, as_of=AS_OF, now=NOW, write=False)
    news = set(run.pending.loc[run.pending["kind"] == "material-update", "notice_id"])
    assert {i for i in news if "M2" in i} == {f"material-update:M2@v1:{s}" for s in "ABEF"}
