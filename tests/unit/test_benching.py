"""The benchmarks' choice of the last release: the newest of releases.yml in PEP 440 order."""

from __future__ import annotations

import sys

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from benching import last_release

pytestmark = pytest.mark.unit


def test_the_newest_version_wins_whatever_the_order_of_the_file() -> None:
    text = """
- version: "0.9.0"
  commit: aaaa
- version: "0.10.0"
  commit: bbbb
- version: "0.2.0"
  commit: cccc
- version: "1.0.0rc1"
  commit: dddd
"""
    # 0.10.0 sorts after 0.9.0 as a version, not as text; pre-releases are left out, as Copier does.
    assert last_release(text) == ("0.10.0", "bbbb")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "records no release"),
        ('- version: "1.0.0rc1"\n  commit: dddd\n', "records no release"),
        ('- version: "0.2.0"\n', "an entry has no 'commit'"),
        ("version: 0.2.0\n", "is not a list of {version, commit}"),
    ],
)
def test_a_file_without_a_release_stops_with_a_reason(text: str, says: str) -> None:
    with pytest.raises(SystemExit, match=r"releases\.yml") as stopped:
        last_release(text)
    assert says in str(stopped.value)
