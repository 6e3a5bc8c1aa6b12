"""Realistic bulk data for benchmarks and query-plan tests, one loader per app's big tables.

Built on :func:`bench.harness.generate` (``INSERT … SELECT`` over a series), so the same
loader fills 10⁶ rows for ``bench/bench_paginas.py`` and a few thousand for the tests of
``tests/support/query_plans.py``. Loaders can be called again to grow the tables: citizens
and filings are numbered, and each call continues after the last one.

The shape (issue 10): citizens, each with ``per_citizen`` filings through the sede — a
``Borrador`` (submitted), a registry ``Asiento`` with its party (``AsientoInteresado``) and
the ``Presentacion`` that links them — spread over ten years, with summaries drawn from the
catalogue's usual requests; one in ``POWER_EVERY`` citizens has granted a general power to
the next one. Case files and notifications add their own loaders here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.harness import generate, is_postgresql, sql

NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# The citizen numbered n has DNI 10000000 + n (a real check letter), user "bench-<n>".
NIF_BASE = 10_000_000
POWER_EVERY = 50

SUMMARIES = [
    "Solicitud de licencia de obra menor",
    "Instancia general: certificado de empadronamiento",
    "Reclamación sobre el impuesto de vehículos",
    "Solicitud de ayuda de emergencia social",
    "Tarjeta OTA de residentes",
    "Queja por ruido nocturno",
    "Diru-laguntza eskaera: Bilbao Gazte Partekatzen",
    "Declaración responsable de obras",
    "Reserva de vado permanente",
    "Solicitud de poda de arbolado",
    "Alegación a sanción de tráfico",
]
DISTRICTS = [
    "Deusto",
    "Uribarri",
    "Otxarkoaga",
    "Begoña",
    "Ibaiondo",
    "Abando",
    "Errekalde",
    "Basurto",
    "Zorroza",
    "Rekalde",
    "Indautxu",
    "Santutxu",
    "Txurdinaga",
]


def nif_sql(n: str) -> str:
    """SQL of citizen ``n``'s NIF (8 digits and the check letter) for an SQL integer ``n``."""
    number = f"({NIF_BASE} + ({n}))"
    return f"(CAST({number} AS TEXT) || substr('{NIF_LETTERS}', ({number} % 23) + 1, 1))"


def nif_of(n: int) -> str:
    number = NIF_BASE + n
    return f"{number}{NIF_LETTERS[number % 23]}"


def summary_sql(g: str) -> str:
    """A summary, a district and a number: 11 × 13 combinations, so a word of the summary
    matches a tenth of the rows, a summary and a district about one in 143."""
    cases = " ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(SUMMARIES))
    places = " ".join(f"WHEN {i} THEN '{d}'" for i, d in enumerate(DISTRICTS))
    return (
        f"(CASE (({g}) % {len(SUMMARIES)}) {cases} END || ' en ' || "
        f"CASE (({g}) % {len(DISTRICTS)}) {places} END || ' (' || ({g}) || ')')"
    )


def _max_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _count(table: str, where: str = "") -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} {where}")  # noqa: S608
        return cursor.fetchone()[0]


@dataclass
class SedeDataset:
    """Ids of the fixed rows the loaders link to (created once by :func:`sede_base`)."""

    oficina_id: int
    unidad_id: int
    council_id: int
    procedimiento_id: int
    formulario_id: int
    staff_id: int


def sede_base() -> SedeDataset:
    """The starter catalogue's instancia general, the sede's registry office, a unit and a
    member of staff (idempotent)."""
    from identidad.constants import TipoUnidad
    from identidad.models import Unidad, User
    from procedimientos.catalogo_io import catalogo_import, load_file
    from procedimientos.demo import STARTER_CATALOGUE
    from procedimientos.models import Procedimiento
    from sede.filing.adapters import oficina_sede

    if not Procedimiento.objects.filter(code="instancia-general").exists():
        catalogo_import(data=load_file(STARTER_CATALOGUE))
    procedimiento = Procedimiento.objects.get(code="instancia-general")
    formulario = procedimiento.formularios.get(status="publicado")
    oficina = oficina_sede()
    unidad, _created = Unidad.objects.get_or_create(
        dir3="LA0001234", defaults={"name_es": "Urbanismo", "kind": TipoUnidad.AREA}
    )
    staff, _created = User.objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    return SedeDataset(
        oficina_id=oficina.pk,
        unidad_id=unidad.pk,
        council_id=oficina.unidad_id,
        procedimiento_id=procedimiento.pk,
        formulario_id=formulario.pk,
        staff_id=staff.pk,
    )


