"""CAdES (CMS) signatures, detached and attached, through pyHanko's CMS builder."""

from __future__ import annotations

import asyncio
import datetime as dt

from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from firma.keys.base import Signer

from .pades import policy_spec


def sign_cades(
    data: bytes,
    *,
    signer: Signer,
    detached: bool,
    signed_at: dt.datetime,
    timestamper=None,
) -> bytes:
    attrs = PdfCMSSignedAttributes(signing_time=signed_at, cades_signed_attrs=policy_spec())
    content_info = asyncio.run(
        signer.pyhanko_signer.async_sign_general_data(
            data,
            "sha256",
            detached=detached,
            use_cades=True,
            timestamper=timestamper,
            signed_attr_settings=attrs,
        )
    )
    return content_info.dump()
