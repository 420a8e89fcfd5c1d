"""SDK round trips, sync, against a live worker: business improvement actions and transformation projects, their
progress updates and savings; list iteration across pages."""

import httpx
import pytest

from strategy_client import Client, PreconditionRequired, models

pytestmark = pytest.mark.usefixtures("loaded")
FOCUS_AREA = "children-in-need-of-help-and-protection"
ACTION = "cin-implement-graded-care-profile-2"


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.method} {request.url.path}?{request.url.query.decode()}")
        return super().handle_request(request)


def test_a_list_iterates_every_page(sdk_server: str, admin_key: str) -> None:
    transport = CountingTransport()
    with Client(sdk_server, api_key=admin_key, transport=transport) as client:
        total = client.actions.list_page(limit=1).total
        transport.paths.clear()
        keys = [action.key for action in client.actions.list(page_size=10)]
    assert total == 56
    assert len(keys) == len(set(keys)) == total
    assert len(transport.paths) == 6  # 56 actions, 10 a page
    assert all("page=" in path and "limit=10" in path for path in transport.paths)


def test_a_list_passes_its_filters_on_every_page(sdk: Client) -> None:
    found = list(sdk.actions.list(focus_area=FOCUS_AREA, page_size=3))
    page = sdk.actions.list_page(focus_area=FOCUS_AREA, limit=3)
    assert len(found) == page.total > 3
    assert {action.focus_area for action in found} == {FOCUS_AREA}
    assert isinstance(page, models.PageActionRead)


def test_an_action_created_reported_on_changed_and_archived(sdk: Client) -> None:
    action = sdk.actions.create(key="cin-private-fostering-audit", focus_area=FOCUS_AREA, what="Audit fostering")
    assert action.etag == '"1"'
    update = sdk.actions.updates.create(
        action, status="on_track", rag="green", commentary="Started", as_of="2016-09-30"
    )
    assert (update.status, update.rag) == ("on_track", "green")
    assert [found.id for found in sdk.actions.updates.list(action)] == [update.id]
    reported = sdk.actions.get(action.key)
    assert reported.status == "on_track"
    changed = sdk.actions.update(reported, comments="Report to LSCB", when="Jan 2017")
    assert changed.comments == "Report to LSCB"
    archived = sdk.actions.archive(changed)
    assert archived.archived_at is not None
    revisions = sdk.actions.revisions(action).items
    assert [(r.revision, r.when, r.archived) for r in revisions] == [
        (3, "Jan 2017", True),
        (2, "Jan 2017", False),
        (1, None, False),
    ]


def test_a_project_created_reported_on_and_its_savings_set(sdk: Client) -> None:
    project = sdk.projects.create(key="edge-of-care-service", title="Edge of care service", focus_areas=["early-help"])
    assert sdk.projects.get(project).key == "edge-of-care-service"
    sdk.projects.updates.create(project, status="on_track", rag="amber", as_of="2016-09-30")
    assert [update.rag for update in sdk.projects.updates.list("edge-of-care-service")] == ["amber"]
    saving = sdk.projects.savings.put(project, "FY2016-17", target_pence=25_000_000, forecast_pence=20_000_000)
    assert saving.target_pence == 25_000_000
    assert [found.target_pence for found in sdk.projects.savings.list(project)] == [25_000_000]
    [first] = sdk.projects.savings.revisions(project, "FY2016-17").items
    assert (first.revision, first.forecast_pence) == (1, 20_000_000)
    totals = sdk.projects.savings.programme(fy="FY2016-17")
    assert isinstance(totals, models.ProgrammeSavings)
    changed = sdk.projects.update("edge-of-care-service", lead="AD SLAC")
    assert sdk.projects.archive(changed).archived_at is not None
    assert [r.lead for r in sdk.projects.revisions(changed).items] == ["AD SLAC", "AD SLAC", None]
    assert changed.lead is not None
    assert "edge-of-care-service" not in {found.key for found in sdk.projects.list()}
    assert "edge-of-care-service" in {found.key for found in sdk.projects.list(include_archived=True)}


def test_the_raw_client_is_there_for_what_the_sdk_does_not_wrap(sdk: Client) -> None:
    response = sdk.http.patch(f"/api/v1/actions/{ACTION}", json={"comments": "no If-Match"})
    assert response.status_code == 428
    assert PreconditionRequired.__mro__[1].__name__ == "ApiError"
