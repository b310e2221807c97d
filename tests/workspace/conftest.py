"""Fixtures of the workspace tier: a browser for each module's platform."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from helpers import CHROMIUM_ARGS
from platform_run import DEV_TIMEOUT_MS


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    expect.set_options(timeout=DEV_TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                              args=CHROMIUM_ARGS)  # fmt: skip
        yield launched
        launched.close()
