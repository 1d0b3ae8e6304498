"""Gap detection: which *books* (not editions) of the user's series and authors are missing.

Pure domain logic: no I/O, no Dagster, no database. Entry point: ``find_gaps``.
"""

from library_pipeline.domain.gaps.finder import find_gaps
from library_pipeline.domain.gaps.models import CatalogueEntry, GapSettings, MissingBook, OwnedBook

__all__ = ["CatalogueEntry", "GapSettings", "MissingBook", "OwnedBook", "find_gaps"]
