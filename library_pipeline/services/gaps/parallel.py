"""find_gaps on several cores: the problem split into independent parts, shared by processes.

Process orchestration lives here, beside the command line and the service that run it, not in
``domain/`` (which stays free of processes and ``gc`` switches).

Every decision of the finder stays inside one *component*: owned books and catalogue entries
linked by a shared author (loose key) or an owned ASIN/ISBN. Editions are grouped per author;
owned books match books of their own authors or by ASIN/ISBN; entries the entry rules drop
(box sets, summaries, study guides, other languages) link nobody; series are followed per author
(an owned series and its positions are keyed by series *and* author); an author gap needs
owned books of that author. So components can be run apart and their results merged;
``sort_gaps`` breaks ties by catalogue position, which makes the merged list equal, order
included, to the list of one ``find_gaps`` run (a test holds it to that).

The parent only decides which author credits go to which part (per distinct credit, not per
entry), into a few parts per process of shrinking sizes (``ROUNDS``). The parent and its
forked workers then claim parts, largest first, from a shared counter until none is left, so a
process on a slower (busy) core simply takes fewer of the small last ones. Each picks a part's
entries out of the shared catalogue by credit number, touching no other entry (copy-on-write:
nothing is copied or pickled on the way in, and only the pages a process touches are copied);
workers send back only their missing books, each part's as soon as it is done.
"""

from __future__ import annotations

import gc
import heapq
import marshal
import multiprocessing
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from itertools import compress, count, repeat
from operator import attrgetter, eq
from typing import TYPE_CHECKING

from library_pipeline.domain.gaps.entries import screen_entries
from library_pipeline.domain.gaps.explain import explain_decisions
from library_pipeline.domain.gaps.finder import GapFinder
from library_pipeline.domain.gaps.keys import normalize_id
from library_pipeline.domain.gaps.models import (
    CatalogueEntry,
    Decision,
    GapSettings,
    MissingBook,
    OwnedBook,
)
from library_pipeline.domain.gaps.ranking import Found, sort_found, sort_gaps
from library_pipeline.domain.normalize import author_loose_keys, normalize_texts

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

__all__ = ["Split", "credits_ending_in", "find_gaps_parallel", "name_endings", "split_problem"]

Credit = tuple[str, ...]  # an entry's or owned book's `authors`


@dataclass(slots=True)
class Split:
    """Which part each author credit (and each ASIN/ISBN-matched entry) belongs to.

    Credits are numbered in order of first appearance; ``credit_of_entry`` gives each
    catalogue entry's credit number and ``part_of_credit`` each credit's part, -1 for credits
    by nobody the user owns (the finder would drop their entries). A worker picks its entries
    through these lists of numbers without touching the others' entries: forked workers
    share the catalogue's memory, and each object touched is a page copied.
    """

    parts: int
    loads: list[float]  # each part's estimated work (entries and owned books)
    credit_of_entry: list[int]
    part_of_credit: list[int]
    part_of_entry: dict[int, int]  # catalogue position → part, for ASIN/ISBN matches
    part_of_owned: list[int]  # per owned book
    # Each entry's part by credit, filled on first use in each process (``catalogue``).
    entry_parts: list[int] = field(default_factory=list, repr=False)

    def owned(self, owned: Sequence[OwnedBook], part: int) -> list[OwnedBook]:
        mine = compress(count(), map(eq, self.part_of_owned, repeat(part)))
        return [owned[i] for i in mine]

    def catalogue(
        self, catalogue: Sequence[CatalogueEntry], part: int
    ) -> tuple[list[CatalogueEntry], list[int]]:
        """The part's entries and their catalogue positions, in catalogue order."""
        if not self.entry_parts:
            self.entry_parts = list(map(self.part_of_credit.__getitem__, self.credit_of_entry))
        positions = list(compress(count(), map(eq, self.entry_parts, repeat(part))))
        if self.part_of_entry:
            extra = [i for i, p in self.part_of_entry.items() if p == part]
            positions = sorted({*positions, *extra})
        return [catalogue[i] for i in positions], positions


