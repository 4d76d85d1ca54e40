"""反馈分析 and 改进: planted comments give exactly the planted themes and tones; actions only for
the problems, kept with the coordinator's cells across runs; nobody named; tone on a labelled set."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

import trainbook
from trainbook.metrics.comments import TONES, tone
from trainbook.workbook.file_engine import FileEngine

from .conftest import clean_tables, convert, named, write_tables

DATA = Path(__file__).parent / "data"
AS_OF = "2026-11-29"

PLANTED = [  # session, student (None: anonymous), comment, its themes, its tone
    ("C05", None, "直播一直卡顿，后半段听不清", {"设备/网络"}, "negative"),
    ("C05", "S0002", "网络太卡了", {"设备/网络"}, "negative"),
    ("C05", None, "画面断断续续，声音有杂音", {"设备/网络"}, "negative"),
    ("C05", None, "直播经常掉线", {"设备/网络"}, "negative"),
    ("C05", "S0005", "非常实用，收获很大", {"实用性"}, "positive"),
    ("C04", None, "讲得太快了，跟不上", {"节奏/时间"}, "negative"),
    ("C04", "S0004", "节奏有点快，来不及记笔记", {"节奏/时间"}, "negative"),
    ("C04", None, "语速太快了", {"节奏/时间"}, "negative"),
    ("C04", None, "内容实用，工作中用得上", {"内容", "实用性"}, "positive"),
    ("C04", None, "希望增加互动环节", {"互动"}, "suggestion"),
    ("C03", None, "案例很实用", {"内容", "实用性"}, "positive"),
    ("C03", None, "建议提前发放讲义", {"资料"}, "suggestion"),
    ("C03", None, "", set(), None),
    ("C01", "S0001", "老师讲课很生动", {"讲师"}, "positive"),  # C01 has two responses: below min_group_size
    ("C01", None, "无", set(), None),
]


def planted_feedback() -> pd.DataFrame:
    return pd.DataFrame([{"response_id": f"R{i:03d}", "session_id": session, "student_id": student, "overall": 5,
                          "content": 5, "teacher": 5, "organization": 4, "nps": 9, "comments": comment}
                         for i, (session, student, comment, _, _) in enumerate(PLANTED, start=1)])


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = trainbook.init(tmp_path / "program.xlsx")
    return write_tables(path, {**clean_tables(), "feedback": planted_feedback(), "settings": named(path)})


def analysis(path: Path) -> pd.DataFrame:
    return trainbook.read(path).frame("feedback_analysis")


def test_theme_counts_and_tones_are_as_planted(book: Path) -> None:
    trainbook.progress(book, as_of=AS_OF)
    rows = analysis(book)
    themes = rows[rows["scope"] == "主题"].set_index("name")
    expected: dict[str, dict[str, int]] = {}
    for _, _, _, tags, said in PLANTED:
        for theme in tags:
            expected.setdefault(theme, dict.fromkeys(["negative", "suggestion", "positive"], 0))[said or ""] += 1
    assert set(themes.index) == set(expected)
    for theme, counts in expected.items():
        got = themes.loc[theme]
        assert {k: int(got[k]) for k in counts} == counts, theme
        assert int(got["comments"]) == sum(counts.values())
        assert got["negative_share"] == pytest.approx(counts["negative"] / sum(counts.values()))
    comments = rows[rows["scope"] == "评论"]
    said = {c: t for _, _, c, _, t in PLANTED if t}
    labels = {t.key: t.zh for t in TONES}
    assert dict(zip(comments["text"], comments["tone"])) == {c: labels[t] for c, t in said.items()}
    quoted = "\n".join(themes["text"].dropna())
    assert "老师讲课很生动" not in quoted, "a session below min_group_size is never quoted"
    assert set(comments.loc[comments["text"] == "老师讲课很生动", "name"]) == {"其他"}


def test_actions_for_the_problems_only_and_kept_across_runs(book: Path) -> None:
    trainbook.progress(book, as_of=AS_OF)
    actions = trainbook.read(book).frame("actions")
    assert list(actions["action_id"]) == ["主题·设备-网络", "主题·节奏-时间"]
    assert not [i for i in trainbook.validate(book).issues if i.sheet == "actions"], "its own ids pass validation"
    assert list(actions["figures"]) == ["负面 4 条 / 共 4 条", "负面 3 条 / 共 3 条"]
    mine = actions.copy()
    mine["measure"] = ["换有线网络，直播前测速", "请讲师放慢语速"]
    mine["owner"] = ["王老师", "周敏"]
    mine["due"] = [pd.Timestamp("2026-12-05"), pd.Timestamp("2026-12-10")]
    mine["status"] = ["进行中", "待处理"]
    mine["notes"] = ["已联系IT", None]
    write_tables(book, {"actions": mine})
    before = trainbook.read(book).frame("actions")
    trainbook.progress(book, as_of=AS_OF)
    after = trainbook.read(book).frame("actions")
    pd.testing.assert_frame_equal(after, before)

    feedback = trainbook.read(book).frame("feedback").copy()  # the network is fixed: its comments withdrawn
    feedback.loc[feedback["comments"].isin([c for c, t in ((p[2], p[3]) for p in PLANTED) if "设备/网络" in t]),
                 "comments"] = None
    write_tables(book, {"feedback": feedback})
    trainbook.progress(book, as_of="2026-12-01")
    later = trainbook.read(book).frame("actions")
    assert list(later["action_id"]) == ["主题·设备-网络", "主题·节奏-时间"], "a finding that went is noted, not deleted"
    assert list(later["current"]) == ["已不成立（2026-12-01 起）", "仍存在（截至 2026-12-01）"]
    for column in ("measure", "owner", "due", "status", "notes"):
        pd.testing.assert_series_equal(later[column], before[column])
    trainbook.progress(book, as_of="2026-12-03")
    assert trainbook.read(book).frame("actions")["current"].iloc[0] == "已不成立（2026-12-01 起）", "the first day kept"


def test_low_ratings_and_negative_nps_are_findings(book: Path) -> None:
    feedback = planted_feedback()
    feedback.loc[feedback["session_id"] == "C03", ["organization", "nps"]] = [2, 3]
    write_tables(book, {"feedback": feedback})
    trainbook.progress(book, as_of=AS_OF)
    ids = set(trainbook.read(book).frame("actions")["action_id"])
    assert {"课次C03·组织", "课次C03·NPS"} <= ids
    assert not any(i.startswith("课次C05") or i.startswith("课次C04") for i in ids)


def test_anonymous_comments_never_carry_who_wrote_them(book: Path) -> None:
    trainbook.progress(book, as_of=AS_OF)
    people = trainbook.read(book).frame("enrollment")
    texts = "\n".join(str(v) for v in analysis(book).to_numpy().ravel() if v is not None)
    for student_id, name in zip(people["student_id"], people["name"]):
        assert student_id not in texts and name not in texts


def test_the_themes_table_is_hers_to_edit(book: Path) -> None:
    themes = FileEngine(book).read().frame("themes").copy()
    themes.loc[themes["theme"] == "资料", "keywords"] = "资料、讲义、笔记"
    write_tables(book, {"themes": themes})
    trainbook.progress(book, as_of=AS_OF)
    rows = analysis(book)
    assert rows.loc[(rows["scope"] == "评论") & (rows["text"] == "节奏有点快，来不及记笔记"), "themes"].item() == \
        "节奏/时间、资料"


def test_tone_on_a_labelled_set() -> None:
    labels = {"负面": "negative", "建议": "suggestion", "正面": "positive", "": None}
    with (DATA / "comment_tones.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 60
    right = sum(tone(r["comment"]) == labels[r["tone"]] for r in rows)
    share = right / len(rows)
    print(f"tone right for {right} of {len(rows)} labelled comments ({share:.0%})")
    assert share >= 0.85, f"tone right for only {share:.0%}"


@pytest.mark.parametrize("comment, expected", [
    ("讲师回答问题很耐心", "positive"), ("讲师很专业，问题都解决了", "positive"), ("老师选的案例很热门，很受用", "positive"),
    ("重复练习很有用", "positive"), ("解答了我的很多问题", "positive"), ("the late session was great", "positive"),
    ("老师很热情", "positive"), ("出差没能参加全部课程", "suggestion"),
    ("教室很热", "negative"), ("直播老是出问题", "negative"), ("我的问题没有解决", "negative"),
    ("the session ran late", "negative"), ("网络差", "negative"), ("麦克风有问题，后排听着费劲", "negative"),
    ("会议室闷热", "negative"), ("时间比较赶", "negative"), ("The session started 20 minutes late", "negative"),
    ("audio lag throughout", "negative"), ("There was a problem with the mic", "negative"), ("有问题都能得到解答", "positive"),
])
def test_words_that_only_sometimes_complain_do_not_make_praise_negative(comment: str, expected: str) -> None:
    """问题, 热, 重复, 差 and late complain only in some phrases (出问题, 教室很热, 内容重复, 很差, ran late):
    a lone character in praise (问题都解决了, 热门, 出差) must not turn it into a complaint, and so an action."""
    assert tone(comment) == expected


def test_the_dashboard_charts_the_themes_and_libreoffice_draws_it(book: Path, tmp_path: Path, soffice: str) -> None:
    trainbook.progress(book, as_of=AS_OF)
    pdf = convert(soffice, book, "pdf", tmp_path / "lo")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "评论主题（按语气）" in text and "设备/网络" in text
    assert "反馈分析" in python_calamine.CalamineWorkbook.from_path(str(book)).sheet_names
    assert "负面占比" in text and "评论（示例）" in text, "反馈分析 prints"


def test_the_manager_report_shows_themes_and_actions(book: Path, tmp_path: Path) -> None:
    trainbook.progress(book, as_of=AS_OF)
    actions = trainbook.read(book).frame("actions").copy()
    actions["status"] = ["进行中", "已完成"]
    write_tables(book, {"actions": actions})
    run = trainbook.share(book, as_of=AS_OF, out=tmp_path / "report.xlsx")
    sheet = python_calamine.CalamineWorkbook.from_path(str(run.files[0])).get_sheet_by_name("反馈").to_python()
    cells = [[c for c in row if c != ""] for row in sheet]
    assert ["设备/网络", 4, 4, 0, 0, 1] in cells
    assert ["主题 设备/网络", "“设备/网络”方面有 4 条负面评论", "进行中", "仍存在（截至 2026-11-29）"] in cells


def test_an_english_workbook_finds_themes_in_chinese_comments_and_english_ones() -> None:
    from trainbook.metrics.comments import keyword_table, themes
    from trainbook.schema.sheets import first_rows

    table = keyword_table(pd.DataFrame(first_rows("themes", "en")))
    assert themes("网络很卡，声音断断续续", table) == ["Equipment and network"]
    assert themes("The pace was too fast", table) == ["Pace and time"]
