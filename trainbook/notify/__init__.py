"""`notices`: the notices due on a day, written into the notices sheet.

Regenerating is idempotent: a notice keeps its id (kind, event, recipient), a sent or cancelled one
is kept as it is and never produced again, and a pending one that no longer applies is cancelled
with the reason. Texts come from the templates sheet; a template with an unknown placeholder holds
its notices (no text, a note saying why) instead of sending `{…}` to people.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trainbook import clock, values
from trainbook.errors import InputError
from trainbook.i18n import MESSAGES, Lang, listing, message
from trainbook.metrics import cautions, compute
from trainbook.notify.due import due_notices
from trainbook.policy.settings import read_settings
from trainbook.schema.columns import labels
from trainbook.schema.notice_templates import BY_KIND, JUDGING, NOTICE_TEMPLATES, PLACEHOLDER_KEY, unknown_placeholders
from trainbook.schema.sheets import BY_KEY, NOTICE_AUDIENCE, NOTICE_CHANNEL, NOTICE_STATUS
from trainbook.values import normalize
from trainbook.workbook.journal import Outcome
from trainbook.workbook.master import Master

COLUMNS = BY_KEY["notices"].keys


def kind_of(text: object) -> str | None:
    """A notice kind from its key or its name in either language (课前提醒 / Session reminder)."""
    if not isinstance(text, str):
        return None
    wanted = normalize(text)
    return next((t.kind for t in NOTICE_TEMPLATES
                 if wanted in (normalize(t.kind), normalize(t.zh[0]), normalize(t.en[0]))), None)


def kind_label(kind: str, lang: Lang) -> str:
    return BY_KIND[kind].texts(lang)[0]


def kinds_named(kinds: list[str] | None, default: tuple[str, ...], lang: Lang) -> list[str]:
    """The notice kinds asked for by key or name (risk-warning, 学习预警), else `default`; an
    InputError naming every kind there is for one that is none of them."""
    wanted = [kind_of(k) or k for k in kinds] if kinds else list(default)
    if unknown := [k for k in wanted if k not in BY_KIND]:
        raise InputError(message("send-unknown-kind", lang, kinds=listing(unknown, lang),
                                 known=listing((message("with-detail", lang, name=k, detail=kind_label(k, lang))
                                                for k in BY_KIND), lang)))
    return wanted


@dataclass
class NoticeRun:
    """What `notices` worked out: the notices sheet (choices as keys) and what changed in it."""

    as_of: dt.date
    rows: pd.DataFrame
    lang: Lang = "zh"
    new: int = 0
    cancelled: int = 0
    held: list[str] = field(default_factory=list)  # templates that hold their notices, and why
    no_mobile: list[str] = field(default_factory=list)  # recipients the workbook has no mobile for
    unknown_status: list[int] = field(default_factory=list)  # rows whose status is none of the choices
    cautions: list[str] = field(default_factory=list)  # what progress says to know before trusting its figures
    withheld: list[str] = field(default_factory=list)  # students whose judging notices wait for their records

    @property
    def pending(self) -> pd.DataFrame:
        return self.rows[self.rows["status"] == "pending"]

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        counts = self.pending["kind"].value_counts()
        kinds = listing((message("counted", lang, label=kind_label(k, lang), count=counts[k])
                         for k in BY_KIND if k in counts), lang)
        lines = [message("notices-result", lang, as_of=self.as_of, pending=len(self.pending), new=self.new,
                         cancelled=self.cancelled, kinds=kinds or "—")]
        lines += self.held
        lines += self.cautions
        if self.withheld:
            lines.append(message("notices-withheld", lang, count=len(self.withheld),
                                 students=listing(self.withheld[:10], lang) + ("…" if len(self.withheld) > 10 else ""),
                                 kinds=listing((kind_label(k, lang) for k in JUDGING), lang)))
        if self.unknown_status:
            lines.append(message("notices-unknown-status", lang, rows=listing(self.unknown_status, lang),
                                 choices=listing(labels(NOTICE_STATUS, lang).values(), lang)))
        if self.as_of > clock.today():
            lines.append(message("notices-future", lang, as_of=self.as_of))
        if self.no_mobile:
            lines.append(message("notices-no-mobile", lang, count=len(self.no_mobile),
                                 people=listing(self.no_mobile[:10], lang) + ("…" if len(self.no_mobile) > 10 else "")))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        rows = self.rows.astype(object).where(self.rows.notna(), None)
        return {"as_of": self.as_of.isoformat(), "new": self.new, "cancelled": self.cancelled,
                "pending": len(self.pending), "notices": rows.to_dict("records")}


def work_out(master: Master, as_of: dt.date, now: dt.datetime) -> NoticeRun:
    """The notices sheet as it should be on `as_of`, from the master as it stands."""
    lang = master.lang
    settings = read_settings(master)
    from trainbook.todolist import work_out as todo_of

    progress = compute(master, as_of)
    due = due_notices(master, progress, settings, todo_of(master, as_of, progress))
    # a notice that says how a student is doing waits while their records are unsure: none is made,
    # and one listed already stays, without its text (nothing sends it) and with her note
    unsure = due["kind"].isin(JUDGING) & due["student_id"].isin(progress.unsure)
    withheld = [s for s in progress.students.index if s in set(due.loc[unsure, "student_id"])]
    waiting = set(due.loc[unsure, "notice_id"])
    texts, held = _texts(master, lang)
    rendered = [_render(texts[kind], facts, lang) for kind, facts in zip(due["kind"], due["facts"])]
    due["subject"] = [r[0] for r in rendered]
    # a copy to a tutor or manager says whose it is before the words written to the student
    due["body"] = [_copy_of(r[1], audience, recipient, facts, lang)
                   for r, audience, recipient, facts in zip(rendered, due["audience"], due["recipient"], due["facts"])]
    due["note"] = [held.get(kind) or r[2] for kind, r in zip(due["kind"], rendered)]
    due.loc[unsure, "body"] = None
    due.loc[unsure, "note"] = None
    old = current(master)
    revived = old["status"].eq("cancelled") & old["note"].map(_auto_cancelled)  # cancelled by trainbook, not by hand
    old.loc[revived, "status"] = "pending"
    unknown = ~old["status"].isin([c.key for c in NOTICE_STATUS])
    kept = old[old["status"].isin(["sent", "cancelled", "failed"]) | unknown | old["notice_id"].isna()]
    pending = old[old["status"] == "pending"].drop_duplicates("notice_id").set_index("notice_id")
    fresh = due[~due["notice_id"].isin(set(kept["notice_id"].dropna()))].drop_duplicates("notice_id")
    fresh = fresh[~fresh["notice_id"].isin(waiting) | fresh["notice_id"].isin(pending.index)]
    fresh = fresh.assign(status="pending", sent_at=None,
                         created_at=[pending.loc[i, "created_at"] if i in pending.index else now
                                     for i in fresh["notice_id"]],
                         note=[note if note else _own_note(pending, i, i in waiting, lang)
                               for note, i in zip(fresh["note"], fresh["notice_id"])])
    gone = pending[~pending.index.isin(set(due["notice_id"])) & ~pending.index.isin(set(old.loc[revived, "notice_id"]))]
    gone = gone.reset_index()
    gone = gone.assign(status="cancelled", note=[message("notice-gone", lang, as_of=as_of) for _ in gone.index])
    still_cancelled = old[revived & ~old["notice_id"].isin(set(due["notice_id"]))].assign(status="cancelled")
    gone = pd.concat([gone, still_cancelled], ignore_index=True)
    # the sheet keeps its order: rows as they were (updated in place), then the new ones
    order = {nid: i for i, nid in enumerate(old["notice_id"])}
    rows = pd.concat([kept, gone, fresh.reindex(columns=COLUMNS)], ignore_index=True)
    rows["_order"] = [order.get(nid, len(order) + i) for i, nid in enumerate(rows["notice_id"])]
    rows = rows.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    no_mobile = fresh[fresh["mobile"].isna()]
    return NoticeRun(as_of, rows.reindex(columns=COLUMNS), lang, new=int((~fresh["notice_id"].isin(pending.index)).sum()),
                     cancelled=len(gone) - len(still_cancelled), held=list(dict.fromkeys(held.values())),
                     unknown_status=[int(r) for r in old.loc[unknown, "row"]],
                     cautions=cautions(progress, lang), withheld=[str(s) for s in withheld],
                     no_mobile=list(dict.fromkeys(message("with-detail", lang, name=r, detail=s)
                                                  for r, s in zip(no_mobile["recipient"], no_mobile["student_id"]))))


def mark(rows: pd.DataFrame, notice_ids: list[str], outcome: Outcome) -> None:
    """Record on `rows` (the notices as `current` gives them) what became of these notices."""
    hit = rows["notice_id"].isin(notice_ids) & rows["status"].isin(["pending", "failed", "sent"])  # sent, then failed
    for column in ("status", "sent_at", "channel", "sent_to", "note"):
        if rows[column].dtype != object:  # a column the sheet had nothing in reads as numbers
            rows[column] = rows[column].astype(object)
    rows.loc[hit, "status"] = outcome.status
    rows.loc[hit, "sent_at"] = outcome.at
    rows.loc[hit, "channel"] = outcome.channel
    rows.loc[hit, "sent_to"] = outcome.sent_to or None
    if outcome.note:
        rows.loc[hit, "note"] = outcome.note


def sheet_rows(run: NoticeRun) -> pd.DataFrame:
    """The notices sheet in the workbook's language."""
    rows: pd.DataFrame = run.rows.copy()
    rows["kind"] = [kind_label(k, run.lang) if k in BY_KIND else k for k in rows["kind"]]
    rows["audience"] = rows["audience"].map(labels(NOTICE_AUDIENCE, run.lang))
    channels = labels(NOTICE_CHANNEL, run.lang)
    rows["channel"] = [channels.get(v, v) if isinstance(v, str) else v for v in rows["channel"]]
    statuses = labels(NOTICE_STATUS, run.lang)
    rows["status"] = [statuses.get(v, v) for v in rows["status"]]  # a status typed by hand stays as typed
    return rows


