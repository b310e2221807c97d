"""The throwaway PostgreSQL the higher tiers rely on really serves."""

import shutil

import pytest

from helpers import run
from services import create_database

pytestmark = pytest.mark.unit


def test_postgres_serves_a_fresh_database(postgres: str) -> None:
    url = create_database(postgres, "probe")
    psql = shutil.which("psql")
    assert psql
    out = run([psql, url, "-tAc", "select 40 + 2"]).stdout.strip()
    assert out == "42"
