"""Audio tags → book fields: flatten mutagen's tag objects, then map them to normalised fields.

`flatten_tags` turns whatever `mutagen.File(path).tags` holds (ID3 frames, MP4 atoms, Vorbis
comments) into one plain `{key: [text, ...]}` dict with lower-case keys (`tpe1`,
`txxx:series`, `©art`, `----:com.apple.itunes:asin`, `artist`); binary frames (pictures,
chapters, private data) are dropped. That dict is what `book_files.tags` stores, so a book can be
rebuilt from the database without reading its files again.

`fields_from_tags` maps a flat dict to `TagFields`. The mapping follows Audiobookshelf's
(`AudioFileScanner.setBookMetadataFromAudioMetaTags`): title from album, else title; authors from
artist, else album artist; narrators from composer; series from the series tags, else from the
grouping tag ("Series #2"); plus the tags audiobook tools actually write (`©nrt`, `TXXX:NARRATOR`,
iTunes movement `MVNM`/`MVIN` = `©mvn`/`©mvi`, `----:com.apple.iTunes:SERIES`/`ASIN`,
`TXXX:SERIES-PART`, Vorbis `SERIES`/`SERIES-PART`, …). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

from library_pipeline.domain.credits import marked_narrators, split_credit
from library_pipeline.domain.folder_names import (
    normalize_sequence,
    split_names,
    split_narrators,
    strip_title_noise,
)
from library_pipeline.domain.normalize import (
    format_position,
    normalize_author,
    parse_series_position,
)
from library_pipeline.domain.normalize.positions import POSITION_LABEL
from library_pipeline.domain.tag_keys import (
    ALBUM_ARTIST_KEYS,
    ARTIST_KEYS,
    ASIN_KEYS,
    COMPOSER_KEYS,
    DATE_KEYS,
    DESCRIPTION_KEYS,
    DISC_KEYS,
    GENRE_KEYS,
    GROUPING_KEYS,
    ISBN_KEYS,
    LANGUAGE_KEYS,
    NARRATOR_KEYS,
    POSITION_KEYS,
    PUBLISHER_KEYS,
    SERIES_KEYS,
    SUBTITLE_KEYS,
    TITLE_ALBUM_KEYS,
    TITLE_TRACK_KEYS,
    TRACK_KEYS,
)

FlatTags = dict[str, list[str]]

MAX_VALUE_CHARS = 8000
MAX_VALUES_PER_KEY = 16

# Tags that hold pictures or binary payloads (Vorbis/FLAC, MP4); ID3 binary frames are skipped
# by type (only frames with text are kept).
_BINARY_KEYS = frozenset({"metadata_block_picture", "coverart", "coverartmime", "covr"})
# Frames with text that do not start with "T" (the T*** frames all hold text).
_ID3_TEXT_OTHER = frozenset({"COMM", "MVNM", "MVIN", "GRP1", "IPLS"})
# Involved-people frames: [role, name] pairs.
_ID3_PEOPLE = frozenset({"TIPL", "TMCL", "IPLS"})
_LOWER: dict[str, str] = {}  # tag keys repeat across files: lower-case each once


_ASIN_RE = re.compile(r"\b(B0[A-Z0-9]{8}|\d{9}[\dX])\b")
_ISBN_CHARS = re.compile(r"[^0-9Xx]")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# "Mistborn #1", Audible's "Rivers of London #Book 3".
_SERIES_HASH = re.compile(rf"^(?P<name>.*?)\s+#\s*(?:{POSITION_LABEL}\s*)?(?P<seq>[^#\s]+)$", re.I)
_SERIES_BOOK = re.compile(
    rf"^(?P<name>.*?)(?:,\s*|\s+){POSITION_LABEL}\s*#?\s*(?P<seq>\d+(?:\.\d+)?)$", re.I
)
_INT_PREFIX = re.compile(r"^\s*(\d+)")
_ID3_GENRE_NUMBER = re.compile(r"^\(?(\d+)\)?$")


@dataclass
class TagFields:
    """What one file's tags say about its book (empty = the tag is absent)."""

    album: str | None = None
    track_title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    album_artists: list[str] = field(default_factory=list)
    narrators: list[str] = field(default_factory=list)
    series: str | None = None
    series_position: str | None = None
    asin: str | None = None
    isbn: str | None = None
    published_date: str | None = None
    language: str | None = None
    publisher: str | None = None
    description: str | None = None
    genres: list[str] = field(default_factory=list)
    track: int | None = None
    disc: int | None = None
    # The artist tag's values as written (the credits are read again with the whole book's
    # evidence: "Shirtaloon, Heath Miller" is two people when Heath Miller narrates).
    author_credits: list[str] = field(default_factory=list)
    # Further series one value named ("Renee Ballard #3, Harry Bosch #22": "Harry Bosch #22").
    other_series: list[str] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        """The book title these tags give: album, else the track title (Audiobookshelf's
        rule), without "(Unabridged)"-style noise (the album itself keeps it: a flag)."""
        title = self.album or self.track_title
        return strip_title_noise(title) if title else None


