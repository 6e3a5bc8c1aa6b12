"""The read-replica routing rules (bilbao_sede/db_router.py) without a replica: which
reads may go to it, that writes never do, and that a browser that has written is pinned to
the primary. tests/integration/test_read_replica.py checks the same with a real standby."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from bilbao_sede import db_router
from bilbao_sede.db_router import PIN_COOKIE, ReplicaReadsMiddleware, ReplicaRouter, replica_reads
from identidad.models import User
from procedimientos.models import Procedimiento
from registro.models import Asiento


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


def test_only_lag_tolerant_rows_are_read_from_the_replica(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Procedimiento) is None  # outside a replica-reading page
    with replica_reads():
        assert router.db_for_read(Procedimiento) == "replica"
        assert router.db_for_read(Asiento) == "replica"
        assert router.db_for_read(User) is None  # users and sessions: the primary


def test_writes_go_to_the_primary_and_so_do_the_reads_after_them(with_replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(Procedimiento) == "default"
        assert router.db_for_read(Procedimiento) is None
    assert router.allow_migrate("replica", "registro") is False


def test_without_a_replica_nothing_changes():
    with replica_reads():
        assert ReplicaRouter().db_for_read(Procedimiento) is None


def _seen(path, *, method="get", cookies=None):
    seen = {}

    def view(request):
        seen["replica"] = db_router._replica_reads.get()
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies or {})
    response = ReplicaReadsMiddleware(view)(request)
    return seen["replica"], response


@pytest.mark.parametrize(
    "path", ["/catalogo/", "/eu/catalogo/licencia/", "/verificar/ABC/", "/registro/libro/"]
)
def test_the_catalogue_verification_and_the_book_read_from_the_replica(with_replica, path):
    assert _seen(path)[0] is True


@pytest.mark.parametrize("path", ["/mi-carpeta/", "/registro/asientos/1/", "/admin/", "/"])
def test_every_other_page_reads_the_primary(with_replica, path):
    assert _seen(path)[0] is False


def test_a_browser_that_writes_is_pinned_to_the_primary(with_replica, settings):
    replica, response = _seen("/catalogo/", method="post")
    assert replica is False
    assert response.cookies[PIN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
    assert _seen("/catalogo/", cookies={PIN_COOKIE: "1"})[0] is False
