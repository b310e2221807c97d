"""Sign-in in native mode when the platform's `auth` is `oidc`: the settings every service and
the dev OpenID provider read, from .env or the environment, else development defaults.

The dev provider (a frontend's oidc/dev-provider.mjs) runs on loopback with seeded users; its
client secret and the frontends' session key are made anew for each run unless .env gives
them, so no secret is ever written into a committed file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping

from workspace.manifest import WorkspaceError

DEV_PROVIDER_PORT = 9400
DEV_CLIENT_ID = "platform-dev"
# Read from .env or the environment when set there.
SETTINGS = ("OIDC_ISSUER", "OIDC_AUDIENCE", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET",
            "OIDC_ROLES_CLAIM", "OIDC_TENANT_CLAIM", "AUTH_SECRET")  # fmt: skip


def sign_in_env(
    auth: str,
    values: Mapping[str, str],
    public_url: str,
    frontend_routes: Iterable[str],
    make_secret: Callable[[], str] = lambda: secrets.token_urlsafe(32),
) -> dict[str, str]:
    """The variables every native process receives ({} unless `auth` is `oidc`)."""
    if auth != "oidc":
        return {}
    given = {key: values[key].strip() for key in (*SETTINGS, "OIDC_DEV_PORT")
             if values.get(key, "").strip()}  # fmt: skip
    port = given.get("OIDC_DEV_PORT", str(DEV_PROVIDER_PORT))
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise WorkspaceError(f"OIDC_DEV_PORT={port!r} is not a port number (1-65535)")
    # Where Auth.js in each frontend (under its route) receives the provider's answer.
    bases = [f"{public_url}{'' if route == '/' else route}" for route in frontend_routes]
    return {
        "OIDC_DEV_PORT": port,
        "OIDC_ISSUER": f"http://127.0.0.1:{port}",
        # The API's audience: an absolute URI, as resource indicators (RFC 8707) need.
        "OIDC_AUDIENCE": f"{public_url}/",
        "OIDC_CLIENT_ID": DEV_CLIENT_ID,
        "OIDC_CLIENT_SECRET": make_secret(),
        "AUTH_SECRET": make_secret(),
        "OIDC_REDIRECT_URIS": ",".join(f"{base}/auth/callback/oidc" for base in bases),
        "OIDC_POST_LOGOUT_REDIRECT_URIS": ",".join(f"{base}/" for base in bases),
        **given,
    }
