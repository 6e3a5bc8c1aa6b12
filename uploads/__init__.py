"""The one upload policy (design.md "One upload policy"): every way a document enters — sede
filing, district desk, registry API, case-file answers, the deed of a power of attorney, the
documents sent to the portafirmas — calls ``check_upload``.

A base app that depends on nothing of ours (only Django, its settings and the libraries below),
so every app may use it: ``firma`` and ``apoderamientos`` as well as ``registro`` and ``sede``.

Limits, type by content, safe content (bounded archive inflation, PDF active content, XML with
entities off, text that is text, polyglots), the malware scanner failing closed, SHA-256.
"""

from .content import ACCEPTED, ACCEPTED_LABEL, IMAGE_TYPES, clean_name
from .errors import UploadRefused
from .policy import CheckedUpload, Limits, check_file_size, check_upload, scan
from .scanning import ScanBackend, ScanError, ScanResult, get_scanner

__all__ = [
    "ACCEPTED",
    "ACCEPTED_LABEL",
    "IMAGE_TYPES",
    "CheckedUpload",
    "Limits",
    "ScanBackend",
    "ScanError",
    "ScanResult",
    "UploadRefused",
    "check_file_size",
    "check_upload",
    "clean_name",
    "get_scanner",
    "scan",
]
