"""Golden exports: synthetic replicas of real DingTalk exports, each keeping the layout of the real
file it stands for (title rows, header rows and their merged cells, labels, the shape of every cell's
text) with made-up people and times; beside each, `<case>.expected.json` holds the program it is
merged into and everything that must come of it. docs/real-exports.md says which real file each
replicates. `python -m tests.data.golden` writes the .xlsx files again (tests/test_golden.py fails
when a committed one differs from what this makes).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

HERE = Path(__file__).parent / "golden"
CREATED = dt.datetime(2026, 1, 1)  # a fixed creation time: the same code writes the same bytes


@dataclass
class Sheet:
    """One sheet: its rows (text, as DingTalk writes it) and its merged ranges (r1, c1, r2, c2)."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    declared: str | None = None  # the used range the sheet claims, where it is not what it holds


AS_DINGTALK_DECLARES = "A1"  # an export as DingTalk writes it claims A1, however many cells it holds


def write(path: Path, sheets: list[Sheet]) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    book.set_properties({"created": CREATED, "author": "Apache POI"})
    wrap = book.add_format({"text_wrap": True})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        merged = {(r1, c1) for r1, c1, _, _ in sheet.merges}
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in merged:
                    continue
                ws.write_string(r, c, str(value), wrap if "\n" in str(value) else None)
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_range(r1, c1, r2, c2, str(sheet.rows[r1][c1] or ""))
    book.close()
    claims = {f"xl/worksheets/sheet{n}.xml": sheet.declared for n, sheet in enumerate(sheets, start=1) if sheet.declared}
    if claims:
        parts = {}
        with zipfile.ZipFile(path) as zin:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename in claims:
                    data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{claims[info.filename]}"/>'.encode(), data)
                parts[info] = data
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in parts.items():
                zout.writestr(info, data)
    return path


def _title(rows: list[list[Any]], width: int) -> list[tuple[int, int, int, int]]:
    """DingTalk merges its two title rows across the whole width."""
    return [(0, 0, 0, width - 1), (1, 0, 1, width - 1)]


def grid_holidays() -> list[Sheet]:
    """打卡时间 as a 2026 export writes it (xiefenga/hhfx-attendance-excel, EarieLee/AttendanceGenerator):
    two header rows — 姓名…UserId merged down, 打卡时间 merged over the day labels — where a holiday
    column is labelled by its name, a weekend by 六/日; here also 周六 and a blank label, which other
    exports use. Cells hold `HH:MM␣␣` lines, out-of-office punches `HH:MM外勤`."""
    labels = ["15", "16", "17", "18", "端午节", "周六", "日", "22", "23", "24", "25", "26", "", "日"]
    ident = ["姓名", "考勤组", "部门", "工号", "职位", "UserId"]
    width = len(ident) + len(labels)
    rows: list[list[Any]] = [["打卡时间 统计日期：2026-06-15 至 2026-06-28"] + [None] * (width - 1),
                             ["报表生成时间：2026-06-29 09:10"] + [None] * (width - 1),
                             ident + ["打卡时间"] + [None] * (len(labels) - 1),
                             [None] * len(ident) + labels]

    def person(name: str, group: str, dept: str, no: str, title: str, userid: str, cells: dict[int, str]) -> None:
        rows.append([name, group, dept, no, title, userid] + [cells.get(day, "") for day in range(15, 29)])

    person("高雅丽", "公司", "财务部", "H0004", "会计", "U1001",
           {15: "08:26  \n18:03  ", 16: "08:25  \n18:04  ", 17: "08:25  \n18:03  ", 18: "08:56  \n18:02  ",
            19: "09:02  \n12:00  ", 20: "08:55  \n17:40  ", 27: "08:31  \n18:02  "})
    person("柴卫东", "公司", "研发部-系统研发组\n质量保障部", "H0011", "工程师", "U1002",
           {24: "08:30  \n22:44  ", 25: "06:40  \n18:10  ", 26: "07:30外勤\n01:54外勤", 28: "10:05外勤"})
    person("郭孟亮", "公司", "市场部", "H0023", "专员", "U1003", {22: "09:20  ", 23: "18:30  "})
    person("吕海川", "未加入考勤组", "", "HHFX1", "总经理", "U1004", {})
    person("路人甲", "公司", "市场部", "H0099", "实习生", "U1999", {15: "08:50  \n17:10  "})
    return [Sheet("打卡时间", rows, _title(rows, width) + [(2, c, 3, c) for c in range(len(ident))]
                  + [(2, len(ident), 2, width - 1)])]


