"""What the figures cannot be sure of, and whose figures rest on it: cells taken as blank because
they cannot be read as their column's type (a score typed 45分, a weight of abc, a status that is
none of the choices), and records waiting in 待确认 that may be a student's. progress names them;
no notice that says how a student is doing is made while their figures rest on them."""

from __future__ import annotations

import re

import pandas as pd

from trainbook import values
from trainbook.workbook.master import Master

SHEETS = ("enrollment", "sessions", "attendance", "tasks", "submissions", "assessments", "scores")  # the figures' inputs
READ_AS = ("choice", "date", "datetime", "time", "number", "integer", "percent")  # kinds a cell can fail to be
FIGURES = ("attendance", "submissions", "scores")  # the sheets of records the figures count
EVERYONE = "*"  # a cell of a row that is no one student's (a session, a task, an assessment): everyone's figures


def unreadable(master: Master) -> list[tuple[str, str | None]]:
    """Each filled cell of the figures' inputs that does not read as its column's type, as
    成绩!D2, sheet by sheet in row order, with the student whose row it is (EVERYONE for a
    session, a task or an assessment; None for a row that names no student)."""
    found: list[tuple[str, str | None]] = []
    for key in SHEETS:
        table = master.tables.get(key)
        if table is None or table.frame.empty:
            continue
        typed = table.typed()
        whose = (values.text(table.frame["student_id"]) if "student_id" in table.frame
                 else pd.Series(EVERYONE if "student_id" not in table.sheet.keys else None, index=table.frame.index))
        for column in table.sheet.columns:
            if column.kind not in READ_AS or column.key not in table.frame:
                continue
            raw = table.frame[column.key]
            # a choice with a default reads a blank as it, and so anything it does not know
            read = values.choice(raw, column.choices) if column.default else typed[column.key]
            failed = raw.notna() & read.isna()
            if failed.any():  # a blank-looking cell (spaces) is no value to read
                failed[failed] = raw[failed].astype(str).str.strip() != ""
                found += [(f"{table.name}!{table.letter(column.key)}{row}", whose[row]) for row in failed.index[failed]]
    return found


def awaiting_review(master: Master, roster: pd.Index) -> list[str]:
    """The students of `roster` that records waiting in 待确认 may belong to: the student a
    coordinator named on a row not merged yet, else (none named, or an id not on the roster) every
    candidate the row offers ('S0013 程涛（研发中心）、S0067 程涛（研发中心）'). Only rows of exports
    the figures count (attendance, work, scores) hold a student: feedback changes none of them."""
    review = master.frame("review")
    if review.empty or "candidates" not in review:
        return []
    from trainbook.importers.kinds import KINDS  # only when something waits: a click imports what it needs

    counted = {label for kind in KINDS if kind.gives.target in FIGURES for label in (kind.zh, kind.en)}
    chosen = values.text(review["student_id"]) if "student_id" in review else pd.Series(None, index=review.index)
    kinds = review["kind"] if "kind" in review else pd.Series(None, index=review.index)
    known = set(roster.astype(str))
    named: set[str] = set()
    for student, candidates, kind in zip(chosen, values.text(review["candidates"]), kinds):
        if kind not in counted and values.given(kind):
            continue
        if student in known:
            named.add(student)
            continue
        for offered in re.split("[、，,;；]", candidates or ""):
            offered = offered.strip()
            first = offered.split(" ", 1)[0]  # the id, before the name
            named.update([first] if first in known else
                         [s for s in known if offered == s or offered.startswith(f"{s} ")])
    return [str(s) for s in roster if str(s) in named]
