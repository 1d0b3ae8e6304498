"""Title cleaning and title keys: the display title without edition or series noise, and the
keys two listings of one book share."""

# ruff: noqa: RUF001  # en/em dashes, typographic quotes and folded letters are the data here

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from library_pipeline.domain.normalize.positions import _ORDINALS, WORD_NUMBERS, _int_to_roman
from library_pipeline.domain.normalize.text import _CACHE, normalize_text, normalize_texts

# --------------------------------------------------------------------------- titles

_NUMWORD = (
    r"(?:\d+(?:\.\d+)?|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
)
# Noise tests below work on lower-cased text with cheap string checks first and short anchored
# regexes last: they run once per distinct title of a million-entry catalogue.
_A_NOVEL_RE = re.compile(
    r"^an?\s+(?:[\w/'-]+\s+){0,3}?(?:novel|novella|thriller|mystery|romance|adventure|memoir|"
    r"fantasy|story|tale)(?:\s+(?:of|from|in)\s+.*)?$"
)
_SERIES_WORDS = ("series", "saga", "chronicles", "chronicle", "trilogy", "cycle", "sequence")
_EDITION_WORDS = (
    "anniversary", "definitive", "deluxe", "special", "illustrated", "collector", "tie-in",
    "tie in", "movie", "preferred", "expanded", "revised", "unabridged", "abridged",
)  # fmt: skip
_BRACKET_EXACT = frozenset(
    {"unabridged", "abridged", "unabridged edition", "abridged edition", "audiobook",
     "audio book", "audio edition", "unabridged audiobook", "a novel", "a novella", "novel",
     "dramatized adaptation", "dramatised adaptation", "dramatized", "dramatised"}
)  # fmt: skip
_NOISE_EXACT = frozenset({"unabridged", "abridged", "a novel", "novel"})


_NUM_WORDS = frozenset(
    [*WORD_NUMBERS, *_ORDINALS] + [r for r in (_int_to_roman(i) for i in range(1, 60)) if r]
)
_NUMBER_LEADS = frozenset({"book", "books", "vol", "vol.", "volume", "no", "no.", "part", "bk"})


def _is_numword(tok: str) -> bool:
    """ "3", "3.5", "#3", "three", "third", "iii"."""
    tok = tok.lstrip("#")
    return tok in _NUM_WORDS or tok.replace(".", "", 1).isdigit()


def _numbered(low: str) -> bool:
    """ "... Book 3", "... #3", "Vol. 2 of 3", "Book Two of X" (lower-cased text)."""
    toks = low.replace(",", " ").replace("'", " ").split()
    if not toks:
        return False
    if len(toks) >= 3 and toks[-2] == "of" and toks[-1].isdigit():
        toks = toks[:-2]  # "Book 2 of 3"
    last = toks[-1]
    if last.startswith("#") and _is_numword(last):
        return True
    if len(toks) >= 2 and _is_numword(last) and (toks[-2] in _NUMBER_LEADS or toks[-2] == "#"):
        return True
    return (
        len(toks) >= 3
        and toks[0] in _NUMBER_LEADS
        and _is_numword(toks[1])
        and toks[2] in ("of", "in")
    )


def _bracket_is_noise(inner: str) -> bool:
    """Bracketed text that is edition/series noise: "(Unabridged)", "[2014]", "(Series #2)"."""
    low = inner.strip().lower()
    if low in _BRACKET_EXACT or (len(low) == 4 and low.isdigit()):
        return True
    if low.endswith(("edition", "version", "series", "saga", "chronicles", "chronicle")):
        return True
    if low.startswith(("full cast", "full-cast", "collector")):
        return True
    if _numbered(low):
        return True
    if " of " in low and low.replace(" of ", "", 1).isdigit():
        return True  # "(1 of 2)"
    return low.startswith(("a ", "an ")) and _A_NOVEL_RE.match(low) is not None


