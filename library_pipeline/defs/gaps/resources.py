"""The `gap_policy` resource: what counts as missing, as typed fields whose defaults are the
settings (`gap_min_books`, `gap_languages`, `gap_include_novellas`)."""

from typing import Any

import dagster as dg
from pydantic import Field

from library_pipeline.defs.resources import settings


def _setting(name: str) -> Any:
    """A field whose default is setting `name` (read when the resource is made)."""
    return Field(default_factory=lambda: getattr(settings(), name))


class GapPolicyResource(dg.ConfigurableResource):
    """Owned books by an author before their other books are wanted, the languages read (empty:
    the owned books' own), and whether x.5 novellas count."""

    min_books: int = _setting("gap_min_books")
    languages: list[str] = _setting("gap_languages")
    include_novellas: bool = _setting("gap_include_novellas")


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"gap_policy": GapPolicyResource()})
