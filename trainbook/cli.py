"""The `trainbook` command line: each command parses arguments, calls one library function, and
turns a TrainbookError into a message and an exit code."""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal

import click

from trainbook import process
from trainbook.errors import TrainbookError
from trainbook.i18n import Lang, default_lang, listing, message, pick
from trainbook.schema.notice_templates import BY_KIND, GROUP_SAFE, PRIVATE

INTERNAL_ERROR = 4
LANG = default_lang()  # the command line's own language, before any workbook is read (TRAINBOOK_LANG)


def T(zh: str, en: str) -> str:  # noqa: N802 — reads as a marker around each help text
    return pick(LANG, zh, en)


CLICK_ZH = {  # click's own texts (its gettext messages), for a Chinese command line
    "Usage:": "用法：", "Options": "选项", "Commands": "命令", "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。", "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Error: {message}": "错误：{message}", "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Missing argument": "缺少参数", "Missing option": "缺少选项", "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。", "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。", "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not {choice}.": "{value!r} 不是可选值 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一：{choices}。",
    "{value!r} does not match the format {format}.": "{value!r} 不是日期格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不是这些日期格式之一：{formats}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数", "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "default: {default}": "默认：{default}", "Aborted!": "已中止。", "required": "必填",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "file": "文件", "directory": "文件夹", "path": "路径",
}


def _click_speaks(lang: Lang) -> None:
    """Put click's own texts (usage, option errors) into `lang`: its modules look each one up
    through their module-level gettext functions, which are pointed at CLICK_ZH here."""
    if pick(lang, False, True):  # English is click's own
        return
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    def gettext(text: str) -> str:
        return CLICK_ZH.get(text, text)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


_click_speaks(LANG)


@contextmanager
def _user_errors(debug: bool) -> Iterator[None]:
    """TrainbookError → its message on stderr and its exit code; anything else → a short note."""
    try:
        yield
    except TrainbookError as exc:
        if debug:
            traceback.print_exc()
        click.echo(exc.message, err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if debug:
            raise
        click.echo(message("internal-error", LANG, detail=exc), err=True)
        sys.exit(INTERNAL_ERROR)


@contextmanager
def _status() -> Iterator[Callable[[str], None]]:
    """A status line on a terminal's stderr for long runs; silent when not on a terminal."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return

    def show(text: str) -> None:
        click.echo(f"\r\033[K{text}", err=True, nl=False)

    try:
        yield show
    finally:
        click.echo("\r\033[K", err=True, nl=False)


class Whole(click.Command):
    """A command whose summary in `trainbook --help` is said whole, wrapped, never cut off with '...'."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return (self.short_help or self.help or "").strip()


class WholeGroup(click.Group):
    command_class = Whole

    def get_short_help_str(self, limit: int = 45) -> str:
        return (self.short_help or self.help or "").strip()


WholeGroup.group_class = WholeGroup


@click.group(cls=WholeGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=T("trainbook：每个钉钉培训项目一本主工作簿。英文界面：设置环境变量 TRAINBOOK_LANG=en。",
                    "trainbook — one master workbook per DingTalk training program."))
@click.option("--debug", is_flag=True, help=T("出错时显示完整的调用栈。", "Show full tracebacks."))
@click.version_option(package_name="trainbook")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    process.begin()
    ctx.obj = {"debug": debug}
    ctx.call_on_close(gc.freeze)  # nothing is left to collect: exit without a last sweep of all that was imported


class LazyHelp(click.Option):
    """An option whose help is worked out only when --help shows it (it needs modules that every
    other run can skip)."""

    def __init__(self, *args: Any, help: Callable[[], str], **kwargs: Any) -> None:  # noqa: A002 — click's name
        super().__init__(*args, **kwargs)
        self.lazy_help = help

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = self.lazy_help()
        return super().get_help_record(ctx)


def _export_kinds() -> list[str]:
    from trainbook.importers.kinds import BY_KEY

    return sorted(BY_KEY)


def _export_kind(value: str | None) -> str | None:
    """--kind checked only when given, so that `--help` and every other run skip loading the importers."""
    if value is None:
        return None
    from trainbook.importers.kinds import BY_KEY

    if value not in BY_KEY:
        kinds = listing((message("with-detail", LANG, name=key, detail=kind.label(LANG))
                         for key, kind in sorted(BY_KEY.items())), LANG)
        raise click.BadParameter(message("unknown-kind-option", LANG, value=value, kinds=kinds), param_hint="--kind")
    return value


def _listed(text: str | None) -> list[str] | None:
    """An option's comma-separated list (C01,C02 or C01，C02)."""
    return [item.strip() for item in text.replace("，", ",").split(",") if item.strip()] if text else None


def _debug() -> bool:
    return bool(click.get_current_context().find_root().obj.get("debug"))


@main.command(help=T("在 PATH 新建一本空的主工作簿（.xlsx；加 --macros 为带按钮的 .xlsm）。",
                     "Create a new, empty master workbook at PATH (.xlsx, or .xlsm with --macros)."))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help=T("工作簿的语言：zh 中文，en 英文。", "The workbook's language: zh Chinese, en English."))
