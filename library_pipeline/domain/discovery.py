"""How a wanted book was found: the `missing_books.discovery_source` values.

Kept in this tiny module so that the Dagster definitions (run config defaults) can name them
without importing the services.
"""

SERIES_GAPS = "series_gaps"
AUTHOR_GAPS = "author_gaps"
TOP10 = "top10"
DISCOVERY_SOURCES = (SERIES_GAPS, AUTHOR_GAPS, TOP10)
