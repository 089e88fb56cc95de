"""The page and the paragraphs of the papers built in code (the year report, the minutes,
the commendations proposal): A4, Times New Roman, the margins of administrative papers,
and a table whose rows repeat through docxtpl's row loop."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"


def new_page() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return doc


def para(
    doc: Any, text: str, *, bold: bool = False, italic: bool = False, align: Any = None, size: int = 14
) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return p


def loop_table(doc: Any, heads: list[str], loop: str, cells: list[str]) -> None:
    """A header row, then one row per item of `loop` (docxtpl's {%tr for %})."""
    table = doc.add_table(rows=4, cols=len(heads))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for u in " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def to_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
