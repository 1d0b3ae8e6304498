"""The project's one language table: ISO 639-1 codes with every spelling met in the wild.

Providers say "eng", "English" or "en-US"; tags say "Deutsch" or "ger"; trackers write "[GER]",
"ESP" or "Castellano". Every part of the pipeline (enrichment, gap filtering, release choice)
turns those into an ISO 639-1 code with `language_code`, and names a code with `language_name`.
"""

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language: its ISO 639-1 code, English name and the other ways it is written."""

    code: str
    english: str
    native: tuple[str, ...] = ()
    iso639_2: tuple[str, ...] = ()  # bibliographic and terminologic (ISO 639-2/B, 639-2/T, 639-3)
    tracker: tuple[str, ...] = ()  # abbreviations trackers and rippers use ("ESP", "GER")
    other: tuple[str, ...] = ()  # further names a title may carry ("Castellano", "Mandarin")


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", (), ("eng",), ("en",)),
    Language("de", "German", ("deutsch",), ("ger", "deu"), ("ger", "de")),
    Language("fr", "French", ("français",), ("fre", "fra"), ("fre", "fr", "vf")),
    Language("es", "Spanish", ("español",), ("spa",), ("esp", "spa"), ("castellano", "latino")),
    Language("it", "Italian", ("italiano",), ("ita",), ("ita",)),
    Language("pt", "Portuguese", ("português",), ("por",), ("por", "ptbr", "pt-br")),
    Language("nl", "Dutch", ("nederlands",), ("dut", "nld"), ("nl", "dut"), ("vlaams", "flemish")),
    Language("sv", "Swedish", ("svenska",), ("swe",), ("swe",)),
    Language(
        "no",
        "Norwegian",
        ("norsk", "bokmål", "nynorsk"),
        ("nor", "nob", "nno"),
        ("nor", "nb", "nn"),
    ),
    Language("da", "Danish", ("dansk",), ("dan",), ("dan",)),
    Language("fi", "Finnish", ("suomi",), ("fin",), ("fin",)),
    Language("is", "Icelandic", ("íslenska",), ("ice", "isl")),
    Language("pl", "Polish", ("polski",), ("pol",), ("pol", "pl")),
    Language("ru", "Russian", ("русский",), ("rus",), ("rus",)),
    Language("uk", "Ukrainian", ("українська",), ("ukr",), ("ukr",)),
    Language("cs", "Czech", ("čeština", "cesky", "česky"), ("cze", "ces"), ("cze",)),
    Language("sk", "Slovak", ("slovenčina",), ("slo", "slk")),
    Language("hu", "Hungarian", ("magyar",), ("hun",), ("hun",)),
    Language("ro", "Romanian", ("română",), ("rum", "ron")),
    Language("bg", "Bulgarian", ("български",), ("bul",)),
    Language("el", "Greek", ("ελληνικά",), ("gre", "ell"), ("gre",)),
    Language("tr", "Turkish", ("türkçe",), ("tur",), ("tur",)),
    Language("he", "Hebrew", ("עברית",), ("heb",)),
    Language("ar", "Arabic", ("العربية",), ("ara",)),
    Language("fa", "Persian", ("فارسی",), ("per", "fas"), (), ("farsi",)),
    Language("hi", "Hindi", ("हिन्दी",), ("hin",)),
    Language("ja", "Japanese", ("日本語",), ("jpn",), ("jap", "jpn")),
    Language("zh", "Chinese", ("中文",), ("chi", "zho"), ("chn",), ("mandarin", "cantonese")),
    Language("ko", "Korean", ("한국어",), ("kor",), ("kor",)),
    Language("sr", "Serbian", ("srpski", "српски"), ("srp",)),
    Language("hr", "Croatian", ("hrvatski",), ("hrv",)),
    Language("sl", "Slovenian", ("slovenščina",), ("slv",)),
    Language("ca", "Catalan", ("català",), ("cat",)),
    Language("eu", "Basque", ("euskara",), ("baq", "eus")),
    Language("gl", "Galician", ("galego",), ("glg",)),
    Language("et", "Estonian", ("eesti",), ("est",)),
    Language("lv", "Latvian", ("latviešu",), ("lav",)),
    Language("lt", "Lithuanian", ("lietuvių",), ("lit",)),
    Language("vi", "Vietnamese", ("tiếng việt",), ("vie",)),
    Language("th", "Thai", ("ไทย",), ("tha",)),
    Language("id", "Indonesian", ("bahasa indonesia",), ("ind",)),
    Language("af", "Afrikaans", (), ("afr",)),
    Language("la", "Latin", ("latina",), ("lat",)),
)


def fold(text: str) -> str:
    """Lower case without accents ("Español" → "espanol"); non-Latin scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _spellings(language: Language) -> tuple[str, ...]:
    return (
        language.code,
        language.english,
        *language.native,
        *language.iso639_2,
        *language.tracker,
        *language.other,
    )


_BY_SPELLING: dict[str, str] = {
    fold(spelling): language.code for language in LANGUAGES for spelling in _spellings(language)
}
_BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}

# Words that name a language inside a release or folder name. Two-letter codes are left out:
# "de", "it", "no" are ordinary words, so they count only when a whole bracket holds them.
LANGUAGE_WORDS: dict[str, str] = {
    spelling: code for spelling, code in _BY_SPELLING.items() if len(spelling) > 2
}


def language_code(value: str | None) -> str | None:
    """ISO 639-1 code of a language however it is written, or None when it is not one.

    "en", "eng", "English", "en-US", "en_GB", "Deutsch", "ger", "ESP", "Castellano",
    "Korean", "ukr" → "en", "en", "en", "en", "en", "de", "de", "es", "es", "ko", "uk".
    An unknown two-letter code is taken as a code; anything else unknown is None.
    """
    if not value:
        return None
    text = fold(value).replace("_", "-")
    if text in _BY_SPELLING:
        return _BY_SPELLING[text]
    head = text.split("-", 1)[0].strip()
    if head in _BY_SPELLING:
        return _BY_SPELLING[head]
    return head if len(head) == 2 and head.isascii() and head.isalpha() else None


def language_name(code: str | None) -> str:
    """English name of an ISO 639-1 code ("de" → "German"); an unknown code is returned as is."""
    if not code:
        return ""
    language = _BY_CODE.get(code)
    return language.english if language else code
