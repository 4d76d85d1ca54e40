"""`progress`: attendance, tasks, scores, risk and certificates per student, and the program's
figures per group, department, session and teacher. Pure pandas; deterministic for an as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from trainbook.i18n import Lang, last_run, listing, message, person
from trainbook.metrics import dashboard
from trainbook.metrics.aggregates import by, by_session, by_teacher, feedback_responses, feedback_summary
from trainbook.metrics.attendance import applying, attendance_figures, session_statuses
from trainbook.metrics.outcome import verdicts
from trainbook.metrics.roster import applicable, students
from trainbook.metrics.scores import assessments, score_figures
from trainbook.metrics.tasks import task_figures, unrecorded_due
from trainbook.metrics.unsure import EVERYONE, awaiting_review, unreadable
from trainbook.policy.plan import program_ended, session_label, session_plan, unrecorded
from trainbook.policy.settings import ignored_note, settings_and_ignored
from trainbook.schema.columns import labels
from trainbook.schema.dashboard import DATA_ROW
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import BY_KEY, CERTIFICATE, GRADE, RISK, first_rows
from trainbook.workbook.engine import Update
from trainbook.workbook.master import Master, layout_table

if TYPE_CHECKING:
    from trainbook.metrics.feedback import Analysis

SHEET_COLUMNS = BY_KEY["progress"].keys
SHOWN = 5  # unreadable cells, or students with records awaiting review, named in the summary


@dataclass
class Progress:
    """Everything `progress` works out, as DataFrames."""

    as_of: dt.date
    students: pd.DataFrame  # one row per student: the progress sheet's columns by key
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    departments: pd.DataFrame = field(default_factory=pd.DataFrame)
    sessions: pd.DataFrame = field(default_factory=pd.DataFrame)
    teachers: pd.DataFrame = field(default_factory=pd.DataFrame)
    feedback_by_session: pd.DataFrame = field(default_factory=pd.DataFrame)
    feedback_by_teacher: pd.DataFrame = field(default_factory=pd.DataFrame)
    lang: Lang = "zh"  # the workbook's
    settings_ignored: list[str] = field(default_factory=list)  # invalid settings replaced by defaults
    unrecorded: list[str] = field(default_factory=list)  # held sessions with no attendance records yet
    unrecorded_tasks: list[str] = field(default_factory=list)  # required tasks due with no submissions recorded yet
    settings: Settings = field(default_factory=Settings, repr=False)  # the policy it was worked out with
    plan: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # the sessions, by session_id
    statuses: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # each held session's status per student
    unreadable: list[str] = field(default_factory=list)  # input cells taken as blank: they do not read as their type
    awaiting_review: list[str] = field(default_factory=list)  # students that records waiting in 待确认 may belong to
    unsure: frozenset[str] = frozenset()  # students whose figures rest on one of those cells or records

    def summary(self, lang: Lang | None = None) -> str:
        """The headline figures, and who is at high risk with what they still need."""
        return summary(self, lang or self.lang)

    def to_json(self) -> dict[str, Any]:
        rows = self.students.reset_index().astype(object)
        rows = rows.where(rows.notna(), None)
        return {"as_of": self.as_of.isoformat(), "students": rows.to_dict("records")}


def compute(master: Master, as_of: dt.date) -> Progress:
    """Work out the program's progress from an in-memory master, as of the end of `as_of`."""
    settings, ignored = settings_and_ignored(master)
    day = pd.Timestamp(as_of)
    people = students(master)
    plan = session_plan(master)
    # attendance last: after a lazy read it may still be coming in
    scores = score_figures(master, people, settings, day)
    feedback_sessions, feedback_teachers = feedback_summary(feedback_responses(master, plan, day), settings,
                                                            master.lang)
    missing = unrecorded(master, plan, day)
    pairs = applying(master, applicable(people, plan))  # a session 不适用 for a student, and its tasks, are not theirs
    tasks = task_figures(master, pairs, people, day)
    held = session_statuses(master, pairs, day, missing.index)
    figures = people[["name", "department", "group_id"]].join(attendance_figures(pairs, held, settings))
    for column in ("sessions_planned", "sessions_to_date", "present", "late", "early_leave", "absent", "excused",
                   "forgiven", "counted", "remaining", "absence_run", "sessions_needed"):
        figures[column] = figures[column].fillna(0).astype(int)
    figures["attended"] = figures["attended"].fillna(0)
    figures = figures.join(tasks).join(scores)
    # at the end, a student's verdict waits for the records of their held sessions, for every task of
    # theirs that does not count yet (its records not in, due today and not handed in, or due after the
    # last session), and for every score of theirs
    waiting = (pd.Series(figures.index.isin(pairs.loc[pairs["session_id"].isin(missing.index), "student_id"]),
                         index=figures.index)
               | (figures["tasks_total"].fillna(0) > figures["tasks_due"].fillna(0)) | (figures["ungraded"].map(len) > 0))
    ended = program_ended(settings, plan, day)
    figures = figures.join(verdicts(figures, assessments(master), settings, ended, waiting, master.lang))
    students_out = figures.reindex(columns=SHEET_COLUMNS[1:])
    students_out.index.name = "student_id"
    per_session = by_session(held, plan, settings)
    master.tables.wait()  # every sheet read is in (or refused) before the figures are given out
    skipped = unreadable(master)
    waiting_review = awaiting_review(master, figures.index)
    whose = {student for _, student in skipped if student}
    unsure = frozenset(figures.index.astype(str) if EVERYONE in whose else whose | set(waiting_review))
    return Progress(as_of, students_out, by(figures, "group_id"), by(figures, "department"), per_session,
                    by_teacher(per_session, feedback_teachers), feedback_sessions, feedback_teachers, master.lang,
                    ignored, [session_label(str(i), row) for i, row in missing.iterrows()], unrecorded_due(master, day),
                    settings, plan, held, [cell for cell, _ in skipped], waiting_review, unsure)


