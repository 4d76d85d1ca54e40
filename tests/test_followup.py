"""The end of a program: the follow-up list (who has not finished, what they lack, what to offer)
and the next program's master, made from this one with the retrain students enrolled again."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
import python_calamine
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.demo import FINISHED_AS_OF, build_demo_book
from trainbook.nextprogram import EMPTIED
from trainbook.schema.sheets import BY_KEY

from .conftest import convert, write_tables


@pytest.fixture(scope="module")
def finished_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo program once it is over, with one student who withdrew (and the e-mail the demo
    spells wrong on purpose put right: it would follow her into the next program)."""
    path = build_demo_book(tmp_path_factory.mktemp("finished") / "finished.xlsx", finished=True)
    people = trainbook.read(path).frame("enrollment").copy()
    people.loc[people["student_id"] == "S0010", ["status", "email"]] = ["退出", "zhao.qiang@example.com"]
    return write_tables(path, {"enrollment": people})


@pytest.fixture
def finished(finished_source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(finished_source, tmp_path / "program.xlsx"))


def test_the_list_is_everyone_who_did_not_finish_and_nobody_certified(finished: Path) -> None:
    progress = trainbook.progress(finished, as_of=FINISHED_AS_OF, write=False)
    certified = set(progress.students.index[progress.students["certificate"] == "yes"])
    behind = set(progress.students.index) - certified
    run = trainbook.followup(finished, as_of=FINISHED_AS_OF)
    rows = trainbook.read(finished).frame("followup")
    assert set(rows["student_id"]) == behind | {"S0010"} and not set(rows["student_id"]) & certified
    assert rows["lacks"].map(lambda t: isinstance(t, str) and len(t) > 2).all()
    assert rows["suggestion"].map(lambda t: isinstance(t, str) and t != "").all()
    withdrawn = rows[rows["student_id"] == "S0010"].iloc[0]
    assert withdrawn["lacks"] == "中途退出" and withdrawn["suggestion"] == "复训" and withdrawn["status"] == "退出"
    master = trainbook.read(finished)  # her last attendance, as the sheet records it: progress leaves her out
    records, dates = master.frame("attendance"), master.typed("sessions").set_index("session_id")["date"]
    came = records[(records["student_id"] == "S0010") & records["status"].isin(["出勤", "迟到", "早退"])]
    assert len(came) and pd.Timestamp(withdrawn["last_attended"]) == came["session_id"].map(dates).max()
    assert set(run.retrain) == set(rows.loc[rows["suggestion"].str.contains("复训"), "student_id"])
    short = rows[rows["lacks"].str.contains("出勤率")]
    assert short["suggestion"].str.contains("补课|复训").all()
    assert rows["tutor"].notna().all() and rows["manager"].notna().all()


def test_before_the_end_it_lists_those_at_high_risk(finished: Path) -> None:
    day = dt.date(2026, 11, 29)
    high = trainbook.progress(finished, as_of=day, write=False).students
    trainbook.followup(finished, as_of=day)
    listed = set(trainbook.read(finished).frame("followup")["student_id"])
    assert listed == set(high.index[high["risk"] == "high"]) | {"S0010"}


def test_her_notes_survive_a_rerun(finished: Path) -> None:
    trainbook.followup(finished, as_of=FINISHED_AS_OF)
    rows = trainbook.read(finished).frame("followup").copy()
    first = rows["student_id"].iloc[0]
    rows.loc[rows.index[0], "followup_note"] = "12/20 电话联系，同意补交作业"
    write_tables(finished, {"followup": rows})
    trainbook.followup(finished, as_of=FINISHED_AS_OF)
    again = trainbook.read(finished).frame("followup")
    assert again.loc[again["student_id"] == first, "followup_note"].tolist() == ["12/20 电话联系，同意补交作业"]
    assert again["followup_note"].notna().sum() == 1


def test_a_note_stays_when_its_student_leaves_the_list(finished: Path) -> None:
    trainbook.followup(finished, as_of=FINISHED_AS_OF)  # after the end: everyone who did not finish
    rows = trainbook.read(finished).frame("followup").copy()
    rows["followup_note"] = "已电话联系"
    write_tables(finished, {"followup": rows})
    trainbook.followup(finished, as_of=dt.date(2026, 11, 20))  # before the end: only the high-risk are listed
    again = trainbook.read(finished).frame("followup")
    assert set(again["student_id"]) == set(rows["student_id"]) and (again["followup_note"] == "已电话联系").all()
    off = again[again["lacks"].str.contains("已不需要跟进")]
    assert len(off) > 0 and off["suggestion"].isna().all()


def test_retrain_waits_for_the_end(finished: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["next", str(finished), str(tmp_path / "n.xlsx"), "--retrain",
                                       "--as-of", "2026-11-29"])
    assert result.exit_code == 2 and "还没有结束" in result.output and not (tmp_path / "n.xlsx").exists()


