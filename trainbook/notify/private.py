"""`send --private`: each pending personal notice to its own recipient — a DingTalk work notice when
the organisation's app can reach them (their 钉钉UserId, or the member found by their mobile, which
is then written into the blank 钉钉UserId cell), else an e-mail when there is an address and a mail
account, else it stays 待发送 with the reason in 备注.

Every message is recorded the moment its channel takes it (the send journal, as for group robots),
so a run stopped anywhere sends nothing twice. A work notice DingTalk later calls undeliverable is
发送失败 with the reason; it is tried again only once the recipient's address has changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from trainbook import values
from trainbook.clock import today
from trainbook.errors import InputError, WriteError
from trainbook.i18n import Lang, Steps, last_run, listing, message
from trainbook.notify import NoticeRun, current, kind_label, kinds_named, mark, sheet_rows
from trainbook.notify.digests import allowed_links, inert
from trainbook.notify.mail import MailAccount, Mailer, MailRefused
from trainbook.notify.robot import Pacer
from trainbook.notify.worknotice import MAX_MESSAGE, PER_MINUTE, App, WorkNotices
from trainbook.schema.notice_templates import PRIVATE
from trainbook.schema.sheets import NOTICE_CHANNEL
from trainbook.workbook import journal
from trainbook.workbook.engine import Engine, Update
from trainbook.workbook.journal import Outcome
from trainbook.workbook.master import Master


@dataclass
class Recipient:
    """Where one notice can go: the person's DingTalk user, mobile and e-mail, as the workbook has them."""

    name: str
    userid: str | None
    mobile: str | None
    email: str | None


@dataclass
class PrivateRun:
    """What `send --private` did (or, dry, would do)."""

    lang: Lang
    dry_run: bool
    sent: dict[str, int] = field(default_factory=dict)  # channel → notices sent
    failed: int = 0  # taken by DingTalk, then called undeliverable
    unreachable: list[str] = field(default_factory=list)  # people no channel reaches (their notices wait)
    planned: list[tuple[str, str, str]] = field(default_factory=list)  # dry run: (recipient, kind, channel)
    found: int = 0  # DingTalk users found by mobile and written into the enrollment

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        channels = {c.key: c.label(lang) for c in NOTICE_CHANNEL}
        if self.dry_run:
            lines = [message("private-dry-run", lang, count=len(self.planned))]
            lines += [f"  {who} · {kind} · {channels.get(channel, channel)}" for who, kind, channel in self.planned[:50]]
            if len(self.planned) > 50:
                lines.append("  …")
        else:
            done = listing((f"{channels[c]} {n}" for c, n in self.sent.items() if n), lang) or "0"
            lines = [message("private-result", lang, sent=sum(self.sent.values()), channels=done)]
            if self.found:
                lines.append(message("private-found", lang, count=self.found))
            if self.failed:
                lines.append(message("private-failed", lang, count=self.failed))
        if self.unreachable:
            people = listing(self.unreachable[:10], lang) + ("…" if len(self.unreachable) > 10 else "")
            lines.append(message("private-unreachable", lang, count=len(self.unreachable), people=people))
        return "\n".join(lines)


def send_private(engine: Engine, master: Master, app: App | None, mail: MailAccount | None, kinds: list[str] | None,
                 dry_run: bool, clock: Callable[[], float], sleep: Callable[[float], None], on_step: Steps) -> PrivateRun:
    lang = master.lang
    wanted = kinds_named(kinds, PRIVATE, lang)
    if app is None and mail is None:
        raise InputError(message("private-no-channel", lang))
    rows = current(master)
    people = _people(master)
    todo = rows[rows["kind"].isin(wanted) & rows["body"].notna() & rows["status"].isin(["pending", "failed"])]
    run = PrivateRun(lang, dry_run)
    if todo.empty:
        return run
    dingtalk = WorkNotices(app, lang, sleep) if app is not None and not dry_run else None
    if dingtalk is not None:
        dingtalk.start()  # a wrong key or secret stops here, before anything is sent
    found: dict[str, str | None] = {}  # mobile → the DingTalk user it belongs to (asked once each)
    plan: list[tuple[Any, str, str]] = []  # (notice row, channel, address)
    notices: list[Any] = list(todo.itertuples(index=False))  # rows of the notices sheet, by attribute
    for row in notices:
        who = _recipient(row, people)
        channel, address = _route(who, app, mail, dingtalk, found, dry_run)
        if row.status == "failed" and (channel is None or address == row.sent_to):
            continue  # tried already, and nothing about the person has changed since
        if channel is None:
            rows.loc[rows["notice_id"] == row.notice_id, "note"] = message(address, lang)
            run.unreachable.append(message("with-detail", lang, name=who.name or row.student_id,
                                           detail=kind_label(row.kind, lang)))
            continue
        plan.append((row, channel, address))
    run.unreachable = list(dict.fromkeys(run.unreachable))
    if dry_run:
        run.planned = [(_name(row), kind_label(row.kind, lang), channel) for row, channel, _ in plan]
        return run
    engine.ready_to_write(master)  # a message sent but not recorded in the workbook would go out twice
    book, links = Path(master.source), allowed_links(master)
    enrollment, run.found = _with_userids(master, people, found)
    by_mail = Mailer(mail, lang) if mail is not None and any(channel == "email" for _, channel, _ in plan) else None
    with journal.sending(book, lang), by_mail or contextlib.nullcontext():  # a refused login stops here: nothing sent
        try:
            _send_all(plan, rows, run, book, links, dingtalk, by_mail, clock, sleep, on_step)
        finally:
            _write(engine, master, rows, enrollment, run, lang)
    return run