@click.option("--macros", is_flag=True, help=T("启用宏的 .xlsm，首页每个操作一个按钮。",
                                               "A macro-enabled .xlsm whose home sheet has a button per operation."))
@click.option("--force", is_flag=True, help=T("覆盖已有文件。", "Overwrite an existing file."))
def init(path: Path, lang: str, macros: bool, force: bool) -> None:
    from trainbook.operations import init as init_book

    with _user_errors(_debug()):
        with _status() as on_step:
            init_book(path, lang=lang, overwrite=force, macros=macros, on_step=on_step)  # type: ignore[arg-type]
        click.echo(message("created", lang, path=path))  # type: ignore[arg-type]


@main.command(help=T("为 BOOK 写一份带按钮、启用宏的副本（.xlsm）；BOOK 本身不变。",
                     "Write a macro-enabled copy of BOOK with the buttons; BOOK itself is left as it is."))
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help=T("要写的 .xlsm（默认：与 BOOK 同名的 .xlsm）。",
                                                              "The .xlsm to write (default: BOOK with .xlsm)."))
@click.option("--force", is_flag=True, help=T("覆盖已有的 OUT。", "Overwrite an existing OUT."))
def buttons(book: Path, out: Path | None, force: bool) -> None:
    from trainbook.operations import buttons as add_buttons

    with _user_errors(_debug()):
        with _status() as on_step:
            target = add_buttons(book, out, overwrite=force, on_step=on_step)
        click.echo(message("created", LANG, path=target))


@main.command(help=T("重新生成随代码提交的中文模板（workbook_template.xlsx）。",
                     "Regenerate the committed zh template (workbook_template.xlsx)."))
@click.argument("path", type=click.Path(path_type=Path), default="workbook_template.xlsx")
def template(path: Path) -> None:
    from trainbook.operations import init as init_book

    with _user_errors(_debug()):
        init_book(path, lang="zh", overwrite=True)
        click.echo(str(path))


def _begin_reading(book: Path) -> None:
    """Begin parsing BOOK's largest sheet — for a command that reads every sheet — while the
    operation's modules (pandas among them) are imported."""
    from trainbook.workbook.early import begin

    begin(book)


def _validate_one(args: tuple[str, bool, bool]) -> dict[str, Any]:
    """Validate one file in a worker; never raises (unless --debug asks to see it), so one bad file
    cannot stop a batch."""
    from trainbook.operations import validate

    path, annotate, debug = args
    try:
        report = validate(path, annotate=annotate)
    except TrainbookError as exc:
        return _failed(args, exc.message, exc.exit_code)
    except Exception as exc:  # this book's internal error, not the batch's
        if debug:
            raise
        return _failed(args, message("internal-error", LANG, detail=exc), INTERNAL_ERROR)
    data = report.to_json()
    data["text"] = [report.summary(annotated=annotate), *report.lines()]
    data["exit_code"] = 0 if report.ok else 1
    return data


def _failed(args: tuple[str, bool, bool], error: str, exit_code: int) -> dict[str, Any]:
    """The result of a book that could not be validated."""
    return {"path": args[0], "ok": False, "errors": 0, "warnings": 0, "issues": [], "error": error,
            "exit_code": exit_code}


def _run_batch(func: Callable[[tuple[str, bool, bool]], dict[str, Any]], items: list[tuple[str, bool, bool]],
               jobs: int, label: str) -> list[dict[str, Any]]:
    """`func` over `items` in worker processes (one crashing file is that file's error, not the
    batch's end), with a progress bar on a terminal."""
    from trainbook.batch import run_batch

    with click.progressbar(length=len(items), label=label, file=sys.stderr) if sys.stderr.isatty() else \
            nullcontext() as bar:
        return run_batch(func, items, jobs,
                         crashed=lambda item: _failed(item, message("file-crashed", LANG, path=item[0]), 2),
                         broke=lambda item, exc: _failed(item, message("internal-error", LANG, detail=exc),
                                                         INTERNAL_ERROR),
                         tick=(lambda: bar.update(1)) if bar is not None else lambda: None)


