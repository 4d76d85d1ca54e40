"""User-facing texts outside the validation catalogue, in both workbook languages."""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable
from typing import Literal, TypeVar

from trainbook import clock

Lang = Literal["zh", "en"]
_T = TypeVar("_T")
LANGS: tuple[Lang, ...] = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    "file-missing": (
        "找不到文件 {path}：请检查路径是否正确。",
        "{path} does not exist: check the path.",
    ),
    "file-not-regular": (
        "{path} 是文件夹或特殊文件，不是普通文件：请给出要读取的文件。",
        "{path} is a folder or a special file, not a file: name the file to read.",
    ),
    "file-not-workbook": (
        "{path} 不是 Excel 工作簿（.xlsx/.xlsm）：请在 Excel 中另存为 .xlsx 后重试。",
        "{path} is not an Excel workbook (.xlsx/.xlsm): save it as .xlsx in Excel and try again.",
    ),
    "file-legacy-xls": (
        "{path} 是旧版 .xls 文件：主工作簿请在 Excel 中另存为 .xlsx 后重试。",
        "{path} is a legacy .xls file: save the master workbook as .xlsx in Excel and try again.",
    ),
    "file-encrypted": (
        "{path} 设置了打开密码：请在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后重试。",
        "{path} is password-protected: remove the password in Excel (File → Info → Protect Workbook) and try again.",
    ),
    "file-corrupt": (
        "{path} 已损坏或不完整：请从备份恢复或重新导出后重试（--debug 显示读到哪里出错）。",
        "{path} is damaged or incomplete: restore it from a backup or export it again (--debug shows where reading failed).",
    ),
    "export-broken-text": (
        "{path} 的内容不完整或已损坏（{at}），无法读取：请从钉钉重新导出后再试。",
        "{path} is cut short or damaged ({at}) and cannot be read: export it from DingTalk again and retry.",
    ),
    "export-too-many-rows": (
        "{path} 超过 {limit} 行（一张 Excel 表的上限），不是完整的钉钉导出：请按更短的时间段重新导出后再试。",
        "{path} has more than {limit} rows (an Excel sheet's limit) and is no whole DingTalk export: export a shorter "
        "period and try again.",
    ),
    "export-open-quote": (
        "{path} 第 {row} 行有一个没有配对的英文引号（\"），把后面的许多行读成了一个单元格，这些行不能导入：请去掉或配对这个引号，或从钉钉重新导出后再试。",
        "{path}: a double quote (\") on line {row} is never closed, so the lines after it read as one cell and cannot be "
        "imported: remove or close that quote, or export the file from DingTalk again.",
    ),
    "export-long-cell": (
        "{path} 的“{sheet}”表 {cell} 有 {length} 个字符，超过 Excel 单元格的上限 {limit}，已拒绝导入：请检查这份导出，删去或缩短这段内容后重试。",
        "{path}: {cell} of '{sheet}' holds {length} characters, more than an Excel cell's {limit}; nothing was "
        "imported: check the export, shorten or delete that text and try again.",
    ),
    "broken-cell": ("有单元格超过 131072 个字符或含有空字符", "a cell over 131,072 characters or with a NUL in it"),
    "broken-byte": ("第 {at} 个字节处的文字不完整", "the text breaks off at byte {at}"),
    "file-too-large": (
        "{path} 的一张表用到 {cell}（{rows} 行 × {cols} 列），远超任何培训项目，无法安全读取：请在 Excel 里删除多余的行列（或只复制有数据的部分到新文件）后重试。",
        "{path} has a sheet that reaches {cell} ({rows} rows × {cols} columns), far beyond any program, and "
        "cannot be read safely: delete the extra rows and columns in Excel (or copy the data to a new file) and try again.",
    ),
    "file-crashed": (
        "{path} 读取时程序崩溃（文件可能已损坏或被人为构造）：请用 Excel 打开并另存为新文件后重试。",
        "Reading {path} crashed its process (the file may be damaged or crafted): open it in Excel, save it as a new "
        "file and try again.",
    ),
    "file-too-many-cells": (
        "{path} 的各表合起来有约 {cells} 个单元格，远超任何培训项目，无法安全读取：请只把需要的表和数据复制到新文件后重试。",
        "{path} holds about {cells} cells across its sheets, far beyond any program, and cannot be read safely: copy "
        "the sheets and data you need to a new file and try again.",
    ),
    "unsafe-too-big": ("超过 512 MB", "over 512 MB"),
    "unsafe-zip-bomb": ("解压后大得异常，疑似压缩炸弹", "it unpacks to an abnormal size, as a zip bomb does"),
    "unsafe-xml": ("XML 文档类型或实体声明", "XML document type or entity declarations"),
    "unsafe-strings": ("共享字符串表声明的数量大得异常", "an implausible count of shared strings"),
    "file-unsafe": (
        "{path} 含有不安全的内容（{detail}），已拒绝处理：请用 Excel 重新保存后重试。",
        "{path} contains unsafe content ({detail}) and was refused: re-save it in Excel and try again.",
    ),
    "merge-already": (
        "{path}：已导入过，未做改动（要重新导入请加 --again）",
        "{path}: already imported, nothing changed (add --again to import it once more)",
    ),
    "merge-result": (
        "{path}（{kind}）：读取 {rows} 行 = 匹配 {matched} + 待确认 {review}{accounts} + 跳过 {skipped}{why}；"
        "新增 {inserted}，更新 {updated}，未变 {unchanged}",
        "{path} ({kind}): {rows} rows = {matched} matched + {review} to review{accounts} + {skipped} skipped{why}; "
        "{inserted} inserted, {updated} updated, {unchanged} unchanged",
    ),
    "review-resolved": (
        "待确认：已按你填写的学员编号导入 {accounts} 行（{records} 条记录），新记下 {aliases} 个别名，下次同一账号自动匹配。",
        "Review: {accounts} rows ({records} records) landed for the student ids you filled in; {aliases} new aliases "
        "match the same accounts next time.",
    ),
    "review-unknown-ids": (
        "待确认：{rows} 行填写的学员编号不在报名表中，仍留在表里（原因见其备注）。",
        "Review: {rows} rows name a student id that Enrollment does not have; they stay (see their notes).",
    ),
    "merge-review-accounts": ("（{accounts} 个账号）", " ({accounts} accounts)"),
    "merge-review-next": (
        "“待确认”表里共有 {accounts} 个账号等你确认（这次合并新增 {new} 个）：在其“学员编号”列填写学员编号，下次合并时它们的全部记录会导入，并记为别名。",
        "Review has {accounts} accounts waiting ({new} added by this merge): fill in their Student ID, and the next "
        "merge lands all their records and remembers the names as aliases.",
    ),
    "skip-other-class": ("家长账号所写的孩子都不在本项目", "a family account whose children are not in the program"),
    "not-master-report": (
        "{path} 是管理层报表（供阅读的副本），不是主工作簿：请对主工作簿运行这个操作。",
        "{path} is a manager report (a copy to read), not a master workbook: run this on the master.",
    ),
    "not-master-export": (
        "{path} 看起来是一份钉钉导出，不是主工作簿：请用 trainbook merge 主工作簿.xlsx {path} 把它合并进主工作簿。",
        "{path} looks like a DingTalk export, not a master workbook: merge it into the master with "
        "trainbook merge master.xlsx {path}.",
    ),
    "not-master": (
        "{path} 不是 trainbook 的主工作簿（没有报名、课次等表）：请打开正确的文件，或用 trainbook init 新建一本。",
        "{path} is not a trainbook master workbook (no Enrollment, Sessions… sheets): open the right file, or create "
        "one with trainbook init.",
    ),
    "bad-day-option": ("“{value}”不是日期：请写成 2026-11-29（也可以 2026/11/29、2026.11.29、20261129 或 2026年11月29日）。",
                       "'{value}' is not a date: write it as 2026-11-29 (2026/11/29, 2026.11.29 and 20261129 work too)."),
    "bad-count-option": ("“{value}”不行：请写一个不小于 1 的整数。", "'{value}' will not do: give a whole number of at least 1."),
    "export-unreadable-times": ("注意：这些单元格不是可识别的日期或时间，这几行按没有时间处理：{cells}。请核对导出。",
                                "Note: these cells hold no date or time trainbook can read; their rows are taken as having "
                                "none: {cells}. Check the export."),
    "unreadable-cell": ("第 {row} 行“{column}”的“{value}”", "row {row} '{column}': '{value}'"),
    "and-more": ("等共 {count} 处", " and more ({count} in all)"),
    "output-is-link": (
        "{path} 是指向别的文件的链接（或同一文件的另一个名字），写它会改掉那个文件：请换一个普通的文件名。什么都没有写。",
        "{path} is a link to another file (or another name of one), and writing it would change that file: choose a "
        "plain file name. Nothing was written.",
    ),
    "output-is-folder": ("{path} 是一个文件夹：请给出要写的文件名。", "{path} is a folder: name the file to write."),
    "output-is-master": (
        "{path} 是一本主工作簿：trainbook 不会用别的内容覆盖它，请换一个文件名。什么都没有写。",
        "{path} is a master workbook: trainbook never writes anything else over one; choose another name. Nothing "
        "was written.",
    ),
    "output-failed": (
        "无法写出 {path}（{detail}）：之前的文件保持不变，也没有留下写了一半的文件。请腾出空间或换个可写的位置后重试。",
        "Cannot write {path} ({detail}): any earlier file is as it was, and nothing half-written is left. Free some "
        "space or choose a folder that can be written, and try again.",
    ),
    "disk-full": ("磁盘已满", "the disk is full"),
    "qr-not-web": ("{sessions} 的签到链接不是 http(s) 网址，没有生成二维码：请在“课次”表改正。",
                   "{sessions}: the check-in link is no http(s) address, so no code was made: correct it on Sessions."),
    "did-you-mean": ("（是不是“{label}”？）", " (did you mean '{label}'?)"),
    "no-name": ("（未填姓名）", "(no name)"),
    "notice-no-name": ("学员没有姓名：请在“报名”表填写后重新生成通知", "the student has no name: fill it in on Enrollment, then "
                       "work out the notices again"),
    "notice-no-program": ("设置里没有项目名称：请在“设置”表填写后重新生成通知", "the settings give no program name: fill it in "
                          "on Settings, then work out the notices again"),
    "certificates-no-program": (
        "证书上要印项目名称，但“设置”表里还没有填写项目名称：请先填写，再生成证书。",
        "Certificates carry the program's name, and Settings has none yet: fill it in, then print the certificates.",
    ),
    "certificates-no-name": ("没有姓名的学员不生成证书：{students}。请在“报名”表填写姓名后再生成。",
                             "No certificate for students without a name: {students}. Fill in their names on Enrollment "
                             "and print again."),
    "merge-nothing": (
        "没有要合并的导出文件，“待确认”表里也没有填好学员编号的行：请给出钉钉导出文件，或先在“待确认”表的“学员编号”列填写。",
        "No export to merge, and no review row with a student ID filled in: name the DingTalk exports, or fill in "
        "Student ID on the review sheet first.",
    ),
    "merge-strangers": (
        "{path}：{rows} 行里只有 {known} 行的人是本项目的学员——是不是选错了工作簿？什么都没有导入；确认无误请加 --force。",
        "{path}: only {known} of its {rows} rows are students of this program — is this the right workbook? Nothing "
        "was imported; add --force if it is.",
    ),
    "merge-no-session": (
        "{path}：{rows} 行都不在本项目任何一次课的日期和时间里——请先在“课次”表排好课（或确认这是本项目的导出）。什么都没有导入；仍要导入请加 --force。",
        "{path}: none of its {rows} rows falls on a session of this program — enter the sessions first (or check this "
        "is the program's export). Nothing was imported; add --force to import it anyway.",
    ),
    "merge-no-such-session": (
        "没有课次编号 {value}：--session 请用“课次”表里的编号（{known}）。什么都没有导入。",
        "There is no session {value}: give --session an ID from Sessions ({known}). Nothing was imported.",
    ),
    "merge-no-such-assessment": (
        "没有考核编号 {value}：--assessment 请用“考核项”表里的编号（{known}）。什么都没有导入。",
        "There is no assessment {value}: give --assessment an ID from Assessments ({known}). Nothing was imported.",
    ),
    "export-not-that-kind": (
        "{path} 看起来不是{kind}（{looks}）：请去掉 --kind 让 trainbook 自动识别，或换成对应的类型。什么都没有导入。",
        "{path} does not look like {kind} ({looks}): drop --kind to let trainbook tell, or name the kind it is. "
        "Nothing was imported.",
    ),
    "export-looks-like": ("它更像{kind}，即 --kind {option}", "it looks like {kind}, --kind {option}"),
    "export-looks-unknown": ("它不像任何已知的钉钉导出", "it looks like no DingTalk export trainbook knows"),
    "skip-no-session": ("那天那个时间没有该学员的课次", "no session of the student's at that time"),
    "skip-session-not-over": ("导出时课次还没结束（之后的导出会带上它）", "the session had not ended when the file was exported (a later "
                              "export will cover it)"),
    "skip-said-nothing": ("钉钉的考勤结果没有说明是否出勤", "DingTalk's result says nothing of attendance"),
    "export-undated-days": (
        "“{sheet}”表按天分列，但标题里没有“统计日期：… 至 …”，无法确定每一列是哪一天：请从钉钉重新导出（保留前两行标题）后再试。",
        "'{sheet}' has a column per day but no '统计日期：… 至 …' period in its title, so the columns cannot be dated: "
        "export it from DingTalk again (keeping its two title rows) and retry.",
    ),
    "export-unplaced-days": (
        "注意：“{sheet}”表有 {count} 列（{columns}）的标签与统计日期推算的日期不符，未导入：请核对这份导出的统计日期。",
        "Note: {count} columns of '{sheet}' ({columns}) are labelled differently from the dates the period gives them and "
        "were not imported: check the export's period.",
    ),
    "skip-staff": ("老师的账号", "a teacher's account"),
    "cells-unreadable": (
        "注意：{count} 个单元格无法识别（{cells}），计算时按空白处理；请改正后重新计算，运行 validate 查看详情。",
        "Note: {count} cells could not be read ({cells}) and were taken as blank; correct them and compute again "
        "(validate says what each should be).",
    ),
    "students-awaiting-review": (
        "注意：{count} 名学员（{students}）可能有导入记录在“待确认”中，确认前他们的出勤、任务和成绩可能偏低；"
        "请在“待确认”表填上学员编号，再点“合并导入”。",
        "Note: {count} students ({students}) may have imported records waiting in 'Review'; until they are confirmed "
        "their attendance, tasks and scores may read low. Fill in the student ID there, then merge again.",
    ),
    "notice-copy": ("{recipient}，您好！以下是发给学员{name}的通知，抄送您（{role}）：",
                    "Hello {recipient}, a copy for you ({role}) of the notice sent to {name}:"),
    "notice-waits": ("暂缓：该学员的记录尚不确定（无法识别的单元格或“待确认”中的记录），确定后重新生成通知",
                     "On hold: this student's records are unsure (a cell that does not read, or records in Review); "
                     "make notices again once they are settled"),
    "notices-withheld": (
        "{count} 名学员（{students}）暂不生成{kinds}：他们的记录尚不确定（见上），改好后重新生成通知。",
        "No {kinds} for {count} students ({students}) yet: their records are unsure (see above); make notices again "
        "once they are settled.",
    ),
    "setting-named": ("{label}（{parameter}）", "{label} ({parameter})"),
    "settings-ignored": (
        "注意：设置中 {keys} 的值无效，已按默认值处理；运行 validate 查看。",
        "Note: invalid settings ({keys}) were replaced by their defaults; run validate for details.",
    ),
    "button-failed": (
        "trainbook 出错了（{detail}）。请在命令行运行同样的操作并加 --debug，把输出发给维护者。",
        "trainbook failed ({detail}). Run the same operation from the command line with --debug and send the "
        "output to the maintainers.",
    ),
    "review-unknown-id": (
        "{student_id} 不在报名表中：请填写报名表里已有的学员编号",
        "{student_id} is not in Enrollment: fill in a student id that Enrollment has",
    ),
    "progress-empty": (
        "还没有可计算的学员：先在“报名”表登记学员（审核状态“已通过”）、在“课次”表排好课，再导入钉钉数据，然后计算进度。",
        "No students to work out yet: add students to Enrollment (review status Approved) and sessions to Sessions, "
        "import the DingTalk data, then compute progress.",
    ),
    "tasks-unrecorded": (
        "{tasks} 已到截止日期但尚无提交记录：请导入其数据（在那之前不计入完成率，结业结论也暂缓）",
        "{tasks}: due, but no submissions recorded yet — import their data (until then they are left out of the "
        "task rate, and the final verdicts wait)",
    ),
    "sessions-unrecorded": (
        "{sessions} 尚无考勤记录：请导入其数据（在那之前不计入出勤率和风险）",
        "{sessions}: no attendance records yet — import their data (until then they are left out of rates and risk)",
    ),
    "demo-sent": ("发到本机模拟的钉钉机器人——{summary}：", "To a DingTalk-like robot on this computer — {summary}:"),
    "demo-private": ("私人通知逐个发给本人（本机模拟的钉钉应用和邮件服务器）——{summary}",
                     "Private notices, each to its person (a DingTalk-like app and a mail server on this computer) — {summary}"),
    "demo-notice-files": (
        "生成时待发送的全部通知另存为 {csv}（用 Excel 打开）；可发到群里的几类另存为 {json}（钉钉机器人消息）。",
        "All the notices pending when they were worked out are also in {csv} (for Excel); the kinds a group may see, in {json} (robot messages).",
    ),
    "demo-feedback": ("反馈分析：{comments} 条评论归入 {themes} 个主题；“改进”表提出 {count} 条改进措施：{actions}",
                      "Feedback analysis: {comments} comments in {themes} themes; {count} improvement actions "
                      "proposed in Improvements: {actions}"),
    "demo-finished": ("同一个项目结业后的样子：{path}（补齐了最后几次课、作业和考核）", "The same program once it is over: {path} (the last sessions, task and assessments filled in)"),
    "demo-buttons": (
        "带按钮的版本：{path}（在 Excel 中打开并启用宏，首页的按钮：{captions}）",
        "With buttons: {path} (open it in Excel and enable macros; the buttons on Home: {captions})",
    ),
    "paste-cleared": ("\n粘贴区已清空。", "\nThe Paste sheet was cleared."),
    "dry-run": ("（试运行：未写入）", "(dry run: nothing written)"),
    "validate-clean": ("{path}：校验通过，没有发现问题。", "{path}: validation passed, no problems found."),
    "validate-found": ("{path}：{errors} 个错误，{warnings} 个警告，{infos} 个提示。",
                       "{path}: {errors} errors, {warnings} warnings, {infos} infos."),
    "validate-annotated": (
        "请到“校验结果”表逐条查看，并修正标红的单元格。",
        " See the Issues sheet and fix the cells marked red.",
    ),
    "bad-extension": (
        "{path} 的扩展名无法创建主工作簿：请使用 {allowed}。",
        "{path}: a master workbook cannot be created with that extension; use {allowed}.",
    ),
    "title-unknown": (
        "找不到与“{title}”对应的{what}（现有：{known}）：{fix}",
        "No {what} matches '{title}' (known: {known}): {fix}",
    ),
    "title-fix-assessment": ("请用 --assessment 指定考核编号。", "name it with --assessment."),
    "title-fix-task": ("请把“任务”表里的任务名称改成与导出一致后重试。", "make the task's title in Tasks match the export and try again."),
    "bad-extension-macros": (
        "{path} 是启用宏的工作簿：请加 --macros（trainbook init {path} --macros）。",
        "{path} is a macro-enabled workbook: add --macros (trainbook init {path} --macros).",
    ),
    "buttons-signed": (
        "这个工作簿里的宏带有数字签名：加入按钮会让签名失效，所以没有改动它。请先在 Excel 里去掉签名（或另存一份不带宏的 .xlsx）再运行。",
        "This workbook's macros are digitally signed: adding the buttons would break the signature, so nothing was "
        "changed. Remove the signature in Excel first (or save a copy as .xlsx without macros) and run again.",
    ),
    "buttons-locked": (
        "这个工作簿里的宏工程设了密码：没有改动它。请在 Excel 的 VBA 编辑器里取消密码保护后再运行。",
        "This workbook's macro project is password-protected: nothing was changed. Remove the protection in "
        "Excel's VBA editor and run again.",
    ),
    "buttons-unreadable": (
        "读不懂这个工作簿里已有的宏：没有改动它。请在 Excel 里打开并另存一次再运行。",
        "Cannot read the macros already in this workbook: nothing was changed. Open it in Excel, save "
        "it once and run again.",
    ),
    "buttons-exists": (
        "{path} 已存在：要更新它的按钮和 Python 路径，请运行 trainbook buttons {path}；"
        "要用 {book} 重新生成并覆盖它（其中的改动会丢失，旧版本留在备份里），请加 --force。",
        "{path} exists: to update its buttons and Python path, run trainbook buttons {path}; to make it anew from "
        "{book}, overwriting it (its changes are lost; the old version stays in the backups), add --force.",
    ),
    "file-exists": (
        "{path} 已存在：请换一个文件名，或加 --force 覆盖。",
        "{path} already exists: choose another name, or add --force to overwrite it.",
    ),
    "open-in-excel": (
        "{path} 正在被 Excel/WPS/LibreOffice 打开（发现锁文件 {lock}）：请先关闭该文件再运行。",
        "{path} is open in Excel/WPS/LibreOffice (lock file {lock}): close it and run again.",
    ),
    "locked-by-run": (
        "{path} 正在被另一个 trainbook 任务写入：请等它结束后再运行。",
        "{path} is being written by another trainbook run: wait for it to finish.",
    ),
    "read-only": (
        "{path} 是只读文件或所在文件夹不可写：请取消只读属性或把文件复制到可写的位置。",
        "{path} is read-only or its folder is not writable: clear the read-only flag or copy it somewhere writable.",
    ),
    "changed-meanwhile": (
        "{path} 在本次读取之后被修改过（另一个 trainbook 任务或 Excel）：为免覆盖对方的改动，本次没有写入，请重新运行。",
        "{path} changed after this run read it (another trainbook run or Excel): nothing was written so as not to "
        "overwrite that change; run again.",
    ),
    "write-failed": (
        "无法写入 {path}（{detail}）：请检查磁盘空间和权限；原文件未被修改。",
        "Cannot write {path} ({detail}): check disk space and permissions; the original is unchanged.",
    ),
    "export-unknown-format": (
        "{path} 不是可识别的表格文件（xlsx、xls、csv 或钉钉导出的文本）：请重新从钉钉导出后再试。",
        "{path} is not a readable table (xlsx, xls, csv or a DingTalk text export): export it again from DingTalk.",
    ),
    "export-unknown-kind": (
        "{path} 不是可识别的钉钉导出（读到的表头：{headers}）。支持的类型：{kinds}。如确定类型，请用 --kind 指定。",
        "{path} is not a DingTalk export trainbook knows (headers read: {headers}). Known kinds: {kinds}. Use --kind if you are sure.",
    ),
    "export-is-master": (
        "{path} 是 trainbook 主工作簿，不是钉钉导出：请选择从钉钉导出的文件。",
        "{path} is a trainbook master workbook, not a DingTalk export: choose the file exported from DingTalk.",
    ),
    "paste-empty": (
        "“粘贴区”是空的：请把钉钉导出的表格（连同标题行）粘贴到 A1 后再点“合并导入”。",
        "The Paste sheet is empty: paste a DingTalk export at A1 (title rows and all), then click Merge.",
    ),
    "master-missing-column": (
        "{path} 的“{sheet}”表第 1 行没有必填列“{column}”：请把列标题放回第 1 行（标题上方不能有别的行）后重试；本次没有写入。",
        "{path}: row 1 of '{sheet}' has no required '{column}' column: put the headers back in row 1 (with no rows "
        "above them) and try again; nothing was written.",
    ),
    "table-totals-row": (
        "{path} 的“{sheet}”表上的 Excel 表格 {table} 有汇总行，新行无法加在汇总行下面：请在 Excel 中取消汇总行"
        "（表设计 → 汇总行）后重试；本次没有写入。",
        "{path}: the Excel table {table} on '{sheet}' has a totals row, and new rows cannot go below it: turn the "
        "totals row off in Excel (Table Design → Total Row) and try again; nothing was written.",
    ),
    "notices-result": (
        "截至 {as_of}：待发送通知 {pending} 条（新增 {new}，取消 {cancelled}）：{kinds}",
        "As of {as_of}: {pending} notices to send ({new} new, {cancelled} cancelled): {kinds}",
    ),
    "notices-no-mobile": (
        "{count} 位收件人没有手机号，通知已生成但无法 @ 到本人：{people}。请在“报名”或“分组”表补上手机号。",
        "{count} recipients have no mobile number; their notices are made but cannot @ them: {people}. "
        "Add the numbers on Enrollment or Groups.",
    ),
    "notices-unknown-status": (
        "“通知”表第 {rows} 行的状态无法识别，这些通知保持原样、不会发送：请选 {choices}。",
        "The status on row {rows} of Notices is none of {choices}: those notices are left as they are and not sent.",
    ),
    "notices-future": (
        "注意：按 {as_of}（今天之后）生成的通知现在就会被发送，请确认这是你要的。",
        "Note: these are the notices of {as_of}, a day after today; sending them now sends them early.",
    ),
    "out-written": ("已写出 {path}", "Wrote {path}"),
    "send-held": ("；{count} 条通知暂缓，没有发送（原因见“通知”表的备注）", "; {count} notices are held and were not sent (why: their notes on Notices)"),
    "notices-everyone": ("全体学员", "everyone"),
    "notices-copy": ("{name}，以下学员的通知抄送给您：", "{name}, a copy of these students' notices:"),
    "notices-out-kind": (
        "不能写出 {path}：请用 .csv（给 Excel）或 .json（钉钉机器人消息）结尾的文件名。",
        "Cannot write {path}: name a .csv file (for Excel) or a .json file (DingTalk robot messages).",
    ),
    "notice-gone": (
        "截至 {as_of} 已不再需要（已出勤、已提交、风险已变化或已过期），自动取消",
        "no longer needed as of {as_of} (attended, handed in, risk changed or out of date): cancelled",
    ),
    "notice-held": (
        "“{kind}”的通知已暂缓：模板里的 {names} 不是可用的占位符，请到“通知模板”表改正后重新生成。",
        "{kind} notices are held: {names} in its template is not a placeholder trainbook knows; correct it on "
        "Notice templates and generate again.",
    ),
    "send-result": ("已发送 {messages} 条消息，共 {notices} 条通知", "Sent {messages} messages carrying {notices} notices"),
    "send-dry-run": (
        "试运行：将发送 {messages} 条消息，共 {notices} 条通知（未发送，未改动工作簿）",
        "Dry run: {messages} messages carrying {notices} notices would be sent (nothing sent, workbook unchanged)",
    ),
    "send-other-kinds": (
        "；另有 {count} 条待发送的通知不在本次发送的类型里（默认只发适合群聊的），要发请用 --kinds 指明类型",
        "; {count} more pending notices are of other kinds (by default only those fit for a group chat): name their "
        "kinds with --kinds",
    ),
    "send-unknown-kind": ("没有通知类型 {kinds}：可选 {known}", "No notice kind {kinds}: choose from {known}"),
    "send-journaled": (
        "已送达的 {notices} 条通知已记在备份文件夹里，不会再发：关闭工作簿后运行任意一条命令，它们就会在工作簿里标为“已发送”。",
        " The {notices} notices delivered are recorded in the backup folder and will not go out again: once the "
        "workbook is closed, any command marks them Sent in it.",
    ),
    "send-stopped": (
        "已发送 {sent} 条消息并标为“已发送”，其余 {left} 条通知仍为“待发送”；处理后重新运行即可，只会发送剩下的。",
        " {sent} messages were sent and marked Sent; the other {left} notices are still Pending — run again once "
        "fixed, and only those are sent.",
    ),
    "robot-unreachable": (
        "连不上钉钉机器人（{host}：{detail}）：请检查网络或机器人地址。",
        "Could not reach the DingTalk robot ({host}: {detail}): check the network or the robot's address.",
    ),
    "robot-310000": (
        "钉钉机器人拒绝了消息（{detail}）：请核对加签密钥（--secret）、机器人要求的关键词（--keyword）和 IP 白名单。",
        "The DingTalk robot refused the message ({detail}): check the signing secret (--secret), the keyword the "
        "robot requires (--keyword) and its IP allow-list.",
    ),
    "robot-130101": (
        "钉钉机器人说发送太快，已限流约 10 分钟：请过一会儿再发送。",
        "The DingTalk robot says messages came too fast and is throttled for about 10 minutes: send again later.",
    ),
    "robot-460101": ("钉钉机器人说消息太长（{detail}）。", "The DingTalk robot says the message is too long ({detail})."),
    "robot-other": ("钉钉机器人回复错误 {code}（{detail}）。", "The DingTalk robot answered error {code} ({detail})."),
    "robot-missing": (
        "没有指定钉钉机器人：请用 --webhook（或环境变量 TRAINBOOK_ROBOT_WEBHOOK），或先用 trainbook robot add 保存一个机器人，"
        "并在“设置”表的“钉钉机器人”填写它的名称。",
        "No DingTalk robot given: use --webhook (or TRAINBOOK_ROBOT_WEBHOOK), or save one with trainbook robot add "
        "and put its name in Settings' DingTalk robot.",
    ),
    "robots-unknown": (
        "没有名为“{name}”的机器人（{path}）：请先运行 trainbook robot add {name} --webhook …",
        "No robot named '{name}' ({path}): run trainbook robot add {name} --webhook … first",
    ),
    "robot-not-https": (
        "机器人地址必须以 https:// 开头（{host}）：只有本机测试地址可以用 http://。",
        "The robot's address must start with https:// ({host}); plain http:// is only for this computer.",
    ),
    "accounts-file-bad": ("无法读取账户文件 {path}（{detail}）：请修正或删除它后重新添加。",
                          "Cannot read the accounts file {path} ({detail}): fix or delete it, then add the accounts again."),
    "apps-unknown": (
        "没有名为“{name}”的钉钉应用（{path}）：请先运行 trainbook app add {name} --appkey … --appsecret … --agent-id …",
        "No DingTalk app named '{name}' ({path}): run trainbook app add {name} --appkey … --appsecret … --agent-id … first",
    ),
    "mail-unknown": (
        "没有名为“{name}”的邮件账户（{path}）：请先运行 trainbook mail add {name} --host … --user … --from …",
        "No mail account named '{name}' ({path}): run trainbook mail add {name} --host … --user … --from … first",
    ),
    "net-refused": ("对方拒绝连接", "connection refused"),
    "net-redirect": ("机器人地址把消息转到了别处（没有跟过去）", "the robot's address sends messages elsewhere (not followed)"),
    "robot-no-address": ("给出的不是网址", "what was given is no web address"),
    "net-no-host": ("找不到这个主机", "host not found"),
    "net-timeout": ("等待回复超时", "timed out"),
    "net-dropped": ("连接中断，没有回复", "connection dropped without an answer"),
    "net-certificate": ("证书不受信任", "certificate not trusted"),
    "net-tls": ("加密连接没有建立（检查端口和加密方式：587 用 starttls，465 用 ssl）",
                "no encrypted connection (check the port and the encryption: starttls on 587, ssl on 465)"),
    "net-not-mail": ("对方不像是邮件服务器", "the other side does not answer as a mail server"),
    "net-failed": ("连接失败", "the connection failed"),
    "net-not-dingtalk": ("回复不是钉钉机器人的格式", "the answer is not a DingTalk robot's"),
    "accounts-no-name": ("请给它起个名字，例如 trainbook robot add 班级群 …", "Give it a name, e.g. trainbook robot add class-group …"),
    "robot-none-saved": ("还没有保存的机器人（{path}）。", "No robots saved yet ({path})."),
    "robot-saved": ("已保存机器人“{name}”（{path}，仅本人可读）。", "Saved robot '{name}' ({path}, readable by you only)."),
    "step-send": ("发送第 {n}/{total} 条消息…", "Sending message {n} of {total}…"),
    "todo-panel-title": ("待办（截至 {as_of}）", "To do (as of {as_of})"),
    "todo-panel-stage": ("环节 · 责任人", "Stage · owner"),
    "todo-panel-what": ("事项 → 怎么办（点击转到）", "What → how (click to go there)"),
    "todo-panel-more": ("还有 {count} 项：运行 trainbook todo 查看全部", "{count} more: run trainbook todo to see them all"),
    "todo-action-done": ("在“{sheet}”表落实改进措施后把状态改为已完成（或不采纳），或改截止日期", "carry out the measure and set its status in {sheet} to done (or dropped), or move its due date"),
    "todo-unwritten": ("（“首页”的待办这次没有更新：{reason}）", "(Home's to-do was not updated this time: {reason})"),
    "todo-none": ("截至 {as_of}：没有待办。", "As of {as_of}: nothing to do."),
    "todo-head": ("截至 {as_of}：{count} 项待办（最急的在前）：", "As of {as_of}, to do (most urgent first): {count}"),
    "todo-no-owner": ("未指定责任人", "no owner"),
    "todo-press": ("点“{button}”（或 {command}）", "click {button} (or {command})"),
    "todo-type-in": ("在“{sheet}”表填写", "fill in the {sheet} sheet"),
    "todo-type-or-merge": ("在“{sheet}”表填写，或导入报名表导出后{merge}", "fill in {sheet}, or import the enrollment form export and {merge}"),
    "todo-then": ("先{first}，再{then}", "{first}, then {then}"),
    "todo-fill-settings": ("填写项目名称、主办部门和起止日期", "fill in the program's name, organizer and dates"),
    "todo-fill-sessions": ("录入课次安排", "enter the sessions"),
    "todo-fill-enrollment": ("录入学员名单", "enter the students"),
    "todo-approvals": ("{count} 个报名待审核", "sign-ups waiting for review: {count}"),
    "todo-review-sign-ups": ("在“{sheet}”表把审核状态改为已通过或已拒绝", "set their review status in {sheet} to approved or rejected"),
    "todo-review": ("{count} 条导入记录身份不明，待确认", "imported records whose person is unknown: {count}"),
    "todo-confirm": ("在“{sheet}”表填上学员编号，再{merge}", "fill in their student id in {sheet}, then {merge}"),
    "todo-review-decided": ("{count} 条已确认身份的记录还没有合并", "records confirmed but not merged yet: {count}"),
    "todo-unrecorded": ("{count} 个课次已上过但没有考勤：{sessions}", "sessions held without attendance: {count} ({sessions})"),
    "todo-import": ("导入钉钉导出后{merge}", "import the DingTalk export and {merge}"),
    "todo-no-link": ("{count} 个即将开始的课次没有签到链接：{sessions}", "upcoming sessions without a check-in link: {count} ({sessions})"),
    "todo-add-link": ("在“{sheet}”表填签到链接（或在“设置”填签到链接模板）", "add their check-in link in {sheet} (or a template in Settings)"),
    "todo-no-reminder": ("{count} 个即将开始的课次还没发课前提醒：{sessions}", "upcoming sessions whose reminder is not sent: {count} ({sessions})"),
    "todo-materials": ("下一次课 {session} 还没有资料", "the next session, {session}, has no materials yet"),
    "todo-tasks": ("{count} 位学员有逾期未交的作业（{tasks}），还没发逾期提醒", "students late with {tasks} and not told: {count}"),
    "todo-tasks-unrecorded": ("{count} 个任务已过截止日期，还没有导入提交记录：{tasks}", "tasks past due with no submissions imported: {count} ({tasks})"),
    "todo-scores": ("{count} 个成绩未录入：{assessments}", "scores missing: {count} ({assessments})"),
    "todo-feedback": ("{count} 个课次还没有问卷反馈：{sessions}", "sessions without a survey response: {count} ({sessions})"),
    "todo-survey": ("发问卷邀请（生成通知后发送），收回后导入问卷导出再{merge}", "send the survey invitations, then import the questionnaire export and {merge}"),
    "todo-notices": ("{count} 条通知待发送", "notices waiting to be sent: {count}"),
    "todo-notices-failed": ("{count} 条通知发送失败（原因见“备注”）", "notices that could not be delivered: {count} (see Note)"),
    "todo-fix-address": ("在“{sheet}”表改正此人的钉钉UserId、手机号或邮箱，再{send}", "correct the person's DingTalk UserId, mobile or e-mail in {sheet}, then {send}"),
    "todo-certificates": ("{count} 位学员已结业，证书还没生成", "students who completed without a certificate yet: {count}"),
    "todo-actions": ("{count} 项改进措施已过截止日期", "improvement actions past their due date: {count}"),
    "todo-followup": ("{count} 位学员未结业，需要跟进", "students who did not complete, to follow up: {count}"),
    "step-private": ("发送第 {n}/{total} 条私人通知…", "Sending private notice {n} of {total}…"),
    "run-send-private": ("发送私人通知", "Send private notices"),
    "outcome-send-private": ("已发出 {notices} 条私人通知", "{notices} private notices sent"),
    "private-result": ("已发出 {sent} 条私人通知（{channels}）。", "{sent} private notices sent ({channels})."),
    "private-dry-run": ("将发出 {count} 条私人通知（只是预览，没有联系任何人）：",
                        "{count} private notices would go out (a preview: nobody was contacted):"),
    "private-found": ("按手机号找到 {count} 人的钉钉账号，已填入“学员名单”的钉钉UserId。",
                      "{count} people found in DingTalk by their mobile; their DingTalk UserId is now in Enrollment."),
    "private-failed": ("{count} 条通知钉钉或邮件服务器没能送达，已标为“发送失败”，原因见“备注”；改正此人的钉钉UserId、手机号或邮箱后再发送会重试。",
                       "{count} notices could not be delivered and are marked Failed (the reason is in Note); correct "
                       "the person's DingTalk UserId, mobile or e-mail and send again to retry."),
    "private-unreachable": ("{count} 人没有可用的渠道，通知仍为“待发送”（原因见“备注”）：{people}",
                            "{count} people cannot be reached by any channel; their notices stay Pending (see Note): {people}"),
    "private-no-channel": (
        "没有可用的私人通知渠道：请用 trainbook app add 保存企业内部应用（钉钉工作通知）或用 trainbook mail add "
        "保存邮件账户，并在“设置”的钉钉应用/邮件账户里写上它的名称（或用 --app / --mail 指定）。",
        "No channel for private notices: save the organisation's internal app with trainbook app add (DingTalk work "
        "notices) or a mail account with trainbook mail add, and name it in Settings' DingTalk app / Mail account "
        "(or give --app / --mail).",
    ),
    "private-not-in-dingtalk": ("钉钉里找不到这个手机号的成员，也没有邮箱", "DingTalk knows no member with this mobile, and there is no e-mail"),
    "private-not-in-dingtalk-no-mail": ("钉钉里找不到这个手机号的成员（没有设置邮件账户）",
                                        "DingTalk knows no member with this mobile (no mail account is set up)"),
    "private-email-no-account": ("只有邮箱，但没有设置邮件账户（trainbook mail add）",
                                 "only an e-mail address, and no mail account is set up (trainbook mail add)"),
    "private-no-address": ("没有钉钉UserId、手机号或邮箱", "no DingTalk UserId, mobile or e-mail"),
    "worknotice-invalid": ("钉钉说此用户无效（可能已离职或UserId有误）", "DingTalk says this user is invalid (left, or a wrong UserId)"),
    "worknotice-forbidden": ("钉钉拒绝发给此用户（超出发送限制或被禁止）", "DingTalk refused this user (over a limit, or forbidden)"),
    "worknotice-failed": ("钉钉没能送达", "DingTalk could not deliver it"),
    "app-given": ("命令行或环境变量给出的应用", "the app given by option or environment"),
    "app-incomplete": ("钉钉应用“{name}”缺少 AppKey、AppSecret 或 AgentId（AgentId 是数字）：请用 trainbook app add 重新保存。",
                       "DingTalk app '{name}' lacks its AppKey, AppSecret or AgentId (a number): save it again with trainbook app add."),
    "app-not-https": ("钉钉接口地址必须是 https://（本机测试可用 http://127.0.0.1）：{host}",
                      "The DingTalk API address must be https:// (http://127.0.0.1 for a local test): {host}"),
    "app-login": ("钉钉应用“{name}”登录被拒：请检查它的 AppKey、AppSecret 和 AgentId（trainbook app add 可重新保存）。没有发送任何通知。",
                  "DingTalk app '{name}' was refused: check its AppKey, AppSecret and AgentId (save again with trainbook app add). "
                  "Nothing was sent."),
    "app-unreachable": ("连不上钉钉应用“{name}”的接口（{detail}）：请检查网络后重新发送；已送出的不会重发。",
                        "Cannot reach the API of DingTalk app '{name}' ({detail}): check the network and send again; "
                        "what went out is not sent twice."),
    "app-busy": ("钉钉说系统繁忙，重试几次仍未成功（应用“{name}”）：请稍后重新发送；已送出的不会重发。",
                 "DingTalk says it is busy and kept saying so (app '{name}'): send again later; what went out is not sent twice."),
    "app-permission": ("钉钉应用“{name}”没有“通过手机号获取用户”的权限：请 IT 在开发者后台为它开通后重新发送。",
                       "DingTalk app '{name}' lacks the permission to look users up by mobile: ask IT to grant it in the "
                       "developer console, then send again."),
    "app-other": ("钉钉应用“{name}”回复错误 {code}（{detail}）。", "DingTalk app '{name}' answered error {code} ({detail})."),
    "mail-plain": ("邮件账户“{name}”不加密（tls=none）只能用于本机：{host} 请改用 starttls 或 ssl。",
                   "Mail account '{name}' without encryption (tls=none) is for this computer only: use starttls or ssl for {host}."),
    "mail-login": ("邮件账户“{name}”登录被拒：请检查用户名 {user} 和密码（trainbook mail add 可重新保存）。没有发送任何邮件。",
                   "Mail account '{name}' was refused: check the user {user} and the password (save again with trainbook "
                   "mail add). No e-mail was sent."),
    "mail-unreachable": ("连不上邮件账户“{name}”的服务器 {host}:{port}（{detail}）：没有发送任何邮件。",
                         "Cannot reach the server of mail account '{name}', {host}:{port} ({detail}): no e-mail was sent."),
    "account-saved": ("已保存“{name}”（{path}，仅本人可读）。", "Saved '{name}' ({path}, readable by you only)."),
    "accounts-none-saved": ("还没有保存的账户（{path}）。", "No accounts saved yet ({path})."),
    "mail-given": ("环境变量给出的邮件账户", "the mail account given by the environment"),
    "mail-refused": ("邮件服务器拒收（{code}）", "the mail server refused it ({code})"),
    "mail-incomplete": ("邮件账户“{name}”缺少服务器、用户名、密码或发件地址：请用 trainbook mail add 重新保存。",
                        "Mail account '{name}' lacks its server, user, password or From address: save it again with trainbook mail add."),
    "run-send": ("发送通知", "Send"),
    "outcome-send": ("已发送 {messages} 条消息（{notices} 条通知）", "{messages} messages ({notices} notices) sent"),
    "certificates-none-yet": (
        "没有可以颁发的结业证书：项目结束后，结业证书为“是”的学员才能拿到证书（先运行“计算进度”查看）。",
        "No certificates to issue: students get Yes for a certificate only after the program ends (see Progress).",
    ),
    "certificates-none-met": (
        "截至 {as_of} 项目已结束，但没有学员的结业证书为“是”：请运行“计算进度”，在“学习进度”里看每人还差什么（例如未导入的课次、未评分的考核）。",
        "The program was over by {as_of}, but no student's certificate is Yes: run Progress and see on Progress what "
        "each still lacks (sessions not imported, assessments not graded).",
    ),
    "font-unusable": ("{path} 不是可用的字体文件（{detail}）：请用 TRAINBOOK_CJK_FONT 指定一个中文字体。", "{path} is not a usable font ({detail}): name a Chinese font in TRAINBOOK_CJK_FONT."),
    "font-lacks": (
        "字体 {path} 缺少要打印的 {count} 个字（如“{chars}”），什么也没有生成：请用 TRAINBOOK_CJK_FONT 指定一个中文字体。",
        "The font {path} lacks {count} characters to be printed (e.g. '{chars}'); nothing was written: name a "
        "Chinese font in TRAINBOOK_CJK_FONT.",
    ),
    "out-is-file": ("--out 指向的 {path} 是一个文件，不是文件夹：请换一个文件夹。", "--out names {path}, a file, not a folder: name a folder."),
    "qr-unknown-sessions": ("没有课次 {unknown}：现有课次 {known}。", "No session {unknown}: the sessions are {known}."),
    "certificate-title": ("结业证书", "Certificate of Completion"),
    "certificate-lead": ("兹证明", "This certifies that"),
    "certificate-department": ("（{department}）", "({department})"),
    "certificate-statement": ("完成“{program}”全部学习，", "has completed {program}"),
    "certificate-result": ("总评 {score} 分，等级“{grade}”，准予结业，特发此证。", "with a final score of {score} ({grade})."),
    "certificate-code": ("验证码 {code}", "Code {code}"),
    "certificates-result": (
        "已生成 {count} 份结业证书，在 {folder}；打印用：{combined}。验证码列在“证书”表。",
        "{count} certificates written to {folder}; to print them all: {combined}. Their codes are on Certificates.",
    ),
    "font-missing": (
        "这台电脑上找不到中文字体，无法生成证书和签到页：请安装微软雅黑、宋体或 Noto Sans CJK，或用环境变量 TRAINBOOK_CJK_FONT 指定字体文件。",
        "No Chinese font found on this computer for the certificates and check-in pages: install Microsoft YaHei, SimSun or Noto Sans "
        "CJK, or name a font file in TRAINBOOK_CJK_FONT.",
    ),
    "font-missing-given": ("TRAINBOOK_CJK_FONT 指定的字体文件 {path} 不存在。", "TRAINBOOK_CJK_FONT names {path}, which does not exist."),
    "qr-result": (
        "已生成 {count} 个课次的签到二维码：图片在 {folder}，打印“签到二维码”表即每个课次一页。",
        "Check-in QR codes for {count} sessions: the images are in {folder}; print the Check-in QR sheet for a page each.",
    ),
    "qr-none": (
        "没有可生成二维码的课次：请在“课次”表填写签到链接，或在“设置”里填写签到链接模板。",
        "No session to make a QR code for: fill in Sessions' check-in link, or the check-in URL template in Settings.",
    ),
    "qr-without-link": ("没有签到链接的课次：{sessions}", "Sessions without a check-in link: {sessions}"),
    "qr-scan": ("请用钉钉扫码签到", "Scan with DingTalk to check in"),
    # the template: 首页's texts, each sheet's purpose, the drop-downs' messages
    "home-title": ("trainbook 培训主工作簿", "trainbook master workbook"),
    "home-subtitle": ("一个项目一个工作簿：报名、分组、课次、考勤、任务、成绩和反馈都在这里。", "One workbook per program: enrollment, groups, sessions, attendance, tasks, scores and feedback."),
    "home-steps-title": ("三步用起来", "Three steps"),
    "home-step-1": ("① 在蓝色标签的输入表里填写或粘贴数据（钉钉导出可整体粘贴到“粘贴区”）。", "1. Fill in or paste data in the blue input sheets (a DingTalk export goes whole into Paste)."),
    "home-step-2": ("② 点击“校验”，到“校验结果”里按链接逐条修正标红的单元格。", "2. Click Validate, then follow each link in Issues to fix the cells marked red."),
    "home-step-3": ("③ 点击“合并导入”导入钉钉数据，“计算进度”更新学习进度和看板，“生成通知”“发送通知”通知学员。", "3. Click Merge to bring in DingTalk data, Progress to update progress and the dashboard, Notices and Send to tell students."),
    "home-cli": ("命令行：trainbook validate / merge / progress / notices / send 本文件.xlsx；要按钮：trainbook buttons 本文件.xlsx", "Command line: trainbook validate / merge / progress / notices / send this-file.xlsx; buttons: trainbook buttons this-file.xlsx"),
    "home-sheets-title": ("工作表一览", "Sheets"),
    "home-header-sheet": ("工作表", "Sheet"),
    "home-header-kind": ("类型", "Kind"),
    "home-header-purpose": ("用途", "Purpose"),
    "role-input": ("输入", "input"),
    "role-generated": ("生成", "generated"),
    "role-system": ("系统", "system"),
    "home-last-run-title": ("最近一次运行", "Last run"),
    "home-last-run-operation": ("操作", "Operation"),
    "home-last-run-time": ("时间", "Time"),
    "home-last-run-result": ("结果", "Result"),
    "home-not-run": ("尚未运行", "not run yet"),
    "purpose-home": ("按钮、说明和最近一次运行结果", "Buttons, how-to and the last run"),
    "purpose-enrollment": ("学员名单与报名信息", "Students and their enrollment"),
    "purpose-groups": ("分组与班主任", "Groups and tutors"),
    "purpose-sessions": ("课次安排：日期、时间、形式、地点", "Sessions: date, time, mode, place"),
    "purpose-attendance": ("每个课次每位学员的出勤", "Attendance per session and student"),
    "purpose-tasks": ("作业、测验等任务", "Homework, quizzes and other tasks"),
    "purpose-submissions": ("任务提交情况", "Task submissions"),
    "purpose-assessments": ("考核项及权重", "Assessments and their weights"),
    "purpose-scores": ("考核成绩", "Assessment scores"),
    "purpose-feedback": ("课程评价问卷", "Course feedback"),
    "purpose-materials": ("课程资料", "Course materials"),
    "purpose-aliases": ("钉钉导出中的别名/账号对应的学员", "Names and accounts in exports, mapped to students"),
    "purpose-stages": ("项目流程的各个环节及责任人", "The program's stages and who owns each"),
    "purpose-themes": ("评论归类用的主题和关键词（关键词用“、”隔开，可增删）", "Themes for sorting comments, and their keywords (editable)"),
    "purpose-actions": ("按反馈提出的改进措施：措施、责任人、截止日期、状态由你填写", "Improvement actions from the feedback: the measure, owner, due date and status are yours"),
    "purpose-paste": ("粘贴钉钉导出，再点“合并导入”", "Paste a DingTalk export, then click Merge"),
    "purpose-progress": ("每位学员的出勤率、完成率、成绩和风险", "Each student's rates, scores and risk"),
    "purpose-dashboard": ("项目看板与图表", "Program dashboard and charts"),
    "purpose-followup": ("未结业学员的跟进名单：所缺、建议措施；跟进记录由你填写", "Who has not finished: what they lack, what to offer; the follow-up notes are yours"),
    "purpose-feedback_analysis": ("各课次、讲师的满意度，评论的主题和语气", "Satisfaction per session and teacher; comment themes and tone"),
    "purpose-notices": ("生成的通知及发送状态", "Generated notices and their status"),
    "purpose-qr": ("每个课次一页的签到二维码，直接打印", "A check-in QR code per session, a page each, to print"),
    "purpose-certificates": ("已颁发的结业证书及验证码", "Certificates issued, with their verification codes"),
    "purpose-review": ("导入时未能确认身份的记录", "Imported rows whose person needs confirming"),
    "purpose-issues": ("校验发现的问题及位置链接", "Validation findings with links"),
    "purpose-imports": ("每次导入的记录", "A log of every import"),
    "purpose-settings": ("项目信息与考勤、考核规则参数", "Program facts and policy parameters"),
    "purpose-templates": ("通知的标题和正文模板", "Notice subjects and bodies"),
    "purpose-review_data": ("待确认记录的原始数据（隐藏，供 trainbook 使用）", "The records behind Review (hidden, for trainbook)"),
    "rule-choose-title": ("请从下拉列表选择", "Choose from the list"),
    "rule-choose": ("可选值：{allowed}", "Allowed: {allowed}"),
    "rule-unknown-id-title": ("编号不在列表中", "Unknown ID"),
    "rule-unknown-id": ("请先在“{sheet}”表中登记该编号。", "Add this ID to {sheet} first."),
    "rule-date-title": ("日期无效", "Invalid date"),
    "rule-date": ("请输入日期，如 2026-03-01。", "Enter a date, e.g. 2026-03-01."),
    "rule-time-title": ("时间无效", "Invalid time"),
    "rule-time": ("请输入时间，如 09:00。", "Enter a time, e.g. 09:00."),
    "rule-range-title": ("超出范围", "Out of range"),
    "rule-range": ("允许的范围：{range}", "Allowed range: {range}"),
    # how texts are put together, and what each part of trainbook says in passing
    "labelled": ("{label}：{value}", "{label}: {value}"),
    "with-detail": ("{name}（{detail}）", "{name} ({detail})"),
    "counted": ("{label} {count}", "{label}: {count}"),
    "then": ("{first}。{then}", "{first}. {then}"),
    "progress-headline": ("截至 {as_of}：{students} 名学员，平均出勤率 {rate}，任务完成率 {tasks}，平均总评 {score}；高风险 {high} 名，中风险 {medium} 名。", "As of {as_of}: {students} students, attendance {rate}, tasks {tasks}, mean final score {score}; {high} at high risk, {medium} at medium risk."),
    "band-fail": ("不合格", "Fail"),
    "band-pass": ("合格", "Pass"),
    "band-good": ("良好", "Good"),
    "band-excellent": ("优秀", "Excellent"),
    "from-review": ("来自待确认", "from Review"),
    "what-assessment": ("考核项", "assessment"),
    "what-task": ("任务", "task"),
    "folder-certificates": ("证书", "certificates"),
    "folder-qr": ("签到二维码", "check-in-qr"),
    "folder-report": ("管理层报表", "manager-report"),
    "certificates-combined": ("结业证书-全部.pdf", "certificates-all.pdf"),
    "certificate-date": ("{day:%Y年%m月%d日}", "{day:%d %B %Y}"),
    "todo-line": ("  [{urgency}] {stage} · {owner}：{what}（{place}）→ {action}", "  [{urgency}] {stage} · {owner}: {what} ({place}) → {action}"),
    "said-in": ("上班{text}", "in {text}"),
    "said-out": ("下班{text}", "out {text}"),
    "said": ("钉钉：{parts}", "DingTalk: {parts}"),
    "said-and": ("，", ", "),
    "watched": ("观看 {total:g} 分钟（直播 {live:g} + 回放 {replay:g}）", "watched {total:g} min (live {live:g} + replay {replay:g})"),
    "watched-below": ("，不足 {ratio:.0%}", ", below {ratio:.0%}"),
    "report-department": ("部门：{department}", "Department: {department}"),
    "report-data-as-of": ("数据截至 {as_of}", "Data as of {as_of}"),
    "report-feedback-sessions": ("各课次反馈", "Feedback by session"),
    "report-feedback-teachers": ("各讲师反馈", "Feedback by teacher"),
    "report-themes": ("评论主题", "Comment themes"),
    "report-actions": ("改进措施", "Improvement actions"),
    "report-comments": ("意见建议（不含姓名）", "Comments (without names)"),
    "probe-mobile": ("手机号", "mobile number"),
    "probe-name": ("姓名和部门", "name and department"),
    "probe-dingtalk_userid": ("钉钉 UserId", "DingTalk UserId"),
    "probe-employee_no": ("工号", "employee number"),
    "student-on-row": ("第 {row} 行的学员", "the student on row {row}"),
    "student-labelled": ("学员 {student}", "student {student}"),
    "demo-built": ("已生成示例项目 {path}，以及 {count} 份钉钉导出（{folder}）。", "Built the sample program {path} and {count} DingTalk exports ({folder})."),
    "demo-mistakes": ("示例里故意留了几处常见错误：{summary}", "The sample carries a few mistakes on purpose: {summary}"),
    "demo-robot-message": ("  {title}（@ {count} 人）", "  {title} (mentions {count})"),
    "demo-open": ("打开工作簿查看：{path}", "Open the workbook: {path}"),
    "demo-channel": ("  {kind} · {channel}：{count}（{names}…）", "  {kind} · {channel}: {count} ({names}…)"),
    "other": ("其他", "Other"),
    "no-department": ("未填部门", "No department"),
    "whole-program": ("整个项目", "Whole program"),
    "review-unknown": ("无匹配学员", "no matching student"),
    "review-ambiguous": ("多个候选学员", "several candidates"),
    "review-conflict": ("同名学员的钉钉UserId或工号与此行不同，请确认是否为同一人",
                        "a student has this name, but a different DingTalk UserId or employee number: check whether it is the same person"),
    "review-decorated": ("姓名带附加内容，请确认是否为候选学员", "the name has something added: check whether it is the candidate"),
    "buttons-title": ("按钮", "Buttons"),
    "conf-note": ("trainbook 的按钮用 B 列写的 Python 运行（由 trainbook init --macros / trainbook buttons 写入）。换了电脑或 Python 时，改成那台电脑上装有 trainbook 的 python.exe 的完整路径，或重新运行 trainbook buttons。", "trainbook's buttons run the Python named in column B (written by trainbook init --macros / trainbook buttons). On another computer or Python, put the full path of the python.exe that has trainbook installed there, or run trainbook buttons again."),
    "weekday-0": ("周一", "Monday"),
    "weekday-1": ("周二", "Tuesday"),
    "weekday-2": ("周三", "Wednesday"),
    "weekday-3": ("周四", "Thursday"),
    "weekday-4": ("周五", "Friday"),
    "weekday-5": ("周六", "Saturday"),
    "weekday-6": ("周日", "Sunday"),
    "month-1": ("1月", "January"),
    "month-2": ("2月", "February"),
    "month-3": ("3月", "March"),
    "month-4": ("4月", "April"),
    "month-5": ("5月", "May"),
    "month-6": ("6月", "June"),
    "month-7": ("7月", "July"),
    "month-8": ("8月", "August"),
    "month-9": ("9月", "September"),
    "month-10": ("10月", "October"),
    "month-11": ("11月", "November"),
    "month-12": ("12月", "December"),
    "on-track": ("已达标", "on track"),
    "missed": ("项目已结束，未达到结业要求：{missed}", "The program has ended without meeting: {missed}"),
    "missed-ungraded": ("有考核未评分", "assessments not graded"),
    "below-attendance": ("出勤率低于 {attendance:.0%}", "attendance below {attendance:.0%}"),
    "below-tasks": ("任务完成率低于 {tasks:.0%}", "task completion below {tasks:.0%}"),
    "below-score": ("总评低于 {score:g} 分", "final score below {score:g}"),
    "needed-attendance-lost": ("剩余 {remaining} 次全部出勤也达不到 {threshold:.0%}", "even all {remaining} remaining sessions cannot reach {threshold:.0%}"),
    "needed-attendance": ("还需出勤 {remaining} 次中的 {need} 次", "attend {need} of the {remaining} remaining sessions"),
    "needed-tasks": ("还需补交 {missing} 项任务", "hand in {missing} more tasks"),
    "needed-score-lost": ("其余考核全部满分也达不到 {threshold:g} 分", "even full marks on the rest cannot reach {threshold:g}"),
    "needed-score-one": ("{title}需 ≥ {points:g} 分", "{title} needs ≥ {points:g}"),
    "needed-score-mean": ("其余考核平均需 ≥ {score:g} 分（百分制）", "the remaining assessments need ≥ {score:g} on average (of 100)"),
    "reasons": (
        "出勤：已开 {sessions_to_date} 场（共 {sessions_planned} 场）= 出勤 {present} + 迟到 {late} + 早退 {early_leave} + 请假 {excused} + 缺勤 {absent}；计入 {counted} 场（豁免缺勤 {forgiven}），折算出勤 {attended} → {attendance_rate}，全勤最高 {attendance_rate_max}。任务：到期 {tasks_due} 项，完成 {tasks_done} 项 → {task_rate}。成绩：总评 {final_score}（知识 {score_knowledge}、技能 {score_skill}、态度 {score_attitude}）。风险：{risk}{why}。",
        "Attendance: {sessions_to_date} held (of {sessions_planned}) = present {present} + late {late} + left early {early_leave} + excused {excused} + absent {absent}; counted {counted} (forgiven {forgiven}), attended {attended} → {attendance_rate}, best reachable {attendance_rate_max}. Tasks: {tasks_due} due, {tasks_done} done → {task_rate}. Scores: final {final_score} (knowledge {score_knowledge}, skill {score_skill}, attitude {score_attitude}). Risk: {risk}{why}.",
    ),
    "why": ("（{why}）", " ({why})"),
    "why-attendance-lost": ("出勤率已无法达标", "attendance can no longer pass"),
    "why-tasks-lost": ("任务完成率已无法达标", "tasks can no longer pass"),
    "why-score-lost": ("总评已无法及格", "the final score can no longer pass"),
    "why-absences-in-a-row": ("最近连续缺勤 {n} 次", "{n} absences in a row"),
    "provisional": ("（暂定：还有 {n} 项考核未评分）", " (provisional: {n} assessments not graded yet)"),
    "dashboard-as-of": ("截至 {as_of}", "As of {as_of}"),
    "dashboard-as-of-note": ("截至 {as_of}　{note}", "As of {as_of}. {note}"),
    "dashboard-no-data": ("暂无数据", "No data yet"),
    "qr-hint": ("点击“签到二维码”或运行 trainbook qr 生成，每个线下课次一页", "Click Check-in QR (or run trainbook qr): a page per session held in a room"),
    "qr-when": ("{year}年{month}月{day}日（{weekday}）{start}–{end}", "{weekday} {day} {month_name} {year}, {start}–{end}"),
    "qr-where": ("地点：{place}", "Place: {place}"),
    "qr-footer": ("课次编号 {session}　签到链接 {link}", "Session {session} · check-in link {link}"),
    "qr-online": ("线上课次不打印签到页（直播链接随通知发给学员）：{sessions}", "Online sessions get no wall sheet (their link goes out with the notices): {sessions}"),
    "run-qr": ("签到二维码", "Check-in QR"),
    "outcome-qr": ("{count} 个课次", "{count} sessions"),
    "run-certificates": ("结业证书", "Certificates"),
    "run-followup": ("跟进名单", "Follow-up"),
    "outcome-followup": ("{count} 位学员待跟进", "to follow up: {count}"),
    "run-next": ("新一期", "Next program"),
    "outcome-next": ("由上一期生成：{name}", "made from the previous program: {name}"),
    "outcome-certificates": ("{count} 份证书", "{count} certificates"),
    "internal-error": (
        "内部错误：{detail}。请加 --debug 重新运行，并把输出发给维护者。",
        "Internal error: {detail}. Run again with --debug and send the output to the maintainers.",
    ),
    "unknown-kind-option": ("没有导出类型 {value!r}：可选 {kinds}", "no export kind {value!r}: choose from {kinds}"),
    "sheet-missing": (
        "{path} 缺少“{sheet}”表，无法写入结果：请从模板（trainbook init 新建的工作簿）复制该表后重试。",
        "{path} has no '{sheet}' sheet to write to: copy it from a new workbook (trainbook init) and try again.",
    ),
    "step-read": ("读取 {name}…", "Reading {name}…"),
    "step-check": ("校验…", "Checking…"),
    "step-merge": ("合并 {name}…", "Merging {name}…"),
    "step-compute": ("计算进度…", "Working out progress…"),
    "step-write": ("写入 {name}…", "Writing {name}…"),
    "step-create": ("创建 {name}…", "Creating {name}…"),
    "step-buttons": ("加入按钮和宏…", "Adding the buttons and macros…"),
    "step-certificate": ("生成第 {n}/{total} 份证书…", "Writing certificate {n} of {total}…"),
    "step-qr-page": ("生成第 {n}/{total} 张签到页…", "Drawing check-in page {n} of {total}…"),
    "created": ("已创建 {path}", "Created {path}"),
    "run-validate": ("校验", "Validate"),
    "run-merge": ("合并导入", "Merge"),
    "run-progress": ("计算进度", "Progress"),
    "run-notices": ("生成通知", "Notices"),
    "outcome-notices": ("待发送 {pending} 条，新增 {new} 条", "{pending} to send, {new} new"),
    "outcome-progress": ("{students} 名学员，高风险 {high} 名", "{students} students, {high} at high risk"),
    "outcome-validate": ("{errors} 个错误，{warnings} 个警告", "{errors} errors, {warnings} warnings"),
    "outcome-merge": (
        "{files} 份导出：新增 {inserted}，更新 {updated}，待确认 {review}",
        "{files} exports: {inserted} inserted, {updated} updated, {review} to review",
    ),
    "report-title": ("管理层报表", "Manager report"),
    "collect-done": ("已汇总 {count} 个项目到 {path}（Parquet 在 {parquet}）。", "Collected programs: {count}, into {path} (Parquet in {parquet})."),
    "collect-book": ("  {program}：{students} 名学员，{attendance} 条考勤", "  {program}: {students} students, {attendance} attendance rows"),
    "collect-skipped": ("  跳过 {path}：{reason}", "  Skipped {path}: {reason}"),
    "collect-nothing": ("没有找到主工作簿：请给出 .xlsx/.xlsm 文件，或放有它们的文件夹。", "No master workbook found: give .xlsx/.xlsm files, or a folder holding them."),
    "collect-replaced": ("与 {by} 是同一个项目（项目名称和主办部门相同），保留较新保存的那本", "the same program as {by} (same name and organizer): the one saved last is kept"),
    "collect-renamed": ("替换了以前按“{names}”汇总的数据（同一个文件、同一开始日期：项目名称或主办部门改过）",
                        "replaces what was collected before as '{names}' (the same file and start date: its name or "
                        "organizer was changed)"),
    "collect-history": ("  {name}：{path}", "  {name}: {path}"),
    "demo-collect": ("跨项目汇总：在 {path}；参加过不止一个项目的学员（项目：结业证书）：", "Programs together: in {path}; students in more than one program (program: certificate):"),
    "collect-none": ("没有一本工作簿能汇总，什么都没有写：", "No workbook could be collected; nothing was written:"),
    "collect-reading": ("读取 {count} 本工作簿…", "Reading {count} workbooks…"),
    "followup-ended": ("截至 {as_of}：{count} 位学员未结业，已列入“跟进”表（其中 {retrain} 位建议复训）。",
                       "As of {as_of}: students who did not finish, listed in Follow-up: {count} (to retrain: {retrain})."),
    "followup-running": ("截至 {as_of}：{count} 位学员高风险，已列入“跟进”表（项目结束后列出所有未结业的学员）。",
                         "As of {as_of}: students at high risk, listed in Follow-up: {count} (after the end: everyone "
                         "who did not finish)."),
    "followup-out": ("名单另存为 {path}。", " The list is also in {path}."),
    "followup-withdrew": ("中途退出", "withdrew"),
    "followup-off-list": ("截至 {as_of} 已不需要跟进（保留此行是因为有跟进记录）", "no longer to follow up as of {as_of} (kept for its notes)"),
    "out-csv": ("{path} 应以 .csv 结尾：名单另存为 .csv 文件（Excel 可直接打开）。", "{path} should end in .csv: the list is written as a .csv (opens in Excel)."),
    "next-start-past": ("上一期截至 {as_of} 还没有结束（最后一次课 {last}）：--retrain 要在结束之后运行，或用 --as-of 给出结束后的日期。",
                        "The old program has not ended as of {as_of} (last session {last}): run --retrain after the end, or give --as-of a day after it."),
    "collect-locked": ("无法写入 {path}：它正被另一个程序打开（例如 DuckDB 或 Python）。请先关闭它，再重新运行。",
                       "Cannot write {path}: another program has it open (DuckDB or Python, say). Close it and run again."),
    "demo-feedback-none": ("反馈分析：{comments} 条评论归入 {themes} 个主题；没有需要提出的改进措施。",
                           "Feedback analysis: {comments} comments in {themes} themes; no improvement action to propose."),
    "next-made": ("已生成下一期的主工作簿 {path}（{name}）：第一次课 {start}，日期整体平移 {days} 天；报名、考勤、成绩、反馈和通知都是空的。",
                  "Made the next program's master {path} ({name}): first session {start}, every date moved by {days} "
                  "days; enrollment, attendance, scores, feedback and notices are empty."),
    "next-weekdays-moved": ("注意：--start 与原来第一次课不是同一个星期几，课次的星期几随之改变。",
                            " Note: --start is not the old first session's weekday, so the sessions' weekdays moved."),
    "next-retrained": ("已重新报名 {count} 位需要复训的学员：{names}。", " Enrolled again for retraining: {count} ({names})."),
    "next-default-name": ("{name}（下一期）", "{name} (next)"),
    "next-retrain-source": ("复训", "Retraining"),
    "next-retrain-note": ("复训：上一期“{program}”未结业，所缺：{lacks}", "Retraining: did not finish {program}; lacked: {lacks}"),
    "next-suffix": ("{path} 的扩展名应与上一期相同（{suffix}）：下一期是上一期的副本（带按钮的仍带按钮）。",
                    "{path} should have the old workbook's extension ({suffix}): the next program is a copy of it (buttons and all)."),
    "next-same": ("{path} 就是上一期的工作簿：请给新一期另起一个文件名。", "{path} is the old workbook: give the new program a file name of its own."),
    "next-exists": ("{path} 已存在：换一个文件名，或加 --force 覆盖。", "{path} exists: choose another name, or add --force to replace it."),
    "improve-low": ("{item}平均 {mean} 分，低于 {below} 分", "{item} averages {mean}, below {below}"),
    "improve-nps": ("NPS 为负：不愿推荐的人多于愿意推荐的人", "NPS below 0: more detractors than promoters"),
    "improve-figures": ("{item} {mean}（{responses} 份问卷）", "{item} {mean} ({responses} responses)"),
    "improve-theme": ("“{theme}”方面有 {count} 条负面评论", "{count} negative comments about {theme}"),
    "improve-theme-figures": ("负面 {count} 条 / 共 {total} 条", "{count} negative of {total}"),
    "improve-holds": ("仍存在（截至 {day}）", "Still holds (as of {day})"),
    "improve-gone": ("已不成立（{day} 起）", "No longer holds (since {day})"),
    "report-open-items": ("各环节待办（按责任人）", "Open items per stage and owner"),
    "report-no-open-items": ("各环节都没有待办。", "No open items in any stage."),
    "report-unrecorded": (
        "已开课但尚未导入考勤的课次（未计入以上数字）：{sessions}",
        "Sessions held whose attendance has not been imported yet (left out of the figures above): {sessions}",
    ),
    "share-written": (
        "已生成管理层报表 {path}（数据截至 {as_of}）：只含数字和学员进度，手机号已隐去中间四位，可直接转发。",
        "Wrote the manager report {path} (data as of {as_of}): figures and progress only, mobiles masked; "
        "ready to forward.",
    ),
    "share-by-department": (
        "已按部门生成 {count} 份管理层报表（数据截至 {as_of}），在 {folder}：每份只含本部门的学员。",
        "Wrote {count} department reports (data as of {as_of}) to {folder}: each holds only its department's people.",
    ),
    "share-no-students": (
        "{path} 里没有已通过审核的学员，无法按部门生成报表：请先在“报名”表填写学员并审核通过。",
        "{path} has no approved students to report on by department: fill in Enrollment and approve them first.",
    ),
    "share-out-xlsx": (
        "报表只能写成 .xlsx 文件：请把 --out 改为以 .xlsx 结尾的文件名（例如 {suggest}）。",
        "The report is written as an .xlsx file: give --out a name ending in .xlsx (e.g. {suggest}).",
    ),
    "share-out-is-master": (
        "--out 指向的 {path} 是一本主工作簿：报表不会覆盖主工作簿，请换一个文件名。",
        "--out names {path}, a master workbook: a report never overwrites one; choose another name.",
    ),
    "share-out-folder": (
        "加 --by department 时每个部门写一个文件，--out 应是文件夹，不是 {path}：请去掉扩展名（例如 --out 各部门报表）。",
        "With --by department each department gets a file, so --out names a folder, not {path}: drop the extension "
        "(e.g. --out department-reports).",
    ),
    "share-empty": (
        "注意：没有已通过审核的学员，报表里只有项目信息和空表：请先在“报名”表填写学员并审核通过。",
        "Note: no approved students, so the report holds only the program's facts and empty tables: fill in "
        "Enrollment and approve the students first.",
    ),
    "share-before-start": (
        "注意：{as_of} 早于第一次课（{first}）：出勤和任务按那一天计算，成绩和反馈则是目前录入的全部。",
        "Note: {as_of} is before the first session ({first}): attendance and tasks are as of that day, scores and "
        "feedback are all that is recorded now.",
    ),
    "share-by-unknown": ("--by 只能是 department（按部门），不是 {value}。", "--by takes department, not {value}."),
    "bad-lang": (
        "不支持的语言 {value}：请使用 zh 或 en。",
        "Unsupported language {value}: use zh or en.",
    ),
}


