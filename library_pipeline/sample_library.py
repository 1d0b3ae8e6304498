"""A small, real sample library for a first run: real audio files (1 s of silence, shipped in
`sample_data/`) with real tags, laid out the way Audiobookshelf recommends.

It holds gaps on purpose (Red Rising #3, Mistborn #2) so the gap finder has something to show.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATES = Path(__file__).parent / "sample_data"


@dataclass(frozen=True)
class SampleBook:
    folder: str
    fmt: str
    title: str
    authors: tuple[str, ...]
    narrators: tuple[str, ...] = ()
    series: str | None = None
    position: str | None = None
    year: str | None = None
    asin: str | None = None
    files: int = 1
    extra: dict[str, str] = field(default_factory=dict)


SAMPLE_BOOKS: tuple[SampleBook, ...] = (
    SampleBook(
        "Pierce Brown/Red Rising/Vol. 1 - 2014 - Red Rising {Tim Gerard Reynolds}",
        "m4b", "Red Rising", ("Pierce Brown",), ("Tim Gerard Reynolds",), "Red Rising", "1",
        "2014", "B00I2VWW5U",
    ),
    SampleBook(
        "Pierce Brown/Red Rising/Vol. 2 - 2015 - Golden Son {Tim Gerard Reynolds}",
        "mp3", "Golden Son", ("Pierce Brown",), ("Tim Gerard Reynolds",), "Red Rising", "2",
        "2015", files=2,
    ),
    SampleBook(
        "Pierce Brown/Red Rising/Vol. 4 - 2018 - Iron Gold {Tim Gerard Reynolds}",
        "m4b", "Iron Gold", ("Pierce Brown",), ("Tim Gerard Reynolds",), "Red Rising", "4",
        "2018",
    ),
    SampleBook(
        "Brandon Sanderson/Mistborn/Vol 1 - 2006 - The Final Empire {Michael Kramer}",
        "m4b", "The Final Empire", ("Brandon Sanderson",), ("Michael Kramer",), "Mistborn", "1",
        "2006",
    ),
    SampleBook(
        "Brandon Sanderson/Mistborn/Vol 3 - 2008 - The Hero of Ages {Michael Kramer}",
        "flac", "The Hero of Ages", ("Brandon Sanderson",), ("Michael Kramer",), "Mistborn", "3",
        "2008",
    ),
    SampleBook(
        "Andy Weir/Project Hail Mary", "mp3", "Project Hail Mary", ("Andy Weir",), ("Ray Porter",),
        year="2021",
    ),
    SampleBook("Andy Weir/The Martian", "ogg", "The Martian", ("Andy Weir",), ("R.C. Bray",),
               year="2014"),
    SampleBook(
        "Terry Pratchett/Discworld/Book 2 - 1986 - The Light Fantastic {Nigel Planer}",
        "mp3", "The Light Fantastic", ("Terry Pratchett",), ("Nigel Planer",), "Discworld", "2",
        "1986", files=3,
    ),
    SampleBook(
        "Martha Wells/The Murderbot Diaries/Vol. 1 - All Systems Red",
        "opus", "All Systems Red", ("Martha Wells",), ("Kevin R. Free",), "The Murderbot Diaries",
        "1", "2017",
    ),
)  # fmt: skip


def template_for(fmt: str) -> Path:
    """The shipped 1-second audio file for a format (m4a shares the MP4 template)."""
    name = "m4b" if fmt == "m4a" else fmt
    return TEMPLATES / f"template.{name}"


def tag_sample(path: Path, book: SampleBook, track: int = 1, total: int = 1) -> None:
    """Tag one file of a sample book (chapters are titled "Title N")."""
    from library_pipeline.audio_tags import write_tags  # mutagen: only when books are written

    write_tags(
        path,
        title=book.title if total == 1 else f"{book.title} {track}",
        album=book.title,
        author="; ".join(book.authors),
        album_artist="; ".join(book.authors),
        narrator="; ".join(book.narrators) or None,
        series=book.series,
        position=book.position,
        asin=book.asin,
        year=book.year,
        track=track,
        total_tracks=total,
    )


def make_book(root: Path, book: SampleBook) -> list[Path]:
    """Write one sample book's files under `root`; returns their paths."""
    folder = root / book.folder
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for track in range(1, book.files + 1):
        name = book.title if book.files == 1 else f"{track:02d} - {book.title}"
        path = folder / f"{name}.{book.fmt}"
        shutil.copyfile(template_for(book.fmt), path)
        tag_sample(path, book, track, book.files)
        paths.append(path)
    return paths


# Marks a folder as the sample library: with it, the gap catalogue uses the offline sample
# catalogue (clients/sample_catalogue.py) instead of the internet's providers.
SAMPLE_MARKER = ".library-pipeline-sample"


def create_sample_library(root: Path) -> Path:
    """Create the sample library under `root` (idempotent: existing books are left alone)."""
    root.mkdir(parents=True, exist_ok=True)
    for book in SAMPLE_BOOKS:
        if not (root / book.folder).exists():
            make_book(root, book)
    (root / SAMPLE_MARKER).write_text(
        "The library_pipeline sample library (created because no library was configured).\n",
        encoding="utf-8",
    )
    return root


def is_sample_library(roots: list[Path] | list[str]) -> bool:
    """Whether the configured library is the sample library (and only it)."""
    return bool(roots) and all((Path(root) / SAMPLE_MARKER).is_file() for root in roots)
