"""A governance body's pack as a PDF for a meeting's papers: A4 portrait, the HTML's sections in its order.

- Font: Bitstream Vera, which ships inside reportlab (so `pip install` brings it), embedded so that the PDF looks the
  same wherever it is opened. It has the strategy's ‘ ’ – £ but not ▲ ▼ ◆ ✔ ✖: the PDF says ratings, RAG and
  movements in words (the HTML prints those words beside its symbols), and those symbols in any text become words.
- Tables repeat their header row on every page, and a heading is never left at a page's foot without its table.
- Every page's foot names the body, the data's date, the meeting and version when issued, and "Page N of M".
"""

from collections.abc import Callable, Sequence
from io import BytesIO
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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from api.kpis.rating import FALL, RISE, STEADY
from api.kpis.schemas import KpiStatusRead, TravelRead
from api.packs import render
from api.packs.render import Meeting
from api.packs.schemas import FocusAreaProgress, Pack, PackAction, PackFocusArea, PackProject

FONT = "Vera"
BOLD = "Vera-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FOOT = 20 * mm  # the bottom margin, with the footer in it
WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN - FOOT - 12  # a frame pads 6 points above and below
PAD = 3  # a table cell's padding
PAGE_COUNT = "pageCount"  # a form drawn once the last page is known, shown on every page
# Symbols the font lacks, as words; C0 control characters (but line breaks) as spaces.
SYMBOL_WORDS = {RISE: "up", FALL: "down", STEADY: "unchanged", "✔": "yes", "✖": "no"}
CLEAN = str.maketrans({**SYMBOL_WORDS, **{chr(code): " " for code in (*range(9), 11, 12, *range(14, 32))}})
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


def _style(name: str, size: float, font: str = FONT, **more: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, **more)


TITLE = _style("title", 16, BOLD, spaceAfter=8)
H2 = _style("h2", 13, BOLD, spaceBefore=12, spaceAfter=6)
H3 = _style("h3", 11, BOLD, spaceBefore=10, spaceAfter=4)
CAPTION = _style("caption", 8.5, BOLD, spaceBefore=8, spaceAfter=3)
LABEL = _style("label", 9, BOLD)
BODY = _style("body", 9)
CELL = _style("cell", 7.5)
HEAD = _style("head", 7.5, BOLD)
NUMBER = _style("number", 7.5, alignment=TA_RIGHT)


def markup(value: str) -> str:
    """Plain text as Paragraph markup: escaped, the symbols the font lacks as words, line breaks kept."""
    return escape(value.replace("\r\n", "\n").translate(CLEAN)).replace("\n", "<br/>")


def _note(note: str | None) -> str:
    return f'<br/><font size="6.5" color="{MUTED}">{markup(note)}</font>' if note else ""


def _cell(value: str, note: str | None = None, style: ParagraphStyle = CELL) -> Paragraph:
    """A cell's text, wrapped within the cell, with an optional smaller grey note under it."""
    return Paragraph(markup(value) + _note(note), style)


def _word(value: str, note: str | None = None) -> Paragraph:
    """A rating, a RAG or a direction of travel: the word in bold (a cell's tint is only a help)."""
    return Paragraph(f"<b>{markup(value)}</b>" + _note(note), CELL)


def _number(value: object) -> Paragraph:
    return Paragraph(markup(str(value)), NUMBER)


def _tints(column: int, keys: Sequence[str]) -> list[tuple[Any, ...]]:
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


def _table(head: Sequence[str], rows: Sequence[Row], shares: Sequence[float], tints: Sequence[Any] = ()) -> Table:
    """A table whose header row repeats on every page; ``shares`` are the columns' parts of the page's width."""
    cells: list[list[Flowable]] = [[_cell(h, style=HEAD) for h in head], *(list(row) for row in rows)]
    table = Table(cells, colWidths=_widths(head, shares), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), PAD + 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                *tints,
            ]
        )
    )
    return table


