"""A governance body's pack as a printable HTML document and as one flat CSV a performance officer opens in Excel;
and the words, figures and dates every format of a pack shows them in (PDF: pdf.py; Excel workbook: workbook.py)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from api.assurance.models import Grading
from api.delivery import DeliveryStatus, Rag
from api.kpis.models import Unit
from api.kpis.rating import FALL, NEAR_TARGET, NOT_SHOWN, OFF_TARGET, ON_TARGET, RISE, STEADY, format_figure
from api.kpis.schemas import KpiStatusRead, TravelRead
from api.packs.schemas import (
    FocusAreaProgress,
    Pack,
    PackAction,
    PackAssurance,
    PackKpi,
    PackProject,
    PackReturn,
    PackSavings,
    RagCounts,
    TrendPoint,
)
from api.packs.sign_off import marking
from api.periods import InvalidPeriod, parse_period
from api.projects.schemas import SavingsTotals
from api.returns.due import london_day
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

# The words for what the machine keys: a performance-challenge exception's kind, an item's type, a PID's state.
EXCEPTION_WORDS = {
    "kpi_red_consecutive": "Off target period after period",
    "kpi_worsening_run": "Worsening period after period",
    "action_overdue_days": "Overdue",
    "action_off_track": "Off track",
    "project_red": "Rated red",
    "project_behind_savings": "Behind on savings",
    "return_overdue": "Return overdue",
}
ITEM_WORDS = {
    "kpi": "KPI",
    "action": "Action",
    "project": "Project",
    "return": "KPI return",
    "assurance": "Assurance activity",
}
RETURN_WORDS = {"late": "Received late", "missing": "Missing", "due": "Due", "received": "Received"}
ASSURANCE_WORDS = {
    "case_file_audit": "Case file audit",
    "practice_observation": "Practice observation",
    "team_performance_review": "Team performance review",
    "multi_agency_audit": "Multi-agency audit",
    "thematic_review": "Thematic review",
    "member_visit": "Elected member's visit",
}
SETTING_WORDS = {"lac_review": "LAC Review", "cp_conference": "CP Conference", "taf": "TAF", "other": "other setting"}
GRADING_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
RELATION_WORDS = {"raises": "Raises", "evidences": "Evidences"}
PID_WORDS = {"none": "No PID yet", "draft": "PID drafted", "approved": "PID approved"}
# The key to the symbols, on the front page: what each means, and that ▲ ▼ ◆ say only which way a figure moved.
SYMBOL_KEY = (
    (ON_TARGET, "On target (KPIs); Green (actions and projects)"),
    (NEAR_TARGET, "Near target; Amber"),
    (OFF_TARGET, "Off target; Red"),
    (NOT_SHOWN, "Not rated, or no figure"),
    (RISE, "The figure rose since the period before (whether that is better is said in words)"),
    (FALL, "The figure fell since the period before"),
    (STEADY, "The figure is unchanged"),
)
# A period code inside a sentence (FY2015-16, FY2016-17-Q1, AY2015-16, CY2016, 2016-07), never part of a date.
_PERIOD_CODE = re.compile(
    r"(?<![\w-])(?:FY\d{4}-\d{2}(?:-Q[1-4])?|AY\d{4}-\d{2}|CY\d{4}|\d{4}-(?:0[1-9]|1[0-2]))(?![\w-])"
)
_KEY_ACTOR = re.compile(r"^key:\w+ \((?P<name>.+)\)$")

Row = dict[str, str]


@dataclass(frozen=True)
class Meeting:
    """The meeting an issued pack was issued for, and which issue for it this is (its PDF and workbook say)."""

    meeting_date: date
    version: int


def is_empty(pack: Pack) -> bool:
    """Nothing is routed to the body for this pack."""
    sections = (
        pack.progress_summary,
        pack.kpis,
        pack.exceptions,
        pack.returns,
        pack.actions_by_focus_area,
        pack.projects,
        pack.assurance,
    )
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


def period_label(code: str | None) -> str:
    """A period as a report writes it: FY2015-16 is "2015/16", 2016-07 "July 2016" (nothing for none)."""
    if not code:
        return ""
    try:
        return parse_period(code).label
    except InvalidPeriod:
        return code


def plain(text: str | None) -> str:
    """Text for a person to read: any period code in it written as a report writes the period."""
    return _PERIOD_CODE.sub(lambda code: period_label(code.group()), text or "")


def person(actor: str | None) -> str:
    """Who made a change as a reader knows them: an API key by its name ("AD SLAC"), not its id."""
    if not actor:
        return ""
    match = _KEY_ACTOR.match(actor)
    return match["name"] if match else actor


def said_by(actor: str | None, when: date | None) -> str:
    """E.g. "AD SLAC, 31 August 2016"; either part alone when the other is unknown."""
    return ", ".join(part for part in (person(actor), uk_date(when)) if part)


def exception_words(kind: str) -> str:
    return EXCEPTION_WORDS.get(kind, kind.replace("_", " ").capitalize())


def return_words(status: str) -> str:
    return RETURN_WORDS.get(status, status.capitalize())


def return_lateness(item: PackReturn) -> str:
    """How late a return is, in words: "Received 3 days late on 21 April 2017", "12 days overdue"."""
    days = counted(item.days_late or 0, "day")
    if item.status == "late" and item.received_at is not None:
        return f"Received {days} late, on {uk_date(london_day(item.received_at))}"
    return f"{days} overdue"


def item_words(item: str) -> str:
    """What an exception is about: "action:<key>" is an Action."""
    return ITEM_WORDS.get(item.partition(":")[0], "Item")


def pid_words(status: str) -> str:
    return PID_WORDS.get(status, status.capitalize())


def assurance_words(activity: PackAssurance) -> str:
    """What an activity was, e.g. "Practice observation (CP Conference)"."""
    words = ASSURANCE_WORDS.get(activity.kind.value, activity.kind.value)
    return f"{words} ({SETTING_WORDS.get(activity.setting, activity.setting)})" if activity.setting else words


def grading_word(grading: Grading | None) -> str:
    return "Not graded" if grading is None else GRADING_WORDS[grading.value]


def theme_words(themes: list[str]) -> str:
    """Themes as words, "voice of the child; drift"; "None recorded" for none."""
    return "; ".join(theme.replace("-", " ") for theme in themes) or "None recorded"


def link_words(activity: PackAssurance) -> str:
    """The actions an activity raises or evidences, by what they say."""
    return "; ".join(f"{RELATION_WORDS[link.relation.value]}: {link.what}" for link in activity.actions)


def counted(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


def contents(pack: Pack) -> list[Section]:
    """The sections after the front page that this pack has, in their order."""
    present = (
        ("progress", "Progress by focus area", pack.progress_summary),
        ("kpis", "Key performance indicators", pack.kpis),
        ("returns", "KPI returns late or missing", pack.returns),
        ("actions", "Business improvement actions by focus area", pack.actions_by_focus_area),
        ("projects", "Transformation projects", pack.projects),
        ("savings", "Savings", pack.savings_totals is not None or pack.savings_by_year),
        ("assurance", "Assurance programme", pack.assurance),
    )
    return [Section(anchor, title) for anchor, title, shown in present if shown]


def headline_figures(pack: Pack) -> list[str]:
    """The front page's figures under the headline sentence, for the parts the pack has."""
    headline = pack.headline
    figures = [f"{counted(headline.exceptions, 'exception')} raised for a decision"] if headline.exceptions else []
    if headline.kpis_not_final:
        figures.append(f"{counted(headline.kpis_not_final, 'KPI figure')} not yet approved (shown marked)")
    if headline.returns:
        figures.append(f"{counted(headline.returns, 'KPI return')} late or missing")
    if headline.actions:
        figures.append(
            f"{headline.actions_overdue} of {counted(headline.actions, 'business improvement action')} overdue; "
            f"{headline.actions_stale} stale (no recent update)"
        )
    if headline.projects:
        figures.append(f"{headline.projects_red} of {counted(headline.projects, 'transformation project')} rated red")
    if headline.assurance:
        activities = counted(headline.assurance, "assurance activity", "assurance activities")
        figures.append(f"{activities} (audits, observations, reviews and visits) in the period")
    return figures


