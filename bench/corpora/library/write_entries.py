"""Writes `entries.json`, the labelled library corpus, from `books.txt` and the hard cases below.

    .venv/bin/python bench/corpora/library/write_entries.py   # rewrites entries.json

Each book of `books.txt` is rendered once, in the style of its section, the way real libraries
hold books (facts from public material, written here in our own words):

- libation: Libation's naming templates (`<title short> [<id>]`, `<series#> - <title short>
  [<id>]`, `<series#[00]> - (<year>) - <series> - <title> [<id>]` as users share them) over the
  tags Audible downloads carry (title "Title: Series, Book 1", album "Title (Unabridged)").
- openaudible: OpenAudible's flat `books` folder of `Title.m4b`, or `Author/Title` after an mp3
  conversion; Audible's title/album packaging, composer = narrator.
- inaudible: chapter-split mp3 folders, album "Title (Unabridged)" or "Title: Series, Book N",
  TXXX SERIES/SERIES-PART or movement tags.
- mp3tag-audible: the widely shared Mp3tag "Audible" web-source set-up: ARTIST "Author,
  Narrator", ALBUMARTIST author, COMPOSER narrator, grouping "Series, Book #N", MVNM/MVIN,
  SERIES/SERIES-PART, folders `Author/Series/Vol. N - Year - Title {Narrator}`.
- mam-upload: one-level release folders (`Author - Series 07 - Title`, `Title (Series #3)
  [Year]`, `Title - Author (Year) [Narrator]`) holding well-tagged files.
- abs-folders: the folder names of Audiobookshelf's documentation (`Vol 1 - 1994 - Title
  {Narrator}`, `1994 - Book 1 - Title`, `Volume 1. Title`, `1. Title`, `(1994) - Title`,
  `Title - Subtitle`, `1945 - Animal Farm`, single files in the root), few or no tags.
- hand-made: folders people make by hand (`Author - Title`, `Series 13 - Title`, `#3 - Title`,
  `Series, Book 2 - Title`, `Book Three - Title`, `Title (Book 2)`), files `01.mp3`, sparse tags.
- folder-packaging: clean tags, packaged folders (`Title [2005]`, `Title (Unabridged)`, `#3 -
  Title`, `Series 13 - Title`, `Title (Series #1)`).

Then the hard cases (credits, position words, real subtitles, multi-disc folders, dramatised
adaptations, CJK names) are written entry by entry in `hard_cases()`.

Entry: {id, kind, also: [secondary kinds], path (relative to the library root; a single file
in the root when `root_file`), files: [{name (relative to the book folder), tags: {kind:
value}}], expect: {title, series, position, authors, narrators, accept_titles?}, note?}.
Tag kinds (mapped to each format's keys by bench/library_records.py): title, album, artist,
album_artist, composer, narrator, grouping, content_group, series, series_part,
movement_name, movement, asin, year, subtitle, track, disc, genre, comment, publisher.
ASINs are synthetic (B0 + a hash of the title): only their shape matters here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hard_cases import hard_cases  # the second half of the corpus, entry by entry

HERE = Path(__file__).resolve().parent
WORDS = [
    "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
    "Nineteen", "Twenty",
]  # fmt: skip


@dataclass(frozen=True)
class Book:
    authors: tuple[str, ...]
    title: str
    series: str | None
    position: str | None
    narrators: tuple[str, ...]
    year: str
    subtitle: str | None

    @property
    def author(self) -> str:
        return ", ".join(self.authors)

    @property
    def narrator(self) -> str:
        return ", ".join(self.narrators)

    @property
    def asin(self) -> str:
        digest = hashlib.sha1(self.title.encode()).hexdigest().upper()
        return "B0" + digest[:8]

    @property
    def pos2(self) -> str:
        """The position zero-padded to two digits ("3.5" → "03.5")."""
        assert self.position is not None
        whole, dot, frac = self.position.partition(".")
        return f"{int(whole):02d}{dot}{frac}"


def read_books(path: Path) -> dict[str, list[Book]]:
    sections: dict[str, list[Book]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
            continue
        cells = [c.strip() for c in line.split("|")]
        authors, title, series, position, narrators, year, subtitle = cells
        assert current is not None
        sections[current].append(
            Book(
                tuple(a.strip() for a in authors.split(";")),
                title,
                series or None,
                position or None,
                tuple(n.strip() for n in narrators.split(";") if n.strip()),
                year,
                subtitle or None,
            )
        )
    return sections


def expect(book: Book, *, narrators: bool = True, **extra: Any) -> dict[str, Any]:
    """The labels of a book; `narrators=False` when no source in the entry names them."""
    out = {
        "title": book.title,
        "series": book.series,
        "position": book.position if book.series else None,
        "authors": list(book.authors),
        "narrators": list(book.narrators) if narrators else [],
    }
    out.update(extra)
    return out


def clean_tags(book: Book, **more: str | None) -> dict[str, str]:
    tags = {
        "title": book.title,
        "album": book.title,
        "artist": book.author,
        "album_artist": book.author,
        "composer": book.narrator,
        "year": book.year,
    }
    if book.series:
        tags["series"] = book.series
        tags["series_part"] = book.position or ""
    tags.update({k: v for k, v in more.items() if v is not None})
    return {k: v for k, v in tags.items() if v}


def chapters(
    stem: str, count: int, fmt: str, tags: dict[str, str], name: str = "{stem} - {n:02d}"
) -> list[dict[str, Any]]:
    """`count` chapter files of one book: per-file title "Chapter N" and track N/count."""
    files = []
    for n in range(1, count + 1):
        per_file = dict(tags, title=f"Chapter {n}", track=f"{n}/{count}")
        files.append({"name": name.format(stem=stem, n=n) + f".{fmt}", "tags": per_file})
    return files


def one_file(name: str, fmt: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"name": f"{name}.{fmt}", "tags": tags}]


def safe(name: str) -> str:
    """A title as a file or folder name (what rippers do with "/" and ":")."""
    return name.replace("/", "-").replace(":", " -").replace("?", "")


def audible_title(book: Book) -> str:
    """Audible's title of a series book: "Storm Front: The Dresden Files, Book 1"."""
    if book.series:
        return f"{book.title}: {book.series}, Book {book.position}"
    return f"{book.title}: {book.subtitle}" if book.subtitle else book.title


