"""One declaration per sheet of the master workbook. Everything else derives from these."""

from __future__ import annotations

from trainbook.i18n import Lang
from trainbook.schema.columns import YES_NO, Choice, Column, Sheet
from trainbook.schema.dashboard import TOP_ROWS
from trainbook.schema.stages import STAGES
from trainbook.schema.themes import THEMES

INPUT_TAB = "#2F75B5"
GENERATED_TAB = "#548235"
SYSTEM_TAB = "#7F7F7F"
HOME_TAB = "#C65911"

REVIEW_STATUS = (
    Choice("pending", "待审核", "Pending"),
    Choice("approved", "已通过", "Approved"),
    Choice("rejected", "已拒绝", "Rejected"),
)
STUDENT_STATUS = (
    Choice("active", "在读", "Active"),
    Choice("completed", "结业", "Completed"),
    Choice("withdrawn", "退出", "Withdrawn"),
)
SESSION_MODE = (
    Choice("offline", "线下", "Offline"),
    Choice("online", "线上", "Online"),
    Choice("hybrid", "混合", "Hybrid"),
)
SESSION_STATUS = (  # what a session that applies to a student was for them, and is counted as
    Choice("present", "出勤", "Present"),
    Choice("late", "迟到", "Late"),
    Choice("early_leave", "早退", "Left early"),
    Choice("absent", "缺勤", "Absent"),
    Choice("excused", "请假", "Excused"),
)
# 不适用: the session does not apply to the student that day (DingTalk's 休息, 未入职, 离职, or the
# coordinator's word): left out of their sessions altogether, neither held nor to come
ATTENDANCE_STATUS = (*SESSION_STATUS, Choice("not_applicable", "不适用", "Not applicable"))
TASK_KIND = (
    Choice("homework", "作业", "Homework"),
    Choice("quiz", "测验", "Quiz"),
    Choice("reading", "阅读", "Reading"),
    Choice("practice", "实践", "Practice"),
)
SUBMISSION_STATUS = (
    Choice("submitted", "已提交", "Submitted"),
    Choice("late", "逾期提交", "Submitted late"),
    Choice("missing", "未提交", "Missing"),
    Choice("exempt", "免做", "Exempt"),
)
DIMENSION = (
    Choice("knowledge", "知识", "Knowledge"),
    Choice("skill", "技能", "Skill"),
    Choice("attitude", "态度", "Attitude"),
)
ASSESSMENT_KIND = (
    Choice("exam", "考试", "Exam"),
    Choice("assignment", "作业", "Assignment"),
    Choice("evaluation", "评价", "Evaluation"),
)
NOTICE_STATUS = (
    Choice("pending", "待发送", "Pending"),
    Choice("sent", "已发送", "Sent"),
    Choice("cancelled", "已取消", "Cancelled"),
    Choice("failed", "发送失败", "Failed"),
)
NOTICE_CHANNEL = (
    Choice("robot", "钉钉群机器人", "DingTalk group robot"),
    Choice("worknotice", "钉钉工作通知", "DingTalk work notice"),
    Choice("email", "邮件", "E-mail"),
)
ACTION_STATUS = (  # an improvement action, as its owner reports it
    Choice("open", "待处理", "Open"),
    Choice("doing", "进行中", "In progress"),
    Choice("done", "已完成", "Done"),
    Choice("dropped", "不采纳", "Dropped"),
)
FOLLOWUP_ACTION = (  # what the follow-up list suggests for a student
    Choice("make_up", "补课", "Make-up class"),
    Choice("hand_in", "补交作业", "Hand in tasks"),
    Choice("retake", "补考", "Retake"),
    Choice("retrain", "复训", "Retrain"),
)
FEEDBACK_SCOPE = (  # what a row of 反馈分析 is about
    Choice("session", "课次", "Session"),
    Choice("teacher", "讲师", "Teacher"),
    Choice("theme", "主题", "Theme"),
    Choice("comment", "评论", "Comment"),
)
NOTICE_AUDIENCE = (
    Choice("student", "学员", "Student"),
    Choice("tutor", "班主任", "Tutor"),
    Choice("manager", "直属主管", "Manager"),
    Choice("owner", "责任人", "Stage owner"),
)
SEVERITY = (
    Choice("error", "错误", "Error"),
    Choice("warning", "警告", "Warning"),
    Choice("info", "提示", "Info"),
)
RISK = (Choice("high", "高", "High"), Choice("medium", "中", "Medium"), Choice("low", "低", "Low"))
CERTIFICATE = (
    Choice("yes", "是", "Yes"),
    Choice("pending", "待定", "Pending"),
    Choice("no", "否", "No"),
)
GRADE = (
    Choice("excellent", "优秀", "Excellent"),
    Choice("good", "良好", "Good"),
    Choice("pass", "合格", "Pass"),
    Choice("fail", "不合格", "Fail"),
)

