"""Demo data of the filing flow (idempotent): the sede's registry office and a half-filled
draft of the instancia general in Miren's Mi carpeta, to resume."""

from __future__ import annotations


def load_demo() -> None:
    from identidad.models import User
    from procedimientos.constants import EstadoFormulario
    from procedimientos.models import FormularioVersion

    from .models import Borrador
    from .services import borrador_start, oficina_sede

    oficina_sede()
    miren = User.objects.filter(nif="12345678Z").first()
    formulario = (
        FormularioVersion.objects.filter(
            procedimiento__code="instancia-general", status=EstadoFormulario.PUBLICADO
        )
        .select_related("procedimiento")
        .first()
    )
    if miren is None or formulario is None:
        return
    if Borrador.objects.filter(user=miren, procedimiento=formulario.procedimiento).exists():
        return
    borrador = borrador_start(
        user=miren, procedimiento=formulario.procedimiento, formulario=formulario
    )
    borrador.data["asunto"] = "Solicitud de poda de árboles en mi calle"
    borrador.current_step = "solicitud"
    borrador.save()
