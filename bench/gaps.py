"""Benchmark of gap detection: 100,000 owned books against 1,000,000 catalogue entries.

    .venv/bin/python bench/gaps.py [--owned 100000] [--catalogue 1000000] [--seed 5]
                                   [--workers 0] [--rounds 3] [--single]

Generates a deterministic library (many authors, series of 3 to 15 books, standalones, several
editions per book, box sets, summaries, translations, split parts, novellas, announced books,
tag noise on the owned side), then times the core alone, best of `--rounds` runs (the
machine may be shared; generation is timed apart):
``find_gaps_parallel``, the problem split into independent parts over one process per CPU
(``--single`` also times ``find_gaps`` in one process, the garbage collector paused as in
runs, and checks that both lists are equal),
and reports peak memory (max RSS of the run's process and of a worker), against the goals:
< 10 s and < 2 GB. Each run is a fresh process that generates the same data (not timed) and
times the core with cold caches, as a scheduled run does (a second run in one process would
find the normalisers' memo tables warm). It also scores the run against the generator's
truth, and scores the hand-labelled fixture set (library_pipeline_tests/data/gaps) for
precision and recall.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import pickle
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from library_pipeline.domain.gaps import (  # noqa: E402
    CatalogueEntry,
    GapSettings,
    MissingBook,
    OwnedBook,
    find_gaps,
)
from library_pipeline.domain.gaps.io import parse_catalogue, parse_owned  # noqa: E402
from library_pipeline.services.gaps.parallel import find_gaps_parallel  # noqa: E402

GOAL_SECONDS = 10.0
GOAL_BYTES = 2 * 1024**3
AS_OF = date(2025, 6, 1)
FIXTURE = ROOT / "library_pipeline_tests" / "data" / "gaps"

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "cr",
    "dr",
    "gr",
    "st",
    "th",
    "sh",
    "tr",
    "bl",
    "fl",
    "gl",
    "pl",
    "sk",
    "qu",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "ie", "y"]
_CODAS = ["", "", "n", "r", "s", "th", "l", "rk", "nd", "st", "x", "m"]
_FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
          "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
          "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty",
          "Mark", "Helen", "Paul", "Sandra", "Steven", "Donna", "Andrew", "Carol", "Joshua", "Ruth",
          "Kenneth", "Sharon", "Kevin", "Michelle", "Brian", "Laura", "George", "Emily", "Timothy",
          "Kimberly", "Ronald", "Deborah", "Edward", "Dorothy", "Jason", "Amy", "Jeffrey", "Angela",
          "Ryan", "Ashley", "Jacob", "Brenda", "Gary", "Emma", "Nicholas", "Olivia", "Eric",
          "Cynthia", "Jonathan", "Marie", "Stephen", "Janet", "Larry", "Catherine", "Justin",
          "Frances", "Scott", "Christine", "Brandon", "Samantha", "Benjamin", "Debra", "Samuel",
          "Rachel", "Gregory", "Carolyn", "Alexander", "Virginia", "Patrick", "Maria", "Frank",
          "Heather", "Raymond", "Diane", "Jack", "Julie", "Dennis", "Joyce", "Jerry", "Victoria",
          "Tyler", "Kelly", "Aaron", "Christina", "José", "Zoë", "Renée", "Søren", "Ingrid",
          "Ivan"]  # fmt: skip


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        for _ in range(rng.choice((1, 2, 2, 3)))
    ).capitalize()


@dataclass(slots=True)
class _Book:
    author: str
    title: str
    series: str | None
    position: float | None
    year: int
    kind: str  # "book", "novella", "future"


def _title(rng: random.Random, words: list[str]) -> str:
    shape = rng.randrange(6)
    a, b = rng.choice(words), rng.choice(words)
    if shape == 0:
        return f"The {a} of {b}"
    if shape == 1:
        return f"{a} {b}"
    if shape == 2:
        return f"The {a}"
    if shape == 3:
        return f"{a}'s {b}"
    if shape == 4:
        return f"A {a} for {b}"
    return f"{a} and the {b}"


def _author_name(rng: random.Random, surnames: list[str], used: set[str]) -> str:
    while True:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") + ". " if rng.random() < 0.2 else ""
        name = f"{rng.choice(_FIRST)} {middle}{rng.choice(surnames)}"
        if name not in used:
            used.add(name)
            return name


def _author_books(rng: random.Random, name: str, words: list[str]) -> list[_Book]:
    """One author's series (with novellas between entries) and standalones."""
    books: list[_Book] = []
    start = rng.randrange(1950, 2020)
    year = start
    for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
        kind = rng.choice(("Saga", "Chronicles", "Cycle", "Trilogy", "Series", ""))
        series = f"{rng.choice(words)} {kind}".strip()
        for pos in range(1, rng.randint(3, 15) + 1):
            year += rng.randint(0, 2)
            kind = "future" if year > AS_OF.year else "book"
            books.append(_Book(name, _title(rng, words), series, float(pos), year, kind))
            if rng.random() < 0.08:
                books.append(_Book(name, _title(rng, words), series, pos + 0.5, year, "novella"))
    for _ in range(rng.choice((0, 1, 2, 3, 4))):
        y = rng.randrange(start, 2027)
        kind = "future" if y > AS_OF.year else "book"
        books.append(_Book(name, _title(rng, words), None, None, y, kind))
    return books


