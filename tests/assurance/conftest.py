from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from api.auth.models import Scope
from tests.conftest import Minter, in_process


@pytest.fixture
async def auditor(app: FastAPI, mint: Minter) -> AsyncIterator[AsyncClient]:
    """A quality assurance officer's key: reads, and records the assurance programme."""
    token = await mint(Scope.read, Scope.assurance_write, name="quality assurance")
    async with in_process(app, {"Authorization": f"Bearer {token}"}) as client:
        yield client
