"""DingTalk-like exports made by code, with the pitfalls of ../shared/dingtalk-exports.md."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

WEEKDAYS = "一二三四五六日"


def short_day(day: dt.date) -> str:
    """'26-11-02 星期一', as 每日统计 and 原始记录 write dates."""
    return f"{day:%y-%m-%d} 星期{WEEKDAYS[day.weekday()]}"


def loose(moment: dt.datetime) -> str:
    """'2026-11-02 8:57': DingTalk does not zero-pad the hour."""
    return f"{moment:%Y-%m-%d} {moment.hour}:{moment:%M}"


def xlsx(path: Path, sheets: dict[str, list[list[Any]]], merges: Sequence[tuple[str, int, int, int, int, str]] = ()) -> Path:
    """An .xlsx with the given rows per sheet; `merges` = (sheet, r1, c1, r2, c2, text) merged cells."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wrap = wb.add_format({"text_wrap": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str) and "\n" in value:
                    ws.write_string(r, c, value, wrap)
                else:
                    ws.write(r, c, value)
        for sheet, r1, c1, r2, c2, text in merges:
            if sheet == name:
                ws.merge_range(r1, c1, r2, c2, text)
    wb.close()
    return path


def title(report: str, start: dt.date, end: dt.date) -> list[list[Any]]:
    return [[f"{report} 统计日期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"], ["报表生成时间：2026-11-29 10:23"]]


def punch_records(path: Path, punches: list[tuple[dict, dt.datetime]], start: dt.date, end: dt.date,
                  english: bool = False) -> Path:
    """原始记录: one row per punch; header on Excel row 3 after the title rows."""
    header = (["Name", "Attendance Group", "Department", "Employee No.", "Position", "UserId",
               "Attendance Date", "Scheduled Time", "Punch Time", "Punch Result", "Address"] if english else
              ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果",
               "打卡地址", "打卡备注", "异常打卡原因", "打卡设备"])
    rows = title("考勤记录表", start, end) + [header]
    for student, at in punches:
        rows.append([student["name"], "培训考勤", student["department"], student.get("employee_no") or "",
                     student.get("position", ""), student.get("dingtalk_userid") or "", short_day(at.date()),
                     f"{at:%Y-%m-%d} 9:00", loose(at), "正常", "总部 3 楼", "", "", "手机打卡"][: len(header)])
    return xlsx(path, {"原始记录": rows})


def punch_grid(path: Path, people: list[dict], cells: dict[tuple[str, int], str], start: dt.date,
               end: dt.date) -> Path:
    """打卡时间: day columns labelled by day number, weekends as 六/日; cells hold \\n-separated times."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    labels = ["六" if d.weekday() == 5 else "日" if d.weekday() == 6 else d.day for d in days]
    rows = title("打卡时间表", start, end) + [["姓名", "部门", "工号", "职位", "UserId", *labels]]
    for person in people:
        rows.append([person["name"], person["department"], person.get("employee_no", ""), "",
                     person.get("dingtalk_userid", ""),
                     *[cells.get((person["student_id"], d.day), "") for d in days]])
    return xlsx(path, {"打卡时间": rows})


def daily_stats(path: Path, entries: list[tuple[dict, dt.date, str, str, str, str]], start: dt.date,
                end: dt.date) -> Path:
    """每日统计 with two merged header rows: 上班1 / 下班1 over 打卡时间 / 打卡结果."""
    top = ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次", "上班1", None, "下班1", None,
           "关联的审批单", "出勤天数", "迟到次数", "迟到时长（分钟）"]
    sub = [None] * 8 + ["打卡时间", "打卡结果", "打卡时间", "打卡结果", None, None, None, None]
    rows = title("每日统计表", start, end) + [top, sub]
    for person, day, time_in, result_in, time_out, result_out in entries:
        rows.append([person["name"], "培训考勤", person["department"], person.get("employee_no", ""), "",
                     person.get("dingtalk_userid", ""), short_day(day), "09:00-18:00", time_in, result_in,
                     time_out, result_out, "", 1, 0, 0])
    merges = [("每日统计", 2, 8, 2, 9, "上班1"), ("每日统计", 2, 10, 2, 11, "下班1")]
    merges += [("每日统计", 2, c, 3, c, top[c]) for c in (0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15)]
    return xlsx(path, {"每日统计": rows}, merges)


def monthly_summary(path: Path, people: list[dict], cells: dict[tuple[str, int], str], start: dt.date,
                    end: dt.date) -> Path:
    """月度汇总: statistics, then 考勤结果 merged over the day columns (六/日 for weekends)."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    fixed = ["姓名", "考勤组", "部门", "工号", "UserId", "出勤天数", "休息天数", "迟到次数", "事假（时）"]
    top = fixed + ["考勤结果"] + [None] * (len(days) - 1)
    sub = [None] * len(fixed) + ["六" if d.weekday() == 5 else "日" if d.weekday() == 6 else d.day for d in days]
    rows = title("月度汇总", start, end) + [top, sub]
    for person in people:
        rows.append([person["name"], "培训考勤", person["department"], person.get("employee_no", ""),
                     person.get("dingtalk_userid", ""), 20, 8, 0, 0,
                     *[cells.get((person["student_id"], d.day), "") for d in days]])
    merges = [("月度汇总", 2, len(fixed), 2, len(fixed) + len(days) - 1, "考勤结果")]
    merges += [("月度汇总", 2, c, 3, c, fixed[c]) for c in range(len(fixed))]
    return xlsx(path, {"月度汇总": rows}, merges)


def live_tsv(path: Path, title_text: str, started: str, viewers: list[tuple[str, str, str, str]]) -> Path:
    """直播数据 as DingTalk 4.7 wrote it: UTF-16LE with BOM, tab-separated, trailing tabs, CRLF."""
    lines = ["直播基本数据" + "\t" * 8,
             "直播时间\t直播群\t直播时长\t观看人次\t点赞数\t消息数\t群人数\t参与人\t未参与人",
             f"{started}\t新员工培训群\t1:58:12\t80\t12\t30\t70\t60\t10",
             "\t" * 8,
             "群成员直播详细数据" + "\t" * 8,
             "分享人\t直播名称\t姓名\t工号\t部门\t观看直播\t观看回放\t观看总时长\t"]
    for name, dept, live, replay in viewers:
        total = "无" if live == replay == "未参与" else _sum(live, replay)
        lines.append(f"刘工(讲师)\t{title_text}\t{name}\t无\t{dept}\t{live}\t{replay}\t{total}\t")
    path.write_bytes(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    return path


def _sum(*parts: str) -> str:
    seconds = sum(int(h) * 3600 + int(m) * 60 + int(s) for p in parts if p != "未参与"
                  for h, m, s in [p.split(":")])
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def csv_bytes(rows: list[list[Any]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)
