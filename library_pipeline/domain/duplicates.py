"""Which scanned books are copies of one another. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# (stored path, library root, title/author keys or None)
Identity = tuple[str, str, tuple[str, frozenset[str]] | None]

DUPLICATE_OF = "duplicate of"


def _root_of(path: str, roots: Sequence[str], default: str) -> str:
    """The longest root holding `path` (roots may nest), else `default`."""
    for root in roots:
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return root
    return default


def duplicate_issues(identities: Iterable[Identity], roots: Sequence[str]) -> list[tuple[str, str]]:
    """(path, reason) for every copy after the first of a book: two folders with the same title
    and authors (in one library root or in two), or the same path relative to two roots. All
    copies stay recorded; the first (by path) is the one the others are copies of."""
    longest_first = sorted(roots, key=len, reverse=True)
    first_by_key: dict[object, tuple[str, str]] = {}
    flagged: dict[str, str] = {}
    for path, root, keys in sorted(identities):
        root_of = _root_of(path, longest_first, root)
        relative = path[len(root_of) :].lstrip("/")
        candidates: list[tuple[str, object]] = [("path", relative)]
        if keys:
            candidates.append(("book", keys))
        for key in candidates:
            first = first_by_key.setdefault(key, (path, root_of))
            if first[0] == path or path in flagged:
                continue
            if first[1] != root_of:
                what = "same folder path" if key[0] == "path" else "same title and author"
                flagged[path] = f"{DUPLICATE_OF} {first[0]} ({what}, in another library root)"
            elif key[0] == "book":
                flagged[path] = f"{DUPLICATE_OF} {first[0]} (same title and author, same root)"
    return list(flagged.items())
