"""Checks of program rules that span sheets: times, score ceilings, weights, tasks on electives,
capacity, settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pandas as pd

from trainbook import values
from trainbook.i18n import listing, message, pick
from trainbook.schema.notice_templates import PLACEHOLDERS, unknown_placeholders
from trainbook.schema.settings import BY_KEY as PARAMETERS
from trainbook.schema.sheets import BY_KEY
from trainbook.validation.report import Finding
from trainbook.values import normalize
from trainbook.workbook.master import Master


def check_unrecorded(master: Master, as_of: pd.Timestamp) -> Iterator[Finding]:
    """session-unrecorded: held by `as_of` and required, with no attendance record at all."""
    from trainbook.policy.plan import session_plan, unrecorded

    frame = master.frame("sessions")
    if "session_id" not in frame:
        return
    missing = set(unrecorded(master, session_plan(master), as_of).index)
    ids = values.text(frame["session_id"])
    hit = ids.isin(missing) & ~ids.duplicated()
    if hit.any():
        yield Finding("session-unrecorded", "sessions", "session_id", hit[hit].index.tolist(), ids[hit].tolist())


def check_session_times(master: Master) -> Iterator[Finding]:
    """end-before-start."""
    frame = master.frame("sessions")
    if not {"start", "end"} <= set(frame.columns):
        return
    start, end = values.time_of_day(frame["start"]), values.time_of_day(frame["end"])
    bad = start.notna() & end.notna() & (end <= start)
    if bad.any():
        shown_start = start[bad].map(lambda t: f"{t.components.hours:02d}:{t.components.minutes:02d}")
        shown_end = end[bad].map(lambda t: f"{t.components.hours:02d}:{t.components.minutes:02d}")
        yield Finding("end-before-start", "sessions", "end", bad[bad].index.tolist(), shown_end.tolist(),
                      {"start": shown_start.tolist()})


def _ceiling(master: Master, sheet: str, column: str, parent: str, parent_key: str, ceiling: str,
             ) -> Iterator[Finding]:
    """out-of-range: a value above the maximum that its parent row declares."""
    frame, parents = master.frame(sheet), master.frame(parent)
    if column not in frame or parent_key not in frame or ceiling not in parents or parent_key not in parents:
        return
    maxima = pd.Series(values.number(parents[ceiling]).to_numpy(),
                       index=values.text(parents[parent_key])).dropna()
    maxima = maxima[~maxima.index.duplicated()]
    got = values.number(frame[column])
    limit = values.text(frame[parent_key]).map(maxima)
    bad = got.notna() & limit.notna() & (got > limit)
    if bad.any():
        rows = bad[bad].index
        yield Finding("out-of-range", sheet, column, rows.tolist(), frame.loc[rows, column].tolist(),
                      {"range": [f"0–{m:g}" for m in limit[rows]]})


def check_ceilings(master: Master) -> Iterator[Finding]:
    yield from _ceiling(master, "scores", "score", "assessments", "assessment_id", "max_score")
    yield from _ceiling(master, "submissions", "points", "tasks", "task_id", "max_points")


def check_weights(master: Master) -> Iterator[Finding]:
    """weights-not-100: assessment weights must add up to 100%."""
    frame = master.frame("assessments")
    if "weight" not in frame or frame.empty:
        return
    weights = values.column_number(frame["weight"], BY_KEY["assessments"].column("weight")).dropna()
    total = float(weights.sum())
    if weights.size and abs(total - 1) > 1e-6:
        yield Finding("weights-not-100", "assessments", "weight", [None], [f"{total:.1%}"],
                      {"total": [f"{total:.1%}"]})


def check_task_sessions(master: Master) -> Iterator[Finding]:
    """task-on-elective: a required task tied to an elective session is nobody's required work (a
    task tied to a session is for whom the session is, and an elective is nobody's to attend)."""
    tasks, sessions = master.typed("tasks"), master.typed("sessions")
    if not {"session_id", "required"} <= set(tasks.columns) or not {"session_id", "required"} <= set(sessions.columns):
        return
    elective = set(sessions.loc[sessions["required"] == "no", "session_id"].dropna())
    hit = (tasks["required"] == "yes") & tasks["session_id"].isin(elective)
    if hit.any():
        yield Finding("task-on-elective", "tasks", "session_id", hit[hit].index.tolist(),
                      tasks.loc[hit, "task_id"].tolist(), {"session": tasks.loc[hit, "session_id"].tolist()})


