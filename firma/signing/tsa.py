"""RFC 3161 timestamps from the configured TSA (``settings.FIRMA_TSA_URL``)."""

from __future__ import annotations

import asyncio
import hashlib
import urllib.error
import urllib.request

from asn1crypto import cms, tsp
from django.conf import settings
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError


class UrllibTimeStamper(TimeStamper):
    """A pyHanko timestamper speaking RFC 3161 over HTTP with the standard library."""

    def __init__(self, url: str, *, timeout: float = 10.0):
        super().__init__()
        self.url = url
        self.timeout = timeout

    def _post(self, body: bytes) -> bytes:
        request = urllib.request.Request(  # noqa: S310 (URL comes from settings)
            self.url,
            data=body,
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if response.headers.get_content_type() != "application/timestamp-reply":
                    raise TimestampRequestError("The TSA did not answer with a timestamp reply.")
                return response.read()
        except (urllib.error.URLError, OSError) as exc:
            raise TimestampRequestError(f"Cannot reach the TSA at {self.url}: {exc}") from exc

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        raw = await asyncio.to_thread(self._post, req.dump())
        return tsp.TimeStampResp.load(raw)


_timestampers: dict[str, UrllibTimeStamper] = {}


def get_timestamper(url: str | None = None) -> TimeStamper:
    """The timestamper for ``url`` (default ``FIRMA_TSA_URL``); raises if none is configured."""
    url = url or getattr(settings, "FIRMA_TSA_URL", "")
    if not url:
        raise TimestampRequestError("No TSA is configured (FIRMA_TSA_URL).")
    stamper = _timestampers.get(url)
    if stamper is None:
        stamper = _timestampers[url] = UrllibTimeStamper(url)
    return stamper


def timestamp_token(data: bytes, *, md_algorithm: str = "sha256", url: str | None = None):
    """A timestamp token (CMS ``ContentInfo``) over ``data``."""
    digest = hashlib.new(md_algorithm, data).digest()
    token: cms.ContentInfo = asyncio.run(get_timestamper(url).async_timestamp(digest, md_algorithm))
    return token
