"""OUT/plan.json and the store's new version as one step, for ``solve`` and ``resolve``.

Before any solve the surroundings are checked (``open_surroundings``): the output
folder can take plan.json (it exists as a writable folder, or can be made), and the
store opens, is sound, of a schema this code knows, and writable. Otherwise the
command exits 2 naming the folder or the store, and nothing has changed.

After the solve, ``publish`` writes plan.json to a temporary file in OUT and renames
it into place just before the store's transaction commits; the old plan.json is kept
until the commit has succeeded. So the store is never ahead of the files: plan.json
that cannot be written rolls the transaction back (for ``resolve`` the pending changes
stay pending), and a commit that fails puts the old plan.json back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from scheduler.cli.common import fail, open_store, store_message
from scheduler.domain.i18n import say
from scheduler.models import Plan
from scheduler.plan.planfile import plan_json
from scheduler.plan.staging import OutputError, StagedPlan, check_out_dir
from scheduler.store.plan_store import PlanChanged, Store, StoreError


def open_surroundings(db: str | None, out_dir: Path, lang: str, create: bool = True) -> Store:
    """Before a solve: the output folder, then the store, opened for writing (``create``:
    a new SQLite store file may be made). Exit 2 naming what cannot be used."""
    try:
        check_out_dir(out_dir)
    except OutputError as err:
        fail(say(err.message, lang))
    return open_store(db, lang, writing=True, create=create)


def publish(plan: Plan, out_dir: Path, lang: str, record: Callable[[StagedPlan], int]) -> tuple[int, Path]:
    """Write OUT/plan.json and record ``plan`` as one step: ``record(staged)`` writes the
    version with the staged plan.json (``Store.record_solve`` or ``record_replan``).
    Returns the version and the path; on failure exits 2, both left as they were.
    ``PlanChanged`` is for the caller (exit 4), nothing written either."""
    staged = StagedPlan(plan_json(plan), out_dir)
    try:
        return record(staged), staged.target
    except PlanChanged:
        raise
    except OutputError as err:
        fail(say(err.message, lang))
    except StoreError as err:
        if err.not_undone is None:
            fail(store_message(err, lang))
        click.echo(f"error: {store_message(err, lang)}", err=True)
        fail(say(err.not_undone, lang))