def test_the_csv_opens_in_libreoffice_with_its_chinese(finished: Path, tmp_path: Path, soffice: str) -> None:
    out = tmp_path / "跟进名单.csv"
    result = CliRunner().invoke(main, ["followup", str(finished), "--as-of", "2026-12-17", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    sheet = convert(soffice, out, "xlsx", tmp_path / "lo", infilter="CSV:44,34,76")
    rows = python_calamine.CalamineWorkbook.from_path(str(sheet)).get_sheet_by_name("跟进名单").to_python()
    assert rows[0][:3] == ["学员编号", "姓名", "部门"]
    names = set(trainbook.read(finished).frame("followup")["name"])
    assert {row[1] for row in rows[1:]} == names
    refused = CliRunner().invoke(main, ["followup", str(finished), "--out", str(tmp_path / "x.xlsx")])
    assert refused.exit_code == 2 and ".csv" in refused.output


def test_next_carries_the_plan_and_leaves_the_records(finished: Path, tmp_path: Path) -> None:
    before = finished.read_bytes()
    new = tmp_path / "下一期.xlsx"
    run = trainbook.next_program(finished, new, start="2027-03-01", name="2027 第一期", retrain=True,
                                 as_of=FINISHED_AS_OF)
    assert finished.read_bytes() == before, "the old program is only read"
    report = trainbook.validate(new)
    assert report.errors == 0 and report.warnings == 0, report.lines()
    old, fresh = trainbook.read(finished), trainbook.read(new)
    dates = pd.to_datetime(fresh.frame("sessions")["date"])
    old_dates = pd.to_datetime(old.frame("sessions")["date"])
    assert dates.min() == pd.Timestamp("2027-03-01")
    assert list(dates.diff().dropna()) == list(old_dates.diff().dropna()), "the gaps kept"
    assert list(dates.dt.day_of_week) == list(old_dates.dt.day_of_week), "and the weekdays (the start is a Monday too)"
    for key in ("tasks", "assessments", "groups", "materials", "templates", "stages", "themes"):
        id_column = BY_KEY[key].id_column or BY_KEY[key].keys[0]
        assert list(fresh.frame(key)[id_column]) == list(old.frame(key)[id_column]), key
    due = pd.to_datetime(fresh.frame("tasks")["due_at"]) - pd.to_datetime(old.frame("tasks")["due_at"])
    assert set(due) == {run.shift}
    for key in EMPTIED:
        if key not in ("enrollment", "aliases"):
            assert len(fresh.frame(key)) == 0, key
    settings = dict(zip(fresh.frame("settings")["key"], fresh.frame("settings")["value"]))
    assert settings["program_name"] == "2027 第一期" and settings["start_date"] == "2027-03-01"

    followup = trainbook.followup(finished, as_of=FINISHED_AS_OF, write=False)
    enrolled = fresh.frame("enrollment")
    assert set(enrolled["student_id"]) == set(followup.retrain) and len(followup.retrain) > 0
    assert set(enrolled["source"]) == {"复训"} and set(enrolled["review_status"]) == {"已通过"}
    assert set(enrolled["status"]) == {"在读"}
    assert enrolled["notes"].str.contains("2026 新员工入职培训").all()

    assert trainbook.progress(new, as_of="2027-03-10").students.index.tolist() == enrolled["student_id"].tolist()
    assert trainbook.notices(new, as_of="2027-02-28").new > 0
    assert trainbook.todo(new, as_of="2027-02-28").items


def test_next_without_retrain_enrolls_nobody_and_refuses_what_it_must(finished: Path, tmp_path: Path) -> None:
    new = tmp_path / "next.xlsx"
    trainbook.next_program(finished, new, start="2027-03-03")
    fresh = trainbook.read(new)
    assert len(fresh.frame("enrollment")) == 0
    assert pd.to_datetime(fresh.frame("sessions")["date"]).min() == pd.Timestamp("2027-03-03")
    for args in ([str(finished), str(new)],  # exists
                 [str(finished), str(finished), "--force"],  # the old one itself
                 [str(finished), str(tmp_path / "next.xlsm")]):  # not the old one's kind
        result = CliRunner().invoke(main, ["next", *args])
        assert result.exit_code == 2, (args, result.output)
    forced = CliRunner().invoke(main, ["next", str(finished), str(new), "--force", "--start", "2027-03-01"])
    assert forced.exit_code == 0, forced.output


def test_a_macro_enabled_program_makes_a_macro_enabled_next(finished: Path, tmp_path: Path) -> None:
    from .test_macros import buttons_in

    xlsm = trainbook.buttons(finished)
    new = tmp_path / "next.xlsm"
    trainbook.next_program(xlsm, new, start="2027-03-01")
    assert buttons_in(new, "首页") == buttons_in(xlsm, "首页")
    with __import__("zipfile").ZipFile(new) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
