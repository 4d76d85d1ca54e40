"""打卡时间 — the punch-time grid: one row per person, one cell of punch times per day."""

from __future__ import annotations

from typing import cast

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, identity
from trainbook.importers.kinds.day_columns import (
    dated,
    day_block,
    day_cells_are_times,
    looks_like_days,
    unplaced_note,
)
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import PUNCH

TIME = r"(?P<h>\d{1,2}):(?P<m>\d{2})"
OVERNIGHT_BEFORE = 6 * 60  # minutes: an early-morning time after later ones is the next day's


def punches(cells: pd.Series) -> pd.DataFrame:
    """Every punch time of every cell (`cells` indexed by row and date; the result by row). DingTalk files an
    after-midnight clock-out under the day it started, so an early-morning time listed after a
    later one belongs to the next day. Times that are no time (08:99) are left out."""
    found = cells.astype(str).str.extractall(TIME)
    if found.empty:
        return pd.DataFrame({"at": pd.Series(dtype="datetime64[ns]"), "day": pd.Series(dtype="datetime64[ns]")})
    h, m = found["h"].astype(int), found["m"].astype(int)
    ok = (h <= 24) & (m <= 59)
    found, minutes = found[ok], (h[ok] % 24) * 60 + m[ok]
    cell = cast(pd.MultiIndex, found.index).droplevel("match")  # extractall: (row, date, match)
    earlier_max = minutes.groupby(level=[0, 1]).cummax().groupby(level=[0, 1]).shift(fill_value=-1)
    next_day = (minutes < OVERNIGHT_BEFORE) & (minutes < earlier_max)
    day = pd.to_datetime(cell.get_level_values(1))
    at = day + pd.to_timedelta(minutes.to_numpy() + next_day.to_numpy() * 1440, unit="min")
    return pd.DataFrame({"at": at, "day": day}, index=cell.get_level_values(0))


class PunchGridImporter(ExportKind):
    key = "punch_grid"
    zh, en = "打卡时间表", "Punch-time grid"
    gives = PUNCH
    nothing = ("没有打卡时间", "no punch times")
    sheet_names = ("打卡时间",)

    def score(self, table: ExportTable) -> int:
        block = day_block(table)
        if not looks_like_days(table, block) or table.column_like("出勤天数", "休息天数", "工作时长"):
            return 0
        return 3 + day_cells_are_times(table, block) + self.named_sheet(table)

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        block = dated(table, day_block(table), lang)
        headers = [h for h, _ in block.days]
        cells = cast(pd.Series, table.rows[headers].rename(columns=dict(block.days)).stack())  # one column level: a Series
        found = punches(cells)
        return identity(table).join(found, how="inner")

    def notes(self, table: ExportTable, lang: Lang) -> list[str]:
        return super().notes(table, lang) + unplaced_note(table, lang)