DAILY_HEADER = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次",
                "上班1打卡时间", "上班1打卡结果", "下班1打卡时间", "下班1打卡结果", "上班2打卡时间", "上班2打卡结果",
                "下班2打卡时间", "下班2打卡结果", "上班3打卡时间", "上班3打卡结果", "下班3打卡时间", "下班3打卡结果",
                "关联的审批单", "迟到次数", "早退次数", "上班缺卡次数", "下班缺卡次数"]
SUMMER = "夏令行政岗 08:00-11:20 13:50-16:40 18:20-21:40"
WINTER = "冬令行政岗 08:00-11:20 13:30-16:20 18:15-21:30"


def daily_three_pairs() -> list[Sheet]:
    """每日统计 as a school's 2021 export writes it (AltureT/teacherattendence): one header row of flat
    上班N/下班N 打卡时间/打卡结果 columns for three pairs, `YY-MM-DD 星期X` days, the shift's times in
    班次, exported at 13:12 on its last day (the later pairs read 未打卡)."""
    width = len(DAILY_HEADER)
    rows: list[list[Any]] = [["每日统计 统计日期：2021-09-20 至 2021-09-22"] + [None] * (width - 1),
                             ["报表生成时间：2021-09-22 13:12"] + [None] * (width - 1), DAILY_HEADER]

    def day(name: str, userid: str, date: str, shift: str, *pairs: str, approval: str = "") -> None:
        rows.append([name, "行政岗", "工地组", "", "主任", userid, date, shift, *pairs, approval, "", "", "", ""])

    day("李永道", "U2001", "21-09-20 星期一", SUMMER,
        "06:42", "正常", "11:29", "正常", "13:24", "正常", "17:15", "正常", "18:15", "正常", "21:57", "正常")
    day("李永道", "U2001", "21-09-21 星期二", SUMMER,
        "06:17", "正常", "11:39", "正常", "13:08", "正常", "16:40", "正常", "", "缺卡", "", "缺卡")
    day("李永道", "U2001", "21-09-22 星期三", SUMMER,
        "06:42", "正常", "11:31", "正常", "", "未打卡", "", "未打卡", "", "未打卡", "", "未打卡")
    day("王红梅", "U2002", "21-09-20 星期一", SUMMER,
        "08:00", "补卡审批通过", "11:45", "正常", "14:09", "迟到", "16:52", "正常", "18:11", "补卡审批通过",
        "22:00", "补卡审批通过", approval="补卡申请09-20 08:00到09-20 08:00")
    day("王红梅", "U2002", "21-09-21 星期二", SUMMER,
        "", "外勤", "", "外勤", "", "缺卡", "16:45", "正常", "18:20", "管理员谢益纯改为正常", "21:40",
        "管理员谢益纯改为正常")
    day("赵敏慧", "U2003", "21-09-20 星期一", WINTER,
        "07:51", "正常", "11:20", "正常", "", "请假", "", "请假", "", "缺卡", "", "缺卡",
        approval="事假09-20 13:30到09-20 16:20 0.5天")
    day("赵敏慧", "U2003", "21-09-21 星期二", "休息", *[""] * 12)
    day("赵敏慧", "U2003", "21-09-22 星期三", WINTER,
        "10:38", "旷工迟到2小时38分钟", "11:35", "正常", "", "未打卡", "", "未打卡", "", "未打卡", "", "未打卡")
    day("陈不详", "U2999", "21-09-20 星期一", SUMMER,
        "07:58", "正常", "11:30", "正常", "", "缺卡", "", "缺卡", "", "缺卡", "", "缺卡")
    return [Sheet("每日统计", rows, _title(rows, width))]


