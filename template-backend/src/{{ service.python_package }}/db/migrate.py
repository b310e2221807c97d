"""Alembic, driven from code: `python -m <package> migrate` and AUTO_MIGRATE.

Concurrent runs migrate once: on PostgreSQL under an advisory lock (taken in the migration
environment), on SQLite under a lock on a file beside the database.
"""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

PACKAGE = __package__.rpartition(".")[0]
MIGRATIONS = files(PACKAGE).joinpath("migrations")
# The advisory lock's key: one per service, so services sharing a server do not wait on
# each other.
MIGRATION_LOCK_KEY = zlib.crc32(f"{PACKAGE}:migrate".encode())


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", "rev_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = database_url
    return config


@contextmanager
def _sqlite_file_lock(database_url: str) -> Iterator[None]:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    lock = Path(url.database).with_name(Path(url.database).name + ".migrate-lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking: call it from a thread when an event loop is running."""
    with _sqlite_file_lock(database_url):
        command.upgrade(alembic_config(database_url), revision)
