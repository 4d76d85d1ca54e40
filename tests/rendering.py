"""What a coordinator sees on paper: the pages of a PDF (LibreOffice's print of a workbook, or a
certificate), their text, their words with where they are, and a page as a picture."""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def find(self, text: str) -> list[Word]:
        return [w for w in self.words if w.text == text]

    def lines(self, left: float, right: float, below: float = 0) -> list[list[Word]]:
        """The lines of text whose words start between `left` and `right` (and lower than `below`),
        top first: words whose middles lie within a third of a word's height of each other, whatever
        their fonts."""
        words = sorted((w for w in self.words if left <= w.x0 < right and w.y0 > below), key=lambda w: w.middle)
        if not words:
            return []
        near = statistics.median(w.y1 - w.y0 for w in words) / 3
        out: list[list[Word]] = []
        for w in words:
            if out and w.middle - out[-1][0].middle <= near:
                out[-1].append(w)
            else:
                out.append([w])
        return out


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def pages(pdf: Path) -> list[Page]:
    """Every page of `pdf` with its words and their boxes (points, from the top left)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [Page(n, float(width), float(height),
                 [Word(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in _WORD.findall(body)])
            for n, (width, height, body) in enumerate(_PAGE.findall(out), start=1)]


def picture(pdf: Path, page: int, target: Path, dpi: int = 100, part: tuple[float, float, float, float] | None = None,
            size: tuple[float, float] = (842, 595)) -> Path:
    """Page `page` of `pdf` as a PNG at `target`; `part` of it only (left, top, right, bottom as
    shares of a page of `size` points)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    crop: list[str] = []
    if part:
        left, top, right, bottom = (round(share * side * dpi / 72) for share, side in zip(part, size * 2))
        crop = ["-x", str(left), "-y", str(top), "-W", str(right - left), "-H", str(bottom - top)]
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile", *crop,
                    str(pdf), str(stem)], check=True)
    return target
