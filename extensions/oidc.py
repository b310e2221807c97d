"""Sign-in settings of the platform when `auth` is `oidc`: one table, so that every backend
and frontend names, defaults and documents each setting alike.

Every setting is read from the environment; none is an answer, so the same repos work with
any OpenID Connect provider by configuration alone. Secrets are only ever environment
values: templates render them into `.env.example` as placeholders, never real values.
"""

from __future__ import annotations

from dataclasses import dataclass

# The roles the platform knows: a reader reads its tenant's data, a writer also changes it.
READER, WRITER = "reader", "writer"
ROLES = (READER, WRITER)


@dataclass(frozen=True)
class Setting:
    """One environment variable of the sign-in configuration."""

    name: str
    meaning: str
    default: str  # '' when the deployment must give it
    example: str  # what `.env.example` shows
    kinds: tuple[str, ...]  # the service kinds that read it
    required: tuple[str, ...] = ()  # the kinds that refuse to start without it
    secret: bool = False

    def used_by(self, kind: str) -> bool:
        return kind in self.kinds

    def required_by(self, kind: str) -> bool:
        return kind in self.required


BOTH = ("backend", "frontend")
SETTINGS = (
    Setting("OIDC_ISSUER", "the provider's issuer URL; its keys are found through "
            "/.well-known/openid-configuration", "", "https://id.example.com/", BOTH, BOTH),
    Setting("OIDC_AUDIENCE", "the audience (`aud`) of the access tokens the backends accept",
            "", "api", BOTH, BOTH),
    Setting("OIDC_CLIENT_ID", "the platform's client id at the provider", "", "web",
            ("frontend",), ("frontend",)),
    Setting("OIDC_ROLES_CLAIM", f"the token claim listing the user's roles ({READER}, "
            f"{WRITER})", "roles", "roles", BOTH),
    Setting("OIDC_TENANT_CLAIM", "the token claim naming the user's tenant", "tenant", "tenant",
            BOTH),
    Setting("OIDC_CLIENT_SECRET", "the client's secret at the provider", "", "change-me",
            ("frontend",), ("frontend",), secret=True),
    Setting("AUTH_SECRET", "the key that encrypts the session cookie (32 random bytes, "
            "e.g. `openssl rand -base64 32`)", "", "change-me", ("frontend",), ("frontend",),
            secret=True),
)  # fmt: skip


def for_kind(kind: str) -> tuple[Setting, ...]:
    """The settings a service of this kind reads, in table order."""
    return tuple(setting for setting in SETTINGS if setting.used_by(kind))


def setting(name: str) -> Setting:
    return next(s for s in SETTINGS if s.name == name)
