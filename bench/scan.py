"""Benchmark of the library scan: a generated 10,000-book tree (~17,000 real audio files).

    .venv/bin/python bench/scan.py [--books 10000] [--seed 3] [--postgres] [--rounds 2]
                                   [--workers 0] [--keep | --reuse DIR]

Generates, under /tmp, a library laid out the recommended way (`Author/Series/Vol. N - Title
{Narrator}`, `Author/Title`): 70% single-file books, 30% folders of 2-5 chapter files; formats
mixed (m4b, m4a, mp3, flac, ogg, opus); each file a copy of a small real template with its own
tags (tag styles varied: series tags, iTunes movement, grouping "Series #2", composer or
narrator tags; 5% untagged). Then, each phase in a fresh child process (so peak RSS is the
phase's own), for `--rounds` rounds (the machine may be shared: each phase's best round counts):

1. a bare loop `mutagen.File(path, easy=False)` over every file (the floor: tag reading alone);
2. a full scan into an empty library DB (DuckDB file; `--postgres`: a throwaway PostgreSQL too);
3. a re-scan with nothing changed;
and the bare loop once more at the end.

`--workers`: the scan's tag-reading processes (0 = its default, one per core; 1 = read in the
scanning process only). Goals: full scan ≤ 1.3 x the bare loop; re-scan ≤ 5% of the full scan.
The tree is deleted afterwards unless `--keep` (then `--reuse DIR` scans it again).
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_FULL_RATIO = 1.3
GOAL_RESCAN_FRACTION = 0.05
FORMAT_WEIGHTS = {"m4b": 40, "mp3": 30, "m4a": 8, "flac": 8, "ogg": 7, "opus": 7}

_SYLLABLES = "ka lo mi ren tas vel dor ith an bre cor fen gal hul ir jo lum nar os pil"
_WORD_LIST = (
    "Shadow Empire Light Fantastic Hail Mary Storm Archive Blood Song Iron Crown Winter Wolf "
    "Silent River Glass Tower Ember Queen Last Watch Hidden City Broken Oath Star Forge Ash"
)
_WORDS = _WORD_LIST.split()


def _name(rng: random.Random) -> str:
    def part() -> str:
        syllables = _SYLLABLES.split()
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{part()} {part()}"


def _title(rng: random.Random, index: int) -> str:
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3)))
    return f"The {words} {index}" if rng.random() < 0.3 else f"{words} {index}"


def plan_library(books: int, seed: int) -> list[dict]:
    """Deterministic book specs: folder, format, files and tags."""
    rng = random.Random(seed)
    authors = [_name(rng) for _ in range(max(1, books // 8))]
    narrators = [_name(rng) for _ in range(max(1, books // 20))]
    formats = list(FORMAT_WEIGHTS)
    weights = list(FORMAT_WEIGHTS.values())
    specs = []
    series_counter: dict[tuple[str, str], int] = {}
    for index in range(books):
        author = rng.choice(authors)
        narrator = rng.choice(narrators)
        title = _title(rng, index)
        fmt = rng.choices(formats, weights)[0]
        files = 1 if rng.random() < 0.7 else rng.randint(2, 5)
        if files > 1 and fmt == "m4b":
            fmt = "mp3"
        series = position = None
        if rng.random() < 0.6:
            series = f"{author.split()[-1]} {rng.choice(['Saga', 'Cycle', 'Chronicles'])}"
            series_counter[(author, series)] = series_counter.get((author, series), 0) + 1
            position = series_counter[(author, series)]
            folder = f"{author}/{series}/Vol. {position} - {title} {{{narrator}}}"
        else:
            folder = f"{author}/{title}"
        specs.append(
            {
                "folder": folder,
                "fmt": fmt,
                "files": files,
                "tagged": rng.random() >= 0.05,
                "title": title,
                "author": author,
                "narrator": narrator,
                "series": series,
                "position": position,
                "year": rng.randint(1950, 2025),
                "asin": f"B0{rng.randrange(16**8):08X}" if rng.random() < 0.5 else None,
                "series_style": rng.choice(["tags", "tags", "movement", "grouping"]),
                "narrator_style": rng.choice(["composer", "narrator"]),
            }
        )
    return specs


def _make_one(args: tuple[str, dict]) -> int:
    from library_pipeline_tests.support.audio import make_book

    root, spec = args
    paths = make_book(
        Path(root) / spec["folder"],
        spec["fmt"],
        title=spec["title"],
        author=spec["author"],
        narrator=spec["narrator"],
        series=spec["series"],
        position=spec["position"],
        year=spec["year"],
        asin=spec["asin"],
        files=spec["files"],
        tagged=spec["tagged"],
        series_style=spec["series_style"],
        narrator_style=spec["narrator_style"],
    )
    return len(paths)


def generate(root: Path, books: int, seed: int) -> int:
    from library_pipeline_tests.support.audio import all_templates

    all_templates()  # encode once, before the workers start
    specs = plan_library(books, seed)
    with multiprocessing.Pool(os.cpu_count() or 2) as pool:
        counts = pool.map(_make_one, [(str(root), s) for s in specs], chunksize=64)
    return sum(counts)


# --- phases (each runs in its own child process) ---------------------------------------------


def _audio_files(root: Path) -> list[str]:
    out = []
    for directory, _dirs, names in os.walk(root):
        out.extend(
            os.path.join(directory, n) for n in names if n.rsplit(".", 1)[-1] in FORMAT_WEIGHTS
        )
    return sorted(out)


def phase_bare(root: str) -> dict:
    import mutagen

    files = _audio_files(Path(root))
    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        mutagen.File(path, easy=False)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "files": len(files),
    }


def phase_scan(root: str, url: str, workers: str = "0") -> dict:
    from library_pipeline.services.scan.service import ScanConfig, scan_library
    from library_pipeline.storage.engine import make_engine, session_scope

    engine = make_engine(url)
    started, cpu = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        config = ScanConfig(roots=[root], workers=int(workers) or None)
        result = asyncio.run(scan_library(session, config)).as_dict()
    seconds = time.perf_counter() - started
    engine.dispose()
    result.pop("issues")
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "result": result}


def run_phase(name: str, *args: str) -> dict:
    """Run a phase in a fresh interpreter; its JSON line plus its peak RSS."""
    command = [sys.executable, __file__, "--phase", name, *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _phase_main(name: str, args: list[str]) -> None:
    data = phase_bare(*args) if name == "bare" else phase_scan(*args)
    data["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(data))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="scan into PostgreSQL too")
    parser.add_argument("--keep", action="store_true", help="keep the generated tree")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of phases (best kept)")
    parser.add_argument(
        "--workers", type=int, default=0, help="tag-reading processes (0 = auto, 1 = none)"
    )
    parser.add_argument("--reuse", help="scan the tree of an earlier --keep run (not deleted)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.phase:
        _phase_main(args.phase, rest)
        return 0

    from library_pipeline.storage.engine import migrate

    if args.reuse:  # a tree kept by an earlier `--keep` run
        work = Path(args.reuse)
        root = work / "library"
        for old_db in work.glob("library-*.duckdb*"):
            old_db.unlink()
        print(f"reusing {root}")
    else:
        work = Path(tempfile.mkdtemp(prefix="library-pipeline-bench-scan-"))
        root = work / "library"
    try:
        if not args.reuse:
            started = time.perf_counter()
            files = generate(root, args.books, args.seed)
            seconds = time.perf_counter() - started
            print(f"generated {args.books} books, {files} files in {seconds:.1f} s")

        pg = None
        admin = None
        if args.postgres:
            from library_pipeline_tests.support.postgres import create_database, postgres_server

            pg = postgres_server()
            admin = pg.__enter__()

        def target_url(engine_name: str, round_no: int) -> str:
            if engine_name == "duckdb":
                return f"duckdb:///{work / f'library-{round_no}.duckdb'}"
            return create_database(admin, f"bench_scan_{round_no}")

        engines = ["duckdb", *(["postgres"] if args.postgres else [])]
        phase_bare(str(root))  # warm the page cache
        # The machine may be shared: alternate the phases and keep each one's best round.
        bare: list[dict] = []
        runs: dict[str, list[tuple[dict, dict]]] = {e: [] for e in engines}
        for round_no in range(args.rounds):
            bare.append(run_phase("bare", str(root)))
            for engine_name in engines:
                url = target_url(engine_name, round_no)
                migrate(url)
                full = run_phase("scan", str(root), url, str(args.workers))
                rescan = run_phase("scan", str(root), url, str(args.workers))
                runs[engine_name].append((full, rescan))
        bare.append(run_phase("bare", str(root)))
        if pg is not None:
            pg.__exit__(None, None, None)
        report = {
            e: (
                min((f for f, _ in pairs), key=lambda d: d["seconds"]),
                min((r for _, r in pairs), key=lambda d: d["seconds"]),
            )
            for e, pairs in runs.items()
        }

        bare_s = min(b["seconds"] for b in bare)
        print(f"\nfiles: {bare[0]['files']}  (mutagen {bare[0]['files'] / bare_s:,.0f} files/s)")
        bare_runs = ", ".join(f"{b['seconds']:.2f}" for b in bare)
        bare_cpu = min(b["cpu_seconds"] for b in bare)
        print(
            f"bare mutagen loop     : {bare_s:7.2f} s   cpu {bare_cpu:.2f} s"
            f"   peak {bare[0]['peak_rss_mb']:.0f} MB   (runs: {bare_runs} s)"
        )
        ok = True
        for engine_name, (full, rescan) in report.items():
            ratio = full["seconds"] / bare_s
            fraction = rescan["seconds"] / full["seconds"]
            r = full["result"]
            print(
                f"[{engine_name}] full scan     : {full['seconds']:7.2f} s   "
                f"ratio {ratio:.2f}x (goal <= {GOAL_FULL_RATIO}x)   "
                f"main-process cpu {full['cpu_seconds']:.2f} s   "
                f"peak {full['peak_rss_mb']:.0f} MB   "
                f"new {r['new']} books, {r['files_read']} files read, "
                f"{r['unreadable']} unreadable"
            )
            rr = rescan["result"]
            print(
                f"[{engine_name}] no-change re-scan: {rescan['seconds']:7.2f} s   "
                f"{fraction:.1%} of full (goal <= {GOAL_RESCAN_FRACTION:.0%})   "
                f"peak {rescan['peak_rss_mb']:.0f} MB   "
                f"unchanged {rr['unchanged']}, files read {rr['files_read']}"
            )
            ok &= ratio <= GOAL_FULL_RATIO and fraction <= GOAL_RESCAN_FRACTION
        if args.workers != 1:
            print("(peak = the main process; tag-reading workers add ~40 MB each)")
        print("\nall goals met" if ok else "\nsome goal missed")
        return 0 if ok else 1
    finally:
        if args.keep or args.reuse:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
