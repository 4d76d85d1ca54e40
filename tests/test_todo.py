"""The to-do: every condition it knows, planted one at a time on a program with nothing to do, gives
exactly one item (right stage, owner, count and place) and goes away once settled; 首页 shows it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import python_calamine
from click.testing import CliRunner

import trainbook
import trainbook.xl
from trainbook.cli import main
from trainbook.demo import AS_OF, FINISHED_AS_OF, OWNERS, build_demo_book
from trainbook.operations import init
from trainbook.schema.stages import BY_KEY as STAGES
from trainbook.schema.stages import STAGES as STAGE_ORDER
from trainbook.todolist import PANEL_ITEMS, PANEL_LEFT, PANEL_TOP, Item, Todo
from trainbook.workbook.file_engine import FileEngine

from .conftest import clean_tables, json_book, named, write_tables

Tables = dict[str, pd.DataFrame]


def frames(path: Path, *keys: str) -> Tables:
    master = FileEngine(path).read()
    return {key: master.frame(key).copy() for key in keys}  # indexed by Excel row, as the engine patches


@pytest.fixture(scope="module")
def quiet_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample program on AS_OF with nothing left to do: every task handed in, C09's material
    published and its reminder sent, every stage with an owner."""
    path = init(tmp_path_factory.mktemp("todo") / "quiet.xlsx")
    tables = clean_tables()
    submissions = tables["submissions"]
    submissions.loc[submissions["status"] == "未提交", "status"] = "已提交"
    tables["materials"] = pd.concat([tables["materials"], pd.DataFrame(
        [{"material_id": "M09", "title": "实战手册", "session_id": "C09", "link": "https://example.com/c09.pdf"}])],
        ignore_index=True)
    tables["notices"] = pd.DataFrame([{"notice_id": "session-reminder:C09:S0001", "kind": "课前提醒",
                                       "student_id": "S0001", "status": "已发送"}])
    stages = FileEngine(path).read().frame("stages").copy()
    stages["owner"] = [OWNERS[i][0] for i in range(len(stages))]
    stages["owner_mobile"] = [OWNERS[i][1] for i in range(len(stages))]
    return write_tables(path, {**tables, "settings": named(path), "stages": stages})


@pytest.fixture
def quiet(quiet_source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(quiet_source, tmp_path / "program.xlsx"))


def todo(path: Path) -> Todo:
    return trainbook.todo(path, as_of=AS_OF, write=False)


def owner_of(stage: str) -> str:
    return OWNERS[[s.key for s in STAGE_ORDER].index(stage)][0]


def test_the_quiet_program_has_nothing_to_do(quiet: Path) -> None:
    assert todo(quiet).items == []


def _pending_approvals(path: Path) -> Tables:
    t = frames(path, "enrollment")
    t["enrollment"].loc[[3, 5], "review_status"] = "待审核"
    return t


def _approve(path: Path) -> Tables:
    t = frames(path, "enrollment")
    t["enrollment"].loc[[3, 5], "review_status"] = "已通过"
    return t


def _unknown_people(path: Path) -> Tables:
    record = json.dumps({"name": "程涛", "userid": None, "employee_no": "E20013", "mobile": None, "department": "研发中心",
                         "at": "2026-11-23T08:58:00", "day": "2026-11-23T00:00:00", "planned_at": "2026-11-23T09:00:00",
                         "result": "正常", "exported_at": "2026-11-24T10:00:00"}, ensure_ascii=False)
    review = pd.DataFrame([{"imported_at": pd.Timestamp("2026-11-24 10:05"), "kind": "打卡原始记录", "file": "打卡.xlsx",
                            "raw_name": name, "reason": "无匹配学员", "count": 1, "source_rows": str(i + 5),
                            "review_id": f"R000{i + 1}"} for i, name in enumerate(["程涛", "访客", "王小明"])])
    data = pd.DataFrame([{"review_id": f"R000{i + 1}", "source_row": i + 5, "data": record} for i in range(3)])
    return {"review": review, "review_data": data}


