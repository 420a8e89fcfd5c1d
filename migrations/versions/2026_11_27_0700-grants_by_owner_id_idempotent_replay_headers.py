"""grants by owner id, idempotent replays keep headers

A key limited to owners held their codes, so renaming or swapping codes moved its rights. It now holds the owners'
ids; existing keys are converted by looking their codes up. Idempotency records also keep the Location and ETag
headers they replay.

Revision ID: 3e2836551f52
Revises: da27fd4a4164
Create Date: 2026-11-27 06:58:04.336294
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "3e2836551f52"
down_revision: str | None = "da27fd4a4164"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

api_key = sa.table(
    "api_key",
    sa.column("id", sa.Integer),
    sa.column("owner_codes", sa.JSON(none_as_null=True)),
    sa.column("owner_ids", sa.JSON(none_as_null=True)),
)
owner = sa.table("owner", sa.column("id", sa.Integer), sa.column("code", sa.String))


def _convert(source: str, target: str, lookup: dict[Any, Any]) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(api_key.c.id, api_key.c[source]).where(api_key.c[source].is_not(None))).all()
    for key_id, values in rows:
        converted = sorted(lookup[value] for value in values if value in lookup)
        bind.execute(sa.update(api_key).where(api_key.c.id == key_id).values({target: converted}))


def upgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_ids", sa.JSON(none_as_null=True), nullable=True))
    ids_by_code = {code: owner_id for owner_id, code in op.get_bind().execute(sa.select(owner.c.id, owner.c.code))}
    _convert("owner_codes", "owner_ids", ids_by_code)
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_column("owner_codes")

    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_headers", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_column("response_headers")

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_codes", sa.JSON(none_as_null=True), nullable=True))
    codes_by_id = {owner_id: code for owner_id, code in op.get_bind().execute(sa.select(owner.c.id, owner.c.code))}
    _convert("owner_ids", "owner_codes", codes_by_id)
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_column("owner_ids")
