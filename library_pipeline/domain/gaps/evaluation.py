"""Step 5 of the finder: whether one candidate book is missing, and how it is shown.

A candidate is a book of an owned series (``series_owned``) or by an author with enough owned
books (``threshold``) that the user does not own. ``GapEvaluation.evaluate`` runs the book rules
(unpublished, novella, namesake for author-only gaps), places the book in the owned series,
computes its priority and evidence, and returns the missing book with its rank, or the reason it
is not missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from library_pipeline.domain.gaps.display import (
    choose_position,
    display_authors,
    display_owned_author,
    display_title,
    format_positions,
    most_common,
)
from library_pipeline.domain.gaps.filters import (
    namesake_reason,
    novella_reason,
    reads_as_nonfiction,
    split_edition_of,
    unpublished_reason,
    walk_back_career,
)
from library_pipeline.domain.gaps.models import (
    AUTHOR_GAP,
    SERIES_GAP,
    CatalogueEntry,
    MissingBook,
)
from library_pipeline.domain.gaps.numbering import Numbering, owned_scheme, two_schemes
from library_pipeline.domain.gaps.owned import OwnedInfo
from library_pipeline.domain.gaps.priority import priority
from library_pipeline.domain.gaps.ranking import Rank, rank_of
from library_pipeline.domain.gaps.recognition import Books, OwnedRecognition
from library_pipeline.domain.normalize import author_loose_key, format_position, series_aliases

SeriesKey = tuple[str, str]  # (series alias, author loose key): one owned series
SeriesHits = dict[str, tuple[SeriesKey, ...]]  # alias → the owned series keys of the book


def _full_title(entry: CatalogueEntry) -> str:
    return f"{entry.title}: {entry.subtitle}" if entry.subtitle else entry.title


Verdict = tuple[Rank, MissingBook] | str  # the missing book with its rank, or why it is not
NOT_WANTED = "not in an owned series, and no author with enough owned books"


@dataclass(slots=True)
class SeriesPlace:
    """Where a missing book sits: the series shown, its position, and the owned books of that
    series (their positions, or how many when none is known).

    In a series with two numbering schemes every number is in the scheme of the owned books
    (``owned_scheme``); ``position`` is in ``scheme``, the other one only when the book has no
    number in the owned one (then ``ranked_position``, the one priority uses, is None).
    """

    name: str | None
    position: float | None
    owned_positions: frozenset[float] = frozenset()
    owned_count: int = 0
    keys: tuple[SeriesKey, ...] = ()
    scheme: str | None = None
    owned_scheme: str | None = None
    ranked_position: float | None = None


@dataclass(frozen=True, slots=True)
class OwnedScheme:
    """An owned series with two numbering schemes: them, the owned books' one, and the owned
    positions in it."""

    numbering: Numbering
    side: int
    owned_positions: frozenset[float]


class GapEvaluation(OwnedRecognition):
    """The evaluation of candidate books; the finder fills the indexes it reads."""

    series_owned: dict[SeriesKey, set[int]]  # owned series → owned book indexes
    series_pos: dict[SeriesKey, set[float]]  # owned series → owned positions
    threshold: set[str]  # author loose keys with enough distinct owned books
    owned_by_author: dict[str, list[OwnedInfo]]
    by_loose: Books  # books by author loose key (authors over the threshold)
    owned_roots: set[int]
    corroborated: dict[str, frozenset[str]]  # loose key → full keys seen on owned books
    matched: dict[int, set[int]]  # owned book index → the books it is
    by_alias: Books  # books by series alias (the owned series' aliases)

    def reset_caches(self) -> None:
        """Per-run memo tables of the evaluation."""
        self._career_cache: dict[str, int | None] = {}
        self._nonfiction_cache: dict[str, bool] = {}
        self._owned_text: dict[tuple[SeriesKey, ...], str] = {}
        self._author_name: dict[str, str] = {}
        self._schemes: dict[tuple[str, tuple[SeriesKey, ...]], OwnedScheme | None] = {}

    def evaluate(self, r: int) -> Verdict:
        """The book at root ``r`` with its rank if it is missing, else the reason it is not."""
        members = self.members[r]
        series_hits, author_hits = self._hits(members)
        if not series_hits and not author_hits:
            return NOT_WANTED
        catalogue, entry_index = self.catalogue, self.feats.entry_index
        entries = [catalogue[entry_index[i]] for i in members]
        rejected = self._book_rule(entries)
        if rejected:
            return rejected
        years = [e.published_year for e in entries if e.published_year is not None]
        year = min(years) if years else None
        if not series_hits:
            author_hits, namesake = self._not_namesakes(author_hits, members, entries, year)
            if not author_hits:
                return namesake or NOT_WANTED
        if series_hits:
            place = self._series_place(r, entries, series_hits)
        else:
            place = self._author_series_place(members, entries)
        prio = priority(
            series_gap=bool(series_hits),
            author_gap=bool(author_hits),
            position=place.ranked_position,
            owned_positions=place.owned_positions,
            published_year=year,
            as_of_year=self.settings.as_of.year,
        )
        shown_position = format_position(place.position)
        evidence = self._evidence(place, shown_position, author_hits, year, bool(series_hits))
        title = display_title(self._as_books(members, entries))
        reasons = ((SERIES_GAP,) if series_hits else ()) + ((AUTHOR_GAP,) if author_hits else ())
        # The rank is built here, from values at hand, once per book (not per comparison).
        rank = rank_of(prio, place.name, shown_position, title)
        return rank, MissingBook(
            title=title,
            authors=display_authors(entries),
            series=place.name,
            series_position=shown_position,
            reasons=reasons,
            priority=prio,
            catalogue_ids=tuple(e.id for e in entries),
            evidence=evidence,
            numbering=place.scheme,
        )

    def _as_books(self, members: list[int], entries: list[CatalogueEntry]) -> list[CatalogueEntry]:
        """The entries with split editions titled as their whole book (for display)."""
        split = self.feats.split
        if split.isdisjoint(members):
            return entries
        return [
            replace(e, title=split_edition_of(_full_title(e)) or e.title, subtitle=None)
            if i in split
            else e
            for i, e in zip(members, entries, strict=True)
        ]

    def _hits(self, members: list[int]) -> tuple[SeriesHits, list[str]]:
        """The owned series this book is in (its (alias, author) keys shared with the book),
        and its authors with enough owned books."""
        loose, slots, series_owned = self.feats.loose, self.feats.slots, self.series_owned
        r_loose = {la for i in members for la in loose[i]}
        r_aliases = {a for i in members for a, _ in slots[i]}
        series_hits: SeriesHits = {}
        for a in r_aliases:
            keys = tuple(sorted((a, la) for la in r_loose if (a, la) in series_owned))
            if keys:
                series_hits[a] = keys
        return series_hits, sorted(r_loose & self.threshold)

    def _book_rule(self, entries: Sequence[CatalogueEntry]) -> str | None:
        """The book rule that rejects it (not out yet, a novella when those are not wanted)."""
        settings = self.settings
        reason = unpublished_reason(entries, settings.as_of.year)
        if reason is None and not settings.include_novellas:
            reason = novella_reason(entries)
        return reason

    def _owned_books(self, keys: tuple[SeriesKey, ...]) -> set[int]:
        if len(keys) == 1:
            return self.series_owned[keys[0]]
        return set().union(*(self.series_owned[k] for k in keys))

    def _series_place(
        self, r: int, entries: Sequence[CatalogueEntry], series_hits: SeriesHits
    ) -> SeriesPlace:
        """The book's place in the owned series it shares most owned books with."""
        alias = (
            next(iter(series_hits))
            if len(series_hits) == 1
            else max(series_hits, key=lambda a: (len(self._owned_books(series_hits[a])), a))
        )
        keys = series_hits[alias]
        name = most_common(
            [e.series for e in entries if e.series and alias in series_aliases(e.series)]
        )
        owned_count = len(self._owned_books(keys))
        positions = self.root_positions(r, alias)
        scheme = self._owned_scheme(alias, keys)
        if scheme is not None:
            return self._place_in_scheme(r, positions, scheme, name, owned_count, keys)
        owned_positions: set[float] = set()
        for key in keys:
            owned_positions |= self.series_pos.get(key, set())
        position = choose_position(positions, owned_positions)
        return SeriesPlace(
            name, position, frozenset(owned_positions), owned_count, keys, ranked_position=position
        )

    def _place_in_scheme(
        self,
        r: int,
        positions: list[float],
        scheme: OwnedScheme,
        name: str | None,
        owned_count: int,
        keys: tuple[SeriesKey, ...],
    ) -> SeriesPlace:
        """The book's place in the owned books' numbering scheme (else, unranked, the other's)."""
        numbering, side = scheme.numbering, scheme.side
        owned_name = numbering.names[side]
        position = numbering.position(r, positions, side)
        shown, shown_scheme = position, owned_name
        if position is None:
            shown, shown_scheme = (
                numbering.other_position(r, positions, side),
                numbering.names[1 - side],
            )
        return SeriesPlace(
            name,
            shown,
            scheme.owned_positions,
            owned_count,
            keys,
            scheme=shown_scheme if shown is not None else None,
            owned_scheme=owned_name,
            ranked_position=position,
        )

    def _owned_scheme(self, alias: str, keys: tuple[SeriesKey, ...]) -> OwnedScheme | None:
        """The numbering schemes of this owned series when it has two and the owned books say
        which they follow (memoised per series)."""
        if self.groups.multi_position.get(alias, 0) < 2:
            return None  # the common case: no second scheme (one book at two places is noise)
        memo = (alias, keys)
        if memo in self._schemes:
            return self._schemes[memo]
        authors = {la for _a, la in keys}
        loose = self.feats.loose
        books = [
            b
            for b in self.by_alias.get(alias, ())
            if b in self.members and not authors.isdisjoint(loose[self.members[b][0]])
        ]
        positions = {b: set(self.root_positions(b, alias)) for b in books}
        found: OwnedScheme | None = None
        numbering = two_schemes(positions, {b: self._first_year(b) for b in books})
        if numbering is not None:
            found = self._owned_side(numbering, alias, keys, positions)
        self._schemes[memo] = found
        return found

    def _owned_side(
        self,
        numbering: Numbering,
        alias: str,
        keys: tuple[SeriesKey, ...],
        positions: dict[int, set[float]],
    ) -> OwnedScheme | None:
        """The scheme of the owned books' tags, and their positions in it."""
        owned = [(n, dict(self.owned[n].slots).get(alias)) for n in self._owned_books(keys)]
        tagged = [(r, tag) for n, tag in owned if tag is not None for r in self.matched.get(n, ())]
        side = owned_scheme(numbering, tagged)
        if side is None:
            return None
        owned_positions: set[float] = set()
        for n, tag in owned:
            roots = self.matched.get(n)
            if not roots:
                if tag is not None:
                    owned_positions.add(tag)
                continue
            for r in roots:
                pos = numbering.position(r, positions.get(r, ()), side)
                if pos is not None:
                    owned_positions.add(pos)
        return OwnedScheme(numbering, side, frozenset(owned_positions))

    def _first_year(self, r: int) -> int | None:
        catalogue, entry_index = self.catalogue, self.feats.entry_index
        years = [
            y
            for i in self.members.get(r, ())
            if (y := catalogue[entry_index[i]].published_year) is not None
        ]
        return min(years) if years else None

    def _author_series_place(
        self, members: list[int], entries: Sequence[CatalogueEntry]
    ) -> SeriesPlace:
        """An author-only gap's series, as its editions list it (no owned book is in it)."""
        name = most_common([e.series for e in entries if e.series])
        if not name:
            return SeriesPlace(None, None)
        slots = self.feats.slots
        positions = [p for i in members for _a, p in slots[i] if p is not None]
        position = choose_position(positions, set())
        return SeriesPlace(name, position, ranked_position=position)

    def _evidence(
        self,
        place: SeriesPlace,
        shown_position: str | None,
        author_hits: list[str],
        year: int | None,
        series_gap: bool,
    ) -> str:
        """Why the book is missing, in words the user can check."""
        if not series_gap:
            owned_n = max(len(self.owned_by_author[la]) for la in author_hits)
            who = self._author_names(author_hits)
            return f"{who}: you own {owned_n} of their books, not this one" + (
                f" ({year})" if year else ""
            )
        owned_text = self._owned_text.get(place.keys)
        if owned_text is None:
            owned_text = self._owned_text[place.keys] = (
                format_positions(place.owned_positions)
                if place.owned_positions
                else f"{place.owned_count} book(s) of the series"
            )
        if place.owned_scheme:
            # Two numbering schemes: every number named by its scheme.
            owned_text = (
                f"{place.owned_scheme} {owned_text}" if place.owned_positions else owned_text
            )
            where = f"{place.scheme} #{shown_position}" if shown_position else "#?"
            if place.scheme and place.scheme != place.owned_scheme:
                where += f" (no number in the {place.owned_scheme} order you own)"
            evidence = f"{place.name} {where}; owned {owned_text}"
        else:
            evidence = f"{place.name} #{shown_position or '?'}; owned {owned_text}"
        if author_hits:
            evidence += f"; also an author gap ({self._author_names(author_hits)})"
        return evidence

    def _author_names(self, loose_keys: Iterable[str]) -> str:
        """ "Name & Name": each author as spelled on the first owned book credited to them."""
        names = []
        for la in loose_keys:
            name = self._author_name.get(la)
            if name is None:
                owned = self.owned_by_author.get(la)
                name = display_owned_author(owned, la) if owned else la.title()
                self._author_name[la] = name
            names.append(name)
        return " & ".join(names)

    def _not_namesakes(
        self,
        author_hits: list[str],
        members: list[int],
        entries: list[CatalogueEntry],
        year: int | None,
    ) -> tuple[list[str], str | None]:
        """The author keys of an author-only gap that are not namesakes (filters docstring),
        and the last namesake reason met."""
        f = self.feats
        r_full = {fk for i in members for fk in f.full[i]}
        titles = [e.title if not e.subtitle else f"{e.title}: {e.subtitle}" for e in entries]
        kept = []
        last_reason: str | None = None
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
            else:
                last_reason = reason
        return kept, last_reason

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
