"""The one upload policy (design.md "One upload policy"): every way a document enters — sede
filing, district desk, registry API, case-file answers — calls ``check_upload``.

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
