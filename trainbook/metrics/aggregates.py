"""Figures per group, department, session and teacher, and feedback summaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from trainbook.i18n import Lang, message
from trainbook.metrics.roster import recorded_by
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import SESSION_STATUS
from trainbook.workbook.master import Master

ITEMS = ("overall", "content", "teacher", "organization")


def by(students: pd.DataFrame, column: str) -> pd.DataFrame:
    """Students, mean rates and scores, and risk/certificate counts per value of `column`."""
    grouped = students.groupby(column, dropna=False)
    return pd.DataFrame({
        "students": grouped.size(),
        "attendance_rate": grouped["attendance_rate"].mean(),
        "task_rate": grouped["task_rate"].mean(),
        "final_score": grouped["final_score"].mean().round(1),
        **{f"{level}_risk": grouped["risk"].apply(  # cast: mypy cannot infer a lambda with a default
            cast(Callable[[pd.Series], int], lambda r, level=level: int((r == level).sum())))
           for level in ("high", "medium", "low")},
        "certificates": grouped["certificate"].apply(lambda c: int((c == "yes").sum())),
    })


def tally(frame: pd.DataFrame, rows: str, columns: str, kinds: list[str]) -> pd.DataFrame:
    """How many rows of `frame` there are per value of `rows` (the index) and each of `kinds` of
    `columns` (0 for none): a cross table counted in one vectorised pass."""
    if frame.empty:
        return pd.DataFrame(0, index=pd.Index([], name=rows), columns=kinds)
    counts = frame.groupby([rows, columns], sort=True).size().unstack(fill_value=0)
    return counts.reindex(columns=kinds, fill_value=0).rename_axis(columns=None)


def by_session(held: pd.DataFrame, plan: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Per held session: expected, each status, and the attendance rate of the session."""
    counts = tally(held, "session_id", "status", [status.key for status in SESSION_STATUS])
    counts["expected"] = counts.sum(axis=1)
    attended = counts["present"] + settings.late_weight * counts["late"] + settings.early_weight * counts["early_leave"]
    counted = counts["expected"] - (0 if settings.excused_counts == "yes" else counts["excused"])
    counts["attendance_rate"] = (attended / counted).where(counted > 0)
    return plan[["title", "date", "teacher"]].join(counts, how="inner")


def by_teacher(per_session: pd.DataFrame, feedback: pd.DataFrame) -> pd.DataFrame:
    """Per teacher: sessions held, expected attendances, the attendance rate over them, and their
    feedback (from `feedback_summary`)."""
    grouped = per_session.groupby("teacher")
    attended = (per_session["attendance_rate"] * per_session["expected"]).groupby(per_session["teacher"]).sum()
    out = pd.DataFrame({"sessions": grouped.size(), "expected": grouped["expected"].sum()})
    out["attendance_rate"] = (attended / out["expected"]).where(out["expected"] > 0)
    return out.join(feedback[["overall", "top2", "nps", "responses"]], how="left")


def feedback_responses(master: Master, plan: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The rated feedback responses given by `day` (those with an overall rating), each with its
    session's teacher."""
    frame = recorded_by(master.typed("feedback"), "submitted_at", day)
    for column in ("session_id", "student_id", *ITEMS, "nps"):
        if column not in frame:
            frame[column] = np.nan
    frame = frame.dropna(subset=["overall"])
    return frame.join(plan["teacher"].rename("teacher_name"), on="session_id")


def feedback_summary(responses: pd.DataFrame, settings: Settings, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Feedback per session and per teacher: item means, top-2-box, NPS, responses. Groups with fewer
    than min_group_size responses are folded into one 其他/Other row, so nobody can be singled out."""
    other = message("other", lang)  # where groups too small to show are folded
    return (_summarise(responses, "session_id", settings.min_group_size, other),
            _summarise(responses, "teacher_name", settings.min_group_size, other))


def feedback_overall(responses: pd.DataFrame, settings: Settings) -> pd.Series:
    """The whole program's feedback, as one row of `feedback_summary`'s: blank figures when there
    are fewer than min_group_size responses."""
    whole = _summarise(responses.assign(program="all"), "program", settings.min_group_size, "all")
    if whole.empty:
        return pd.Series({**dict.fromkeys([*ITEMS, "top2", "nps"], np.nan), "responses": 0})
    return whole.iloc[0]


def _summarise(frame: pd.DataFrame, key: str, minimum: int, other: str) -> pd.DataFrame:
    sizes = frame.groupby(key)["overall"].transform("size")
    keyed = frame.assign(group=frame[key].where((sizes >= minimum) & frame[key].notna(), other))
    grouped = keyed.groupby("group")
    out = grouped[list(ITEMS)].mean().round(2)
    out["top2"] = grouped["overall"].apply(lambda s: float((s >= 4).mean()))
    nps = grouped["nps"].apply(lambda s: float(((s >= 9).sum() - (s <= 6).sum()) / s.count() * 100)
                               if s.count() else np.nan)
    out["nps"] = nps.round(0)
    out["responses"] = grouped.size()
    if other in out.index and cast(int, out.loc[other, "responses"]) < minimum:
        out.loc[other, [*ITEMS, "top2", "nps"]] = np.nan  # still too few to show
    return out
