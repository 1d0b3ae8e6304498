"""find_gaps: which books of the user's series and authors are missing.

Outline (every step linear in the input; nothing compares every owned book with every entry):

1. Owned books: author keys, title keys, series slots (from tags, else from the folder path).
2. Catalogue: keep entries by an author the user owns (loose key) or carrying an owned
   ASIN/ISBN; drop entries a rule rejects (translations, box sets, summaries, split parts);
   compute matching features once per entry (normalisers are memoised).
3. Group editions into books (``grouping``).
4. Recognise owned books, most certain first: ASIN/ISBN, then author + title key, then author
   + weak title key or a near-identical title, and only then series position, and only for
   owned books no title matched, into books no owned title claimed. Title identity beats
   positions: two numbering schemes (Narnia, Discworld sub-series) must not make false gaps.
5. Series the user owns (tags and the series of matched books) and authors with at least
   ``min_books_threshold`` distinct owned books define the candidates; each candidate book
   passes the book rules (unpublished, novella, namesake for author-only gaps) and is reported
   once with all its reasons and catalogue ids.
"""

from __future__ import annotations

import gc
import re
import struct
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from operator import attrgetter, itemgetter, not_, or_

from rapidfuzz import fuzz

from library_pipeline.domain.gaps.filters import (
    JUNK_WORDS,
    guess_language,
    namesake_reason,
    novella_reason,
    reads_as_nonfiction,
    title_rules_reject,
    unpublished_reason,
    walk_back_career,
)
from library_pipeline.domain.gaps.grouping import (
    EditionGroups,
    EntryFeatures,
    SeriesSlot,
    group_editions,
)
from library_pipeline.domain.gaps.models import (
    AUTHOR_GAP,
    SERIES_GAP,
    CatalogueEntry,
    GapSettings,
    MissingBook,
    OwnedBook,
)
from library_pipeline.domain.gaps.priority import priority
from library_pipeline.domain.languages import language_code
from library_pipeline.domain.normalize import (
    author_keys,
    author_loose_key,
    author_loose_keys,
    clean_title,
    format_position,
    normalize_author,
    normalize_texts,
    parse_position_range,
    parse_series_position,
    series_aliases,
    split_authors,
    strip_articles_many,
    title_variants_many,
)

__all__ = ["find_gaps"]

SeriesKey = tuple[str, str]  # (series alias, author loose key): one owned series
# Where a missing book sorts (``sort_gaps``): -priority, series, position, title, as one
# byte string (``_rank``) that compares in that order.
Rank = bytes
Found = tuple[Rank, int, MissingBook]  # rank, catalogue index of the first entry, the book

_FUZZY_TITLE_CUTOFF = 90.0
_DIGIT_RE = re.compile(r"\d")
# Display noise: a bracket or colon anywhere (a character class: scanned for fast), or a leading
# digit (``str.isdecimal`` is the class of ``\d``).
_DISPLAY_NOISE_RE = re.compile(r"[(\[:]")
_PATH_POSITION_RE = re.compile(r"^(?:book\s*)?(\d{1,3}(?:\.\d+)?)\s*[-–.:]\s*\S", re.IGNORECASE)


def _slots(series: str | None, position: str | None) -> tuple[tuple[str, float | None], ...]:
    if not series:
        return ()
    pos = parse_series_position(position)
    return tuple((alias, pos) for alias in _sorted_aliases(series))


@lru_cache(maxsize=1 << 18)
def _sorted_aliases(series: str) -> tuple[str, ...]:
    # Memoised: a series comes back once per (title, position) of its books.
    return tuple(sorted(series_aliases(series)))


def _normalize_id(value: str | None) -> str | None:
    if not value:
        return None
    if value.isascii() and value.isalnum():
        return value.upper()  # the common case, nothing to drop (a million catalogue ids)
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    return cleaned or None


def series_from_path(path: str | None) -> tuple[str | None, str | None]:
    """Series and position from a folder path "Author/Series/2.0 - Title" (else None, None)."""
    if not path:
        return None, None
    parts = [p for p in path.replace("\\", "/").split("/") if p.strip()]
    if len(parts) < 3:
        return None, None
    m = _PATH_POSITION_RE.match(parts[-1].strip())
    if not m:
        return None, None
    return parts[-2].strip(), m.group(1)


@dataclass(slots=True)
class _OwnedInfo:
    book: OwnedBook
    full: frozenset[str]
    loose: frozenset[str]
    strong: frozenset[str]
    weak: frozenset[str]
    slots: tuple[tuple[str, float | None], ...]
    ids: tuple[str, ...]


