"""Gap detection: which *books* (not editions) of the user's series and authors are missing.

Pure domain logic: no I/O, no processes, no Dagster, no database. Entry points: ``find_gaps``
and the ``GapFinder`` class (``finder``); every listing's fate: ``explain.explain_decisions``.
Modules by stage: ``owned`` → ``entries`` (+ ``filters``, ``keys``) → ``grouping`` →
``recognition`` → ``evaluation`` (+ ``numbering``, ``priority``, ``display``) → ``ranking``.
"""

from library_pipeline.domain.gaps.finder import GapFinder, find_gaps
from library_pipeline.domain.gaps.models import (
    CatalogueEntry,
    Decision,
    GapSettings,
    MissingBook,
    OwnedBook,
)

__all__ = [
    "CatalogueEntry",
    "Decision",
    "GapFinder",
    "GapSettings",
    "MissingBook",
    "OwnedBook",
    "find_gaps",
]