def _send_all(plan: list[tuple[Any, str, str]], rows: pd.DataFrame, run: PrivateRun, book: Path, links: set[str],
              dingtalk: WorkNotices | None, mailer: Mailer | None, clock: Callable[[], float],
              sleep: Callable[[float], None], on_step: Steps) -> None:
    """Work notices first — one message per person and text (DingTalk drops the same text to the
    same person on one day, so notices that read the same travel together), then DingTalk's word
    on each; then the e-mails, one per notice."""
    lang = run.lang
    pacer = Pacer(clock, sleep, per_minute=PER_MINUTE)
    notices = [(row, address) for row, channel, address in plan if channel == "worknotice"]
    messages: dict[tuple[str, str], list[Any]] = {}
    for row, address in notices:
        messages.setdefault((address, _text(row, links, lang)), []).append(row)
    already = _sent_today(rows, clock, links, lang)
    tasks: list[tuple[int, str, list[str]]] = []
    for n, ((userid, text), carried) in enumerate(messages.items(), 1):
        on_step(message("step-private", lang, n=n, total=len(messages) + len(plan) - len(notices)))
        ids = [str(r.notice_id) for r in carried]
        at = dt.datetime.fromtimestamp(clock()).replace(microsecond=0)
        if (userid, text) not in already:  # else the person has this very text from today: it would be dropped
            assert dingtalk is not None
            pacer.wait()
            tasks.append((dingtalk.send(userid, _title(carried[0], lang), text), userid, ids))
        _done(book, rows, ids, Outcome(at, "worknotice", userid))
        run.sent["worknotice"] = run.sent.get("worknotice", 0) + len(ids)
    for task, userid, ids in tasks:
        assert dingtalk is not None
        why = dingtalk.unreachable(task).get(userid)
        if why:
            at = dt.datetime.fromtimestamp(clock()).replace(microsecond=0)
            _done(book, rows, ids, Outcome(at, "worknotice", userid, "failed", why))
            run.sent["worknotice"] -= len(ids)
            run.failed += len(ids)
    for n, (row, channel, address) in enumerate(((r, c, a) for r, c, a in plan if c == "email"), len(messages) + 1):
        assert mailer is not None
        on_step(message("step-private", lang, n=n, total=len(messages) + len(plan) - len(notices)))
        at = dt.datetime.fromtimestamp(clock()).replace(microsecond=0)
        try:
            mailer.send(address, _name(row), str(row.subject or kind_label(row.kind, lang)), str(row.body))
        except MailRefused as exc:
            _done(book, rows, [str(row.notice_id)], Outcome(at, "email", address, "failed",
                                                          message("mail-refused", lang, code=str(exc))))
            run.failed += 1
            continue
        _done(book, rows, [str(row.notice_id)], Outcome(at, "email", address))
        run.sent["email"] = run.sent.get("email", 0) + 1


def _done(book: Path, rows: pd.DataFrame, ids: list[str], outcome: Outcome) -> None:
    """Record an outcome: in the journal first (it survives anything), then on the rows."""
    journal.record(book, ids, outcome)
    mark(rows, ids, outcome)


def _write(engine: Engine, master: Master, rows: pd.DataFrame, enrollment: pd.DataFrame | None, run: PrivateRun,
           lang: Lang) -> None:
    """The notices as they now stand, and the DingTalk users found, into the workbook; if it cannot
    be written now, the journal keeps what was sent for the next command."""
    tables = {"notices": sheet_rows(NoticeRun(today(), rows, lang))}
    if enrollment is not None:
        tables["enrollment"] = enrollment
    outcome = last_run(lang, "send-private", notices=sum(run.sent.values()))
    try:
        engine.write(master, Update(tables=tables, last_run=outcome))
    except WriteError as exc:
        if sum(run.sent.values()) or run.failed:
            raise WriteError(exc.message + message("send-journaled", lang, notices=sum(run.sent.values()))) from None
        raise


