"""每日统计 — daily statistics: one row per person per day, with up to three punch pairs."""

from __future__ import annotations

import re

import pandas as pd

from trainbook.importers import parsing
from trainbook.importers.kinds.base import ExportKind, has, identity
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import SLOT
from trainbook.workbook.master import normalize

TIME_COLUMN = re.compile(r"^(上班|下班)\d*/?打卡时间$|^(on|off)duty\d*/?(check)?time$")
RESULT_COLUMN = re.compile(r"^(上班|下班)\d*/?打卡结果$|^(on|off)duty\d*/?result$")


class DailyStatsImporter(ExportKind):
    key = "daily_stats"
    zh, en = "每日统计", "Daily statistics"
    gives = SLOT
    nothing = ("当天没有打卡时间或考勤结果", "no punch time or result that day")
    sheet_names = ("每日统计", "每日汇总")

    def score(self, table: ExportTable) -> int:
        times = [h for h, k in zip(table.headers, table.keys) if TIME_COLUMN.match(k)]
        if not times or not has(table, "日期", "Date", "考勤日期"):
            return 0
        return 4 + self.named_sheet(table)

    def read(self, table: ExportTable) -> pd.DataFrame:
        who = identity(table)
        day = parsing.moments(table.rows[table.column("日期", "Date", "考勤日期")]).dt.normalize()
        pieces = []
        for header, key in zip(table.headers, table.keys):
            if TIME_COLUMN.match(key):
                piece = who.copy()
                piece["at"] = parsing.when(table.rows[header], day)
                pieces.append(piece[piece["at"].notna()])
        results = [h for h, k in zip(table.headers, table.keys) if RESULT_COLUMN.match(normalize(k))]
        if results:
            status = table.rows[results].fillna("").astype(str).agg(" ".join, axis=1).str.strip()
            piece = who.copy()
            piece["day"], piece["day_status"] = day, status
            pieces.append(piece[(status != "") & day.notna()])
        return pd.concat(pieces) if pieces else who.iloc[0:0]
