"""Who is this row? userid → employee number → mobile → name + department → unique name → aliases,
with DingTalk's name decorations and 家校 parent accounts understood. Never a guess."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from trainbook import values
from trainbook.i18n import person
from trainbook.workbook.master import Master

SUFFIX = re.compile(r"[(（][^()（）\"'=,:/\\]*[)）]$")  # (离职), （语文老师）; not a formula's arguments
KIN = ("妈妈", "爸爸", "奶奶", "爷爷", "外婆", "外公", "姥姥", "姥爷", "姐姐", "哥哥", "阿姨", "叔叔",
       "家长", "妈", "爸")
PARENT_MARK = ("(家长)", "（家长）")
STAFF = re.compile(r"[(（][^()（）]*(老师|教师|班主任|校长|讲师|助教|管理员)[)）]$")  # X(语文老师), Y（班主任）
IDENTITY = ("userid", "employee_no", "mobile", "name", "department")
# what DingTalk itself adds to a name: (离职), (家长), a teacher's role — anything else someone typed
MARK = re.compile(r"[(（](?:已?离职|家长|[^()（）]*(?:老师|教师|班主任|校长|讲师|助教|管理员))[)）]$")
CJK = re.compile(r"[\u3400-\u9fff]")
OWN = ("userid", "employee_no")  # the organisation's own identifiers: a row that differs in one is someone else
NO_VALUE = {"无", "暂无", "未设置", "-", "--", "—", "/", "n/a", "none", "null"}  # an empty cell, as exports write it
PASSED_OVER = {"not-in-program": "skip-other-class", "staff": "skip-staff"}  # nothing to review: why skipped


def clean_name(raw: object) -> str:
    """'张三 (离职)' → '张三': NFKC, no spaces, no bracketed role suffixes."""
    text = "".join(unicodedata.normalize("NFKC", str(raw or "")).split())
    while (stripped := SUFFIX.sub("", text)) != text and stripped:
        text = stripped
    return text


def person_name(raw: object) -> str:
    """'张三 (离职)' → '张三': NFKC, no spaces, without the marks DingTalk adds; '王芳（实习）' keeps
    what a person typed, so it is never silently taken for 王芳."""
    text = "".join(unicodedata.normalize("NFKC", str(raw or "")).split())
    while (stripped := MARK.sub("", text)) != text and stripped:
        text = stripped
    return text


def qualified(name: str, department: str) -> str:
    """A name with its department, as the alias that tells one of several namesakes apart: 张三（销售部）."""
    return f"{name}（{department}）"


def _account(value: object) -> str:
    """An account as two files may both write it: 0012 and 12 (a spreadsheet drops the zeros), U01 and u01."""
    return str(value).casefold().lstrip("0")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def children_named(raw: object) -> list[str]:
    """The children a parent account is named after: '致远爸爸/米拉爸爸(家长)' → ['致远', '米拉']."""
    text = "".join(unicodedata.normalize("NFKC", str(raw or "")).split())
    if not (text.endswith(PARENT_MARK) or any(clean_name(text).endswith(k) for k in KIN[:-3])):
        return []
    names = []
    for part in clean_name(text).split("/"):
        for kin in KIN:
            if part.endswith(kin) and len(part) > len(kin):
                names.append(part[: -len(kin)])
                break
    return names


def _department_matches(student_dept: str, export_dept: str) -> bool:
    if not student_dept or not export_dept:
        return False
    segments = re.split(r"[-/／>|]", export_dept)
    return student_dept in segments or student_dept in export_dept or export_dept in student_dept


@dataclass
class Match:
    student_ids: list[str]
    via: str  # userid, employee_no, mobile, name+department, name, alias, parent, decorated, conflict
    candidates: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.student_ids)


class Roster:
    """The students of a master, indexed every way an export can name them."""

    def __init__(self, master: Master) -> None:
        enrollment = master.frame("enrollment")
        ids = values.text(enrollment["student_id"]) if "student_id" in enrollment else pd.Series(dtype=object)
        self.by_key: dict[str, dict[str, list[str]]] = {k: defaultdict(list) for k in
                                                       ("userid", "employee_no", "mobile", "name", "given")}
        self.label: dict[str, str] = {}
        self.department: dict[str, str] = {}
        self.accounts: dict[str, dict[str, str]] = defaultdict(dict)  # a student's OWN identifiers
        columns = {"userid": "dingtalk_userid", "employee_no": "employee_no", "mobile": "mobile"}
        for key, column in columns.items():
            if column in enrollment:
                parsed = values.mobile(enrollment[column]) if key == "mobile" else values.text(enrollment[column])
                for student, value in zip(ids, parsed):
                    if student and value:
                        self.by_key[key][str(value)].append(student)
                        if key in OWN:
                            self.accounts[student][key] = str(value)
        names = values.text(enrollment["name"]) if "name" in enrollment else pd.Series(None, index=ids.index)
        departments = (values.text(enrollment["department"]) if "department" in enrollment
                       else pd.Series(None, index=ids.index))
        for student, name, dept in zip(ids, names, departments):
            if not student:
                continue
            clean = person_name(name)
            self.department[student] = clean_name(dept) if dept else ""
            self.label[student] = person(student, name, dept, master.lang)
            if clean:
                self.by_key["name"][clean].append(student)
                if len(clean) >= 3:
                    self.by_key["given"][clean[1:]].append(student)
        self.aliases: dict[str, str] = {}
        aliases = master.frame("aliases")
        if {"alias", "student_id"} <= set(aliases.columns):
            for alias, student in zip(values.text(aliases["alias"]), values.text(aliases["student_id"])):
                if alias and student:
                    self.aliases[_key(alias)] = student

    def match(self, userid: object, employee_no: object, mobile: object, name: object,
              department: object) -> Match:
        """Match one identity; an empty Match carries the candidates a coordinator chooses from."""
        for key, value in (("userid", userid), ("employee_no", employee_no), ("mobile", mobile)):
            found = self.by_key[key].get(str(value)) if value else None
            if found and len(set(found)) == 1:
                return Match([found[0]], key)
        for value in (userid, employee_no):  # an account a coordinator has said is this student
            if value and str(value) in self.aliases:
                return Match([self.aliases[str(value)]], "alias")
        raw = "".join(unicodedata.normalize("NFKC", str(name or "")).split())
        clean = person_name(name)
        named = list(dict.fromkeys(self.by_key["name"].get(clean, [])))
        dept = clean_name(department) if department else ""
        given = dict(zip(OWN, (userid, employee_no)))
        candidates = [s for s in named if not self._contradicts(s, given)]
        if candidates and dept:
            same_dept = [s for s in candidates if _department_matches(self.department.get(s, ""), dept)]
            if len(same_dept) == 1:
                return Match(same_dept, "name+department")
        if len(candidates) == 1:
            return Match(candidates, "name")
        # a name a coordinator has said is this student (for this department): her word holds
        said = [self.aliases.get(_key(qualified(clean, str(department)))) if named and department else None,
                self.aliases.get(raw), self.aliases.get(clean)]
        for hit in said:
            if hit:
                return Match([hit], "alias")
        children = children_named(name)
        if children and not candidates:
            found_children = []
            for child in children:  # a child not in the program (a sibling in another class) is passed over
                child_ids = list(dict.fromkeys(self.by_key["name"].get(child, []) or
                                               self.by_key["given"].get(child, [])))
                if len(child_ids) > 1:
                    return Match([], "parent", [self.label[s] for s in child_ids])
                found_children += child_ids
            return Match(found_children, "parent") if found_children else Match([], "not-in-program")
        if not candidates and STAFF.search(raw):  # a teacher watching the class, not a student
            return Match([], "staff")
        if len(named) == 1 and not candidates:  # the name is a student's, but the row's own account is not
            return Match([], "conflict", [self.label[s] for s in named])
        if not candidates and (decorated := self._decorated(clean)):
            return Match([], "decorated", [self.label[s] for s in decorated])
        return Match([], "name", [self.label[s] for s in named])

    def namesakes(self, name: object, department: object) -> int:
        """How many students have this name and a department that matches this one."""
        dept = clean_name(department)
        return sum(_department_matches(self.department.get(s, ""), dept)
                   for s in set(self.by_key["name"].get(person_name(name), [])))

    def _contradicts(self, student: str, given: dict[str, object]) -> bool:
        """Whether the row's own DingTalk userid or employee number differs from the student's (a
        namesake elsewhere in the organisation). A department or a mobile may change, and files
        write departments many ways: neither makes a namesake on its own."""
        own = self.accounts.get(student, {})
        return any(value and own.get(key) and _account(own[key]) != _account(value) for key, value in given.items())

    def _decorated(self, name: str) -> list[str]:
        """Students whose name this one is with something added that is not part of a Chinese
        name (李珺琪yuki, 何沅政DZ250027, 张伟-销售, 王芳（实习）): candidates, never a match."""
        found: list[str] = []
        for cut in range(len(name) - 1, 1, -1):
            if not CJK.match(name[cut]) and (hits := self.by_key["name"].get(name[:cut])):
                found += [s for s in hits if s not in found]
        return found


def match_rows(roster: Roster, evidence: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match every evidence row. Returns (matched: evidence rows with `student_id`, one row per
    student a row counts for) and (unmatched: rows with `candidates` and `reason`: unknown,
    ambiguous, or one of PASSED_OVER: not-in-program for a family account whose children are all in
    other classes, staff for a teacher's account)."""
    frame = evidence.copy()
    for column in IDENTITY:
        if column not in frame:
            frame[column] = None
    frame["mobile"] = values.mobile(frame["mobile"])
    for column in ("userid", "employee_no", "name", "department"):
        frame[column] = values.text(frame[column])
    for column in ("userid", "employee_no", "department"):  # DingTalk writes 无 where there is none
        frame[column] = frame[column].mask(frame[column].str.casefold().isin(NO_VALUE))
    keys = frame[list(IDENTITY)].astype(object).where(frame[list(IDENTITY)].notna(), None)
    unique = keys.drop_duplicates()
    results = {tuple(row): roster.match(*row) for row in unique.itertuples(index=False, name=None)}
    matches = [results[tuple(row)] for row in keys.itertuples(index=False, name=None)]
    frame["student_id"] = [m.student_ids if m.ok else None for m in matches]  # type: ignore[assignment]  # pandas-stubs: no column of lists
    frame["matched_by"] = [m.via for m in matches]
    ok = frame["student_id"].notna()
    unmatched = frame[~ok].copy()
    unmatched["candidates"] = [("、".join(m.candidates)) for m, hit in zip(matches, ok) if not hit]
    unmatched["reason"] = [m.via if m.via in ("decorated", "conflict") else "ambiguous" if m.candidates
                           else m.via if m.via in PASSED_OVER else "unknown" for m, hit in zip(matches, ok) if not hit]
    matched = frame[ok].explode("student_id")
    return matched, unmatched.drop(columns=["student_id"])
