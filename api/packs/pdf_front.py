"""The PDF pack's front page: what the pack is, its headline, its contents, the exceptions that need a decision and
a key to the symbols."""

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from api.packs import render
from api.packs.pdf_layout import BODY, BOLD, H2, H3, HEADLINE, NOTE, TITLE, WIDTH, block, cell, details, markup, style
from api.packs.render import Meeting
from api.packs.schemas import Pack

CONTENTS = style("contents", 9.5, leftIndent=14, firstLineIndent=-14, spaceBefore=3)
SYMBOL = style("symbol", 9, BOLD, alignment=1)


def contents() -> TableOfContents:
    """The sections and their pages, filled in as the document is built (in two passes)."""
    listed = TableOfContents(dotsMinLevel=0, rightColumnWidth=40)
    listed.levelStyles = [CONTENTS]
    return listed


def _about(pack: Pack, meeting: Meeting | None) -> list[tuple[str, str]]:
    body = pack.body.name + (f" ({pack.body.code})" if pack.body.code and pack.body.code != pack.body.name else "")
    pairs = [("Governance body", body)]
    if pack.reports:
        pairs.append(("Reports", "; ".join(pack.reports)))
    return [
        *pairs,
        ("Period", pack.period_label or "Each KPI's latest figure"),
        ("As at", render.uk_date(pack.as_at)),
        ("Data as known at", render.uk_date(pack.known_at)),
        ("Savings year", pack.financial_year_label),
        ("Version", render.version_words(pack, meeting)),
    ]


def _exceptions(pack: Pack) -> list[Flowable]:
    heading = Paragraph("Exceptions that need a decision", H3)
    if not pack.exceptions:
        return [heading, Paragraph("No exceptions were raised.", BODY)]
    rows = [
        [
            cell(e.title, f"({render.item_words(e.item)})"),
            cell(render.exception_words(e.kind)),
            cell(render.plain(e.reason)),
        ]
        for e in pack.exceptions
    ]
    return block([heading], ["Item", "Exception", "Why"], rows, [45, 15, 40], run_on=True)  # begun on the front page


def _key() -> list[Flowable]:
    rows = [[Paragraph(markup(symbol), SYMBOL), cell(meaning, style=BODY)] for symbol, meaning in render.SYMBOL_KEY]
    key = Table(rows, colWidths=[20, WIDTH - 20], hAlign="LEFT")
    key.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    words = "Ratings and RAG are always given in words; the symbols and tints only help the eye."
    return [Paragraph("Key to symbols", H3), key, Paragraph(words, NOTE)]


def front_page(pack: Pack, meeting: Meeting | None, listed: TableOfContents) -> list[Flowable]:
    """The title and what the pack is; the headline and its figures; the contents; the exceptions; the key."""
    story: list[Flowable] = [Paragraph(markup(pack.title), TITLE), details(_about(pack, meeting))]
    story += [Paragraph("Summary", H2), Paragraph(markup(pack.headline.sentence), HEADLINE)]
    story += [Paragraph(markup(line), BODY, bulletText="•") for line in render.headline_figures(pack)]
    story.append(Paragraph("Contents", H3))
    if render.contents(pack):
        story.append(listed)
    else:
        story.append(Paragraph("Nothing is routed to this body for this pack.", BODY))
    return [*story, *_exceptions(pack), *_key()]
