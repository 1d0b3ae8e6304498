"""Which folders make one book, and which image is its cover, as Audiobookshelf decides.

Every folder holding audio is a book (all its files are one book, a folder of chapters
included), `CD 1` / `Disc 2` sub-folders belong to the folder above them, a folder that is
already a book keeps the audio of its sub-folders, and an audio file directly in the library
root is a book of its own. No book spans two top-level folders of a root.

Pure, and light: the library walk's helper processes import it without site-packages.
"""

from __future__ import annotations

import re

# Not `typing.TYPE_CHECKING`: the walk's helper processes start faster without typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

COVER_STEMS = ("cover", "folder")

_DISC_FOLDER = re.compile(r"^(cd|dis[ck])\s*\d{1,3}$", re.IGNORECASE)
_NATURAL = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "2 - x" before "10 - x" (Audiobookshelf's numeric collation)."""
    return tuple(
        (0, int(token)) if token.isdigit() else (1, token.casefold())
        for token in _NATURAL.split(name)
        if token
    )


def is_disc_folder(name: str) -> bool:
    """`CD 1`, `Disc 2`, `disk3`: a part of the book above it, not a book."""
    # The first letter rules out almost every folder without the regex (grouping asks per folder).
    return name[:1] in "cCdD" and _DISC_FOLDER.match(name) is not None


def group_book_dirs(
    dirs: Iterable[tuple[str, ...]],
) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Group the folders that hold audio (relative paths as component tuples) into books.

    Returns book key (the book folder's relative path) → the member folders, relative to the
    book (`()` is the book folder itself), in natural order. Shallower folders are considered
    first, so a folder that holds audio keeps the audio of its sub-folders, as Audiobookshelf
    does; a `CD 1`/`Disc 2` folder makes its parent the book. The library root itself (`()`)
    is not grouped: each audio file directly in the root is a book of its own.
    """
    books: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for folder in sorted((d for d in dirs if d), key=len):
        owner = None
        for depth in range(1, len(folder)):  # a loop, not next(genexpr): this runs per folder
            if folder[:depth] in books:
                owner = folder[:depth]
                break
        if owner is None:
            owner = folder[:-1] if len(folder) > 1 and is_disc_folder(folder[-1]) else folder
            books.setdefault(owner, [])
        books[owner].append(folder[len(owner) :])
    for members in books.values():
        if len(members) > 1:
            members.sort(key=lambda rel: tuple(natural_key(part) for part in rel))
    return books


def pick_cover(image_names: Iterable[str]) -> str | None:
    """Audiobookshelf's choice of cover among a book folder's images: `cover.*`, `folder.*`,
    else the first image in natural order."""
    names = sorted(image_names, key=natural_key)
    for stem in COVER_STEMS:
        for name in names:
            if name.rsplit(".", 1)[0].lower() == stem:
                return name
    return names[0] if names else None
