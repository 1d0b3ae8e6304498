"""Tests that start a real service (PostgreSQL, qbittorrent-nox, Chromium, a Dagster daemon) carry
`@pytest.mark.slow`, so `-m "not slow"` is a fast subset. The helpers that start those services
call `require_slow_mark`, which fails a test that forgot the mark instead of letting the fast
subset quietly grow slow."""

import pytest

_running: list[pytest.Item] = []


def track(item: pytest.Item | None) -> None:
    """Called by conftest around each test: the test now running (None between tests)."""
    _running.clear()
    if item is not None:
        _running.append(item)


def require_slow_mark(service: str) -> None:
    """Fail the running test unless it is marked slow (outside a test, do nothing)."""
    if _running and _running[0].get_closest_marker("slow") is None:
        pytest.fail(
            f"{_running[0].nodeid} starts {service}: mark it @pytest.mark.slow", pytrace=False
        )
