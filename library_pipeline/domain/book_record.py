"""One book record from its sources: the audio tags of its files and its folder names.

Precedence per field: tags, then the folder names (parsed as Audiobookshelf does), then, as a
second source, what an Audiobookshelf server says (it fills fields nothing else gave). Each
field's winner is recorded in `metadata_source` ("tags" / "folder" / "audiobookshelf"), so later
stages (enrichment, corrections) can tell a guessed value from a read one.

A re-scan never overwrites what those later stages decided: fields in `locked_fields` and fields
whose `metadata_source` is something else (a provider, a correction, the user) are kept.
Pure: no I/O.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from library_pipeline.domain.book_identity import (
    clean_book_fields,
    is_all_caps,
    same_text_ignoring_case,
)
from library_pipeline.domain.completeness import completeness_percent
from library_pipeline.domain.credits import credited_translators, names_nobody, split_credit
from library_pipeline.domain.folder_names import FolderMetadata, split_names
from library_pipeline.domain.metadata_merge import is_empty
from library_pipeline.domain.normalize import author_keys, normalize_author, title_key
from library_pipeline.domain.tags import BOOK_TAG_FIELDS, TagFields

TAGS, FOLDER, AUDIOBOOKSHELF = "tags", "folder", "audiobookshelf"
SCAN_SOURCES = frozenset({TAGS, FOLDER, AUDIOBOOKSHELF})

# Book columns the scan describes (and records a source for).
SCAN_FIELDS = (
    "title",
    "subtitle",
    "authors",
    "narrators",
    "series",
    "series_position",
    "asin",
    "isbn",
    "published_date",
    "language",
    "publisher",
    "description",
    "genres",
    "cover",
)
# Facts of the audio itself: always taken from the files, no source recorded.
STREAM_FIELDS = ("duration_seconds", "bitrate", "codec")
# What the scan read besides the fields: packaging flags and the other sources' values.
READING_FIELDS = ("unabridged", "dramatized", "metadata_alternatives")
LIST_FIELDS = frozenset({"authors", "narrators", "genres"})


@dataclass
class FileFacts:
    """One readable audio file of a book, in book order."""

    name: str
    tags: TagFields
    duration: float | None = None
    bitrate: int | None = None
    codec: str | None = None


@dataclass
class ScannedBook:
    """A book's scan-derived columns plus where each came from."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
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
    cover: str | None = None
    duration_seconds: float | None = None
    bitrate: int | None = None
    codec: str | None = None
    metadata_source: dict[str, str] = field(default_factory=dict)
    # Field → what another source said where it disagreed ("folder: Grave Peril").
    alternatives: dict[str, str] = field(default_factory=dict)
    unabridged: bool = False
    dramatized: bool = False

    def values(self) -> dict[str, Any]:
        """Column → value for every scan, stream and reading field, plus `metadata_source`."""
        out = {name: getattr(self, name) for name in (*SCAN_FIELDS, *STREAM_FIELDS)}
        out["metadata_source"] = dict(self.metadata_source)
        out["metadata_alternatives"] = dict(self.alternatives)
        out["unabridged"], out["dramatized"] = self.unabridged, self.dramatized
        return out

    def set(self, name: str, value: Any, source: str) -> None:
        if is_empty(value):
            return
        setattr(self, name, value)
        self.metadata_source[name] = source


def differs(old: Any, new: Any) -> bool:
    """Whether a stored value must be rewritten; floats compare loosely (DuckDB's FLOAT is
    single precision, so a duration never reads back exactly as written)."""
    if isinstance(old, float) and isinstance(new, float | int) and not isinstance(new, bool):
        return not math.isclose(old, new, rel_tol=1e-6, abs_tol=1e-3)
    return bool(old != new)


# The tag fields that are book columns (the title is chosen apart: album or track title).
_TAG_FIELDS = BOOK_TAG_FIELDS