# --- styles: Book, index in its section → (path, files, expect, root_file) ---------------


def libation(book: Book, i: int) -> dict[str, Any]:
    variant = i % 4
    a, t, s = book.author, safe(book.title), book.series
    tags = {"artist": a, "album_artist": a, "asin": book.asin, "year": book.year,
            "genre": "Audiobook", "comment": f"{book.title} read by {book.narrator}."}  # fmt: skip
    if variant == 0:
        path = f"{book.authors[0]}/{s}/{book.pos2} - {t} [{book.asin}]" if s else (
            f"{book.authors[0]}/{t} [{book.asin}]")  # fmt: skip
        tags |= {"title": audible_title(book), "album": f"{book.title} (Unabridged)",
                 "composer": book.narrator, "narrator": book.narrator}  # fmt: skip
    elif variant == 1:
        path = f"{t} [{book.asin}]"
        tags |= {"title": book.title, "album": f"{audible_title(book)} (Unabridged)",
                 "narrator": book.narrator}  # fmt: skip
    elif variant == 2:
        path = (f"{book.authors[0]}/{s}/{book.pos2} - ({book.year}) - {s} - {t} [{book.asin}]"
                if s else f"{book.authors[0]}/({book.year}) - {t} [{book.asin}]")  # fmt: skip
        tags |= {"title": book.title, "album": book.title, "composer": book.narrator}
        if s:
            tags |= {"series": s, "series_part": book.position or ""}
    else:
        path = f"{book.authors[0]}/{t} [{book.asin}]"
        tags |= {"title": book.title, "album": book.title, "composer": book.narrator}
        if s:
            tags["grouping"] = f"{s}, Book {book.position}"
    files = one_file(f"{t} [{book.asin}]", "m4b", tags)
    return {"path": path, "files": files, "expect": expect(book)}


def openaudible(book: Book, i: int) -> dict[str, Any]:
    variant = i % 3
    a, t = book.author, safe(book.title)
    tags = {"artist": a, "album_artist": a, "composer": book.narrator, "year": book.year,
            "genre": "Audiobook"}  # fmt: skip
    if variant == 0:  # the flat books folder
        tags |= {"title": audible_title(book), "album": f"{book.title} (Unabridged)"}
        return {"path": f"{t}.m4b", "root_file": True,
                "files": [{"name": f"{t}.m4b", "tags": tags}], "expect": expect(book)}  # fmt: skip
    if variant == 1:  # converted to mp3, one folder per author/title
        tags |= {"title": audible_title(book), "album": audible_title(book)}
        return {"path": f"{book.authors[0]}/{t}", "files": one_file(t, "mp3", tags),
                "expect": expect(book)}  # fmt: skip
    label = f"{book.title} ({book.series} #{book.position})" if book.series else book.title
    tags |= {"title": label, "album": label}
    folder = f"{book.authors[0]}/{book.series}/{t}" if book.series else f"{book.authors[0]}/{t}"
    return {"path": folder, "files": one_file(t, "m4b", tags), "expect": expect(book)}