MANUAL_SOURCE = Choice("manual", "手工", "Manual")

RATING = {"kind": "integer", "min": 1, "max": 5, "width": 10}


def _student(required: bool = True) -> Column:
    return Column("student_id", "学员编号", "Student ID", "id", required, refers_to="enrollment")


def _session(required: bool = True) -> Column:
    return Column("session_id", "课次编号", "Session ID", "id", required, refers_to="sessions",
                  also=("关联课次", "Related session", "Session"))


NAME = Column("name", "姓名", "Name", width=10)
SOURCE = Column("source", "来源", "Source", width=14)
NOTE = Column("note", "备注", "Note", width=20)
NOTES = Column("notes", "备注", "Notes", width=20)

HOME = Sheet("home", "首页", "Home", "generated", tab_color=HOME_TAB)

ENROLLMENT = Sheet(
    "enrollment", "报名", "Enrollment", "input",
    (
        Column("student_id", "学员编号", "Student ID", "id", True, width=11, auto_id="S"),
        Column("name", "姓名", "Name", required=True, width=10),
        Column("mobile", "手机号", "Mobile", "mobile", True, width=14),
        Column("email", "邮箱", "Email", "email", width=22),
        Column("company", "公司", "Company", width=14),
        Column("department", "部门", "Department", required=True, width=14),
        Column("position", "岗位", "Position", width=12),
        Column("employee_no", "工号", "Employee No.", "id", width=10),
        Column("dingtalk_userid", "钉钉UserId", "DingTalk UserId", "id", width=16),
        Column("manager", "直属主管", "Manager", width=10),
        Column("manager_mobile", "主管手机号", "Manager mobile", "mobile", width=14),
        Column("goal", "学习目标", "Learning goal", width=20),
        Column("enrolled_at", "报名时间", "Enrolled at", "datetime", width=17),
        SOURCE,
        Column("review_status", "审核状态", "Review status", "choice", True, REVIEW_STATUS, width=10),
        Column("group_id", "分组编号", "Group ID", "id", width=10, refers_to="groups"),
        Column("status", "学员状态", "Student status", "choice", choices=STUDENT_STATUS, width=10,
               default="active"),
        Column("joined_on", "入班日期", "Joined on", "date", width=11),
        NOTES,
    ),
    id_column="student_id",
    tab_color=INPUT_TAB,
    rows=2000,
)

GROUPS = Sheet(
    "groups", "分组", "Groups", "input",
    (
        Column("group_id", "分组编号", "Group ID", "id", True, width=10),
        Column("name", "分组名称", "Group name", required=True, width=16),
        Column("tutor", "班主任", "Tutor", width=10),
        Column("tutor_mobile", "班主任手机号", "Tutor mobile", "mobile", width=14),
        Column("capacity", "容量", "Capacity", "integer", min=1, width=8),
        NOTES,
    ),
    id_column="group_id",
    tab_color=INPUT_TAB,
    rows=200,
)

