"""Import benchmark: placement by hardlink vs copy, and completion → import latency.

    .venv/bin/python bench/import.py                 # placement (2 GB) + latency (real daemon)
    .venv/bin/python bench/import.py --skip-latency  # placement only
    .venv/bin/python bench/import.py --size-gb 0.5 --skip-copy-real

Placement: a 12-file book of `--size-gb` in a download folder, placed into a library on the
same file system by hardlink, then by copy (`import_hardlink=false` path), each into a fresh
library. Sizes are made two ways: sparse (`os.truncate`, instant, but a copy of holes may be
cheap too) and real data (written bytes; the fair copy number). Hardlink time is also shown for
a 1/100 size book: it should not grow with size.

Latency: a real qbittorrent-nox, the stub Audiobookshelf and a real `dagster-daemon` (the
project's definitions and dagster.yaml, a temp DAGSTER_HOME); once the daemon is warm (its
sensor has ticked: the boot, code server start and first tick, is reported apart), torrents
whose data is present are added at spread phases of the tick cycle, and the time from each
completion (seen by polling qBittorrent) to the stub receiving the scan request (files placed,
rows imported) is reported beside the sensor interval (goal: the worst sample <= interval +
5 s), broken down: run created (sensor tick), run launched (run queue), step started (run
worker boot), scan requested. `--dequeue-interval` compares other run-queue intervals.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from library_pipeline.domain.import_plan import TorrentFile, plan_import  # noqa: E402
from library_pipeline.services.imports import place_book  # noqa: E402

BOOK_DIR = "Bench Author/Bench Series/Vol. 1 - Bench Book {Bench Narrator}"
FILES = 12
CHUNK = 8 * 1024 * 1024


def make_book(folder: Path, total_bytes: int, real: bool) -> list[TorrentFile]:
    folder.mkdir(parents=True, exist_ok=True)
    size = total_bytes // FILES
    files = []
    block = os.urandom(CHUNK) if real else b""
    for i in range(1, FILES + 1):
        path = folder / f"Chapter {i:02d}.mp3"
        if real:
            with path.open("wb") as out:
                left = size
                while left > 0:
                    n = min(left, CHUNK)
                    out.write(block[:n])
                    left -= n
                out.flush()
                os.fsync(out.fileno())
        else:
            with path.open("wb") as out:
                os.truncate(out.fileno(), size)
        files.append(TorrentFile(f"{folder.name}/{path.name}", size))
    return files


def time_placement(work: Path, save: Path, files: list[TorrentFile], hardlink: bool) -> dict:
    library = Path(tempfile.mkdtemp(prefix="library-", dir=work))
    plan = plan_import(files)
    started = time.perf_counter()
    placement = place_book(plan, save, library, BOOK_DIR, allow_hardlink=hardlink)
    seconds = time.perf_counter() - started
    shutil.rmtree(library)
    return {
        "mode": placement.mode,
        "bytes": placement.bytes,
        "seconds": round(seconds, 4),
        "mb_per_s": round(placement.bytes / 1e6 / seconds, 1) if seconds else None,
    }


def bench_placement(work: Path, size_gb: float, copy_real: bool) -> dict:
    total = int(size_gb * 1e9)
    results: dict = {"size_bytes": total, "files": FILES, "filesystem_dir": str(work)}
    sparse = work / "dl-sparse" / "Bench Book"
    files = make_book(sparse, total, real=False)
    small = work / "dl-small" / "Bench Book"
    small_files = make_book(small, total // 100, real=False)
    results["hardlink_small"] = time_placement(work, small.parent, small_files, True)
    results["hardlink_sparse"] = time_placement(work, sparse.parent, files, True)
    results["copy_sparse"] = time_placement(work, sparse.parent, files, False)
    shutil.rmtree(sparse.parent)
    if copy_real:
        real = work / "dl-real" / "Bench Book"
        t = time.perf_counter()
        files = make_book(real, total, real=True)
        results["write_real_data_seconds"] = round(time.perf_counter() - t, 2)
        results["hardlink_real"] = time_placement(work, real.parent, files, True)
        results["copy_real"] = time_placement(work, real.parent, files, False)
        shutil.rmtree(real.parent)
    return results


def bench_latency(work: Path, interval: int, runs: int, dequeue: int | None) -> dict:
    from library_pipeline_tests.imports.harness import measure_import_latency

    return measure_import_latency(work, interval=interval, runs=runs, dequeue_interval=dequeue)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--work-dir", type=Path, default=None, help="default: a temp dir in /tmp")
    parser.add_argument("--skip-copy-real", action="store_true")
    parser.add_argument("--skip-placement", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--interval", type=int, default=5, help="sensor interval (s)")
    parser.add_argument("--runs", type=int, default=5, help="torrents for the latency bench")
    parser.add_argument(
        "--dequeue-interval",
        type=int,
        action="append",
        default=None,
        help="run-queue dequeue interval(s) to compare (s); default: the project's dagster.yaml",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-", dir=args.work_dir))
    out: dict = {}
    ok = True
    try:
        if not args.skip_placement:
            out["placement"] = bench_placement(work, args.size_gb, not args.skip_copy_real)
            print(json.dumps(out["placement"], indent=2), flush=True)
        if not args.skip_latency:
            out["latency"] = []
            for dequeue in args.dequeue_interval or [None]:
                result = bench_latency(work, args.interval, args.runs, dequeue)
                out["latency"].append(result)
                print(json.dumps(result, indent=2), flush=True)
                worst, goal = result["max_completion_to_scan_s"], result["goal_s"]
                verdict = "OK" if worst is not None and worst <= goal else "OVER"
                print(
                    f"completion -> scan requested: worst {worst} s, mean "
                    f"{result['mean_completion_to_scan_s']} s over {args.runs} torrents "
                    f"(goal <= sensor interval {args.interval} s + 5 s: {verdict})",
                    flush=True,
                )
                ok = ok and verdict == "OK"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
