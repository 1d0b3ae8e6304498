"""The asset keys the pipeline's schedules and automation sensors target."""

from collections.abc import Sequence

import dagster as dg

DAILY_REFRESH_KEYS = (
    "library_books",
    "enriched_metadata",
    "gap_catalogue",
    "series_gaps",
    "author_gaps",
)
FOLLOW_UPSTREAM_KEYS = ("enriched_metadata", "gap_catalogue", "series_gaps", "author_gaps")
DOWNLOAD_KEYS = ("download_requests",)
SENSOR_DRIVEN_KEYS = ("imported_books",)  # launched by the completion sensor, not automation


def keys(names: Sequence[str]) -> dg.AssetSelection:
    """Exactly these assets. Resolving it raises when one of them is not defined, so a renamed
    asset breaks the code location instead of silently leaving a job or sensor."""
    return dg.AssetSelection.assets(*names)


# Eager, but not waiting for every upstream partition: `download_requests` reads the wanted
# books of whichever sources exist (top-10 genres may never all be materialized).
DOWNLOADS_CONDITION = dg.AutomationCondition.eager().without(
    ~dg.AutomationCondition.any_deps_missing()
)
