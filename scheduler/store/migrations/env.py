"""Alembic environment: run with the connection ``scheduler.store.plan_store`` hands over
(``config.attributes["connection"]``), or with ``sqlalchemy.url`` from the config."""

from alembic import context
from sqlalchemy import create_engine

from scheduler.store.tables import SQLModel

config = context.config
target = SQLModel.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _migrate(conn)


def _migrate(connection) -> None:
    # batch mode lets SQLite alter tables (it rebuilds them); other databases alter in place
    context.configure(connection=connection, target_metadata=target, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