def version_words(pack: Pack, meeting: Meeting | None) -> str:
    """An issued pack's version and meeting; a live pack is not issued."""
    if meeting is None:
        return f"Not issued: made on request on {uk_date(pack.generated_at)}"
    return f"Version {meeting.version}, issued for the meeting on {uk_date(meeting.meeting_date)}"


def travel_words(travel: TravelRead | None) -> str:
    """E.g. "Improving since 2015/16"; "No earlier figure" when there is nothing to compare with."""
    if travel is None:
        return "No earlier figure"
    since = f" since {period_label(travel.against)}" if travel.against else ""
    return f"{travel.word}{since}"


def baseline(kpi: KpiStatusRead) -> str:
    if kpi.baseline_value is None:
        return ""
    return format_figure(kpi.baseline_value, kpi.unit, kpi.decimal_places)


def latest_figure(kpi: PackKpi) -> str:
    """The figure as printed, or the GSS symbol printed in its place; "(provisional)" when it is; and, where the
    body needs figures signed off and this one is not yet approved, marked so beside the last approved figure."""
    if kpi.figure is None:
        return ""
    shown = kpi.figure.display or (kpi.figure.status_symbol or "")
    shown = f"{shown} (provisional)" if kpi.figure.provisional else shown
    marked = marking(kpi)
    return f"{shown} ({marked})" if marked else shown


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
    return plain("; ".join(parts))


