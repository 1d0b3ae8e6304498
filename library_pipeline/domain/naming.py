"""Library folder names for imported books, and path safety for names that come from outside.

Two jobs, both pure (no file system access):

- `render_book_path` turns a book's fields into its folder inside the library, following the
  naming template (a setting; default Audiobookshelf's recommended layout
  `Author/Series/Vol. N - Title {Narrator}`). A field that is empty takes its decoration with it:
  no series → `Author/Title {Narrator}`, no narrator → `…/Vol. 1 - Title`.
- Every path component that comes from a torrent or from metadata goes through
  `sanitize_component`, and every relative path through `split_relative` / `confine`, so a
  hostile torrent (`../../etc/passwd`, `/abs`, NUL, `CON`, 300-byte names) can never write
  outside the library root nor create a name that breaks a file system or a Windows/SMB client.
"""

from __future__ import annotations

import posixpath
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from library_pipeline.domain import normalize

# Longest file name (one component) on ext4, XFS, btrfs, ZFS: 255 bytes.
MAX_COMPONENT_BYTES = 255

# Windows (and therefore SMB shares and many NAS tools) refuse these names, with any extension.
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in [*range(10), "¹", "²", "³"]}
    | {f"LPT{i}" for i in [*range(10), "¹", "²", "³"]}
)

# Characters Windows forbids in names; `/` and `\` are separators and never survive either.
_FORBIDDEN = {"<": "", ">": "", '"': "'", "|": "-", "?": "", "*": "", "/": "-", "\\": "-"}
_COLON = re.compile(r"\s*:\s*")
_SPACES = re.compile(r"\s+")
_DRIVE = re.compile(r"^[A-Za-z]:")

DEFAULT_TEMPLATE = "{author}/{series}/Vol. {position} - {title} {{{narrator}}}"
UNKNOWN_AUTHOR = "Unknown Author"
UNKNOWN_TITLE = "Unknown Title"


class UnsafePath(ValueError):
    """A path from outside that would leave its root or cannot be made safe."""


class TemplateError(ValueError):
    """The naming template names an unknown field or is malformed."""


# --- components ------------------------------------------------------------------------------


def _is_control(ch: str) -> bool:
    # Cc = C0/C1 controls (NUL, \n, \t, DEL, ...); Zl/Zp = line/paragraph separators.
    return unicodedata.category(ch) in {"Cc", "Zl", "Zp"}


def truncate_utf8(name: str, max_bytes: int = MAX_COMPONENT_BYTES, keep_suffix: bool = True) -> str:
    """`name` cut to at most `max_bytes` of UTF-8, never inside a character.

    With `keep_suffix`, a short extension (`.mp3`, `.m4b`) survives: the stem is cut instead.
    Combining marks left dangling at the cut are dropped with their base character.
    """
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, suffix = name, ""
    if keep_suffix:
        dot = name.rfind(".")
        if dot > 0 and len(name) - dot <= 12 and "." not in name[dot + 1 :].strip():
            stem, suffix = name[:dot], name[dot:]
    budget = max_bytes - len(suffix.encode("utf-8"))
    if budget <= 0:  # absurd "extension": cut the whole thing
        stem, suffix, budget = name, "", max_bytes
    out = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    # A cut right after a base character would split it from its combining marks.
    cut_next = stem[len(out) : len(out) + 1]
    if cut_next and unicodedata.combining(cut_next):
        while out and unicodedata.combining(out[-1]):
            out = out[:-1]
        out = out[:-1]  # the base character whose marks were cut off
    return out.rstrip(" .") + suffix


def clean_text(value: str) -> str:
    """Character-level cleaning shared by names and template values.

    NFC-normalised; control characters (NUL, newlines, DEL, C1) become spaces; separators and
    characters Windows forbids are replaced (`Title: Sub` → `Title - Sub`, `AC/DC` → `AC-DC`);
    whitespace collapsed and trimmed.
    """
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(" " if _is_control(ch) else ch for ch in text)
    text = _COLON.sub(" - ", text)
    text = "".join(_FORBIDDEN.get(ch, ch) for ch in text)
    return _SPACES.sub(" ", text).strip()


def is_reserved_name(name: str) -> bool:
    """True for names Windows refuses: `CON`, `nul.mp3`, `COM1 .txt` (any case)."""
    return name.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_RESERVED


