"""Publishing the notifications' Celery tasks: after commit, never failing the caller.

Every row a task works on is in the database first (unsealed acuse, pending aviso, remesa
addressee without notification), so a message the broker did not take is published again by
the periodic sweeps; a failed publish is logged, never raised into the citizen's request.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    from bilbao_sede.celery import publish

    try:
        publish(task, *args)
    except Exception:  # noqa: BLE001 - broker down, or a worker error in eager mode
        logger.warning(
            "publish of %s%s failed; the sweep will retry", task.name, args, exc_info=True
        )