# The `TagFields` that are book columns of the same name (album/track title make the title;
# track and disc order files).
_NOT_BOOK_COLUMNS = frozenset(
    {"album", "track_title", "album_artists", "track", "disc", "author_credits", "other_series"}
)
BOOK_TAG_FIELDS = tuple(
    f.name for f in dataclass_fields(TagFields) if f.name not in _NOT_BOOK_COLUMNS
)


# --- flattening mutagen objects --------------------------------------------------------------


# Control characters a tag's text never means (tab, newline and carriage return are text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_RUN = re.compile(r"[ \t]*[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+[ \t]*")
TAG_VALUE_NOTE = "bad tag value"


def clean_text(value: str, notes: list[str] | None = None, key: str = "") -> str:
    """Text safe for both databases: no control characters, no lone surrogates, bounded
    length. What had to change is appended to `notes` (the scan records it as an issue)."""
    if _CONTROL.search(value):
        value = _CONTROL_RUN.sub(" ", value)
        if notes is not None:
            notes.append(f"{TAG_VALUE_NOTE}: {key} held control characters (removed)")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    value = value.strip()
    if len(value) > MAX_VALUE_CHARS and notes is not None:
        notes.append(
            f"{TAG_VALUE_NOTE}: {key} was {len(value):,} characters long "
            f"(truncated to {MAX_VALUE_CHARS:,})"
        )
    return value[:MAX_VALUE_CHARS]


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):  # MP4 freeform atoms (MP4FreeForm is a bytes subclass)
        return value.decode("utf-8", "replace")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, tuple) and value and all(isinstance(v, int) for v in value):
        # MP4 "trkn"/"disk": (number, total)
        number, *rest = value
        return f"{number}/{rest[0]}" if rest and rest[0] else str(number)
    text = getattr(value, "text", None)  # ID3 time stamps
    if isinstance(text, str):
        return text
    return None


def _add(out: FlatTags, key: str, values: Sequence[Any], notes: list[str] | None = None) -> None:
    lowered = _LOWER.get(key)
    if lowered is None:
        lowered = key.lower()
        if len(_LOWER) < 4096:
            _LOWER[key] = lowered
    key = lowered
    if key in _BINARY_KEYS:
        return
    texts = out.get(key)
    if texts is None:
        texts = []
    for value in values:
        text = value if type(value) is str else _text_of(value)
        if text is None:
            continue
        if text.isascii() and len(text) <= MAX_VALUE_CHARS and not _CONTROL.search(text):
            text = text.strip()
        else:
            text = clean_text(text, notes, key)
        if text and len(texts) < MAX_VALUES_PER_KEY:
            texts.append(text)
    if texts:
        out[key] = texts


def flatten_tags(tags: Any, notes: list[str] | None = None) -> FlatTags:
    """`mutagen.File(...).tags` (ID3, MP4Tags, Vorbis comments or None) → `{key: [text]}`;
    values that had to be cleaned are described in `notes`."""
    out: FlatTags = {}
    if tags is None:
        return out
    if hasattr(tags, "getall") and hasattr(tags, "version"):  # ID3
        for frame in tags.values():
            frame_id = frame.FrameID
            if frame_id[0] != "T" and frame_id not in _ID3_TEXT_OTHER:
                continue  # pictures, chapters, private data, URLs, lyrics
            if frame_id == "TXXX" or frame_id == "COMM":
                # TXXX:SERIES, TXXX:ASIN…; COMM:iTunNORM and other described comments stay
                # apart from the plain comment ("COMM").
                desc = frame.desc
                key = f"{frame_id}:{desc}" if desc or frame_id == "TXXX" else frame_id
            elif frame_id in _ID3_PEOPLE:  # [role, name] pairs: TIPL:narrator
                for pair in getattr(frame, "people", None) or ():
                    if len(pair) == 2 and pair[0]:
                        _add(out, f"{frame_id}:{pair[0]}", [pair[1]], notes)
                continue
            else:
                key = frame_id
            text = getattr(frame, "text", None)
            if text is not None:
                _add(out, key, text if isinstance(text, list) else [text], notes)
        return out
    if hasattr(tags, "as_dict"):  # Vorbis comments (FLAC, Ogg Vorbis, Opus)
        for key, values in tags.as_dict().items():
            _add(out, key, values, notes)
        return out
    if hasattr(tags, "items"):  # MP4Tags and other mapping-like tags
        for key, values in tags.items():
            if isinstance(values, list | tuple) and not (
                values and all(isinstance(v, int) for v in values) and isinstance(values, tuple)
            ):
                _add(out, key, list(values), notes)
            else:
                _add(out, key, [values], notes)
        return out
    try:  # a plain list of (key, value) pairs
        for key, value in tags:
            _add(out, str(key), [value], notes)
    except (TypeError, ValueError):
        pass
    return out


