"""Tier 1: the sign-in settings table, and the suite's guide that lists it for users."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from polystack import oidc

pytestmark = pytest.mark.unit


def documented() -> dict[str, tuple[str, str]]:
    """docs/sign-in.md's settings table: variable -> (read by, default)."""
    text = (ROOT / "docs" / "sign-in.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|", section, re.M)
    return {name: (kinds.strip(), default.strip()) for name, kinds, default in rows}


def test_guide_lists_every_setting_as_the_table_has_it() -> None:
    table = {s.name: (", ".join(s.kinds), f"`{s.default}`" if s.default else "(required")
             for s in oidc.SETTINGS}  # fmt: skip
    docs = documented()
    assert list(docs) == list(table)
    for name, (kinds, default) in table.items():
        assert docs[name][0] == kinds, name
        assert docs[name][1].startswith(default), name


def test_each_kind_requires_only_what_it_reads() -> None:
    for setting in oidc.SETTINGS:
        assert set(setting.required) <= set(setting.kinds), setting.name
        assert not (setting.secret and setting.default), setting.name
    assert [s.name for s in oidc.for_kind("backend") if s.secret] == []
