"""MyAnonamouse's JSON answers as typed results (pure: no I/O).

`parse_search` reads a search answer (`/tor/js/loadSearchJSONbasic.php`), `parse_user_data`
the user-data answer (`/jsonLoad.php`); `MamSearch` builds a search body. Every quirk of
`library_pipeline_tests/contracts/mam/README.md` is handled by `domain/mam_parsing.py`: a row
that cannot be read is skipped with a warning; a body of the wrong shape raises
`MamAnswerError` naming the field, and an answer refusing the request `MamRefusal`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from library_pipeline.domain import mam_parsing as mp

Period = Literal["day", "week", "month", "all"]
PERIODS: dict[str, timedelta | None] = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "all": None,
}


class MamAnswerError(ValueError):
    """A MAM answer of the wrong shape; the message names the field."""


class MamRefusal(ValueError):
    """MAM answered with an error message instead of results."""


class MamSeries(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    position: str | None = None


class MamTorrent(BaseModel):
    """One search hit, every quirk resolved."""

    model_config = ConfigDict(frozen=True)

    id: int
    title: str
    authors: list[str] = Field(default_factory=list)
    narrators: list[str] = Field(default_factory=list)
    series: list[MamSeries] = Field(default_factory=list)
    main_cat: int | None = None
    category_id: int | None = None
    category_name: str | None = None  # "Audiobooks - Fantasy"
    genre: str | None = None  # "Fantasy"
    language_id: int | None = None
    language_code: str | None = None  # "ENG"
    filetype: str | None = None
    tags: str | None = None
    size_bytes: int | None = None
    seeders: int | None = None
    leechers: int | None = None
    snatched: int | None = None  # times_completed
    num_files: int | None = None
    added: datetime | None = None
    vip: bool = False
    free: bool = False
    fl_vip: bool = False
    personal_freeleech: bool = False
    my_snatched: bool = False
    bookmarked: bool = False
    owner_id: int | None = None  # the uploader; absent on some answers
    owner_name: str | None = None
    asin: str | None = None
    isbn: str | None = None
    dl_hash: str | None = None
    download_url: str
    info_url: str
    description: str | None = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def freeleech(self) -> bool:
        """Costs no ratio for this user (site or personal freeleech)."""
        return self.free or self.personal_freeleech

    @property
    def first_series(self) -> MamSeries | None:
        return self.series[0] if self.series else None


class MamSearchResult(BaseModel):
    """One page of a search. MAM's `found` counts every match of the query, `total` the rows
    of this answer (as MAM documents them and the tools that page on them read them)."""

    torrents: list[MamTorrent] = Field(default_factory=list)
    total: int = 0  # rows in this answer
    found: int = 0  # matches in all
    per_page: int | None = None
    start: int = 0
    warnings: list[str] = Field(default_factory=list)  # rows skipped / fields repaired

    @property
    def more(self) -> bool:
        """Whether matches remain after this page."""
        return self.start + self.total < self.found


class MamUnsatisfied(BaseModel):
    """Torrents downloaded but not yet seeded enough ("unsatisfied"), against the class limit."""

    count: int = 0
    red: bool = False  # MAM's warning flag: at or over the limit
    size: int | None = None
    limit: int | None = None

    @property
    def remaining(self) -> int | None:
        """How many more torrents may be started now (None when MAM gave no limit)."""
        return None if self.limit is None else max(0, self.limit - self.count)

    @property
    def at_limit(self) -> bool:
        return self.red or (self.limit is not None and self.count >= self.limit)


class MamUserData(BaseModel):
    uid: int | None = None
    username: str | None = None
    classname: str | None = None
    ratio: float | None = None
    seedbonus: int | None = None
    wedges: int | None = None
    downloaded: str | None = None
    uploaded: str | None = None
    downloaded_bytes: int | None = None
    uploaded_bytes: int | None = None
    unsat: MamUnsatisfied = Field(default_factory=MamUnsatisfied)

    @property
    def vip(self) -> bool:
        return (self.classname or "").strip().lower() in {"vip", "elite vip"}


@dataclass(frozen=True)
class MamSearch:
    """A search request (`/tor/js/loadSearchJSONbasic.php`, JSON body)."""

    text: str = ""
    search_in: tuple[str, ...] = ("title", "author", "narrator", "series")
    main_categories: tuple[int, ...] = (mp.AUDIOBOOKS_MAIN_CAT,)
    categories: tuple[int, ...] = ()  # empty = every category of the main categories
    languages: tuple[int, ...] = ()  # MAM language ids; empty = all (1 = English)
    search_type: str = "all"  # all | active | inactive | fl | fl-VIP | VIP | nVIP | nMeta
    sort_type: str = "default"  # e.g. snatchedDesc, seedersDesc, dateDesc
    start_number: int = 0
    per_page: int = 50  # MAM allows 5-1000
    start_date: int | None = None  # unix seconds, inclusive (torrent added)
    end_date: int | None = None  # unix seconds, exclusive
    description: bool = False

    def body(self) -> dict[str, Any]:
        tor: dict[str, Any] = {
            "text": self.text,
            "srchIn": list(self.search_in),
            "searchType": self.search_type,
            "searchIn": "torrents",
            "main_cat": list(self.main_categories),
            "cat": list(self.categories) or ["0"],
            "browseFlagsHideVsShow": "0",
            "startDate": self.start_date if self.start_date is not None else "",
            "endDate": self.end_date if self.end_date is not None else "",
            "hash": "",
            "sortType": self.sort_type,
            "startNumber": str(self.start_number),
        }
        if self.languages:
            tor["browse_lang"] = list(self.languages)
        body: dict[str, Any] = {
            "tor": tor,
            "dlLink": "true",
            "isbn": "true",
            "perpage": max(5, min(1000, self.per_page)),
        }
        if self.description:
            body["description"] = "true"
        return body


def period_window(period: str, now: datetime | None = None) -> tuple[int | None, int | None]:
    """(startDate, endDate) unix seconds of a top-10 period; (None, None) for "all".

    Rounded to the hour so that two runs in the same hour ask the same question."""
    if period not in PERIODS:
        raise ValueError(f"unknown MAM top-10 period {period!r}: use one of {sorted(PERIODS)}")
    span = PERIODS[period]
    if span is None:
        return None, None
    end = (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return int((end - span).timestamp()), int(end.timestamp())


# --- raw answers -----------------------------------------------------------------------


def parse_owner(row: dict[str, Any]) -> tuple[int | None, str | None]:
    """(id, name) of the uploader from `owner`/`owner_name`, else from `ownership` (a JSON
    string `[id, "name"]`); either may be absent."""
    owner_id, owner_name = mp.to_int(row.get("owner")), mp.to_text(row.get("owner_name"))
    raw = row.get("ownership")
    if (owner_id is None or owner_name is None) and isinstance(raw, str) and raw.strip():
        try:
            pair = json.loads(raw)
        except ValueError:
            pair = None
        if isinstance(pair, list) and len(pair) >= 2:
            owner_id = owner_id if owner_id is not None else mp.to_int(pair[0])
            owner_name = owner_name or mp.to_text(pair[1])
    return owner_id, owner_name


def _bytes(data: dict[str, Any], count_key: str, text_key: str) -> int | None:
    """A byte count (`0.0` is zero, not unknown), else parsed from the human text."""
    count = mp.to_int(data.get(count_key))
    return count if count is not None else mp.parse_size(data.get(text_key))


def parse_torrent(row: Any, base_url: str) -> MamTorrent:
    """One `data[]` row → `MamTorrent`; raises ValueError naming the field when it is unusable."""
    if not isinstance(row, dict):
        raise ValueError(f"row is {type(row).__name__}, not an object")
    torrent_id = mp.to_int(row.get("id"))
    if torrent_id is None:
        raise ValueError(f"field id: not a torrent id ({str(row.get('id'))[:20]!r})")
    title = mp.to_text(row.get("title")) or mp.to_text(row.get("name"))
    if not title:
        raise ValueError("field title: missing")
    warnings: list[str] = []
    authors = mp.parse_people_info(row.get("author_info"), "author_info")
    narrators = mp.parse_people_info(row.get("narrator_info"), "narrator_info")
    series = mp.parse_series_info(row.get("series_info"))
    for parsed in (authors, narrators, series):
        if parsed.warning:
            warnings.append(f"torrent {torrent_id}: {parsed.warning}")
    asin, isbn = mp.parse_isbn_field(row.get("isbn"))
    dl_hash = mp.usable_dl_hash(row.get("dl"))
    base = base_url.rstrip("/")
    download_url = (
        f"{base}/tor/download.php/{dl_hash}"
        if dl_hash
        else f"{base}/tor/download.php?tid={torrent_id}"
    )
    owner_id, owner_name = parse_owner(row)
    category_name = mp.to_text(row.get("catname"))
    category_id = mp.to_int(row.get("category"))
    genre = mp.category_genre(category_name)
    if genre is None and category_id in mp.AUDIOBOOK_CATEGORIES:
        genre = mp.AUDIOBOOK_CATEGORIES[category_id]
    return MamTorrent(
        id=torrent_id,
        title=title,
        authors=authors.values,
        narrators=narrators.values,
        series=[MamSeries(name=s.name, position=s.position) for s in series.values],
        main_cat=mp.to_int(row.get("main_cat")),
        category_id=category_id,
        category_name=category_name,
        genre=genre,
        language_id=mp.to_int(row.get("language")),
        language_code=mp.to_text(row.get("lang_code")),
        filetype=mp.to_text(row.get("filetype")),
        tags=mp.to_text(row.get("tags")),
        size_bytes=mp.parse_size(row.get("size")),
        seeders=mp.to_int(row.get("seeders")),
        leechers=mp.to_int(row.get("leechers")),
        snatched=mp.to_int(row.get("times_completed")),
        num_files=mp.to_int(row.get("numfiles")),
        added=mp.parse_added(row.get("added")),
        vip=mp.to_bool(row.get("vip")),
        free=mp.to_bool(row.get("free")),
        fl_vip=mp.to_bool(row.get("fl_vip")),
        personal_freeleech=mp.to_bool(row.get("personal_freeleech")),
        my_snatched=mp.to_bool(row.get("my_snatched")),
        bookmarked=row.get("bookmarked") not in (None, "", 0, "0", False),
        owner_id=owner_id,
        owner_name=owner_name,
        asin=asin,
        isbn=isbn,
        dl_hash=dl_hash,
        download_url=download_url,
        info_url=f"{base}/t/{torrent_id}",
        description=mp.to_text(row.get("description")),
        warnings=warnings,
    )


def parse_search(data: Any, base_url: str) -> MamSearchResult:
    """A decoded search body → `MamSearchResult` (empty for "Nothing returned")."""
    empty, error = mp.search_error(data)
    if empty:
        return MamSearchResult()
    if error:
        raise MamRefusal(f"search refused: {error[:200]}")
    if not isinstance(data, dict):
        raise MamAnswerError(f"field <body>: expected an object, got {type(data).__name__}")
    rows = data.get("data")
    if rows is None:
        raise MamAnswerError("field data: missing")
    if not isinstance(rows, list):
        raise MamAnswerError(f"field data: expected a list, got {type(rows).__name__}")
    torrents: list[MamTorrent] = []
    warnings: list[str] = []
    for index, row in enumerate(rows):
        try:
            torrent = parse_torrent(row, base_url)
        except ValueError as error:
            warnings.append(f"data.{index}: skipped, {error}")
            continue
        torrents.append(torrent)
        warnings.extend(torrent.warnings)
    total = mp.to_int(data.get("total"))
    total = total if total is not None else len(rows)  # rows in this answer
    found = mp.to_int(data.get("found"))  # matches in all ("total_found" in MAM's doc example)
    if found is None:
        found = mp.to_int(data.get("total_found"))
    return MamSearchResult(
        torrents=torrents,
        total=total,
        found=found if found is not None else total,
        per_page=mp.to_int(data.get("perpage")),
        start=mp.to_int(data.get("start")) or 0,
        warnings=warnings,
    )


def parse_user_data(data: Any) -> MamUserData:
    if not isinstance(data, dict):
        raise MamAnswerError(f"field <body>: expected an object, got {type(data).__name__}")
    if mp.to_int(data.get("uid")) is None and not data.get("username"):
        raise MamAnswerError("field uid: missing (not a user-data answer)")
    raw = data.get("unsat")
    unsat_raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
    unsat = MamUnsatisfied(
        count=mp.to_int(unsat_raw.get("count")) or 0,
        red=mp.to_bool(unsat_raw.get("red")),
        size=mp.to_int(unsat_raw.get("size")),
        limit=mp.to_int(unsat_raw.get("limit")),
    )
    return MamUserData(
        uid=mp.to_int(data.get("uid")),
        username=mp.to_text(data.get("username")),
        classname=mp.to_text(data.get("classname")),
        ratio=mp.to_float(data.get("ratio")),
        seedbonus=mp.to_int(data.get("seedbonus")),
        wedges=mp.to_int(data.get("wedges")),
        downloaded=mp.to_text(data.get("downloaded")),
        uploaded=mp.to_text(data.get("uploaded")),
        downloaded_bytes=_bytes(data, "downloaded_bytes", "downloaded"),
        uploaded_bytes=_bytes(data, "uploaded_bytes", "uploaded"),
        unsat=unsat,
    )
