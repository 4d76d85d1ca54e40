"""Pictures on a sheet trainbook generates (the check-in QR codes), and where its printed pages end.

The sheet's drawing is trainbook's: a rewrite replaces every picture in it and the images they
showed, so a second run never stacks pictures. Nothing outside that sheet's drawing changes.
"""

from __future__ import annotations

import posixpath
import re
from html import escape

from trainbook.workbook.engine import Picture
from trainbook.workbook.package import NS_REL, PackageEdit, relationships, rels_part, resolve_target
from trainbook.workbook.sheet_xml import _insert_before, _prefix

DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
NS_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
EMU_PER_CM = 360_000
_AFTER_DRAWING = ("legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                  "webPublishItems", "tableParts", "extLst")
_AFTER_ROW_BREAKS = ("colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
                     *_AFTER_DRAWING)


def set_pictures(package: PackageEdit, sheet_part: str, pictures: list[Picture]) -> None:
    """Make the sheet's drawing show exactly `pictures` (adding a drawing if the sheet has none)."""
    drawing = next(iter(package.related(sheet_part, DRAWING_REL)), None)
    if drawing is None:
        drawing = package.free_name("xl/drawings/drawing{}.xml")
        rid = package.relate(sheet_part, DRAWING_REL, posixpath.relpath(drawing, posixpath.dirname(sheet_part)))
        xml = package.read(sheet_part)
        p = _prefix(xml)
        declared = re.search(rb'xmlns:(\w+)="' + NS_REL.encode() + b'"', xml)
        attr = f'{declared.group(1).decode()}:id' if declared else f'xmlns:r="{NS_REL}" r:id'
        element = f'<{p}drawing {attr}="{rid}"/>'.encode()
        start = xml.find(b"</" + p.encode() + b"sheetData>")
        package.replace(sheet_part, [xml[:start] + _insert_before(xml[start:], element, _AFTER_DRAWING, p)])
    else:
        for old in package.related(drawing, IMAGE_REL):
            package.remove(old)
    package.set_default_type("png", "image/png")
    rels = []
    anchors = []
    for n, picture in enumerate(pictures, start=1):
        media = package.free_name("xl/media/trainbook-picture{}.png")
        package.replace(media, [picture.png])
        rels.append(f'<Relationship Id="rId{n}" Type="{IMAGE_REL}" '
                    f'Target="{posixpath.relpath(media, posixpath.dirname(drawing))}"/>')
        cx, cy = int(picture.width * EMU_PER_CM), int(picture.height * EMU_PER_CM)
        anchors.append(
            f'<xdr:oneCellAnchor><xdr:from><xdr:col>{picture.col}</xdr:col><xdr:colOff>0</xdr:colOff>'
            f'<xdr:row>{picture.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
            f'<xdr:ext cx="{cx}" cy="{cy}"/><xdr:pic><xdr:nvPicPr>'
            f'<xdr:cNvPr id="{n + 1}" name="{escape(picture.name or f"Picture {n}")}"/>'
            f'<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
            f'<xdr:blipFill><a:blip r:embed="rId{n}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
            f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
            f'</xdr:oneCellAnchor>')
    package.add_part(drawing, (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                               f'<xdr:wsDr xmlns:xdr="{NS_XDR}" xmlns:a="{NS_A}" xmlns:r="{NS_REL}">'
                               + "".join(anchors) + "</xdr:wsDr>").encode(), DRAWING_TYPE)
    package.replace(rels_part(drawing), [(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>").encode()])  # .rels parts have their type by extension


def set_row_breaks(xml: bytes, after_rows: list[int]) -> bytes:
    """The sheet with a printed page ending after each of `after_rows` (Excel row numbers)."""
    p = _prefix(xml)
    xml = re.sub(f"<{p}rowBreaks\\b.*?</{p}rowBreaks>|<{p}rowBreaks\\b[^<>]*/>".encode(), b"", xml, flags=re.S)
    if not after_rows:
        return xml
    breaks = "".join(f'<{p}brk id="{r}" max="16383" man="1"/>' for r in after_rows)
    element = f'<{p}rowBreaks count="{len(after_rows)}" manualBreakCount="{len(after_rows)}">{breaks}</{p}rowBreaks>'
    start = xml.find(f"</{p}sheetData>".encode())
    return xml[:start] + _insert_before(xml[start:], element.encode(), _AFTER_ROW_BREAKS, p)


def pictures_in(package: PackageEdit, sheet_part: str) -> list[str]:
    """The image parts the sheet's drawing shows (for tests and checks)."""
    out = []
    for drawing in package.related(sheet_part, DRAWING_REL):
        for rel in relationships(package.read(rels_part(drawing))):
            if rel.get("Type") == IMAGE_REL:
                out.append(resolve_target(drawing, rel["Target"]))
    return out

