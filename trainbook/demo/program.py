"""The sample program: a realistic training program's records, with a few planted mistakes."""

from __future__ import annotations

import datetime as dt
import random
from typing import cast

import pandas as pd

from trainbook.i18n import Lang, pick
from trainbook.schema.columns import Choice, labels
from trainbook.schema.sheets import ATTENDANCE_STATUS, BY_KEY, SUBMISSION_STATUS

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀英", "霞", "平", "刚", "桂英", "子涵", "浩然", "雨桐", "欣怡", "梓轩", "思远",
         "一诺", "嘉怡", "俊杰", "佳琪", "宇航", "诗涵", "志强", "晓东"]
DEPARTMENTS = ("研发中心", "销售部", "客户成功部")
POSITIONS = {"研发中心": ("后端工程师", "前端工程师", "测试工程师"),
             "销售部": ("客户经理", "销售代表"), "客户成功部": ("实施顾问", "客服专员")}
START = dt.date(2026, 11, 2)


def _label(choices: tuple[Choice, ...], key: str, lang: Lang) -> str:
    return labels(choices, lang)[key]


COMMENTS = {  # what the survey says, five equally likely answers per kind of session: the live sessions
    # stutter, the two 职场沟通 sessions go too fast, the rest is praise and a wish
    "zh": {
        "online": ("", "直播一直卡顿，后半段听不清", "网络太卡了，画面断断续续", "案例很实用，工作中用得上", "讲师讲得很清楚"),
        "C03": ("", "讲得太快了，跟不上", "节奏有点快，希望放慢一点", "案例很实用，工作中用得上", "讲师讲得很清楚"),
        "C04": ("", "讲得太快了，跟不上", "节奏有点快，希望放慢一点", "互动很多，很有意思", "讲师讲得很清楚"),
        "": ("", "", "案例很实用，工作中用得上", "希望多一些练习时间", "讲师讲得很清楚"),
    },
    "en": {
        "online": ("", "The stream kept lagging and the sound dropped in the second half",
                   "Bad network, the video kept freezing", "Practical cases, useful for real work",
                   "The teacher explained everything clearly"),
        "C03": ("", "Far too fast, I could not keep up", "The pace was a bit too fast, please slow down",
                "Practical cases, useful for real work", "The teacher explained everything clearly"),
        "C04": ("", "Far too fast, I could not keep up", "The pace was a bit too fast, please slow down",
                "Lots of discussion, very engaging", "The teacher explained everything clearly"),
        "": ("", "", "Practical cases, useful for real work", "Would like more time for practice",
             "The teacher explained everything clearly"),
    },
}