def _owned_infos(owned: Sequence[OwnedBook]) -> list[_OwnedInfo]:
    """Matching features of the owned books (titles keyed in bulk)."""
    places: list[tuple[str | None, str | None]] = []
    for book in owned:
        series, position = book.series, book.series_position
        if not series and book.path:
            series, path_position = series_from_path(book.path)
            position = position or path_position
        places.append((series, position))
    titles = _title_keys_each(
        [(book.title, None, series) for book, (series, _pos) in zip(owned, places, strict=True)]
    )
    authors: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {}
    slots: dict[tuple[str | None, str | None], tuple[SeriesSlot, ...]] = {}
    out: list[_OwnedInfo] = []
    for book, place, (strong, weak) in zip(owned, places, titles, strict=True):
        keys = authors.get(book.authors)
        if keys is None:
            keys = authors[book.authors] = (
                author_keys(book.authors),
                author_loose_keys(book.authors),
            )
        book_slots = slots.get(place)
        if book_slots is None:
            book_slots = slots[place] = _slots(*place)
        ids = tuple(i for i in (_normalize_id(book.asin), _normalize_id(book.isbn)) if i)
        out.append(_OwnedInfo(book, keys[0], keys[1], strong, weak, book_slots, ids))
    return out


# Noise characters of a title; " - " is the other noise, tested apart with ``in``: a pattern
# that is one character class is scanned for much faster than an alternation.
_NOISE_CHARS_RE = re.compile(r"[(\[:;,#–—]")
_LEADING_WORDS = frozenset({"book", "books", "vol", "volume", "part", "no"})
_EMPTY: frozenset[str] = frozenset()
Title = tuple[str, str | None, str | None]  # title, subtitle, series


def _full_titles(titles: Sequence[Title]) -> list[str]:
    return [f"{title}: {subtitle}" if subtitle else title for title, subtitle, _ in titles]


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


