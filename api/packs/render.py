"""A governance body's pack as a printable HTML document and as one flat CSV a performance officer opens in Excel;
and the words, figures and dates every format of a pack shows them in (PDF: pdf.py; Excel workbook: workbook.py)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.delivery import DeliveryStatus, Rag
from api.kpis.models import Unit
from api.kpis.rating import NEAR_TARGET, NOT_SHOWN, OFF_TARGET, ON_TARGET, format_figure
from api.kpis.schemas import KpiStatusRead
from api.packs.schemas import FocusAreaProgress, Pack, PackAction, PackProject, PackSavings, RagCounts
from api.projects.schemas import SavingsTotals
from api.spreadsheets import write_csv

PDF_MEDIA_TYPE = "application/pdf"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CSV_COLUMNS = (
    "section",
    "focus_area",
    "item",
    "title",
    "owner_or_lead",
    "period",
    "status",
    "rag",
    "rating",
    "rating_reason",
    "value",
    "target",
    "direction",
    "overdue",
    "stale",
    "target_pence",
    "forecast_pence",
    "delivered_pence",
    "note",
)

STATUS_WORDS = {
    DeliveryStatus.not_started: "Not started",
    DeliveryStatus.on_track: "On track",
    DeliveryStatus.at_risk: "At risk",
    DeliveryStatus.off_track: "Off track",
    DeliveryStatus.complete: "Complete",
    DeliveryStatus.closed: "Closed",
}
# Keyed by the RAG's value, with "none" for not yet rated, as the progress summary counts them.
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "none": "Not rated"}
RAG_SYMBOLS = {"red": OFF_TARGET, "amber": NEAR_TARGET, "green": ON_TARGET, "none": NOT_SHOWN}  # as ratings' are

Row = dict[str, str]


@dataclass(frozen=True)
class Meeting:
    """The meeting an issued pack was issued for, and which issue for it this is (its PDF and workbook say)."""

    meeting_date: date
    version: int


def is_empty(pack: Pack) -> bool:
    """Nothing is routed to the body for this pack."""
    sections = (pack.progress_summary, pack.kpis, pack.exceptions, pack.actions_by_focus_area, pack.projects)
    return not any(sections) and pack.savings_totals is None


def savings_pence(savings: PackSavings | SavingsTotals) -> tuple[int | None, ...]:
    """Target, forecast, delivered, forecast gap and still to bank, as the pack's savings tables show them."""
    return (
        savings.target_pence,
        savings.forecast_pence,
        savings.delivered_pence,
        savings.forecast_gap_pence,
        savings.delivered_gap_pence,
    )


def pounds(pence: int | None) -> str:
    """Pence as pounds a reader sees: 80000000 is "£800,000", 80000050 is "£800,000.50"; nothing when unknown."""
    return "" if pence is None else format_figure(Decimal(pence), Unit.currency, 0)


def uk_date(value: date | None) -> str:
    """UK long form, "30 September 2016"; a date and time adds the clock, "30 September 2016, 09:15 UTC"."""
    if value is None:
        return ""
    day = f"{value.day} {value:%B %Y}"
    if isinstance(value, datetime):
        return f"{day}, {value:%H:%M} {value.tzname() or ''}".rstrip()
    return day


def rag_key(rag: Rag | None) -> str:
    return "none" if rag is None else rag.value


def rag_word(rag: Rag | None) -> str:
    return RAG_WORDS[rag_key(rag)]


def status_word(status: DeliveryStatus) -> str:
    return STATUS_WORDS[status]


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def baseline(kpi: KpiStatusRead) -> str:
    if kpi.baseline_value is None:
        return ""
    return format_figure(kpi.baseline_value, kpi.unit, kpi.decimal_places)


def latest_figure(kpi: KpiStatusRead) -> str:
    """The figure as printed, or the GSS symbol printed in its place; "(provisional)" when it is."""
    if kpi.figure is None:
        return ""
    shown = kpi.figure.display or (kpi.figure.status_symbol or "")
    return f"{shown} (provisional)" if kpi.figure.provisional else shown


def comparators(kpi: KpiStatusRead) -> str:
    """Each comparator by name and figure, with how ours compares in words (never a bare difference), then the
    national standing, e.g. "England 6% (ours 2 points worse); North East 7% (ours 1 point worse); rank 120 of 152
    local authorities (quartile 4); statistical neighbours 6%"."""
    parts = []
    for each in kpi.comparators:
        said = f"{each.name} {each.display or NOT_SHOWN}"
        if each.words:
            said += f" (ours {each.words.removesuffix(f' than {each.name}').removesuffix(f' as {each.name}')})"
        parts.append(said)
    if (benchmark := kpi.benchmark) is not None:
        if (rank := benchmark.rank) is not None:
            quartile = f" (quartile {rank.quartile})" if rank.quartile else ""
            parts.append(f"rank {rank.position} of {rank.of} local authorities{quartile}")
        if (near := benchmark.neighbours) is not None:
            parts.append(f"statistical neighbours {near.display or NOT_SHOWN}")
    return "; ".join(parts)


