"""The one exception of the upload policy."""

from __future__ import annotations


class UploadRefused(ValueError):  # noqa: N818 - a refusal, not an error
    """A file the policy does not admit; ``str()`` is the message for the person uploading,
    ``code`` says which check refused it (``size``, ``count``, ``total``, ``empty``, ``type``,
    ``archive``, ``active``, ``polyglot``, ``text``, ``xml``, ``malware``,
    ``scan_unavailable``)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code
