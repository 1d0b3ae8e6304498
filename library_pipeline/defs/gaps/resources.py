"""The `gap_policy` resource: what counts as missing, as typed fields whose defaults are the
settings (`gap_min_books`, `gap_languages`, `gap_include_novellas`)."""

import dagster as dg

from library_pipeline.defs.resources import from_settings


class GapPolicyResource(dg.ConfigurableResource):
    """Owned books by an author before their other books are wanted, the languages read (empty:
    the owned books' own), and whether x.5 novellas count."""

    min_books: int = from_settings("gap_min_books")
    languages: list[str] = from_settings("gap_languages")
    include_novellas: bool = from_settings("gap_include_novellas")


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"gap_policy": GapPolicyResource()})