def _people(master: Master) -> pd.DataFrame:
    """The enrollment, typed, by student id (first row of an id that is repeated)."""
    enrollment = master.typed("enrollment")
    enrollment = enrollment.reindex(columns=["student_id", "name", "mobile", "email", "dingtalk_userid"])
    enrollment = enrollment.assign(row=enrollment.index)
    return enrollment[enrollment["student_id"].notna()].drop_duplicates("student_id").set_index("student_id")


def _recipient(row: Any, people: pd.DataFrame) -> Recipient:
    """Where a notice goes: the student as the enrollment has them now; a tutor or a manager by the
    mobile on the notice (the workbook keeps no e-mail or DingTalk id for them)."""
    if row.audience == "student" and row.student_id in people.index:
        person = people.loc[row.student_id]
        return Recipient(str(person["name"] or row.recipient or ""), _given(person["dingtalk_userid"]),
                         _given(person["mobile"]), _given(person["email"]))
    return Recipient(str(row.recipient or ""), None, _given(row.mobile), None)


def _route(who: Recipient, app: App | None, mail: MailAccount | None, dingtalk: WorkNotices | None,
           found: dict[str, str | None], dry_run: bool) -> tuple[str | None, str]:
    """(channel, address) for a recipient, or (None, the message key saying why none reaches them)."""
    if app is not None:
        if who.userid:
            return "worknotice", who.userid
        if who.mobile and dry_run:
            return "worknotice", who.mobile  # looked up when sent
        if who.mobile and dingtalk is not None:
            if who.mobile not in found:
                found[who.mobile] = dingtalk.userid(who.mobile)
            if found[who.mobile]:
                return "worknotice", str(found[who.mobile])
    if mail is not None and who.email:
        return "email", who.email
    if app is not None and who.mobile and not who.email:
        return None, "private-not-in-dingtalk" if mail is not None else "private-not-in-dingtalk-no-mail"
    if who.email and mail is None:
        return None, "private-email-no-account"
    return None, "private-no-address"


def _with_userids(master: Master, people: pd.DataFrame, found: dict[str, str | None]) -> tuple[pd.DataFrame | None, int]:
    """The enrollment with every blank 钉钉UserId filled where the mobile led to a DingTalk user (so
    each person is looked up once), and how many; None when there is nothing to fill."""
    blank = people[people["dingtalk_userid"].isna() & people["mobile"].isin([m for m, u in found.items() if u])]
    table = master.tables.get("enrollment")
    if blank.empty or table is None or "dingtalk_userid" not in table.positions:
        return None, 0
    frame = table.frame.copy()
    frame.loc[blank["row"].to_numpy(), "dingtalk_userid"] = blank["mobile"].map(found).to_numpy()
    return frame, len(blank)


def _sent_today(rows: pd.DataFrame, clock: Callable[[], float], links: set[str], lang: Lang) -> set[tuple[str, str]]:
    """(userid, text) of the work notices that went out today (DingTalk would drop a repeat)."""
    day = dt.datetime.fromtimestamp(clock()).date()
    sent = rows[(rows["status"] == "sent") & (rows["channel"] == "worknotice") & rows["sent_to"].notna()]
    sent = sent[pd.to_datetime(sent["sent_at"], errors="coerce").dt.date == day]
    return {(str(row.sent_to), _text(row, links, lang)) for row in sent.itertuples(index=False)}


def _text(row: Any, links: set[str], lang: Lang) -> str:
    """A work notice's markdown: the subject as its heading, the text inert (only the workbook's own
    links are links), within DingTalk's size limit."""
    text = f"#### {_title(row, lang)}\n\n{inert(str(row.body), links)}"
    while len(json.dumps({"msgtype": "markdown", "markdown": {"title": _title(row, lang), "text": text}},
                         ensure_ascii=False).encode()) > MAX_MESSAGE:
        text = text[: int(len(text) * 0.9)].rstrip() + "…"
    return text


def _title(row: Any, lang: Lang) -> str:
    return inert(row.subject or kind_label(row.kind, lang), set())[:64]


def _name(row: Any) -> str:
    return str(row.recipient or row.student_id or "")


def _given(value: object) -> str | None:
    return str(value).strip() or None if values.given(value) else None
