"""Private notices, each to its own recipient: DingTalk work notices against a DingTalk-like API on
127.0.0.1 (token, AgentId, a directory of mobiles, errors, send results) and e-mail against an
aiosmtpd server that requires a login. Time is a fake clock; pauses are recorded, not slept."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

import trainbook
import trainbook.xl
from trainbook.cli import main
from trainbook.errors import InputError, WriteError
from trainbook.notify.local_dingtalk import LocalDingTalk
from trainbook.notify.local_mail import LocalMail
from trainbook.notify.mail import MailAccount
from trainbook.notify.worknotice import App

from .conftest import AS_OF, NOW, parts, write_tables

DIRECTORY = {"13800000001": "u-jia", "13700000001": "u-zhao", "13900000001": "u-wang", "13800000006": "u-ji"}


class Clock:
    def __init__(self) -> None:
        self.now = pd.Timestamp("2026-03-15 09:00").timestamp()
        self.slept: list[float] = []

    def __call__(self) -> float:
        self.now += 0.01
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def book(notices_book: Path) -> Path:
    """The notices book with e-mail for E (no mobile) and B (not in DingTalk), and its notices worked out."""
    people = trainbook.read(notices_book).frame("enrollment").copy()
    people.loc[people["student_id"] == "E", "email"] = "wu@example.com"
    people.loc[people["student_id"] == "B", "email"] = "yi@example.com"
    write_tables(notices_book, {"enrollment": people})
    trainbook.notices(notices_book, as_of=AS_OF, now=NOW)
    return notices_book


def app_for(api: LocalDingTalk, secret: str | None = None) -> App:
    return App("培训应用", api.appkey, secret or api.appsecret, api.agent_id, api.url)


def mail_for(server: LocalMail, password: str | None = None) -> MailAccount:
    return MailAccount("培训邮箱", "127.0.0.1", server.port, server.user, password or server.password, server.user,
                       "none", "人力资源部")


def notices(book: Path) -> pd.DataFrame:
    return trainbook.read(book).frame("notices")


def private(book: Path) -> pd.DataFrame:
    rows = notices(book)
    return rows[rows["kind"].isin(["报名确认", "报名未通过", "缺勤跟进", "学习预警", "结业通知"])]


def test_every_reachable_person_gets_one_message_by_the_right_channel(book: Path) -> None:
    clock = Clock()
    with LocalDingTalk(directory=DIRECTORY, clock=clock) as api, LocalMail() as server:
        run = trainbook.send_private(book, app=app_for(api), mail=mail_for(server), clock=clock, sleep=clock.sleep)
        delivered = [(d.userid, d.text) for d in api.delivered]
        mails = [(m["To"], m["Subject"], m.get_content()) for m in server.received]
        lookups = list(api.lookups)
    rows = private(book)
    sent = rows[rows["status"] == "已发送"]
    # A and F are found by mobile; the manager and the tutor get their copies by mobile too
    assert sorted(u for u, _ in delivered) == sorted(sent.loc[sent["channel"] == "钉钉工作通知", "sent_to"])
    assert {"u-jia", "u-ji"} <= {u for u, _ in delivered}
    for userid, text in delivered:
        name = {"u-jia": "甲", "u-ji": "己", "u-zhao": "赵经理", "u-wang": "王老师"}[userid]
        assert name in text or "甲" in text, (userid, text)
    assert sorted(lookups) == sorted(set(lookups)), "each mobile is looked up once"
    # B is not in DingTalk and E has no mobile: both by e-mail, with their name and the program's
    assert {to for to, _, _ in mails} == {"乙 <yi@example.com>", "戊 <wu@example.com>"}
    assert all("春季班" in subject for _, subject, _ in mails)
    assert all(("乙" in body) or ("戊" in body) for _, _, body in mails)
    assert set(sent.loc[sent["channel"] == "邮件", "sent_to"]) == {"yi@example.com", "wu@example.com"}
    assert sent["sent_at"].notna().all()
    # D was rejected: 报名未通过 by mobile, but D is not in DingTalk and has no e-mail: pending, with why
    waiting = rows[rows["status"] == "待发送"]
    assert set(waiting["recipient"]) == {"丁"} and waiting["note"].str.contains("钉钉").all()
    assert run.unreachable and "丁" in run.summary()
    people = trainbook.read(book).frame("enrollment").set_index("student_id")
    assert people.loc["A", "dingtalk_userid"] == "u-jia" and people.loc["F", "dingtalk_userid"] == "u-ji"
    assert pd.isna(people.loc["B", "dingtalk_userid"])


def test_copies_reach_the_tutor_and_the_manager(book: Path) -> None:
    with LocalDingTalk(directory=DIRECTORY) as api:
        trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        to = {d.userid for d in api.delivered}
    rows = private(book)
    copies = rows[rows["audience"] != "学员"]
    assert len(copies) and (copies["status"] == "已发送").all()
    assert set(copies["sent_to"]) <= {"u-zhao", "u-wang"} and {"u-zhao", "u-wang"} & to


def test_a_second_run_sends_nothing_and_a_dry_run_contacts_nobody(book: Path) -> None:
    with LocalDingTalk(directory=DIRECTORY) as api, LocalMail() as server:
        before = parts(book)
        dry = trainbook.send_private(book, app=app_for(api), mail=mail_for(server), dry_run=True)
        assert parts(book) == before and api.tokens_issued == 0 and not api.lookups and not server.logins
        assert dry.planned and "预览" in dry.summary()
        trainbook.send_private(book, app=app_for(api), mail=mail_for(server), sleep=lambda _: None)
        first = (len(api.delivered), len(server.received))
        again = trainbook.send_private(book, app=app_for(api), mail=mail_for(server), sleep=lambda _: None)
        assert (len(api.delivered), len(server.received)) == first and sum(again.sent.values()) == 0


def test_an_invalid_user_fails_with_the_reason_and_is_retried_only_when_changed(book: Path) -> None:
    with LocalDingTalk(directory=DIRECTORY, invalid={"u-ji"}) as api:
        run = trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        assert run.failed
        rows = private(book)
        failed = rows[rows["status"] == "发送失败"]
        assert set(failed["recipient"]) == {"己"} and failed["note"].str.contains("无效").all()
        tries = len(api.delivered)
        trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        assert (private(book)["status"] == "发送失败").sum() == len(failed), "unchanged: not tried again"
        people = trainbook.read(book).frame("enrollment").copy()
        people.loc[people["student_id"] == "F", "dingtalk_userid"] = "u-ji-new"  # the coordinator corrects it
        write_tables(book, {"enrollment": people})
        trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        assert {d.userid for d in api.delivered[tries:]} == {"u-ji-new"}
    assert set(private(book).loc[lambda r: r["recipient"] == "己", "status"]) == {"已发送"}


@pytest.mark.parametrize("wrong", ["app", "mail"])
def test_wrong_credentials_stop_before_anything_is_sent(book: Path, wrong: str, monkeypatch: pytest.MonkeyPatch) -> None:
    secret, password = "app-secret-0123456789abcdef", "mail-password-0123456789"
    before = parts(book)
    with LocalDingTalk(directory=DIRECTORY, appsecret=secret) as api, LocalMail(password=password) as server:
        monkeypatch.setenv("TRAINBOOK_DINGTALK_APPKEY", api.appkey)
        monkeypatch.setenv("TRAINBOOK_DINGTALK_APPSECRET", "wrong-secret" if wrong == "app" else secret)
        monkeypatch.setenv("TRAINBOOK_DINGTALK_AGENT_ID", str(api.agent_id))
        monkeypatch.setenv("TRAINBOOK_DINGTALK_API", api.url)
        for key, value in {"HOST": "127.0.0.1", "PORT": str(server.port), "USER": server.user, "FROM": server.user,
                           "PASSWORD": "wrong-password" if wrong == "mail" else password, "TLS": "none"}.items():
            monkeypatch.setenv(f"TRAINBOOK_SMTP_{key}", value)
        out = CliRunner().invoke(main, ["send", str(book), "--private"])
        assert out.exit_code == 2 and "Traceback" not in out.output, out.output
        assert ("AppSecret" if wrong == "app" else "密码") in out.output
        assert not api.delivered and not server.received
    assert parts(book) == before, "nothing marked"
    for credential in (secret, password, "wrong-secret", "wrong-password"):
        assert credential not in out.output
        assert not any(credential.encode() in data for data in parts(book).values())


def test_a_busy_dingtalk_is_tried_again_then_the_run_stops_clearly(book: Path) -> None:
    clock = Clock()
    with LocalDingTalk(directory=DIRECTORY, answers=[-1, -1, 0]) as api:
        trainbook.send_private(book, app=app_for(api), clock=clock, sleep=clock.sleep)
        assert clock.slept and api.delivered, "busy twice, then taken"
    with LocalDingTalk(directory={**DIRECTORY, "13800000004": "u-ding"}, answers=[-1] * 10) as api:  # 丁 is still waiting
        with pytest.raises(InputError) as stopped:
            trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
    assert "繁忙" in stopped.value.message and "不会重发" in stopped.value.message


def test_an_expired_token_is_fetched_again_once(book: Path) -> None:
    clock = Clock()
    with LocalDingTalk(directory=DIRECTORY, clock=clock) as api:

        original = api.answer

        def answer(method: str, path: str, body: bytes) -> dict[str, Any]:
            if "asyncsend" in path and api.tokens_issued == 1:
                api.expire_tokens()
            return original(method, path, body)

        api.answer = answer  # type: ignore[method-assign]
        trainbook.send_private(book, app=app_for(api), clock=clock, sleep=clock.sleep)
        assert api.tokens_issued == 2 and api.delivered


def test_group_safe_kinds_go_one_by_one_only_when_named(book: Path) -> None:
    with LocalDingTalk(directory=DIRECTORY) as api:
        trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        rows = notices(book)
        assert (rows.loc[rows["kind"] == "课前提醒", "status"] == "待发送").all()
        trainbook.send_private(book, app=app_for(api), kinds=["课前提醒"], sleep=lambda _: None)
    rows = notices(book)
    reminders = rows[rows["kind"] == "课前提醒"]
    assert (reminders.loc[reminders["recipient"].isin(["甲", "己"]), "channel"] == "钉钉工作通知").all()


def test_the_same_text_twice_to_one_person_goes_once(book: Path) -> None:
    """DingTalk drops a repeat silently: notices that read the same travel as one message."""
    rows = notices(book)
    first = rows[(rows["kind"] == "报名确认") & (rows["recipient"] == "甲")].iloc[0]
    twin = first.copy()
    twin["notice_id"] = first["notice_id"] + ":again"
    write_tables(book, {"notices": pd.concat([rows, twin.to_frame().T], ignore_index=True)})
    with LocalDingTalk(directory=DIRECTORY) as api:
        trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        to_jia = [d for d in api.delivered if d.userid == "u-jia" and d.text.endswith(first["body"][-10:])]
    assert len(to_jia) == 1
    rows = notices(book)
    assert set(rows.loc[rows["notice_id"].isin([first["notice_id"], twin["notice_id"]]), "status"]) == {"已发送"}


def test_a_kill_mid_send_and_excel_opened_mid_send_send_nothing_twice(book: Path) -> None:
    """A run killed after its first messages, then one that meets the workbook open in Excel: what
    went out is on record both times, and the last run sends only what never went."""
    hold, reached = threading.Event(), threading.Event()

    class Holding(LocalDingTalk):
        def answer(self, method: str, path: str, body: bytes) -> dict[str, Any]:
            if "asyncsend" in path and len(self.delivered) >= 2:
                reached.set()
                hold.wait(60)
            return super().answer(method, path, body)

    env = {"TRAINBOOK_DINGTALK_APPSECRET": "local-appsecret", "TRAINBOOK_DINGTALK_APPKEY": "local-appkey",
           "TRAINBOOK_DINGTALK_AGENT_ID": "1001"}
    with Holding(directory=DIRECTORY) as api:
        child = subprocess.Popen([sys.executable, "-m", "trainbook.cli", "send", str(book), "--private"],
                                 env={**os.environ, **env, "TRAINBOOK_DINGTALK_API": api.url},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert reached.wait(60), "the run never got to its third message"
            child.kill()
            child.wait(30)
        finally:
            hold.set()
        first = [d.userid for d in api.delivered]
        assert (private(book)["status"] == "已发送").sum() >= 2, "the two delivered are on record"
        lock = book.with_name("~$" + book.name)

        original = api.answer

        def answer(method: str, path: str, body: bytes) -> dict[str, Any]:
            if "asyncsend" in path:
                lock.write_text("")  # the coordinator opens the workbook in Excel
            return original(method, path, body)

        api.answer = answer  # type: ignore[method-assign]
        with pytest.raises(WriteError):
            trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        second = [d.userid for d in api.delivered][len(first):]
        lock.unlink()
        api.answer = original  # type: ignore[method-assign]
        trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
        third = [d.userid for d in api.delivered][len(first) + len(second):]
    everything = [(d.userid, d.text) for d in api.delivered]
    assert len(everything) == len(set(everything)), "nobody got a text twice"
    assert not third, "everything had gone already"
    sent = private(book)
    assert (sent.loc[sent["channel"] == "钉钉工作通知", "status"] == "已发送").all()


def test_the_send_button_sends_group_digests_then_each_private_notice(book: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from trainbook.notify.local_robot import LocalRobot

    from .conftest import json_book

    monkeypatch.chdir(tmp_path)
    with LocalRobot() as robot, LocalDingTalk(directory=DIRECTORY) as api:
        monkeypatch.setenv("TRAINBOOK_ROBOT_WEBHOOK", robot.url)
        for key, value in {"APPKEY": api.appkey, "APPSECRET": api.appsecret, "AGENT_ID": str(api.agent_id),
                           "API": api.url}.items():
            monkeypatch.setenv(f"TRAINBOOK_DINGTALK_{key}", value)
        button = json_book(book)
        button.set_mock_caller()
        trainbook.xl.send()
        assert robot.received and api.delivered
        alert = next(a for a in button.json()["actions"] if a["func"] == "alert")["args"][0]
    assert "条消息" in alert and "私人通知" in alert, alert


def test_accounts_are_saved_for_the_user_alone_and_listed_without_secrets(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import stat

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    secret, password = "app-secret-0123456789abcdef", "mail-password-0123456789"
    runs = [["app", "add", "培训应用", "--appkey", "dingkey", "--appsecret", secret, "--agent-id", "1001"],
            ["mail", "add", "培训邮箱", "--host", "smtp.example.com", "--user", "hr@example.com", "--password", password,
             "--from", "hr@example.com"],
            ["app", "list"], ["mail", "list"]]
    outputs = [CliRunner().invoke(main, args) for args in runs]
    assert all(o.exit_code == 0 for o in outputs), [o.output for o in outputs]
    assert "培训应用" in outputs[2].output and "培训邮箱\tsmtp.example.com" in outputs[3].output
    for out in outputs:
        assert secret not in out.output and password not in out.output
    for name in ("apps.json", "mail.json"):
        assert stat.S_IMODE(os.stat(tmp_path / "config" / "trainbook" / name).st_mode) == 0o600


def test_an_older_notices_sheet_gains_the_channel_columns(book: Path) -> None:
    """A workbook made before 渠道 and 发送到: the sheet gets them, nothing recorded is dropped."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    sheet = wb["通知"]
    headers = [c.value for c in sheet[1]]
    for name in ("发送到", "渠道"):
        sheet.delete_cols(headers.index(name) + 1)
        headers.remove(name)
    wb.save(book)
    with LocalDingTalk(directory=DIRECTORY) as api:
        trainbook.send_private(book, app=app_for(api), sleep=lambda _: None)
    rows = notices(book)
    assert {"渠道", "发送到"} <= set(trainbook.read(book).tables["notices"].headers)
    assert set(rows.loc[rows["status"] == "已发送", "channel"]) == {"钉钉工作通知"}