def daily_two_rows() -> list[Sheet]:
    """每日统计表 as a 2020 lab's export writes it (ConstantineWong/Attendance-statistics): two header
    rows — 上班1 merged over 打卡时间/打卡结果, 出差 over its unit — and results with their minutes."""
    top = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次", "上班1", None, "下班1", None, "上班2", None,
           "下班2", None, "上班3", None, "下班3", None, "关联的审批单", "出勤天数", "迟到次数", "出差"]
    sub = [None] * 8 + ["打卡时间", "打卡结果"] * 6 + [None, None, None, "(天)"]
    width = len(top)
    rows: list[list[Any]] = [["每日统计表 统计日期：2020-10-12 至 2020-10-12"] + [None] * (width - 1),
                             ["报表生成时间：2020-10-12 21:00"] + [None] * (width - 1), top, sub]
    shift = "A 08:30-11:30 13:00-16:30 18:00-21:00 "
    rows.append(["蔡万里", "考勤", "", "", "", "U3001", "20-10-12 星期一", shift, "08:16", "正常", "11:37", "正常",
                 "12:31", "正常", "16:35", "正常", "17:52", "正常", "21:41", "正常", "", "1", "0", ""])
    rows.append(["陈聪明", "考勤", "", "", "", "U3002", "20-10-12 星期一", shift, "08:33", "迟到3分钟", "11:30",
                 "正常", "", "缺卡", "16:36", "正常", "20:52", "旷工迟到2小时52分钟", "22:39", "正常", "", "1", "1", ""])
    rows.append(["龙小腾", "考勤", "", "", "", "U3003", "20-10-12 星期一", shift, "", "出差", "", "出差", "", "出差",
                 "", "出差", "", "出差", "", "出差", "出差10-12 08:30到10-12 21:00 1天", "0", "0", "1"])
    rows.append(["魏某", "未加入考勤组", "", "", "", "U3004", "20-10-12 星期一", "不在考勤组", *[""] * 12,
                 "", "0", "0", ""])
    merges = _title(rows, width) + [(2, c, 3, c) for c in range(8)] + [(2, c, 2, c + 1) for c in range(8, 20, 2)]
    merges += [(2, c, 3, c) for c in (20, 21, 22)]
    return [Sheet("每日统计", rows, merges, declared=AS_DINGTALK_DECLARES)]


