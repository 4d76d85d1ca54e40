"""原始记录 — raw punch records: one row per punch."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, day_of, has, identity, when
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import PUNCH

PUNCHED = ("打卡时间", "Punch Time", "Check Time", "Clock Time")
DAY = ("考勤日期", "日期", "Attendance Date", "Date")
PLANNED = ("考勤时间", "Scheduled Time", "Planned Time")  # the time of the shift the punch was for
RESULT = ("打卡结果", "Punch Result")


class PunchRecordsImporter(ExportKind):
    key = "punch_records"
    zh, en = "打卡原始记录", "Punch records"
    gives = PUNCH
    nothing = ("没有可识别的打卡时间", "no readable punch time")
    sheet_names = ("原始记录", "打卡记录", "考勤明细")

    def score(self, table: ExportTable) -> int:
        if not has(table, *PUNCHED) or table.column_like("上班1") or has(table, "签到时间"):
            return 0
        return 2 + has(table, *RESULT, *PLANNED) + has(table, *DAY) + self.named_sheet(table)

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        day_column = table.column(*DAY)
        day = day_of(table, day_column) if day_column else None
        out["at"] = when(table, table.column(*PUNCHED), day)
        out["day"] = day if day is not None else pd.NaT
        planned, result = table.column(*PLANNED), table.column(*RESULT)
        out["planned_at"] = when(table, planned, day) if planned else pd.NaT
        out["result"] = table.rows[result] if result else None
        return out[out["at"].notna()]
