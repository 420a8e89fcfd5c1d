"""A governance body's pack as an Excel workbook (XLSX): a summary sheet, then a sheet for each section the pack has,
in the HTML's order.

Each sheet has one bold header row, frozen and filtered, and a row per item. Figures are numbers in the KPI's
decimal places (a percentage is the figure as reported, 8 for 8%, shown as "8%"); money is pounds with a £ format
(the pack's pence divided by 100); dates are dates; flags are Yes or No. Text never becomes a formula
(api/spreadsheets.py).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.kpis.models import Unit
from api.kpis.schemas import KpiStatusRead
from api.packs import render
from api.packs.render import Meeting
from api.packs.schemas import (
    FocusAreaProgress,
    Pack,
    PackAction,
    PackAssurance,
    PackException,
    PackKpi,
    PackProject,
    PackReturn,
    PackSavings,
    SavingsYear,
)
from api.projects.schemas import SavingsTotals
from api.spreadsheets import FORMULA_STARTS

DATE_FORMAT = "d mmm yyyy"
MOMENT_FORMAT = "d mmm yyyy hh:mm"
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
PERCENT_FORMAT = '0"%"'
BOLD = Font(bold=True)
TOP = Alignment(vertical="top")
WRAPPED = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Figure:
    """A number and the format it is shown in."""

    value: int | float
    number_format: str


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # in characters
    wrap: bool = False


Value = str | int | Figure | date | None
TITLE = Column("Title", 50, wrap=True)
COMMENTARY = Column("Latest commentary", 60, wrap=True)


def write_text(cell: Cell, value: str) -> None:
    """Text into a workbook's cell, as text whatever it starts with. openpyxl takes a string starting "=" for a
    formula, so such a cell is set back to text. Characters a workbook cannot hold (control characters other than
    tab and line breaks) become U+FFFD."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if value.startswith(FORMULA_STARTS):
        cell.data_type = TYPE_STRING
        cell.quotePrefix = True


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def figure_format(unit: Unit, decimal_places: int) -> str:
    """A KPI's number format: thousands separated, its decimal places, and % or £ where its unit has one."""
    shown = "#,##0" + ("." + "0" * decimal_places if decimal_places > 0 else "")
    if unit is Unit.percent:
        return f'{shown}"%"'
    if unit is Unit.currency:
        return f'"£"{shown}'
    return shown


def _cell(sheet: Worksheet, value: Value, wrap: bool = False) -> Cell:
    cell = WriteOnlyCell(sheet)
    cell.alignment = WRAPPED if wrap else TOP
    if isinstance(value, str):
        write_text(cell, value)
    elif isinstance(value, Figure):
        cell.value, cell.number_format = value.value, value.number_format
    elif isinstance(value, datetime):  # a workbook's times have no zone: UTC, as the heading says
        cell.value, cell.number_format = value.astimezone(UTC).replace(tzinfo=None), MOMENT_FORMAT
    elif isinstance(value, date):
        cell.value, cell.number_format = value, DATE_FORMAT
    else:
        cell.value = value
    return cell


def _sheet(book: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Value]]) -> None:
    sheet = book.create_sheet(title)
    headings = [_cell(sheet, column.heading) for column in columns]
    for number, (heading, column) in enumerate(zip(headings, columns, strict=True), 1):
        heading.font = BOLD
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.append(headings)
    for values in rows:
        sheet.append([_cell(sheet, value, column.wrap) for value, column in zip(values, columns, strict=True)])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


SHEETS = {
    "Progress": "Actions and projects by focus area",
    "KPIs": "Key performance indicators: latest figure, target, rating, direction of travel, comparators",
    "Trends": "Each KPI's figures by period: ours, the target, England, the statistical neighbours' average",
    "KPI commentary": "Owners' commentary on the KPIs",
    "Exceptions": "Exceptions raised by the performance challenge",
    "Returns": "KPI returns late or missing: due date, status, days late, owners",
    "Actions": "Business improvement actions",
    "Projects": "Transformation projects",
    "Savings": "Each project's savings this financial year",
    "Savings totals": "The projects' savings this financial year, added up",
    "Savings by year": "The projects' savings in each financial year",
    "Assurance": "The assurance programme: audits, observations, reviews and visits in the period",
}


