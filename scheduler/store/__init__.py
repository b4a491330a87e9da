"""The plan store: tables, alembic migrations, and versions, sessions and changes in
SQLite or PostgreSQL (``plan_store``)."""
