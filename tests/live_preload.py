"""What the fork server of tests/forks.py loads once for every process it forks: the app's modules, uvicorn, and the
migrations' heads that /readyz compares the database with (Alembic and its scripts)."""

import uvicorn  # noqa: F401

import api.main  # noqa: F401
from api import schema

schema.head_revisions()
