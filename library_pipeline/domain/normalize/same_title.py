"""The project's one notion of "the same title", for the scan, the gap finder, release matching
and import matching.

Two titles are the same work when their *same-title keys* are equal. The key is the title key
(``title_key``: edition and series noise dropped, case, accents and punctuation folded, "&" read
as "and") with, in addition:

- British and American spellings folded to one (colour/color, honour/honor, grey/gray,
  realise/realize, analyse/analyze, centre/center, catalogue/catalog, travelled/traveled,
  defence/defense, encyclopaedia/encyclopedia);
- numbers written as words read as digits ("Two" = "2", up to twenty);
- articles dropped anywhere (leading ones included);
- spaces dropped, so compound words match however they are written (Hitchhiker's / Hitch
  Hiker's / Hitch-Hiker's, Casebook / Case-Book).

The folds are applied to both sides, so they need only be consistent, not good English
("flour" folds to "flor" on both sides). ``same_title`` also accepts a subtitle present on one
side only ("Dune" / "Dune: Deluxe Edition", "The Screwtape Letters" / "The Screwtape Letters:
Letters from a Senior to a Junior Devil"); pass the series when known, so "Mistborn: The Well of
Ascension" is not taken for "Mistborn".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import compress
from operator import ne

from rapidfuzz import fuzz

from library_pipeline.domain.normalize.positions import WORD_NUMBERS
from library_pipeline.domain.normalize.text import _CACHE
from library_pipeline.domain.normalize.titles import (
    TitleKeys,
    title_key,
    title_variants,
    title_variants_many,
)

__all__ = [
    "compact_title_key",
    "same_title",
    "same_title_key",
    "same_title_keys_many",
    "same_title_variants",
    "same_title_variants_many",
    "title_similarity",
]

_ARTICLES = frozenset({"the", "a", "an"})
# Whole words spelled differently that no suffix rule below folds.
_WORDS = {
    "grey": "gray",
    "greys": "grays",
    "plough": "plow",
    "tyre": "tire",
    "tyres": "tires",
    "storey": "story",
    "storeys": "stories",
    "cheque": "check",
    "programme": "program",
    "programmes": "programs",
    "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers",
    "aluminium": "aluminum",
    "mould": "mold",
    "moult": "molt",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "pyjamas": "pajamas",
    "jewellery": "jewelry",
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "whisky": "whiskey",
    **{word: str(number) for word, number in WORD_NUMBERS.items()},
}
# (British ending, American ending), longest first; the stem must keep 2+ letters.
_ENDINGS = (
    ("ourite", "orite"),  # favourite
    ("ours", "ors"),
    ("our", "or"),  # colour, honour, armour
    ("isation", "ization"),
    ("isations", "izations"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),  # realise
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("yse", "yze"),  # analyse
    ("ogue", "og"),  # catalogue, dialogue
    ("ogues", "ogs"),
    ("tres", "ters"),
    ("tre", "ter"),  # centre, theatre
    ("bres", "bers"),
    ("bre", "ber"),  # sabre, fibre
    ("lled", "led"),  # travelled
    ("lling", "ling"),
    ("ller", "ler"),
)


_BRITISH_ENDINGS = tuple(british for british, _american in _ENDINGS)


def _fold_word(word: str) -> str:
    """One word of a normalised title with the spelling folds applied ("" for an article).

    Called once per distinct word of a catalogue (``same_title_keys_many``): the common word,
    which no fold changes, costs three C-level tests.
    """
    if word in _ARTICLES:
        return ""
    folded = _WORDS.get(word)
    if folded is not None:
        return folded
    if word.endswith(_BRITISH_ENDINGS):
        for british, american in _ENDINGS:
            if word.endswith(british) and len(word) - len(british) >= 2:
                word = word[: -len(british)] + american
                break
    if "ae" in word[1:-1]:  # encyclopaedia, archaeology (never a leading or final "ae")
        word = word[0] + word[1:-1].replace("ae", "e") + word[-1]
    return word


# Every word folded so far, and those the fold changes: a catalogue's vocabulary is folded once
# (memoised like the lru caches of the other normalisers, and as bounded: words, not titles).
_SEEN: set[str] = set()
_CHANGED: dict[str, str] = {}


def _changed_words(words: set[str]) -> dict[str, str]:
    """The words whose fold differs from them (articles fold to ""), for every word seen so far
    (a superset of ``words``'): only words not seen before are folded, in C-level passes."""
    new = list(words - _SEEN)
    if new:
        folded = list(map(_fold_word, new))
        _CHANGED.update(compress(zip(new, folded, strict=True), map(ne, new, folded)))
        _SEEN.update(new)
    return _CHANGED


@lru_cache(maxsize=_CACHE)
def compact_title_key(key: str) -> str:
    """A title key (``title_key`` / ``title_variants`` output) as a same-title key."""
    folded = "".join(map(_fold_word, key.split()))
    return folded or key.replace(" ", "")


def same_title_keys_many(norms: Sequence[str]) -> list[str]:
    """``compact_title_key`` of many normalised texts, in bulk: the words of all texts are
    folded through one table of the few that change, in C-level passes (a million titles)."""
    if not norms:
        return []
    # "\n" as a word of its own keeps the texts apart through the split and join.
    words = " \n ".join(norms).split(" ")
    changed = _changed_words(set(words))
    folded = "".join(map(changed.get, words, words)) if changed else "".join(words)
    keys = folded.split("\n")
    return [key or norm.replace(" ", "") for key, norm in zip(keys, norms, strict=True)]


@lru_cache(maxsize=_CACHE)
def same_title_key(title: str, series: str | None = None) -> str:
    """The same-title key of one title (module docstring)."""
    return compact_title_key(title_key(title, series))


@lru_cache(maxsize=_CACHE)
def same_title_variants(
    title: str, subtitle: str | None = None, series: str | None = None
) -> TitleKeys:
    """``title_variants`` (strong and weak keys) as same-title keys."""
    strong, weak = title_variants(title, subtitle, series)
    compact_strong = frozenset(map(compact_title_key, strong))
    return compact_strong, frozenset(map(compact_title_key, weak)) - compact_strong


def same_title_variants_many(
    titles: Sequence[tuple[str, str | None, str | None]],
) -> list[TitleKeys]:
    """``same_title_variants`` of many titles, the common shapes in bulk."""
    return title_variants_many(titles, same_title_keys_many, same_title_variants)


def _same_title_keys(title: str, series: str | None) -> TitleKeys:
    return same_title_variants(title, None, series)


def same_title(a: str, b: str, series: str | None = None) -> bool:
    """Whether two titles name the same work (module docstring): equal same-title keys, or one
    is the other with a subtitle (a weak key of one side equal to a strong key of the other)."""
    strong_a, weak_a = _same_title_keys(a, series)
    strong_b, weak_b = _same_title_keys(b, series)
    return not strong_a.isdisjoint(strong_b | weak_b) or not strong_b.isdisjoint(weak_a)


@lru_cache(maxsize=_CACHE)
def title_similarity(a: str, b: str) -> float:
    """Fuzzy similarity (0.0 to 1.0) of two titles: 1.0 for the same title (same-title keys),
    else the edit-distance ratio of their ``title_key``.

    Titles that carry different numbers ("Book 2" vs "Book 3", "2001" vs "2010") score 0:
    sequels are different books however similar the words. Word order counts, and so does a
    word put for another (not a misspelling of it): "Archive Wolf" and "The Wolf Archive", or
    "The Hour Moon Broken" and "The Thorn Moon Broken", are two books of one author, which an
    author listing offers side by side; they score at most `OTHER_WORD_SCORE`.
    """
    ka, kb = title_key(a), title_key(b)
    if ka == kb:
        return 1.0
    ca, cb = compact_title_key(ka), compact_title_key(kb)
    if ca == cb:
        return 1.0
    if _DIGITS_RE.findall(ca) != _DIGITS_RE.findall(cb):
        return 0.0
    score = fuzz.ratio(ka, kb) / 100.0
    return min(score, OTHER_WORD_SCORE) if _other_word(ka, kb) else score


OTHER_WORD_SCORE = 0.8
_MISSPELLING = 75  # rapidfuzz ratio from which two words are one word misspelt ("kigns")


def _other_word(ka: str, kb: str) -> bool:
    """Whether each title has a word the other lacks, one of them with no near spelling on the
    other side: a different word, not a typo."""
    words_a, words_b = ka.split(), kb.split()
    only_a = [w for w in words_a if w not in words_b]
    only_b = [w for w in words_b if w not in words_a]
    if not only_a or not only_b:
        return False
    return any(max(fuzz.ratio(w, v) for v in only_b) < _MISSPELLING for w in only_a)


_DIGITS_RE = re.compile(r"\d+")