def sheet_rows(result: Progress, lang: str) -> pd.DataFrame:
    """The progress sheet: choices as labels of the workbook's language."""
    rows = result.students.reset_index()
    for column, choices in (("grade", GRADE), ("certificate", CERTIFICATE), ("risk", RISK)):
        rows[column] = rows[column].map(labels(choices, lang))  # type: ignore[arg-type]
    return rows[SHEET_COLUMNS]


def progress_update(master: Master, result: Progress) -> Update:
    """What `progress` writes: the progress sheet, the dashboard's cells and chart ranges, the last run."""
    at_risk = int((result.students["risk"] == "high").sum())
    run = last_run(master.lang, "progress", students=len(result.students), high=at_risk)
    note = next_step(result, master.lang)
    if note:
        run = (run[0], run[1], message("then", master.lang, first=run[2], then=note))
    from trainbook.metrics.feedback import analyse

    analysis = analyse(master, result.plan, result.feedback_by_session, result.feedback_by_teacher, result.settings,
                       master.lang)
    cells, last_rows = dashboard.grid(result.students, result.sessions, result.departments, master.lang,
                                      result.settings, (result.feedback_by_session, result.feedback_by_teacher),
                                      analysis.themes)
    tables = {"progress": sheet_rows(result, master.lang), **feedback_tables(master, result, analysis)}
    charts, panels = {}, []
    if "dashboard" in master.names:
        master.tables["dashboard"] = layout_table(BY_KEY["dashboard"], master.names["dashboard"], cells)
        tables["dashboard"] = cells
        charts = {"dashboard": (DATA_ROW + 1, last_rows)}
        panels = [dashboard.tiles(result.students, result.as_of.isoformat(), master.lang, note)]
    return Update(tables=tables, last_run=run, chart_ranges=charts, panels=panels)


def feedback_tables(master: Master, result: Progress, analysis: Analysis) -> dict[str, pd.DataFrame]:
    """反馈分析, the improvement actions when they change, and 反馈主题 for a workbook without one."""
    from trainbook.metrics.feedback import actions

    tables = {"feedback_analysis": analysis.rows}
    if "themes" not in master.tables:
        tables["themes"] = pd.DataFrame(first_rows("themes", master.lang))
    changed = actions(master.frame("actions"), analysis.findings, pd.Timestamp(result.as_of), master.lang)
    if changed is not None:
        tables["actions"] = changed
    return tables


def next_step(result: Progress, lang: Lang) -> str:
    """What the coordinator should do first, when the figures cannot be trusted yet: no students,
    or held sessions or due tasks whose data has not been imported."""
    if result.students.empty:
        return message("progress-empty", lang)
    steps = [message("sessions-unrecorded", lang, sessions=listing(result.unrecorded, lang))] if result.unrecorded else []
    if result.unrecorded_tasks:
        steps.append(message("tasks-unrecorded", lang, tasks=listing(result.unrecorded_tasks, lang)))
    return "\n".join(steps)


def cautions(result: Progress, lang: Lang) -> list[str]:
    """What to know before trusting the figures: data not imported yet (`next_step`), settings
    replaced by their defaults, cells taken as blank, records that may be a student's waiting in 待确认."""
    lines = [step] if (step := next_step(result, lang)) else []
    if result.settings_ignored:
        lines.append(ignored_note(result.settings_ignored, lang))
    if cells := result.unreadable:
        shown = listing(cells[:SHOWN], lang) + ("…" if len(cells) > SHOWN else "")
        lines.append(message("cells-unreadable", lang, count=len(cells), cells=shown))
    if people := result.awaiting_review:
        shown = listing(people[:SHOWN], lang) + ("…" if len(people) > SHOWN else "")
        lines.append(message("students-awaiting-review", lang, count=len(people), students=shown))
    return lines


def _shown(value: float, form: str) -> str:
    return "—" if pd.isna(value) else form.format(value)


def summary(result: Progress, lang: Lang) -> str:
    """The headline figures, and who is at high risk with what they still need."""
    s = result.students
    rate, tasks, score = (_shown(s[c].mean(), f) for c, f in (("attendance_rate", "{:.1%}"), ("task_rate", "{:.1%}"),
                                                               ("final_score", "{:.1f}")))
    risk = s["risk"].value_counts()
    lines = [message("progress-headline", lang, as_of=result.as_of, students=len(s), rate=rate, tasks=tasks,
                     score=score, high=risk.get("high", 0), medium=risk.get("medium", 0)), *cautions(result, lang)]
    for student_id, row in s[s["risk"] == "high"].iterrows():
        lines.append("  " + message("labelled", lang, label=person(student_id, row["name"], row["department"], lang),
                                    value=row["needed"]))
    return "\n".join(lines)


__all__ = ["Progress", "compute", "progress_update"]
