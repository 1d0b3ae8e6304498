"""An offline catalogue of the sample library's authors and series (`sample_library.py`).

With the sample library (a first run, nothing configured) the gap catalogue asks this instead
of the internet's providers, so the first run finds the sample's gaps (Red Rising #3, Mistborn
#2, an Andy Weir novel…) and explains them, offline and the same every time. It answers like a
provider (series listings, bibliographies as `CatalogueRecord`s, a status) and is never used
for a real library.
"""

from __future__ import annotations

from typing import Any

from library_pipeline.clients.records import CatalogueRecord

PROVIDER = "sample"

# (author, series, position, title, year): real books, enough to show each kind of gap.
SAMPLE_CATALOGUE: tuple[tuple[str, str | None, str | None, str, int], ...] = (
    ("Pierce Brown", "Red Rising", "1", "Red Rising", 2014),
    ("Pierce Brown", "Red Rising", "2", "Golden Son", 2015),
    ("Pierce Brown", "Red Rising", "3", "Morning Star", 2016),
    ("Pierce Brown", "Red Rising", "4", "Iron Gold", 2018),
    ("Pierce Brown", "Red Rising", "5", "Dark Age", 2019),
    ("Pierce Brown", "Red Rising", "6", "Light Bringer", 2023),
    ("Brandon Sanderson", "Mistborn", "1", "The Final Empire", 2006),
    ("Brandon Sanderson", "Mistborn", "2", "The Well of Ascension", 2007),
    ("Brandon Sanderson", "Mistborn", "3", "The Hero of Ages", 2008),
    ("Brandon Sanderson", None, None, "Elantris", 2005),
    ("Andy Weir", None, None, "The Martian", 2014),
    ("Andy Weir", None, None, "Artemis", 2017),
    ("Andy Weir", None, None, "Project Hail Mary", 2021),
    ("Terry Pratchett", "Discworld", "1", "The Colour of Magic", 1983),
    ("Terry Pratchett", "Discworld", "2", "The Light Fantastic", 1986),
    ("Terry Pratchett", "Discworld", "3", "Equal Rites", 1987),
    ("Martha Wells", "The Murderbot Diaries", "1", "All Systems Red", 2017),
    ("Martha Wells", "The Murderbot Diaries", "2", "Artificial Condition", 2018),
    ("Martha Wells", "The Murderbot Diaries", "3", "Rogue Protocol", 2018),
)


def _record(
    author: str, series: str | None, position: str | None, title: str, year: int
) -> CatalogueRecord:
    slug = "-".join(title.lower().split())
    return CatalogueRecord(
        provider=PROVIDER,
        provider_id=slug,
        title=title,
        authors=[author],
        language="en",
        published_year=year,
        series=series,
        series_position=position,
    )


RECORDS: tuple[CatalogueRecord, ...] = tuple(_record(*row) for row in SAMPLE_CATALOGUE)


class SampleCatalogue:
    """The sample library's catalogue, answering as a provider would (no network)."""

    name = PROVIDER

    def __init__(self) -> None:
        self.requests = 0

    async def series_books(self, series_name: str) -> list[CatalogueRecord]:
        self.requests += 1
        wanted = series_name.casefold()
        return [r for r in RECORDS if (r.series or "").casefold() == wanted]

    async def author_books(self, author_name: str) -> list[CatalogueRecord]:
        self.requests += 1
        wanted = author_name.casefold()
        return [r for r in RECORDS if wanted in (a.casefold() for a in r.authors)]

    def status(self) -> dict[str, dict[str, Any]]:
        """Shaped like `Providers.status()`: one entry per provider."""
        return {PROVIDER: {"provider": PROVIDER, "offline": True, "requests": self.requests}}

    async def aclose(self) -> None:
        return None

    async def __aenter__(self) -> SampleCatalogue:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None
