"""A real Celery worker (separate process, Redis broker) runs tasks against PostgreSQL."""

import pytest
from django.db import transaction

from identidad.constants import ResultadoAuditoria
from identidad.models import AuditEntry
from identidad.services import audit_record
from identidad.tasks import audit_verify_task

pytestmark = pytest.mark.integration


def test_the_worker_reviews_the_audit_trail_and_records_its_verdict(celery_worker, ciudadana):
    """ENS-2: the periodic review runs in the worker, not in the web process."""
    for i in range(3):
        audit_record(actor=ciudadana, action="expediente.read", object_id=str(i))
    transaction.on_commit(audit_verify_task.delay)  # autocommit: publishes at once

    verdict = celery_worker(lambda: AuditEntry.objects.filter(action="audit.verify").first())
    assert verdict.result == ResultadoAuditoria.OK
    assert verdict.actor is None
    # The review chained the three rows first; its own verdict is chained by the next run
    # of the sequencer.
    assert sorted(AuditEntry.objects.exclude(seq=None).values_list("seq", flat=True)) == [1, 2, 3]
    assert verdict.seq is None
