"""System checks for the firma settings (``manage.py check``): firma.E001 ...

Registered when imported; ``FirmaConfig.ready()`` imports this module.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from firma.keys import BACKENDS
from firma.keys.demo_pki import DEFAULT_PASSWORD

_PKCS11_REQUIRED = ("module", "token_label", "key_label")


@register(Tags.compatibility, "firma")
def check_keystores(app_configs=None, **kwargs):
    messages = []
    stores = getattr(settings, "FIRMA_KEYSTORES", None)
    if not isinstance(stores, dict) or "sello" not in stores:
        return [
            Error(
                "FIRMA_KEYSTORES has no 'sello' entry: the council seal cannot be loaded.",
                hint="Configure the seal (pkcs12 or pkcs11); see firma.keys.",
                id="firma.E001",
            )
        ]
    for name, config in stores.items():
        backend = config.get("backend", "pkcs12")
        if backend not in BACKENDS and "." not in backend:
            messages.append(
                Error(
                    f"FIRMA_KEYSTORES[{name!r}]: unknown backend {backend!r}.",
                    hint="Use 'pkcs12', 'pkcs11' or a dotted path to a KeyStoreBackend.",
                    id="firma.E002",
                )
            )
        elif backend == "pkcs11":
            missing = [key for key in _PKCS11_REQUIRED if not config.get(key)]
            if missing:
                messages.append(
                    Error(
                        f"FIRMA_KEYSTORES[{name!r}]: PKCS#11 needs {', '.join(missing)}.",
                        id="firma.E003",
                    )
                )
            elif not Path(config["module"]).exists():
                messages.append(
                    Warning(
                        f"FIRMA_KEYSTORES[{name!r}]: PKCS#11 module {config['module']} not found.",
                        id="firma.W004",
                    )
                )
        elif backend == "pkcs12" and name != "*":
            path = Path(str(config.get("path", "")))
            if not path.is_file():
                messages.append(
                    Warning(
                        f"FIRMA_KEYSTORES[{name!r}]: {path} does not exist.",
                        hint="For the demo run `manage.py firma_demo_pki`.",
                        id="firma.W001",
                    )
                )
            if not settings.DEBUG and config.get("password") == DEFAULT_PASSWORD:
                messages.append(
                    Warning(
                        f"FIRMA_KEYSTORES[{name!r}] uses the demo password with DEBUG off: "
                        "are demo keys in production?",
                        id="firma.W002",
                    )
                )
    return messages


@register(Tags.compatibility, "firma")
def check_trust_and_tsa(app_configs=None, **kwargs):
    messages = []
    anchors = getattr(settings, "FIRMA_TRUST_ANCHORS", None)
    paths = [anchors] if isinstance(anchors, str | Path) else list(anchors or [])
    if not paths or not any(Path(p).exists() for p in paths):
        messages.append(
            Warning(
                "FIRMA_TRUST_ANCHORS points at no existing PEM bundle: no signature can be "
                "validated as trusted.",
                hint="Point it at the Izenpe/FNMT roots (and the demo CA in the demo).",
                id="firma.W003",
            )
        )
    for crl in getattr(settings, "FIRMA_CRLS", []) or []:
        if not Path(crl).exists():
            messages.append(Warning(f"FIRMA_CRLS: {crl} does not exist.", id="firma.W005"))
    url = getattr(settings, "FIRMA_TSA_URL", "") or ""
    if url and urlparse(url).scheme not in ("http", "https"):
        messages.append(Error(f"FIRMA_TSA_URL={url!r} is not an http(s) URL.", id="firma.E004"))
    if not url and not settings.DEBUG:
        messages.append(
            Warning(
                "FIRMA_TSA_URL is empty: the council's seals carry no timestamp (PAdES B-B) and "
                "stop being verifiable when the seal certificate expires.",
                hint="Configure the TSA (e.g. Izenpe's) so seals are B-T/B-LTA.",
                id="firma.W010",
            )
        )
    if (
        getattr(settings, "FIRMA_REVOCATION_CHECK", False)
        and not getattr(settings, "FIRMA_REVOCATION_HOSTS", None)
        and not getattr(settings, "FIRMA_CRLS", None)
    ):
        messages.append(
            Warning(
                "FIRMA_REVOCATION_CHECK is on but neither FIRMA_REVOCATION_HOSTS nor FIRMA_CRLS "
                "is set: signatures that carry no revocation data of their own will be "
                "INDETERMINATE/TRY_LATER.",
                hint="Allow the OCSP/CRL hosts of the accepted CAs (Izenpe, FNMT...).",
                id="firma.W011",
            )
        )
    try:
        from firma.policy import signing_policy

        signing_policy()
    except ImproperlyConfigured as exc:
        messages.append(Error(str(exc), id="firma.E005"))
    return messages
