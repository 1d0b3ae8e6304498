"""A small, real sample library for a first run: real audio files (1 s of silence, shipped in
`sample_data/`) with real tags, laid out the way Audiobookshelf recommends.

It holds gaps on purpose (Red Rising #3, Mistborn #2) so the gap finder has something to show.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mutagen.flac import FLAC
from mutagen.id3 import ID3, TALB, TCOM, TDRC, TIT2, TPE1, TPE2, TRCK, TXXX, ID3NoHeaderError
from mutagen.mp4 import MP4, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

TEMPLATES = Path(__file__).parent / "sample_data"
FORMATS = ("mp3", "m4b", "m4a", "flac", "ogg", "opus")


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
               year="2014"),  # fmt: skip
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


def write_tags(path: Path, book: SampleBook, track: int = 1, total: int = 1) -> None:
    """Tag `path` the way popular taggers do for its format."""
    suffix = path.suffix.lower().lstrip(".")
    authors = "; ".join(book.authors)
    narrators = "; ".join(book.narrators)
    if suffix == "mp3":
        try:
            tags = ID3(path)
        except ID3NoHeaderError:
            tags = ID3()
        tags.add(TIT2(encoding=3, text=book.title if total == 1 else f"{book.title} {track}"))
        tags.add(TALB(encoding=3, text=book.title))
        tags.add(TPE1(encoding=3, text=authors))
        tags.add(TPE2(encoding=3, text=authors))
        tags.add(TRCK(encoding=3, text=f"{track}/{total}"))
        if narrators:
            tags.add(TCOM(encoding=3, text=narrators))
            tags.add(TXXX(encoding=3, desc="NARRATOR", text=narrators))
        if book.series:
            tags.add(TXXX(encoding=3, desc="SERIES", text=book.series))
            tags.add(TXXX(encoding=3, desc="SERIES-PART", text=book.position or ""))
        if book.year:
            tags.add(TDRC(encoding=3, text=book.year))
        if book.asin:
            tags.add(TXXX(encoding=3, desc="ASIN", text=book.asin))
        tags.save(path)
    elif suffix in ("m4b", "m4a"):
        mp4 = MP4(path)
        mp4["©nam"] = [book.title]
        mp4["©alb"] = [book.title]
        mp4["©ART"] = [authors]
        mp4["aART"] = [authors]
        mp4["trkn"] = [(track, total)]
        if narrators:
            mp4["©nrt"] = [narrators]
            mp4["©wrt"] = [narrators]
        if book.series:
            mp4["©mvn"] = [book.series]
            mp4["----:com.apple.iTunes:SERIES"] = [MP4FreeForm(book.series.encode())]
            if book.position and book.position.isdigit():
                mp4["©mvi"] = [int(book.position)]
        if book.year:
            mp4["©day"] = [book.year]
        if book.asin:
            mp4["----:com.apple.iTunes:ASIN"] = [MP4FreeForm(book.asin.encode())]
        mp4.save()
    elif suffix in ("flac", "ogg", "opus"):
        audio = {"flac": FLAC, "ogg": OggVorbis, "opus": OggOpus}[suffix](path)
        audio["TITLE"] = book.title
        audio["ALBUM"] = book.title
        audio["ARTIST"] = list(book.authors)
        audio["ALBUMARTIST"] = list(book.authors)
        audio["TRACKNUMBER"] = str(track)
        if narrators:
            audio["NARRATOR"] = list(book.narrators)
            audio["COMPOSER"] = list(book.narrators)
        if book.series:
            audio["SERIES"] = book.series
            audio["SERIES-PART"] = book.position or ""
        if book.year:
            audio["DATE"] = book.year
        if book.asin:
            audio["ASIN"] = book.asin
        audio.save()
    else:
        raise ValueError(f"unsupported audio format: {suffix}")


def make_book(root: Path, book: SampleBook) -> list[Path]:
    """Write one sample book's files under `root`; returns their paths."""
    folder = root / book.folder
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for track in range(1, book.files + 1):
        name = book.title if book.files == 1 else f"{track:02d} - {book.title}"
        path = folder / f"{name}.{book.fmt}"
        shutil.copyfile(template_for(book.fmt), path)
        write_tags(path, book, track, book.files)
        paths.append(path)
    return paths


def create_sample_library(root: Path) -> Path:
    """Create the sample library under `root` (idempotent: existing books are left alone)."""
    root.mkdir(parents=True, exist_ok=True)
    for book in SAMPLE_BOOKS:
        if not (root / book.folder).exists():
            make_book(root, book)
    return root
