"""The program's plan: its sessions, with their start and end moments and the groups they are for."""

from __future__ import annotations

import urllib.parse
from typing import cast

import pandas as pd

from trainbook import values
from trainbook.schema.settings import Settings
from trainbook.workbook.master import Master


def session_plan(master: Master) -> pd.DataFrame:
    """Sessions indexed by session_id, in time order, with start_at, end_at and group_set (the
    groups a session is for; empty = everyone). Choices are keys (mode 'online', required 'yes')."""
    frame = master.typed("sessions")
    for column in ("session_id", "date", "start", "end", "title", "teacher", "groups", "required", "mode"):
        if column not in frame:
            frame[column] = None
    frame = frame.dropna(subset=["session_id", "date"]).drop_duplicates("session_id")
    frame["required"] = frame["required"].fillna("yes")
    frame["date"] = pd.to_datetime(frame["date"])  # an empty sheet's column is untyped
    frame["start_at"] = frame["date"] + pd.to_timedelta(frame["start"]).fillna(pd.Timedelta(0))
    frame["end_at"] = frame["date"] + pd.to_timedelta(frame["end"]).fillna(pd.Timedelta(0))
    frame["group_set"] = values.id_sets(frame["groups"])
    return frame.set_index("session_id").sort_values("start_at")


def due_day(due_at: pd.Series) -> pd.Series:
    """The calendar day each task is due: work not handed in is missed once that day is over."""
    return pd.Series(pd.to_datetime(due_at).dt.normalize(), index=due_at.index)  # a column added blank is object


def deadline(due_at: pd.Series) -> pd.Series:
    """When work is late: the task's due time, or the end of its day when only a date was typed (a
    time of exactly 00:00)."""
    due_at = pd.Series(pd.to_datetime(due_at), index=due_at.index)
    date_only = due_at.notna() & (due_at == due_at.dt.normalize())
    return due_at.where(~date_only, due_at + pd.Timedelta(days=1) - pd.Timedelta(seconds=1))


def shown_due(due_at: pd.Timestamp) -> str:
    """A due time as a notice says it: 2026-03-05 18:00, or 2026-03-05 when only a date was typed."""
    return f"{due_at:%Y-%m-%d}" if due_at == due_at.normalize() else f"{due_at:%Y-%m-%d %H:%M}"


def program_end(settings: Settings, plan: pd.DataFrame) -> pd.Timestamp:
    """The program's last day: the settings' end date, else its last session's (NaT with neither)."""
    return pd.Timestamp(settings.end_date) if settings.end_date else cast(pd.Timestamp, plan["date"].max())


def program_ended(settings: Settings, plan: pd.DataFrame, day: pd.Timestamp) -> bool:
    """Whether the program is over by `day`."""
    end = program_end(settings, plan)
    return bool(pd.notna(end) and day >= end)


def unrecorded(master: Master, plan: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Required sessions held by `as_of` that have no record of how anyone attended: their data has
    not been imported yet, so they count as not held, not as everyone's absence. Leave (often
    imported before the session) and 不适用 say nothing of the others."""
    attendance = master.typed("attendance")
    said = attendance[~attendance["status"].isin(["excused", "not_applicable"])] if "status" in attendance else attendance
    recorded = set(values.text(said["session_id"]).dropna()) if "session_id" in said else set()
    held = plan[(plan["date"] <= as_of) & (plan["required"] == "yes")]
    return held[~held.index.isin(recorded)]


def session_label(session_id: str, row: pd.Series) -> str:
    """'C09 项目实战（一） 2026-11-30': a session as a coordinator recognises it."""
    day = f" {row['date']:%Y-%m-%d}" if pd.notna(row.get("date")) else ""
    return f"{session_id} {row.get('title') or ''}{day}".strip()


def checkin_url(row: pd.Series, session_id: str, settings: Settings) -> str:
    """A session's check-in link: its own, or one built from the settings' template."""
    if isinstance(row.get("checkin_url"), str) and row["checkin_url"].strip():
        return str(row["checkin_url"]).strip()
    template = settings.checkin_url_template or ""
    given = {"session_id": session_id, "date": f"{row['date']:%Y-%m-%d}", "program": settings.program_name or ""}
    return values.filled(template, **{k: urllib.parse.quote(v) for k, v in given.items()}) if template else ""
