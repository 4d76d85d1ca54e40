"""`send` against a robot on 127.0.0.1 that behaves like DingTalk's: it checks every signature and
timestamp, counts messages per rolling minute, and can refuse or drop. Time is a fake clock."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import python_calamine
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.errors import InputError, WriteError
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


class Holding(LocalRobot):
    """Takes `take` messages, then holds the next request open (the run is killed meanwhile) and
    drops it when released."""

    def __init__(self, take: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.take, self.reached, self.release = take, threading.Event(), threading.Event()

    def answer(self, path: str, body: bytes) -> dict[str, Any] | None:
        if len(self.received) >= self.take:
            self.reached.set()
            self.release.wait(60)
            return None
        return super().answer(path, body)


def carried(robot: LocalRobot) -> list[str]:
    return [line for p in robot.received for line in p["markdown"]["text"].splitlines() if line.startswith("- @")]


def test_a_run_killed_while_sending_sends_nothing_twice(classes: Path) -> None:
    """Killed after 5 messages: they are on record, and the rerun sends the other 20 only."""
    clock = Clock()
    with Holding(5, clock=clock) as robot:
        run = subprocess.Popen([sys.executable, "-m", "trainbook.cli", "send", str(classes), "--webhook", robot.url],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert robot.reached.wait(60), "the run never got to the sixth message"
            run.kill()
            run.wait(30)
        finally:
            robot.release.set()
        assert (statuses(classes) == "已发送").sum() == 10, "the 5 messages delivered count as sent"
        robot.take = 100
        clock.sleep(60)  # DingTalk counts the minute before
        result = trainbook.send(classes, webhook=robot.url, clock=clock, sleep=clock.sleep)
    assert (result.messages, result.notices) == (20, 40)
    assert len(carried(robot)) == len(set(carried(robot))) == 50, "nobody told twice"
    assert set(statuses(classes)) == {"已发送"}
    assert not list((classes.parent / ".trainbook-backups").glob("*.sent.jsonl")), "the journal is in the sheet"


def test_a_workbook_opened_mid_send_keeps_what_was_delivered(classes: Path) -> None:
    """Excel opens the book while messages go out: the run ends exit 3, saying the delivered
    notices are recorded; nothing of them goes out again, and the next command writes them in."""
    lock = classes.with_name("~$" + classes.name)

    class Opening(LocalRobot):
        def answer(self, path: str, body: bytes) -> dict[str, Any] | None:
            if len(self.received) == 3:
                lock.write_text("")  # the coordinator opens the workbook in Excel
            return super().answer(path, body)

    clock = Clock()
    with Opening(clock=clock) as robot:
        with pytest.raises(WriteError) as stopped:
            trainbook.send(classes, webhook=robot.url, clock=clock, sleep=clock.sleep)
        assert "不会再发" in stopped.value.message and len(robot.received) == 25
        assert set(statuses(classes)) == {"已发送"}, "read back, every delivered notice is sent"
        again = CliRunner().invoke(main, ["send", str(classes), "--webhook", robot.url])  # Excel still open
        assert again.exit_code == 0 and len(robot.received) == 25, again.output
        lock.unlink()  # she closes it; the next command, whichever it is, writes them in
        CliRunner().invoke(main, ["validate", str(classes)])
    with python_calamine.CalamineWorkbook.from_path(str(classes)) as book:
        rows = book.get_sheet_by_name("通知").to_python()
    status = rows[0].index("状态")
    assert {r[status] for r in rows[1:] if "课前提醒" in r} == {"已发送"}, "written into the workbook itself"


def test_swapped_credentials_are_never_echoed(classes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    token = "3f9c2a7be1d04c6f8a5b0e7d2c9f4a1b6e3d8c0f5a2b7e4d1c6f9a3b8e5d2c7f"
    runs = [["send", str(classes), "--webhook", SECRET, "--secret", "https://oapi.dingtalk.com/robot/send"],
            ["robot", "add", "班级群", "--webhook", token, "--secret", SECRET],
            ["robot", "add", "班级群", "--webhook", f"htps://oapi.dingtalk.com/robot/send?access_token={token}"]]
    for args in runs:
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 2, out.output
        for secret in (SECRET, token):
            assert not any(secret[i:i + 6] in out.output for i in range(len(secret) - 5)), (args[0], out.output)


class Redirecting:
    """An address that answers every message with a redirect to `to`."""

    def __init__(self, code: int, to: str) -> None:
        self.code, self.to = code, to

    def __enter__(self) -> str:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — http.server's name
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(owner.code)
                self.send_header("Location", owner.to)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=local-token"

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("code", [301, 302, 307, 308])
def test_a_robot_address_that_redirects_is_not_followed(classes: Path, code: int) -> None:
    with LocalRobot() as elsewhere, Redirecting(code, elsewhere.url) as url:
        out = CliRunner().invoke(main, ["send", str(classes), "--webhook", url])
    assert out.exit_code == 2 and "转到了别处" in out.output, out.output
    assert elsewhere.requests == 0 and set(statuses(classes)) == {"待发送"}


def test_what_people_typed_reaches_the_group_as_text(notices_book: Path) -> None:
    """A self-registered name that is a link, a session title that is a tracking image, a heading and
    a mention: all arrive as plain text; the check-in link the coordinator set is the one link."""
    engine_tables = trainbook.read(notices_book)
    people = engine_tables.frame("enrollment").copy()
    people.loc[people["student_id"] == "B", "name"] = "[点此领奖](http://evil.example/x)"
    people.loc[people["student_id"] == "F", "name"] = "# 通知 @所有人 <b>x</b>"
    sessions = engine_tables.frame("sessions").copy()
    sessions.loc[sessions["session_id"] == "S3", "title"] = "![t](http://evil.example/track.png)"
    write_tables(notices_book, {"enrollment": people, "sessions": sessions})
    trainbook.notices(notices_book, as_of=AS_OF, now=NOW)
    with LocalRobot() as robot:
        trainbook.send(notices_book, webhook=robot.url)
    text = "\n".join(p["markdown"]["title"] + "\n" + p["markdown"]["text"] for p in robot.received)
    own = "[https://example.com/c/S3](https://example.com/c/S3)"
    assert own in text, "the coordinator's own link"
    assert robot.received and "点此领奖" in text and "track.png" in text, "the words arrive"
    plain = re.sub(r"\[(https://example\.com/[\w/]+)\]\(\1\)", "", text)  # the workbook's check-in and material links
    for live in ("](", "![", "http://evil", "\n# ", "<b>", "@所有人"):
        assert live not in plain, live