_BRACKET_RE = re.compile(r"\s*[\(\[]([^()\[\]]*)[\)\]]")
_SEGMENT_SPLIT_RE = re.compile(r"\s*(?::|\s[-–—]\s|;)\s*")
_LEADING_NUMBER_RE = re.compile(
    r"^(?:(?:book|vol(?:ume)?\.?|part|no\.?)\s*" + _NUMWORD + r"|#?\d{1,2}(?:\.\d+)?)"
    r"\s*(?:[-–—:.)]|\s-)\s*",
    re.IGNORECASE,
)
_ARTICLES = frozenset({"the", "a", "an"})
_LEADING_HINTS = ("book", "vol", "part", "no", "#")


def _segment_is_noise(seg: str, series_norm: str | None) -> bool:
    """A subtitle that is noise: "A Novel", "Red Rising Series, Book 2", "Book Two of X"."""
    low = seg.strip().lower()
    if low in _NOISE_EXACT or _numbered(low):
        return True
    if low.startswith(("a ", "an ")) and _A_NOVEL_RE.match(low):
        return True
    if low.endswith(_SERIES_WORDS) and low.count(" ") <= 4:
        return True
    if low.endswith("edition") and any(w in low for w in _EDITION_WORDS):
        return True
    if not series_norm or series_norm.split(" ", 1)[0] not in low:
        return False
    return _key(seg) == series_norm


def _strip_articles(norm: str) -> str:
    """Drop articles anywhere: "the way of kings" → "way of kings" (editions disagree on them)."""
    if " " not in norm:
        return norm
    kept = [t for t in norm.split() if t not in _ARTICLES]
    return " ".join(kept) if kept else norm


# An article token with the space before it. Every text is led by a space in the bulk string,
# so the pattern starts with a literal, which the regex engine scans for quickly (a leading
# "(?:^| )" makes it try every position, at twice the cost).
_ARTICLE_TOKEN_RE = re.compile(r" (?:the|an?)(?= |$)", re.MULTILINE)


def strip_articles_many(norms: Sequence[str]) -> list[str]:
    """Articles dropped from normalised texts (``normalize_text`` output), in bulk: a text made
    of articles only stays as it is, as with the per-title keys."""
    if not norms:
        return []
    # Each line keeps its leading space unless every token was an article (then it is empty).
    text = _ARTICLE_TOKEN_RE.sub("", " " + "\n ".join(norms))
    return [key[1:] or norm for key, norm in zip(text.split("\n"), norms, strict=True)]


@lru_cache(maxsize=_CACHE)
def _key(text: str) -> str:
    # Memoised: series names come back once per title of the series.
    return _strip_articles(normalize_text(text))


def _has_segments(t: str) -> bool:
    return ":" in t or ";" in t or " - " in t or " – " in t or " — " in t


@lru_cache(maxsize=_CACHE)
def _clean(title: str, series: str | None) -> tuple[str, bool]:
    """clean_title, plus whether the series name itself was removed from the title."""
    t = " ".join(title.split())
    if not t:
        return t, False
    original = t
    stripped_series = False
    if "," in t:
        head, _, tail = t.rpartition(",")
        if tail.strip().lower() in _ARTICLES:
            t = f"{tail.strip()} {head.strip()}"  # "Hobbit, The" → "The Hobbit"
    if t[-1] in ")]" and t.count("(") + t.count("[") == 1:
        # One trailing bracket, the common shape: "Title (Unabridged)", "Title [2014]".
        cut = max(t.rfind("("), t.rfind("["))
        if cut > 0 and _bracket_is_noise(t[cut + 1 : -1]):
            t = t[:cut].rstrip()
    elif "(" in t or "[" in t:
        t = _BRACKET_RE.sub(lambda m: "" if _bracket_is_noise(m.group(1)) else m.group(0), t)
        t = t.strip()
    if t[:1].isdigit() or t[:4].lower().startswith(_LEADING_HINTS):
        t = _LEADING_NUMBER_RE.sub("", t, count=1) or t
    if _has_segments(t):
        series_norm = _key(series) if series else None
        if t.count(":") == 1 and ";" not in t and " - " not in t and "–" not in t and "—" not in t:
            a, _, b = t.partition(":")  # the common shape, without the regex
            segments, separators = [a.strip(), b.strip()], [":"]
        else:
            segments = _SEGMENT_SPLIT_RE.split(t)
            separators = _SEGMENT_SPLIT_RE.findall(t)
        if len(segments) > 1 and all(segments):
            kept_idx = [0] + [
                i
                for i in range(1, len(segments))
                if not _segment_is_noise(segments[i], series_norm)
            ]
            # Compare with the series name only where its first word appears (cheap test).
            series_head = series_norm.split(" ", 1)[0] if series_norm else ""
            if series_head and len(kept_idx) < len(segments):
                stripped_series = any(
                    series_head in segments[i].lower() and _key(segments[i]) == series_norm
                    for i in range(1, len(segments))
                    if i not in kept_idx
                )
            if (
                series_head
                and len(kept_idx) > 1
                and series_head in segments[0].lower()
                and _key(segments[0]) == series_norm
            ):
                kept_idx = kept_idx[1:]  # "Mistborn: The Final Empire" with series Mistborn
                stripped_series = True
            out = segments[kept_idx[0]]
            for i in kept_idx[1:]:
                sep = separators[i - 1].strip() if i - 1 < len(separators) else ":"
                out += (sep if sep in ":;" else f" {sep}") + " " + segments[i]
            t = out
    if "," in t:
        head, _, tail = t.rpartition(",")
        if _numbered(tail.strip().lower()) and tail.split()[0].lower().lstrip("#") in (
            *_NUMBER_LEADS,
            "",
        ):
            t = head  # "Title, Book 2"
    t = t.strip(" ,:;-–—")
    return (t, stripped_series) if t else (original, False)