def default_lang() -> Lang:
    """The language for messages before a workbook tells us its own (TRAINBOOK_LANG, else zh)."""
    return "en" if os.environ.get("TRAINBOOK_LANG", "").lower().startswith("en") else "zh"


def listing(items: object, lang: Lang) -> str:
    """Items as a list in `lang`: 甲、乙、丙 / a, b, c."""
    return ("、" if lang == "zh" else ", ").join(str(i) for i in items)  # type: ignore[attr-defined]


def pick(lang: Lang, zh: _T, en: _T) -> _T:
    """Which of a declaration's two texts (or of two things made for each language) `lang` takes."""
    return zh if lang == "zh" else en


def clauses(parts: list[str], lang: Lang) -> str:
    """Clauses of one sentence: 甲；乙 / a; b."""
    return ("；" if lang == "zh" else "; ").join(parts)


def person(student_id: object, name: object, department: object, lang: Lang) -> str:
    """'S0005 张伟（销售部）' — '（未填姓名）' for a student typed without a name, no brackets without
    a department."""
    shown = name if isinstance(name, str) and name.strip() else message("no-name", lang)
    if isinstance(department, str) and department.strip():
        shown += f"（{department}）" if lang == "zh" else f" ({department})"
    return f"{student_id} {shown}"


SINGULAR = {plural: plural[:-1] for plural in (
    "accounts", "certificates", "columns", "departments", "errors", "files", "infos", "messages", "minutes", "notes",
    "notices", "recipients", "records", "reports", "rows", "sessions", "students", "warnings")} | {"aliases": "alias"}
