"""The errors every service client raises: one `ProviderError` family, never a raw exception."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)


class ProviderError(Exception):
    """A provider call failed; the message names the provider and never holds a secret."""

    retryable = False
    # An error that every later call would repeat (an invalid key, a spent daily quota) opens
    # the circuit at once: the rest of the run skips the provider instead of failing N times.
    opens_circuit = False

    def __init__(self, provider: str, message: str, status: int | None = None) -> None:
        self.provider = provider
        self.status = status
        super().__init__(f"{provider}: {message}")


class RateLimited(ProviderError):
    retryable = True

    def __init__(self, provider: str, message: str, retry_after: float | None) -> None:
        super().__init__(provider, message, 429)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """5xx, timeout, refused connection, or the circuit breaker is open."""

    retryable = True


class Unreachable(ProviderUnavailable):
    """The connection was refused or the host is unknown: a retry a moment later meets the same
    closed port, so it is not retried; repeated, it opens the circuit like any outage."""

    retryable = False


class AuthError(ProviderError):
    """Invalid or missing credentials: retrying will not help; the user must act."""


class InvalidCredentials(AuthError):
    """The key or token was refused: no later call can succeed, so the circuit opens."""

    opens_circuit = True


class QuotaExhausted(ProviderError):
    """A quota that does not refill within the run (e.g. per day): the circuit opens."""

    opens_circuit = True


class NotFound(ProviderError):
    pass


class MalformedResponse(ProviderError):
    """The body was not what the provider's contract says (HTML, wrong type, missing field)."""


class CircuitOpen(ProviderUnavailable):
    retryable = False


def describe_validation_error(error: ValidationError) -> str:
    """`field a.b.0: Input should be a valid string` for the first error (the one to fix)."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"]) or "<body>"
    return f"field {location}: {first['msg']}"


def parse_model(provider: str, model: type[T], data: Any) -> T:
    """Validate `data` into `model`, raising a `MalformedResponse` that names the field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise MalformedResponse(provider, describe_validation_error(error)) from None


class BadResponse(ProviderUnavailable):
    """The exchange failed in a way a retry would repeat (a redirect loop, a broken gzip
    stream, a body over the size cap, a protocol error): counted towards the circuit, not
    retried."""

    retryable = False


class CrossOriginRefused(ProviderError):
    """A request carrying a credential was headed for another origin than the configured one
    (a redirect, or an absolute URL): refused, so the credential never leaves."""
