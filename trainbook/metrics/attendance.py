"""Attendance figures per student: statuses of applicable sessions to date, the rate and the best
rate still reachable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trainbook import values
from trainbook.metrics.aggregates import tally
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import BY_KEY, SESSION_STATUS
from trainbook.workbook.master import Master


def applying(master: Master, pairs: pd.DataFrame) -> pd.DataFrame:
    """`pairs` (student, session) without those the attendance sheet marks 不适用: a day DingTalk
    calls 休息, 未入职 or 离职 for the student, or the coordinator's word that the session is not theirs."""
    typed = master.typed("attendance")
    if not len(typed) or "status" not in typed:
        return pairs
    off = typed.loc[typed["status"] == "not_applicable", ["session_id", "student_id"]]
    if off.empty:
        return pairs
    marked = pairs.merge(off.drop_duplicates().assign(off=True), on=["session_id", "student_id"], how="left")
    return pairs[marked["off"].isna().to_numpy()]


def session_statuses(master: Master, pairs: pd.DataFrame, as_of: pd.Timestamp,
                     unrecorded: pd.Index) -> pd.DataFrame:
    """Each applicable session held by `as_of` and recorded (sessions in `unrecorded` count as not
    yet held), with its status (缺勤 when nothing was recorded for the student) and watch minutes."""
    held = pairs[(pairs["date"] <= as_of) & ~pairs["session_id"].isin(unrecorded)]
    raw = master.frame("attendance")
    wanted = ["session_id", "student_id", "status", "watch_minutes"]
    frame = values.typed(raw[[c for c in wanted if c in raw]], BY_KEY["attendance"])
    for column in wanted:
        if column not in frame:
            frame[column] = None
    recorded = frame.dropna(subset=["session_id", "student_id"]).drop_duplicates(["session_id", "student_id"])
    out = held.merge(recorded[["session_id", "student_id", "status", "watch_minutes"]],
                     on=["session_id", "student_id"], how="left")
    out["status"] = out["status"].fillna("absent")
    return out.sort_values(["student_id", "start_at"])


def attendance_figures(pairs: pd.DataFrame, held: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Per student: planned, to date, counts per status, rate, best reachable rate, watch minutes,
    current run of absences."""
    counts = tally(held, "student_id", "status", [status.key for status in SESSION_STATUS])
    out: pd.DataFrame = pd.DataFrame(index=pairs["student_id"].unique())
    out["sessions_planned"] = pairs.groupby("student_id").size()
    out["sessions_to_date"] = held.groupby("student_id").size()
    out = out.join(counts).fillna(0).astype(int)
    excused_counts = settings.excused_counts == "yes"
    absences = out["absent"] + (out["excused"] if excused_counts else 0)
    out["forgiven"] = np.minimum(absences, int(settings.free_absences))
    out["attended"] = (out["present"] + settings.late_weight * out["late"]
                       + settings.early_weight * out["early_leave"])
    out["counted"] = out["sessions_to_date"] - (0 if excused_counts else out["excused"]) - out["forgiven"]
    out["remaining"] = out["sessions_planned"] - out["sessions_to_date"]
    out["attendance_rate"] = (out["attended"] / out["counted"]).where(out["counted"] > 0)
    best_den = out["counted"] + out["remaining"]
    out["attendance_rate_max"] = ((out["attended"] + out["remaining"]) / best_den).where(best_den > 0)
    out["watch_minutes"] = held.groupby("student_id")["watch_minutes"].sum(min_count=1)
    out["absence_run"] = trailing_absences(held).reindex(out.index, fill_value=0).astype(int)
    # how many of the remaining sessions must still be attended to end at or above the threshold
    total = out["counted"] + out["remaining"]
    needed = np.ceil(settings.attendance_threshold * total.to_numpy() - out["attended"].to_numpy() - 1e-9)
    out["sessions_needed"] = np.where(total.to_numpy() > 0, np.maximum(needed, 0), 0).astype(int)
    return out


def trailing_absences(held: pd.DataFrame) -> pd.Series:
    """Per student, the absences at the end of their held sessions (in time order): after the last
    session they did not miss, or all of them."""
    if held.empty:
        return pd.Series(dtype=int)
    by = held.groupby("student_id", sort=False)
    position = by.cumcount()
    last_kept = position[(held["status"] != "absent").to_numpy()].groupby(held["student_id"]).max()
    sizes = by.size()
    return (sizes - 1 - last_kept.reindex(sizes.index, fill_value=-1)).astype(int)
