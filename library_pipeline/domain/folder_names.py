"""Book metadata from folder and file names, parsed the way Audiobookshelf parses them.

Audiobookshelf (v2.x, `server/utils/scandirUtils.js`) reads a book's relative folder path as
`Author/Series/Folder`, taking the last three components: the book folder, the series above it
(only when there are at least two components above the root) and the author above that. The
book folder itself may carry, in this order of extraction:

- an ASIN in brackets, `[B002UZMLXM]`;
- narrators in braces at the end, `Title {Michael Kramer}`;
- a series position (only when there is a series folder): `Vol 1 - …`, `Vol. 2 …`,
  `Book 2 - …`, `Volume 3. …`, `2.5 - Title`, `6. Title`, `Title - Book 2`;
- a published year in front, `2014 - Title` or `(2014) - Title`.

How folders are grouped into books is in `domain.book_folders`.

Two small additions to Audiobookshelf: `(Unabridged)`-style noise is removed from the title, and
names are split with the one author-name rule, `credits.split_credit` (also `A and B`).
Pure: no file system access.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from library_pipeline.domain.credits import split_credit
from library_pipeline.domain.normalize import format_position, series_key
from library_pipeline.domain.normalize.positions import (
    POSITION_LABEL,
    SERIES_IN_BRACKETS,
    format_position_range,
)

_ASIN = re.compile(r"(?: |^)\[([A-Z0-9]{10})\](?= |$)")
_NARRATOR = re.compile(r"^(?P<title>.*) \{(?P<narrators>.*)\}$")
# Audiobookshelf's `Vol 1 - `, `Book 2 - `, with the position words of other languages
# (`Band 2 - `, `Tome 1 - `, `T01 - `), four-digit numbers (`Vol. 0001`, `0004 - `: a bare one
# only zero-padded, else it is a year) and omnibus ranges (`Book 1 to 3 - `).
_SEQUENCE = re.compile(
    rf"^(?P<label>{POSITION_LABEL}\s?)?(?P<seq>\d{{1,4}}\s*(?:-|to)\s*\d{{1,4}}|"
    r"\d{0,4}(?:\.\d{1,2})?)(?P<dot>\.?)(?: (?P<suffix>.*))?$",
    re.IGNORECASE,
)
# Packaging a series folder carries: "The Riyria Revelations (Books 1-6)", "Jack Reacher (01-29)",
# "The Saxon Stories 1-13", "Discworld [Complete]".
_SERIES_PACKAGING = re.compile(
    rf"\s*(?:[\(\[]\s*(?:{POSITION_LABEL}s?\s*)?\d{{1,4}}\s*(?:-|to)\s*\d{{1,4}}\s*[\)\]]|"
    r"\s\d{1,4}\s*-\s*\d{1,4}|\s*[\(\[](?:complete|complete series|series)[\)\]])$",
    re.IGNORECASE,
)
# ABS issue 191's `NN - Author - (Series #NN) - Title`: a segment naming the series.
_NUMBER_ONLY = re.compile(r"^#?\d{0,4}(?:\.\d{1,2})?$")
_SERIES_SEGMENT = re.compile(
    r"^[\(\[](?P<series>[^()\[\]#]+?)\s*#\s*(?P<seq>\d{1,4}(?:\.\d{1,2})?)[\)\]]$"
)
# Words that make "(Name N)" packaging or an edition, not a series: "(Disc 2)", "(CD 1)",
# "(Director's Cut 3)", "(Unabridged 2)", "(Special Edition 2)", "(Season 2)".
_NOT_SERIES_WORDS = frozenset(
    {"disc", "disk", "cd", "cds", "part", "pt", "unabridged", "abridged", "edition", "cut",
     "version", "remastered", "remaster", "season", "episode", "ep", "chapter", "track", "tape",
     "side", "file", "files", "mp3", "m4b", "kbps", "bonus", "extended", "anniversary", "deluxe",
     "special", "director's", "directors", "collector's", "complete", "audiobook", "audio",
     "retail", "dramatized", "dramatised", "cast", "radio", "of"}
)  # fmt: skip
# Lower-case words a capitalised series name may hold: "Lord of the Rings", "Wings of Fire".
_SERIES_SMALL_WORDS = frozenset(
    {"of", "the", "a", "an", "and", "in", "on", "at", "to", "for", "de", "la", "le", "du",
     "der", "die", "das", "von", "van", "y", "et", "und"}
)  # fmt: skip
_LABEL_WORD = re.compile(rf"^{POSITION_LABEL}$", re.IGNORECASE)
_YEAR = re.compile(r"^ *\(?([0-9]{4})\)? * - *(.+)")
# Edition noise that is never part of a title: "(Unabridged)", "[Unabridged Audiobook]", …
_NOISE = re.compile(
    r"\s*(?:[\(\[]\s*(?:unabridged|audio ?book|unabridged audio ?book|retail)\s*[\)\]]"
    r"|\s-\s*unabridged\s*$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FolderMetadata:
    """What a book's relative path says about it (Audiobookshelf's
    `LibraryItemFilenameMetadata`)."""

    title: str | None = None
    subtitle: str | None = None
    asin: str | None = None
    authors: list[str] = field(default_factory=list)
    narrators: list[str] = field(default_factory=list)
    series: str | None = None
    series_position: str | None = None
    published_year: str | None = None
    # The author folder's credit as written when it holds a comma ("Shirtaloon, Michael
    # Kramer"): the library credits pass re-reads it with the whole library's evidence.
    author_credit: str | None = field(default=None, compare=False)
    # The series was read from the book folder's own name ("Die Trying (Jack Reacher 2)"), not
    # from a series folder: it is never an author folder misread (`book_record.regrouped_folder`).
    series_in_name: bool = field(default=False, compare=False)


# --- names ---------------------------------------------------------------------------------


def split_names(value: str | None) -> list[str]:
    """A credit string ("Pratchett, Terry", "A & B", "A, B") as a list of "First Last" names
    (the rules are `domain.credits.split_credit`)."""
    return split_credit(value)


def split_narrators(value: str | None) -> list[str]:
    """Like `split_names`, keeping people marked "(Narrator)" / "Read by" (the role dropped)."""
    return split_credit(value, keep_non_authors=True)


def strip_title_noise(title: str) -> str:
    """`Title (Unabridged)` → `Title`; never returns an empty string for a non-empty title."""
    cleaned = _NOISE.sub("", title).strip()
    return cleaned or title.strip()


def normalize_sequence(value: str | None) -> str | None:
    """A position as Audiobookshelf prints it: "02" → "2", "2.50" → "2.5"; other text kept."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text[:32]
    return format_position(number) if number >= 0 else text[:32]


