from celery import shared_task

from .constants import ResultadoAuditoria
from .selectors import audit_chain_first_break
from .services import audit_chain_pending, audit_record


@shared_task(ignore_result=True)
def audit_chain_task() -> int:
    """The audit trail's sequencer (periodic, a few seconds apart): chain pending rows."""
    return audit_chain_pending()


@shared_task
def audit_verify_task() -> bool:
    """Periodic review of the audit trail (ENS-2): records the verdict in the trail itself."""
    audit_chain_pending()
    broken = audit_chain_first_break()
    audit_record(
        actor=None,
        action="audit.verify",
        result=ResultadoAuditoria.OK if broken is None else ResultadoAuditoria.ERROR,
        detail={} if broken is None else {"seq": broken[0], "reason": broken[1]},
    )
    return broken is None
