"""Evidence the sede gives the catalogue (procedimientos.indicadores): the filing flow takes
every application made through a published form signed — with the citizen's identification
and the council's seal, or with the citizen's own certificate (sede/filing/signature.py)."""

from procedimientos.indicadores import register_evidence


def _signable() -> set[int]:
    from procedimientos.constants import EstadoFormulario
    from procedimientos.models import FormularioVersion

    return set(
        FormularioVersion.objects.filter(status=EstadoFormulario.PUBLICADO).values_list(
            "procedimiento_id", flat=True
        )
    )


register_evidence("firma", _signable)
