"""Who asks: the role and scope a use case checks, and what the audit trail records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from service.store.tables import Account, ApiToken

Role = Literal["officer", "inspector", "employer", "admin"]
STAFF: frozenset[str] = frozenset({"officer", "inspector", "admin"})


@dataclass(frozen=True)
class Actor:
    role: str
    token_id: int | None = None
    region_kato: str | None = None
    """A regional officer or inspector sees only this region (KATO code of the region)."""
    employer_bin: str | None = None
    method: str = "CLI"
    route: str = "matcher"
    """Where the request came from, for the audit trail: an HTTP method and path, or the
    command that was run."""
    client: str | None = None
    """The address an HTTP request came from (None at the command line)."""
    account_id: int | None = None
    """The account of a person using the pages (``token_id`` is for the API)."""

    @classmethod
    def of_token(cls, token: ApiToken, *, method: str, route: str) -> Actor:
        return cls(
            role=token.role,
            token_id=token.id,
            region_kato=token.region_kato,
            employer_bin=token.employer_bin,
            method=method,
            route=route[:200],
        )

    @classmethod
    def of_account(
        cls, account: Account, *, method: str, route: str, client: str | None = None
    ) -> Actor:
        return cls(
            client=client,
            role=account.role,
            region_kato=account.region_kato,
            employer_bin=account.employer_bin,
            method=method,
            route=route[:200],
            account_id=account.id,
        )

    @classmethod
    def command(cls, name: str) -> Actor:
        """The operator at the command line: an administrator of this database."""
        return cls(role="admin", method="CLI", route=f"matcher {name}")

    @property
    def author(self) -> str:
        """How plan versions, referrals and jobs name who made them: ``officer:12`` (a token),
        ``officer:account:5`` (an account of the pages), ``cli``."""
        if self.account_id is not None:
            return f"{self.role}:account:{self.account_id}"
        return "cli" if self.token_id is None else f"{self.role}:{self.token_id}"

    @property
    def recipient(self) -> str | None:
        """Where this actor's notifications go (``service.notify``), if anywhere."""
        if self.account_id is not None:
            return f"account:{self.account_id}"
        return None if self.token_id is None else f"token:{self.token_id}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    def sees_region(self, kato: str) -> bool:
        return self.region_kato is None or kato[:2] == self.region_kato[:2]
