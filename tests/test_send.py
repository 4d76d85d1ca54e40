"""`send` against a robot on 127.0.0.1 that behaves like DingTalk's: it checks every signature and
timestamp, counts messages per rolling minute, and can refuse or drop. Time is a fake clock."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.errors import InputError
from trainbook.notify.local_robot import LocalRobot

from .conftest import AS_OF, NOW, init, named, parts, write_tables

SECRET = "SEC0123456789abcdef-not-a-real-secret"


class Clock:
    """Seconds since the epoch that move only when someone sleeps (or a message is sent)."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 15, 9, 0).timestamp()
        self.slept = 0.0

    def __call__(self) -> float:
        self.now += 0.05  # each look at the clock takes a moment
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


@pytest.fixture
def classes(tmp_path: Path) -> Path:
    """25 groups of two, each with its own session tomorrow: 25 reminder digests to send."""
    path = init(tmp_path / "classes.xlsx")
    people = [{"student_id": f"S{g:02d}{i}", "name": f"学员{g}-{i}", "mobile": f"1380000{g:02d}{i:02d}",
               "group_id": f"G{g:02d}", "department": "研发", "review_status": "已通过", "status": "在读"}
              for g in range(25) for i in range(2)]
    sessions = [{"session_id": f"C{g:02d}", "title": f"第{g}组开班", "date": pd.Timestamp("2026-03-16"),
                 "start": dt.time(9), "end": dt.time(11), "mode": "线下", "groups": f"G{g:02d}"} for g in range(25)]
    write_tables(path, {"enrollment": pd.DataFrame(people), "sessions": pd.DataFrame(sessions),
                        "groups": pd.DataFrame([{"group_id": f"G{g:02d}", "name": f"{g}组"} for g in range(25)]),
                        "settings": named(path)})
    trainbook.notices(path, as_of=AS_OF, now=NOW)
    return path


def statuses(book: Path, kind: str = "课前提醒") -> pd.Series:
    rows = trainbook.read(book).frame("notices")
    return rows.loc[rows["kind"] == kind, "status"]


def test_every_message_is_signed_and_paced_and_marked_when_accepted(classes: Path) -> None:
    clock = Clock()
    with LocalRobot(secret=SECRET, clock=clock) as robot:
        result = trainbook.send(classes, webhook=robot.url, secret=SECRET, clock=clock, sleep=clock.sleep)
    assert (result.messages, result.notices) == (25, 50) and len(robot.received) == 25 and robot.requests == 25
    times = sorted(robot.accepted_at)
    assert max(sum(0 <= t - start < 60 for t in times) for start in times) <= 20, "never more than 20 a minute"
    assert clock.slept > 0, "the 21st message waited"
    assert set(statuses(classes)) == {"已发送"}
    rows = trainbook.read(classes).frame("notices")
    assert rows.loc[rows["kind"] == "课前提醒", "sent_at"].notna().all()
    assert rows.loc[rows["kind"] == "报名确认", "status"].eq("待发送").all(), "not for a group chat"
    for name, data in parts(classes).items():
        assert SECRET.encode() not in data and b"local-token" not in data, name


def test_a_refusal_stops_the_run_and_a_rerun_sends_the_rest(classes: Path) -> None:
    clock = Clock()
    with LocalRobot(secret=SECRET, clock=clock, answers=[0, 0, 0, 310000]) as robot:
        with pytest.raises(InputError) as refused:
            trainbook.send(classes, webhook=robot.url, secret=SECRET, clock=clock, sleep=clock.sleep)
        assert "加签密钥" in refused.value.message and "已发送 3 条消息" in refused.value.message
        assert SECRET not in refused.value.message and "local-token" not in refused.value.message
        assert (statuses(classes) == "已发送").sum() == 6 and len(robot.received) == 3
        clock.sleep(60)  # the coordinator fixes the robot; DingTalk still counts the minute before
        result = trainbook.send(classes, webhook=robot.url, secret=SECRET, clock=clock, sleep=clock.sleep)
        assert result.notices == 44 and len(robot.received) == 25
    carried = [line for p in robot.received for line in p["markdown"]["text"].splitlines() if line.startswith("- @")]
    assert len(carried) == len(set(carried)) == 50, "nothing sent twice"


