"""Generate synthetic training programs of benchmark size as master workbooks.

    python benchmarks/generate.py large benchmarks/out/large.xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from sizes import SIZES

from trainbook.operations import init
from trainbook.workbook.engine import Update
from trainbook.workbook.file_engine import FileEngine

STATUSES = np.array(["出勤"] * 14 + ["迟到", "早退", "缺勤", "请假"])


def program(students: int, sessions: int, seed: int = 1) -> dict[str, pd.DataFrame]:
    """Input sheets of a program with `students` × `sessions` attendance rows and ~0.1% mistakes."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("S", np.char.zfill(np.arange(1, students + 1).astype(str), 5))
    depts = np.array(["研发中心", "销售部", "客户成功部", "财务部", "人力资源部"])
    surnames, given = np.array(list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧")), np.array(
        list("伟芳娜敏静磊洋婷超杰强军平刚桂英华明丽艳娟霞涛斌波宇浩然涵轩思远一诺嘉琪俊晨"))
    i = rng.permutation(students)
    g = len(given)
    names = np.char.add(np.char.add(surnames[i % 30], given[(i // 30) % g]), given[(i // (30 * g)) % g])
    enrollment = pd.DataFrame({
        "student_id": ids, "name": names,
        "mobile": (13_000_000_000 + rng.permutation(students) * 7919 + 1_000_003).astype(str),
        "email": np.char.add(np.char.lower(ids), "@example.com"),
        "department": rng.choice(depts, students), "review_status": "已通过",
        "group_id": np.where(np.arange(students) % 2, "G01", "G02"), "status": "在读",
        "joined_on": pd.Timestamp("2026-03-02"),
    })
    groups = pd.DataFrame({"group_id": ["G01", "G02"], "name": ["一班", "二班"],
                           "capacity": [students, students]})
    start = pd.Timestamp("2026-03-02")
    sids = [f"C{i:03d}" for i in range(1, sessions + 1)]
    session_frame = pd.DataFrame({
        "session_id": sids, "title": [f"第 {i} 讲" for i in range(1, sessions + 1)],
        "date": [start + pd.Timedelta(days=7 * (i // 2) + 2 * (i % 2)) for i in range(sessions)],
        "start": dt.time(9, 0), "end": dt.time(11, 0), "mode": "线下", "location": "培训室",
        "required": "是",
    })
    n = students * sessions
    session_col = np.repeat(np.array(sids), students)
    dates = np.repeat(session_frame["date"].to_numpy(), students)
    attendance = pd.DataFrame({
        "session_id": session_col, "student_id": np.tile(ids, sessions), "name": np.tile(names, sessions),
        "status": rng.choice(STATUSES, n),
        "checkin_at": pd.to_datetime(dates) + pd.to_timedelta(8 * 60 + 40 + rng.integers(0, 40, n), unit="m"),
        "source": "考勤打卡",
    })
    bad = rng.choice(n, max(1, n // 1000), replace=False)
    attendance.loc[bad[: len(bad) // 2], "status"] = "出席"
    attendance.loc[bad[len(bad) // 2:], "student_id"] = "S99999"
    tasks = max(1, sessions // 5)
    tids = [f"T{i:02d}" for i in range(1, tasks + 1)]
    task_frame = pd.DataFrame({"task_id": tids, "title": [f"作业 {i}" for i in range(1, tasks + 1)],
                               "due_at": [start + pd.Timedelta(days=10 * i) for i in range(tasks)],
                               "required": "是", "max_points": 10})
    submissions = pd.DataFrame({
        "task_id": np.repeat(np.array(tids), students), "student_id": np.tile(ids, tasks),
        "status": rng.choice(np.array(["已提交"] * 8 + ["逾期提交", "未提交"]), tasks * students),
        "points": rng.integers(5, 11, tasks * students),
    })
    assessments = pd.DataFrame({"assessment_id": ["A1", "A2", "A3", "A4"], "title": ["期中", "期末", "实操", "态度"],
                                "dimension": ["知识", "知识", "技能", "态度"], "weight": [0.2, 0.4, 0.3, 0.1],
                                "max_score": 100})
    scores = pd.DataFrame({"assessment_id": np.repeat(np.array(["A1", "A2", "A3", "A4"]), students),
                           "student_id": np.tile(ids, 4), "score": rng.integers(40, 101, 4 * students)})
    responses = n // 5
    feedback = pd.DataFrame({
        "response_id": [f"R{i:07d}" for i in range(1, responses + 1)],
        "session_id": rng.choice(np.array(sids), responses),
        "overall": rng.integers(1, 6, responses), "content": rng.integers(1, 6, responses),
        "nps": rng.integers(0, 11, responses),
    })
    return {"enrollment": enrollment, "groups": groups, "sessions": session_frame,
            "attendance": attendance, "tasks": task_frame, "submissions": submissions,
            "assessments": assessments, "scores": scores, "feedback": feedback}


def generate(size: str, path: Path) -> Path:
    students, sessions = SIZES[size]
    init(path, overwrite=True)
    engine = FileEngine(path)
    engine.write(engine.read(), Update(tables=program(students, sessions)))
    return path


def punch_export(size: str, path: Path, seed: int = 2) -> Path:
    """A 原始记录 export with one punch per student and session of the program of `size`."""
    students, sessions = SIZES[size]
    tables = program(students, sessions)
    rng = np.random.default_rng(seed)
    people = tables["enrollment"]
    starts = (pd.to_datetime(tables["sessions"]["date"]) + pd.Timedelta(hours=9)).to_numpy()
    n = students * sessions
    at = pd.to_datetime(np.repeat(starts, students)) + pd.to_timedelta(rng.integers(-30, 20, n), unit="m")
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("原始记录")
    ws.write_row(0, 0, [f"考勤记录表 统计日期：{at.min():%Y-%m-%d} 至 {at.max():%Y-%m-%d}"])
    ws.write_row(1, 0, ["报表生成时间：2026-06-30 10:00"])
    ws.write_row(2, 0, ["姓名", "考勤组", "部门", "工号", "职位", "UserId", "考勤日期", "考勤时间", "打卡时间", "打卡结果"])
    names = np.tile(people["name"].to_numpy(), sessions)
    depts = np.tile(people["department"].to_numpy(), sessions)
    days = at.strftime("%y-%m-%d")
    stamps = at.strftime("%Y-%m-%d %H:%M")
    for i in range(n):
        ws.write_row(3 + i, 0, [names[i], "培训", depts[i], "", "", "", days[i], "", stamps[i], "正常"])
    wb.close()
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", choices=list(SIZES))
    parser.add_argument("path", type=Path)
    parser.add_argument("--punches", action="store_true", help="write the punch export instead")
    args = parser.parse_args()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    (punch_export if args.punches else generate)(args.size, args.path)
    print(args.path)
