"""签到 / 群签到 — check-ins: one row per check-in."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, day_of, has, identity, when
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import PUNCH


class SigninImporter(ExportKind):
    key = "signin"
    zh, en = "签到记录", "Check-ins"
    gives = PUNCH
    nothing = ("没有可识别的签到时间", "no readable check-in time")
    sheet_names = ("签到",)

    def score(self, table: ExportTable) -> int:
        if has(table, "签到时间", "Check-in Time", "Sign-in Time"):
            return 4
        if has(table, "日期", "Date") and has(table, "时间", "Time") and has(table, "地点", "详细地址", "Location"):
            return 3 + self.named_sheet(table)
        return 0

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        full = table.column("签到时间", "Check-in Time", "Sign-in Time")
        if full:
            out["at"] = when(table, full)
        else:
            day = day_of(table, table.column("日期", "Date"))
            out["at"] = when(table, table.column("时间", "Time"), day)
        return out[out["at"].notna()]
