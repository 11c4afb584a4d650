"""The text of a Word file: body paragraphs and tables in order, text boxes, footnotes and
endnotes — from Transitional (.docx as Word saves it) and Strict Open XML alike.

python-docx opens and validates the package; its paragraph API does not reach text boxes
(``w:txbxContent`` inside a drawing) or the footnotes part, and it cannot open Strict Open
XML (other namespaces, other relationship types). So the XML is walked here by local names,
which are the same in both dialects. Word stores each text box twice (a DrawingML one and a
VML fallback inside ``mc:AlternateContent``); only the first is read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from kundensprache.ingest.errors import Rejected

_HEADING_STYLES = ("heading", "berschrift", "überschrift", "title", "titel")
_MAX_DEPTH = 60  # nested tables/text boxes deeper than this are not real documents


def docx_lines(data: bytes) -> list[str]:
    """Lines of text: a heading line starts with "# ", a two-cell table row is "Key: value",
    footnotes and endnotes follow the body after a blank line."""
    body, notes = _parts(data)
    lines: list[str] = []
    _walk(body, lines, 0)
    for part in notes:
        note_lines: list[str] = []
        for note in part:
            if _local(note) in ("footnote", "endnote") and not _attr(note, "type"):
                _walk(note, note_lines, 0)
        if any(line.strip() for line in note_lines):
            lines += ["", *note_lines]
    return lines


def _parts(data: bytes) -> tuple[etree._Element, list[etree._Element]]:
    """The body element and the footnotes/endnotes roots, Transitional or Strict."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            main = _target(zf, "_rels/.rels", "officeDocument", "")
            if main is None:
                raise Rejected("not a Word document: no main document part in the package")
            root = _xml(zf.read(main))
            folder, name = posixpath.split(main)
            rels = posixpath.join(folder, "_rels", name + ".rels")
            notes = []
            for kind in ("footnotes", "endnotes"):
                target = _target(zf, rels, kind, folder)
                if target is not None:
                    notes.append(_xml(zf.read(target)))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise Rejected(f"corrupt or truncated .docx: {type(exc).__name__}: {exc}") from exc
    body = next((el for el in root if _local(el) == "body"), None)
    if body is None:
        raise Rejected("not a Word document: the main part has no body")
    return body, notes


def _target(zf: zipfile.ZipFile, rels_path: str, kind: str, base: str) -> str | None:
    """The part a relationship of type ``…/kind`` points to (any namespace dialect);
    relative targets resolve against ``base``, the source part's folder."""
    if rels_path not in zf.namelist():
        return None
    for rel in _xml(zf.read(rels_path)):
        if str(rel.get("Type", "")).rsplit("/", 1)[-1] != kind:
            continue
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(base, target))
    return None


def _xml(raw: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(raw, parser)


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(el, name: str) -> str:
    for key, value in el.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return value
    return ""


def _walk(el, lines: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    for child in el:
        local = _local(child)
        if local == "p":
            _paragraph(child, lines, depth)
        elif local == "tbl":
            _table(child, lines, depth)
        elif local in ("Fallback", "del", "sectPr", "pPr", "rPr", "moveFrom"):
            continue
        else:  # sdt, sdtContent, AlternateContent/Choice, customXml, ins, smartTag …
            _walk(child, lines, depth + 1)


def _paragraph(p, lines: list[str], depth: int) -> None:
    pieces: list[str] = []
    boxes: list = []
    _runs(p, pieces, boxes)
    style = ""
    for ppr in p:
        if _local(ppr) == "pPr":
            for s in ppr:
                if _local(s) == "pStyle":
                    style = _attr(s, "val").lower()
    prefix = "# " if style.startswith(_HEADING_STYLES) else ""
    lines.append(prefix + "".join(pieces))
    for box in boxes:
        _walk(box, lines, depth + 1)


def _runs(el, pieces: list[str], boxes: list) -> None:
    """Text of a paragraph's runs; text boxes are collected to be read after it."""
    for child in el:
        local = _local(child)
        if local == "t":
            pieces.append(child.text or "")
        elif local == "tab":
            pieces.append("\t")
        elif local in ("br", "cr"):
            pieces.append("\n")
        elif local == "txbxContent":
            boxes.append(child)
        elif local in ("Fallback", "delText", "instrText", "del", "pPr", "rPr"):
            continue
        else:
            _runs(child, pieces, boxes)


def _table(tbl, lines: list[str], depth: int) -> None:
    """Two-cell rows are 'Key: value' header rows; wider ones become ' | ' lines."""
    for row in tbl:
        if _local(row) != "tr":
            continue
        cells: list[str] = []
        for cell in row:
            if _local(cell) != "tc":
                continue
            cell_lines: list[str] = []
            _walk(cell, cell_lines, depth + 1)
            text = "\n".join(line for line in cell_lines if line.strip())
            if text not in cells:  # merged cells repeat their text
                cells.append(text)
        if len(cells) == 2 and len(cells[0]) < 40:
            lines.append(f"{cells[0].strip().rstrip(':')}: {cells[1]}")
        else:
            lines.append(" | ".join(cells))
    lines.append("")