SESSIONS = Sheet(
    "sessions", "课次", "Sessions", "input",
    (
        Column("session_id", "课次编号", "Session ID", "id", True, width=10),
        Column("title", "课次名称", "Title", required=True, width=22),
        Column("date", "日期", "Date", "date", True, width=11),
        Column("start", "开始时间", "Start", "time", True, width=9),
        Column("end", "结束时间", "End", "time", True, width=9),
        Column("mode", "形式", "Mode", "choice", True, SESSION_MODE, width=8),
        Column("location", "地点", "Location", width=16),
        Column("teacher", "讲师", "Teacher", width=10),
        Column("groups", "适用分组", "Groups", "id", width=12, refers_to="groups", many=True),
        Column("required", "是否必修", "Required", "choice", choices=YES_NO, width=9, default="yes"),
        Column("checkin_url", "签到链接", "Check-in link", "url", width=26),
        NOTES,
    ),
    id_column="session_id",
    tab_color=INPUT_TAB,
    rows=500,
)

ATTENDANCE = Sheet(
    "attendance", "考勤", "Attendance", "input",
    (
        _session(),
        _student(),
        NAME,
        Column("status", "出勤状态", "Status", "choice", True, ATTENDANCE_STATUS, width=9),
        Column("checkin_at", "签到时间", "Checked in", "datetime", width=17),
        Column("checkout_at", "签退时间", "Checked out", "datetime", width=17),
        Column("watch_minutes", "观看时长(分钟)", "Watched (min)", "number", min=0, width=13),
        SOURCE,
        NOTE,
    ),
    natural_key=("session_id", "student_id"),
    tab_color=INPUT_TAB,
    rows=20000,
)

TASKS = Sheet(
    "tasks", "任务", "Tasks", "input",
    (
        Column("task_id", "任务编号", "Task ID", "id", True, width=10),
        Column("title", "任务名称", "Title", required=True, width=22),
        _session(required=False),
        Column("kind", "类型", "Kind", "choice", choices=TASK_KIND, width=8),
        Column("due_at", "截止时间", "Due at", "datetime", True, width=17),
        Column("required", "是否必做", "Required", "choice", choices=YES_NO, width=9, default="yes"),
        Column("max_points", "满分", "Max points", "number", min=0, min_exclusive=True, width=8),
    ),
    id_column="task_id",
    tab_color=INPUT_TAB,
    rows=500,
)

SUBMISSIONS = Sheet(
    "submissions", "任务提交", "Submissions", "input",
    (
        Column("task_id", "任务编号", "Task ID", "id", True, width=10, refers_to="tasks"),
        _student(),
        NAME,
        Column("status", "提交状态", "Status", "choice", True, SUBMISSION_STATUS, width=10),
        Column("submitted_at", "提交时间", "Submitted at", "datetime", width=17),
        Column("points", "得分", "Points", "number", min=0, width=8),
        SOURCE,
        NOTE,
    ),
    natural_key=("task_id", "student_id"),
    tab_color=INPUT_TAB,
    rows=20000,
)

ASSESSMENTS = Sheet(
    "assessments", "考核项", "Assessments", "input",
    (
        Column("assessment_id", "考核编号", "Assessment ID", "id", True, width=11),
        Column("title", "考核名称", "Title", required=True, width=20),
        Column("dimension", "维度", "Dimension", "choice", True, DIMENSION, width=8),
        Column("weight", "权重", "Weight", "percent", True, min=0, max=1, min_exclusive=True, width=8),
        Column("max_score", "满分", "Max score", "number", True, min=0, min_exclusive=True, width=8),
        Column("pass_score", "及格线", "Pass score", "number", min=0, width=8),
        Column("kind", "类型", "Kind", "choice", choices=ASSESSMENT_KIND, width=8),
    ),
    id_column="assessment_id",
    tab_color=INPUT_TAB,
    rows=100,
)

