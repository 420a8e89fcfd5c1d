"""`strategy kpi ...`: submit figures from a file, write a template to fill in, see how a KPI stands, say why."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from strategy_client._pages import KpiFilters
from strategy_client.cli import output
from strategy_client.cli.figures_file import COLUMNS
from strategy_client.cli.output import Listing, Report
from strategy_client.cli.periods import ACCEPTED, parse_span, periods_for
from strategy_client.cli.session import client_of
from strategy_client.cli.standings import status
from strategy_client.cli.submit import submit
from strategy_client.cli.vocabulary import Tier

kpi_app = typer.Typer(
    help="KPI figures: submit a file, write a template, see a KPI's status, write commentary on a figure.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
kpi_app.command("submit")(submit)
kpi_app.command("status")(status)
TEMPLATE_COLUMNS = ("kpi", "title", "unit", *COLUMNS[1:])


@kpi_app.command("template")
def template(
    context: typer.Context,
    period: Annotated[str, typer.Option(help=f"The period to report: {ACCEPTED}.")],
    tier: Annotated[Tier | None, typer.Option(help="Only KPIs of this tier.")] = None,
    focus_area: Annotated[str | None, typer.Option(help="Only this focus area's KPIs (its key).")] = None,
    scope: Annotated[str | None, typer.Option(help="Fill the scope column (default: empty, the borough).")] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here (UTF-8 for Excel), not stdout.")
    ] = None,
) -> None:
    """A CSV to fill in and send with `strategy kpi submit`: a row for each KPI and each of its periods.

    A year (FY2016-17, AY2016-17 or 2016/17) gives a yearly KPI its year starting then and a monthly or quarterly
    KPI each month or quarter inside it. The title and unit columns are there for the reader; submit ignores them.
    """
    span = parse_span(period)
    filters: KpiFilters = {}
    if tier:
        filters["tier"] = tier.value
    if focus_area:
        filters["focus_area"] = focus_area
    kpis = client_of(context).kpis.list(**filters)
    rows = [
        (kpi.code, kpi.title, output.word(kpi.unit), code, scope or "", *([""] * (len(COLUMNS) - 3)))
        for kpi in kpis
        for code in periods_for(output.word(kpi.period_type), span)
    ]
    text = output.to_csv(TEMPLATE_COLUMNS, rows)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig", newline="")  # the byte-order mark tells Excel it is UTF-8
        output.err().print(f"wrote {out}: {len(rows)} rows to fill in", highlight=False)


@kpi_app.command("comment")
def comment(
    context: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The KPI's code.")],
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help="Why the figure is what it is, and what is being done about it.")
    ],
    period: Annotated[str, typer.Option(help=f"The figure's period: {ACCEPTED}.")],
    format: Annotated[Report, typer.Option("--format", help="table or json.")] = Report.table,
) -> None:
    """Write commentary on the borough's figure of a KPI for a period; packs show it with the key's name.

    It needs what submitting the KPI's figures needs. Edit or withdraw it through the API or the SDK
    (`client.commentaries.update` / `withdraw`), with the id shown here.
    """
    written = client_of(context).commentaries.create_on_kpi(code, period, text)
    listing = Listing(f"commentary {written.id} on {written.kpi} for {written.period}", ("field", "value"))
    for name in ("id", "text", "created_by", "created_at"):
        listing.add(name, getattr(written, name))
    output.show(listing, format.as_format, document=written)
