"""Normalisers for book metadata: titles, authors, series names and series positions.

Shared by gap detection, enrichment matching, release scoring and owned-book matching.
Pure functions, no I/O. The expensive ones are memoised with ``functools.lru_cache`` because
provider catalogues repeat the same strings (authors, series, titles) many times.

Modules by stage: ``text`` (normalise strings), ``positions`` (series positions), ``titles``
(title cleaning and keys), ``authors`` (credits and name keys), ``series`` (series keys).
Public API (stable), importable from this package:

- ``normalize_text(s)``: casefold, strip accents, punctuation to space, collapse spaces.
- ``normalize_texts(strings)`` / ``strip_articles_many(norms)`` / ``title_variants_many(titles)``:
  the same results for many strings at once, computed mostly by C-level string operations over
  one joined string (for catalogues of a million entries, where a Python call per title costs
  more than the work).
- ``clean_title(title, series=None)``: the display title without edition/series noise.
- ``title_key(title, series=None)``: matching key of a title (articles dropped).
- ``title_variants(title, subtitle=None, series=None)``: (strong, weak) key sets for matching.
- ``normalize_author(name)`` / ``author_loose_key(name)``: matching keys of one person.
- ``split_authors(s)``: one credit string to a list of names, in "First Last" order.
- ``display_author(name)``: one name as printed ("Brown, Pierce" → "Pierce Brown"): the
  project's one "Last, First" rule, the same as ``split_authors``'.
- ``author_keys(authors)`` / ``author_loose_keys(authors)``: key sets of an author list.
- ``series_key(name)`` / ``series_aliases(name)``: matching keys of a series name.
- ``parse_series_position(text)`` / ``parse_position_range(text)`` / ``format_position(pos)``.
- ``same_title(a, b, series=None)`` / ``same_title_key(title)``: the project's one notion of
  "the same title" (spellings, compounds, number words, articles, subtitles: ``same_title``).
- ``title_similarity(a, b)`` (1.0 for the same title) and ``author_match(a_list, b_list)``:
  fuzzy comparisons.
- ``ascii_fast_search(regex)``: a faster ``regex.search`` test for lower-case IGNORECASE patterns.
"""

from library_pipeline.domain.normalize.authors import (
    author_keys,
    author_loose_key,
    author_loose_keys,
    author_match,
    display_author,
    normalize_author,
    split_authors,
)
from library_pipeline.domain.normalize.positions import (
    WORD_NUMBERS,
    format_position,
    parse_position_range,
    parse_series_position,
)
from library_pipeline.domain.normalize.same_title import (
    compact_title_key,
    same_title,
    same_title_key,
    same_title_keys_many,
    same_title_variants,
    same_title_variants_many,
    title_similarity,
)
from library_pipeline.domain.normalize.series import series_aliases, series_key
from library_pipeline.domain.normalize.text import (
    ascii_fast_search,
    normalize_text,
    normalize_texts,
)
from library_pipeline.domain.normalize.titles import (
    clean_title,
    strip_articles_many,
    title_key,
    title_variants,
    title_variants_many,
)

__all__ = [
    "WORD_NUMBERS",
    "ascii_fast_search",
    "author_keys",
    "author_loose_key",
    "author_loose_keys",
    "author_match",
    "clean_title",
    "compact_title_key",
    "display_author",
    "format_position",
    "normalize_author",
    "normalize_text",
    "normalize_texts",
    "parse_position_range",
    "parse_series_position",
    "same_title",
    "same_title_key",
    "same_title_keys_many",
    "same_title_variants",
    "same_title_variants_many",
    "series_aliases",
    "series_key",
    "split_authors",
    "strip_articles_many",
    "title_key",
    "title_similarity",
    "title_variants",
    "title_variants_many",
]
