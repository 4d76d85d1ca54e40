"""The program's plan: its sessions, with their start and end moments and the groups they are for."""

from __future__ import annotations

import pandas as pd

from trainbook import values
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.master import Master


def session_plan(master: Master) -> pd.DataFrame:
    """Sessions indexed by session_id, in time order, with start_at, end_at and group_set (the
    groups a session is for; empty = everyone). Choices are keys (mode 'online', required 'yes')."""
    frame = values.typed(master.frame("sessions"), BY_KEY["sessions"])
    for column in ("session_id", "date", "start", "end", "title", "teacher", "groups", "required", "mode"):
        if column not in frame:
            frame[column] = None
    frame = frame.dropna(subset=["session_id", "date"]).drop_duplicates("session_id")
    frame["required"] = frame["required"].fillna("yes")
    frame["start_at"] = frame["date"] + pd.to_timedelta(frame["start"]).fillna(pd.Timedelta(0))
    frame["end_at"] = frame["date"] + pd.to_timedelta(frame["end"]).fillna(pd.Timedelta(0))
    frame["group_set"] = values.id_sets(frame["groups"])
    return frame.set_index("session_id").sort_values("start_at")
