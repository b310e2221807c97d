"""Sign-in settings of native mode: the dev provider's and every service's, alike."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from workspace import native, native_config
from workspace.manifest import Manifest, WorkspaceError
from workspace.sign_in import DEV_CLIENT_ID, SETTINGS, sign_in_env

PUBLIC = "http://localhost:8080"


def counter() -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"secret-{next(numbers)}"


def test_nothing_without_oidc() -> None:
    assert sign_in_env("none", {"OIDC_ISSUER": "https://id.example"}, PUBLIC, ["/"]) == {}


def test_development_defaults_name_the_dev_provider_and_every_frontend() -> None:
    env = sign_in_env("oidc", {}, PUBLIC, ["/", "/admin"], make_secret=counter())
    assert env == {
        "OIDC_DEV_PORT": "9400",
        "OIDC_ISSUER": "http://127.0.0.1:9400",
        "OIDC_AUDIENCE": f"{PUBLIC}/",
        "OIDC_CLIENT_ID": DEV_CLIENT_ID,
        "OIDC_CLIENT_SECRET": "secret-1",
        "AUTH_SECRET": "secret-2",
        "OIDC_REDIRECT_URIS": f"{PUBLIC}/auth/callback/oidc,{PUBLIC}/admin/auth/callback/oidc",
        "OIDC_POST_LOGOUT_REDIRECT_URIS": f"{PUBLIC}/,{PUBLIC}/admin/",
    }


def test_secrets_are_new_for_each_run_unless_given() -> None:
    first = sign_in_env("oidc", {}, PUBLIC, ["/"])
    second = sign_in_env("oidc", {}, PUBLIC, ["/"])
    assert first["AUTH_SECRET"] != second["AUTH_SECRET"]
    assert len(first["AUTH_SECRET"]) >= 32
    given = sign_in_env("oidc", {"AUTH_SECRET": " kept ", "OIDC_DEV_PORT": "9500"}, PUBLIC, ["/"])
    assert given["AUTH_SECRET"] == "kept"
    assert given["OIDC_ISSUER"] == "http://127.0.0.1:9500"


def test_a_hosted_provider_replaces_the_dev_one() -> None:
    hosted = {"OIDC_ISSUER": "https://id.example.com/", "OIDC_AUDIENCE": "api",
              "OIDC_ROLES_CLAIM": "https://example.com/roles"}  # fmt: skip
    env = sign_in_env("oidc", hosted, PUBLIC, ["/"])
    assert {key: env[key] for key in hosted} == hosted


def test_a_bad_provider_port_is_rejected() -> None:
    with pytest.raises(WorkspaceError, match="OIDC_DEV_PORT='x' is not a port"):
        sign_in_env("oidc", {"OIDC_DEV_PORT": "x"}, PUBLIC, ["/"])


def test_native_processes_get_the_settings_of_dotenv_and_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in (*SETTINGS, "OIDC_DEV_PORT"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / ".env").write_text("AUTH_SECRET=from-dotenv\nEDGE_PORT=9000\n")
    service = {"port": 3100, "repo": "", "ref": "main"}
    answers = {"auth": "oidc", "domain": "platform.test", "services": [
        {"name": "api", "kind": "backend", **service, "route": "/api"},
        {"name": "web", "kind": "frontend", **service, "route": "/"},
        {"name": "admin", "kind": "frontend", **service, "route": "/admin"},
    ]}  # fmt: skip
    manifest = Manifest(root=tmp_path, answers=answers)
    env = native.sign_in_settings(manifest, native_config.load_settings(tmp_path, environ={}))
    assert env["AUTH_SECRET"] == "from-dotenv"
    assert env["OIDC_REDIRECT_URIS"] == (
        "http://127.0.0.1:9000/auth/callback/oidc,http://127.0.0.1:9000/admin/auth/callback/oidc"
    )
    none = Manifest(root=tmp_path, answers={**answers, "auth": "none"})
    assert native.sign_in_settings(none, native_config.load_settings(tmp_path, environ={})) == {}
