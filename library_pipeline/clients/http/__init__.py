"""The HTTP machinery every service client shares, so no client repeats it.

- `errors`: the `ProviderError` family and `parse_model` (a malformed body names its field);
- `rate_limit`: per-provider and global limits, the shared `Retry-After` pause;
- `cache`: the hishel disk cache (GET, POST by body, remembered 404s);
- `circuit`: request statistics and the circuit breaker;
- `redaction`: secrets out of every error text and of the HTTP libraries' log lines;
- `credentials`: credential headers/parameters added below the cache, for the configured origin
  only; `deadline`: an overall deadline per exchange;
- `client`: `HttpClient` (retries with tenacity, all of the above) and `ServiceClient`.
"""

from library_pipeline.clients.http.cache import (
    MISSING_MARKER,
    RECLAIM_EVERY_SECONDS,
    InlineSqliteConnection,
    cache_storage_class,
)
from library_pipeline.clients.http.circuit import ClientStats
from library_pipeline.clients.http.client import (
    USER_AGENT,
    Classifier,
    HttpClient,
    ServiceClient,
    shared_ssl_context,
)
from library_pipeline.clients.http.errors import (
    AuthError,
    BadResponse,
    CircuitOpen,
    CrossOriginRefused,
    InvalidCredentials,
    MalformedResponse,
    NotFound,
    ProviderError,
    ProviderUnavailable,
    QuotaExhausted,
    RateLimited,
    Unreachable,
    describe_validation_error,
    parse_model,
)
from library_pipeline.clients.http.rate_limit import (
    Limiter,
    PoliteTransport,
    ProviderLimits,
    SlotLimiter,
    make_limiter,
    parse_retry_after,
)
from library_pipeline.clients.http.redaction import redact

__all__ = [
    "MISSING_MARKER",
    "RECLAIM_EVERY_SECONDS",
    "USER_AGENT",
    "AuthError",
    "BadResponse",
    "CircuitOpen",
    "Classifier",
    "ClientStats",
    "CrossOriginRefused",
    "HttpClient",
    "InlineSqliteConnection",
    "InvalidCredentials",
    "Limiter",
    "MalformedResponse",
    "NotFound",
    "PoliteTransport",
    "ProviderError",
    "ProviderLimits",
    "ProviderUnavailable",
    "QuotaExhausted",
    "RateLimited",
    "ServiceClient",
    "SlotLimiter",
    "Unreachable",
    "cache_storage_class",
    "describe_validation_error",
    "make_limiter",
    "parse_model",
    "parse_retry_after",
    "redact",
    "shared_ssl_context",
]
