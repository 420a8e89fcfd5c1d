"""The SDK's generated code is what its generator makes now: the sync client from the async source, the models from
the app's OpenAPI document. A failure here means `make clients` was not run after a change."""

import importlib.util
import sys
from types import ModuleType

from fastapi import FastAPI

from tests.factories import SEED_DIR

SCRIPT = SEED_DIR.parent / "clients" / "python" / "scripts" / "generate.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("strategy_client_generate", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_sync_client_is_generated_from_the_async_one() -> None:
    generate = _generator()
    wanted = generate.render_sync()
    committed = set(generate.SYNC_DIR.rglob("*.py"))
    assert committed == set(wanted), "run make clients: _sync/ has files _async/ does not make, or lacks some"
    stale = [path.name for path, text in wanted.items() if path.read_text() != text]
    assert not stale, f"run make clients: _sync/ differs from _async/ in {stale}"


def test_the_models_are_generated_from_the_apps_openapi_document(shared_app: FastAPI) -> None:
    generate = _generator()
    assert generate.MODELS.read_text() == generate.render_models(shared_app.openapi()), (
        "run make clients: strategy_client/models.py differs from the API's OpenAPI document"
    )


def test_models_ignore_fields_a_newer_server_adds_and_limits_only_the_server_checks() -> None:
    from strategy_client import models

    read = models.ProgressRead.model_validate(
        {
            "id": 1,
            "status": "on_track",
            "rag": None,
            "percent_complete": 250,  # the server keeps 0-100 on input; a reader does not check it again
            "commentary": "x" * 10_000,
            "as_of": "2016-09-30",
            "created_at": "2016-09-30T10:00:00Z",
            "created_by": "key:k1 (AD SLAC)",
            "added_in_a_later_version": {"anything": True},
        }
    )
    assert read.percent_complete == 250
    assert not hasattr(read, "added_in_a_later_version")