VERBS = {"have": "has", "are": "is", "were": "was", "do": "does", "need": "needs", "wait": "waits", "lack": "lacks"}
_ONE = re.compile(rf"(?<![\d.,])1 ({'|'.join(SINGULAR)})\b(?: ({'|'.join(VERBS)})\b)?")


def singular(text: str) -> str:
    """English counts read right: '1 rows' → '1 row', '1 recipients have' → '1 recipient has' (the
    texts are written for many)."""
    return _ONE.sub(lambda m: f"1 {SINGULAR[m.group(1)]}" + (f" {VERBS[m.group(2)]}" if m.group(2) else ""), text)


def message(key: str, lang: Lang, **values: object) -> str:
    """Render the message `key` in `lang` with its placeholders filled."""
    zh, en = MESSAGES[key]
    return zh.format(**values) if lang == "zh" else singular(en.format(**values))


def placeholders(key: str) -> tuple[str, ...]:
    """The names the message `key` fills in, in order."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(MESSAGES[key][0]) if name)


Steps = Callable[[str], None]  # told what a long operation is doing, for a terminal's status line


def quiet(_: str) -> None:
    """A Steps that says nothing."""


def last_run(lang: Lang, operation: str, **outcome: object) -> tuple[str, str, str]:
    """What the home sheet shows about the run that just happened: operation, time, outcome."""
    now = clock.now().strftime("%Y-%m-%d %H:%M")
    return message(f"run-{operation}", lang), now, message(f"outcome-{operation}", lang, **outcome)
