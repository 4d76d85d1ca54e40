"""Attendance statuses from evidence placed on sessions, by the program's policy (the settings'
grace minutes, check-out rule and online watch ratio): punches and sign-ins, punch pairs and day
results with DingTalk's own words, approved absences, and online watching — one row per
(session, student), the best status any evidence gives."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trainbook.i18n import Lang, message

if TYPE_CHECKING:  # for annotations only: importing this module loads no pydantic
    from trainbook.schema.settings import Settings

RANK = {"present": 6, "late": 5, "early_leave": 4, "excused": 3, "not_applicable": 2, "absent": 1}
KEY = ["session_id", "student_id"]
OUTPUT = [*KEY, "status", "checkin_at", "checkout_at", "watch_minutes", "note"]

# What a DingTalk result word says of one punch (or of a whole day), most decisive first: approvals
# and corrections are presence; 休息, 未入职, 离职 say the day is not one to attend.
WORDS: tuple[tuple[str, str], ...] = (
    (r"补卡审批通过|举证打卡审批通过|管理员.*改为正常|补卡|补签|外勤", "ok"),
    (r"休息|未排班|不在考勤组|未加入考勤组|未入职|离职", "off"),
    (r"假|调休|倒休|出差|公差|外出", "excused"),
    (r"旷工", "absent"),
    (r"迟到", "late"),
    (r"早退", "early"),
    (r"缺卡|未打卡", "missing"),
    (r"正常", "ok"),
)
SIDE_RANK = {"ok": 4, "late": 3, "excused": 2, "early": 1, "missing": 0, "absent": 0}


def word(text: object) -> str | None:
    """What a result word says: ok, late, early, excused, missing, absent, off (not a day to
    attend), or None when it says none of these."""
    if not isinstance(text, str) or not text.strip():
        return None
    for pattern, meaning in WORDS:
        if re.search(pattern, text):
            return meaning
    return None


def _words(s: pd.Series) -> pd.Series:
    table = {t: word(t) for t in s.dropna().unique()}
    return s.map(table).astype(object)


def _better(a: pd.Series, b: pd.Series) -> pd.Series:
    """Side verdicts element-wise: the better of two (either may be missing)."""
    rank_a, rank_b = a.map(SIDE_RANK), b.map(SIDE_RANK)
    return a.where(rank_a.fillna(-1) >= rank_b.fillna(-1), b)


def _punch_statuses(punches: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The first punch before the end checks in (on time within the grace — or whenever DingTalk's
    own result for that punch says 正常 or a correction), the last checks out."""
    grace = pd.Timedelta(minutes=settings.late_grace_minutes)
    early = pd.Timedelta(minutes=settings.early_leave_grace_minutes)
    before_end = punches[punches["at"] <= punches["end_at"]].sort_values("at", kind="stable")
    first = before_end.drop_duplicates(KEY).set_index(KEY)
    last = punches.groupby(KEY)["at"].max().rename("last")
    bounds = punches.groupby(KEY)[["start_at", "end_at"]].first()
    out = bounds.join(first["at"].rename("checkin_at")).join(last)
    said = _words(first["result"]) if "result" in first else pd.Series(None, index=first.index, dtype=object)
    out["said"] = said.reindex(out.index)
    on_time = (out["checkin_at"] <= out["start_at"] + grace) | (out["said"] == "ok")
    out["status"] = np.where(out["checkin_at"].isna(), "absent", np.where(on_time, "present", "late"))
    out["checkout_at"] = out["last"].where(out["last"] > out["checkin_at"])
    if settings.require_checkout == "yes":
        left_early = out["checkin_at"].notna() & (out["last"] < out["end_at"] - early)
        out.loc[left_early, "status"] = "early_leave"
    out["note"] = None
    return out.reset_index()


def slot_statuses(slots: pd.DataFrame, settings: Settings, lang: Lang) -> pd.DataFrame:
    """One status per placed punch pair or day result. Each side of a pair is judged twice — by
    DingTalk's word and by its time against the session under the program's policy — and the
    better judgement stands (a correction is presence; a check-in within the grace is on time
    whatever the shift says). The check-in side decides; the check-out side matters only with
    `require_checkout`. A slot whose words say the day is not one to attend, and that has no
    time, is 不适用 (not_applicable); a slot that says nothing gives no status (NaN)."""
    grace = pd.Timedelta(minutes=settings.late_grace_minutes)
    early = pd.Timedelta(minutes=settings.early_leave_grace_minutes)
    day = _words(slots.get("day_result", pd.Series(None, index=slots.index, dtype=object)))
    on_word = _words(slots.get("on_result", pd.Series(None, index=slots.index, dtype=object))).fillna(day)
    off_word = _words(slots.get("off_result", pd.Series(None, index=slots.index, dtype=object))).fillna(
        day.where(day != "late"))
    on_word = on_word.where(on_word != "early", "ok")  # a day word of leaving early says the check-in was made
    on_at, off_at = slots["on_at"], slots["off_at"]
    on_time = pd.Series(None, index=slots.index, dtype=object)
    on_time[(on_at < slots["end_at"]).to_numpy()] = "late"  # a punch after the end checked nobody in
    on_time[(on_at <= slots["start_at"] + grace).to_numpy()] = "ok"
    off_time = pd.Series(None, index=slots.index, dtype=object)
    off_time[off_at.notna().to_numpy()] = "early"
    off_time[(off_at >= slots["end_at"] - early).to_numpy()] = "ok"
    on = _better(on_word.where(on_word != "off"), on_time)
    off = _better(off_word.where(off_word != "off"), off_time)
    status = pd.Series(None, index=slots.index, dtype=object)
    for when, what in (  # the last that applies wins: from least to most decisive
        (on.isin(["missing", "absent"]) | (on.isna() & off.notna()), "absent"),
        (off == "excused", "excused"),
        (on.isna() & (off == "ok"), "present"),
        (on == "excused", "excused"), (on == "late", "late"), (on == "ok", "present"),
    ):
        status[when.to_numpy()] = what
    day_off = (on_word == "off") | (off_word == "off")  # 休息, 未入职, 离职: the session is not the student's
    status[(status.isna() & day_off).to_numpy()] = "not_applicable"
    if settings.require_checkout == "yes":
        left = status.isin(["present", "late"]) & off.isin(["early", "missing", "absent"])
        status = status.where(~left, "early_leave")
    said = [_said(*texts, lang) for texts in zip(slots.get("on_result", day), slots.get("off_result", day),
                                                   slots.get("day_result", day))]
    return pd.DataFrame({
        "session_id": slots["session_id"], "student_id": slots["student_id"], "status": status,
        "checkin_at": on_at.where(on_at <= slots["end_at"]), "checkout_at": off_at, "watch_minutes": np.nan,
        "note": said,
    })


