"""The admin API for keys: minted with the secret shown once, stored hashed, revoked, audited."""

import subprocess
from pathlib import Path

from httpx import AsyncClient
from sqlalchemy import select

from api import db
from api.audit.models import AuditEvent
from api.auth.models import ApiKey, Scope
from tests.asserts import assert_problem
from tests.auth.helpers import key_id_of
from tests.conftest import Minter
from tests.factories import Scenario
from tests.forks import run_api


class TestCreate:
    async def test_the_token_is_returned_once_and_only_its_hash_is_stored(
        self, admin: AsyncClient, anonymous: AsyncClient
    ) -> None:
        response = await admin.post(
            "/api/v1/api-keys", json={"name": "Power BI dashboard", "scopes": ["read"], "note": "CYP team"}
        )
        assert response.status_code == 201, response.text
        created = response.json()
        token = created["key"]
        assert token.startswith(f"csk_{created['id']}_")
        assert response.headers["location"] == f"/api/v1/api-keys/{created['id']}"
        assert (created["scopes"], created["revoked_at"], created["created_by"].startswith("key:")) == (
            ["read"],
            None,
            True,
        )
        fetched = (await admin.get(f"/api/v1/api-keys/{created['id']}")).json()
        assert "key" not in fetched
        assert fetched["name"] == "Power BI dashboard"
        async with db.get_sessionmaker()() as session:
            stored = await session.scalar(select(ApiKey).where(ApiKey.key_id == created["id"]))
        assert stored is not None
        assert token not in (stored.secret_hash, stored.name)
        works = await anonymous.get("/api/v1/focus-areas", headers={"Authorization": f"Bearer {token}"})
        assert works.status_code == 200

    async def test_limits_to_kpis_and_owners_are_checked_and_kept(self, admin: AsyncClient, scenario: Scenario) -> None:
        body = {
            "name": "AD SLAC",
            "scopes": ["actions:write"],
            "owner_codes": ["AD SLAC"],
            "kpi_codes": ["cp-repeat-plans"],
        }
        created = (await admin.post("/api/v1/api-keys", json=body)).json()
        assert (created["owner_codes"], created["kpi_codes"]) == (["AD SLAC"], ["cp-repeat-plans"])
        unknown = await admin.post("/api/v1/api-keys", json=body | {"owner_codes": ["AD SLAC", "AD NOBODY"]})
        problem = assert_problem(unknown, 422)
        assert problem["errors"] == [
            {"loc": ["body", "owner_codes", 1], "msg": "'AD NOBODY' is not an owner code or alias"}
        ]

    async def test_bad_bodies_are_422_problems(self, admin: AsyncClient) -> None:
        for body in (
            {"name": "x", "scopes": []},
            {"name": "x", "scopes": ["superuser"]},
            {"name": "", "scopes": ["read"]},
            {"name": "x", "scopes": ["read"], "expires_at": "2020-01-01T00:00:00Z"},
            {"name": "x", "scopes": ["read"], "expires_at": "2030-01-01T00:00:00"},
        ):
            assert_problem(await admin.post("/api/v1/api-keys", json=body), 422)

    async def test_read_only_fields_are_rejected_not_ignored(self, admin: AsyncClient) -> None:
        for field, value in (
            ("id", "kchosen0000"),
            ("key", "csk_kchosen0000_secret"),
            ("created_at", "2016-04-01T00:00:00Z"),
            ("created_by", "somebody else"),
            ("revoked_at", None),
            ("last_used_at", "2016-04-01T00:00:00Z"),
        ):
            response = await admin.post("/api/v1/api-keys", json={"name": "x", "scopes": ["read"], field: value})
            problem = assert_problem(response, 422)
            assert problem["errors"][0]["loc"] == ["body", field]


