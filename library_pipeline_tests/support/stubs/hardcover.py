"""A stub Hardcover GraphQL API on 127.0.0.1 (`library_pipeline_tests/contracts/hardcover/`).

`POST /v1/graphql` answers by the operation in the query text:
- `search(...)` — the variables' `query` (an ISBN, or "title author") over the recorded hits of
  `search_books.json` and added books, in that envelope; a query with "lord of the rings" answers
  the recorded response; no hit → `search_books_empty.json`;
- `series(...)` — `series_books.json` for "The Lord of the Rings", else built from added books;
- `authors(...)` — `author_books.json` for "J.R.R. Tolkien", else built from added books;
- `books(...)` with a `titles` variable (`title: {_in: $titles}`) — the batch answer of
  `books_by_titles.json` (the shape `books_by_title_author.json` records for one title): the
  recorded books when "The Lord of the Rings" is asked, plus every added book whose exact title
  is one of them (its editions: a print one with the ISBNs, an audio one with ASIN and
  narrators, its Genre tags in `cached_tags`);
- `series(...)` honours nothing but the name: compilations and partial books are in its answer
  (the client must filter them, as Hardcover's guide does);
- anything else — the recorded validation error, **with HTTP 200**.
Auth: with `token` set, `authorization: Bearer <token>` is required: a doubled "Bearer" or a
trailing newline gets the recorded "Malformed Authorization header" (HTTP 200), another token the
recorded 401 `invalid_token`. 429s carry the recorded body.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from library_pipeline_tests.support.stub_server import StubRequest, StubResponse, load_contract
from library_pipeline_tests.support.stubs.metadata_base import MetadataStub, StubBook, norm

SAMPLES = "hardcover"
LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish"}
PATH = "/v1/graphql"
RECORDED_QUERY = "lord of the rings"


def sample(name: str) -> Any:
    return load_contract(SAMPLES, name)


class HardcoverStub(MetadataStub):
    PROVIDER = "hardcover"

    def __init__(self, books: Any = (), *, token: str | None = None, recorded: bool = True):
        self.token = token
        self._raw: dict[int, Any] = {}
        self._ids: dict[str, int] = {}
        search = sample("search_books.json")
        self._template = search["data"]["search"]["results"]["hits"][1]
        self._envelope = search["data"]["search"]["results"]
        self._full_template = sample("books_by_titles.json")["data"]["books"][0]
        self._full: dict[int, bytes] = {}
        # A fault for one batch among several: a batch asking any of these titles answers 500.
        self.failing_titles: set[str] = set()
        super().__init__(books, recorded=recorded)
        if recorded:
            for hit in search["data"]["search"]["results"]["hits"]:
                self._add_raw(hit)

    @property
    def base_url(self) -> str:
        return self.url + PATH

    def _add_raw(self, hit: dict[str, Any]) -> None:
        doc = hit["document"]
        book = StubBook(title=doc["title"], authors=doc["author_names"], provider_id=doc["id"])
        index = self.catalogue.add(book)
        for isbn in doc.get("isbns", []):
            self.catalogue.by_isbn[isbn].append(index)
        self._raw[index] = hit
        self._ids[doc["id"]] = index

    def add_book(self, book: StubBook) -> StubBook:
        index = self.catalogue.add(book)
        book.provider_id = book.provider_id or str(500000 + index)
        self._ids[book.provider_id] = index
        return book

    def render(self, book: StubBook) -> Any:
        index = self._ids[book.provider_id or ""]
        if index in self._raw:
            return self._raw[index]
        hit = copy.deepcopy(self._template)
        doc = hit["document"]
        doc["id"] = book.provider_id
        doc["title"] = book.title
        doc["slug"] = norm(book.title).replace(" ", "-")
        if book.subtitle:
            doc["subtitle"] = book.subtitle
        else:
            doc.pop("subtitle", None)
        doc["author_names"] = book.authors
        author = doc["contributions"][0]
        doc["contributions"] = [
            {**author, "author": {**author["author"], "name": name, "slug": norm(name)}}
            for name in book.authors
        ]
        doc["description"] = book.description or f"The story of {book.title}."
        if book.series:
            position = float(book.series_position or 0)
            doc["featured_series"] = {
                "details": book.series_position,
                "featured": True,
                "id": 9000 + index,
                "position": int(position) if position.is_integer() else position,
                "series": {
                    "books_count": 3,
                    "id": 7000 + len(book.series),
                    "name": book.series,
                    "primary_books_count": 3,
                    "slug": norm(book.series).replace(" ", "-"),
                },
                "unreleased": False,
            }
            doc["featured_series_position"] = doc["featured_series"]["position"]
            doc["series_names"] = [book.series]
        else:
            doc["featured_series"] = {}
            doc.pop("featured_series_position", None)
            doc["series_names"] = []
        doc["genres"] = book.genres or ["Fantasy", "Fiction"]
        doc["isbns"] = book.isbns()
        doc["release_date"] = book.published_date or "2006-07-17"
        doc["release_year"] = int(doc["release_date"][:4])
        doc["compilation"] = False
        if book.runtime_minutes:
            doc["audio_seconds"] = book.runtime_minutes * 60
        doc["image"] = {
            **doc["image"],
            "url": f"https://assets.hardcover.app/{book.provider_id}.jpg",
        }
        return hit

    # --- routes ------------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("POST", PATH, self._graphql)

    def _auth(self, request: StubRequest) -> StubResponse | None:
        if self.token is None:
            return None
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer bearer") or header != header.strip():
            return StubResponse(200, sample("error_malformed_authorization_header.json"))
        if header != f"Bearer {self.token}":
            return StubResponse(401, sample("error_401_invalid_token.json"))
        return None

    def _graphql(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if refused := self._auth(request):
            return refused
        body = request.json()
        query, variables = body.get("query", ""), body.get("variables") or {}
        if "books(" in query and "titles" in variables:  # (its book_series(...) is no series)
            return self._books_by_titles(list(variables["titles"]))
        if "search(" in query:
            return self._search(str(variables.get("query", "")), int(variables.get("perPage", 5)))
        if "series(" in query:
            return self._series(str(variables.get("name", "")), " ".join(query.split()))
        if "authors(" in query:
            return self._authors(str(variables.get("name", "")))
        return StubResponse(200, sample("error_graphql_validation_failed.json"))

    def _search(self, text: str, per_page: int) -> StubResponse:
        if self.recorded and RECORDED_QUERY in norm(text):
            return StubResponse(200, sample("search_books.json"))
        digits = text.replace("-", "").strip()
        if digits.isdigit() or (digits[:-1].isdigit() and digits[-1:] in "Xx"):
            hits = list(self.catalogue.by_isbn.get(digits, []))
        else:
            hits = self.catalogue.search_text(text)
        hits = hits[:per_page]
        if not hits:
            return StubResponse(200, sample("search_books_empty.json"))
        params = {**self._envelope["request_params"], "q": text, "first_q": text}
        envelope = {**self._envelope, "found": len(hits), "request_params": params}
        envelope.pop("hits")
        head = json.dumps(envelope)[:-1].encode()
        results = head + b', "hits": ' + self.json_list(self.rendered(i) for i in hits) + b"}"
        return StubResponse(200, b'{"data": {"search": {"results": ' + results + b"}}}")

    def _books_by_titles(self, titles: list[str]) -> StubResponse:
        """`books(where: {title: {_in: $titles}})`: exact titles (Hasura compares as stored),
        each book with its editions in the shape of `books_by_titles.json`."""
        if self.failing_titles & set(titles):
            return StubResponse(500, {"error": "internal"})
        if self.recorded and "The Lord of the Rings" in titles:
            recorded = sample("books_by_titles.json")["data"]["books"]
        else:
            recorded = []
        wanted = set(titles)
        found = [
            i
            for title in wanted
            for i in self.catalogue.by_title.get(norm(title), [])
            if self.catalogue.books[i].title in wanted and i not in self._raw
        ]
        books = [json.dumps(b).encode() for b in recorded]
        books += [self.rendered_full(i) for i in sorted(found)]
        return StubResponse(200, b'{"data": {"books": ' + self.json_list(books) + b"}}")

    def rendered_full(self, index: int) -> bytes:
        data = self._full.get(index)
        if data is None:
            data = json.dumps(self.render_full(self.catalogue.books[index])).encode()
            self._full[index] = data
        return data

    def render_full(self, book: StubBook) -> Any:
        """A book as the GraphQL `books` type renders it (the recorded sample's shape)."""
        out = copy.deepcopy(self._full_template)
        out["id"] = int(book.provider_id or 0)
        out["title"] = book.title
        out["subtitle"] = book.subtitle
        out["slug"] = norm(book.title).replace(" ", "-")
        out["release_date"] = book.published_date or "2006-07-17"
        out["release_year"] = int(out["release_date"][:4])
        out["description"] = book.description or f"The story of {book.title}."
        out["image"] = {"url": f"https://assets.hardcover.app/{book.provider_id}.jpg"}
        genre = out["cached_tags"]["Genre"][0]
        out["cached_tags"] = {
            **out["cached_tags"],
            "Genre": [
                {**genre, "tag": name, "tagSlug": norm(name).replace(" ", "-"), "count": 90 - n}
                for n, name in enumerate(book.genres)
            ],
        }
        author = out["contributions"][0]
        out["contributions"] = [
            {**author, "author": {"id": 100 + n, "name": name}}
            for n, name in enumerate(book.authors)
        ]
        series = out["book_series"][0]
        out["book_series"] = (
            [
                {
                    **series,
                    "position": float(book.series_position or 0),
                    "details": book.series_position,
                    "compilation": False,
                    "series": {"id": 7000 + len(book.series), "name": book.series,
                               "slug": norm(book.series).replace(" ", "-")},
                }
            ]
            if book.series
            else []
        )  # fmt: skip
        printed, audio = (copy.deepcopy(e) for e in out["editions"][:2])
        printed.update(isbn_13=book.isbn13, isbn_10=book.isbn10, id=out["id"] * 10)
        printed["language"] = {"language": LANGUAGE_NAMES.get(book.language, book.language)}
        editions = [printed]
        if book.asin or book.narrators:
            audio.update(asin=book.asin, id=out["id"] * 10 + 1)
            audio["audio_seconds"] = (book.runtime_minutes or 600) * 60
            audio["language"] = printed["language"]
            audio["contributions"] = [
                {"contribution": "Narrator", "author": {"id": 900 + n, "name": name}}
                for n, name in enumerate(book.narrators)
            ]
            editions.append(audio)
        out["editions"] = editions
        return out

    def _series(self, name: str, query: str = "") -> StubResponse:
        if self.recorded and name == "The Lord of the Rings":
            return StubResponse(200, sample("series_books.json"))
        books = [self.catalogue.books[i] for i in self.catalogue.by_series.get(norm(name), [])]
        # The documented filters, applied as Hasura would when the query carries them.
        if "compilation: {_eq: false}" in query:
            books = [b for b in books if not b.compilation]
        if "is_partial_book: {_eq: false}" in query:
            books = [b for b in books if not b.partial_book]
        if not books:
            return StubResponse(200, {"data": {"series": []}})
        entries = [
            {
                "position": float((b.series_position or "0").split("-")[0]),
                "details": b.series_position,
                "compilation": b.compilation,
                "is_partial_book": b.partial_book,
                "book": {
                    "id": int(b.provider_id or 0),
                    "slug": norm(b.title).replace(" ", "-"),
                    "title": b.title,
                    "release_year": int((b.published_date or "2000")[:4]),
                    "compilation": b.compilation,
                },
            }
            for b in books
        ]
        series = {
            "id": 7000 + len(name),
            "name": books[0].series,
            "slug": norm(name).replace(" ", "-"),
            "author": {"name": books[0].authors[0]},
            "books_count": len(books),
            "book_series": entries,
        }
        return StubResponse(200, {"data": {"series": [series]}})

    def _authors(self, name: str) -> StubResponse:
        if self.recorded and name == "J.R.R. Tolkien":
            return StubResponse(200, sample("author_books.json"))
        books = [self.catalogue.books[i] for i in self.catalogue.by_author.get(norm(name), [])]
        if not books:
            return StubResponse(200, {"data": {"authors": []}})
        contributions = [
            {
                "contribution": None,
                "book": {
                    "id": int(b.provider_id or 0),
                    "title": b.title,
                    "slug": norm(b.title).replace(" ", "-"),
                    "release_year": int((b.published_date or "2000")[:4]),
                    "users_count": 10,
                    "compilation": False,
                    "book_series": [
                        {
                            "position": float(b.series_position or 0),
                            "details": b.series_position,
                            "series": {"id": 1, "name": b.series},
                        }
                    ]
                    if b.series
                    else [],
                },
            }
            for b in books
        ]
        author = {"id": 1, "name": name, "slug": norm(name), "books_count": len(books)}
        return StubResponse(
            200, {"data": {"authors": [{**author, "contributions": contributions}]}}
        )

    def rate_limit_body(self) -> Any:
        return sample("error_429_too_many_requests.json")
