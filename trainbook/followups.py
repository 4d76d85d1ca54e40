"""`followup`: who has not finished, what they lack, and what to offer them — the 跟进 sheet.

After the end: every approved student whose certificate is not 是, and those who withdrew. Before
it: those at 高 risk. What the coordinator writes in 跟进记录 stays with its student across reruns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, listing, message
from trainbook.metrics import Progress
from trainbook.policy.plan import program_ended
from trainbook.schema.columns import labels
from trainbook.schema.sheets import BY_KEY, CERTIFICATE, FOLLOWUP_ACTION, RISK
from trainbook.workbook.master import Master

ATTENDED = ("present", "late", "early_leave")
MAKE_UP_GAP = 0.15  # attendance this close to the threshold is made up with classes; further off, retraining


@dataclass
class FollowupRun:
    """The follow-up list as of a day."""

    as_of: dt.date
    lang: Lang
    rows: pd.DataFrame  # the 跟进 sheet, by its columns' keys, labels in the workbook's language
    ended: bool
    out: str | None = None
    retrain: list[str] = field(default_factory=list)  # student ids whose suggestion is 复训

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        key = "followup-ended" if self.ended else "followup-running"
        text = message(key, lang, as_of=self.as_of, count=len(self.rows), retrain=len(self.retrain))
        return text + (message("followup-out", lang, path=self.out) if self.out else "")


def work_out(master: Master, result: Progress) -> FollowupRun:
    """The 跟进 sheet from the master and its progress as of `result.as_of`, notes kept."""
    lang, settings = master.lang, result.settings
    ended = program_ended(settings, result.plan, pd.Timestamp(result.as_of))
    people = master.typed("enrollment")
    for column in ("student_id", "name", "department", "group_id", "mobile", "manager", "manager_mobile",
                   "review_status", "status"):
        if column not in people:
            people[column] = None
    people = people.dropna(subset=["student_id"]).drop_duplicates("student_id").set_index("student_id")
    people = people[people["review_status"] == "approved"]
    figures = result.students
    if ended:
        behind = figures.index[figures["certificate"] != "yes"]
    else:
        behind = figures.index[figures["risk"] == "high"]
    withdrawn = people.index[people["status"] == "withdrawn"]
    notes = _notes(master)
    listed = [*behind, *[s for s in withdrawn if s not in set(behind)]]
    kept = [s for s in notes if s in set(people.index) and s not in set(listed)]  # her notes are never dropped
    chosen = [*listed, *kept]
    rows = pd.DataFrame(index=pd.Index(chosen, name="student_id"))
    rows = rows.join(people[["name", "department", "group_id", "mobile", "manager", "manager_mobile", "status"]])
    rows = rows.join(figures[["certificate", "risk", "needed", "attendance_rate", "attendance_rate_max", "task_rate",
                              "final_score"]])
    groups = master.typed("groups")
    tutors = dict(zip(groups["group_id"], groups["tutor"])) if {"group_id", "tutor"} <= set(groups) else {}
    rows["tutor"] = rows["group_id"].map(tutors)
    rows["last_attended"] = _last_attended(master, result).reindex(rows.index)
    actions = labels(FOLLOWUP_ACTION, lang)
    suggested = [_suggest(row, settings.attendance_threshold, settings.task_threshold, settings.score_threshold, ended)
                 for row in rows.to_dict("records")]
    rows["suggestion"] = [listing([actions[k] for k in keys], lang) for keys in suggested]
    rows["lacks"] = [message("followup-withdrew", lang) if row["status"] == "withdrawn" else row["needed"]
                     for row in rows.to_dict("records")]
    off = rows.index.isin(kept)
    rows.loc[off, "lacks"] = message("followup-off-list", lang, as_of=result.as_of)
    rows.loc[off, "suggestion"] = None
    rows["certificate"] = rows["certificate"].map(labels(CERTIFICATE, lang))
    rows["risk"] = rows["risk"].map(labels(RISK, lang))
    rows["status"] = rows["status"].map(labels(BY_KEY["enrollment"].column("status").choices, lang))
    rows["followup_note"] = rows.index.map(lambda s: notes.get(str(s)))
    retrain = [str(s) for s, keys, gone in zip(rows.index, suggested, off) if "retrain" in keys and not gone]
    sheet = rows.reset_index().reindex(columns=BY_KEY["followup"].keys)
    return FollowupRun(result.as_of, lang, sheet, ended, retrain=retrain)


def _last_attended(master: Master, result: Progress) -> pd.Series:
    """The day of each student's last session attended by `result.as_of`: as progress has it, and
    for those it leaves out (withdrawn students), as the attendance sheet records it."""
    statuses = result.statuses
    came = (statuses[statuses["status"].isin(ATTENDED)].groupby("student_id")["date"].max()
            if not statuses.empty and "date" in statuses else pd.Series(dtype="datetime64[ns]"))
    records = master.typed("attendance")
    if not {"session_id", "student_id", "status"} <= set(records) or "date" not in result.plan:
        return came
    records = records[records["status"].isin(ATTENDED)]
    days = records["session_id"].map(result.plan["date"])
    sheet = days[days <= pd.Timestamp(result.as_of)].groupby(records["student_id"]).max()
    return came.combine_first(sheet)


def _suggest(row: dict[Hashable, Any], attendance: float, tasks: float, score: float, ended: bool) -> list[str]:
    """What to offer: 补课 for attendance a few sessions short, 复训 when it is far off (or
    cannot be reached, or the student withdrew), 补交作业 for tasks, 补考 for the score."""
    if row["status"] == "withdrawn":
        return ["retrain"]
    out = []
    rate, reachable = row["attendance_rate"], row["attendance_rate_max"]
    if isinstance(rate, float) and rate < attendance - 1e-9:
        far = rate < attendance - MAKE_UP_GAP or (not ended and isinstance(reachable, float)
                                                  and reachable < attendance - 1e-9)
        out.append("retrain" if far else "make_up")
    if isinstance(row["task_rate"], float) and row["task_rate"] < tasks - 1e-9:
        out.append("hand_in")
    if isinstance(row["final_score"], float) and row["final_score"] < score - 1e-9:
        out.append("retake")
    return out or ["retrain"]


def _notes(master: Master) -> dict[str, str]:
    """What the coordinator wrote in 跟进记录, by student."""
    frame = master.frame("followup")
    if "student_id" not in frame or "followup_note" not in frame:
        return {}
    kept = frame.dropna(subset=["student_id", "followup_note"])
    return {str(s): str(n) for s, n in zip(kept["student_id"], kept["followup_note"]) if values.given(n)}