# --- one folder name -----------------------------------------------------------------------


def _extract_asin(folder: str) -> tuple[str, str | None]:
    match = _ASIN.search(folder)
    if not match:
        return folder.strip(), None
    return folder.replace(match.group(0), "", 1).strip(), match.group(1)


def _extract_narrators(folder: str) -> tuple[str, str | None]:
    match = _NARRATOR.match(folder)
    return (match["title"], match["narrators"]) if match else (folder, None)


def _extract_sequence(folder: str) -> tuple[str, str | None]:
    parts = folder.split(" - ")
    for index, part in enumerate(parts):
        match = _SEQUENCE.match(part)
        # "101 Dalmatians" is a title; "101. Dalmatians" and "Book 101 Dalmatians" are not.
        if (
            not match
            or not match["seq"]
            or (match["suffix"] and not (match["label"] or match["dot"]))
            or (len(match["seq"]) == 4 and not match["label"] and match["seq"][0] != "0")
        ):
            continue
        sequence = format_position_range(match["seq"]) or normalize_sequence(match["seq"])
        if match["suffix"]:
            parts[index] = match["suffix"]
        else:
            del parts[index]
        return " - ".join(parts), sequence
    return folder, None


def clean_series_name(name: str | None) -> str | None:
    """A series folder's name without its packaging: "Jack Reacher (01-29)" → "Jack Reacher"."""
    if not name or not name.strip():
        return None
    return _SERIES_PACKAGING.sub("", name).strip() or name.strip()