def citizens_loaded() -> int:
    return _count("identidad_user", "WHERE username LIKE 'bench-c%%'".replace("%%", "%"))


def load_citizens(count: int) -> int:
    """Add ``count`` citizens (users ``bench-c<n>`` with NIF, and their interesados)."""
    from identidad.models import Interesado, User

    start = citizens_loaded() + 1
    generate(
        User,
        count,
        start=start,
        username="'bench-c' || g",
        password="'!'",
        first_name="'Miren'",
        last_name="'Etxeberria ' || g",
        nif=nif_sql("g"),
    )
    first_user = _max_id("identidad_user") - count
    generate(
        Interesado,
        source=f"identidad_user u WHERE u.id > {first_user} AND u.username LIKE 'bench-c%'",
        tipo="'fisica'",
        nif="u.nif",
        nombre="u.first_name",
        apellido1="u.last_name",
        user_id="u.id",
    )
    return count


def filings_loaded() -> int:
    return _count("sede_presentacion")


def load_filings(base: SedeDataset, *, citizens: int, per_citizen: int = 10) -> int:
    """Add ``per_citizen`` filings for each of the next ``citizens`` citizens (loaded here
    too), numbered after those loaded before; one every 5 minutes from 2017 on (10⁶ filings
    span ten years)."""
    from registro.models import Asiento, AsientoInteresado
    from sede.models import Borrador, Presentacion

    first_citizen = citizens_loaded() + 1
    load_citizens(citizens)
    start = filings_loaded() + 1
    count = citizens * per_citizen
    at = "(timestamptz '2017-01-02 08:00+01' + g * interval '5 minutes')"
    if not is_postgresql():
        at = "datetime('2017-01-02 07:00', '+' || (g * 300) || ' seconds')"
    year = "CAST(extract(year FROM {at}) AS int)" if is_postgresql() else "2017"
    max_asiento = _max_id("registro_asiento")
    generate(
        Asiento,
        count,
        start=start,
        year=year.format(at=at),
        direction="'E'",
        seq="g",
        presented_at=at,
        effective_at=at,
        oficina_id=str(base.oficina_id),
        canal="'sede'",
        unidad_destino_id=f"CASE WHEN g % 3 = 0 THEN {base.unidad_id} ELSE {base.council_id} END",
        unidad_id=f"CASE WHEN g % 3 = 0 THEN {base.unidad_id} ELSE {base.council_id} END",
        resumen=summary_sql("g"),
        procedimiento_id=str(base.procedimiento_id),
        formulario_id=str(base.formulario_id),
        estado="CASE WHEN g % 1000 = 0 THEN 'pendiente' ELSE 'sellado' END",
        idempotency_key="'bench-f' || g",
        hash="'bench'",
        prev_hash="'bench'",
    )
    generate(
        AsientoInteresado,
        source=(
            f"registro_asiento a JOIN identidad_interesado i ON i.nif = "
            f"{nif_sql(f'{first_citizen} + (a.seq - {start}) / {per_citizen}')} "
            f"WHERE a.id > {max_asiento}"
        ),
        asiento_id="a.id",
        interesado_id="i.id",
        rol="'interesado'",
        orden="0",
        nif="i.nif",
        nombre="i.nombre || ' ' || i.apellido1",
    )
    max_borrador = _max_id("sede_borrador")
    generate(
        Borrador,
        source=(
            f"registro_asiento a JOIN identidad_user u ON u.username = 'bench-c' || "
            f"({first_citizen} + (a.seq - {start}) / {per_citizen}) WHERE a.id > {max_asiento}"
        ),
        user_id="u.id",
        procedimiento_id=str(base.procedimiento_id),
        formulario_id=str(base.formulario_id),
        estado="'presentado'",
        idempotency_key="a.idempotency_key",
        expires_at="a.presented_at",
        data="'{}'" + ("::jsonb" if is_postgresql() else ""),
    )
    generate(
        Presentacion,
        source=(
            "sede_borrador b JOIN registro_asiento a ON a.idempotency_key = b.idempotency_key "
            "JOIN identidad_interesado i ON i.user_id = b.user_id "
            f"WHERE b.id > {max_borrador}"
        ),
        borrador_id="b.id",
        user_id="b.user_id",
        interesado_id="i.id",
        procedimiento_id="b.procedimiento_id",
        asiento_id="a.id",
        submitted_at="a.presented_at",
    )
    load_powers(first=first_citizen, citizens=citizens)
    return count