def _merged_tags(files: Sequence[FileFacts]) -> dict[str, Any]:
    """Per tag field, the first file's value, else the next file that has one (book order)."""
    if len(files) == 1:
        tags = files[0].tags
        return {name: getattr(tags, name) for name in _TAG_FIELDS}
    merged: dict[str, Any] = {}
    for name in _TAG_FIELDS:
        merged[name] = None
        for facts in files:
            value = getattr(facts.tags, name)
            if not is_empty(value):
                merged[name] = value
                break
    return merged


def _tag_title(files: Sequence[FileFacts]) -> str | None:
    album = next((f.tags.album for f in files if f.tags.album), None)
    if album:
        return album
    titles = [f.tags.track_title for f in files]
    if len(files) == 1:
        return titles[0]
    # Several files without an album tag: their titles are chapter names ("Part 1", "Part 2")
    # unless they all agree.
    if titles and titles[0] and all(t == titles[0] for t in titles):
        return titles[0]
    return None


def _single_track_title(files: Sequence[FileFacts]) -> str | None:
    """The track title of a one-file book (OpenAudible puts the series there)."""
    return files[0].tags.track_title if len(files) == 1 else None


def _choose_identity(
    record: ScannedBook,
    folder: FolderMetadata,
    tags: Mapping[str, Any],
    tag_title: str | None,
    track_title: str | None,
) -> None:
    """Title, series and position: each cleaned of packaging and chosen between tags (the
    album, then a single file's own title) and folder by which looks clean
    (`book_identity.clean_book_fields`)."""
    candidates = [(TAGS, tag_title, tags["series"], tags["series_position"])]
    if track_title and track_title != tag_title:  # "Red Rising: Red Rising Saga, Book 1"
        candidates.append((TAGS, track_title, None, None))
    candidates.append((FOLDER, folder.title, folder.series, folder.series_position))
    chosen = clean_book_fields(candidates, record.authors)
    record.set("title", chosen.title, chosen.sources.get("title", TAGS))
    record.set("series", chosen.series, chosen.sources.get("series", TAGS))
    record.set("series_position", chosen.position, chosen.sources.get("series_position", TAGS))
    record.alternatives.update(chosen.alternatives)
    record.unabridged, record.dramatized = chosen.unabridged, chosen.dramatized
    if chosen.year and is_empty(tags["published_date"]) and not folder.published_year:
        record.set("published_date", chosen.year, chosen.sources.get("title", FOLDER))


# Folders a library groups books under that name nobody: "Audiobooks/Bill Bryson/Title".
_GROUPING_FOLDERS = frozenset(
    {"audiobooks", "audio books", "audiobook", "books", "ebooks", "library", "media",
     "anthologies", "anthology", "collections", "hörbücher", "hoerbuecher", "livres audio",
     "audiolibros", "audiolibri", "luisterboeken", "ljudböcker"}
)  # fmt: skip


def regrouped_folder(folder: FolderMetadata, tag_authors: Sequence[str]) -> FolderMetadata:
    """`Grouping/Author/Title` read as `Author/Series/Title` set right: when the "series"
    folder is the author the tags name (and the "author" folder is not), or the "author"
    folder is a library's grouping word, the series folder is the author."""
    if not folder.series or folder.series_in_name:
        return folder
    tag_keys = {normalize_author(a) for a in tag_authors}
    folder_keys = {normalize_author(a) for a in folder.authors}
    grouping = [a.lower() for a in folder.authors] and all(
        a.lower() in _GROUPING_FOLDERS for a in folder.authors
    )
    names_author = normalize_author(folder.series) in tag_keys and not folder_keys & tag_keys
    if not (grouping or names_author):
        return folder
    return replace(folder, authors=split_names(folder.series), series=None, series_position=None)


