"""The buttons of a macro-enabled master, declared once: each runs one operation through the VBA
Sub of the same name in macros/trainbook.bas (written from this declaration by `vba_module`), which
calls `trainbook.xl.<function>()`."""

from __future__ import annotations

from dataclasses import dataclass

from trainbook.i18n import Lang, pick


@dataclass(frozen=True)
class Button:
    """One button of the 首页 panel."""

    sub: str  # the VBA Sub in module `trainbook` (macros/trainbook.bas)
    function: str  # the function of trainbook.xl it runs
    zh: str
    en: str
    explain_zh: str
    explain_en: str

    def caption(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)

    def explain(self, lang: Lang) -> str:
        return pick(lang, self.explain_zh, self.explain_en)

    @property
    def macro(self) -> str:
        return f"{MODULE}.{self.sub}"

    @property
    def command(self) -> str:
        """What the Sub hands to Python."""
        return f"import trainbook.xl; trainbook.xl.{self.function}()"


MODULE = "trainbook"
PANEL_COLUMN = 5  # F: the buttons; G: what each does
PANEL_WIDTHS = (26, 56)  # characters: F holds a button (its longest caption on one line, in LibreOffice too), G its explanation
PANEL_ROW = 4  # 0-based: the panel's title, beside the how-to; a button every other row below it
BUTTONS: tuple[Button, ...] = (
    Button("Validate", "validate", "校验", "Validate",
           "检查每张表，把问题列在“校验结果”里并标红单元格",
           "Check every sheet; list problems in Issues and mark the cells red"),
    Button("Merge", "merge", "合并导入", "Merge",
           "把粘贴到“粘贴区”的钉钉导出合并进来，然后清空粘贴区",
           "Merge the DingTalk export pasted into Paste, then clear it"),
    Button("Progress", "progress", "计算进度", "Progress",
           "计算出勤、任务、成绩和风险，更新“学习进度”和“看板”",
           "Work out attendance, tasks, scores and risk; update Progress and Dashboard"),
    Button("Notices", "notices", "生成通知", "Notices",
           "按今天的情况生成该发的通知，写入“通知”表",
           "Work out the notices due today into Notices"),
    Button("Send", "send", "发送通知", "Send",
           "把群通知发到“设置”里的钉钉机器人，私人通知逐个发给本人（钉钉工作通知或邮件）",
           "Send group notices to the robot named in Settings, and each private one to its person (work notice or e-mail)"),
    Button("CheckinQr", "qr", "签到二维码", "Check-in QR",
           "为每个课次生成签到二维码，打印“签到二维码”表即每课一页",
           "Make each session's check-in QR code; print Check-in QR for a page each"),
    Button("Followup", "followup", "跟进名单", "Follow-up",
           "列出未结业（结业前：高风险）的学员、所缺和建议措施，写入“跟进”表",
           "List who has not finished (before the end: at high risk), what they lack and what to offer, in Follow-up"),
    Button("Certificates", "certificates", "结业证书", "Certificates",
           "为结业的学员生成证书 PDF（工作簿旁的文件夹），验证码列入“证书”表",
           "Write certificate PDFs for those who completed (a folder beside the workbook)"),
    Button("ManagerReport", "share", "管理层报表", "Manager report",
           "生成给管理层的报表（工作簿旁的新文件）：只有数字和图表，手机号隐去，可直接转发",
           "Write the report for managers (a new file beside the workbook): figures and charts, mobiles masked"),
)


def vba_module() -> str:
    """The text of macros/trainbook.bas: one Sub per button, handing its line to RunPython."""
    head = [f'Attribute VB_Name = "{MODULE}"',
            "' One Sub per button of the home sheet's panel, written from trainbook/schema/buttons.py by",
            "' macros/build_vba_project.py. All logic lives in Python: each Sub hands one line to RunPython,",
            "' which comes from the xlwings module embedded in the same VBA project (no add-in needed)."]
    subs = [f'Sub {b.sub}()\n    RunPython "{b.command}"\nEnd Sub' for b in BUTTONS]
    return "\n".join(head) + "\n\n" + "\n\n".join(subs) + "\n"
TODO_ROW = PANEL_ROW + 2 * len(BUTTONS) + 2  # 0-based: 首页's 待办, under the last button
