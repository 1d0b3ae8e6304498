"""The gap finder: which books of the user's series and authors are missing.

Outline (every step linear in the input; nothing compares every owned book with every entry):

1. Owned books: author keys, title keys, series slots (from tags, else from the folder path)
   (``owned``).
2. Catalogue: keep entries by an author the user owns (loose key) or carrying an owned
   ASIN/ISBN; drop entries a rule rejects (translations, box sets, summaries, split parts);
   compute matching features once per entry (``entries``; normalisers are memoised).
3. Group editions into books (``grouping``).
4. Recognise owned books, most certain first (``recognition``).
5. Series the user owns (tags and the series of matched books) and authors with at least
   ``min_books_threshold`` distinct owned books define the candidates; each candidate book
   passes the book rules (unpublished, novella, namesake for author-only gaps) and is reported
   once with all its reasons and catalogue ids (``evaluation``), in ``ranking`` order.

Pure: no I/O, no processes. A caller running it over a million-entry catalogue may pause the
cyclic garbage collector around it (the run makes millions of short-lived containers and no
reference cycles): ``services/gaps/parallel.py`` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from library_pipeline.domain.gaps.evaluation import GapEvaluation, Verdict
from library_pipeline.domain.gaps.models import CatalogueEntry, GapSettings, MissingBook, OwnedBook
from library_pipeline.domain.gaps.owned import OwnedInfo
from library_pipeline.domain.gaps.ranking import Found, sort_gaps
from library_pipeline.domain.normalize import author_loose_key

__all__ = ["GapFinder", "find_gaps"]


class GapFinder(GapEvaluation):
    """One run of gap detection over owned books and a catalogue.

    ``GapFinder(owned, catalogue, settings).find()`` is the sorted list of missing books;
    ``find_unsorted()`` the same books with their ranks and catalogue positions (parts of a
    split run sort and merge those). ``recognise()`` (from ``OwnedRecognition``) alone answers
    "which listings does the user own" (``matching.owned_listing_ids``). With ``explain``, every
    evaluated book's verdict is kept in ``verdicts`` for ``explain.explain_decisions``.
    """

    def __init__(
        self,
        owned: Sequence[OwnedBook],
        catalogue: Sequence[CatalogueEntry],
        settings: GapSettings,
        *,
        explain: bool = False,
    ) -> None:
        super().__init__(owned, catalogue, settings)
        self.reset_caches()
        self.explain = explain
        self.verdicts: dict[int, Verdict] = {}

    def find(self) -> list[MissingBook]:
        """The missing books (never editions), highest priority first."""
        return sort_gaps(self.find_unsorted())

    def find_unsorted(self) -> list[Found]:
        """The missing books, each with its rank and the catalogue index of its first-listed
        entry (the tie-breaker of ``sort_gaps``, so that a run split into parts orders like one
        run)."""
        matched = self.matched = self.recognise()
        self.owned_roots = set().union(*matched.values()) if matched else set()
        self.load_members(self.owned_roots)
        self._index_owned_series(matched)
        self._index_owned_authors(matched)
        out: list[Found] = []
        entry_index = self.feats.entry_index
        explain, verdicts = self.explain, self.verdicts
        for r in self._candidates():
            verdict = self.evaluate(r)
            if explain:
                verdicts[r] = verdict
            if not isinstance(verdict, str):
                out.append((verdict[0], entry_index[r], verdict[1]))
        return out

    def _index_owned_series(self, matched: dict[int, set[int]]) -> None:
        """Series the user owns, per author: two series that share a name (alias) but not an
        author are different series, and their owned positions must not mix.
        (alias, author loose key) → owned book indexes / owned positions."""
        self.series_owned = defaultdict(set)
        self.series_pos = defaultdict(set)
        for n, o in enumerate(self.owned):
            tagged, people = self._owned_places(o, matched.get(n, ()))
            for alias in tagged.keys() | people.keys():
                pos = tagged.get(alias)
                for la in people.get(alias, set()) | o.loose:
                    self.series_owned[(alias, la)].add(n)
                    if pos is not None:
                        self.series_pos[(alias, la)].add(pos)

    def _owned_places(
        self, o: OwnedInfo, roots: set[int] | tuple[()]
    ) -> tuple[dict[str, float | None], dict[str, set[str]]]:
        """One owned book's position per series alias (its tag, or the catalogue's when the
        tag is missing or from another scheme), and the authors each alias is owned under."""
        f = self.feats
        tagged = dict(o.slots)
        people: dict[str, set[str]] = {}
        for r in roots:
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
        return tagged, people

    def _index_owned_authors(self, matched: dict[int, set[int]]) -> None:
        """Authors with enough distinct owned books, and the name variants that are them."""
        f = self.feats
        books_by_author: dict[str, set[object]] = defaultdict(set)
        corroborated: dict[str, set[str]] = defaultdict(set)
        self.owned_by_author = defaultdict(list)
        for n, o in enumerate(self.owned):
            identity: object = (
                min(matched[n]) if n in matched else ("title", min(o.strong, default=""))
            )
            for la in o.loose:
                books_by_author[la].add(identity)
                self.owned_by_author[la].append(o)
        # Each distinct key set once: books by one author share the same frozenset.
        full_sets = {o.full for o in self.owned}
        full_sets.update(f.full[i] for r in self.owned_roots for i in self.members[r])
        for full in full_sets:
            for fk in full:
                corroborated[author_loose_key(fk)].add(fk)
        self.corroborated = {la: frozenset(keys) for la, keys in corroborated.items()}
        self.threshold = {
            la
            for la, books in books_by_author.items()
            if len(books) >= self.settings.min_books_threshold
        }

    def _candidates(self) -> set[int]:
        """Books of an owned series or by an author over the threshold, not owned, not
        ambiguous editions (their members loaded)."""
        self.by_loose, self.by_alias = self.index_by(
            self.threshold, {a for a, _la in self.series_owned}
        )
        candidates: set[int] = set()
        for roots in self.by_alias.values():
            candidates |= roots
        for roots in self.by_loose.values():
            candidates |= roots
        candidates -= self.owned_roots
        candidates -= self.groups.ambiguous
        self.load_members(candidates)
        return candidates


def find_gaps(
    owned: Sequence[OwnedBook], catalogue: Sequence[CatalogueEntry], settings: GapSettings
) -> list[MissingBook]:
    """The missing books (never editions), highest priority first. Pure; see module docstring."""
    return GapFinder(owned, catalogue, settings).find()
