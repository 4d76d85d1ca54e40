"""Ids a master assigns itself: rows typed without one (e.g. a student with a blank 学员编号) get
the next free `S####` on the first write, before anything is matched."""

from __future__ import annotations

import pandas as pd

from trainbook import values
from trainbook.schema.sheets import SHEETS
from trainbook.workbook.master import Master

AUTO_ID_SHEETS = tuple(s.key for s in SHEETS if any(c.auto_id for c in s.columns))  # no other sheet is looked at


def next_ids(taken: pd.Series, prefix: str, count: int) -> list[str]:
    """`count` new ids after the highest `prefix####` among `taken`."""
    numbers = values.text(taken).dropna().str.extract(rf"^{prefix}(\d+)$")[0].dropna().astype(int)
    start = int(numbers.max()) + 1 if len(numbers) else 1
    return [f"{prefix}{n:04d}" for n in range(start, start + count)]


def assign_ids(master: Master) -> dict[str, pd.DataFrame]:
    """Fill every blank auto-id cell of a row that holds anything else; returns the changed sheets
    (already applied to `master`)."""
    changed = {}
    for key in AUTO_ID_SHEETS:
        table = master.tables.get(key)
        if table is None:
            continue
        for column in table.sheet.columns:
            if column.auto_id is None or column.key not in table.frame:
                continue
            frame = table.frame
            blank = values.text(frame[column.key]).isna()
            others = frame.drop(columns=[column.key]).notna().any(axis=1)
            todo = blank & others
            if todo.any():
                frame = frame.copy()
                frame.loc[todo, column.key] = next_ids(frame[column.key], column.auto_id, int(todo.sum()))
                changed[key] = frame
    master.apply(changed)
    return changed
