"""The sample library is recognised (and only it), and its offline catalogue answers like a
provider for the sample authors and series, with the books the sample library lacks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from library_pipeline.clients.sample_catalogue import SampleCatalogue
from library_pipeline.defs.enrichment.resources import MetadataProvidersResource
from library_pipeline.sample_library import SAMPLE_BOOKS, create_sample_library, is_sample_library


def test_only_the_sample_library_is_the_sample_library(tmp_path: Path) -> None:
    sample = create_sample_library(tmp_path / "sample")
    mine = tmp_path / "mine"
    mine.mkdir()
    assert is_sample_library([sample])
    assert not is_sample_library([mine])
    assert not is_sample_library([sample, mine])
    assert not is_sample_library([])


def test_the_resource_picks_the_sample_catalogue_only_for_the_sample_library() -> None:
    assert isinstance(MetadataProvidersResource(sample_catalogue=True).catalogue_source(),
                      SampleCatalogue)  # fmt: skip
    providers = MetadataProvidersResource(sample_catalogue=False).catalogue_source()
    assert not isinstance(providers, SampleCatalogue)
    asyncio.run(providers.aclose())


def test_the_catalogue_lists_every_sample_series_with_books_the_sample_lacks() -> None:
    catalogue = SampleCatalogue()
    owned = {b.title for b in SAMPLE_BOOKS}
    for series in {b.series for b in SAMPLE_BOOKS if b.series}:
        listed = asyncio.run(catalogue.series_books(series))
        assert listed, series
        assert {r.title for r in listed} - owned, f"{series}: no gap to show"
    red_rising = asyncio.run(catalogue.series_books("red rising"))
    assert ("3", "Morning Star") in {(r.series_position, r.title) for r in red_rising}
    weir = asyncio.run(catalogue.author_books("Andy Weir"))
    assert "Artemis" in {r.title for r in weir}
    assert (
        catalogue.status()["sample"]["requests"]
        == len({b.series for b in SAMPLE_BOOKS if b.series}) + 2
    )
