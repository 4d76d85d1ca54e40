"""Notices sent, recorded the moment their channel accepted them: one line per message in a journal
kept in the workbook's backup folder, synced to disk before the next message goes.

A run that is killed, or that cannot write the workbook at its end (it was opened in Excel
meanwhile), leaves what it sent in the journal. Every engine lays the journal over the notices
sheet as it reads it, so nothing sent is ever pending again; the next write of the workbook by the
file engine records it in the sheet for good and empties the journal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trainbook.errors import WriteError
from trainbook.i18n import Lang
from trainbook.schema.columns import labels
from trainbook.schema.sheets import NOTICE_CHANNEL, NOTICE_STATUS
from trainbook.workbook.master import Master
from trainbook.workbook.safety import BACKUP_DIR, write_lock


def journal_path(book: Path) -> Path:
    return book.parent / BACKUP_DIR / f"{book.name}.sent.jsonl"


def sending(book: Path, lang: Lang) -> contextlib.AbstractContextManager[None]:
    """Hold the workbook's write lock for a whole run of sends: a second run that would read the
    same notices as pending waits for none and is refused instead."""
    return write_lock(book, lang, whole_run=True)


@dataclass(frozen=True)
class Outcome:
    """What became of one notice: sent (or failed) when, by which channel, to whom, and why not."""

    at: dt.datetime
    channel: str  # a key of NOTICE_CHANNEL
    sent_to: str = ""
    status: str = "sent"  # sent, or failed when the channel took the message but could not deliver it
    note: str = ""


def record(book: Path, notice_ids: list[str], outcome: Outcome) -> None:
    """Note what became of the notices one message carried, durably, before anything else is sent."""
    path = journal_path(book)
    path.parent.mkdir(exist_ok=True)
    line = json.dumps({"notice_ids": notice_ids, "at": outcome.at.isoformat(timespec="seconds"),
                       "channel": outcome.channel, "sent_to": outcome.sent_to, "status": outcome.status,
                       "note": outcome.note}, ensure_ascii=False)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def sent(book: Path) -> dict[str, Outcome]:
    """notice_id → its outcome, for every notice the journal holds (the last word on each counts; a
    line cut short by a kill while it was written is no record: that message's notices were not
    marked)."""
    path = journal_path(book)
    if not path.exists():
        return {}
    found: dict[str, Outcome] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            outcome = Outcome(dt.datetime.fromisoformat(entry["at"]), str(entry["channel"]), str(entry.get("sent_to", "")),
                              str(entry.get("status", "sent")), str(entry.get("note", "")))
        except (ValueError, KeyError, TypeError):
            continue
        found.update({str(notice_id): outcome for notice_id in entry.get("notice_ids", [])})
    return found


def settle(master: Master, done: dict[str, Outcome]) -> bool:
    """Lay the journal's outcomes over the notices sheet read into `master`: status, time, channel,
    to whom and why. Returns whether the sheet changed (then its next write carries it)."""
    table = master.tables.get("notices")
    if not done or table is None or "notice_id" not in table.frame:
        return False
    frame = table.frame.copy()
    ids = frame["notice_id"].astype(str)
    outcomes = ids.map(done)
    statuses, channels = labels(NOTICE_STATUS, master.lang), labels(NOTICE_CHANNEL, master.lang)
    status = outcomes.map(lambda o: statuses[o.status] if isinstance(o, Outcome) else None)
    changed = status.notna() & (frame.get("status", pd.Series(None, index=frame.index)) != status)
    if not changed.any():
        return False
    frame.loc[changed, "status"] = status[changed]
    for column, value in (("sent_at", lambda o: o.at), ("channel", lambda o: channels.get(o.channel, o.channel)),
                          ("sent_to", lambda o: o.sent_to or None), ("note", lambda o: o.note or None)):
        if column in frame:
            given = outcomes[changed].map(value)
            frame.loc[given[given.notna()].index, column] = given.dropna()  # a note she wrote stays unless there is news
    table.frame = frame
    return True


def clear(book: Path) -> None:
    """The journal, once the workbook holds all of it."""
    journal_path(book).unlink(missing_ok=True)


def clear_if_held(book: Path, lang: Lang, held: dict[str, Outcome]) -> None:
    """The journal, when the file as read already holds all of it (`held`) — unless a run is sending
    right now, or one sent more since."""
    with contextlib.suppress(WriteError), write_lock(book, lang):
        if sent(book).keys() <= held.keys():
            clear(book)
