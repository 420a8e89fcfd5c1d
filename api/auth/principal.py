"""Who is calling: the key's name, scopes and object-level grants."""

from collections.abc import Iterable
from dataclasses import dataclass

from api.auth.models import Scope


@dataclass(frozen=True)
class Principal:
    name: str
    scopes: frozenset[str]
    key_id: str | None = None  # public id of the API key; None when anonymous
    api_key_pk: int | None = None
    kpi_codes: frozenset[str] | None = None  # None: any KPI
    owner_ids: frozenset[int] | None = None  # None: any owner; bound to owners, not to their (editable) codes

    @property
    def actor(self) -> str:
        """How writes are attributed: never the secret, always the public key id."""
        return f"key:{self.key_id} ({self.name})" if self.key_id else self.name

    def has(self, scope: Scope) -> bool:
        return Scope.admin in self.scopes or scope in self.scopes

    def may_submit(self, kpi_code: str) -> bool:
        return self.kpi_codes is None or kpi_code in self.kpi_codes

    def may_write_for(self, owner_ids: Iterable[int]) -> bool:
        """An owner-limited key writes only items that one of its owners is responsible for."""
        return self.owner_ids is None or not self.owner_ids.isdisjoint(owner_ids)


ANONYMOUS = Principal(name="anonymous", scopes=frozenset({Scope.read}))


@dataclass(frozen=True)
class Actor:
    """The principal making a write, and the request it came in."""

    principal: Principal
    request_id: str | None = None

    @property
    def name(self) -> str:
        return self.principal.actor


def system_actor(name: str) -> Actor:
    """Writes made outside HTTP (the seed loader, the CLI)."""
    return Actor(Principal(name=name, scopes=frozenset({Scope.admin})))
