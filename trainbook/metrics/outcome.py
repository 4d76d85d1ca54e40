"""From figures to verdicts: grade, certificate, risk, what is still needed, and every figure's
arithmetic in words."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

import numpy as np
import pandas as pd

from trainbook.i18n import Lang
from trainbook.metrics.scores import grade
from trainbook.schema.settings import Settings


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:g}"


def verdicts(figures: pd.DataFrame, plan: pd.DataFrame, settings: Settings, ended: bool, lang: Lang) -> pd.DataFrame:
    """grade, certificate, risk, needed and reasons for every student row of `figures`."""
    out: pd.DataFrame = pd.DataFrame(index=figures.index)
    f = figures
    task_max = ((f["tasks_done"] + f["tasks_total"] - f["tasks_due"]) / f["tasks_total"]).where(f["tasks_total"] > 0)
    attendance_lost = f["attendance_rate_max"] < settings.attendance_threshold - 1e-9
    tasks_lost = task_max < settings.task_threshold - 1e-9
    score_lost = ~f["final_reachable"].fillna(True).astype(bool)
    lost = attendance_lost.fillna(False) | tasks_lost.fillna(False) | score_lost
    below = ((f["attendance_rate"] < settings.attendance_threshold - 1e-9).fillna(False)
             | (f["task_rate"] < settings.task_threshold - 1e-9).fillna(False)
             | (f["final_score"] < settings.score_threshold - 1e-9).fillna(False))
    streak = f["absence_run"] >= settings.consecutive_absences
    out["risk"] = np.where(lost | streak, "high", np.where(below, "medium", "low"))
    out["grade"] = [grade(v, settings) for v in f["final_score"]]
    met = (~(f["attendance_rate"] < settings.attendance_threshold - 1e-9).fillna(False)
           & ~(f["task_rate"] < settings.task_threshold - 1e-9).fillna(False)
           & (f["final_score"] >= settings.score_threshold - 1e-9).fillna(False))
    out["certificate"] = np.where(lost, "no", np.where(ended, np.where(met, "yes", "no"), "pending"))
    titles = plan["title"].to_dict() if "title" in plan else {}
    maxima = plan["max_score"].to_dict() if "max_score" in plan else {}
    records = cast(list[dict[str, Any]], f.to_dict("records"))  # plain dicts: a row Series per student would cost seconds
    out["needed"] = [_needed(row, tm, titles, maxima, settings, lang) for row, tm in zip(records, task_max)]
    below_each = cast(list[dict[str, bool]], pd.DataFrame({
        "attendance": (f["attendance_rate"] < settings.attendance_threshold - 1e-9).fillna(False),
        "tasks": (f["task_rate"] < settings.task_threshold - 1e-9).fillna(False),
        "score": (f["final_score"] < settings.score_threshold - 1e-9).fillna(False)}).to_dict("records"))
    if ended:  # nothing can still be done: say what was missed instead of what is needed
        out["needed"] = [_missed(b, row, settings, lang) if cert != "yes" else ("已达标" if lang == "zh" else "on track")
                         for b, row, cert in zip(below_each, records, out["certificate"])]
    out["reasons"] = [_reasons(row, risk, lang, settings, a, t, sc, k, b)
                      for row, risk, a, t, sc, k, b in zip(records, out["risk"], attendance_lost, tasks_lost,
                                                           score_lost, streak, below_each)]
    return out


def _missed(below: dict[str, bool], row: dict[str, Any], settings: Settings, lang: Lang) -> str:
    thresholds = {k: getattr(settings, k) for k in ("attendance_threshold", "task_threshold", "score_threshold")}
    missed = [BELOW[lang][k].format(**thresholds) for k, hit in below.items() if hit]
    if row.get("ungraded"):
        missed.append("有考核未评分" if lang == "zh" else "assessments not graded")
    return (("项目已结束，未达到结业要求：" + "；".join(missed)) if lang == "zh"
            else "The program has ended without meeting: " + "; ".join(missed)) if missed else ""


def _needed(row: dict[str, Any], task_max: float, titles: dict[Hashable, Any], maxima: dict[Hashable, Any], settings: Settings,
            lang: Lang) -> str:
    zh = lang == "zh"
    parts = []
    need, remaining = int(row["sessions_needed"]), int(row["remaining"])
    if need > remaining:
        parts.append(f"剩余 {remaining} 次全部出勤也达不到 {settings.attendance_threshold:.0%}" if zh
                     else f"even all {remaining} remaining sessions cannot reach {settings.attendance_threshold:.0%}")
    elif need > 0:
        parts.append(f"还需出勤 {remaining} 次中的 {need} 次" if zh else f"attend {need} of the {remaining} remaining sessions")
    if pd.notna(task_max) and task_max < settings.task_threshold - 1e-9:
        parts.append(f"任务完成率最高只能到 {task_max:.0%}" if zh else f"task completion can reach {task_max:.0%} at most")
    elif pd.notna(row["task_rate"]) and row["task_rate"] < settings.task_threshold - 1e-9:
        missing = int(np.ceil(settings.task_threshold * row["tasks_due"] - row["tasks_done"] - 1e-9))
        parts.append(f"还需补交 {missing} 项任务" if zh else f"hand in {missing} more tasks")
    score = row["score_needed"]
    if pd.notna(score) and score > 0 and row["ungraded"]:
        if score > 100:
            parts.append(f"其余考核全部满分也达不到 {settings.score_threshold:g} 分" if zh
                         else f"even full marks on the rest cannot reach {settings.score_threshold:g}")
        elif len(row["ungraded"]) == 1:
            assessment = row["ungraded"][0]
            points = np.ceil(score / 100 * maxima.get(assessment, 100) * 10) / 10
            parts.append(f"{titles.get(assessment, assessment)}需 ≥ {points:g} 分" if zh
                         else f"{titles.get(assessment, assessment)} needs ≥ {points:g}")
        else:
            parts.append(f"其余考核平均需 ≥ {np.ceil(score * 10) / 10:g} 分（百分制）" if zh
                         else f"the remaining assessments need ≥ {np.ceil(score * 10) / 10:g} on average (of 100)")
    if not parts:
        return "已达标" if zh else "on track"
    return "；".join(parts) if zh else "; ".join(parts)


REASONS = {
    "zh": ("出勤：已开 {sessions_to_date} 场（共 {sessions_planned} 场）= 出勤 {present} + 迟到 {late} + 早退 "
           "{early_leave} + 请假 {excused} + 缺勤 {absent}；计入 {counted} 场（豁免缺勤 {forgiven}），折算出勤 "
           "{attended} → {attendance_rate}，全勤最高 {attendance_rate_max}。任务：到期 {tasks_due} 项，完成 "
           "{tasks_done} 项 → {task_rate}。成绩：总评 {final_score}（知识 {score_knowledge}、技能 {score_skill}、"
           "态度 {score_attitude}）。风险：{risk}{why}。"),
    "en": ("Attendance: {sessions_to_date} held (of {sessions_planned}) = present {present} + late {late} + left "
           "early {early_leave} + excused {excused} + absent {absent}; counted {counted} (forgiven {forgiven}), "
           "attended {attended} → {attendance_rate}, best reachable {attendance_rate_max}. Tasks: {tasks_due} due, "
           "{tasks_done} done → {task_rate}. Scores: final {final_score} (knowledge {score_knowledge}, skill "
           "{score_skill}, attitude {score_attitude}). Risk: {risk}{why}."),
}
WHY = {
    "zh": ("出勤率已无法达标", "任务完成率已无法达标", "总评已无法及格", "最近连续缺勤 {n} 次", "（{}）", "；"),
    "en": ("attendance can no longer pass", "tasks can no longer pass", "the final score can no longer pass",
           "{n} absences in a row", " ({})", "; "),
}
BELOW = {  # why a student is at 中: below a threshold that can still be reached
    "zh": {"attendance": "出勤率低于 {attendance_threshold:.0%}", "tasks": "任务完成率低于 {task_threshold:.0%}",
           "score": "总评低于 {score_threshold:g} 分"},
    "en": {"attendance": "attendance below {attendance_threshold:.0%}", "tasks": "task completion below {task_threshold:.0%}",
           "score": "final score below {score_threshold:g}"},
}
PROVISIONAL = {"zh": "（暂定：还有 {n} 项考核未评分）", "en": " (provisional: {n} assessments not graded yet)"}
RISK_LABEL = {"zh": {"high": "高", "medium": "中", "low": "低"}, "en": {"high": "high", "medium": "medium", "low": "low"}}


def _reasons(row: dict[str, Any], risk: str, lang: Lang, settings: Settings, attendance_lost: bool, tasks_lost: bool,
             score_lost: bool, streak: bool, below: dict[str, bool]) -> str:
    """Each figure's arithmetic, in a fixed shape (tests read the numbers back)."""
    attendance, tasks, score, run, wrap, join = WHY[lang]
    why = [w for w, hit in ((attendance, attendance_lost), (tasks, tasks_lost), (score, score_lost),
                            (run.format(n=row["absence_run"]), streak)) if hit]
    if risk == "medium":
        thresholds = {k: getattr(settings, k) for k in ("attendance_threshold", "task_threshold", "score_threshold")}
        why += [BELOW[lang][k].format(**thresholds) for k, hit in below.items() if hit]
    shown = {k: (_pct(v) if k.endswith("rate") or k.endswith("rate_max") else
                 _num(v) if isinstance(v, float) else v) for k, v in row.items()}
    final = shown["final_score"]
    if row.get("ungraded") and pd.notna(row["final_score"]):
        final = f"{final}{PROVISIONAL[lang].format(n=len(row['ungraded']))}"
    return REASONS[lang].format(**{**shown, "final_score": final, "risk": RISK_LABEL[lang][risk],
                                   "why": wrap.format(join.join(why)) if why else ""})
