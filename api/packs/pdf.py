"""A governance body's pack as a PDF for a meeting's papers: A4 portrait, a front page, then the HTML's sections in
its order, each on a new page.

- The front page: the title, the body, the reports, the period, the dates it is as at and as known at, its version;
  the headline and its figures; the exceptions that need a decision; the contents with each section's page; a key
  to the symbols. Each section is a bookmark in the reader's outline too.
- Charts are the HTML's (api/packs/charts.py), drawn as vector graphics, each with its sentence under it.
- Every page's foot names the body, the date the pack is as at and its version (issued for a meeting, or not
  issued), and "Page N of M"; every page after the first has the title at its head.
"""

from collections.abc import Callable, Sequence
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from api.kpis.schemas import TravelRead
from api.packs import charts, render
from api.packs.pdf_front import contents, front_page
from api.packs.pdf_layout import (
    BODY,
    CAPTION,
    CELL,
    FONT,
    FOOT,
    H2,
    H3,
    H4,
    MARGIN,
    MUTED,
    NOTE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    WIDTH,
    Row,
    block,
    cell,
    markup,
    number,
    table,
    tints,
    word,
)
from api.packs.render import Meeting
from api.packs.schemas import (
    FocusAreaProgress,
    Pack,
    PackAction,
    PackAssurance,
    PackComment,
    PackFocusArea,
    PackKpi,
    PackProject,
    PackReturn,
)

PAGE_COUNT = "pageCount"  # a form drawn once the last page is known, shown on every page


def _heading(title: str, anchor: str) -> Paragraph:
    """A section's heading: an entry in the contents and the outline (see _Document.afterFlowable)."""
    heading = Paragraph(markup(title), H2)
    heading.anchor = anchor  # type: ignore[attr-defined]
    return heading


def _progress(areas: Sequence[FocusAreaProgress]) -> list[Flowable]:
    head = ["Focus area", "Actions", "By status", "By RAG", "Overdue", "Stale", "Projects", "Projects by RAG"]
    rows = [
        [
            cell(area.title),
            number(area.actions),
            cell(render.status_breakdown(area) or "No actions"),
            cell(render.rag_breakdown(area.actions_by_rag) or "No actions"),
            number(area.actions_overdue),
            number(area.actions_stale),
            number(area.projects),
            cell(render.rag_breakdown(area.projects_by_rag) or "No projects"),
        ]
        for area in areas
    ]
    intro = [
        _heading("Progress by focus area", "progress"),
        Paragraph("Business improvement actions and transformation projects by focus area", CAPTION),
    ]
    return block(intro, head, rows, [20, 8, 18, 17, 8, 7, 8, 17])


def _travel(travel: TravelRead | None) -> Paragraph:
    if travel is None:
        return cell("No earlier figure")
    return word(f"{travel.symbol} {render.travel_words(travel)}", render.plain(travel.reason))


def _in(period: str | None) -> str | None:
    return f"({render.period_label(period)})" if period else None


def _kpi_row(kpi: PackKpi) -> Row:
    figure, target = kpi.figure, kpi.target
    return [
        cell(kpi.title),
        cell(render.baseline(kpi), _in(kpi.baseline_period)) if kpi.baseline_value is not None else cell("No baseline"),
        cell(target.display, _in(target.period)) if target else cell("No target set"),
        cell(render.latest_figure(kpi), _in(figure.period)) if figure else cell("No figure yet"),
        word(f"{kpi.rating.symbol} {kpi.rating.word}", render.plain(kpi.rating.reason)),
        _travel(kpi.vs_previous),
        cell(render.comparators(kpi) or "No comparators yet"),
    ]


def _comments(comments: Sequence[PackComment], with_period: bool = False) -> list[Paragraph]:
    def said(comment: PackComment) -> str:
        period = f"<b>{markup(render.period_label(comment.period))}:</b> " if with_period and comment.period else ""
        by = markup(f" – {render.said_by(comment.author, comment.written_at)}")
        return f'{period}{markup(comment.text)}<font color="{MUTED}">{by}</font>'

    return [Paragraph(said(comment), BODY, bulletText="•") for comment in comments]


