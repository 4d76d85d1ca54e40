"""The 看板 sheet's contents: headline figures and the data blocks its charts are drawn from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trainbook.i18n import Lang
from trainbook.schema.dashboard import BANDS, BLOCKS, DATA_ROW, DEPARTMENTS, KPI_ROW, MAX_ROWS, RISKS, SCORES, SESSIONS
from trainbook.workbook.sheet_xml import column_letter


def kpis(students: pd.DataFrame, lang: Lang) -> list[tuple[str, str]]:
    zh = lang == "zh"
    risk = students["risk"].value_counts()
    cert = students["certificate"].value_counts()

    def pct(v: float) -> str:
        return "—" if pd.isna(v) else f"{v:.1%}"

    return [
        ("学员人数" if zh else "Students", str(len(students))),
        ("平均出勤率" if zh else "Attendance", pct(students["attendance_rate"].mean())),
        ("任务完成率" if zh else "Task completion", pct(students["task_rate"].mean())),
        ("平均总评" if zh else "Mean final score",
         "—" if students["final_score"].isna().all() else f"{students['final_score'].mean():.1f}"),
        ("高风险学员" if zh else "High risk", str(risk.get("high", 0))),
        ("可获结业证书" if zh else "Certificates", str(cert.get("yes", 0))),
    ]


def grid(students: pd.DataFrame, sessions: pd.DataFrame, departments: pd.DataFrame, as_of: str,
         lang: Lang, note: str = "") -> tuple[pd.DataFrame, dict[str, int]]:
    """The dashboard's cells from row 2 on, as a frame whose columns are 0-based column positions,
    and the last filled row of each data column (for the charts' ranges)."""
    width = max(b.column + len(b.zh) for b in BLOCKS)
    rows = DATA_ROW + MAX_ROWS - 1
    cells = np.full((rows, width), None, dtype=object)
    cells[0, 0] = ("截至 " if lang == "zh" else "As of ") + as_of + (f"　{note}" if note else "")
    for i, (label, value) in enumerate(kpis(students, lang)):
        cells[KPI_ROW - 2 + i, 0], cells[KPI_ROW - 2 + i, 1] = label, value
    scores = students["final_score"].dropna()
    blocks = {
        SESSIONS: sessions[["title", "attendance_rate"]].to_numpy(),
        SCORES: np.array(list(zip(BANDS[lang], np.histogram(scores, bins=[0, 60, 75, 90, 101])[0].astype(int)))),
        DEPARTMENTS: departments[["attendance_rate", "task_rate"]].reset_index().to_numpy(),
        RISKS: np.array([(label, int((students["risk"] == key).sum())) for key, label in
                         zip(("high", "medium", "low"), ("高", "中", "低") if lang == "zh" else ("High", "Medium", "Low"))],
                        dtype=object),
    }
    last: dict[str, int] = {}
    for block, data in blocks.items():
        data = data[:MAX_ROWS]
        top = DATA_ROW - 2
        cells[top, block.column : block.column + len(block.zh)] = block.headers(lang)
        for j in range(len(block.zh)):
            values = data[:, j] if len(data) else []
            cells[top + 1 : top + 1 + len(values), block.column + j] = [
                float(v) if j and v is not None and not pd.isna(v) else v for v in values]
            last[column_letter(block.column + j)] = DATA_ROW + max(len(values), 1)
    return pd.DataFrame(cells, columns=[str(c) for c in range(width)], dtype=object), last