class _UnionFind:
    __slots__ = ("parent",)

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            parent[root] = parent[parent[root]]
            root = parent[root]
        return root

    def link(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        root = self.find(keys[0])
        for key in keys[1:]:
            other = self.find(key)
            if other != root:
                self.parent[other] = root


_ONE_LETTER_WORD_RE = re.compile(r"(?:^| )\S(?: |$)")  # in a normalised text


def name_endings(text: str) -> set[str]:
    """Every word an author key of this normalised credit text can end with: its words, and
    each run of one-letter words joined, in part or whole (initials: "j k" → "jk").

    A superset, so that skipping credits none of whose endings is an owned surname never
    skips an owned author (``author_loose_key`` ends with a word of the name or a run of its
    initials joined).
    """
    words = text.split()
    out = set(words)
    if min(map(len, words), default=2) > 1:
        return out  # no initials (most names): the words are all
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if len(run) > 1:
            joined = "".join(run)
            n = len(joined)
            out.update(joined[i:j] for i in range(n) for j in range(i + 2, n + 1))
        run = []
    return out


def credits_ending_in(texts: Sequence[str], words: frozenset[str]) -> list[int]:
    """Indexes of the normalised credit texts one of whose ``name_endings`` is in ``words``.

    Most credits have no initials: their endings are their words, and no set is built.
    """
    no_word = words.isdisjoint
    has_initial = _ONE_LETTER_WORD_RE.search
    return [
        n
        for n, text in enumerate(texts)
        if not no_word(text.split())
        or (has_initial(text) is not None and not no_word(name_endings(text)))
    ]


def _id_keys(asin: str | None, isbn: str | None, wanted: set[str] | None = None) -> list[str]:
    ids = (normalize_id(asin), normalize_id(isbn))
    return [f"\0{v}" for v in ids if v and (wanted is None or v in wanted)]


def split_problem(
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry],
    parts: int,
    languages: Sequence[str] = ("en",),
    weights: Sequence[float] | None = None,
) -> Split:
    """Up to ``parts`` independent parts (see module docstring), sized by entry count in
    proportion to ``weights`` (one per part; default: equal parts)."""
    uf = _UnionFind()
    owned_credits: Counter[Credit] = Counter(b.authors for b in owned)
    for credit in owned_credits:
        uf.link(sorted(author_loose_keys(credit)))
    owned_loose = frozenset(uf.parent)
    owned_keys: list[str | None] = []  # a key of each owned book's component (None: none)
    owned_ids: set[str] = set()
    first_key = {c: min(author_loose_keys(c), default=None) for c in owned_credits}
    for book in owned:
        key = first_key[book.authors]
        if book.asin is not None or book.isbn is not None:
            ids = _id_keys(book.asin, book.isbn)
            owned_ids.update(k[1:] for k in ids)
            keys = [*sorted(author_loose_keys(book.authors)), *ids]
            uf.link(keys)
            key = keys[0] if keys else None
        owned_keys.append(key)

    # Credits by an owned author; entries by others count only through an owned ASIN/ISBN.
    # Each entry's credit as a number (C-level passes: a million entries).
    number: defaultdict[Credit, int] = defaultdict(count().__next__)
    credit_of_entry = list(map(number.__getitem__, map(attrgetter("authors"), catalogue)))
    credits = list(number)
    sizes = Counter(credit_of_entry)  # entries per credit number
    # Author keys are costly: only credits holding an owned surname are keyed.
    surnames = frozenset(k.rpartition(" ")[2] for k in owned_loose)
    texts = normalize_texts([" , ".join(c) for c in credits])
    relevant: dict[int, str] = {}  # credit number → one of its owned authors' keys
    shared: set[int] = set()  # credits naming several people
    for n in credits_ending_in(texts, surnames):
        credit_keys = author_loose_keys(credits[n])
        if not owned_loose.isdisjoint(credit_keys):
            relevant[n] = min(credit_keys & owned_loose)
            if len(credit_keys) > 1:
                shared.add(n)
    # A shared credit joins its people, but only through entries the finder keeps: a study
    # guide credited to "Author, SuperSummary" is dropped by the entry rules, and would
    # otherwise join every author with a study guide into one part.
    if shared:
        at = list(compress(count(), map(shared.__contains__, credit_of_entry)))
        kept = screen_entries(catalogue, at, languages).entries
        for credit in dict.fromkeys(e.authors for e in kept):  # each credit once, in order
            uf.link(sorted(author_loose_keys(credit)))
    id_entries: dict[int, list[str]] = {}
    if owned_ids:
        for i, e in enumerate(catalogue):
            asin, isbn = e.asin, e.isbn
            if (asin is not None and normalize_id(asin) in owned_ids) or (
                isbn is not None and normalize_id(isbn) in owned_ids
            ):
                keys = [*sorted(author_loose_keys(e.authors)), *_id_keys(asin, isbn, owned_ids)]
                uf.link(keys)
                id_entries[i] = keys

    # Components, largest first into the lightest part. The linking is done: each distinct
    # key's root is looked up once (keys repeat: ~300,000 uses of ~20,000 keys).
    root = {key: uf.find(key) for key in {*relevant.values(), *owned_keys} if key is not None}
    load_of: Counter[str] = Counter()
    for n, key in relevant.items():
        load_of[root[key]] += sizes[n]
    load_of.update(root[key] for key in owned_keys if key is not None)
    shares = list(weights or [1.0] * parts)[: max(1, min(parts, len(load_of)))]
    parts = len(shares)
    load = [0.0] * parts
    scale = sum(load_of.values()) / sum(shares)
    room = [(-share * scale, p) for p, share in enumerate(shares)]  # a heap: most room first
    heapq.heapify(room)
    part_of_root: dict[str, int] = {}
    for component in sorted(load_of, key=lambda r: (-load_of[r], r)):
        free, p = heapq.heappop(room)
        part_of_root[component] = p
        load[p] += load_of[component]
        heapq.heappush(room, (free + load_of[component], p))
    part_of_key = {key: part_of_root[r] for key, r in root.items()}
    part_of_credit = [-1] * len(credits)
    for n, key in relevant.items():
        part_of_credit[n] = part_of_key[key]
    part_of_entry = {
        i: part_of_root[uf.find(keys[0])]
        for i, keys in id_entries.items()
        if part_of_credit[credit_of_entry[i]] < 0
    }
    # Owned books with no author and no id decide nothing: part 0 keeps them.
    part_of_owned = [0 if k is None else part_of_key[k] for k in owned_keys]
    return Split(parts, load, credit_of_entry, part_of_credit, part_of_entry, part_of_owned)


