"""Alembic migrations of the store (``schedule db upgrade`` applies them)."""
