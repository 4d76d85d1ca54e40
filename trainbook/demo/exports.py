"""DingTalk-like exports made by code, with the pitfalls real exports have (title rows, merged
headers, 六/日 columns, multi-line cells, UTF-16 text, GBK csv, decorated names)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pandas as pd
import xlsxwriter

WEEKDAYS = "一二三四五六日"


def short_day(day: dt.date) -> str:
    """'26-11-02 星期一', as 每日统计 and 原始记录 write dates."""
    return f"{day:%y-%m-%d} 星期{WEEKDAYS[day.weekday()]}"


def loose(moment: dt.datetime) -> str:
    """'2026-11-02 8:57': DingTalk does not zero-pad the hour."""
    return f"{moment:%Y-%m-%d} {moment.hour}:{moment:%M}"


def xlsx(path: Path, sheets: dict[str, list[list[Any]]],
         merges: Sequence[tuple[str, int, int, int, int, str | None]] = ()) -> Path:
    """An .xlsx with the given rows per sheet; `merges` = (sheet, r1, c1, r2, c2, text) merged cells."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wrap = wb.add_format({"text_wrap": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or (isinstance(value, float) and value != value):  # None / NaN
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
    made = end + dt.timedelta(days=1)  # exported the morning after the period, as a coordinator does
    return [[f"{report} 统计日期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"], [f"报表生成时间：{made:%Y-%m-%d} 10:23"]]


Punch = tuple[dict[str, Any], dt.datetime] | tuple[dict[str, Any], dt.datetime, dt.datetime, str]


def punch_records(path: Path, punches: list[Punch], start: dt.date, end: dt.date, english: bool = False) -> Path:
    """原始记录: one row per punch; header on Excel row 3 after the title rows. A punch may carry the
    shift time it was for (考勤时间) and DingTalk's result (打卡结果); without them both are blank,
    as DingTalk writes them for a punch it did not count."""
    header = (["Name", "Attendance Group", "Department", "Employee No.", "Position", "UserId",
               "Attendance Date", "Scheduled Time", "Punch Time", "Punch Result", "Address"] if english else
              ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果",
               "打卡地址", "打卡备注", "异常打卡原因", "打卡设备"])
    rows = title("考勤记录表", start, end) + [header]
    for punch in punches:
        student, at = punch[0], punch[1]
        planned, result = (loose(punch[2]), punch[3]) if len(punch) == 4 else ("", "")
        rows.append([student["name"], "培训考勤", student["department"], student.get("employee_no") or "",
                     student.get("position", ""), student.get("dingtalk_userid") or "", short_day(at.date()),
                     planned, loose(at), result, "总部 3 楼", "", "", "手机打卡"][: len(header)])
    return xlsx(path, {"原始记录": rows})