# What the forked workers inherit: the inputs, the split, the claim order of the parts and a
# shared counter of the parts claimed so far.
_STATE: list[tuple[Sequence[OwnedBook], Sequence[CatalogueEntry], GapSettings, Split]] = []
_CLAIMS: list[tuple[list[int], Synchronized[int]]] = []
# Parts per process, in rounds of one part per process that halve in size (8, 8, 4, 4, 2, 2,
# 1, 1 for two processes): taken largest first, the small last parts let a process that ran
# slower (a busy core) take fewer, so all finish together. More parts would cost their fixed
# work (each scans the split's lists).
ROUNDS = 4


def part_weights(workers: int) -> list[float]:
    """The relative size of each part for ``workers`` processes (``ROUNDS``)."""
    return [2.0 ** (ROUNDS - 1 - r) for r in range(ROUNDS) for _ in range(workers)]


def _run_part(part: int) -> list[Found]:
    """The part's missing books with their ranks and catalogue positions, sorted."""
    owned, catalogue, settings, split = _STATE[0]
    entries, positions = split.catalogue(catalogue, part)
    found = GapFinder(split.owned(owned, part), entries, settings).find_unsorted()
    ranked = [(rank, positions[pos], book) for rank, pos, book in found]
    sort_found(ranked)  # here, in parallel: the final sort then only merges the parts
    return ranked


