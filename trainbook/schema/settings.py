"""The settings sheet: the program's facts and every policy parameter, with defaults."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from trainbook.schema.columns import YES_NO, Choice, Kind, Parameter

LANGUAGE = (Choice("zh", "中文", "中文"), Choice("en", "English", "English"))
YesNo = Literal["yes", "no"]
Language = Literal["zh", "en"]


@dataclass(frozen=True)
class Label:
    """What the settings sheet shows of a setting: its name and what it does, in both languages,
    and for a choice the choices."""

    zh: str
    en: str
    explain_zh: str
    explain_en: str
    choices: tuple[Choice, ...] = ()


class Settings(BaseModel):
    """The settings sheet, typed: one field per row — a program fact or a policy parameter — with its
    type, default, bounds, and its label and explanation in both languages. The sheet's rows, their
    validation and the reference page are derived from this class."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    program_name: Annotated[str, Label(
        "项目名称", "Program name",
        "培训项目的名称，出现在报表和通知里。",
        "The program's name, shown in reports and notices.")] = ""
    organizer: Annotated[str, Label(
        "主办部门", "Organizer",
        "负责本项目的部门或单位。",
        "The department that runs the program.")] = ""
    start_date: Annotated[dt.date | None, Label(
        "开始日期", "Start date",
        "项目第一天。",
        "The program's first day.")] = None
    end_date: Annotated[dt.date | None, Label(
        "结束日期", "End date",
        "项目最后一天；此后才给出“是/否”的结业结论。",
        "The program's last day; certificates are decided after it.")] = None
    language: Annotated[Language, Label(
        "语言", "Language",
        "工作簿和提示信息的语言：zh 或 en。",
        "Language of the workbook and its messages: zh or en.", choices=LANGUAGE)] = "zh"
    checkin_url_template: Annotated[str, Label(
        "签到链接模板", "Check-in URL template",
        "课次没有签到链接时用它生成，可用 {session_id}、{date}、{program}。",
        "Builds a session's check-in link when it has none; may use {session_id}, {date} and {program}.")] = ""
    late_grace_minutes: Annotated[int, Field(ge=0, le=240), Label(
        "迟到宽限(分钟)", "Late grace (min)",
        "开始后多少分钟内签到仍算出勤。",
        "Minutes after the start within which a check-in still counts as present.")] = 5
    early_leave_grace_minutes: Annotated[int, Field(ge=0, le=240), Label(
        "早退宽限(分钟)", "Early-leave grace (min)",
        "结束前多少分钟内签退不算早退。",
        "Minutes before the end within which a check-out is not leaving early.")] = 5
    checkin_opens_minutes: Annotated[int, Field(ge=0, le=720), Label(
        "签到提前开放(分钟)", "Check-in opens (min)",
        "两次课之间只打了一次卡时：开始前这么多分钟内的算本课次签到，更早的算上一次课签退。",
        "A lone punch between two sessions this many minutes before the start checks in to it; an earlier one checks out of the session before.")] = 60
    require_checkout: Annotated[YesNo, Label(
        "要求签退", "Require check-out",
        "是：签退早于结束时间减宽限记为早退。",
        "Yes: a check-out before the end minus the grace is 'left early'.", choices=YES_NO)] = "no"
    online_min_watch_ratio: Annotated[float, Field(ge=0, le=1), Label(
        "线上最低观看比例", "Online minimum watch ratio",
        "线上课观看时长达到课次时长的这个比例才算出勤。",
        "Share of the session length an online viewer must watch to count as present.")] = 0.8
    count_replay: Annotated[YesNo, Label(
        "回放计入观看", "Count replay",
        "是：观看回放的时长计入观看比例。",
        "Yes: replay time counts toward the watch ratio.", choices=YES_NO)] = "yes"
    late_weight: Annotated[float, Field(ge=0, le=1), Label(
        "迟到折算", "Late weight",
        "一次迟到按多少次出勤计算（0–1）。",
        "How much one late arrival counts as attendance (0–1).")] = 1.0
    early_weight: Annotated[float, Field(ge=0, le=1), Label(
        "早退折算", "Early-leave weight",
        "一次早退按多少次出勤计算（0–1）。",
        "How much one early leave counts as attendance (0–1).")] = 1.0
    excused_counts: Annotated[YesNo, Label(
        "请假计入应出勤", "Excused counts",
        "否：请假不计入出勤率的分母；是：请假按缺勤计算。",
        "No: excused leave is left out of the rate; Yes: it counts as an absence.", choices=YES_NO)] = "no"
    free_absences: Annotated[int, Field(ge=0, le=100), Label(
        "可豁免缺勤次数", "Free absences",
        "每位学员可以不计的缺勤次数。",
        "Absences forgiven per student.")] = 0
    attendance_threshold: Annotated[float, Field(ge=0, le=1), Label(
        "出勤率达标线", "Attendance threshold",
        "结业所需的最低出勤率。",
        "Minimum attendance rate to complete the program.")] = 0.8
    task_threshold: Annotated[float, Field(ge=0, le=1), Label(
        "任务完成率达标线", "Task threshold",
        "结业所需的最低必做任务完成率。",
        "Minimum share of required tasks done to complete.")] = 0.8
    score_threshold: Annotated[float, Field(ge=0, le=100), Label(
        "总评及格线", "Final score threshold",
        "结业所需的最低总评成绩（百分制）。",
        "Minimum final score (out of 100) to complete.")] = 60
    consecutive_absences: Annotated[int, Field(ge=1, le=100), Label(
        "连续缺勤预警次数", "Consecutive absences",
        "连续缺勤达到这个次数即为高风险。",
        "This many absences in a row make the risk high.")] = 2
    grade_excellent: Annotated[float, Field(ge=0, le=100), Label(
        "优秀分数线", "Excellent from",
        "总评达到此分为“优秀”。",
        "Final score from which the grade is Excellent.")] = 90
    grade_good: Annotated[float, Field(ge=0, le=100), Label(
        "良好分数线", "Good from",
        "总评达到此分为“良好”。",
        "Final score from which the grade is Good.")] = 75
    grade_pass: Annotated[float, Field(ge=0, le=100), Label(
        "合格分数线", "Pass from",
        "总评达到此分为“合格”，否则“不合格”。",
        "Final score from which the grade is Pass.")] = 60
    min_group_size: Annotated[int, Field(ge=1, le=1000), Label(
        "最小分组人数", "Minimum group size",
        "少于此人数的分组不单独统计（保护个人隐私）。",
        "Groups smaller than this are not broken out, to protect individuals.")] = 3
    share_comments: Annotated[YesNo, Label(
        "报表含意见建议", "Comments in report",
        "是：管理层报表的“反馈”表列出问卷里的意见建议（不含姓名）；否：不列出。",
        "Yes: the manager report's Feedback sheet lists the survey comments (never who wrote them).", choices=YES_NO)] = "no"
    improve_below: Annotated[float, Field(ge=1, le=5), Label(
        "改进评分线", "Improve below",
        "某课次或讲师的某项平均评分（1–5）低于此值，就在“改进”表提出一条改进措施。",
        "A session's or teacher's mean rating (1–5) below this proposes an improvement action.")] = 3.5
    improve_min_comments: Annotated[int, Field(ge=1, le=1000), Label(
        "改进负面评论数", "Improve from comments",
        "某主题的负面评论达到这么多条，就在“改进”表提出一条改进措施。",
        "A theme with this many negative comments proposes an improvement action.")] = 3
    reminder_days: Annotated[int, Field(ge=0, le=30), Label(
        "课前提醒天数", "Reminder days",
        "提前几天（含当天）为课次生成课前提醒。",
        "Remind students of sessions this many days ahead (today included).")] = 1
    task_reminder_days: Annotated[int, Field(ge=0, le=30), Label(
        "作业提醒天数", "Task reminder days",
        "必做任务截止前几天（含当天）提醒未提交的学员。",
        "Remind students who have not handed in a required task this many days before it is due.")] = 2
    recent_days: Annotated[int, Field(ge=0, le=365), Label(
        "近期天数", "Recent days",
        "课后问卷邀请和资料更新通知只针对最近这么多天内的课次和资料。",
        "Feedback requests and material updates are for sessions and materials of the last this many days.")] = 7
    certificate_verify_template: Annotated[str, Label(
        "证书验证链接模板", "Certificate check URL template",
        "证书上二维码指向的验证链接，可用 {code}、{student_id}，例如 https://example.com/verify?code={code}；留空则二维码只含验证码。",
        "Where a certificate's QR code points, may use {code} and {student_id}; empty: the QR holds the code alone.")] = ""
    robot: Annotated[str, Label(
        "钉钉机器人", "DingTalk robot",
        "“发送通知”用哪个机器人：trainbook robot add 保存的名称（机器人地址和密钥不写在工作簿里）。",
        "Which robot Send uses: a name saved with trainbook robot add (its address and secret are never in the workbook).")] = ""
    dingtalk_app: Annotated[str, Label(
        "钉钉应用", "DingTalk app",
        "私人通知用哪个企业内部应用发钉钉工作通知：trainbook app add 保存的名称（AppKey 和 AppSecret 不写在工作簿里）。",
        "Which internal app sends private notices as DingTalk work notices: a name saved with trainbook app add.")] = ""
    mail_account: Annotated[str, Label(
        "邮件账户", "Mail account",
        "没有钉钉账号可达的学员用哪个邮件账户收私人通知：trainbook mail add 保存的名称（密码不写在工作簿里）。",
        "Which mail account sends private notices to people no DingTalk app can reach: a name saved with trainbook mail add.")] = ""


def _parameter(key: str) -> Parameter:
    """A setting's row of the settings sheet, read off its field."""
    info = Settings.model_fields[key]
    label = next(m for m in info.metadata if isinstance(m, Label))
    low: float | None = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)  # Field(ge=…, le=…)
    high: float | None = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    kinds: dict[object, Kind] = {int: "integer", float: "number", dt.date | None: "date"}
    kind: Kind = "choice" if label.choices else kinds.get(info.annotation, "text")
    return Parameter(key, label.zh, label.en, kind, info.default, label.explain_zh, label.explain_en,
                     min=low, max=high, choices=label.choices)


PARAMETERS: tuple[Parameter, ...] = tuple(_parameter(key) for key in Settings.model_fields)
BY_KEY: dict[str, Parameter] = {p.key: p for p in PARAMETERS}
