"""Pending notices as DingTalk robot messages — one digest per kind and group (or tutor, or manager),
each under the robot's size limit, everyone named @-mentioned — and as a CSV for Excel (SPEC §7)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import Lang, message
from trainbook.notify import NoticeRun, kind_label, sheet_rows
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
    enrollment = values.typed(master.frame("enrollment"), BY_KEY["enrollment"])
    groups = values.typed(master.frame("groups"), BY_KEY["groups"])
    names = dict(zip(groups.get("group_id", []), groups.get("name", [])))
    return {sid: (gid or "", names.get(gid) or gid or "") for sid, gid in
            zip(enrollment.get("student_id", []), enrollment.get("group_id", [None] * len(enrollment)))
            if isinstance(sid, str)}


def digests(run: NoticeRun, groups: dict[str, tuple[str, str]], kinds: Iterable[str] | None = None,
            keyword: str = "") -> list[Digest]:
    """The pending notices that have a text, as robot markdown messages."""
    lang = run.lang
    todo = run.pending[run.pending["body"].notna()]
    todo = todo.assign(mobile=todo["mobile"].astype(object).where(todo["mobile"].notna(), None))
    if kinds is not None:
        todo = todo[todo["kind"].isin(set(kinds))]
    everyone = message("notices-everyone", lang)
    todo = todo.assign(_to=[groups.get(s, ("", ""))[1] or everyone if a == "student" else f"{r or ''} {m or ''}".strip()
                            for s, a, r, m in zip(todo["student_id"], todo["audience"], todo["recipient"],
                                                  todo["mobile"])])
    out = []
    for (kind, audience, to), rows in todo.groupby(["kind", "audience", "_to"], sort=False, dropna=False):
        title = f"{kind_label(kind, lang)} · {to if audience == 'student' else rows['recipient'].iloc[0] or to}"
        head = f"#### {title}\n\n"
        if audience != "student":  # a copy: the tutor or manager is the one mentioned
            mobile = rows["mobile"].dropna()
            head += f"@{mobile.iloc[0]} " if len(mobile) else ""
            head += message("notices-copy", lang, name=rows["recipient"].iloc[0] or "") + "\n\n"
        lines = [(_line(r, lang, audience), r["notice_id"], r["mobile"] if audience == "student" else None)
                 for r in rows.to_dict("records")]
        chunk: list[tuple[str, str, Any]] = []
        for line in lines:
            if chunk and _size(_payload(title, head, chunk + [line], keyword, rows)) > MAX_BYTES:
                out.append(Digest(kind, [c[1] for c in chunk], _payload(title, head, chunk, keyword, rows)))
                chunk = []
            chunk.append(line)
        if chunk:
            out.append(Digest(kind, [c[1] for c in chunk], _payload(title, head, chunk, keyword, rows)))
    return out


def _line(row: dict[str, Any], lang: Lang, audience: str) -> str:
    colon = "：" if lang == "zh" else ": "
    if audience == "student" and row["mobile"]:
        return f"- @{row['mobile']} {row['body']}"  # the mention shows the name
    who = row["recipient"] if audience == "student" else row["student_id"]
    if audience == "student" and who and str(row["body"]).startswith(str(who)):
        return f"- {row['body']}"  # the text names its reader already
    return f"- {who or row['student_id']}{colon}{row['body']}"


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
    formula) or .json (the robot messages)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError(message("notices-out-kind", run.lang, path=path))
    try:
        _write(run, master, path, suffix)
    except OSError as exc:
        raise InputError(message("out-failed", run.lang, path=path, detail=exc.strerror or type(exc).__name__)) from exc


def _write(run: NoticeRun, master: Master, path: Path, suffix: str) -> None:
    if suffix == ".json":
        payloads = [d.payload for d in digests(run, group_names(master))]
        path.write_text(json.dumps(payloads, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        rows = sheet_rows(NoticeRun(run.as_of, run.pending, run.lang))
        rows.columns = [c.header(run.lang) for c in BY_KEY["notices"].columns]
        rows = rows.astype(object).map(values.inert)
        rows.to_csv(path, index=False, encoding="utf-8-sig")
