"""The guides crawler through real Chromium (crawl4ai) against the stub MAM's guide pages."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.services.guides_crawler import (
    GuidesCrawlerConfig,
    crawl_mam_guides,
    find_chromium,
    get_crawler_status,
    reset_crawler_state,
)
from library_pipeline.services.mam.results import CrawlReset
from library_pipeline.storage.engine import make_engine, session_scope
from library_pipeline.storage.models import CrawlPage
from library_pipeline_tests.support.stub_server import StubResponse
from library_pipeline_tests.support.stubs.mam import GUIDES, MamStub

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,  # every test starts Chromium
    pytest.mark.skipif(
        not (shutil.which("chromium") or shutil.which("chromium-browser")),
        reason="Chromium missing: apt-get install chromium",
    ),
]


def config(mam: MamStub, tmp_path: Path, **kw) -> GuidesCrawlerConfig:
    kw.setdefault("min_delay", 0.2)
    kw.setdefault("max_delay", 0.3)
    return GuidesCrawlerConfig(
        base_url=mam.url,
        cookie=kw.pop("cookie", MamStub.BROWSER_COOKIE),
        output_dir=tmp_path / "guides",
        work_dir=tmp_path / "work",
        **kw,
    )


def statuses(engine) -> dict[int, str]:
    with Session(engine) as session:
        pages = session.scalars(select(CrawlPage)).all()
    return {int(p.url.rsplit("=", 1)[1]): p.status for p in pages}


def browsers_using(path: Path) -> list[int]:
    """Pids of live processes whose command line mentions `path` (our Chromium's profile)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if str(path) in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


async def test_crawl_saves_markdown_records_failures_and_honours_delays(
    mam, duckdb_url, tmp_path
) -> None:
    engine = make_engine(duckdb_url)
    mam.broken_guides.add(103)  # HTTP 500
    mam.stalled_guides[104] = 4.0  # does not render within the page timeout
    cfg = config(mam, tmp_path, min_delay=0.3, max_delay=0.45, page_timeout_seconds=1.5)
    with session_scope(engine) as session:
        result = await crawl_mam_guides(session, cfg)

    assert result.errors == []
    assert result.guides_count == 4
    assert result.discovered == 6
    failed = {f.url.rsplit("=", 1)[1]: f.reason for f in result.failed_guides}
    assert failed["103"] == "HTTP 500"
    assert "104" in failed
    assert failed["104"]
    assert statuses(engine) == {101: "done", 102: "done", 103: "failed", 104: "failed",
                                105: "done", 106: "done"}  # fmt: skip
    assert mam.guide_fetches() == [None, 101, 102, 103, 104, 105, 106]

    # Polite: every page fetch starts at least min_delay after the previous one.
    spacing = mam.min_spacing(MamStub.GUIDES)
    assert spacing is not None
    assert spacing >= 0.3, spacing

    # Markdown with title, URL and fetch time.
    files = sorted(p.name for p in (tmp_path / "guides").iterdir())
    assert files == [
        "101-ratio-seeding-and-you.md",
        "102-understanding-freeleech-and-vip.md",
        "105-uploading-audiobooks-naming-and-tags.md",
        "106-client-settings-that-keep-you-safe.md",
    ]
    text = (tmp_path / "guides" / files[0]).read_text()
    assert text.startswith('---\ntitle: "Ratio, Seeding and You"\n')
    assert f'url: "{mam.guide_url(101)}"' in text
    assert "fetched_at: " in text
    assert "# Ratio, Seeding and You" in text
    assert "72 hours" in text

    # Honest and authenticated: our User-Agent, the browser session cookie, and only
    # Chromium's own client hints (crawl4ai would add a made-up "Google Chrome" one).
    page_request = next(r for r in mam.requests if r.arg("gid") == "101")
    assert page_request.headers["user-agent"].startswith("library_pipeline/")
    assert f"mam_id={MamStub.BROWSER_COOKIE}" in page_request.headers["cookie"]
    assert "Google Chrome" not in page_request.headers.get("sec-ch-ua", "")

    with Session(engine) as session:
        status = get_crawler_status(session)
    assert status.completed_count == 4
    assert status.failed_count == 2
    assert status.pending_count == 0
    assert status.last_run
    assert status.state_file_exists
    assert status.index_fetched_at
    assert status.last_run_finished

    # Next run: the index again (new guides?), then only the failed pages; done pages never.
    mam.broken_guides.clear()
    mam.stalled_guides.clear()
    mam.guides[107] = ("A Guide Added Later", "Written after the first crawl. " * 20)
    mam.reset_log()
    # ...and MAM says "slow down" once: the crawler waits out Retry-After, then asks again.
    mam.inject(MamStub.GUIDES, StubResponse(429, "slow down", headers={"Retry-After": "2"}))
    with session_scope(engine) as session:
        second = await crawl_mam_guides(session, cfg)
    assert mam.guide_fetches() == [None, None, 107, 103, 104]
    index_times = mam.times(MamStub.GUIDES)[:2]
    assert index_times[1] - index_times[0] >= 2.0
    assert second.guides_count == 3
    assert second.failed_guides == []
    assert second.skipped_done == 4
    assert second.discovered == 1
    assert set(statuses(engine).values()) == {"done"}

    with session_scope(engine) as session:
        reset = reset_crawler_state(session, delete_output=True, output_dir=tmp_path / "guides")
    assert reset == CrawlReset(deleted_pages=7, deleted_files=7)
    with Session(engine) as session:
        status = get_crawler_status(session)
    assert status.completed_count == 0
    assert not status.state_file_exists
    assert list((tmp_path / "guides").iterdir()) == []
    assert browsers_using(tmp_path / "work") == []
    engine.dispose()


def test_killed_crawl_resumes_without_refetching_done_pages(mam, duckdb_url, tmp_path) -> None:
    mam.stalled_guides[103] = 20.0  # the crawl is killed while this page loads
    work = tmp_path / "work"
    child = subprocess.Popen(
        [
            sys.executable, "-m", "library_pipeline_tests.mam.crawl_child", duckdb_url,
            mam.url, str(tmp_path / "guides"), str(work), "0.2", "0.3",
        ],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while 103 not in mam.guide_fetches():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the crawl never reached guide 103"
            time.sleep(0.05)
        assert browsers_using(work), "the crawl runs a real Chromium"
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the crawler's own process group only
        child.wait()
    deadline = time.monotonic() + 10
    while browsers_using(work) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browsers_using(work) == [], "Chromium must die with the crawler"

    engine = make_engine(duckdb_url)
    before = statuses(engine)
    assert before == {101: "done", 102: "done", 103: "pending", 104: "pending",
                      105: "pending", 106: "pending"}  # fmt: skip
    assert sorted(p.name[:3] for p in (tmp_path / "guides").iterdir()) == ["101", "102"]

    mam.stalled_guides.clear()
    mam.reset_log()
    rerun = subprocess.run(
        [
            sys.executable, "-m", "library_pipeline_tests.mam.crawl_child", duckdb_url,
            mam.url, str(tmp_path / "guides"), str(work), "0.2", "0.3",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    # Resumed where it stopped: no index (pages were pending), done pages never again.
    assert mam.guide_fetches() == [103, 104, 105, 106]
    assert set(statuses(engine).values()) == {"done"}
    assert len(list((tmp_path / "guides").iterdir())) == len(GUIDES)
    assert list(work.glob("chromium-profile-*")) == []  # the killed run's profile is gone too
    engine.dispose()


async def test_not_signed_in_stops_and_keeps_pages_pending(mam, duckdb_url, tmp_path) -> None:
    engine = make_engine(duckdb_url)
    # An API-type session cannot load HTML pages: MAM says "not signed in" at the index.
    with session_scope(engine) as session:
        api_session = await crawl_mam_guides(
            session, config(mam, tmp_path, cookie=MamStub.API_COOKIE)
        )
    assert "not signed in" in api_session.errors[0]
    assert "LIBRARY_PIPELINE_MAM_BROWSER_MAM_ID" in api_session.errors[0]
    assert MamStub.API_COOKIE not in str(api_session)
    assert statuses(engine) == {}

    # The session dies mid-crawl: stop at once, the page and the rest stay pending.
    mam.auth_fail_guides.add(102)
    with session_scope(engine) as session:
        result = await crawl_mam_guides(session, config(mam, tmp_path))
    assert "not signed in" in result.errors[0]
    assert result.guides_count == 1
    assert statuses(engine) == {101: "done", 102: "pending", 103: "pending", 104: "pending",
                                105: "pending", 106: "pending"}  # fmt: skip
    assert mam.guide_fetches()[-1] == 102

    # No cookie at all: nothing is fetched.
    mam.reset_log()
    with session_scope(engine) as session:
        none = await crawl_mam_guides(session, config(mam, tmp_path, cookie=""))
    assert "LIBRARY_PIPELINE_MAM_BROWSER_MAM_ID" in none.errors[0]
    assert mam.requests == []
    engine.dispose()


async def test_chromium_missing_is_a_clear_error(mam, duckdb_url, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    with pytest.raises(Exception, match=r"apt-get install chromium"):
        find_chromium("")
    engine = make_engine(duckdb_url)
    with session_scope(engine) as session:
        result = await crawl_mam_guides(
            session, config(mam, tmp_path, chromium_path="/nonexistent/chromium")
        )
    assert "install Debian's `chromium` package" in result.errors[0]
    assert result.guides_count == 0
    assert mam.requests == []
    engine.dispose()
