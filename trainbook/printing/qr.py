"""`qr`: a check-in QR code for every session that has a check-in link (its own, or one
built from the settings' template) — a PNG each, and the 签到二维码 sheet printing one A4 page per
session: program, title, date and time, location, session id, the code, and the link in small print."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import qrcode

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import Lang, listing, message
from trainbook.outputs import safe_name, staged, unique_names
from trainbook.policy.plan import checkin_url, session_plan
from trainbook.policy.settings import read_settings
from trainbook.workbook.engine import Picture
from trainbook.workbook.master import Master

BLOCK = 40  # sheet rows per session: one A4 portrait page at 100 %
CODE_ROW, CODE_COL, CODE_CM = 7, 1, 12.0  # where the code sits in its block, and its size
URL_ROW = 32


@dataclass
class QrRun:
    """The 签到二维码 sheet's cells, its pictures and page ends (every session with a link), and
    the PNG files written."""

    cells: pd.DataFrame
    pictures: list[Picture] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    without_link: list[str] = field(default_factory=list)
    not_web: list[str] = field(default_factory=list)  # sessions whose link is no web address: no code is made
    lang: Lang = "zh"

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        lines = [message("qr-result", lang, count=len(self.files), folder=self.files[0].parent) if self.files
                 else message("qr-none", lang)]
        if self.without_link:
            lines.append(message("qr-without-link", lang, sessions=listing(self.without_link, lang)))
        if self.not_web:
            lines.append(message("qr-not-web", lang, sessions=listing(self.not_web, lang)))
        return "\n".join(lines)


def work_out(master: Master, folder: Path, only: list[str] | None = None) -> QrRun:
    """The QR sheet with a page for every session that has a check-in link, and their PNGs written
    into `folder` (all of them, or those of the sessions named in `only`)."""
    lang = master.lang
    settings = read_settings(master)
    plan = session_plan(master)
    wanted = {s.strip().upper() for s in only} if only else None
    if wanted and (unknown := sorted(wanted - {str(i).upper() for i in plan.index})):
        raise InputError(message("qr-unknown-sessions", lang, unknown=listing(unknown, lang),
                                 known=listing(plan.index, lang)))
    texts: list[str | None] = []
    run = QrRun(pd.DataFrame(), lang=lang)
    pngs: dict[str, bytes] = {}
    for session_id, row in plan.iterrows():
        link = checkin_url(row, str(session_id), settings)
        if not link:
            run.without_link.append(str(session_id))
            continue
        if not values.url_ok(pd.Series([link], dtype=object)).iloc[0]:  # javascript:, file:, text: no code
            run.not_web.append(str(session_id))
            continue
        image = qrcode.make(link, border=2).get_image()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        png = buffer.getvalue()
        if wanted is None or str(session_id).upper() in wanted:
            pngs[str(session_id)] = png
        top = len(texts)  # 0-based: the block's first row is Excel row top + 2
        when = f"{row['date']:%Y-%m-%d} {row['start_at']:%H:%M}–{row['end_at']:%H:%M}"
        title = row["title"] if values.given(row["title"]) else session_id
        where = row["location"] if values.given(row.get("location")) else "—"
        block: list[str | None] = [settings.program_name or "", str(title),
                                   (f"时间：{when}" if lang == "zh" else f"When: {when}"),
                                   (f"地点：{where}" if lang == "zh" else f"Where: {where}"),
                                   (f"课次编号：{session_id}" if lang == "zh" else f"Session: {session_id}"),
                                   (message("qr-scan", lang))]
        block += [None] * (URL_ROW - len(block)) + [link]
        texts += block + [None] * (BLOCK - len(block))
        run.pictures.append(Picture(png, top + 1 + CODE_ROW, CODE_COL, CODE_CM, f"trainbook-qr-{session_id}"))
        run.breaks.append(top + 1 + BLOCK)  # the page ends after the block's last row
    names = unique_names([safe_name(session_id) + ".png" for session_id in pngs])
    if pngs:
        with staged(folder, lang) as stage:  # every code or none: a full disk leaves the earlier set as it was
            for name, png in zip(names, pngs.values()):
                (stage / name).write_bytes(png)
    run.files = [folder / name for name in names]
    run.cells = pd.DataFrame({"0": texts}, dtype=object)
    if run.breaks:
        run.breaks.pop()  # nothing follows the last page
    return run
