"""``{% sir_intercambios asiento %}``: the exchanges of an entry on its page (staff in scope)."""

from django import template

from registro.sir import selectors

register = template.Library()


@register.inclusion_tag("registro/sir/_asiento_intercambios.html", takes_context=True)
def sir_intercambios(context, asiento):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(selectors.VIEW_PERMISSION):
        return {"show": False}
    in_scope = selectors.oficinas_scope(user).filter(pk=asiento.oficina_id).exists()
    rows = list(selectors.intercambios_of_asiento(user, asiento))
    for row in rows:
        row.awaiting = selectors.awaiting_answer(row)
    return {
        "show": in_scope or bool(rows),
        "asiento": asiento,
        "rows": rows,
        "can_send": in_scope
        and user.has_perm(selectors.SEND_PERMISSION)
        and asiento.seq is not None,
    }