# --- flat tags → fields ----------------------------------------------------------------------


def _names(
    values: Sequence[str], narrators: bool = False, known: frozenset[str] = frozenset()
) -> list[str]:
    out: list[str] = []
    for value in values:
        names = (
            split_narrators(value)
            if narrators
            else split_credit(value, known_people=known)
            if known
            else split_names(value)
        )
        for name in names:
            if name not in out:
                out.append(name)
    return out


def parse_series_string(value: str) -> tuple[str, str | None]:
    """`"Mistborn #1"` → ("Mistborn", "1"); `"Discworld, Book 2"` → ("Discworld", "2")."""
    text = value.strip()
    for pattern in (_SERIES_BOOK, _SERIES_HASH):
        match = pattern.match(text)
        if match and match["name"].strip():
            return match["name"].strip().rstrip(","), normalize_position(match["seq"])
    return text, None


def split_series_list(
    series: str, position: str | None
) -> tuple[str, str | None, list[str]] | None:
    """One tag value naming two series → (the first, its position, the others as written):
    "Renee Ballard #3, Harry Bosch #22" and "Harry Bosch, Renee Ballard" with the position
    "21, 02". None when the value names one series (a comma alone is part of a name)."""
    names = [n.strip() for n in series.split(",") if n.strip()]
    if len(names) < 2:
        return None
    embedded = [parse_series_string(n) for n in names]
    if all(pos is not None for _, pos in embedded):
        return embedded[0][0], embedded[0][1], names[1:]
    positions = [p.strip() for p in (position or "").split(",") if p.strip()]
    if len(positions) == len(names) and all(normalize_position(p) for p in positions):
        others = [f"{n} #{normalize_position(p)}" for n, p in zip(names, positions, strict=True)]
        return names[0], normalize_position(positions[0]), others[1:]
    return None


def normalize_position(value: str | None) -> str | None:
    """A series position from a tag: "02" → "2", "Book 2" → "2", "1/7" → "1", "1a" kept."""
    if value is None or not value.strip():
        return None
    parsed = parse_series_position(value)
    if parsed is not None:
        return format_position(parsed)
    return normalize_sequence(value)


def normalize_asin(value: str | None) -> str | None:
    if not value:
        return None
    match = _ASIN_RE.search(value.strip().upper())
    return match.group(1) if match else None


def normalize_isbn(value: str | None) -> str | None:
    """Digits (and a final X) of an ISBN-10/13; None when it is not one."""
    if not value:
        return None
    digits = _ISBN_CHARS.sub("", value).upper()
    if len(digits) == 13 and digits.isdigit():
        return digits
    if len(digits) == 10 and digits[:9].isdigit():
        return digits
    return None


def normalize_date(value: str | None) -> str | None:
    """ "2014", "2014-05", "2014-05-02" from a date tag ("2014-05-02T00:00:00Z", "2014/05")."""
    if not value:
        return None
    match = _DATE_RE.match(value.strip().replace("/", "-"))
    if not match:
        return None
    return "-".join(part for part in match.groups() if part)


