"""What exports give: each kind of evidence, the columns it carries and the sheet it lands in.

An export kind (importers/kinds/) turns its table into rows of one kind of evidence; the landing
step of the evidence's target sheet (importers/landing/) puts matched rows into the master. Rows
waiting in the review sheet keep their evidence as JSON, typed back from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from trainbook.i18n import Lang, pick

FieldType = Literal["text", "datetime", "number", "integer", "flag"]
Target = Literal["attendance", "enrollment", "scores", "submissions", "feedback"]


@dataclass(frozen=True)
class Field:
    """One column of an evidence row. `zh`/`en` name it on the review sheet (blank: not shown);
    `dates` marks the column that says when a record is from."""

    key: str
    type: FieldType = "text"
    zh: str = ""
    en: str = ""
    dates: bool = False
    headers: tuple[str, ...] = ()  # for the identity columns: the export headers that hold them

    def label(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)


@dataclass(frozen=True)
class Evidence:
    """One kind of evidence: its columns (after the identity ones), the sheet it lands in, and the
    other sheets landing it reads (a score's assessment, a submission's task)."""

    key: str
    target: Target
    fields: tuple[Field, ...]
    reads: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def of_type(self, *types: FieldType) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.type in types)


NAME = Field("name", headers=(
    "姓名", "Name", "提交人", "填写人", "提交者", "学员姓名", "学生姓名", "员工姓名", "考生", "答题人", "参会人", "参会人员",
    "成员", "用户昵称", "观众", "发起人姓名", "申请人", "Submitter", "Member", "Participant", "User", "Initiator",
    "Initiator Name", "Applicant"))
IDENTITY = (
    NAME,
    Field("userid", headers=("UserId", "userid", "用户ID", "钉钉ID", "钉钉账号", "账号", "发起人UserID", "User ID",
                             "Initiator UserID")),
    Field("employee_no", headers=("工号", "员工工号", "员工编号", "发起人工号", "Employee No.", "Employee ID", "Job Number",
                                  "Job No.", "Initiator Job Number")),
    Field("mobile", headers=("手机号", "手机", "手机号码", "联系电话", "联系方式", "电话", "Mobile", "Phone", "Mobile Number")),
    Field("department", headers=("部门", "所属部门", "班级", "发起人部门", "Department", "Dept", "Initiator Department")),
)

TITLE = Field("title", zh="标题", en="title")
AT = Field("at", "datetime", dates=True)
EXPORTED = Field("exported_at", "datetime")  # the export's 报表生成时间: sessions ending later are not in it

PUNCH = Evidence("punch", "attendance", (
    AT,
    Field("day", "datetime"),  # the day the export files the punch under (an after-midnight clock-out: the day before)
    Field("planned_at", "datetime"),  # the scheduled time the punch is for (原始记录's 考勤时间)
    Field("result", zh="打卡结果", en="punch result"), EXPORTED,
))
SLOT = Evidence("slot", "attendance", (  # one punch pair (上班N/下班N) of a day, or a whole day's result
    Field("day", "datetime", dates=True),
    Field("slot", "integer"),  # the pair's number; blank: the whole day
    Field("on_at", "datetime"), Field("off_at", "datetime"),
    Field("on_result", zh="上班结果", en="check-in result"), Field("off_result", zh="下班结果", en="check-out result"),
    Field("day_result", zh="考勤结果", en="day result"),
    Field("planned_from", "datetime"), Field("planned_to", "datetime"),  # the shift's own times for this pair
    Field("leave_from", "datetime"), Field("leave_to", "datetime"),  # an approved absence within the day
    EXPORTED,
))
LEAVE = Evidence("leave", "attendance", (
    Field("leave_from", "datetime", dates=True), Field("leave_to", "datetime"),
    Field("note", zh="假期类型", en="leave type"), EXPORTED,
))
ONLINE = Evidence("online", "attendance", (
    TITLE, AT, Field("joined_at", "datetime"),
    Field("live_minutes", "number", zh="直播观看分钟", en="live minutes"),
    Field("replay_minutes", "number", zh="回放观看分钟", en="replay minutes"), EXPORTED,
))
APPLICANT = Evidence("applicant", "enrollment", (
    Field("email"), Field("company"), Field("position"), Field("goal"), Field("manager"),
    Field("enrolled_at", "datetime", dates=True),
))
SCORE = Evidence("score", "scores", (TITLE, Field("score", "number", zh="分数", en="score"), AT),
                 reads=("assessments",))
SUBMISSION = Evidence("submission", "submissions", (
    TITLE, AT, Field("done", "flag", zh="完成", en="done"), Field("points", "number", zh="得分", en="points"),
), reads=("tasks",))
RESPONSE = Evidence("response", "feedback", (
    TITLE, AT, Field("overall", "number", zh="总体评分", en="overall rating"), Field("content", "number"),
    Field("teacher", "number"), Field("organization", "number"), Field("nps", "number"), Field("comments"),
))

EVIDENCE: tuple[Evidence, ...] = (PUNCH, SLOT, LEAVE, ONLINE, APPLICANT, SCORE, SUBMISSION, RESPONSE)
BY_KEY = {e.key: e for e in EVIDENCE}
TARGETS: tuple[Target, ...] = ("attendance", "enrollment", "scores", "submissions", "feedback")
