"""Release choice benchmark: the labelled decision corpus, the rules beside a most-seeders pick.

    .venv/bin/python bench/releases.py              # the figures
    .venv/bin/python bench/releases.py --mistakes   # and every mistake, with the explanation

The corpus (`bench/corpora/releases/corpus.json`; `--corpus holdout.json` for the held-out one)
holds search results for wanted books, each
labelled by hand: acceptable or the decoy kind that makes it unacceptable, and the one to grab
per book. Figures, for the rules and for the reference (grab the most-seeded release, as a user
sorting a search page by seeders would; it can only refuse dead torrents):

- bad grabs: books where an unacceptable release was chosen;
- missed: books with an acceptable release where nothing was chosen;
- best: books whose chosen release is the labelled best (of the books that have one);
- reject rate per decoy kind: share of the unacceptable releases of that kind refused.

Goal: 0 bad grabs, 0 missed, best >= 95 %, every decoy kind rejected >= 99 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from library_pipeline.domain.releases import Release  # noqa: E402
from library_pipeline.domain.releases.scoring import (  # noqa: E402
    Choice,
    ScoringPolicy,
    WantedBook,
    choose_release,
)

CORPUS = ROOT / "bench" / "corpora" / "releases" / "corpus.json"
MB = 1024 * 1024


@dataclass
class Figures:
    """What one chooser did on the corpus."""

    books: int = 0
    results: int = 0
    bad_grabs: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    best_hits: int = 0
    best_total: int = 0
    wrong_best: list[str] = field(default_factory=list)
    decoys: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rejected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    good_rejected: list[str] = field(default_factory=list)  # acceptable releases refused
    accepted_decoys: list[str] = field(default_factory=list)

    @property
    def best_rate(self) -> float:
        return self.best_hits / self.best_total if self.best_total else 1.0

    def reject_rate(self, kind: str) -> float:
        return self.rejected[kind] / self.decoys[kind] if self.decoys[kind] else 1.0


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    books: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["books"]
    return books


def release_of(row: dict[str, Any], index: int) -> Release:
    return Release(
        title=row["title"],
        source=row["source"],
        indexer=row.get("indexer"),
        guid=f"corpus-{index}",
        link=f"http://indexer.invalid/dl/{index}",
        size_bytes=int(row["size_mb"] * MB),
        seeders=row["seeders"],
        authors=tuple(row.get("authors", ())),
        narrators=tuple(row.get("narrators", ())),
        series=tuple((name, position) for name, position in row.get("series", ())),
        language=row.get("language"),
        file_types=tuple(row.get("file_types", ())),
        tags=row.get("tags") or None,
    )


def wanted_of(entry: dict[str, Any]) -> WantedBook:
    wanted = entry["wanted"]
    return WantedBook(
        title=wanted["title"],
        authors=tuple(wanted["authors"]),
        series=wanted.get("series"),
        series_position=wanted.get("series_position"),
        language=wanted.get("language"),
        narrators=tuple(wanted.get("narrators", ())),
        expected_runtime_minutes=wanted.get("expected_runtime_minutes"),
    )


def policy_of(entry: dict[str, Any], default: ScoringPolicy) -> ScoringPolicy:
    """The run's policy with the book's own overrides (a corpus may test mp3-first, packs...)."""
    overrides = entry.get("policy") or {}
    return replace(
        default, **{k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
    )


def _tally(figures: Figures, entry: dict[str, Any], chosen: int | None, refused: set[int]) -> None:
    rows = entry["results"]
    figures.books += 1
    figures.results += len(rows)
    if chosen is not None and not rows[chosen]["acceptable"]:
        figures.bad_grabs.append(f"{entry['id']}: {rows[chosen]['title']}")
    if chosen is None and any(r["acceptable"] for r in rows):
        figures.missed.append(entry["id"])
    best = next((i for i, r in enumerate(rows) if r["best"]), None)
    if best is not None:
        figures.best_total += 1
        if chosen == best:
            figures.best_hits += 1
        else:
            picked = rows[chosen]["title"] if chosen is not None else "nothing"
            figures.wrong_best.append(
                f"{entry['id']}: chose {picked!r}, best {rows[best]['title']!r}"
            )
    for i, row in enumerate(rows):
        if row["acceptable"]:
            if i in refused:
                figures.good_rejected.append(f"{entry['id']}: {row['title']}")
            continue
        figures.decoys[row["kind"]] += 1
        if i in refused:
            figures.rejected[row["kind"]] += 1
        else:
            figures.accepted_decoys.append(f"{entry['id']} [{row['kind']}]: {row['title']}")


def run_rules(
    books: list[dict[str, Any]], policy: ScoringPolicy | None = None
) -> tuple[Figures, dict[str, Choice]]:
    policy = policy or ScoringPolicy()
    figures, choices = Figures(), {}
    for entry in books:
        releases = [release_of(r, i) for i, r in enumerate(entry["results"])]
        choice = choose_release(releases, wanted_of(entry), policy_of(entry, policy))
        choices[entry["id"]] = choice
        index = {id(r): i for i, r in enumerate(releases)}
        chosen = index[id(choice.best.release)] if choice.best else None
        refused = {index[id(s.release)] for s in choice.scored if not s.accepted}
        _tally(figures, entry, chosen, refused)
    return figures, choices


def run_most_seeders(books: list[dict[str, Any]]) -> Figures:
    figures = Figures()
    for entry in books:
        rows = entry["results"]
        alive = [i for i, r in enumerate(rows) if (r["seeders"] or 0) > 0]
        chosen = max(alive, key=lambda i: rows[i]["seeders"]) if alive else None
        refused = {i for i, r in enumerate(rows) if (r["seeders"] or 0) <= 0}
        _tally(figures, entry, chosen, refused)
    return figures


def _pct(value: float) -> str:
    return f"{100 * value:5.1f} %"


def report(rules: Figures, reference: Figures, seconds: float) -> str:
    lines = [
        f"corpus: {rules.books} books, {rules.results} search results "
        f"({sum(rules.decoys.values())} decoys); rules scored them in {seconds * 1000:.0f} ms",
        "",
        f"{'':30}{'rules':>12}{'most seeders':>16}   goal",
        f"{'bad grabs':30}{len(rules.bad_grabs):>12}{len(reference.bad_grabs):>16}   0",
        f"{'missed':30}{len(rules.missed):>12}{len(reference.missed):>16}   0",
        f"{'best pick':30}{_pct(rules.best_rate):>12}{_pct(reference.best_rate):>16}   >= 95 %",
        f"{'acceptable releases refused':30}{len(rules.good_rejected):>12}"
        f"{len(reference.good_rejected):>16}",
        "",
        f"{'reject rate per decoy kind':30}{'rules':>12}{'most seeders':>16}   goal >= 99 %",
    ]
    for kind in sorted(rules.decoys):
        count = rules.decoys[kind]
        lines.append(
            f"{kind + f' ({count})':30}{_pct(rules.reject_rate(kind)):>12}"
            f"{_pct(reference.reject_rate(kind)):>16}"
        )
    return "\n".join(lines)


def meets_goal(figures: Figures) -> bool:
    return (
        not figures.bad_grabs
        and not figures.missed
        and figures.best_rate >= 0.95
        and all(figures.reject_rate(kind) >= 0.99 for kind in figures.decoys)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mistakes", action="store_true", help="list every mistake")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    books = load(args.corpus)
    started = time.perf_counter()
    rules, choices = run_rules(books)
    seconds = time.perf_counter() - started
    print(report(rules, run_most_seeders(books), seconds))
    print(f"\ngoal met: {'yes' if meets_goal(rules) else 'no'}")
    if args.mistakes:
        for title, items in (
            ("bad grabs", rules.bad_grabs),
            ("missed", rules.missed),
            ("not the best", rules.wrong_best),
            ("acceptable but refused", rules.good_rejected),
            ("decoys accepted", rules.accepted_decoys),
        ):
            print(f"\n{title}:")
            for item in items:
                print("  " + item)
                book_id = item.split(":")[0].split(" [")[0]
                choice = choices.get(book_id)
                if choice is None:
                    continue
                text = item.split(": ", 1)[1] if ": " in item else ""
                for score in choice.scored:
                    if score.release.title in text:
                        print("      " + score.explain())


if __name__ == "__main__":
    main()
