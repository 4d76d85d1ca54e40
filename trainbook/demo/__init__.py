"""`trainbook demo`: a realistic sample program built into a master workbook, its DingTalk exports
written and merged, and every operation run on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from trainbook.demo.exports import program_exports
from trainbook.demo.program import finished_program, sample_program
from trainbook.i18n import Lang, listing, message, pick
from trainbook.notify.local_dingtalk import LocalDingTalk
from trainbook.notify.local_mail import LocalMail
from trainbook.notify.local_robot import LocalRobot
from trainbook.notify.mail import MailAccount
from trainbook.notify.worknotice import App
from trainbook.operations import (
    buttons,
    certificates,
    collect,
    followup,
    init,
    merge,
    next_program,
    notices,
    progress,
    qr,
    read,
    send,
    send_private,
    share,
    todo,
    validate,
)
from trainbook.schema.buttons import BUTTONS
from trainbook.schema.columns import labels
from trainbook.schema.sheets import FEEDBACK_SCOPE, NOTICE_CHANNEL
from trainbook.warehouse import history
from trainbook.workbook.engine import Update
from trainbook.workbook.file_engine import FileEngine

RECORDS = ("attendance", "submissions", "scores", "feedback")
AS_OF = dt.date(2026, 11, 29)  # the sample program's "today": sessions up to C08 have been held
FINISHED_AS_OF = dt.date(2026, 12, 17)  # the day after the last session of the finished copy
NEXT_START = dt.date(2027, 3, 1)  # the next cohort's first session: a Monday, as the first one's
DEMO_SECRET = "SEC-demo-robot"  # the local robot's: a real one's secret never appears in code or workbooks


def build_demo_book(path: Path, lang: Lang = "zh", records: bool = True, finished: bool = False) -> Path:
    """Create `path` as a master holding the sample program; without `records`, only the roster
    and plan (what a coordinator has before the first DingTalk export comes in); `finished`, the
    program once it is over (for certificates)."""
    init(path, lang=lang, overwrite=True)
    engine = FileEngine(path, lang)
    tables = finished_program(lang) if finished else sample_program(lang)
    if not records:
        tables = {k: v for k, v in tables.items() if k not in RECORDS}
    master = engine.read()
    tables["settings"] = _program_facts(master.frame("settings"), tables["sessions"], lang)
    tables["stages"] = _owners(master.frame("stages"))
    engine.write(master, Update(tables=tables))
    return path


OWNERS = {  # who owns each stage of the sample program (by the stage's place in the process)
    0: ("周敏", "13900004444"), 1: ("周敏", "13900004444"), 2: ("王老师", "13900001111"), 3: ("王老师", "13900001111"),
    4: ("李老师", "13900002222"), 5: ("李老师", "13900002222"), 6: ("周敏", "13900004444"), 7: ("周敏", "13900004444"),
    8: ("周敏", "13900004444"), 9: ("周敏", "13900004444")}


def _owners(stages: pd.DataFrame) -> pd.DataFrame:
    """The 流程 sheet as the template has it, with an owner and a mobile for every stage."""
    filled: pd.DataFrame = stages.copy()
    filled["owner"] = [OWNERS.get(i, ("", ""))[0] for i in range(len(filled))]
    filled["owner_mobile"] = [OWNERS.get(i, ("", ""))[1] for i in range(len(filled))]
    return filled


def _program_facts(settings: pd.DataFrame, sessions: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The settings sheet as the template has it, with the sample program's name, organizer and dates."""
    facts = {"program_name": pick(lang, "2026 新员工入职培训", "2026 New-hire Onboarding"),
             "organizer": pick(lang, "人力资源部 · 培训中心", "HR · Training Center"),
             "start_date": f"{pd.Timestamp(sessions['date'].min()):%Y-%m-%d}",  # as typed: the value column is text
             "end_date": f"{pd.Timestamp(sessions['date'].max()):%Y-%m-%d}"}
    filled: pd.DataFrame = settings.copy()
    filled["value"] = [facts.get(key, value) for key, value in zip(settings["key"], settings["value"])]
    return filled


def _send_private(path: Path, lang: Lang, echo: Callable[[str], None]) -> None:
    """The personal notices, each to its person: by DingTalk work notice through an app on a
    DingTalk-like server on this computer (it knows the tutors and managers by mobile; one student
    has left the organisation), by e-mail through a mail server on this computer for those without
    DingTalk — and who got what by which channel."""
    people = read(path).frame("enrollment")
    groups = read(path).frame("groups")
    stages = read(path).frame("stages")
    mobiles = [*people["manager_mobile"].dropna(), *groups["tutor_mobile"].dropna(), *stages["owner_mobile"].dropna()]
    directory = {str(m): f"0931{i:012d}" for i, m in enumerate(dict.fromkeys(mobiles))}  # DingTalk's userids
    left = {str(people["dingtalk_userid"].dropna().iloc[-1])}
    with LocalDingTalk(directory=directory, invalid=left) as api, LocalMail() as mailbox:
        app = App(pick(lang, "本机演示应用", "demo app"), api.appkey, api.appsecret, api.agent_id, api.url)
        mail = MailAccount(pick(lang, "本机演示邮箱", "demo mailbox"), "127.0.0.1", mailbox.port, mailbox.user,
                           mailbox.password, mailbox.user, "none", pick(lang, "人力资源部 · 培训中心", "HR"))
        run = send_private(path, app=app, mail=mail)
    echo(message("demo-private", lang, summary=run.summary()))
    rows = read(path).frame("notices")
    done = rows[rows["channel"].notna() & (rows["channel"] != labels(NOTICE_CHANNEL, lang)["robot"])]
    for (kind, channel), who in done.groupby(["kind", "channel"])["recipient"]:
        count, names = len(who), listing(who.head(3), lang)
        echo(message("demo-channel", lang, kind=kind, channel=channel, count=count, names=names))