SCORES = Sheet(
    "scores", "成绩", "Scores", "input",
    (
        Column("assessment_id", "考核编号", "Assessment ID", "id", True, width=11,
               refers_to="assessments"),
        _student(),
        NAME,
        Column("score", "分数", "Score", "number", True, min=0, width=8),
        Column("grader", "评分人", "Grader", width=10),
        Column("graded_at", "评分时间", "Graded at", "datetime", width=17),
        SOURCE,
        NOTE,
    ),
    natural_key=("assessment_id", "student_id"),
    tab_color=INPUT_TAB,
    rows=20000,
)

FEEDBACK = Sheet(
    "feedback", "反馈", "Feedback", "input",
    (
        Column("response_id", "问卷编号", "Response ID", "id", True, width=11),
        _session(required=False),
        _student(required=False),
        Column("submitted_at", "提交时间", "Submitted at", "datetime", width=17),
        Column("overall", "总体满意度", "Overall", required=True, **RATING),  # type: ignore[arg-type]
        Column("content", "内容", "Content", **RATING),  # type: ignore[arg-type]
        Column("teacher", "讲师", "Teacher", **RATING),  # type: ignore[arg-type]
        Column("organization", "组织", "Organization", **RATING),  # type: ignore[arg-type]
        Column("nps", "推荐意愿", "Likely to recommend", "integer", min=0, max=10, width=10),
        Column("comments", "意见建议", "Comments", width=30, wrap=True),
        SOURCE,
    ),
    id_column="response_id",
    tab_color=INPUT_TAB,
    rows=5000,
)

MATERIALS = Sheet(
    "materials", "资料", "Materials", "input",
    (
        Column("material_id", "资料编号", "Material ID", "id", True, width=10),
        Column("title", "资料名称", "Title", required=True, width=22),
        _session(required=False),
        Column("link", "链接", "Link", "url", width=30),
        Column("version", "版本", "Version", width=8),
        Column("published_at", "发布时间", "Published at", "datetime", width=17),
        NOTES,
    ),
    id_column="material_id",
    tab_color=INPUT_TAB,
    rows=200,
)

ALIASES = Sheet(
    "aliases", "别名", "Aliases", "input",
    (
        Column("alias", "别名/账号", "Alias / account", required=True, width=20),
        _student(),
        NOTE,
    ),
    id_column="alias",
    tab_color=INPUT_TAB,
    rows=1000,
)

STAGE_CHOICES = tuple(Choice(s.key, s.zh, s.en) for s in STAGES)
PROCESS = Sheet(
    "stages", "流程", "Process", "input",
    (
        Column("stage", "环节", "Stage", "choice", True, choices=STAGE_CHOICES, width=12),
        Column("owner", "责任人", "Owner", width=10),
        Column("owner_mobile", "责任人手机号", "Owner's mobile", "mobile", width=14),
        Column("does", "做什么", "What it is", width=70, wrap=True),
        NOTES,
    ),
    id_column="stage",
    tab_color=INPUT_TAB,
    rows=30,
    added=True,
)

FEEDBACK_THEMES = Sheet(
    "themes", "反馈主题", "Feedback themes", "input",
    (
        Column("theme", "主题", "Theme", required=True, width=12),
        Column("keywords", "关键词", "Keywords", width=70, wrap=True),
        NOTES,
    ),
    id_column="theme",
    tab_color=INPUT_TAB,
    rows=100,
    added=True,
)
ACTIONS = Sheet(
    "actions", "改进", "Improvements", "input",
    (
        Column("action_id", "编号", "ID", "id", True, width=22),
        Column("source", "来源", "Source", width=18),
        Column("problem", "问题", "Problem", width=36, wrap=True),
        Column("figures", "依据", "Figures", width=26, wrap=True),
        Column("found_on", "发现日期", "Found on", "date", width=11),
        Column("measure", "改进措施", "Measure", width=30, wrap=True),
        Column("owner", "责任人", "Owner", width=10),
        Column("due", "截止日期", "Due", "date", width=11),
        Column("status", "状态", "Status", "choice", choices=ACTION_STATUS, width=9),
        Column("current", "现状", "Now", width=20),
        NOTES,
    ),
    id_column="action_id",
    tab_color=INPUT_TAB,
    rows=500,
    added=True,
)

