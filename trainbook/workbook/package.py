"""The .xlsx file as a zip of XML parts: safe opening, and rewriting only the parts that change.

Every part that is not replaced is copied byte for byte (still compressed), so charts, images,
comments, VBA, custom XML and anything else a spreadsheet program put there survive untouched.
"""

from __future__ import annotations

import copy
import posixpath
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from trainbook.errors import InputError
from trainbook.i18n import Lang, message

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
MAX_UNCOMPRESSED = 4 * 1024**3
MAX_RATIO = 200
LOCAL_HEADER_SIZE = 30  # a zip local file header before its name and extra field (APPNOTE 4.3.7)


@dataclass(frozen=True)
class SheetPart:
    name: str
    part: str  # e.g. xl/worksheets/sheet3.xml


def check_workbook_file(path: Path, lang: Lang) -> None:
    """Refuse, with a message naming the file and what to do, anything that is not a sound .xlsx."""
    if not path.is_file():
        raise InputError(message("file-missing", lang, path=path))
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(OLE_MAGIC):
            if ENCRYPTED_MARK in fh.read():
                raise InputError(message("file-encrypted", lang, path=path))
            raise InputError(message("file-legacy-xls", lang, path=path))
    if not head.startswith(ZIP_MAGIC):
        raise InputError(message("file-not-workbook", lang, path=path))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if "xl/workbook.xml" not in names:
                raise InputError(message("file-not-workbook", lang, path=path))
            if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
                raise InputError(message("file-unsafe", lang, path=path, detail="zip bomb"))
            _parse(zf.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as exc:
        raise InputError(message("file-corrupt", lang, path=path, detail=exc)) from exc
    except DefusedXmlException as exc:
        raise InputError(message("file-unsafe", lang, path=path, detail=type(exc).__name__)) from exc
    except SyntaxError as exc:  # ParseError
        raise InputError(message("file-corrupt", lang, path=path, detail=exc)) from exc


def _parse(data: bytes) -> Element:
    return safe_xml.fromstring(data, forbid_dtd=True)


def sheet_parts(zf: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets of the workbook in tab order, with the zip part each lives in."""
    workbook = _parse(zf.read("xl/workbook.xml"))
    rels = _parse(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
    parts = []
    for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{NS_REL}}}id"), "")
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = posixpath.normpath(posixpath.join("xl", target))
        parts.append(SheetPart(sheet.get("name", ""), part))
    return parts


Chunks = Iterable[bytes | memoryview]
BIG_PART = 16 * 1024**2


def rewrite(src: Path, dst: Path, replaced: dict[str, Chunks]) -> None:
    """Write `dst` as a copy of `src` in which only the parts named in `replaced` change.

    A replaced part is given as chunks, so a large sheet can be written from slices of its old
    text without first being joined into one more copy.
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in replaced:
                new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                new.compress_type = zipfile.ZIP_DEFLATED
                new.external_attr = info.external_attr
                size = info.file_size  # the old part's size says how big the new one will be
                level = 1 if size > BIG_PART else 6  # a big sheet: speed over the last few % of size
                if hasattr(new, "compress_level"):  # Python ≥ 3.13
                    new.compress_level = level
                else:
                    new._compresslevel = level  # type: ignore[attr-defined]
                with zout.open(new, "w", force_zip64=size > zipfile.ZIP64_LIMIT // 2) as out:
                    for chunk in replaced[info.filename]:
                        out.write(chunk)
            else:
                _copy_raw(zin, zout, info)


def _copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one member's compressed bytes as they are: no inflate, no deflate."""
    assert zin.fp is not None and zout.fp is not None
    zin.fp.seek(info.header_offset)
    header = zin.fp.read(LOCAL_HEADER_SIZE)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    zin.fp.seek(info.header_offset + LOCAL_HEADER_SIZE + name_len + extra_len)
    raw = zin.fp.read(info.compress_size)
    new = copy.copy(info)
    new.flag_bits &= ~0x08  # sizes go in the local header, no data descriptor follows
    new.header_offset = zout.fp.tell()
    zout.fp.write(new.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT or None))
    zout.fp.write(raw)
    zout.filelist.append(new)
    zout.NameToInfo[new.filename] = new
    zout.start_dir = zout.fp.tell()  # type: ignore[attr-defined]
    zout._didModify = True  # type: ignore[attr-defined]