def punch_grid(path: Path, people: list[dict[str, Any]], cells: dict[tuple[str, int], str], start: dt.date,
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


def daily_stats(path: Path, entries: list[tuple[dict[str, Any], dt.date, str, str, str, str]], start: dt.date,
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
    merges: list[tuple[str, int, int, int, int, str | None]] = [
        ("每日统计", 2, 8, 2, 9, "上班1"), ("每日统计", 2, 10, 2, 11, "下班1")]
    merges += [("每日统计", 2, c, 3, c, top[c]) for c in (0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15)]
    return xlsx(path, {"每日统计": rows}, merges)


def monthly_summary(path: Path, people: list[dict[str, Any]], cells: dict[tuple[str, int], str], start: dt.date,
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
    merges: list[tuple[str, int, int, int, int, str | None]] = [
        ("月度汇总", 2, len(fixed), 2, len(fixed) + len(days) - 1, "考勤结果")]
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


def _at(value: Any) -> dt.datetime:
    return pd.Timestamp(value).to_pydatetime()


def program_exports(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the exports DingTalk would have produced for a program whose true records are
    `tables` (zh labels): one file of every kind, with an unknown visitor and an ambiguous name."""
    folder.mkdir(parents=True, exist_ok=True)
    people = {r["student_id"]: r for r in cast(list[dict[str, Any]], tables["enrollment"].to_dict("records"))}
    sessions = tables["sessions"].set_index("session_id")
    truth = tables["attendance"]
    by_session = {sid: rows for sid, rows in truth.groupby("session_id")}
    written: list[Path] = []

    def start(sid: str) -> dt.datetime:
        return dt.datetime.combine(cast(pd.Timestamp, sessions.loc[sid, "date"]).date(),
                                   cast(dt.time, sessions.loc[sid, "start"]))

    def end(sid: str) -> dt.datetime:
        return dt.datetime.combine(cast(pd.Timestamp, sessions.loc[sid, "date"]).date(),
                                   cast(dt.time, sessions.loc[sid, "end"]))

    def attended(sid: str) -> pd.DataFrame:
        rows = by_session.get(sid, truth.iloc[0:0])
        return rows[rows["status"].isin(["出勤", "迟到"])]

    # 原始记录 for C01: a check-in per attendee, a check-out for most, a visitor and a name shared by two.
    punches: list[Punch] = []
    for row in attended("C01").itertuples():
        checkin = _at(row.checkin_at)
        punches.append((people[row.student_id], checkin, start("C01"), "迟到" if checkin > start("C01") else "正常"))
        if int(cast(str, row.student_id)[1:]) % 3:
            punches.append((people[row.student_id], end("C01") + dt.timedelta(minutes=3), end("C01"), "正常"))
    visitor = {"name": "访客-王先生", "department": "外部", "dingtalk_userid": "", "employee_no": ""}
    punches.append((visitor, start("C01") - dt.timedelta(minutes=10)))
    twin = people.get("S0067")
    if twin is not None:
        punches.append(({**twin, "dingtalk_userid": "", "employee_no": ""}, start("C01") - dt.timedelta(minutes=4)))
    d0 = cast(pd.Timestamp, sessions.loc["C01", "date"]).date()
    written.append(punch_records(folder / "考勤报表_原始记录_20261102-20261108.xlsx", punches, d0,
                                 d0 + dt.timedelta(days=6)))

    # 打卡时间 grid for the two group sessions C03 / C04 (two weeks, weekends as 六/日).
    cells: dict[tuple[str, int], str] = {}
    for sid in ("C03", "C04"):
        for row in attended(sid).itertuples():
            checkin = _at(row.checkin_at)
            cells[(cast(str, row.student_id), checkin.day)] = f"{checkin:%H:%M}\n{end(sid) + dt.timedelta(minutes=2):%H:%M}"
    grid_start = d0 - dt.timedelta(days=1)
    written.append(punch_grid(folder / "考勤报表_打卡时间_20261101-20261114.xlsx", list(people.values()), cells,
                              grid_start, grid_start + dt.timedelta(days=13)))

    # 每日统计 for C07.
    entries = []
    day7 = cast(pd.Timestamp, sessions.loc["C07", "date"]).date()
    for row in by_session.get("C07", truth.iloc[0:0]).itertuples():
        if row.status in ("出勤", "迟到"):
            checkin = _at(row.checkin_at)
            entries.append((people[row.student_id], day7, f"{checkin:%H:%M}", "迟到" if row.status == "迟到" else "正常",
                            f"{end('C07') + dt.timedelta(minutes=5):%H:%M}", "正常"))
        elif row.status == "缺勤":
            entries.append((people[row.student_id], day7, "", "缺卡", "", "缺卡"))
    written.append(daily_stats(folder / "考勤报表_每日统计_20261118.xlsx", entries, day7, day7))

    # 月度汇总 and 签到 for the hybrid session C06.
    day6 = cast(pd.Timestamp, sessions.loc["C06", "date"]).date()
    words = {"出勤": "正常", "迟到": "上班迟到15分钟", "缺勤": "旷工", "请假": "事假 1天"}
    month_cells = {(cast(str, r.student_id), day6.day): words[cast(str, r.status)]
                   for r in by_session.get("C06", truth.iloc[0:0]).itertuples()}
    written.append(monthly_summary(folder / "考勤报表_月度汇总_20261101-20261130.xlsx", list(people.values()),
                                   month_cells, dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    signins = [["签到报表  统计日期：2026-11-16 至 2026-11-16"], ["报表生成时间：2026-11-16 18:00"],
               ["姓名", "部门", "完整部门", "日期", "时间", "经度", "纬度", "地点", "详细地址", "手机标识"]]
    for row in attended("C06").itertuples():
        person = people[row.student_id]
        checkin = _at(row.checkin_at)
        signins.append([person["name"], person["department"], f"星河科技-{person['department']}", f"{checkin:%Y-%m-%d}",
                        f"{checkin:%H:%M}", "120.1", "30.2", "总部", "总部 3 楼培训室", "iPhone"])
    signin = folder / "钉钉签到报表 20261116.csv"
    signin.write_bytes(b"\xef\xbb\xbf" + csv_bytes(signins, "utf-8"))
    written.append(signin)

    # 直播数据 for the online sessions C02 and C05 (UTF-16 tab-separated, parents' accounts too).
    for sid in ("C02", "C05"):
        viewers = []
        for row in by_session.get(sid, truth.iloc[0:0]).itertuples():
            watched = float(cast(float | None, row.watch_minutes) or 0)
            name = people[row.student_id]["name"]
            if int(cast(str, row.student_id)[1:]) % 10 == 2:
                name = f"{name}妈妈(家长)"
            if watched < 1:
                viewers.append((name, "", "未参与", "未参与"))
            else:
                live = max(watched - 6, 0)
                viewers.append((name, "", _clock(live), _clock(watched - live)))
        title_text = cast(str, sessions.loc[sid, "title"])
        written.append(live_tsv(folder / f"{cast(pd.Timestamp, sessions.loc[sid, 'date']):%m.%d}{title_text}.csv", title_text,
                                f"{start(sid):%Y/%-m/%-d %-H:%M}", viewers))

    # 视频会议 for C08.
    meeting = [["会议主题", "参会人", "部门", "入会时间", "离会时间", "参会时长"]]
    for row in by_session.get("C08", truth.iloc[0:0]).itertuples():
        watched = float(cast(float | None, row.watch_minutes) or 0)
        if watched >= 1:
            joined = start("C08") + dt.timedelta(minutes=2)
            person = people[row.student_id]
            meeting.append([cast(str, sessions.loc["C08", "title"]), person["name"], person["department"],
                            f"{joined:%Y-%m-%d %H:%M:%S}", f"{joined + dt.timedelta(minutes=watched):%Y-%m-%d %H:%M:%S}",
                            f"{int(watched) // 60}小时{int(watched) % 60}分" if watched >= 60 else f"{int(watched)}分钟"])
    written.append(xlsx(folder / "视频会议_参会人员.xlsx", {"参会人员": meeting}))

    # 请假 records for every excused absence.
    leave: list[list[Any]] = [["姓名", "部门", "假期类型", "请假时间", "请假时长(小时)", "关联审批单", "审批单状态"]]
    for row in truth[truth["status"] == "请假"].itertuples():
        person = people[row.student_id]
        leave.append([person["name"], person["department"], "病假", f"{start(cast(str, row.session_id)):%Y-%m-%d %H:%M} 至 "
                      f"{end(cast(str, row.session_id)):%Y-%m-%d %H:%M}", 2, "PROC-2026", "审批通过"])
    written.append(xlsx(folder / "请假记录.xlsx", {"请假记录": leave}))
    written.extend(_other_exports(tables, people, folder))
    return written


def _clock(minutes: float) -> str:
    seconds = int(round(minutes * 60))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _other_exports(tables: dict[str, pd.DataFrame], people: dict[str, dict[str, Any]], folder: Path) -> list[Path]:
    """Enrollment form, exam, homework and questionnaire exports."""
    existing = next(iter(people.values()))
    form: list[list[Any]] = [["新员工培训报名表 导出时间：2026-10-20 18:00"],
            ["提交人", "提交时间", "部门", "是否填写", "姓名", "手机号", "邮箱", "岗位", "学习目标"],
            ["周小川", "2026/10/19 9:30", "研发中心", "已填写", "周小川", "139 1234 5678", "zhou.xc@example.com",
             "后端工程师", "尽快熟悉业务"],
            ["欧阳娜娜", "2026/10/19 10:02", "销售部", "已填写", "欧阳娜娜", "+86 136-0000-1122", "", "销售代表", ""],
            ["司马光", "2026/10/19 11:45", "客户成功部", "已填写", "司马光", "13700002233", "", "实施顾问",
             "=HYPERLINK(\"http://example.com\",\"点我\")"],
            [existing["name"], "2026/10/19 12:00", existing["department"], "已填写", existing["name"],
             existing["mobile"], existing["email"], "", ""]]
    enrollment = folder / "智能填表_新员工培训报名.csv"
    enrollment.write_bytes(csv_bytes(form, "gbk"))
    exam: list[list[Any]] = [["Name", "Department", "Exam Name", "Score", "Submitted At", "Time Used"]]
    for row in tables["scores"].itertuples():
        person = people.get(cast(str, row.student_id), {"name": row.name, "department": "研发中心"})
        exam.append([person["name"], person["department"], "期中测验", row.score, "2026-11-18 10:30", "25分10秒"])
    homework: list[list[Any]] = [["作业名称", "姓名", "部门", "提交状态", "提交时间", "得分"]]
    titles = tables["tasks"].set_index("task_id")["title"]
    for row in tables["submissions"].itertuples():
        person = people[cast(str, row.student_id)]
        done = row.status != "未提交"
        homework.append([titles[cast(str, row.task_id)], person["name"], person["department"], "已提交" if done else "未提交",
                         f"{pd.Timestamp(cast(pd.Timestamp, row.submitted_at)):%Y-%m-%d %H:%M}" if done else "", row.points])
    survey: list[list[Any]] = [["提交时间", "课程", "总体满意度", "课程内容评分", "讲师评分", "组织安排评分",
                                "推荐意愿(0-10)", "意见建议"]]
    session_titles = tables["sessions"].set_index("session_id")["title"]
    for row in tables["feedback"].itertuples():
        survey.append([f"{pd.Timestamp(cast(pd.Timestamp, row.submitted_at)):%Y-%m-%d %H:%M}",
                       session_titles[cast(str, row.session_id)],
                       row.overall, row.content, row.teacher, row.organization, row.nps, row.comments])
    return [enrollment, xlsx(folder / "考试成绩_期中测验.xlsx", {"成绩": exam}),
            xlsx(folder / "家校本_作业提交.xlsx", {"作业": homework}),
            xlsx(folder / "问卷_课程评价.xlsx", {"问卷": survey})]
