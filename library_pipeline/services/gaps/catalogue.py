"""The gap catalogue: list the books of every owned series and kept author from the providers,
store them in `catalogue_entries` (so gap finding re-runs without the network), and remember
which series and authors could not be checked at all (blind is not empty)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from library_pipeline.clients.http import ProviderError
from library_pipeline.clients.providers import Providers
from library_pipeline.clients.records import CatalogueRecord
from library_pipeline.domain.gaps.queries import catalogue_queries, series_author_names
from library_pipeline.storage.app_state import get_state, set_state
from library_pipeline.storage.models import CatalogueEntryRow, utcnow
from library_pipeline.storage.queries import load_owned_books

# app_state key: the series and authors the last catalogue refresh could not check.
UNCHECKED_STATE = "gaps.unchecked"

Fetch = Callable[[], Awaitable[list[CatalogueRecord]]]


@dataclass(frozen=True, slots=True)
class CatalogueCall:
    """One provider request of the refresh: a series or an author's bibliography."""

    kind: str  # "series" | "author"
    value: str
    provider: str
    fetch: Fetch


@dataclass(slots=True)
class CatalogueResult:
    """What one catalogue refresh did."""

    series_queried: int
    authors_queried: int
    requests_planned: int
    entries_stored: int
    errors: list[dict[str, str]]
    providers: dict[str, dict[str, Any]]
    # Asked, but no provider answered for them (down, rate-limited, or none configured).
    unchecked_series: list[str] = field(default_factory=list)
    unchecked_authors: list[str] = field(default_factory=list)


class CatalogueSource(Protocol):
    """One offline source that lists series and bibliographies (the sample library's catalogue,
    `clients/sample_catalogue.py`); asked instead of the providers."""

    name: str

    async def series_books(self, series_name: str) -> list[CatalogueRecord]: ...
    async def author_books(self, author_name: str) -> list[CatalogueRecord]: ...
    def status(self) -> dict[str, dict[str, Any]]: ...


def plan_calls(
    providers: Providers | CatalogueSource, series: Sequence[str], authors: Sequence[str]
) -> list[CatalogueCall]:
    """The requests: series on Hardcover, bibliographies on every provider that lists them."""
    calls: list[CatalogueCall] = []
    if not isinstance(providers, Providers):  # one source answers for everything
        source = providers
        calls += [
            CatalogueCall("series", s, source.name, partial(source.series_books, s)) for s in series
        ]
        calls += [
            CatalogueCall("author", a, source.name, partial(source.author_books, a))
            for a in authors
        ]
        return calls
    if providers.available("hardcover"):
        hardcover = providers.hardcover
        calls += [
            CatalogueCall("series", s, "hardcover", partial(hardcover.series_books, s))
            for s in series
        ]
        calls += [
            CatalogueCall("author", a, "hardcover", partial(hardcover.author_books, a))
            for a in authors
        ]
    if providers.available("open_library"):
        library = providers.open_library
        calls += [
            CatalogueCall("author", a, "open_library", partial(library.author_books, a))
            for a in authors
        ]
    if providers.available("google_books"):
        google = providers.google_books
        calls += [
            CatalogueCall("author", a, "google_books", partial(google.author_books, a))
            for a in authors
        ]
    return calls


async def fetch_gap_catalogue(
    session: Session,
    providers: Providers | CatalogueSource,
    *,
    min_books_threshold: int = 2,
    series_names: Sequence[str] | None = None,
    author_names: Sequence[str] | None = None,
    concurrency: int = 4,
) -> CatalogueResult:
    """List the books of every owned series and kept author from the providers, and store them
    in `catalogue_entries`; remember what could not be checked (``unchecked``)."""
    owned = load_owned_books(session)
    series, authors = catalogue_queries(owned, min_books_threshold, series_names, author_names)
    calls = plan_calls(providers, series, authors)
    gate = asyncio.Semaphore(concurrency)
    errors: list[dict[str, str]] = []
    answered: set[tuple[str, str]] = set()

    async def run(call: CatalogueCall) -> tuple[str, str, list[CatalogueRecord]]:
        async with gate:
            try:
                records = await call.fetch()
            except ProviderError as error:
                errors.append(
                    {
                        "query": f"{call.kind}: {call.value}",
                        "provider": call.provider,
                        "error": str(error),
                    }
                )
                return call.kind, call.value, []
            answered.add((call.kind, call.value))
            return call.kind, call.value, records

    results = await asyncio.gather(*(run(call) for call in calls))
    stored = store_catalogue(session, results)
    blind_series, blind_authors = unchecked(series, authors, answered, series_author_names(owned))
    remember_unchecked(
        session, blind_series, blind_authors, narrowed=bool(series_names or author_names)
    )
    return CatalogueResult(
        series_queried=len(series),
        authors_queried=len(authors),
        requests_planned=len(calls),
        entries_stored=stored,
        errors=errors,
        providers=providers.status(),
        unchecked_series=blind_series,
        unchecked_authors=blind_authors,
    )


def unchecked(
    series: Sequence[str],
    authors: Sequence[str],
    answered: set[tuple[str, str]],
    series_authors: dict[str, set[str]],
) -> tuple[list[str], list[str]]:
    """The series and authors no provider answered for. A series counts as checked when its
    own query or one of its authors' bibliographies was answered (those carry its entries)."""
    blind_authors = [a for a in authors if ("author", a) not in answered]
    blind_series = [
        s
        for s in series
        if ("series", s) not in answered
        and not any(("author", a) in answered for a in series_authors.get(s, ()))
    ]
    return blind_series, blind_authors


def remember_unchecked(
    session: Session, series: list[str], authors: list[str], *, narrowed: bool
) -> None:
    """Store the blind series/authors for the gap assets; a narrowed refresh (one series or
    author) adds to the last full refresh's list and clears only what it checked."""
    if narrowed:
        last = get_state(session, UNCHECKED_STATE, {}) or {}
        series = sorted(set(last.get("series", [])) | set(series))
        authors = sorted(set(last.get("authors", [])) | set(authors))
    set_state(
        session,
        UNCHECKED_STATE,
        {"series": series, "authors": authors, "at": utcnow().isoformat()},
    )
    session.commit()


def last_unchecked(session: Session) -> tuple[list[str], list[str]]:
    """The series and authors the last catalogue refresh could not check."""
    state = get_state(session, UNCHECKED_STATE, {}) or {}
    return list(state.get("series", [])), list(state.get("authors", []))


def store_catalogue(
    session: Session, results: Iterable[tuple[str, str, list[CatalogueRecord]]]
) -> int:
    """Upsert listings by (provider, provider_id); returns how many were written. Listings
    are never deleted here: a provider that is silent today leaves the last good ones."""
    existing = {(r.provider, r.provider_id): r for r in session.scalars(select(CatalogueEntryRow))}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, value, records in results:
        for record in records:
            rows[(record.provider, record.provider_id)] = record.as_row(kind, value)  # type: ignore[arg-type]
    for key, values in rows.items():
        row = existing.get(key)
        if row is None:
            session.add(CatalogueEntryRow(**values))
        else:
            for column, value in values.items():
                setattr(row, column, value)
    session.commit()
    return len(rows)