def _said(on: object, off: object, day: object, lang: Lang) -> str | None:
    """DingTalk's words on a slot, for the attendance row's note: '钉钉：上班迟到5分钟，下班正常'."""
    parts = []
    for side, text in (("said-in", on), ("said-out", off)):
        if isinstance(text, str) and text.strip():
            parts.append(message(side, lang, text=text.strip()))
    if isinstance(day, str) and day.strip() and not parts:
        parts.append(day.strip())
    if not parts:
        return None
    return message("said", lang, parts=message("said-and", lang).join(parts))


def _online_statuses(online: pd.DataFrame, settings: Settings, lang: Lang) -> pd.DataFrame:
    frame = online.assign(live=online["live_minutes"].fillna(0), replay=online["replay_minutes"].fillna(0),
                          joined_at=online.get("joined_at", pd.Series(pd.NaT, index=online.index)))
    per_account = frame.groupby([*KEY, "account"], dropna=False).agg(
        live=("live", "sum"), replay=("replay", "sum"), joined=("joined_at", "min"),
        start_at=("start_at", "first"), end_at=("end_at", "first"))
    per_account["counted"] = per_account["live"] + (per_account["replay"] if settings.count_replay == "yes" else 0)
    per_account["total"] = per_account["live"] + per_account["replay"]
    best: pd.DataFrame = per_account.sort_values("counted").groupby(KEY).tail(1).reset_index()
    length = (best["end_at"] - best["start_at"]).dt.total_seconds() / 60
    enough = best["counted"] >= settings.online_min_watch_ratio * length - 1e-9
    late = best["joined"].notna() & (best["joined"] > best["start_at"] + pd.Timedelta(
        minutes=settings.late_grace_minutes))
    best["status"] = np.where(enough, np.where(late, "late", "present"), "absent")
    best["watch_minutes"] = best["total"].round(1)
    best["checkin_at"] = best["joined"]
    best["checkout_at"] = pd.NaT
    best["note"] = [
        message("watched", lang, total=t, live=lv, replay=rp)
        + ("" if ok else message("watched-below", lang, ratio=settings.online_min_watch_ratio))
        for t, lv, rp, ok in zip(best["total"].round(1), best["live"].round(1), best["replay"].round(1), enough)]
    return best


def statuses(evidence: pd.DataFrame, kind: str, settings: Settings, lang: Lang) -> pd.DataFrame:
    """One row per (session, student) with the best status the placed evidence of `kind` (punch,
    slot, leave, online) gives, checked-in/out times, watch minutes and a note. Slots that say
    nothing give no row."""
    if evidence.empty:
        return pd.DataFrame(columns=OUTPUT)
    if kind == "punch":
        found = _punch_statuses(evidence, settings)
    elif kind == "online":
        found = _online_statuses(evidence, settings, lang)
    elif kind == "leave":
        found = evidence[KEY].assign(status="excused", note=evidence.get("note"))
    else:
        found = slot_statuses(evidence, settings, lang).dropna(subset=["status"])
    return combine(found.reindex(columns=OUTPUT)) if len(found) else pd.DataFrame(columns=OUTPUT)


def combine(rows: pd.DataFrame) -> pd.DataFrame:
    """Several rows for one (session, student) → one: best status, earliest check-in, latest
    check-out, longest watch, the note that goes with the winning status."""
    rows = rows.assign(rank=rows["status"].map(RANK)).sort_values("rank", ascending=False, kind="stable")
    best = rows.drop_duplicates(KEY, keep="first").set_index(KEY)
    best["checkin_at"] = rows.groupby(KEY)["checkin_at"].min()
    best["checkout_at"] = rows.groupby(KEY)["checkout_at"].max()
    best["watch_minutes"] = rows.groupby(KEY)["watch_minutes"].max()
    return best.reset_index()[OUTPUT]
