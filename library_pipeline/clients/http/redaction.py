"""Secrets never leave: every error text goes through `redact`, URLs in errors keep only their
path."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value in `text` by `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def safe_path(path: str, secrets: Iterable[str]) -> str:
    """The path alone, redacted: query strings carry keys."""
    return redact(path.split("?", 1)[0], secrets)


_QUERY = re.compile(r"\?[^\s\"']*")
_registered: set[str] = set()


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message with every registered secret replaced and query strings
    dropped (httpx logs each request's full URL at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = _QUERY.sub("?…", redact(message, _registered))
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_FILTER = RedactingFilter()
LIBRARY_LOGGERS = (
    "httpx",
    "httpcore.http11",
    "httpcore.connection",
    "hishel",
    "urllib3.connectionpool",
    "qbittorrentapi",
    "qbittorrentapi.request",
)


def register_secrets(secrets: Iterable[str]) -> None:
    """Remember `secrets` for the log filter and put the filter on the HTTP libraries' loggers
    (idempotent)."""
    _registered.update(s for s in secrets if s and len(s) >= 4)
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
