"""Crawl MyAnonamouse's guides into Markdown files with crawl4ai and Debian's Chromium.

- The guides index (`/guides/`) is read for links to guides (`/guides/?gid=<n>`); every guide
  becomes a `crawl_pages` row: pending, done, or failed with why.
- State is committed per page, so a run killed half-way resumes where it stopped and never
  fetches a done page again. Failed pages are retried on later runs (up to `max_attempts`).
- Polite, not stealthy: one page at a time, a random delay in [min_delay, max_delay] between
  page fetches (defaults 10-30 s), the user's own *browser-type* session cookie (MAM's API-type
  sessions cannot load HTML pages), an honest User-Agent naming this tool, and none of
  crawl4ai's evasions (no stealth, no navigator overrides, no simulated user, and Chromium is
  launched by us without `--disable-blink-features=AutomationControlled`).
- Chromium: Debian's `chromium`, started headless with background networking, component
  updates, sync and first-run off (the network here is closed), `--no-sandbox` only as root;
  crawl4ai drives it over CDP. The browser dies with this process (PR_SET_PDEATHSIG).
- Each guide is saved as `<gid>-<slug>.md` with its title, URL and fetch time in front matter.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from library_pipeline.clients.http import USER_AGENT, parse_retry_after, redact
from library_pipeline.clients.mam_cookies import cookie_origin
from library_pipeline.domain import mam_parsing as mp
from library_pipeline.services.chromium import ChromiumMissing, chromium_browser, find_chromium
from library_pipeline.services.mam.results import (
    CrawlerStatus,
    CrawlReset,
    CrawlResult,
    FailedGuide,
)
from library_pipeline.storage.app_state import delete_state, get_state, set_state
from library_pipeline.storage.models import CrawlPage, utcnow

STATE_KEY = "mam.guides_crawler"
BROWSER_COOKIE_KEY = "mam.browser_session"


class CrawlStopped(RuntimeError):
    """The crawl cannot go on now (pages stay pending): not signed in, or MAM asked to wait."""


class GuidesNotSignedIn(CrawlStopped):
    pass


# A Retry-After longer than this stops the crawl (pending pages wait for the next run).
MAX_RETRY_AFTER = 600.0


@dataclass
class GuidesCrawlerConfig:
    """How to crawl. `max_guides` 0 = every pending guide; delays in seconds."""

    base_url: str
    cookie: str = field(repr=False)
    output_dir: Path
    work_dir: Path
    max_guides: int = 0
    resume: bool = True
    min_delay: float = 10.0
    max_delay: float = 30.0
    index_path: str = "/guides/"
    chromium_path: str = ""
    page_timeout_seconds: float = 60.0
    max_attempts: int = 3
    user_agent: str = f"{USER_AGENT} guides-crawler"

    def __post_init__(self) -> None:
        self.output_dir = Path(self.output_dir)
        self.work_dir = Path(self.work_dir)
        self.min_delay = max(0.0, float(self.min_delay))
        self.max_delay = max(self.min_delay, float(self.max_delay))

    @property
    def index_url(self) -> str:
        return self.base_url.rstrip("/") + "/" + self.index_path.strip("/") + "/"


def _now() -> datetime:
    return datetime.now(UTC)


# --- fetching ------------------------------------------------------------------------------


@dataclass
class Fetched:
    url: str
    ok: bool
    status: int | None
    html: str = ""
    markdown: str = ""
    title: str | None = None
    reason: str | None = None
    signed_out: bool = False
    retry_after: float | None = None


class Pacer:
    """A random pause in [min_delay, max_delay] between the end of one fetch and the next."""

    def __init__(self, min_delay: float, max_delay: float) -> None:
        self.min_delay = min_delay
        self.max_delay = max_delay
        self.last_end: float | None = None
        self.not_before = 0.0

    def pause(self, seconds: float) -> None:
        """No fetch before `seconds` from now (a 429's Retry-After)."""
        self.not_before = max(self.not_before, time.monotonic() + seconds)

    async def wait(self) -> None:
        until = self.not_before
        if self.last_end is not None:
            until = max(until, self.last_end + random.uniform(self.min_delay, self.max_delay))
        remaining = until - time.monotonic()
        if remaining > 0:
            await asyncio.sleep(remaining)

    def done(self) -> None:
        self.last_end = time.monotonic()


def _prepare_crawl4ai(work_dir: Path) -> None:
    """crawl4ai reads its home at import time: keep it in our data dir, and quiet."""
    base = work_dir / "crawl4ai"
    base.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CRAWL4_AI_BASE_DIRECTORY", str(base))
    os.environ["CRAWL4AI_NO_CLOUD_NOTICE"] = "1"


class GuideFetcher:
    def __init__(self, crawler: Any, config: GuidesCrawlerConfig, secrets: list[str]) -> None:
        from crawl4ai import CacheMode, CrawlerRunConfig

        self.crawler = crawler
        self.config = config
        self.secrets = secrets
        self.pacer = Pacer(config.min_delay, config.max_delay)
        self.fetches = 0
        self.run_config = CrawlerRunConfig(
            cache_mode=CacheMode.BYPASS,
            page_timeout=int(config.page_timeout_seconds * 1000),
            wait_until="domcontentloaded",
            verbose=False,
            log_console=False,
        )

    async def fetch(self, url: str) -> Fetched:
        await self.pacer.wait()
        self.fetches += 1
        try:
            result = await self.crawler.arun(url, config=self.run_config)
        except Exception as error:  # noqa: BLE001 - a page that fails to render must not stop the crawl
            return Fetched(url, False, None, reason=self._clean(f"render failed: {error}"))
        finally:
            self.pacer.done()
        status = getattr(result, "status_code", None)
        html_text = getattr(result, "html", "") or ""
        final_url = getattr(result, "redirected_url", None) or url
        if status in (401, 403) or mp.is_login_page(final_url, html_text):
            return Fetched(url, False, status, reason="not signed in", signed_out=True)
        markdown = str(getattr(result, "markdown", "") or "").strip()
        title = None
        metadata = getattr(result, "metadata", None) or {}
        if isinstance(metadata, dict):
            title = mp.to_text(metadata.get("title"))
        if status == 429:
            headers = getattr(result, "response_headers", None) or {}
            retry = {str(k).lower(): v for k, v in headers.items()}.get("retry-after")
            return Fetched(
                url, False, status, reason="rate limited (HTTP 429)",
                retry_after=parse_retry_after(retry),
            )  # fmt: skip
        if status is not None and not 200 <= status < 300:
            return Fetched(url, False, status, reason=f"HTTP {status}")
        if not getattr(result, "success", False):
            message = getattr(result, "error_message", None) or "crawl4ai reported a failure"
            return Fetched(url, False, status, reason=self._clean(str(message)))
        if not markdown:
            return Fetched(url, False, status, reason="page rendered empty")
        return Fetched(url, True, status, html=html_text, markdown=markdown, title=title)

    async def fetch_politely(self, url: str) -> Fetched:
        """`fetch`, honouring a 429: wait its Retry-After (or twice the longest delay), try
        once more; a second 429 or a wait over `MAX_RETRY_AFTER` stops the crawl."""
        for _attempt in range(2):
            fetched = await self.fetch(url)
            if fetched.status != 429:
                return fetched
            wait = (
                fetched.retry_after if fetched.retry_after is not None else 2 * self.pacer.max_delay
            )
            if wait > MAX_RETRY_AFTER:
                break
            self.pacer.pause(wait)
        raise CrawlStopped(
            "MAM asked the crawler to slow down (HTTP 429); stopped, the pending guides stay "
            "pending for the next run"
        )

    def _clean(self, text: str) -> str:
        return redact(" ".join(text.split()), self.secrets)[:500]


# --- state ---------------------------------------------------------------------------------


def _load_browser_cookie(session: Session, configured: str) -> str:
    record = get_state(session, BROWSER_COOKIE_KEY)
    if (
        isinstance(record, dict)
        and record.get("origin") == cookie_origin(configured)
        and isinstance(record.get("value"), str)
        and record["value"]
    ):
        return str(record["value"])
    return configured


async def _keep_rotated_cookie(
    crawler: Any, session: Session, config: GuidesCrawlerConfig, current: str
) -> bool:
    """If MAM rotated the browser session's cookie during the crawl, keep the new value."""
    try:
        context = crawler.crawler_strategy.browser_manager.default_context
        cookies = await context.cookies(config.base_url)
    except Exception:  # noqa: BLE001 - best effort; the configured cookie still works
        return False
    for cookie in cookies:
        if cookie.get("name") == "mam_id" and cookie.get("value") not in ("", None, current):
            set_state(
                session,
                BROWSER_COOKIE_KEY,
                {
                    "origin": cookie_origin(config.cookie),
                    "value": cookie["value"],
                    "rotated_at": _now().isoformat(timespec="seconds"),
                },
            )
            session.commit()
            return True
    return False


def _todo(session: Session, max_attempts: int) -> list[CrawlPage]:
    return list(
        session.scalars(
            select(CrawlPage)
            .where(
                (CrawlPage.status == "pending")
                | ((CrawlPage.status == "failed") & (CrawlPage.attempts < max_attempts))
            )
            .order_by(CrawlPage.status.desc(), CrawlPage.id)  # pending first, then retries
        )
    )


def _record_links(session: Session, links: list[tuple[str, str]]) -> int:
    known = set(session.scalars(select(CrawlPage.url)))
    added = 0
    for url, title in links:
        if url in known:
            continue
        session.add(CrawlPage(url=url, title=title or None, status="pending", attempts=0))
        known.add(url)
        added += 1
    session.commit()
    return added


def _write_guide(page: CrawlPage, fetched: Fetched, output_dir: Path, when: datetime) -> Path:
    title = page.title or fetched.title or f"Guide {mp.guide_id(page.url) or page.id}"
    gid = mp.guide_id(page.url)
    name = f"{gid if gid is not None else page.id}-{mp.slugify(title)}.md"
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / name
    body = (
        "---\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"url: {json.dumps(page.url)}\n"
        f"fetched_at: {json.dumps(when.isoformat(timespec='seconds'))}\n"
        "---\n\n"
        f"{fetched.markdown.strip()}\n"
    )
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, path)
    return path