class TestReadAndRevoke:
    async def test_list_current_and_revoke(self, admin: AsyncClient, client: AsyncClient, mint: Minter) -> None:
        token = await mint(Scope.kpi_submit, name="case management", kpi_codes=None)
        listed = (await admin.get("/api/v1/api-keys")).json()
        assert {"administrator", "dashboard", "case management"} <= {k["name"] for k in listed["items"]}
        assert all("key" not in item for item in listed["items"])
        current = (await client.get("/api/v1/api-keys/current")).json()
        assert (current["name"], current["scopes"]) == ("dashboard", ["read"])
        revoked = await admin.delete(f"/api/v1/api-keys/{key_id_of(token)}")
        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"] is not None
        again = await admin.delete(f"/api/v1/api-keys/{key_id_of(token)}")
        assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
        active = (await admin.get("/api/v1/api-keys?active=true")).json()["items"]
        assert "case management" not in {k["name"] for k in active}
        assert_problem(await admin.delete("/api/v1/api-keys/k0000000000"), 404)

    async def test_every_key_write_is_audited_with_its_author(self, admin: AsyncClient) -> None:
        created = (await admin.post("/api/v1/api-keys", json={"name": "audited", "scopes": ["read"]})).json()
        await admin.delete(f"/api/v1/api-keys/{created['id']}", headers={"X-Request-ID": "req-42"})
        async with db.get_sessionmaker()() as session:
            events = (
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.resource_key == created["id"]).order_by(AuditEvent.id)
                )
            ).all()
        assert [e.action for e in events] == ["create", "revoke"]
        assert all(e.actor.startswith("key:k") and e.actor.endswith("(administrator)") for e in events)
        assert all(e.api_key_id is not None for e in events)
        assert events[1].request_id == "req-42"
        assert events[0].after is not None
        assert events[0].after["scopes"] == ["read"]
        assert created["key"] not in str(events[0].after)


class TestCommandLine:
    async def test_create_list_and_revoke(self, migrated: str, clean_tables: None) -> None:
        env = {"DATABASE_URL": migrated, "PATH": "/usr/bin:/bin", "COLUMNS": "200"}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return run_api("keys", *args, env=env)

        created = run("create", "--name", "case management", "--scope", "read", "--scope", "kpi:submit")
        assert created.returncode == 0, created.stderr
        token = created.stdout.strip().splitlines()[-1]
        assert token.startswith("csk_k")
        listed = run("list")
        assert key_id_of(token) in listed.stdout
        assert token not in listed.stdout
        assert run("revoke", key_id_of(token)).returncode == 0
        assert run("revoke", "k0000000000").returncode == 1

    async def test_local_admin_keeps_one_working_key_in_a_private_file(
        self, migrated: str, clean_tables: None, tmp_path: Path
    ) -> None:
        env = {"DATABASE_URL": migrated, "PATH": "/usr/bin:/bin"}
        key_file = tmp_path / "admin-key"
        first = run_api("keys", "local-admin", "--path", str(key_file), env=env, check=True)
        second = run_api("keys", "local-admin", "--path", str(key_file), env=env, check=True)
        token = key_file.read_text().strip()
        assert token in first.stdout
        assert token in second.stdout, "a second run reuses the key"
        assert key_file.stat().st_mode & 0o077 == 0, "only the owner can read the key file"

    async def test_local_reader_keeps_a_read_only_key_for_the_dashboard(
        self, migrated: str, clean_tables: None, tmp_path: Path
    ) -> None:
        env = {"DATABASE_URL": migrated, "PATH": "/usr/bin:/bin"}
        key_file = tmp_path / "dashboard-key"
        run_api("keys", "local-reader", "--path", str(key_file), env=env, check=True)
        token = key_file.read_text().strip()
        second = run_api("keys", "local-reader", "--path", str(key_file), env=env, check=True)
        assert key_file.read_text().strip() == token, "a second run reuses the key"
        assert token not in second.stdout, "the dashboard's key is kept in its file, not printed"
        assert key_file.stat().st_mode & 0o077 == 0
        async with db.get_sessionmaker()() as session:
            key = await session.scalar(select(ApiKey).where(ApiKey.key_id == key_id_of(token)))
        assert key is not None
        assert key.name == "dashboard (make run)"
        assert list(key.scopes) == [Scope.read]

    async def test_local_reader_replaces_a_kept_key_without_the_read_scope(
        self, migrated: str, clean_tables: None, tmp_path: Path, mint: Minter
    ) -> None:
        env = {"DATABASE_URL": migrated, "PATH": "/usr/bin:/bin"}
        key_file = tmp_path / "dashboard-key"
        submitter = await mint(Scope.kpi_submit)
        key_file.write_text(submitter + "\n")
        run_api("keys", "local-reader", "--path", str(key_file), env=env, check=True)
        assert key_file.read_text().strip() != submitter
