"""What the four metadata-provider stubs share: a catalogue of books, fault helpers, speed.

Each stub (`google_books`, `open_library`, `hardcover`, `audnexus`) serves its recorded samples
from `library_pipeline_tests/contracts/<service>/` as they are, and can also serve any number
of added books (`StubBook`), each rendered into a *recorded* item of that provider with the
book's values put in (so the shape is always the sample's). Indexes by ISBN, ASIN, title and
author make lookups O(1), and rendered items are kept as JSON bytes, so a stub answers
thousands of requests a second (the 10k-book benchmark runs each stub in its own process).

Faults (for the next `times` matching requests): `fault(kind, path_pattern, times)` with kind
`429` (no Retry-After), `429-retry-after` (Retry-After: 1), `500`, `503`, `timeout` (answer after
`delay` seconds), `refused` (connection dropped), `html` (a 200 captcha page), or any
`StubResponse` through `inject`.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from library_pipeline_tests.support.stub_server import StubResponse, StubServer

HTML_PAGE = "<!DOCTYPE html><html><body><h1>Please verify you are a human</h1></body></html>"


def stable_number(text: str, digits: int) -> int:
    """A number derived from `text`, the same in every process (unlike `hash`)."""
    return zlib.crc32(text.encode()) % 10**digits


def norm(text: str | None) -> str:
    """Lower-case alphanumerics separated by single spaces (the stubs' own, simple matching)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.replace("'", "")).split())


@dataclass
class StubBook:
    """One book a stub can serve, in provider-neutral terms."""

    title: str
    authors: list[str]
    subtitle: str | None = None
    narrators: list[str] = field(default_factory=list)
    series: str | None = None
    series_position: str | None = None
    language: str = "en"
    isbn13: str | None = None
    isbn10: str | None = None
    asin: str | None = None
    publisher: str | None = None
    published_date: str | None = None
    description: str | None = None
    genres: list[str] = field(default_factory=list)
    runtime_minutes: int | None = None
    provider_id: str | None = None  # default: derived from the ISBN/ASIN/title
    compilation: bool = False  # an omnibus ("1-3") in its series (Hardcover)
    partial_book: bool = False  # a part of a book split for release (Hardcover)

    def isbns(self) -> list[str]:
        return [i for i in (self.isbn13, self.isbn10) if i]


class Catalogue:
    """Added books with lookup indexes; `render(book)` → the provider's JSON for it (cached)."""

    def __init__(self) -> None:
        self.books: list[StubBook] = []
        self.by_isbn: dict[str, list[int]] = defaultdict(list)
        self.by_asin: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = defaultdict(list)
        self.by_author: dict[str, list[int]] = defaultdict(list)
        self.by_series: dict[str, list[int]] = defaultdict(list)
        self.by_word: dict[str, set[int]] = defaultdict(set)

    def add(self, book: StubBook) -> int:
        index = len(self.books)
        self.books.append(book)
        for isbn in book.isbns():
            self.by_isbn[isbn].append(index)
        if book.asin:
            self.by_asin[book.asin] = index
        self.by_title[norm(book.title)].append(index)
        for author in book.authors:
            self.by_author[norm(author)].append(index)
        if book.series:
            self.by_series[norm(book.series)].append(index)
        words = [book.title, book.subtitle, *book.authors, *book.narrators, book.series]
        for word in norm(" ".join(w for w in words if w)).split():
            self.by_word[word].add(index)
        return index

    def find(self, title: str | None = None, author: str | None = None) -> list[int]:
        """Books whose title equals `title` (normalised) and, if given, with `author`."""
        if title:
            hits = self.by_title.get(norm(title), [])
            if author:
                wanted = norm(author)
                hits = [i for i in hits if any(norm(a) == wanted for a in self.books[i].authors)]
            return hits
        if author:
            return self.by_author.get(norm(author), [])
        return []

    def search_keywords(self, text: str) -> list[int]:
        """Books with every word of `text` in their title, subtitle, people or series, in the
        order they were added (a store's keyword search: "title author" or an author's name)."""
        words = norm(text).split()
        if not words:
            return []
        found = sorted((self.by_word.get(word, set()) for word in words), key=len)
        return sorted(found[0].intersection(*found[1:]))

    def search_text(self, text: str) -> list[int]:
        """Free text "title author" (as clients send to search endpoints): the longest title
        that starts the text, then the author in the rest."""
        words = norm(text).split()
        for cut in range(len(words), 0, -1):
            hits = self.by_title.get(" ".join(words[:cut]))
            if hits:
                rest = " ".join(words[cut:])
                if not rest:
                    return list(hits)
                return [
                    i for i in hits if any(norm(a) == rest for a in self.books[i].authors)
                ] or []
        return []


class MetadataStub(StubServer):
    """A StubServer with Nagle disabled (small JSON answers without 40 ms ACK stalls), fault
    helpers, request counting by route, and a catalogue of added books."""

    PROVIDER = "stub"

    def __init__(self, books: Iterable[StubBook] = (), *, recorded: bool = True) -> None:
        self.catalogue = Catalogue()
        self.recorded = recorded
        self._rendered: dict[int, bytes] = {}
        super().__init__()
        # Poll for shutdown every 20 ms, not 500: a test stopping four stubs waits 80 ms, not 2 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        for book in books:
            self.add_book(book)

    def add_book(self, book: StubBook) -> StubBook:
        self.catalogue.add(book)
        return book

    # --- rendering ---------------------------------------------------------------------------

    def render(self, book: StubBook) -> Any:  # pragma: no cover - each stub overrides
        raise NotImplementedError

    def rendered(self, index: int) -> bytes:
        """The provider's JSON of added book `index`, as bytes (rendered once)."""
        data = self._rendered.get(index)
        if data is None:
            data = json.dumps(self.render(self.catalogue.books[index])).encode()
            self._rendered[index] = data
        return data

    def json_list(self, parts: Iterable[bytes]) -> bytes:
        return b"[" + b",".join(parts) + b"]"

    # --- faults ------------------------------------------------------------------------------

    def fault(self, kind: str, pattern: str = ".*", times: int = 1, delay: float = 2.0) -> None:
        """Answer the next `times` requests matching `pattern` with a standard fault."""
        responses = {
            "429": StubResponse(429, self.rate_limit_body()),
            "429-retry-after": StubResponse(429, self.rate_limit_body(), {"Retry-After": "1"}),
            "500": StubResponse(500, {"error": "internal"}),
            "503": StubResponse(503, "Service Unavailable", content_type="text/plain"),
            "timeout": StubResponse(200, b"{}", delay=delay),
            "refused": StubResponse(drop_connection=True),
            "html": StubResponse(200, HTML_PAGE, content_type="text/html"),
        }
        self.inject(pattern, responses[kind], times=times)

    def rate_limit_body(self) -> Any:
        return {"error": "rate limited"}

    # --- plumbing ----------------------------------------------------------------------------

    def _make_handler(self) -> type[BaseHTTPRequestHandler]:
        handler = super()._make_handler()
        handler.disable_nagle_algorithm = True  # type: ignore[attr-defined]
        return handler