def _kpi_detail(kpi: PackKpi) -> list[Flowable]:
    """A KPI's trend chart (or why it has none), its figures by period and its commentary, kept together."""
    parts: list[Flowable] = [Paragraph(markup(kpi.title), H3)]
    if render.trend_points(kpi):
        chart = charts.trend_chart(kpi, font=FONT)
        if chart is not None:
            parts += [chart.drawing, Paragraph(markup(chart.text), NOTE)]
        else:
            parts.append(Paragraph(markup(charts.no_trend(kpi) or ""), NOTE))
        head = ["Period", "Our figure", "Target", "England", "Statistical neighbours' average"]
        rows = [
            [
                cell(p.label),
                *(number(render.trend_figure(v, kpi)) for v in (p.value, p.target, p.england, p.neighbours_mean)),
            ]
            for p in render.trend_points(kpi)
        ]
        parts.append(table(head, rows, [16, 14, 14, 14, 24], width=WIDTH * 0.75))
    if kpi.comments:
        parts += [Paragraph("Commentary", H4), *_comments(kpi.comments, with_period=True)]
    return [KeepTogether(parts), Spacer(0, 6)]


def _kpis(kpis: Sequence[PackKpi]) -> list[Flowable]:
    head = ["KPI", "Baseline", "Target", "Latest figure", "Rating", "Direction of travel", "Compared with others"]
    intro = [
        _heading("Key performance indicators", "kpis"),
        Paragraph(
            "KPIs in the plan's order: latest figure against target, direction of travel and comparators", CAPTION
        ),
    ]
    shading = tints(4, [kpi.rating.status.value for kpi in kpis])
    flowables = block(intro, head, [_kpi_row(kpi) for kpi in kpis], [22, 10, 10, 10, 17, 15, 16], shading)
    for kpi in kpis:
        if render.trend_points(kpi) or kpi.comments:
            flowables += _kpi_detail(kpi)
    return flowables


def _update(item: PackAction | PackProject) -> Paragraph:
    """The latest update's date, its commentary and who made it, and the comments on it."""
    text = markup(render.uk_date(item.last_update_on) if item.last_update_on else "No update yet")
    if item.commentary:
        by = f" – {render.person(item.commentary_by)}" if item.commentary_by else ""
        text += f'<br/>{markup(item.commentary)}<font color="{MUTED}">{markup(by)}</font>'
    for comment in item.comments:
        by = f" – {render.said_by(comment.author, comment.written_at)}"
        text += f'<br/>• {markup(comment.text)}<font color="{MUTED}">{markup(by)}</font>'
    return Paragraph(text, CELL)


def _delivery(item: PackAction | PackProject) -> Row:
    """The cells an action and a project share: status, RAG, how complete, flags and the latest update."""
    flags = ", ".join(flag for flag, raised in (("Overdue", item.overdue), ("Stale", item.stale)) if raised)
    key = render.rag_key(item.rag)
    complete = "Not reported" if item.percent_complete is None else f"{item.percent_complete}%"
    return [
        cell(render.status_word(item.status)),
        word(f"{render.RAG_SYMBOLS[key]} {render.rag_word(item.rag)}"),
        number(complete),
        cell(flags),
        _update(item),
    ]


def _actions(area: PackFocusArea, first: bool) -> list[Flowable]:
    head = ["Action", "Owners", "Due", "Status", "RAG", "Complete", "Flags", "Latest update"]
    rows = [
        [
            cell(a.what),
            cell(", ".join(a.owners) or "No owner named"),
            cell(a.due_text or "Not stated"),
            *_delivery(a),
        ]
        for a in area.actions
    ]
    intro: list[Flowable] = [_heading("Business improvement actions by focus area", "actions")] if first else []
    intro += [
        Paragraph(markup(area.title), H3),
        Paragraph(markup(f"{area.title}: business improvement actions"), CAPTION),
    ]
    shading = tints(4, [render.rag_key(a.rag) for a in area.actions])
    return block(intro, head, rows, [26, 9, 10, 9, 10, 9, 8, 19], shading)


