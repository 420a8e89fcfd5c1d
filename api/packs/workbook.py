"""A governance body's pack as an Excel workbook (XLSX): a summary sheet, then a sheet for each section the pack has,
in the HTML's order.

Each sheet has one bold header row, frozen and filtered, and a row per item. Figures are numbers in the KPI's
decimal places (a percentage is the figure as reported, 8 for 8%, shown as "8%"); money is pounds with a £ format
(the pack's pence divided by 100); dates are dates; flags are Yes or No. Text never becomes a formula
(api/spreadsheets.py).
"""

from collections.abc import Iterable, Sequence
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
from api.packs.schemas import FocusAreaProgress, Pack, PackAction, PackException, PackProject, PackSavings
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


def _summary(book: Workbook, pack: Pack, meeting: Meeting | None) -> None:
    details: list[tuple[str, Value]] = [
        ("Title", pack.title),
        ("Governance body", pack.body.name),
        ("Code", pack.body.code),
        ("Cadence", pack.body.cadence),
        ("Period", pack.period or "Latest available"),
        ("Financial year", pack.financial_year),
        ("Data as of", pack.as_at),
        ("Generated (UTC)", pack.generated_at),
        ("Routing rules", ", ".join(pack.rules) or "None"),
    ]
    if meeting is not None:
        details += [("Meeting", meeting.meeting_date), ("Version", meeting.version)]
    if render.is_empty(pack):
        details.append(("Contents", "Nothing is routed to this body for this pack."))
    _sheet(book, "Summary", [Column("Detail", 20), Column("Value", 80, wrap=True)], details)


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


def _kpi_row(kpi: KpiStatusRead) -> list[Value]:
    figure, target, travel = kpi.figure, kpi.target, kpi.vs_previous
    change = travel.change if travel else None
    return [
        kpi.code,
        kpi.title,
        kpi.tier.value,
        kpi.unit.value,
        figure.period if figure else kpi.period,
        _kpi_figure(kpi, figure.value if figure else None),
        render.latest_figure(kpi),
        _yes_no(figure.provisional) if figure else None,
        kpi.baseline_period,
        _kpi_figure(kpi, kpi.baseline_value),
        target.period if target else None,
        _kpi_figure(kpi, target.value if target else None),
        target.display if target else None,
        kpi.rating.word,
        kpi.rating.reason,
        travel.word if travel else "No comparison",
        travel.against if travel else None,
        None if change is None else Figure(_number(change), figure_format(Unit.count, kpi.decimal_places)),
        travel.reason if travel else None,
        render.comparators(kpi),
    ]


def _kpi_figure(kpi: KpiStatusRead, value: Decimal | None) -> Figure | None:
    return None if value is None else Figure(_number(value), figure_format(kpi.unit, kpi.decimal_places))


def _exceptions(book: Workbook, exceptions: Sequence[PackException]) -> None:
    columns = [Column("Item", 40), TITLE, Column("Rule", 28), Column("Kind", 24), Column("Why", 60, wrap=True)]
    _sheet(book, "Exceptions", columns, [[e.item, e.title, e.rule, e.kind, e.reason] for e in exceptions])


DELIVERY_COLUMNS = (
    Column("Status", 12),
    Column("RAG", 10),
    Column("Complete", 10),
    Column("Overdue", 10),
    Column("Stale", 8),
    Column("Last update", 13),
    COMMENTARY,
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
        Column("Focus areas", 30, wrap=True),
        Column("PID", 12),
        Column("Deadline", 14),
        Column("Deadline date", 14),
        *DELIVERY_COLUMNS,
    ]
    rows = [
        [p.key, p.title, p.lead, ", ".join(p.focus_areas), p.pid_status, p.deadline_text, p.deadline_date]
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


def _savings(book: Workbook, pack: Pack) -> None:
    with_savings = [(p, p.savings) for p in pack.projects if p.savings is not None]
    if with_savings:
        columns = [Column("Key", 30), Column("Project", 45, wrap=True), Column("Financial year", 14), *MONEY_COLUMNS]
        rows = [[p.key, p.title, s.financial_year, *_money(s)] for p, s in with_savings]
        _sheet(book, "Savings", columns, rows)
    if (totals := pack.savings_totals) is not None:
        columns = [Column("Financial year", 14), *MONEY_COLUMNS]
        _sheet(book, "Savings totals", columns, [[pack.financial_year, *_money(totals)]])


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def render_xlsx(pack: Pack, meeting: Meeting | None = None) -> bytes:
    """The pack as a workbook; an issued pack's meeting and version are on its summary sheet."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the sheet a new workbook starts with
    book.properties.title = pack.title
    book.properties.creator = "cs-strategy"
    _summary(book, pack, meeting)
    if pack.progress_summary:
        _progress(book, pack.progress_summary)
    if pack.kpis:
        _sheet(book, "KPIs", KPI_COLUMNS, [_kpi_row(kpi) for kpi in pack.kpis])
    if pack.exceptions:
        _exceptions(book, pack.exceptions)
    if pack.actions_by_focus_area:
        _actions(book, pack)
    if pack.projects:
        _projects(book, pack.projects)
    _savings(book, pack)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