def clean_title(title: str, series: str | None = None) -> str:
    """The book's clean display title, without edition and series noise.

    Removes bracketed noise ("(Unabridged)", "[2014]", "(Red Rising Series, Book 2)", "(Deluxe
    Edition)"), noise subtitles (": A Novel", ": Red Rising Series, Book 2", ": Book Two of
    Mistborn", the series name itself), "Book 2 - " / "02 - " prefixes and ", Book 2" suffixes,
    and moves a trailing ", The" to the front. When ``series`` is given, a leading
    "Series Name: " is dropped too ("Mistborn: The Final Empire" → "The Final Empire").
    Real subtitles are kept. Never returns an empty string for a non-empty title.
    """
    return _clean(title, series)[0]


@lru_cache(maxsize=_CACHE)
def title_key(title: str, series: str | None = None) -> str:
    """Normalised matching key of a title: clean_title, normalize_text, articles dropped."""
    return _key(_clean(title, series)[0])


def _alt_title_main(src: str) -> str | None:
    """ "Main (Alt)" / "Main, or Alt" / "Main; or, Alt" → "Main"; else None."""
    if src.endswith(")") and "(" in src:
        main = src[: src.rindex("(")].strip()
        return main or None
    low = src.lower()
    for sep in (", or ", "; or, ", "; or ", " or, "):
        if sep in low:
            return src[: low.index(sep)].strip() or None
    return None


@lru_cache(maxsize=_CACHE)
def title_variants(
    title: str, subtitle: str | None = None, series: str | None = None
) -> tuple[frozenset[str], frozenset[str]]:
    """Matching keys of one title: (strong, weak).

    Strong keys identify the book on their own: the cleaned full title (title + subtitle), and
    the same without the series prefix when ``series`` is given. Weak keys are the parts of a
    real "Main: Subtitle" / "Main (Alt Title)" / "Main, or Alt" title; compare a weak key only
    with the other side's strong keys, never weak with weak ("Mistborn: The Well of Ascension"
    and "Mistborn: The Hero of Ages" share the weak key "mistborn").
    """
    full = f"{title}: {subtitle}" if subtitle else title
    src, stripped = _clean(full, series)
    key = _key(src)
    if not stripped:
        if not _has_segments(src) and not src.endswith(")") and " or" not in src:
            return frozenset((key,)), frozenset()  # the common case, kept cheap
        strong = {key}
    else:
        strong = {key, _key(_clean(full, None)[0])}
    weak: set[str] = set()
    if _has_segments(src):
        parts = [p for p in _SEGMENT_SPLIT_RE.split(src) if p]
        if len(parts) > 1:
            weak.add(_key(parts[0]))
            weak.add(_key(" ".join(parts[1:])))
    main = _alt_title_main(src)
    if main:
        weak.add(_key(main))
    weak.discard("")
    strong.discard("")
    return frozenset(strong), frozenset(weak - strong)


