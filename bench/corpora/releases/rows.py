"""The entry format the release corpora share (`make_corpus.py`, `make_holdout.py`,
`make_holdout2.py` write it; `bench/releases.py` reads it): one labelled search result, the
wanted book, MAM's structured fields, and the JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MB_PER_MIB = 1.048576

# Indexers other than the default of a row's source (MyAnonamouse for MAM, AudioBookBay else).
ABB = {"indexer": "AudioBookBay"}
IPT = {"indexer": "IPTorrents"}
RUTRACKER = {"indexer": "RuTracker"}
TGX = {"indexer": "TorrentGalaxy"}
TL = {"indexer": "TorrentLeech"}
X1337 = {"indexer": "1337x"}
_DEFAULT_INDEXER = {"mam": "MyAnonamouse", "torznab": "Jackett"}


def mam(authors: str, narrators: str = "", series: tuple[str, str] | None = None,
        lang: str = "ENG", files: str = "m4b", tags: str = "") -> dict[str, Any]:  # fmt: skip
    """The structured fields a MAM search result carries beside its title."""
    return {
        "source": "mam",
        "authors": [a.strip() for a in authors.split(",")],
        "narrators": [n.strip() for n in narrators.split(",") if n.strip()],
        "series": [list(series)] if series else [],
        "language": lang,
        "file_types": files.split(),
        "tags": tags,
    }


def size_mb(size: Any, runtime: int) -> float:
    """An explicit "123MB" / "2.1GB", or a bitrate in kbps over the book's runtime (minutes),
    as a real encode of the book would be."""
    if isinstance(size, str):
        number = float(size[:-2])
        return number * 1024 if size.endswith("GB") else number
    return runtime * 60 * size / 8 / 1000 / MB_PER_MIB


def result_row(row: tuple[Any, ...], runtime: int, **derived: Any) -> dict[str, Any]:
    """One search result from `(name, size, seeders, label[, extra])`: `label` is "good"
    ("good*" = the one to grab) or the decoy kind; `derived` fields go before `extra`."""
    name, size, seeders, label = row[:4]
    extra = dict(row[4]) if len(row) > 4 else {}
    source = extra.pop("source", "mam" if "authors" in extra else "prowlarr")
    return {
        "title": name,
        "size_mb": round(size_mb(size, runtime), 1),
        "seeders": seeders,
        "source": source,
        "indexer": extra.pop("indexer", _DEFAULT_INDEXER.get(source, "AudioBookBay")),
        "acceptable": label.rstrip("*") == "good",
        "best": label.endswith("*"),
        "kind": label.rstrip("*"),
        **derived,
        **extra,
    }


def wanted(title: str, authors: str, series: str | None, position: str | None,
           runtime: int) -> dict[str, Any]:  # fmt: skip
    """The wanted book (authors joined by "&"), in English, with its expected runtime."""
    return {
        "title": title,
        "authors": [a.strip() for a in authors.split("&")],
        "series": series,
        "series_position": position,
        "language": "en",
        "narrators": [],
        "expected_runtime_minutes": runtime,
    }


def write_corpus(path: Path, about: str, books: list[dict[str, Any]]) -> None:
    path.write_text(
        json.dumps({"about": about, "books": books}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
