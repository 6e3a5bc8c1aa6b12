"""Benchmark of the receipt pipeline (REG-5, issue 10 item 4): receipts/s through the real
job against WeasyPrint + pyHanko doing the same work, in the same run.

Service: ``justificante_issue(asiento_id=...)`` on entries left pending — load the entry,
render its receipt (PDF/A-2b, tagged, CSV and QR on every page) with WeasyPrint, seal it
with the council seal through firma (PAdES, the policy firma applies, a timestamp if firma
adds one), store it as a firma document with its CSV, mark the entry sealed.

Baseline: the libraries at their best on the same document — WeasyPrint rendering the same
receipt HTML with the same options (stylesheet and fonts parsed once), then pyHanko signing
the result directly with the key loaded once and ``bytes_reserved`` set (no size dry-run);
with a signature timestamp from the same TSA when firma's seal carries one. No database,
no storage.

Rounds are interleaved (service, baseline, service, ...; three of each by default) and the
median of the per-round ratios is reported:
``RESULT registro_justificante value=<receipts/s> baseline=<receipts/s> ratio=<median>``.

Run: DEBUG=true .venv/bin/python bench/bench_justificante.py   (SQLite by default; set
DATABASE_URL=postgres://... for PostgreSQL). Uses a throwaway test database.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.test")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PER_ROUND = int(os.environ.get("BENCH_PER_ROUND", "20"))

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _pending_entries(n: int) -> list[int]:
    """``n`` registered entries (one party, two documents) whose receipts are pending."""
    from identidad.constants import TipoUnidad
    from identidad.models import Unidad
    from identidad.services import interesado_get_or_create
    from registro.constants import TipoOficina
    from registro.models import Oficina
    from registro.services import DocumentoNuevo, asiento_register, receipts

    council, _ = Unidad.objects.get_or_create(
        dir3="L01480209", defaults={"name_es": "Ayuntamiento", "kind": TipoUnidad.ENTIDAD}
    )
    unidad, _ = Unidad.objects.get_or_create(
        dir3="LA0001234", defaults={"name_es": "Urbanismo", "kind": TipoUnidad.AREA}
    )
    oficina, _ = Oficina.objects.get_or_create(
        code="O00099999",
        defaults={"name_es": "Sede", "kind": TipoOficina.SEDE, "unidad": council},
    )
    interesado = interesado_get_or_create(nif="12345678Z", nombre="Miren", apellido1="Etxeberria")
    publish = receipts.justificante_enqueue
    receipts.justificante_enqueue = lambda *, asiento_id: True  # leave them pending
    try:
        ids = []
        for i in range(n):
            asiento = asiento_register(
                direction="E",
                oficina=oficina,
                canal="sede",
                interesados=[interesado],
                unidad_destino=unidad,
                resumen="Solicitud de licencia de obra menor en Calle Ercilla 10",
                expone="Que desea reformar la cocina de su vivienda.",
                solicita="Licencia de obra menor.",
                documentos=[
                    DocumentoNuevo(nombre="solicitud.pdf", content=PDF + f"%{i}a".encode()),
                    DocumentoNuevo(nombre="presupuesto.pdf", content=PDF + f"%{i}b".encode()),
                ],
                idioma="es",
            )
            ids.append(asiento.pk)
        return ids
    finally:
        receipts.justificante_enqueue = publish


class DirectSigner:
    """pyHanko at its best: a signer over the seal's private key, loaded once."""

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import padding
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        from firma.keys import get_signer
        from firma.keys.base import hash_algorithm

        seal = get_signer("sello")
        key = seal._private_key

        class _Signer(signers.Signer):
            async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
                return key.sign(data, padding.PKCS1v15(), hash_algorithm(digest_algorithm))

        self.signer = _Signer(
            signing_cert=seal.asn1_certificate,
            cert_registry=SimpleCertificateStore.from_certs(
                [seal.asn1_certificate, *seal.asn1_chain]
            ),
        )

    def sign(self, pdf: bytes, timestamper) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        from firma.signing.pades import _POLICY_SPEC, BYTES_RESERVED

        meta = signers.PdfSignatureMetadata(
            field_name="Sello",
            reason="Sello electrónico de órgano",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            cades_signed_attr_spec=_POLICY_SPEC,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = signers.PdfSigner(meta, signer=self.signer, timestamper=timestamper).sign_pdf(
            writer, bytes_reserved=BYTES_RESERVED
        )
        return out.getvalue()


def _timestamped(pdf: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    unsigned = signature.signer_info["unsigned_attrs"]
    types = {attr["type"].native for attr in unsigned} if unsigned.native else set()
    return "signature_time_stamp_token" in types


def main() -> None:
    from firma.keys import clear_signer_cache
    from firma.keys.demo_pki import ensure_demo_pki
    from registro.justificante import (
        qr_data_uri,
        render_html_pdf,
        render_receipt_html,
        sealed_receipt_bytes,
    )
    from registro.models import Asiento
    from registro.services import justificante_issue

    tmp = tempfile.mkdtemp(prefix="bench-justificante-")
    settings.MEDIA_ROOT = tmp
    pki = ensure_demo_pki(Path(tmp) / "pki")
    settings.FIRMA_KEYSTORES = pki.keystores()
    settings.FIRMA_TRUST_ANCHORS = str(pki.ca_pem)
    clear_signer_cache()
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        ids = _pending_entries(ROUNDS * PER_ROUND + 1)
        warm = ids.pop()
        sealed = justificante_issue(asiento_id=warm)  # warm-up: fonts, key, templates
        timestamped = _timestamped(sealed_receipt_bytes(sealed))
        timestamper = None
        if timestamped:
            from firma.signing.tsa import get_timestamper

            timestamper = get_timestamper()
        # The baseline's document: the same receipt HTML (same entry, CSV and QR).
        html = render_receipt_html(Asiento.objects.get(pk=warm), csv=sealed.justificante_csv)
        qr_data_uri("warm-up")
        direct = DirectSigner()
        direct.sign(render_html_pdf(html), timestamper)

        ratios, services, baselines = [], [], []
        for r in range(ROUNDS):
            batch = ids[r * PER_ROUND : (r + 1) * PER_ROUND]
            began = time.perf_counter()
            for asiento_id in batch:
                justificante_issue(asiento_id=asiento_id)
            service = len(batch) / (time.perf_counter() - began)
            began = time.perf_counter()
            for _ in batch:
                direct.sign(render_html_pdf(html), timestamper)
            baseline = len(batch) / (time.perf_counter() - began)
            services.append(service)
            baselines.append(baseline)
            ratios.append(service / baseline)
            print(f"round {r + 1}: service {service:6.1f}/s  baseline {baseline:6.1f}/s")
        assert Asiento.objects.filter(estado="pendiente").count() == 0
        value, base, ratio = (
            statistics.median(services),
            statistics.median(baselines),
            statistics.median(ratios),
        )
        print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} timestamp={timestamped}")
        print(f"receipts/s through justificante_issue (DB, render, seal, store): {value:6.1f}")
        print(f"baseline, WeasyPrint render + pyHanko sign of the same receipt:  {base:6.1f}")
        print(
            f"RESULT registro_justificante value={value:.1f} baseline={base:.1f} ratio={ratio:.2f}"
        )
    finally:
        connections.close_all()
        teardown_databases(old, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