def sample_program(lang: Lang = "zh", seed: int = 2026) -> dict[str, pd.DataFrame]:
    """The sample program's input sheets, by sheet key (deterministic for a given seed)."""
    rng = random.Random(seed)
    yes, no = pick(lang, ("是", "否"), ("Yes", "No"))
    groups = pd.DataFrame([
        {"group_id": "G01", "name": pick(lang, "一班", "Class 1"), "tutor": "王老师",
         "tutor_mobile": "13900001111", "capacity": 36},
        {"group_id": "G02", "name": pick(lang, "二班", "Class 2"), "tutor": "李老师",
         "tutor_mobile": "13900002222", "capacity": 36},
    ])
    students = []
    names: set[str] = set()
    for n in range(1, 67):
        while (name := rng.choice(SURNAMES) + rng.choice(GIVEN)) in names:
            pass
        names.add(name)
        dept = DEPARTMENTS[(n - 1) % 3]
        late_joiner = n in (64, 65, 66)
        students.append({
            "student_id": f"S{n:04d}", "name": name, "mobile": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            "email": f"s{n:04d}@example.com", "company": "星河科技", "department": dept,
            "position": rng.choice(POSITIONS[dept]), "employee_no": f"E{20000 + n}",
            # the late joiners have no DingTalk account in the organisation yet (their notices go by e-mail)
            "dingtalk_userid": None if late_joiner else f"{rng.randrange(10**15, 10**16)}", "manager": f"{dept[:2]}主管",
            "manager_mobile": f"1390000{3000 + (n - 1) % 3:04d}", "goal": "",
            "enrolled_at": pd.Timestamp(2026, 10, 20, 9) + pd.Timedelta(minutes=37 * n),
            "source": "智能填表", "review_status": _label(BY_KEY["enrollment"].column("review_status").choices,
                                                      "approved", lang),
            "group_id": "G01" if n % 2 else "G02",
            "status": _label(BY_KEY["enrollment"].column("status").choices, "active", lang),
            "joined_on": pd.Timestamp(START + dt.timedelta(days=14 if late_joiner else 0)),
        })
    sessions_spec = [
        ("开营仪式与企业文化", 0, "09:00", "11:00", "offline", "", "张总"),
        ("产品知识（一）", 2, "14:00", "16:00", "online", "", "刘工"),
        ("职场沟通", 7, "09:30", "11:30", "offline", "G01", "陈老师"),
        ("职场沟通", 8, "09:30", "11:30", "offline", "G02", "陈老师"),
        ("产品知识（二）", 9, "14:00", "16:00", "online", "", "刘工"),
        ("信息安全与合规", 14, "10:00", "11:30", "hybrid", "", "赵律师"),
        ("客户案例研讨", 16, "14:00", "17:00", "offline", "", "周经理"),
        ("办公工具效率", 21, "19:00", "20:30", "online", "", "吴老师"),
        ("项目实战（一）", 28, "09:00", "12:00", "offline", "", "黄老师"),
        ("项目实战（二）", 35, "09:00", "12:00", "offline", "", "黄老师"),
        ("结业考核与答辩", 44, "09:00", "12:00", "offline", "", "张总"),
    ]
    modes = BY_KEY["sessions"].column("mode").choices
    sessions = pd.DataFrame([{
        "session_id": f"C{i:02d}", "title": title, "date": pd.Timestamp(START + dt.timedelta(days=day)),
        "start": dt.time.fromisoformat(start), "end": dt.time.fromisoformat(end),
        "mode": _label(modes, mode, lang),
        "location": "钉钉直播" if mode == "online" else "总部 3 楼培训室",
        "teacher": teacher, "groups": group, "required": yes,
        "checkin_url": f"https://example.com/checkin/C{i:02d}",
    } for i, (title, day, start, end, mode, group, teacher) in enumerate(sessions_spec, start=1)])
    held = sessions[sessions["date"] < pd.Timestamp(2026, 11, 27)]
    attendance = []
    status_keys = ["present"] * 16 + ["late", "absent", "excused"]
    for _, session in held.iterrows():
        online = _label(modes, "online", lang) == session["mode"]
        for student in students:
            if session["groups"] and student["group_id"] != session["groups"]:
                continue
            if student["joined_on"] > session["date"]:
                continue
            key = rng.choice(status_keys)
            start_at = pd.Timestamp.combine(session["date"].date(), session["start"])
            checkin = None if key in ("absent", "excused") else start_at + pd.Timedelta(
                minutes=rng.randint(12, 30) if key == "late" else rng.randint(-20, 4))
            attendance.append({
                "session_id": session["session_id"], "student_id": student["student_id"],
                "name": student["name"], "status": _label(ATTENDANCE_STATUS, key, lang),
                "checkin_at": None if online else checkin,
                "watch_minutes": (rng.randint(95, 120) if key != "absent" else rng.randint(0, 20))
                if online else None,
                "source": "钉钉直播" if online else "考勤打卡",
                "note": "病假" if key == "excused" else "",
            })
    tasks = pd.DataFrame([
        {"task_id": "T01", "title": "入职心得", "session_id": "C01", "kind": pick(lang, "作业", "Homework"),
         "due_at": pd.Timestamp(2026, 11, 6, 23, 59), "required": yes, "max_points": 10},
        {"task_id": "T02", "title": "产品知识小测", "session_id": "C02", "kind": pick(lang, "测验", "Quiz"),
         "due_at": pd.Timestamp(2026, 11, 13, 23, 59), "required": yes, "max_points": 20},
        {"task_id": "T03", "title": "阅读《信息安全手册》", "session_id": "C06",
         "kind": pick(lang, "阅读", "Reading"), "due_at": pd.Timestamp(2026, 11, 20, 23, 59),
         "required": no, "max_points": None},
        {"task_id": "T04", "title": "客户案例分析报告", "session_id": "C07",
         "kind": pick(lang, "实践", "Practice"), "due_at": pd.Timestamp(2026, 12, 4, 23, 59),
         "required": yes, "max_points": 30},
    ])
    submissions = []
    for _, task in tasks[tasks["due_at"] < pd.Timestamp(2026, 11, 27)].iterrows():
        for student in students:
            key = rng.choice(["submitted"] * 8 + ["late", "missing"])
            done = key != "missing"
            points = task["max_points"]
            submissions.append({
                "task_id": task["task_id"], "student_id": student["student_id"], "name": student["name"],
                "status": _label(SUBMISSION_STATUS, key, lang),
                "submitted_at": task["due_at"] - pd.Timedelta(hours=rng.randint(1, 72))
                if key == "submitted" else (task["due_at"] + pd.Timedelta(hours=20) if done else None),
                "points": round(points * rng.uniform(0.6, 1.0)) if done and pd.notna(points) else None,
                "source": "家校本",
            })
    dims = BY_KEY["assessments"].column("dimension").choices
    kinds = BY_KEY["assessments"].column("kind").choices
    assessments = pd.DataFrame([
        {"assessment_id": "A01", "title": "期中测验", "dimension": _label(dims, "knowledge", lang),
         "weight": 0.2, "max_score": 50, "pass_score": 30, "kind": _label(kinds, "exam", lang)},
        {"assessment_id": "A02", "title": "期末考试", "dimension": _label(dims, "knowledge", lang),
         "weight": 0.4, "max_score": 100, "pass_score": 60, "kind": _label(kinds, "exam", lang)},
        {"assessment_id": "A03", "title": "项目实操", "dimension": _label(dims, "skill", lang),
         "weight": 0.3, "max_score": 100, "pass_score": 60, "kind": _label(kinds, "assignment", lang)},
        {"assessment_id": "A04", "title": "学习态度评价", "dimension": _label(dims, "attitude", lang),
         "weight": 0.1, "max_score": 10, "pass_score": 6, "kind": _label(kinds, "evaluation", lang)},
    ])
    scores = [{"assessment_id": "A01", "student_id": s["student_id"], "name": s["name"],
               "score": round(rng.uniform(22, 50), 1), "grader": "刘工",
               "graded_at": pd.Timestamp(2026, 11, 18, 17), "source": "钉钉考试"} for s in students]
    feedback: list[dict[str, object]] = []
    for _, session in held.iterrows():
        online = _label(modes, "online", lang) == session["mode"]
        for k in range(rng.randint(6, 12)):
            overall = rng.choice([5, 5, 5, 4, 4, 4, 3])
            feedback.append({
                "response_id": f"R{len(feedback) + 1:04d}", "session_id": session["session_id"],
                "student_id": None, "submitted_at": pd.Timestamp.combine(
                    session["date"].date(), session["end"]) + pd.Timedelta(minutes=10 + 7 * k),
                "overall": overall, "content": min(5, overall + rng.choice([0, 0, 1])),
                "teacher": min(5, overall + rng.choice([0, 1])), "organization": rng.choice([3, 4, 5]),
                "nps": min(10, overall * 2 + rng.choice([-1, 0, 0])),
                "comments": rng.choice(COMMENTS[lang].get(session["session_id"], COMMENTS[lang]["online"] if online
                                                          else COMMENTS[lang][""])),
                "source": "问卷",
            })
    materials = pd.DataFrame([
        {"material_id": "M01", "title": "新员工手册", "session_id": "C01",
         "link": "https://example.com/handbook.pdf", "version": "v3",
         "published_at": pd.Timestamp(2026, 10, 30, 10)},
        {"material_id": "M02", "title": "产品白皮书", "session_id": "C02",
         "link": "https://example.com/product.pdf", "version": "2026.2",
         "published_at": pd.Timestamp(2026, 11, 3, 18)},
        {"material_id": "M03", "title": "信息安全手册", "session_id": "C06",
         "link": "https://example.com/security.pdf", "version": "v1.4",
         "published_at": pd.Timestamp(2026, 11, 15, 9)},
    ])
    aliases = pd.DataFrame([
        {"alias": f"{students[0]['name']}(离职)", "student_id": "S0001", "note": "旧账号"},
        {"alias": f"{students[1]['name']}妈妈(家长)", "student_id": "S0002", "note": "家长代为观看直播"},
    ])
    tables = {
        "enrollment": pd.DataFrame(students), "groups": groups, "sessions": sessions,
        "attendance": pd.DataFrame(attendance), "tasks": tasks, "submissions": pd.DataFrame(submissions),
        "assessments": assessments, "scores": pd.DataFrame(scores), "feedback": pd.DataFrame(feedback),
        "materials": materials, "aliases": aliases,
    }
    _plant_mistakes(tables)
    return tables