def _title_keys_many(
    titles: Sequence[Title], fulls: Sequence[str], norms: Sequence[str]
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """(strong keys, weak keys) of each title.

    Titles without any noise character skip ``title_variants``: their key is the normalised
    text without articles, which is what ``title_variants`` returns for them too.
    """
    search = _NOISE_CHARS_RE.search
    plain = [
        bool(norm)
        and search(full) is None
        and " - " not in full
        and not full[:1].isdigit()
        and norm.partition(" ")[0] not in _LEADING_WORDS
        for full, norm in zip(fulls, norms, strict=True)
    ]
    plain_keys = iter(strip_articles_many([n for n, ok in zip(norms, plain, strict=True) if ok]))
    others = iter(title_variants_many([t for t, ok in zip(titles, plain, strict=True) if not ok]))
    return [(frozenset((next(plain_keys),)), _EMPTY) if ok else next(others) for ok in plain]


def _title_keys_each(titles: Sequence[Title]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """(strong keys, weak keys) of each title, each distinct title keyed once."""
    index: dict[Title, int] = {}
    title_of = [index.setdefault(t, len(index)) for t in titles]
    distinct = list(index)
    fulls = _full_titles(distinct)
    keys = _title_keys_many(distinct, fulls, normalize_texts(fulls))
    return [keys[i] for i in title_of]


def _language_guess_ok(title: str, wanted: frozenset[str | None]) -> bool:
    guess = guess_language(title)
    return guess is None or guess in wanted


def _key_similarity(a: str, b: str) -> float:
    """token_sort_ratio of two title keys; 0 when they carry different numbers (sequels)."""
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return 0.0
    return fuzz.token_sort_ratio(a, b)


_AUTHORS = attrgetter("authors")
_LANGUAGE = attrgetter("language")
_PLACE = attrgetter("series", "series_position")
_SERIES = attrgetter("series")
_POSITION = attrgetter("series_position")
_TITLE = attrgetter("title", "subtitle", "series")  # a ``Title``


def screen_entries(
    catalogue: Sequence[CatalogueEntry], kept: Sequence[int], languages: Sequence[str]
) -> tuple[list[int], list[CatalogueEntry], list[int], list[Title], list[str], list[str]]:
    """The entry rules: of the entries at ``kept``, those in a language the user reads and not
    a box set, summary, companion or split part.

    Returns (their catalogue indexes, the entries, each one's distinct-title index, the distinct
    titles, their full and normalised texts): the finder keys those titles next.
    """
    # Per-entry work is done in C-level passes (map, compress) where it can be: this runs
    # over most of a million-entry catalogue.
    # Languages the user reads (a title's function words when the provider gave none).
    wanted_langs = frozenset(language_code(x) for x in languages)
    entries = [catalogue[idx] for idx in kept]
    langs = list(map(_LANGUAGE, entries))
    lang_ok = {lang: bool(lang) and language_code(lang) in wanted_langs for lang in set(langs)}
    keep = list(map(lang_ok.__getitem__, langs))
    for k in compress(count(), map(not_, langs)):
        keep[k] = _language_guess_ok(entries[k].title, wanted_langs)
    kept = list(compress(kept, keep))
    entries = list(compress(entries, keep))

    # Entry rules (box sets, summaries, split parts), on titles that might be junk.
    # ``title_of[k]``: entry k's distinct title, numbered in order of first appearance.
    titles = list(map(_TITLE, entries))
    number = dict(zip(dict.fromkeys(titles), count()))
    title_of = list(map(number.__getitem__, titles))
    distinct = list(number)
    fulls = _full_titles(distinct)  # as filters' ``_text``
    norms = normalize_texts(fulls)
    junk = _title_junk_many(fulls, norms)
    positions = list(map(_POSITION, entries))
    ranged = {p: p is not None and parse_position_range(p) is not None for p in set(positions)}
    suspects = compress(
        count(), map(or_, map(junk.__getitem__, title_of), map(ranged.__getitem__, positions))
    )
    rejected = {k for k in suspects if title_rules_reject(fulls[title_of[k]], positions[k])}
    if rejected:
        survive = [True] * len(entries)
        for k in rejected:
            survive[k] = False
        kept = list(compress(kept, survive))
        entries = list(compress(entries, survive))
        title_of = list(compress(title_of, survive))
    return kept, entries, title_of, distinct, fulls, norms


class _Finder:
    """One run of gap detection; attributes are the indexes shared by the steps."""

    def __init__(
        self,
        owned: Sequence[OwnedBook],
        catalogue: Sequence[CatalogueEntry],
        settings: GapSettings,
    ) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.owned = _owned_infos(owned)
        self.feats = EntryFeatures()
        self.id_hits: dict[str, list[int]] = defaultdict(list)  # owned ASIN/ISBN → features
        self.members: dict[int, list[int]] = {}

    # ------------------------------------------------------------------ step 2: catalogue

    def collect_features(self) -> None:
        """Keep the catalogue entries that can matter and compute their features (in bulk:
        a Python call per entry of a million-entry catalogue costs more than the work)."""
        owned_loose: set[str] = set()
        owned_ids: set[str] = set()
        for o in self.owned:
            owned_loose |= o.loose
            owned_ids.update(o.ids)
        catalogue = self.catalogue
        # Entries by an author the user owns (loose key) or carrying an owned ASIN/ISBN.
        authors_of = list(map(_AUTHORS, catalogue))
        loose_of = {a: author_loose_keys(a) for a in dict.fromkeys(authors_of)}
        disjoint = frozenset(owned_loose).isdisjoint
        relevant = {a for a, lk in loose_of.items() if not disjoint(lk)}
        id_matched: set[int] = set()
        if owned_ids:
            id_matched = {
                idx
                for idx, e in enumerate(catalogue)
                if (e.asin is not None and _normalize_id(e.asin) in owned_ids)
                or (e.isbn is not None and _normalize_id(e.isbn) in owned_ids)
            }
        kept = list(compress(count(), map(relevant.__contains__, authors_of)))
        if id_matched:
            kept = sorted(id_matched.union(kept))
        kept, entries, title_of, distinct, fulls, norms = screen_entries(
            catalogue, kept, self.settings.languages
        )

        # Title keys of the titles still needed, each distinct title once.
        needed = sorted(set(title_of))
        title_keys: list[tuple[frozenset[str], frozenset[str]] | None] = [None] * len(distinct)
        for i, keys in zip(
            needed,
            _title_keys_many(
                [distinct[i] for i in needed],
                [fulls[i] for i in needed],
                [norms[i] for i in needed],
            ),
            strict=True,
        ):
            title_keys[i] = keys

        f = self.feats
        f.entry_index = kept
        credits = list(map(_AUTHORS, entries))
        f.loose = list(map(loose_of.__getitem__, credits))
        full_of = {a: author_keys(a) for a in dict.fromkeys(credits)}
        f.full = list(map(full_of.__getitem__, credits))
        keys_of = list(map(title_keys.__getitem__, title_of))
        f.strong = list(map(itemgetter(0), keys_of))  # type: ignore[arg-type]
        f.weak = list(map(itemgetter(1), keys_of))  # type: ignore[arg-type]
        places = list(map(_PLACE, entries))
        slot_of = {place: _slots(*place) for place in dict.fromkeys(places)}
        f.slots = list(map(slot_of.__getitem__, places))
        f.with_slots = list(compress(count(), map(_SERIES, entries)))
        f.with_weak = list(compress(count(), f.weak))
        if id_matched:
            for n, idx in enumerate(f.entry_index):
                if idx in id_matched:
                    e = catalogue[idx]
                    for value in (_normalize_id(e.asin), _normalize_id(e.isbn)):
                        if value in owned_ids:
                            self.id_hits[value].append(n)  # type: ignore[index]

    # ------------------------------------------------------------------ step 4: owned books

    def build_indexes(self, groups: EditionGroups) -> None:
        """Adopt the grouping of ``feats`` (other modules drive the steps this way to reuse the
        owned-book matching: domain/gaps/matching.py, services/mam.py)."""
        self.groups = groups
        self.members = {}

    def load_members(self, roots: Iterable[int]) -> None:
        """Fill ``members`` (book → its features) for these books, in one pass."""
        wanted = set(roots) - self.members.keys()
        if not wanted:
            return
        found: dict[int, list[int]] = defaultdict(list)
        root_of = self.groups.root_of
        for i in compress(count(), map(wanted.__contains__, root_of)):
            found[root_of[i]].append(i)
        self.members.update(found)

    def index_by(
        self, loose_keys: set[str] | frozenset[str], aliases: set[str] | frozenset[str]
    ) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
        """Books by author loose key and by series alias, for just these keys and aliases."""
        f, root_of = self.feats, self.groups.root_of
        by_loose: dict[str, set[int]] = defaultdict(set)
        by_alias: dict[str, set[int]] = defaultdict(set)
        if loose_keys:
            disjoint = frozenset(loose_keys).isdisjoint
            for i, lk in enumerate(f.loose):
                if not disjoint(lk):
                    r = root_of[i]
                    for la in lk & loose_keys:
                        by_loose[la].add(r)
        if aliases:
            for i in f.with_slots:
                for alias, _pos in f.slots[i]:
                    if alias in aliases:
                        by_alias[alias].add(root_of[i])
        return by_loose, by_alias

    def root_positions(self, root: int, alias: str) -> list[float]:
        f = self.feats
        return [
            pos
            for i in self.members[root]
            for a, pos in f.slots[i]
            if a == alias and pos is not None
        ]

    def match_owned(self) -> dict[int, set[int]]:
        """Owned book index → the books (roots) it is; unmatched books are absent."""
        g = self.groups
        matched: dict[int, set[int]] = {}
        unmatched: list[int] = []
        for n, o in enumerate(self.owned):
            roots = {g.root_of[i] for v in o.ids for i in self.id_hits.get(v, ())}
            if not roots:
                roots = {
                    r
                    for la in o.loose
                    for sk in o.strong
                    if (r := g.strong_book((la, sk))) is not None
                }
            if roots:
                matched[n] = roots
            else:
                unmatched.append(n)
        if unmatched:
            self._match_loose(unmatched, matched)
        return matched

    def _match_loose(self, unmatched: list[int], matched: dict[int, set[int]]) -> None:
        """Weak titles, near-identical titles, then series positions, for the owned books the
        certain keys did not find."""
        g, f = self.groups, self.feats
        owned = [self.owned[n] for n in unmatched]
        # Catalogue weak keys, indexed only for what these owned books could ask.
        wanted = {(la, sk) for o in owned for la in o.loose for sk in o.strong}
        weak_books: dict[tuple[str, str], set[int]] = defaultdict(set)
        for i in f.with_weak:
            for la in f.loose[i]:
                for wk in f.weak[i]:
                    if (la, wk) in wanted:
                        weak_books[(la, wk)].add(g.root_of[i])
        loose_keys = {la for o in owned for la in o.loose}
        aliases = {alias for o in owned for alias, _ in o.slots}
        by_loose, by_alias = self.index_by(loose_keys, aliases)
        self.load_members(
            {r for la in loose_keys for r in by_loose.get(la, ())}
            | {r for alias in aliases for r in by_alias.get(alias, ())}
        )
        pending: list[tuple[int, _OwnedInfo]] = []
        for n, o in zip(unmatched, owned, strict=True):
            roots = self._match_weak(o, weak_books) or self._match_fuzzy(o, by_loose)
            if roots:
                matched[n] = roots
            elif o.slots and o.loose:
                pending.append((n, o))
        # Series position last, and only into books no owned title claimed.
        claimed = set().union(*matched.values()) if matched else set()
        for n, o in pending:
            found: set[int] = set()
            for alias, pos in o.slots:
                if pos is None:
                    continue
                for r in by_alias.get(alias, ()):
                    if r in claimed or r in found:
                        continue
                    r_loose = {la for i in self.members[r] for la in f.loose[i]}
                    if set(self.root_positions(r, alias)) == {pos} and r_loose & o.loose:
                        found.add(r)
            if len(found) == 1:
                matched[n] = found

    def _match_weak(self, o: _OwnedInfo, weak_books: dict[tuple[str, str], set[int]]) -> set[int]:
        g = self.groups
        via: dict[int, set[str]] = defaultdict(set)
        for la in o.loose:
            for wk in o.weak:
                r = g.strong_book((la, wk))
                if r is not None:
                    via[r].add(wk)
        if len(via) > 1:
            # "Series: Title" tags: drop the book matched by the series name part, judged by
            # the series of the edition that carries the matching key.
            for r in list(via):
                r_aliases = {
                    alias
                    for la in o.loose
                    for wk in via[r]
                    if (i := g.strong_owner.get((la, wk))) is not None
                    for alias, _ in self.feats.slots[i]
                }
                if via[r] <= r_aliases:
                    del via[r]
        if via:
            return set(via)
        found: set[int] = set()
        for la in o.loose:
            for sk in o.strong:
                found |= weak_books.get((la, sk), set())
        return found if len(found) == 1 else set()

    def _match_fuzzy(self, o: _OwnedInfo, by_loose: dict[str, set[int]]) -> set[int]:
        f = self.feats
        best: tuple[float, int] | None = None
        candidates: set[int] = set()
        for la in o.loose:
            candidates |= by_loose.get(la, set())
        if len(candidates) > 500:
            return set()  # a prolific name: fuzzy matching here costs more than it finds
        for r in candidates:
            keys = {k for i in self.members[r] for k in f.strong[i]}
            for a in o.strong:
                for b in keys:
                    score = _key_similarity(a, b)
                    if score >= _FUZZY_TITLE_CUTOFF and (best is None or score > best[0]):
                        best = (score, r)
        return {best[1]} if best else set()

    # ------------------------------------------------------------------ step 5: gaps

    def find(self) -> list[MissingBook]:
        return sort_gaps(self.find_unsorted())

    def find_unsorted(self) -> list[Found]:
        """The missing books, each with its rank and the catalogue index of its first-listed
        entry (the tie-breaker of ``sort_gaps``, so that a run split into parts orders like one
        run)."""
        self.collect_features()
        self.build_indexes(group_editions(self.feats))
        matched = self.match_owned()
        g, f = self.groups, self.feats
        owned_roots: set[int] = set().union(*matched.values()) if matched else set()
        self.load_members(owned_roots)

        # Series the user owns, per author: two series that share a name (alias) but not an
        # author are different series, and their owned positions must not mix.
        # (alias, author loose key) → owned book indexes / owned positions.
        series_owned: dict[SeriesKey, set[int]] = defaultdict(set)
        series_pos: dict[SeriesKey, set[float]] = defaultdict(set)
        for n, o in enumerate(self.owned):
            tagged = dict(o.slots)
            people: dict[str, set[str]] = {}  # alias → the authors it is owned under
            for r in matched.get(n, ()):
                members = self.members[r]
                r_aliases = {a for i in members for a, _ in f.slots[i]}
                if not r_aliases:
                    continue  # a book in no series
                r_loose = {la for i in members for la in f.loose[i]}
                for alias in r_aliases:
                    people.setdefault(alias, set()).update(r_loose)
                    positions = set(self.root_positions(r, alias))
                    tag = tagged.get(alias)
                    if len(positions) == 1 and (tag is None or tag not in positions):
                        tagged[alias] = next(iter(positions))  # a missing or other-scheme tag
            for alias in tagged.keys() | people.keys():
                pos = tagged.get(alias)
                for la in people.get(alias, set()) | o.loose:
                    series_owned[(alias, la)].add(n)
                    if pos is not None:
                        series_pos[(alias, la)].add(pos)

        # Authors with enough distinct owned books, and the name variants that are them.
        books_by_author: dict[str, set[object]] = defaultdict(set)
        corroborated: dict[str, set[str]] = defaultdict(set)
        self.owned_by_author: dict[str, list[_OwnedInfo]] = defaultdict(list)
        for n, o in enumerate(self.owned):
            identity: object = (
                min(matched[n]) if n in matched else ("title", min(o.strong, default=""))
            )
            for la in o.loose:
                books_by_author[la].add(identity)
                self.owned_by_author[la].append(o)
        # Each distinct key set once: books by one author share the same frozenset.
        full_sets = {o.full for o in self.owned}
        full_sets.update(f.full[i] for r in owned_roots for i in self.members[r])
        for full in full_sets:
            for fk in full:
                corroborated[author_loose_key(fk)].add(fk)
        threshold = {
            la
            for la, books in books_by_author.items()
            if len(books) >= self.settings.min_books_threshold
        }

        self.by_loose, by_alias = self.index_by(threshold, {a for a, _la in series_owned})
        candidates: set[int] = set()
        for roots in by_alias.values():
            candidates |= roots
        for roots in self.by_loose.values():
            candidates |= roots
        candidates -= owned_roots
        candidates -= g.ambiguous
        self.load_members(candidates)

        self.owned_roots = owned_roots
        self.corroborated = {la: frozenset(keys) for la, keys in corroborated.items()}
        self._career_cache: dict[str, int | None] = {}
        self._nonfiction_cache: dict[str, bool] = {}
        self._owned_text: dict[tuple[SeriesKey, ...], str] = {}
        self._author_name: dict[str, str] = {}
        out: list[Found] = []
        entry_index = f.entry_index
        for r in candidates:
            ranked = self._evaluate(r, series_owned, series_pos, threshold)
            if ranked is not None:
                out.append((ranked[0], entry_index[r], ranked[1]))
        return out

    def _evaluate(
        self,
        r: int,
        series_owned: dict[SeriesKey, set[int]],
        series_pos: dict[SeriesKey, set[float]],
        threshold: set[str],
    ) -> tuple[Rank, MissingBook] | None:
        """The book at root ``r`` with its rank, if it is missing."""
        f, settings = self.feats, self.settings
        members = self.members[r]
        loose, slots = f.loose, f.slots
        r_loose = {la for i in members for la in loose[i]}
        r_aliases = {a for i in members for a, _ in slots[i]}
        # Each owned series this book is in: its (alias, author) keys shared with the book.
        series_hits: dict[str, tuple[SeriesKey, ...]] = {}
        for a in r_aliases:
            keys = tuple(sorted((a, la) for la in r_loose if (a, la) in series_owned))
            if keys:
                series_hits[a] = keys
        author_hits = sorted(r_loose & threshold)
        if not series_hits and not author_hits:
            return None
        catalogue, entry_index = self.catalogue, f.entry_index
        entries = [catalogue[entry_index[i]] for i in members]
        if unpublished_reason(entries, settings.as_of.year):
            return None
        if not settings.include_novellas and novella_reason(entries):
            return None
        years = [e.published_year for e in entries if e.published_year is not None]
        year = min(years) if years else None
        if not series_hits:
            author_hits = self._not_namesakes(author_hits, members, entries, year)
            if not author_hits:
                return None

        reasons = ((SERIES_GAP,) if series_hits else ()) + ((AUTHOR_GAP,) if author_hits else ())
        series_name: str | None = None
        position: float | None = None
        owned_positions: set[float] = set()
        alias = ""
        owned_count = 0
        if series_hits:

            def owned_books(a: str) -> set[int]:
                keys = series_hits[a]
                if len(keys) == 1:
                    return series_owned[keys[0]]
                return set().union(*(series_owned[k] for k in keys))

            alias = (
                next(iter(series_hits))
                if len(series_hits) == 1
                else max(series_hits, key=lambda a: (len(owned_books(a)), a))
            )
            owned_count = len(owned_books(alias))
            for key in series_hits[alias]:
                owned_positions = owned_positions | series_pos.get(key, set())
            series_name = _most_common(
                [e.series for e in entries if e.series and alias in series_aliases(e.series)]
            )
            position = _choose_position(self.root_positions(r, alias), owned_positions)
        else:
            series_name = _most_common([e.series for e in entries if e.series])
            if series_name:
                position = _choose_position(
                    [p for i in members for _a, p in slots[i] if p is not None], set()
                )
        prio = priority(
            series_gap=bool(series_hits),
            author_gap=bool(author_hits),
            position=position,
            owned_positions=owned_positions,
            published_year=year,
            as_of_year=settings.as_of.year,
        )
        shown_position = format_position(position)
        if series_hits:
            owned_text = self._owned_text.get(series_hits[alias])
            if owned_text is None:
                owned_text = self._owned_text[series_hits[alias]] = (
                    _format_positions(owned_positions)
                    if owned_positions
                    else f"{owned_count} book(s) of the series"
                )
            evidence = f"{series_name} #{shown_position or '?'}; owned {owned_text}"
            if author_hits:
                evidence += f"; also an author gap ({self._author_names(author_hits)})"
        else:
            owned_n = max(len(self.owned_by_author[la]) for la in author_hits)
            who = self._author_names(author_hits)
            evidence = f"{who}: you own {owned_n} of their books, not this one" + (
                f" ({year})" if year else ""
            )
        title = _display_title(entries)
        # The rank is built here, from values at hand, once per book (not per comparison).
        rank = _rank(prio, series_name, shown_position, title)
        return rank, MissingBook(
            title=title,
            authors=_display_authors(entries),
            series=series_name,
            series_position=shown_position,
            reasons=reasons,
            priority=prio,
            catalogue_ids=tuple(e.id for e in entries),
            evidence=evidence,
        )

    def _author_names(self, loose_keys: Iterable[str]) -> str:
        """ "Name & Name": each author as spelled on the first owned book credited to them."""
        names = []
        for la in loose_keys:
            name = self._author_name.get(la)
            if name is None:
                owned = self.owned_by_author.get(la)
                name = _display_authors_of_owned(owned, la) if owned else la.title()
                self._author_name[la] = name
            names.append(name)
        return " & ".join(names)

    def _not_namesakes(
        self,
        author_hits: list[str],
        members: list[int],
        entries: list[CatalogueEntry],
        year: int | None,
    ) -> list[str]:
        """The author keys of an author-only gap that are not namesakes (filters docstring)."""
        f = self.feats
        r_full = {fk for i in members for fk in f.full[i]}
        titles = [e.title if not e.subtitle else f"{e.title}: {e.subtitle}" for e in entries]
        kept = []
        for la in author_hits:
            nonfiction = self._nonfiction_cache.get(la)
            if nonfiction is None:
                nonfiction = self._nonfiction_cache[la] = any(
                    reads_as_nonfiction(o.book.title) for o in self.owned_by_author[la]
                )
            reason = namesake_reason(
                frozenset(fk for fk in r_full if author_loose_key(fk) == la),
                self.corroborated.get(la, frozenset()),
                year,
                self._career_start(la),
                titles,
                nonfiction,
            )
            if reason is None:
                kept.append(la)
        return kept

    def _career_start(self, la: str) -> int | None:
        if la in self._career_cache:
            return self._career_cache[la]
        f = self.feats
        owned_years: list[int] = []
        other_years: list[int] = []
        for r in self.by_loose.get(la, ()):
            ys = [
                y
                for i in self.members.get(r, ())
                if (y := self.catalogue[f.entry_index[i]].published_year) is not None
            ]
            if ys:
                (owned_years if r in self.owned_roots else other_years).append(min(ys))
        start = walk_back_career(min(owned_years), other_years) if owned_years else None
        self._career_cache[la] = start
        return start


def sort_gaps(found: Iterable[Found]) -> list[MissingBook]:
    """The books, highest priority first, then by series, position and title (their rank);
    ties in catalogue order.

    Lists already sorted in parts (``sort_found``) and joined sort in one merge pass: the sort
    finds the sorted runs. So parallel parts sort their own, and the serial step after them
    only merges.
    """
    return [book for _rank, _pos, book in sorted(found, key=_RANK_THEN_POSITION)]


def sort_found(found: list[Found]) -> None:
    """Sort in place, in ``sort_gaps`` order."""
    found.sort(key=_RANK_THEN_POSITION)


_RANK_THEN_POSITION = itemgetter(0, 1)


_DOUBLE = struct.Struct(">d")


def _rank(priority: int, series: str | None, position: str | None, title: str) -> Rank:
    """(-priority, series, position, title) as bytes that compare in the same order.

    One bytes object compares in one memcmp; a tuple of four compares object by object, and
    sorting 80,000 of them spends most of its time on cache misses. Priorities are 0-100; UTF-8
    orders like the code points (lone surrogates, which a JSON catalogue can carry, included:
    ``surrogatepass``); a NUL ends the series (it sorts before any other character);
    positions are never negative, and big-endian IEEE doubles of such numbers order like the
    numbers (unknown: infinity, last).
    """
    pos = float(position) if position is not None else _INFINITY
    return b"".join(
        (
            _PRIORITY_BYTES[priority],
            series.encode("utf-8", _SURROGATES) if series else b"",
            b"\0",
            _DOUBLE.pack(pos),
            title.encode("utf-8", _SURROGATES),
        )
    )


_INFINITY = float("inf")
_SURROGATES = "surrogatepass"
_PRIORITY_BYTES = [bytes((100 - p,)) for p in range(101)]  # higher first


def _most_common(values: list[str]) -> str | None:
    """The most frequent value (ties: the first listed); None for an empty list."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__)


def _choose_position(positions: list[float], owned_positions: set[float]) -> float | None:
    """The book's position to show: prefer one the user does not own (two numbering schemes),
    then a whole number over a fraction, then the most common, then the smallest."""
    if positions and positions.count(positions[0]) == len(positions):
        return positions[0]  # the common case: every edition agrees
    counts = Counter(positions)
    if not counts:
        return None
    return min(counts, key=lambda p: (p in owned_positions, p != int(p), -counts[p], p))


def _format_positions(positions: Iterable[float]) -> str:
    """{1, 2, 3, 5, 7.5} → "#1-3, #5, #7.5"."""
    nums = sorted(set(positions))
    parts: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while (
            j + 1 < len(nums)
            and nums[j + 1] == nums[j] + 1
            and nums[j] == int(nums[j])
            and nums[j + 1] == int(nums[j + 1])
        ):
            j += 1
        first, last = format_position(nums[i]), format_position(nums[j])
        parts.append(f"#{first}" if i == j else f"#{first}-{last}")
        i = j + 1
    return ", ".join(parts)


def _display_title(entries: Sequence[CatalogueEntry]) -> str:
    """The most common title among editions listed without brackets or subtitles (ties: the one
    listed first; shouting capitals last); else the most common clean title."""
    plain = [
        " ".join(e.title.split())
        for e in entries
        if not e.subtitle
        and _DISPLAY_NOISE_RE.search(e.title) is None
        and not e.title[:1].isdecimal()
    ]
    candidates = plain or [clean_title(e.title) for e in entries]
    if len(candidates) == 1:
        return candidates[0]
    counts: dict[str, int] = {}
    for t in candidates:
        counts[t] = counts.get(t, 0) + 1
    return max(counts, key=lambda t: (counts[t], not t.isupper()))


def _display_authors(entries: Sequence[CatalogueEntry]) -> tuple[str, ...]:
    """Every credited person once, in the most common spelling, most credited first."""
    first = entries[0].authors if entries else ()
    if all(e.authors == first for e in entries):
        # The common case: every edition credits alike (counting n copies ranks like one).
        return _display_credits(first)
    return _rank_spellings([e.authors for e in entries])


@lru_cache(maxsize=1 << 16)
def _display_credits(authors: tuple[str, ...]) -> tuple[str, ...]:
    """``_display_authors`` of editions that all have these credits."""
    return _rank_spellings([authors])


def _rank_spellings(credits: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    spellings: dict[str, dict[str, int]] = {}
    for authors in credits:
        for key, name in _credited(authors):
            names = spellings.setdefault(key, {})
            names[name] = names.get(name, 0) + 1
    ranked = sorted(spellings, key=lambda k: -sum(spellings[k].values()))  # stable: first seen
    return tuple(
        max(spellings[k], key=lambda n: (spellings[k][n], not n.isupper())) for k in ranked
    )


@lru_cache(maxsize=1 << 16)
def _credited(authors: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(key, display name) of every person in a credit list."""
    out = []
    for a in authors:
        for name in split_authors(a):
            key = normalize_author(name)
            if key:
                out.append((key, name))
    return tuple(out)


def _display_authors_of_owned(owned: list[_OwnedInfo], la: str) -> str:
    for o in owned:
        for a in o.book.authors:
            for name in split_authors(a):
                if author_loose_key(name) == la:
                    return name
    return la.title()


def find_gaps(
    owned: Sequence[OwnedBook], catalogue: Sequence[CatalogueEntry], settings: GapSettings
) -> list[MissingBook]:
    """The missing books (never editions), highest priority first. Pure; see module docstring.

    The cyclic garbage collector is paused during the run (and restored after): the run makes
    millions of short-lived containers and no reference cycles, and repeated full collections
    over a million catalogue objects would cost more than the work itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Finder(owned, catalogue, settings).find()
    finally:
        if was_enabled:
            gc.enable()
