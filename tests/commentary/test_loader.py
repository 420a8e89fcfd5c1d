"""What packs show: kpi_comments and update_comments, as the commentary was known at a moment, in one query."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.commentary.service import MANY_SUBJECTS, Comment, kpi_comments, update_comments
from api.kpis.models import Kpi
from api.seeding.sync import Tally
from tests.commentary.conftest import ACTION, KPI, KPI_COMMENTARIES, OTHER_KPI, update_commentaries

MICROSECOND = timedelta(microseconds=1)


@asynccontextmanager
async def _session() -> AsyncIterator[AsyncSession]:
    """A session of its own, begun after the writes it is to see (as a pack's request would be)."""
    async with db.get_sessionmaker()() as session:
        yield session


@contextmanager
def _selects() -> Iterator[list[str]]:
    """The SELECT statements run meanwhile."""
    run: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            run.append(statement)

    engine = db.get_engine().sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield run
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def _kpi_ids(*codes: str) -> list[int]:
    async with _session() as session:
        rows = await session.execute(select(Kpi.code, Kpi.id).where(Kpi.code.in_(codes)))
        found = {code: kpi_id for code, kpi_id in rows}
    return [found[code] for code in codes]


async def _write(client: AsyncClient, url: str, **body: str) -> tuple[str, datetime]:
    """Write commentary; where it is and when its first revision was recorded."""
    response = await client.post(url, json=body)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]), datetime.fromisoformat(response.json()["created_at"])


async def _change(client: AsyncClient, method: str, url: str, etag: str, **body: str) -> datetime:
    response = await client.request(method, url, json=body or None, headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["updated_at"])


class TestKpiComments:
    async def test_as_known_before_an_edit_before_writing_and_after_withdrawal(
        self, submitter: AsyncClient, loaded: Tally
    ) -> None:
        [kpi_id] = await _kpi_ids(KPI)
        url, written = await _write(submitter, KPI_COMMENTARIES, period="FY2016-17", text="First thoughts")
        edited = await _change(submitter, "PUT", url, '"1"', text="Second thoughts")
        withdrawn = await _change(submitter, "DELETE", url, '"2"')
        author = (await submitter.get(url)).json()["created_by"]

        async def shown(known_at: datetime | None) -> list[Comment]:
            async with _session() as session:
                return (await kpi_comments(session, [kpi_id], known_at))[kpi_id]

        assert await shown(written - MICROSECOND) == []
        assert await shown(written) == [Comment("First thoughts", author, written, "FY2016-17")]
        assert await shown(edited - MICROSECOND) == [Comment("First thoughts", author, written, "FY2016-17")]
        assert await shown(edited) == [Comment("Second thoughts", author, edited, "FY2016-17")]
        assert await shown(withdrawn - MICROSECOND) == [Comment("Second thoughts", author, edited, "FY2016-17")]
        assert await shown(withdrawn) == []
        assert await shown(None) == []

    async def test_the_author_is_who_wrote_the_text_shown(
        self, submitter: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        [kpi_id] = await _kpi_ids(KPI)
        url, _written = await _write(submitter, KPI_COMMENTARIES, period="FY2016-17", text="Draft")
        await _change(admin, "PUT", url, '"1"', text="Corrected")
        async with _session() as session:
            [comment] = (await kpi_comments(session, [kpi_id], None))[kpi_id]
        assert comment.text == "Corrected"
        assert comment.author.endswith("(administrator)")

    async def test_newest_period_first_then_oldest_written_first_in_one_query(
        self, submitter: AsyncClient, loaded: Tally
    ) -> None:
        kpi_id, other_id, quiet_id = await _kpi_ids(KPI, OTHER_KPI, "eyfs-good-level-of-development")
        other = f"/api/v1/kpis/{OTHER_KPI}/commentaries"
        await _write(submitter, KPI_COMMENTARIES, period="FY2015-16", text="a")
        edited_later, _ = await _write(submitter, KPI_COMMENTARIES, period="FY2016-17", text="b")
        await _write(submitter, KPI_COMMENTARIES, period="FY2016-17", text="c")
        await _write(submitter, other, period="2016/17", text="d")
        await _change(submitter, "PUT", edited_later, '"1"', text="b, edited")
        async with _session() as session:
            with _selects() as run:
                shown = await kpi_comments(session, [kpi_id, other_id, quiet_id], None)
        assert len(run) == 1, run
        assert [(c.period, c.text) for c in shown[kpi_id]] == [
            ("FY2016-17", "b, edited"),
            ("FY2016-17", "c"),
            ("FY2015-16", "a"),
        ]
        assert [(c.period, c.text) for c in shown[other_id]] == [("AY2016-17", "d")]
        assert shown[quiet_id] == []
        async with _session() as session:
            assert await kpi_comments(session, [], None) == {}


class TestUpdateComments:
    async def test_oldest_first_as_known_at_a_moment(self, csmt: AsyncClient, action_update: int) -> None:
        url = update_commentaries("actions", ACTION, action_update)
        first, first_at = await _write(csmt, url, text="Slipped to November")
        _second, second_at = await _write(csmt, url, text="Recovery plan agreed")
        withdrawn = await _change(csmt, "DELETE", first, '"1"')
        author = (await csmt.get(first)).json()["created_by"]

        async def shown(known_at: datetime | None) -> list[Comment]:
            async with _session() as session:
                with _selects() as run:
                    found = await update_comments(session, [action_update, action_update + 1000], known_at)
            assert len(run) == 1
            assert found[action_update + 1000] == []
            return found[action_update]

        assert await shown(first_at - MICROSECOND) == []
        assert await shown(second_at) == [
            Comment("Slipped to November", author, first_at, None),
            Comment("Recovery plan agreed", author, second_at, None),
        ]
        assert await shown(withdrawn) == [Comment("Recovery plan agreed", author, second_at, None)]
        assert await shown(None) == [Comment("Recovery plan agreed", author, second_at, None)]

    async def test_asked_about_every_live_items_update_it_still_answers_for_just_those(
        self, csmt: AsyncClient, action_update: int
    ) -> None:
        """Past MANY_SUBJECTS ids (a large council's pack) they are not sent as an IN list: the answer is the same."""
        await _write(csmt, update_commentaries("actions", ACTION, action_update), text="Slipped to November")
        others = [action_update + n for n in range(1, MANY_SUBJECTS + 10)]
        async with _session() as session:
            with _selects() as run:
                many = await update_comments(session, [action_update, *others], None)
                few = await update_comments(session, [action_update], None)
        assert len(run) == 2
        assert set(many) == {action_update, *others}
        assert many[action_update] == few[action_update]
        assert [comment.text for comment in many[action_update]] == ["Slipped to November"]
        assert all(many[other] == [] for other in others)
        async with _session() as session:
            assert await update_comments(session, others, None) == dict.fromkeys(others, [])
