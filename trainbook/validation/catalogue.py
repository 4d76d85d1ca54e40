"""The catalogue of validation findings: stable codes, severities and messages.

Adding a kind of finding is one entry here; docs and tests read this catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from trainbook.i18n import Lang, pick

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str
    zh: str
    en: str

    def message(self, lang: Lang, **values: object) -> str:
        return pick(lang, self.zh, self.en).format(**values)


CODES: tuple[Code, ...] = (
    Code("missing-sheet", "error", "A sheet of the master workbook is missing",
         "工作簿缺少“{sheet}”表：请从模板复制该表，或用 trainbook init 新建工作簿后把数据粘贴进去。",
         "The workbook has no '{sheet}' sheet: copy it from the template, or create a new workbook with trainbook init and paste your data in."),
    Code("session-unrecorded", "info", "A held session has no attendance records",
         "课次 {value} 已经上过，但“考勤”表里还没有它的任何记录：请导入它的钉钉数据（{cell}）；在那之前它不计入出勤率。",
         "Session {value} has been held but has no attendance records yet: import its DingTalk data ({cell}); until then it is left out of the rates."),
    Code("unknown-placeholder", "warning", "A notice template uses a placeholder trainbook cannot fill",
         "{value} 不是可用的占位符：请改正 {cell}（可用的有 {names}）；在那之前这类通知会暂缓生成文字、不会发送。",
         "{value} is not a placeholder trainbook can fill: correct {cell} (these are: {names}); until then these notices are held, not sent."),
    Code("missing-column", "error", "A required column is missing",
         "“{sheet}”表缺少必填列“{column}”：请在第 1 行加上这个列标题。",
         "'{sheet}' has no '{column}' column: add this header to row 1."),
    Code("duplicate-column", "warning", "A column is headed twice",
         "“{sheet}”表有不止一列叫“{value}”：trainbook 只读 {cell} 这一列，{others} 列被忽略。请删除或改名多出的列。",
         "'{sheet}' has more than one '{value}' column: trainbook reads the one at {cell} and ignores {others}. "
         "Delete or rename the extra ones."),
    Code("program-name-missing", "warning", "The program has no name",
         "还没有填写项目名称：通知标题和结业证书都要用它，在填写之前这些通知暂不发送、证书不生成。请在 {cell} 填写。",
         "The program has no name yet: notice subjects and certificates carry it, so those notices wait and no "
         "certificate is printed until it is filled in. Fill in {cell}."),
    Code("required-missing", "error", "A required cell is empty",
         "“{column}”不能为空：请填写“{sheet}”表第 {row} 行的 {cell}。",
         "'{column}' must not be empty: fill in {cell} on row {row} of '{sheet}'."),
    Code("invalid-mobile", "error", "Not a mainland mobile number",
         "“{value}”不是 11 位大陆手机号：请改正 {cell}（可以带 +86、空格或短横线）。",
         "'{value}' is not an 11-digit mainland mobile number: correct {cell} (+86, spaces and dashes are fine)."),
    Code("invalid-email", "error", "Not an e-mail address",
         "“{value}”不是有效的邮箱地址：请改正 {cell}，例如 zhang.san@example.com。",
         "'{value}' is not an e-mail address: correct {cell}, e.g. zhang.san@example.com."),
    Code("invalid-url", "warning", "Not a web address",
         "“{value}”不是网址：请在 {cell} 填写以 http:// 或 https:// 开头的完整链接（签到二维码和通知会用到它），或留空。",
         "'{value}' is not a web address: put a full link starting with http:// or https:// in {cell} (check-in QR codes and notices use it), or leave it empty."),
    Code("invalid-date", "error", "Not a date",
         "“{column}”里的“{value}”不是有效日期：请在 {cell} 写成 2026-03-01 这样的日期。",
         "'{value}' in '{column}' is not a date: write {cell} like 2026-03-01."),
    Code("invalid-time", "error", "Not a time",
         "“{column}”里的“{value}”不是有效时间：请在 {cell} 写成 09:00 这样的时间。",
         "'{value}' in '{column}' is not a time: write {cell} like 09:00."),
    Code("invalid-number", "error", "Not a number",
         "“{column}”里的“{value}”不是数字：请在 {cell} 填写数字。",
         "'{value}' in '{column}' is not a number: put a number in {cell}."),
    Code("invalid-choice", "error", "Not one of the allowed values",
         "“{value}”不是“{column}”的可选值{fix}：请在 {cell} 从下拉列表选择（{choices}）。",
         "'{value}' is not allowed in '{column}'{fix}: pick one of {choices} in {cell}."),
    Code("id-not-a-file-name", "warning", "An ID that cannot name a file",
         "编号“{value}”含有不能用在文件名里的字符（/ \\ : * ? \" < > | 或开头的点）或是 CON 之类的设备名：打印二维码和证书时会被替换，请在 {cell} 改用字母、数字和短横线。",
         "ID '{value}' holds characters a file name cannot (/ \\ : * ? \" < > | or a leading dot) or is a device name "
         "such as CON: the QR codes and certificates printed for it will use another name; use letters, digits and "
         "dashes in {cell}."),
    Code("duplicate-id", "error", "The same ID is used twice",
         "{column}“{value}”重复（第 {other_rows} 行也用了）：请为 {cell} 换一个编号或删除重复行。",
         "{column} '{value}' is used more than once (also row {other_rows}): give {cell} another ID or delete the duplicate."),
    Code("duplicate-record", "error", "The same record is entered twice",
         "同一条记录（{key}）出现了多次（另见第 {other_rows} 行）：请合并或删除第 {row} 行。",
         "The same record ({key}) appears more than once (see also row {other_rows}): merge or delete row {row}."),
    Code("possible-duplicate", "warning", "Probably the same person under two IDs",
         "与{other}的{what}相同，可能是同一个人：请确认后保留一个学员编号（{cell}）。",
         "Same {what} as {other}: probably the same person; keep one student ID ({cell})."),
    Code("unknown-student", "error", "The student ID is not in Enrollment",
         "学员编号“{value}”不在“{target}”表中：请先登记该学员，或改正 {cell}。",
         "Student ID '{value}' is not in '{target}': enroll the student first or correct {cell}."),
    Code("unknown-session", "error", "The session ID is not in Sessions",
         "课次编号“{value}”不在“{target}”表中：请先登记该课次，或改正 {cell}。",
         "Session ID '{value}' is not in '{target}': add the session first or correct {cell}."),
    Code("unknown-task", "error", "The task ID is not in Tasks",
         "任务编号“{value}”不在“{target}”表中：请先登记该任务，或改正 {cell}。",
         "Task ID '{value}' is not in '{target}': add the task first or correct {cell}."),
    Code("unknown-assessment", "error", "The assessment ID is not in Assessments",
         "考核编号“{value}”不在“{target}”表中：请先登记该考核项，或改正 {cell}。",
         "Assessment ID '{value}' is not in '{target}': add the assessment first or correct {cell}."),
    Code("unknown-group", "error", "The group ID is not in Groups",
         "分组编号“{value}”不在“{target}”表中：请先登记该分组，或改正 {cell}。",
         "Group ID '{value}' is not in '{target}': add the group first or correct {cell}."),
    Code("end-before-start", "error", "The end is not after the start",
         "结束时间 {value} 不晚于开始时间 {start}：请改正 {cell}。",
         "The end {value} is not after the start {start}: correct {cell}."),
    Code("out-of-range", "error", "A number outside its allowed range",
         "“{column}”的 {value} 超出允许范围（{range}）：请改正 {cell}。",
         "{value} is outside the allowed range of '{column}' ({range}): correct {cell}."),
    Code("task-on-elective", "warning", "A required task is tied to an elective session",
         "必做任务 {value} 挂在选修课次 {session} 上，不计入任何人的任务完成率：请把任务改为选做，或把课次改为必修（{cell}）。",
         "Required task {value} is tied to elective session {session}, so it counts in nobody's task rate: make the "
         "task optional or the session required ({cell})."),
    Code("weights-not-100", "error", "Assessment weights do not add up to 100%",
         "所有考核项的权重合计为 {total}，应为 100%：请调整“{column}”列。",
         "The assessment weights add up to {total}, not 100%: adjust the '{column}' column."),
    Code("over-capacity", "warning", "A group has more students than its capacity",
         "分组“{value}”有 {count} 名学员，超过容量 {capacity}：请调整分组或提高容量（{cell}）。",
         "Group '{value}' has {count} students, more than its capacity {capacity}: move students or raise {cell}."),
    Code("formula-text", "warning", "Text that would run as a formula elsewhere",
         "“{value}”以“{first}”开头，复制到别处可能被当作公式执行：如不是公式，请删掉开头的符号（{cell}）。",
         "'{value}' starts with '{first}' and could run as a formula when copied elsewhere: remove the leading symbol unless intended ({cell})."),
)
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
