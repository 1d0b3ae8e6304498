"""Every catalogue listing's fate in one finder run, with its reason: the evidence a user can
check ("missing", "owned" or "excluded", the book it was matched to, and why).

Runs after ``GapFinder.find_unsorted`` on a finder made with ``explain=True`` (which keeps
every evaluated book's verdict). Listings the finder never looked at are explained here, one by
one: this costs a Python call per listing, so it runs only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator

from library_pipeline.domain.gaps.display import display_title
from library_pipeline.domain.gaps.evaluation import NOT_WANTED
from library_pipeline.domain.gaps.filters import (
    box_set_reason,
    derivative_reason,
    foreign_language_reason,
    split_edition_of,
)
from library_pipeline.domain.gaps.finder import GapFinder
from library_pipeline.domain.gaps.keys import normalize_id, title_keys_each
from library_pipeline.domain.gaps.models import (
    EXCLUDED,
    MISSING,
    OWNED,
    CatalogueEntry,
    Decision,
    MissingBook,
)
from library_pipeline.domain.normalize import (
    author_loose_keys,
    format_position,
    parse_series_position,
)

NOT_BY_AN_OWNED_AUTHOR = "not by an author you own"
AMBIGUOUS = "an edition of one of several books (ambiguous title): never reported alone"


def explain_decisions(finder: GapFinder) -> list[Decision]:
    """One decision per catalogue listing, in catalogue order."""
    return list(_Explainer(finder).decisions())


class _Explainer:
    def __init__(self, finder: GapFinder) -> None:
        self.f = finder
        feats = finder.feats
        self.feature_of = {idx: n for n, idx in enumerate(feats.entry_index)}
        self.owners: dict[int, list[int]] = {}  # book → the owned books that are it
        for n, roots in finder.matched.items():
            for r in roots:
                self.owners.setdefault(r, []).append(n)
        self.owned_loose = frozenset().union(*(o.loose for o in finder.owned))
        self.owned_ids = {i for o in finder.owned for i in o.ids}
        self._titles: dict[int, str] = {}

    def decisions(self) -> Iterator[Decision]:
        for idx, entry in enumerate(self.f.catalogue):
            n = self.feature_of.get(idx)
            if n is None:
                yield self._set_aside(entry)
            else:
                yield self._in_book(entry, n)

    # ---------------------------------------------------------------- listings kept

    def _in_book(self, entry: CatalogueEntry, n: int) -> Decision:
        f = self.f
        r = f.groups.root_of[n]
        split = self._split_note(entry, n)
        if r in self.owners:
            owned = f.owned[self.owners[r][0]].book
            reason = f"owned as {owned.path or owned.title}"
            return Decision(entry.id, OWNED, owned.title, f"{split}; {reason}" if split else reason)
        if r in f.groups.ambiguous:
            return Decision(entry.id, EXCLUDED, None, AMBIGUOUS)
        verdict = f.verdicts.get(r)
        if verdict is None:
            return Decision(entry.id, EXCLUDED, self._title(r), NOT_WANTED)
        if isinstance(verdict, str):
            return Decision(entry.id, EXCLUDED, self._title(r), split or verdict)
        book: MissingBook = verdict[1]
        return Decision(entry.id, MISSING, book.title, split or book.evidence)

    def _split_note(self, entry: CatalogueEntry, n: int) -> str | None:
        if n not in self.f.feats.split:
            return None
        text = f"{entry.title}: {entry.subtitle}" if entry.subtitle else entry.title
        whole = split_edition_of(text) or entry.title
        position = format_position(parse_series_position(entry.series_position))
        return f"split edition of {whole}" + (f" #{position}" if position else "")

    def _title(self, r: int) -> str:
        title = self._titles.get(r)
        if title is None:
            f = self.f
            f.load_members([r])
            entries = [f.catalogue[f.feats.entry_index[i]] for i in f.members[r]]
            title = self._titles[r] = display_title(entries)
        return title

    # ---------------------------------------------------------------- listings set aside

    def _set_aside(self, entry: CatalogueEntry) -> Decision:
        reason = self._entry_rule(entry)
        return Decision(entry.id, EXCLUDED, self._book_of(entry), reason)

    def _entry_rule(self, entry: CatalogueEntry) -> str:
        ids = {normalize_id(entry.asin), normalize_id(entry.isbn)} - {None}
        if self.owned_loose.isdisjoint(author_loose_keys(entry.authors)) and not (
            ids & self.owned_ids
        ):
            derivative = derivative_reason(entry)
            return f"{derivative} by another author" if derivative else NOT_BY_AN_OWNED_AUTHOR
        return (
            foreign_language_reason(entry, self.f.settings.languages)
            or box_set_reason(entry)
            or derivative_reason(entry)
            or "set aside by an entry rule"
        )

    def _book_of(self, entry: CatalogueEntry) -> str | None:
        """The book a set-aside listing names, when its title is one of the author's books."""
        f = self.f
        strong, _weak = title_keys_each([(entry.title, entry.subtitle, entry.series)])[0]
        for la in author_loose_keys(entry.authors):
            for key in strong:
                r = f.groups.strong_book((la, key))
                if r is not None:
                    return self._owned_or_listed_title(r)
        return None

    def _owned_or_listed_title(self, r: int) -> str:
        owners = self.owners.get(r)
        return self.f.owned[owners[0]].book.title if owners else self._title(r)


def decisions_as_json(decisions: list[Decision]) -> list[dict[str, str | None]]:
    """The explain file's entries: ``{id, decision, book, reason}``."""
    return [
        {"id": d.id, "decision": d.decision, "book": d.book, "reason": d.reason} for d in decisions
    ]
