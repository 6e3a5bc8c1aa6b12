"""The sede's prefill sources (issue 16), behind ``procedimientos.formularios.prefill``'s one
interface (``Fuente``): registered when the app is ready (``sede.apps``).

- ``identificacion``: the identified person — or, when acting for someone else through a power,
  the interesado apoderamientos allowed (name, surnames, NIF, email, phone).
- ``representante``: the person acting, when they act for someone else (the representative's
  own identification); nothing when filing in one's own name or at an office (HAB).
- ``solicitudes-anteriores``: the last value of a data pointer in the interesado's earlier
  filings (address, IBAN, phone…), never another citizen's.
- ``padron`` and ``tributos``: municipal registers (padrón, tax system), each behind a back-end
  named by a setting; the default back-end reads a JSON file (the demo ships one).

The engine side (filling a draft, provenance, read-only values) is ``sede.filing.prefill``.
"""

from __future__ import annotations


def register_all() -> None:
    from procedimientos.formularios.prefill import register

    from .anteriores import SolicitudesAnteriores
    from .identificacion import Identificacion, Representante
    from .municipales import Padron, Tributos

    for fuente in (
        Identificacion(),
        Representante(),
        SolicitudesAnteriores(),
        Padron(),
        Tributos(),
    ):
        register(fuente)
