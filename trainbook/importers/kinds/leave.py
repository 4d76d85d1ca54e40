"""请假 — leave records: approved leave becomes 请假 for the sessions it covers."""

from __future__ import annotations

import re

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers import parsing
from trainbook.importers.kinds.base import ExportKind, has, identity
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import LEAVE

SPAN = re.compile(r"\s*(?:至|到|~|—|－)\s*")
APPROVED = ("审批通过", "已通过", "同意", "已同意", "完成", "approved", "agreed")
STATE = ("审批单状态", "审批状态", "审批结果", "状态", "Approval Status", "Status")


class LeaveImporter(ExportKind):
    key = "leave"
    zh, en = "请假记录", "Leave records"
    gives = LEAVE
    nothing = ("未获批准或没有请假时间", "not approved, or no leave time")
    sheet_names = ("请假",)

    def score(self, table: ExportTable) -> int:
        if has(table, "假期类型", "请假类型", "Leave Type") or has(table, "请假时间", "Leave Time"):
            return 4 + self.named_sheet(table)
        return 0

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        span = table.column("请假时间", "Leave Time")
        if span:
            parts = rows[span].astype(str).str.split(SPAN, n=1, regex=True, expand=True)
            start, end = parts[0], parts[1] if parts.shape[1] > 1 else parts[0]
        else:
            start = rows[table.column("开始时间", "Start Time", "Start")]
            end = rows[table.column("结束时间", "End Time", "End")]
        out["leave_from"] = parsing.when(start)
        out["leave_to"] = parsing.when(end)
        state = table.column(*STATE)
        if state:
            text = rows[state].fillna("").astype(str).str.lower()
            out = out[text.map(lambda s: any(a in s for a in APPROVED)) | (text == "")]
        kind = table.column("假期类型", "请假类型", "Leave Type")
        out["note"] = rows[kind] if kind else None
        return out[out["leave_from"].notna()]