PASTE = Sheet(
    "paste", "粘贴区", "Paste", "input",
    tab_color=INPUT_TAB,
    note_zh="把钉钉导出的表格（连同标题行）整体粘贴到 A1，然后在首页点击“合并导入”。",
    note_en="Paste a DingTalk export here at A1 (title rows and all), then click Merge on Home.",
)

PROGRESS = Sheet(
    "progress", "学习进度", "Progress", "generated",
    (
        Column("student_id", "学员编号", "Student ID", "id", width=11),
        Column("name", "姓名", "Name", width=10),
        Column("department", "部门", "Department", width=14),
        Column("group_id", "分组编号", "Group ID", "id", width=10),
        Column("sessions_planned", "计划课次", "Sessions planned", "integer", width=9),
        Column("sessions_to_date", "已开课次", "Sessions to date", "integer", width=9),
        Column("present", "出勤", "Present", "integer", width=7),
        Column("late", "迟到", "Late", "integer", width=7),
        Column("early_leave", "早退", "Left early", "integer", width=7),
        Column("absent", "缺勤", "Absent", "integer", width=7),
        Column("excused", "请假", "Excused", "integer", width=7),
        Column("attendance_rate", "出勤率", "Attendance rate", "percent", width=9),
        Column("attendance_rate_max", "最高可达出勤率", "Best reachable rate", "percent", width=11),
        Column("watch_minutes", "观看时长(分钟)", "Watched (min)", "number", width=11),
        Column("task_rate", "任务完成率", "Task completion", "percent", width=10),
        Column("score_knowledge", "知识得分", "Knowledge score", "number", width=9),
        Column("score_skill", "技能得分", "Skill score", "number", width=9),
        Column("score_attitude", "态度得分", "Attitude score", "number", width=9),
        Column("final_score", "总评成绩", "Final score", "number", width=9),
        Column("grade", "等级", "Grade", "choice", choices=GRADE, width=8),
        Column("certificate", "结业证书", "Certificate", "choice", choices=CERTIFICATE, width=9),
        Column("risk", "风险", "Risk", "choice", choices=RISK, width=7),
        Column("needed", "达标所需", "Still needed", width=34, wrap=True),
        Column("reasons", "说明", "How it was worked out", width=60, wrap=True),
    ),
    id_column="student_id",
    tab_color=GENERATED_TAB,
)

DASHBOARD = Sheet("dashboard", "看板", "Dashboard", "generated", tab_color=GENERATED_TAB, top_rows=TOP_ROWS)
QR = Sheet("qr", "签到二维码", "Check-in QR", "generated", tab_color=GENERATED_TAB)  # a printed page per session

NOTICES = Sheet(
    "notices", "通知", "Notices", "generated",
    (
        Column("notice_id", "通知编号", "Notice ID", "id", width=30),
        Column("kind", "通知类型", "Kind", width=10),
        Column("student_id", "学员编号", "Student ID", "id", width=10),
        Column("audience", "发给", "To", "choice", choices=NOTICE_AUDIENCE, width=8),
        Column("recipient", "收件人", "Recipient", width=10),
        Column("mobile", "手机号", "Mobile", "mobile", width=13),
        Column("subject", "标题", "Subject", width=24),
        Column("body", "内容", "Body", width=60, wrap=True),
        Column("status", "状态", "Status", "choice", choices=NOTICE_STATUS, width=8),
        Column("created_at", "生成时间", "Created at", "datetime", width=17),
        Column("sent_at", "发送时间", "Sent at", "datetime", width=17),
        Column("channel", "渠道", "Channel", "choice", choices=NOTICE_CHANNEL, width=12),
        Column("sent_to", "发送到", "Sent to", width=18),
        NOTE,
    ),
    id_column="notice_id",
    tab_color=GENERATED_TAB,
)