def status_breakdown(progress: FocusAreaProgress) -> str:
    """Actions by status in the order statuses run, e.g. "On track 5, At risk 2"."""
    counts = dict(progress.actions_by_status.items())
    return ", ".join(f"{word} {counts[status]}" for status, word in STATUS_WORDS.items() if counts[status])


def rag_breakdown(counts: RagCounts) -> str:
    """Counts by RAG, leaving out the ones with none, e.g. "Red 1, Amber 2, Green 3, Not rated 6"."""
    by_key = dict(counts.items())
    return ", ".join(f"{word} {by_key[key]}" for key, word in RAG_WORDS.items() if by_key[key])


_FILTERS = {
    "pounds": pounds,
    "uk_date": uk_date,
    "rag_key": rag_key,
    "rag_word": rag_word,
    "status_word": status_word,
    "baseline": baseline,
    "latest_figure": latest_figure,
    "comparators": comparators,
    "status_breakdown": status_breakdown,
    "rag_breakdown": rag_breakdown,
}

_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters.update(_FILTERS)
_environment.globals["RAG_SYMBOLS"] = RAG_SYMBOLS


def render_html(pack: Pack) -> str:
    """The pack as one self-contained, printable HTML5 document."""
    return _environment.get_template("pack.html.j2").render(pack=pack)


def render_csv(pack: Pack) -> str:
    """Every item of the pack as one row of a flat CSV, under a header row and nothing else (safe for Excel)."""
    return write_csv(CSV_COLUMNS, _csv_rows(pack))


def _csv_rows(pack: Pack) -> Iterator[Row]:
    yield from (_progress_row(progress) for progress in pack.progress_summary)
    yield from (_kpi_row(kpi) for kpi in pack.kpis)
    for exception in pack.exceptions:
        yield {
            "section": "exception",
            "item": exception.item,
            "title": exception.title,
            "status": exception.kind,
            "note": exception.reason,
        }
    for area in pack.actions_by_focus_area:
        yield from (_action_row(area.key, action) for action in area.actions)
    yield from (_project_row(project) for project in pack.projects)
    if (totals := pack.savings_totals) is not None:
        money = _money(totals.target_pence, totals.forecast_pence, totals.delivered_pence)
        yield {"section": "savings_total", "title": "Savings totals", "period": pack.financial_year, **money}


def _progress_row(progress: FocusAreaProgress) -> Row:
    summary = (
        f"{progress.actions} actions ({status_breakdown(progress) or 'none'}); "
        f"RAG: {rag_breakdown(progress.actions_by_rag) or 'none'}; "
        f"{progress.actions_overdue} overdue; {progress.actions_stale} stale; "
        f"{progress.projects} projects (RAG: {rag_breakdown(progress.projects_by_rag) or 'none'})"
    )
    return {
        "section": "progress",
        "focus_area": progress.key,
        "item": progress.key,
        "title": progress.title,
        "note": summary,
    }


def _kpi_row(kpi: KpiStatusRead) -> Row:
    return {
        "section": "kpi",
        "item": kpi.code,
        "title": kpi.title,
        "period": kpi.figure.period if kpi.figure else (kpi.period or ""),
        "rating": kpi.rating.word,
        "rating_reason": kpi.rating.reason,
        "value": latest_figure(kpi),
        "target": kpi.target.display if kpi.target else "",
        "direction": kpi.vs_previous.word if kpi.vs_previous else "",
        "note": comparators(kpi),
    }


def _action_row(focus_area: str, action: PackAction) -> Row:
    return {
        "section": "action",
        "focus_area": focus_area,
        "item": action.key,
        "title": action.what,
        "owner_or_lead": "; ".join(action.owners),
        "period": action.due_text or "",
        **_delivery(action),
    }


def _project_row(project: PackProject) -> Row:
    savings = project.savings
    money = _money(savings.target_pence, savings.forecast_pence, savings.delivered_pence) if savings else {}
    return {
        "section": "project",
        "focus_area": "; ".join(project.focus_areas),
        "item": project.key,
        "title": project.title,
        "owner_or_lead": project.lead or "",
        "period": project.deadline_text or "",
        **_delivery(project),
        **money,
    }


def _delivery(item: PackAction | PackProject) -> Row:
    """The cells an action and a project share: where it stands, and the latest commentary."""
    return {
        "status": status_word(item.status),
        "rag": rag_word(item.rag),
        "overdue": yes_no(item.overdue),
        "stale": yes_no(item.stale),
        "note": item.commentary or "",
    }


def _money(target: int, forecast: int | None, delivered: int | None) -> Row:
    """Pence as whole numbers, so Excel can add them up."""
    return {
        "target_pence": str(target),
        "forecast_pence": "" if forecast is None else str(forecast),
        "delivered_pence": "" if delivered is None else str(delivered),
    }


def render_document(pack: Pack, format: str, meeting: Meeting | None = None) -> bytes:
    """A pack as a PDF (`format` "pdf") or an Excel workbook ("xlsx"). Their libraries, reportlab and openpyxl, take
    a quarter of a second to import: they load when the first such document is made, not when a worker or the
    command line starts."""
    if format == "pdf":
        from api.packs.pdf import render_pdf

        return render_pdf(pack, meeting)
    from api.packs.workbook import render_xlsx

    return render_xlsx(pack, meeting)