def monthly_new_style() -> list[Sheet]:
    """月度汇总 as a 2026 export writes it (EarieLee/AttendanceGenerator): two header rows — 请假 merged
    over the organisation's leave types, 考勤结果 over the day labels — and day cells
    `<班次>:<结果>[,<审批>]` over the day's punches `(first,last)`, `-` for none."""
    days = ["11", "12", "13", "14", "15", "六", "日"]
    stats = ["出勤天数", "休息天数", "工作时长", "迟到次数", "迟到时长"]
    leave = ["事假(小时)", "年假(天)", "调休(小时)", "病假(小时)"]
    ident = ["姓名", "考勤组", "部门", "工号", "职位", "UserId"]
    top = ident + stats + ["请假"] + [None] * (len(leave) - 1) + ["考勤结果"] + [None] * (len(days) - 1)
    sub = [None] * (len(ident) + len(stats)) + leave + days
    width = len(top)
    rows: list[list[Any]] = [["月度汇总 统计日期：2026-05-11 至 2026-05-17"] + [None] * (width - 1),
                             ["报表生成时间：2026-05-18 09:30"] + [None] * (width - 1), top, sub]

    def person(name: str, dept: str, userid: str, *cells: str) -> None:
        rows.append([name, "普通出勤", dept, "", "专员", userid, "5", "2", "2400", "0", "0", "3.5", "", "", "", *cells])

    person("蒋远杰", "财务部", "U4001",
           "普通出勤:正常\n(08:22,18:06)", "普通出勤:正常,事假05-12 08:30到05-12 12:00 3.5小时\n(13:02,18:04)",
           "外勤\n(-,-)", "普通出勤:旷工\n(-)", "普通出勤:未打卡\n(-)", "休息\n(-)", "休息并打卡\n(09:10,11:30)")
    person("吴可心", "客服组", "U4002",
           "普通出勤:正常,加班05-11 18:00到05-11 19:00 1小时\n(08:14,19:05)", "普通出勤:正常\n(08:15,18:24)",
           "外出05-13 14:00到05-13 16:00 2小时\n(08:58,-)", "普通出勤:正常,补卡申请05-14 08:30到05-14 08:30\n(08:30,18:42)",
           "普通出勤:正常\n(09:47,18:09)", "休息\n(-)", "休息\n(-)")
    merges = _title(rows, width) + [(2, c, 3, c) for c in range(len(ident) + len(stats))]
    merges += [(2, len(ident) + len(stats), 2, len(ident) + len(stats) + len(leave) - 1),
               (2, width - len(days), 2, width - 1)]
    return [Sheet("月度汇总", rows, merges)]


def monthly_old_style() -> list[Sheet]:
    """月度汇总表 as a 2020 lab's export writes it (ConstantineWong/Attendance-statistics): numbered
    anomalies one per line, approvals with their times, no punch line."""
    ident = ["姓名", "考勤组", "部门", "工号", "UserId"]
    stats = ["出勤天数", "休息天数", "工作时长", "迟到次数", "上班缺卡次数", "下班缺卡次数", "旷工天数"]
    days = ["12", "13", "14"]
    top = ident + stats + ["出差"] + days
    sub = [None] * (len(ident) + len(stats)) + ["(天)"] + [None] * len(days)
    width = len(top)
    rows: list[list[Any]] = [["月度汇总表 统计日期：2020-10-12 至 2020-10-14"] + [None] * (width - 1),
                             ["报表生成时间：2020-10-14 21:30"] + [None] * (width - 1), top, sub]
    rows.append(["蔡万里", "考勤", "", "", "U3001", "3", "0", "30小时2分钟", "1", "1", "1", "0", "",
                 "正常", "上班1迟到1分钟\n上班3缺卡\n下班3缺卡", "出差10-14 08:30到10-14 21:00 1天"])
    rows.append(["陈聪明", "考勤", "", "", "U3002", "1", "0", "9小时0分钟", "0", "0", "0", "1", "",
                 "旷工", "下班2缺卡", "事假10-14 11:00到10-14 20:00 6小时"])
    rows.append(["魏某", "未加入考勤组", "", "", "U3004", "0", "0", "0", "0", "0", "0", "0", "",
                 "不在考勤组并打卡", "\n", ""])
    merges = _title(rows, width) + [(2, c, 3, c) for c in range(len(ident) + len(stats))]
    merges += [(2, c, 3, c) for c in range(width - len(days), width)]
    return [Sheet("月度汇总", rows, merges, declared=AS_DINGTALK_DECLARES)]