def test_a_long_notice_is_cut_to_what_dingtalk_takes_and_mail_says_who_sends(book: Path) -> None:
    import json

    from trainbook.notify.local_dingtalk import MAX_MESSAGE

    templates = trainbook.read(book).frame("templates").copy()
    templates.loc[templates["kind"] == "enroll-confirm", "body"] = "{姓名}，您好！" + "请仔细阅读培训须知。" * 300
    write_tables(book, {"templates": templates})
    trainbook.notices(book, as_of=AS_OF, now=NOW)
    with LocalDingTalk(directory=DIRECTORY) as api, LocalMail() as server:
        trainbook.send_private(book, app=app_for(api), mail=mail_for(server), sleep=lambda _: None)
        long = [d for d in api.delivered if "培训须知" in d.text]
        assert long and all(len(json.dumps({"msgtype": "markdown", "markdown": {"title": d.title, "text": d.text}},
                                           ensure_ascii=False).encode()) <= MAX_MESSAGE for d in long)
        assert all(d.text.endswith("…") for d in long)
        assert server.received and all(m["From"] == "人力资源部 <trainbook@example.com>" for m in server.received)
        assert any(m.get_content().count("培训须知") == 300 for m in server.received), "an e-mail carries it whole"


def test_mail_without_encryption_only_to_this_computer(book: Path) -> None:
    plain = MailAccount("外部邮箱", "smtp.example.com", 25, "hr@example.com", "secret-password", "hr@example.com", "none")
    with pytest.raises(InputError) as refused:
        trainbook.send_private(book, mail=plain)
    assert "starttls" in refused.value.message and "secret-password" not in refused.value.message
