"""Writes real audiobook tags into audio files with mutagen, the way popular tools do.

Used by the sample library (`scripts/run`'s first run), the tests and the benchmarks, so every
generated file is tagged by one writer. Formats: m4b/m4a (MP4 atoms), mp3 (ID3v2), flac, ogg,
opus (Vorbis comments).

Tag styles: `series_style` "tags" (`----:com.apple.iTunes:SERIES`/`TXXX:SERIES`/`SERIES` +
`…SERIES-PART`), "movement" (`©mvn`/`©mvi`, `MVNM`/`MVIN`), "grouping" (`©grp`/`GRP1`/`GROUPING`
= "Series #2"); `narrator_style` "composer" (`©wrt`/`TCOM`/`COMPOSER`, what Audiobookshelf
reads) or "narrator" (`©nrt`/`TXXX:NARRATOR`/`NARRATOR`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mutagen
import mutagen.id3
import mutagen.mp4

# Mutagen's writers are untyped: held as Any, so calling them is not an untyped call.
_id3: Any = mutagen.id3
GRP1, ID3, MVIN, MVNM, TXXX, TCOM = _id3.GRP1, _id3.ID3, _id3.MVIN, _id3.MVNM, _id3.TXXX, _id3.TCOM
TALB, TCON, TDRC, TIT2, TLAN = _id3.TALB, _id3.TCON, _id3.TDRC, _id3.TIT2, _id3.TLAN
TPE1, TPE2, TPUB, TRCK = _id3.TPE1, _id3.TPE2, _id3.TPUB, _id3.TRCK
MP4: Any = mutagen.mp4.MP4
MP4FreeForm: Any = mutagen.mp4.MP4FreeForm
_open: Any = mutagen.File

FORMATS = ("m4b", "m4a", "mp3", "flac", "ogg", "opus")
_ITUNES = "----:com.apple.iTunes:"


def audio_format(path: Path) -> str:
    """The format of `path` from its extension; ValueError for anything else."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{path}: not one of {FORMATS}")
    return fmt


def _fields(
    *,
    title: str | None,
    album: str | None,
    author: str | None,
    album_artist: str | None,
    narrator: str | None,
    series: str | None,
    position: str | None,
    asin: str | None,
    isbn: str | None,
    year: str | None,
    language: str | None,
    genre: str | None,
    publisher: str | None,
    track: int | None,
    total_tracks: int | None,
    series_style: str,
    narrator_style: str,
) -> dict[str, str | None]:
    """The abstract tags to write (`None` = leave unset)."""
    return {
        "title": title,
        "album": album,
        "author": author,
        "album_artist": album_artist,
        "narrator": narrator,
        "series": series,
        "position": position,
        "asin": asin,
        "isbn": isbn,
        "year": year,
        "language": language,
        "genre": genre,
        "publisher": publisher,
        "track": None
        if track is None
        else (f"{track}/{total_tracks}" if total_tracks else str(track)),
        "series_style": series_style,
        "narrator_style": narrator_style,
    }


def _write_mp4(path: Path, f: Mapping[str, str | None], extra: Mapping[str, str]) -> None:
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    tags = audio.tags
    assert tags is not None
    simple = {"title": "©nam", "album": "©alb", "author": "©ART", "album_artist": "aART",
              "year": "©day", "genre": "©gen"}  # fmt: skip
    for name, key in simple.items():
        if f[name]:
            tags[key] = [f[name]]
    if f["narrator"]:
        tags["©nrt" if f["narrator_style"] == "narrator" else "©wrt"] = [f["narrator"]]
    for name, key in (("asin", "ASIN"), ("isbn", "ISBN"), ("language", "LANGUAGE"),
                      ("publisher", "PUBLISHER")):  # fmt: skip
        value = f[name]
        if value:
            tags[_ITUNES + key] = [MP4FreeForm(value.encode())]
    if f["series"]:
        if f["series_style"] == "grouping":
            tags["©grp"] = [f"{f['series']} #{f['position']}" if f["position"] else f["series"]]
        elif f["series_style"] == "movement":
            tags["©mvn"] = [f["series"]]
            if f["position"]:
                tags["©mvi"] = [int(float(f["position"]))]
        else:
            tags[_ITUNES + "SERIES"] = [MP4FreeForm(f["series"].encode())]
            if f["position"]:
                tags[_ITUNES + "SERIES-PART"] = [MP4FreeForm(f["position"].encode())]
    if f["track"]:
        number, _, total = f["track"].partition("/")
        tags["trkn"] = [(int(number), int(total or 0))]
    for key, value in extra.items():
        tags[key] = [MP4FreeForm(value.encode())] if key.startswith("----:") else [value]
    audio.save()


