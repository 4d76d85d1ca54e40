"""The command line: init, batch validation, exit codes and JSON, demo."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import trainbook
from trainbook.cli import main
from trainbook.demo import AS_OF
from trainbook.schema.notice_templates import BY_KIND, GROUP_SAFE, PRIVATE


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_init_creates_a_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "program.xlsx"
    assert invoke("init", str(path)).exit_code == 0
    assert trainbook.read(path).lang == "zh"
    again = invoke("init", str(path))
    assert again.exit_code == 2 and "已存在" in again.stderr
    en = tmp_path / "program-en.xlsx"
    assert invoke("init", str(en), "--lang", "en").exit_code == 0
    master = trainbook.read(en)
    assert master.lang == "en" and "Enrollment" in master.sheet_names


def test_batch_reports_every_file_and_exits_with_the_worst_code(tmp_path: Path, clean_book: Path,
                                                                demo_book: Path) -> None:
    a = shutil.copy(clean_book, tmp_path / "a.xlsx")
    b = shutil.copy(demo_book, tmp_path / "b.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(Path(a).read_bytes()[:500])
    for jobs in ("1", "2"):
        result = invoke("validate", str(a), str(b), str(broken), "--format", "json", "--jobs", jobs)
        assert result.exit_code == 2
        files = json.loads(result.stdout)["files"]
        assert [f["path"] for f in files] == [str(a), str(b), str(broken)]
        assert [f["ok"] for f in files] == [True, False, False]
        assert files[1]["errors"] == 6 and files[1]["warnings"] == 2
        assert "broken.xlsx" in files[2]["error"]
        issue = files[1]["issues"][0]
        assert set(issue) == {"severity", "sheet", "row", "column", "code", "message", "value"}
        assert issue["sheet"] == "enrollment" and issue["column"] == "mobile" and issue["row"] == 6


def test_text_output_lists_findings_in_the_books_language(demo_book: Path) -> None:
    result = invoke("validate", str(demo_book))
    assert result.exit_code == 1
    assert "6 个错误，2 个警告" in result.stdout
    assert "[错误] 报名!C6 invalid-mobile" in result.stdout


def test_clean_book_exits_0(clean_book: Path) -> None:
    assert invoke("validate", str(clean_book)).exit_code == 0


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert invoke("validate").exit_code == 2
    assert invoke("validate", "x.xlsx", "--format", "xml").exit_code == 2


def test_demo_builds_validates_and_says_where(tmp_path: Path) -> None:
    result = invoke("demo", "--dir", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    book = tmp_path / "demo" / "培训项目-示例.xlsx"
    assert str(book.resolve()) in result.stdout
    master = trainbook.read(book)
    enrollment = master.frame("enrollment")
    assert len(enrollment) >= 60 and enrollment["department"].nunique() == 3
    assert enrollment["group_id"].nunique() == 2
    sessions = master.frame("sessions")
    assert len(sessions) >= 8 and {"线下", "线上"} <= set(sessions["mode"])
    for key in ("attendance", "tasks", "submissions", "assessments", "scores", "feedback"):
        assert len(master.frame(key)) > 0, key
    assert len(master.frame("issues")) == len(trainbook.validate(book, as_of=AS_OF).issues) > 0
    for key in ("review", "imports"):
        assert len(master.frame(key)) > 0, key
    notices = master.frame("notices")
    sent = notices[notices["status"] == "已发送"]
    by_robot = sent[sent["channel"] == "钉钉群机器人"]
    assert len(by_robot) > 0 and set(by_robot["kind"]) <= {BY_KIND[k].zh[0] for k in GROUP_SAFE}
    one_by_one = sent[sent["channel"] != "钉钉群机器人"]
    assert set(one_by_one["channel"]) == {"钉钉工作通知", "邮件"}
    assert set(one_by_one["kind"]) <= {BY_KIND[k].zh[0] for k in PRIVATE} and "负责人待办" in set(one_by_one["kind"])
    assert "发到本机模拟的钉钉机器人——已发送" in result.stdout and "私人通知逐个发给本人" in result.stdout
    assert "项待办（最急的在前）" in result.stdout.split("带按钮的版本")[-1]  # the to-do, at the end
    assert (tmp_path / "demo" / "通知.csv").exists() and (tmp_path / "demo" / "钉钉机器人消息.json").exists()


def test_api_init_refuses_an_unknown_language(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(trainbook.InputError, match="fr"):
        trainbook.init(tmp_path / "x.xlsx", lang="fr")  # type: ignore[arg-type]


def test_as_of_takes_the_date_forms_coordinators_type(demo_book) -> None:
    from click.testing import CliRunner

    from trainbook.cli import main

    for typed in ("2026/11/29", "2026.11.29", "20261129", "2026年11月29日"):
        result = CliRunner().invoke(main, ["progress", str(demo_book), "--as-of", typed, "--format", "json"])
        assert result.exit_code == 0, result.output
        assert '"as_of": "2026-11-29"' in result.stdout
    for given in ("2026年11月29日", "2026-11-29T10:00", "Nov 29 2026"):  # and what pandas reads, as before
        assert trainbook.progress(demo_book, as_of=given, write=False).as_of == dt.date(2026, 11, 29)
    with pytest.raises(trainbook.InputError, match="不是日期"):  # from Python too: said, not a parser's error
        trainbook.progress(demo_book, as_of="下周一", write=False)


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[str, str]:
    """Run the trainbook command with its error stream on a terminal (a pseudo-terminal), as a
    coordinator's console: what it prints there, and on its output."""
    import os
    import pty
    import subprocess
    import sys

    command = str(Path(sys.executable).with_name("trainbook"))
    primary, secondary = pty.openpty()
    with subprocess.Popen([command, *args], stdout=subprocess.PIPE, stderr=secondary, cwd=cwd) as done:
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal closed with the command
                break
            if not chunk:
                break
            shown += chunk
        out = done.stdout.read() if done.stdout else b""
    os.close(primary)
    return shown.decode(), out.decode()


