"""The .xlsx file as a zip of XML parts: safe opening, and rewriting only the parts that change.

Every part that is not replaced is copied byte for byte (still compressed), so charts, images,
comments, VBA, custom XML and anything else a spreadsheet program put there survive untouched.
"""

from __future__ import annotations

import copy
import posixpath
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element
from xml.parsers import expat

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from trainbook.errors import InputError, TrainbookError
from trainbook.i18n import Lang, message
from trainbook.workbook import checked
from trainbook.workbook.refs import column_index, column_letter

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


@contextmanager
def read_or_refuse(path: Path, lang: Lang) -> Iterator[None]:
    """Around a reader of `path`: whatever it raises — a Rust panic of the fast reader included,
    which is no Exception — becomes an InputError naming the file."""
    try:
        yield
    except (TrainbookError, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ == "PasswordError":
            raise InputError(message("file-encrypted", lang, path=path)) from exc
        raise InputError(message("file-corrupt", lang, path=path)) from exc


_XLS_SHEET_START = re.compile(rb"\x09\x08(\x10|\x08)\x00")  # a BIFF8 (16 bytes) or BIFF5 (8 bytes) BOF record


def check_xls_file(path: Path, lang: Lang) -> None:
    """Refuse an old .xls whose sheet says it reaches beyond what the format holds (65,536 rows,
    256 columns): a reader sizes the sheet by that claim. Each worksheet's records are walked from
    its BOF to its DIMENSIONS record (a chain of records, so no stray bytes are taken for one)."""
    data = path.read_bytes()
    for start in _XLS_SHEET_START.finditer(data):
        biff8 = start.group(1) == b"\x10"
        if start.end() + 4 > len(data) or struct.unpack_from("<H", data, start.end() + 2)[0] != 0x0010:
            continue  # not a worksheet's substream
        at = start.end() + (16 if biff8 else 8)
        for _ in range(64):  # DIMENSIONS is among a sheet's first records
            if at + 4 > len(data):
                break
            kind, size = struct.unpack_from("<HH", data, at)
            if size > 8224 or kind == 0x000A:  # not a record, or the sheet's EOF
                break
            if kind == 0x0200 and size == (14 if biff8 else 10):
                layout = "<IIHH" if biff8 else "<HHHH"
                first_row, last_row, first_col, last_col = struct.unpack_from(layout, data, at + 4)
                if last_row > 65_536 or last_col > 256:
                    raise InputError(message("file-too-large", lang, path=path, rows=last_row, cols=last_col,
                                             cell=f"{column_letter(max(last_col - 1, 0))}{last_row}"))
                break
            at += 4 + size


def check_workbook_file(path: Path, lang: Lang, extents: bool = True) -> None:
    """Refuse, with a message naming the file and what to do, anything that is not a sound .xlsx.
    Without `extents`, how far its sheets reach is left to `CellBudget.check`, sheet by sheet, just
    before each is read."""
    if not path.is_file():
        raise InputError(message("file-not-regular" if path.exists() else "file-missing", lang, path=path))
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(OLE_MAGIC):
            if ENCRYPTED_MARK in fh.read():
                raise InputError(message("file-encrypted", lang, path=path))
            raise InputError(message("file-legacy-xls", lang, path=path))
    if not head.startswith(ZIP_MAGIC):
        raise InputError(message("file-not-workbook", lang, path=path))
    with _damage_refused(path, lang), zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if "xl/workbook.xml" not in names:
            raise InputError(message("file-not-workbook", lang, path=path))
        if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO or any(
                i.file_size > RATIO_FROM and i.file_size / max(i.compress_size, 1) > MAX_RATIO for i in infos):
            raise InputError(message("file-unsafe", lang, path=path, detail=message("unsafe-zip-bomb", lang)))
        _parse(zf.read("xl/workbook.xml"))
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) and _has_dtd(zf, info):
                raise InputError(message("file-unsafe", lang, path=path, detail=message("unsafe-xml", lang)))
            if info.filename.endswith("sharedStrings.xml"):  # a reader sizes its table by the count given
                with zf.open(info) as fh:
                    found = _UNIQUE_COUNT.search(fh.read(4096))
                if found and int(found.group(1)) > info.file_size:  # more strings than bytes to hold them
                    raise InputError(message("file-unsafe", lang, path=path, detail=message("unsafe-strings", lang)))
        if extents:
            budget = CellBudget(path, lang)
            for info in infos:  # a sheet that reaches far would make a reader allocate all of it
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    budget.spend(zf, info)


