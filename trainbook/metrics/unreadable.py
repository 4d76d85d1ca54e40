"""Cells the figures take as blank because they cannot be read as their column's type — a score
typed as 45分, a weight of abc, a status that is none of the choices: progress names them, so no
figure is quietly worked out without them."""

from __future__ import annotations

from trainbook import values
from trainbook.workbook.master import Master

SHEETS = ("enrollment", "sessions", "attendance", "tasks", "submissions", "assessments", "scores")  # the figures' inputs
READ_AS = ("choice", "date", "datetime", "time", "number", "integer", "percent")  # kinds a cell can fail to be


def unreadable(master: Master) -> list[str]:
    """Each filled cell of the figures' inputs that does not read as its column's type, as
    成绩!D2, sheet by sheet in row order."""
    found: list[str] = []
    for key in SHEETS:
        table = master.tables.get(key)
        if table is None or table.frame.empty:
            continue
        typed = table.typed()
        for column in table.sheet.columns:
            if column.kind not in READ_AS or column.key not in table.frame:
                continue
            raw = table.frame[column.key]
            # a choice with a default reads a blank as it, and so anything it does not know
            read = values.choice(raw, column.choices) if column.default else typed[column.key]
            failed = raw.notna() & read.isna()
            if failed.any():  # a blank-looking cell (spaces) is no value to read
                failed[failed] = raw[failed].astype(str).str.strip() != ""
                found += [f"{table.name}!{table.letter(column.key)}{row}" for row in failed.index[failed]]
    return found
