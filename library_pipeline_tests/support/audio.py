"""Real, small, tagged audio files for tests and benchmarks (tags: library_pipeline.audio_tags).

Templates (1 s of a 440 Hz tone, mono) are encoded once per machine with ffmpeg into a cache
folder under the temp dir, one per format: m4b, m4a (AAC in MP4), mp3 (LAME), flac, ogg
(Vorbis), opus. Every file a test asks for is a copy of a template, tagged with mutagen the way
real audiobook tools tag them. API:

    make_book(dir, "m4b", title="The Final Empire", author="Brandon Sanderson",
              narrator="Michael Kramer", series="Mistborn", position="1", asin="B002UZMLXM",
              files=1)                       -> [Path, ...]  (files > 1: "01 - Title.m4b", ...)
    make_audio_file(path, title=..., ...)   -> Path   (format from the extension)
    write_tags(path, title=..., ...)        -> Path   (retag an existing file)
    corrupt(path, "zero" | "truncated" | "garbage" | "text") -> Path
    template(fmt) -> Path                   (the untagged template; never modify it)

Tag styles: `series_style` "tags" (`----:com.apple.iTunes:SERIES`/`TXXX:SERIES`/`SERIES` +
`…SERIES-PART`), "movement" (`©mvn`/`©mvi`, `MVNM`/`MVIN`), "grouping" (`©grp`/`GRP1`/`GROUPING`
= "Series #2"); `narrator_style` "composer" (`©wrt`/`TCOM`/`COMPOSER`, what Audiobookshelf
reads) or "narrator" (`©nrt`/`TXXX:NARRATOR`/`NARRATOR`).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import mutagen

from library_pipeline.audio_tags import FORMATS, audio_format, write_tags

TEMPLATE_DIR = Path(tempfile.gettempdir()) / "library-pipeline-audio-templates-v1"

_ENCODERS = {
    "m4b": ["-c:a", "aac", "-b:a", "32k"],
    "m4a": ["-c:a", "aac", "-b:a", "32k"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "32k"],
    "flac": ["-c:a", "flac"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "0"],
    "opus": ["-c:a", "libopus", "-b:a", "16k"],
}


class AudioToolMissing(RuntimeError):
    """ffmpeg is not installed, so no template can be made."""


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg") or (
        "/usr/bin/ffmpeg" if Path("/usr/bin/ffmpeg").exists() else None
    )


@cache
def template(fmt: str, seconds: int = 1) -> Path:
    """The untagged template of `fmt` (encoded on first use, then cached on disk)."""
    if fmt not in _ENCODERS:
        raise ValueError(f"unknown format {fmt!r}; one of {FORMATS}")
    target = TEMPLATE_DIR / f"tone-{seconds}s.{fmt}"
    if target.exists() and target.stat().st_size > 0 and mutagen.File(target) is not None:
        return target
    ffmpeg = ffmpeg_path()
    if ffmpeg is None:
        raise AudioToolMissing("ffmpeg not found (apt-get install ffmpeg)")
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    rate = 48000 if fmt == "opus" else 22050
    partial = TEMPLATE_DIR / f".partial-{os.getpid()}-{seconds}s.{fmt}"
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency=440:duration={seconds}:sample_rate={rate}", "-ac", "1",
         *_ENCODERS[fmt], "-map_metadata", "-1", str(partial)],
        check=True, capture_output=True,
    )  # fmt: skip
    os.replace(partial, target)
    return target


def all_templates() -> dict[str, Path]:
    """Every format's template (encodes the missing ones)."""
    return {fmt: template(fmt) for fmt in FORMATS}


def make_audio_file(
    path: str | os.PathLike[str], *, tagged: bool = True, seconds: int = 1, **tags: object
) -> Path:
    """A copy of the template for `path`'s extension, tagged with `tags` (see `write_tags`)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template(audio_format(target), seconds), target)
    if tagged and tags:
        write_tags(target, **tags)  # type: ignore[arg-type]
    return target


def make_book(
    directory: str | os.PathLike[str],
    fmt: str = "m4b",
    *,
    title: str | None = None,
    author: str | None = None,
    narrator: str | None = None,
    series: str | None = None,
    position: str | int | float | None = None,
    asin: str | None = None,
    isbn: str | None = None,
    year: str | int | None = None,
    language: str | None = None,
    genre: str | None = None,
    publisher: str | None = None,
    files: int = 1,
    tagged: bool = True,
    file_stem: str | None = None,
    series_style: str = "tags",
    narrator_style: str = "composer",
    extra: Mapping[str, str] | None = None,
) -> list[Path]:
    """A book folder `directory` holding `files` real `fmt` files with the given tags.

    One file: `<title>.<fmt>` tagged title = album = `title`. Several: `01 - <title>.<fmt>`, …
    tagged album = `title`, title = "Part N", track N/total (like a ripped multi-file book).
    `tagged=False` leaves the files untagged (the folder names must speak for them).
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stem = (file_stem or title or folder.name).replace("/", "-")
    paths = []
    for index in range(1, files + 1):
        name = f"{stem}.{fmt}" if files == 1 else f"{index:02d} - {stem}.{fmt}"
        target = make_audio_file(folder / name, tagged=False)
        if tagged:
            write_tags(
                target,
                title=title if files == 1 else f"Part {index}",
                album=title,
                author=author,
                album_artist=author,
                narrator=narrator,
                series=series,
                position=position,
                asin=asin,
                isbn=isbn,
                year=year,
                language=language,
                genre=genre,
                publisher=publisher,
                track=index if files > 1 else None,
                total_tracks=files if files > 1 else None,
                series_style=series_style,
                narrator_style=narrator_style,
                extra=extra,
            )
        paths.append(target)
    return paths


def corrupt(path: str | os.PathLike[str], kind: str) -> Path:
    """Damage a file the ways real libraries are damaged.

    "zero": empty; "truncated": only its first 48 bytes; "garbage": same size, random bytes;
    "text": a text file (keeps its audio extension).
    """
    target = Path(path)
    if kind == "zero":
        target.write_bytes(b"")
    elif kind == "truncated":
        target.write_bytes(target.read_bytes()[:48])
    elif kind == "garbage":
        size = max(target.stat().st_size, 4096) if target.exists() else 4096
        target.write_bytes(random.Random(size).randbytes(size))
    elif kind == "text":
        target.write_text("This is not audio. It is a text file with an audio extension.\n" * 40)
    else:
        raise ValueError(f"unknown corruption {kind!r}")
    return target
