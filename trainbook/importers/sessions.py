"""Which session a piece of attendance evidence belongs to.

- Punches: the session whose time holds them. A punch before a day's first session is its check-in
  however early; one after the last session its check-out (into the night, up to six hours past
  midnight). Of the punches between two sessions the first is the earlier one's check-out and the
  last the later one's check-in; a lone one (or one between those) is the later one's check-in once
  its check-in window (`checkin_opens_minutes`) has opened, else the earlier one's check-out. A
  punch whose export names the time it was for (原始记录's 考勤时间) goes to the session of that time.
- A punch pair of a day (每日统计, 月度汇总): the session its planned times overlap most, else the
  one its own times do, else — with neither — the session of the same rank that day. A pair is
  evidence for that one session only; a day's own word is for the day's other sessions (those an
  approved absence of the same day covers more than half of are the absence's).
- An approved absence (leave, or one named in a day's cell): every session it overlaps.
- Online viewing: by title, then by time.
- `--session` forces one session for everything.
Evidence no session takes is passed over with its reason; a session that had not ended when the
export was made (its 报表生成时间) takes nothing from it.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.importers.identity import clean_name
from trainbook.policy.plan import session_plan
from trainbook.schema.evidence import Evidence
from trainbook.schema.settings import Settings
from trainbook.values import normalize
from trainbook.workbook.master import Master

CHECKOUT_AFTER_END = pd.Timedelta(hours=6)  # an evening session's check-out after midnight
ONLINE_SLACK = pd.Timedelta(hours=1)
SESSION = ["session_id", "start_at", "end_at"]
NAT: Any = pd.NaT  # as a column's value: pandas-stubs' assign() takes no NaT


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


def their_sessions(students: pd.Series, sessions: pd.DataFrame, groups: dict[str, str]) -> pd.DataFrame:
    """Every (student, session) where the session is for everyone or for the student's group, with
    the session's day and its rank among the student's sessions of that day (1 = first)."""
    pairs = pd.DataFrame({"student_id": pd.unique(students.dropna())}).merge(
        sessions[SESSION].assign(at=np.arange(len(sessions))), how="cross")
    # whether each group (and no group: the last row) may attend each session, looked up per pair
    codes, named = pd.factorize(pairs["student_id"].map(groups))
    allowed = np.array([[not gs or g in gs for gs in sessions["groups"]] for g in [*named, None]],
                       dtype=bool).reshape(len(named) + 1, len(sessions))
    ok: np.ndarray = allowed[codes, pairs["at"].to_numpy(dtype=np.int64)]
    pairs = pairs[ok].drop(columns="at").sort_values(["student_id", "start_at"])
    pairs["day"] = pairs["start_at"].dt.normalize()
    pairs["rank"] = pairs.groupby(["student_id", "day"]).cumcount() + 1
    return pairs.reset_index(drop=True)


def assign(evidence: pd.DataFrame, kind: Evidence, sessions: pd.DataFrame, groups: dict[str, str], settings: Settings,
           forced: str | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Evidence rows with `session_id`, `start_at`, `end_at` (a leave row may cover several
    sessions); and, for the evidence rows no session takes, their export row → the message key of why."""
    evidence = evidence.reset_index(names="source_row")
    evidence["row_id"] = np.arange(len(evidence))
    if evidence.empty:
        return evidence.assign(session_id=None, start_at=NAT, end_at=NAT), pd.Series(dtype=object)
    if forced is not None:
        placed = evidence.merge(sessions.loc[sessions["session_id"] == forced, SESSION], how="cross")
    elif sessions.empty:
        placed = evidence.iloc[0:0].assign(session_id=None, start_at=NAT, end_at=NAT)
    else:
        mine = their_sessions(evidence["student_id"], sessions, groups)
        by_kind = {"punch": _punches, "slot": _slots, "leave": _leave, "online": _online}
        placed = by_kind[kind.key](evidence, mine, sessions, settings).drop(columns=["filed_day"], errors="ignore")
    reasons = pd.Series("skip-no-session", index=evidence["row_id"], dtype=object)
    # an export cannot know how a session that ends after it was made went; an approved leave for it can
    if kind.key != "leave" and "exported_at" in placed and placed["exported_at"].notna().any():
        after = placed["exported_at"].notna() & (placed["end_at"] > placed["exported_at"])
        reasons[placed.loc[after, "row_id"].to_numpy()] = "skip-session-not-over"
        placed = placed[~after]
    missing = ~evidence["row_id"].isin(placed["row_id"])
    why = pd.Series(reasons[evidence.loc[missing, "row_id"]].to_numpy(), index=evidence.loc[missing, "source_row"])
    return placed.reset_index(drop=True), why


def _same_day(evidence: pd.DataFrame, mine: pd.DataFrame, day: pd.Series, back: int = 0) -> pd.DataFrame:
    """Evidence × the student's sessions of the evidence's day (and of `back` days before); the
    evidence's own day stays as `filed_day`."""
    own = pd.to_datetime(day).dt.normalize()
    days = pd.concat([evidence.assign(day=own - pd.Timedelta(days=b), filed_day=own) for b in range(back + 1)],
                     ignore_index=True)
    return days.merge(mine, on=["student_id", "day"])