def test_long_commands_show_progress_on_a_terminal_only(tmp_path: Path) -> None:
    from trainbook.demo import FINISHED_AS_OF, build_demo_book

    book = build_demo_book(tmp_path / "结业.xlsx", finished=True)
    shown, out = _on_a_terminal(["certificates", book.name, "--as-of", str(FINISHED_AS_OF)], tmp_path)
    count = len(list((tmp_path / "结业-证书").glob("S*.pdf")))
    assert f"生成第 1/{count} 份证书" in shown and f"生成第 {count}/{count} 份证书" in shown, shown
    assert shown.endswith("\r\x1b[K"), "the status line is cleared at the end"
    assert "生成第" not in out and "已生成" in out
    shown, _ = _on_a_terminal(["qr", book.name], tmp_path)
    assert "生成第 1/8 张签到页" in shown
    shown, _ = _on_a_terminal(["init", "新.xlsm", "--macros"], tmp_path)
    assert "创建 新.xlsm" in shown and "加入按钮和宏" in shown
    shown, _ = _on_a_terminal(["buttons", "新.xlsm"], tmp_path)
    assert "加入按钮和宏" in shown
    quiet = CliRunner().invoke(main, ["qr", str(book)])  # not a terminal: the result alone
    assert quiet.exit_code == 0 and "生成第" not in quiet.output


PLUGIN_SEARCHES = """
import importlib.metadata, os, sys
os.environ.pop("PYDANTIC_DISABLE_PLUGINS", None)
searched = []
real = importlib.metadata.entry_points
importlib.metadata.entry_points = lambda **kw: searched.append(kw) or real(**kw)
import trainbook
if sys.argv[1] == "cli":
    from trainbook.cli import main
    try:
        main(["validate", sys.argv[2], "--format", "json"])
    except SystemExit:
        pass
else:
    trainbook.validate(sys.argv[2])
print("searched" if searched else "not searched", file=sys.stderr)
"""


def test_a_command_skips_pydantics_search_for_plugins_a_program_using_trainbook_keeps_it(clean_book: Path) -> None:
    """The search reads every installed package's metadata at each start; a command's process is
    trainbook's own, a program that imports trainbook is not."""
    def searched(front: str) -> str:
        run = subprocess.run([sys.executable, "-c", PLUGIN_SEARCHES, front, str(clean_book)],
                             capture_output=True, text=True, check=True)
        return run.stderr.strip().splitlines()[-1]

    assert searched("cli") == "not searched"
    assert searched("library") == "searched"
