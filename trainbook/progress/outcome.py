"""From figures to verdicts: grade, certificate, risk, what is still needed, and every figure's
arithmetic in words (SPEC §5)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trainbook.i18n import Lang
from trainbook.progress.scores import grade


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:g}"


def verdicts(figures: pd.DataFrame, plan: pd.DataFrame, settings: Any, ended: bool, lang: Lang) -> pd.DataFrame:
    """grade, certificate, risk, needed and reasons for every student row of `figures`."""
    out = pd.DataFrame(index=figures.index)
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
    records = f.to_dict("records")  # plain dicts: a row Series per student would cost seconds
    out["needed"] = [_needed(row, tm, titles, maxima, settings, lang) for row, tm in zip(records, task_max)]
    out["reasons"] = [_reasons(row, risk, lang, settings, a, t, sc, k)
                      for row, risk, a, t, sc, k in zip(records, out["risk"], attendance_lost, tasks_lost,
                                                        score_lost, streak)]
    return out


def _needed(row: dict[str, Any], task_max: float, titles: dict, maxima: dict, settings: Any, lang: Lang) -> str:
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


def _reasons(row: dict[str, Any], risk: str, lang: Lang, settings: Any, attendance_lost: bool, tasks_lost: bool,
             score_lost: bool, streak: bool) -> str:
    """Each figure's arithmetic, in a fixed shape (tests read the numbers back)."""
    r = row
    if lang == "zh":
        text = (f"出勤：已开 {r['sessions_to_date']} 场（共 {r['sessions_planned']} 场）= 出勤 {r['present']} + 迟到 "
                f"{r['late']} + 早退 {r['early_leave']} + 请假 {r['excused']} + 缺勤 {r['absent']}；计入 "
                f"{r['counted']} 场（豁免缺勤 {r['forgiven']}），折算出勤 {_num(r['attended'])} → "
                f"{_pct(r['attendance_rate'])}，全勤最高 {_pct(r['attendance_rate_max'])}。"
                f"任务：到期 {r['tasks_due']} 项，完成 {r['tasks_done']} 项 → {_pct(r['task_rate'])}。"
                f"成绩：总评 {_num(r['final_score'])}（知识 {_num(r['score_knowledge'])}、技能 "
                f"{_num(r['score_skill'])}、态度 {_num(r['score_attitude'])}）。")
        why = [w for w, hit in (("出勤率已无法达标", attendance_lost), ("任务完成率已无法达标", tasks_lost),
                                ("总评已无法及格", score_lost),
                                (f"最近连续缺勤 {r['absence_run']} 次", streak)) if hit]
        label = {"high": "高", "medium": "中", "low": "低"}[risk]
        return text + f"风险：{label}" + (f"（{'；'.join(why)}）" if why else "") + "。"
    text = (f"Attendance: {r['sessions_to_date']} held (of {r['sessions_planned']}) = present {r['present']} + late "
            f"{r['late']} + left early {r['early_leave']} + excused {r['excused']} + absent {r['absent']}; counted "
            f"{r['counted']} (forgiven {r['forgiven']}), attended {_num(r['attended'])} → "
            f"{_pct(r['attendance_rate'])}, best reachable {_pct(r['attendance_rate_max'])}. "
            f"Tasks: {r['tasks_due']} due, {r['tasks_done']} done → {_pct(r['task_rate'])}. "
            f"Scores: final {_num(r['final_score'])} (knowledge {_num(r['score_knowledge'])}, skill "
            f"{_num(r['score_skill'])}, attitude {_num(r['score_attitude'])}). ")
    why = [w for w, hit in (("attendance can no longer pass", attendance_lost), ("tasks can no longer pass", tasks_lost),
                            ("the final score can no longer pass", score_lost),
                            (f"{r['absence_run']} absences in a row", streak)) if hit]
    return text + f"Risk: {risk}" + (f" ({'; '.join(why)})" if why else "") + "."
