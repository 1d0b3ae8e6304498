"""One credit string (a tag, a folder name) into the people it names.

The rules a library's credits need beyond "A and B" / "Last, First":

- "Shirtaloon, Michael Kramer": a one-word left side followed by a full name (two or more
  words, the last not an initial) is two people, not "Last, First"; "Pratchett, Terry",
  "Corey, James S. A." and "Le Guin, Ursula K." stay one person each.
- Suffixes stay with their person: "Martin Luther King, Jr.", "Smith, John, Jr.", "John Smith
  III", "Jnr", "Snr", "PhD".
- "Allan & Mamta Pedersen": a lone given name before "&"/"and" shares the surname after it.
- Names holding role words are names ("Deep Author", "Ada Author"); only role markers are
  stripped: "(Author)", "[Narrator]", "- translator", "Narrated by …", "Read by …".
- CJK lists ("、", "，", "；", "／") are lists.
- A title alone ("Dr.", "General") is not a person.

`normalize.split_authors` is this rule (it delegates here); the "Last, First" turn of one
person is `normalize.authors.last_first_names`. Pure: no I/O.
"""

# ruff: noqa: RUF001, RUF002  # CJK separators and dashes are the data here

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from library_pipeline.domain.normalize import normalize_author
from library_pipeline.domain.normalize.authors import last_first_names

_CJK_SEPARATORS = re.compile(r"\s*[、，；／]\s*")
_LIST_SEPARATORS = re.compile(r"\s*(?:;|&|\+|/|\band\b|\bwith\b|\bfeat(?:uring|\.)?\b)\s*", re.I)
_ROLES = (
    r"author|writer|narrator|narrated|reader|translator|translated|illustrator|editor|"
    r"foreword|introduction|afterword|performer|cast"
)
_ROLE_MARKER = re.compile(rf"\s*[\(\[]\s*(?:{_ROLES})(?:\s+by)?\s*[\)\]]", re.I)
_ROLE_DASH = re.compile(rf"\s+[-–—]\s*(?:{_ROLES})\s*$", re.I)
_ROLE_PREFIX = re.compile(
    r"^\s*(?:narrated|read|performed|translated|written|illustrated|edited)\s+by\s+", re.I
)
_NON_AUTHOR_MARKER = re.compile(
    r"[\(\[]\s*(?:narrat|reader|translat|illustrat|editor|foreword|introduction|afterword|"
    r"performer|cast)|[-–—]\s*(?:narrat|reader|translat|illustrat|editor)|"
    r"^\s*(?:narrated|read|performed|translated|illustrated|edited)\s+by\b",
    re.I,
)
_NARRATOR_MARKER = re.compile(
    r"[\(\[]\s*(?:narrat|reader|read\s+by|performer)|[-–—]\s*(?:narrat|reader)|"
    r"^\s*(?:narrated|read|performed)\s+by\b",
    re.I,
)
# What makes a credit more than one plain name (lists, inversions, roles, CJK separators).
_NOT_PLAIN = re.compile(r"[,;&+/()\[\]、，；／–—-]|\b(?:and|with|feat|by)\b", re.I)
_SUFFIX = re.compile(r"^(?:jr|jnr|sr|snr|ph\.?\s?d|md|ii|iii|iv|esq)\.?$", re.I)
_TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "professor", "general", "sir", "dame", "captain", "rev"}
)


def _is_initial(token: str) -> bool:
    letters = token.replace(".", "")
    return (len(letters) <= 2 and letters.isupper()) or (token.endswith(".") and len(token) <= 3)


def _is_full_name(text: str) -> bool:
    """Two or more words, the last a real word (not an initial or a suffix)."""
    tokens = text.split()
    return len(tokens) >= 2 and not _is_initial(tokens[-1]) and not _SUFFIX.match(tokens[-1])


def _comma_people(part: str) -> list[str]:
    """One list item that may hold commas: "Last, First", suffixes, "X, Full Name"."""
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    merged: list[str] = []
    for piece in pieces:  # a suffix belongs to the piece before it
        if _SUFFIX.match(piece) and merged:
            merged[-1] = f"{merged[-1]}, {piece}"
        else:
            merged.append(piece)
    if len(merged) == 2 and len(merged[0].split()) == 1 and _is_full_name(merged[1]):
        return merged  # "Shirtaloon, Michael Kramer": two people
    if len(merged) == 2 and "," in merged[1]:  # "Smith, John, Jr."
        first, suffix = merged[1].rsplit(",", 1)
        return [f"{first.strip()} {merged[0]} {suffix.strip()}"]
    out: list[str] = []
    for name in last_first_names(", ".join(merged)):
        out.append(name.replace(", ", " ") if _SUFFIX.match(name.rsplit(",", 1)[-1]) else name)
    return out


