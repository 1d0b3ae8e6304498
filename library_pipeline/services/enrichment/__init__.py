"""Metadata enrichment: find each book at the providers, merge what they know, keep the trail.

    options = EnrichmentOptions.build(order, field_overrides, min_confidence=0.85, ...)
    result = await correct_all_books(session, providers=providers, options=options,
                                     limit=None, filter_incomplete_only=True, batch_size=10)
    result = await correct_book_metadata(book_id, session, providers=providers, options=options)
    result = revert_run(session, run_id)

`providers` is a ready-built `clients.providers.Providers`; both come from the
`metadata_providers` resource in `defs/enrichment/`. The stages, one module each:

- `books`: the books read at the start of the run (`BookSnapshot`), what the providers said
  (`Lookup`), what to write (`BookOutcome`);
- `prefetch`: answers for many books at once — per-author listings, batches — before any
  per-book request;
- `lookup`: one book at the providers (identifier first, then title + author, each record
  checked by `domain.work_matching`), merged by `domain.metadata_merge`;
- `writing`: results stored in short columnar transactions, each change a
  `MetadataCorrection`, `books.metadata_source` naming where each field came from;
- `run`: `correct_all_books` / `correct_book_metadata` (freshness, concurrency, summary);
- `revert`: `revert_run`;
- `results`: what they return (`EnrichmentResult`, `BookResult`, `RevertResult`), which
  `defs/enrichment` turns into metadata.
"""

from library_pipeline.services.enrichment.options import EnrichmentOptions
from library_pipeline.services.enrichment.results import (
    BookError,
    BookResult,
    BookUpdate,
    EnrichmentResult,
    KeptField,
    RevertResult,
    Unmatched,
)
from library_pipeline.services.enrichment.revert import revert_run
from library_pipeline.services.enrichment.run import correct_all_books, correct_book_metadata

__all__ = [
    "BookError",
    "BookResult",
    "BookUpdate",
    "EnrichmentOptions",
    "EnrichmentResult",
    "KeptField",
    "RevertResult",
    "Unmatched",
    "correct_all_books",
    "correct_book_metadata",
    "revert_run",
]