def _claimed_parts() -> Iterator[int]:
    """Claim parts (largest first), one at a time, until none is left."""
    order, claimed = _CLAIMS[0]
    while True:
        with claimed.get_lock():
            k = claimed.value
            claimed.value = k + 1
        if k >= len(order):
            return
        yield order[k]


def _run_claimed() -> list[Found]:
    """Run the claimed parts."""
    found: list[Found] = []
    for part in _claimed_parts():
        found += _run_part(part)
    return found


def _run_claimed_plain() -> list[bytes]:
    """``_run_claimed`` for a worker: each part's missing books as plain tuples in ``marshal``
    form (written and read several times faster than pickled frozen dataclasses).

    Each part is dumped as soon as it is done, before the next claim: the claims then balance
    that work too, and only the last (smallest) part's dump is left when the parent waits.
    """
    # Version 2: no back-references, so the shared strings are not referenced (and their
    # pages copied, in a forked worker) on the way out; twice as fast here.
    return [
        marshal.dumps([(rank, pos, _fields(book)) for rank, pos, book in _run_part(part)], 2)
        for part in _claimed_parts()
    ]


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (and restored after).

    The finder makes millions of short-lived containers and no reference cycles, and repeated
    full collections over a million catalogue objects would cost more than the work itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# A missing book's fields as a tuple, in MissingBook's order (one C call).
_fields = attrgetter(*(f.name for f in fields(MissingBook)))


def find_gaps_parallel(
    owned: Sequence[OwnedBook],
    catalogue: Sequence[CatalogueEntry],
    settings: GapSettings,
    workers: int | None = None,
) -> list[MissingBook]:
    """``find_gaps`` over ``workers`` processes (default: the CPUs); the same list. With one
    worker, ``find_gaps`` in this process with the garbage collector paused."""
    workers = workers or os.cpu_count() or 1
    with paused_gc():
        if workers == 1:
            return GapFinder(owned, catalogue, settings).find()
        weights = part_weights(workers)
        split = split_problem(owned, catalogue, len(weights), settings.languages, weights)
        _STATE[:] = [(owned, catalogue, settings, split)]
        try:
            if split.parts == 1:
                return sort_gaps(_run_part(0))
            return sort_gaps(_run_in_processes(split, workers))
        finally:
            _STATE.clear()
            _CLAIMS.clear()


def find_and_explain(
    owned: Sequence[OwnedBook], catalogue: Sequence[CatalogueEntry], settings: GapSettings
) -> tuple[list[MissingBook], list[Decision]]:
    """``find_gaps`` in this process, with every catalogue listing's fate (``explain``)."""
    with paused_gc():
        finder = GapFinder(owned, catalogue, settings, explain=True)
        missing = sort_gaps(finder.find_unsorted())
        return missing, explain_decisions(finder)


def _run_in_processes(split: Split, workers: int) -> list[Found]:
    """Every part, claimed by this process and forked helpers (``_STATE`` is set)."""
    context = multiprocessing.get_context("fork")
    order = sorted(range(split.parts), key=lambda p: -split.loads[p])
    _CLAIMS[:] = [(order, context.Value("i", 0))]
    helpers = min(workers, split.parts) - 1  # this process is the other one
    pool = ProcessPoolExecutor(helpers, mp_context=context)
    try:
        futures = [pool.submit(_run_claimed_plain) for _ in range(helpers)]
        found = _run_claimed()
        for future in futures:
            for data in future.result():
                plain = marshal.loads(data)
                found += [(rank, pos, MissingBook(*values)) for rank, pos, values in plain]
    finally:
        # Not waiting for the workers to exit (freeing their memory takes a while): the
        # pool's own thread reaps them.
        pool.shutdown(wait=False, cancel_futures=True)
    return found
