"""The worker's database connection between tasks (bilbao_sede/celery.py): kept while it is
healthy and younger than CONN_MAX_AGE, as the web keeps its own between requests; dropped
when obsolete or unusable; never touched around an eager task (it runs inside the caller's
request or transaction)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.db import connection

from bilbao_sede.celery import app, close_old_connections

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit on, as in a worker


def _task(*, eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


@pytest.fixture
def closed(monkeypatch) -> list[bool]:
    """Records each close of the connection (SQLite's in-memory test database ignores it)."""
    calls: list[bool] = []
    close = connection.close

    def spy():
        calls.append(True)
        close()

    monkeypatch.setattr(connection, "close", spy)
    return calls


def _connected(*, close_at: float | None) -> None:
    connection.ensure_connection()
    connection.close_at = close_at


def test_celery_does_not_close_the_connection_around_every_task():
    # Celery's Django fixup closes the connection before and after each task unless this is
    # set; then only close_old_connections below decides.
    assert app.conf.get("CELERY_DB_REUSE_MAX", 0) > 0


def test_a_healthy_connection_is_kept_from_one_task_to_the_next(closed):
    _connected(close_at=time.monotonic() + 60)
    close_old_connections(sender=_task(eager=False))
    assert closed == []
    assert connection.connection is not None


def test_a_connection_older_than_conn_max_age_is_closed(closed):
    _connected(close_at=time.monotonic() - 1)
    close_old_connections(sender=_task(eager=False))
    assert closed == [True]


def test_a_connection_left_inside_a_transaction_is_closed(closed):
    _connected(close_at=time.monotonic() + 60)
    connection.set_autocommit(False)  # a task that did not restore autocommit
    try:
        close_old_connections(sender=_task(eager=False))
    finally:
        if connection.connection is not None:
            connection.set_autocommit(True)
    assert closed == [True]


def test_an_eager_task_leaves_the_callers_connection_alone(closed):
    _connected(close_at=time.monotonic() - 1)
    close_old_connections(sender=_task(eager=True))
    assert closed == []