@contextmanager
def _damage_refused(path: Path, lang: Lang) -> Iterator[None]:
    """Around a look inside the package: damage, cut-short data and unsafe XML become an InputError."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, zipfile.LargeZipFile, NotImplementedError,
            UnicodeDecodeError, expat.ExpatError) as exc:  # cut short, damaged, or a zip feature not supported
        raise InputError(message("file-corrupt", lang, path=path)) from exc
    except DefusedXmlException as exc:
        raise InputError(message("file-unsafe", lang, path=path, detail=message("unsafe-xml", lang))) from exc
    except SyntaxError as exc:  # ParseError
        raise InputError(message("file-corrupt", lang, path=path)) from exc


class CellBudget:
    """The cells one file's sheets may span together, spent sheet by sheet as each is checked — from
    several threads at once when sheets are read side by side."""

    def __init__(self, path: Path, lang: Lang) -> None:
        self.path, self.lang = path, lang
        self.cells = 0
        self._lock = threading.Lock()

    def spend(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
        """Refuse the worksheet `info` if it reaches far or the file's budget runs out; returns its
        cells. A large sheet found sound before (by the digest of its stored bytes) is not scanned
        again."""
        key = checked.digest(info, stored_bytes(zf, info)) if info.file_size > REMEMBERED_FROM else None
        cells = checked.known(key) if key else None
        if cells is None:
            cells = _check_extent(zf, info, self.path, self.lang)
            if key:
                checked.remember(key, cells)
        self.charge(cells)
        return cells

    def charge(self, cells: int) -> None:
        """Count `cells` against the file's budget (also those of a sheet checked by another budget)."""
        with self._lock:
            self.cells += cells
            if self.cells > MAX_TOTAL_CELLS:
                raise InputError(message("file-too-many-cells", self.lang, path=self.path, cells=f"{self.cells:,}"))

    def check(self, part: str) -> int:
        """`spend` on the worksheet in `part`, about to be read; returns its cells. A part the
        package does not hold under that name (a relationship spelled in a way a reader may resolve
        otherwise) has every XML part checked instead."""
        with _damage_refused(self.path, self.lang), zipfile.ZipFile(self.path) as zf:
            infos = zf.infolist()
            return sum(self.spend(zf, info) for info in
                       [i for i in infos if i.filename == part] or [i for i in infos if i.filename.endswith(".xml")])


MAX_CELLS = 20_000_000  # a sheet's rectangle: 40 × the largest benchmark program's biggest sheet, far below a crash
MAX_TOTAL_CELLS = 60_000_000  # all sheets of a file together
_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)  # what may stand before a DTD or the first element
PROLOG_START, PROLOG_LIMIT = 64 * 1024, 4 * 1024**2
RATIO_FROM = 1024**2  # members smaller than this may compress as well as they like
REMEMBERED_FROM = 1024**2  # a sheet smaller than this is scanned in a moment: not worth a digest and a cache entry
_UNIQUE_COUNT = re.compile(rb'\buniqueCount\s*=\s*["\'](\d+)')

# Searches with a literal start, each one pass at C speed. A reference spelled otherwise (spaces
# around '=', single quotes, an attribute before it) or left out sends the sheet to an exact parse.
_ROW_TAG = re.compile(rb'<row r="(\d+)"')
_UNUSUAL_REF = re.compile(rb' r="(?:[A-Za-z]{2}|[A-Za-z]+\d{7})')  # a cell past column Z or row 999,999
# a cell or row placed by position, or spelled otherwise (its number after another attribute)
_PLACED = re.compile(rb'<(?:c|row)(?:/?>| (?!r=")|[\t\r\n])')
# Any cell or row tag that does not begin with an ordinary reference (a cell in A–Z and rows below
# 1,000,000, given first): either of the two above, or a row whose number is not its first attribute,
# in one pass. Most sheets have none, and then that pass and the row tags' are all they cost; a wide
# sheet (usually a short one) has the closer looks.
_SUSPECT = re.compile(rb'<c(?! r="[A-Za-z]\d{1,6}")[\s/>]|<row(?! r="\d{1,6}")[\s/>]')
_REF = re.compile(rb' r="([A-Za-z]+)(\d+)"')
CHUNK = 8 * 1024**2
OVERLAP = 256  # longer than any tag's start, so that no reference is cut between two chunks unseen


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterable[tuple[bytes, bool]]:
    """A part in pieces, each beginning with the last OVERLAP bytes of the one before, and whether
    it is the last (a tag cut at the end of a piece is seen whole at the start of the next)."""
    tail = b""
    with zf.open(info) as fh:
        chunk = fh.read(CHUNK)
        while chunk:
            following = fh.read(CHUNK)
            yield tail + chunk, not following
            tail, chunk = chunk[-OVERLAP:], following


