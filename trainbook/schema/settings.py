"""The settings sheet: program facts and every policy parameter of SPEC §5, with defaults."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from trainbook.schema.columns import YES_NO, Choice, Parameter

LANGUAGE = (Choice("zh", "中文", "中文"), Choice("en", "English", "English"))

PARAMETERS: tuple[Parameter, ...] = (
    Parameter("program_name", "项目名称", "Program name", "text", "",
              "培训项目的名称，出现在报表和通知里。", "The program's name, shown in reports and notices."),
    Parameter("organizer", "主办部门", "Organizer", "text", "",
              "负责本项目的部门或单位。", "The department that runs the program."),
    Parameter("start_date", "开始日期", "Start date", "date", None,
              "项目第一天。", "The program's first day."),
    Parameter("end_date", "结束日期", "End date", "date", None,
              "项目最后一天；此后才给出“是/否”的结业结论。",
              "The program's last day; certificates are decided after it."),
    Parameter("language", "语言", "Language", "choice", "zh",
              "工作簿和提示信息的语言：zh 或 en。", "Language of the workbook and its messages: zh or en.",
              choices=LANGUAGE),
    Parameter("checkin_url_template", "签到链接模板", "Check-in URL template", "text", "",
              "课次没有签到链接时用它生成，可用 {session_id}、{date}、{program}。",
              "Builds a session's check-in link when it has none; may use {session_id}, {date} and {program}."),
    Parameter("late_grace_minutes", "迟到宽限(分钟)", "Late grace (min)", "integer", 5,
              "开始后多少分钟内签到仍算出勤。", "Minutes after the start within which a check-in still counts as present.",
              min=0, max=240),
    Parameter("early_leave_grace_minutes", "早退宽限(分钟)", "Early-leave grace (min)", "integer", 5,
              "结束前多少分钟内签退不算早退。", "Minutes before the end within which a check-out is not leaving early.",
              min=0, max=240),
    Parameter("checkin_opens_minutes", "签到提前开放(分钟)", "Check-in opens (min)", "integer", 60,
              "两次课之间只打了一次卡时：开始前这么多分钟内的算本课次签到，更早的算上一次课签退。",
              "A lone punch between two sessions this many minutes before the start checks in to it; an earlier one "
              "checks out of the session before.",
              min=0, max=720),
    Parameter("require_checkout", "要求签退", "Require check-out", "choice", "no",
              "是：签退早于结束时间减宽限记为早退。", "Yes: a check-out before the end minus the grace is 'left early'.",
              choices=YES_NO),
    Parameter("online_min_watch_ratio", "线上最低观看比例", "Online minimum watch ratio", "number", 0.8,
              "线上课观看时长达到课次时长的这个比例才算出勤。",
              "Share of the session length an online viewer must watch to count as present.",
              min=0, max=1),
    Parameter("count_replay", "回放计入观看", "Count replay", "choice", "yes",
              "是：观看回放的时长计入观看比例。", "Yes: replay time counts toward the watch ratio.",
              choices=YES_NO),
    Parameter("late_weight", "迟到折算", "Late weight", "number", 1.0,
              "一次迟到按多少次出勤计算（0–1）。", "How much one late arrival counts as attendance (0–1).",
              min=0, max=1),
    Parameter("early_weight", "早退折算", "Early-leave weight", "number", 1.0,
              "一次早退按多少次出勤计算（0–1）。", "How much one early leave counts as attendance (0–1).",
              min=0, max=1),
    Parameter("excused_counts", "请假计入应出勤", "Excused counts", "choice", "no",
              "否：请假不计入出勤率的分母；是：请假按缺勤计算。",
              "No: excused leave is left out of the rate; Yes: it counts as an absence.",
              choices=YES_NO),
    Parameter("free_absences", "可豁免缺勤次数", "Free absences", "integer", 0,
              "每位学员可以不计的缺勤次数。", "Absences forgiven per student.", min=0, max=100),
    Parameter("attendance_threshold", "出勤率达标线", "Attendance threshold", "number", 0.8,
              "结业所需的最低出勤率。", "Minimum attendance rate to complete the program.", min=0, max=1),
    Parameter("task_threshold", "任务完成率达标线", "Task threshold", "number", 0.8,
              "结业所需的最低必做任务完成率。", "Minimum share of required tasks done to complete.",
              min=0, max=1),
    Parameter("score_threshold", "总评及格线", "Final score threshold", "number", 60,
              "结业所需的最低总评成绩（百分制）。", "Minimum final score (out of 100) to complete.",
              min=0, max=100),
    Parameter("consecutive_absences", "连续缺勤预警次数", "Consecutive absences", "integer", 2,
              "连续缺勤达到这个次数即为高风险。", "This many absences in a row make the risk high.",
              min=1, max=100),
    Parameter("grade_excellent", "优秀分数线", "Excellent from", "number", 90,
              "总评达到此分为“优秀”。", "Final score from which the grade is Excellent.", min=0, max=100),
    Parameter("grade_good", "良好分数线", "Good from", "number", 75,
              "总评达到此分为“良好”。", "Final score from which the grade is Good.", min=0, max=100),
    Parameter("grade_pass", "合格分数线", "Pass from", "number", 60,
              "总评达到此分为“合格”，否则“不合格”。", "Final score from which the grade is Pass.",
              min=0, max=100),
    Parameter("min_group_size", "最小分组人数", "Minimum group size", "integer", 3,
              "少于此人数的分组不单独统计（保护个人隐私）。",
              "Groups smaller than this are not broken out, to protect individuals.", min=1, max=1000),
    Parameter("share_comments", "报表含意见建议", "Comments in report", "choice", "no",
              "是：管理层报表的“反馈”表列出问卷里的意见建议（不含姓名）；否：不列出。",
              "Yes: the manager report's Feedback sheet lists the survey comments (never who wrote them).",
              choices=YES_NO),
    Parameter("reminder_days", "课前提醒天数", "Reminder days", "integer", 1,
              "提前几天（含当天）为课次生成课前提醒。", "Remind students of sessions this many days ahead (today included).",
              min=0, max=30),
    Parameter("task_reminder_days", "作业提醒天数", "Task reminder days", "integer", 2,
              "必做任务截止前几天（含当天）提醒未提交的学员。",
              "Remind students who have not handed in a required task this many days before it is due.",
              min=0, max=30),
    Parameter("recent_days", "近期天数", "Recent days", "integer", 7,
              "课后问卷邀请和资料更新通知只针对最近这么多天内的课次和资料。",
              "Feedback requests and material updates are for sessions and materials of the last this many days.",
              min=0, max=365),
    Parameter("certificate_verify_template", "证书验证链接模板", "Certificate check URL template", "text", "",
              "证书上二维码指向的验证链接，可用 {code}、{student_id}，例如 https://example.com/verify?code={code}；留空则二维码只含验证码。",
              "Where a certificate's QR code points, may use {code} and {student_id}; empty: the QR holds the code alone."),
    Parameter("robot", "钉钉机器人", "DingTalk robot", "text", "",
              "“发送通知”用哪个机器人：trainbook robot add 保存的名称（机器人地址和密钥不写在工作簿里）。",
              "Which robot Send uses: a name saved with trainbook robot add (its address and secret are never in the workbook)."),
)
BY_KEY: dict[str, Parameter] = {p.key: p for p in PARAMETERS}

_PY_TYPES: dict[str, type] = {
    "text": str, "choice": str, "date": str, "integer": int, "number": float,
}


@cache
def settings_model() -> type[BaseModel]:
    """The pydantic model of a settings sheet, derived from PARAMETERS."""
    fields: dict[str, Any] = {}
    for p in PARAMETERS:
        py_type = _PY_TYPES[p.kind]
        constraints: dict[str, Any] = {"ge": p.min, "le": p.max} if p.kind in ("integer", "number") else {}
        default = p.default if p.kind != "date" else None
        fields[p.key] = (py_type | None if p.kind == "date" else py_type,
                         Field(default=default, **constraints))
    return create_model("Settings", __config__=ConfigDict(extra="ignore"), **fields)
