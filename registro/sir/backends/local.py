"""Local peer transport: HTTP POST of the SICRES message to another registry office that runs
this same code (``/api/registro/sir/mensajes/``), which answers with the control message.

Peers come from ``REGISTRO_SIR_PEERS`` (JSON ``{"<entity code>": {"url": ..., "token": ...}}``,
optionally with ``"ca"``, ``"cert"`` and ``"key"`` for HTTPS: the CA bundle that the peer's
certificate chains to, and this office's client certificate and key when the peer asks for
one — mutual TLS); the token is the peer's ``REGISTRO_SIR_INBOUND_TOKEN``. Used between two
instances in the integration test and the benchmark, and usable between offices of one
organisation.
"""

from __future__ import annotations

import json
import os
from functools import cached_property

import requests
import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests.utils import DEFAULT_CA_BUNDLE_PATH, select_proxy

from .base import SirBackend, TransporteError

CONNECT_TIMEOUT = 5  # seconds; the answer has REGISTRO_SIR_TIMEOUT
TLS_KEYS = ("ca", "cert", "key")


def parse_peers(raw: str | dict) -> dict[str, dict[str, str]]:
    if isinstance(raw, dict):
        peers = raw
    else:
        try:
            peers = json.loads(raw or "{}")
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(f"REGISTRO_SIR_PEERS is not valid JSON: {exc}") from exc
    if not isinstance(peers, dict) or not all(
        isinstance(v, dict)
        and isinstance(v.get("url"), str)
        and all(isinstance(v.get(k, ""), str) for k in TLS_KEYS)
        for v in peers.values()
    ):
        raise ImproperlyConfigured(
            'REGISTRO_SIR_PEERS must be {"<entity code>": {"url": "...", "token": "..."}} '
            '(optionally "ca", "cert", "key": paths for HTTPS)'
        )
    return {
        str(k): {
            "url": v["url"],
            "token": str(v.get("token", "")),
            **{key: v[key] for key in TLS_KEYS if v.get(key)},
        }
        for k, v in peers.items()
    }


class HttpPoster:
    """POSTs bytes over kept-alive connections: one urllib3 pool per peer URL, set up once
    with what ``requests`` would read for that URL from the environment — proxies
    (``HTTPS_PROXY``, ``NO_PROXY``...), the CA bundle (``REQUESTS_CA_BUNDLE``,
    ``CURL_CA_BUNDLE``, else certifi's) — or from the peer's own ``ca``/``cert``/``key``.

    Not ``requests`` per message: its per-request machinery (preparing the request, hooks,
    cookies, adapters, the response object) cost about a millisecond of CPU for every message
    sent (issue 18); this is the urllib3 call that ``requests`` ends in, with the same TLS
    verification, timeouts (connect, then the answer) and no retries (a failed delivery is
    retried by the services, with backoff)."""

    def __init__(self) -> None:
        self._pools: dict[tuple, urllib3.PoolManager] = {}

    def _manager(self, url: str, ca: str, cert: str, key: str) -> urllib3.PoolManager:
        cache_key = (url, ca, cert, key)
        manager = self._pools.get(cache_key)
        if manager is not None:
            return manager
        env = requests.Session()  # trust_env: what requests would read for this URL
        merged = env.merge_environment_settings(url, {}, None, None, None)
        options: dict = {"maxsize": 4, "retries": False}
        if url.lower().startswith("https"):
            verify = ca or merged["verify"]
            if verify is False:
                options["cert_reqs"] = "CERT_NONE"
            else:
                location = DEFAULT_CA_BUNDLE_PATH if verify is True else verify
                if not location or not os.path.exists(location):
                    raise TransporteError(f"no CA bundle at {location!r}")
                options["cert_reqs"] = "CERT_REQUIRED"
                options["ca_cert_dir" if os.path.isdir(location) else "ca_certs"] = location
            if cert:
                options["cert_file"] = cert
                options["key_file"] = key or None
        proxy = select_proxy(url, merged["proxies"])
        if proxy:
            manager = urllib3.ProxyManager(proxy, **options)
        else:
            manager = urllib3.PoolManager(**options)
        self._pools[cache_key] = manager
        return manager

    def post(
        self,
        url: str,
        data: bytes,
        headers: dict[str, str],
        *,
        timeout: float,
        ca: str = "",
        cert: str = "",
        key: str = "",
    ) -> tuple[int, bytes]:
        """(status, body) of the answer. ``urllib3.exceptions.HTTPError`` or ``OSError`` when
        nothing was answered (refused, timed out, TLS failed)."""
        response = self._manager(url, ca, cert, key).urlopen(
            "POST",
            url,
            body=data,
            headers=headers,
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=timeout),
            retries=False,
            redirect=False,
            preload_content=True,
        )
        return response.status, response.data


class LocalPeerBackend(SirBackend):
    def __init__(self) -> None:
        self.http = HttpPoster()

    @cached_property
    def peers(self) -> dict[str, dict[str, str]]:
        return parse_peers(settings.REGISTRO_SIR_PEERS)

    def knows(self, destino: str) -> bool:
        return destino in self.peers

    def send(self, *, destino: str, data: bytes) -> bytes | None:
        peer = self.peers.get(destino)
        if peer is None:
            raise TransporteError(f"no route to registry entity {destino}")
        try:
            status, body = self.http.post(
                peer["url"],
                data,
                {
                    "Content-Type": "application/xml; charset=utf-8",
                    "Authorization": f"Bearer {peer['token']}",
                },
                timeout=settings.REGISTRO_SIR_TIMEOUT,
                ca=peer.get("ca", ""),
                cert=peer.get("cert", ""),
                key=peer.get("key", ""),
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise TransporteError(f"{destino}: {exc.__class__.__name__}: {exc}"[:300]) from exc
        if status == 204:
            return None
        if status != 200:
            text = body[:200].decode("utf-8", "replace")
            raise TransporteError(f"{destino}: HTTP {status} {text}")
        return body
