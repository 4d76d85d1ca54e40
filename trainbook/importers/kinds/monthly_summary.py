"""月度汇总 — monthly summary: one row per person, statistics and one status cell per day."""

from __future__ import annotations

import pandas as pd

from trainbook.importers.kinds.base import ExportKind, identity
from trainbook.importers.kinds.day_columns import count_day_columns, day_cells_are_times, day_columns
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import SLOT


class MonthlySummaryImporter(ExportKind):
    key = "monthly_summary"
    zh, en = "月度汇总", "Monthly summary"
    gives = SLOT
    nothing = ("没有考勤结果", "no attendance results")
    sheet_names = ("月度汇总",)

    def score(self, table: ExportTable) -> int:
        if count_day_columns(table) < 7:
            return 0
        summary = bool(table.column_like("出勤天数", "休息天数", "考勤结果")) or not day_cells_are_times(table)
        return 3 + summary + self.named_sheet(table)

    def read(self, table: ExportTable) -> pd.DataFrame:
        who = identity(table)
        pieces = []
        for header, date in day_columns(table):
            status = table.rows[header].dropna().astype(str)
            piece = who.loc[status.index].copy()
            piece["day"], piece["day_status"] = pd.Timestamp(date), status
            pieces.append(piece)
        return pd.concat(pieces) if pieces else who.iloc[0:0]
