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
from trainbook.i18n import Lang, listing, message
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


def work_out(master: Master, as_of: dt.date, folder: Path) -> CertificateRun:
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
    old = values.typed(master.frame("certificates"), BY_KEY["certificates"]).reindex(columns=COLUMNS)
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
    combined_name = "结业证书-全部.pdf" if lang == "zh" else "certificates-all.pdf"
    names = unique_names([combined_name, *(record["file"] for record in new.to_dict("records"))])[1:]
    with tempfile.TemporaryDirectory() as scratch, staged(folder, lang) as stage:  # every file whole, or none
        # all set in one document: the font is cut and embedded once
        font = font_for(cjk_font(lang), "".join(t for _, texts in pages for t in texts.values()), Path(scratch), lang)
        combined = _document(font)
        for record, texts in pages:
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
    """Everything a certificate says."""
    zh = lang == "zh"
    score = "—" if pd.isna(record["final_score"]) else f"{record['final_score']:.1f}"
    day = record["completed_on"]
    dept = f"（{record['department']}）" if zh and record["department"] else (
        f" ({record['department']})" if record["department"] else "")
    body = (f"兹证明 {record['name']}{dept}完成“{facts['program']}”全部学习，总评{score}分，"
            f"等级“{record['grade']}”，准予结业，特发此证。" if zh else
            f"This certifies that {record['name']}{dept} has completed {facts['program']} with a final score "
            f"of {score} ({record['grade']}).")
    return {"title": "结业证书" if zh else "Certificate of Completion", "program": facts["program"], "body": body,
            "organizer": facts["organizer"], "date": f"{day:%Y年%m月%d日}" if zh else f"{day:%d %B %Y}",
            "code": ("验证码 " if zh else "Code ") + record["code"]}


def _link(record: dict[str, Any], facts: dict[str, str]) -> str:
    """What the certificate's QR code holds: the verification link, or the code alone."""
    if facts["verify"]:
        return values.filled(facts["verify"], code=record["code"], student_id=record["student_id"])
    return str(record["code"])


def _page(pdf: FPDF, texts: dict[str, str], link: str) -> None:
    """One A4 landscape certificate: a double frame, title, program, the statement, organizer and
    date at the bottom right, the QR code and its verification code at the bottom left."""
    pdf.add_page()
    pdf.set_draw_color(150, 110, 40)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)
    pdf.set_text_color(120, 80, 20)
    for key, size, y in (("title", 40, 34), ("program", 16, 56)):
        pdf.set_font("cjk", size=size)
        pdf.set_xy(14, y)
        pdf.cell(269, 18 if key == "title" else 10, texts[key], align="C")
    pdf.set_text_color(30, 30, 30)
    pdf.set_font("cjk", size=18)
    pdf.set_xy(40, 82)
    pdf.multi_cell(217, 12, texts["body"], align="C")
    pdf.set_font("cjk", size=14)
    for key, y in (("organizer", 150), ("date", 160)):
        pdf.set_xy(160, y)
        pdf.cell(100, 8, texts[key], align="R")
    pdf.image(qrcode.make(link, border=1).get_image(), x=30, y=140, w=32, h=32)
    pdf.set_font("cjk", size=10)
    pdf.set_xy(22, 174)
    pdf.cell(48, 6, texts["code"], align="C")
