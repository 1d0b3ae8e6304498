"""One credit string (a tag, a folder name) into the people it names.

The rules a library's credits need beyond "A and B" / "Last, First":

- "X, Y" (`reads_last_first`, the one rule) reads by where it is written, then by evidence:
  - evidence first (`known_people`: the book's narrators, its other credits, the library's
    narrators and authors): the inverted whole known as one person ("Arthur Conan Doyle"
    credited elsewhere) makes "Doyle, Arthur Conan" one person; else either side known on its
    own ("Shirtaloon, Michael Kramer" where Michael Kramer narrates) makes it two people;
  - in a credit TAG (artist, album artist, author tags; also lists such as Audiobookshelf's
    `authorName`) a one-word left side before a full name is two people ("Shirtaloon, Michael
    Kramer", issue 17); "Pratchett, Terry", "García Márquez, Gabriel" (a two-word surname, one
    given name), "Le Guin, Ursula K.", "Tolkien, J. R. R." are "Last, First";
  - in an author FOLDER name (`in_folder`) "Last, First [Middle]" is one person, the
    Calibre/Readarr sort order ("Doyle, Arthur Conan"); "Jim Butcher, Michael Kramer" (two
    full names) is still two people.
- Suffixes stay with their person: "Martin Luther King, Jr.", "Smith, John, Jr.", "John Smith
  III", "Jnr", "Snr", "PhD".
- "Allan & Mamta Pedersen": a lone given name before "&"/"and" shares the surname after it.
- Names holding role words are names ("Deep Author", "Ada Author"); only role markers are
  stripped: "(Author)", "[Narrator]", "- translator", "Narrated by …", "Read by …",
  ", translated by …", and the other languages' ("(Übersetzer)", "(traducteur)", "tr. …").
  Translators are never authors (`credited_translators` names them for provenance).
- "Various", "Various Authors", "Various Artists", "Unknown" name nobody.
- CJK lists ("、", "，", "；", "／") are lists.
- A title alone ("Dr.", "General") is not a person.

`normalize.split_authors` is this rule (it delegates here, as a tag); the shape-only "Last,
First" test of one pair is `normalize.authors.is_inverted`. Pure: no I/O.
"""

# ruff: noqa: RUF001, RUF002  # CJK separators and dashes are the data here

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from itertools import pairwise

from library_pipeline.domain.normalize import normalize_author
from library_pipeline.domain.normalize.authors import is_inverted

