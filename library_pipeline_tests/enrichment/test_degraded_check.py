"""Degraded is visible: when most books could not be enriched the provider check fails as an
error naming the failing providers; a few failures stay a warning."""

from __future__ import annotations

import dagster as dg

from library_pipeline.defs.enrichment.assets import health_check, provider_health

DOWN = {"network_requests": 9, "failures": 9, "circuit_open": True,
        "last_error": "open_library: cannot connect (ConnectError) on /search.json"}  # fmt: skip
UP = {"network_requests": 9, "failures": 0, "circuit_open": False}
DISABLED = {"network_requests": 0, "failures": 0, "circuit_open": False, "disabled": "no token"}


def check_for(status: dict, processed: int, failed: int) -> dg.AssetCheckResult:
    healthy, rows = provider_health(status)
    return health_check(processed=processed, failed=failed, healthy=healthy, health_rows=rows)


def test_most_books_failed_is_an_error_naming_the_providers() -> None:
    status = {"open_library": DOWN, "google_books": DOWN, "hardcover": DISABLED, "audnexus": UP}
    check = check_for(status, processed=9, failed=9)
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert check.description is not None
    assert "9 of 9 books failed" in check.description
    assert "open_library, google_books" in check.description
    assert "hardcover" not in check.description  # no token is "skipped", not a failure
    assert check.metadata["failing_providers"].value == ["open_library", "google_books"]


def test_a_failing_provider_with_most_books_enriched_is_a_warning() -> None:
    check = check_for({"open_library": DOWN, "audnexus": UP}, processed=9, failed=1)
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert "open_library" in (check.description or "")


def test_every_provider_answering_passes() -> None:
    check = check_for({"open_library": UP, "hardcover": DISABLED}, processed=9, failed=0)
    assert check.passed
