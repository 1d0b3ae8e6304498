"""Recognising the books the user owns among the catalogue's books (step 4 of the finder).

Most certain first: ASIN/ISBN, then author + title key, then author + weak title key or a
near-identical title, and only then series position, and only for owned books no title
matched, into books no owned title claimed. Title identity beats positions: two numbering
schemes (Narnia, Discworld sub-series) must not make false gaps.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import compress, count

from rapidfuzz import fuzz

from library_pipeline.domain.gaps.entries import IdHits, collect_features
from library_pipeline.domain.gaps.grouping import EditionGroups, EntryFeatures, group_editions
from library_pipeline.domain.gaps.models import CatalogueEntry, GapSettings, OwnedBook
from library_pipeline.domain.gaps.owned import OwnedInfo, owned_infos

Books = dict[str, set[int]]  # a key → the books (root feature indexes) that have it

_FUZZY_TITLE_CUTOFF = 90.0


def _key_similarity(a: str, b: str) -> float:
    """token_sort_ratio of two title keys; 0 when they carry different numbers (sequels)."""
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return 0.0
    return fuzz.token_sort_ratio(a, b)


class OwnedRecognition:
    """The catalogue's books (editions grouped) and which of them the user owns.

    Attributes are the indexes the steps share: ``feats`` (features of the kept entries),
    ``groups`` (entry → book), ``members`` (book → its entries, filled on demand) and
    ``id_hits`` (owned ASIN/ISBN → entries). A book is named by its root feature index.
    """

    groups: EditionGroups

    def __init__(
        self,
        owned: Sequence[OwnedBook],
        catalogue: Sequence[CatalogueEntry],
        settings: GapSettings,
    ) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.owned: list[OwnedInfo] = owned_infos(owned)
        self.feats = EntryFeatures()
        self.id_hits: IdHits = defaultdict(list)
        self.members: dict[int, list[int]] = {}

    def recognise(self) -> dict[int, set[int]]:
        """Steps 2-4: keep and describe the entries, group editions, match the owned books.
        Returns owned book index → the books it is."""
        self.collect_features()
        self.build_indexes(group_editions(self.feats))
        return self.match_owned()

    def collect_features(self) -> None:
        """Keep the catalogue entries that can matter and compute their features (``entries``)."""
        self.feats, self.id_hits = collect_features(
            self.owned, self.catalogue, self.settings.languages
        )

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
    ) -> tuple[Books, Books]:
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
        pending: list[tuple[int, OwnedInfo]] = []
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

    def _match_weak(self, o: OwnedInfo, weak_books: dict[tuple[str, str], set[int]]) -> set[int]:
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

    def _match_fuzzy(self, o: OwnedInfo, by_loose: dict[str, set[int]]) -> set[int]:
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
