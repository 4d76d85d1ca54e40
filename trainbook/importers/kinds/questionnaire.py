"""问卷 — questionnaire responses: ratings matched to the feedback columns by their questions."""

from __future__ import annotations

import pandas as pd

from trainbook.i18n import Lang
from trainbook.importers.kinds.base import ExportKind, identity, when
from trainbook.importers.table import ExportTable
from trainbook.schema.evidence import RESPONSE
from trainbook.values import number

QUESTIONS = {  # feedback column → fragments of the question that asks for it, most specific first
    "nps": ("推荐", "recommend"),
    "teacher": ("讲师", "老师", "teacher", "trainer"),
    "content": ("内容", "content"),
    "organization": ("组织", "安排", "会务", "organi"),
    "overall": ("总体", "整体", "满意度", "overall", "satisf"),
    "comments": ("意见", "建议", "留言", "comment", "suggest"),
}
SUBMITTED = ("提交时间", "填写时间", "Submitted At")
TITLE = ("问卷名称", "课次", "课程", "Survey", "Course")


class QuestionnaireImporter(ExportKind):
    key = "questionnaire"
    zh, en = "问卷反馈", "Questionnaire"
    gives = RESPONSE
    nothing = ("没有总体满意度评分", "no overall rating")
    sheet_names = ("问卷",)

    def score(self, table: ExportTable) -> int:
        asked = sum(table.column_like(*f) is not None for f in QUESTIONS.values())
        return 2 + asked if table.column_like("满意", "评分", "satisf") else 0

    def read(self, table: ExportTable, lang: Lang) -> pd.DataFrame:
        out = identity(table)
        rows = table.rows
        used: set[str] = set()
        for key, fragments in QUESTIONS.items():
            column = next((h for h, k in zip(table.headers, table.keys)
                           if h not in used and any(f in k for f in fragments)), None)
            if column:
                used.add(column)
            values = rows[column] if column else pd.Series(None, index=rows.index, dtype=object)
            out[key] = values if key == "comments" else number(values)
        submitted = table.column(*SUBMITTED)
        out["at"] = when(table, submitted) if submitted else pd.NaT
        title = table.column(*TITLE)
        out["title"] = rows[title] if title else (table.title or table.sheet)
        return out[out["overall"].notna()]
