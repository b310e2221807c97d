"""Alembic, driven from code: `python -m <package> migrate` and AUTO_MIGRATE."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config

MIGRATIONS = files(__package__.rpartition(".")[0]).joinpath("migrations")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "rev_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking: call it from a thread when an event loop is running."""
    command.upgrade(alembic_config(database_url), revision)
