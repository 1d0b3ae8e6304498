"""Benchmark of metadata enrichment: 10,000 books against the four provider stubs.

    .venv/bin/python bench/enrich.py [--books 10000] [--scale 50] [--batch-size 64] [--seed 7]

Generates a library and what each provider knows about it (deterministic from the seed),
independently per provider: Google Books knows 90% of the books (and, for every 10th, a French
edition with the same title that must be rejected), Audnexus 85% (narrators, series, runtime),
Open Library 70%, Hardcover 60% (for three in four of those also the audio edition: ASIN and
narrators, as Hardcover's editions carry them); 1% are known nowhere. In the library 40% of the
books carry an ISBN, 30% an ASIN, the rest only title and author (a fifth written "Lastname,
First"). Each stub runs in its own process, serving answers in the shape of the recorded samples.

The providers are configured at their published rate limits (Google Books 100/100 s, Open
Library 1/s, Hardcover 60/min, Audnexus 100/min, global 600/min), all scaled up by `--scale`.
Into two DuckDB libraries with the same books, each with its own (empty) HTTP cache:

1. **per book** (the reference, how enrichment worked before issue 22: every book asked of
   each provider in turn), then **listings first** (`services.enrichment.prefetch`: per author,
   Audnexus's book search by the author's name, Hardcover batches gathered across authors,
   Google Books' and Open Library's author listings, each only for the books still wanting
   something; per-book lookups only for what is left): for each, requests per provider
   and per book, wall time beside the rate-limit floor (the busiest provider's requests ÷ its
   allowed rate; every request also passes the global limit) and scaled back to the real limits
   ("a real first run would take N min"), wrong matches (a book given another book's ISBN,
   ASIN, narrators or series: must be 0) and field coverage (share of books with each field).
   Goals (issue 22): ≤ 30 min at real limits, ≤ 0.3 requests per book, 0 wrong matches,
   coverage not lower than per book.
2. the same call again, nothing changed (books enriched within the freshness window are
   skipped): goal 0 requests and < 5% of run 1's time;
3. once more with `force_refresh` (every book looked up again, the HTTP cache answering).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import shutil
import string
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_RERUN_FRACTION = 0.05
GOAL_MINUTES = 30.0
GOAL_PER_BOOK = 0.3
APPROACHES = {"per_book": False, "listings_first": True}  # name -> use_listings
PROVIDERS = ("google_books", "open_library", "hardcover", "audnexus")
COVERAGE = {"google_books": 0.90, "audnexus": 0.85, "open_library": 0.70, "hardcover": 0.60}

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tas",
    "vel",
    "dor",
    "ith",
    "an",
    "bre",
    "cor",
    "fen",
    "gal",
    "hul",
    "ir",
    "jo",
    "lum",
    "nar",
    "os",
    "pil",
    "sen",
    "tor",
]
_WORDS = [
    "Shadow",
    "Empire",
    "Light",
    "Storm",
    "Archive",
    "Blood",
    "Song",
    "Iron",
    "Crown",
    "Winter",
    "Wolf",
    "Silent",
    "River",
    "Glass",
    "Tower",
    "Ember",
    "Queen",
    "Last",
    "Watch",
    "Hidden",
    "City",
    "Broken",
    "Oath",
    "Star",
    "Forge",
    "Ash",
    "Raven",
    "Salt",
    "Thorn",
    "Gate",
    "Hollow",
    "King",
    "Amber",
    "Sea",
    "Copper",
    "Moon",
    "Dust",
    "Veil",
    "Bone",
    "Harbor",
    "Lantern",
    "Frost",
    "Orchard",
    "Ninth",
    "Wind",
    "Quiet",
    "Ruin",
    "Scarlet",
    "Road",
    "Velvet",
    "Sky",
    "Golden",
    "Hour",
    "Obsidian",
    "Heart",
    "Pale",
    "Fire",
    "Sunken",
    "Bell",
]
_SERIES_WORDS = ("Saga", "Chronicles", "Cycle", "Archive", "Trilogy")


@dataclass
class Truth:
    """One book as it really is (what the providers know)."""

    index: int
    title: str
    authors: list[str]
    narrators: list[str]
    series: str | None
    position: str | None
    isbn13: str
    asin: str
    publisher: str
    published: str
    runtime: int
    genres: list[str]
    known: dict[str, bool] = field(default_factory=dict)


def _name(rng: random.Random) -> str:
    def part() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{part()} {part()}"


def _isbn13(rng: random.Random) -> str:
    core = "978" + "".join(rng.choice(string.digits) for _ in range(9))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def generate(n: int, seed: int) -> list[Truth]:
    rng = random.Random(seed)
    authors = [_name(rng) for _ in range(max(50, n // 6))]
    titles: set[str] = set()
    books: list[Truth] = []
    series_count: dict[tuple[str, str], int] = {}
    for index in range(n):
        while True:
            words = rng.sample(_WORDS, rng.choice((2, 3)))
            title = " ".join(words) if rng.random() < 0.6 else f"The {' '.join(words)}"
            if title not in titles:
                titles.add(title)
                break
        author = rng.choice(authors)
        series = position = None
        if rng.random() < 0.6:
            series = f"The {author.split()[1]} {rng.choice(_SERIES_WORDS)}"
            count = series_count.get((author, series), 0) + 1
            series_count[(author, series)] = count
            position = str(count)
        nowhere = rng.random() < 0.01
        known = {} if nowhere else {p: rng.random() < c for p, c in COVERAGE.items()}
        books.append(
            Truth(
                index=index,
                title=title,
                authors=[author],
                narrators=[_name(rng) for _ in range(rng.choice((1, 1, 2)))],
                series=series,
                position=position,
                isbn13=_isbn13(rng),
                asin="B0"
                + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(8)),
                publisher=rng.choice(("Orbit", "Tor", "Podium Audio", "Gollancz", "Del Rey")),
                published=f"{rng.randint(1990, 2024)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                runtime=rng.randint(300, 1500),
                genres=rng.sample(
                    ["Fantasy", "Science Fiction", "Mystery", "Thriller", "Horror"], 2
                ),
                known={p: v for p, v in known.items() if v},
            )
        )
    return books


def library_row(book: Truth, rng: random.Random) -> dict[str, Any]:
    """What the scanner would have stored for the book."""
    author = book.authors[0]
    if rng.random() < 0.2:
        first, last = author.split()
        author = f"{last}, {first}"
    row: dict[str, Any] = {
        "path": f"/library/{book.index:05d}",
        "title": book.title,
        "authors": [author],
        "narrators": [],
        "genres": [],
        "metadata_source": {"title": "tags", "authors": "tags"},
        "locked_fields": [],
        "series": book.series if rng.random() < 0.5 else None,
        "series_position": None,
        "duration_seconds": book.runtime * 60.0 * rng.uniform(0.98, 1.02),
    }
    if row["series"]:
        row["series_position"] = book.position
        row["metadata_source"].update(series="tags", series_position="tags")
    roll = rng.random()
    if roll < 0.4:
        row["isbn"] = book.isbn13
        row["metadata_source"]["isbn"] = "tags"
    elif roll < 0.7:
        row["asin"] = book.asin
        row["metadata_source"]["asin"] = "tags"
    return row


# --- stubs, one process each ---------------------------------------------------------------------


def _audio(provider: str, book: Truth) -> bool:
    """Whether the provider knows the audio edition (ASIN, narrators) of a book it knows."""
    return provider == "audnexus" or (provider == "hardcover" and book.index % 4 != 0)


def _stub_books(provider: str, books: list[Truth]) -> list[Any]:
    from library_pipeline_tests.support.stubs.metadata_base import StubBook

    out = []
    for book in books:
        if not book.known.get(provider):
            continue
        out.append(
            StubBook(
                title=book.title,
                authors=book.authors,
                narrators=book.narrators if _audio(provider, book) else [],
                series=book.series,
                series_position=book.position,
                isbn13=book.isbn13,
                asin=book.asin if _audio(provider, book) else None,
                publisher=book.publisher,
                published_date=book.published,
                description=f"{book.title}: a story by {book.authors[0]}.",
                genres=book.genres,
                runtime_minutes=book.runtime,
            )
        )
        if provider == "google_books" and book.index % 10 == 0:  # a translation, same title
            out.append(
                StubBook(
                    title=book.title,
                    authors=book.authors,
                    language="fr",
                    isbn13=_isbn13(random.Random(book.index)),
                    publisher="Gallimard",
                    description=f"{book.title} : une histoire.",
                )
            )
    return out


def serve_stub(provider: str, books_n: int, seed: int, conn: Any) -> None:
    from library_pipeline_tests.support.stubs.audnexus import AudnexusStub
    from library_pipeline_tests.support.stubs.google_books import GoogleBooksStub
    from library_pipeline_tests.support.stubs.hardcover import HardcoverStub
    from library_pipeline_tests.support.stubs.open_library import OpenLibraryStub

    cls = {
        "google_books": GoogleBooksStub,
        "open_library": OpenLibraryStub,
        "hardcover": HardcoverStub,
        "audnexus": AudnexusStub,
    }[provider]
    stub = cls(_stub_books(provider, generate(books_n, seed)), recorded=False)
    if provider == "hardcover":
        stub.token = "bench-token"
    stub.start()
    conn.send(getattr(stub, "base_url", stub.url))
    while True:
        message = conn.recv()
        if message == "count":
            usage = resource.getrusage(resource.RUSAGE_SELF)
            conn.send((len(stub.requests), usage.ru_utime + usage.ru_stime))
        elif message == "stop":
            break
    stub.stop()


# --- the benchmark -------------------------------------------------------------------------------


def insert_library(url: str, books: list[Truth], seed: int) -> None:
    from sqlalchemy import insert

    from library_pipeline.storage.engine import make_engine, session_scope
    from library_pipeline.storage.models import Book, utcnow

    rng = random.Random(seed + 1)
    now = utcnow()
    rows = []
    for book in books:
        row = library_row(book, rng)
        row.update(source="folder", status="active", metadata_completeness_percent=0.0)
        row.update(created_at=now, updated_at=now)
        rows.append(row)
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.execute(insert(Book), rows)
    engine.dispose()


COVERED = ("narrators", "description", "publisher", "published_date", "language", "genres",
           "cover", "identifier", "series")  # fmt: skip


def check_accuracy(url: str, books: list[Truth]) -> dict[str, Any]:
    """Wrong matches (a value that belongs to another book) and the share of books per field."""
    from sqlalchemy import select

    from library_pipeline.storage.engine import make_engine, session_scope
    from library_pipeline.storage.models import Book

    truth = {f"/library/{b.index:05d}": b for b in books}
    wrong: dict[str, int] = {"isbn": 0, "asin": 0, "narrators": 0, "series": 0}
    covered = dict.fromkeys(COVERED, 0)
    columns = [getattr(Book, name) for name in ("path", "isbn", "asin", "narrators", "series")]
    other = [getattr(Book, name) for name in COVERED if name not in ("identifier", "narrators",
                                                                     "series")]  # fmt: skip
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(select(*columns, *other)).all()
    engine.dispose()
    for path, isbn, asin, narrators, series, *rest in rows:
        book = truth[path]
        wrong["isbn"] += bool(isbn and isbn != book.isbn13)
        wrong["asin"] += bool(asin and asin != book.asin)
        wrong["narrators"] += bool(narrators and narrators != book.narrators)
        wrong["series"] += bool(series and series != book.series)
        values = dict(zip([n for n in COVERED if n not in ("identifier", "narrators", "series")],
                          rest, strict=True))  # fmt: skip
        values.update(narrators=narrators, series=series, identifier=isbn or asin)
        for name in COVERED:
            covered[name] += bool(values[name])
    return {
        "wrong_matches": sum(wrong.values()),
        "wrong_by_field": wrong,
        "coverage_percent": {k: round(100 * v / len(rows), 1) for k, v in covered.items()},
    }


async def enrich(
    url: str, config: Any, batch_size: int, *, listings: bool, force: bool = False
) -> dict[str, Any]:
    from library_pipeline.clients.providers import build_providers
    from library_pipeline.services.enrichment import EnrichmentOptions, correct_all_books
    from library_pipeline.storage.engine import make_engine, make_session_factory

    engine = make_engine(url)
    try:
        async with build_providers(config) as providers:
            with make_session_factory(engine)() as session:
                started = time.perf_counter()
                cpu = time.process_time()
                run = await correct_all_books(
                    session,
                    providers=providers,
                    options=EnrichmentOptions.build(config.order),
                    batch_size=batch_size,
                    force_refresh=force,
                    use_listings=listings,
                )
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                result = {**run.as_dict(), "wall": wall, "cpu": cpu}
    finally:
        engine.dispose()
    return result


def floor_seconds(result: dict[str, Any], config: Any, scale: float) -> tuple[float, str]:
    rates = {
        "google_books": config.google_books_requests_per_minute,
        "open_library": config.open_library_requests_per_minute,
        "hardcover": config.hardcover_requests_per_minute,
        "audnexus": config.audnexus_requests_per_minute,
    }
    per = {
        name: result["provider_status"][name]["network_requests"] / (rpm * scale / 60)
        for name, rpm in rates.items()
    }
    total = sum(s["network_requests"] for s in result["provider_status"].values())
    per["global"] = total / (config.global_requests_per_minute * scale / 60)
    busiest = max(per, key=per.__getitem__)
    return per[busiest], busiest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=50.0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--only",
        choices=APPROACHES,
        help="measure one approach (the goals need both: without this, both in one run)",
    )
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    pipes, processes, urls = {}, [], {}
    for provider in PROVIDERS:
        parent, child = context.Pipe()
        process = context.Process(
            target=serve_stub, args=(provider, args.books, args.seed, child), daemon=True
        )
        process.start()
        pipes[provider], processes = parent, [*processes, process]
    books = generate(args.books, args.seed)
    for provider in PROVIDERS:
        urls[provider] = pipes[provider].recv()

    workdir = Path(tempfile.mkdtemp(prefix="bench-enrich-"))
    try:
        reports = {}
        for name, listings in APPROACHES.items():
            if args.only and name != args.only:
                continue
            before = _served(pipes)
            reports[name] = measure(workdir / name, books, urls, args, listings=listings)
            reports[name]["requests_served_by_stubs"] = {
                p: n - before[p] for p, n in _served(pipes).items()
            }
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        for provider in PROVIDERS:
            pipes[provider].send("stop")
        for process in processes:
            process.join(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({"books": args.books, "scale": args.scale, **reports}, indent=2))
    print()
    for name, report in reports.items():
        print_summary(name, report)
    if len(reports) == len(APPROACHES):
        print_goals(reports["per_book"], reports["listings_first"])
    print(f"peak RSS {peak_mb:.0f} MB")


def _served(pipes: dict[str, Any]) -> dict[str, int]:
    out = {}
    for provider in PROVIDERS:
        pipes[provider].send("count")
        out[provider] = pipes[provider].recv()[0]
    return out


def measure(
    folder: Path, books: list[Truth], urls: dict[str, str], args: Any, *, listings: bool
) -> dict[str, Any]:
    """One approach: first run, unchanged re-run, forced re-run, into its own library."""
    from library_pipeline.clients.providers import ProvidersConfig
    from library_pipeline.settings import Settings
    from library_pipeline.storage.engine import migrate

    folder.mkdir(parents=True)
    url = f"duckdb:///{folder / 'library.duckdb'}"
    migrate(url)
    insert_library(url, books, args.seed)
    settings = Settings()  # the published limits (the defaults), scaled up
    s = args.scale
    config = ProvidersConfig(
        google_books_url=urls["google_books"],
        open_library_url=urls["open_library"],
        hardcover_url=urls["hardcover"],
        audnexus_url=urls["audnexus"],
        hardcover_token="bench-token",
        google_books_requests_per_minute=settings.google_books_requests_per_minute * s,
        open_library_requests_per_minute=settings.open_library_requests_per_minute * s,
        hardcover_requests_per_minute=settings.hardcover_requests_per_minute * s,
        audnexus_requests_per_minute=settings.audnexus_requests_per_minute * s,
        global_requests_per_minute=settings.metadata_global_requests_per_minute * s,
        cache_dir=folder / "http-cache",
    )
    first = asyncio.run(enrich(url, config, args.batch_size, listings=listings))
    accuracy = check_accuracy(url, books)
    rerun = asyncio.run(enrich(url, config, args.batch_size, listings=listings))
    forced = asyncio.run(enrich(url, config, args.batch_size, listings=listings, force=True))
    floor, busiest = floor_seconds(first, config, 1.0)
    requests = {p: first["provider_status"][p]["network_requests"] for p in PROVIDERS}
    total = sum(requests.values())
    return {
        "first_run_seconds": round(first["wall"], 2),
        "floor_seconds": round(floor, 2),
        "busiest": busiest,
        "ratio": round(first["wall"] / floor, 3) if floor else None,
        "real_limit_minutes": round(first["wall"] * s / 60, 1),
        "real_limit_floor_minutes": round(floor * s / 60, 1),
        "first_run_cpu_seconds": round(first["cpu"], 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "requests": requests,
        "requests_total": total,
        "requests_per_book": round(total / len(books), 3),
        "requests_per_book_by_provider": {p: round(n / len(books), 3) for p, n in requests.items()},
        "prefetch": first.get("prefetch", {}),
        "retries": sum(v["retries"] for v in first["provider_status"].values()),
        "first_run": {
            k: first[k]
            for k in (
                "total_processed",
                "succeeded",
                "failed",
                "total_fields_updated",
                "average_completeness_before",
                "average_completeness_after",
                "unmatched_total",
                "errors_total",
            )
        },
        "accuracy": accuracy,
        "rerun_seconds": round(rerun["wall"], 3),
        "rerun_fraction": round(rerun["wall"] / first["wall"], 4),
        "rerun_requests": rerun["network_requests"],
        "rerun_skipped": rerun["skipped"],
        "forced_rerun_seconds": round(forced["wall"], 2),
        "forced_rerun_requests": forced["network_requests"],
        "forced_rerun_fields_updated": forced["total_fields_updated"],
    }


def print_summary(name: str, r: dict[str, Any]) -> None:
    rerun_ok = r["rerun_requests"] == 0 and r["rerun_fraction"] < GOAL_RERUN_FRACTION
    print(
        f"{name}: {r['requests_total']} requests = {r['requests_per_book']} per book "
        f"{r['requests']}; first run {r['first_run_seconds']} s vs floor {r['floor_seconds']} s "
        f"({r['busiest']}): {r['ratio']}x; a real first run would take "
        f"{r['real_limit_minutes']} min (floor {r['real_limit_floor_minutes']} min); "
        f"wrong matches {r['accuracy']['wrong_matches']}; completeness after "
        f"{r['first_run']['average_completeness_after']} %; re-run {r['rerun_requests']} requests "
        f"{100 * r['rerun_fraction']:.1f}% of run 1 {'OK' if rerun_ok else 'MISSED'}; forced "
        f"re-run {r['forced_rerun_requests']} requests"
    )


def print_goals(reference: dict[str, Any], batched: dict[str, Any]) -> None:
    mine, theirs = (r["accuracy"]["coverage_percent"] for r in (batched, reference))
    print("field coverage % (listings first / per book): " + ", ".join(
        f"{k} {mine[k]}/{theirs[k]}" for k in mine))  # fmt: skip
    lower = [k for k in mine if mine[k] < theirs[k]]
    checks = {
        f"<= {GOAL_MINUTES} min at real limits": batched["real_limit_minutes"] <= GOAL_MINUTES,
        f"<= {GOAL_PER_BOOK} requests per book": batched["requests_per_book"] <= GOAL_PER_BOOK,
        "0 wrong matches": batched["accuracy"]["wrong_matches"] == 0,
        "coverage not lower": not lower,
        "unchanged re-run 0 requests": batched["rerun_requests"] == 0,
    }
    for goal, ok in checks.items():
        print(f"  goal {goal}: {'OK' if ok else 'MISSED'}")
    if lower:
        print(f"  lower coverage: {', '.join(lower)}")


if __name__ == "__main__":
    main()
