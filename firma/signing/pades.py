"""PAdES signatures with pyHanko: B-B, B-T (signature timestamp), B-LT (plus the DSS with
the chain's revocation data) and B-LTA (plus a document timestamp).

Every signature carries the AGE policy (PAdES-EPES, FIR-1). A visible appearance is drawn
when ``appearance`` is given; it states delegation and substitution (FIR-5).
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.api import CAdESSignedAttrSpec
from pyhanko.stamp import TextStampStyle

from firma.keys.base import Signer

from ._common import SigningError, cms_policy_identifier

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
LONG_TERM = ("B-LT", "B-LTA")


def policy_spec() -> CAdESSignedAttrSpec:
    """The signed ``signature-policy-identifier`` of the configured signing policy."""
    from firma.policy import signing_policy

    policy = signing_policy()
    key = (policy.oid, policy.hash_for("cades"), policy.qualifier)
    spec = _policy_specs.get(key)
    if spec is None:
        # Kept parsed from its DER: a value built from Python objects is re-encoded on every
        # dump of each structure that wraps it (see firma.keys.pyhanko_adapter).
        built = cms_policy_identifier(policy)
        spec = CAdESSignedAttrSpec(signature_policy_identifier=type(built).load(built.dump()))
        _policy_specs[key] = spec
    return spec


_policy_specs: dict[tuple, CAdESSignedAttrSpec] = {}


_FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
]
# Room for a 4096-bit signature, the chain and a timestamp token: no size dry-run needed.
BYTES_RESERVED = 16384
BYTES_RESERVED_LT = 32768


def appearance_lines(appearance: dict, *, signer: Signer, reason: str) -> list[str]:
    """The text of the visible signature (FIR-5: delegation and substitution)."""
    signer_name = appearance.get("signer_name") or signer.common_name
    on_behalf = appearance.get("on_behalf_of")
    mode = appearance.get("mode")
    lines = []
    if mode == "suplencia" and on_behalf:
        lines.append(_("%(holder)s") % {"holder": on_behalf})
        lines.append(_("En suplencia, firmado por: %(signer)s") % {"signer": signer_name})
    elif mode == "delegacion" and on_behalf:
        lines.append(_("Firmado por: %(signer)s") % {"signer": signer_name})
        lines.append(_("Por delegación de: %(authority)s") % {"authority": on_behalf})
    else:
        lines.append(_("Firmado por: %(signer)s") % {"signer": signer_name})
    if appearance.get("role"):
        lines.append(str(appearance["role"]))
    if reason:
        lines.append(_("Motivo: %(reason)s") % {"reason": reason})
    lines.append(_("Fecha: %(date)s") % {"date": "%(ts)s"})
    return lines


@cache
def _font_factory():
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    except ImportError:  # pyHanko[opentype] (uharfbuzz) not installed: built-in font
        return None
    for candidate in _FONT_CANDIDATES:
        if candidate.exists():
            return GlyphAccumulatorFactory(str(candidate))
    return None


def _stamp_style(lines: list[str]) -> TextStampStyle:
    from pyhanko.pdf_utils.text import TextBoxStyle

    factory = _font_factory()
    box_style = TextBoxStyle(font=factory, font_size=8) if factory else TextBoxStyle(font_size=8)
    text = "\n".join(line.replace("%", "%%") if "%(ts)s" not in line else line for line in lines)
    return TextStampStyle(
        stamp_text=text,
        text_box_style=box_style,
        timestamp_format="%d/%m/%Y %H:%M:%S %Z",
        border_width=1,
    )


def _validation_context(signer: Signer, timestamper=None):
    """Context that gathers the revocation data put in the DSS (B-LT): FIRMA_CRLS and, when
    revocation checking is on, what the allow-listed hosts serve; the TSA's chain too."""
    from firma.validation.trust import build_validation_context

    extra = [signer.certificate, *signer.chain]
    extra += list(getattr(timestamper, "tsa_chain", None) or [])
    return build_validation_context(extra_certs=extra, for_signing=True)


def sign_pades(
    data: bytes,
    *,
    signer: Signer,
    reason: str,
    appearance: dict | None,
    level: str,
    signed_at: dt.datetime,
    timestamper=None,
) -> bytes:
    if level not in LEVELS:
        raise SigningError(f"Unknown PAdES level {level!r}; use one of {', '.join(LEVELS)}.")
    if level != "B-B" and timestamper is None:
        raise SigningError(f"PAdES {level} needs a timestamp: configure FIRMA_TSA_URL.")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except Exception as exc:  # pyHanko raises several types on broken PDFs
        raise SigningError(f"The document is not a readable PDF: {exc}") from exc

    existing = _existing_signature_count(writer.prev)
    field_name = f"Firma{existing + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=getattr(settings, "COUNCIL_NAME", None),
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        cades_signed_attr_spec=policy_spec(),
        embed_validation_info=level in LONG_TERM,
        use_pades_lta=level == "B-LTA",
        validation_context=_validation_context(signer, timestamper) if level in LONG_TERM else None,
        signer_key_usage={"non_repudiation", "digital_signature"},
    )
    stamp_style = None
    field_spec = None
    if appearance:
        page = int(appearance.get("page", 0))
        box = tuple(appearance.get("box", (36, 36, 306, 106)))
        field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
        stamp_style = _stamp_style(appearance_lines(appearance, signer=signer, reason=reason))
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer.pyhanko_signer,
        timestamper=timestamper,
        stamp_style=stamp_style,
        new_field_spec=field_spec,
    )
    out = pdf_signer.sign_pdf(
        writer,
        bytes_reserved=BYTES_RESERVED_LT if level in LONG_TERM else BYTES_RESERVED,
    )
    return out.getvalue()


def _existing_signature_count(reader: PdfFileReader) -> int:
    try:
        return len(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 (a damaged AcroForm just means "none we can count")
        return 0