# --- the service ---------------------------------------------------------------------------


async def crawl_mam_guides(session: Session, config: GuidesCrawlerConfig) -> CrawlResult:
    """Crawl pending guides (the index first when none is pending, or without `resume`)."""
    result = CrawlResult(
        timestamp=_now().isoformat(timespec="seconds"), guides_output_dir=config.output_dir
    )
    if not config.cookie:
        result.errors.append(
            "no browser session cookie: set LIBRARY_PIPELINE_MAM_BROWSER_MAM_ID to the mam_id of "
            "a browser-type MAM session (API-type sessions cannot load MAM's HTML pages)"
        )
        return result
    try:
        executable = find_chromium(config.chromium_path)
    except ChromiumMissing as error:
        result.errors.append(str(error))
        return result

    if not config.resume:
        session.execute(
            update(CrawlPage).values(status="pending", attempts=0, reason=None, updated_at=utcnow())
        )
    state = get_state(session, STATE_KEY) or {}
    state = {**state, "last_run": result.timestamp, "last_run_finished": None}
    set_state(session, STATE_KEY, state)
    session.commit()

    cookie = _load_browser_cookie(session, config.cookie)
    secrets = [s for s in {config.cookie, cookie} if s]
    result.skipped_done = (
        session.scalar(
            select(func.count()).select_from(CrawlPage).where(CrawlPage.status == "done")
        )
        or 0
    )
    _prepare_crawl4ai(config.work_dir)
    try:
        from crawl4ai import AsyncWebCrawler, BrowserConfig
    except ImportError as error:  # pragma: no cover - crawl4ai is the `crawler` extra
        result.errors.append(
            f"crawl4ai is not installed (pip install 'library_pipeline[crawler]'): {error}"
        )
        return result

    fetcher: GuideFetcher | None = None
    try:
        async with chromium_browser(executable, config.work_dir, config.user_agent) as cdp_url:
            browser_config = BrowserConfig(
                browser_mode="cdp",
                cdp_url=cdp_url,
                user_agent="",  # Chromium's --user-agent (honest) applies; crawl4ai adds none
                cookies=[{"name": "mam_id", "value": cookie, "url": config.base_url}],
                verbose=False,
                # Without it crawl4ai leaves its Playwright driver (node) running after a CDP
                # crawl: a process per crawl, and objects alive at interpreter exit. Chromium
                # itself is ours to stop (chromium_browser); no delay is needed before that.
                cdp_cleanup_on_close=True,
                cdp_close_delay=0,
            )
            # crawl4ai derives a fake `sec-ch-ua` header from its default user agent: none.
            browser_config.headers.pop("sec-ch-ua", None)
            async with AsyncWebCrawler(config=browser_config) as crawler:
                fetcher = GuideFetcher(crawler, config, secrets)
                await _crawl(session, config, fetcher, result)
                await _keep_rotated_cookie(crawler, session, config, cookie)
    except CrawlStopped as error:
        result.errors.append(str(error))
    except Exception as error:  # noqa: BLE001 - the browser could not start, or crawl4ai broke
        session.rollback()
        result.errors.append(redact(f"crawler stopped: {error}", secrets)[:500])
    finally:
        result.pages_fetched = fetcher.fetches if fetcher else 0
        finished = _now().isoformat(timespec="seconds")
        set_state(
            session,
            STATE_KEY,
            {**(get_state(session, STATE_KEY) or {}), "last_run_finished": finished},
        )
        session.commit()
    return result