def _tag_credits(
    record: ScannedBook, folder: FolderMetadata, files: Sequence[FileFacts], tags: Mapping[str, Any]
) -> list[str] | None:
    """The tags' authors read with the whole book's evidence ("Shirtaloon, Heath Miller" is two
    people when the folder names Shirtaloon alone or Heath Miller narrates); None when the
    tags credit nobody ("Various Authors"). Translators go to the provenance."""
    credits = next((f.tags.author_credits for f in files if f.tags.author_credits), [])
    translators = [p for credit in credits for p in credited_translators(credit)]
    if translators:
        record.alternatives["translators"] = f"{TAGS}: {', '.join(dict.fromkeys(translators))}"
    album_artists = next((f.tags.album_artists for f in files if f.tags.album_artists), [])
    if credits and not tags["authors"] and all(map(names_nobody, credits)):
        return None
    if not any("," in c for c in credits):
        return list(tags["authors"] or [])
    known = {
        normalize_author(n)
        for n in [*record.narrators, *folder.narrators, *folder.authors, *album_artists]
    }
    authors: list[str] = []
    for credit in credits:
        authors += [a for a in split_credit(credit, known_people=known) if a not in authors]
    return authors


def _folder_comma_credit(folder: FolderMetadata) -> str | None:
    """The author folder's comma credit as written, when the folder's authors are read from it
    (not when the folder was regrouped: a series read as the author)."""
    raw = folder.author_credit
    return raw if raw and split_credit(raw, in_folder=True) == folder.authors else None


def _folder_credits(record: ScannedBook, folder: FolderMetadata) -> list[str]:
    """The author folder read with the book's narrators as evidence ("Shirtaloon, Michael
    Kramer" is two people when Michael Kramer narrates it; else "Last, First")."""
    raw = _folder_comma_credit(folder)
    if raw is None or not record.narrators:
        return folder.authors
    known = {normalize_author(n) for n in record.narrators}
    return split_credit(raw, known_people=known, in_folder=True)


def _keep_comma_credit(
    record: ScannedBook,
    source: str,
    from_tags: bool,
    files: Sequence[FileFacts],
    folder: FolderMetadata,
) -> None:
    """Keep the comma credit the authors were read from ("folder: Shirtaloon, Michael Kramer"):
    the library credits pass re-reads it with the whole library's evidence."""
    raw = _folder_comma_credit(folder) if source == FOLDER else None
    if from_tags:
        credits = next((f.tags.author_credits for f in files if f.tags.author_credits), [])
        raw = credits[0] if len(credits) == 1 and "," in credits[0] else None
    if raw:
        record.alternatives["author_credit"] = f"{source}: {raw}"


def _choose_credits(
    record: ScannedBook,
    folder: FolderMetadata,
    tags: Mapping[str, Any],
    album_artists: list[str],
    files: Sequence[FileFacts] = (),
) -> None:
    """Narrators from tags, else the folder's `{Narrator}`; authors from tags, else the folder,
    never naming a narrator (an artist tag "Author, Narrator" is both); nobody when the tags
    say "Various Authors"."""
    if tags["narrators"]:
        record.set("narrators", tags["narrators"], TAGS)
    else:
        record.set("narrators", folder.narrators, FOLDER)
    tag_authors = _tag_credits(record, folder, files, tags)
    if tag_authors is None:
        return  # an anthology: its folder ("Anthologies") is not its author either
    narrating = {normalize_author(n) for n in [*record.narrators, *folder.narrators]}
    # A narrator another author credit names as well (an album artist that differs from the
    # artist tag, the author folder) is also an author: "Peter Attia MD" reads his own book.
    confirming = folder.authors + (album_artists if album_artists != tags["authors"] else [])
    narrating -= {normalize_author(a) for a in confirming}
    folder_authors = _folder_credits(record, folder)
    sources = [(TAGS, tag_authors), (TAGS, album_artists), (FOLDER, folder_authors)]
    for source, names in sources:
        authors = [a for a in names or [] if normalize_author(a) not in narrating]
        if authors:
            record.set("authors", authors, source)
            _keep_comma_credit(record, source, names is tag_authors, files, folder)
            return
    # Every credited author also narrates (an author reading their own book): keep them.
    source, names = next(((s, n) for s, n in sources if n), (TAGS, []))
    record.set("authors", names, source)


