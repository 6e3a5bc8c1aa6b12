"""``{% aviso_migracion borrador as items %}``: the notice of a draft moved to a new version."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def aviso_migracion(borrador) -> list[dict]:
    from sede.formularios_publicacion import aviso_migracion as items

    if borrador is None or not getattr(borrador, "migracion", None):
        return []
    return items(borrador, (get_language() or "es")[:2])