def _height(flowables: Sequence[Flowable]) -> float:
    return sum(f.wrap(WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def _block(
    intro: Sequence[Flowable],
    head: Sequence[str],
    rows: Sequence[Row],
    shares: Sequence[float],
    tints: Sequence[Any] = (),
) -> list[Flowable]:
    """Headings and their table. The block starts a new page if it would fit on one page but not in the space left;
    a longer table starts where it is if its header and first two rows fit there (its header row repeats on every
    page), else on a new page. So a heading or a header row never ends a page on its own."""
    table = _table(head, rows, shares, tints)
    whole = _height([*intro, table])
    first_rows = _height([*intro, _table(head, rows[:2], shares)])
    return [CondPageBreak(whole if whole <= FRAME_HEIGHT else min(first_rows, FRAME_HEIGHT / 2)), *intro, table]


def _section(title: str, caption: str) -> list[Flowable]:
    return [Paragraph(markup(title), H2), Paragraph(markup(caption), CAPTION)]


def _progress(areas: Sequence[FocusAreaProgress]) -> list[Flowable]:
    head = ["Focus area", "Actions", "By status", "By RAG", "Overdue", "Stale", "Projects", "Projects by RAG"]
    rows = [
        [
            _cell(area.title),
            _number(area.actions),
            _cell(render.status_breakdown(area) or "None"),
            _cell(render.rag_breakdown(area.actions_by_rag) or "None"),
            _number(area.actions_overdue),
            _number(area.actions_stale),
            _number(area.projects),
            _cell(render.rag_breakdown(area.projects_by_rag) or "None"),
        ]
        for area in areas
    ]
    intro = _section(
        "Progress summary by focus area", "Business improvement actions and transformation projects by focus area"
    )
    return _block(intro, head, rows, [20, 8, 18, 17, 8, 7, 8, 17])


def _travel(travel: TravelRead | None) -> Paragraph:
    if travel is None:
        return _cell("No comparison")
    against = f" vs {travel.against}" if travel.against else ""
    return _word(travel.word + against, travel.reason)


def _kpi_row(kpi: KpiStatusRead) -> Row:
    figure = kpi.figure
    return [
        _cell(kpi.title, kpi.code),
        _cell(render.baseline(kpi), f"({kpi.baseline_period})" if kpi.baseline_period else None),
        _cell(kpi.target.display, f"({kpi.target.period})") if kpi.target else _cell(""),
        _cell(render.latest_figure(kpi), f"({figure.period})") if figure else _cell("No figure"),
        _word(kpi.rating.word, kpi.rating.reason),
        _travel(kpi.vs_previous),
        _cell(render.comparators(kpi)),
    ]


def _kpis(kpis: Sequence[KpiStatusRead]) -> list[Flowable]:
    head = ["KPI", "Baseline", "Target", "Latest figure", "Rating", "Direction of travel", "Comparators"]
    intro = _section(
        "Key performance indicators", "KPIs: latest figure against target, direction of travel and comparators"
    )
    tints = _tints(4, [kpi.rating.status.value for kpi in kpis])
    return _block(intro, head, [_kpi_row(kpi) for kpi in kpis], [22, 10, 10, 10, 17, 15, 16], tints)


def _exceptions(pack: Pack) -> list[Flowable]:
    head = ["Item", "Title", "Rule", "Why it is an exception"]
    rows = [[_cell(e.item), _cell(e.title), _cell(e.rule, f"({e.kind})"), _cell(e.reason)] for e in pack.exceptions]
    intro = _section("Performance challenge exceptions", "Items that met a performance-challenge rule")
    return _block(intro, head, rows, [21, 27, 20, 32])


def _delivery(item: PackAction | PackProject) -> Row:
    """The cells an action and a project share: status, RAG, how complete, flags and the latest update."""
    flags = ", ".join(flag for flag, raised in (("Overdue", item.overdue), ("Stale", item.stale)) if raised)
    updated = render.uk_date(item.last_update_on) if item.last_update_on else "No update"
    return [
        _cell(render.status_word(item.status)),
        _word(render.rag_word(item.rag)),
        _number("" if item.percent_complete is None else f"{item.percent_complete}%"),
        _cell(flags),
        _cell(updated, item.commentary),
    ]


def _actions(area: PackFocusArea, first: bool) -> list[Flowable]:
    head = ["Action", "Owners", "Due", "Status", "RAG", "Complete", "Flags", "Latest update"]
    rows = [
        [_cell(a.what), _cell(", ".join(a.owners)), _cell(a.due_text or "Not stated"), *_delivery(a)]
        for a in area.actions
    ]
    intro: list[Flowable] = [Paragraph(markup("Business improvement actions by focus area"), H2)] if first else []
    intro += [
        Paragraph(markup(area.title), H3),
        Paragraph(markup(f"{area.title}: business improvement actions"), CAPTION),
    ]
    tints = _tints(4, [render.rag_key(a.rag) for a in area.actions])
    return _block(intro, head, rows, [27, 10, 11, 9, 8, 8, 8, 19], tints)


def _projects(projects: Sequence[PackProject]) -> list[Flowable]:
    head = ["Project", "Lead", "PID", "Deadline", "Status", "RAG", "Complete", "Flags", "Latest update"]
    rows = [
        [
            _cell(p.title),
            _cell(p.lead or "Not named"),
            _cell(p.pid_status.capitalize()),
            _cell(p.deadline_text or "Not stated"),
            *_delivery(p),
        ]
        for p in projects
    ]
    tints = _tints(5, [render.rag_key(p.rag) for p in projects])
    intro = _section("Transformation projects", "Transformation projects: delivery")
    return _block(intro, head, rows, [20, 8, 10, 9, 9, 7, 8, 8, 21], tints)


def _project_savings(projects: Sequence[PackProject]) -> list[Flowable]:
    head = ["Project", "Financial year", "Target", "Forecast", "Delivered", "Forecast gap", "Still to bank"]
    rows = [
        [
            _cell(p.title),
            _cell(p.savings.financial_year),
            *(_number(render.pounds(pence)) for pence in render.savings_pence(p.savings)),
        ]
        for p in projects
        if p.savings is not None
    ]
    if not rows:
        return []
    return _block([Paragraph("Transformation projects: savings", CAPTION)], head, rows, [30, 10, 12, 12, 12, 12, 12])


def _savings_totals(pack: Pack) -> list[Flowable]:
    if (totals := pack.savings_totals) is None:
        return []
    head = ["Target", "Forecast", "Delivered", "Forecast gap", "Still to bank"]
    intro = _section("Savings totals", f"Savings totals for {pack.financial_year}")
    return _block(intro, head, [[_number(render.pounds(pence)) for pence in render.savings_pence(totals)]], [1] * 5)


def _sections(pack: Pack) -> list[list[Flowable]]:
    """The sections the pack has, in the HTML's order; each starts a page, as the printed HTML's do."""
    sections = [
        _progress(pack.progress_summary) if pack.progress_summary else [],
        _kpis(pack.kpis) if pack.kpis else [],
        _exceptions(pack) if pack.exceptions else [],
        [f for i, area in enumerate(pack.actions_by_focus_area) for f in _actions(area, first=i == 0)],
        [*_projects(pack.projects), *_project_savings(pack.projects)] if pack.projects else [],
        _savings_totals(pack),
    ]
    return [section for section in sections if section]


def _details(pack: Pack, meeting: Meeting | None) -> list[Flowable]:
    body = pack.body.name + (f" ({pack.body.code})" if pack.body.code else "")
    details = [
        ("Governance body", body),
        ("Cadence", pack.body.cadence),
        ("Period", pack.period or "Latest available"),
        ("Financial year", pack.financial_year),
        ("Data as of", render.uk_date(pack.as_at)),
        ("Generated", render.uk_date(pack.generated_at)),
        ("Routing rules", ", ".join(pack.rules) or "None"),
    ]
    if meeting is not None:
        details += [("Meeting", render.uk_date(meeting.meeting_date)), ("Version", str(meeting.version))]
    table = Table(
        [[_cell(label, style=LABEL), _cell(value, style=BODY)] for label, value in details],
        colWidths=[35 * mm, WIDTH - 35 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [Paragraph(markup(pack.title), TITLE), table]


class _Canvas(Canvas):
    """Counts its pages, and at the end draws the count into the form that every page's foot shows."""

    pages = 0

    def showPage(self) -> None:
        self.pages += 1
        super().showPage()

    def save(self) -> None:
        self.beginForm(PAGE_COUNT, lowery=-3)
        self.setFont(FONT, 7.5)
        self.drawString(0, 0, str(self.pages))
        self.endForm()
        super().save()


def _footer(words: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor(MUTED))
        y = FOOT / 2
        canvas.drawString(MARGIN, y, words)
        page = f"Page {canvas.getPageNumber()} of "
        x = PAGE_WIDTH - MARGIN - 15 - pdfmetrics.stringWidth(page, FONT, 7.5)
        canvas.drawString(x, y, page)
        canvas.translate(x + pdfmetrics.stringWidth(page, FONT, 7.5), y)
        canvas.doForm(PAGE_COUNT)
        canvas.restoreState()

    return draw


def footer_words(pack: Pack, meeting: Meeting | None) -> str:
    """E.g. "Cabinet · data as of 30 September 2016 · meeting 12 October 2016, version 2"."""
    words = f"{pack.body.name} · data as of {render.uk_date(pack.as_at)}"
    if meeting is not None:
        words += f" · meeting {render.uk_date(meeting.meeting_date)}, version {meeting.version}"
    return words.translate(CLEAN)


def render_pdf(pack: Pack, meeting: Meeting | None = None) -> bytes:
    """The pack as a PDF (A4 portrait); an issued pack's meeting and version go on each page's foot."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=FOOT,
        title=pack.title,
        subject=f"{pack.body.name}: data as of {render.uk_date(pack.as_at)}",
        creator="cs-strategy",
        lang="en-GB",
    )
    story: list[Flowable] = _details(pack, meeting)
    sections = _sections(pack)
    if render.is_empty(pack):
        story.append(Paragraph("Nothing is routed to this body for this pack.", BODY))
    for number, section in enumerate(sections):
        story += [PageBreak(), *section] if number else section
    draw = _footer(footer_words(pack, meeting))
    document.build(story, onFirstPage=draw, onLaterPages=draw, canvasmaker=_Canvas)
    return buffer.getvalue()
