"""Which session a piece of evidence belongs to: punches by time window, online data by title
then time, day results by date, leave by overlap; `--session` forces one."""

from __future__ import annotations

from typing import Any

import pandas as pd

from trainbook import values
from trainbook.importers.identity import clean_name
from trainbook.policy.plan import session_plan
from trainbook.workbook.master import Master, normalize

CHECKOUT_AFTER_END = pd.Timedelta(hours=6)  # an evening session's check-out after midnight
ONLINE_SLACK = pd.Timedelta(hours=1)


def session_table(master: Master) -> pd.DataFrame:
    """The plan's sessions that have a start and an end, with their titles as matching keys."""
    plan = session_plan(master).dropna(subset=["start", "end"]).reset_index()
    return pd.DataFrame({
        "session_id": plan["session_id"].astype(str), "start_at": plan["start_at"], "end_at": plan["end_at"],
        "title": plan["title"].map(lambda t: normalize(clean_name(t)) if t else ""),
        "online": plan["mode"].isin(["online", "hybrid"]), "groups": plan["group_set"],
    })


def student_groups(master: Master) -> dict[str, str]:
    enrollment = master.frame("enrollment")
    if not {"student_id", "group_id"} <= set(enrollment.columns):
        return {}
    return {s: g for s, g in zip(values.text(enrollment["student_id"]), values.text(enrollment["group_id"]))
            if s and g}


def _for_group(pairs: pd.DataFrame, groups: dict[str, str]) -> pd.DataFrame:
    """Keep evidence/session pairs where the session is for everyone or for the student's group."""
    ok = [not gs or groups.get(s) in gs for s, gs in zip(pairs["student_id"], pairs["groups"])]
    return pairs[pd.Series(ok, index=pairs.index, dtype=bool)]  # (a bare empty list would pick no columns)


def assign(evidence: pd.DataFrame, sessions: pd.DataFrame, groups: dict[str, str], settings: Any,
           forced: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evidence rows with `session_id`, `start_at`, `end_at` (a leave row may cover several
    sessions), and the rows no session fits."""
    evidence = evidence.reset_index(names="source_row")
    evidence["row_id"] = range(len(evidence))
    if sessions.empty or evidence.empty:  # nothing to place on (or nothing to place): all of it for review
        return evidence.iloc[0:0], evidence
    kind = evidence["evidence"]
    if forced is not None:
        pairs = evidence.merge(sessions[sessions["session_id"] == forced], how="cross")
    else:
        pairs = pd.concat([
            _by_window(evidence[kind == "punch"], sessions, groups, settings),
            _by_date(evidence[kind == "day"], sessions, groups),
            _online(evidence[kind == "online"], sessions, groups),
            _by_overlap(evidence[kind == "leave"], sessions, groups),
        ], ignore_index=True)
    placed = pairs.drop(columns=["title_x", "title_y", "title", "groups", "online_x", "online_y", "online"],
                        errors="ignore")
    unplaced = evidence[~evidence["row_id"].isin(pairs["row_id"])]
    return placed, unplaced


def _by_window(punches: pd.DataFrame, sessions: pd.DataFrame, groups: dict[str, str],
               settings: Any) -> pd.DataFrame:
    if punches.empty:
        return punches
    opens = pd.Timedelta(minutes=settings.checkin_opens_minutes)
    days = pd.concat([punches.assign(day=punches["at"].dt.normalize() - pd.Timedelta(days=back))
                      for back in (0, 1)])
    pairs = days.merge(sessions.assign(day=sessions["start_at"].dt.normalize()), on="day").drop(columns="day")
    inside = (pairs["at"] >= pairs["start_at"] - opens) & (pairs["at"] <= pairs["end_at"] + CHECKOUT_AFTER_END)
    pairs = _for_group(pairs[inside], groups)
    distance = (pairs["at"] - pairs["start_at"]).abs()
    return pairs.loc[distance.groupby(pairs["row_id"]).idxmin()] if len(pairs) else pairs


def _by_date(days: pd.DataFrame, sessions: pd.DataFrame, groups: dict[str, str]) -> pd.DataFrame:
    if days.empty:
        return days
    pairs = days.assign(d=pd.to_datetime(days["day"]).dt.normalize()).merge(
        sessions.assign(d=sessions["start_at"].dt.normalize()), on="d").drop(columns="d")
    return _for_group(pairs, groups)


def _by_overlap(leave: pd.DataFrame, sessions: pd.DataFrame, groups: dict[str, str]) -> pd.DataFrame:
    if leave.empty:
        return leave
    pairs = leave.merge(sessions, how="cross")
    ends = pairs["leave_to"].fillna(pairs["leave_from"])
    ends = ends.where(ends.dt.normalize() != ends, ends + pd.Timedelta(days=1))  # a bare date: all day
    overlap = (pairs["leave_from"] < pairs["end_at"]) & (ends > pairs["start_at"])
    return _for_group(pairs[overlap], groups)


def _online(online: pd.DataFrame, sessions: pd.DataFrame, groups: dict[str, str]) -> pd.DataFrame:
    """By title (equal, or one containing the other); several titles alike → the one at that time;
    no title alike → the session whose time the viewing overlaps."""
    if online.empty:
        return online
    titles = online.assign(key=online["title"].map(lambda t: normalize(clean_name(t)) if t else ""))
    pairs = titles.merge(sessions, how="cross", suffixes=("_x", ""))
    alike = [bool(a) and bool(b) and (a == b or a in b or b in a)
             for a, b in zip(pairs["key"], pairs["title"])]
    near = pairs["at"].notna() & (pairs["at"] >= pairs["start_at"] - ONLINE_SLACK) & (
        pairs["at"] <= pairs["end_at"] + ONLINE_SLACK)
    pairs = pairs.assign(alike=alike, near=near)
    pairs = _for_group(pairs[pairs["alike"] | pairs["near"]], groups)
    pairs = pairs.assign(score=pairs["alike"].astype(int) * 2 + pairs["near"].astype(int))
    best = pairs[pairs["score"] == pairs.groupby("row_id")["score"].transform("max")]
    unique = best.groupby("row_id")["session_id"].transform("nunique") == 1
    return best[unique].drop_duplicates("row_id").drop(columns=["key", "alike", "near", "score"])