def _confirm_and_merge(path: Path) -> Tables:
    t = frames(path, "review")
    t["review"]["student_id"] = ["S0013", "S0013", "S0014"]
    write_tables(path, t)
    trainbook.merge(path)  # lands what she decided
    return {}


def _attendance(keep: bool) -> Callable[[Path], Tables]:
    """C08's attendance: emptied (an edit never deletes rows: their cells are cleared), or imported again."""
    def change(path: Path) -> Tables:
        attendance = frames(path, "attendance")["attendance"]
        if keep:  # imported again: below the last row, as a merge lands them
            return {"attendance": pd.concat([attendance, _C08.set_axis(_C08.index + 10_000)])}
        attendance.loc[_C08.index] = None
        return {"attendance": attendance}

    return change


_C08 = pd.DataFrame()


@pytest.fixture(autouse=True, scope="module")
def _c08(quiet_source: Path) -> None:
    global _C08
    attendance = frames(quiet_source, "attendance")["attendance"]
    _C08 = attendance[attendance["session_id"] == "C08"]


def _set_session(column: str, value: object) -> Callable[[Path], Tables]:
    def change(path: Path) -> Tables:
        t = frames(path, "sessions")
        t["sessions"].loc[t["sessions"]["session_id"] == "C09", column] = value
        return t

    return change


def _materials(keep: bool) -> Callable[[Path], Tables]:
    def change(path: Path) -> Tables:
        t = frames(path, "materials")
        t["materials"].loc[t["materials"]["material_id"] == "M09", "session_id"] = "C09" if keep else "C10"
        return t

    return change


def _missing_submissions(path: Path) -> Tables:
    t = frames(path, "submissions")
    subs = t["submissions"]
    subs.loc[(subs["task_id"] == "T02") & subs["student_id"].isin(["S0001", "S0002", "S0007"]), "status"] = "未提交"
    return t


def _chase(path: Path) -> Tables:
    t = frames(path, "notices")
    chased = pd.DataFrame([{"notice_id": f"task-overdue:T02:{s}", "kind": "作业逾期", "student_id": s, "status": "已发送"}
                           for s in ("S0001", "S0002", "S0007")])
    return {"notices": pd.concat([t["notices"], chased], ignore_index=True)}


def _scores(keep: bool) -> Callable[[Path], Tables]:
    def change(path: Path) -> Tables:
        t = frames(path, "scores")
        scores = t["scores"]
        mask = (scores["assessment_id"] == "A01") & scores["student_id"].isin(["S0004", "S0009"])
        if keep:
            scores.loc[mask, "score"] = 33
        else:
            scores.loc[mask, "score"] = None
        return t

    return change


def _feedback(keep: bool) -> Callable[[Path], Tables]:
    def change(path: Path) -> Tables:
        t = frames(path, "feedback")
        feedback = t["feedback"]
        feedback.loc[feedback["session_id"].isin(["C08", "C07-gone"]), "session_id"] = "C08" if keep else "C07-gone"
        return t

    return change


def _notices(status: str, count: int) -> Callable[[Path], Tables]:
    def change(path: Path) -> Tables:
        t = frames(path, "notices")
        planted = pd.DataFrame([{"notice_id": f"enrollment-confirm::S000{i + 1}", "kind": "报名确认",
                                 "student_id": f"S000{i + 1}", "status": status} for i in range(count)])
        return {"notices": pd.concat([t["notices"].iloc[:1], planted], ignore_index=True)}

    return change


def _action(status: str) -> Callable[[Path], Tables]:
    def change(path: Path) -> Tables:
        return {"actions": pd.DataFrame([{"action_id": "主题·设备/网络", "source": "主题 设备/网络", "problem": "直播卡顿",
                                          "measure": "换有线网络", "owner": "王老师", "due": pd.Timestamp("2026-11-27"),
                                          "status": status}], index=[2])}

    return change