def inaudible(book: Book, i: int) -> dict[str, Any]:
    variant = i % 3
    a, t, s = book.author, safe(book.title), book.series
    tags = {"artist": a, "album_artist": a, "composer": book.narrator, "year": book.year}
    if variant == 0:
        tags["album"] = f"{book.title} (Unabridged)"
        if s:
            tags |= {"series": s, "series_part": book.position or ""}
        name = "{stem} - {n:02d}"
    elif variant == 1:
        tags["album"] = f"{audible_title(book)} (Unabridged)"
        name = "Chapter {n:02d}"
    else:
        tags["album"] = book.title
        if s:
            tags |= {"movement_name": s, "movement": book.position or ""}
        name = "{n:02d} {stem}"
    path = f"{book.authors[0]}/{s}/{t}" if s and variant != 1 else f"{book.authors[0]}/{t}"
    return {"path": path, "files": chapters(t, 3, "mp3", tags, name), "expect": expect(book)}


def mp3tag_audible(book: Book, i: int) -> dict[str, Any]:
    fmt = ("m4b", "mp3", "m4b", "flac")[i % 4]
    a, t, s = book.author, safe(book.title), book.series
    tags = {"title": book.title, "album": book.title, "artist": f"{a}, {book.narrator}",
            "album_artist": a, "composer": book.narrator, "year": book.year,
            "asin": book.asin, "genre": "Fantasy"}  # fmt: skip
    if book.subtitle:
        tags["subtitle"] = book.subtitle
    if s:
        grouping = f"{s}, Book #{book.position}" if i % 2 else f"{s} #{book.position}"
        tags |= {"grouping": grouping, "movement_name": s, "movement": book.position or "",
                 "series": s, "series_part": book.position or ""}  # fmt: skip
        path = f"{book.authors[0]}/{s}/Vol. {book.position} - {book.year} - {t} {{{book.narrator}}}"
    else:
        path = f"{book.authors[0]}/{book.year} - {t} {{{book.narrator}}}"
    return {"path": path, "files": one_file(t, fmt, tags), "expect": expect(book)}


def mam_upload(book: Book, i: int) -> dict[str, Any]:
    variant = i % 3
    a, t, s = book.author, safe(book.title), book.series
    tags = clean_tags(book)
    if variant == 0:
        path = f"{a} - {s} {book.pos2} - {t}" if s else f"{a} - {t}"
    elif variant == 1:
        path = f"{t} ({s} #{book.position}) [{book.year}]" if s else f"{t} [{book.year}]"
        tags = clean_tags(book, album=f"{book.title} (Unabridged)")
    else:
        path = f"{t} - {a} ({book.year}) [{book.narrator}]"
    if i % 4 == 3:
        files = chapters(t, 2, "mp3", tags, "{n:02d} - {stem}")
    else:
        files = one_file(t, "m4b", tags)
    return {"path": path, "files": files, "expect": expect(book)}


def abs_folders(book: Book, i: int) -> dict[str, Any]:
    a, t, s, p, n, y = book.authors[0], safe(book.title), book.series, book.position, (
        book.narrator), book.year  # fmt: skip
    if s:
        forms = [
            (f"{s}/Vol {p} - {y} - {t} {{{n}}}", True),
            (f"{s}/Vol. {p} - {t}", False),
            (f"{s}/{y} - Book {p} - {t}", False),
            (f"{s}/{y} - Volume {p}. {t} {{{n}}}", True),
            (f"{s}/{p}. {t}", False),
            (f"{s}/{p} - {t}", False),
            (f"{s}/Book {p} - {t} {{{n}}}", True),
            (f"{s}/{y} - {t} - Volume {p}", False),
            (f"{s}/Vol. {p} - {y} - {t}", False),
        ]
        tail, named = forms[i % len(forms)]
        path = f"{a}/{tail}"
    else:
        forms = [(f"{a}/{t} {{{n}}}", True), (f"{a}/{y} - {t}", False), (f"{y} - {t}", False)]
        if book.subtitle:
            forms = [(f"{a}/{t} - {safe(book.subtitle)} {{{n}}}", True)]
        path, named = forms[i % len(forms)]
    fmt = ("mp3", "m4b", "ogg", "opus", "flac")[i % 5]
    accept = [f"{book.title}: {book.subtitle}"] if book.subtitle else []
    if path.startswith(f"{y} - "):  # no author folder: the tags name the author
        tags = {"artist": book.author, "title": book.title}
        files = one_file(t, fmt, tags)
    elif i % 3 == 0:  # untagged
        files = [{"name": f"Audio Track {k}.{fmt}", "tags": {}} for k in (1, 2)]
    elif i % 3 == 1:  # chapter titles only
        files = [{"name": f"{k:02d}.{fmt}", "tags": {"title": f"Track {k}", "track": str(k)}}
                 for k in (1, 2, 3)]  # fmt: skip
    else:
        files = one_file("Audiobook", fmt, {"album": book.title, "artist": book.author})
    labels = expect(book, narrators=named)
    if accept:
        labels["accept_titles"] = accept
    return {"path": path, "files": files, "expect": labels}


