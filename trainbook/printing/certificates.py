"""`certificates`: a printable certificate for every student whose certificate is 是 —
one PDF each and one to print them all — with a verification code, stable for the program, the
student and the completion day, listed in the certificates sheet so it can be checked later."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd
import qrcode
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from trainbook import values
from trainbook.errors import InputError
from trainbook.i18n import Lang, Steps, listing, message, quiet
from trainbook.metrics import compute
from trainbook.outputs import safe_name, staged, unique_names
from trainbook.policy.plan import program_end, program_ended, session_plan
from trainbook.policy.settings import read_settings
from trainbook.printing.fonts import cjk_font, font_for
from trainbook.schema.columns import labels
from trainbook.schema.sheets import BY_KEY, GRADE
from trainbook.workbook.master import Master

COLUMNS = BY_KEY["certificates"].keys


CODE_LETTERS = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L or U: read aloud and typed back without doubt


def verification_code(program: str, student_id: str, completed_on: dt.date) -> str:
    """'TB-7K2M-QX4D': the same program, student and day always give the same code."""
    number = int.from_bytes(hashlib.sha256(f"{program}\n{student_id}\n{completed_on.isoformat()}".encode()).digest(), "big")
    text = ""
    for _ in range(8):
        number, digit = divmod(number, len(CODE_LETTERS))
        text += CODE_LETTERS[digit]
    return f"TB-{text[:4]}-{text[4:]}"


@dataclass
class CertificateRun:
    """The certificates sheet as it should be, and the files written."""

    rows: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    combined: Path | None = None
    lang: Lang = "zh"
    ended: dt.date | None = None  # the as-of day when the program was over by then
    nameless: list[str] = field(default_factory=list)  # students due one who have no name to print

    def summary(self, lang: Lang | None = None) -> str:
        lang = lang or self.lang
        missing = [message("certificates-no-name", lang, students=listing(self.nameless, lang))] if self.nameless else []
        if not self.files:
            return "\n".join([message("certificates-none-yet" if self.ended is None else "certificates-none-met", lang,
                                       as_of=self.ended), *missing])
        return "\n".join([message("certificates-result", lang, count=len(self.files), folder=self.files[0].parent,
                                   combined=self.combined.name if self.combined else ""), *missing])


def work_out(master: Master, as_of: dt.date, folder: Path, on_step: Steps = quiet) -> CertificateRun:
    """Write the certificates of the students whose certificate is 是 as of `as_of` into `folder`."""
    lang = master.lang
    settings = read_settings(master)
    progress = compute(master, as_of)
    graduates = progress.students[progress.students["certificate"] == "yes"]
    program = settings.program_name or ""
    if len(graduates) and not program.strip():
        raise InputError(message("certificates-no-program", lang))
    named = graduates["name"].map(values.given).astype(bool)
    nameless = [str(s) for s in graduates.index[~named]]
    graduates = graduates[named]
    plan = session_plan(master)
    end = program_end(settings, plan)
    completed_on = end.date() if pd.notna(end) else as_of
    old = master.typed("certificates").reindex(columns=COLUMNS)
    rows = []
    for student_id, row in graduates.iterrows():
        code = verification_code(program, str(student_id), completed_on)
        rows.append({"code": code, "student_id": student_id, "name": row["name"], "department": row["department"],
                     "final_score": row["final_score"], "grade": labels(GRADE, lang).get(str(row["grade"]), ""),
                     "completed_on": pd.Timestamp(completed_on),
                     "file": safe_name(f"{student_id}-{row['name']}") + ".pdf"})
    new = pd.DataFrame(rows, columns=COLUMNS)
    sheet = pd.concat([old[~old["code"].isin(set(new["code"]))].dropna(subset=["code"]), new], ignore_index=True)
    if new.empty:
        return CertificateRun(sheet, lang=lang, ended=as_of if program_ended(settings, plan, pd.Timestamp(as_of)) else None,
                              nameless=nameless)
    facts = {"program": program, "organizer": settings.organizer or "", "verify": settings.certificate_verify_template}
    pages = [(record, _texts(record, facts, lang)) for record in cast(list[dict[str, Any]], new.to_dict("records"))]
    combined_name = message("certificates-combined", lang)
    names = unique_names([combined_name, *(record["file"] for record in new.to_dict("records"))])[1:]
    with tempfile.TemporaryDirectory() as scratch, staged(folder, lang) as stage:  # every file whole, or none
        # all set in one document: the font is cut and embedded once
        font = font_for(cjk_font(lang), "".join(t for _, texts in pages for t in texts.values()), Path(scratch), lang)
        combined = _document(font)
        for n, (record, texts) in enumerate(pages, start=1):
            on_step(message("step-certificate", lang, n=n, total=len(pages)))
            _page(combined, texts, _link(record, facts))
        combined.output(str(stage / combined_name))
        reader = PdfReader(stage / combined_name)
        for page, name in zip(reader.pages, names):
            single = PdfWriter()
            single.add_page(page)
            with (stage / name).open("wb") as fh:
                single.write(fh)
    sheet.loc[sheet["code"].isin(set(new["code"])), "file"] = names
    return CertificateRun(sheet, [folder / name for name in names], folder / combined_name, lang, nameless=nameless)


def _document(font: Path) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(font))
    pdf.set_creation_date(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))  # same inputs, same bytes
    return pdf


def _texts(record: dict[str, Any], facts: dict[str, str], lang: Lang) -> dict[str, str]:
    """Everything a certificate says, a line each: no name or title is ever broken across lines."""
    score = "—" if pd.isna(record["final_score"]) else f"{record['final_score']:.1f}"
    day = record["completed_on"]
    department = record["department"] if isinstance(record["department"], str) else ""
    return {"title": message("certificate-title", lang), "program": facts["program"],
            "lead": message("certificate-lead", lang), "name": str(record["name"]),
            "department": message("certificate-department", lang, department=department) if department else "",
            "statement": message("certificate-statement", lang, program=facts["program"]),
            "result": message("certificate-result", lang, score=score, grade=record["grade"]),
            "organizer": facts["organizer"], "date": message("certificate-date", lang, day=day),
            "code": message("certificate-code", lang, code=record["code"])}


def _link(record: dict[str, Any], facts: dict[str, str]) -> str:
    """What the certificate's QR code holds: the verification link, or the code alone."""
    if facts["verify"]:
        return values.filled(facts["verify"], code=record["code"], student_id=record["student_id"])
    return str(record["code"])


