"""No child-level personal data: free text that looks like an identifier is refused before anything is written, and
the refusal names the field and the kind of identifier, never the text."""

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.assurance.test_activities import ACTIVITIES, AUDIT

CASES = [  # field, text, the identifying part (never echoed), the kind named
    ("findings", "Mrs Brown did not attend the review", "Brown", "person's name"),
    ("findings", "The plan for NHS 943 476 5919 was late", "5919", "NHS number"),
    ("learning", "Check the file for case no. 12345 again", "12345", "case or record reference"),
    ("learning", "Child born on 12/03/2009 was not seen alone", "2009", "date of birth"),
    ("findings", "The family moved to TS18 1AB", "TS18", "postcode"),
    ("findings", "Call the carer on 07700 900123", "900123", "phone number"),
    ("learning", "Write to jane.doe@example.org", "jane.doe", "email address"),
    ("findings", "UPN A801200012345 missed school", "A801200012345", "unique pupil number"),
    ("findings", "Father's NI AB 12 34 56 C on file", "12 34 56", "National Insurance number"),
    ("carried_out_by_role", "Mr Smith", "Smith", "person's name"),
]


async def _writes(admin: AsyncClient) -> int:
    return int((await admin.get("/api/v1/audit?limit=1")).json()["total"])


class TestRefused:
    async def test_each_kind_is_refused_naming_the_field_and_kind_and_nothing_is_written(
        self, auditor: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        before = await _writes(admin)
        for field, text, secret, kind in CASES:
            response = await auditor.post(ACTIVITIES, json=AUDIT | {field: text})
            problem = assert_problem(response, 422)
            [error] = problem["errors"]
            assert error["loc"] == ["body", field]
            assert kind in error["msg"]
            assert text not in response.text
            assert secret not in response.text  # never echoed
        assert_page(await auditor.get(ACTIVITIES), total=0)
        assert await _writes(admin) == before

    async def test_a_theme_is_checked_as_written(self, auditor: AsyncClient, loaded: Tally) -> None:
        response = await auditor.post(ACTIVITIES, json=AUDIT | {"themes": ["Drift", "Jayden's mother"]})
        problem = assert_problem(response, 422)
        assert [error["loc"] for error in problem["errors"]] == [["body", "themes", 1]]
        assert "Jayden" not in response.text

    async def test_a_change_is_checked_too_and_leaves_the_activity_as_it_was(
        self, auditor: AsyncClient, loaded: Tally
    ) -> None:
        made = (await auditor.post(ACTIVITIES, json=AUDIT)).json()
        url, headers = f"{ACTIVITIES}/{made['id']}", {"If-Match": f'"{made["version"]}"'}
        refused = await auditor.patch(url, json={"grading": "good", "findings": "Seen with Dr Patel"}, headers=headers)
        assert_problem(refused, 422)
        assert "Patel" not in refused.text
        now = await auditor.get(url)
        assert now.json() == made
        assert now.headers["etag"] == headers["If-Match"]

    async def test_the_strategys_own_words_are_accepted(self, auditor: AsyncClient, loaded: Tally) -> None:
        words = {
            "findings": "Attendance of team managers at ICPC; LAC Review, CP Conference, TAF observed in 2016/17. "
            "99% of assessments completed in 45 days; Ofsted's judgement noted; AD SLAC to review 79% figure.",
            "learning": "Case file audits found the child's views recorded in 8 of 12 files.",
            "carried_out_by_role": "AD SLAC",
            "themes": ["Voice of the child", "S47 enquiries"],
        }
        response = await auditor.post(ACTIVITIES, json=AUDIT | words)
        assert response.status_code == 201, response.text
        assert response.json()["findings"] == words["findings"]
