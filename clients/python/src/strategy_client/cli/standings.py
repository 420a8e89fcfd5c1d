"""`strategy kpi status CODE` and `strategy scorecard`: how each KPI stands, in words and symbols as well as colour."""

from typing import Annotated

import typer
from rich.text import Text

from strategy_client import models
from strategy_client.cli import output
from strategy_client.cli.output import Format, Listing
from strategy_client.cli.session import client_of
from strategy_client.cli.vocabulary import Tier

RATING_STYLES = {"green": "green", "amber": "yellow", "red": "red", "not_rated": "dim"}
SCORECARD_COLUMNS = ("kpi", "title", "period", "figure", "target", "rating", "travel", "reason")

PeriodOption = Annotated[str | None, typer.Option(help="e.g. FY2016-17 or 2016/17 (default: each KPI's latest).")]
ScopeOption = Annotated[str | None, typer.Option(help="Scope key, GSS code or name (default: the borough).")]
FormatOption = Annotated[Format, typer.Option("--format", help="table, csv or json.")]


def status(
    context: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="KPI code, e.g. assessments-completed-in-45-days.")],
    period: PeriodOption = None,
    scope: ScopeOption = None,
    format: FormatOption = Format.table,
) -> None:
    """A KPI for a period: figure, target, rating and why, direction of travel and comparators."""
    found = client_of(context).kpis.status(code, period=period, scope=scope)
    facts = Listing(f"{found.code}: {found.title}", ("field", "value"))
    for name, value in _facts(found):
        facts.add(name, value)
    if format is not Format.table:
        output.show(facts, format, document=found)
        return
    console = output.out()
    console.print(output.table(facts))
    if found.comparators:
        comparators = Listing("Comparators", ("scope", "name", "figure", "difference", "judgement", "words"))
        for item in found.comparators:
            comparators.add(item.scope, item.name, item.display, item.difference, item.judgement, item.words)
        console.print(output.table(comparators))


def _facts(found: models.KpiStatusRead) -> list[tuple[str, object]]:
    figure, target, rating = found.figure, found.target, found.rating
    facts: list[tuple[str, object]] = [
        ("tier", found.tier),
        ("scope", found.scope),
        ("period", found.period),
        ("figure", _figure(figure)),
        ("target", target.display if target else None),
        ("baseline", f"{found.baseline_value} ({found.baseline_period})" if found.baseline_period else None),
        ("rating", f"{rating.symbol} {rating.word}"),
        ("why", rating.reason),
    ]
    for name, travel in (("since previous", found.vs_previous), ("since last year", found.vs_last_year)):
        if travel is not None:
            facts.append((name, f"{travel.symbol} {travel.word}: {travel.reason}"))
    benchmark = found.benchmark
    if benchmark is not None and benchmark.rank is not None:
        rank = benchmark.rank
        quartile = f", quartile {rank.quartile}" if rank.quartile else ""
        facts.append(("rank in England", f"{rank.position} of {rank.of}{quartile}"))
    return facts


def _figure(figure: models.FigureRead | None) -> str | None:
    if figure is None:
        return None
    shown = figure.display if figure.display is not None else figure.status_symbol
    return f"{shown} (provisional)" if figure.provisional else shown


def scorecard(
    context: typer.Context,
    period: PeriodOption = None,
    scope: ScopeOption = None,
    tier: Annotated[Tier | None, typer.Option(help="Only KPIs of this tier.")] = None,
    focus_area: Annotated[str | None, typer.Option(help="Only this focus area's KPIs (its key).")] = None,
    format: FormatOption = Format.table,
) -> None:
    """Every KPI's rating for a period, with the figure, target and direction of travel."""
    card = client_of(context).scorecard.get(period=period, scope=scope, tier=tier, focus_area=focus_area)
    listing = Listing(_title(card), SCORECARD_COLUMNS, styles={"kpi": "bold"})
    for item in card.items:
        rating, travel = item.rating, item.vs_previous
        cells = (item.code, item.title, item.period, _figure(item.figure), item.target.display if item.target else None)
        shown = Text(f"{rating.symbol} {rating.word}", style=RATING_STYLES.get(str(rating.status), ""))
        listing.add(*cells, shown, f"{travel.symbol} {travel.word}" if travel else None, rating.reason)
    output.show(listing, format, document=card)


def _title(card: models.Scorecard) -> str:
    counts = card.summary.model_dump()
    summary = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in counts.items())
    return f"Scorecard ({card.period or 'latest'}, {card.scope}{', ' + str(card.tier) if card.tier else ''}): {summary}"
