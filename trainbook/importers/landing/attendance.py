"""Landing attendance evidence: each row placed on its session, statuses worked out by the
program's policy, and per (session, student) the best status kept."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.importers.landing.rows import Landed, manual, names, put, same_choice, same_number, same_time
from trainbook.importers.sessions import assign, session_table, student_groups
from trainbook.policy.attendance import KEY, combine, slot_statuses, statuses
from trainbook.schema.columns import labels
from trainbook.schema.evidence import Evidence
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import ATTENDANCE_STATUS
from trainbook.workbook.master import Master


def land(master: Master, matched: pd.DataFrame, kind: Evidence, stamp: str, settings: Settings,
         session: str | None = None) -> Landed:
    """Place matched evidence (one `student_id` per row) on sessions and combine the statuses it
    gives with the attendance sheet; evidence no session takes is passed over with its reason, and a
    day DingTalk says is not one to attend (休息, 未入职, 离职) lands as 不适用 for the student."""
    placed, passed = assign(matched, kind, session_table(master), student_groups(master), settings, session)
    placed = placed.rename(columns={"name": "account"})
    if kind.key == "slot":  # a pair whose words say nothing lands nothing
        said = slot_statuses(placed, settings, master.lang)["status"].notna().to_numpy()
        silent = placed.loc[~said, "source_row"]
        passed = pd.concat([passed, pd.Series("skip-said-nothing", index=silent.to_numpy(), dtype=object)])
        placed = placed[said]
    found = statuses(placed, kind.key, settings, master.lang)
    counts, frame = upsert(master, found, stamp)
    return Landed(counts, {"attendance": frame}, pd.Index(placed["source_row"].unique()), passed=passed)


def upsert(master: Master, found: pd.DataFrame, stamp: str) -> tuple[dict[str, int], pd.DataFrame]:
    """Combine new statuses with the attendance sheet: per (session, student) the best status wins."""
    existing = master.frame("attendance")
    typed = master.typed("attendance")
    old = pd.DataFrame({
        "session_id": values.text(typed["session_id"]) if len(typed) else [],
        "student_id": values.text(typed["student_id"]) if len(typed) else [],
    })
    if len(typed):
        for column in ("status", "checkin_at", "checkout_at", "watch_minutes", "note"):
            old[column] = typed[column] if column in typed else None
    old = old[~manual(existing).to_numpy()] if len(old) else old
    relevant = old.merge(found[KEY].drop_duplicates(), on=KEY) if len(old) else old
    merged = combine(pd.concat([relevant.reindex(columns=found.columns), found], ignore_index=True)) \
        if len(relevant) else found
    status_label = labels(ATTENDANCE_STATUS, master.lang)
    rows = pd.DataFrame({
        "session_id": merged["session_id"], "student_id": merged["student_id"],
        "name": merged["student_id"].map(names(master)), "status": merged["status"].map(status_label),
        "checkin_at": merged["checkin_at"], "checkout_at": merged["checkout_at"],
        "watch_minutes": merged["watch_minutes"], "source": stamp, "note": merged["note"],
    })

    def same(old: pd.DataFrame, new: pd.DataFrame) -> np.ndarray:
        return cast(np.ndarray, same_choice(old["status"], new["status"], ATTENDANCE_STATUS)
                    & same_time(old["checkin_at"], new["checkin_at"])
                    & same_time(old["checkout_at"], new["checkout_at"])
                    & same_number(old["watch_minutes"], new["watch_minutes"]))

    return put(existing, KEY, rows, same)
