"""What a manager report holds, for the whole program or for one department: figures
and labels only — mobiles masked, no e-mail, notes or import data — with groups too small to show
folded into 其他."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, message
from trainbook.metrics import Progress
from trainbook.metrics.aggregates import by, by_session, feedback_overall, feedback_responses, feedback_summary
from trainbook.metrics.dashboard import headline, risk_counts, score_bands, session_labels
from trainbook.schema.columns import labels
from trainbook.schema.report import (
    ACTION_TABLE,
    COMMENTS,
    DEPARTMENTS,
    FEEDBACK_BY_SESSION,
    SESSIONS,
    STUDENTS,
    THEME_TABLE,
)
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import ACTION_STATUS, CERTIFICATE, GRADE, RISK
from trainbook.workbook.master import Master

RISK_ORDER = {"high": 0, "medium": 1, "low": 2}
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_EMAIL_IN_TEXT = re.compile(r"[^@\s]+@[^@\s]+\.\w{2,}")
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")  # 身份证号


@dataclass
class Report:
    """One report file's contents: each table by the columns of its declaration (schema/report.py)."""

    lang: Lang
    program: str
    period: str  # organizer, dates, and "数据截至 …"
    department: str | None  # None: the whole program
    tiles: dict[str, object]  # TILES key → figure
    students: pd.DataFrame
    departments: pd.DataFrame
    sessions: pd.DataFrame
    feedback_by_session: pd.DataFrame
    feedback_by_teacher: pd.DataFrame
    comments: pd.DataFrame | None  # None: the settings keep comments out of reports
    risks: list[tuple[str, int]]
    bands: list[tuple[str, int]]
    unrecorded: list[str]
    open_items: pd.DataFrame | None = None  # the to-do per stage and owner, as counts (the whole program's report)
    themes: pd.DataFrame | None = None  # the comments' themes and tones, counted (the whole program's report)
    actions: pd.DataFrame | None = None  # the improvement actions with their status (the whole program's report)


def masked_mobile(mobile: object) -> str | None:
    """138****5678: enough to tell two people apart, not enough to call anyone."""
    return f"{mobile[:3]}****{mobile[-4:]}" if isinstance(mobile, str) and len(mobile) == 11 else None


def redacted(text: str) -> str:
    """Free text with any mobile or ID card number masked and any e-mail address taken out."""
    text = _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _ID_NUMBER_IN_TEXT.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _EMAIL_IN_TEXT.sub("***", text)


def reports(master: Master, result: Progress, lang: Lang, by_department: bool) -> list[Report]:
    """The whole program's report, or one per department (each with only its own people)."""
    people = _people(master, result, lang)
    # read once, then each report takes its people's
    responses = feedback_responses(master, result.plan, pd.Timestamp(result.as_of))
    if not by_department:
        from trainbook.todolist import work_out

        report = _report(master, result, lang, people, responses, None)
        report.open_items = work_out(master, result.as_of, result).by_stage()
        report.themes, report.actions = _improvement(master, result, lang)
        return [report]
    return [_report(master, result, lang, group, responses[responses["student_id"].isin(group.index)], str(department))
            for department, group in people.groupby("department", sort=True)]


def _improvement(master: Master, result: Progress, lang: Lang) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comments' themes as counts, and the improvement actions as the 改进 sheet has them (its
    words redacted: a measure may name someone's contact details)."""
    from trainbook.metrics.feedback import analyse

    themes = analyse(master, result.plan, result.feedback_by_session, result.feedback_by_teacher, result.settings,
                     lang).themes
    themes = themes.rename_axis("theme").reset_index().reindex(columns=[c.key for c in THEME_TABLE])
    actions = master.typed("actions").dropna(subset=["action_id"])
    actions = actions.reindex(columns=[c.key for c in ACTION_TABLE])
    if "status" in actions:
        actions["status"] = actions["status"].map(labels(ACTION_STATUS, lang))
    for column in ("source", "problem", "measure", "owner", "current"):
        actions[column] = actions[column].map(lambda v: redacted(str(v)) if values.given(v) else None)
    return themes, actions.reset_index(drop=True)


def _people(master: Master, result: Progress, lang: Lang) -> pd.DataFrame:
    """Each student's progress figures with a masked mobile, the group's name and a department label."""
    people: pd.DataFrame = result.students.copy()
    people["department"] = people["department"].fillna(message("no-department", lang))
    enrollment = master.typed("enrollment")
    if "mobile" in enrollment:
        mobiles = enrollment.dropna(subset=["student_id"]).drop_duplicates("student_id").set_index("student_id")["mobile"]
        people["mobile"] = mobiles.reindex(people.index).map(masked_mobile)
    groups = master.typed("groups")
    names = dict(zip(groups["group_id"], groups["name"])) if {"group_id", "name"} <= set(groups) else {}
    people["group"] = [names.get(g) or g for g in people["group_id"]]
    return people


