"""The words release names use for what they are (pure constants, no logic).

Every phrase is written as `normalize_text` leaves it: lower case, accents and punctuation gone
("Hörspiel" → "horspiel", "Full-Cast" → "full cast"). A phrase counts wherever it stands in the
name, unless the wanted book's own title or series holds it ("The Companion" is a title).
"""

AUDIO_FORMATS = ("m4b", "m4a", "mp3", "flac", "aac", "opus", "ogg", "wma", "alac", "wav")
EBOOK_FORMATS = ("epub", "pdf", "mobi", "azw3", "azw", "cbz", "cbr", "djvu", "lit")
AUDIOBOOK_CATEGORY = 3030  # Newznab/Torznab "Audio/Audiobook"
EBOOK_CATEGORIES = frozenset({7000, 7010, 7020, 7030, 7040})

# Productions other than a reading of the book: a cast, a radio adaptation.
DRAMATISATION_PHRASES = (
    "dramatised", "dramatized", "dramatisation", "dramatization", "dramatisations",
    "dramatizations", "full cast", "fullcast", "multicast", "multi cast", "ensemble cast",
    "radio play", "radio drama", "radio adaptation", "radio dramatisation", "radio 4",
    "radio 3", "bbc radio", "bbc full cast", "audio drama", "audio play", "audio theatre",
    "audio theater", "graphic audio", "graphicaudio", "a movie in your mind", "horspiel",
    "radioteatro", "radiodrama", "audio dramas", "audio plays", "radio plays", "radio dramas",
    "audio dramatisation", "audio dramatization", "original drama", "audible drama",
    "drama podcast", "podcast drama", "full cast drama", "radio serial", "horspiele",
    "hoerspiel", "hoerspiele",
)  # fmt: skip

# The dramatisation phrases that say only who reads (several voices), not that the text was
# adapted: with dramatisations allowed, such a recording is still surely the book.
CAST_READING_PHRASES = ("full cast", "fullcast", "multicast", "multi cast", "ensemble cast")

# Books about the book: summaries, study guides, companions.
SUMMARY_PHRASES = (
    "summary", "summaries", "summarized", "summarised", "study guide", "study guides",
    "key takeaways", "takeaways", "analysis", "companion", "companions", "cliffsnotes",
    "cliffs notes", "cliff notes", "sparknotes", "spark notes", "workbook", "readers guide",
    "reader s guide", "reading guide", "conversation starters", "trivia", "recap",
    "unofficial guide", "book review", "quicklet", "book notes", "lesson plans",
)  # fmt: skip

# A part of the recording offered on its own.
SAMPLE_PHRASES = (
    "sample", "samples", "sampler", "preview", "previews", "excerpt", "excerpts", "extract",
    "trailer", "teaser", "sneak peek", "first chapter", "first chapters", "free chapters",
    "chapter 1 only", "opening chapters",
)  # fmt: skip

# Recordings that are not a good copy of the book.
BAD_ENCODE_PHRASES = (
    "tts", "text to speech", "ai narrated", "ai narration", "ai voice", "machine narrated",
    "computer voice", "computer generated", "synthetic voice", "incomplete", "missing chapters",
    "missing chapter", "corrupt", "corrupted", "bad rip", "damaged", "partial",
)  # fmt: skip

EBOOK_PHRASES = ("ebook", "e book", "ebooks", "kindle edition", "graphic novel", "comic")

# Several books in one release, always.
STRONG_PACK_PHRASES = (
    "complete series", "complete collection", "complete works", "complete saga",
    "complete trilogy", "complete set", "box set", "boxed set", "boxset", "omnibus",
    "all books", "collection", "collected", "anthology", "bundle", "full series",
    "entire series", "series set", "megapack", "mega pack",
)  # fmt: skip
# "The Complete ..." is a pack when a name follows ("The Complete Sherlock Holmes"), one book
# when an edition word does ("The Complete Edition", "Complete & Unabridged") or nothing does.
ONE_BOOK_AFTER_COMPLETE = (
    "edition", "unabridged", "and unabridged", "uncut", "recording", "audiobook", "audio",
    "version", "text", "reading",
)  # fmt: skip
# Several books only when no single volume and no exact title is named ("Mistborn Trilogy,
# Book 1" is one book, "The Mistborn Trilogy" is three).
WEAK_PACK_PHRASES = (
    "trilogy", "duology", "quartet", "quintet", "series", "saga", "books", "volumes",
    "novels", "cycle",
)  # fmt: skip

ABRIDGED_WORDS = ("abridged", "gekurzt", "abridgement", "abridgment", "condensed", "abrege")
UNABRIDGED_WORDS = ("unabridged", "ungekurzt", "integrale", "integral", "completo", "unabriged")

# Words of a language other than its own name that mark an edition in it ("narrado por").
EDITION_PHRASES: dict[str, str] = {
    "horbuch": "de", "horspiel": "de", "hoerbuch": "de", "hoerspiel": "de", "ungekurzt": "de",
    "gekurzt": "de", "gelesen von": "de",
    "sprecher": "de", "livre audio": "fr", "lu par": "fr", "raconte par": "fr",
    "audiolibro": "es", "leido por": "es", "narrado por": "es", "narrada por": "es",
    "letto da": "it", "audiolibro letto": "it", "luisterboek": "nl", "gelezen door": "nl",
    "czyta": "pl", "audiobook pl": "pl", "ljudbok": "sv", "last av": "sv", "lydbog": "da",
    "lydbok": "no", "aanikirja": "fi", "audiolivro": "pt", "narrado": "es",
    "audiokniga": "ru", "chitaet": "ru",
}  # fmt: skip
# An English language name counts outside brackets only before one of these ("German edition").
LANGUAGE_NAME_FOLLOWERS = (
    "edition", "version", "audiobook", "audio", "dub", "dubbed", "narration", "language",
    "translation", "horbuch",
)  # fmt: skip

# Series words: a name segment holding one is a series, not a person.
SERIES_WORDS = frozenset(
    {"series", "saga", "chronicles", "chronicle", "trilogy", "cycle", "sequence", "archive",
     "universe", "book", "books", "vol", "volume", "novel", "novels", "tales", "legacy",
     "quartet", "duology", "collection", "edition", "part"}
)  # fmt: skip
# Tokens that are packaging, never a person or a title word.
NOISE_WORDS = frozenset(
    {*AUDIO_FORMATS, *EBOOK_FORMATS, "audiobook", "audiobooks", "audio", "unabridged",
     "abridged", "eng", "english", "retail", "kbps", "vbr", "cbr", "chapterized", "chaptered",
     "chapters", "vip", "hq", "aac", "he", "lc", "mono", "stereo", "khz", "web", "rip",
     "cd", "cds", "audible", "libation", "openaudible", "readarr", "repack", "proper",
     "read", "narrated", "by", "narrator", "audiobookbay", "abb", "mam", "fl", "freeleech",
     "hr", "hrs", "min", "mins"}
)  # fmt: skip
# Words saying which edition a recording is, never a title word unless the wanted title has it
# ("Elantris Complete (Parts 1-3)" is "Elantris").
EDITION_WORDS = frozenset({"complete", "uncut", "remastered", "definitive", "extended"})