def _recase_authors(
    record: ScannedBook, folder: FolderMetadata, album_artists: Sequence[str]
) -> None:
    """All-caps authors ("JONATHAN STROUD") take the spelling another source gives the same
    name in ("Jonathan Stroud": the author folder, the album artist, a folder's "Author -
    Title"); the shouting source is kept as the alternative."""
    shouting = [a for a in record.authors if is_all_caps(a)]
    if not shouting:
        return
    head = (folder.title or "").split(" - ", 1)[0] if " - " in (folder.title or "") else None
    cased = [n for n in [*folder.authors, *album_artists, head] if n and not is_all_caps(n)]
    recased = [next((n for n in cased if same_text_ignoring_case(n, a)), a) for a in record.authors]
    if recased != record.authors:
        record.alternatives.setdefault(
            "authors", f"{record.metadata_source.get('authors', TAGS)}: {', '.join(record.authors)}"
        )
        record.set("authors", recased, FOLDER)


def build_book_record(
    folder: FolderMetadata, files: Sequence[FileFacts], cover: str | None = None
) -> ScannedBook:
    """Reconcile tags with folder names into one record (see the module docstring)."""
    record = ScannedBook()
    tags = _merged_tags(files) if files else dict.fromkeys(_TAG_FIELDS)
    album_artists = next((f.tags.album_artists for f in files if f.tags.album_artists), [])
    for name, fallback in (
        ("subtitle", folder.subtitle),
        ("asin", folder.asin),
        ("published_date", folder.published_year),
    ):
        if not is_empty(tags[name]):
            record.set(name, tags[name], TAGS)
        else:
            record.set(name, fallback, FOLDER)
    folder = regrouped_folder(folder, [*(tags["authors"] or []), *album_artists])
    _choose_credits(record, folder, tags, album_artists, files)
    _recase_authors(record, folder, album_artists)
    _choose_identity(
        record,
        folder,
        tags,
        _tag_title(files) if files else None,
        _single_track_title(files),
    )
    other_series = next((f.tags.other_series for f in files if f.tags.other_series), [])
    if other_series:  # "Renee Ballard #3, Harry Bosch #22": the first is the book's series
        record.alternatives["series"] = f"{TAGS}: {', '.join(other_series)}"
    for name in ("isbn", "language", "publisher", "description", "genres"):
        record.set(name, tags[name], TAGS)
    record.set("cover", cover, FOLDER)
    _stream_facts(record, files)
    return record


def _stream_facts(record: ScannedBook, files: Sequence[FileFacts]) -> None:
    durations = [f.duration for f in files if f.duration]
    record.duration_seconds = round(sum(durations), 3) if durations else None
    weighted = [(f.bitrate, f.duration) for f in files if f.bitrate and f.duration]
    if weighted:
        total = sum(d for _, d in weighted)
        record.bitrate = round(sum(b * d for b, d in weighted) / total)
    else:
        record.bitrate = next((f.bitrate for f in files if f.bitrate), None)
    codecs = Counter(f.codec for f in files if f.codec)
    record.codec = codecs.most_common(1)[0][0] if codecs else None