def _unique_titles(books: list[_Book]) -> list[_Book]:
    """Two books by one author with one title are one book."""
    seen_titles: set[tuple[str, str]] = set()
    unique: list[_Book] = []
    for b in books:
        key = (b.author, b.title.lower())
        if key not in seen_titles:
            seen_titles.add(key)
            unique.append(b)
    return unique


def _choose_owned(rng: random.Random, books: list[_Book], n_owned: int) -> set[int]:
    """Runs of series and some standalones, by a subset of authors."""
    by_author: dict[str, list[int]] = {}
    for i, b in enumerate(books):
        by_author.setdefault(b.author, []).append(i)
    owned_idx: set[int] = set()
    author_order = list(by_author)
    rng.shuffle(author_order)
    for name in author_order:
        if len(owned_idx) >= n_owned:
            break
        idxs = [i for i in by_author[name] if books[i].kind == "book"]
        if not idxs:
            continue
        keep = rng.random()
        for i in idxs:
            if rng.random() < keep and len(owned_idx) < n_owned:
                owned_idx.add(i)
    return owned_idx


def _author_variant(rng: random.Random, name: str) -> str:
    first, *rest = name.split(" ")
    last = rest[-1]
    r = rng.random()
    if r < 0.2:
        return f"{last}, {' '.join([first, *rest[:-1]])}"
    if r < 0.25:
        return name.upper()
    return name


