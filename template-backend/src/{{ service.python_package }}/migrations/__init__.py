"""Alembic migration scripts (the package makes them ship inside the wheel)."""
