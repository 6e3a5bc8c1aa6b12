"""Fetching CRLs and OCSP responses, only from hosts in ``FIRMA_REVOCATION_HOSTS``.

The CRL distribution points and OCSP URLs come from the certificates being validated, i.e.
from an uploaded file: fetching whatever they name would let anyone make the server send
requests to internal hosts (SSRF). Only hosts in the allow-list are contacted; the default
(empty) fetches nothing, so only ``FIRMA_CRLS`` and revocation data embedded in the
signature are used. Refused and failed fetches are recorded so the report can say why the
revocation status could not be established.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings
from pyhanko_certvalidator.fetchers.api import FetcherBackend, Fetchers, FetchLimits
from pyhanko_certvalidator.fetchers.common_utils import FetchBudget
from pyhanko_certvalidator.fetchers.requests_fetchers.cert_fetch_client import (
    RequestsCertificateFetcher,
)
from pyhanko_certvalidator.fetchers.requests_fetchers.crl_client import RequestsCRLFetcher
from pyhanko_certvalidator.fetchers.requests_fetchers.ocsp_client import RequestsOCSPFetcher

logger = logging.getLogger(__name__)

TIMEOUT = 5  # seconds per request
LIMITS = FetchLimits(max_requests=20, max_cert_requests=5, max_aia_urls_per_object=3)


def allowed_hosts() -> set[str]:
    return {
        h.strip().lower().rstrip(".")
        for h in getattr(settings, "FIRMA_REVOCATION_HOSTS", []) or []
        if h and h.strip()
    }


def host_allowed(url: str, hosts: set[str]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return parts.hostname.lower().rstrip(".") in hosts


@dataclass
class FetchLog:
    """What the fetchers did during one validation: refused and failed URLs."""

    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    ocsp_answers: list[tuple[str, str]] = field(default_factory=list)  # (url, cert status)


class _GuardMixin:
    _hosts: set[str]
    _log: FetchLog

    def _guard(self, url: str) -> None:
        if not host_allowed(url, self._hosts):
            if url not in self._log.refused:
                self._log.refused.append(url)
            logger.info("Not fetching %s: host not in FIRMA_REVOCATION_HOSTS", url)
            raise requests.RequestException(f"host not allowed: {url}")

    def _get(self, url, *, acceptable_content_types):
        self._guard(url)
        return self._record(
            url, super()._get(url, acceptable_content_types=acceptable_content_types)
        )

    def _post(self, url, data, *, content_type, acceptable_content_types):
        self._guard(url)
        return self._record(
            url,
            super()._post(
                url,
                data,
                content_type=content_type,
                acceptable_content_types=acceptable_content_types,
            ),
        )

    async def _record(self, url, awaitable):
        try:
            return await awaitable
        except Exception:
            if url not in self._log.failed:
                self._log.failed.append(url)
            raise


def _guarded(base):
    class Guarded(_GuardMixin, base):
        def __init__(self, *, hosts: set[str], log: FetchLog, **kwargs):
            super().__init__(**kwargs)
            self._hosts = hosts
            self._log = log

    Guarded.__name__ = f"Guarded{base.__name__}"
    return Guarded


class _RecordingOCSPFetcher(RequestsOCSPFetcher):
    _log: FetchLog

    async def _fetch_single(self, ocsp_url, ocsp_request):
        response = await super()._fetch_single(ocsp_url, ocsp_request)
        try:
            single = response["response_bytes"]["response"].parsed["tbs_response_data"]
            status = single["responses"][0]["cert_status"].name
        except (KeyError, IndexError, ValueError, TypeError):
            status = "?"
        self._log.ocsp_answers.append((ocsp_url, status))
        return response


_OCSP = _guarded(_RecordingOCSPFetcher)
_CRL = _guarded(RequestsCRLFetcher)
_CERT = _guarded(RequestsCertificateFetcher)


class GuardedFetcherBackend(FetcherBackend):
    """A pyhanko-certvalidator fetcher backend that only contacts allowed hosts."""

    def __init__(self, *, hosts: set[str] | None = None, log: FetchLog | None = None):
        self.hosts = allowed_hosts() if hosts is None else hosts
        self.log = log if log is not None else FetchLog()

    def get_fetchers(self) -> Fetchers:
        budget = FetchBudget(LIMITS)
        common = {
            "hosts": self.hosts,
            "log": self.log,
            "per_request_timeout": TIMEOUT,
            "budget": budget,
        }
        return Fetchers(
            ocsp_fetcher=_OCSP(**common),
            crl_fetcher=_CRL(**common),
            cert_fetcher=_CERT(**common),
        )

    async def close(self):
        return