def with_completeness(row: Mapping[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`changes`, plus the book's new `metadata_completeness_percent` when it moved."""
    if any(name in changes for name in SCAN_FIELDS):
        percent = completeness_percent({**row, **changes})
        if differs(row.get("metadata_completeness_percent"), percent):
            changes["metadata_completeness_percent"] = percent
    return changes


def _keeps_value(name: str, existing: Mapping[str, Any], sources: Mapping[str, str]) -> bool:
    """Whether a later stage owns this field (a re-scan must not overwrite it)."""
    source = sources.get(name)
    return source is not None and source not in SCAN_SOURCES and not is_empty(existing.get(name))


def scan_updates(existing: Mapping[str, Any], record: ScannedBook) -> dict[str, Any]:
    """Column changes that bring an existing book row in line with a fresh scan.

    `existing` holds the row's current scan fields, stream fields, `metadata_source` and
    `locked_fields`. Locked fields and fields owned by later stages are kept; a value
    Audiobookshelf filled in is kept while tags and folder still say nothing.
    """
    sources = dict(existing.get("metadata_source") or {})
    locked = set(existing.get("locked_fields") or [])
    updates: dict[str, Any] = {}
    new_values = record.values()
    for name in SCAN_FIELDS:
        if name in locked or _keeps_value(name, existing, sources):
            continue
        new, new_source = new_values[name], record.metadata_source.get(name)
        if new_source is None and sources.get(name) == AUDIOBOOKSHELF:
            continue
        if differs(existing.get(name), new):
            updates[name] = new
        if new_source is None:
            sources.pop(name, None)
        else:
            sources[name] = new_source
    for name in (*STREAM_FIELDS, *READING_FIELDS):
        if differs(existing.get(name), new_values[name]):
            updates[name] = new_values[name]
    if sources != (existing.get("metadata_source") or {}):
        updates["metadata_source"] = sources
    return updates


def audiobookshelf_updates(
    existing: Mapping[str, Any], abs_fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Column changes that fill a book's empty fields from its Audiobookshelf item.

    Only fields nothing else gave (or that Audiobookshelf gave before) change; locked fields
    never do. `abs_fields` holds scan-field names (see `SCAN_FIELDS`).
    """
    sources = dict(existing.get("metadata_source") or {})
    locked = set(existing.get("locked_fields") or [])
    updates: dict[str, Any] = {}
    for name, value in abs_fields.items():
        if name not in SCAN_FIELDS or name in locked or is_empty(value):
            continue
        current = existing.get(name)
        if not is_empty(current) and sources.get(name) != AUDIOBOOKSHELF:
            continue
        if differs(current, value):
            updates[name] = value
        sources[name] = AUDIOBOOKSHELF
    if sources != (existing.get("metadata_source") or {}):
        updates["metadata_source"] = sources
    return updates


def cleaned_audiobookshelf_fields(abs_fields: Mapping[str, Any]) -> dict[str, Any]:
    """An Audiobookshelf item's fields with title, series and position cleaned of packaging:
    the one cleaning every source goes through (`book_identity.clean_book_fields`); the
    packaging flags come along as `unabridged` / `dramatized`."""
    out = dict(abs_fields)
    chosen = clean_book_fields(
        [(AUDIOBOOKSHELF, out.get("title"), out.get("series"), out.get("series_position"))],
        out.get("authors") or [],
    )
    out["title"] = chosen.title or out.get("title")
    out["series"] = chosen.series or out.get("series")
    out["series_position"] = chosen.position or out.get("series_position")
    if chosen.year and is_empty(out.get("published_date")):
        out["published_date"] = chosen.year
    out["unabridged"], out["dramatized"] = chosen.unabridged, chosen.dramatized
    return out


def record_from_audiobookshelf(abs_fields: Mapping[str, Any]) -> ScannedBook:
    """A record for a book only Audiobookshelf knows (no local folder scanned)."""
    record = ScannedBook()
    record.unabridged = bool(abs_fields.get("unabridged"))
    record.dramatized = bool(abs_fields.get("dramatized"))
    for name, value in abs_fields.items():
        if name in SCAN_FIELDS:
            record.set(name, value, AUDIOBOOKSHELF)
        elif name in STREAM_FIELDS and not is_empty(value):
            setattr(record, name, value)
    return record


def identity_keys(title: str | None, authors: Iterable[str]) -> tuple[str, frozenset[str]] | None:
    """What makes two records the same book for duplicate detection: title and author keys."""
    if not title:
        return None
    keys = author_keys(list(authors))
    if not keys:
        return None
    return title_key(title), keys