def current(master: Master) -> pd.DataFrame:
    """The notices sheet as it is, choices as keys (kinds too); a status typed by hand that is
    none of the choices stays as typed (such a row is kept as it is, never sent); `row` is the
    Excel row."""
    raw = master.frame("notices")
    frame = values.typed(raw, BY_KEY["notices"]).reindex(columns=COLUMNS)
    frame["kind"] = [kind_of(k) or k for k in frame["kind"]]
    typed = values.text(raw["status"]) if "status" in raw else pd.Series(None, index=raw.index, dtype=object)
    frame["status"] = frame["status"].where(frame["status"].notna(), typed).fillna("pending")
    frame["audience"] = frame["audience"].fillna("student")  # a sheet from before audiences were kept
    frame["row"] = frame.index
    return frame.reset_index(drop=True)


def _copy_of(body: str | None, audience: str, recipient: object, facts: dict[str, Any], lang: Lang) -> str | None:
    """The body as sent to `audience`: the student's own, or for a tutor's or manager's copy the same
    after a line saying who it is for and about whom."""
    if body is None or audience not in COPIED:
        return body
    role = labels(NOTICE_AUDIENCE, lang)[audience]
    return message("notice-copy", lang, recipient=recipient or role, role=role, name=facts.get("name") or "") + "\n" + body


