"""Local peer transport: HTTP POST of the SICRES message to another registry office that runs
this same code (``/api/registro/sir/mensajes/``), which answers with the control message.

Peers come from ``REGISTRO_SIR_PEERS`` (JSON ``{"<entity code>": {"url": ..., "token":
...}}``); the token is the peer's ``REGISTRO_SIR_INBOUND_TOKEN``. Used between two instances in
the integration test and the benchmark, and usable between offices of one organisation.
"""

from __future__ import annotations

import json
from functools import cached_property

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import SirBackend, TransporteError


def parse_peers(raw: str | dict) -> dict[str, dict[str, str]]:
    if isinstance(raw, dict):
        peers = raw
    else:
        try:
            peers = json.loads(raw or "{}")
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(f"REGISTRO_SIR_PEERS is not valid JSON: {exc}") from exc
    if not isinstance(peers, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("url"), str) for v in peers.values()
    ):
        raise ImproperlyConfigured(
            'REGISTRO_SIR_PEERS must be {"<entity code>": {"url": "...", "token": "..."}}'
        )
    return {str(k): {"url": v["url"], "token": str(v.get("token", ""))} for k, v in peers.items()}


class LocalPeerBackend(SirBackend):
    def __init__(self) -> None:
        self.session = requests.Session()
        # The environment (proxies, CA bundle) is read once per peer, not on every message:
        # requests re-reads it per request (``trust_env``), a third of its cost here. Not
        # trusting it per request also keeps a ~/.netrc from replacing the Bearer token.
        self.session.trust_env = False
        self._environment: dict[str, dict] = {}

    def _settings(self, url: str) -> dict:
        settings_ = self._environment.get(url)
        if settings_ is None:
            env = requests.Session()  # trust_env: what requests would read for this URL
            merged = env.merge_environment_settings(url, {}, None, None, None)
            settings_ = self._environment[url] = {
                "proxies": merged["proxies"],
                "verify": merged["verify"],
                "cert": merged["cert"],
            }
        return settings_

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
            response = self.session.post(
                peer["url"],
                data=data,
                headers={
                    "Content-Type": "application/xml; charset=utf-8",
                    "Authorization": f"Bearer {peer['token']}",
                },
                timeout=(5, settings.REGISTRO_SIR_TIMEOUT),
                **self._settings(peer["url"]),
            )
        except requests.RequestException as exc:
            raise TransporteError(f"{destino}: {exc.__class__.__name__}: {exc}"[:300]) from exc
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            raise TransporteError(f"{destino}: HTTP {response.status_code} {response.text[:200]}")
        return response.content