def _front(pack: Pack, meeting: Meeting | None) -> list[tuple[str, Value]]:
    """What the pack is, as the front page of the HTML and PDF says it."""
    rows: list[tuple[str, Value]] = [
        ("Title", pack.title),
        ("Governance body", pack.body.name + (f" ({pack.body.code})" if pack.body.code else "")),
    ]
    if pack.reports:
        rows.append(("Reports", "; ".join(pack.reports)))
    rows += [
        ("Period", pack.period_label or "Each KPI's latest figure"),
        ("As at", pack.as_at),
        ("Data as known at (UTC)", pack.known_at),
        ("Savings year", pack.financial_year_label),
    ]
    if meeting is None:
        return [*rows, ("Version", "Not issued"), ("Made (UTC)", pack.generated_at)]
    return [*rows, ("Meeting", meeting.meeting_date), ("Version", meeting.version)]


def _summary(book: Workbook, pack: Pack, meeting: Meeting | None, sheets: Sequence[str]) -> None:
    rows = _front(pack, meeting)
    rows.append(("Headline", pack.headline.sentence))
    rows += [("", line) for line in render.headline_figures(pack)]
    if not pack.exceptions:
        rows.append(("Exceptions that need a decision", "No exceptions were raised."))
    for e in pack.exceptions:
        what = f"{e.title} ({render.item_words(e.item)}): {render.plain(e.reason)}"
        rows.append((f"Exception: {render.exception_words(e.kind)}", what))
    rows += [(f"Sheet: {name}", SHEETS[name]) for name in sheets] or [
        ("Contents", "Nothing is routed to this body for this pack.")
    ]
    _sheet(book, "Summary", [Column("Detail", 30, wrap=True), Column("Value", 90, wrap=True)], rows)


def _progress(book: Workbook, areas: Sequence[FocusAreaProgress]) -> None:
    columns = [
        Column("Focus area", 40, wrap=True),
        Column("Actions", 10),
        *(Column(word, 12) for word in render.STATUS_WORDS.values()),
        *(Column(f"RAG {word}", 12) for word in render.RAG_WORDS.values()),
        Column("Overdue", 10),
        Column("Stale", 10),
        Column("Projects", 10),
        *(Column(f"Projects RAG {word}", 14) for word in render.RAG_WORDS.values()),
    ]
    rows: list[list[Value]] = []
    for area in areas:
        by_status, by_rag, projects_by_rag = (
            dict(counts.items()) for counts in (area.actions_by_status, area.actions_by_rag, area.projects_by_rag)
        )
        rows.append(
            [
                area.title,
                area.actions,
                *(by_status[status] for status in render.STATUS_WORDS),
                *(by_rag[rag] for rag in render.RAG_WORDS),
                area.actions_overdue,
                area.actions_stale,
                area.projects,
                *(projects_by_rag[rag] for rag in render.RAG_WORDS),
            ]
        )
    _sheet(book, "Progress", columns, rows)


TIER_WORDS = {
    "council_plan": "Council Plan",
    "service_indicator": "Service indicator",
    "management_information": "Management information",
    "context": "Context",
}
KPI_COLUMNS = (
    Column("Code", 30),
    Column("KPI", 50, wrap=True),
    Column("Tier", 14),
    Column("Unit", 10),
    Column("Period", 12),
    Column("Latest figure", 14),
    Column("As shown", 16),
    Column("Provisional", 12),
    Column("Baseline period", 15),
    Column("Baseline", 12),
    Column("Target period", 13),
    Column("Target", 12),
    Column("Target as set", 24, wrap=True),
    Column("Rating", 14),
    Column("Rating reason", 60, wrap=True),
    Column("Direction of travel", 18),
    Column("Compared with", 14),
    Column("Change", 10),
    Column("Direction reason", 50, wrap=True),
    Column("Comparators", 60, wrap=True),
)


def _kpi_row(kpi: PackKpi) -> list[Value]:
    figure, target, travel = kpi.figure, kpi.target, kpi.vs_previous
    change = travel.change if travel else None
    return [
        kpi.code,
        kpi.title,
        TIER_WORDS.get(kpi.tier.value, kpi.tier.value),
        kpi.unit.value.capitalize(),
        render.period_label(figure.period if figure else kpi.period),
        _kpi_figure(kpi, figure.value if figure else None),
        render.latest_figure(kpi),
        _yes_no(figure.provisional) if figure else None,
        render.period_label(kpi.baseline_period),
        _kpi_figure(kpi, kpi.baseline_value),
        render.period_label(target.period) if target else None,
        _kpi_figure(kpi, target.value if target else None),
        target.display if target else None,
        kpi.rating.word,
        render.plain(kpi.rating.reason),
        travel.word if travel else "No earlier figure",
        render.period_label(travel.against) if travel else None,
        None if change is None else Figure(_number(change), figure_format(Unit.count, kpi.decimal_places)),
        render.plain(travel.reason) if travel else None,
        render.comparators(kpi),
    ]


def _kpi_figure(kpi: KpiStatusRead, value: Decimal | None) -> Figure | None:
    return None if value is None else Figure(_number(value), figure_format(kpi.unit, kpi.decimal_places))