_CJK_SEPARATORS = re.compile(r"\s*[、，；／]\s*")
_LIST_SEPARATORS = re.compile(r"\s*(?:;|&|\+|/|\band\b|\bwith\b|\bfeat(?:uring|\.)?\b)\s*", re.I)
# Role words in the languages libraries are kept in: translator (de Übersetzer/Übersetzung, fr
# traducteur/traduction, es/it traductor/traduttore, nl vertaler/vertaling, "tr.", "trans."),
# narrator (de Sprecher/Erzähler, fr lecteur/narrateur, es narrador, nl verteller), editor.
_TRANSLATOR_WORDS = (
    r"translator|translated|translation|trans\.|transl\.|tr\.|übersetzer(?:in)?|übersetzung|"
    r"übersetzt|traducteur|traductrice|traduction|traduit|traductor(?:a)?|traducción|"
    r"traducido|traduttore|traduttrice|traduzione|tradotto|vertaler|vertaling|vertaald"
)
_NARRATOR_WORDS = (
    r"narrator|narrated|reader|performer|sprecher(?:in)?|erzähler(?:in)?|gelesen|lecteur|"
    r"lectrice|narrateur|narratrice|narrador(?:a)?|narrado|verteller|voorgelezen"
)
_ROLES = (
    rf"author|writer|{_NARRATOR_WORDS}|{_TRANSLATOR_WORDS}|illustrator|editor|hrsg\.|"
    r"herausgeber(?:in)?|foreword|introduction|afterword|cast"
)
_ROLE_MARKER = re.compile(
    rf"\s*[\(\[]\s*(?:{_ROLES})(?:\s+(?:by|von|par|por|da|door))?\s*[\)\]]", re.I
)
_ROLE_DASH = re.compile(rf"\s+[-–—]\s*(?:{_ROLES})\s*$", re.I)
# "Narrated by X", "translated by X", "übersetzt von X", "traduit par X", "tr. X".
_BY = r"(?:by|von|par|por|da|door)"
_ROLE_PREFIX_WORDS = (
    rf"(?:(?:narrated|read|performed|translated|written|illustrated|edited|übersetzt|gelesen|"
    rf"traduit|lu|traducido|leído|tradotto|letto|vertaald|voorgelezen)\s+{_BY}|tr\.|trans\.|"
    r"transl\.)"
)
_ROLE_PREFIX = re.compile(rf"^\s*{_ROLE_PREFIX_WORDS}\s*", re.I)
_TRANSLATOR_MARKER = re.compile(
    rf"[\(\[]\s*(?:{_TRANSLATOR_WORDS})|[-–—]\s*(?:{_TRANSLATOR_WORDS})|"
    rf"^\s*(?:(?:translated|übersetzt|traduit|traducido|tradotto|vertaald)\s+{_BY}|tr\.|"
    r"trans\.|transl\.)",
    re.I,
)
_NARRATOR_MARKER = re.compile(
    rf"[\(\[]\s*(?:{_NARRATOR_WORDS}|read\s+by)|[-–—]\s*(?:{_NARRATOR_WORDS})\b|"
    rf"^\s*(?:narrated|read|performed|gelesen|lu|leído|letto|voorgelezen)\s+{_BY}\b",
    re.I,
)
_NON_AUTHOR_MARKER = re.compile(
    rf"{_TRANSLATOR_MARKER.pattern}|{_NARRATOR_MARKER.pattern}|"
    r"[\(\[]\s*(?:illustrat|editor|hrsg|herausgeber|foreword|introduction|afterword|cast)|"
    r"[-–—]\s*(?:illustrat|editor)|^\s*(?:illustrated|edited)\s+by\b",
    re.I,
)
# A role marker after a comma marks the item after it: "Homer, translated by Emily Wilson".
_COMMA_ROLE = re.compile(rf",\s*(?={_ROLE_PREFIX_WORDS}\s)", re.I)
# What makes a credit more than one plain name (lists, inversions, roles, CJK separators).
_NOT_PLAIN = re.compile(
    r"[,;&+/()\[\]、，；／–—-]|\b(?:and|with|feat|by|von|par|por|tr|trans|transl)\b", re.I
)
_SUFFIX = re.compile(r"^(?:jr|jnr|sr|snr|ph\.?\s?d|md|ii|iii|iv|esq)\.?$", re.I)
_TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "professor", "general", "sir", "dame", "captain", "rev"}
)
# Credits that name nobody: an anthology's "Various Authors", a ripper's "Unknown".
_PLACEHOLDERS = frozenset(
    {"various", "various authors", "various artists", "various narrators", "various writers",
     "unknown", "unknown author", "unknown artist", "verschiedene", "divers", "varios",
     "varios autores", "diversi", "diversen"}
)  # fmt: skip
_NOBODY = _TITLES | _PLACEHOLDERS


def names_nobody(value: str | None) -> bool:
    """Whether a credit is a placeholder for no one ("Various Authors", "Unknown")."""
    return bool(value) and " ".join((value or "").lower().split()).rstrip(".") in _PLACEHOLDERS


def _is_initial(token: str) -> bool:
    letters = token.replace(".", "")
    return (len(letters) <= 2 and letters.isupper()) or (token.endswith(".") and len(token) <= 3)


def _is_full_name(text: str) -> bool:
    """Two or more words, the last a real word (not an initial or a suffix)."""
    tokens = text.split()
    return len(tokens) >= 2 and not _is_initial(tokens[-1]) and not _SUFFIX.match(tokens[-1])


def reads_last_first(
    left: str, right: str, *, in_folder: bool = False, known: Collection[str] = ()
) -> bool:
    """Whether "left, right" is one person written "Last, First" (module docstring: evidence
    first, then where the credit is written). `known`: `normalize_author` keys."""
    if _SUFFIX.match(right):
        return True
    if known:
        whole = {normalize_author(f"{right} {left}"), normalize_author(f"{left} {right}")}
        if not whole.isdisjoint(known):
            return True
        if not {normalize_author(left), normalize_author(right)}.isdisjoint(known):
            return False
    if not in_folder and len(left.split()) == 1 and _is_full_name(right):
        return False  # a tag's "Shirtaloon, Michael Kramer": two people
    return is_inverted(left, right)


def _comma_people(part: str, known: frozenset[str], in_folder: bool) -> list[str]:
    """One list item that may hold commas: "Last, First" pairs, suffixes, "X, Full Name"
    (`reads_last_first`)."""
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    merged: list[str] = []
    for piece in pieces:  # a suffix belongs to the piece before it
        if _SUFFIX.match(piece) and merged:
            merged[-1] = f"{merged[-1]}, {piece}"
        else:
            merged.append(piece)
    if len(merged) == 2 and "," in merged[1]:  # "Smith, John, Jr."
        given = merged[1].split(",")[0]
        if not reads_last_first(merged[0], given, in_folder=in_folder, known=known):
            return [_with_suffix(m) for m in merged]
        first, suffix = merged[1].rsplit(",", 1)
        return [f"{first.strip()} {merged[0]} {suffix.strip()}"]
    pairs = [(merged[i], merged[i + 1]) for i in range(0, len(merged) - 1, 2)]
    if len(merged) % 2 == 0 and all(
        "," not in right and reads_last_first(left, right, in_folder=in_folder, known=known)
        for left, right in pairs
    ):
        return [f"{right} {left}" for left, right in pairs]
    return [_with_suffix(m) for m in merged]


