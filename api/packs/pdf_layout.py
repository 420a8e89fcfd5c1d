"""The PDF pack's type and tables: fonts, paragraph styles, cells and tables that keep their headings with them.

- Font: Bitstream Vera, which ships inside reportlab (so `pip install` brings it), embedded so that the PDF looks the
  same wherever it is opened. It has the strategy's ‘ ’ – £ but not the rating and movement symbols ✔ ● ✖ ▲ ▼ ◆:
  those are set in ZapfDingbats, one of the fonts every PDF reader has (the PDF standard's fourteen), beside their
  words as in the HTML.
- Tables repeat their header row on every page, and a heading is never left at a page's foot without its table.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from api.kpis.rating import FALL, NEAR_TARGET, OFF_TARGET, ON_TARGET, RISE, STEADY

FONT = "Vera"
BOLD = "Vera-Bold"
SYMBOL_FONT = "ZapfDingbats"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FOOT = 20 * mm  # the bottom margin, with the footer in it
WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN - FOOT - 12  # a frame pads 6 points above and below
PAD = 3  # a table cell's padding
SYMBOLS = (ON_TARGET, NEAR_TARGET, OFF_TARGET, RISE, FALL, STEADY)
# C0 control characters (but line breaks) as spaces.
CLEAN = str.maketrans({chr(code): " " for code in (*range(9), 11, 12, *range(14, 32))})
TINTS = {"red": "#f6d7d2", "amber": "#fff7bf", "green": "#cce2d8", "none": "#eeefef", "not_rated": "#eeefef"}
MUTED = "#505a5f"
GRID = colors.HexColor("#b1b4b6")
HEADER_FILL = colors.HexColor("#f3f2f1")

Row = Sequence[Flowable]


def _register_fonts() -> None:
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in ((FONT, "Vera.ttf"), (BOLD, "VeraBd.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)  # <b> in markup


_register_fonts()


def style(name: str, size: float, font: str = FONT, **more: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, **more)


TITLE = style("title", 16, BOLD, spaceAfter=8)
H2 = style("h2", 13, BOLD, spaceBefore=12, spaceAfter=6)
H3 = style("h3", 11, BOLD, spaceBefore=10, spaceAfter=4)
H4 = style("h4", 9.5, BOLD, spaceBefore=6, spaceAfter=2, keepWithNext=1)
HEADLINE = style("headline", 12, BOLD, spaceBefore=4, spaceAfter=6)
CAPTION = style("caption", 8.5, BOLD, spaceBefore=8, spaceAfter=3)
LABEL = style("label", 9, BOLD)
BODY = style("body", 9, spaceAfter=2)
NOTE = style("note", 8, textColor=colors.HexColor(MUTED), spaceBefore=2, spaceAfter=4)
CELL = style("cell", 7.5)
HEAD = style("head", 7.5, BOLD)
NUMBER = style("number", 7.5, alignment=TA_RIGHT)


def markup(value: str) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept, the symbols in the font that has them."""
    text = escape(value.replace("\r\n", "\n").translate(CLEAN)).replace("\n", "<br/>")
    for symbol in SYMBOLS:
        text = text.replace(symbol, f'<font name="{SYMBOL_FONT}">{symbol}</font>')
    return text


def note(words: str | None) -> str:
    return f'<br/><font size="6.5" color="{MUTED}">{markup(words)}</font>' if words else ""


def cell(value: str, under: str | None = None, style: ParagraphStyle = CELL) -> Paragraph:
    """A cell's text, wrapped within the cell, with an optional smaller grey note under it."""
    return Paragraph(markup(value) + note(under), style)


def word(value: str, under: str | None = None) -> Paragraph:
    """A rating, a RAG or a direction of travel: the symbol and word in bold (a cell's tint is only a help)."""
    return Paragraph(f"<b>{markup(value)}</b>" + note(under), CELL)


def number(value: object) -> Paragraph:
    return Paragraph(markup(str(value)), NUMBER)


def tints(column: int, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    return [
        ("BACKGROUND", (column, row), (column, row), colors.HexColor(TINTS[key])) for row, key in enumerate(keys, 1)
    ]


def _widths(head: Sequence[str], shares: Sequence[float]) -> list[float]:
    """The columns' widths: their shares of the page's width, but each wide enough for its heading's longest word
    (taken from the widest columns), so that no heading breaks inside a word."""
    least = [max(pdfmetrics.stringWidth(word, BOLD, HEAD.fontSize) for word in h.split()) + 2 * PAD for h in head]
    widths = [max(share * WIDTH / sum(shares), floor) for share, floor in zip(shares, least, strict=True)]
    spare = [width - floor for width, floor in zip(widths, least, strict=True)]
    excess = sum(widths) - WIDTH
    if excess <= 0 or sum(spare) <= 0:
        return widths
    return [width - excess * room / sum(spare) for width, room in zip(widths, spare, strict=True)]


def table(
    head: Sequence[str], rows: Sequence[Row], shares: Sequence[float], shading: Sequence[Any] = (), width: float = WIDTH
) -> Table:
    """A table whose header row repeats on every page; ``shares`` are the columns' parts of the width."""
    cells: list[list[Flowable]] = [[cell(h, style=HEAD) for h in head], *(list(row) for row in rows)]
    widths = [w * width / WIDTH for w in _widths(head, shares)]
    made = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    made.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), PAD + 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                *shading,
            ]
        )
    )
    return made


def height(flowables: Sequence[Flowable]) -> float:
    return sum(f.wrap(WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def block(
    intro: Sequence[Flowable],
    head: Sequence[str],
    rows: Sequence[Row],
    shares: Sequence[float],
    shading: Sequence[Any] = (),
    *,
    run_on: bool = False,
) -> list[Flowable]:
    """Headings and their table. The block starts a new page if it would fit on one page but not in the space left;
    a longer table (or any, ``run_on``) starts where it is if its header and first two rows fit there (its header
    row repeats on every page), else on a new page. So a heading or a header row never ends a page on its own."""
    made = table(head, rows, shares, shading)
    whole = height([*intro, made])
    first_rows = min(height([*intro, table(head, rows[:2], shares)]), FRAME_HEIGHT / 2)
    return [CondPageBreak(whole if whole <= FRAME_HEIGHT and not run_on else first_rows), *intro, made]


def details(pairs: Sequence[tuple[str, str]], label_width: float = 35 * mm) -> Table:
    """Label and value pairs, two columns without rules (the front page's details)."""
    made = Table(
        [[cell(label, style=LABEL), cell(value, style=BODY)] for label, value in pairs],
        colWidths=[label_width, WIDTH - label_width],
        hAlign="LEFT",
    )
    made.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return made
