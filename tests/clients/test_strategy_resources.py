"""SDK round trips, sync, against a live worker: the strategy's structure, owners, governance and routing, the
data-quality report and health."""

import pytest

from strategy_client import Client, Conflict, NotFound, models

pytestmark = pytest.mark.usefixtures("loaded")
FOCUS_AREA = "children-in-need-of-help-and-protection"


def test_organisations_strategies_and_focus_areas(sdk: Client) -> None:
    [organisation] = list(sdk.organisations.list())
    assert sdk.organisations.get(organisation.key).key == organisation.key
    [strategy] = list(sdk.strategies.list())
    assert sdk.strategies.get(strategy).key == strategy.key
    areas = list(sdk.focus_areas.list(strategy=strategy.key))
    assert len(areas) == 7
    detail = sdk.focus_areas.get(FOCUS_AREA)
    assert isinstance(detail, models.FocusAreaDetail)
    assert detail.key == FOCUS_AREA


def test_scopes(sdk: Client) -> None:
    scopes = list(sdk.scopes.list())
    assert scopes
    assert sdk.scopes.get(scopes[0].key).key == scopes[0].key
    assert all(scope.kind == scopes[0].kind for scope in sdk.scopes.list(kind=scopes[0].kind))


def test_an_owner_created_changed_with_its_etag_and_archived(sdk: Client) -> None:
    created = sdk.owners.create(key="head-of-virtual-school", code="HoVS", kind="role")
    assert created.etag == '"1"'
    read = sdk.owners.get("head-of-virtual-school")
    changed = sdk.owners.update(read, full_name="Head of the Virtual School")
    assert changed.full_name == "Head of the Virtual School"
    assert changed.etag == '"2"'
    archived = sdk.owners.archive(changed)
    assert archived.archived_at is not None
    assert "head-of-virtual-school" not in {owner.key for owner in sdk.owners.list()}
    assert "head-of-virtual-school" in {owner.key for owner in sdk.owners.list(include_archived=True)}


def test_a_team_created_and_changed_with_its_etag(sdk: Client) -> None:
    assert {team.key for team in sdk.teams.list(service_owner="AD SLAC")} == {"reviewing-unit", "child-placement-team"}
    created = sdk.teams.create(key="children-in-care-team", name="Children in Care Team", service_owner="AD SLAC")
    assert (created.parent, created.etag) == ("stockton-on-tees", f'"{created.version}"')
    changed = sdk.teams.update(sdk.teams.get("children-in-care-team"), manager_role="Team manager")
    assert changed.manager_role == "Team manager"
    assert sdk.scopes.get("children-in-care-team").kind == "team"


def test_governance_bodies(sdk: Client) -> None:
    bodies = list(sdk.governance_bodies.list())
    assert "csmt" in {body.key for body in bodies}
    assert sdk.governance_bodies.get("csmt").key == "csmt"


def test_a_routing_rule_created_changed_archived_and_resolved(sdk: Client) -> None:
    rule = sdk.routing_rules.create(
        key="lscb-actions", item_kind="business_improvement_action", owner="LSCB", body="lscb"
    )
    assert sdk.routing_rules.get(rule).key == "lscb-actions"
    assert sdk.routing_rules.update(rule, note="LSCB's own actions").note == "LSCB's own actions"
    assert "lscb-actions" in {found.key for found in sdk.routing_rules.list()}
    action = next(iter(sdk.actions.list()))
    assert action.key in sdk.routing.resolve(f"action:{action.key}").item
    assert sdk.routing_rules.archive("lscb-actions").archived_at is not None
    assert isinstance(sdk.routing.unrouted(), models.PageUnroutedItem)


def test_exception_rules_and_the_exceptions_they_raise(sdk: Client) -> None:
    rules = list(sdk.exception_rules.list())
    assert rules
    rule = sdk.exception_rules.get(rules[0].key)
    changed = sdk.exception_rules.update(rule, description="Checked by the SDK")
    assert changed.description == "Checked by the SDK"
    found = list(sdk.performance_exceptions.list(as_at="2016-10-01"))
    assert all(isinstance(item, models.ExceptionRead) for item in found)


def test_the_data_quality_report_and_health(sdk: Client) -> None:
    report = sdk.data_quality.get(severity="error")
    assert all(issue.severity == "error" for issue in report.issues)
    assert sdk.health.get().status == "ok"
    assert sdk.health.ready().status == "ready"


def test_a_missing_item_and_a_duplicate_raise_their_exceptions(sdk: Client) -> None:
    with pytest.raises(NotFound) as missing:
        sdk.focus_areas.get("no-such-area")
    assert missing.value.request_id
    assert missing.value.problem.status == 404
    with pytest.raises(Conflict):
        sdk.owners.create(key="ad-slac-again", code="AD SLAC", kind="role")
