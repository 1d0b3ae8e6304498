"""A stub Open Library on 127.0.0.1 (`library_pipeline_tests/contracts/open_library/`).

Routes:
- `GET /search.json?q=|title=&author=&limit=` — `q=isbn:X`, `title`+`author`, `author` alone, or
  free text over the recorded docs (`search_title_author_fields.json`,
  `search_default_fields.json`) and added books; the recorded envelope; no hit →
  `search_empty.json`.
- `GET /works/{id}.json` — `work.json` (description `{type, value}`), `work_plain_description.json`
  (a plain string), or an added book's work (alternating the two description forms);
  unknown → 404 `error_404_notfound.json`.
- `GET /authors/{id}/works.json` — `author_works.json` for OL382982A; `GET /authors/{id}.json` —
  `author.json` for OL1394865A.
429 answers carry the recorded nginx body (`error_429_rate_limited.json`).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from library_pipeline_tests.support.stub_server import StubRequest, StubResponse, load_contract
from library_pipeline_tests.support.stubs.metadata_base import MetadataStub, StubBook, stable_number

SAMPLES = "open_library"
LANGUAGE_CODES = {"en": "eng", "fr": "fre", "de": "ger", "es": "spa", "it": "ita"}


def sample(name: str) -> Any:
    return load_contract(SAMPLES, name)


class OpenLibraryStub(MetadataStub):
    PROVIDER = "open_library"

    def __init__(self, books: Any = (), *, recorded: bool = True) -> None:
        self._raw: dict[int, Any] = {}
        self._works: dict[str, int] = {}
        self._doc_template = sample("search_title_author_fields.json")["docs"][0]
        self._envelope = {k: v for k, v in sample("search_empty.json").items() if k != "docs"}
        super().__init__(books, recorded=recorded)
        if recorded:
            docs = sample("search_title_author_fields.json")["docs"]
            docs += sample("search_default_fields.json")["docs"]
            for doc in docs:
                self._add_raw(doc)

    def _add_raw(self, doc: dict[str, Any]) -> None:
        isbns = doc.get("isbn", [])
        book = StubBook(
            title=doc["title"],
            authors=doc.get("author_name", []),
            isbn13=next((i for i in isbns if len(i) == 13), None),
            provider_id=doc["key"].rsplit("/", 1)[-1],
        )
        index = self.catalogue.add(book)
        for isbn in isbns:  # every edition's ISBN finds the work
            if index not in self.catalogue.by_isbn[isbn]:
                self.catalogue.by_isbn[isbn].append(index)
        self._raw[index] = doc
        self._works[book.provider_id or ""] = index

    def add_book(self, book: StubBook) -> StubBook:
        index = self.catalogue.add(book)
        book.provider_id = book.provider_id or f"OL{index + 100000}W"
        self._works[book.provider_id] = index
        return book

    def render(self, book: StubBook) -> Any:
        index = self._works[book.provider_id or ""]
        if index in self._raw:
            return self._raw[index]
        doc = copy.deepcopy(self._doc_template)
        doc["key"] = f"/works/{book.provider_id}"
        doc["title"] = book.title
        if book.subtitle:
            doc["subtitle"] = book.subtitle
        doc["author_name"] = book.authors
        doc["author_key"] = [f"OL{stable_number(a, 6)}A" for a in book.authors]
        year = (book.published_date or "")[:4]
        doc["first_publish_year"] = int(year) if year.isdigit() else 2006
        doc["language"] = [LANGUAGE_CODES.get(book.language, book.language)]
        doc["isbn"] = book.isbns()
        if book.series:
            doc["series_name"] = [book.series]
            doc["series_position"] = [book.series_position or ""]
        else:
            for key in ("series_key", "series_name", "series_position"):
                doc.pop(key, None)
        doc["cover_i"] = 8000000 + index
        return doc

    def render_work(self, index: int) -> Any:
        book = self.catalogue.books[index]
        description = book.description or f"The story of {book.title}."
        work = copy.deepcopy(sample("work.json" if index % 2 else "work_plain_description.json"))
        work["key"] = f"/works/{book.provider_id}"
        work["title"] = book.title
        work["description"] = (
            {"type": "/type/text", "value": description} if index % 2 else description
        )
        work["subjects"] = book.genres or ["Fantasy", "Fiction"]
        return work

    # --- routes ------------------------------------------------------------------------------

    def setup_routes(self) -> None:
        self.route("GET", r"/search\.json", self._search)
        self.route("GET", r"/works/([^/]+)\.json", self._work)
        self.route("GET", r"/authors/([^/]+)/works\.json", self._author_works)
        self.route("GET", r"/authors/([^/]+)\.json", self._author)

    def _search(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        query, title, author = request.arg("q"), request.arg("title"), request.arg("author")
        limit = int(request.arg("limit") or 100)
        if query and (isbn := re.fullmatch(r"isbn:(\S+)", query.strip())):
            hits = list(self.catalogue.by_isbn.get(isbn.group(1), []))
        elif title or author:
            hits = self.catalogue.find(title, author)
        else:
            hits = self.catalogue.search_text(query or "")
        hits = hits[:limit]
        if not hits:
            return StubResponse(200, sample("search_empty.json"))
        envelope = {**self._envelope, "numFound": len(hits), "num_found": len(hits)}
        head = json.dumps(envelope)[:-1].encode()
        body = head + b', "docs": ' + self.json_list(self.rendered(i) for i in hits) + b"}"
        return StubResponse(200, body)

    def _work(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        work_id = match.group(1)
        if self.recorded and work_id == "OL15832982W":
            return StubResponse(200, sample("work.json"))
        if self.recorded and work_id == "OL7924103W":
            return StubResponse(200, sample("work_plain_description.json"))
        index = self._works.get(work_id)
        if index is None or index in self._raw:
            return StubResponse(404, {"error": "notfound", "key": f"/works/{work_id}"})
        return StubResponse(200, self.render_work(index))

    def _author_works(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if self.recorded and match.group(1) == "OL382982A":
            works = sample("author_works.json")
            if int(request.arg("offset") or 0) > 0:  # the recording holds the first page only
                works["links"].pop("next")
                works["entries"] = []
            return StubResponse(200, works)
        return StubResponse(404, {"error": "notfound", "key": f"/authors/{match.group(1)}"})

    def _author(self, request: StubRequest, match: re.Match[str]) -> StubResponse:
        if self.recorded and match.group(1) == "OL1394865A":
            return StubResponse(200, sample("author.json"))
        return StubResponse(404, {"error": "notfound", "key": f"/authors/{match.group(1)}"})

    def rate_limit_body(self) -> Any:
        return sample("error_429_rate_limited.json")