def _feedback(path: Path, lang: Lang, echo: Callable[[str], None]) -> None:
    """What progress made of the survey: its themes, and the improvement actions it proposed."""
    master = read(path)
    rows, actions = master.frame("feedback_analysis"), master.frame("actions")
    scope = labels(FEEDBACK_SCOPE, lang)
    counts = {"comments": int((rows["scope"] == scope["comment"]).sum()),
              "themes": int((rows["scope"] == scope["theme"]).sum())}
    echo(message("demo-feedback", lang, **counts, count=len(actions), actions=listing(actions["action_id"], lang))
         if len(actions) else message("demo-feedback-none", lang, **counts))


def run_demo(folder: Path, lang: Lang = "zh", echo: Callable[[str], None] = print) -> Path:
    """Build the sample program in `folder`, merge its exports, validate, and say what happened."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / pick(lang, "培训项目-示例.xlsx", "demo-program.xlsx")
    build_demo_book(path, lang, records=False)
    exports = program_exports(sample_program("zh"), folder / pick(lang, "钉钉导出", "dingtalk-exports"))
    echo(message("demo-built", lang, path=path, count=len(exports), folder=exports[0].parent))
    for line in merge(path, *exports).summary(lang).splitlines():
        echo(f"  {line}")
    echo(progress(path, as_of=AS_OF).summary())
    _feedback(path, lang, echo)
    report = validate(path, annotate=True, as_of=AS_OF)
    echo(message("demo-mistakes", lang, summary=report.summary(annotated=True)))
    for line in report.lines():
        echo(line)
    csv_out = folder / pick(lang, "通知.csv", "notices.csv")
    run = notices(path, as_of=AS_OF, out=csv_out)
    json_out = folder / pick(lang, "钉钉机器人消息.json", "robot-messages.json")
    notices(path, as_of=AS_OF, out=json_out, write=False)
    for line in run.summary().splitlines():
        echo(line)
    with LocalRobot(secret=DEMO_SECRET) as robot:  # a DingTalk-like robot on this computer: all offline
        sent = send(path, webhook=robot.url, secret=DEMO_SECRET)
    echo(message("demo-sent", lang, summary=sent.summary()))
    for payload in robot.received:
        echo(message("demo-robot-message", lang, title=payload["markdown"]["title"], count=len(payload["at"]["atMobiles"])))
    echo(message("demo-notice-files", lang, csv=csv_out.name, json=json_out.name))
    _send_private(path, lang, echo)
    echo(qr(path).summary())
    echo(share(path, as_of=AS_OF).summary())
    echo(share(path, as_of=AS_OF, by="department").summary())
    finished = build_demo_book(folder / pick(lang, "培训项目-结业示例.xlsx", "demo-program-finished.xlsx"), lang,
                               finished=True)
    echo(message("demo-finished", lang, path=finished.name))
    echo("  " + certificates(finished, as_of=FINISHED_AS_OF).summary())
    echo("  " + followup(finished, as_of=FINISHED_AS_OF, out=folder / pick(lang, "跟进名单.csv", "follow-up.csv")).summary())
    following = next_program(finished, folder / pick(lang, "培训项目-下一期.xlsx", "demo-program-next.xlsx"),
                             start=NEXT_START, name=pick(lang, "2027 新员工入职培训（第一期）", "2027 New-hire Onboarding"),
                             retrain=True, as_of=FINISHED_AS_OF, force=True)
    echo("  " + following.summary())
    warehouse = folder / pick(lang, "汇总", "warehouse")
    for line in collect([path, finished, Path(following.path)], warehouse, as_of=FINISHED_AS_OF,
                        lang=lang).summary().splitlines():
        echo(line)
    echo(message("demo-collect", lang, path=warehouse))
    for line in history(warehouse, lang):
        echo(line)
    to_do = todo(path, as_of=AS_OF)  # on 首页 under the buttons, in the .xlsm too
    macro_book = buttons(path, overwrite=True)
    echo(message("demo-buttons", lang, path=macro_book, captions=listing((b.caption(lang) for b in BUTTONS), lang)))
    echo(to_do.summary())
    echo(message("demo-open", lang, path=path.resolve()))
    return path