def trend_figure(value: Decimal | None, kpi: KpiStatusRead) -> str:
    """A figure in a KPI's trend table, in the KPI's unit and places; the dash where there is none."""
    return NOT_SHOWN if value is None else format_figure(value, kpi.unit, kpi.decimal_places)


def trend_points(kpi: PackKpi) -> list[TrendPoint]:
    """A KPI's trend less the periods with no figure at all (ours, target, England or neighbours'): those are left
    out of its chart and tables. A trend of targets alone is no trend: the KPI's row already gives its target."""
    if all(p.value is None and p.england is None and p.neighbours_mean is None for p in kpi.trend):
        return []
    return [p for p in kpi.trend if any(v is not None for v in (p.value, p.target, p.england, p.neighbours_mean))]


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
    "plain": plain,
    "period_label": period_label,
    "person": person,
    "said_by": said_by,
    "exception_words": exception_words,
    "item_words": item_words,
    "return_words": return_words,
    "return_lateness": return_lateness,
    "pid_words": pid_words,
    "travel_words": travel_words,
    "trend_figure": trend_figure,
    "trend_points": trend_points,
    "assurance_words": assurance_words,
    "grading_word": grading_word,
    "theme_words": theme_words,
    "link_words": link_words,
}

_environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters.update(_FILTERS)
_environment.globals.update(
    RAG_SYMBOLS=RAG_SYMBOLS,
    SYMBOL_KEY=SYMBOL_KEY,
    contents=contents,
    headline_figures=headline_figures,
    version_words=version_words,
)


@dataclass(frozen=True)
class Picture:
    """A chart as inline SVG, named by its figure's caption: the sentence that gives its figures."""

    svg: Markup
    caption_id: str
    caption: str


def render_html(pack: Pack, meeting: Meeting | None = None) -> str:
    """The pack as one self-contained, printable HTML5 document, its charts inline SVG (nothing is fetched)."""
    from api.packs import charts  # reportlab: loaded with the first pack made as HTML, PDF or a workbook

    def picture(chart: "charts.Chart | None", caption_id: str) -> Picture | None:
        if chart is None:
            return None
        return Picture(Markup(charts.svg(chart, caption_id)), caption_id, chart.text)

    trends = {kpi.code: picture(charts.trend_chart(kpi), f"trend-{n}-caption") for n, kpi in enumerate(pack.kpis, 1)}
    return _environment.get_template("pack.html.j2").render(
        pack=pack,
        meeting=meeting,
        trends={code: shown for code, shown in trends.items() if shown},
        savings_picture=picture(charts.savings_chart(pack.savings_by_year), "savings-caption"),
        no_trend=charts.no_trend,
    )


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
    for item in pack.returns:
        yield {
            "section": "return",
            "item": f"return:{item.kpi}:{item.period}",
            "title": item.kpi_title,
            "owner_or_lead": f"{item.accountable_owner}; submitted by {item.submitting_owner}",
            "period": item.period,
            "status": item.status,
            "note": f"Due {uk_date(item.due_date)}; {return_lateness(item)}",
        }
    for area in pack.actions_by_focus_area:
        yield from (_action_row(area.key, action) for action in area.actions)
    yield from (_project_row(project) for project in pack.projects)
    yield from (_assurance_row(activity) for activity in pack.assurance)
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


def _kpi_row(kpi: PackKpi) -> Row:
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


def _assurance_row(activity: PackAssurance) -> Row:
    return {
        "section": "assurance",
        "item": f"assurance:{activity.id}",
        "title": assurance_words(activity),
        "owner_or_lead": activity.carried_out_by_role,
        "period": activity.carried_out_on.isoformat(),
        "rating": grading_word(activity.grading),
        "note": "; ".join(
            filter(
                None,
                (
                    f"Team: {activity.team_name or 'across teams'}",
                    f"Themes: {theme_words(activity.themes)}",
                    link_words(activity),
                ),
            )
        ),
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