async def _crawl(
    session: Session, config: GuidesCrawlerConfig, fetcher: GuideFetcher, result: CrawlResult
) -> None:
    pending = _todo(session, config.max_attempts)
    if not config.resume or not any(p.status == "pending" for p in pending):
        index = await fetcher.fetch_politely(config.index_url)
        if index.signed_out:
            raise GuidesNotSignedIn(_signed_out_message())
        if not index.ok:
            result.errors.append(f"guides index {config.index_url}: {index.reason}")
        else:
            links = mp.extract_guide_links(index.html, config.index_url, config.index_path)
            if not links:
                result.errors.append(f"guides index {config.index_url}: no guide links found")
            result.discovered = _record_links(session, links)
            state = get_state(session, STATE_KEY) or {}
            set_state(
                session,
                STATE_KEY,
                {**state, "index_fetched_at": _now().isoformat(timespec="seconds")},
            )
            session.commit()
        pending = _todo(session, config.max_attempts)

    if config.max_guides:
        pending = pending[: config.max_guides]
    for page in pending:
        fetched = await fetcher.fetch_politely(page.url)
        if fetched.signed_out:
            # The page is not at fault: leave it pending and stop (every page would fail).
            raise GuidesNotSignedIn(_signed_out_message())
        page.attempts = (page.attempts or 0) + 1
        page.updated_at = utcnow()
        if fetched.ok:
            when = _now()
            try:
                path = _write_guide(page, fetched, config.output_dir, when)
            except OSError as error:
                page.status = "failed"
                page.reason = f"cannot write the Markdown file: {error}"
            else:
                page.status = "done"
                page.reason = None
                page.title = page.title or fetched.title
                page.output_path = str(path)
                page.fetched_at = when.replace(tzinfo=None)
                result.guides_count += 1
        else:
            page.status = "failed"
            page.reason = fetched.reason
        if page.status == "failed":
            result.failed_guides.append(FailedGuide(page.url, page.reason))
        session.commit()


