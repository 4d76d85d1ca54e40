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
from pathlib import Path

import pandas as pd

from trainbook.errors import WriteError
from trainbook.i18n import Lang
from trainbook.schema.columns import labels
from trainbook.schema.sheets import NOTICE_STATUS
from trainbook.workbook.master import Master
from trainbook.workbook.safety import BACKUP_DIR, write_lock


def journal_path(book: Path) -> Path:
    return book.parent / BACKUP_DIR / f"{book.name}.sent.jsonl"


def sending(book: Path, lang: Lang) -> contextlib.AbstractContextManager[None]:
    """Hold the workbook's write lock for a whole run of sends: a second run that would read the
    same notices as pending waits for none and is refused instead."""
    return write_lock(book, lang, whole_run=True)


def record(book: Path, notice_ids: list[str], sent_at: dt.datetime) -> None:
    """Note that one message carrying `notice_ids` was accepted, durably, before anything else."""
    path = journal_path(book)
    path.parent.mkdir(exist_ok=True)
    line = json.dumps({"notice_ids": notice_ids, "sent_at": sent_at.isoformat(timespec="seconds")})
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def sent(book: Path) -> dict[str, dt.datetime]:
    """notice_id → when it was sent, for every notice the journal holds (a line cut short by a kill
    while it was written is no record: that message's notices were not marked)."""
    path = journal_path(book)
    if not path.exists():
        return {}
    found: dict[str, dt.datetime] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            at = dt.datetime.fromisoformat(entry["sent_at"])
        except (ValueError, KeyError, TypeError):
            continue
        found.update({str(notice_id): at for notice_id in entry.get("notice_ids", [])})
    return found


def settle(master: Master, done: dict[str, dt.datetime]) -> bool:
    """Lay the journal's notices (`sent`) over the notices sheet read into `master`: each is 已发送
    with its time. Returns whether the sheet changed (then its next write carries it)."""
    table = master.tables.get("notices")
    if not done or table is None or "notice_id" not in table.frame:
        return False
    frame = table.frame.copy()
    hit = frame["notice_id"].astype(str).isin(set(done))
    status = labels(NOTICE_STATUS, master.lang)["sent"]
    changed = hit & (frame.get("status", pd.Series(None, index=frame.index)) != status)
    if not changed.any():
        return False
    frame.loc[changed, "status"] = status
    if "sent_at" in frame:
        frame.loc[changed, "sent_at"] = frame.loc[changed, "notice_id"].astype(str).map(done)
    table.frame = frame
    return True


def clear(book: Path) -> None:
    """The journal, once the workbook holds all of it."""
    journal_path(book).unlink(missing_ok=True)


def clear_if_held(book: Path, lang: Lang, held: dict[str, dt.datetime]) -> None:
    """The journal, when the file as read already holds all of it (`held`) — unless a run is sending
    right now, or one sent more since."""
    with contextlib.suppress(WriteError), write_lock(book, lang):
        if sent(book).keys() <= held.keys():
            clear(book)
