"""家校本 / 作业 — homework submissions: one row per student and assignment."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, has, identity, when
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import SUBMISSION
from trainbook.values import number

TITLE = ("作业名称", "作业标题", "作业", "Homework", "Assignment")
STATE = ("提交状态", "是否提交", "完成状态", "Status")
SUBMITTED = ("提交时间", "Submitted At")
POINTS = ("得分", "评分", "分数", "Points", "Score")


class HomeworkImporter(ExportKind):
    key = "homework"
    zh, en = "作业提交（家校本）", "Homework submissions"
    gives = SUBMISSION
    sheet_names = ("作业", "家校本")

    def score(self, table: ExportTable) -> int:
        if has(table, *TITLE) and (has(table, *STATE) or has(table, *SUBMITTED)):
            return 4
        if has(table, *STATE) and (table.title or self.named_sheet(table)):  # the task named in the title row
            return 3
        return 0

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        title = table.column(*TITLE)
        out["title"] = rows[title] if title else (table.title or table.sheet)
        submitted = table.column(*SUBMITTED)
        out["at"] = when(table, submitted) if submitted else pd.NaT
        state = table.column(*STATE)
        text = rows[state].fillna("").astype(str) if state else pd.Series("", index=rows.index)
        out["done"] = out["at"].notna() | text.str.contains("已提交|已完成|是|submitted", case=False, regex=True)
        out.loc[text.str.contains("未", regex=False), "done"] = False
        points = table.column(*POINTS)
        out["points"] = number(rows[points]) if points else None
        return out
