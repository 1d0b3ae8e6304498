"""Accuracy of the library scan's book records on a labelled corpus of real-world library styles.

    .venv/bin/python bench/library_records.py [--failures 40] [--kind libation] [--keep]
        [--corpus bench/corpora/library/holdout/entries.json]

Materialises `bench/corpora/library/entries.json` (352 book folders and tag sets: Libation,
OpenAudible and inAudible downloads, Mp3tag "Audible" set-ups, MAM uploads, Audiobookshelf's
documented folder names, hand-made folders, credits, positions, subtitles, discs, CJK; see
`bench/corpora/library/write_entries.py`) as real audio files (copies of
`library_pipeline/sample_data/template.*`) with real tags written by mutagen, under a temporary
library root; runs the project's scan into a temporary DuckDB; reads the stored books and prints,
per field (title clean, series, position, authors exactly, narrators) and per kind of case, the
scan's accuracy beside a folder-name-only reference measured in the same run (the project's
folder-name parser on each book's relative path, no tags). Then the first `--failures` wrong
entries, expected vs got, so classes of mistakes can be fixed.

Goal: every field >= 0.98 overall and never below the folder-only reference.
How a value is compared: titles exactly (whitespace and curly quotes aside; an entry may accept
a second clean form, e.g. with its real subtitle); series by the project's series identity
(`normalize.series_key`: "The Dresden Files" = "Dresden Files"); positions as numbers ("03" =
"3"); authors as the exact list in order ("Jr." with or without its comma; an entry may accept
other author lists); narrators as a set.

Entry extensions used by the held-out corpus (`bench/corpora/library/holdout/`): a tag value may
be a list (a multi-valued tag); `id3_version: 3` saves an entry's mp3 tags as ID3v2.3; files that
are not audio (epub, pdf, jpg, opf…) are written as small placeholder files; `expect: null`
marks a folder that is not an audiobook (right = no stored book; the folder-only reference,
which cannot see files, counts as wrong there).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import json
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "bench" / "corpora" / "library" / "entries.json"
TEMPLATES = ROOT / "library_pipeline" / "sample_data"
FIELDS = ("title", "series", "position", "authors", "narrators")
GOAL = 0.98

# --- tags: one tag kind → each format's key ----------------------------------------------------

_ITUNES = "----:com.apple.iTunes:"
MP4_KEYS = {
    "title": "©nam", "album": "©alb", "artist": "©ART", "album_artist": "aART",
    "composer": "©wrt", "narrator": "©nrt", "grouping": "©grp", "content_group": "©grp",
    "series": _ITUNES + "SERIES", "series_part": _ITUNES + "SERIES-PART",
    "movement_name": "©mvn", "movement": "©mvi", "asin": _ITUNES + "ASIN", "year": "©day",
    "subtitle": _ITUNES + "SUBTITLE", "track": "trkn", "disc": "disk", "genre": "©gen",
    "comment": "©cmt", "publisher": _ITUNES + "PUBLISHER",
}  # fmt: skip
ID3_FRAMES = {
    "title": "TIT2", "album": "TALB", "artist": "TPE1", "album_artist": "TPE2",
    "composer": "TCOM", "narrator": "TXXX:NARRATOR", "grouping": "GRP1",
    "content_group": "TIT1", "series": "TXXX:SERIES", "series_part": "TXXX:SERIES-PART",
    "movement_name": "MVNM", "movement": "MVIN", "asin": "TXXX:ASIN", "year": "TDRC",
    "subtitle": "TIT3", "track": "TRCK", "disc": "TPOS", "genre": "TCON", "comment": "COMM",
    "publisher": "TPUB",
}  # fmt: skip
VORBIS_KEYS = {
    "title": "TITLE", "album": "ALBUM", "artist": "ARTIST", "album_artist": "ALBUMARTIST",
    "composer": "COMPOSER", "narrator": "NARRATOR", "grouping": "GROUPING",
    "content_group": "CONTENTGROUP", "series": "SERIES", "series_part": "SERIES-PART",
    "movement_name": "MOVEMENTNAME", "movement": "MOVEMENT", "asin": "ASIN", "year": "DATE",
    "subtitle": "SUBTITLE", "track": "TRACKNUMBER", "disc": "DISCNUMBER", "genre": "GENRE",
    "comment": "COMMENT", "publisher": "PUBLISHER",
}  # fmt: skip


def _pair(value: str) -> tuple[int, int]:
    number, _, total = value.partition("/")
    return int(number), int(total or 0)


def _values(value: str | list[str]) -> list[str]:
    """A tag's values: a list is a multi-valued tag."""
    return list(value) if isinstance(value, list) else [value]


