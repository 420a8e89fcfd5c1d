"""Commentary and progress updates are about practice and figures, never a child: free text that looks like it
identifies someone (api/identifiers.py) is refused with a 422 naming the field and the kind, never the text, and
nothing is stored."""

import pytest
from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.commentary.conftest import ACTION, KPI_COMMENTARIES, PROJECT, update_commentaries

IDENTIFYING = [
    ("Jayden's mother asked for the plan to be reviewed", "person's name"),
    ("Placement for the child at TS18 1LD ended in June", "postcode"),
    ("Delay on case ref 4471823 while the court decides", "case or record reference"),
    ("NHS number 943 476 5919 recorded against the referral", "NHS number"),
]


def _refused(problem: dict[str, object], field: str, kind: str, text: str) -> None:
    errors = problem["errors"]
    assert isinstance(errors, list)
    assert errors[0]["loc"] == ["body", field]
    assert kind in errors[0]["msg"]
    assert text not in str(problem), "a refusal never copies the text it refuses"


@pytest.mark.parametrize(("text", "kind"), IDENTIFYING)
async def test_kpi_commentary_holding_an_identifier_is_refused(
    submitter: AsyncClient, loaded: Tally, text: str, kind: str
) -> None:
    response = await submitter.post(KPI_COMMENTARIES, json={"period": "FY2016-17", "text": text})
    _refused(assert_problem(response, 422), "text", kind, text)
    assert_page(await submitter.get(KPI_COMMENTARIES), total=0)


@pytest.mark.parametrize(("text", "kind"), IDENTIFYING[:2])
async def test_commentary_on_an_update_and_its_edit_refuse_identifiers(
    csmt: AsyncClient, action_update: int, text: str, kind: str
) -> None:
    url = update_commentaries("actions", ACTION, action_update)
    _refused(assert_problem(await csmt.post(url, json={"text": text}), 422), "text", kind, text)
    made = await csmt.post(url, json={"text": "Sufficiency statement slipped to November"})
    assert made.status_code == 201, made.text
    location, etag = made.headers["location"], made.headers["etag"]
    edit = await csmt.put(location, json={"text": text}, headers={"If-Match": etag})
    _refused(assert_problem(edit, 422), "text", kind, text)
    assert (await csmt.get(location)).json()["text"] == "Sufficiency statement slipped to November"


@pytest.mark.parametrize("kind", ["actions", "projects"])
async def test_a_progress_update_holding_an_identifier_is_refused(csmt: AsyncClient, loaded: Tally, kind: str) -> None:
    key = ACTION if kind == "actions" else PROJECT
    text, identifier = IDENTIFYING[0]
    updates = f"/api/v1/{kind}/{key}/updates"
    before = (await csmt.get(updates)).json()["total"]
    body = {"status": "at_risk", "as_of": "2016-09-30", "commentary": text}
    _refused(assert_problem(await csmt.post(updates, json=body), 422), "commentary", identifier, text)
    assert (await csmt.get(updates)).json()["total"] == before
    fine = body | {"commentary": "Sufficiency statement drafted; ICPC timeliness at 79% in 2016/17 Q2"}
    assert (await csmt.post(updates, json=fine)).status_code == 201
    assert (await csmt.get(updates)).json()["total"] == before + 1
