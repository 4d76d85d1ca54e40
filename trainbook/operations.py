"""The operations on a master workbook, shared by the CLI, the Excel buttons, the demo and Python
users. Each reads the master once, calls pure functions over its frames, and hands one update to
the engine; each result says what happened in the workbook's language (`summary(lang)`)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, overload

from pydantic import BaseModel

from trainbook.clock import now as moment
from trainbook.clock import seconds, today
from trainbook.errors import InputError, TrainbookError, WriteError
from trainbook.i18n import LANGS, Lang, Steps, default_lang, last_run, listing, message, quiet
from trainbook.ids import assign_ids
from trainbook.workbook import engine_for
from trainbook.workbook.engine import Engine, Update, require_columns
from trainbook.workbook.master import Master
from trainbook.workbook.master import records as sheet_records

if TYPE_CHECKING:  # each operation imports what it needs when it runs: a click starts a fresh Python
    import pandas as pd

    from trainbook.followups import FollowupRun
    from trainbook.importers.merge import MergeRun
    from trainbook.importers.sources import Source
    from trainbook.metrics import Progress
    from trainbook.nextprogram import NextProgram
    from trainbook.notify import NoticeRun
    from trainbook.notify.mail import MailAccount
    from trainbook.notify.private import PrivateRun
    from trainbook.notify.sending import SendRun
    from trainbook.notify.worknotice import App
    from trainbook.printing.certificates import CertificateRun
    from trainbook.printing.qr import QrRun
    from trainbook.report import ShareRun
    from trainbook.todolist import Todo
    from trainbook.validation import Report, Reports
    from trainbook.warehouse import CollectRun

PROGRESS_NEEDS = ("enrollment", "sessions", "attendance")  # what progress cannot be worked out without
SHARE_READS = (*PROGRESS_NEEDS, "groups", "tasks", "submissions", "assessments", "scores", "feedback", "settings",
               "materials", "notices", "review", "certificates", "stages", "themes", "actions")  # the to-do, the themes


def init(path: Path | str, lang: Lang = "zh", overwrite: bool = False, macros: bool = False,
         on_step: Steps = quiet) -> Path:
    """Create a new, empty master workbook in `lang` at `path` and return its path; with
    `macros`, a macro-enabled `.xlsm` whose home sheet has a button per operation."""
    from trainbook.workbook.safety import replace_atomically
    from trainbook.workbook.template import build_workbook

    path = Path(path)
    if lang not in LANGS:
        raise InputError(message("bad-lang", "zh", value=lang))
    suffix = ".xlsm" if macros else ".xlsx"
    if path.suffix.lower() != suffix:
        raise InputError(message("bad-extension-macros" if path.suffix.lower() == ".xlsm" else "bad-extension",
                                 lang, path=path, allowed=suffix))
    if path.exists() and not overwrite:
        raise InputError(message("file-exists", lang, path=path))
    path.parent.mkdir(parents=True, exist_ok=True)

    def produce(tmp: Path) -> None:
        on_step(message("step-create", lang, name=path.name))
        if not macros:
            build_workbook(tmp, lang)
            return
        from trainbook.workbook.macros import write_macro_enabled

        plain = tmp.with_name(tmp.name + ".xlsx")
        try:
            build_workbook(plain, lang)
            on_step(message("step-buttons", lang))
            write_macro_enabled(plain, tmp, lang)
        finally:
            plain.unlink(missing_ok=True)

    replace_atomically(path, produce, lang)
    return path


def buttons(book: Path | str, out: Path | str | None = None, overwrite: bool = False, on_step: Steps = quiet) -> Path:
    """Write a macro-enabled copy of the master `book` (an .xlsx) with the VBA project, the home
    sheet's buttons and the xlwings.conf sheet; `book` itself is only read. Given an .xlsm, bring
    it up to date in place (project, and the Python its buttons run on this PC)."""
    from trainbook.workbook.file_engine import FileEngine
    from trainbook.workbook.macros import write_macro_enabled
    from trainbook.workbook.safety import file_version, replace_atomically

    book = Path(book)
    engine = FileEngine(book)
    lang = engine.language()
    target = Path(out) if out is not None else book.with_suffix(".xlsm")
    if target.suffix.lower() != ".xlsm":
        raise InputError(message("bad-extension", lang, path=target, allowed=".xlsm"))
    in_place = target.exists() and target.resolve() == book.resolve()
    if target.exists() and not in_place and not overwrite:
        raise InputError(message("buttons-exists", lang, path=target, book=book))
    version = file_version(book) if in_place else None
    on_step(message("step-buttons", lang))
    replace_atomically(target, lambda tmp: write_macro_enabled(book, tmp, lang), lang, version)
    return target


def read(target: object) -> Master:
    """Read a master workbook (a path, an xlwings Book, or an engine) into memory."""
    return engine_for(target).read()


def records(target: object, sheet: str) -> list[BaseModel]:
    """The valid rows of one sheet (by key, e.g. "enrollment") as pydantic models."""
    return sheet_records(read(target), sheet)


def _day(as_of: dt.date | str | None) -> dt.date:
    """The day an operation works as of: the one given (a date, or its text as a coordinator types
    a date in a cell: 2026-11-29, 2026/11/29, 2026年11月29日…), else today."""
    import pandas as pd

    from trainbook import values

    if as_of is None:
        return today()
    if isinstance(as_of, dt.date):
        return as_of.date() if isinstance(as_of, dt.datetime) else as_of
    day = values.date(pd.Series([as_of], dtype=object)).iloc[0] if isinstance(as_of, str) else pd.NaT
    if pd.isna(day):
        try:  # what pandas reads: 2026-11-29T10:00, a numpy datetime64, Nov 29 2026
            day = pd.Timestamp(as_of)
        except (ValueError, TypeError):
            day = pd.NaT
    if pd.isna(day):
        raise InputError(message("bad-day-option", default_lang(), value=as_of))
    return pd.Timestamp(day).date()


def _name(target: object) -> str:
    return Path(str(target)).name


@overload
def validate(target: list[Path] | list[str] | tuple[Path | str, ...], annotate: bool = False,  # type: ignore[overload-overlap]
             on_step: Steps = quiet, as_of: dt.date | str | None = None) -> Reports: ...


@overload
def validate(target: object, annotate: bool = False, on_step: Steps = quiet,
             as_of: dt.date | str | None = None) -> Report: ...


def validate(target: object, annotate: bool = False, on_step: Steps = quiet,
             as_of: dt.date | str | None = None) -> Report | Reports:
    """Validate a master workbook (a path, an xlwings Book, or an engine) and return its Report —
    or, given a list of paths, validate each and return their Reports in order, a book that cannot
    be read among them with its error (one bad book never stops the others).

    With `annotate`, also write the issues sheet and mark the offending cells (earlier marks are
    replaced). Findings about what should have happened by now are as of `as_of` (default: today).
    Raises TrainbookError only when a single workbook cannot be read or written.
    """
    from trainbook.validation import Report, Reports

    if isinstance(target, (list, tuple)):
        reports = Reports()
        for book in target:
            try:
                reports.append(_validate(book, annotate, on_step, as_of))
            except TrainbookError as exc:
                reports.append(Report(str(book), default_lang(), error=exc.message))
        return reports
    return _validate(target, annotate, on_step, as_of)


# A warm call's answer (a running Python: a notebook, a batch): the report of a
# workbook file as it is, by the file's identity and the day. A file that changed in any way is
# another key; one with sends waiting in its journal is read afresh (reading records them).
_REPORTS: dict[tuple[object, ...], Report] = {}
REPORTS_KEPT = 8


def _identity(target: object, day: dt.date) -> tuple[object, ...] | None:
    """What a validation of `target` as of `day` depends on, for a workbook file on disk; None for
    anything else (a book open in Excel changes without its file changing)."""
    from trainbook.workbook.journal import journal_path

    if not isinstance(target, (str, Path)):
        return None
    path = Path(target).resolve()
    try:
        info = path.stat()
    except OSError:
        return None
    if journal_path(path).exists():
        return None
    return str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, day


def _validate(target: object, annotate: bool, on_step: Steps, as_of: dt.date | str | None) -> Report:
    import copy

    from trainbook.validation import run_checks
    from trainbook.validation.annotate import annotation

    day = _day(as_of)
    key = None if annotate else _identity(target, day)
    if key is not None and key in _REPORTS:
        return copy.deepcopy(_REPORTS[key])
    engine = engine_for(target)
    on_step(message("step-read", default_lang(), name=_name(target)))
    master = engine.read(lazy=True)  # checked sheet by sheet as they come in
    ids = assign_ids(master) if annotate else {}
    on_step(message("step-check", master.lang))
    report = run_checks(master, day)
    if key is not None:
        while len(_REPORTS) >= REPORTS_KEPT:
            _REPORTS.pop(next(iter(_REPORTS)))
        _REPORTS[key] = copy.deepcopy(report)
    if annotate:
        on_step(message("step-write", master.lang, name=_name(master.source)))
        update = annotation(report, master)
        update.tables.update(ids)
        engine.write(master, update)
    return report


def merge(book: object, *exports: Path | str, kind: str | None = None, session: str | None = None,
          assessment: str | None = None, dry_run: bool = False, again: bool = False, force: bool = False,
          on_step: Steps = quiet) -> MergeRun:
    """Merge DingTalk export files into a master workbook (a path, an xlwings Book or an engine).

    Each export is detected by content (or `kind`), matched, placed and combined by the settings'
    policy; the same file twice changes nothing, unless `again` asks to land its rows once more
    (idempotently). With `dry_run`, nothing is written. Before anything is written it refuses
    (InputError) a `kind`, `session` or `assessment` that does not fit, and an export whose people
    are nearly all strangers to the program or whose rows fall on none of its sessions — unless
    `force`. With no exports it lands what the coordinator decided on the review sheet.
    """
    from trainbook.importers.merge import begin_reading
    from trainbook.importers.sources import file_sources, likely_kinds

    engine = engine_for(book)
    lang = engine.language()  # what is said of the export files too is in the workbook's language
    paths = list(map(Path, exports))
    likely = [likely_kinds(path, lang, kind) for path in paths]
    # the master is read while the exports are (the reader lets go of Python while it parses)
    master = begin_reading(engine, None if None in likely else [k for kinds in likely if kinds for k in kinds])
    sources = []
    try:
        for path in paths:
            on_step(message("step-read", lang, name=path.name))
            sources.extend(file_sources(path, lang, kind))
    except BaseException:
        master.tables.let_go()
        raise
    return _merge_all(engine, master, sources, session, assessment, dry_run, again, force=force, on_step=on_step)


def merge_pasted(book: object) -> MergeRun:
    """Merge what was pasted into the paste sheet, then empty that sheet (the 合并导入 button)."""
    from trainbook.importers.merge import begin_reading
    from trainbook.importers.sources import pasted_source

    engine = engine_for(book)
    lang = engine.language()
    rows = [row for row in engine.raw("paste") if any(c not in (None, "") for c in row)]
    if not rows:
        raise InputError(message("paste-empty", lang))
    source = pasted_source(rows, lang)
    return _merge_all(engine, begin_reading(engine, [source.kind]), [source], clear=["paste"])


def _merge_all(engine: Engine, master: Master, sources: list[Source], session: str | None = None,
               assessment: str | None = None, dry_run: bool = False, again: bool = False,
               clear: list[str] | None = None, force: bool = False, on_step: Steps = quiet) -> MergeRun:
    import pandas as pd

    from trainbook.importers.landing import sheets_for
    from trainbook.importers.merge import MergeRun, merge_source, read_what_merging_needs, refusal
    from trainbook.importers.review import resolve_reviews
    from trainbook.policy.settings import settings_and_ignored

    read_what_merging_needs(engine, master, sources, assessment is not None)
    require_columns(master, [key for s in sources for key in ("enrollment", *sheets_for(s.kind.gives))])
    for value, sheet, column, key in ((session, "sessions", "session_id", "merge-no-such-session"),
                                      (assessment, "assessments", "assessment_id", "merge-no-such-assessment")):
        known = master.frame(sheet).get(column, pd.Series(dtype=object)).dropna().astype(str).str.strip()
        if value is not None and value not in set(known):
            raise InputError(message(key, master.lang, value=value, known=listing(known.head(12), master.lang) or "—"))
    master.compact()
    changed = assign_ids(master)
    settings, ignored = settings_and_ignored(master)
    resolved = resolve_reviews(master, settings)
    changed.update(resolved.changed)
    run = MergeRun(settings_ignored=ignored, resolved=resolved)
    while sources:  # each export's table is let go as soon as it is merged
        source = sources.pop(0)
        on_step(message("step-merge", master.lang, name=source.name))
        result = merge_source(master, source, settings, session, assessment, again=again)
        if not force and (why := refusal(result, source.kind)):  # before anything is written or logged
            raise InputError(why)
        master.apply(result.changed)
        run.append(result)
    if not run and not resolved.accounts and not resolved.unknown:
        raise InputError(message("merge-nothing", master.lang))
    changed.update({k: v for r in run for k, v in r.changed.items()})
    run.waiting = len(master.frame("review"))
    if (changed or clear) and not dry_run:
        outcome = last_run(master.lang, "merge", files=len(run), inserted=sum(r.inserted for r in run),
                           updated=sum(r.updated for r in run), review=sum(r.review for r in run))
        on_step(message("step-write", master.lang, name=_name(master.source)))
        engine.write(master, Update(tables=changed, clear=clear or [], last_run=outcome))
    return run


def progress(book: object, as_of: dt.date | str | None = None, write: bool = True,
             on_step: Steps = quiet) -> Progress:
    """Compute progress for a master workbook (a path, an xlwings Book or an engine) and, with
    `write`, rewrite its progress sheet and dashboard. Same workbook and `as_of`, same result."""
    from trainbook.metrics import compute, progress_update

    engine, master, ids = _for_progress(book, write, on_step)
    result = compute(master, _day(as_of))
    if write:
        update = progress_update(master, result)
        update.tables.update(ids)
        on_step(message("step-write", master.lang, name=_name(master.source)))
        engine.write(master, update)
    return result


def _for_progress(book: object, write: bool, on_step: Steps,
                  keys: tuple[str, ...] | None = None) -> tuple[Engine, Master, dict[str, pd.DataFrame]]:
    """The engine and master (its sheets `keys`, default all) of an operation that works out
    progress, refused without the sheets progress needs; with `write`, blank ids assigned (the
    changed sheets are returned)."""
    engine = engine_for(book)
    on_step(message("step-read", default_lang(), name=_name(book)))
    master = engine.read(keys, lazy=True)  # attendance, the largest, is worked on last
    require_columns(master, PROGRESS_NEEDS)
    ids = assign_ids(master) if write else {}
    on_step(message("step-compute", master.lang))
    return engine, master, ids


def notices(book: object, as_of: dt.date | str | None = None, out: Path | str | None = None, write: bool = True,
            now: dt.datetime | None = None, on_step: Steps = quiet) -> NoticeRun:
    """Work out the notices due on `as_of` (computing progress first) and, with `write`, rewrite
    the notices sheet; `out` also writes the pending ones to a .csv (for Excel) or a .json of
    DingTalk robot messages. Same workbook and `as_of`, same sheet."""
    from trainbook.notify import sheet_rows, work_out
    from trainbook.notify.digests import write_out
    from trainbook.workbook.edit import unchanged

    engine, master, ids = _for_progress(book, write, on_step)
    result = work_out(master, _day(as_of), now or moment())
    if out is not None:
        write_out(result, master, Path(out))
    rows = sheet_rows(result)
    if write and (ids or "notices" not in master.tables or not unchanged(master.tables["notices"], rows)):
        outcome = last_run(master.lang, "notices", pending=len(result.pending), new=result.new)
        on_step(message("step-write", master.lang, name=_name(master.source)))
        engine.write(master, Update(tables={**ids, "notices": rows}, last_run=outcome))
    return result


def send(book: object, robot: str | None = None, webhook: str | None = None, secret: str | None = None,
         keyword: str | None = None, kinds: list[str] | None = None, dry_run: bool = False,
         clock: Callable[[], float] = seconds, sleep: Callable[[float], None] = time.sleep,
         on_step: Steps = quiet) -> SendRun:
    """Send the pending notices of the notices sheet to a DingTalk robot as digests (group-safe
    kinds unless `kinds` names others) and mark those it accepted 已发送. On any refusal it stops,
    keeps what was sent marked, and raises an InputError saying what happened and what to do."""
    from trainbook.notify.sending import send_pending
    from trainbook.policy.settings import read_settings

    engine = engine_for(book)
    master = engine.read(["enrollment", "groups", "notices", "settings", "templates", "sessions", "materials"])
    return send_pending(engine, master, robot or read_settings(master).robot or None, webhook, secret, keyword, kinds,
                        dry_run, clock, sleep, on_step)


def send_private(book: object, app: str | App | None = None, mail: str | MailAccount | None = None,
                 kinds: list[str] | None = None,
                 dry_run: bool = False, appkey: str | None = None, appsecret: str | None = None,
                 agent_id: str | int | None = None, clock: Callable[[], float] = seconds,
                 sleep: Callable[[float], None] = time.sleep, on_step: Steps = quiet) -> PrivateRun:
    """Send each pending personal notice (报名确认, 缺勤跟进, 学习预警 and its copies, 结业通知…; or the
    `kinds` named) to its own recipient: a DingTalk work notice through the app (`app`, or the
    settings' 钉钉应用, or the environment; or an App), else an e-mail through the mail account (a
    name, or a MailAccount); mark each once its channel took it. With `dry_run`, say who would get
    what by which channel, and contact nobody."""
    from trainbook.notify.mail import MailAccount, find_mail
    from trainbook.notify.private import send_private as send_each
    from trainbook.notify.worknotice import App, find_app
    from trainbook.policy.settings import read_settings

    engine = engine_for(book)
    master = engine.read(["enrollment", "groups", "notices", "settings", "templates", "sessions", "materials"])
    settings, lang = read_settings(master), master.lang
    account = app if isinstance(app, App) else find_app(lang, app or settings.dingtalk_app or None, appkey, appsecret,
                                                         agent_id)
    mailer = mail if isinstance(mail, MailAccount) else find_mail(lang, mail or settings.mail_account or None,
                                                                  settings.organizer or settings.program_name)
    return send_each(engine, master, account, mailer, kinds, dry_run, clock, sleep, on_step)


def send_all(book: object, clock: Callable[[], float] = seconds, sleep: Callable[[float], None] = time.sleep,
             on_step: Steps = quiet) -> list[SendRun | PrivateRun]:
    """What the 发送通知 button does: the group digests to the robot (when one is set up in the
    settings or the environment), then each personal notice to its own recipient (when an app or a
    mail account is)."""
    import os

    from trainbook.notify.robot import ENV_WEBHOOK
    from trainbook.notify.worknotice import ENV as APP_ENV
    from trainbook.policy.settings import read_settings

    engine = engine_for(book)
    settings = read_settings(engine.read(["settings"]))
    group = bool(settings.robot or os.environ.get(ENV_WEBHOOK))
    private = bool(settings.dingtalk_app or settings.mail_account or os.environ.get(APP_ENV["appkey"])
                   or os.environ.get("TRAINBOOK_SMTP_HOST"))
    runs: list[SendRun | PrivateRun] = []
    if group or not private:  # with nothing set up, the robot's message says what to set up
        runs.append(send(engine, clock=clock, sleep=sleep, on_step=on_step))
    if private:
        runs.append(send_private(engine, clock=clock, sleep=sleep, on_step=on_step))
    return runs


def todo(book: object, as_of: dt.date | str | None = None, write: bool = True, on_step: Steps = quiet) -> Todo:
    """What needs doing now, by stage and owner, most urgent first; with `write`, shown on 首页 too
    (and a 流程 sheet added to a workbook made before it had one)."""
    import pandas as pd

    from trainbook.schema.sheets import first_rows
    from trainbook.todolist import work_out

    engine = engine_for(book)
    on_step(message("step-read", default_lang(), name=_name(book)))
    master = engine.read()
    on_step(message("step-compute", master.lang))
    result = work_out(master, _day(as_of))
    if write:
        on_step(message("step-write", master.lang, name=_name(master.source)))
        tables = {"stages": pd.DataFrame(first_rows("stages", master.lang))} if "stages" not in master.tables else {}
        try:
            engine.write(master, Update(tables=tables, panels=[result.panel()]))
        except WriteError as exc:  # open in Excel: the list still stands, 首页 waits for the next time
            result.unwritten = exc.message
    return result


def followup(book: object, as_of: dt.date | str | None = None, out: Path | str | None = None,
             write: bool = True, on_step: Steps = quiet) -> FollowupRun:
    """The follow-up list as of `as_of`: after the end every approved student who has not completed
    (and those who withdrew), before it those at high risk — with what they lack, their last
    attendance, contacts and what to offer; with `write`, the 跟进 sheet (its 跟进记录 kept), and
    `out` a .csv of it for Excel."""
    from trainbook.followups import work_out
    from trainbook.metrics import compute
    from trainbook.schema.sheets import BY_KEY

    engine, master, _ = _for_progress(book, False, on_step)
    target = Path(out) if out is not None else None
    if target is not None and target.suffix.lower() != ".csv":
        raise InputError(message("out-csv", master.lang, path=target))
    result = work_out(master, compute(master, _day(as_of)))
    if target is not None:
        from trainbook import values
        from trainbook.outputs import write_file

        headers = {c.key: c.header(master.lang) for c in BY_KEY["followup"].columns}
        table = result.rows.rename(columns=headers).astype(object).map(values.inert)
        write_file(target, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig"), master.lang)
        result.out = str(target)
    if write:
        on_step(message("step-write", master.lang, name=_name(master.source)))
        outcome = last_run(master.lang, "followup", count=len(result.rows))
        engine.write(master, Update(tables={"followup": result.rows}, last_run=outcome))
    return result


def next_program(old: Path | str, new: Path | str, start: dt.date | str | None = None, name: str | None = None,
                 retrain: bool = False, as_of: dt.date | str | None = None, force: bool = False,
                 on_step: Steps = quiet) -> NextProgram:
    """Make the next program's master `new` from `old`: the setup and plan carried (sessions moved so
    the first is on `start`, the gaps kept; tasks and materials with them; settings with `name`), the
    records left behind; with `retrain`, those the follow-up list (as of `as_of`) sends to 复训
    enrolled again. `old` is only read; `new` must not exist unless `force` (and is never `old` or
    another workbook's link)."""
    import shutil

    import pandas as pd

    from trainbook.nextprogram import EMPTIED, plan_next
    from trainbook.outputs import refuse_target
    from trainbook.printing.qr import hint
    from trainbook.workbook.file_engine import FileEngine
    from trainbook.workbook.safety import replace_atomically

    old, new = Path(old), Path(new)
    engine = FileEngine(old)
    lang = engine.language()
    if new.suffix.lower() != old.suffix.lower():
        raise InputError(message("next-suffix", lang, path=new, suffix=old.suffix))
    if new.exists() and new.resolve() == old.resolve():
        raise InputError(message("next-same", lang, path=new))
    if new.exists() and not force:
        raise InputError(message("next-exists", lang, path=new))
    if new.is_symlink() or new.is_dir():
        refuse_target(new, lang)
    day = _day(start) if start is not None else None
    on_step(message("step-read", lang, name=old.name))
    master = engine.read()
    require_columns(master, PROGRESS_NEEDS)
    people = None
    if retrain:
        from trainbook.followups import work_out
        from trainbook.metrics import compute
        from trainbook.policy.plan import program_ended

        result = compute(master, _day(as_of))
        if not program_ended(result.settings, result.plan, pd.Timestamp(result.as_of)):
            last = result.plan["date"].max()
            raise InputError(message("next-start-past", lang, as_of=result.as_of,
                                     last=f"{last:%Y-%m-%d}" if pd.notna(last) else "—"))
        run = work_out(master, result)
        enrolled = master.frame("enrollment")
        ids = enrolled["student_id"].astype(str) if "student_id" in enrolled else pd.Series(dtype=str)
        people = enrolled[ids.isin(set(run.retrain))].drop_duplicates("student_id").copy()
        lacks = dict(zip(run.rows["student_id"].astype(str), run.rows["lacks"]))
        people["lacks"] = [lacks.get(str(s), "") for s in people["student_id"]]
    plan = plan_next(master, day, name, people, _day(as_of))

    def copy(tmp: Path) -> None:
        shutil.copyfile(old, tmp)

    new.parent.mkdir(parents=True, exist_ok=True)
    on_step(message("step-create", lang, name=new.name))
    replace_atomically(new, copy, lang, None)
    fresh = FileEngine(new)
    emptied = fresh.read()
    pages = ["qr"] if "qr" in emptied.names else []  # the QR pages' pictures, page breaks and hint go too
    fresh.write(emptied, Update(emptied=[k for k in EMPTIED if k in emptied.names], pictures={k: [] for k in pages},
                                row_breaks={k: [] for k in pages}, panels=[hint(lang, False) for _ in pages]))
    fresh.write(fresh.read(), Update(tables=plan.tables, last_run=last_run(lang, "next", name=plan.name)))
    todo(new)  # 首页's 待办: what to fill first
    plan.path = str(new)
    return plan


def collect(books: list[Path | str] | Path | str, out: Path | str, as_of: dt.date | str | None = None,
            jobs: int = 1, on_step: Steps = quiet, lang: Lang | None = None) -> CollectRun:
    """Gather master workbooks (paths, or folders meaning every master in them) into `out`: the
    DuckDB database trainbook.duckdb and Parquet under parquet/<table>/program=<key>/ — programs,
    students, sessions, attendance, tasks, submissions, scores, feedback, progress as of `as_of`,
    and people across programs. A program collected again replaces its rows; a book that cannot be
    read is skipped with its reason and the others land. `jobs` books are read at once; `lang` is
    what the run says (default: the command line's)."""
    from trainbook.batch import run_batch
    from trainbook.outputs import is_master
    from trainbook.warehouse import Collected, CollectRun, collect_one, store

    lang = lang or default_lang()
    paths: list[Path] = []
    for given in [books] if isinstance(books, (str, Path)) else books:
        given = Path(given)
        if given.is_dir():
            paths += sorted(p for p in given.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm")
                            and not p.name.startswith((".", "~$")) and is_master(p))
        else:
            paths.append(given)
    if not paths:
        raise InputError(message("collect-nothing", lang))
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError(message("out-is-file", lang, path=target))
    day = _day(as_of)
    on_step(message("collect-reading", lang, count=len(paths)))
    found = run_batch(collect_one, [(str(p), day, PROGRESS_NEEDS, lang) for p in paths], jobs,
                      crashed=lambda item: Collected(item[0], reason=message("file-crashed", lang, path=item[0])),
                      broke=lambda item, exc: Collected(item[0], reason=message("internal-error", lang, detail=exc)))
    newest: dict[str, Collected] = {}  # two books of one program: the one saved last is its state
    for book in found:
        if not book.reason:
            if book.program not in newest or Path(book.path).stat().st_mtime >= Path(newest[book.program].path).stat().st_mtime:
                newest[book.program] = book
    for book in found:
        if not book.reason and newest[book.program] is not book:
            book.reason = message("collect-replaced", lang, path=book.path, by=newest[book.program].path)
            book.tables = {}
    if all(book.reason for book in found):
        raise InputError("\n".join([message("collect-none", lang), *(f"  {b.path}: {b.reason}" for b in found)]))
    on_step(message("step-write", lang, name=str(target)))
    store(target, found, lang)
    return CollectRun(lang, target, found)


def certificates(book: object, as_of: dt.date | str | None = None, out: Path | str | None = None,
                 on_step: Steps = quiet) -> CertificateRun:
    """Write a certificate PDF for every student whose certificate is 是 as of `as_of` (and one to
    print them all) into `out` (default: a folder beside the workbook), and list them with their
    verification codes in the certificates sheet."""
    from trainbook.printing.certificates import work_out

    engine, master, _ = _for_progress(book, False, on_step)
    folder = _folder(out, master, message("folder-certificates", master.lang))
    result = work_out(master, _day(as_of), folder, on_step)
    on_step(message("step-write", master.lang, name=_name(master.source)))
    outcome = last_run(master.lang, "certificates", count=len(result.files))
    engine.write(master, Update(tables={"certificates": result.rows}, last_run=outcome))
    return result


def _folder(out: Path | str | None, master: Master, what: str) -> Path:
    """Where an operation prints to: `out`, else a folder beside the workbook; never a file."""
    folder = Path(out) if out else _beside(master, what)
    if folder.exists() and not folder.is_dir():
        raise InputError(message("out-is-file", master.lang, path=folder))
    return folder


def _beside(master: Master, what: str) -> Path:
    """A folder next to the workbook for what an operation prints (the current folder for a book in Excel)."""
    source = Path(str(master.source))
    return (source.parent if source.parent != Path("") else Path.cwd()) / f"{source.stem}-{what}"


def qr(book: object, out: Path | str | None = None, sessions: list[str] | None = None,
       on_step: Steps = quiet) -> QrRun:
    """A check-in QR code per session with a check-in link (or those in `sessions`): PNGs in `out`
    (default: a folder beside the workbook) and the 签到二维码 sheet, a printed page each."""
    from trainbook.printing.qr import work_out
    from trainbook.schema.sheets import BY_KEY
    from trainbook.workbook.master import layout_table

    engine = engine_for(book)
    on_step(message("step-read", default_lang(), name=_name(book)))
    master = engine.read(["sessions", "settings"])
    require_columns(master, ["sessions", "qr"])
    folder = _folder(out, master, message("folder-qr", master.lang))
    result = work_out(master, folder, sessions, on_step)
    on_step(message("step-write", master.lang, name=_name(master.source)))
    master.tables["qr"] = layout_table(BY_KEY["qr"], master.names["qr"], result.cells)
    outcome = last_run(master.lang, "qr", count=len(result.files))
    engine.write(master, Update(tables={"qr": result.cells}, pictures={"qr": result.pictures},
                                row_breaks={"qr": result.breaks}, last_run=outcome, panels=[result.hint()]))
    return result


def share(book: object, out: Path | str | None = None, as_of: dt.date | str | None = None, by: str | None = None,
          lang: Lang | None = None, on_step: Steps = quiet) -> ShareRun:
    """Write the manager report of the master `book` as of `as_of`: a new workbook of values only
    (mobiles masked; no e-mail, notes, formulas, macros or links) at `out` (default: beside the
    workbook), or with `by="department"` one per department into the folder `out`. The master is
    only read. `lang` overrides the master's language."""
    from trainbook.metrics import compute
    from trainbook.outputs import is_master
    from trainbook.report import write_reports

    if out is not None and not str(out).strip():
        raise InputError(message("share-out-xlsx", default_lang(), suggest="报表.xlsx"))
    _, master, _ = _for_progress(book, False, on_step, SHARE_READS)
    lang = lang or master.lang
    if lang not in LANGS:
        raise InputError(message("bad-lang", master.lang, value=lang))
    if by not in (None, "department"):
        raise InputError(message("share-by-unknown", lang, value=by))
    master.lang = lang  # the figures' words (what is still needed, 其他) in the report's language
    what = message("folder-report", lang)
    if by:
        if out and Path(out).suffix.lower() in (".xlsx", ".xlsm"):
            raise InputError(message("share-out-folder", lang, path=out))
        target = _folder(out, master, what)
    else:
        default = _beside(master, what)
        target = Path(out) if out else default.with_name(default.name + ".xlsx")
        if target.suffix.lower() != ".xlsx" or target.name.lower() == ".xlsx":
            raise InputError(message("share-out-xlsx", lang, suggest=default.name + ".xlsx"))
        if target.exists() and is_master(target):  # this master, or another: a report never replaces one
            raise InputError(message("share-out-is-master", lang, path=target))
    result = compute(master, _day(as_of))
    if by and result.students.empty:
        raise InputError(message("share-no-students", lang, path=_name(master.source)))
    on_step(message("step-write", lang, name=target.name))
    return write_reports(master, result, target, lang, by_department=by is not None)