def _extract_series_segment(
    folder: str, author: str | None
) -> tuple[str, str | None, str | None, str | None]:
    """`01 - Robert Ludlum - (Covert-One #01) - The Hades Factor` → (title, series, position,
    author credit): the segment in brackets names the series, what stands before it (after a
    leading number) is the credit unless it is the series again; (folder, None, None, None)
    when no segment names a series."""
    parts = folder.split(" - ")
    for index, part in enumerate(parts):
        match = _SERIES_SEGMENT.match(part.strip())
        if match is None or index == len(parts) - 1:
            continue
        before = [p.strip() for p in parts[:index] if not _NUMBER_ONLY.match(p.strip())]
        credit = " - ".join(before) or None
        if credit and series_key(credit) == series_key(match["series"]):
            credit = None
        if credit and author and series_key(credit) == series_key(author):
            credit = None  # the author folder again
        title = " - ".join(parts[index + 1 :])
        return title, match["series"].strip(), normalize_sequence(match["seq"]), credit
    return folder, None, None, None


def _looks_like_series_name(name: str) -> bool:
    """Capitalised words ("Jack Reacher", "Lord of the Rings"), none a packaging, edition or
    position word ("Disc", "Director's Cut", "Book")."""
    words = name.split()
    if not words or not words[0][:1].isupper() or words[-1].lower() in _SERIES_SMALL_WORDS:
        return False
    for word in words:
        bare = word.strip(".:-'\"").lower()
        if bare in _NOT_SERIES_WORDS - {"of"} or _LABEL_WORD.match(word):
            return False
        if not (word[:1].isupper() or word[:1].isdigit() or word.lower() in _SERIES_SMALL_WORDS):
            return False
    return True


def _extract_trailing_series(folder: str) -> tuple[str, str | None, str | None]:
    """`Die Trying (Jack Reacher 2)` → ("Die Trying", "Jack Reacher", "2"); (folder, None,
    None) when the brackets hold no series name and position."""
    # In a book folder with no series folder above it, the name must look like a series.
    match = SERIES_IN_BRACKETS.match(folder)
    if match is None or not _looks_like_series_name(match["series"]):
        return folder, None, None
    return match["title"].strip(), match["series"].strip(), normalize_sequence(match["pos"])


def _extract_year(folder: str) -> tuple[str, str | None]:
    match = _YEAR.match(folder)
    return (match.group(2), match.group(1)) if match else (folder, None)


def parse_book_folder(
    relative_parts: Sequence[str], parse_subtitle: bool = False
) -> FolderMetadata:
    """Metadata from a book's path relative to its library root, split into components.

    `["Brandon Sanderson", "Mistborn", "Vol 1 - 2006 - The Final Empire {Michael Kramer}"]` →
    title "The Final Empire", authors ["Brandon Sanderson"], narrators ["Michael Kramer"],
    series "Mistborn", position "1", year "2006". For a single audio file in the root, pass
    its name without the extension.
    """
    parts = [p for p in relative_parts if p]
    if not parts:
        return FolderMetadata()
    folder = parts.pop()
    series = parts.pop() if len(parts) > 1 else None
    author = parts.pop() if parts else None

    folder, asin = _extract_asin(folder)
    folder, narrators = _extract_narrators(folder)
    series = clean_series_name(series)
    series_in_name = False
    folder, named_series, sequence, credit = _extract_series_segment(folder, author)
    if named_series:
        if series is None and author and series_key(author) == series_key(named_series):
            author = None  # "Covert-One/01 - …(Covert-One #01)…": the top folder is the series
        series = series or named_series
        author = author or credit
    elif series:
        folder, sequence = _extract_sequence(folder)
    else:
        folder, series, sequence = _extract_trailing_series(folder)
        series_in_name = series is not None
    folder, year = _extract_year(folder)
    subtitle = None
    if parse_subtitle and " - " in folder:
        folder, subtitle = folder.split(" - ", 1)
    title = strip_title_noise(folder) if folder.strip() else None
    return FolderMetadata(
        title=title or None,
        subtitle=subtitle.strip() or None if subtitle else None,
        asin=asin,
        authors=split_credit(author, in_folder=True),
        narrators=split_narrators(narrators),
        series=series.strip() or None if series else None,
        series_position=sequence,
        published_year=year,
        author_credit=" ".join(author.split()) if author and "," in author else None,
        series_in_name=series_in_name,
    )


# --- book folders ----------------------------------------------------------------------------


def book_folder_parts(key: tuple[str, ...], is_single_root_file: bool) -> list[str]:
    """The components to hand to `parse_book_folder` for a book (for a file in the library
    root, its name without the extension)."""
    if is_single_root_file:
        name = key[-1]
        dot = name.rfind(".")
        return [name[:dot] if dot > 0 else name]
    return list(key)
