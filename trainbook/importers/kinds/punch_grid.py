"""打卡时间 — the punch-time grid: one row per person, one cell of punch times per day."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from trainbook.importers.kinds.base import ExportKind, identity
from trainbook.importers.kinds.day_columns import count_day_columns, day_cells_are_times, day_columns
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import PUNCH

TIME = re.compile(r"(\d{1,2}):(\d{2})")
OVERNIGHT_BEFORE = dt.time(6, 0)


def punches(cell: object, date: dt.date) -> list[pd.Timestamp]:
    """All punch times of a cell; an early-morning time after later ones belongs to the next day
    (DingTalk files an after-midnight clock-out under the day it started)."""
    out: list[pd.Timestamp] = []
    for h, m in TIME.findall(str(cell or "")):
        if int(h) > 24 or int(m) > 59:  # 08:99 is no time: a cell without a readable punch is skipped
            continue
        moment = pd.Timestamp.combine(date, dt.time(int(h) % 24, int(m)))
        if out and moment.time() < OVERNIGHT_BEFORE and moment < out[-1]:
            moment += pd.Timedelta(days=1)
        out.append(moment)
    return out


class PunchGridImporter(ExportKind):
    key = "punch_grid"
    zh, en = "打卡时间表", "Punch-time grid"
    gives = PUNCH
    nothing = ("没有打卡时间", "no punch times")
    sheet_names = ("打卡时间",)

    def score(self, table: ExportTable) -> int:
        if count_day_columns(table) < 7 or table.column_like("出勤天数", "休息天数", "工作时长"):
            return 0
        return 3 + day_cells_are_times(table) + self.named_sheet(table)

    def read(self, table: ExportTable) -> pd.DataFrame:
        who = identity(table)
        rows = []
        for header, date in day_columns(table):
            for index, cell in table.rows[header].dropna().items():
                rows += [(index, at) for at in punches(cell, date)]
        at = pd.DataFrame(rows, columns=["index", "at"]).set_index("index")
        return who.join(at, how="inner")
