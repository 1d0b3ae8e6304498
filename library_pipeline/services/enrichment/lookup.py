"""Asking the providers about one book, and turning their answers into changes.

A provider is asked by the book's identifier first (ISBN; ASIN for Audnexus) and then by title
and author, and a record is used only if `domain.work_matching` accepts it. So a provider that
is down, refuses the key, answers garbage or matches nothing is simply fallen back from, with
the error kept. Two ways to go through the providers:

- **After the listings** (`known` given, the way `correct_all_books` works since issue 22): what
  the author listings and batches said stands in for those providers (see `prefetch`), and the
  others are asked in the same order as the listing steps (Audnexus, Hardcover, Google Books,
  Open Library), each only while it can still add a wanted field (`wanted_fields`).
- **Per book only** (no `known`: one book, or the benchmark's reference): the primary provider
  (first in the order, Google Books by default) and Audnexus at once, then the others in order,
  each only while a field it can give is still missing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from library_pipeline.clients.http import NotFound, ProviderError, redact
from library_pipeline.clients.providers import Providers
from library_pipeline.clients.records import BookRecord
from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.domain.metadata_merge import PROVIDER_FIELDS, apply_changes, merge_records
from library_pipeline.domain.normalize import split_authors
from library_pipeline.domain.work_matching import Match, best_match, isbn13
from library_pipeline.services.enrichment.books import (
    BookOutcome,
    BookSnapshot,
    Lookup,
    wanted_fields,
)
from library_pipeline.services.enrichment.options import EnrichmentOptions
from library_pipeline.services.enrichment.prefetch import STEPS, Known

log = logging.getLogger(__name__)

MAX_TEXT = 500
Fetch = Callable[[], Awaitable[list[BookRecord]]]


def _step(provider: str) -> int:
    return STEPS.index(provider) if provider in STEPS else len(STEPS)


def provider_secrets(providers: Providers) -> list[str]:
    return [secret for client in providers for secret in client.http.secrets]


class BookLookup:
    """Asks the providers about one book (see the module doc for the order)."""

    def __init__(
        self,
        snapshot: BookSnapshot,
        providers: Providers,
        options: EnrichmentOptions,
        known: dict[str, Known] | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.query = snapshot.query()
        # Searches name people "First Last" ("Brown, Pierce" → "Pierce Brown").
        self.authors = [name for credit in self.query.authors for name in split_authors(credit)]
        self.providers = providers
        self.options = options
        self.after_listings = known is not None
        self.known = known or {}
        self.result = Lookup()
        self.secrets = provider_secrets(providers)

    async def run(self) -> Lookup:
        order = [p for p in self.options.order if self.providers.get(p) is not None]
        if not order:
            self.result.notes.append("no metadata provider is configured")
            return self.result
        if self.after_listings:
            # A tentative answer waits until the others have spoken (see `Known.tentative`).
            tentative = {name for name, known in self.known.items() if known.tentative}
            for name in sorted(order, key=lambda p: (p in tentative, _step(p))):
                await self._consider(name)
            return self.result
        first = [order[0]] + (["audnexus"] if "audnexus" in order[1:] else [])
        await asyncio.gather(*(self._consider(name, first=True) for name in first))
        for name in order:
            if name not in first:
                await self._consider(name)
        return self.result

    async def _consider(self, name: str, *, first: bool = False) -> None:
        """Ask `name` if it already answered (a listing), goes first, or can still add a
        wanted field (see the module doc)."""
        fields = PROVIDER_FIELDS.get(name, frozenset())
        wanted = wanted_fields(self.snapshot, self.result.records)
        if self._answered(name) or first or wanted & fields:
            await self.ask(name)

    def _answered(self, name: str) -> Known | None:
        """What a listing or batch said for `name`; a tentative answer only once the others
        have checked the title (`_title_checked`)."""
        known = self.known.get(name)
        if known is None or (known.tentative and not self._title_checked()):
            return None
        return known

    def _title_checked(self) -> bool:
        """Whether the book's title was put to the other providers' fuzzy matching: one of them
        matched it, or they all answered (none failed). Either way a search by the same title
        and author would only repeat the exact-title batch."""
        return bool(self.result.records) or bool(self.result.answered and not self.result.errors)

    def _take(self, name: str, match: Match | None, via: str) -> None:
        self.result.answered.append(name)
        if match is None:
            return
        if match.accepted and isinstance(match.record, BookRecord):
            self.result.records[name] = match.record
            self.result.via[name] = via
        else:
            self.result.notes.append(f"{name}: {match.reason}")

    async def ask(self, name: str) -> None:
        known = self._answered(name)
        if known is not None:  # answered by a listing or batch earlier in the run
            self.result.asked.append(name)
            match = known.match
            if name == "open_library":
                match = await self._open_library_details(match)
            self._take(name, match, known.via)
            return
        if not self.providers.available(name):
            client = self.providers.get(name)
            if client is not None:  # configured, but its circuit is open
                reason = str(client.status()["last_error"] or "").removeprefix(f"{name}: ")
                self.result.errors.append(self._clean(f"{name}: skipped (circuit open): {reason}"))
            return
        self.result.asked.append(name)
        try:
            match, via = await getattr(self, f"_ask_{name}")()
        except ProviderError as error:
            self.result.errors.append(self._clean(str(error)))
            return
        except Exception as error:  # a bug must not end the run: record it with the book
            log.exception("enrichment: unexpected error from %s", name)
            self.result.errors.append(self._clean(f"{name}: {type(error).__name__}: {error}"))
            return
        self._take(name, match, via)

    def _match(self, records: Iterable[BookRecord]) -> Match:
        return best_match(
            self.query,
            list(records),
            threshold=self.options.min_confidence,
            default_language=self.options.default_language,
        )

    async def _identify(
        self, by_id: Fetch | None, by_search: Fetch | None, id_name: str = "isbn"
    ) -> tuple[Match | None, str]:
        """Identifier lookup first; the title search only if that found nothing usable. After
        the listings, once another provider has matched the book its title and author are
        confirmed: one title search then finds the work whichever edition the identifier is of."""
        match: Match | None = None
        if self.after_listings and self.result.records and by_search and self.query.title:
            by_id = None
        if by_id is not None:
            try:
                match = self._match(await by_id())
            except NotFound:
                match = None
            if match is not None and match.accepted:
                return match, id_name
        if self.query.title and by_search is not None:
            searched = self._match(await by_search())
            if searched.accepted or match is None:
                return searched, "title search"
        return match, id_name

    async def _ask_google_books(self) -> tuple[Match | None, str]:
        client = self.providers.google_books
        isbn = isbn13(self.query.isbn)
        return await self._identify(
            (lambda: client.find_by_isbn(isbn)) if isbn else None,
            lambda: client.search_title_author(self.query.title, self.authors),
        )

    async def _ask_open_library(self) -> tuple[Match | None, str]:
        client = self.providers.open_library
        isbn = isbn13(self.query.isbn)
        match, via = await self._identify(
            (lambda: client.find_by_isbn(isbn)) if isbn else None,
            lambda: client.search(self.query.title, self.authors),
        )
        return await self._open_library_details(match), via

    async def _open_library_details(self, match: Match | None) -> Match | None:
        """A matched work completed from its work record when description or genres are
        wanted (a failure keeps what the search gave; the rest is retried by a later run)."""
        wanted = wanted_fields(self.snapshot, self.result.records)
        if match is None or not match.accepted or not wanted & {"description", "genres"}:
            return match
        record = match.record
        assert isinstance(record, BookRecord)
        try:
            detailed = await self.providers.open_library.with_details(record)
        except NotFound:
            detailed = record
        except ProviderError as error:
            self.result.errors.append(self._clean(str(error)))
            detailed = record
        return Match(detailed, match.confidence, match.method, match.reason)

    async def _ask_hardcover(self) -> tuple[Match | None, str]:
        client = self.providers.hardcover
        isbn = isbn13(self.query.isbn)
        search: Fetch | None = lambda: client.search_title_author(self.query.title, self.authors)  # noqa: E731
        if isbn and "hardcover" in self.known:
            # A batch already asked by the exact title: one more request, the most exact one.
            search = None
        return await self._identify((lambda: client.find_by_isbn(isbn)) if isbn else None, search)

    async def _ask_audnexus(self) -> tuple[Match | None, str]:
        client = self.providers.audnexus
        asin = self.query.asin

        async def by_asin() -> list[BookRecord]:
            record = await client.book(asin or "")
            return [record] if record else []

        search: Fetch | None = None
        if client.title_search_supported:
            search = lambda: client.search_title_author(self.query.title, self.authors)  # noqa: E731
        return await self._identify(by_asin if asin else None, search, "asin")

    def _clean(self, message: str) -> str:
        return redact(message, self.secrets)[:MAX_TEXT]


async def lookup_book(
    snapshot: BookSnapshot,
    providers: Providers,
    options: EnrichmentOptions,
    known: dict[str, Known] | None = None,
) -> Lookup:
    return await BookLookup(snapshot, providers, options, known).run()


def build_outcome(
    snapshot: BookSnapshot, lookup: Lookup, options: EnrichmentOptions
) -> BookOutcome:
    """The changes the matched records make to the book (`domain.metadata_merge`)."""
    changes = merge_records(
        snapshot.values, snapshot.sources, snapshot.locked, lookup.records, options.precedence
    )
    values, sources = apply_changes(snapshot.values, snapshot.sources, changes)
    return BookOutcome(
        book_id=snapshot.id,
        changes=changes,
        values=values,
        sources=sources,
        completeness_before=completeness_percent(snapshot.values),
        completeness_after=completeness_percent(values),
        errors=list(lookup.errors),
        notes=list(lookup.notes),
        matched=sorted(lookup.records),
        complete=not lookup.errors,
        failed=bool(lookup.errors) and not lookup.answered,
        via={name: lookup.via[name] for name in sorted(lookup.records) if name in lookup.via},
    )


def describe_error(error: BaseException, secrets: list[str]) -> str:
    return redact(f"{type(error).__name__}: {error}", secrets)[:MAX_TEXT]
