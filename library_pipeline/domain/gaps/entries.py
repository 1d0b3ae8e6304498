"""The catalogue side of the finder: which entries can matter (by an owned author or carrying an
owned ASIN/ISBN), the entry rules (languages, box sets, summaries, split parts), and the
matching features of the entries kept (``EntryFeatures``).

Per-entry work runs in C-level passes (``map``, ``compress``) where it can: this runs over most
of a million-entry catalogue, where a Python call per entry costs more than the work.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress, count
from operator import attrgetter, itemgetter, not_, or_

from library_pipeline.domain.gaps.filters import (
    JUNK_WORDS,
    guess_language,
    split_edition_of,
    title_rules_reject,
)
from library_pipeline.domain.gaps.grouping import EntryFeatures
from library_pipeline.domain.gaps.keys import (
    Title,
    TitleKeys,
    full_titles,
    normalize_id,
    series_slots,
    title_keys_many,
)
from library_pipeline.domain.gaps.models import CatalogueEntry
from library_pipeline.domain.gaps.owned import OwnedInfo
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import (
    author_keys,
    author_loose_keys,
    normalize_text,
    normalize_texts,
    parse_position_range,
)

_DIGIT_RE = re.compile(r"\d")


def _title_junk_many(fulls: Sequence[str], norms: Sequence[str]) -> list[bool]:
    """Whether each title might be junk (a box set, summary or split part: see ``filters``).

    ``norms`` are the titles normalised (``normalize_texts(fulls)``).
    """
    # A normalised title is its tokens with one space between them.
    no_junk_word = JUNK_WORDS.isdisjoint
    search = _DIGIT_RE.search
    return [
        not no_junk_word(norm.split())
        or (("/" in full or " of " in full) and search(full) is not None)
        for full, norm in zip(fulls, norms, strict=True)
    ]


def _language_guess_ok(title: str, wanted: frozenset[str | None]) -> bool:
    guess = guess_language(title)
    return guess is None or guess in wanted


_AUTHORS = attrgetter("authors")
_LANGUAGE = attrgetter("language")
_PLACE = attrgetter("series", "series_position")
_SERIES = attrgetter("series")
_POSITION = attrgetter("series_position")
_TITLE = attrgetter("title", "subtitle", "series")  # a ``Title``

IdHits = dict[str, list[int]]  # owned ASIN/ISBN → the features (kept entries) carrying it


@dataclass(slots=True)
class Screened:
    """The entries the entry rules keep, with their titles numbered for keying.

    ``kept``: their catalogue indexes; ``title_of[k]``: entry k's distinct title in
    ``distinct`` (with its full and normalised texts in ``fulls`` and ``norms``); ``split``:
    the entries that are split editions, titled by their whole book's title.
    """

    kept: list[int]
    entries: list[CatalogueEntry]
    title_of: list[int]
    distinct: list[Title]
    fulls: list[str]
    norms: list[str]
    split: set[int] = field(default_factory=set)


def _in_read_language(
    catalogue: Sequence[CatalogueEntry], kept: Sequence[int], languages: Sequence[str]
) -> tuple[list[int], list[CatalogueEntry]]:
    """The entries at ``kept`` in a language the user reads (a title's function words when the
    provider gave none)."""
    wanted_langs = frozenset(language_code(x) for x in languages)
    entries = [catalogue[idx] for idx in kept]
    langs = list(map(_LANGUAGE, entries))
    lang_ok = {lang: bool(lang) and language_code(lang) in wanted_langs for lang in set(langs)}
    keep = list(map(lang_ok.__getitem__, langs))
    for k in compress(count(), map(not_, langs)):
        keep[k] = _language_guess_ok(entries[k].title, wanted_langs)
    return list(compress(kept, keep)), list(compress(entries, keep))


def screen_entries(
    catalogue: Sequence[CatalogueEntry], kept: Sequence[int], languages: Sequence[str]
) -> Screened:
    """The entry rules: of the entries at ``kept``, those in a language the user reads and not
    a box set, summary or companion; split parts are kept, titled as their whole book."""
    # Per-entry work is done in C-level passes (map, compress) where it can be: this runs
    # over most of a million-entry catalogue.
    kept, entries = _in_read_language(catalogue, kept, languages)
    # Entry rules, on titles that might be junk. Titles numbered in order of first appearance.
    titles = list(map(_TITLE, entries))
    number = dict(zip(dict.fromkeys(titles), count()))
    out = Screened(kept, entries, list(map(number.__getitem__, titles)), list(number), [], [])
    out.fulls = full_titles(out.distinct)  # as filters' ``_text``
    out.norms = normalize_texts(out.fulls)
    junk = _title_junk_many(out.fulls, out.norms)
    positions = list(map(_POSITION, entries))
    ranged = {p: p is not None and parse_position_range(p) is not None for p in set(positions)}
    suspects = list(
        compress(
            count(),
            map(or_, map(junk.__getitem__, out.title_of), map(ranged.__getitem__, positions)),
        )
    )
    rejected = _apply_title_rules(out, suspects, ranged, positions)
    if rejected:
        survive = [True] * len(entries)
        for k in rejected:
            survive[k] = False
        out.kept = list(compress(out.kept, survive))
        out.entries = list(compress(entries, survive))
        out.title_of = list(compress(out.title_of, survive))
        # Split editions renumbered past the rejected entries before them (few of each).
        gone = sorted(rejected)
        out.split = {k - bisect_left(gone, k) for k in out.split}
    return out


_REJECTED, _AS_IS = -2, -1


def _apply_title_rules(
    out: Screened,
    suspects: Sequence[int],
    ranged: dict[str | None, bool],
    positions: list[str | None],
) -> set[int]:
    """The suspect entries a title rule rejects; split parts ("Title, Part One") are kept and
    retitled as their whole book ("Title"). Each distinct title is judged once."""
    fulls, title_of = out.fulls, out.title_of
    rejected: set[int] = set()
    verdicts: dict[int, int] = {}  # title number → rejected, as is, or its whole title's number
    for k in suspects:
        if ranged[positions[k]]:
            rejected.add(k)  # an omnibus by its position range ("1-3")
            continue
        t = title_of[k]
        verdict = verdicts.get(t)
        if verdict is None:
            verdict = verdicts[t] = _title_verdict(out, fulls[t], out.distinct[t][2])
        if verdict == _REJECTED:
            rejected.add(k)
        elif verdict != _AS_IS:
            title_of[k] = verdict
            out.split.add(k)
    return rejected


def _title_verdict(out: Screened, text: str, series: str | None) -> int:
    """A title rejected, kept as is, or (a split part) the number of its whole title, added."""
    if title_rules_reject(text, None):
        return _REJECTED
    whole = split_edition_of(text)
    if whole is None:
        return _AS_IS
    out.distinct.append((whole, None, series))
    out.fulls.append(whole)
    out.norms.append(normalize_text(whole))
    return len(out.distinct) - 1


def _owned_keys(owned: Sequence[OwnedInfo]) -> tuple[frozenset[str], set[str]]:
    """The owned books' author loose keys and identifiers."""
    owned_loose: set[str] = set()
    owned_ids: set[str] = set()
    for o in owned:
        owned_loose |= o.loose
        owned_ids.update(o.ids)
    return frozenset(owned_loose), owned_ids