def _exceptions(book: Workbook, exceptions: Sequence[PackException]) -> None:
    columns = [
        Column("Item", 12),
        TITLE,
        Column("Exception", 28),
        Column("Why", 60, wrap=True),
        Column("Item key", 40),
        Column("Rule key", 28),
    ]
    rows = [
        [render.item_words(e.item), e.title, render.exception_words(e.kind), render.plain(e.reason), e.item, e.rule]
        for e in exceptions
    ]
    _sheet(book, "Exceptions", columns, rows)


def _returns(book: Workbook, returns: Sequence[PackReturn]) -> None:
    columns = [
        TITLE,
        Column("Period", 16),
        Column("Due", 13),
        Column("Status", 14),
        Column("Days late", 10),
        Column("Received", 20),
        Column("Accountable", 16),
        Column("Submitted by", 16),
        Column("KPI code", 40),
        Column("Period code", 14),
    ]
    rows = [
        [
            r.kpi_title,
            r.period_label,
            r.due_date,
            render.return_words(r.status),
            r.days_late,
            render.uk_date(r.received_at) if r.received_at else None,
            r.accountable_owner,
            r.submitting_owner,
            r.kpi,
            r.period,
        ]
        for r in returns
    ]
    _sheet(book, "Returns", columns, rows)


DELIVERY_COLUMNS = (
    Column("Status", 12),
    Column("RAG", 10),
    Column("Complete", 10),
    Column("Overdue", 10),
    Column("Stale", 8),
    Column("Last update", 13),
    COMMENTARY,
    Column("Commentary by", 20, wrap=True),
    Column("Comments", 60, wrap=True),
)


def _delivery(item: PackAction | PackProject) -> list[Value]:
    complete = None if item.percent_complete is None else Figure(item.percent_complete, PERCENT_FORMAT)
    return [
        render.status_word(item.status),
        render.rag_word(item.rag),
        complete,
        _yes_no(item.overdue),
        _yes_no(item.stale),
        item.last_update_on,
        item.commentary,
        render.person(item.commentary_by) or None,
        "\n".join(f"{c.text} – {render.said_by(c.author, c.written_at)}" for c in item.comments) or None,
    ]


def _actions(book: Workbook, pack: Pack) -> None:
    columns = [
        Column("Focus area", 30, wrap=True),
        Column("Key", 36),
        Column("Action", 60, wrap=True),
        Column("Owners", 16, wrap=True),
        Column("Due", 12),
        Column("Due date", 13),
        *DELIVERY_COLUMNS,
    ]
    rows = [
        [area.title, a.key, a.what, ", ".join(a.owners), a.due_text, a.due_date, *_delivery(a)]
        for area in pack.actions_by_focus_area
        for a in area.actions
    ]
    _sheet(book, "Actions", columns, rows)


def _projects(book: Workbook, projects: Sequence[PackProject]) -> None:
    columns = [
        Column("Key", 30),
        Column("Project", 45, wrap=True),
        Column("Lead", 12),
        Column("Focus area keys", 30, wrap=True),
        Column("PID", 14),
        Column("Deadline", 14),
        Column("Deadline date", 14),
        *DELIVERY_COLUMNS,
    ]
    rows = [
        [
            p.key,
            p.title,
            p.lead,
            ", ".join(p.focus_areas),
            render.pid_words(p.pid_status),
            p.deadline_text,
            p.deadline_date,
        ]
        + _delivery(p)
        for p in projects
    ]
    _sheet(book, "Projects", columns, rows)


MONEY_COLUMNS = (
    Column("Target", 16),
    Column("Forecast", 16),
    Column("Delivered", 16),
    Column("Forecast gap", 16),
    Column("Still to bank", 16),
)


def _money(savings: PackSavings | SavingsTotals) -> list[Value]:
    return [None if pence is None else Figure(pence / 100, MONEY_FORMAT) for pence in render.savings_pence(savings)]


def _project_savings(book: Workbook, pack: Pack, with_savings: Sequence[tuple[PackProject, PackSavings]]) -> None:
    columns = [Column("Key", 30), Column("Project", 45, wrap=True), Column("Financial year", 14), *MONEY_COLUMNS]
    rows = [[p.key, p.title, render.period_label(s.financial_year), *_money(s)] for p, s in with_savings]
    _sheet(book, "Savings", columns, rows)


def _savings_totals(book: Workbook, pack: Pack, totals: SavingsTotals | None) -> None:
    if totals is not None:
        columns = [Column("Financial year", 14), *MONEY_COLUMNS]
        _sheet(book, "Savings totals", columns, [[pack.financial_year_label, *_money(totals)]])


