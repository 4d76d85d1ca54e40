"""The manager report, declared once: its sheets, their columns, and the overview's tiles
and charts. Columns that show a figure of the master reuse that figure's declaration."""

from __future__ import annotations

from dataclasses import dataclass

from trainbook.schema.columns import Column, Sheet
from trainbook.schema.dashboard import DEPARTMENTS as DEPARTMENTS_CHART
from trainbook.schema.dashboard import FEEDBACK as FEEDBACK_CHART
from trainbook.schema.dashboard import KPIS, RISKS, SCORES, Block
from trainbook.schema.dashboard import SESSIONS as SESSIONS_CHART
from trainbook.schema.sheets import BY_KEY, SESSION_STATUS

_progress = BY_KEY["progress"].column
_session = BY_KEY["sessions"].column
_feedback = BY_KEY["feedback"].column

TOP2 = Column("top2", "满意率(4–5分)", "Satisfied (4–5)", "percent", width=11)
NPS = Column("nps", "NPS", "NPS", "integer", width=8)
RESPONSES = Column("responses", "份数", "Responses", "integer", width=8)
TILES = (*KPIS, TOP2, NPS)  # the overview's headline figures, four to a row

OVERVIEW = Sheet("overview", "概览", "Overview", "generated")
DEPARTMENTS = Sheet("departments", "部门", "Departments", "generated", (
    Column("department", "部门", "Department", width=18),
    Column("students", "学员人数", "Students", "integer", width=9),
    Column("attendance_rate", "平均出勤率", "Attendance", "percent", width=14),
    Column("task_rate", "任务完成率", "Task completion", "percent", width=14),
    Column("final_score", "平均总评", "Mean final score", "number", width=12),
    Column("high_risk", "高风险", "High risk", "integer", width=8),
    Column("medium_risk", "中风险", "Medium risk", "integer", width=8),
    Column("low_risk", "低风险", "Low risk", "integer", width=8),
    Column("certificates", "结业证书（是）", "Certificates (yes)", "integer", width=12),
))
STUDENTS = Sheet("students", "学员", "Students", "generated", (
    _progress("student_id"), _progress("name"), _progress("department"),
    Column("group", "分组", "Group", width=12),
    Column("mobile", "手机号", "Mobile", width=13),  # masked: 138****5678
    _progress("attendance_rate"), _progress("attendance_rate_max"), _progress("task_rate"),
    _progress("score_knowledge"), _progress("score_skill"), _progress("score_attitude"), _progress("final_score"),
    _progress("grade"), _progress("certificate"), _progress("risk"), _progress("needed"),
))
SESSIONS = Sheet("sessions", "课次", "Sessions", "generated", (
    _session("session_id"), _session("title"), _session("date"), _session("teacher"),
    Column("expected", "应出勤", "Expected", "integer", width=8),
    *(Column(status.key, status.zh, status.en, "integer", width=7) for status in SESSION_STATUS),
    Column("attendance_rate", "出勤率", "Attendance", "percent", width=14),
))
_RATINGS = (Column("overall", "总体满意度", "Overall", "number", width=10),
            Column("content", "内容评分", "Content", "number", width=9),
            Column("teacher", "讲师评分", "Teacher", "number", width=9),
            Column("organization", "组织评分", "Organization", "number", width=9), TOP2, NPS, RESPONSES)
FEEDBACK_BY_SESSION = (Column("session", "课次", "Session", width=26), *_RATINGS)
FEEDBACK_BY_TEACHER = (Column("teacher_name", "讲师", "Teacher", width=26), *_RATINGS)
COMMENTS = (Column("session", "课次", "Session", width=26), _feedback("comments"))
_analysis = BY_KEY["feedback_analysis"].column
THEME_TABLE = (Column("theme", "主题", "Theme", width=26), *(_analysis(k) for k in (
    "comments", "negative", "suggestion", "positive", "negative_share")))  # the comments' themes, counted
_action = BY_KEY["actions"].column
ACTION_TABLE = (Column("source", "来源", "Source", width=26),
                *(_action(k) for k in ("problem", "measure", "owner", "due", "status", "current")))
FEEDBACK = Sheet("feedback", "反馈", "Feedback", "generated", FEEDBACK_BY_SESSION)
SHEETS = (OVERVIEW, DEPARTMENTS, STUDENTS, SESSIONS, FEEDBACK)



def _counts(block: Block, key: str) -> tuple[Column, Column]:
    """A two-column table of the overview: a label and how many students."""
    return (Column(key, block.zh[0], block.en[0], width=11),
            Column("students", block.zh[1], block.en[1], "integer", width=11))


RISK_TABLE = _counts(RISKS, "risk")
OPEN_ITEMS = (Column("stage", "环节", "Stage", width=11), Column("owner", "责任人", "Owner", width=11),
              Column("items", "待办", "Open items", "integer", width=11),
              Column("overdue", "其中已逾期", "Of them overdue", "integer", width=11))  # the to-do, as counts
BAND_TABLE = _counts(SCORES, "band")


@dataclass(frozen=True)
class Chart:
    """One of the overview's native charts: its look (a dashboard block's) and the table it is
    drawn from (risks and score bands are tabled on the overview itself, below the charts)."""

    block: Block
    table: str  # "sessions", "departments", "risks", "bands" or "feedback"
    category: str  # the column of its categories
    series: tuple[str, ...]  # the columns of its values
    axis_max: float | None = None


CHARTS = (
    Chart(SESSIONS_CHART, "sessions", "title", ("attendance_rate",), 1),
    Chart(DEPARTMENTS_CHART, "departments", "department", ("attendance_rate", "task_rate"), 1),
    Chart(RISKS, "risks", "risk", ("students",)),
    Chart(SCORES, "bands", "band", ("students",)),
    Chart(FEEDBACK_CHART, "feedback", "session", ("overall",), 5),
)
