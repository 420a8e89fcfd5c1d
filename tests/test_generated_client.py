"""A client generated from the live document with openapi-python-client works against the live service: the
document is fit for generators (no warnings, names that read well), and what it promises is what the service does."""

import importlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.conftest import Minter

PACKAGE = "cs_strategy_client"
# openapi-python-client sends no text/csv body of its own: a CSV body goes as bytes, with its content type.
CONFIG = f"""package_name_override: {PACKAGE}
content_type_overrides:
  text/csv: application/octet-stream
post_hooks: []
"""
NEET = "neet-not-known-16-19"
Generated = Callable[[str], Path]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Generate the client once per run, from the document of the first live worker that asks; returns the folder
    that holds the package (already on sys.path)."""
    made: list[Path] = []

    def generate(base: str) -> Path:
        if made:
            return made[0]
        folder = tmp_path_factory.mktemp("generated")
        (folder / "config.yml").write_text(CONFIG)
        # The first request for the document builds it: a second or two, more on a busy machine.
        (folder / "openapi.json").write_bytes(httpx.get(f"{base}/openapi.json", timeout=60).content)
        command = [str(Path(sys.executable).with_name("openapi-python-client")), "generate"]
        command += ["--path", "openapi.json", "--meta", "none", "--output-path", PACKAGE, "--config", "config.yml"]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "warning" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
        sys.path.insert(0, str(folder))
        made.append(folder)
        return folder

    return generate


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


async def test_the_generated_names_read_well(generated: Generated, live: str) -> None:
    folder = generated(live) / PACKAGE
    modules = {path.relative_to(folder / "api").with_suffix("").as_posix() for path in (folder / "api").rglob("*.py")}
    assert {"kpi_definitions/kpis_list", "kpi_values/kpi_value_put", "kpi_status/scorecard_get", "packs/pack_get"} <= (
        modules
    )
    assert not [name for name in modules if "kp_is" in name or "api_v1" in name or name.endswith("_get_get")]
    assert _module("models").KpiValueIn.__name__ == "KpiValueIn"


async def test_a_generated_client_reads_submits_and_downloads(
    generated: Generated, live: str, mint: Minter, loaded: Tally
) -> None:
    generated(live)
    models = _module("models")
    client: Any = _module("client").AuthenticatedClient(base_url=live, token=await mint(Scope.admin))
    async with client:
        kpis = await _module("api.kpi_definitions.kpis_list").asyncio(client=client, limit=500)
        assert isinstance(kpis, models.PageKpiRead)
        assert NEET in [kpi.code for kpi in kpis.items]

        card = await _module("api.kpi_status.scorecard_get").asyncio(
            client=client, tier=models.Tier.COUNCIL_PLAN, period="2016/17"
        )
        assert isinstance(card, models.Scorecard)
        assert len(card.items) == 11
        assert card.summary.green + card.summary.amber + card.summary.red + card.summary.not_rated == 11

        put = _module("api.kpi_values.kpi_value_put")
        written = await put.asyncio_detailed(NEET, "FY2017-18", client=client, body=models.KpiValueIn(value=7))
        assert written.status_code == 201, written.content
        assert isinstance(written.parsed, models.KpiValueWritten)
        assert (written.parsed.value, written.headers["etag"]) == (7, '"1"')

        pack = _module("api.packs.pack_get")
        as_json = await pack.asyncio("csmt", client=client, period="2016/17")
        assert isinstance(as_json, models.Pack)
        assert as_json.body.key == "csmt"
        # One operation, three media types: the generated function parses JSON; CSV and HTML are read as text from
        # the request it builds.
        for chosen, media_type, start in (("CSV", "text/csv", "\ufeff"), ("HTML", "text/html", "<!doctype html>")):
            request = pack._get_kwargs("csmt", period="2016/17", format_=getattr(models.PackFormat, chosen))
            answer = await client.get_async_httpx_client().request(**request)
            assert answer.status_code == 200
            assert answer.headers["content-type"].startswith(media_type)
            assert answer.text.lower().startswith(start), answer.text[:100]
