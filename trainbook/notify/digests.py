"""Pending notices as DingTalk robot messages — one digest per kind and group (or tutor, or manager),
each under the robot's size limit, everyone named @-mentioned — and as a CSV for Excel."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pandas as pd

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.notify import NoticeRun, kind_label, sheet_rows
from trainbook.outputs import write_file
from trainbook.policy.plan import checkin_url, session_plan
from trainbook.policy.settings import read_settings
from trainbook.schema.notice_templates import GROUP_SAFE
from trainbook.schema.sheets import BY_KEY
from trainbook.workbook.master import Master

MAX_BYTES = 15_000  # the robot refuses a body over 20,000 bytes; leave room for signing and headers


@dataclass
class Digest:
    """One robot message and the notices it carries."""

    kind: str
    notice_ids: list[str]
    payload: dict[str, Any]


def group_names(master: Master) -> dict[str, tuple[str, str]]:
    """student_id → (group_id, group name) for the digests."""
    enrollment = master.typed("enrollment")
    groups = master.typed("groups")
    names = dict(zip(groups.get("group_id", []), groups.get("name", [])))
    return {sid: (gid or "", names.get(gid) or gid or "") for sid, gid in
            zip(enrollment.get("student_id", []), enrollment.get("group_id", [None] * len(enrollment)))
            if isinstance(sid, str)}


def allowed_links(master: Master) -> set[str]:
    """The web addresses a message may link to: the sessions' check-in links (their own, or built
    from the settings' template) and the materials' links — http(s) only."""
    settings = read_settings(master)
    plan = session_plan(master)
    found = [checkin_url(row, str(sid), settings) for sid, row in plan.iterrows()]
    materials = master.frame("materials")
    found += list(values.text(materials["link"]).dropna()) if "link" in materials else []
    found = [link.strip() for link in found if link and link.strip()]
    ok = values.url_ok(pd.Series(found, dtype=object)) if found else pd.Series(dtype=bool)
    return {link for link, good in zip(found, ok) if good}


MARKDOWN = str.maketrans({"[": "［", "]": "］", "(": "（", ")": "）", "!": "！", "<": "＜", ">": "＞", "*": "＊",
                          "_": "＿", "#": "＃", "`": "｀", "|": "｜", "@": "＠", "~": "～", "\n": " ", "\r": " "})


def inert(text: object, links: set[str]) -> str:
    """Text from the workbook made plain in a DingTalk markdown message: no link, image, heading,
    emphasis or @-mention anyone typed makes it through — only the workbook's own web addresses
    (`links`) are links."""
    plain = str(text)
    pattern = "|".join(re.escape(link) for link in sorted(links, key=len, reverse=True))
    pieces = re.split(f"({pattern})", plain) if pattern else [plain]
    return "".join(f"[{p}]({p})" if p in links else p.translate(MARKDOWN).replace("://", "：//") for p in pieces)


def digests(run: NoticeRun, master: Master, kinds: Iterable[str] | None = None, keyword: str = "") -> list[Digest]:
    """The pending notices that have a text, as robot markdown messages: everything taken from the
    workbook inert, each mention a real mobile number."""
    lang = run.lang
    groups, links = group_names(master), allowed_links(master)
    todo = run.pending[run.pending["body"].notna()]
    todo = todo.assign(mobile=values.mobile(todo["mobile"].astype(object)).astype(object))  # only a number is mentioned
    todo = todo.assign(mobile=todo["mobile"].where(todo["mobile"].notna(), None))
    if kinds is not None:
        todo = todo[todo["kind"].isin(set(kinds))]
    everyone = message("notices-everyone", lang)
    todo = todo.assign(_to=[groups.get(s, ("", ""))[1] or everyone if a == "student" else f"{r or ''} {m or ''}".strip()
                            for s, a, r, m in zip(todo["student_id"], todo["audience"], todo["recipient"],
                                                  todo["mobile"])])
    out = []
    for (kind, audience, to), rows in cast(Iterable[tuple[tuple[str, str, str], pd.DataFrame]],
                                           todo.groupby(["kind", "audience", "_to"], sort=False, dropna=False)):
        title = inert(f"{kind_label(kind, lang)} · {to if audience == 'student' else rows['recipient'].iloc[0] or to}", set())
        head = f"#### {title}\n\n"
        if audience != "student":  # a copy: the tutor or manager is the one mentioned
            mobile = rows["mobile"].dropna()
            head += f"@{mobile.iloc[0]} " if len(mobile) else ""
            head += inert(message("notices-copy", lang, name=rows["recipient"].iloc[0] or ""), set()) + "\n\n"
        lines = [(_line(r, lang, audience, links), r["notice_id"], r["mobile"] if audience == "student" else None)
                 for r in cast(list[dict[str, Any]], rows.to_dict("records"))]
        chunk: list[tuple[str, str, Any]] = []
        for line in lines:
            if chunk and _size(_payload(title, head, chunk + [line], keyword, rows)) > MAX_BYTES:
                out.append(Digest(kind, [c[1] for c in chunk], _payload(title, head, chunk, keyword, rows)))
                chunk = []
            chunk.append(line)
        if chunk:
            out.append(Digest(kind, [c[1] for c in chunk], _payload(title, head, chunk, keyword, rows)))
    return out


def _line(row: dict[str, Any], lang: Lang, audience: str, links: set[str]) -> str:
    body = inert(row["body"], links)
    if audience == "student" and row["mobile"]:
        return f"- @{row['mobile']} {body}"  # the mention shows the name
    who = row["recipient"] if audience == "student" else row["student_id"]
    if audience == "student" and who and str(row["body"]).startswith(str(who)):
        return f"- {body}"  # the text names its reader already
    return "- " + message("labelled", lang, label=inert(who or row["student_id"], set()), value=body)


def _payload(title: str, head: str, lines: list[tuple[str, str, Any]], keyword: str, rows: pd.DataFrame,
             ) -> dict[str, Any]:
    text = head + "\n".join(line for line, _, _ in lines)
    if keyword and keyword not in text:
        text += f"\n\n{keyword}"
    mobiles = [str(m) for _, _, m in lines if m]
    if "@" in head:
        mobiles.insert(0, str(rows["mobile"].dropna().iloc[0]))
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text},
            "at": {"atMobiles": list(dict.fromkeys(mobiles)), "isAtAll": False}}


def _size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, ensure_ascii=False).encode())


def write_out(run: NoticeRun, master: Master, path: Path) -> None:
    """The pending notices to `path`: .csv (UTF-8 with BOM, opens in Excel; nothing in it runs as a
    formula; every kind, for sending by hand) or .json (the group robot's messages: the group-safe
    kinds only, as `send` posts them)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError(message("notices-out-kind", run.lang, path=path))
    if suffix == ".json":
        data = json.dumps([d.payload for d in digests(run, master, GROUP_SAFE)], ensure_ascii=False, indent=2).encode()
        write_file(path, lambda tmp: tmp.write_bytes(data), run.lang)
    else:
        rows = sheet_rows(NoticeRun(run.as_of, run.pending, run.lang))
        rows.columns = [c.header(run.lang) for c in BY_KEY["notices"].columns]
        rows = rows.astype(object).map(values.inert)
        write_file(path, lambda tmp: rows.to_csv(tmp, index=False, encoding="utf-8-sig"), run.lang)
