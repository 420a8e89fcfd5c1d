"""What an approval tells integrations (issue 17, webhooks): kpi_value.approved for every approval, in the approval's
own transaction, and kpi_value.published too when open data now serves the figure (a Council Plan KPI's figure for
the borough); a return announces nothing, and a decision refused leaves no event behind."""

from typing import Any

from sqlalchemy import select

from api import db
from api.webhooks.models import WebhookEvent, WebhookEventType
from tests.signoffs.conftest import FIGURE, NEET, SIGN_OFFS, Desk, decide

TEAM = "reviewing-unit"


async def _events() -> list[tuple[WebhookEventType, dict[str, Any]]]:
    async with db.get_sessionmaker()() as session:
        rows = await session.scalars(select(WebhookEvent).order_by(WebhookEvent.id))
        return [(row.type, row.data) for row in rows]


async def test_approving_a_council_plan_figure_announces_its_approval_and_publication(desk: Desk) -> None:
    await desk.submit(7)
    assert (await decide(desk.schools, 1)).status_code == 201
    [(approved, data), (published, same)] = await _events()
    assert (approved, published) == (WebhookEventType.kpi_value_approved, WebhookEventType.kpi_value_published)
    assert (data["kpi"], data["scope"], data["period"], data["revision"], data["value"]) == (
        NEET,
        "stockton-on-tees",
        "FY2016-17",
        1,
        7,
    )
    assert "AD Schools approver" in data["approved_by"]
    assert same == data | {"open_data_url": f"/open-data/v1/council-plan-kpis/{NEET}"}
    opened = await desk.submitter.get(same["open_data_url"])
    assert opened.status_code == 200, "the published figure is where the event says"


async def test_a_teams_figure_is_approved_but_not_published(desk: Desk) -> None:
    await desk.submit(9, f"{FIGURE}?scope={TEAM}")
    answer = await desk.anyone.post(f"{SIGN_OFFS}?scope={TEAM}", json={"decision": "approved", "revision": 1})
    assert answer.status_code == 201, answer.text
    assert [(kind, data["scope"]) for kind, data in await _events()] == [(WebhookEventType.kpi_value_approved, TEAM)]


async def test_a_return_or_a_refused_decision_announces_nothing(desk: Desk) -> None:
    await desk.submit(7)
    assert (await decide(desk.schools, 1, "returned", reasons="Excludes the September cohort")).status_code == 201
    await desk.submit(8)
    assert (await decide(desk.schools, 1)).status_code == 409, "revision 1 is no longer the latest"
    assert await _events() == []