CONDITIONS = {  # what is planted, how it is settled, and the item it must give: stage, count, sheet, row
    "pending approvals": (_pending_approvals, _approve, "enrollment", 2, "enrollment", 3),
    "unresolved review rows": (_unknown_people, _confirm_and_merge, "attendance", 3, "review", 2),
    "an unrecorded held session": (_attendance(False), _attendance(True), "attendance", 1, "sessions", 9),
    "tomorrow's session without a check-in link": (_set_session("checkin_url", None),
                                                   _set_session("checkin_url", "https://example.com/c/C09"),
                                                   "reminders", 1, "sessions", 10),
    "the next session's materials missing": (_materials(False), _materials(True), "materials", 1, "materials", None),
    "an overdue task without the overdue notice": (_missing_submissions, _chase, "tasks", 3, "tasks", 3),
    "an assessment with scores missing": (_scores(False), _scores(True), "assessment", 2, "assessments", 2),
    "a held session without feedback": (_feedback(False), _feedback(True), "feedback", 1, "feedback", None),
    "pending notices": (_notices("待发送", 3), _notices("已发送", 3), "enrollment", 3, "notices", 3),
    "failed notices": (_notices("发送失败", 2), _notices("已发送", 2), "enrollment", 2, "notices", 3),
    "an overdue improvement action": (_action("进行中"), _action("已完成"), "feedback", 1, "actions", 2),
}


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_each_condition_gives_one_item_until_settled(quiet: Path, condition: str) -> None:
    plant, settle, stage, count, sheet, row = CONDITIONS[condition]
    write_tables(quiet, plant(quiet))
    found = todo(quiet)
    assert len(found.items) == 1, found.summary()
    item = found.items[0]
    assert (item.stage, item.count, item.sheet, item.row) == (stage, count, sheet, row), found.summary()
    assert found.owner(item.stage) == owner_of(stage) and (str(count) in item.what or count == 1)
    assert found.who(item) == ("王老师" if item.sheet == "actions" else owner_of(stage)), "an action: its own 责任人"
    write_tables(quiet, settle(quiet))
    assert todo(quiet).items == [], todo(quiet).summary()


def test_reviews_decided_but_not_merged_say_to_merge(quiet: Path) -> None:
    write_tables(quiet, _unknown_people(quiet))
    t = frames(quiet, "review")
    t["review"]["student_id"] = ["S0013", None, None]
    write_tables(quiet, t)
    items = todo(quiet).items
    assert [(i.stage, i.count) for i in items] == [("attendance", 2), ("attendance", 1)]
    assert "合并导入" in items[1].action


def test_overdue_before_due_and_blocking_before_cosmetic(quiet: Path) -> None:
    for plant in (_feedback(False), _notices("发送失败", 2), _materials(False), _attendance(False), _pending_approvals):
        write_tables(quiet, plant(quiet))
    urgency = [i.urgency for i in todo(quiet).items]
    assert urgency == ["overdue", "overdue", "now", "soon", "later"]


def test_certificates_due_and_the_follow_up_after_the_end(tmp_path: Path) -> None:
    path = build_demo_book(tmp_path / "finished.xlsx", finished=True)
    progress = trainbook.progress(path, as_of=FINISHED_AS_OF)
    certified = int((progress.students["certificate"] == "yes").sum())
    behind = len(progress.students) - certified
    items = {i.stage: i for i in trainbook.todo(path, as_of=FINISHED_AS_OF, write=False).items}
    assert items["completion"].count == certified and items["completion"].sheet == "certificates"
    assert items["followup"].count == behind > 0
    trainbook.certificates(path, as_of=FINISHED_AS_OF, out=tmp_path / "certs")
    assert "completion" not in {i.stage for i in trainbook.todo(path, as_of=FINISHED_AS_OF, write=False).items}


def test_a_fresh_master_says_what_to_fill_first(tmp_path: Path) -> None:
    path = init(tmp_path / "new.xlsx")
    items = trainbook.todo(path, as_of=AS_OF).items
    assert [i.sheet for i in items] == ["settings", "sessions", "enrollment"]
    assert all(i.urgency == "now" for i in items)
    write_tables(path, {"settings": named(path)})
    assert [i.sheet for i in trainbook.todo(path, as_of=AS_OF).items] == ["sessions", "enrollment"]


