"""The identification as a prefill source: who files (``identificacion``) and, when acting for
someone else, who acts for them (``representante``).

Acting through a power, ``identificacion`` gives the interesado's data — the person
apoderamientos allowed the user to act for (``borrador.on_behalf_of``) — never the agent's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

KEYS: dict[str, tuple[str, str]] = {
    "tipo_persona": ("Tipo de persona", "Pertsona mota"),
    "nif": ("DNI, NIE o NIF", "NAN, AIZ edo IFZ"),
    "nombre": ("Nombre", "Izena"),
    "apellido1": ("Primer apellido", "Lehen abizena"),
    "apellido2": ("Segundo apellido", "Bigarren abizena"),
    "razon_social": ("Razón social", "Sozietatearen izena"),
    "nombre_completo": ("Nombre completo o razón social", "Izen osoa edo sozietatearen izena"),
    "email": ("Correo electrónico", "Posta elektronikoa"),
    "telefono": ("Teléfono", "Telefonoa"),
}


def identity_values(interesado: Any, user: Any) -> dict[str, Any]:
    """The identification of ``interesado`` (an ``identidad.Interesado``) or, when the person
    has no interesado row yet, of the identified ``user`` (from the identity provider)."""
    if interesado is None:
        if user is None:
            return {}
        surnames = (user.last_name or "").split(" ", 1)
        data = {
            "tipo_persona": "fisica",
            "nif": user.nif or "",
            "nombre": user.first_name,
            "apellido1": surnames[0],
            "apellido2": user.second_last_name or (surnames[1] if len(surnames) > 1 else ""),
            "email": user.email,
        }
    else:
        data = {
            "tipo_persona": interesado.tipo,
            "nif": interesado.nif,
            "email": interesado.email,
            "telefono": interesado.telefono,
        }
        if interesado.tipo == "juridica":
            data["razon_social"] = interesado.razon_social
        else:
            data.update(
                nombre=interesado.nombre,
                apellido1=interesado.apellido1,
                apellido2=interesado.apellido2,
            )
        # One's own filing: the address the identity provider gave at this login first.
        if user is not None and user.email:
            data["email"] = user.email
    data["nombre_completo"] = data.get("razon_social") or " ".join(
        p for p in (data.get("nombre"), data.get("apellido1"), data.get("apellido2")) if p
    )
    return {k: v for k, v in data.items() if v}


def _own(user: Any) -> Any:
    from apoderamientos.decision import person_interesado

    return person_interesado(user)


class Identificacion:
    """The person the application is for: oneself, or the interesado one acts for."""

    id = "identificacion"
    label_es = "Identificación de la persona interesada"
    label_eu = "Interesdunaren identifikazioa"

    def keys(self) -> Mapping[str, tuple[str, str]]:
        return KEYS

    def values(self, *, person: Any, interesado: Any, procedimiento: Any) -> Mapping[str, Any]:
        if interesado is None:
            return identity_values(_own(person), person)
        is_own = person is not None and (
            interesado.user_id == person.pk or (person.nif and person.nif == interesado.nif)
        )
        own_user = person if is_own else None
        return identity_values(interesado, own_user)

    def provenance(self, reference: str) -> str:
        return _("Dato de su identificación")


class Representante:
    """The person acting for someone else through a power: their own identification. Nothing
    when filing in one's own name, or when an official files at an office (``person`` None)."""

    id = "representante"
    label_es = "Identificación de quien representa"
    label_eu = "Ordezkariaren identifikazioa"

    def keys(self) -> Mapping[str, tuple[str, str]]:
        return KEYS

    def values(self, *, person: Any, interesado: Any, procedimiento: Any) -> Mapping[str, Any]:
        if person is None or interesado is None:
            return {}
        own = _own(person)
        if own is not None and own.pk == interesado.pk:
            return {}
        return identity_values(own, person)

    def provenance(self, reference: str) -> str:
        return _("Dato de su identificación como representante")