def _projects(projects: Sequence[PackProject]) -> list[Flowable]:
    head = ["Project", "Lead", "PID", "Deadline", "Status", "RAG", "Complete", "Flags", "Latest update"]
    rows = [
        [
            cell(p.title),
            cell(p.lead or "No lead named"),
            cell(render.pid_words(p.pid_status)),
            cell(p.deadline_text or "Not stated"),
            *_delivery(p),
        ]
        for p in projects
    ]
    shading = tints(5, [render.rag_key(p.rag) for p in projects])
    intro = [_heading("Transformation projects", "projects"), Paragraph("Transformation projects: delivery", CAPTION)]
    return block(intro, head, rows, [19, 8, 10, 9, 8, 9, 9, 7, 21], shading)


def _returns(returns: Sequence[PackReturn]) -> list[Flowable]:
    head = ["KPI", "Period", "Due", "Status", "How late", "Accountable", "Submitted by"]
    rows = [
        [
            cell(r.kpi_title),
            cell(r.period_label),
            cell(render.uk_date(r.due_date)),
            cell(render.return_words(r.status)),
            cell(render.return_lateness(r)),
            cell(r.accountable_owner),
            cell(r.submitting_owner),
        ]
        for r in returns
    ]
    intro = [_heading("KPI returns late or missing", "returns"), Paragraph("KPI returns by due date", CAPTION)]
    return block(intro, head, rows, [30, 10, 12, 10, 16, 11, 11])


def _savings(pack: Pack) -> list[Flowable]:
    """The year's totals, the chart of savings by year and its figures, and each project's savings this year."""
    flowables: list[Flowable] = [_heading("Savings", "savings")]
    money = ["Target", "Forecast", "Delivered", "Forecast gap", "Still to bank"]
    year = pack.financial_year_label
    if (totals := pack.savings_totals) is not None:
        rows = [[number(render.pounds(pence)) for pence in render.savings_pence(totals)]]
        flowables += block([Paragraph(markup(f"Savings totals for {year}"), CAPTION)], money, rows, [1] * 5)
    if (chart := charts.savings_chart(pack.savings_by_year, font=FONT)) is not None:
        rows = [
            [cell(y.label), *(number(render.pounds(p)) for p in (y.target_pence, y.forecast_pence, y.delivered_pence))]
            for y in pack.savings_by_year
        ]
        caption = Paragraph("Savings by financial year", CAPTION)
        by_year = table(["Financial year", "Target", "Forecast", "Delivered"], rows, [1] * 4, width=WIDTH * 0.75)
        flowables.append(KeepTogether([caption, chart.drawing, Paragraph(markup(chart.text), NOTE), by_year]))
    rows = [
        [cell(p.title), *(number(render.pounds(pence)) for pence in render.savings_pence(p.savings))]
        for p in pack.projects
        if p.savings is not None
    ]
    if rows:
        caption = Paragraph(markup(f"Transformation projects: savings for {year}"), CAPTION)
        flowables += block([caption], ["Project", *money], rows, [30, 14, 14, 14, 14, 14])
    return flowables


def _assurance(activities: Sequence[PackAssurance]) -> list[Flowable]:
    head = ["Activity", "Team", "Carried out", "By", "Grading", "Themes", "Actions"]
    rows = [
        [
            cell(render.assurance_words(a)),
            cell(a.team_name or "Across teams"),
            cell(render.uk_date(a.carried_out_on)),
            cell(a.carried_out_by_role),
            cell(render.grading_word(a.grading)),
            cell(render.theme_words(a.themes)),
            cell(render.link_words(a) or "None linked"),
        ]
        for a in activities
    ]
    caption = "Audits, observations, reviews and visits carried out in the period"
    intro = [_heading("Assurance programme", "assurance"), Paragraph(markup(caption), CAPTION)]
    return block(intro, head, rows, [15, 12, 11, 12, 11, 17, 22])