def _with_suffix(name: str) -> str:
    """ "Martin Luther King, Jr." → "Martin Luther King Jr."."""
    return name.replace(", ", " ")


def _shared_surnames(items: list[str]) -> list[str]:
    """ "Allan", "Mamta Pedersen" → "Allan Pedersen", "Mamta Pedersen"."""
    out = list(items)
    for index in range(len(out) - 1):
        here, after = out[index].split(), out[index + 1].split()
        if (
            len(here) == 1
            and len(after) >= 2
            and "," not in out[index + 1]
            and not _NON_AUTHOR_MARKER.search(out[index + 1])
        ):
            out[index] = f"{here[0]} {after[-1]}"
    return out


def split_credit(
    value: str | None,
    *,
    keep_non_authors: bool = False,
    known_people: Collection[str] = (),
    in_folder: bool = False,
) -> list[str]:
    """The people a credit names, "First Last", each once, in order.

    Items marked as narrators, translators, illustrators … are dropped unless
    `keep_non_authors` (a narrator tag reads "Narrated by X": X is kept there).
    `known_people`: `normalize_author` keys of people known apart from this credit (the
    evidence for `reads_last_first`); `in_folder`: the credit is an author folder's name."""
    if not value or not value.strip():
        return []
    if not _NOT_PLAIN.search(value):  # one plain name, the common case
        name = " ".join(value.split())
        return [] if name.lower().rstrip(".") in _NOBODY else [name]
    evidence: frozenset[str] = frozenset()
    if known_people and "," in value:
        evidence = frozenset(_evidence_keys(value).intersection(known_people))
    return list(_split_credit(value, keep_non_authors, evidence, in_folder))


def _evidence_keys(value: str) -> set[str]:
    """The keys `reads_last_first` may look up: each piece, and each comma pair turned both
    ways ("Doyle, Arthur Conan" → "arthur conan doyle")."""
    pieces = [p.strip() for p in re.split(r"[,;&/]", value) if p.strip()]
    keys = {normalize_author(p) for p in pieces}
    for left, right in pairwise(pieces):
        keys |= {normalize_author(f"{right} {left}"), normalize_author(f"{left} {right}")}
    return keys


@lru_cache(maxsize=8192)  # credits repeat across a library and a provider's catalogue
def _split_credit(
    value: str, keep_non_authors: bool, known: frozenset[str], in_folder: bool
) -> tuple[str, ...]:
    people: list[str] = []
    for item in _shared_surnames(_items(value)):
        if not keep_non_authors and _NON_AUTHOR_MARKER.search(item):
            continue
        name = _ROLE_PREFIX.sub("", _ROLE_DASH.sub("", _ROLE_MARKER.sub("", item))).strip(" ,")
        for person in _comma_people(name, known, in_folder) if "," in name else [name]:
            person = " ".join(person.split())
            if person and person.lower().rstrip(".") not in _NOBODY and person not in people:
                people.append(person)
    return tuple(people)


def credited_translators(value: str | None) -> list[str]:
    """The people a credit marks as translating ("Homer, translated by Emily Wilson" →
    ["Emily Wilson"]): never authors; the scan keeps them as provenance."""
    if not value or not _NOT_PLAIN.search(value):
        return []
    marked = [item for item in _items(value) if _TRANSLATOR_MARKER.search(item)]
    return [p for item in marked for p in split_credit(item, keep_non_authors=True)]


def _items(value: str) -> list[str]:
    """A credit's list items ("A (Author), B (Narrator)": commas between marked credits
    separate people; "Homer, translated by X": a role after a comma starts an item)."""
    text = _COMMA_ROLE.sub("; ", _CJK_SEPARATORS.sub("; ", value.strip()))
    items = []
    for item in _LIST_SEPARATORS.split(text):
        marked = "," in item and (_ROLE_MARKER.search(item) or _NON_AUTHOR_MARKER.search(item))
        items += [i.strip(" ,") for i in (item.split(",") if marked else [item]) if i.strip(" ,")]
    return items


def marked_narrators(value: str | None) -> list[str]:
    """The people a credit marks as narrating: "N. K. Jemisin (Author), Robin Miles
    (Narrator)" → ["Robin Miles"], "Lee Child, read by Dick Hill" → ["Dick Hill"] (an artist
    tag that credits both; a role after a comma starts its own item, so test the items)."""
    if not value or not _NOT_PLAIN.search(value):
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
