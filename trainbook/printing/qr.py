"""`qr`: a check-in QR code for every session held in a room (its own check-in link, or one built
from the settings' template) — a PNG each, and the 签到二维码 sheet printing one A4 wall sheet per
session: the program and session title large and centred, date, time and place beneath, the code
large in the middle, and the session id and link in small print at the bottom.

A page is one picture drawn here (the same on every spreadsheet program, which would each lay out
large centred text in cells their own way) and one cell under it with the id and link, which
stays text to copy. An online session gets no page: nobody scans a code on a wall to join a live
class, and its link reaches students in the notices."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import qrcode
from PIL import Image, ImageDraw, ImageFont

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import Lang, Steps, listing, message, quiet
from trainbook.outputs import safe_name, staged, unique_names
from trainbook.policy.plan import checkin_url, session_plan
from trainbook.policy.settings import read_settings
from trainbook.printing.fonts import cjk_font, covering
from trainbook.workbook.engine import Panel, Picture
from trainbook.workbook.master import Master

# A page is BLOCK rows of the sheet (the template makes them ROW_POINTS high, so a block is 26 cm
# and fits an A4 portrait page between its margins); the page's picture sits on its first row and
# the id and link on row FOOTER_ROW of the block.
BLOCK, ROW_POINTS, FOOTER_ROW = 46, 16, 43
PAGE_CM = (15.6, 22.0)  # the picture: within the sheet's eight columns (15.9 cm), printed centred
DOTS_PER_CM = 80  # about 200 dpi: sharp on paper, a few dozen KB a page


@dataclass
class QrRun:
    """The 签到二维码 sheet's cells, its pictures and page ends (a page per session held in a room
    with a link), and the PNG files written."""

    cells: pd.DataFrame
    pictures: list[Picture] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    without_link: list[str] = field(default_factory=list)
    not_web: list[str] = field(default_factory=list)  # sessions whose link is no web address: no code is made
    online: list[str] = field(default_factory=list)  # online sessions: no wall sheet
    lang: Lang = "zh"

    def hint(self) -> Panel:
        return hint(self.lang, bool(self.pictures))

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        only_online = self.online and not self.without_link and not self.not_web  # the online line says why
        lines = [message("qr-result", lang, count=len(self.files), folder=self.files[0].parent)] if self.files \
            else [] if only_online else [message("qr-none", lang)]
        if self.online:
            lines.append(message("qr-online", lang, sessions=listing(self.online, lang)))
        if self.without_link:
            lines.append(message("qr-without-link", lang, sessions=listing(self.without_link, lang)))
        if self.not_web:
            lines.append(message("qr-not-web", lang, sessions=listing(self.not_web, lang)))
        return "\n".join(lines)


def hint(lang: Lang, pages: bool) -> Panel:
    """The sheet's first cell: how to make the pages while there are none, else blank (off the pages)."""
    return Panel("qr", 0, 0, [[None if pages else message("qr-hint", lang)]], 1, 1)


@dataclass(frozen=True)
class Page:
    """What one session's wall sheet says."""

    session_id: str
    program: str
    title: str
    when: str
    where: str
    scan: str
    link: str

    def texts(self) -> str:
        return self.program + self.title + self.when + self.where + self.scan


def work_out(master: Master, folder: Path, only: list[str] | None = None, on_step: Steps = quiet) -> QrRun:
    """The QR sheet with a page for every session held in a room that has a check-in link, and their
    codes' PNGs written into `folder` (all of them, or those of the sessions named in `only`)."""
    lang = master.lang
    settings = read_settings(master)
    plan = session_plan(master)
    wanted = {s.strip().upper() for s in only} if only else None
    if wanted and (unknown := sorted(wanted - {str(i).upper() for i in plan.index})):
        raise InputError(message("qr-unknown-sessions", lang, unknown=listing(unknown, lang),
                                 known=listing(plan.index, lang)))
    run = QrRun(pd.DataFrame(), lang=lang)
    pages: list[Page] = []
    for session_id, row in plan.iterrows():
        link = checkin_url(row, str(session_id), settings)
        if row["mode"] == "online":
            run.online.append(str(session_id))
        elif not link:
            run.without_link.append(str(session_id))
        elif not values.url_ok(pd.Series([link], dtype=object)).iloc[0]:  # javascript:, file:, text: no code
            run.not_web.append(str(session_id))
        else:
            where = row["location"] if values.given(row.get("location")) else ""
            pages.append(Page(str(session_id), settings.program_name or "",
                              str(row["title"]) if values.given(row["title"]) else str(session_id),
                              _when(row["start_at"], row["end_at"], lang),
                              message("qr-where", lang, place=where) if where else "", message("qr-scan", lang), link))
    face = _font(lang, "".join(page.texts() for page in pages)) if pages else ("", 0)
    texts: list[str | None] = []  # the sheet from row 2 on
    pngs: dict[str, bytes] = {}
    for n, page in enumerate(pages):
        on_step(message("step-qr-page", lang, n=n + 1, total=len(pages)))
        code = qrcode.make(page.link, border=2).get_image()
        if wanted is None or page.session_id.upper() in wanted:
            pngs[page.session_id] = _png(code)
        top = n * BLOCK  # 0-based row of the page's first row
        run.pictures.append(Picture(_png(_draw(page, code, face)), top, 0, *PAGE_CM, f"trainbook-qr-{page.session_id}"))
        footer = top + FOOTER_ROW  # 0-based; the cells start at row 2 (0-based 1)
        texts += [None] * (footer - 1 - len(texts)) + [message("qr-footer", lang, session=page.session_id,
                                                                link=page.link)]
        run.breaks.append(top + BLOCK)  # the page ends after the block's last row
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