@pytest.mark.parametrize("answer, says", [(130101, "限流"), ("drop", "连不上"), (460101, "太长"), (400013, "400013")])
def test_other_refusals_exit_2_with_what_to_do(classes: Path, answer: int | str, says: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINBOOK_ROBOT_SECRET", SECRET)
    before = parts(classes)
    with LocalRobot(secret=SECRET, answers=[answer]) as robot:
        out = CliRunner().invoke(main, ["send", str(classes), "--webhook", robot.url])
    assert out.exit_code == 2 and says in out.output and "其余 50 条通知仍为“待发送”" in out.output, out.output
    assert "Traceback" not in out.output and SECRET not in out.output and "local-token" not in out.output
    assert parts(classes) == before, "nothing was accepted, nothing changes"


def test_a_wrong_secret_is_caught_by_the_signature_check(classes: Path) -> None:
    with LocalRobot(secret=SECRET) as robot:
        out = CliRunner().invoke(main, ["send", str(classes), "--webhook", robot.url, "--secret", "wrong"])
    assert out.exit_code == 2 and "sign not match" in out.output and set(statuses(classes)) == {"待发送"}


def test_plain_http_only_to_this_computer(classes: Path) -> None:
    out = CliRunner().invoke(main, ["send", str(classes), "--webhook", "http://oapi.dingtalk.com/robot/send?access_token=x"])
    assert out.exit_code == 2 and "https://" in out.output and "access_token=x" not in out.output


def test_a_saved_robot_named_in_settings_sends_with_nothing_secret_in_the_workbook(
        classes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TRAINBOOK_ROBOT_WEBHOOK", raising=False)
    monkeypatch.delenv("TRAINBOOK_ROBOT_SECRET", raising=False)
    with LocalRobot(secret=SECRET, keyword="培训") as robot:
        saved = CliRunner().invoke(main, ["robot", "add", "班级群", "--webhook", robot.url, "--secret", SECRET,
                                          "--keyword", "培训"])
        assert saved.exit_code == 0 and SECRET not in saved.output, saved.output
        file = tmp_path / "config" / "trainbook" / "robots.json"
        assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
        settings = trainbook.read(classes).frame("settings").copy()
        settings.loc[settings["key"] == "robot", "value"] = "班级群"
        write_tables(classes, {"settings": settings})
        clock = Clock()
        robot.clock = clock
        result = trainbook.send(classes, clock=clock, sleep=clock.sleep)
        assert result.messages == 25 and all("培训" in p["markdown"]["text"] for p in robot.received)


def test_group_chats_get_only_group_safe_kinds_unless_asked(book_with_risks: Path) -> None:
    with LocalRobot() as robot:
        first = trainbook.send(book_with_risks, webhook=robot.url)
        assert first.other_kinds > 0 and "--kinds" in first.summary()
        assert not any("学习预警" in p["markdown"]["title"] for p in robot.received)
        trainbook.send(book_with_risks, webhook=robot.url, kinds=["risk-warning"])
    assert set(statuses(book_with_risks, "学习预警")) == {"已发送"}
    assert set(statuses(book_with_risks, "报名确认")) == {"待发送"}, "not group-safe, not asked for"


@pytest.fixture
def book_with_risks(notices_book: Path) -> Path:
    trainbook.notices(notices_book, as_of=AS_OF, now=NOW)
    return notices_book


def test_a_dry_run_sends_and_changes_nothing(classes: Path) -> None:
    before = parts(classes)
    out = CliRunner().invoke(main, ["send", str(classes), "--dry-run"])
    assert out.exit_code == 0 and "25 条消息" in out.output and parts(classes) == before


def test_nothing_is_sent_when_the_sends_could_not_be_recorded(classes: Path) -> None:
    lock = classes.with_name("~$" + classes.name)  # the book is open in Excel
    lock.write_text("")
    with LocalRobot() as robot:
        out = CliRunner().invoke(main, ["send", str(classes), "--webhook", robot.url])
    assert out.exit_code == 3 and "打开" in out.output and robot.requests == 0, out.output
