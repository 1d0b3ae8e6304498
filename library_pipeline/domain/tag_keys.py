"""Where each tag format keeps a book's fields: the lowercased keys of ID3 frames, MP4 atoms
and Vorbis comments that `tags.fields_from_tags` reads, most specific first."""

_ITUNES = "----:com.apple.itunes:"

# Field → flat keys to look at, most specific first. Keys are lower-case.
TITLE_ALBUM_KEYS = ("talb", "©alb", "album")
TITLE_TRACK_KEYS = ("tit2", "©nam", "title")
SUBTITLE_KEYS = ("tit3", "txxx:subtitle", f"{_ITUNES}subtitle", "subtitle")
ARTIST_KEYS = ("tpe1", "©art", "artist", "author", "txxx:author", f"{_ITUNES}author")
ALBUM_ARTIST_KEYS = ("tpe2", "aart", "albumartist", "album artist", "album_artist")
NARRATOR_KEYS = (
    "©nrt",
    "txxx:narrator",
    "txxx:narrated by",
    f"{_ITUNES}narrator",
    "narrator",
    "narratedby",
    "tipl:narrator",
    "tmcl:narrator",
    "ipls:narrator",
)
COMPOSER_KEYS = ("tcom", "©wrt", "composer")
SERIES_KEYS = (
    "txxx:series",
    f"{_ITUNES}series",
    "series",
    "mvnm",
    "©mvn",
    "movementname",
    "txxx:mvnm",
)
POSITION_KEYS = (
    "txxx:series-part",
    "txxx:series_part",
    "txxx:seriespart",
    f"{_ITUNES}series-part",
    f"{_ITUNES}series_part",
    f"{_ITUNES}seriespart",
    "series-part",
    "series_part",
    "seriespart",
    "mvin",
    "©mvi",
    "movement",
    "txxx:mvin",
)
GROUPING_KEYS = ("grp1", "tit1", "©grp", "grouping", "contentgroup", "txxx:grouping")
ASIN_KEYS = (
    "txxx:asin",
    "txxx:audible_asin",
    f"{_ITUNES}asin",
    f"{_ITUNES}audible_asin",
    "asin",
    "audible_asin",
)
ISBN_KEYS = ("txxx:isbn", f"{_ITUNES}isbn", "isbn")
DATE_KEYS = (
    "tdrc",
    "tyer",
    "tdrl",
    "tdor",
    "tory",
    "©day",
    "date",
    "year",
    "originaldate",
    "txxx:year",
    "txxx:originalyear",
)
LANGUAGE_KEYS = ("tlan", "txxx:language", f"{_ITUNES}language", "language")
PUBLISHER_KEYS = ("tpub", f"{_ITUNES}publisher", "publisher", "organization", "label")
DESCRIPTION_KEYS = (
    "txxx:description",
    "desc",
    "ldes",
    "description",
    "comm",
    "©cmt",
    "comment",
)
GENRE_KEYS = ("tcon", "©gen", "genre")
TRACK_KEYS = ("trck", "trkn", "tracknumber", "track")
DISC_KEYS = ("tpos", "disk", "discnumber", "disc")
