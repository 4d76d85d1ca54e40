"""The layout of the 看板 sheet: the headline tiles, the grid of charts and their data blocks.

The top rows (title, the as-of line, a row of tiles) are kept from the template, which styles them;
`progress` writes their figures in place. The charts sit in a grid of equal slots below, a landscape
page in all; the data blocks they are drawn from lie further down, off the printed page. The
template draws each chart over the largest block; `progress` writes the blocks and trims the
charts' ranges to the rows it filled.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainbook.i18n import Lang, pick
from trainbook.schema.columns import Column

TOP_ROWS = 4  # title, as-of line, tile labels, tile values (1-based rows 1–4)
TILE_COLUMNS = 2  # columns a tile spans
COLUMN_WIDTH = 14  # characters, every column: tiles and chart slots line up
SLOT_COLUMNS, SLOT_ROWS, SLOTS_PER_ROW = 4, 13, 3  # a chart's place in the grid
CHART_ROW = 5  # 0-based row of the grid's top
DATA_ROW = 48  # header row of the data blocks (1-based); data from the row below
MAX_ROWS = 60  # rows a block may fill


@dataclass(frozen=True)
class Block:
    """A data block: its first column (0-based), headers, and the chart drawn from it."""

    column: int
    zh: tuple[str, ...]
    en: tuple[str, ...]
    chart_zh: str
    chart_en: str
    chart_type: str
    percent: bool
    charted: int = 0  # how many value columns the chart draws (0: all)
    subtype: str = ""  # "stacked": the series one on another
    slots: int = 1  # grid places the chart takes, side by side

    def headers(self, lang: Lang) -> tuple[str, ...]:
        return pick(lang, self.zh, self.en)

    def chart(self, lang: Lang) -> str:
        return pick(lang, self.chart_zh, self.chart_en)


SESSIONS = Block(0, ("课次", "出勤率"), ("Session", "Attendance"), "各课次出勤率", "Attendance by session", "bar", True)
SCORES = Block(3, ("总评分数段", "人数"), ("Final score", "Students"), "总评分布", "Final score distribution", "column", False)
DEPARTMENTS = Block(6, ("部门", "出勤率", "任务完成率"), ("Department", "Attendance", "Tasks"),
                    "部门对比", "Departments compared", "bar", True)
RISKS = Block(10, ("风险", "人数"), ("Risk", "Students"), "风险分布", "Risk", "pie", False)
FEEDBACK_COLUMNS = {"zh": ("总体满意度", "满意率(%)", "NPS", "份数"), "en": ("Overall", "Top-2-box (%)", "NPS", "Responses")}
FEEDBACK = Block(13, ("课次", *FEEDBACK_COLUMNS["zh"]), ("Session", *FEEDBACK_COLUMNS["en"]),
                 "各课次满意度（1–5）", "Satisfaction by session (1–5)", "bar", False, charted=1)
TEACHERS = Block(19, ("讲师", *FEEDBACK_COLUMNS["zh"]), ("Teacher", *FEEDBACK_COLUMNS["en"]),
                 "各讲师满意度（1–5）", "Satisfaction by teacher (1–5)", "bar", False, charted=1)
THEMES = Block(25, ("主题", "负面", "建议", "正面"), ("Theme", "Negative", "Suggestions", "Positive"),
               "评论主题（按语气）", "Comment themes by tone", "bar", False, subtype="stacked", slots=SLOTS_PER_ROW)
TONE_COLOURS = ("#C00000", "#FFC000", "#70AD47")  # 负面 red, 建议 amber, 正面 green: the block's order
BLOCKS = (SESSIONS, SCORES, DEPARTMENTS, RISKS, FEEDBACK, TEACHERS, THEMES)  # in the grid's order
WIDTH = max(b.column + len(b.zh) for b in BLOCKS)  # the sheet's columns: every block's


def chart_places() -> list[tuple[int, int, int]]:
    """Each block's chart in the grid, filled row by row: 0-based top row, left column, columns wide."""
    places, at = [], 0
    for block in BLOCKS:
        if at % SLOTS_PER_ROW + block.slots > SLOTS_PER_ROW:
            at += SLOTS_PER_ROW - at % SLOTS_PER_ROW
        places.append((CHART_ROW + at // SLOTS_PER_ROW * SLOT_ROWS, at % SLOTS_PER_ROW * SLOT_COLUMNS,
                       block.slots * SLOT_COLUMNS))
        at += block.slots
    return places


PRINTED_ROWS = max(row for row, _, _ in chart_places()) + SLOT_ROWS  # the page: tiles and charts, not the blocks
TILE_FILL, TILE_LABEL = "#F2F2F2", "#595959"  # a headline tile's background and its label's colour
KPIS = (  # the headline figures, a tile each, by their key in metrics.dashboard.headline
    Column("students", "学员人数", "Students", "integer"),
    Column("attendance_rate", "平均出勤率", "Attendance", "percent"),
    Column("task_rate", "任务完成率", "Task completion", "percent"),
    Column("final_score", "平均总评", "Mean final score", "number"),
    Column("high_risk", "高风险学员", "High risk", "integer"),
    Column("certificate", "结业证书 是/待定/否", "Certificate yes/pending/no"),
)
RISK_FILLS = {"high": ("#FFC7CE", "#9C0006"), "medium": ("#FFEB9C", "#9C5700"),
              "low": ("#C6EFCE", "#006100")}  # a risk cell's fill and font, in 学习进度 and the manager report
RISK_COLOURS = ("#C00000", "#FFC000", "#70AD47")  # 高 red, 中 amber, 低 green: the order the block lists them
