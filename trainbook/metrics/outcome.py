"""From figures to verdicts: grade, certificate, risk, what is still needed, and every figure's
arithmetic in words."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

import numpy as np
import pandas as pd

from trainbook.i18n import Lang, clauses, message, placeholders
from trainbook.metrics.scores import grade
from trainbook.schema.columns import labels
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import RISK


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:g}"


def verdicts(figures: pd.DataFrame, plan: pd.DataFrame, settings: Settings, ended: bool, waiting: pd.Series,
             lang: Lang) -> pd.DataFrame:
    """grade, certificate, risk, needed and reasons for every student row of `figures`. Once the
    program has `ended`, a student's certificate still waits (待定) while `waiting` says records of
    their held sessions, due tasks or scores are not in."""
    out: pd.DataFrame = pd.DataFrame(index=figures.index)
    f = figures
    attendance_lost = f["attendance_rate_max"] < settings.attendance_threshold - 1e-9
    # work not handed in by its due time may still be handed in late (逾期提交 counts as done) until
    # the program ends: only then are tasks lost
    task_max = ((f["tasks_done"] + f["tasks_total"] - f["tasks_due"]) / f["tasks_total"]).where(f["tasks_total"] > 0)
    tasks_lost = ended & (task_max < settings.task_threshold - 1e-9)
    score_lost = ~f["final_reachable"].fillna(True).astype(bool)
    lost = attendance_lost.fillna(False) | tasks_lost.fillna(False) | score_lost
    under = pd.DataFrame({  # below each threshold so far (a figure not there yet is not below)
        "attendance": (f["attendance_rate"] < settings.attendance_threshold - 1e-9).fillna(False),
        "tasks": (f["task_rate"] < settings.task_threshold - 1e-9).fillna(False),
        "score": (f["final_score"] < settings.score_threshold - 1e-9).fillna(False)})
    below = under.any(axis=1)
    streak = f["absence_run"] >= settings.consecutive_absences
    out["risk"] = np.where(lost | streak, "high", np.where(below, "medium", "low"))
    out["grade"] = [grade(v, settings) for v in f["final_score"]]
    met = ~under["attendance"] & ~under["tasks"] & (f["final_score"] >= settings.score_threshold - 1e-9).fillna(False)
    out["certificate"] = np.where(lost, "no", np.where(ended & ~waiting, np.where(met, "yes", "no"), "pending"))
    titles = plan["title"].to_dict() if "title" in plan else {}
    maxima = plan["max_score"].to_dict() if "max_score" in plan else {}
    records = cast(list[dict[str, Any]], f.to_dict("records"))  # plain dicts: a row Series per student would cost seconds
    below_each = cast(list[dict[str, bool]], under.to_dict("records"))
    # once over, nothing can still be done: say what was missed instead of what is needed
    out["needed"] = [_needed(row, titles, maxima, settings, lang) if not ended or cert == "pending"
                     else message("on-track", lang) if cert == "yes" else _missed(b, row, settings, lang)
                     for row, b, cert in zip(records, below_each, out["certificate"])]
    out["reasons"] = _reasons(f, out["risk"], lang, settings, attendance_lost, tasks_lost, score_lost, streak,
                              below_each)
    return out


def _missed(below: dict[str, bool], row: dict[str, Any], settings: Settings, lang: Lang) -> str:
    missed = [_below(key, settings, lang) for key, hit in below.items() if hit]
    if row.get("ungraded"):
        missed.append(message("missed-ungraded", lang))
    return message("missed", lang, missed=clauses(missed, lang)) if missed else ""


def _below(key: str, settings: Settings, lang: Lang) -> str:
    """Why a student is at 中: below a threshold that can still be reached."""
    return message(f"below-{key}", lang, attendance=settings.attendance_threshold, tasks=settings.task_threshold,
                   score=settings.score_threshold)


def _needed(row: dict[str, Any], titles: dict[Hashable, Any], maxima: dict[Hashable, Any], settings: Settings,
            lang: Lang) -> str:
    parts = []
    need, remaining = int(row["sessions_needed"]), int(row["remaining"])
    if need > remaining:
        parts.append(message("needed-attendance-lost", lang, remaining=remaining, threshold=settings.attendance_threshold))
    elif need > 0:
        parts.append(message("needed-attendance", lang, remaining=remaining, need=need))
    if pd.notna(row["task_rate"]) and row["task_rate"] < settings.task_threshold - 1e-9:
        missing = int(np.ceil(settings.task_threshold * row["tasks_due"] - row["tasks_done"] - 1e-9))
        parts.append(message("needed-tasks", lang, missing=missing))
    score = row["score_needed"]
    if pd.notna(score) and score > 0 and row["ungraded"]:
        if score > 100:
            parts.append(message("needed-score-lost", lang, threshold=settings.score_threshold))
        elif len(row["ungraded"]) == 1:
            assessment = row["ungraded"][0]
            points = np.ceil(score / 100 * maxima.get(assessment, 100) * 10) / 10
            parts.append(message("needed-score-one", lang, title=titles.get(assessment, assessment), points=points))
        else:
            parts.append(message("needed-score-mean", lang, score=np.ceil(score * 10) / 10))
    return clauses(parts, lang) if parts else message("on-track", lang)


def _reasons(f: pd.DataFrame, risk: pd.Series, lang: Lang, settings: Settings, attendance_lost: pd.Series,
             tasks_lost: pd.Series, score_lost: pd.Series, streak: pd.Series, below: list[dict[str, bool]]) -> list[str]:
    """Each figure's arithmetic, in a fixed shape (tests read the numbers back). The figures are
    put in words column by column (each distinct value once); only the sentence is per student."""
    shown = {name: _shown(f[name], name) for name in REASON_FIGURES}
    provisional = {n: message("provisional", lang, n=n) for n in {len(u) for u in f["ungraded"] if u}}
    shown["final_score"] = [f"{text}{provisional[len(u)]}" if u and pd.notna(score) else text
                            for text, u, score in zip(shown["final_score"], f["ungraded"], f["final_score"])]
    risk_label = labels(RISK, lang)
    lost = pd.DataFrame({"why-attendance-lost": attendance_lost, "why-tasks-lost": tasks_lost,
                         "why-score-lost": score_lost, "why-absences-in-a-row": streak}).fillna(False).to_numpy(bool)
    sentences = []
    for i, (level, run) in enumerate(zip(risk, f["absence_run"])):
        why = [message(key, lang, n=run) for key, hit in zip(WHY_KEYS, lost[i]) if hit]
        if level == "medium":
            why += [_below(key, settings, lang) for key, hit in below[i].items() if hit]
        sentences.append(message("reasons", lang, **{name: column[i] for name, column in shown.items()},
                                 risk=risk_label[level], why=message("why", lang, why=clauses(why, lang)) if why else ""))
    return sentences


WHY_KEYS = ("why-attendance-lost", "why-tasks-lost", "why-score-lost", "why-absences-in-a-row")
REASON_FIGURES = tuple(name for name in placeholders("reasons") if name not in ("risk", "why"))


def _shown(column: pd.Series, name: str) -> list[object]:
    """A figure as the explanation shows it: rates as percentages, other fractional numbers as
    short as they go, '—' for none, whole counts as they are — worked out once per distinct value."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    rate = name.endswith(("rate", "rate_max"))
    words = np.array([_pct(v) if rate else _num(v) if isinstance(v, float) else v for v in uniques.tolist()],
                     dtype=object)
    return cast(list[object], words[codes].tolist())