def load_powers(*, first: int, citizens: int) -> int:
    """One general power in force per ``POWER_EVERY`` citizens: citizen n grants it to n+1."""
    from apoderamientos.models import Apoderamiento

    max_power = _max_id("apoderamientos_apoderamiento")
    grantors = f"generate_series({first}, {first + citizens - 2}, {POWER_EVERY}) AS g"
    if not is_postgresql():
        grantors = (
            f"(WITH RECURSIVE s(g) AS (SELECT {first} UNION ALL SELECT g + {POWER_EVERY} "
            f"FROM s WHERE g + {POWER_EVERY} <= {first + citizens - 2}) SELECT g FROM s) AS s"
        )
    now = "now()" if is_postgresql() else "CURRENT_TIMESTAMP"
    later = "now() + interval '4 years'" if is_postgresql() else "datetime('now', '+4 years')"
    generate(
        Apoderamiento,
        source=(f"{grantors} JOIN identidad_interesado i ON i.nif = {nif_sql('g + 1')}"),
        numero="'B' || g",
        registered_at=now,
        tipo="'general'",
        apoderado_id="i.id",
        granted_on="CURRENT_DATE",
        valid_until=later,
        canal="'sede'",
        estado="'activo'",
        acceptance_deadline=later,
        accepted_at=now,
    )
    through = Apoderamiento.poderdantes.through
    return sql(
        f"INSERT INTO {through._meta.db_table} (apoderamiento_id, interesado_id) "  # noqa: S608
        f"SELECT p.id, i.id FROM apoderamientos_apoderamiento p JOIN identidad_interesado i "
        f"ON i.nif = {nif_sql('CAST(substr(p.numero, 2) AS int)')} WHERE p.id > {max_power}"
    )


# --- Case files (expedientes) ----------------------------------------------------------------

EXP_UNITS = 100  # 10 areas, each with 9 services below it
EXP_CITIZENS = 300_000


def expedientes_base() -> dict:
    """The units of the case-file dataset (idempotent): ``LB00000<k>`` for k = 0..99, areas
    every tenth with the next nine as its services; their ids in order."""
    from identidad.constants import TipoUnidad
    from identidad.models import Unidad

    council, _created = Unidad.objects.get_or_create(
        dir3="L01480209", defaults={"name_es": "Ayuntamiento de Bilbao", "kind": "entidad"}
    )
    ids = []
    for k in range(EXP_UNITS):
        area = k % 10 == 0
        unit, _created = Unidad.objects.get_or_create(
            dir3=f"LB{k:07d}",
            defaults={
                "name_es": f"{'Área' if area else 'Servicio'} {k}",
                "kind": TipoUnidad.AREA if area else TipoUnidad.SERVICIO,
                "parent_id": council.pk if area else ids[k - k % 10],
            },
        )
        ids.append(unit.pk)
    return {"units": ids, "council": council.pk}


def expedientes_loaded() -> int:
    return _count("expedientes_expediente", "WHERE identificador LIKE 'ES_LB%%'".replace("%%", "%"))


def _unit_of(g: str, units: list[int]) -> str:
    cases = " ".join(f"WHEN {k} THEN {pk}" for k, pk in enumerate(units))
    return f"(CASE (({g}) % {len(units)}) {cases} END)"


