"""What a client did in this process, and the circuit breaker that skips a provider that keeps
failing (shown in asset metadata as provider status)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from library_pipeline.clients.http.errors import ProviderError, ProviderUnavailable
from library_pipeline.clients.http.redaction import redact


@dataclass
class ClientStats:
    """Requests, cache hits, retries, failures and the circuit of one client."""

    network_requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    circuit_open: bool = False
    last_error: str | None = None
    status_counts: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "network_requests": self.network_requests,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "failures": self.failures,
            "circuit_open": self.circuit_open,
            "last_error": self.last_error,
        }

    def record_failure(
        self, error: ProviderError, secrets: Iterable[str], circuit_threshold: int
    ) -> None:
        """Count a failure; open the circuit on an error every later call would repeat, or
        after `circuit_threshold` outages in a row."""
        self.failures += 1
        self.last_error = redact(str(error), secrets)
        if error.opens_circuit:
            self.circuit_open = True
        elif isinstance(error, ProviderUnavailable):
            self.consecutive_failures += 1
            if self.consecutive_failures >= circuit_threshold:
                self.circuit_open = True

    def record_answer(self) -> None:
        """The provider answered (even "not found"): it is up."""
        self.consecutive_failures = 0