def _id_matched(catalogue: Sequence[CatalogueEntry], owned_ids: set[str]) -> set[int]:
    """Catalogue indexes of the entries carrying an owned ASIN or ISBN."""
    if not owned_ids:
        return set()
    return {
        idx
        for idx, e in enumerate(catalogue)
        if (e.asin is not None and normalize_id(e.asin) in owned_ids)
        or (e.isbn is not None and normalize_id(e.isbn) in owned_ids)
    }


def _needed_title_keys(
    title_of: Sequence[int], distinct: Sequence[Title], fulls: Sequence[str], norms: Sequence[str]
) -> list[TitleKeys | None]:
    """Title keys of the distinct titles still used by a kept entry (None for the others)."""
    needed = sorted(set(title_of))
    title_keys: list[TitleKeys | None] = [None] * len(distinct)
    computed = title_keys_many(
        [distinct[i] for i in needed], [fulls[i] for i in needed], [norms[i] for i in needed]
    )
    for i, keys in zip(needed, computed, strict=True):
        title_keys[i] = keys
    return title_keys


def collect_features(
    owned: Sequence[OwnedInfo], catalogue: Sequence[CatalogueEntry], languages: Sequence[str]
) -> tuple[EntryFeatures, IdHits]:
    """Keep the catalogue entries that can matter and compute their features (in bulk), with
    the features that carry each owned ASIN/ISBN."""
    owned_loose, owned_ids = _owned_keys(owned)
    # Entries by an author the user owns (loose key) or carrying an owned ASIN/ISBN.
    authors_of = list(map(_AUTHORS, catalogue))
    loose_of = {a: author_loose_keys(a) for a in dict.fromkeys(authors_of)}
    disjoint = owned_loose.isdisjoint
    relevant = {a for a, lk in loose_of.items() if not disjoint(lk)}
    id_matched = _id_matched(catalogue, owned_ids)
    kept = list(compress(count(), map(relevant.__contains__, authors_of)))
    if id_matched:
        kept = sorted(id_matched.union(kept))
    screened = screen_entries(catalogue, kept, languages)
    kept, entries, title_of = screened.kept, screened.entries, screened.title_of
    title_keys = _needed_title_keys(title_of, screened.distinct, screened.fulls, screened.norms)

    f = EntryFeatures()
    f.entry_index = kept
    credits = list(map(_AUTHORS, entries))
    f.loose = list(map(loose_of.__getitem__, credits))
    full_of = {a: author_keys(a) for a in dict.fromkeys(credits)}
    f.full = list(map(full_of.__getitem__, credits))
    keys_of = list(map(title_keys.__getitem__, title_of))
    f.strong = list(map(itemgetter(0), keys_of))  # type: ignore[arg-type]
    f.weak = list(map(itemgetter(1), keys_of))  # type: ignore[arg-type]
    places = list(map(_PLACE, entries))
    slot_of = {place: series_slots(*place) for place in dict.fromkeys(places)}
    f.slots = list(map(slot_of.__getitem__, places))
    f.with_slots = list(compress(count(), map(_SERIES, entries)))
    f.with_weak = list(compress(count(), f.weak))
    f.split = screened.split
    id_hits: IdHits = defaultdict(list)
    if id_matched:
        for n, idx in enumerate(f.entry_index):
            if idx in id_matched:
                e = catalogue[idx]
                for value in (normalize_id(e.asin), normalize_id(e.isbn)):
                    if value is not None and value in owned_ids:
                        id_hits[value].append(n)
    return f, id_hits