def _when(start: pd.Timestamp, end: pd.Timestamp, lang: Lang) -> str:
    """'2026年11月2日（周一）09:00–11:00' / 'Monday 2 November 2026, 09:00–11:00'."""
    return message("qr-when", lang, year=start.year, month=start.month, month_name=message(f"month-{start.month}", lang),
                   day=start.day, weekday=message(f"weekday-{start.weekday()}", lang), start=f"{start:%H:%M}",
                   end=f"{end:%H:%M}")


def _font(lang: Lang, text: str) -> tuple[str, int]:
    """The CJK font file and face the pages are drawn with, once it is known to show all of `text`."""
    font = cjk_font(lang)
    covering(font, text, lang)
    return str(font[0]), font[1]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw(page: Page, code: Image.Image, face: tuple[str, int]) -> Image.Image:
    """The page's picture: program, title (shrunk, then wrapped, to fit), a rule, date and time,
    place, the code and the call to scan, centred one under another."""
    width, height = (round(cm * DOTS_PER_CM) for cm in PAGE_CM)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    margin = round(0.3 * DOTS_PER_CM)
    y = round(0.4 * DOTS_PER_CM)

    def lines(text: str, cm: float, smallest: float, shade: int, bold: bool = False) -> None:
        nonlocal y
        font, wrapped = _fit(draw, text, face, cm, smallest, width - 2 * margin)
        for line in wrapped:
            draw.text((width / 2, y), line, font=font, fill=shade, anchor="mt", stroke_width=2 if bold else 0,
                      stroke_fill=shade)
            y += round(font.size * 1.3)

    if page.program:
        lines(page.program, 0.75, 0.5, 80)
        y += round(0.2 * DOTS_PER_CM)
    lines(page.title, 1.3, 0.8, 0, bold=True)
    y += round(0.2 * DOTS_PER_CM)
    draw.line((margin * 4, y, width - margin * 4, y), fill=160, width=3)
    y += round(0.4 * DOTS_PER_CM)
    lines(page.when, 0.6, 0.45, 40)
    if page.where:
        lines(page.where, 0.6, 0.45, 40)
    side = min(round(12.5 * DOTS_PER_CM), height - y - round(1.6 * DOTS_PER_CM))
    image.paste(code.convert("L").resize((side, side), Image.Resampling.NEAREST), ((width - side) // 2, y))
    y += side + round(0.2 * DOTS_PER_CM)
    lines(page.scan, 0.7, 0.5, 0)
    return image


def _fit(draw: ImageDraw.ImageDraw, text: str, face: tuple[str, int], cm: float, smallest: float,
         room: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The font size (from `cm` high down to `smallest`) at which `text` fits `room` dots on one
    line, else at the smallest size the text broken into lines that fit — between words, or between
    any two characters of a text without spaces (Chinese)."""
    size = cm
    while True:
        font = ImageFont.truetype(face[0], round(size * DOTS_PER_CM), index=face[1])
        if draw.textlength(text, font=font) <= room:
            return font, [text]
        if size <= smallest:
            break
        size = max(smallest, size - 0.05)
    pieces = text.split(" ") if " " in text.strip() else list(text)
    joiner = " " if " " in text.strip() else ""
    wrapped: list[str] = []
    for piece in pieces:
        trial = f"{wrapped[-1]}{joiner}{piece}" if wrapped else piece
        if wrapped and draw.textlength(trial, font=font) <= room:
            wrapped[-1] = trial
        else:
            wrapped.append(piece)
    return font, wrapped