LINES = (  # what, font size (pt), top (mm), colour: centred one under another
    ("title", 40, 28, (120, 80, 20)), ("program", 16, 50, (120, 80, 20)), ("lead", 16, 70, (30, 30, 30)),
    ("name", 30, 80, (30, 30, 30)), ("department", 14, 96, (90, 90, 90)), ("statement", 18, 110, (30, 30, 30)),
    ("result", 18, 122, (30, 30, 30)),
)
WIDTH = 237.0  # mm a centred line may take (the inner frame less a margin each side)
SMALLEST = 9  # pt: a line shrinks to fit down to this


def _page(pdf: FPDF, texts: dict[str, str], link: str) -> None:
    """One A4 landscape certificate: a double frame; title, program, the name large and the
    statement, each on its own line, shrunk to fit rather than broken; organizer and date at the
    bottom right, the QR code and its verification code at the bottom left."""
    pdf.add_page()
    pdf.set_draw_color(150, 110, 40)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)
    for key, size, y, colour in LINES:
        if texts[key]:
            pdf.set_text_color(*colour)
            _fitted(pdf, texts[key], size)
            pdf.set_xy(14 + (269 - WIDTH) / 2, y)
            pdf.cell(WIDTH, size * 0.5, texts[key], align="C")
    pdf.set_text_color(30, 30, 30)
    for key, y in (("organizer", 150), ("date", 160)):
        _fitted(pdf, texts[key], 14, 150)
        pdf.set_xy(110, y)
        pdf.cell(150, 8, texts[key], align="R")
    pdf.image(qrcode.make(link, border=1).get_image(), x=30, y=140, w=32, h=32)
    pdf.set_font("cjk", size=10)
    pdf.set_xy(22, 174)
    pdf.cell(48, 6, texts["code"], align="C")


def _fitted(pdf: FPDF, text: str, size: float, width: float = WIDTH) -> None:
    """The font set at `size`, or smaller (down to SMALLEST) until `text` fits `width` mm on one line."""
    pdf.set_font("cjk", size=size)
    while size > SMALLEST and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font("cjk", size=size)
