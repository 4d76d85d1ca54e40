"""The `trainbook` command line: each command parses arguments, calls one library function, and
turns a TrainbookError into a message and an exit code (SPEC §3)."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from trainbook.errors import TrainbookError
from trainbook.i18n import default_lang

INTERNAL_ERROR = 4


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
        click.echo(f"内部错误 / Internal error: {exc}. 请加 --debug 重新运行并把输出发给维护者 / run again with "
                   "--debug and send the output to the maintainers.", err=True)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.version_option(package_name="trainbook")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """trainbook — one master workbook per DingTalk training program."""
    ctx.obj = {"debug": debug}


def _export_kind(value: str | None) -> str | None:
    """--kind checked only when given, so that `--help` and every other run skip loading the importers."""
    if value is None:
        return None
    from trainbook.importers.kinds import BY_KEY

    if value not in BY_KEY:
        raise click.BadParameter(f"{value!r}: " + ", ".join(sorted(BY_KEY)), param_hint="--kind")
    return value


def _debug() -> bool:
    return bool(click.get_current_context().find_root().obj.get("debug"))


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--macros", is_flag=True, help="A macro-enabled .xlsm whose home sheet has a button per operation.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, lang: str, macros: bool, force: bool) -> None:
    """Create a new, empty master workbook at PATH (.xlsx, or .xlsm with --macros)."""
    from trainbook.operations import init as init_book

    with _user_errors(_debug()):
        init_book(path, lang=lang, overwrite=force, macros=macros)  # type: ignore[arg-type]
        click.echo(f"已创建 {path}" if lang == "zh" else f"Created {path}")


@main.command()
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="The .xlsm to write (default: BOOK with .xlsm).")
@click.option("--force", is_flag=True, help="Overwrite an existing OUT.")
def buttons(book: Path, out: Path | None, force: bool) -> None:
    """Write a macro-enabled copy of BOOK with the buttons; BOOK itself is left as it is."""
    from trainbook.operations import buttons as add_buttons

    with _user_errors(_debug()):
        target = add_buttons(book, out, overwrite=force)
        click.echo(f"已创建 {target}" if default_lang() == "zh" else f"Created {target}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default="workbook_template.xlsx")
def template(path: Path) -> None:
    """Regenerate the committed zh template (workbook_template.xlsx)."""
    from trainbook.operations import init as init_book

    with _user_errors(_debug()):
        init_book(path, lang="zh", overwrite=True)
        click.echo(str(path))


def _validate_one(args: tuple[str, bool]) -> dict[str, Any]:
    """Validate one file in a worker; never raises, so one bad file cannot stop a batch."""
    from trainbook.operations import validate

    path, annotate = args
    try:
        report = validate(path, annotate=annotate)
    except TrainbookError as exc:
        return {"path": path, "ok": False, "errors": 0, "warnings": 0, "issues": [],
                "error": exc.message, "exit_code": exc.exit_code}
    data = report.to_json()
    data["text"] = [report.summary(annotated=annotate), *report.lines()]
    data["exit_code"] = 0 if report.ok else 1
    return data


def _run_batch(func: Callable[[tuple[str, bool]], dict[str, Any]], items: list[tuple[str, bool]],
               jobs: int, label: str) -> list[dict[str, Any]]:
    show = sys.stderr.isatty() and len(items) > 1
    if jobs > 1 and len(items) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = pool.map(func, items)
            if show:
                with click.progressbar(results, length=len(items), label=label, file=sys.stderr) as bar:
                    return list(bar)
            return list(results)
    if show:
        with click.progressbar(items, label=label, file=sys.stderr) as bar:
            return [func(item) for item in bar]
    return [func(item) for item in items]


@main.command()
@click.argument("books", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--annotate", is_flag=True, help="Write the issues sheet and mark the offending cells.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Validate this many workbooks in parallel.")
def validate(books: tuple[Path, ...], fmt: str, annotate: bool, jobs: int) -> None:
    """Validate one or more master workbooks (exit 0 ok, 1 errors found, 2 unusable, 3 unwritable)."""
    with _user_errors(_debug()):
        label = "校验" if default_lang() == "zh" else "Validating"
        results = _run_batch(_validate_one, [(str(b), annotate) for b in books], jobs, label)
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


@main.command()
@click.argument("book", type=click.Path(path_type=Path))
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", callback=lambda ctx, param, value: _export_kind(value),
              help="The export kind (punch_records, daily_stats, punch_grid, monthly_summary, signin, live, meeting, "
                   "leave, enrollment_form, exam, homework, questionnaire), when detection should not decide.")
@click.option("--session", help="Put all attendance evidence on this session ID.")
@click.option("--assessment", help="Put exam results on this assessment ID.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--again", is_flag=True, help="Land the rows of a file imported before once more (no duplicates).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def merge(book: Path, exports: tuple[Path, ...], kind: str | None, session: str | None,
          assessment: str | None, dry_run: bool, again: bool, fmt: str) -> None:
    """Merge DingTalk exports (xlsx, xls, csv, UTF-16 text) into BOOK."""
    from trainbook.operations import merge as merge_exports

    with _user_errors(_debug()):
        with _status() as on_step:
            run = merge_exports(book, *exports, kind=kind, session=session, assessment=assessment,
                                dry_run=dry_run, again=again, on_step=on_step)
        if fmt == "json":
            click.echo(json.dumps([r.to_json() for r in run], ensure_ascii=False, indent=2))
            return
        click.echo(run.summary(run[0].lang if run else default_lang(), dry_run=dry_run))


@main.command()
@click.argument("book", type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]),
              help="Work out progress as of this date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def progress(book: Path, as_of: Any, fmt: str) -> None:
    """Compute attendance, tasks, scores, risk and certificates; rewrite the progress sheet."""
    from trainbook.operations import progress as compute_progress

    with _user_errors(_debug()):
        with _status() as on_step:
            result = compute_progress(book, as_of=as_of.date() if as_of else None, on_step=on_step)
        if fmt == "json":
            click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
        else:
            click.echo(result.summary())


@main.command()
@click.option("--dir", "folder", type=click.Path(path_type=Path), default=Path("trainbook-demo"),
              show_default=True, help="Where to write the sample program.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def demo(folder: Path, lang: str) -> None:
    """Build a realistic sample program and run every operation on it."""
    from trainbook.demo import run_demo

    with _user_errors(_debug()):
        run_demo(folder, lang=lang, echo=click.echo)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