def sanitize_component(value: str, fallback: str = "_") -> str:
    """One safe path component (a folder or file name) from any text.

    `clean_text`, then: leading dots (hidden files, `.`, `..`) and trailing dots/spaces removed;
    Windows reserved names (`CON`, `nul.mp3`, `COM1`) prefixed with `_`; at most 255 bytes of
    UTF-8 (cut at a character boundary, extension kept). An empty result becomes `fallback`.
    """
    text = clean_text(value).lstrip(". ").rstrip(". ")
    stem, dot, extension = str(value).rpartition(".")
    if dot and text and stem and not stem.strip(". ") and text == clean_text(extension):
        # ` .mp3`: only an extension is left; keep it (`_.mp3`), not a bare `mp3`.
        text = f"{fallback}.{text}"
    if is_reserved_name(text):
        text = "_" + text
    text = truncate_utf8(text)
    return text or fallback


def split_relative(path: str) -> tuple[str, ...]:
    """The components of a relative path from a torrent, or `UnsafePath`.

    Both `/` and `\\` separate (a Windows-made torrent may use either). Rejected: empty paths,
    absolute paths (`/x`, `\\\\server\\x`, `C:\\x`, `C:x`), any `..` component, NUL. Empty and
    `.` components are dropped. The components are returned as they are on disk (unsanitised):
    use them to *read* the source, and `sanitize_component` on each to name the target.
    """
    if not path:
        raise UnsafePath("empty path")
    if "\x00" in path:
        raise UnsafePath(f"NUL byte in path {path!r}")
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        raise UnsafePath(f"absolute path {path!r}")
    parts = tuple(p for p in re.split(r"[/\\]", path) if p not in ("", "."))
    if any(p == ".." for p in parts):
        raise UnsafePath(f"'..' in path {path!r}")
    if not parts:
        raise UnsafePath(f"no name in path {path!r}")
    return parts


def sanitize_relative(path: str) -> PurePosixPath:
    """A relative path from outside, made safe component by component (after `split_relative`)."""
    return PurePosixPath(*(sanitize_component(p) for p in split_relative(path)))


def confine(root: str | PurePosixPath, relative: str | PurePosixPath) -> PurePosixPath:
    """`root / relative`, guaranteed (lexically) to lie strictly inside `root`.

    `relative` is split and every component sanitised first, so `../x`, `/etc`, `a/../../b` are
    rejected with `UnsafePath` and `CON` or 300-byte names are made safe. This is the lexical
    check; the importer also resolves symlinks on disk before writing.
    """
    root_str = posixpath.normpath(str(root))
    if not posixpath.isabs(root_str):
        raise UnsafePath(f"root must be absolute: {root_str!r}")
    safe = sanitize_relative(str(relative))
    joined = posixpath.normpath(posixpath.join(root_str, str(safe)))
    if posixpath.commonpath([root_str, joined]) != root_str or joined == root_str:
        raise UnsafePath(f"{relative!r} leaves {root_str!r}")
    return PurePosixPath(joined)


# --- the naming template ---------------------------------------------------------------------


@dataclass(frozen=True)
class BookNaming:
    """The fields a naming template can use (all optional except a fallback title)."""

    title: str = ""
    authors: Sequence[str] = ()
    narrators: Sequence[str] = ()
    series: str | None = None
    series_position: str | None = None
    subtitle: str | None = None
    year: str | int | None = None
    asin: str | None = None
    isbn: str | None = None
    language: str | None = None

    def fields(self) -> dict[str, str]:
        authors = [a.strip() for a in self.authors if _meaningful(a)]
        narrators = [n.strip() for n in self.narrators if _meaningful(n)]
        return {
            "author": authors[0] if authors else UNKNOWN_AUTHOR,
            "authors": ", ".join(authors) or UNKNOWN_AUTHOR,
            "title": self.title.strip() if _meaningful(self.title) else UNKNOWN_TITLE,
            "subtitle": (self.subtitle or "").strip(),
            "series": (self.series or "").strip(),
            "position": format_position(self.series_position) if self.series else "",
            "narrator": ", ".join(narrators),
            "year": str(self.year or "").strip()[:4],
            "asin": (self.asin or "").strip(),
            "isbn": (self.isbn or "").strip(),
            "language": (self.language or "").strip(),
        }


def _meaningful(value: str | None) -> bool:
    """Whether `value` still names something once cleaned (not empty, not just dots)."""
    return bool(value) and bool(clean_text(value or "").strip(". "))


TEMPLATE_FIELDS = frozenset(BookNaming().fields())


