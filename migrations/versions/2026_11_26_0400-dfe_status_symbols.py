"""Status symbols: accept DfE's k (rounds to zero) and u (low reliability) beside c, x and z

Revision ID: 5c0d1e2f3a4b
Revises: 4735b843c768
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5c0d1e2f3a4b"
down_revision: str | None = "4735b843c768"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "ck_kpi_value_status_symbol"


def _replace(symbols: str) -> None:
    allowed = ", ".join(f"'{symbol}'" for symbol in symbols)
    with op.batch_alter_table("kpi_value") as batch_op:
        batch_op.drop_constraint(op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(op.f(CONSTRAINT), f"status_symbol IN ({allowed})")


def upgrade() -> None:
    _replace("cxzku")


def downgrade() -> None:
    op.execute("UPDATE kpi_value SET status_symbol = 'x' WHERE status_symbol IN ('k', 'u')")
    _replace("cxz")