def _sections(pack: Pack) -> list[list[Flowable]]:
    """The sections the pack has, in the HTML's order; each starts a page, as the printed HTML's do."""
    sections = [
        _progress(pack.progress_summary) if pack.progress_summary else [],
        _kpis(pack.kpis) if pack.kpis else [],
        _returns(pack.returns) if pack.returns else [],
        [f for i, area in enumerate(pack.actions_by_focus_area) for f in _actions(area, first=i == 0)],
        _projects(pack.projects) if pack.projects else [],
        _savings(pack) if pack.savings_totals is not None or pack.savings_by_year else [],
        _assurance(pack.assurance) if pack.assurance else [],
    ]
    return [section for section in sections if section]


class _Document(SimpleDocTemplate):
    """Lists each section's heading in the contents, with its page, and in the reader's outline."""

    def afterFlowable(self, flowable: Flowable) -> None:
        anchor = getattr(flowable, "anchor", None)
        if isinstance(flowable, Paragraph) and anchor:
            text = flowable.getPlainText()
            self.canv.bookmarkPage(anchor)
            self.canv.addOutlineEntry(text, anchor, level=0)
            self.notify("TOCEntry", (0, text, self.page, anchor))


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


def _page_furniture(head: str, foot: Sequence[str]) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """The title at the head of every page after the first; the foot's lines and "Page N of M" on every page."""

    def draw(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor(MUTED))
        if canvas.getPageNumber() > 1:
            canvas.drawString(MARGIN, PAGE_HEIGHT - MARGIN / 2 - 2, head)
        y = FOOT / 2 + 4
        for row, line in enumerate(foot):
            canvas.drawString(MARGIN, y - 9 * row, line)
        page = f"Page {canvas.getPageNumber()} of "
        x = PAGE_WIDTH - MARGIN - 15 - pdfmetrics.stringWidth(page, FONT, 7.5)
        canvas.drawString(x, y, page)
        canvas.translate(x + pdfmetrics.stringWidth(page, FONT, 7.5), y)
        canvas.doForm(PAGE_COUNT)
        canvas.restoreState()

    return draw


def footer_words(pack: Pack, meeting: Meeting | None) -> list[str]:
    """Two lines, e.g. "Cabinet · as at 30 September 2016" and "Version 2, issued for the meeting on 12 October
    2016" (a pack made on request: "Not issued")."""
    version = render.version_words(pack, meeting) if meeting else "Not issued"
    return [f"{pack.body.name} · as at {render.uk_date(pack.as_at)}", version]


def _fitted(words: str, width: float) -> str:
    """Words cut with an ellipsis to fit the width at the page furniture's size."""
    while pdfmetrics.stringWidth(words, FONT, 7.5) > width and len(words) > 1:
        words = words[:-2] + "…"
    return words


def render_pdf(pack: Pack, meeting: Meeting | None = None) -> bytes:
    """The pack as a PDF (A4 portrait); an issued pack's meeting and version are on its front page and every foot."""
    buffer = BytesIO()
    document = _Document(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=FOOT,
        title=pack.title,
        subject=f"{pack.body.name}: as at {render.uk_date(pack.as_at)}",
        creator="cs-strategy",
        lang="en-GB",
    )
    story = front_page(pack, meeting, contents())
    for section in _sections(pack):
        story += [PageBreak(), *section]
    foot = [_fitted(line, WIDTH - 70) for line in footer_words(pack, meeting)]
    draw = _page_furniture(_fitted(pack.title, WIDTH), foot)
    document.multiBuild(story, onFirstPage=draw, onLaterPages=draw, canvasmaker=_Canvas)
    return buffer.getvalue()