def check_capacity(master: Master) -> Iterator[Finding]:
    """over-capacity: more active students in a group than it can take."""
    groups, students = master.frame("groups"), master.frame("enrollment")
    if not {"group_id", "capacity"} <= set(groups.columns) or "group_id" not in students:
        return
    enrolled = values.text(students["group_id"])
    if "review_status" in students:
        enrolled = enrolled[values.choice(students["review_status"], BY_KEY["enrollment"].column(
            "review_status").choices) != "rejected"]
    if "status" in students:
        status = values.choice(students["status"], BY_KEY["enrollment"].column("status").choices)
        enrolled = enrolled[status.reindex(enrolled.index) != "withdrawn"]
    counts = enrolled.value_counts()
    capacity = values.number(groups["capacity"])
    group_ids = values.text(groups["group_id"])
    count = group_ids.map(counts).fillna(0)
    bad = capacity.notna() & (count > capacity)
    if bad.any():
        rows = bad[bad].index
        yield Finding("over-capacity", "groups", "capacity", rows.tolist(), group_ids[rows].tolist(),
                      {"count": count[rows].astype(int).tolist(), "capacity": capacity[rows].tolist()})


def check_settings(master: Master) -> Iterator[Finding]:
    """program-name-missing, and invalid-number, invalid-date, invalid-choice and out-of-range in the
    settings' value column."""
    frame = master.frame("settings")
    if not {"key", "value"} <= set(frame.columns):
        return
    keys = values.text(frame["key"]).map(normalize, na_action="ignore")
    given = values.present(frame["value"])
    kinds = keys.map(lambda key: PARAMETERS[key].kind if key in PARAMETERS else None)
    dates = values.date(frame.loc[kinds == "date", "value"])  # each kind's values typed once, together
    numbers = values.number(frame.loc[kinds.isin(["integer", "number"]), "value"])
    for row, key in cast(Iterator[tuple[int, str]], keys.dropna().items()):  # indexed by Excel row
        param = PARAMETERS.get(key)
        raw = frame.loc[[row], "value"]
        if key == "program_name" and not given[row]:  # notices and certificates carry it
            yield Finding("program-name-missing", "settings", "value", [row], raw.tolist())
        if param is None or param.kind == "text" or not given[row]:
            continue
        if param.kind == "date" and pd.isna(dates[row]):
            yield Finding("invalid-date", "settings", "value", [row], raw.tolist())
        elif param.kind == "choice" and values.choice(raw, param.choices).isna().iloc[0]:
            labels = listing((c.label(master.lang) for c in param.choices), master.lang)
            meant = values.meant_choice(raw, param.choices, master.lang).iloc[0]
            fix = "" if meant is None else message("did-you-mean", master.lang, label=meant)
            yield Finding("invalid-choice", "settings", "value", [row], raw.tolist(), {"choices": [labels], "fix": [fix]})
        elif param.kind in ("integer", "number"):
            number = numbers[row]
            if pd.isna(number) or (param.kind == "integer" and number != round(number)):
                yield Finding("invalid-number", "settings", "value", [row], raw.tolist())
            elif (param.min is not None and number < param.min) or (
                    param.max is not None and number > param.max):
                yield Finding("out-of-range", "settings", "value", [row], raw.tolist(),
                              {"range": [f"{param.min:g}–{param.max:g}"]})


def check_templates(master: Master) -> Iterator[Finding]:
    """unknown-placeholder in the notice templates' subject and body."""
    frame = master.frame("templates")
    names = listing((f"{{{pick(master.lang, zh, en)}}}" for zh, en in PLACEHOLDERS.values()), master.lang)
    for column in ("subject", "body"):
        if column not in frame:
            continue
        texts = values.text(frame[column]).dropna()
        bad = [(row, unknown_placeholders(text)) for row, text in cast(Iterator[tuple[int, str]], texts.items())]
        bad = [(row, unknown) for row, unknown in bad if unknown]
        if bad:
            yield Finding("unknown-placeholder", "templates", column, [row for row, _ in bad],
                          [listing(unknown, master.lang) for _, unknown in bad], {"names": [names] * len(bad)})