def normalize_language(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip()
    if not text or text.lower() in {"und", "xxx", "zxx", "unknown"}:
        return None
    return text[:16]


def parse_genres(values: Sequence[str]) -> list[str]:
    """Genres from genre tags: split on "/", "//" and ";" (Audiobookshelf), ID3 "(12)" dropped."""
    out: list[str] = []
    for value in values:
        parts = [value]
        for separator in ("//", ";", "/"):
            if separator in value:
                parts = value.split(separator)
                break
        for part in parts:
            part = part.strip()
            if part and not _ID3_GENRE_NUMBER.match(part) and part not in out:
                out.append(part[:100])
    return out


def _int_prefix(value: str | None) -> int | None:
    if not value:
        return None
    match = _INT_PREFIX.match(value)
    return int(match.group(1)) if match else None


_GROUPS: dict[str, tuple[str, ...]] = {
    "album": TITLE_ALBUM_KEYS,
    "track_title": TITLE_TRACK_KEYS,
    "subtitle": SUBTITLE_KEYS,
    "artist": ARTIST_KEYS,
    "album_artist": ALBUM_ARTIST_KEYS,
    "narrator": NARRATOR_KEYS,
    "composer": COMPOSER_KEYS,
    "series": SERIES_KEYS,
    "position": POSITION_KEYS,
    "grouping": GROUPING_KEYS,
    "asin": ASIN_KEYS,
    "isbn": ISBN_KEYS,
    "date": DATE_KEYS,
    "language": LANGUAGE_KEYS,
    "publisher": PUBLISHER_KEYS,
    "description": DESCRIPTION_KEYS,
    "genre": GENRE_KEYS,
    "track": TRACK_KEYS,
    "disc": DISC_KEYS,
}
# key → (group, priority): one pass over a file's tags finds every field's best key.
_KEY_GROUP: dict[str, tuple[str, int]] = {}
for _group, _keys in _GROUPS.items():
    for _priority, _key in enumerate(_keys):
        _KEY_GROUP.setdefault(_key, (_group, _priority))


def _best_values(flat: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Group → the non-empty values of its most specific key present."""
    best: dict[str, tuple[int, list[str]]] = {}
    for key, values in flat.items():
        hit = _KEY_GROUP.get(key)
        if hit is None:
            hit = _KEY_GROUP.get(key.lower())
            if hit is None:
                continue
        group, priority = hit
        current = best.get(group)
        if current is not None and current[0] <= priority:
            continue
        texts = [v.strip() for v in values if v and v.strip()]
        if texts:
            best[group] = (priority, texts)
    return {group: texts for group, (_p, texts) in best.items()}


def fields_from_tags(flat: Mapping[str, Sequence[str]]) -> TagFields:
    """Map one file's flattened tags to book fields."""
    found = _best_values(flat)

    def first(group: str) -> str | None:
        values = found.get(group)
        return values[0] if values else None

    fields = TagFields()
    album, track_title = first("album"), first("track_title")
    # As written: packaging ("(Unabridged)", "Disc 1") becomes fields in `book_identity`.
    fields.album, fields.track_title = album, track_title
    fields.subtitle = first("subtitle")

    fields.album_artists = _names(found.get("album_artist", ()))
    fields.narrators = (
        _names(found.get("narrator", ()), narrators=True)
        or _names(found.get("composer", ()), narrators=True)
        or [n for value in found.get("artist", ()) for n in marked_narrators(value)]
    )
    # The file's other credits are the evidence that "Zogarth, Travis Baldree" is two people.
    known = frozenset(normalize_author(n) for n in [*fields.narrators, *fields.album_artists])
    fields.author_credits = list(found.get("artist", ()))
    fields.authors = _names(fields.author_credits, known=known) or fields.album_artists

    series = first("series")
    position = normalize_position(first("position"))
    listed = split_series_list(series, first("position")) if series and "," in series else None
    if listed:
        fields.series, fields.series_position, fields.other_series = listed
    elif series:
        name, embedded = parse_series_string(series)
        fields.series, fields.series_position = name or None, position or embedded
    else:
        grouping = first("grouping")
        if grouping:
            # Grouping holds "Series #2" (several separated by ";"); take the first.
            head = next((g.strip() for g in grouping.split(";") if g.strip()), "")
            name, embedded = parse_series_string(head)
            if embedded is not None or position is not None:
                fields.series, fields.series_position = name or None, embedded or position
    if fields.series_position and len(fields.series_position) > 32:
        fields.series_position = fields.series_position[:32]

    fields.asin = normalize_asin(first("asin"))
    fields.isbn = normalize_isbn(first("isbn"))
    fields.published_date = normalize_date(first("date"))
    fields.language = normalize_language(first("language"))
    fields.publisher = first("publisher")
    fields.description = first("description")
    fields.genres = parse_genres(found.get("genre", ()))
    fields.track = _int_prefix(first("track"))
    fields.disc = _int_prefix(first("disc"))
    return fields


# --- stream facts ----------------------------------------------------------------------------

_CODEC_BY_KIND = {
    "MP3": "mp3",
    "EasyMP3": "mp3",
    "FLAC": "flac",
    "OggFLAC": "flac",
    "OggVorbis": "vorbis",
    "OggOpus": "opus",
    "OggSpeex": "speex",
    "OggTheora": "theora",
}


def codec_name(kind: str, info_codec: str | None = None) -> str | None:
    """A short codec name from mutagen's file class name and (for MP4) `info.codec`.

    MP4's `mp4a.40.2` → "aac", `alac` → "alac", `ac-3` → "ac3"; MP3 → "mp3"; Ogg → "vorbis"/"opus".
    """
    if kind in _CODEC_BY_KIND:
        return _CODEC_BY_KIND[kind]
    if info_codec:
        codec = info_codec.lower()
        if codec.startswith("mp4a"):
            return "aac"
        return codec.replace("-", "")[:32]
    return kind.lower()[:32] or None