def load_expedientes(base: dict, count: int, *, citizens: int = EXP_CITIZENS) -> int:
    """Add ``count`` case files (numbered after those loaded before) spread over the units and
    over ``citizens`` citizens (loaded here when missing): each with its party, one document
    (ENI metadata + version + membership) and one timeline event. Nine in ten are open, with
    a resolution deadline spread over the year around 2026-06 (some overdue)."""
    from expedientes.models import (
        DocumentoENI,
        DocumentoVersionENI,
        Evento,
        Expediente,
        ExpedienteDocumento,
        ExpedienteParte,
    )
    from expedientes.services import flujo_for
    from procedimientos.models import Procedimiento

    if citizens_loaded() < citizens:
        load_citizens(citizens - citizens_loaded())
    pg = is_postgresql()
    procedimiento = Procedimiento.objects.order_by("pk").first()
    flujo = flujo_for(procedimiento)
    start = expedientes_loaded() + 1
    dir3 = f"('LB' || lpad(CAST((g % {EXP_UNITS}) AS TEXT), 7, '0'))"
    if pg:
        opened = "(timestamptz '2025-06-01 09:00+02' + (g % 525600) * interval '1 minute')"
        due = f"({opened} + interval '3 months')"
    else:
        opened = "datetime('2025-06-01 07:00', '+' || (g % 525600) || ' minutes')"
        due = "datetime('2025-09-01 07:00', '+' || (g % 525600) || ' minutes')"
    citizen = f"(1 + (g % {citizens}))"
    closed = "(g % 10 = 0)"
    before = _max_id("expedientes_expediente")
    generate(
        Expediente,
        count,
        start=start,
        identificador=f"('ES_' || {dir3} || '_2025_EXP_' || lpad(CAST(g AS TEXT), 30, '0'))",
        year="2025",
        procedimiento_id=str(procedimiento.pk),
        unidad_id=_unit_of("g", base["units"]),
        flujo_id=str(flujo.pk),
        asunto=summary_sql("g"),
        opened_at=opened,
        estado=f"CASE WHEN {closed} THEN 'E02' ELSE 'E01' END",
        fase="CASE (g % 4) WHEN 0 THEN 'iniciacion' WHEN 1 THEN 'instruccion' "
        "WHEN 2 THEN 'resolucion' ELSE 'notificacion' END",
        representacion="'{}'",
        plazo_inicio=opened,
        plazo_valor="3",
        plazo_unidad="'meses'",
        efecto_silencio="'estimatorio'",
        vence_at=due,
        proximo_vencimiento=f"CASE WHEN {closed} THEN NULL ELSE {due} END",
        search_text=(
            f"lower('es_' || {dir3} || '_2025_exp_' || lpad(CAST(g AS TEXT), 30, '0') || ' ' || "
            f"{summary_sql('g')} || ' ' || {nif_sql(citizen)} || ' miren etxeberria ' || "
            f"{citizen})"
        ),
    )
    g_of = "CAST(substr(e.identificador, length(e.identificador) - 29) AS INTEGER)"
    new = f"expedientes_expediente e WHERE e.id > {before}"
    generate(
        ExpedienteParte,
        source=(
            f"expedientes_expediente e JOIN identidad_interesado i ON i.nif = "
            f"{nif_sql(f'1 + ({g_of} % {citizens})')} WHERE e.id > {before}"
        ),
        expediente_id="e.id",
        interesado_id="i.id",
        rol="'interesado'",
        nif="i.nif",
        nombre="i.nombre || ' ' || i.apellido1",
        orden="0",
    )
    doc_before = _max_id("expedientes_documentoeni")
    generate(
        DocumentoENI,
        source=new,
        identificador="'ES_' || substr(e.identificador, 4, 9) || '_2025_' || "
        "substr(e.identificador, length(e.identificador) - 29)",
        organo="substr(e.identificador, 4, 9)",
        fecha_captura="e.opened_at",
        origen="'0'",
        estado_elaboracion="'EE01'",
        tipo_documental="'TD14'",
        nombre="'solicitud.pdf'",
        correcciones="'[]'",
    )
    generate(
        DocumentoVersionENI,
        source=f"expedientes_documentoeni d WHERE d.id > {doc_before}",
        documento_id="d.id",
        numero="1",
        content="'bench/solicitud.pdf'",
        mime="'application/pdf'",
        nombre_formato="'PDF'",
        size="1000",
        sha256="'0000000000000000000000000000000000000000000000000000000000000000'",
        created_at="d.fecha_captura",
    )
    generate(
        ExpedienteDocumento,
        source=(
            f"expedientes_expediente e JOIN expedientes_documentoeni d ON d.identificador = "
            f"'ES_' || substr(e.identificador, 4, 9) || '_2025_' || "
            f"substr(e.identificador, length(e.identificador) - 29) WHERE e.id > {before}"
        ),
        expediente_id="e.id",
        documento_id="d.id",
        orden="1",
        incorporated_at="e.opened_at",
        visible_ciudadano="true" if pg else "1",
    )
    generate(
        Evento,
        source=new,
        expediente_id="e.id",
        at="e.opened_at",
        tipo="'apertura'",
        detalle="'Expediente abierto.'",
        visible_ciudadano="true" if pg else "1",
    )
    return count


def grow_filings(base: SedeDataset, rows: int, *, per_citizen: int = 10) -> int:
    """Load filings until there are ``rows`` (in chunks of 200,000, so memory and WAL stay
    small), then refresh the statistics; the number of filings."""
    have = filings_loaded()
    while have < rows:
        citizens = max(1, min(20_000, (rows - have) // per_citizen))
        load_filings(base, citizens=citizens, per_citizen=per_citizen)
        have = filings_loaded()
    sql("VACUUM ANALYZE" if is_postgresql() else "ANALYZE")
    return have