def _savings_by_year(book: Workbook, years: Sequence[SavingsYear]) -> None:
    columns = [Column("Financial year", 14), *MONEY_COLUMNS[:3]]
    rows: list[list[Value]] = [
        [
            year.label,
            *(
                Figure(pence / 100, MONEY_FORMAT)
                for pence in (year.target_pence, year.forecast_pence, year.delivered_pence)
            ),
        ]
        for year in years
    ]
    _sheet(book, "Savings by year", columns, rows)


def _trends(book: Workbook, kpis: Sequence[PackKpi]) -> None:
    columns = [
        Column("KPI", 50, wrap=True),
        Column("Period", 12),
        Column("Our figure", 12),
        Column("Target", 12),
        Column("England", 12),
        Column("Statistical neighbours' average", 16, wrap=True),
        Column("Code", 30),
    ]
    rows = [
        [
            kpi.title,
            p.label,
            *(_kpi_figure(kpi, v) for v in (p.value, p.target, p.england, p.neighbours_mean)),
            kpi.code,
        ]
        for kpi in kpis
        for p in render.trend_points(kpi)
    ]
    _sheet(book, "Trends", columns, rows)


def _kpi_comments(book: Workbook, kpis: Sequence[PackKpi]) -> None:
    columns = [TITLE, Column("Period", 12), COMMENTARY, Column("By", 24, wrap=True), Column("Written (UTC)", 17)]
    rows: list[list[Value]] = [
        [kpi.title, render.period_label(c.period), c.text, render.person(c.author), c.written_at]
        for kpi in kpis
        for c in kpi.comments
    ]
    _sheet(book, "KPI commentary", columns, rows)


def _assurance(book: Workbook, activities: Sequence[PackAssurance]) -> None:
    columns = [
        Column("Activity", 30, wrap=True),
        Column("Team", 24, wrap=True),
        Column("Carried out", 13),
        Column("By", 20, wrap=True),
        Column("Grading", 20),
        Column("Themes", 40, wrap=True),
        Column("Actions", 60, wrap=True),
        Column("Team key", 24),
        Column("Activity id", 12),
    ]
    rows = [
        [
            render.assurance_words(a),
            a.team_name or "Across teams",
            a.carried_out_on,
            a.carried_out_by_role,
            render.grading_word(a.grading),
            render.theme_words(a.themes),
            render.link_words(a) or None,
            a.team,
            a.id,
        ]
        for a in activities
    ]
    _sheet(book, "Assurance", columns, rows)


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _writers(pack: Pack) -> list[tuple[str, Callable[[Workbook], None]]]:
    """The sheets after the summary that this pack has, in the HTML's order, each with what writes it."""
    kpis, projects = pack.kpis, pack.projects
    with_savings = [(p, p.savings) for p in projects if p.savings is not None]
    totals = pack.savings_totals
    present: list[tuple[str, object, Callable[[Workbook], None]]] = [
        ("Progress", pack.progress_summary, lambda book: _progress(book, pack.progress_summary)),
        ("KPIs", kpis, lambda book: _sheet(book, "KPIs", KPI_COLUMNS, [_kpi_row(kpi) for kpi in kpis])),
        ("Trends", any(render.trend_points(kpi) for kpi in kpis), lambda book: _trends(book, kpis)),
        ("KPI commentary", any(kpi.comments for kpi in kpis), lambda book: _kpi_comments(book, kpis)),
        ("Exceptions", pack.exceptions, lambda book: _exceptions(book, pack.exceptions)),
        ("Returns", pack.returns, lambda book: _returns(book, pack.returns)),
        ("Actions", pack.actions_by_focus_area, lambda book: _actions(book, pack)),
        ("Projects", projects, lambda book: _projects(book, projects)),
        ("Savings", with_savings, lambda book: _project_savings(book, pack, with_savings)),
        ("Savings totals", totals, lambda book: _savings_totals(book, pack, totals)),
        ("Savings by year", pack.savings_by_year, lambda book: _savings_by_year(book, pack.savings_by_year)),
        ("Assurance", pack.assurance, lambda book: _assurance(book, pack.assurance)),
    ]
    return [(name, write) for name, shown, write in present if shown]


def render_xlsx(pack: Pack, meeting: Meeting | None = None) -> bytes:
    """The pack as a workbook: a summary sheet (the front page), then a sheet for each section the pack has."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the sheet a new workbook starts with
    book.properties.title = pack.title
    book.properties.creator = "cs-strategy"
    writers = _writers(pack)
    _summary(book, pack, meeting, [name for name, _ in writers])
    for _, write in writers:
        write(book)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