CERTIFICATES = Sheet(
    "certificates", "证书", "Certificates", "generated",
    (
        Column("code", "验证码", "Verification code", "id", width=16),
        Column("student_id", "学员编号", "Student ID", "id", width=10),
        NAME,
        Column("department", "部门", "Department", width=14),
        Column("final_score", "总评成绩", "Final score", "number", width=9),
        Column("grade", "等级", "Grade", width=8),
        Column("completed_on", "结业日期", "Completed on", "date", width=11),
        Column("file", "证书文件", "File", width=36),
    ),
    id_column="code",
    tab_color=GENERATED_TAB,
)

REVIEW = Sheet(
    "review", "待确认", "Review", "generated",
    (
        Column("imported_at", "导入时间", "Imported at", "datetime", width=17),
        Column("kind", "导入类型", "Export kind", width=12),
        Column("file", "文件", "File", width=24),
        Column("raw_name", "原始姓名", "Name as exported", width=14),
        Column("raw_department", "原始部门", "Department as exported", width=16),
        Column("raw_account", "原始账号", "Account as exported", width=16),
        Column("reason", "原因", "Reason", width=16),
        Column("candidates", "候选学员", "Candidates", width=28, wrap=True),
        Column("student_id", "学员编号", "Student ID", "id", width=11, refers_to="enrollment"),  # she fills it in
        NOTE,
        Column("count", "行数", "Rows", "integer", width=7),
        Column("source_rows", "原始行号", "Source rows", width=14, wrap=True),
        Column("evidence", "记录内容", "What the records say", width=44, wrap=True),
        Column("review_id", "编号", "No.", "id", width=8),
    ),
    id_column="review_id",
    tab_color=GENERATED_TAB,
)

FEEDBACK_ANALYSIS = Sheet(
    "feedback_analysis", "反馈分析", "Feedback analysis", "generated",
    (
        Column("scope", "范围", "Scope", "choice", choices=FEEDBACK_SCOPE, width=7),
        Column("name", "对象", "Of", width=22),
        Column("responses", "份数", "Responses", "integer", width=7),
        Column("overall", "总体满意度", "Overall", "number", width=9),
        Column("content", "内容", "Content", "number", width=7),
        Column("teacher", "讲师", "Teacher", "number", width=7),
        Column("organization", "组织", "Organization", "number", width=7),
        Column("top2", "满意率", "Top-2-box", "percent", width=8),
        Column("nps", "NPS", "NPS", "integer", width=6),
        Column("comments", "评论数", "Comments", "integer", width=7),
        Column("negative", "负面", "Negative", "integer", width=6),
        Column("suggestion", "建议", "Suggestions", "integer", width=6),
        Column("positive", "正面", "Positive", "integer", width=6),
        Column("negative_share", "负面占比", "Share negative", "percent", width=9),
        Column("themes", "主题", "Themes", width=16),
        Column("tone", "语气", "Tone", width=6),
        Column("text", "评论（示例）", "Comment (examples)", width=50, wrap=True),
    ),
    tab_color=GENERATED_TAB,
)

FOLLOWUP = Sheet(
    "followup", "跟进", "Follow-up", "generated",
    (
        Column("student_id", "学员编号", "Student ID", "id", width=10),
        Column("name", "姓名", "Name", width=10),
        Column("department", "部门", "Department", width=12),
        Column("group_id", "分组编号", "Group ID", "id", width=9),
        Column("mobile", "手机号", "Mobile", "mobile", width=13),
        Column("tutor", "班主任", "Tutor", width=9),
        Column("manager", "直属主管", "Manager", width=9),
        Column("manager_mobile", "主管手机号", "Manager mobile", "mobile", width=13),
        Column("status", "学员状态", "Student status", width=9),
        Column("certificate", "结业证书", "Certificate", width=9),
        Column("risk", "风险", "Risk", width=6),
        Column("last_attended", "最近出勤", "Last attended", "date", width=11),
        Column("lacks", "所缺", "Lacks", width=44, wrap=True),
        Column("suggestion", "建议措施", "Suggested", width=16),
        Column("followup_note", "跟进记录", "Follow-up notes", width=30, wrap=True),  # hers: kept across runs
    ),
    tab_color=GENERATED_TAB,
)

