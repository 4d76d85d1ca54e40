"""The stages of a training program's process, declared once: the 流程 sheet lists them with their
owners, and every to-do item belongs to one of them."""

from __future__ import annotations

from dataclasses import dataclass

from trainbook.i18n import Lang, pick


@dataclass(frozen=True)
class Stage:
    """One stage: its key, its name, and what trainbook does for it, in both languages."""

    key: str
    zh: str
    en: str
    does_zh: str
    does_en: str

    def label(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)

    def does(self, lang: Lang) -> str:
        return pick(lang, self.does_zh, self.does_en)


STAGES: tuple[Stage, ...] = (
    Stage("enrollment", "报名审核", "Enrollment review",
          "审核报名，分配学员编号；trainbook 合并报名表导出并发报名确认。",
          "Review sign-ups and give student ids; trainbook merges the enrollment form and sends confirmations."),
    Stage("grouping", "分组", "Grouping",
          "把学员分到各组并指定班主任；trainbook 按分组发课前提醒和汇总。",
          "Put students into groups with a tutor; trainbook sends reminders and digests per group."),
    Stage("reminders", "课前通知", "Session notices",
          "每个课次有签到链接，课前提醒按时发出；trainbook 生成二维码和提醒。",
          "Every session has a check-in link and its reminder goes out; trainbook makes the QR codes and reminders."),
    Stage("attendance", "签到考勤", "Attendance",
          "每个上过的课次都导入考勤，身份不明的记录及时确认；trainbook 合并打卡、签到和直播导出。",
          "Every held session has its attendance imported and unknown people confirmed; trainbook merges the exports."),
    Stage("materials", "资料", "Materials",
          "课前发布本次课的资料；trainbook 通知资料更新。",
          "Publish each session's materials before it; trainbook announces updates."),
    Stage("tasks", "作业", "Tasks",
          "布置作业并跟进未提交的学员；trainbook 提醒截止和逾期。",
          "Set tasks and chase those who have not handed in; trainbook reminds of due and overdue tasks."),
    Stage("assessment", "考核", "Assessment",
          "考核结束后录入或导入成绩；trainbook 计算总评和等级。",
          "Record or import the scores of each assessment; trainbook works out final scores and grades."),
    Stage("feedback", "反馈", "Feedback",
          "每次课后收集问卷，跟进改进措施；trainbook 分析满意度和意见。",
          "Collect a survey after each session and follow the improvement actions; trainbook analyses them."),
    Stage("completion", "结业", "Completion",
          "项目结束后颁发结业证书；trainbook 判定结业并生成证书。",
          "Issue certificates when the program ends; trainbook decides completion and prints them."),
    Stage("followup", "跟进", "Follow-up",
          "跟进未结业的学员（补课、补考、复训）；trainbook 列出名单和所缺内容。",
          "Follow up those who did not complete (make-up, retake, retraining); trainbook lists them and what they lack."),
)
BY_KEY: dict[str, Stage] = {s.key: s for s in STAGES}