def _signed_out_message() -> str:
    return (
        "not signed in: MAM refused the browser session cookie (expired, or locked to another "
        "IP). Log in to MAM in a browser, copy the mam_id cookie of that session into "
        "LIBRARY_PIPELINE_MAM_BROWSER_MAM_ID, and run again; pending guides stay pending"
    )


def get_crawler_status(session: Session) -> CrawlerStatus:
    """The crawler's state: page counts by status, the last run and index fetch."""
    counts = dict(
        session.execute(select(CrawlPage.status, func.count()).group_by(CrawlPage.status)).all()
    )
    state = get_state(session, STATE_KEY) or {}
    total = sum(counts.values())
    return CrawlerStatus(
        completed_count=counts.get("done", 0),
        failed_count=counts.get("failed", 0),
        pending_count=counts.get("pending", 0),
        last_run=state.get("last_run"),
        last_run_finished=state.get("last_run_finished"),
        index_fetched_at=state.get("index_fetched_at"),
        state_file_exists=bool(total or state),
    )


def reset_crawler_state(
    session: Session, *, delete_output: bool = False, output_dir: Path | None = None
) -> CrawlReset:
    """Forget every page's state (the next crawl starts from the index); optionally delete the
    saved Markdown files too."""
    paths = [Path(p) for p in session.scalars(select(CrawlPage.output_path)) if p]
    deleted_pages = session.query(CrawlPage).delete()
    delete_state(session, STATE_KEY)
    session.commit()
    deleted_files = 0
    if delete_output:
        for path in paths:
            if output_dir is not None and Path(output_dir) not in path.parents:
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                deleted_files += 1
    return CrawlReset(deleted_pages=deleted_pages, deleted_files=deleted_files)
