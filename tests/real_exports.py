"""Check trainbook against real DingTalk exports, as docs/real-exports.md records.

Real files are never committed; this reads them from a folder given on the command line
(`python -m tests.real_exports DIR`, DIR holding the files named in docs/real-exports.md) and
prints, per file, what landed against what the file itself says. For each export it builds a
master with one student per person of the file (matched by DingTalk UserId) and one session per
punch pair of the shift the file names (or per day for a grid), merges the file, and compares:

- 每日统计: per punch pair, trainbook's status for that pair's session with DingTalk's own verdict
  on the pair (its two result words, read as `verdict` says);
- 打卡时间: the person-days with punches, against those that landed;
- 月度汇总: per session, the status against the verdict of the same day's 每日统计 pairs;
- 原始记录: punches placed by time alone against the session of the time DingTalk says they were for.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import python_calamine

import trainbook
from trainbook.importers.kinds.daily_stats import SHIFT_SPAN
from trainbook.policy.attendance import word
from trainbook.workbook.engine import Update
from trainbook.workbook.file_engine import FileEngine

STATUS = {"present": "出勤", "late": "迟到", "excused": "请假", "absent": "缺勤", "early_leave": "早退"}


def verdict(on: object, off: object) -> str | None:
    """DingTalk's verdict on a punch pair as a trainbook status (default settings: the check-in
    decides, a missing or early check-out does not count against it): None = not a day to attend."""
    a, b = word(on), word(off)
    a = None if a == "off" else a
    b = None if b == "off" else b
    if a == "ok":
        return "出勤"
    if a == "late":
        return "迟到"
    if a == "excused":
        return "请假"
    if a in ("missing", "absent"):
        return "请假" if b == "excused" else "缺勤"
    if a is None and b == "ok":
        return "出勤"
    if b == "excused":
        return "请假"
    return "缺勤" if b is not None else None


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        book.close()


def header_at(rows: list[list[object]]) -> int:
    return next(i for i, r in enumerate(rows[:10]) if "姓名" in [str(c).strip() for c in r])


def people(rows: list[list[object]]) -> pd.DataFrame:
    """One student per person of an export (by UserId, else name)."""
    h = header_at(rows)
    header = [str(c).strip() for c in rows[h]]
    name, userid = header.index("姓名"), header.index("UserId")
    seen: dict[str, str] = {}
    for r in rows[h + 1:]:
        if str(r[name]).strip() and str(r[userid]).strip():
            seen.setdefault(str(r[userid]).strip(), str(r[name]).strip())
    return pd.DataFrame([{"student_id": f"S{i:04d}", "name": n, "dingtalk_userid": u, "mobile": None,
                          "department": "测试", "review_status": "已通过", "status": "在读"}
                         for i, (u, n) in enumerate(seen.items(), start=1)])


def period(rows: list[list[object]]) -> tuple[dt.date, dt.date]:
    m = re.search(r"(\d{4}-\d{2}-\d{2})\s*至\s*(\d{4}-\d{2}-\d{2})", str(rows[0][0]))
    assert m, rows[0][0]
    return dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))


def sessions(first: dt.date, last: dt.date, spans: Iterable[tuple[str, str, bool]]) -> pd.DataFrame:
    out, spans = [], list(spans)
    day = first
    while day <= last:
        for start, _, end in spans:
            out.append({"session_id": f"C{len(out) + 1:04d}", "title": f"{day} {start}", "date": pd.Timestamp(day),
                        "start": start, "end": end, "mode": "线下", "required": "是"})
        day += dt.timedelta(days=1)
    return pd.DataFrame(out)


def master(folder: Path, name: str, students: pd.DataFrame, plan: pd.DataFrame) -> Path:
    """A program of these students and sessions, whose grace minutes are DingTalk's own (none):
    the check compares like with like."""
    path = trainbook.init(folder / f"{name}.xlsx")
    engine = FileEngine(path)
    book = engine.read()
    settings = book.frame("settings").copy()
    for key in ("late_grace_minutes", "early_leave_grace_minutes"):
        settings.loc[settings["key"] == key, "value"] = 0
    engine.write(book, Update(tables={"enrollment": students, "sessions": plan, "settings": settings}))
    return path


def session_for(plan: pd.DataFrame, day: dt.date, start: str, end: str, overnight: bool) -> str | None:
    """The session of `day` that the span start–end overlaps most (None: none overlaps)."""
    lo = pd.Timestamp(f"{day} {start}")
    hi = pd.Timestamp(f"{day} {end}") + pd.Timedelta(days=1 if overnight or end < start else 0)
    today = plan[plan["date"] == pd.Timestamp(day)]
    s = today["date"] + pd.to_timedelta(today["start"] + ":00")
    e = today["date"] + pd.to_timedelta(today["end"] + ":00")
    overlap = (e.clip(upper=hi) - s.clip(lower=lo)).dt.total_seconds()
    return str(today.loc[overlap.idxmax(), "session_id"]) if len(today) and overlap.max() > 0 else None


def landed(book: Path) -> pd.DataFrame:
    return trainbook.read(book).frame("attendance")


Verdicts = dict[tuple[str, str], str]


def check_daily(path: Path, sheet: str, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, Verdicts]:
    """The per-pair check; returns the students, the sessions and DingTalk's verdict per
    (student, session) for the other sheets of the same export to be held against."""
    rows = sheet_rows(path, sheet)
    h = header_at(rows)
    header = [str(c).strip() for c in rows[h]]
    second = [str(c).strip() for c in rows[h + 1]]
    two_rows = "打卡时间" in second
    columns = {}
    for i, text in enumerate(header):
        if m := re.fullmatch(r"(上班|下班)(\d)(打卡时间|打卡结果)?", text):
            what = m.group(3) or second[i]
            columns[(m.group(1), int(m.group(2)), what)] = i
            if not m.group(3):
                columns[(m.group(1), int(m.group(2)), second[i + 1])] = i + 1
    data = rows[h + 2 if two_rows else h + 1:]
    shift_col = header.index("班次")
    shift = Counter(str(r[shift_col]) for r in data if SHIFT_SPAN.search(str(r[shift_col]))).most_common(1)[0][0]
    spans = SHIFT_SPAN.findall(shift)
    first, last = period(rows)
    students = people(rows)
    plan = sessions(first, last, spans)
    book = master(folder, f"daily-{path.stem}", students, plan)
    [result] = trainbook.merge(book, path, kind="daily_stats", force=True)
    got = landed(book)
    status = {(s, c): v for s, c, v in zip(got["student_id"], got["session_id"], got["status"])}
    sid = dict(zip(students["dingtalk_userid"], students["student_id"]))
    generated = re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})", str(rows[1][0]))
    made = pd.Timestamp(generated.group(1)) if generated else None
    userid, date_col = header.index("UserId"), header.index("日期")
    agree, total, after, elsewhere, differ = 0, 0, 0, 0, Counter()
    verdicts: Verdicts = {}
    examples: dict[tuple[str, str], str] = {}
    for r in data:
        student = sid.get(str(r[userid]).strip())
        if student is None:
            continue
        day = pd.Timestamp("20" + str(r[date_col])[:8]).date()
        own = SHIFT_SPAN.findall(str(r[shift_col]))
        for n in range(1, len(own) + 1):
            on, off = r[columns[("上班", n, "打卡结果")]], r[columns[("下班", n, "打卡结果")]]
            expected = verdict(on, off)
            if expected is None:
                continue
            session = session_for(plan, day, own[n - 1][0], own[n - 1][2], bool(own[n - 1][1]))
            if session is None:
                elsewhere += 1
                continue
            end = plan.set_index("session_id").loc[session]
            end = pd.Timestamp(f"{end['date']:%Y-%m-%d} {end['end']}")
            if made is not None and end > made:
                after += 1
                assert (student, session) not in status, "a session not over at export time took evidence"
                continue
            total += 1
            verdicts[(student, session)] = expected
            have = status.get((student, session), "缺勤")  # no record at a recorded session is 缺勤
            if have == expected:
                agree += 1
            else:
                key = (f"{on}/{off}", f"{expected}→{have}")
                differ[key] += 1
                t_on, t_off = r[columns[("上班", n, "打卡时间")]], r[columns[("下班", n, "打卡时间")]]
                examples.setdefault(key, f"{day} pair {n} {own[n - 1][0]}-{own[n - 1][2]}: times {t_on}/{t_off}")
    print(f"  每日统计 {path.name}/{sheet}: {result.summary()}")
    print(f"    per-pair verdicts agreeing with DingTalk's own: {agree}/{total} = {agree / max(total, 1):.1%}; "
          f"pairs after 报表生成时间 left unrecorded: {after}; pairs of a shift no session overlaps: {elsewhere}")
    for (words, change), n in differ.most_common():
        print(f"    differs {n}× where DingTalk says {words} ({change}), e.g. {examples[(words, change)]}")
    return students, plan, verdicts


def pristine(path: Path) -> bool:
    """Whether a workbook is as DingTalk wrote it (Apache POI, never saved again)."""
    with zipfile.ZipFile(path) as zf:
        core = zf.read("docProps/core.xml").decode() if "docProps/core.xml" in zf.namelist() else ""
        app = zf.read("docProps/app.xml").decode() if "docProps/app.xml" in zf.namelist() else ""
    return "modified" not in core and "Microsoft" not in app


def check_against_daily(path: Path, kind: str, folder: Path, students: pd.DataFrame, plan: pd.DataFrame,
                        verdicts: Verdicts) -> None:
    """Merge one other sheet of the export alone and hold its statuses against the 每日统计 verdicts."""
    book = master(folder, f"{kind}-{path.stem}", students, plan)
    results = trainbook.merge(book, path, kind=kind, force=True)
    got = landed(book)
    status = {(s, c): v for s, c, v in zip(got["student_id"], got["session_id"], got["status"])}
    agree = sum(status.get(key, "缺勤") == v for key, v in verdicts.items())
    differ = Counter(f"{v}→{status.get(key, '缺勤')}" for key, v in verdicts.items() if status.get(key, "缺勤") != v)
    if os.environ.get("SHOW"):
        for key, v in verdicts.items():
            if status.get(key, "缺勤") != v:
                row = got[(got["student_id"] == key[0]) & (got["session_id"] == key[1])]
                who = students.set_index("student_id").loc[key[0], "name"]
                print("     ", who, key, v, status.get(key), row[["checkin_at", "checkout_at", "note"]].to_dict("records"))
    print(f"  {kind} {path.name}: " + " | ".join(r.summary() for r in results))
    print(f"    statuses agreeing with the same export's 每日统计 verdicts: {agree}/{len(verdicts)} = "
          f"{agree / max(len(verdicts), 1):.1%}" + (f"; differ: {dict(differ.most_common(6))}" if differ else ""))


def check_grid(path: Path, sheet: str, folder: Path, start: str = "08:30", end: str = "17:30") -> None:
    rows = sheet_rows(path, sheet)
    h = header_at(rows)
    two_rows = not any(str(c).strip().isdigit() for c in rows[h])
    data = rows[h + 2 if two_rows else h + 1:]
    first, last = period(rows)
    students = people(rows)
    plan = sessions(first, last, [(start, "", end)])
    book = master(folder, f"grid-{path.stem}", students, plan)
    results = trainbook.merge(book, path, kind="punch_grid", force=True)
    got = landed(book)
    header = [str(c).strip() for c in rows[h]]
    userid = header.index("UserId")
    day_cells = len(header) - 6 if "职位" in header else None
    sid = dict(zip(students["dingtalk_userid"], students["student_id"]))
    session_of = dict(zip(plan["date"].dt.date, plan["session_id"]))
    have = set(zip(got["student_id"], got["session_id"]))
    generated = re.search(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})", str(rows[1][0]))
    made = pd.Timestamp(generated.group(1)) if generated else pd.Timestamp.max
    punch_days, landed_days, not_over, missed = 0, 0, 0, []
    for r in data:
        student = sid.get(str(r[userid]).strip())
        for offset, cell in enumerate(r[6:6 + (day_cells or 0)]):
            if student and re.search(r"\d{1,2}:\d{2}", str(cell)):
                punch_days += 1
                day = first + dt.timedelta(days=offset)
                if pd.Timestamp(f"{day} {end}") > made:
                    not_over += 1
                    assert (student, session_of[day]) not in have, "a session not over at export time took evidence"
                elif (student, session_of[day]) in have:
                    landed_days += 1
                else:
                    missed.append(f"{day} {str(cell)!r}")
    print(f"  打卡时间 {path.name}/{sheet}: " + " | ".join(r.summary() for r in results))
    counted = punch_days - not_over
    print(f"    person-days with punches landed: {landed_days}/{counted} = {landed_days / max(counted, 1):.1%}"
          f" (and {not_over} of a session not over at 报表生成时间, left unrecorded)"
          + (f"; not: {missed[:5]}" if missed else ""))


def check_live(folder: Path, work: Path) -> None:
    """Three 2020 直播数据 files of a primary-school class and the summary its publisher made (the
    longest 观看总时长 of the accounts named after each child, per lesson): watch minutes per
    (student, lesson)."""
    roster = [r[1] for r in sheet_rows(folder / "五5名单新.xlsx", "Sheet1")[3:] if str(r[1]).strip()]
    students = pd.DataFrame([{"student_id": f"S{i:04d}", "name": n, "mobile": None, "department": "五5",
                              "review_status": "已通过", "status": "在读"} for i, n in enumerate(roster, start=1)])
    lessons = [("2.28音乐课", "2020-02-27", "13:30"), ("3.2体育课", "2020-03-03", "14:20"), ("3.3体育课", "2020-03-03", "15:20")]
    plan = pd.DataFrame([{"session_id": f"C{i:02d}", "title": t, "date": pd.Timestamp(d), "start": s, "end": s[:1] + str(
        int(s[1]) + 1) + s[2:], "mode": "线上", "required": "是"} for i, (t, d, s) in enumerate(lessons, start=1)])
    book = master(work, "live", students, plan)
    results = trainbook.merge(book, *[folder / f"{t}.csv" for t, _, _ in lessons])
    got = landed(book)
    minutes = {(s, c): float(m) for s, c, m in zip(got["student_id"], got["session_id"], got["watch_minutes"])}
    sid = dict(zip(students["name"], students["student_id"]))
    summary = sheet_rows(folder / "直播数据汇总统计.xls", "Sheet1")[3:]
    agree, total = 0, 0
    for row in summary:
        if str(row[0]).strip() not in sid:
            continue
        for n, cell in enumerate(row[1:4], start=1):
            h, m, sec = (int(x) for x in str(cell).split(":")) if ":" in str(cell) else (0, 0, 0)
            want = h * 60 + m + sec / 60
            have = minutes.get((sid[str(row[0]).strip()], f"C{n:02d}"), 0.0)
            total += 1
            agree += abs(have - want) <= 0.1
    for r in results:
        print(f"  {r.summary()}")
    print(f"    watch minutes agreeing with the publisher's summary: {agree}/{total}")


def main(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        if (folder / "直播数据汇总统计.xls").exists():
            print("bjc5233/py-dingding-live-statistics")
            check_live(folder, work)
            return
        for path in sorted(folder.rglob("*.xls*")):
            names = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
            print(path.relative_to(folder))
            titles = {sheet: str(sheet_rows(path, sheet)[0][0]) for sheet in names}
            daily = next((sheet for sheet, title in titles.items() if title.startswith(("每日统计", "每日汇总"))), None)
            checked = check_daily(path, daily, work) if daily else None
            for sheet, title in titles.items():
                if title.startswith("打卡时间"):
                    check_grid(path, sheet, work)
                    if checked:
                        check_against_daily(path, "punch_grid", work, *checked)
                elif checked and title.startswith("原始记录"):
                    check_against_daily(path, "punch_records", work, *checked)
                elif checked and title.startswith("月度汇总"):  # a re-saved file's may be edited by hand
                    print(f"    ({'as DingTalk wrote it' if pristine(path) else 're-saved by its publisher'})")
                    check_against_daily(path, "monthly_summary", work, *checked)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
