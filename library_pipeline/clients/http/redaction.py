"""Secrets never leave: every error text goes through `redact`, URLs in errors keep only their
path."""

from __future__ import annotations

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
