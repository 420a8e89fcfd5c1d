"""Every model module, imported once so Base.metadata is complete (for Alembic and the drift test)."""

from api.actions import models as actions
from api.assurance import models as assurance
from api.audit import models as audit
from api.auth import models as auth
from api.benchmarks import models as benchmarks
from api.commentary import models as commentary
from api.db import Base
from api.governance import models as governance
from api.idempotency import models as idempotency
from api.kpis import models as kpis
from api.meetings import models as meetings
from api.owners import models as owners
from api.procedures import models as procedures
from api.progress import models as progress
from api.projects import models as projects
from api.returns import models as returns
from api.revisions import models as revisions
from api.signoffs import models as signoffs
from api.strategy import models as strategy
from api.webhooks import models as webhooks

__all__ = [
    "Base",
    "actions",
    "assurance",
    "audit",
    "auth",
    "benchmarks",
    "commentary",
    "governance",
    "idempotency",
    "kpis",
    "meetings",
    "owners",
    "procedures",
    "progress",
    "projects",
    "returns",
    "revisions",
    "signoffs",
    "strategy",
    "webhooks",
]