def _report(master: Master, result: Progress, lang: Lang, people: pd.DataFrame, responses: pd.DataFrame,
            department: str | None) -> Report:
    settings = result.settings
    plan = result.plan.sort_values("date", kind="stable")  # sessions in the order they are held
    names = dict(zip(plan.index, session_labels(plan)))
    statuses = result.statuses[result.statuses["student_id"].isin(people.index)]
    by_session_, by_teacher_ = feedback_summary(responses, settings, lang)
    by_session_ = by_session_.reindex(_in_order(by_session_.index, plan.index, message("other", lang)))
    by_teacher_ = by_teacher_.reindex(_in_order(by_teacher_.index, plan["teacher"], message("other", lang)))
    overall = feedback_overall(responses, settings)
    comments = _comments(responses, names, settings.min_group_size, lang) if settings.share_comments == "yes" else None
    return Report(
        lang=lang, program=settings.program_name or Path(str(master.source)).stem,
        period=_period(settings, result, lang, department), department=department,
        tiles={**headline(people, lang), "top2": overall["top2"], "nps": overall["nps"]},
        students=_students(people, lang),
        departments=_departments(people, settings.min_group_size if department is None else 1, lang),
        sessions=_sessions(statuses, result, settings),
        feedback_by_session=_feedback(by_session_, lambda key: names.get(key, key), "session"),
        feedback_by_teacher=_feedback(by_teacher_, lambda key: key, "teacher_name"),
        comments=comments, risks=risk_counts(people, lang), bands=score_bands(people, settings, lang),
        unrecorded=result.unrecorded)


def _period(settings: Settings, result: Progress, lang: Lang, department: str | None) -> str:
    parts = [message("report-department", lang, department=department)] if department else []
    if settings.organizer:
        parts.append(settings.organizer)
    if settings.start_date or settings.end_date:
        parts.append(f"{settings.start_date or '…'} – {settings.end_date or '…'}")
    parts.append(message("report-data-as-of", lang, as_of=f"{result.as_of:%Y-%m-%d}"))
    return " · ".join(parts)


def _students(people: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The students sheet, those most at risk first."""
    rows = people.assign(order=people["risk"].map(RISK_ORDER)).sort_values(["order", "department"], kind="stable")
    rows = rows.reset_index()
    for column, choices in (("grade", GRADE), ("certificate", CERTIFICATE), ("risk", RISK)):
        rows[column] = rows[column].map(labels(choices, lang))
    return rows.reindex(columns=STUDENTS.keys)


def _departments(people: pd.DataFrame, minimum: int, lang: Lang) -> pd.DataFrame:
    """Per department, those most at risk first; departments of fewer than `minimum` students are
    folded into one 其他 row, listed last."""
    sizes = people.groupby("department")["department"].transform("size")
    folded = people.assign(department=people["department"].where(sizes >= minimum, message("other", lang)))
    table = by(folded, "department").rename_axis("department").reset_index()
    table["last"] = table["department"] == message("other", lang)
    table = table.sort_values(["last", "high_risk", "medium_risk", "attendance_rate"],
                              ascending=[True, False, False, True], kind="stable")
    return table.reindex(columns=DEPARTMENTS.keys)


def _sessions(statuses: pd.DataFrame, result: Progress, settings: Settings) -> pd.DataFrame:
    table = by_session(statuses, result.plan, settings).sort_values("date", kind="stable")
    return table.rename_axis("session_id").reset_index().reindex(columns=SESSIONS.keys)


def _in_order(keys: pd.Index, order: pd.Index | pd.Series, last: str) -> list[object]:
    """`keys` in the order they first appear in `order` (sessions as held), anything else after,
    and the folded row last."""
    first = {key: i for i, key in reversed(list(enumerate(order)))}
    return sorted(keys, key=lambda k: (k == last, first.get(k, len(first)), str(k)))


def _feedback(summary: pd.DataFrame, label: Any, first: str) -> pd.DataFrame:
    table = summary.reset_index(names=first)
    table[first] = table[first].map(label)
    return table.reindex(columns=[first, *(c.key for c in FEEDBACK_BY_SESSION[1:])])


def _comments(responses: pd.DataFrame, names: dict[str, str], minimum: int, lang: Lang) -> pd.DataFrame:
    """The survey's comments, session by session in the order they were held and by text within
    one (never in the order of who wrote them or when); a session with fewer than `minimum`
    responses keeps its comments out, as its ratings are folded: they could be told apart."""
    if "comments" not in responses:
        return pd.DataFrame(columns=[c.key for c in COMMENTS])
    sizes = responses.groupby(responses["session_id"].fillna(""))["overall"].transform("size")
    given = responses[values.present(responses["comments"]) & (sizes >= minimum)]
    order = {session: i for i, session in enumerate(names)}
    table = pd.DataFrame({"order": [order.get(s, len(order)) for s in given["session_id"]],
                          "session": [names.get(s, s) if isinstance(s, str) else message("whole-program", lang)
                                      for s in given["session_id"]],
                          "comments": given["comments"].astype(str).str.strip()})
    return table.sort_values(["order", "comments"], kind="stable")[["session", "comments"]].reset_index(drop=True)
