"""`send`: the pending notices to a DingTalk robot, as digests, within its limits; only what it
accepted is marked sent, and a refusal stops the run with what to do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainbook.clock import today
from trainbook.errors import InputError, WriteError
from trainbook.i18n import Lang, Steps, last_run, message
from trainbook.notify import NoticeRun, current, kinds_named, mark, sheet_rows
from trainbook.notify.digests import digests
from trainbook.notify.http import check_https, explain
from trainbook.notify.robot import Pacer, RobotRefused, find_robot, post
from trainbook.schema.notice_templates import GROUP_SAFE
from trainbook.workbook import journal
from trainbook.workbook.engine import Engine, Update
from trainbook.workbook.journal import Outcome
from trainbook.workbook.master import Master


@dataclass
class SendRun:
    """What `send` did: messages and notices sent, and what is still pending."""

    messages: int
    notices: int
    left: int  # pending notices of the kinds sent, not sent (none unless a dry run)
    other_kinds: int  # pending notices of kinds not sent to this robot
    dry_run: bool
    lang: Lang
    held: int = 0  # pending notices of the kinds sent whose template cannot be filled

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        key = "send-dry-run" if self.dry_run else "send-result"
        text = message(key, lang, messages=self.messages, notices=self.notices, left=self.left)
        if self.held:
            text += message("send-held", lang, count=self.held)
        if self.other_kinds:
            text += message("send-other-kinds", lang, count=self.other_kinds)
        return text


def send_pending(engine: Engine, master: Master, name: str | None, webhook: str | None, secret: str | None,
                 keyword: str | None, kinds: list[str] | None, dry_run: bool, clock: Callable[[], float],
                 sleep: Callable[[float], None], on_step: Steps) -> SendRun:
    lang = master.lang
    wanted = kinds_named(kinds, GROUP_SAFE, lang)
    rows = current(master)
    run = NoticeRun(today(), rows, lang)
    other = int((~run.pending["kind"].isin(wanted)).sum())
    held = int((run.pending["kind"].isin(wanted) & run.pending["body"].isna()).sum())
    if dry_run and webhook:
        check_https(webhook, lang)
    robot = find_robot(lang, name, webhook, secret, keyword) if not dry_run else None
    messages = digests(run, master, wanted, robot.keyword if robot else keyword or "")
    carried = sum(len(d.notice_ids) for d in messages)
    if dry_run or not messages:
        return SendRun(len(messages) if dry_run else 0, carried if dry_run else 0, carried if dry_run else 0, other,
                       dry_run, lang, held)
    assert robot is not None
    engine.ready_to_write(master)  # a message sent but not marked would go out twice
    book, group = Path(master.source), name or robot.host
    pacer, sent_ids, refused = Pacer(clock, sleep), [], None
    with journal.sending(book, lang):  # one run sends for a workbook at a time
        for n, digest in enumerate(messages, 1):
            on_step(message("step-send", lang, n=n, total=len(messages)))
            pacer.wait()
            try:
                post(robot, digest.payload, int(clock() * 1000))
            except RobotRefused as exc:
                refused = exc
                break
            at = dt.datetime.fromtimestamp(clock()).replace(microsecond=0)
            journal.record(book, digest.notice_ids, Outcome(at, "robot", group))  # a kill loses no record
            mark(rows, digest.notice_ids, Outcome(at, "robot", group))
            sent_ids += digest.notice_ids
        done = len(messages) if refused is None else n - 1
        if sent_ids:
            outcome = last_run(lang, "send", messages=done, notices=len(sent_ids))
            try:
                engine.write(master, Update(tables={"notices": sheet_rows(NoticeRun(run.as_of, rows, lang))},
                                            last_run=outcome))
            except WriteError as exc:
                raise WriteError(exc.message + message("send-journaled", lang, notices=len(sent_ids))) from None
    if refused is not None:
        raise InputError(refusal(refused, robot.host, done, carried - len(sent_ids), lang))
    return SendRun(done, len(sent_ids), carried - len(sent_ids), other, False, lang, held)


def refusal(exc: RobotRefused, host: str, sent: int, left: int, lang: Lang) -> str:
    """What the robot's refusal means and what to do, and how far the run got."""
    key = {None: "robot-unreachable", 310000: "robot-310000", 130101: "robot-130101",
           460101: "robot-460101"}.get(exc.code, "robot-other")
    detail = explain(exc.detail, lang) if exc.code is None else exc.detail
    return message(key, lang, host=host, code=exc.code, detail=detail) + message("send-stopped", lang, sent=sent,
                                                                              left=left)
