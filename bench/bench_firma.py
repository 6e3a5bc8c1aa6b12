"""Benchmark: signatures per second through the ``firma`` service, with baselines.

In one run, on the same key and document:
  * PAdES seals/s through ``firma.signing.sign`` with the cached signer (``get_signer``);
  * the same with the key loaded for every seal (what caching saves: the baseline);
  * pyHanko used directly at its best (key loaded once, ``bytes_reserved`` set);
  * XAdES signatures/s through the service and signxml used directly;
  * the raw RSA-2048 signing rate of the same key, for context.
The last line is ``RESULT firma_pades_seal value=<service> baseline=<reload> ratio=<x/y>``.

Run: DEBUG=true .venv/bin/python bench/bench_firma.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilbao_sede.settings.test")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402
from django.conf import settings  # noqa: E402
from pyhanko.pdf_utils import generic  # noqa: E402
from pyhanko.pdf_utils import writer as pdf_writer  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from signxml import DigestAlgorithm  # noqa: E402
from signxml.xades import XAdESSignaturePolicy, XAdESSigner  # noqa: E402

from firma.keys import get_signer, load_signer  # noqa: E402
from firma.keys.demo_pki import ensure_demo_pki  # noqa: E402
from firma.policy import SIGNING_POLICY  # noqa: E402
from firma.signing import sign  # noqa: E402
from firma.signing.pades import _POLICY_SPEC, BYTES_RESERVED  # noqa: E402


def make_pdf() -> bytes:
    w = pdf_writer.PdfFileWriter()
    font = w.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Font"),
                generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
                generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
            }
        )
    )
    resources = generic.DictionaryObject(
        {generic.NameObject("/Font"): generic.DictionaryObject({generic.NameObject("/F1"): font})}
    )
    stream = generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 760 Td (Resolucion 2026/1) Tj ET")
    w.insert_page(
        pdf_writer.PageObject(
            contents=w.add_object(stream), media_box=[0, 0, 595, 842], resources=resources
        )
    )
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def rate(fn, seconds: float, *, min_runs: int = 3) -> float:
    fn()  # warm-up
    runs, start = 0, time.perf_counter()
    while True:
        fn()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and runs >= min_runs:
            return runs / elapsed


class DirectPyHankoSigner(signers.Signer):
    """pyHanko at its best: a signer over a private key loaded once."""

    def __init__(self, firma_signer):
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        super().__init__(
            signing_cert=firma_signer.asn1_certificate,
            cert_registry=SimpleCertificateStore.from_certs(
                [firma_signer.asn1_certificate, *firma_signer.asn1_chain]
            ),
        )
        self._key = firma_signer._private_key

    async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
        from firma.keys.base import hash_algorithm

        return self._key.sign(data, padding.PKCS1v15(), hash_algorithm(digest_algorithm))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        pki = ensure_demo_pki(Path(tmp) / "pki")
        settings.FIRMA_KEYSTORES = pki.keystores()
        settings.FIRMA_TRUST_ANCHORS = str(pki.ca_pem)
        pdf = make_pdf()
        xml = b"<Resolucion><Numero>2026/1</Numero><Texto>Se concede.</Texto></Resolucion>"
        seal = get_signer("sello")
        key = seal._private_key
        config = settings.FIRMA_KEYSTORES["sello"]

        def pades_service():
            sign(pdf, fmt="pades", signer=get_signer("sello"), reason="Sello")

        def pades_reload():
            sign(pdf, fmt="pades", signer=load_signer("sello", config), reason="Sello")

        direct = DirectPyHankoSigner(seal)

        def pades_direct():
            meta = signers.PdfSignatureMetadata(
                field_name="Firma1",
                reason="Sello",
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                cades_signed_attr_spec=_POLICY_SPEC,
            )
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            signers.PdfSigner(meta, signer=direct).sign_pdf(writer, bytes_reserved=BYTES_RESERVED)

        def xades_service():
            sign(xml, fmt="xades-enveloped", signer=get_signer("sello"))

        from lxml import etree

        policy = XAdESSignaturePolicy(
            Identifier=SIGNING_POLICY.urn,
            Description="AGE",
            DigestMethod=DigestAlgorithm.SHA1,
            DigestValue=SIGNING_POLICY.hash_for("xades"),
        )
        certs = [seal.certificate, *seal.chain]

        def xades_direct():
            signer = XAdESSigner(
                signature_policy=policy, signature_algorithm="rsa-sha256", digest_algorithm="sha256"
            )
            etree.tostring(signer.sign(etree.fromstring(xml), key=key, cert=certs))

        def raw_rsa():
            key.sign(b"x" * 64, padding.PKCS1v15(), hashes.SHA256())

        s = args.seconds
        # Interleaved rounds, best round kept: the machine may be shared, and a burst of
        # load should hit the service and its baseline alike.
        funcs = {
            "pades": pades_service,
            "pades_base": pades_reload,
            "pades_best": pades_direct,
            "xades": xades_service,
            "xades_best": xades_direct,
        }
        best = dict.fromkeys(funcs, 0.0)
        for _round in range(args.rounds):
            for name, fn in funcs.items():
                best[name] = max(best[name], rate(fn, s / args.rounds))
        pades, pades_base, pades_best = best["pades"], best["pades_base"], best["pades_best"]
        xades, xades_best = best["xades"], best["xades_best"]
        rsa = rate(raw_rsa, min(s, 1.0), min_runs=50)

    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} seconds={s} rounds={args.rounds}")
    print(f"PAdES seals/s via firma (cached signer)      {pades:9.1f}")
    print(f"PAdES seals/s loading the key every time     {pades_base:9.1f}")
    print(f"PAdES seals/s pyHanko direct, at its best    {pades_best:9.1f}")
    print(f"  service / direct = {pades / pades_best:.2f} (target >= 0.9)")
    print(f"XAdES signatures/s via firma                 {xades:9.1f}")
    print(f"XAdES signatures/s signxml direct            {xades_best:9.1f}")
    print(f"  service / direct = {xades / xades_best:.2f} (target >= 0.9)")
    print(f"raw RSA-2048 signatures/s, same key          {rsa:9.1f}")
    print(
        f"RESULT firma_xades_sign value={xades:.1f} baseline={xades_best:.1f} "
        f"ratio={xades / xades_best:.2f}"
    )
    print(
        f"RESULT firma_pades_seal value={pades:.1f} baseline={pades_base:.1f} "
        f"ratio={pades / pades_base:.2f}"
    )


if __name__ == "__main__":
    main()