class _Catalogue:
    """The catalogue being generated, and each book's entry ids."""

    def __init__(self, rng: random.Random, words: list[str]) -> None:
        self.rng, self.words = rng, words
        self.entries: list[CatalogueEntry] = []
        self.book_ids: dict[int, list[str]] = {}

    def add(self, book_i: int | None, **kw: object) -> None:
        cid = f"c{len(self.entries):07d}"
        self.entries.append(CatalogueEntry(id=cid, **kw))  # type: ignore[arg-type]
        if book_i is not None:
            self.book_ids.setdefault(book_i, []).append(cid)

    def editions(self, i: int, b: _Book, pos_txt: str | None) -> None:
        """One to four editions of a book, with the noise providers have."""
        rng = self.rng
        for e in range(rng.choice((1, 2, 2, 3, 3, 4))):
            r = rng.random()
            title, subtitle, series, pos = b.title, None, b.series, pos_txt
            if e and r < 0.2:
                title = f"{b.title} (Unabridged)"
            elif e and r < 0.35 and b.series:
                title, series, pos = f"{b.title}: {b.series}, Book {pos_txt}", None, None
            elif e and r < 0.45:
                title = f"{b.title}: A Novel"
            elif e and r < 0.5:
                title = f"{b.title} [{b.year}]"
            elif e and r < 0.6 and b.series:
                pos = f"Book {pos_txt}"
            self.add(
                i,
                title=title,
                subtitle=subtitle,
                authors=(_author_variant(rng, b.author),),
                language="en",
                published_year=b.year,
                series=series,
                series_position=pos,
                asin=f"B{rng.randrange(10**9):09d}" if rng.random() < 0.3 else None,
            )

    def junk(self, b: _Book, pos_txt: str | None) -> None:
        """At most one translation, summary, split part or study guide of a book, and box sets."""
        rng, add = self.rng, self.add
        r = rng.random()
        if r < 0.15:
            add(
                None,
                title=f"{_title(rng, self.words)}",
                authors=(b.author,),
                language="de",
                published_year=b.year + 2,
                series=b.series,
                series_position=pos_txt,
            )
        elif r < 0.22:
            add(
                None,
                title=f"Summary of {b.title} by {b.author}",
                authors=("Quick Reads",),
                language="en",
                published_year=b.year + 1,
            )
        elif r < 0.26:
            add(
                None,
                title=f"{b.title}, Part 1 of 2",
                authors=(b.author,),
                language="en",
                published_year=b.year,
                series=b.series,
                series_position=pos_txt,
            )
        elif r < 0.30:
            add(
                None,
                title=f"Study Guide: {b.title}",
                authors=(b.author, "SuperSummary"),
                language="en",
                published_year=b.year + 3,
            )
        if b.series and b.position == 3.0 and rng.random() < 0.5:
            add(
                None,
                title=f"{b.series}: Books 1-3 Box Set",
                authors=(b.author,),
                language="en",
                published_year=b.year,
                series=b.series,
                series_position="1-3",
            )

    def fill(self, n_catalogue: int, surnames: list[str]) -> None:
        """Unrelated authors' books up to the exact size (the catalogue knows more people)."""
        rng = self.rng
        while len(self.entries) < n_catalogue:
            self.add(
                None,
                title=_title(rng, self.words),
                authors=(f"{rng.choice(_FIRST)} {rng.choice(surnames)}x",),
                language="en",
                published_year=rng.randrange(1950, 2025),
            )
        del self.entries[n_catalogue:]


def _owned_books(rng: random.Random, books: list[_Book], owned_idx: set[int]) -> list[OwnedBook]:
    """The owned books with tag noise: "(Unabridged)", "Series: Title", no tags (a path)."""
    owned: list[OwnedBook] = []
    for i in sorted(owned_idx):
        b = books[i]
        r = rng.random()
        title = b.title
        if r < 0.25:
            title = f"{b.title} (Unabridged)"
        elif r < 0.35 and b.series:
            title = f"{b.series}: {b.title}"
        tag = rng.random() < 0.5
        owned.append(OwnedBook(
            title=title, authors=(_author_variant(rng, b.author),),
            series=b.series if tag else None,
            series_position=f"{b.position:g}" if tag and b.position is not None else None,
            path=(f"{b.author}/{b.series}/{b.position:g} - {b.title}" if b.series
                  else f"{b.author}/{b.title}"),
        ))  # fmt: skip
    return owned


def _truth(books: list[_Book], owned_idx: set[int], book_ids: dict[int, list[str]]) -> set[str]:
    """Truth by the rules: series the user owns, authors with >= 2 owned books."""
    owned_series = {(books[i].author, books[i].series) for i in owned_idx if books[i].series}
    owned_count: dict[str, int] = {}
    for i in owned_idx:
        owned_count[books[i].author] = owned_count.get(books[i].author, 0) + 1
    truth: set[str] = set()
    for i, b in enumerate(books):
        if i in owned_idx or b.kind != "book" or i not in book_ids:
            continue
        if (b.author, b.series) in owned_series or owned_count.get(b.author, 0) >= 2:
            truth.add(book_ids[i][0])
            truth.update(book_ids[i][1:])
    return truth