def finished_program(lang: Lang = "zh", seed: int = 2027) -> dict[str, pd.DataFrame]:
    """The sample program once it is over: the last sessions attended, the last task handed in and
    every assessment graded — so that some students have earned their certificate."""
    tables = sample_program(lang)
    rng = random.Random(seed)
    students = tables["enrollment"].drop_duplicates("student_id")
    later = tables["sessions"][tables["sessions"]["date"] >= pd.Timestamp(2026, 11, 27)]
    attendance = [{"session_id": session["session_id"], "student_id": student["student_id"], "name": student["name"],
                   "status": _label(ATTENDANCE_STATUS, rng.choice(["present"] * 9 + ["absent"]), lang),
                   "source": "考勤打卡"}
                  for _, session in later.iterrows() for _, student in students.iterrows()]
    due = tables["tasks"][tables["tasks"]["due_at"] >= pd.Timestamp(2026, 11, 27)]
    submissions = [{"task_id": task["task_id"], "student_id": student["student_id"], "name": student["name"],
                    "status": _label(SUBMISSION_STATUS, rng.choice(["submitted"] * 9 + ["missing"]), lang),
                    "source": "家校本"}
                   for _, task in due.iterrows() for _, student in students.iterrows()]
    scores = [{"assessment_id": a["assessment_id"], "student_id": student["student_id"], "name": student["name"],
               "score": round(rng.uniform(0.5, 1.0) * a["max_score"], 1), "grader": "张总",
               "graded_at": pd.Timestamp(2026, 12, 16, 17), "source": "钉钉考试"}
              for _, a in tables["assessments"].iloc[1:].iterrows() for _, student in students.iterrows()]
    for key, rows in (("attendance", attendance), ("submissions", submissions), ("scores", scores)):
        tables[key] = pd.concat([tables[key], pd.DataFrame(rows)], ignore_index=True)
    return tables


def _plant_mistakes(tables: dict[str, pd.DataFrame]) -> None:
    """The kind of slips a real coordinator makes, for validation to find."""
    enrollment = tables["enrollment"]
    enrollment.loc[4, "mobile"] = "1381234567"  # a digit short
    enrollment.loc[9, "email"] = "zhao.qiang@example"  # no domain ending
    twin = cast(pd.Series, enrollment.loc[12]).copy()  # a unique label: one row
    twin["student_id"], twin["email"] = "S0067", ""
    tables["enrollment"] = pd.concat([enrollment, twin.to_frame().T], ignore_index=True)
    attendance = tables["attendance"]
    attendance.loc[7, "status"] = "出席"  # not one of the choices
    tables["attendance"] = pd.concat([attendance, attendance.loc[[3]]], ignore_index=True)
    scores = tables["scores"]
    scores.loc[5, "score"] = 55  # above the maximum of 50
    scores.loc[len(scores)] = {"assessment_id": "A01", "student_id": "S0099", "name": "王小明",
                               "score": 41, "grader": "刘工", "graded_at": pd.Timestamp(2026, 11, 18, 17),
                               "source": "钉钉考试"}