def write_mp4(path: Path, tags: Mapping[str, Any]) -> None:
    mp4: Any = importlib.import_module("mutagen.mp4")  # untyped library: called through Any
    audio = mp4.MP4(path)
    if audio.tags is None:
        audio.add_tags()
    assert audio.tags is not None
    for kind, value in tags.items():
        key = MP4_KEYS[kind]
        values = _values(value)
        if key.startswith("----:"):
            audio.tags[key] = [mp4.MP4FreeForm(v.encode()) for v in values]
        elif key in ("trkn", "disk"):
            audio.tags[key] = [_pair(values[0])]
        elif key == "©mvi":  # an integer atom: "3.5" cannot be stored, as in real files
            audio.tags[key] = [int(float(values[0]))]
        else:
            audio.tags[key] = values
    audio.save()


def write_id3(path: Path, tags: Mapping[str, Any], v2_version: int = 4) -> None:
    id3: Any = importlib.import_module("mutagen.id3")
    try:
        frames = id3.ID3(path)
    except id3.ID3NoHeaderError:
        frames = id3.ID3()
    for kind, value in tags.items():
        name, values = ID3_FRAMES[kind], _values(value)
        if name.startswith("TXXX:"):
            frames.add(id3.TXXX(encoding=3, desc=name[5:], text=values))
        elif name == "COMM":
            frames.add(id3.COMM(encoding=3, lang="eng", desc="", text=values))
        else:
            frames.add(getattr(id3, name)(encoding=3, text=values))
    # v2.3: TDRC is saved as TYER and several values of one frame are joined by "/"
    frames.save(path, v2_version=v2_version)


def write_vorbis(path: Path, tags: Mapping[str, Any]) -> None:
    mutagen: Any = importlib.import_module("mutagen")
    audio = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    for kind, value in tags.items():
        audio.tags[VORBIS_KEYS[kind]] = _values(value)
    audio.save()


WRITERS: dict[str, Callable[[Path, Mapping[str, Any]], None]] = {
    "m4b": write_mp4, "m4a": write_mp4, "mp3": write_id3,
    "flac": write_vorbis, "ogg": write_vorbis, "opus": write_vorbis,
}  # fmt: skip


def materialise(root: Path, entries: Sequence[Mapping[str, Any]]) -> int:
    """Write every entry's files (template copies, tagged) under `root`; returns the count."""
    count = 0
    for entry in entries:
        book = root / entry["path"]
        for spec in entry["files"]:
            target = book if entry.get("root_file") else book / spec["name"]
            target.parent.mkdir(parents=True, exist_ok=True)
            fmt = target.suffix.lower().lstrip(".")
            count += 1
            if fmt not in WRITERS:  # an ebook, a cover, an .opf: not audio
                target.write_bytes(f"placeholder {fmt} file\n".encode())
                continue
            template = TEMPLATES / f"template.{'m4b' if fmt == 'm4a' else fmt}"
            shutil.copyfile(template, target)
            if fmt == "mp3" and entry.get("id3_version") == 3:
                write_id3(target, spec["tags"], v2_version=3)
            elif spec["tags"]:
                WRITERS[fmt](target, spec["tags"])
    return count


# --- the two readers: the scan, and the folder names alone ------------------------------------


def _project_function(modules: Iterable[str], name: str) -> Callable[..., Any]:
    """`name` from the first of `modules` that has it (the scan is being reorganised)."""
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, name):
            return getattr(module, name)
    raise ImportError(f"{name} not found in any of {list(modules)}")


def _scan_arguments(modules: Iterable[str], root: Path) -> Any:
    """`ScanConfig(roots=[root])` where the scan takes a config, else the list of roots."""
    try:
        config_class = _project_function(modules, "ScanConfig")
    except ImportError:
        return [str(root)]
    return config_class(roots=[str(root)])


def _as_dict(result: Any) -> dict[str, Any]:
    """The scan's result as a dict (a dict already, or a dataclass)."""
    if isinstance(result, dict):
        return result
    as_dict = getattr(result, "as_dict", None)
    return dict(as_dict()) if callable(as_dict) else dataclasses.asdict(result)