def _auto_cancelled(note: object) -> bool:
    """Whether a note is the one trainbook writes when it cancels a notice that no longer applies."""
    return isinstance(note, str) and any(re.fullmatch(pattern, note) for pattern in _GONE)


COPIED = ("tutor", "manager")  # audiences that get a copy of a student's notice
_GONE = [re.escape(text).replace(re.escape("{as_of}"), r"\S+") for text in MESSAGES["notice-gone"]]


def _own_note(pending: pd.DataFrame, notice_id: str, waits: bool, lang: Lang) -> Any:
    """The note of a notice worked out again: the one a coordinator typed on it while pending, else
    (`waits`: held back while the student's records are unsure) why it waits."""
    note = pending.loc[notice_id, "note"] if notice_id in pending.index else None
    if _auto_cancelled(note) or note in MESSAGES["notice-waits"] or (isinstance(note, float) and pd.isna(note)):
        note = None
    return note if note is not None or not waits else message("notice-waits", lang)


def _texts(master: Master, lang: Lang) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(kind → (subject, body) from the templates sheet, defaults where a row is missing; kind →
    why its notices are held)."""
    texts = {t.kind: t.texts(lang)[1:] for t in NOTICE_TEMPLATES}
    sheet = master.frame("templates")
    if {"kind", "subject", "body"} <= set(sheet.columns):
        for kind, subject, body in zip(sheet["kind"], values.text(sheet["subject"]), values.text(sheet["body"])):
            if (key := kind_of(kind)) and body:
                texts[key] = (subject or "", body)
    held = {}
    for kind, (subject, body) in texts.items():
        if unknown := unknown_placeholders(subject + body):
            held[kind] = message("notice-held", lang, kind=kind_label(kind, lang), names=listing(unknown, lang))
    return texts, held


ESSENTIAL = {"name": "notice-no-name", "program": "notice-no-program"}  # a text without these is no notice


def _render(texts: tuple[str, str], facts: dict[str, Any], lang: Lang) -> tuple[str | None, str | None, str | None]:
    """A notice's subject and body, or — when its template cannot be filled, or would be filled
    without the person's name or the program's — none, and why (the notice is held)."""
    subject, body = texts
    if unknown_placeholders(subject + body):
        return None, None, None
    used = {PLACEHOLDER_KEY[name] for _, name, _, _ in string.Formatter().parse(subject + body) if name}
    for key, why in ESSENTIAL.items():
        if key in used and not values.given(facts.get(key)):
            return None, None, message(why, lang)
    return _fill(subject, facts), _fill(body, facts), None


def _fill(text: str, facts: dict[str, Any]) -> str:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(text):
        parts.append(literal)
        if name is not None:
            parts.append(str(facts.get(PLACEHOLDER_KEY[name], "")))
    return "".join(parts)
