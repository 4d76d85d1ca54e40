"""The 看板 sheet's contents: headline figures and the data blocks its charts are drawn from."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trainbook.i18n import Lang
from trainbook.schema.columns import labels
from trainbook.schema.dashboard import (
    BLOCKS,
    DATA_ROW,
    DEPARTMENTS,
    FEEDBACK,
    KPI_ROW,
    MAX_ROWS,
    RISKS,
    SCORES,
    SESSIONS,
    TEACHERS,
)
from trainbook.schema.sheets import CERTIFICATE, RISK
from trainbook.workbook.sheet_xml import column_letter


def kpis(students: pd.DataFrame, lang: Lang) -> list[tuple[str, str]]:
    zh = lang == "zh"
    risk = students["risk"].value_counts()
    cert = students["certificate"].value_counts()

    def pct(v: float) -> str:
        return "—" if pd.isna(v) else f"{v:.1%}"

    certificates = " / ".join(f"{label} {cert.get(key, 0)}" for key, label in labels(CERTIFICATE, lang).items())
    return [
        ("学员人数" if zh else "Students", str(len(students))),
        ("平均出勤率" if zh else "Attendance", pct(students["attendance_rate"].mean())),
        ("任务完成率" if zh else "Task completion", pct(students["task_rate"].mean())),
        ("平均总评" if zh else "Mean final score",
         "—" if students["final_score"].isna().all() else f"{students['final_score'].mean():.1f}"),
        ("高风险学员" if zh else "High risk", str(risk.get("high", 0))),
        ("结业证书 是/待定/否" if zh else "Certificate yes/pending/no", certificates),
    ]


def bands(settings: Any, lang: Lang) -> tuple[list[str], list[float]]:
    """The final-score bands of the settings' grade lines: labels and histogram edges."""
    lines = [float(settings.grade_pass), float(settings.grade_good), float(settings.grade_excellent)]
    names = ("不合格", "合格", "良好", "优秀") if lang == "zh" else ("Fail", "Pass", "Good", "Excellent")
    shown = [f"{names[0]} <{lines[0]:g}", f"{names[1]} {lines[0]:g}–{lines[1]:g}", f"{names[2]} {lines[1]:g}–{lines[2]:g}",
             f"{names[3]} ≥{lines[2]:g}"]
    return shown, [0, *lines, 1e9]


def grid(students: pd.DataFrame, sessions: pd.DataFrame, departments: pd.DataFrame, as_of: str,
         lang: Lang, settings: Any, note: str = "", feedback: tuple[pd.DataFrame, pd.DataFrame] | None = None,
         ) -> tuple[pd.DataFrame, dict[str, int]]:
    """The dashboard's cells from row 2 on, as a frame whose columns are 0-based column positions,
    and the last filled row of each data column (for the charts' ranges)."""
    width = max(b.column + len(b.zh) for b in BLOCKS)
    rows = DATA_ROW + MAX_ROWS - 1
    cells = np.full((rows, width), None, dtype=object)
    cells[0, 0] = ("截至 " if lang == "zh" else "As of ") + as_of + (f"　{note}" if note else "")
    for i, (label, value) in enumerate(kpis(students, lang)):
        cells[KPI_ROW - 2 + i, 0], cells[KPI_ROW - 2 + i, 1] = label, value
    scores = students["final_score"].dropna()
    band_labels, edges = bands(settings, lang)
    blocks = {
        SESSIONS: np.array(list(zip(_session_labels(sessions), sessions["attendance_rate"])), dtype=object),
        SCORES: np.array(list(zip(band_labels, np.histogram(scores, bins=edges)[0].astype(int))), dtype=object),
        DEPARTMENTS: departments[["attendance_rate", "task_rate"]].reset_index().to_numpy(),
        RISKS: np.array([(label, int((students["risk"] == key).sum())) for key, label in labels(RISK, lang).items()],
                        dtype=object),
    }
    by_session, by_teacher = feedback if feedback is not None else (pd.DataFrame(), pd.DataFrame())
    names = dict(zip(sessions.index, _session_labels(sessions)))
    blocks[FEEDBACK] = _feedback_rows(by_session, lambda key: names.get(key, key))
    blocks[TEACHERS] = _feedback_rows(by_teacher, lambda key: key)
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



def _session_labels(sessions: pd.DataFrame) -> list[str]:
    """Bar labels that tell sessions apart: the title, with its date (two sessions may share a title)."""
    return [f"{title} {date:%m-%d}" if pd.notna(date) else str(title)
            for title, date in zip(sessions["title"], sessions["date"])]


def _feedback_rows(summary: pd.DataFrame, label: Any) -> np.ndarray:
    """Rows of a feedback block: who, mean overall (1–5), share of 4–5 in %, NPS, responses (groups
    too small to show, folded into 其他 by the summary, stay blank)."""
    if summary.empty:
        return np.zeros((0, 5), dtype=object)
    return np.array([(label(key), row["overall"], None if pd.isna(row["top2"]) else round(row["top2"] * 100, 1),
                      row["nps"], int(row["responses"])) for key, row in summary.iterrows()], dtype=object)