_NOISE_CHARS_RE = re.compile(r"[(\[:;,#–—]| - ")
_EMPTY: frozenset[str] = frozenset()


def _plain_source(
    full: str,
    series: str | None,
    bracket_noise: dict[str, bool],
    segment_noise: dict[tuple[str, str | None], bool],
) -> str | None:
    """The text whose key is the only key of ``title_variants`` for this title, when the title
    has one of the common simple shapes ("Title", "Title (Unabridged)", "Title [2014]", "Title:
    A Novel", "Title: Series, Book 2"); None for every other shape (ask ``title_variants``).

    Follows ``_clean`` step by step for these shapes; the caller checks the key is not empty.
    """
    t = " ".join(full.split())
    if not t:
        return None
    if t[-1] in ")]":
        # "Title (noise)": _clean cuts the one trailing bracket (its comma step cannot apply).
        if t.count("(") + t.count("[") != 1:
            return None
        cut = max(t.rfind("("), t.rfind("["))
        if cut <= 0:
            return None
        inner = t[cut + 1 : -1]
        noise = bracket_noise.get(inner)
        if noise is None:
            noise = bracket_noise[inner] = _bracket_is_noise(inner)
        if not noise:
            return None
        t = t[:cut].rstrip()
    elif ":" in t:
        # "Title: noise subtitle", not the series name: _clean keeps the first segment.
        if (
            "(" in t
            or "[" in t
            or t.count(":") != 1
            or ";" in t
            or " - " in t
            or "–" in t
            or "—" in t
            or t[:1].isdigit()
            or t[:4].lower().startswith(_LEADING_HINTS)
        ):
            return None
        if "," in t and t.rpartition(",")[2].strip().lower() in _ARTICLES:
            return None
        head, _, tail = t.partition(":")
        head, tail = head.strip(), tail.strip()
        if not head or not tail:
            return None
        series_norm = _key(series) if series else None
        noise = segment_noise.get((tail, series_norm))
        if noise is None:
            noise = segment_noise[(tail, series_norm)] = _segment_is_noise(tail, series_norm)
        if not noise:
            return None
        if series_norm:
            series_head = series_norm.split(" ", 1)[0]
            if series_head and series_head in tail.lower() and _key(tail) == series_norm:
                return None  # the series name was stripped: two strong keys
        return head if _NOISE_CHARS_RE.search(head) is None else None
    if _NOISE_CHARS_RE.search(t) is not None or t[-1] in ")]":
        return None
    if t[:1].isdigit() or t[:4].lower().startswith(_LEADING_HINTS):
        return None
    return t


TitleKeys = tuple[frozenset[str], frozenset[str]]  # (strong keys, weak keys)


def title_variants_many(
    titles: Sequence[tuple[str, str | None, str | None]],
    keys_many: Callable[[Sequence[str]], list[str]] = strip_articles_many,
    one: Callable[[str, str | None, str | None], TitleKeys] | None = None,
) -> list[TitleKeys]:
    """``[title_variants(title, subtitle, series) for title, subtitle, series in titles]``.

    The common simple shapes are keyed in bulk (``keys_many`` of their normalised texts); the
    rest go through ``one`` (default ``title_variants``) one by one. ``normalize.same_title``
    passes its own pair, for same-title keys.
    """
    one = one or title_variants
    out: list[TitleKeys] = [(_EMPTY, _EMPTY)] * len(titles)
    where: list[int] = []
    sources: list[str] = []
    bracket_noise: dict[str, bool] = {}
    segment_noise: dict[tuple[str, str | None], bool] = {}
    for i, (title, subtitle, series) in enumerate(titles):
        full = f"{title}: {subtitle}" if subtitle else title
        src = _plain_source(full, series, bracket_noise, segment_noise)
        if src is None:
            out[i] = one(title, subtitle, series)
        else:
            where.append(i)
            sources.append(src)
    keys = keys_many(normalize_texts(sources))
    for i, key in zip(where, keys, strict=True):
        out[i] = (frozenset((key,)), _EMPTY) if key else one(*titles[i])
    return out