def _write_id3(path: Path, f: Mapping[str, str | None], extra: Mapping[str, str]) -> None:
    try:
        tags = ID3(path)
    except _id3.ID3NoHeaderError:
        tags = ID3()
    frames = {"title": TIT2, "album": TALB, "author": TPE1, "album_artist": TPE2, "year": TDRC,
              "language": TLAN, "genre": TCON, "publisher": TPUB, "track": TRCK}  # fmt: skip
    for name, frame in frames.items():
        if f[name]:
            tags.add(frame(encoding=3, text=[f[name]]))
    if f["narrator"]:
        if f["narrator_style"] == "narrator":
            tags.add(TXXX(encoding=3, desc="NARRATOR", text=[f["narrator"]]))
        else:
            tags.add(TCOM(encoding=3, text=[f["narrator"]]))
    for name, desc in (("asin", "ASIN"), ("isbn", "ISBN")):
        if f[name]:
            tags.add(TXXX(encoding=3, desc=desc, text=[f[name]]))
    if f["series"]:
        if f["series_style"] == "grouping":
            value = f"{f['series']} #{f['position']}" if f["position"] else f["series"]
            tags.add(GRP1(encoding=3, text=[value]))
        elif f["series_style"] == "movement":
            tags.add(MVNM(encoding=3, text=[f["series"]]))
            if f["position"]:
                tags.add(MVIN(encoding=3, text=[f["position"]]))
        else:
            tags.add(TXXX(encoding=3, desc="SERIES", text=[f["series"]]))
            if f["position"]:
                tags.add(TXXX(encoding=3, desc="SERIES-PART", text=[f["position"]]))
    for key, value in extra.items():
        if key.upper().startswith("TXXX:"):
            tags.add(TXXX(encoding=3, desc=key[5:], text=[value]))
        else:
            frame_class = getattr(_id3, key.upper())
            tags.add(frame_class(encoding=3, text=[value]))
    tags.save(path)


def _write_vorbis(path: Path, f: Mapping[str, str | None], extra: Mapping[str, str]) -> None:
    audio = _open(path)
    if audio.tags is None:
        audio.add_tags()
    tags = audio.tags
    simple = {"title": "TITLE", "album": "ALBUM", "author": "ARTIST",
              "album_artist": "ALBUMARTIST", "year": "DATE", "language": "LANGUAGE",
              "genre": "GENRE", "publisher": "PUBLISHER", "asin": "ASIN", "isbn": "ISBN",
              "track": "TRACKNUMBER"}  # fmt: skip
    for name, key in simple.items():
        if f[name]:
            tags[key] = [f[name]]
    if f["narrator"]:
        tags["NARRATOR" if f["narrator_style"] == "narrator" else "COMPOSER"] = [f["narrator"]]
    if f["series"]:
        if f["series_style"] == "grouping":
            value = f"{f['series']} #{f['position']}" if f["position"] else f["series"]
            tags["GROUPING"] = [value]
        elif f["series_style"] == "movement":
            tags["MOVEMENTNAME"] = [f["series"]]
            if f["position"]:
                tags["MOVEMENT"] = [f["position"]]
        else:
            tags["SERIES"] = [f["series"]]
            if f["position"]:
                tags["SERIES-PART"] = [f["position"]]
    for key, value in extra.items():
        tags[key] = [value]
    audio.save()


def write_tags(
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    album: str | None = None,
    author: str | None = None,
    album_artist: str | None = None,
    narrator: str | None = None,
    series: str | None = None,
    position: str | int | float | None = None,
    asin: str | None = None,
    isbn: str | None = None,
    year: str | int | None = None,
    language: str | None = None,
    genre: str | None = None,
    publisher: str | None = None,
    track: int | None = None,
    total_tracks: int | None = None,
    series_style: str = "tags",
    narrator_style: str = "composer",
    extra: Mapping[str, str] | None = None,
) -> Path:
    """Write real tags into an existing audio file (its format from its extension)."""
    target = Path(path)
    fields = _fields(
        title=title,
        album=album,
        author=author,
        album_artist=album_artist,
        narrator=narrator,
        series=series,
        position=None if position is None else str(position),
        asin=asin,
        isbn=isbn,
        year=None if year is None else str(year),
        language=language,
        genre=genre,
        publisher=publisher,
        track=track,
        total_tracks=total_tracks,
        series_style=series_style,
        narrator_style=narrator_style,
    )
    fmt = audio_format(target)
    writer = {"m4b": _write_mp4, "m4a": _write_mp4, "mp3": _write_id3}.get(fmt, _write_vorbis)
    writer(target, fields, extra or {})
    return target