def test_json_as_the_spec_says(quiet: Path) -> None:
    write_tables(quiet, _pending_approvals(quiet))
    result = CliRunner().invoke(main, ["todo", str(quiet), "--as-of", "2026-11-29", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-11-29"
    assert data["items"] == [{"stage": "报名审核", "owner": "周敏", "what": "2 个报名待审核", "count": 2, "sheet": "报名",
                              "row": 3, "action": data["items"][0]["action"], "urgency": "待处理"}]
    assert "审核状态" in data["items"][0]["action"]


def home_block(path: Path) -> list[list[object]]:
    home = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("首页")
    rows = home.to_python(skip_empty_area=False)
    return [[row[c] if c < len(row) else "" for c in range(PANEL_LEFT, PANEL_LEFT + 2)]
            for row in rows[PANEL_TOP:PANEL_TOP + PANEL_ITEMS + 2]]


def shown(items: list[Item], todo_: Todo) -> list[str]:
    return [f"{STAGES[i.stage].zh} · {todo_.owner(i.stage)}" for i in items]


def test_home_shows_the_items_and_keeps_what_she_added(quiet: Path) -> None:
    engine = FileEngine(quiet)
    master = engine.read()
    home = master.names["home"]
    from openpyxl import load_workbook

    book = load_workbook(quiet)
    book[home]["J30"] = "我的备注"
    book[home]["A40"] = "下周一开会"
    book.save(quiet)
    for plant in (_pending_approvals, _attendance(False)):
        write_tables(quiet, plant(quiet))
    result = trainbook.todo(quiet, as_of=AS_OF)
    block = home_block(quiet)
    assert block[0][0].startswith("待办（截至 2026-11-29")
    assert [row[0] for row in block[2:2 + len(result.items)]] == shown(result.items, result)
    assert all(row == ["", ""] for row in block[2 + len(result.items):])
    book = load_workbook(quiet)
    assert book[home]["J30"].value == "我的备注" and book[home]["A40"].value == "下周一开会"
    link = book[home].cell(PANEL_TOP + 3, PANEL_LEFT + 2)
    assert link.hyperlink is not None and link.hyperlink.location == "'课次'!A9"
    write_tables(quiet, _approve(quiet))  # settled: a shorter list leaves nothing of the longer one
    trainbook.todo(quiet, as_of=AS_OF)
    block = home_block(quiet)
    assert block[3] == ["", ""] and block[2][0] == "签到考勤 · 王老师"


def test_a_button_refreshes_home_through_excel(quiet: Path) -> None:
    write_tables(quiet, _pending_approvals(quiet))
    book = json_book(quiet)
    book.set_mock_caller()
    trainbook.xl.validate()
    names = [s.name for s in book.sheets]
    panel = [a for a in book.json()["actions"] if a["func"] == "setValues"
             and a["sheet_position"] == names.index("首页") and a["start_column"] == PANEL_LEFT]
    assert len(panel) == 1 and panel[0]["start_row"] == PANEL_TOP
    expected = trainbook.todo(quiet, write=False)  # today, as the button
    values = panel[0]["values"]
    assert [row[0] for row in values[2:2 + len(expected.items)]] == shown(expected.items, expected)
    assert all(str(row[1]).startswith('=HYPERLINK("#') for row in values[2:2 + len(expected.items)])


def test_an_older_master_gains_the_process_sheet_and_nothing_else_changes(quiet: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(quiet)
    del book["流程"]
    older = tmp_path / "older.xlsx"
    book.save(older)
    before = {n: FileEngine(older).read().frame(k) for k, n in FileEngine(older).read().names.items() if k != "home"}
    trainbook.todo(older, as_of=AS_OF)
    master = FileEngine(older).read()
    assert list(master.frame("stages")["stage"]) == [s.zh for s in STAGE_ORDER]
    for key, name in master.names.items():
        if name in before:
            pd.testing.assert_frame_equal(master.frame(key), before[name])


def test_owners_get_a_digest_once_and_it_is_cancelled_when_settled(quiet: Path) -> None:
    write_tables(quiet, _materials(False)(quiet))
    trainbook.notices(quiet, as_of=AS_OF)
    trainbook.notices(quiet, as_of=AS_OF)  # a second run adds nothing
    rows = trainbook.read(quiet).frame("notices")
    digests = rows[rows["kind"] == "负责人待办"]
    mine = digests[digests["notice_id"] == "owner-todo:materials:20261129:owner"]
    assert len(mine) == 1 and mine["recipient"].iloc[0] == "李老师" and mine["mobile"].iloc[0] == "13900002222"
    assert mine["audience"].iloc[0] == "责任人" and mine["status"].iloc[0] == "待发送"
    assert "C09" in mine["body"].iloc[0]
    write_tables(quiet, _materials(True)(quiet))
    trainbook.notices(quiet, as_of=AS_OF)
    rows = trainbook.read(quiet).frame("notices")
    assert rows.loc[rows["notice_id"] == "owner-todo:materials:20261129:owner", "status"].tolist() == ["已取消"]


def test_the_manager_report_counts_open_items_per_stage_and_owner(quiet: Path, tmp_path: Path) -> None:
    for plant in (_pending_approvals, _attendance(False), _notices("发送失败", 2)):
        write_tables(quiet, plant(quiet))
    report = trainbook.share(quiet, as_of=AS_OF, out=tmp_path / "report.xlsx")
    overview = python_calamine.CalamineWorkbook.from_path(str(report.files[0])).get_sheet_by_name("概览").to_python()
    cells = [[c for c in row if c != ""] for row in overview]
    top = cells.index(["环节", "责任人", "待办", "其中已逾期"])
    assert cells[top + 1:top + 3] == [["报名审核", "周敏", 2, 1], ["签到考勤", "王老师", 1, 1]]


def test_libreoffice_shows_the_panel_on_home(quiet: Path, tmp_path: Path, soffice: str) -> None:
    import subprocess

    from .conftest import convert

    write_tables(quiet, _pending_approvals(quiet))
    trainbook.todo(quiet, as_of=AS_OF)
    pdf = convert(soffice, quiet, "pdf", tmp_path / "lo")
    home = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "待办（截至 2026-11-29）" in home and "报名审核 · 周敏" in home and "2 个报名待审核" in home


def test_a_task_with_nothing_imported_is_not_everyone_late(quiet: Path) -> None:
    tasks = frames(quiet, "tasks")["tasks"]
    added = pd.DataFrame([{"task_id": "T05", "title": "结课总结", "kind": "作业", "due_at": pd.Timestamp("2026-11-25 23:59"),
                           "required": "是"}], index=[10_000])
    write_tables(quiet, {"tasks": pd.concat([tasks, added])})
    items = todo(quiet).items
    assert [(i.stage, i.count, i.urgency) for i in items] == [("tasks", 1, "overdue")]
    assert "T05" in items[0].what and "合并导入" in items[0].action
    trainbook.notices(quiet, as_of=AS_OF)
    rows = trainbook.read(quiet).frame("notices")
    assert not rows["notice_id"].astype(str).str.startswith("task-overdue:T05").any(), "nobody told they are late"


def test_a_student_whose_records_wait_in_review_is_not_listed_as_late(quiet: Path) -> None:
    """S0001's work may be in 待确认: no overdue notice is made for her until it is settled, so the
    to-do list does not send the coordinator to the notices buttons for her."""
    write_tables(quiet, _missing_submissions(quiet))
    assert [i.count for i in todo(quiet).items if i.stage == "tasks"] == [3]
    review = pd.DataFrame([{"kind": "作业提交（家校本）", "raw_name": "某某", "reason": "多个候选学员",
                            "candidates": "S0001 某某（研发中心）、S0099 某某（研发中心）", "count": 1, "review_id": "R0001"}])
    write_tables(quiet, {"review": review})
    items = todo(quiet).items
    late = [i for i in items if i.stage == "tasks" and "逾期" in i.what]
    assert [i.count for i in late] == [2]
    assert any("待确认" in i.what for i in items)
