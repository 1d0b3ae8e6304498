"""A crawl leaves no process behind: crawl4ai's Playwright driver (node) is stopped with the
crawl (left running, it also kept objects alive until interpreter exit, where DuckDB's bindings
printed pages of "leaked" objects)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from library_pipeline.services.guides_crawler import crawl_mam_guides
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline_tests.mam.test_guides_crawler import config
from library_pipeline_tests.support.stubs.mam import MamStub

pytestmark = [
    pytest.mark.slow,  # starts Chromium
    pytest.mark.skipif(
        not (shutil.which("chromium") or shutil.which("chromium-browser")),
        reason="Chromium missing: apt-get install chromium",
    ),
]


def children_running(marker: str) -> list[int]:
    """Pids of this process's live children whose command line contains `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        state, parent = stat[0], int(stat[1])
        if parent == os.getpid() and state != "Z" and marker in cmdline:
            found.append(int(entry.name))
    return found


async def test_a_crawl_stops_the_playwright_driver(mam, duckdb_url, tmp_path) -> None:
    before = set(children_running("playwright/driver"))
    engine = make_engine(duckdb_url)
    try:
        with session_scope(engine) as session:
            result = await crawl_mam_guides(
                session, config(mam, tmp_path, min_delay=0.05, max_delay=0.1, max_guides=1)
            )
    finally:
        engine.dispose()
    assert result.guides_count == 1
    assert set(children_running("playwright/driver")) - before == set()
    assert MamStub.BROWSER_COOKIE not in str(result)
