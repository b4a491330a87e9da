"""The store's tables (sqlmodel). Every change to them goes through a migration in
``scheduler/migrations/versions`` (``tests/test_store.py`` checks that the two agree).

- ``scenario``: one row per plan line (a scenario's plan name and year); ``head`` is
  its current version and ``revision`` counts writes, for optimistic concurrency.
- ``plan_version``: every plan ever written, with its parent, the scenario it was
  solved for (snapshot), solver facts and the whole plan.json.
- ``plan_session`` and ``attendance``: the version's sessions, queryable.
- ``change_event``: cancellations, absences, withdrawals and new orders; applied by
  the re-plan that names it in ``applied_in``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class ScenarioRow(SQLModel, table=True):
    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("name", "year", name="uq_scenario_name_year"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    year: int
    source: str = Field(default="", max_length=1000, description="the scenario file of the latest solve")
    head: int | None = Field(default=None, description="current plan version of this line")
    revision: int = Field(default=0, description="bumped by every write that moves head")
    created_at: dt.datetime


class PlanVersion(SQLModel, table=True):
    __tablename__ = "plan_version"

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="plan_version.id")
    kind: str = Field(max_length=20, description="solve or resolve")
    created_at: dt.datetime
    input_sha256: str = Field(max_length=64)
    snapshot: str = Field(sa_column=Column(Text, nullable=False), description="the scenario solved, as JSON")
    seed: int
    deterministic: bool
    engine: str = Field(max_length=40)
    ortools: str = Field(max_length=40)
    status: str = Field(max_length=20)
    objective: str = Field(max_length=400, description="JSON list, one value per level")
    bound: str = Field(max_length=400, description="JSON list")
    levels: str = Field(max_length=400, description="JSON list of level names")
    gap: float
    today: dt.date | None = None
    freeze_days: int | None = None
    sessions_count: int = 0
    unmet_count: int = 0
    plan_json: str = Field(sa_column=Column(Text, nullable=False), description="plan.json, byte for byte")


class SessionRow(SQLModel, table=True):
    __tablename__ = "plan_session"
    __table_args__ = (UniqueConstraint("version_id", "code", name="uq_session_version_code"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="plan_version.id", index=True)
    code: str = Field(max_length=40, description="e.g. S-2026-031")
    offering: str = Field(max_length=64)
    title: str = Field(max_length=400)
    type: str = Field(max_length=20)
    date: dt.date
    slots: str = Field(max_length=60, description="comma-separated")
    venue: str = Field(max_length=64)
    instructor: str | None = Field(default=None, max_length=64)
    host: str | None = Field(default=None, max_length=64)
    headcount: int
    sequence: int = 0


class AttendanceRow(SQLModel, table=True):
    __tablename__ = "attendance"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="plan_session.id", index=True)
    community: str = Field(max_length=64)
    attendees: int
    orders: str = Field(max_length=2000, description="comma-separated order ids")


class ChangeRow(SQLModel, table=True):
    __tablename__ = "change_event"

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True)
    recorded_on: int = Field(foreign_key="plan_version.id", description="the head version when it was recorded")
    kind: str = Field(max_length=20)
    payload: str = Field(sa_column=Column(Text, nullable=False), description="the Change, as JSON")
    created_at: dt.datetime
    applied_in: int | None = Field(default=None, foreign_key="plan_version.id")
