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
    coordinator named on a row not merged yet, else every candidate the row offers."""
    review = master.frame("review")
    if review.empty or "candidates" not in review:
        return []
    chosen = values.text(review["student_id"]) if "student_id" in review else pd.Series(None, index=review.index)
    offered = values.text(review["candidates"])
    known = set(roster.astype(str))
    named: set[str] = set()
    for student, candidates in zip(chosen, offered):
        words = [student] if student else re.split(r"[、，,;；\s（）()]+", candidates or "")
        named.update(word for word in words if word in known)
    return [str(s) for s in roster if str(s) in named]
