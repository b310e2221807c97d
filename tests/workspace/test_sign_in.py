"""Tier 4: a platform with `auth: oidc` under `make dev`: the dev OpenID provider, a backend
and a frontend behind Traefik; people sign in through a real browser at the one origin, see
only their tenant's items, get only their role's rights, and sign out."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from helpers import run
from platform_run import (
    DEV_TIMEOUT_MS,
    Platform,
    render_workspace,
    running,
    workspace_services,
)

pytestmark = [pytest.mark.workspace, pytest.mark.xdist_group("workspace")]

# Pages under `next dev` load their development chunks one by one: slower than a build.


@pytest.fixture(scope="module")
def platform(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    services = workspace_services(api=("backend", "/api"), web=("frontend", "/"))
    root = render_workspace(template, tmp_path_factory.mktemp("ws-sign-in") / "demo", services,
                            auth="oidc")  # fmt: skip
    # `next dev` compiles each page on its first request: ask for those the browser visits.
    with running(root, ["/api/readyz", "/", "/new"]) as started:
        yield started


@pytest.fixture(scope="module")
def item_of_acme(platform: Platform, browser: Browser) -> str:
    """An item alice (acme, writer) created through the browser; she sees it listed."""
    name = f"acme-lamp-{uuid.uuid4().hex[:8]}"
    with signed_in(browser, platform, "alice") as page:
        expect(page.get_by_label("Signed in as")).to_have_text(
            "Alice Writer · acme · writer, reader"
        )
        page.goto(f"{platform.edge}/new")
        page.get_by_label("Name").fill(name)
        with page.expect_response(lambda r: r.request.method == "POST") as answered:
            page.get_by_role("button", name="Create item").click()
        assert answered.value.status == 201, answered.value.text()
        assert "/bff/" in answered.value.url  # through the frontend, which adds her token
        expect(page.get_by_role("status")).to_contain_text(f"Created “{name}”")
        page.goto(f"{platform.edge}/")
        expect(page.get_by_role("region", name="Items").get_by_text(name)).to_be_visible()
    return name


@contextmanager
def signed_in(browser: Browser, platform: Platform, user: str) -> Iterator[Page]:
    """A fresh browser context signed in as `user` through the provider's login form."""
    context = browser.new_context()
    context.set_default_timeout(DEV_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{platform.edge}/")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Username").fill(user)
        page.get_by_label("Password").fill(user)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_label("Signed in as")).to_be_visible()
        assert page.url.startswith(platform.edge), page.url  # back at the edge
        yield page
    finally:
        context.close()


def access_token(platform: Platform, user: str) -> str:
    """What `make token USER=…` prints: the user's access token from the dev provider."""
    env = {"OIDC_DEV_PORT": str(platform.settings["OIDC_DEV_PORT"])}
    printed = run(["make", "--no-print-directory", "token", f"USER={user}"], cwd=platform.root,
                  env=env, timeout=120)  # fmt: skip
    return printed.stdout.strip().splitlines()[-1]


def test_a_writer_creates_an_item_and_sees_it(platform: Platform, item_of_acme: str) -> None:
    # Stored in her tenant: the backend lists it to her own token too.
    headers = {"Authorization": f"Bearer {access_token(platform, 'alice')}"}
    listed = httpx.get(f"{platform.edge}/api/items", headers=headers, timeout=30)
    assert listed.status_code == 200, listed.text
    assert [item["name"] for item in listed.json()["items"]] == [item_of_acme]


def test_a_user_of_another_tenant_does_not_see_it(
    platform: Platform, browser: Browser, item_of_acme: str
) -> None:
    with signed_in(browser, platform, "carol") as page:
        expect(page.get_by_label("Signed in as")).to_have_text(
            "Carol Writer · globex · writer, reader"
        )
        # Her tenant's list, which has none of acme's items.
        expect(page.get_by_text("No items yet.")).to_be_visible()
        expect(page.get_by_text(item_of_acme)).to_have_count(0)
        listed = page.request.get(f"{platform.edge}/bff/items")
        assert listed.status == 200, listed.text()
        assert item_of_acme not in listed.text()


def test_a_reader_has_no_form_and_a_forged_write_is_refused(
    platform: Platform, browser: Browser, item_of_acme: str
) -> None:
    with signed_in(browser, platform, "bob") as page:
        expect(page.get_by_label("Signed in as")).to_have_text("Bob Reader · acme · reader")
        expect(page.get_by_role("region", name="Items").get_by_text(item_of_acme)).to_be_visible()
        page.goto(f"{platform.edge}/new")
        expect(page.get_by_text("Your role can read items but not create them")).to_be_visible()
        expect(page.get_by_role("button", name="Create item")).to_have_count(0)
        # The page has no form, but the frontend's forwarder would carry his token anyway.
        forged = page.request.post(f"{platform.edge}/bff/items", data={"name": "forged"})
        assert forged.status == 403, forged.text()
        assert "'writer' role" in forged.text()  # refused by the backend for his role

    # Straight to the backend through the edge, with his own valid token.
    headers = {"Authorization": f"Bearer {access_token(platform, 'bob')}"}
    api = f"{platform.edge}/api/items"
    read = httpx.get(api, headers=headers, timeout=30)
    assert read.status_code == 200, read.text  # the token is good: reading is allowed
    assert item_of_acme in read.text
    written = httpx.post(api, json={"name": "forged"}, headers=headers, timeout=30)
    assert written.status_code == 403, written.text
    assert "'writer' role" in written.text
    anonymous = httpx.post(api, json={"name": "forged"}, timeout=30)
    assert anonymous.status_code == 401, anonymous.text
    assert "forged" not in httpx.get(api, headers=headers, timeout=30).text


def test_sign_out_ends_the_session(platform: Platform, browser: Browser) -> None:
    with signed_in(browser, platform, "alice") as page:
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        session = page.request.get(f"{platform.edge}/auth/session")
        assert session.status == 200 and session.json() is None, session.text()
        page.goto(f"{platform.edge}/new")
        expect(page.get_by_text("Sign in to create items.")).to_be_visible()
        after = page.request.post(f"{platform.edge}/bff/items", data={"name": "after-sign-out"})
        assert after.status == 401, after.text()
