"""notifications of the data version and of API key changes (PostgreSQL)

Every write moves the change counter on (api/audit/service.py) and every key change writes api_key; these triggers
tell each worker's listener (api/auth/notified.py) in the same transaction, so the notification is delivered when
it commits, in commit order. Deleting the counter's row or emptying either table (tests do) is told as well. SQLite
has no notifications: its workers read the version and keys for each batch of requests, as before.

Revision ID: 3f6b2d8c41e7
Revises: 9da4e0144a5d
Create Date: 2026-11-28 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3f6b2d8c41e7"
down_revision: str | None = "9da4e0144a5d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The channel names are api/auth/notified.py's VERSION_CHANNEL and KEYS_CHANNEL.
UPGRADE = [
    """
    CREATE FUNCTION notify_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM pg_notify('csk_data_version', NEW.last_seq::text);
        ELSE
            PERFORM pg_notify('csk_data_version', '0');
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION notify_api_key() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            PERFORM pg_notify('csk_api_keys', '*');
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM pg_notify('csk_api_keys', OLD.key_id);
        ELSE
            PERFORM pg_notify('csk_api_keys', NEW.key_id);
            IF TG_OP = 'UPDATE' AND OLD.key_id IS DISTINCT FROM NEW.key_id THEN
                PERFORM pg_notify('csk_api_keys', OLD.key_id);
            END IF;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER change_counter_notify AFTER INSERT OR UPDATE OR DELETE ON change_counter
        FOR EACH ROW EXECUTE FUNCTION notify_data_version()
    """,
    """
    CREATE TRIGGER change_counter_notify_truncate AFTER TRUNCATE ON change_counter
        FOR EACH STATEMENT EXECUTE FUNCTION notify_data_version()
    """,
    """
    CREATE TRIGGER api_key_notify AFTER INSERT OR UPDATE OR DELETE ON api_key
        FOR EACH ROW EXECUTE FUNCTION notify_api_key()
    """,
    """
    CREATE TRIGGER api_key_notify_truncate AFTER TRUNCATE ON api_key
        FOR EACH STATEMENT EXECUTE FUNCTION notify_api_key()
    """,
]
DOWNGRADE = [
    "DROP TRIGGER api_key_notify_truncate ON api_key",
    "DROP TRIGGER api_key_notify ON api_key",
    "DROP TRIGGER change_counter_notify_truncate ON change_counter",
    "DROP TRIGGER change_counter_notify ON change_counter",
    "DROP FUNCTION notify_api_key()",
    "DROP FUNCTION notify_data_version()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
