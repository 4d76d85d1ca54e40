"""Scores per student: each assessment scaled to 100 and weighted; dimension and final scores; what
the remaining assessments would need for the final score to pass."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trainbook.metrics.roster import recorded_by
from trainbook.schema.settings import Settings
from trainbook.workbook.master import Master

DIMENSIONS = ("knowledge", "skill", "attitude")


def assessments(master: Master) -> pd.DataFrame:
    frame = master.typed("assessments")
    for column in ("assessment_id", "title", "dimension", "weight", "max_score"):
        if column not in frame:
            frame[column] = None
    frame = frame.dropna(subset=["assessment_id", "weight", "max_score"]).drop_duplicates("assessment_id")
    return frame[(frame["weight"] > 0) & (frame["max_score"] > 0)].set_index("assessment_id")


def score_figures(master: Master, people: pd.DataFrame, settings: Settings, day: pd.Timestamp) -> pd.DataFrame:
    """Per student: score_<dimension>, final_score (over what is graded by `day`), the weight still
    to be graded, and the score (out of 100) the rest would need for the final to reach the threshold."""
    plan = assessments(master)
    scores = recorded_by(master.typed("scores"), "graded_at", day)
    for column in ("assessment_id", "student_id", "score"):
        if column not in scores:
            scores[column] = None
    scores = scores.dropna(subset=["assessment_id", "student_id", "score"])
    scores = scores[scores["assessment_id"].isin(plan.index) & scores["student_id"].isin(people.index)]
    scores = scores.drop_duplicates(["assessment_id", "student_id"], keep="last")
    scores = scores.join(plan[["weight", "max_score", "dimension"]], on="assessment_id")
    scores["scaled"] = (scores["score"] / scores["max_score"] * 100).clip(upper=100)
    scores["points"] = scores["scaled"] * scores["weight"]
    out: pd.DataFrame = pd.DataFrame(index=people.index)
    for dimension in DIMENSIONS:
        part = scores[scores["dimension"] == dimension].groupby("student_id")
        out[f"score_{dimension}"] = (part["points"].sum() / part["weight"].sum()).round(1)
    graded = scores.groupby("student_id")
    out["graded_weight"] = graded["weight"].sum()
    out["final_score"] = (graded["points"].sum() / out["graded_weight"]).round(1)
    out["graded_weight"] = out["graded_weight"].fillna(0)
    total = float(plan["weight"].sum()) or 1.0
    out["ungraded_weight"] = total - out["graded_weight"]
    earned = graded["points"].sum().reindex(out.index).fillna(0)
    need = (settings.score_threshold * total - earned) / out["ungraded_weight"]
    out["score_needed"] = need.where(out["ungraded_weight"] > 1e-9).round(1)
    out["final_reachable"] = ((earned + 100 * out["ungraded_weight"]) / total) >= settings.score_threshold - 1e-9
    graded_pairs = np.zeros((len(out), len(plan)), dtype=bool)  # student × assessment, in the plan's order
    graded_pairs[out.index.get_indexer(pd.Index(scores["student_id"])),
                 plan.index.get_indexer(pd.Index(scores["assessment_id"]))] = True
    ids = plan.index.to_numpy(dtype=object)
    out["ungraded"] = [ids[~row].tolist() for row in graded_pairs]
    return out


def grade(final: float | None, settings: Settings) -> str | None:
    if final is None or pd.isna(final):
        return None
    for key, floor in (("excellent", settings.grade_excellent), ("good", settings.grade_good),
                       ("pass", settings.grade_pass)):
        if final >= floor:
            return key
    return "fail"
