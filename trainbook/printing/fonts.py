"""The CJK font certificates and check-in pages are set in. A PDF viewer cannot be trusted to have
one (the standard CJK CID fonts render only where a viewer ships or finds a substitute), so a
certificate embeds a subset of a font this computer has: only the glyphs it uses, a few KB, the
same on every viewer; a check-in page is drawn with it into its picture."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from trainbook.errors import InputError
from trainbook.i18n import Lang, message

ENV = "TRAINBOOK_CJK_FONT"  # a font file, optionally "#N" for the face of a collection
CANDIDATES: tuple[tuple[str, int], ...] = (  # (file, face in a collection): Simplified Chinese first
    ("C:/Windows/Fonts/msyh.ttc", 0), ("C:/Windows/Fonts/simhei.ttf", 0), ("C:/Windows/Fonts/simsun.ttc", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0), ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # faces: JP, KR, SC, TC, HK
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0), ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
)


def cjk_font(lang: Lang) -> tuple[Path, int]:
    """A CJK font file on this computer and the face to use; TRAINBOOK_CJK_FONT names another."""
    given = os.environ.get(ENV)
    if given:
        name, _, face = given.partition("#")
        if Path(name).is_file():
            return Path(name), int(face or 0)
        raise InputError(message("font-missing-given", lang, path=name))
    for candidate, index in CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate), index
    raise InputError(message("font-missing", lang))


def covering(font: tuple[Path, int], text: str, lang: Lang) -> TTFont:
    """The font, opened, once it is known to show every character of `text`; refused (before
    anything is written) when it is no usable font or lacks one."""
    try:
        face = TTFont(str(font[0]), fontNumber=font[1], lazy=True)
        covered = set(face.getBestCmap() or {})
    except Exception as exc:  # fontTools raises several kinds for a file that is not a usable font
        raise InputError(message("font-unusable", lang, path=font[0], detail=type(exc).__name__)) from exc
    missing = sorted({ch for ch in text if not ch.isspace()} - {chr(c) for c in covered})
    if missing:
        raise InputError(message("font-lacks", lang, path=font[0], count=len(missing), chars="".join(missing[:10])))
    return face


def font_for(font: tuple[Path, int], text: str, folder: Path, lang: Lang) -> Path:
    """The font cut down to the characters of `text` (and printable ASCII), saved in `folder`:
    a CJK font is tens of MB, and each PDF then embeds its own small subset of this one quickly."""
    face = covering(font, text, lang)
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # its notes on tables it leaves out are not ours to show
    cutter = subset.Subsetter(subset.Options(name_IDs=["*"], notdef_outline=True, layout_features=[]))
    cutter.populate(text=text + "".join(chr(c) for c in range(32, 127)))
    cutter.subset(face)
    path = folder / f"cjk{font[0].suffix if font[0].suffix in ('.ttf', '.otf') else '.otf'}"
    face.save(str(path))
    return path