def generate(
    n_owned: int, n_catalogue: int, seed: int
) -> tuple[list[OwnedBook], list[CatalogueEntry], set[str]]:
    """Owned books, catalogue entries, and the set of catalogue ids that are truly missing books
    (one id per missing book is enough to score: a reported book is right if it holds one)."""
    rng = random.Random(seed)
    words = sorted({_word(rng) for _ in range(40_000)})
    surnames = sorted({_word(rng) for _ in range(60_000)})
    books: list[_Book] = []
    used: set[str] = set()
    while len(books) < n_catalogue // 3:
        books += _author_books(rng, _author_name(rng, surnames, used), words)
    books = _unique_titles(books)
    owned_idx = _choose_owned(rng, books, n_owned)
    catalogue = _Catalogue(rng, words)
    for i, b in enumerate(books):
        pos_txt = None if b.position is None else f"{b.position:g}"
        catalogue.editions(i, b, pos_txt)
        catalogue.junk(b, pos_txt)
    catalogue.fill(n_catalogue, surnames)
    owned = _owned_books(rng, books, owned_idx)
    return owned, catalogue.entries, _truth(books, owned_idx, catalogue.book_ids)


def score(result: list[MissingBook], truth_groups: list[set[str]]) -> tuple[float, float]:
    """Book-level precision and recall: a reported book is right when it holds an id of a
    labelled missing book not matched before."""
    owner = {i: n for n, ids in enumerate(truth_groups) for i in ids}
    matched: set[int] = set()
    tp = 0
    for book in result:
        free = {owner[i] for i in book.catalogue_ids if i in owner} - matched
        if free:
            tp += 1
            matched.add(min(free))
    precision = tp / len(result) if result else 1.0
    recall = len(matched) / len(truth_groups) if truth_groups else 1.0
    return precision, recall


def fixture_scores() -> dict[str, tuple[float, float]]:
    """Precision/recall on the hand-labelled fixture, novellas off and on."""
    owned = parse_owned(json.loads((FIXTURE / "owned.json").read_text()))
    catalogue = parse_catalogue(json.loads((FIXTURE / "catalogue.json").read_text()))
    labels = json.loads((FIXTURE / "expected_missing.json").read_text())
    out = {}
    for novellas in (False, True):
        settings = GapSettings(
            as_of=date.fromisoformat(labels["as_of"]),
            languages=tuple(labels["languages"]),
            min_books_threshold=labels["min_books"],
            include_novellas=novellas,
        )
        groups = [
            set(m["catalogue_ids"]) for m in labels["missing"] if novellas or not m["novella"]
        ]
        out["novellas on" if novellas else "novellas off"] = score(
            find_gaps(owned, catalogue, settings), groups
        )
    return out


@dataclass
class ColdRun:
    generate_s: float
    wall: float
    cpu: float  # of the run's own process (its workers apart)
    peak: int  # max RSS of the run's process, bytes (the data included)
    worker_peak: int  # max RSS of its largest worker, bytes
    result: list[MissingBook]


def run_phase(phase: str, args: argparse.Namespace) -> ColdRun:
    """One timed run of the core in a fresh process (cold caches, as a scheduled run)."""
    with tempfile.NamedTemporaryFile(suffix=".pickle") as out:
        command = [sys.executable, __file__, "--phase", phase, "--out", out.name]
        for name in ("owned", "catalogue", "seed", "workers"):
            command += [f"--{name}", str(getattr(args, name))]
        subprocess.run(command, check=True)
        return pickle.load(out)