REVIEW_DATA = Sheet(  # what trainbook lands once a review row is resolved: one row per record
    "review_data", "待确认数据", "Review data", "generated",
    (
        Column("review_id", "编号", "No.", "id", width=8),
        Column("source_row", "原始行号", "Source row", "integer", width=9),
        Column("data", "数据", "Data", width=80),
    ),
    tab_color=SYSTEM_TAB,
    hidden=True,
)

ISSUES = Sheet(
    "issues", "校验结果", "Issues", "generated",
    (
        Column("severity", "级别", "Severity", "choice", choices=SEVERITY, width=7),
        Column("sheet", "工作表", "Sheet", width=10),
        Column("row", "行号", "Row", "integer", width=7),
        Column("column", "列", "Column", width=16),
        Column("cell", "位置", "Cell", width=12),
        Column("code", "代码", "Code", width=20),
        Column("message", "说明", "Message", width=100),
        Column("value", "原值", "Value", width=20),
    ),
    tab_color=GENERATED_TAB,
)

IMPORTS = Sheet(
    "imports", "导入记录", "Imports", "generated",
    (
        Column("imported_at", "导入时间", "Imported at", "datetime", width=17),
        Column("kind", "导入类型", "Export kind", width=12),
        Column("file", "文件名", "File", width=28),
        Column("sha256", "SHA-256", "SHA-256", width=20),
        Column("rows", "读取行数", "Rows read", "integer", width=9),
        Column("matched", "已匹配", "Matched", "integer", width=8),
        Column("inserted", "新增", "Inserted", "integer", width=7),
        Column("updated", "更新", "Updated", "integer", width=7),
        Column("unchanged", "未变", "Unchanged", "integer", width=7),
        Column("review", "待确认", "To review", "integer", width=8),
    ),
    tab_color=GENERATED_TAB,
)

SETTINGS = Sheet(
    "settings", "设置", "Settings", "system",
    (
        Column("key", "参数", "Key", "id", True, width=28),
        Column("label", "名称", "Name", width=18),
        Column("value", "值", "Value", width=24),
        Column("default", "默认值", "Default", width=12),
        Column("explain", "说明", "Explanation", width=70, wrap=True),
    ),
    id_column="key",
    tab_color=SYSTEM_TAB,
)

TEMPLATES = Sheet(
    "templates", "通知模板", "Notice templates", "system",
    (
        Column("kind", "通知类型", "Kind", "id", True, width=18),
        Column("name", "名称", "Name", width=12),
        Column("subject", "标题", "Subject", width=30),
        Column("body", "正文", "Body", width=90, wrap=True),
    ),
    id_column="kind",
    tab_color=SYSTEM_TAB,
)

SHEETS: tuple[Sheet, ...] = (
    HOME, ENROLLMENT, GROUPS, SESSIONS, ATTENDANCE, TASKS, SUBMISSIONS, ASSESSMENTS, SCORES,
    FEEDBACK, MATERIALS, ALIASES, PROCESS, FEEDBACK_THEMES, ACTIONS, PASTE, PROGRESS, DASHBOARD, FEEDBACK_ANALYSIS, FOLLOWUP,
    NOTICES, QR, CERTIFICATES, REVIEW, ISSUES, IMPORTS,
    SETTINGS, TEMPLATES, REVIEW_DATA,
)
BY_KEY: dict[str, Sheet] = {s.key: s for s in SHEETS}


def first_rows(key: str, lang: Lang) -> list[dict[str, str]]:
    """The rows a sheet starts with: in a new workbook, and when trainbook adds it to an older one."""
    if key == "stages":
        return [{"stage": s.label(lang), "does": s.does(lang)} for s in STAGES]
    if key == "themes":
        return [{"theme": t.label(lang), "keywords": t.keywords(lang)} for t in THEMES]
    return []
