"""The 看板 sheet's contents: headline figures and the data blocks its charts are drawn from."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from trainbook.i18n import Lang, message
from trainbook.schema.columns import labels
from trainbook.schema.dashboard import (
    DATA_ROW,
    DEPARTMENTS,
    FEEDBACK,
    KPIS,
    MAX_ROWS,
    RISKS,
    SCORES,
    SESSIONS,
    TEACHERS,
    THEMES,
    TILE_COLUMNS,
    TOP_ROWS,
    WIDTH,
)
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import CERTIFICATE, RISK
from trainbook.workbook.engine import Panel
from trainbook.workbook.refs import column_letter


def headline(students: pd.DataFrame, lang: Lang) -> dict[str, object]:
    """The program's headline figures by KPIS key: numbers (NaN when there is nothing to average),
    and the certificate counts as one text."""
    cert = students["certificate"].value_counts()
    return {
        "students": len(students),
        "attendance_rate": students["attendance_rate"].mean(),
        "task_rate": students["task_rate"].mean(),
        "final_score": students["final_score"].mean(),
        "high_risk": int((students["risk"] == "high").sum()),
        "certificate": " / ".join(f"{label} {cert.get(key, 0)}" for key, label in labels(CERTIFICATE, lang).items()),
    }


def shown(value: object, kind: str) -> str:
    """A headline figure as the dashboard's text."""
    if isinstance(value, str):
        return value
    if pd.isna(value):  # type: ignore[call-overload]
        return "—"
    return f"{value:.1%}" if kind == "percent" else f"{value:.1f}" if kind == "number" else str(value)


def kpis(students: pd.DataFrame, lang: Lang) -> list[tuple[str, str]]:
    figures = headline(students, lang)
    return [(column.header(lang), shown(figures[column.key], column.kind)) for column in KPIS]


def risk_counts(students: pd.DataFrame, lang: Lang) -> list[tuple[str, int]]:
    """Students per risk level, 高 to 低."""
    return [(label, int((students["risk"] == key).sum())) for key, label in labels(RISK, lang).items()]


def score_bands(students: pd.DataFrame, settings: Settings, lang: Lang) -> list[tuple[str, int]]:
    """Students per band of final score (the settings' grade lines)."""
    band_labels, edges = bands(settings, lang)
    return list(zip(band_labels, np.histogram(students["final_score"].dropna(), bins=edges)[0].astype(int).tolist()))


def bands(settings: Settings, lang: Lang) -> tuple[list[str], list[float]]:
    """The final-score bands of the settings' grade lines: labels and histogram edges."""
    lines = [float(settings.grade_pass), float(settings.grade_good), float(settings.grade_excellent)]
    names = [message(f"band-{band}", lang) for band in ("fail", "pass", "good", "excellent")]
    shown = [f"{names[0]} <{lines[0]:g}", f"{names[1]} {lines[0]:g}–{lines[1]:g}", f"{names[2]} {lines[1]:g}–{lines[2]:g}",
             f"{names[3]} ≥{lines[2]:g}"]
    return shown, [0, *lines, 1e9]


def tiles(students: pd.DataFrame, as_of: str, lang: Lang, note: str = "") -> Panel:
    """The dashboard's top, written in place under its title: the as-of line (and what to do first,
    when the figures cannot be trusted yet) and a tile per headline figure."""
    labels_row: list[object] = []
    figures_row: list[object] = []
    for label, figure in kpis(students, lang):  # each in its tile's first cell (the tile's cells are merged)
        labels_row += [label, *[None] * (TILE_COLUMNS - 1)]
        figures_row += [figure, *[None] * (TILE_COLUMNS - 1)]
    as_of_line = message("dashboard-as-of-note" if note else "dashboard-as-of", lang, as_of=as_of, note=note)
    return Panel("dashboard", 1, 0, [[as_of_line], labels_row, figures_row], TOP_ROWS - 1, len(KPIS) * TILE_COLUMNS)


def grid(students: pd.DataFrame, sessions: pd.DataFrame, departments: pd.DataFrame, lang: Lang, settings: Settings,
         feedback: tuple[pd.DataFrame, pd.DataFrame] | None = None,
         themes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """The dashboard's data blocks, as a frame of its cells below the kept top rows whose columns are
    0-based column positions, and the last filled row of each data column (for the charts' ranges).
    A block with nothing to chart yet holds one row, "暂无数据", which its chart shows."""
    first = TOP_ROWS + 1  # the frame's first row (1-based)
    cells = np.full((DATA_ROW + MAX_ROWS - first, WIDTH), None, dtype=object)
    blocks = {
        SESSIONS: np.array(list(zip(session_labels(sessions), sessions["attendance_rate"])), dtype=object),
        SCORES: np.array(score_bands(students, settings, lang), dtype=object),
        DEPARTMENTS: departments[["attendance_rate", "task_rate"]].reset_index().to_numpy(),
        RISKS: np.array(risk_counts(students, lang), dtype=object),
    }
    by_session, by_teacher = feedback if feedback is not None else (pd.DataFrame(), pd.DataFrame())
    names = dict(zip(sessions.index, session_labels(sessions)))
    blocks[FEEDBACK] = _feedback_rows(by_session, lambda key: names.get(key, key))
    blocks[TEACHERS] = _feedback_rows(by_teacher, lambda key: key)
    blocks[THEMES] = (themes[["negative", "suggestion", "positive"]].reset_index().to_numpy(dtype=object)
                      if themes is not None and not themes.empty else np.zeros((0, 4), dtype=object))
    last: dict[str, int] = {}
    for block, data in blocks.items():
        data = data[:MAX_ROWS]
        if not _charted(data, block.percent):
            data = np.array([[message("dashboard-no-data", lang), *[None] * (len(block.zh) - 1)]], dtype=object)
        top = DATA_ROW - first
        cells[top, block.column : block.column + len(block.zh)] = block.headers(lang)
        for j in range(len(block.zh)):
            values = data[:, j]
            cells[top + 1 : top + 1 + len(values), block.column + j] = [
                float(v) if j and v is not None and not pd.isna(v) else v for v in values]
            last[column_letter(block.column + j)] = DATA_ROW + len(values)
    return pd.DataFrame(cells, columns=[str(c) for c in range(WIDTH)], dtype=object), last


def _charted(data: np.ndarray, rates: bool) -> bool:
    """Whether a block's rows give its chart anything to draw: a rate (0 % is one), or a count or
    mean above 0 (bands, risks and themes all at 0 are a program with nothing recorded yet)."""
    if not len(data):
        return False
    figures = pd.to_numeric(pd.Series(data[:, 1:].ravel(), dtype=object), errors="coerce")
    return bool(figures.notna().any() if rates else (figures > 0).any())


def session_labels(sessions: pd.DataFrame) -> list[str]:
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