def scan_records(root: Path, workdir: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Scan `root` into a fresh DuckDB; the stored books by relative path, and the result."""
    from sqlalchemy import select

    from library_pipeline.storage.engine import make_engine, migrate, session_scope
    from library_pipeline.storage.models import Book

    modules = (
        "library_pipeline.services.scan.service",
        "library_pipeline.services.scan",
        "library_pipeline.services.library_scan",
    )
    scan_library = _project_function(modules, "scan_library")
    url = f"duckdb:///{workdir / 'library.duckdb'}"
    migrate(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            result = _as_dict(asyncio.run(scan_library(session, _scan_arguments(modules, root))))
            prefix = f"{root}/"
            books = {
                book.path.removeprefix(prefix): {
                    "title": book.title,
                    "series": book.series,
                    "position": book.series_position,
                    "authors": list(book.authors or []),
                    "narrators": list(book.narrators or []),
                    "source": dict(book.metadata_source or {}),
                }
                for book in session.scalars(select(Book).where(Book.status == "active"))
            }
    finally:
        engine.dispose()
    return books, result


def folder_records(entries: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """What the project's folder-name parser alone makes of each entry's relative path."""
    parse_book_folder = _project_function(
        ("library_pipeline.domain.folder_names",), "parse_book_folder"
    )
    out = {}
    for entry in entries:
        parts = entry["path"].split("/")
        if entry.get("root_file"):
            parts = [Path(parts[-1]).stem]
        meta = parse_book_folder(parts)
        out[entry["path"]] = {
            "title": meta.title,
            "series": meta.series,
            "position": meta.series_position,
            "authors": list(meta.authors),
            "narrators": list(meta.narrators),
        }
    return out


# --- comparing ---------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SUFFIX_COMMA = re.compile(r",\s*(Jr\.?|Sr\.?|Jnr\.?|Snr\.?|II|III|IV|PhD|MD)$")


def text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).translate(_QUOTES).split())


def person(name: str) -> str:
    return _SUFFIX_COMMA.sub(r" \1", text(name))


def number(value: Any) -> float | str | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return text(value)


def field_ok(name: str, expected: Mapping[str, Any], got: Mapping[str, Any] | None) -> bool:
    """Whether `got` (a stored or parsed book) holds the labelled value of field `name`."""
    if got is None:
        return False
    want, have = expected[name], got.get(name)
    if name == "title":
        accepted = {text(t) for t in [want, *expected.get("accept_titles", [])]}
        return have is not None and text(have) in accepted
    if name == "series":
        if want is None or have is None:
            return want is None and (have is None or not str(have).strip())
        from library_pipeline.domain.normalize import series_key

        return bool(series_key(want) == series_key(have))
    if name == "position":
        return number(want) == number(have)
    if name == "authors":
        names = [person(a) for a in have or []]
        return any(
            [person(a) for a in option] == names
            for option in [want, *expected.get("accept_authors", [])]
        )
    return sorted(person(n) for n in want) == sorted(person(n) for n in have or [])


@dataclass
class Tally:
    """Right answers per field, for one kind of case."""

    entries: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    def add(self, oks: Mapping[str, bool]) -> None:
        self.entries += 1
        for name, ok in oks.items():
            self.right[name] += ok

    def rate(self, name: str) -> float:
        return self.right[name] / self.entries if self.entries else 0.0


@dataclass
class Report:
    scan: dict[str, Tally]  # kind ("all", a kind, "+secondary") → tally
    reference: dict[str, Tally]
    failures: list[tuple[Mapping[str, Any], dict[str, Any] | None, list[str]]]
    missing: list[str]
    extra: list[str] = field(default_factory=list)  # stored books at no entry's path

    def overall(self, name: str) -> tuple[float, float]:
        return self.scan["all"].rate(name), self.reference["all"].rate(name)

    def goal_met(self) -> bool:
        return all(s >= GOAL and s >= r for s, r in (self.overall(n) for n in FIELDS))


def score(
    entries: Sequence[Mapping[str, Any]],
    scanned: Mapping[str, dict[str, Any]],
    folders: Mapping[str, dict[str, Any]],
) -> Report:
    scan: dict[str, Tally] = defaultdict(Tally)
    reference: dict[str, Tally] = defaultdict(Tally)
    failures = []
    missing = []
    for entry in entries:
        got = scanned.get(entry["path"])
        if entry["expect"] is None:  # not an audiobook: right when nothing is stored
            oks = dict.fromkeys(FIELDS, got is None)
            ref_oks = dict.fromkeys(FIELDS, False)
        else:
            if got is None:
                missing.append(entry["path"])
            oks = {n: field_ok(n, entry["expect"], got) for n in FIELDS}
            ref_oks = {n: field_ok(n, entry["expect"], folders[entry["path"]]) for n in FIELDS}
        for kind in ("all", entry["kind"], *(f"+{k}" for k in entry.get("also", []))):
            scan[kind].add(oks)
            reference[kind].add(ref_oks)
        wrong = [n for n in FIELDS if not oks[n]]
        if wrong:
            failures.append((entry, got, wrong))
    paths = {entry["path"] for entry in entries}
    extra = sorted(path for path in scanned if path not in paths)
    return Report(dict(scan), dict(reference), failures, missing, extra)


def measure(entries: Sequence[Mapping[str, Any]], workdir: Path) -> tuple[Report, dict[str, Any]]:
    """Materialise, scan and score `entries` in `workdir`; the report and the scan's result."""
    root = workdir / "library"
    materialise(root, entries)
    scanned, result = scan_records(root, workdir)
    return score(entries, scanned, folder_records(entries)), result


def load_entries(kind: str | None = None, corpus: Path = CORPUS) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(corpus.read_text(encoding="utf-8"))
    if kind:
        entries = [e for e in entries if e["kind"] == kind or kind in e.get("also", [])]
    return entries


# --- printing ----------------------------------------------------------------------------------


def _row(label: str, report: Report, kind: str) -> str:
    scan, ref = report.scan[kind], report.reference[kind]
    cells = []
    for name in FIELDS:
        s, r = scan.rate(name), ref.rate(name)
        flag = "!" if s < r else " "
        cells.append(f"{s:5.3f}{flag}/{r:5.3f}")
    return f"{label:<20} {scan.entries:>4}  " + "  ".join(cells)


def print_table(report: Report) -> None:
    header = "  ".join(f"{n:^12}" for n in FIELDS)
    print(f"\n{'kind':<20} {'n':>4}  {header}")
    print(f"{'':<20} {'':>4}  " + "  ".join(f"{'scan / ref':^12}" for _ in FIELDS))
    print(_row("all", report, "all"))
    kinds = sorted(k for k in report.scan if k != "all" and not k.startswith("+"))
    for kind in kinds:
        print(_row(kind, report, kind))
    for kind in sorted(k for k in report.scan if k.startswith("+")):
        print(_row(kind, report, kind))
    print("('!' = below the folder-only reference; '+kind' = entries that also are that kind)")


def _shown(name: str, record: Mapping[str, Any] | None) -> str:
    if record is None:
        return "(no book stored)"
    value = record.get(name)
    source = record.get("source", {}).get("series_position" if name == "position" else name)
    return f"{value!r}" + (f" [{source}]" if source else "")


def print_failures(report: Report, limit: int) -> None:
    print(f"\nwrong entries: {len(report.failures)} (first {min(limit, len(report.failures))})")
    for entry, got, wrong in report.failures[:limit]:
        print(f"- {entry['id']} {entry['kind']}: {entry['path']}")
        if entry["expect"] is None:
            print(f"    not an audiobook; got a stored book {got and got.get('title')!r}")
            continue
        for name in wrong:
            print(f"    {name:<9} want {entry['expect'][name]!r}  got {_shown(name, got)}")


def print_goal(report: Report) -> None:
    print()
    for name in FIELDS:
        s, r = report.overall(name)
        verdict = "ok" if s >= GOAL and s >= r else "MISSED"
        print(f"{name:<10} scan {s:.3f}  folder-only {r:.3f}  goal >= {GOAL} and >= ref: {verdict}")
    print("\nall goals met" if report.goal_met() else "\nsome goal missed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", type=int, default=40, help="wrong entries to print")
    parser.add_argument(
        "--kind",
        help="only entries of this kind (primary or secondary); library-wide rules (a narrator "
        "known from the library's other books) then see less of the library",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated library")
    parser.add_argument(
        "--corpus", type=Path, default=CORPUS, help="entries.json to run (default: main corpus)"
    )
    args = parser.parse_args()

    entries = load_entries(args.kind, args.corpus)
    work = Path(tempfile.mkdtemp(prefix="library-pipeline-bench-records-"))
    try:
        started = time.perf_counter()
        report, result = measure(entries, work)
        seconds = time.perf_counter() - started
        files = sum(len(e["files"]) for e in entries)
        print(
            f"{len(entries)} book folders, {files} files; scan stored {result['total_books']} "
            f"books, {len(result['issues'])} issues, {seconds:.1f} s (write + scan + score)"
        )
        if report.missing:
            print(f"entries with no stored book: {len(report.missing)}: {report.missing[:5]}")
        if report.extra:
            print(f"stored books at no entry's path: {len(report.extra)}: {report.extra[:5]}")
        print_table(report)
        print_failures(report, args.failures)
        print_goal(report)
        return 0 if report.goal_met() else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
