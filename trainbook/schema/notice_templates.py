"""Default rows of the templates sheet: one per notice kind, in both languages."""

from __future__ import annotations

import string
from dataclasses import dataclass

from trainbook.i18n import Lang, pick


@dataclass(frozen=True)
class NoticeTemplate:
    """A notice kind, declared once: its key, its default texts, whether a whole group may read it
    (then a group robot sends it by default; the others go to each person privately), and whether
    it says how a student is doing from their records (then none is made while a cell of those
    records cannot be read, or records that may be theirs wait in 待确认)."""

    kind: str  # the notice kind's stable key (notice ids and --kinds use it)
    zh: tuple[str, str, str]  # name, subject, body
    en: tuple[str, str, str]
    stage: str  # the stage of the process it belongs to (schema/stages.py); "" when each notice says
    group_safe: bool = False
    judges: bool = False

    def texts(self, lang: Lang) -> tuple[str, str, str]:
        return pick(lang, self.zh, self.en)


NOTICE_TEMPLATES: tuple[NoticeTemplate, ...] = (
    NoticeTemplate(
        "enroll-confirm",
        ("报名确认", "【{项目}】报名成功", "{姓名}，您好！您已成功报名{项目}，分组：{分组}。首次课程：{课次} {日期} {时间}，地点：{地点}。"),
        ("Enrollment confirmed", "[{program}] You are enrolled", "Hello {name}, you are enrolled in {program}, group {group}. First session: {session} on {date} {time} at {location}."),
        stage="enrollment",
    ),
    NoticeTemplate(
        "enroll-rejected",
        ("报名未通过", "【{项目}】报名结果", "{姓名}，您好！很遗憾，您本期{项目}的报名未能通过审核。如有疑问请联系{班主任}。"),
        ("Enrollment declined", "[{program}] Your enrollment", "Hello {name}, we are sorry that your enrollment in {program} was not approved. Please contact {tutor} with any questions."),
        stage="enrollment",
    ),
    NoticeTemplate(
        "session-reminder",
        ("课前提醒", "【{项目}】{课次} 即将开始", "{姓名}，您好！{课次}将于{日期} {时间}在{地点}开始，请准时签到：{签到链接}"),
        ("Session reminder", "[{program}] {session} is coming up", "Hello {name}, {session} starts on {date} at {time} in {location}. Check in here: {checkin_url}"),
        stage="reminders",
        group_safe=True,
    ),
    NoticeTemplate(
        "absence-followup",
        ("缺勤跟进", "【{项目}】{课次} 缺勤提醒", "{姓名}，您好！系统记录您未参加{日期}的{课次}。如有特殊情况请向{班主任}补交请假说明。"),
        ("Absence follow-up", "[{program}] You missed {session}", "Hello {name}, you were recorded absent from {session} on {date}. If there was a reason, please tell {tutor}."),
        stage="attendance",
        judges=True,
    ),
    NoticeTemplate(
        "task-reminder",
        ("作业提醒", "【{项目}】{任务} 即将截止", "{姓名}，您好！{任务}将于{截止时间}截止，请按时提交。"),
        ("Task reminder", "[{program}] {task} is due soon", "Hello {name}, {task} is due on {due_at}. Please hand it in on time."),
        stage="tasks",
        group_safe=True,
        judges=True,
    ),
    NoticeTemplate(
        "task-overdue",
        ("作业逾期", "【{项目}】{任务} 已逾期", "{姓名}，您好！{任务}已于{截止时间}截止，您尚未提交，请尽快补交。"),
        ("Task overdue", "[{program}] {task} is overdue", "Hello {name}, {task} was due on {due_at} and we have not received it. Please hand it in soon."),
        stage="tasks",
        group_safe=True,
        judges=True,
    ),
    NoticeTemplate(
        "risk-warning",
        ("学习预警", "【{项目}】学习预警", "{姓名}，您好！您当前的学习风险为“{风险}”：出勤率{出勤率}，任务完成率{任务完成率}，总评{总评成绩}。{达标所需}"),
        ("Learning alert", "[{program}] Learning alert", "Hello {name}, your learning risk is {risk}: attendance {attendance_rate}, task completion {task_rate}, final score {final_score}. {needed}"),
        stage="followup",
        judges=True,
    ),
    NoticeTemplate(
        "completion",
        ("结业通知", "【{项目}】结业通知", "{姓名}，您好！恭喜您完成{项目}，总评{总评成绩}分，等级{等级}。"),
        ("Completion", "[{program}] Congratulations", "Hello {name}, congratulations on completing {program}: final score {final_score}, grade {grade}."),
        stage="completion",
        judges=True,
    ),
    NoticeTemplate(
        "feedback-request",
        ("问卷邀请", "【{项目}】请评价{课次}", "{姓名}，您好！请花一分钟评价{课次}，您的意见将帮助我们改进课程。"),
        ("Feedback request", "[{program}] How was {session}?", "Hello {name}, please take a minute to rate {session}; your answers help us improve."),
        stage="feedback",
        group_safe=True,
    ),
    NoticeTemplate(
        "material-update",
        ("资料更新", "【{项目}】资料已更新：{资料}", "{姓名}，您好！{资料}已更新，请查阅：{链接}"),
        ("Material update", "[{program}] Updated: {material}", "Hello {name}, {material} has been updated: {link}"),
        stage="materials",
        group_safe=True,
    ),
    NoticeTemplate(
        "owner-todo",
        ("负责人待办", "【{项目}】{环节}：{数量} 项待办", "{负责人}，您好！{项目}的“{环节}”环节有待办：{事项}。请打开主工作簿的“首页”查看。"),
        ("Owner's to-do", "[{program}] {stage}: {count} to do", "Hello {owner}, the {stage} stage of {program} has open items: {items}. See the Home sheet of the master workbook."),
        stage="",
    ),
)
BY_KIND: dict[str, NoticeTemplate] = {t.kind: t for t in NOTICE_TEMPLATES}
GROUP_SAFE = tuple(t.kind for t in NOTICE_TEMPLATES if t.group_safe)  # nothing personal in them
PRIVATE = tuple(t.kind for t in NOTICE_TEMPLATES if not t.group_safe)
JUDGING = tuple(t.kind for t in NOTICE_TEMPLATES if t.judges)  # held while a student's records are unsure

# What a template may say, by the names a coordinator types in either language ({姓名} or {name}).
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "program": ("项目", "program"), "name": ("姓名", "name"), "group": ("分组", "group"),
    "session": ("课次", "session"), "date": ("日期", "date"), "time": ("时间", "time"),
    "location": ("地点", "location"), "checkin_url": ("签到链接", "checkin_url"), "tutor": ("班主任", "tutor"),
    "task": ("任务", "task"), "due_at": ("截止时间", "due_at"), "attendance_rate": ("出勤率", "attendance_rate"),
    "task_rate": ("任务完成率", "task_rate"), "needed": ("达标所需", "needed"), "risk": ("风险", "risk"),
    "final_score": ("总评成绩", "final_score"), "grade": ("等级", "grade"), "material": ("资料", "material"),
    "link": ("链接", "link"), "owner": ("负责人", "owner"), "stage": ("环节", "stage"), "count": ("数量", "count"),
    "items": ("事项", "items"),
}
PLACEHOLDER_KEY: dict[str, str] = {name: key for key, names in PLACEHOLDERS.items() for name in names}


def unknown_placeholders(text: str) -> list[str]:
    """The {names} in a template text that no notice can fill ('{' alone when the braces do not pair)."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return ["{"]
    return [f"{{{n}}}" for n in dict.fromkeys(names) if n not in PLACEHOLDER_KEY]