def hand_made(book: Book, i: int) -> dict[str, Any]:
    a, t, s, p = book.authors[0], safe(book.title), book.series, book.position
    if not s:
        standalone = [f"{a} - {t}", f"{a}/{t} ({book.year})"]
        path = standalone[i % 2]
        tags = {"album": book.title, "artist": book.author}
        files = [{"name": f"{k:02d}.mp3", "tags": dict(tags, title=f"Track {k:02d}")}
                 for k in (1, 2)]  # fmt: skip
        return {"path": path, "files": files, "expect": expect(book, narrators=False)}
    word = WORDS[int(p)] if p and p.isdigit() and int(p) < len(WORDS) else p
    forms: list[tuple[str, dict[str, str]]] = [
        (f"{a}/{s} {book.pos2} - {t}", {"album": book.title}),
        (f"{a}/{s}/{s} {p} - {t}", {"album": f"{s} {p} - {book.title}"}),
        (f"{a}/{s}/#{p} - {t}", {"album": book.title}),
        (f"{a}/{s}/{s}, Book {p} - {t}", {}),
        (f"{a}/{s}/Book {word} - {t}", {"album": book.title}),
        (f"{a}/{s}/{t} (Book {p})", {}),
        (f"{a} - {s} #{p} - {t}", {"album": book.title}),
    ]
    path, tags = forms[i % len(forms)]
    if tags:
        tags = dict(tags, artist=book.author)
    narrated = i % 2 == 0 and bool(tags)
    if narrated:
        tags["composer"] = book.narrator
    files = [{"name": f"Track {k:02d}.mp3", "tags": dict(tags, track=str(k)) if tags else {}}
             for k in (1, 2)]  # fmt: skip
    if not tags:  # untagged: the author folder must speak for the author
        path = path if "/" in path else f"{a}/{path}"
    return {"path": path, "files": files, "expect": expect(book, narrators=narrated)}


def folder_packaging(book: Book, i: int) -> dict[str, Any]:
    a, t, s, p, y = book.authors[0], safe(book.title), book.series, book.position, book.year
    if s:
        forms = [
            f"{a}/{s}/{t} [{y}]",
            f"{a}/{s}/{t} (Unabridged)",
            f"{a}/{s}/#{p} - {t}",
            f"{a}/{s}/{s} {p} - {t}",
            f"{a}/{s}/{t} ({s} #{p})",
            f"{a}/{s}/{book.pos2} - {t} (Unabridged) [{y}]",
            f"{a}/{s}/{s}, Book {p} - {t} [{book.asin}]",
        ]
    else:
        forms = [f"{a}/{t} [{y}]", f"{a}/{t} (Unabridged) [{book.asin}]"]
    path = forms[i % len(forms)]
    fmt = ("m4b", "mp3", "ogg")[i % 3]
    return {"path": path, "files": one_file(t, fmt, clean_tags(book)), "expect": expect(book)}


STYLES = {
    "libation": libation,
    "openaudible": openaudible,
    "inaudible": inaudible,
    "mp3tag-audible": mp3tag_audible,
    "mam-upload": mam_upload,
    "abs-folders": abs_folders,
    "hand-made": hand_made,
    "folder-packaging": folder_packaging,
}


def styled_entries() -> list[dict[str, Any]]:
    out = []
    for kind, books in read_books(HERE / "books.txt").items():
        render = STYLES[kind]
        for i, book in enumerate(books):
            entry = render(book, i)
            also = [] if book.series else ["no-series"]
            if len(book.authors) > 1:
                also.append("co-authors")
            if book.subtitle:
                also.append("real-subtitle")
            out.append({"kind": kind, "also": also, **entry})
    return out


def main() -> None:
    entries = styled_entries() + hard_cases()
    paths = set()
    for number, entry in enumerate(entries, 1):
        entry["id"] = f"lib-{number:03d}"
        assert entry["path"] not in paths, entry["path"]
        paths.add(entry["path"])
        entry.setdefault("also", [])
        entry["expect"].setdefault("accept_titles", [])
    ordered = [
        {"id": e["id"], "kind": e["kind"], "also": e["also"], "path": e["path"],
         **({"root_file": True} if e.get("root_file") else {}), "files": e["files"],
         "expect": e["expect"], **({"note": e["note"]} if e.get("note") else {})}
        for e in entries
    ]  # fmt: skip
    (HERE / "entries.json").write_text(
        json.dumps(ordered, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(ordered)} entries written to {HERE / 'entries.json'}")


if __name__ == "__main__":
    main()