def phase_main(args: argparse.Namespace) -> None:
    """A run's process: generate the data (not timed), time the core, write a ColdRun."""
    t0 = time.perf_counter()
    owned, catalogue, _truth = generate(args.owned, args.catalogue, args.seed)
    generate_s = time.perf_counter() - t0
    gc.collect()
    gc.freeze()  # the generated objects are long-lived: keep the collector off them
    settings = GapSettings(as_of=AS_OF)
    workers = args.workers or os.cpu_count() or 1
    t0, c0 = time.perf_counter(), time.process_time()
    if args.phase == "single":
        result = find_gaps_parallel(owned, catalogue, settings, 1)  # in this process
    else:
        result = find_gaps_parallel(owned, catalogue, settings, workers)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    # The core does not wait for its workers to exit; RUSAGE_CHILDREN counts them once reaped.
    while multiprocessing.active_children():
        time.sleep(0.01)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    with open(args.out, "wb") as out:
        pickle.dump(ColdRun(generate_s, wall, cpu, peak, worker, result), out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owned", type=int, default=100_000)
    parser.add_argument("--catalogue", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workers", type=int, default=0, help="processes (0: one per CPU)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of the core (best counts)")
    parser.add_argument(
        "--single", action="store_true", help="also time find_gaps in one process (reference)"
    )
    parser.add_argument("--phase", choices=["parallel", "single"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase_main(args)
        return 0

    workers = args.workers or os.cpu_count() or 1
    # The machine may be shared: the best of `--rounds` runs counts (all are printed).
    runs = [run_phase("parallel", args) for _ in range(args.rounds)]
    # The interpreter's build matters (scripts/setup): say which one ran.
    print(f"python {platform.python_version()} ({os.path.realpath(sys._base_executable)})")
    print(f"generated {args.owned:,} owned books, {args.catalogue:,} catalogue entries "
          "in each run's process (not counted): "
          + ", ".join(f"{run.generate_s:.1f}" for run in runs)
          + " s (the same work each time: how fast the machine was)")  # fmt: skip
    best = min(runs, key=lambda run: run.wall)
    core_s, result = best.wall, best.result
    ok_t = "OK" if core_s < GOAL_SECONDS else "OVER"
    # Worker processes are forked: their RSS counts the pages they share with the run's
    # process again, so the sum is an upper bound of the memory used.
    peak = max(run.peak for run in runs)
    child_peak = max(run.worker_peak for run in runs)
    total = peak + child_peak * (workers - 1)
    ok_m = "OK" if total < GOAL_BYTES else "OVER"
    print(f"core find_gaps_parallel, {workers} process(es): {core_s:.2f} s wall "
          f"({best.cpu:.2f} s CPU in its first process) (goal < {GOAL_SECONDS:.0f} s: {ok_t}); "
          f"{len(result):,} missing books; runs: "
          + ", ".join(f"{run.wall:.2f}" for run in runs) + " s")  # fmt: skip
    print(f"peak memory (max RSS, data included): the run's process {peak / 1024**3:.2f} GiB, "
          f"each worker {child_peak / 1024**3:.2f} GiB; sum {total / 1024**3:.2f} GiB "
          f"(goal < 2 GiB: {ok_m})")  # fmt: skip
    if args.single:
        reference = run_phase("single", args)
        single_s, single = reference.wall, reference.result
        same = "the same list" if single == result else "A DIFFERENT LIST"
        print(f"reference find_gaps, one process: {single_s:.2f} s ({same}); "
              f"speed-up {single_s / core_s:.2f}x")  # fmt: skip

    _owned, _catalogue, truth = generate(args.owned, args.catalogue, args.seed)
    by_id = {cid for b in result for cid in b.catalogue_ids}
    tp_books = sum(1 for b in result if any(c in truth for c in b.catalogue_ids))
    print(f"generated data vs generator truth: precision {tp_books / max(1, len(result)):.3f}, "
          f"truth ids found {len(truth & by_id) / max(1, len(truth)):.3f}")  # fmt: skip

    for name, (p, r) in fixture_scores().items():
        print(f"fixture set ({name}): precision {p:.3f}, recall {r:.3f} (goal >= 0.97)")
    return 0 if core_s < GOAL_SECONDS and total < GOAL_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
