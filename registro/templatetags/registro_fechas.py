"""``|fecha_hora`` and ``|fecha_hora_minutos``: an entry's instants in the registry book.

The same text as ``|date:"d/m/Y H:i:s"`` (and ``"d/m/Y H:i"``) in the current time zone, for
a fraction of the cost: the book shows two instants on each of its 50 rows, and Django's
``|date`` (a ``DateFormat`` per value, with its ambiguity checks) was a quarter of the page's
rendering. Numeric fields only, so the text does not depend on the language. The registry
book's view calls them in Python (``registro.views._book_rows``).
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


def _local(value):
    if not isinstance(value, datetime):
        return None
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def fecha_hora(value) -> str:
    """``05/12/2026 09:30:15`` (as ``|date:"d/m/Y H:i:s"``)."""
    local = _local(value)
    return "" if local is None else local.strftime("%d/%m/%Y %H:%M:%S")


@register.filter
def fecha_hora_minutos(value) -> str:
    """``05/12/2026 09:30`` (as ``|date:"d/m/Y H:i"``)."""
    local = _local(value)
    return "" if local is None else local.strftime("%d/%m/%Y %H:%M")