class Day(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.4, and >=8.1 is supported
    """A day as coordinators write it: 2026-11-29, 2026/11/29, 2026.11.29, 20261129 or 2026年11月29日."""

    name = "date"
    formats = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y年%m月%d号")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        for form in self.formats:
            try:
                return dt.datetime.strptime(str(value).strip(), form).date()
            except ValueError:
                continue
        self.fail(message("bad-day-option", LANG, value=value), param, ctx)


class AtLeastOne(click.ParamType):  # type: ignore[type-arg]  # as Day
    """A whole number of at least one (how many books at once, an app's AgentId). `quiet`: what was
    given is not repeated (beside credentials, it may be one put in the wrong place)."""

    name = "integer"

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if text.isdigit() and int(text) >= 1:
            return int(text)
        self.fail(message("bad-count-option", LANG, value="…" if self.quiet else value), param, ctx)


DAY = Day()
FORMAT_HELP = T("输出格式：text 文字，json 供程序读取。", "Output: text, or json for programs.")
FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                             help=FORMAT_HELP)


def as_of_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--as-of: the day a command works as of, as coordinators write dates."""
    return click.option("--as-of", "as_of", type=DAY, metavar=T("日期", "DATE"), help=help_text)


@main.command(help=T("校验一本或多本主工作簿（退出码 0 无误，1 有错误，2 无法使用，3 无法写入）。",
                     "Validate one or more master workbooks (exit 0 ok, 1 errors found, 2 unusable, 3 unwritable)."))
@click.argument("books", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT_OPTION
@click.option("--annotate", is_flag=True, help=T("写出“校验结果”表并标出有问题的单元格。",
                                                 "Write the issues sheet and mark the offending cells."))
@click.option("--jobs", type=AtLeastOne(), metavar="N", default=1, show_default=True,
              help=T("同时校验的工作簿数。", "Validate this many workbooks in parallel."))
def validate(books: tuple[Path, ...], fmt: str, annotate: bool, jobs: int) -> None:
    if len(books) == 1:
        _begin_reading(books[0])
    with _user_errors(_debug()):
        label = T("校验", "Validating")
        results = _run_batch(_validate_one, [(str(b), annotate, _debug()) for b in books], jobs, label)
        if fmt == "json":
            files = [{k: v for k, v in r.items() if k not in ("text", "exit_code")} for r in results]
            click.echo(json.dumps({"files": files}, ensure_ascii=False, indent=2))
        else:
            for result in results:
                if "error" in result:
                    click.echo(result["error"], err=True)
                else:
                    click.echo("\n".join(result["text"]))
        sys.exit(max(r["exit_code"] for r in results))


@main.command(short_help=T("把钉钉导出合并进主工作簿，或导入“待确认”表里你填好的学员编号。",
                           "Merge DingTalk exports into BOOK, or land what you decided on the review sheet."),
              help=T("把钉钉导出（xlsx、xls、csv、UTF-16 文本）合并进 BOOK；不给导出文件时，导入你在“待确认”表里填好的学员编号。",
                     "Merge DingTalk exports (xlsx, xls, csv, UTF-16 text) into BOOK; with none, land what you filled "
                     "in on the review sheet."))
@click.argument("book", type=click.Path(path_type=Path))
@click.argument("exports", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kind", metavar=T("类型", "KIND"), callback=lambda ctx, param, value: _export_kind(value),
              cls=LazyHelp, help=lambda: T("导出类型（{}），不想让 trainbook 自动识别时使用。",
                                           "The export kind ({}), when detection should not decide.").format(
                  ", ".join(_export_kinds())))
@click.option("--session", metavar=T("课次编号", "ID"),
              help=T("把所有考勤记录放到这个课次编号。", "Put all attendance evidence on this session ID."))
@click.option("--assessment", metavar=T("考核编号", "ID"),
              help=T("把考试成绩放到这个考核项编号。", "Put exam results on this assessment ID."))
@click.option("--dry-run", is_flag=True, help=T("只报告会改什么，不写入。", "Report what would change; write nothing."))
@click.option("--again", is_flag=True, help=T("把导入过的文件再导入一次（不会重复）。",
                                              "Land the rows of a file imported before once more (no duplicates)."))
@click.option("--force", is_flag=True, help=T("即使几乎没有人是本项目的学员、或没有一行落在本项目的课次上，也照样导入。",
                                              "Merge even when nearly nobody in the export is a student of this program, "
                                              "or no row falls on one of its sessions."))
@FORMAT_OPTION
def merge(book: Path, exports: tuple[Path, ...], kind: str | None, session: str | None,
          assessment: str | None, dry_run: bool, again: bool, force: bool, fmt: str) -> None:
    from trainbook.operations import merge as merge_exports

    with _user_errors(_debug()):
        with _status() as on_step:
            run = merge_exports(book, *exports, kind=kind, session=session, assessment=assessment,
                                dry_run=dry_run, again=again, force=force, on_step=on_step)
        if fmt == "json":
            click.echo(json.dumps([r.to_json() for r in run], ensure_ascii=False, indent=2))
            return
        click.echo(run.summary(run[0].lang if run else LANG, dry_run=dry_run))


@main.command(help=T("计算出勤、任务、成绩、风险和结业证书，重写“学习进度”“看板”和“反馈分析”，在“改进”表提出改进措施。",
                     "Compute attendance, tasks, scores, risk and certificates; rewrite Progress, Dashboard and "
                     "Feedback analysis, and propose improvement actions."))
@click.argument("book", type=click.Path(path_type=Path))
@as_of_option(T("按这一天计算进度（默认：今天）；如 2026-11-29 或 2026/11/29。",
                     "Work out progress as of this date (default: today), e.g. 2026-11-29."))
@FORMAT_OPTION
def progress(book: Path, as_of: dt.date | None, fmt: str) -> None:
    _begin_reading(book)
    from trainbook.operations import progress as compute_progress

    with _user_errors(_debug()):
        with _status() as on_step:
            result = compute_progress(book, as_of=as_of, on_step=on_step)
        if fmt == "json":
            click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
        else:
            click.echo(result.summary())


@main.command(help=T("列出现在要做的事：按环节和责任人（“流程”表），最急的在前，每项说明在哪里、点哪个按钮；同时写到“首页”的待办。",
                     "List what needs doing now, by stage and owner (the Process sheet), most urgent first, each "
                     "with where and which button; also shown on Home."))
@click.argument("book", type=click.Path(path_type=Path))
@as_of_option(T("按这一天判断（默认：今天）。", "As of this date (default: today)."))
@FORMAT_OPTION
def todo(book: Path, as_of: dt.date | None, fmt: str) -> None:
    from trainbook.operations import todo as what_to_do

    with _user_errors(_debug()):
        with _status() as on_step:
            result = what_to_do(book, as_of=as_of, on_step=on_step)
        if fmt == "json":
            click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        else:
            click.echo(result.summary())


@main.command(help=T("生成今天（或 --as-of 那天）该发的通知，写入“通知”表；--out 另存为 .csv 或 .json。",
                     "Work out the notices due today (or on --as-of) into the notices sheet; --out also "
                     "writes them to a .csv or .json."))
@click.argument("book", type=click.Path(path_type=Path))
@as_of_option(T("按这一天生成（默认：今天）。", "Work them out as of this date (default: today)."))
@click.option("--out", type=click.Path(path_type=Path),
              help=T("另存待发送的通知：.csv（全部，用 Excel 打开）或 .json（可发到群里的几类，钉钉机器人消息）。",
                     "Also write the pending notices: .csv (all, for Excel) or .json (the kinds a group may see, "
                     "as DingTalk robot messages)."))
@FORMAT_OPTION
def notices(book: Path, as_of: dt.date | None, out: Path | None, fmt: str) -> None:
    _begin_reading(book)
    from trainbook.operations import notices as make_notices

    with _user_errors(_debug()):
        with _status() as on_step:
            result = make_notices(book, as_of=as_of, out=out, on_step=on_step)
        if fmt == "json":
            click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
        else:
            click.echo(result.summary())
            if out is not None:
                click.echo(message("out-written", result.lang, path=out))


@main.command(help=T("把“通知”表里待发送的通知发出去：默认汇总后发到钉钉群机器人；加 --private 则把私人通知"
                     "（报名确认、缺勤跟进、学习预警、结业通知等）逐个发给本人（钉钉工作通知或邮件）。成功的标为“已发送”。",
                     "Send the pending notices: to a DingTalk group robot as digests, or with --private each personal "
                     "notice (confirmations, absence follow-ups, risk warnings, completions…) to its own recipient by "
                     "DingTalk work notice or e-mail. Those accepted become Sent."))
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--private", is_flag=True,
              help=T("逐个发给本人：钉钉工作通知（企业内部应用），找不到钉钉账号时发邮件。",
                     "Each notice to its own recipient: a DingTalk work notice (the internal app), else an e-mail."))
@click.option("--robot", "name", metavar=T("名称", "NAME"),
              help=T("用 trainbook robot add 保存的机器人（默认：“设置”表的“钉钉机器人”）。",
                     "A robot saved with trainbook robot add (default: Settings' DingTalk robot)."))
@click.option("--webhook", metavar="URL", help=T("机器人地址（也可用环境变量 TRAINBOOK_ROBOT_WEBHOOK）。",
                                                 "The robot's webhook (or TRAINBOOK_ROBOT_WEBHOOK)."))
@click.option("--secret", metavar=T("密钥", "SECRET"),
              help=T("加签密钥（也可用环境变量 TRAINBOOK_ROBOT_SECRET，更安全）。",
                     "The signing secret (TRAINBOOK_ROBOT_SECRET is safer)."))
@click.option("--keyword", metavar=T("关键词", "WORD"),
              help=T("机器人要求的关键词，会加到每条消息里。", "A keyword the robot requires in every message."))
@click.option("--app", metavar=T("名称", "NAME"),
              help=T("加 --private 时：用 trainbook app add 保存的钉钉应用（默认：“设置”表的“钉钉应用”）。",
                     "With --private: a DingTalk app saved with trainbook app add (default: Settings' DingTalk app)."))
@click.option("--mail", metavar=T("名称", "NAME"),
              help=T("加 --private 时：用 trainbook mail add 保存的邮件账户（默认：“设置”表的“邮件账户”）。",
                     "With --private: a mail account saved with trainbook mail add (default: Settings' Mail account)."))
@click.option("--kinds", metavar=T("类型,…", "KIND,…"),
              help=T("要发送的通知类型，用逗号分隔（默认：群里只发适合群聊的：{}；加 --private 只发私人的：{}）。",
                     "Notice kinds to send, comma-separated (default: to a group those fit for it: {}; with --private "
                     "the personal ones: {}).").format(*(
                  listing((pick(LANG, BY_KIND[k].texts(LANG)[0], k) for k in kinds), LANG)
                  for kinds in (GROUP_SAFE, PRIVATE))))
@click.option("--dry-run", is_flag=True, help=T("只说会发什么、发给谁、用什么渠道，不联系任何人。",
                                                "Say what would be sent, to whom and how; contact nobody."))
def send(book: Path, private: bool, name: str | None, webhook: str | None, secret: str | None, keyword: str | None,
         app: str | None, mail: str | None, kinds: str | None, dry_run: bool) -> None:
    with _user_errors(_debug()):
        with _status() as on_step:
            if private:
                from trainbook.operations import send_private

                result: Any = send_private(book, app=app, mail=mail, kinds=_listed(kinds), dry_run=dry_run,
                                           on_step=on_step)
            else:
                from trainbook.operations import send as send_notices

                result = send_notices(book, robot=name, webhook=webhook, secret=secret, keyword=keyword,
                                      kinds=_listed(kinds), dry_run=dry_run, on_step=on_step)
        click.echo(result.summary())


@main.group(help=T("管理钉钉机器人（地址和密钥保存在本机用户目录，不写进工作簿）。",
                   "Manage DingTalk robots (kept in your user folder, never in a workbook)."))
def robot() -> None:
    pass


@robot.command("add", help=T("保存一个机器人，之后在“设置”表的“钉钉机器人”填它的名称即可发送。",
                             "Save a robot; then put its name in Settings' DingTalk robot to send with it."))
@click.argument("name")
@click.option("--webhook", required=True, metavar="URL", help=T("机器人地址（https://oapi.dingtalk.com/robot/send?access_token=…）。",
                                                 "The robot's webhook (https://oapi.dingtalk.com/robot/send?access_token=…)."))
@click.option("--secret", default="", metavar=T("密钥", "SECRET"),
              help=T("加签密钥（机器人设置了“加签”时）。", "The signing secret, if the robot signs."))
@click.option("--keyword", default="", metavar=T("关键词", "WORD"),
              help=T("机器人要求的关键词。", "A keyword the robot requires."))
def robot_add(name: str, webhook: str, secret: str, keyword: str) -> None:
    from trainbook.notify.robot import save_robot

    with _user_errors(_debug()):
        path = save_robot(name, webhook, secret, keyword, LANG)
        click.echo(message("robot-saved", LANG, name=name, path=path))


@robot.command("list", help=T("列出已保存的机器人（只显示名称和主机，不显示地址里的令牌和密钥）。",
                              "List the saved robots (names and hosts only: never their tokens or secrets)."))
def robot_list() -> None:
    from trainbook.notify.accounts import accounts_file
    from trainbook.notify.robot import saved_robots

    with _user_errors(_debug()):
        robots = saved_robots(LANG)
        for name, host in robots:
            click.echo(f"{name}\t{host}")
        if not robots:
            click.echo(message("robot-none-saved", LANG, path=accounts_file("robots")))


@main.group(help=T("管理发钉钉工作通知的企业内部应用（AppKey 和 AppSecret 保存在本机用户目录，不写进工作簿）。",
                   "Manage the internal apps that send DingTalk work notices (kept in your user folder, never in a workbook)."))
def app() -> None:
    pass


@app.command("add", help=T("保存一个企业内部应用（IT 在钉钉开发者后台创建，需有“通过手机号获取用户”权限），"
                           "之后在“设置”表的“钉钉应用”填它的名称。",
                           "Save an internal app (IT creates it in DingTalk's developer console, with the permission to "
                           "look users up by mobile); then put its name in Settings' DingTalk app."))
@click.argument("name")
@click.option("--appkey", required=True, metavar="KEY", help=T("应用的 AppKey。", "The app's AppKey."))
@click.option("--appsecret", required=True, metavar="SECRET", help=T("应用的 AppSecret。", "The app's AppSecret."))
@click.option("--agent-id", "agent_id", required=True, type=AtLeastOne(quiet=True), metavar="ID",
              help=T("应用的 AgentId（数字）。", "The app's AgentId (a number)."))
def app_add(name: str, appkey: str, appsecret: str, agent_id: int) -> None:
    from trainbook.notify.worknotice import save_app

    with _user_errors(_debug()):
        path = save_app(name, appkey, appsecret, agent_id, LANG)
        click.echo(message("account-saved", LANG, name=name, path=path))


@app.command("list", help=T("列出已保存的应用（只显示名称，不显示密钥）。",
                            "List the saved apps (names only, never their secrets)."))
def app_list() -> None:
    _list_accounts("apps")


@main.group(help=T("管理发私人通知的邮件账户（密码保存在本机用户目录，不写进工作簿）。",
                   "Manage the mail accounts that send private notices (kept in your user folder, never in a workbook)."))
def mail() -> None:
    pass


@mail.command("add", help=T("保存一个邮件账户，之后在“设置”表的“邮件账户”填它的名称。",
                            "Save a mail account; then put its name in Settings' Mail account."))
@click.argument("name")
@click.option("--host", required=True, metavar=T("服务器", "HOST"), help=T("SMTP 服务器的地址（IT 会告诉你）。",
                                                                      "The SMTP server, e.g. smtp.example.com."))
@click.option("--port", type=AtLeastOne(quiet=True), metavar=T("端口", "PORT"),
              help=T("端口（默认：starttls 用 587，ssl 用 465）。", "The port (default: 587 for starttls, 465 for ssl)."))
@click.option("--user", required=True, metavar=T("用户名", "USER"), help=T("登录用户名。", "The login user."))
@click.option("--password", required=True, metavar=T("密码", "PASSWORD"), help=T("登录密码。", "The login password."))
@click.option("--from", "sender", required=True, metavar=T("地址", "ADDRESS"), help=T("发件地址。", "The From address."))
@click.option("--tls", type=click.Choice(["starttls", "ssl", "none"]), default="starttls", show_default=True,
              help=T("加密方式（none 只能用于本机）。", "The encryption (none only for this computer)."))
def mail_add(name: str, host: str, port: int | None, user: str, password: str, sender: str, tls: str) -> None:
    from trainbook.notify.mail import save_mail

    with _user_errors(_debug()):
        path = save_mail(name, host, port, user, password, sender, tls, LANG)  # type: ignore[arg-type]  # a click.Choice of TLS
        click.echo(message("account-saved", LANG, name=name, path=path))


@mail.command("list", help=T("列出已保存的邮件账户（只显示名称和服务器，不显示密码）。",
                             "List the saved mail accounts (names and servers only, never their passwords)."))
def mail_list() -> None:
    _list_accounts("mail")


def _list_accounts(kind: Literal["apps", "mail"]) -> None:
    from trainbook.notify.accounts import accounts_file, saved

    with _user_errors(_debug()):
        accounts = saved(kind, LANG)
        for name, entry in accounts.items():
            click.echo(f"{name}\t{entry.get('host', '')}".rstrip())
        if not accounts:
            click.echo(message("accounts-none-saved", LANG, path=accounts_file(kind)))


@main.command(help=T("为有签到链接的课次生成签到二维码：PNG 图片，以及每个课次一页、可直接打印的“签到二维码”表。",
                     "Make a check-in QR code per session with a check-in link: PNG files, and the Check-in QR "
                     "sheet printing a page per session."))
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path),
              help=T("图片写到哪个文件夹（默认：工作簿旁的“<工作簿名>-签到二维码”）。",
                     "The folder for the PNGs (default: '<book>-check-in-qr' beside the workbook)."))
@click.option("--sessions", metavar=T("课次编号,…", "ID,…"),
              help=T("只为这些课次生成，用逗号分隔（例如 C01,C02）。", "Only these sessions, comma-separated (e.g. C01,C02)."))
def qr(book: Path, out: Path | None, sessions: str | None) -> None:
    from trainbook.operations import qr as make_qr

    with _user_errors(_debug()):
        with _status() as on_step:
            run = make_qr(book, out=out, sessions=_listed(sessions), on_step=on_step)
        click.echo(run.summary())


@main.command(help=T("为结业证书为“是”的学员生成证书 PDF（每人一份，另有一份合并的供打印），验证码列入“证书”表。",
                     "Write a certificate PDF for every student whose certificate is Yes (and one to print them "
                     "all); their codes go on the certificates sheet."))
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path),
              help=T("证书写到哪个文件夹（默认：工作簿旁的“<工作簿名>-证书”）。",
                     "The folder for the PDFs (default: '<book>-certificates' beside the workbook)."))
@as_of_option(T("按这一天判断谁已结业（默认：今天）。", "Decide who has completed as of this date (default: today)."))
def certificates(book: Path, out: Path | None, as_of: dt.date | None) -> None:
    _begin_reading(book)
    from trainbook.operations import certificates as write_certificates

    with _user_errors(_debug()):
        with _status() as on_step:
            run = write_certificates(book, as_of=as_of, out=out, on_step=on_step)
        click.echo(run.summary())


@main.command(short_help=T("列出未结业的学员、所缺和建议措施（“跟进”表）。", "List who has not finished and what to offer."),
              help=T("列出未结业的学员（结业前：高风险的学员）、所缺、最近出勤、联系方式和建议措施（补课、补交作业、补考、复训），"
                     "写入“跟进”表（“跟进记录”列保留你写的内容）；--out 另存为 .csv。",
                     "List who has not finished (before the end: those at high risk) with what they lack, their last "
                     "attendance, contacts and what to offer, in the follow-up sheet (your follow-up notes are kept); "
                     "--out also writes a .csv."))
@click.argument("book", type=click.Path(path_type=Path))
@as_of_option(T("按这一天判断（默认：今天）。", "As of this date (default: today)."))
@click.option("--out", type=click.Path(path_type=Path), metavar=T("文件.csv", "FILE.csv"),
              help=T("另存名单为 .csv（UTF-8，Excel 可直接打开）。", "Also write the list to a .csv (UTF-8, opens in Excel)."))
def followup(book: Path, as_of: dt.date | None, out: Path | None) -> None:
    _begin_reading(book)
    from trainbook.operations import followup as follow_up

    with _user_errors(_debug()):
        with _status() as on_step:
            run = follow_up(book, as_of=as_of, out=out, on_step=on_step)
        click.echo(run.summary())


@main.command("next", short_help=T("用这个项目做下一期的主工作簿（可把需要复训的学员重新报名）。",
                                   "Make the next program's master from this one (retraining enrolled)."),
              help=T("用这个项目做下一期的主工作簿 NEW：设置、通知模板、流程及责任人、分组、考核项、任务、课次、资料和"
                             "反馈主题照搬"
                             "（日期整体平移，第一次课落在 --start），报名、考勤、成绩、反馈、改进、通知等记录都不带过去；"
                             "--retrain 把需要复训的学员重新报名（别名只保留这些人的）。OLD 不会被改动。",
                             "Make the next program's master NEW from OLD: settings, notice templates, stages and owners, "
                             "groups, assessments, tasks, sessions, materials and feedback themes carried over (dates moved "
                             "so the first session is on --start), no enrollment, attendance, scores, feedback, "
                             "improvements or notices; --retrain enrolls again those who need retraining (aliases kept "
                             "for them only). OLD is left as it is."))
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--start", type=DAY, metavar=T("日期", "DATE"),
              help=T("新一期第一次课的日期（默认：上一期结束后的下一周，同一个星期几）。",
                     "The date of the new program's first session (default: the week after the old one ends, "
                     "on the same weekday)."))
@click.option("--name", metavar=T("名称", "TEXT"), help=T("新一期的项目名称（默认：原名称加“（下一期）”）。",
                                                       "The new program's name (default: the old one with '(next)')."))
@click.option("--retrain", is_flag=True, help=T("把跟进名单里建议复训的学员重新报名到新一期。",
                                                "Enroll again those the follow-up list sends to retraining."))
@as_of_option(T("按这一天判断谁需要复训（默认：今天）。", "Decide who needs retraining as of this date (default: today)."))
@click.option("--force", is_flag=True, help=T("覆盖已有的 NEW。", "Overwrite an existing NEW."))
def next_(old: Path, new: Path, start: dt.date | None, name: str | None, retrain: bool, as_of: dt.date | None,
          force: bool) -> None:
    from trainbook.operations import next_program

    with _user_errors(_debug()):
        with _status() as on_step:
            made = next_program(old, new, start=start, name=name, retrain=retrain, as_of=as_of, force=force,
                                on_step=on_step)
        click.echo(made.summary())


@main.command(short_help=T("把多个项目汇总到 DuckDB 和 Parquet，供 SQL 分析。",
                           "Gather many programs into DuckDB and Parquet for SQL."),
              help=T("把多个项目的主工作簿汇总到 DuckDB 数据库和 Parquet 文件夹（学员、课次、考勤、任务、成绩、反馈、学习进度，"
                     "以及跨项目的同一个人），供 SQL 分析；文件夹参数表示其中所有主工作簿。",
                     "Gather many programs' masters into a DuckDB database and a Parquet folder (students, sessions, "
                     "attendance, tasks, scores, feedback, progress, and one person across programs) for SQL; a "
                     "folder means every master in it."))
@click.argument("books", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, metavar=T("文件夹", "DIR"),
              help=T("写到哪个文件夹（trainbook.duckdb 和 parquet/）。", "The folder to write (trainbook.duckdb and parquet/)."))
@as_of_option(T("学习进度按这一天计算（默认：今天）。", "Work out progress as of this date (default: today)."))
@FORMAT_OPTION
@click.option("--jobs", type=AtLeastOne(), metavar="N", default=1, show_default=True,
              help=T("同时读取的工作簿数。", "Read this many workbooks in parallel."))
def collect(books: tuple[Path, ...], out: Path, as_of: dt.date | None, fmt: str, jobs: int) -> None:
    from trainbook.operations import collect as gather

    with _user_errors(_debug()), _status() as on_step:
        run = gather(list(books), out, as_of=as_of, jobs=jobs, on_step=on_step)
        click.echo(json.dumps(run.to_json(), ensure_ascii=False, indent=2) if fmt == "json" else run.summary())


@main.command(short_help=T("生成给管理层看的报表（只有数字、图表和学员进度，可直接转发）。",
                           "Write the manager report: figures, charts and progress only, ready to forward."),
              help=T("生成给管理层看的报表：新的 .xlsx，只有数字、图表和学员进度（手机号隐去中间四位，没有邮箱、备注和公式），"
                     "主工作簿不变。",
                     "Write the manager report: a new .xlsx of figures, charts and progress only (mobiles masked; no "
                     "e-mail, notes or formulas); the master is left as it is."))
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path),
              help=T("报表文件（.xlsx；默认：工作簿旁的“<工作簿名>-管理层报表.xlsx”）；加 --by department 时为文件夹。",
                     "The report file (.xlsx; default: '<book>-manager-report.xlsx' beside the workbook); a folder "
                     "with --by department."))
@as_of_option(T("数据截至这一天（默认：今天）。", "Figures as of this date (default: today)."))
@click.option("--by", type=click.Choice(["department"]),
              help=T("department：每个部门一份，只含本部门的学员，文件名为“<项目名称>-<部门>.xlsx”。",
                     "department: one file per department holding only its people, named '<program>-<department>.xlsx'."))
@click.option("--lang", type=click.Choice(["zh", "en"]),
              help=T("报表的语言（默认：与主工作簿相同）。", "The report's language (default: the master's)."))
def share(book: Path, out: Path | None, as_of: dt.date | None, by: str | None, lang: str | None) -> None:
    from trainbook.operations import share as write_share

    with _user_errors(_debug()):
        with _status() as on_step:
            result = write_share(book, out=out, as_of=as_of, by=by,
                                 lang=lang, on_step=on_step)  # type: ignore[arg-type]
        click.echo(result.summary())


@main.command(help=T("生成一个示例培训项目，并在上面运行每个操作。",
                     "Build a realistic sample program and run every operation on it."))
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("trainbook-demo"),
              show_default=True, help=T("示例项目写到哪个文件夹。", "Where to write the sample program."))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help=T("示例的语言：zh 中文，en 英文。", "The sample's language: zh Chinese, en English."))
def demo(folder: Path, lang: str) -> None:
    from trainbook.demo import run_demo

    with _user_errors(_debug()):
        run_demo(folder, lang=lang, echo=click.echo)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