def _punches(punches: pd.DataFrame, mine: pd.DataFrame, sessions: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    planned = punches["planned_at"].notna() if "planned_at" in punches else pd.Series(False, index=punches.index)
    opens = pd.Timedelta(minutes=settings.checkin_opens_minutes)
    parts = [_by_plan(punches[planned], mine), _by_time(punches[~planned], mine, opens)]
    return pd.concat([p for p in parts if len(p)] or [parts[0]], ignore_index=True)


def _by_plan(punches: pd.DataFrame, mine: pd.DataFrame) -> pd.DataFrame:
    """A punch whose export says what time it was for: the session nearest that time that day."""
    if punches.empty:
        return punches.assign(session_id=None, start_at=NAT, end_at=NAT)
    pairs = _same_day(punches, mine, punches["planned_at"].dt.normalize())
    plan = pairs["planned_at"]
    outside = np.maximum((pairs["start_at"] - plan).dt.total_seconds(), (plan - pairs["end_at"]).dt.total_seconds())
    edge = np.minimum((plan - pairs["start_at"]).abs().dt.total_seconds(), (plan - pairs["end_at"]).abs().dt.total_seconds())
    pairs = pairs.assign(outside=np.maximum(outside, 0), edge=edge).sort_values(["row_id", "outside", "edge"])
    return pairs.drop_duplicates("row_id").drop(columns=["outside", "edge", "day", "rank"])


def _by_time(punches: pd.DataFrame, mine: pd.DataFrame, opens: pd.Timedelta) -> pd.DataFrame:
    """Punches by time alone (see the module's docstring). A punch the export files under a day
    (a grid's cell, 原始记录's 考勤日期) belongs to that day's sessions; one without, to its own
    day's — or, up to six hours after it ended, the previous day's last."""
    if punches.empty:
        return punches.assign(session_id=None, start_at=NAT, end_at=NAT)
    if "day" not in punches:
        punches = punches.assign(day=NAT)
    filed = punches["day"].notna()
    pairs = pd.concat([_same_day(punches[filed], mine, punches.loc[filed, "day"]),
                       _same_day(punches[~filed], mine, punches.loc[~filed, "at"].dt.normalize(), back=1)],
                      ignore_index=True)
    at = pairs["at"]
    own_day = pairs["day"] == pairs.get("filed_day", at.dt.normalize())
    inside = (at >= pairs["start_at"]) & (at <= pairs["end_at"])
    ended = (pairs["end_at"] < at) & (own_day | (at - pairs["end_at"] <= CHECKOUT_AFTER_END))
    ahead = (pairs["start_at"] > at) & own_day
    held = pairs[inside].assign(gap=(at - pairs["start_at"])[inside].abs()).sort_values(["row_id", "gap"])
    held = held.drop_duplicates("row_id")
    prev = pairs[ended & ~pairs["row_id"].isin(held["row_id"])]
    prev = prev.loc[(prev["at"] - prev["end_at"]).groupby(prev["row_id"]).idxmin()] if len(prev) else prev
    nxt = pairs[ahead & ~pairs["row_id"].isin(held["row_id"])]
    nxt = nxt.loc[(nxt["start_at"] - nxt["at"]).groupby(nxt["row_id"]).idxmin()] if len(nxt) else nxt
    both = set(prev["row_id"]) & set(nxt["row_id"])
    only_prev, only_next = prev[~prev["row_id"].isin(both)], nxt[~nxt["row_id"].isin(both)]
    gap_prev = prev[prev["row_id"].isin(both)].set_index("row_id")
    gap_next = nxt[nxt["row_id"].isin(both)].set_index("row_id")
    chosen = [held, only_prev, only_next]
    if len(gap_prev):
        gap_next = gap_next.loc[gap_prev.index]
        order = pd.DataFrame({"student": gap_prev["student_id"], "prev": gap_prev["session_id"],
                              "next": gap_next["session_id"], "at": gap_prev["at"],
                              "opened": gap_prev["at"] >= gap_next["start_at"] - opens}).sort_values("at")
        within = order.groupby(["student", "prev", "next"])
        rank, size = within.cumcount(), within["at"].transform("size")
        first, last = (rank == 0) & (size > 1), (rank == size - 1) & (size > 1)
        goes_next = (order["opened"] & ~first) | last  # a lone punch, or one in the middle: by the check-in window
        to_next = goes_next.reindex(gap_prev.index).to_numpy(dtype=bool)
        chosen += [gap_prev[~to_next].reset_index(), gap_next[to_next].reset_index()]
    placed = pd.concat([c for c in chosen if len(c)] or [held], ignore_index=True)
    return cast(pd.DataFrame, placed.drop(columns=["day", "rank", "gap"], errors="ignore"))


def _slots(slots: pd.DataFrame, mine: pd.DataFrame, sessions: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Punch pairs and day results (see the module's docstring)."""
    for column in ("leave_from", "leave_to", "planned_from", "planned_to"):
        if column not in slots:
            slots[column] = pd.NaT
    leave = slots["leave_from"].notna()
    numbered = slots["slot"].notna() & ~leave
    whole_day = ~numbered & ~leave
    covered = _overlapping(slots[leave], mine, "leave_from", "leave_to")
    pairs = _pairs(slots[numbered], mine)
    days = _same_day(slots[whole_day], mine, pd.to_datetime(slots.loc[whole_day, "day"]).dt.normalize())
    mostly = (np.minimum(covered["leave_to"], covered["end_at"]) - np.maximum(covered["leave_from"], covered["start_at"])
              ) > (covered["end_at"] - covered["start_at"]) / 2  # a day's word still speaks for a session half held
    taken = pd.concat([pairs[["source_row", "session_id"]], covered.loc[mostly, ["source_row", "session_id"]]])
    taken_key = set(zip(taken["source_row"], taken["session_id"]))
    days = days[[key not in taken_key for key in zip(days["source_row"], days["session_id"])]]
    if len(days):  # a day's first punch checks in to its first session, its last checks out of its last
        order = days.groupby("row_id")["start_at"]
        days = days.assign(on_at=days["on_at"].where(days["start_at"] == order.transform("min")),
                           off_at=days["off_at"].where(days["start_at"] == order.transform("max")))
    placed = pd.concat([p for p in (covered, pairs, days) if len(p)] or [covered], ignore_index=True)
    return placed.drop(columns=["rank"], errors="ignore")


def _pairs(slots: pd.DataFrame, mine: pd.DataFrame) -> pd.DataFrame:
    if slots.empty:
        return slots.assign(session_id=None, start_at=NAT, end_at=NAT)
    pairs = _same_day(slots, mine, pd.to_datetime(slots["day"]).dt.normalize())
    planned = pairs["planned_from"].notna() & pairs["planned_to"].notna()
    lo = pairs["planned_from"].where(planned, pairs["on_at"].fillna(pairs["off_at"]))
    hi = pairs["planned_to"].where(planned, pairs["off_at"].fillna(pairs["on_at"]))
    overlap = cast(pd.Series, np.minimum(hi, pairs["end_at"]) - np.maximum(lo, pairs["start_at"])).dt.total_seconds()
    distance = np.maximum((pairs["start_at"] - hi).dt.total_seconds(), (lo - pairs["end_at"]).dt.total_seconds())
    timed = lo.notna()
    # with times: the most overlap (or, for a single punch, the nearest session); without: the same rank
    score = np.where(timed, np.where(overlap > 0, overlap, -np.maximum(distance, 0) - 1),
                     np.where(pairs["rank"] == pairs["slot"], 0, -np.inf))
    pairs = pairs.assign(score=score)
    pairs = pairs[np.isfinite(pairs["score"]) & (~planned | (pairs["score"] > 0))]
    pairs = pairs.sort_values(["row_id", "score"], ascending=[True, False]).drop_duplicates("row_id")
    return cast(pd.DataFrame, pairs.drop(columns=["score"]))


def _overlapping(spans: pd.DataFrame, mine: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Evidence × every one of the student's sessions its span overlaps (a bare date: all that day)."""
    if spans.empty:
        return spans.assign(session_id=None, start_at=NAT, end_at=NAT)
    pairs = spans.merge(mine.drop(columns=["rank"]).rename(columns={"day": "session_day"}), on="student_id")
    ends = pairs[end].fillna(pairs[start])
    ends = ends.where(ends.dt.normalize() != ends, ends + pd.Timedelta(days=1))
    overlap = (pairs[start] < pairs["end_at"]) & (ends > pairs["start_at"])
    return pairs[overlap].drop(columns=["session_day"])


def _leave(leave: pd.DataFrame, mine: pd.DataFrame, sessions: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    return _overlapping(leave, mine, "leave_from", "leave_to")


def _online(online: pd.DataFrame, mine: pd.DataFrame, sessions: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """By title (equal, or one containing the other); several titles alike → the one at that time;
    no title alike → the session whose time the viewing overlaps."""
    titles = online.assign(key=online["title"].map(lambda t: normalize(clean_name(t)) if t else ""))
    pairs = titles.merge(mine.drop(columns=["day", "rank"]), on="student_id").merge(
        sessions[["session_id", "title"]].rename(columns={"title": "session_title"}), on="session_id")
    alike = [bool(a) and bool(b) and (a == b or a in b or b in a) for a, b in zip(pairs["key"], pairs["session_title"])]
    near = pairs["at"].notna() & (pairs["at"] >= pairs["start_at"] - ONLINE_SLACK) & (
        pairs["at"] <= pairs["end_at"] + ONLINE_SLACK)
    pairs = pairs.assign(alike=alike, near=near)
    pairs = pairs[pairs["alike"] | pairs["near"]]
    pairs = pairs.assign(score=pairs["alike"].astype(int) * 2 + pairs["near"].astype(int))
    best = pairs[pairs["score"] == pairs.groupby("row_id")["score"].transform("max")]
    unique = best.groupby("row_id")["session_id"].transform("nunique") == 1
    return best[unique].drop_duplicates("row_id").drop(columns=["key", "alike", "near", "score", "session_title"])
