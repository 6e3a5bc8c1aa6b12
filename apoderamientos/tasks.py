from celery import shared_task

from .services import apoderamientos_sweep


@shared_task
def apoderamientos_sweep_task() -> dict[str, int]:
    """Periodic: mark powers not accepted in 20 working days (REA-6) or expired (REA-4).

    Idempotent (each power is claimed with a conditional update); ``can_act`` is right
    even before it runs, since it reads the instants, not the stored state.
    """
    return apoderamientos_sweep()