def format_position(position: str | float | int | None) -> str:
    """A series position for a folder name, through the shared normaliser: `"01"` → `"1"`,
    `"2.0"` → `"2"`, `"Book Two"` → `"2"`, `"1.5"` kept; unparseable text is kept as it is."""
    if position is None:
        return ""
    text = str(position).strip()
    parsed = normalize.format_position(normalize.parse_series_position(text))
    return parsed if parsed is not None else text


_OPEN, _CLOSE = "([{<", ")]}>"


def _parse_segment(segment: str) -> list[tuple[str, str | None]]:
    """`[(literal, field), ...]` with each field's whole preceding literal (escaped braces
    included); a trailing literal comes last with field None."""
    try:
        pieces = list(string.Formatter().parse(segment))
    except ValueError as error:
        raise TemplateError(f"naming template segment {segment!r}: {error}") from error
    out: list[tuple[str, str | None]] = []
    pending = ""
    for literal, field_name, format_spec, conversion in pieces:
        pending += literal
        if field_name is None:
            continue
        if format_spec or conversion:
            raise TemplateError(f"naming template: no format specs allowed in {segment!r}")
        if field_name not in TEMPLATE_FIELDS:
            known = ", ".join(sorted(TEMPLATE_FIELDS))
            raise TemplateError(f"naming template: unknown field {{{field_name}}} ({known})")
        out.append((pending, field_name))
        pending = ""
    if pending:
        out.append((pending, None))
    return out


def _render_segment(segment: str, values: Mapping[str, str]) -> str:
    """One `/`-separated template segment; an empty field drops its decoration.

    Tokens alternate literal, field, literal, ... For an empty field, the literal before it goes,
    and: with no non-empty field before it, or none after it, the literal after it goes too
    (`Vol. {position} - {title}` → `{title}`, `{title} {{{narrator}}}` → `{title}`); between two
    non-empty fields, only the closing brackets matching those it opened are removed from the
    literal after it (`{title} ({year}) - {narrator}` → `{title} - {narrator}`).
    """
    pieces = _parse_segment(segment)
    literals = [lit for lit, _ in pieces]
    names = [name for _, name in pieces]
    if not names or names[-1] is not None:
        literals.append("")  # literal after the last field
        names.append(None)
    # Now literal k precedes names[k]; the final entry is a trailing literal (name None).
    count = len(names) - 1
    filled = [bool(values.get(n or "")) for n in names[:count]]
    keep = list(literals)
    for k in range(count):
        if filled[k]:
            continue
        opened = [c for c in keep[k] if c in _OPEN]
        keep[k] = ""
        before = any(filled[:k])
        after = any(filled[k + 1 :])
        if not before or not after:
            keep[k + 1] = ""
        else:
            rest = keep[k + 1].lstrip()
            for ch in opened:
                if rest.startswith(_CLOSE[_OPEN.index(ch)]):
                    rest = rest[1:]
            keep[k + 1] = " " + rest.lstrip() if rest.strip() else " "
    out: list[str] = []
    for k in range(count):
        out.append(keep[k])
        if filled[k]:
            out.append(values[names[k] or ""])
    out.append(keep[count])
    return "".join(out)


def validate_template(template: str) -> None:
    """`TemplateError` unless `template` renders (unknown fields, stray braces, no title)."""
    if not template.strip():
        raise TemplateError("naming template is empty")
    if template.startswith("/") or any(
        seg.strip() in ("", ".", "..") for seg in template.split("/")
    ):
        raise TemplateError(f"naming template has an empty, '.' or '..' segment: {template!r}")
    names: set[str] = set()
    for segment in template.split("/"):
        names.update(n for _, n in _parse_segment(segment) if n is not None)
    if "title" not in names:
        raise TemplateError("naming template must contain {title}")


def render_book_path(book: BookNaming, template: str = DEFAULT_TEMPLATE) -> PurePosixPath:
    """The book's folder, relative to the library root, each component sanitised.

    Field values are cleaned first (a `/` inside a title never makes a new folder); a segment
    whose fields are all empty disappears (no series → no series folder).
    """
    validate_template(template)
    values = {key: clean_text(value) for key, value in book.fields().items()}
    parts: list[str] = []
    for segment in template.split("/"):
        names = [name for _, name in _parse_segment(segment) if name is not None]
        if names and not any(values.get(n) for n in names):
            continue  # e.g. {series} for a standalone book
        component = sanitize_component(_render_segment(segment, values), fallback="")
        if component:
            parts.append(component)
    if not parts:
        parts = [sanitize_component(values["title"], fallback=UNKNOWN_TITLE)]
    return PurePosixPath(*parts)