def _check_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, lang: Lang) -> int:
    """Refuse a sheet that reaches beyond Excel's limits or the cell budget by the cells it holds: a
    reader allocates the whole rectangle they span. (The used range a sheet declares is no reason:
    the reader ignores it, and a sheet may declare A1:XFD1048576 and hold three cells.) Returns the
    rectangle's cells. Row tags and unusual cells (past column Z or row 999,999) are found by
    C-speed searches; a sheet with unusual cells has every reference read, and one whose cells or
    rows give no reference (placed one after another) or spell it unusually is parsed."""
    rows = cols = 1
    unusual = unplaced = suspect = False
    for data, last in _chunks(zf, info):
        rows = max(rows, max(map(int, _ROW_TAG.findall(data)), default=0))
        # a tag cut at a piece's end looks unusual: it is looked at again, whole, at the next one's start
        found = None if suspect else _SUSPECT.search(data)
        suspect = suspect or (found is not None and (last or found.start() < len(data) - OVERLAP // 2))
    if not suspect:  # every cell in A–Z, every row below 1,000,000
        _refuse_beyond(rows, 26, path, lang)
        return rows * 26
    for data, last in _chunks(zf, info):
        unusual = unusual or _UNUSUAL_REF.search(data) is not None
        found = _PLACED.search(data)  # one in the margin of a piece is looked at again, whole, in the next
        unplaced = unplaced or (found is not None and (last or found.start() < len(data) - OVERLAP // 2))
    if unplaced:
        rows, cols = _placed_extent(zf, info)
    elif unusual:
        for data, _ in _chunks(zf, info):
            refs = _REF.findall(data)
            rows = max(rows, max((int(digits) for _, digits in refs), default=0))
            cols = max(cols, max((column_index(letters) + 1 for letters in {letters for letters, _ in refs}), default=0))
            _refuse_beyond(rows, cols, path, lang)
    cols = max(cols, 26) if not (unusual or unplaced) else cols
    _refuse_beyond(rows, cols, path, lang)
    return rows * cols


def _placed_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The last row and column of a sheet's cells as a reader places them: by their reference, or
    a row below the previous row and a cell right of the previous cell when they give none."""
    row = col = last_row = last_col = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, last_row, last_col
        local = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        ref = attrs.get("r", "")
        if local == "row":
            row = int(ref) if ref.isdigit() else row + 1
            col = 0
        elif local == "c":
            letters = ref.rstrip("0123456789")
            col = column_index(letters) + 1 if letters.isalpha() else col + 1
            digits = ref[len(letters):]
            last_row, last_col = max(last_row, int(digits) if digits.isdigit() else row), max(last_col, col)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    with zf.open(info) as fh:
        parser.ParseFile(fh)
    return max(last_row, row, 1), max(last_col, 1)


def _refuse_beyond(rows: int, cols: int, path: Path, lang: Lang) -> None:
    if rows > 1_048_576 or cols > 16_384 or rows * cols > MAX_CELLS:
        raise InputError(message("file-too-large", lang, path=path, cell=f"{column_letter(cols - 1)}{rows}",
                                 rows=rows, cols=cols))


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part declares a DTD: after any whitespace, declaration, comments and processing
    instructions, before its first element (a prolog longer than PROLOG_LIMIT counts as one)."""
    with zf.open(info) as fh:
        head = fh.read(PROLOG_START)
        rest = _after_prolog(head)
        if len(head) == PROLOG_START and (not rest.strip() or rest.startswith(("<!--", "<?"))):
            head += fh.read(PROLOG_LIMIT - PROLOG_START)  # comments run on past the first bytes: read on
            rest = _after_prolog(head)
    unfinished = len(head) == PROLOG_LIMIT and (not rest.strip() or rest.startswith(("<!--", "<?")))
    return rest[:9].upper() == "<!DOCTYPE" or unfinished


def _after_prolog(head: bytes) -> str:
    """What follows the whitespace, declaration, comments and processing instructions a part opens with."""
    text = head.decode("utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8", errors="ignore")
    at = 0
    while item := _PROLOG_ITEM.match(text, at):
        at = item.end()
    return text[at:]


def _parse(data: bytes) -> Element:
    return cast(Element, safe_xml.fromstring(data, forbid_dtd=True))  # defusedxml has no type hints


def sheet_parts(zf: zipfile.ZipFile) -> list[SheetPart]:
    """The worksheets of the workbook in tab order, with the zip part each lives in."""
    workbook = _parse(zf.read("xl/workbook.xml"))
    rels = _parse(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{NS_PKG_REL}}}Relationship")}
    parts = []
    for sheet in workbook.iter(f"{{{NS_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{NS_REL}}}id"), "")
        parts.append(SheetPart(sheet.get("name", ""), resolve_target("xl/workbook.xml", target)))
    return parts


Chunks = Iterable[bytes | memoryview]
BIG_PART = 16 * 1024**2
CONTENT_TYPES = "[Content_Types].xml"


def rels_part(part: str) -> str:
    """The relationships part of `part` (xl/worksheets/sheet1.xml → xl/worksheets/_rels/sheet1.xml.rels)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve_target(source: str, target: str) -> str:
    """A relationship's target as a part name, from the part that holds the relationship."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relationships(xml: bytes) -> list[dict[str, str]]:
    """The attributes of every relationship in a .rels part."""
    return [{k.decode(): v.decode() for k, v in re.findall(rb'(\w+)="([^"]*)"', element)}
            for element in re.findall(rb"<Relationship\b[^<>]*>", xml)]


class PackageEdit:
    """The changes one write makes to a package: parts replaced, parts added with their
    relationships and content types, content types changed. Everything else is copied as it is."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.names = set(zf.namelist())
        self.replaced: dict[str, Chunks] = {}
        self.removed: set[str] = set()

    def read(self, part: str) -> bytes:
        """A part as this edit leaves it so far."""
        if part in self.replaced:
            chunks = self.replaced[part]
            data = b"".join(chunks)
            self.replaced[part] = [data]
            return data
        return self.zf.read(part)

    def replace(self, part: str, chunks: Chunks) -> None:
        self.replaced[part] = chunks
        self.names.add(part)
        self.removed.discard(part)

    def remove(self, part: str) -> None:
        """Leave `part` out of the package (an image no picture shows any more)."""
        self.replaced.pop(part, None)
        self.names.discard(part)
        self.removed.add(part)

    def free_name(self, pattern: str) -> str:
        """The first part name `pattern` (e.g. "xl/media/image{}.png") gives that the package lacks."""
        n = 1
        while pattern.format(n) in self.names:
            n += 1
        return pattern.format(n)

    def add_part(self, part: str, data: bytes, content_type: str) -> None:
        """A new part (or a new version of one), declared in [Content_Types].xml."""
        self.replace(part, [data])
        self.set_content_type(part, content_type)

    def set_content_type(self, part: str, content_type: str) -> None:
        types = self.read(CONTENT_TYPES)
        override = re.compile(rb'<Override\b[^<>]*\bPartName="/' + re.escape(part.encode()) + rb'"[^<>]*/>')
        element = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
        if override.search(types):
            types = override.sub(lambda _: element, types, count=1)
        else:
            at = types.rfind(b"</Types>")
            types = types[:at] + element + types[at:]
        self.replace(CONTENT_TYPES, [types])

    def set_default_type(self, extension: str, content_type: str) -> None:
        """Declare the content type of every part ending in `extension` (png), unless declared already."""
        types = self.read(CONTENT_TYPES)
        if re.search(rb'<Default\b[^<>]*\bExtension="' + re.escape(extension.encode()) + b'"', types, re.I):
            return
        at = types.find(b"<Default")
        at = at if at >= 0 else types.find(b">", types.find(b"<Types")) + 1
        element = f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode()
        self.replace(CONTENT_TYPES, [types[:at] + element + types[at:]])

    def relate(self, source: str, rel_type: str, target: str) -> str:
        """Add a relationship from `source` to `target` (relative to `source`'s folder), or find the
        one already there; returns its id."""
        rels = rels_part(source)
        if rels in self.names:
            xml = self.read(rels)
        else:
            xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<Relationships xmlns="' + NS_PKG_REL.encode() + b'"></Relationships>')
            self.set_content_type(rels, "application/vnd.openxmlformats-package.relationships+xml")
        for rel in relationships(xml):
            if rel.get("Type") == rel_type and rel.get("Target") == target:
                return rel["Id"]
        taken = {int(n) for n in re.findall(rb'Id="rId(\d+)"', xml)}
        rid = f"rId{max(taken, default=0) + 1}"
        new = f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>'.encode()
        at = xml.rfind(b"</Relationships>")
        self.replace(rels, [xml[:at] + new + xml[at:]])
        return rid

    def related(self, source: str, rel_type: str) -> list[str]:
        """The parts `source` relates to with `rel_type`."""
        if rels_part(source) not in self.names:
            return []
        return [resolve_target(source, rel["Target"]) for rel in relationships(self.read(rels_part(source)))
                if rel.get("Type") == rel_type and rel.get("TargetMode") != "External"]

    def write(self, src: Path, dst: Path) -> None:
        """Write `dst` as `src` with this edit applied."""
        rewrite(src, dst, self.replaced, self.removed)


def rewrite(src: Path, dst: Path, replaced: dict[str, Chunks], removed: set[str] | None = None) -> None:
    """Write `dst` as a copy of `src` in which only the parts named in `replaced` change, and the
    parts `replaced` names that `src` lacks are added at the end.

    A replaced part is given as chunks, so a large sheet can be written from slices of its old
    text without first being joined into one more copy.
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        present = set()
        for info in zin.infolist():
            present.add(info.filename)
            if removed and info.filename in removed:
                continue
            if info.filename in replaced:
                _write_part(zout, info.filename, replaced[info.filename], info.file_size, info)
            else:
                _copy_raw(zin, zout, info)
        for name in sorted(set(replaced) - present):
            _write_part(zout, name, replaced[name], 0, None)


def _write_part(zout: zipfile.ZipFile, name: str, chunks: Chunks, size: int, old: zipfile.ZipInfo | None) -> None:
    new = zipfile.ZipInfo(name, date_time=old.date_time if old else (1980, 1, 1, 0, 0, 0))
    new.compress_type = zipfile.ZIP_DEFLATED
    if old is not None:
        new.external_attr = old.external_attr
    level = 1 if size > BIG_PART else 6  # a big sheet: speed over the last few % of size
    if hasattr(new, "compress_level"):  # Python ≥ 3.13
        new.compress_level = level
    else:
        new._compresslevel = level  # type: ignore[attr-defined]
    with zout.open(new, "w", force_zip64=size > zipfile.ZIP64_LIMIT // 2) as out:
        for chunk in chunks:
            out.write(chunk)


def stored_bytes(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One member's bytes as the zip stores them (compressed)."""
    assert zf.fp is not None
    zf.fp.seek(info.header_offset)
    header = zf.fp.read(LOCAL_HEADER_SIZE)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    zf.fp.seek(info.header_offset + LOCAL_HEADER_SIZE + name_len + extra_len)
    return zf.fp.read(info.compress_size)


def _copy_raw(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one member's compressed bytes as they are: no inflate, no deflate."""
    assert zout.fp is not None
    raw = stored_bytes(zin, info)
    new = copy.copy(info)
    new.flag_bits &= ~0x08  # sizes go in the local header, no data descriptor follows
    new.header_offset = zout.fp.tell()
    zout.fp.write(new.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT or None))
    zout.fp.write(raw)
    zout.filelist.append(new)
    zout.NameToInfo[new.filename] = new
    zout.start_dir = zout.fp.tell()
    zout._didModify = True  # type: ignore[attr-defined]
