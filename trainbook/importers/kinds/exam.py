"""考试 — exam results: one row per candidate."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, has, identity, when
from trainbook.importers.kinds.homework import TITLE as HOMEWORK_TITLE
from trainbook.importers.table import ExportTable
from trainbook.schema import evidence
from trainbook.values import number

SCORE = ("得分", "成绩", "分数", "考试成绩", "Score")
SUBMITTED = ("交卷时间", "提交时间", "Submitted At")
TITLE = ("考试名称", "试卷名称", "考试", "Exam", "Exam Name")


class ExamImporter(ExportKind):
    key = "exam"
    zh, en = "考试成绩", "Exam results"
    gives = evidence.SCORE
    nothing = ("没有分数", "no score")

    def score(self, table: ExportTable) -> int:
        if not has(table, *SCORE) or has(table, *HOMEWORK_TITLE):
            return 0
        return 3 + has(table, *SUBMITTED) + has(table, "用时", "答题时长", "正确率", *TITLE)

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        out["score"] = number(rows[table.column(*SCORE)])
        submitted = table.column(*SUBMITTED)
        out["at"] = when(table, submitted) if submitted else pd.NaT
        title = table.column(*TITLE)
        out["title"] = rows[title] if title else (table.title or table.sheet)
        return out[out["score"].notna()]