def leave_approval() -> list[Sheet]:
    """The approval (OA审批) export of a leave form, in the layout of the real approval exports of
    EarieLee/AttendanceGenerator (no title rows, the header written twice — the second row naming a
    form table's columns under 明细 —, one row per request, 审批状态 and 审批结果 apart), with the
    leave form's own fields (请假类型, 开始时间, 结束时间, 时长) where the overtime form has its own."""
    header = ["序号", "数据id", "审批编号", "标题", "审批状态", "审批结果", "发起时间", "完成时间", "耗时(时:分:秒)",
              "发起人工号", "发起人UserID", "发起人姓名", "发起人部门", "历史审批人姓名", "审批记录", "当前处理人姓名",
              "请假类型", "开始时间", "结束时间", "时长", "请假事由"]
    rows: list[list[Any]] = [header, list(header)]
    record = "{name}|{uid}|提交申请|2026-05-06 09:01:23|提交申请;\n\n董会会|1768884|直接主管|2026-05-06 10:21:45|{act}|;"

    def request(n: int, name: str, uid: str, no: str, status: str, result: str, kind: str, start: str, end: str,
                hours: str) -> None:
        rows.append([str(n), f"exf5OjE4QLW{n:04d}", f"2026050600010002{n:05d}", f"{name}提交的请假"
                     + ("[撤销]" if status == "已撤销" else ""), status, result, "2026-05-06 09:01:23",
                     "2026-05-06 10:21:46" if status != "审批中" else "", "1:20:23", no, uid, name, "检测中心-EMC 测试组",
                     "董会会", record.format(name=name, uid=uid, act=result or "审批中"), "" if status != "审批中" else "董会会",
                     kind, start, end, hours, "家中有事"])

    request(1, "刘汝鑫", "U5001", "22099089", "完成", "同意", "事假", "2026-05-12 上午", "2026-05-12 上午", "0.5")
    request(2, "刘汝鑫", "U5001", "22099089", "完成", "拒绝", "年假", "2026-05-13", "2026-05-13", "1")
    request(3, "贾廷亚", "U5002", "22099080", "已撤销", "", "病假", "2026-05-12 下午", "2026-05-12 下午", "0.5")
    request(4, "贾廷亚", "U5002", "22099080", "审批中", "", "调休", "2026-05-13 09:00", "2026-05-13 11:00", "2")
    request(5, "李卡琳", "U5003", "22099008", "完成", "同意", "病假", "2026-05-12 下午", "2026-05-13 上午", "1")
    request(6, "李卡琳", "U5003", "22099008", "完成", "同意", "调休", "2026-05-14 14:30", "2026-05-14 16:00", "1.5")
    request(7, "孙不在", "U5999", "22099999", "完成", "同意", "事假", "2026-05-12", "2026-05-12", "1")
    return [Sheet("202605061200000382", rows, [])]


def signin_nicknames() -> list[Sheet]:
    """签到报表 in the columns the official DingTalk command line writes for it (no public sample of the
    export itself was found): title and 报表生成时间 rows, one row per check-in; names as people set
    them, with a nickname, an id, a note or a team added."""
    header = ["姓名", "部门", "完整部门", "日期", "时间", "经度", "纬度", "地点", "详细地址", "拜访客户", "客户部门名称",
              "工作内容", "手机标识"]
    width = len(header)
    rows: list[list[Any]] = [["签到报表  统计日期：2026-05-12 至 2026-05-12"] + [None] * (width - 1),
                             ["报表生成时间：2026-05-12 18:00"] + [None] * (width - 1), header]
    for name, at in (("李珺琪 yuki", "08:52"), ("何沅政DZ250027", "08:55"), ("王芳（实习）", "08:57"),
                     ("张伟-销售", "09:01"), ("陈晨", "08:59"), ("D", "09:10")):
        rows.append([name, "培训部", "星河科技-培训部", "2026-05-12", at, "120.1", "30.2", "总部", "总部 3 楼培训室", "", "",
                     "", "iPhone"])
    return [Sheet("签到报表", rows, _title(rows, width))]


CASES = {
    "grid_holidays": grid_holidays, "daily_three_pairs": daily_three_pairs, "daily_two_rows": daily_two_rows,
    "monthly_new_style": monthly_new_style, "monthly_old_style": monthly_old_style,
    "leave_approval": leave_approval, "signin_nicknames": signin_nicknames,
}


def build(case: str, folder: Path = HERE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write(folder / f"{case}.xlsx", CASES[case]())


if __name__ == "__main__":
    for name in CASES:
        print(build(name))
