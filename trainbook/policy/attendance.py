"""Attendance statuses from evidence (SPEC §5): punches and sign-ins, online watching, DingTalk's
own day results, and approved leave — one row per (session, student)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from trainbook.i18n import Lang

RANK = {"present": 5, "late": 4, "early_leave": 3, "excused": 2, "absent": 1}
KEY = ["session_id", "student_id"]
OUTPUT = [*KEY, "status", "checkin_at", "checkout_at", "watch_minutes", "note"]

# DingTalk result words, most decisive first (dingtalk-exports.md §1.5).
DAY_RULES: tuple[tuple[str, str | None], ...] = (
    (r"补卡审批通过|举证打卡审批通过|管理员.*改为正常|补卡|补签", "present"),
    (r"假|调休|倒休|出差|外出|外勤", "excused"),
    (r"旷工", "absent"),
    (r"严重迟到|迟到", "late"),
    (r"缺卡|未打卡", "absent"),
    (r"早退", "early_leave"),
    (r"休息|未排班|不在考勤组|未加入考勤组", None),
    (r"正常", "present"),
)


def day_status(text: object) -> str | None:
    """A DingTalk day result ('上班迟到12分钟', '管理员张三改为正常', '事假 1天') as a status key."""
    for pattern, status in DAY_RULES:
        if re.search(pattern, str(text or "")):
            return status
    return None


def _punch_statuses(punches: pd.DataFrame, settings: Any) -> pd.DataFrame:
    grace = pd.Timedelta(minutes=settings.late_grace_minutes)
    early = pd.Timedelta(minutes=settings.early_leave_grace_minutes)
    before_end = punches[punches["at"] <= punches["end_at"]]
    first = before_end.groupby(KEY)["at"].min().rename("checkin_at")
    last = punches.groupby(KEY)["at"].max().rename("last")
    bounds = punches.groupby(KEY)[["start_at", "end_at"]].first()
    out = bounds.join(first).join(last)
    out["status"] = np.where(out["checkin_at"].isna(), "absent",
                             np.where(out["checkin_at"] <= out["start_at"] + grace, "present", "late"))
    out["checkout_at"] = out["last"].where(out["last"] > out["checkin_at"])
    if settings.require_checkout == "yes":
        left_early = out["checkin_at"].notna() & (out["last"] < out["end_at"] - early)
        out.loc[left_early, "status"] = "early_leave"
    out["note"] = None
    return out.reset_index()


def _online_statuses(online: pd.DataFrame, settings: Any, lang: Lang) -> pd.DataFrame:
    frame = online.assign(live=online["live_minutes"].fillna(0), replay=online["replay_minutes"].fillna(0),
                          joined_at=online.get("joined_at", pd.Series(pd.NaT, index=online.index)))
    per_account = frame.groupby([*KEY, "account"], dropna=False).agg(
        live=("live", "sum"), replay=("replay", "sum"), joined=("joined_at", "min"),
        start_at=("start_at", "first"), end_at=("end_at", "first"))
    per_account["counted"] = per_account["live"] + (per_account["replay"] if settings.count_replay == "yes" else 0)
    per_account["total"] = per_account["live"] + per_account["replay"]
    best = per_account.sort_values("counted").groupby(KEY).tail(1).reset_index()
    length = (best["end_at"] - best["start_at"]).dt.total_seconds() / 60
    enough = best["counted"] >= settings.online_min_watch_ratio * length - 1e-9
    late = best["joined"].notna() & (best["joined"] > best["start_at"] + pd.Timedelta(
        minutes=settings.late_grace_minutes))
    best["status"] = np.where(enough, np.where(late, "late", "present"), "absent")
    best["watch_minutes"] = best["total"].round(1)
    best["checkin_at"] = best["joined"]
    best["checkout_at"] = pd.NaT
    zh = lang == "zh"
    best["note"] = [
        (f"观看 {t:g} 分钟（直播 {lv:g} + 回放 {rp:g}）" if zh else f"watched {t:g} min (live {lv:g} + replay {rp:g})")
        + ("" if ok else (f"，不足 {settings.online_min_watch_ratio:.0%}" if zh
                          else f", below {settings.online_min_watch_ratio:.0%}"))
        for t, lv, rp, ok in zip(best["total"].round(1), best["live"].round(1), best["replay"].round(1), enough)]
    return best


def statuses(evidence: pd.DataFrame, settings: Any, lang: Lang) -> pd.DataFrame:
    """One row per (session, student) with the best status any evidence gives, checked in/out
    times, watch minutes and a note. Approved leave counts only where nothing shows attendance."""
    parts = []
    kind = evidence.get("evidence", pd.Series("punch", index=evidence.index))
    punches = evidence[kind == "punch"]
    if len(punches):
        parts.append(_punch_statuses(punches, settings))
    online = evidence[kind == "online"]
    if len(online):
        parts.append(_online_statuses(online, settings, lang))
    days = evidence[kind == "day"]
    if len(days):
        found = days.assign(status=days["day_status"].map(day_status)).dropna(subset=["status"])
        parts.append(found[[*KEY, "status"]].assign(note=found["day_status"]))
    leave = evidence[kind == "leave"]
    if len(leave):
        parts.append(leave[KEY].assign(status="excused", note=leave.get("note")))
    if not parts:
        return pd.DataFrame(columns=OUTPUT)
    allrows = pd.concat([p.reindex(columns=OUTPUT) for p in parts], ignore_index=True)
    return combine(allrows)


def combine(rows: pd.DataFrame) -> pd.DataFrame:
    """Several rows for one (session, student) → one: best status, earliest check-in, latest
    check-out, longest watch, the note that goes with the winning status."""
    rows = rows.assign(rank=rows["status"].map(RANK)).sort_values("rank", ascending=False, kind="stable")
    best = rows.drop_duplicates(KEY, keep="first").set_index(KEY)
    best["checkin_at"] = rows.groupby(KEY)["checkin_at"].min()
    best["checkout_at"] = rows.groupby(KEY)["checkout_at"].max()
    best["watch_minutes"] = rows.groupby(KEY)["watch_minutes"].max()
    return best.reset_index()[OUTPUT]
