"""Database access: the async engine, sessions and migrations."""