def _shared_surnames(items: list[str]) -> list[str]:
    """ "Allan", "Mamta Pedersen" → "Allan Pedersen", "Mamta Pedersen"."""
    out = list(items)
    for index in range(len(out) - 1):
        here, after = out[index].split(), out[index + 1].split()
        if len(here) == 1 and len(after) >= 2 and "," not in out[index + 1]:
            out[index] = f"{here[0]} {after[-1]}"
    return out


def split_credit(value: str | None, *, keep_non_authors: bool = False) -> list[str]:
    """The people a credit names, "First Last", each once, in order.

    Items marked as narrators, translators, illustrators … are dropped unless
    `keep_non_authors` (a narrator tag reads "Narrated by X": X is kept there)."""
    if not value or not value.strip():
        return []
    if not _NOT_PLAIN.search(value):  # one plain name, the common case
        name = " ".join(value.split())
        return [] if name.lower().rstrip(".") in _TITLES else [name]
    return list(_split_credit(value, keep_non_authors))


@lru_cache(maxsize=8192)  # credits repeat across a library and a provider's catalogue
def _split_credit(value: str, keep_non_authors: bool) -> tuple[str, ...]:
    people: list[str] = []
    for item in _shared_surnames(_items(value)):
        if not keep_non_authors and _NON_AUTHOR_MARKER.search(item):
            continue
        name = _ROLE_PREFIX.sub("", _ROLE_DASH.sub("", _ROLE_MARKER.sub("", item))).strip(" ,")
        for person in _comma_people(name) if "," in name else [name]:
            person = " ".join(person.split())
            if person and person.lower().rstrip(".") not in _TITLES and person not in people:
                people.append(person)
    return tuple(people)


def _items(value: str) -> list[str]:
    """A credit's list items ("A (Author), B (Narrator)": commas between marked credits
    separate people)."""
    text = _CJK_SEPARATORS.sub("; ", value.strip())
    items = []
    for item in _LIST_SEPARATORS.split(text):
        marked = "," in item and (_ROLE_MARKER.search(item) or _NON_AUTHOR_MARKER.search(item))
        items += [i.strip(" ,") for i in (item.split(",") if marked else [item]) if i.strip(" ,")]
    return items


def marked_narrators(value: str | None) -> list[str]:
    """The people a credit marks as narrating: "N. K. Jemisin (Author), Robin Miles
    (Narrator)" → ["Robin Miles"] (an artist tag that credits both)."""
    if not value or not _NARRATOR_MARKER.search(value):
        return []
    marked = [item for item in _items(value) if _NARRATOR_MARKER.search(item)]
    return [p for item in marked for p in split_credit(item, keep_non_authors=True)]


def narrators_among_authors(
    authors: Sequence[str], narrators: Sequence[str], known_narrators: set[str]
) -> tuple[list[str], list[str]] | None:
    """(authors, narrators) with the co-credits who narrate elsewhere in the library moved to
    the narrators, for a book that names no narrator ("Jim Butcher, James Marsters" in the
    artist tag); None when nothing moves. The first-credited author always stays.
    `known_narrators`: `normalize_author` keys of the library's narrators."""
    if narrators or len(authors) < 2:
        return None
    moved = [a for a in authors[1:] if normalize_author(a) in known_narrators]
    if not moved:
        return None
    return [a for a in authors if a not in moved], moved


def likely_narrators(author_lists: Iterable[Sequence[str]], min_leads: int = 3) -> dict[str, int]:
    """Co-credits that appear after `min_leads` or more different first-credited authors
    across a library (a ripper's narrator in the artist tag): name → how many leads. A name
    that leads a credit itself is an author."""
    leads_beside: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    leading: set[str] = set()
    for authors in author_lists:
        if not authors:
            continue
        lead = normalize_author(authors[0])
        leading.add(lead)
        for name in authors[1:]:
            key = normalize_author(name)
            names.setdefault(key, name)
            leads_beside[key].add(lead)
    return {
        names[key]: len(leads)
        for key, leads in leads_beside.items()
        if len(leads) >= min_leads and key not in leading
    }
