"""One language per workbook and per command line: everything trainbook itself writes or prints for
zh is Chinese and for en English. What people typed or DingTalk exported (names, departments,
titles, file names) is theirs and is left out of the scan, as are identifiers (parameter keys,
finding codes, options, commands)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import python_calamine

from trainbook.cli import main
from trainbook.i18n import message
from trainbook.importers.kinds import KINDS
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.master import identify_sheets

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # ideographs and full-width punctuation
WORD = re.compile(r"[A-Za-z]{2,}")
IDENTIFIER = re.compile(r"https?://[^\s，。；）]+|--?[a-z][\w-]*|[a-z]+(?:[-_][a-z0-9]+)+|\b[A-Z][A-Z_]+\b|\{\w+\}|\S+@\S+"
                        r"|\S+\.(?:xlsx|xlsm|csv|pdf|json|duckdb)\b")
LATIN_IN_ZH = {  # names Chinese coordinators use as they are
    "trainbook", "xlsx", "xlsm", "xls",
    "csv", "json", "text", "zh", "en", "UserId", "NPS", "SHA", "Excel", "WPS", "LibreOffice", "UTF", "ID",
    "DuckDB", "Parquet", "parquet", "SQL",  # where collect writes (its parquet/ folder), and what reads it
    "English",  # the language choice names each language in itself: 中文, English
    "AppKey", "AppSecret", "AgentId",  # what DingTalk's developer console calls an app's credentials
    "SMTP", "starttls", "ssl", "none",  # a mail account's server, and --tls's values
    *(kind.key for kind in KINDS),  # --kind's values
    *main.commands, "add", "list",  # the commands, and robot's
    "department",  # --by's value
}
MACHINE = {("settings", "key"), ("templates", "kind"), ("issues", "code"), ("imports", "sha256"), ("notices", "notice_id"),
           ("review_data", "data")}
PEOPLES = ("name", "department", "title", "teacher", "file", "candidates", "evidence", "note", "location", "comments")


def _run(lang: str, *args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "TRAINBOOK_LANG": lang}
    command = str(Path(sys.executable).with_name("trainbook"))  # the console script, as coordinators run it
    done = subprocess.run([command, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    return done.stdout + done.stderr


@pytest.fixture(scope="module", params=["zh", "en"])
def demo_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path, Path]:
    lang = request.param
    folder = tmp_path_factory.mktemp(f"demo-{lang}")
    output = _run(lang, "demo", "--lang", lang, cwd=folder)
    book = min((folder / "trainbook-demo").glob("*.xlsx"), key=lambda p: len(p.name))  # not the finished copy
    exports = next(p for p in (folder / "trainbook-demo").iterdir() if p.is_dir())
    return lang, output, book, exports


def workbook_texts(book: Path, exports: Path) -> tuple[list[str], set[str]]:
    """(the texts trainbook wrote: headers, labels, messages, charts, drop-downs; the people's data)"""
    workbook = python_calamine.CalamineWorkbook.from_path(str(book))
    found, lang = identify_sheets(workbook.sheet_names)
    key_of = {name: key for key, name in found.items()}
    ours, theirs = list(workbook.sheet_names), {p.name for p in exports.iterdir()} | {p.stem for p in exports.iterdir()}
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheet = BY_KEY.get(key_of.get(name, ""))
        columns = {c.header(lang): c for c in sheet.columns} if sheet else {}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if not isinstance(value, str) or not value.strip():
                    continue
                column = columns.get(rows[0][c]) if r else None
                if column is not None and sheet is not None and (sheet.key, column.key) in MACHINE:
                    continue
                typed = column is not None and sheet is not None and (
                    (sheet.role == "input" and not column.choices) or column.key.startswith("raw_")
                    or column.key in PEOPLES)
                (theirs.add(value) if typed else ours.append(value))
    with zipfile.ZipFile(book) as zf:
        for part in zf.namelist():
            text = zf.read(part).decode(errors="replace") if part.endswith(".xml") else ""
            if part.startswith("xl/charts/"):
                ours += re.findall(r"<a:t>([^<]*)</a:t>", text)
            elif part.startswith("xl/worksheets/"):
                ours += re.findall(r'<formula1>"([^<]*)"</formula1>', text)
    return ours, theirs


def leaks(texts: list[str], theirs: set[str], lang: str) -> list[tuple[str, list[str]]]:
    """The texts that hold words of the other language, once the people's data is taken out."""
    data = sorted((t for t in theirs if len(t) >= 2), key=len, reverse=True)  # the longest first
    values = re.compile(f"(?<![A-Za-z])(?:{'|'.join(map(re.escape, data))})(?![A-Za-z])") if data else None
    found = []
    for text in dict.fromkeys(texts):
        rest = text
        while values is not None and (taken := values.sub(" ", rest)) != rest:  # a value as a whole, not inside a
            rest = taken  # word (fr in --from); again, for a value that only shows once another is out
        rest = IDENTIFIER.sub(" ", rest)
        if lang == "en":
            words = CJK.findall(rest.replace("中文", ""))  # the language choice names Chinese in Chinese
        else:
            words = [w for w in WORD.findall(rest) if w not in LATIN_IN_ZH and not re.fullmatch(r"[a-f0-9]+", w)]
        if words:
            found.append((text[:120], sorted(set(words))))
    return found


def test_the_demo_workbook_speaks_one_language(demo_run: tuple[str, str, Path, Path]) -> None:
    lang, _, book, exports = demo_run
    ours, theirs = workbook_texts(book, exports)
    assert len(ours) > 500, "the scan sees the workbook's texts"
    assert leaks(ours, theirs, lang) == []


def test_the_demo_run_speaks_one_language(demo_run: tuple[str, str, Path, Path]) -> None:
    lang, output, book, exports = demo_run
    _, theirs = workbook_texts(book, exports)
    assert output.count("\n") > 20, output
    assert leaks(output.splitlines(), theirs | {str(book.resolve())}, lang) == []


def _commands(group: object = main, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of the command line, as the words that call it."""
    out = []
    for name, command in getattr(group, "commands", {}).items():
        out.append((*path, name))
        out += _commands(command, (*path, name))
    return out


MISTAKES = (("merge",), ("init", "x.xlsx", "--lang", "fr"), ("progress", "x.xlsx", "--as-of", "2026-13-01"),
            ("merge", "a.xlsx", "b.csv", "--kind", "foo"), ("vali",), ("validate", "missing.xlsx"),
            ("merge", "x.xlsx", "y.csv", "--sesion", "C01"), ("validate", "--jobs", "0", "x.xlsx"), ("--version",),
            ("robot", "add", "班级群"), ("share", "x.xlsx", "--as-of", "明天"), ("notices", "x.xlsx", "--as-of", "2026/2/30"))
NOT_FOR_PEOPLE = {  # what a coordinator should never read: format codes, click's own words, text cut short
    "zh": re.compile(r"%[YmdHMS]|\[required\]|x>=|x<=|\.\.\.$|\b(?:TEXT|INTEGER|FLOAT|FILENAME|DATETIME)\b"),
    "en": re.compile(r"%[YmdHMS]|x>=|x<=|\.\.\.$"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_and_argument_errors_speak_one_language(lang: str, tmp_path: Path) -> None:
    commands = _commands()
    assert {"merge", "robot", ("robot", "add")} & {c[0] if len(c) == 1 else c for c in commands} == {"merge", "robot",
                                                                                                    ("robot", "add")}
    outputs = [_run(lang, "--help")] + [_run(lang, *c, "--help") for c in commands]
    outputs += [_run(lang, *args, cwd=tmp_path) for args in MISTAKES]
    lines = [line for out in outputs for line in out.splitlines()]
    said = [line for line in lines if not line.startswith(("用法", "Usage"))]  # usage: click's own syntax (BOOKS...)
    assert [line for line in said if NOT_FOR_PEOPLE[lang].search(line)] == [], "no format codes, click's English or cut text"
    assert any(("用法" if lang == "zh" else "Usage") in line for line in lines)
    assert any(("缺少参数" if lang == "zh" else "Missing argument") in line for line in lines)
    typed = {str(tmp_path), *(arg for args in MISTAKES for arg in args if not arg.startswith("-"))}
    assert leaks(lines, typed, lang) == []


def test_what_merge_says_of_an_export_is_in_the_workbooks_language(tmp_path: Path) -> None:
    from click.testing import CliRunner

    import trainbook

    book = trainbook.init(tmp_path / "program.xlsx", lang="en")
    notes = tmp_path / "notes.csv"
    notes.write_text("item,count\napple,3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["merge", str(book), str(notes)], env={"TRAINBOOK_LANG": "zh"})
    assert result.exit_code == 2 and "is not a DingTalk export trainbook knows" in result.output, result.output


@pytest.mark.parametrize("key, values, text", [
    ("notices-no-mobile", {"count": 1, "people": "Ann (A)"}, "1 recipient has no mobile number"),
    ("notices-no-mobile", {"count": 2, "people": "Ann (A), Bo (B)"}, "2 recipients have no mobile number"),
])
def test_english_counts_agree_with_their_verb(key: str, values: dict[str, object], text: str) -> None:
    assert message(key, "en", **values).startswith(text)
