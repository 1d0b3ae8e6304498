"""Writes `entries.json`, the HELD-OUT library corpus (issue 17), written blind to the scan's rules.

    .venv/bin/python bench/corpora/library/holdout/write_holdout.py
    .venv/bin/python bench/library_records.py --corpus bench/corpora/library/holdout/entries.json

Same entry format as `bench/corpora/library/write_entries.py`, plus, for this corpus:
- a tag value may be a LIST (a multi-valued tag: several ARTIST values, several narrators);
- `id3_version: 3` on an entry saves its mp3 tags as ID3v2.3 (year as TYER, several values of
  one frame joined by "/", as v2.3 has no other separator);
- `expect: null` marks a folder that is not an audiobook (ebooks only): the right answer is no
  stored book;
- `expect.accept_authors`: other author lists that are equally right (initials spelt "J.R.R." in
  the tag and "J. R. R." in the folder; "Various" for an anthology).

Styles, from public material (facts only, in our own words): Audiobookshelf's directory
structure page and its scanner issues (multi-series folders "Series A, Series B/vol 21, 02 -
2018 - Title" and a SERIES tag "A #1, B #2"; four-digit "(1961) - Vol. 0001 - Title"; omnibus
"Book 1 to 3"; Audible's "Series #Book 1"; author folders "A & B & C"; "Series/01 - Author -
(Series #01) - Title"); Readarr/Bindery/ReadMeABook templates (`{Author}/{Title} ({Year})`,
`{Book Title}/{Author Name} - {Book Title} (N)`, `{author}/{title} {asin}`, "Last, First"
author folders); Emby/Plex `Author/Book/Disc 1`; beets-audible (`$albumartist/$series/$position
- $album`); Calibre's `Author/Title (id)/Title - Author.epub` ebook folders; light-novel
volume titles; German/French/Spanish/Dutch/Italian/Swedish position words (Band, Teil, Tome,
T01, Libro, Deel, Del); translators and editors credited in the artist tag. Books and people are
chosen outside the main corpus where possible; where a catalogue fact is uncertain the tags in
the entry define the label (the benchmark measures reading files, not knowing the catalogue).

Labels follow issue 17: the title is the book's title with packaging (year, Unabridged, series
and position) moved into fields; series/position are the book's (the first series listed when a
book is in two); authors exactly, in order, without translators/editors/narrators; narrators as
credited. `kind` names the style or trap; `also` secondary kinds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
Tags = dict[str, Any]


def one(fmt: str, name: str, **tags: Any) -> list[dict[str, Any]]:
    return [{"name": f"{name}.{fmt}", "tags": tags}]


def tracks(fmt: str, count: int, name: str = "{n:02d}", **tags: Any) -> list[dict[str, Any]]:
    return [
        {"name": name.format(n=n) + f".{fmt}", "tags": dict(tags, track=f"{n}/{count}")}
        for n in range(1, count + 1)
    ]


def discs(fmt: str, count: int, folder: str = "Disc {d}", **tags: Any) -> list[dict[str, Any]]:
    """`count` disc sub-folders of two tracks each, disc tag d/count."""
    return [
        {
            "name": f"{folder.format(d=d)}/{n:02d}.{fmt}",
            "tags": dict(tags, disc=f"{d}/{count}", track=f"{n}/2"),
        }
        for d in range(1, count + 1)
        for n in (1, 2)
    ]


def bare(*names: str) -> list[dict[str, Any]]:
    """Files with no tags (or not audio at all: written as small placeholder files)."""
    return [{"name": name, "tags": {}} for name in names]


def case(
    kind: str,
    path: str,
    files: list[dict[str, Any]],
    title: str,
    authors: list[str],
    narrators: list[str] | None = None,
    series: str | None = None,
    position: str | None = None,
    *,
    also: tuple[str, ...] = (),
    accept: tuple[str, ...] = (),
    accept_authors: tuple[list[str], ...] = (),
    note: str | None = None,
    root_file: bool = False,
    id3_version: int | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": kind,
        "also": list(also),
        "path": path,
        "files": files,
        "expect": {
            "title": title,
            "series": series,
            "position": position,
            "authors": authors,
            "narrators": narrators or [],
            "accept_titles": list(accept),
            "accept_authors": [list(a) for a in accept_authors],
        },
    }
    if root_file:
        entry["root_file"] = True
    if id3_version:
        entry["id3_version"] = id3_version
    if note:
        entry["note"] = note
    return entry


def not_a_book(kind: str, path: str, files: list[dict[str, Any]], note: str) -> dict[str, Any]:
    return {"kind": kind, "also": [], "path": path, "files": files, "expect": None, "note": note}


# --- ordinary, clean libraries ----------------------------------------------------------------


def clean() -> list[dict[str, Any]]:
    k = "clean"
    out = []
    # (author, series, position, title, narrators, year)
    series_books = [
        ("Naomi Novik", "Scholomance", "1", "A Deadly Education", ["Anisa Nandaula"], "2020"),
        ("Naomi Novik", "Scholomance", "2", "The Last Graduate", ["Anisa Nandaula"], "2021"),
        ("Seanan McGuire", "Wayward Children", "1", "Every Heart a Doorway",
         ["Cynthia Hopkins"], "2016"),
        ("Ben Aaronovitch", "Rivers of London", "1", "Rivers of London",
         ["Kobna Holdbrook-Smith"], "2011"),
        ("Ben Aaronovitch", "Rivers of London", "2", "Moon Over Soho",
         ["Kobna Holdbrook-Smith"], "2011"),
        ("Richard Osman", "Thursday Murder Club", "1", "The Thursday Murder Club",
         ["Lesley Manville"], "2020"),
        ("Mick Herron", "Slough House", "1", "Slow Horses", ["Seán Barrett"], "2010"),
        ("Craig Alanson", "Expeditionary Force", "1", "Columbus Day", ["R. C. Bray"], "2016"),
        ("Andrea Stewart", "The Drowning Empire", "1", "The Bone Shard Daughter",
         ["Natalie Naudus"], "2020"),
        ("T. Kingfisher", "Saint of Steel", "1", "Paladin's Grace", ["Joel Froomkin"], "2020"),
        ("Travis Baldree", "Legends & Lattes", "1", "Legends & Lattes", ["Travis Baldree"],
         "2022"),
        ("Nicholas Eames", "The Band", "1", "Kings of the Wyld", ["Corey Brill"], "2017"),
        ("Josiah Bancroft", "The Books of Babel", "1", "Senlin Ascends", ["Joe Jameson"], "2018"),
        ("Jonathan Stroud", "Bartimaeus", "1", "The Amulet of Samarkand", ["Simon Jones"], "2003"),
        ("Lee Child", "Jack Reacher", "1", "Killing Floor", ["Dick Hill"], "1997"),
        ("Louise Penny", "Chief Inspector Armand Gamache", "1", "Still Life", ["Ralph Cosham"],
         "2005"),
        ("C. J. Box", "Joe Pickett", "1", "Open Season", ["David Chandler"], "2001"),
    ]  # fmt: skip
    fmts = ["m4b", "mp3", "flac", "opus", "m4b", "mp3"]
    for i, (author, series, pos, title, narr, year) in enumerate(series_books):
        fmt = fmts[i % len(fmts)]
        tags: Tags = {"album": title, "artist": author, "album_artist": author,
                      "composer": ", ".join(narr), "year": year, "genre": "Audiobook",
                      "series": series, "series_part": pos}  # fmt: skip
        variant = i % 3
        if variant == 0:  # ABS: Author/Series/Book N - Title, one file
            path = f"{author}/{series}/Book {pos} - {title}"
            files = one(fmt, title, title=title, **tags)
        elif variant == 1:  # beets-audible: $albumartist/$series/$position - $album, chapters
            path = f"{author}/{series}/{pos} - {title}"
            files = tracks(fmt, 3, "{n:02d} - " + title.replace("&", "and"), **tags)
        else:  # Author/Series/Title, tags carry the position
            path = f"{author}/{series}/{title}"
            files = one(fmt, title, title=title, **tags)
        out.append(case(k, path, files, title, [author], narr, series, pos))
    standalones = [
        ("Emily St. John Mandel", "Station Eleven", ["Kirsten Potter"], "2014"),
        ("Colson Whitehead", "The Underground Railroad", ["Bahni Turpin"], "2016"),
        ("Celeste Ng", "Little Fires Everywhere", ["Jennifer Lim"], "2017"),
        ("Gabrielle Zevin", "Tomorrow, and Tomorrow, and Tomorrow",
         ["Jennifer Kim", "Julian Cihi"], "2022"),
        ("Kristin Hannah", "The Nightingale", ["Polly Stone"], "2015"),
        ("Anthony Doerr", "All the Light We Cannot See", ["Zach Appelman"], "2014"),
        ("Barbara Kingsolver", "Demon Copperhead", ["Charlie Thurston"], "2022"),
        ("Bill Bryson", "A Short History of Nearly Everything", ["William Roberts"], "2003"),
        ("Erik Larson", "The Devil in the White City", ["Scott Brick"], "2003"),
        ("Trevor Noah", "Born a Crime", ["Trevor Noah"], "2016"),
        ("Michelle Obama", "Becoming", ["Michelle Obama"], "2018"),
    ]  # fmt: skip
    for i, (author, title, narr, year) in enumerate(standalones):
        fmt = ["m4b", "mp3", "flac", "m4b"][i % 4]
        tags = {"album": title, "artist": author, "album_artist": author,
                "composer": ", ".join(narr), "year": year}  # fmt: skip
        if i % 2:
            tags["narrator"] = ", ".join(narr)
        files = (
            one(fmt, title.replace(",", ""), title=title, **tags)
            if i % 3
            else tracks(fmt, 4, "Track {n:02d}", **tags)
        )
        out.append(case(k, f"{author}/{title}", files, title, [author], narr,
                        also=("no-series",)))  # fmt: skip
    # real subtitles kept whole
    out.append(case(k, "Mary Roach/Stiff - The Curious Lives of Human Cadavers",
                    one("mp3", "Stiff", title="Stiff: The Curious Lives of Human Cadavers",
                        album="Stiff: The Curious Lives of Human Cadavers", artist="Mary Roach",
                        composer="Shelly Frasier", year="2003"),
                    "Stiff: The Curious Lives of Human Cadavers", ["Mary Roach"],
                    ["Shelly Frasier"], also=("real-subtitle",), accept=("Stiff",)))  # fmt: skip
    out.append(case(k, "Malcolm Gladwell/Outliers",
                    one("m4b", "Outliers", title="Outliers: The Story of Success",
                        album="Outliers: The Story of Success (Unabridged)",
                        artist="Malcolm Gladwell", narrator="Malcolm Gladwell", year="2008"),
                    "Outliers: The Story of Success", ["Malcolm Gladwell"], ["Malcolm Gladwell"],
                    also=("real-subtitle",), accept=("Outliers",)))  # fmt: skip
    out.append(case(k, "audiobook_0042.m4b",
                    one("m4b", "x", title="The Immortal Life of Henrietta Lacks",
                        album="The Immortal Life of Henrietta Lacks", artist="Rebecca Skloot",
                        composer="Cassandra Campbell, Bahni Turpin", year="2010"),
                    "The Immortal Life of Henrietta Lacks", ["Rebecca Skloot"],
                    ["Cassandra Campbell", "Bahni Turpin"], root_file=True,
                    note="a root file whose name is not the title: tags win"))  # fmt: skip
    return out


# --- multi-valued tags and ID3v2.3 --------------------------------------------------------------


def multi_value() -> list[dict[str, Any]]:
    k = "multi-value"
    return [
        case(k, "Stephen King/Sleeping Beauties",
             one("flac", "Sleeping Beauties", title="Sleeping Beauties", album="Sleeping Beauties",
                 artist=["Stephen King", "Owen King"], composer="Marin Ireland", year="2017"),
             "Sleeping Beauties", ["Stephen King", "Owen King"], ["Marin Ireland"],
             also=("co-authors",)),
        case(k, "Terry Pratchett/The Long Earth/1 - The Long Earth",
             one("m4b", "The Long Earth", title="The Long Earth", album="The Long Earth",
                 artist=["Terry Pratchett", "Stephen Baxter"],
                 album_artist="Terry Pratchett, Stephen Baxter",
                 narrator="Michael Fenton Stevens", series="The Long Earth", series_part="1"),
             "The Long Earth", ["Terry Pratchett", "Stephen Baxter"], ["Michael Fenton Stevens"],
             "The Long Earth", "1", also=("co-authors",)),
        case(k, "Naomi Novik/Temeraire/01 - His Majesty's Dragon",
             one("opus", "His Majesty's Dragon", title="His Majesty's Dragon",
                 album="His Majesty's Dragon", artist=["Naomi Novik", "Simon Vance"],
                 composer="Simon Vance", series="Temeraire", series_part="1"),
             "His Majesty's Dragon", ["Naomi Novik"], ["Simon Vance"], "Temeraire", "1",
             note="the narrator is the second ARTIST value"),
        case(k, "Brian Herbert/Prelude to Dune/1 - Dune - House Atreides",
             one("mp3", "House Atreides", title="Dune: House Atreides",
                 album="Dune: House Atreides", artist=["Brian Herbert", "Kevin J. Anderson"],
                 composer="Scott Brick", series="Prelude to Dune", series_part="1"),
             "Dune: House Atreides", ["Brian Herbert", "Kevin J. Anderson"], ["Scott Brick"],
             "Prelude to Dune", "1", also=("co-authors",), accept=("House Atreides",)),
        case(k, "Rebecca Yarros/The Empyrean/Book 1 - Fourth Wing",
             one("flac", "Fourth Wing", title="Fourth Wing", album="Fourth Wing",
                 artist="Rebecca Yarros", narrator=["Rebecca Soler", "Teddy Hamilton"],
                 series="The Empyrean", series_part="1"),
             "Fourth Wing", ["Rebecca Yarros"], ["Rebecca Soler", "Teddy Hamilton"],
             "The Empyrean", "1"),
        case(k, "Rebecca Yarros/The Empyrean/Book 2 - Iron Flame",
             tracks("m4b", 3, "Iron Flame - {n:02d}", album="Iron Flame",
                    artist=["Rebecca Yarros"], composer=["Rebecca Soler", "Teddy Hamilton"],
                    series="The Empyrean", series_part="2"),
             "Iron Flame", ["Rebecca Yarros"], ["Rebecca Soler", "Teddy Hamilton"],
             "The Empyrean", "2"),
        case(k, "Leigh Bardugo/Six of Crows/1 - Six of Crows",
             one("opus", "Six of Crows", title="Six of Crows", album="Six of Crows",
                 artist="Leigh Bardugo",
                 narrator=["Jay Snyder", "Elizabeth Evans", "Lauren Fortgang", "Tristan Morris"],
                 series="Six of Crows", series_part="1"),
             "Six of Crows", ["Leigh Bardugo"],
             ["Jay Snyder", "Elizabeth Evans", "Lauren Fortgang", "Tristan Morris"],
             "Six of Crows", "1"),
        case(k, "Douglas Adams/Dirk Gently/1 - Dirk Gently's Holistic Detective Agency",
             one("flac", "Dirk Gently", title="Dirk Gently's Holistic Detective Agency",
                 album="Dirk Gently's Holistic Detective Agency",
                 artist=["Douglas Adams"], album_artist=["Douglas Adams"],
                 composer=["Douglas Adams"], series=["Dirk Gently"], series_part=["1"]),
             "Dirk Gently's Holistic Detective Agency", ["Douglas Adams"], ["Douglas Adams"],
             "Dirk Gently", "1", note="every tag a one-element list; the author reads his book"),
    ]  # fmt: skip


def id3v23() -> list[dict[str, Any]]:
    k = "id3v23"
    v3 = {"id3_version": 3}
    return [
        case(k, "Brian Herbert/Prelude to Dune/2 - Dune - House Harkonnen",
             one("mp3", "House Harkonnen", title="Dune: House Harkonnen",
                 album="Dune: House Harkonnen", artist=["Brian Herbert", "Kevin J. Anderson"],
                 composer="Scott Brick", year="2000", series="Prelude to Dune",
                 series_part="2"),
             "Dune: House Harkonnen", ["Brian Herbert", "Kevin J. Anderson"], ["Scott Brick"],
             "Prelude to Dune", "2", also=("multi-value", "co-authors"),
             accept=("House Harkonnen",), note="TPE1 'Brian Herbert/Kevin J. Anderson'", **v3),
        case(k, "James Patterson/Women's Murder Club/02 - 2nd Chance",
             tracks("mp3", 3, album="2nd Chance", artist=["James Patterson", "Andrew Gross"],
                    composer="Carolyn McCormick", year="2002", series="Women's Murder Club",
                    series_part="2"),
             "2nd Chance", ["James Patterson", "Andrew Gross"], ["Carolyn McCormick"],
             "Women's Murder Club", "2", also=("multi-value", "co-authors"), **v3),
        case(k, "Mick Herron/Slough House/02 - Dead Lions",
             tracks("mp3", 3, album="Dead Lions", artist="Mick Herron", album_artist="Mick Herron",
                    composer="Seán Barrett", year="2013", series="Slough House", series_part="2"),
             "Dead Lions", ["Mick Herron"], ["Seán Barrett"], "Slough House", "2", **v3),
        case(k, "Lee Child/Jack Reacher/02 - Die Trying",
             one("mp3", "Die Trying", title="Die Trying", album="Die Trying (Unabridged)",
                 artist="Lee Child", composer="Dick Hill", year="1998"),
             "Die Trying", ["Lee Child"], ["Dick Hill"], "Jack Reacher", "2", **v3),
        case(k, "Louise Penny/A Fatal Grace (2006)",
             tracks("mp3", 4, album="A Fatal Grace", artist="Louise Penny",
                    composer="Ralph Cosham", year="2006",
                    grouping="Chief Inspector Armand Gamache, Book 2"),
             "A Fatal Grace", ["Louise Penny"], ["Ralph Cosham"],
             "Chief Inspector Armand Gamache", "2", also=("readarr-plex",), **v3),
        case(k, "Kristin Hannah/The Great Alone",
             one("mp3", "The Great Alone", title="The Great Alone", album="The Great Alone",
                 artist="Kristin Hannah", composer=["Julia Whelan"], year="2018"),
             "The Great Alone", ["Kristin Hannah"], ["Julia Whelan"], also=("no-series",), **v3),
        case(k, "Richard Osman/Thursday Murder Club/2 - The Man Who Died Twice",
             one("mp3", "The Man Who Died Twice", title="The Man Who Died Twice",
                 album="The Man Who Died Twice", artist="Richard Osman",
                 narrator=["Lesley Manville", "Richard Osman"], year="2021",
                 series="Thursday Murder Club", series_part="2"),
             "The Man Who Died Twice", ["Richard Osman"], ["Lesley Manville", "Richard Osman"],
             "Thursday Murder Club", "2", also=("multi-value",),
             note="TXXX NARRATOR with two values joined by '/' in v2.3", **v3),
    ]  # fmt: skip


# --- positions: non-English words, four digits, ranges ----------------------------------------


def positions_international() -> list[dict[str, Any]]:
    k = "pos-intl"
    return [
        case(k, "Cornelia Funke/Tintenwelt/Band 1 - Tintenherz",
             one("m4b", "Tintenherz", title="Tintenherz", album="Tintenherz",
                 artist="Cornelia Funke", composer="Rainer Strecker"),
             "Tintenherz", ["Cornelia Funke"], ["Rainer Strecker"], "Tintenwelt", "1"),
        case(k, "Cornelia Funke/Tintenwelt/Band 2 - Tintenblut",
             tracks("mp3", 3, album="Tintenblut (Tintenwelt, Band 2)", artist="Cornelia Funke",
                    composer="Rainer Strecker"),
             "Tintenblut", ["Cornelia Funke"], ["Rainer Strecker"], "Tintenwelt", "2"),
        case(k, "Cornelia Funke/Tintenwelt/Tintentod",
             one("m4b", "Tintentod", title="Tintentod", album="Tintentod (Tintenwelt 3)",
                 artist="Cornelia Funke", composer="Rainer Strecker", movement_name="Tintenwelt"),
             "Tintentod", ["Cornelia Funke"], ["Rainer Strecker"], "Tintenwelt", "3"),
        case(k, "Kerstin Gier/Edelstein-Trilogie/Band 1 - Rubinrot",
             tracks("mp3", 3, "Rubinrot - Teil {n}", album="Rubinrot", artist="Kerstin Gier",
                    composer="Josefine Preuß", series="Edelstein-Trilogie"),
             "Rubinrot", ["Kerstin Gier"], ["Josefine Preuß"], "Edelstein-Trilogie", "1",
             note="'Teil N' in file names is a part of the book, not its position"),
        case(k, "Marc-Uwe Kling/Die Känguru-Chroniken/Teil 2 - Das Känguru-Manifest",
             one("m4b", "Das Känguru-Manifest", title="Das Känguru-Manifest",
                 album="Das Känguru-Manifest", artist="Marc-Uwe Kling",
                 narrator="Marc-Uwe Kling"),
             "Das Känguru-Manifest", ["Marc-Uwe Kling"], ["Marc-Uwe Kling"],
             "Die Känguru-Chroniken", "2"),
        case(k, "Bernard Werber/La Trilogie des Fourmis/Tome 1 - Les Fourmis",
             tracks("mp3", 3, name="Piste {n:02d}"),
             "Les Fourmis", ["Bernard Werber"], [], "La Trilogie des Fourmis", "1",
             also=("no-tags",)),
        case(k, "Bernard Werber/La Trilogie des Fourmis/Tome 2 - Le Jour des fourmis",
             one("m4b", "Le Jour des fourmis", title="Le Jour des fourmis",
                 album="Le Jour des fourmis", artist="Bernard Werber"),
             "Le Jour des fourmis", ["Bernard Werber"], [], "La Trilogie des Fourmis", "2"),
        case(k, "Pierre Bottero/La Quête d'Ewilan/T01 - D'un monde à l'autre",
             one("mp3", "D'un monde à l'autre", title="D'un monde à l'autre",
                 album="D'un monde à l'autre", artist="Pierre Bottero"),
             "D'un monde à l'autre", ["Pierre Bottero"], [], "La Quête d'Ewilan", "1"),
        case(k, "Carlos Ruiz Zafón/El cementerio de los libros olvidados/"
                "Libro 1 - La sombra del viento",
             one("m4b", "La sombra del viento", title="La sombra del viento",
                 album="La sombra del viento", artist="Carlos Ruiz Zafón",
                 composer="Jordi Boixaderas"),
             "La sombra del viento", ["Carlos Ruiz Zafón"], ["Jordi Boixaderas"],
             "El cementerio de los libros olvidados", "1"),
        case(k, "Carlos Ruiz Zafón/El cementerio de los libros olvidados/"
                "Libro 2 - El juego del ángel",
             tracks("mp3", 3, album="El juego del ángel", artist="Carlos Ruiz Zafón"),
             "El juego del ángel", ["Carlos Ruiz Zafón"], [],
             "El cementerio de los libros olvidados", "2"),
        case(k, "Laura Gallego/Memorias de Idhún/Memorias de Idhún, Libro 1 - La Resistencia",
             one("mp3", "La Resistencia", title="La Resistencia", album="La Resistencia",
                 artist="Laura Gallego"),
             "La Resistencia", ["Laura Gallego"], [], "Memorias de Idhún", "1"),
        case(k, "Paul van Loon/Dolfje Weerwolfje/Deel 1 - Dolfje Weerwolfje",
             one("mp3", "Dolfje Weerwolfje", title="Dolfje Weerwolfje",
                 album="Dolfje Weerwolfje", artist="Paul van Loon", composer="Paul van Loon"),
             "Dolfje Weerwolfje", ["Paul van Loon"], ["Paul van Loon"], "Dolfje Weerwolfje",
             "1"),
        case(k, "C.S. Lewis/De Kronieken van Narnia/Deel 2 - De leeuw, de heks en de kleerkast",
             tracks("mp3", 3, album="De leeuw, de heks en de kleerkast", artist="C.S. Lewis"),
             "De leeuw, de heks en de kleerkast", ["C.S. Lewis"], [],
             "De Kronieken van Narnia", "2", accept_authors=(["C. S. Lewis"],)),
        case(k, "Stieg Larsson/Millennium/Del 1 - Män som hatar kvinnor",
             one("m4b", "Män som hatar kvinnor", title="Män som hatar kvinnor",
                 album="Män som hatar kvinnor", artist="Stieg Larsson"),
             "Män som hatar kvinnor", ["Stieg Larsson"], [], "Millennium", "1"),
        case(k, "Elena Ferrante/L'amica geniale/Libro 2 - Storia del nuovo cognome",
             one("m4b", "Storia del nuovo cognome", title="Storia del nuovo cognome",
                 album="Storia del nuovo cognome", artist="Elena Ferrante",
                 composer="Anna Bonaiuto"),
             "Storia del nuovo cognome", ["Elena Ferrante"], ["Anna Bonaiuto"],
             "L'amica geniale", "2"),
    ]  # fmt: skip


def four_digit() -> list[dict[str, Any]]:
    k = "four-digit"
    pr = "Perry Rhodan/Perry Rhodan Erstauflage"
    return [
        case(k, f"{pr}/(1961) - Vol. 0001 - Unternehmen Stardust",
             one("mp3", "Unternehmen Stardust", title="Unternehmen Stardust",
                 album="Unternehmen Stardust", artist="K. H. Scheer", year="1961"),
             "Unternehmen Stardust", ["K. H. Scheer"], [], "Perry Rhodan Erstauflage", "1",
             note="the author folder is the series' brand; the artist tag names the writer"),
        case(k, f"{pr}/(1961) - Vol. 0002 - Die dritte Macht",
             one("mp3", "Die dritte Macht", title="Die dritte Macht", album="Die dritte Macht",
                 artist="Clark Darlton", year="1961"),
             "Die dritte Macht", ["Clark Darlton"], [], "Perry Rhodan Erstauflage", "2"),
        case(k, f"{pr}/(1961) - Vol. 0003 - Die strahlende Kuppel",
             one("m4b", "Die strahlende Kuppel", title="Die strahlende Kuppel",
                 album="Die strahlende Kuppel", artist="K. H. Scheer", year="1961",
                 series="Perry Rhodan Erstauflage", series_part="0003"),
             "Die strahlende Kuppel", ["K. H. Scheer"], [], "Perry Rhodan Erstauflage", "3"),
        case(k, "Lee Child/Jack Reacher/Vol. 0003 - Tripwire",
             one("m4b", "Tripwire", title="Tripwire", album="Tripwire", artist="Lee Child",
                 composer="Dick Hill"),
             "Tripwire", ["Lee Child"], ["Dick Hill"], "Jack Reacher", "3"),
        case(k, "Lee Child/Jack Reacher/0004 - Running Blind",
             tracks("mp3", 3, album="Running Blind", artist="Lee Child", composer="Dick Hill"),
             "Running Blind", ["Lee Child"], ["Dick Hill"], "Jack Reacher", "4"),
    ]  # fmt: skip


def ranges() -> list[dict[str, Any]]:
    k = "ranges"
    return [
        case(k, "Michael J. Sullivan/The Riyria Revelations (Books 1-6)/1 - Theft of Swords",
             one("m4b", "Theft of Swords", title="Theft of Swords", album="Theft of Swords",
                 artist="Michael J. Sullivan", composer="Tim Gerard Reynolds"),
             "Theft of Swords", ["Michael J. Sullivan"], ["Tim Gerard Reynolds"],
             "The Riyria Revelations", "1", note="a range in the series folder"),
        case(k, "Bernard Cornwell/The Saxon Stories 1-13/01 - The Last Kingdom",
             tracks("mp3", 3, album="The Last Kingdom", artist="Bernard Cornwell",
                    composer="Jamie Glover"),
             "The Last Kingdom", ["Bernard Cornwell"], ["Jamie Glover"], "The Saxon Stories",
             "1"),
        case(k, "Bernard Cornwell/The Saxon Stories 1-13/Book 2 - The Pale Horseman",
             one("m4b", "The Pale Horseman", title="The Pale Horseman",
                 album="The Pale Horseman", artist="Bernard Cornwell", composer="Jamie Glover",
                 series="The Saxon Stories", series_part="2"),
             "The Pale Horseman", ["Bernard Cornwell"], ["Jamie Glover"], "The Saxon Stories",
             "2"),
        case(k, "Lee Child/Jack Reacher (01-29)/05 - Echo Burning",
             one("mp3", "Echo Burning", title="Echo Burning", album="Echo Burning",
                 artist="Lee Child", composer="Dick Hill"),
             "Echo Burning", ["Lee Child"], ["Dick Hill"], "Jack Reacher", "5"),
        case(k, "Jonathan Stroud/Bartimaeus/Book 1 to 3 - The Bartimaeus Trilogy",
             tracks("mp3", 3, album="The Bartimaeus Trilogy", artist="Jonathan Stroud",
                    composer="Simon Jones"),
             "The Bartimaeus Trilogy", ["Jonathan Stroud"], ["Simon Jones"], "Bartimaeus",
             "1-3", note="an omnibus: the position is the range (ABS issue 511)"),
        case(k, "Craig Alanson/Expeditionary Force/Books 1-3 - Expeditionary Force Omnibus",
             one("m4b", "Omnibus", title="Expeditionary Force Omnibus",
                 album="Expeditionary Force Omnibus", artist="Craig Alanson",
                 composer="R. C. Bray", series="Expeditionary Force", series_part="1-3"),
             "Expeditionary Force Omnibus", ["Craig Alanson"], ["R. C. Bray"],
             "Expeditionary Force", "1-3"),
    ]  # fmt: skip


# --- series ------------------------------------------------------------------------------------


def two_series() -> list[dict[str, Any]]:
    k = "two-series"
    return [
        case(k, "Michael Connelly/Harry Bosch, Renee Ballard/"
                "vol 21, 02 - 2018 - Dark Sacred Night",
             tracks("mp3", 3, "Dark Sacred Night {n:02d}", album="Dark Sacred Night",
                    artist="Michael Connelly", composer="Titus Welliver, Christine Lakin",
                    series="Harry Bosch, Renee Ballard", series_part="21, 02"),
             "Dark Sacred Night", ["Michael Connelly"], ["Titus Welliver", "Christine Lakin"],
             "Harry Bosch", "21", note="ABS issue 1728's layout; the first series is the label"),
        case(k, "Michael Connelly/Renee Ballard/Book 3 - The Night Fire",
             one("m4b", "The Night Fire", title="The Night Fire", album="The Night Fire",
                 artist="Michael Connelly", narrator="Titus Welliver, Christine Lakin",
                 series="Renee Ballard #3, Harry Bosch #22"),
             "The Night Fire", ["Michael Connelly"], ["Titus Welliver", "Christine Lakin"],
             "Renee Ballard", "3", note="SERIES 'A #3, B #22' (ABS issue 3473)"),
        case(k, "Michael Connelly/Mickey Haller/02 - The Brass Verdict",
             one("m4b", "The Brass Verdict", title="The Brass Verdict",
                 album="The Brass Verdict", artist="Michael Connelly", composer="Peter Giles",
                 series="Mickey Haller", series_part="2", grouping="Harry Bosch, Book 14"),
             "The Brass Verdict", ["Michael Connelly"], ["Peter Giles"], "Mickey Haller", "2"),
        case(k, "Michael Connelly/The Black Echo",
             one("flac", "The Black Echo", title="The Black Echo", album="The Black Echo",
                 artist="Michael Connelly", composer="Titus Welliver",
                 series=["Harry Bosch", "Harry Bosch Universe"], series_part=["1", "1"]),
             "The Black Echo", ["Michael Connelly"], ["Titus Welliver"], "Harry Bosch", "1",
             also=("multi-value",), note="two SERIES values and two SERIES-PART values"),
        case(k, "Ben Aaronovitch/Rivers of London/7.5 - The October Man",
             one("m4b", "The October Man", title="The October Man",
                 album="The October Man: A Rivers of London Novella",
                 artist="Ben Aaronovitch", composer="Sam Peter Jackson",
                 series="Rivers of London", series_part="7.5"),
             "The October Man", ["Ben Aaronovitch"], ["Sam Peter Jackson"], "Rivers of London",
             "7.5", accept=("The October Man: A Rivers of London Novella",)),
        case(k, "Brian Herbert/Dune Universe, Prelude to Dune/3 - Dune - House Corrino",
             one("m4b", "House Corrino", title="Dune: House Corrino",
                 album="Dune: House Corrino", artist="Brian Herbert, Kevin J. Anderson",
                 composer="Scott Brick", series="Prelude to Dune", series_part="3"),
             "Dune: House Corrino", ["Brian Herbert", "Kevin J. Anderson"], ["Scott Brick"],
             "Prelude to Dune", "3", accept=("House Corrino",),
             note="the series folder lists two series; the tag names the book's own"),
    ]  # fmt: skip


def audible_series_tag() -> list[dict[str, Any]]:
    k = "audible-series-tag"
    return [
        case(k, "Seanan McGuire/Down Among the Sticks and Bones",
             one("m4b", "Down Among the Sticks and Bones",
                 title="Down Among the Sticks and Bones",
                 album="Down Among the Sticks and Bones", artist="Seanan McGuire",
                 narrator="Cynthia Hopkins", series="Wayward Children, Book 2"),
             "Down Among the Sticks and Bones", ["Seanan McGuire"], ["Cynthia Hopkins"],
             "Wayward Children", "2"),
        case(k, "Ben Aaronovitch/Whispers Under Ground",
             one("mp3", "Whispers Under Ground", title="Whispers Under Ground",
                 album="Whispers Under Ground", artist="Ben Aaronovitch",
                 composer="Kobna Holdbrook-Smith", series="Rivers of London #Book 3"),
             "Whispers Under Ground", ["Ben Aaronovitch"], ["Kobna Holdbrook-Smith"],
             "Rivers of London", "3", note="Audible's 'Series #Book 3' (ABS issue 1339)"),
        case(k, "Craig Alanson/Expeditionary Force/SpecOps",
             one("m4b", "SpecOps", title="SpecOps", album="SpecOps", artist="Craig Alanson",
                 narrator="R. C. Bray", series="Expeditionary Force #2"),
             "SpecOps", ["Craig Alanson"], ["R. C. Bray"], "Expeditionary Force", "2"),
        case(k, "Mick Herron/Slough House/Real Tigers",
             tracks("mp3", 3, album="Real Tigers", artist="Mick Herron", composer="Seán Barrett",
                    series="Slough House, Book 3", series_part="3"),
             "Real Tigers", ["Mick Herron"], ["Seán Barrett"], "Slough House", "3"),
        case(k, "Richard Osman/The Bullet That Missed",
             one("m4b", "The Bullet That Missed", title="The Bullet That Missed",
                 album="The Bullet That Missed", artist="Richard Osman",
                 narrator="Lesley Manville", movement_name="Thursday Murder Club, Book 3",
                 movement="3"),
             "The Bullet That Missed", ["Richard Osman"], ["Lesley Manville"],
             "Thursday Murder Club", "3"),
        case(k, "Louise Penny/The Cruelest Month",
             one("flac", "The Cruelest Month", title="The Cruelest Month",
                 album="The Cruelest Month", artist="Louise Penny", composer="Ralph Cosham",
                 series="Chief Inspector Armand Gamache, Book 3"),
             "The Cruelest Month", ["Louise Penny"], ["Ralph Cosham"],
             "Chief Inspector Armand Gamache", "3"),
        case(k, "C. J. Box/Savage Run",
             one("m4b", "Savage Run", title="Savage Run", album="Savage Run",
                 artist="C. J. Box", composer="David Chandler",
                 content_group="Joe Pickett, Book 2"),
             "Savage Run", ["C. J. Box"], ["David Chandler"], "Joe Pickett", "2",
             note="the series only in the content-group tag (Mp3tag's CONTENTGROUP)"),
        case(k, "T. Kingfisher/Saint of Steel/Paladin's Strength",
             one("m4b", "Paladin's Strength", title="Paladin's Strength: Saint of Steel, Book 2",
                 album="Paladin's Strength", artist="T. Kingfisher", narrator="Joel Froomkin",
                 series="Saint of Steel, Book 2", series_part="2"),
             "Paladin's Strength", ["T. Kingfisher"], ["Joel Froomkin"], "Saint of Steel", "2"),
    ]  # fmt: skip


# --- Readarr / Plex / Booksonic layouts ---------------------------------------------------------


def readarr_plex() -> list[dict[str, Any]]:
    k = "readarr-plex"
    return [
        case(k, "Colson Whitehead/The Nickel Boys (2019)",
             discs("mp3", 2, album="The Nickel Boys", artist="Colson Whitehead",
                   composer="JD Jackson", year="2019"),
             "The Nickel Boys", ["Colson Whitehead"], ["JD Jackson"], also=("multi-disc",),
             note="Author/Title (Year)/Disc N: the book is the Title folder"),
        case(k, "Erik Larson/Dead Wake (2015)",
             discs("mp3", 3, "CD{d}", album="Dead Wake: The Last Crossing of the Lusitania",
                   artist="Erik Larson", composer="Scott Brick", year="2015"),
             "Dead Wake: The Last Crossing of the Lusitania", ["Erik Larson"], ["Scott Brick"],
             also=("multi-disc", "real-subtitle"), accept=("Dead Wake",)),
        case(k, "Anthony Doerr/Cloud Cuckoo Land (2021)",
             discs("flac", 2, "Disc {d}", album="Cloud Cuckoo Land (Disc 1)",
                   artist="Anthony Doerr", composer="Marin Ireland", year="2021"),
             "Cloud Cuckoo Land", ["Anthony Doerr"], ["Marin Ireland"], also=("multi-disc",),
             note="album carries '(Disc 1)' on every disc"),
        case(k, "Emily St. John Mandel/Sea of Tranquility (2022)",
             one("m4b", "Sea of Tranquility", title="Sea of Tranquility",
                 album="Sea of Tranquility", artist="Emily St. John Mandel",
                 narrator="John Lee", year="2022"),
             "Sea of Tranquility", ["Emily St. John Mandel"], ["John Lee"]),
        case(k, "Erik Larson/The Splendid and the Vile",
             [{"name": f"Erik Larson - The Splendid and the Vile ({n}).mp3",
               "tags": {"album": "The Splendid and the Vile", "artist": "Erik Larson",
                        "composer": "John Lee", "track": f"{n}/3"}} for n in (1, 2, 3)],
             "The Splendid and the Vile", ["Erik Larson"], ["John Lee"],
             note="Readarr '{Book Title}/{Author Name} - {Book Title} (PartNumber)'"),
        case(k, "Celeste Ng/Our Missing Hearts B09XYZ1234",
             one("m4b", "Our Missing Hearts", title="Our Missing Hearts",
                 album="Our Missing Hearts", artist="Celeste Ng", composer="Lucy Liu",
                 asin="B09XYZ1234"),
             "Our Missing Hearts", ["Celeste Ng"], ["Lucy Liu"],
             note="'{author}/{title} {asin}': an ASIN without brackets"),
        case(k, "Barbara Kingsolver/The Poisonwood Bible (1998)",
             tracks("mp3", 4, "Part {n:02d}"),
             "The Poisonwood Bible", ["Barbara Kingsolver"], [], also=("no-tags",)),
        case(k, "Taylor Jenkins Reid/The Seven Husbands of Evelyn Hugo (2017)",
             tracks("m4b", 2, "The Seven Husbands of Evelyn Hugo - Part {n}",
                    album="The Seven Husbands of Evelyn Hugo", artist="Taylor Jenkins Reid",
                    narrator="Alma Cuervo, Julia Whelan, Robin Miles", year="2017"),
             "The Seven Husbands of Evelyn Hugo", ["Taylor Jenkins Reid"],
             ["Alma Cuervo", "Julia Whelan", "Robin Miles"]),
        case(k, "Hilary Mantel/Wolf Hall (2009)/Part 1",
             tracks("mp3", 3, album="Wolf Hall", artist="Hilary Mantel", composer="Simon Vance",
                    series="Thomas Cromwell", series_part="1"),
             "Wolf Hall", ["Hilary Mantel"], ["Simon Vance"], "Thomas Cromwell", "1",
             note="a Part folder holding the whole book (the other parts not downloaded yet)"),
        case(k, "Kristin Hannah/Firefly Lane (2008) [Unabridged]",
             one("m4b", "Firefly Lane", title="Firefly Lane", album="Firefly Lane",
                 artist="Kristin Hannah", composer="Tanya Eby", year="2008"),
             "Firefly Lane", ["Kristin Hannah"], ["Tanya Eby"]),
        case(k, "Mary Roach/Gulp - Adventures on the Alimentary Canal (2013)",
             tracks("mp3", 3),
             "Gulp: Adventures on the Alimentary Canal", ["Mary Roach"], [],
             also=("no-tags", "real-subtitle"),
             accept=("Gulp - Adventures on the Alimentary Canal", "Gulp")),
        case(k, "Audiobooks/Bill Bryson/In a Sunburned Country",
             tracks("mp3", 3, album="In a Sunburned Country", album_artist="Bill Bryson",
                    artist="Bill Bryson", composer="Bill Bryson"),
             "In a Sunburned Country", ["Bill Bryson"], ["Bill Bryson"],
             note="an extra top-level category folder above the author"),
    ]  # fmt: skip


def light_novels() -> list[dict[str, Any]]:
    k = "light-novel"
    return [
        case(k, "Isuna Hasekura/Spice and Wolf/Spice and Wolf, Vol. 1",
             one("m4b", "Spice and Wolf, Vol. 1", title="Spice and Wolf, Vol. 1",
                 album="Spice and Wolf, Vol. 1", artist="Isuna Hasekura",
                 narrator="Brittany Lauda"),
             "Spice and Wolf, Vol. 1", ["Isuna Hasekura"], ["Brittany Lauda"], "Spice and Wolf",
             "1", accept=("Spice and Wolf",)),
        case(k, "Isuna Hasekura/Spice and Wolf/Spice and Wolf, Vol. 5",
             tracks("mp3", 3, album="Spice and Wolf, Vol. 5", artist="Isuna Hasekura"),
             "Spice and Wolf, Vol. 5", ["Isuna Hasekura"], [], "Spice and Wolf", "5",
             accept=("Spice and Wolf",)),
        case(k, "Kumo Kagyu/Goblin Slayer/Goblin Slayer Vol. 3",
             one("m4b", "Goblin Slayer Vol. 3", title="Goblin Slayer, Vol. 3",
                 album="Goblin Slayer, Vol. 3 (light novel)", artist="Kumo Kagyu"),
             "Goblin Slayer, Vol. 3", ["Kumo Kagyu"], [], "Goblin Slayer", "3",
             accept=("Goblin Slayer", "Goblin Slayer Vol. 3")),
        case(k, "Kugane Maruyama/Overlord/Overlord, Vol. 1 - The Undead King",
             one("m4b", "Overlord 1", title="Overlord, Vol. 1: The Undead King",
                 album="Overlord, Vol. 1: The Undead King", artist="Kugane Maruyama",
                 composer="Jonah Scott", series="Overlord", series_part="1"),
             "The Undead King", ["Kugane Maruyama"], ["Jonah Scott"], "Overlord", "1",
             accept=("Overlord, Vol. 1: The Undead King",)),
        case(k, "Natsu Hyuuga/The Apothecary Diaries/The Apothecary Diaries 01",
             one("m4b", "The Apothecary Diaries 01",
                 title="The Apothecary Diaries: Volume 1 (Light Novel)",
                 album="The Apothecary Diaries: Volume 1 (Light Novel)", artist="Natsu Hyuuga",
                 narrator="Cindy Kay"),
             "The Apothecary Diaries: Volume 1", ["Natsu Hyuuga"], ["Cindy Kay"],
             "The Apothecary Diaries", "1",
             accept=("The Apothecary Diaries", "The Apothecary Diaries, Volume 1")),
        case(k, "Rifujin na Magonote/Mushoku Tensei - Jobless Reincarnation/Vol. 2",
             one("mp3", "Mushoku Tensei 2",
                 title="Mushoku Tensei: Jobless Reincarnation (Light Novel) Vol. 2",
                 album="Mushoku Tensei: Jobless Reincarnation (Light Novel) Vol. 2",
                 artist="Rifujin na Magonote", composer="Cliff Kurt"),
             "Mushoku Tensei: Jobless Reincarnation, Vol. 2", ["Rifujin na Magonote"],
             ["Cliff Kurt"], "Mushoku Tensei: Jobless Reincarnation", "2",
             accept=("Mushoku Tensei: Jobless Reincarnation",
                     "Mushoku Tensei: Jobless Reincarnation Vol. 2")),
        case(k, "Fuse/That Time I Got Reincarnated as a Slime/Volume 4",
             tracks("mp3", 3, album="That Time I Got Reincarnated as a Slime, Vol. 4",
                    artist="Fuse"),
             "That Time I Got Reincarnated as a Slime, Vol. 4", ["Fuse"], [],
             "That Time I Got Reincarnated as a Slime", "4",
             accept=("That Time I Got Reincarnated as a Slime",),
             note="a one-word pen name"),
        case(k, "Reki Kawahara/Sword Art Online/Sword Art Online 1 - Aincrad",
             one("m4b", "SAO 1", title="Sword Art Online 1: Aincrad",
                 album="Sword Art Online 1: Aincrad", artist="Reki Kawahara",
                 series="Sword Art Online", series_part="1"),
             "Aincrad", ["Reki Kawahara"], [], "Sword Art Online", "1",
             accept=("Sword Art Online 1: Aincrad",)),
    ]  # fmt: skip


# --- credits -----------------------------------------------------------------------------------


def translators() -> list[dict[str, Any]]:
    k = "translator"
    return [
        case(k, "Stieg Larsson/Millennium/1 - The Girl with the Dragon Tattoo",
             one("m4b", "The Girl with the Dragon Tattoo",
                 title="The Girl with the Dragon Tattoo",
                 album="The Girl with the Dragon Tattoo",
                 artist="Stieg Larsson, Reg Keeland - translator", composer="Simon Vance",
                 series="Millennium", series_part="1"),
             "The Girl with the Dragon Tattoo", ["Stieg Larsson"], ["Simon Vance"],
             "Millennium", "1"),
        case(k, "Elena Ferrante/Neapolitan Novels/Book 1 - My Brilliant Friend",
             one("mp3", "My Brilliant Friend", title="My Brilliant Friend",
                 album="My Brilliant Friend", artist="Elena Ferrante; Ann Goldstein (Translator)",
                 narrator="Hillary Huber", series="Neapolitan Novels", series_part="1"),
             "My Brilliant Friend", ["Elena Ferrante"], ["Hillary Huber"],
             "Neapolitan Novels", "1"),
        case(k, "Olga Tokarczuk/Drive Your Plow Over the Bones of the Dead",
             one("m4b", "Drive Your Plow", title="Drive Your Plow Over the Bones of the Dead",
                 album="Drive Your Plow Over the Bones of the Dead",
                 artist="Olga Tokarczuk, Antonia Lloyd-Jones (translator)",
                 narrator="Beata Pozniak"),
             "Drive Your Plow Over the Bones of the Dead", ["Olga Tokarczuk"],
             ["Beata Pozniak"]),
        case(k, "Haruki Murakami/Kafka on the Shore",
             one("m4b", "Kafka on the Shore", title="Kafka on the Shore",
                 album="Kafka on the Shore", artist="Haruki Murakami",
                 composer="Sean Barrett, Oliver Le Sueur",
                 comment="Translated by Philip Gabriel"),
             "Kafka on the Shore", ["Haruki Murakami"], ["Sean Barrett", "Oliver Le Sueur"]),
        case(k, "Gabriel García Márquez/One Hundred Years of Solitude",
             tracks("mp3", 3, album="One Hundred Years of Solitude",
                    artist=["Gabriel García Márquez", "Gregory Rabassa - translator"],
                    composer="John Lee"),
             "One Hundred Years of Solitude", ["Gabriel García Márquez"], ["John Lee"],
             also=("multi-value",)),
        case(k, "Homer/The Odyssey",
             one("m4b", "The Odyssey", title="The Odyssey", album="The Odyssey",
                 artist="Homer, translated by Emily Wilson", narrator="Claire Danes"),
             "The Odyssey", ["Homer"], ["Claire Danes"]),
        case(k, "Haruki Murakami/Naokos Lächeln",
             one("mp3", "Naokos Lächeln", title="Naokos Lächeln", album="Naokos Lächeln",
                 artist="Haruki Murakami, Ursula Gräfe (Übersetzer)",
                 composer="Johann von Bülow"),
             "Naokos Lächeln", ["Haruki Murakami"], ["Johann von Bülow"],
             note="a German role marker"),
    ]  # fmt: skip


def suffixes() -> list[dict[str, Any]]:
    k = "suffix-names"
    return [
        case(k, "Martin Luther King Jr/The Autobiography of Martin Luther King, Jr",
             one("m4b", "Autobiography", title="The Autobiography of Martin Luther King, Jr.",
                 album="The Autobiography of Martin Luther King, Jr.",
                 artist="Martin Luther King Jr.", composer="LeVar Burton"),
             "The Autobiography of Martin Luther King, Jr.", ["Martin Luther King Jr."],
             ["LeVar Burton"], note="', Jr.' in the title is not a credit"),
        case(k, "Alex Haley/Roots",
             one("mp3", "Roots", title="Roots: The Saga of an American Family",
                 album="Roots: The Saga of an American Family",
                 artist="Alex Haley, Louis Gossett Jr.", narrator="Louis Gossett Jr."),
             "Roots: The Saga of an American Family", ["Alex Haley"], ["Louis Gossett Jr."],
             also=("real-subtitle",), accept=("Roots",),
             note="the narrator (with a suffix) is also in the artist tag"),
        case(k, "Bessel van der Kolk/The Body Keeps the Score",
             one("m4b", "The Body Keeps the Score",
                 title="The Body Keeps the Score: Brain, Mind, and Body in the Healing of Trauma",
                 album="The Body Keeps the Score", artist="Bessel van der Kolk MD",
                 composer="Sean Pratt"),
             "The Body Keeps the Score", ["Bessel van der Kolk MD"], ["Sean Pratt"],
             accept=("The Body Keeps the Score: Brain, Mind, and Body in the Healing of Trauma",)),
        case(k, "Dr. Seuss/The Cat in the Hat",
             one("mp3", "The Cat in the Hat", title="The Cat in the Hat",
                 album="The Cat in the Hat", artist="Dr. Seuss", composer="Kelsey Grammer"),
             "The Cat in the Hat", ["Dr. Seuss"], ["Kelsey Grammer"],
             note="'Dr.' belongs to a pen name here"),
        case(k, "Sammy Davis Jr/Yes I Can",
             one("m4b", "Yes I Can", title="Yes I Can", album="Yes I Can",
                 artist="Sammy Davis Jr., Jane Boyar, Burt Boyar", composer="Fred Berman"),
             "Yes I Can", ["Sammy Davis Jr.", "Jane Boyar", "Burt Boyar"], ["Fred Berman"],
             also=("co-authors",), note="'Last, Jr.' must not split into a person 'Jr.'"),
    ]  # fmt: skip


def initials() -> list[dict[str, Any]]:
    k = "initials"
    return [
        case(k, "J. R. R. Tolkien/The Silmarillion",
             one("m4b", "The Silmarillion", title="The Silmarillion", album="The Silmarillion",
                 artist="J.R.R. Tolkien", composer="Martin Shaw"),
             "The Silmarillion", ["J.R.R. Tolkien"], ["Martin Shaw"],
             accept_authors=(["J. R. R. Tolkien"],)),
        case(k, "C. S. Lewis/The Chronicles of Narnia/02 - The Lion, the Witch and the Wardrobe",
             one("mp3", "The Lion the Witch and the Wardrobe",
                 title="The Lion, the Witch and the Wardrobe",
                 album="The Lion, the Witch and the Wardrobe", artist="C.S. Lewis",
                 narrator="Michael York", series="The Chronicles of Narnia", series_part="2"),
             "The Lion, the Witch and the Wardrobe", ["C.S. Lewis"], ["Michael York"],
             "The Chronicles of Narnia", "2", accept_authors=(["C. S. Lewis"],)),
        case(k, "P G Wodehouse/Jeeves/06 - Right Ho, Jeeves",
             one("mp3", "Right Ho Jeeves", title="Right Ho, Jeeves", album="Right Ho, Jeeves",
                 artist="P.G. Wodehouse", composer="Jonathan Cecil", series="Jeeves",
                 series_part="6"),
             "Right Ho, Jeeves", ["P.G. Wodehouse"], ["Jonathan Cecil"], "Jeeves", "6",
             accept_authors=(["P. G. Wodehouse"], ["P G Wodehouse"]),
             note="', Jeeves' is part of the title, not 'Series, Book'"),
        case(k, "A.A. Milne/Winnie-the-Pooh",
             tracks("mp3", 3, album="Winnie-the-Pooh", artist="A. A. Milne",
                    composer="Peter Dennis"),
             "Winnie-the-Pooh", ["A. A. Milne"], ["Peter Dennis"],
             accept_authors=(["A.A. Milne"],)),
        case(k, "T.H. White/The Once and Future King",
             one("m4b", "The Once and Future King", title="The Once and Future King",
                 album="The Once and Future King", artist="T.H. White",
                 narrator="Neville Jason"),
             "The Once and Future King", ["T.H. White"], ["Neville Jason"],
             accept_authors=(["T. H. White"],)),
        case(k, "G. K. Chesterton/Father Brown/1 - The Innocence of Father Brown",
             tracks("mp3", 3),
             "The Innocence of Father Brown", ["G. K. Chesterton"], [], "Father Brown", "1",
             also=("no-tags",), accept_authors=(["G.K. Chesterton"],)),
    ]  # fmt: skip


def last_first() -> list[dict[str, Any]]:
    k = "last-first"
    return [
        case(k, "Atwood, Margaret/The Testaments",
             one("m4b", "The Testaments", title="The Testaments", album="The Testaments",
                 artist="Margaret Atwood", narrator="Ann Dowd, Bryce Dallas Howard, Mae Whitman"),
             "The Testaments", ["Margaret Atwood"],
             ["Ann Dowd", "Bryce Dallas Howard", "Mae Whitman"]),
        case(k, "Mantel, Hilary/Thomas Cromwell/2 - Bring Up the Bodies",
             tracks("mp3", 3),
             "Bring Up the Bodies", ["Hilary Mantel"], [], "Thomas Cromwell", "2",
             also=("no-tags",)),
        case(k, "Doyle, Arthur Conan/Sherlock Holmes/01 - A Study in Scarlet",
             tracks("mp3", 3, album="A Study in Scarlet"),
             "A Study in Scarlet", ["Arthur Conan Doyle"], [], "Sherlock Holmes", "1"),
        case(k, "García Márquez, Gabriel/Cien años de soledad",
             tracks("mp3", 3),
             "Cien años de soledad", ["Gabriel García Márquez"], [], also=("no-tags",)),
        case(k, "Child, Lee & Child, Andrew/Jack Reacher/25 - The Sentinel",
             tracks("mp3", 3),
             "The Sentinel", ["Lee Child", "Andrew Child"], [], "Jack Reacher", "25",
             also=("no-tags", "co-authors"), note="ABS issue 191's 'Smith, John & Smith, Adam'"),
        case(k, "Herron, Mick/Slough House/04 - Spook Street",
             one("m4b", "Spook Street", title="Spook Street", album="Spook Street",
                 artist="Herron, Mick", composer="Barrett, Seán"),
             "Spook Street", ["Mick Herron"], ["Seán Barrett"], "Slough House", "4"),
        case(k, "Lovecraft, H.P./The Call of Cthulhu",
             tracks("mp3", 2),
             "The Call of Cthulhu", ["H.P. Lovecraft"], [], also=("no-tags", "initials"),
             accept_authors=(["H. P. Lovecraft"],)),
        case(k, "Peter & Tommy Krappweis/Mara und der Feuerbringer",
             one("m4b", "Mara und der Feuerbringer", title="Mara und der Feuerbringer",
                 album="Mara und der Feuerbringer"),
             "Mara und der Feuerbringer", ["Peter Krappweis", "Tommy Krappweis"], [],
             also=("co-authors",),
             note="ABS issue 1675: shared surname in an author folder"),
    ]  # fmt: skip


def anthologies() -> list[dict[str, Any]]:
    k = "anthology"
    various = (["Various"], ["Various Authors"], ["Various Artists"])
    return [
        case(k, "Various/Ghost Stories for Christmas",
             tracks("mp3", 3, album="Ghost Stories for Christmas", artist="Various",
                    composer="Robert Lloyd Parry"),
             "Ghost Stories for Christmas", [], ["Robert Lloyd Parry"], accept_authors=various),
        case(k, "Anthologies/Dangerous Visions",
             one("m4b", "Dangerous Visions", title="Dangerous Visions",
                 album="Dangerous Visions", artist="Various Authors",
                 album_artist="Various Authors"),
             "Dangerous Visions", [], [], accept_authors=various),
        case(k, "Various Artists - The Best American Short Stories 2019",
             tracks("mp3", 3, album="The Best American Short Stories 2019",
                    artist="Various Artists"),
             "The Best American Short Stories 2019", [], [], accept_authors=various,
             note="a year that is part of the title"),
        case(k, "Stephen King/Flight or Fright",
             one("m4b", "Flight or Fright", title="Flight or Fright", album="Flight or Fright",
                 artist="Stephen King, Bev Vincent, Various", composer="Corey Stoll"),
             "Flight or Fright", ["Stephen King", "Bev Vincent"], ["Corey Stoll"],
             accept_authors=(["Stephen King", "Bev Vincent", "Various"],)),
    ]  # fmt: skip


# --- folders that are not audiobooks, and audiobooks with ebooks beside them -------------------


def ebooks() -> list[dict[str, Any]]:
    k = "ebook-only"
    return [
        not_a_book(k, "Naomi Novik/Uprooted (2015)",
                   bare("Uprooted - Naomi Novik.epub", "cover.jpg", "metadata.opf"),
                   "Readarr ebook folder: no audio"),
        not_a_book(k, "Calibre Library/Mary Roach/Bonk (12)",
                   bare("Bonk - Mary Roach.epub", "Bonk - Mary Roach.mobi", "cover.jpg",
                        "metadata.opf"), "Calibre's Author/Title (id) layout"),
        not_a_book(k, "Calibre Library/Mary Roach/Packing for Mars (13)",
                   bare("Packing for Mars - Mary Roach.azw3", "cover.jpg", "metadata.opf"),
                   "Calibre, azw3 only"),
        not_a_book(k, "Ebooks/Bill Bryson - Notes from a Small Island",
                   bare("Notes from a Small Island.pdf"), "a pdf alone"),
        not_a_book(k, "Lee Child/Jack Reacher/03 - Tripwire (ebook)",
                   bare("Tripwire.epub"), "an ebook folder inside an audiobook series folder"),
        not_a_book(k, "Seanan McGuire/Wayward Children/Extras",
                   bare("Map.pdf", "Reading Order.txt", "folder.jpg"), "extras only"),
        case("mixed-ebook", "Naomi Novik/Spinning Silver (2018)",
             one("m4b", "Spinning Silver", title="Spinning Silver", album="Spinning Silver",
                 artist="Naomi Novik", composer="Lisa Flanagan", year="2018")
             + bare("Spinning Silver - Naomi Novik.epub", "cover.jpg"),
             "Spinning Silver", ["Naomi Novik"], ["Lisa Flanagan"]),
        case("mixed-ebook", "Mary Roach/Grunt",
             tracks("mp3", 3, album="Grunt: The Curious Science of Humans at War",
                    artist="Mary Roach", composer="Abby Craden")
             + bare("Grunt.pdf", "Grunt.epub"),
             "Grunt: The Curious Science of Humans at War", ["Mary Roach"], ["Abby Craden"],
             also=("real-subtitle",), accept=("Grunt",)),
        case("mixed-ebook", "Jonathan Stroud/Bartimaeus/2 - The Golem's Eye",
             one("mp3", "The Golem's Eye", title="The Golem's Eye", album="The Golem's Eye",
                 artist="Jonathan Stroud", composer="Simon Jones")
             + bare("The Golem's Eye.epub", "metadata.opf"),
             "The Golem's Eye", ["Jonathan Stroud"], ["Simon Jones"], "Bartimaeus", "2"),
    ]  # fmt: skip


# --- other layouts users share -----------------------------------------------------------------


def shared_layouts() -> list[dict[str, Any]]:
    k = "shared-layouts"
    return [
        case(k, "Covert-One/"
                "01 - Robert Ludlum, Gayle Lynds - (Covert-One #01) - The Hades Factor",
             tracks("mp3", 3),
             "The Hades Factor", ["Robert Ludlum", "Gayle Lynds"], [], "Covert-One", "1",
             also=("no-tags", "co-authors"),
             note="ABS issue 191: Series/NN - Author(s) - (Series #NN) - Title, no author folder"),
        case(k, "Covert-One/"
                "02 - Robert Ludlum, Philip Shelby - (Covert-One #02) - The Cassandra Compact",
             one("mp3", "The Cassandra Compact", title="The Cassandra Compact",
                 album="The Cassandra Compact", artist="Robert Ludlum, Philip Shelby"),
             "The Cassandra Compact", ["Robert Ludlum", "Philip Shelby"], [], "Covert-One",
             "2", also=("co-authors",)),
        case(k, "Expeditionary Force (by Craig Alanson) - read by R.C. Bray/Book 3 - Paradise",
             one("m4b", "Paradise", title="Paradise", album="Paradise",
                 artist="Craig Alanson", composer="R.C. Bray",
                 series="Expeditionary Force", series_part="3"),
             "Paradise", ["Craig Alanson"], ["R.C. Bray"], "Expeditionary Force", "3",
             note="'Series (by Author) - read by Narrator' series folder"),
        case(k, "Lee Child/Jack Reacher/Book 06 - 2002 - Without Fail {Dick Hill}",
             tracks("mp3", 2),
             "Without Fail", ["Lee Child"], ["Dick Hill"], "Jack Reacher", "6",
             also=("no-tags",)),
        case(k, "Louise Penny/Chief Inspector Armand Gamache/"
                "04 - A Rule Against Murder (2008) [Ralph Cosham]",
             one("m4b", "A Rule Against Murder", title="A Rule Against Murder",
                 album="A Rule Against Murder", artist="Louise Penny", composer="Ralph Cosham"),
             "A Rule Against Murder", ["Louise Penny"], ["Ralph Cosham"],
             "Chief Inspector Armand Gamache", "4"),
        case(k, "Bernard Cornwell - The Saxon Stories 03 - The Lords of the North",
             one("m4b", "The Lords of the North", title="The Lords of the North",
                 album="The Lords of the North", artist="Bernard Cornwell",
                 composer="Matt Bates"),
             "The Lords of the North", ["Bernard Cornwell"], ["Matt Bates"],
             "The Saxon Stories", "3"),
        case(k, "Andrea Stewart - The Bone Shard Emperor (The Drowning Empire #2) [2021]",
             one("m4b", "The Bone Shard Emperor", title="The Bone Shard Emperor",
                 album="The Bone Shard Emperor", artist="Andrea Stewart",
                 narrator="Natalie Naudus"),
             "The Bone Shard Emperor", ["Andrea Stewart"], ["Natalie Naudus"],
             "The Drowning Empire", "2"),
        case(k, "The Nightingale - Kristin Hannah (2015) [Polly Stone]",
             tracks("mp3", 3, album="The Nightingale", artist="Kristin Hannah",
                    composer="Polly Stone"),
             "The Nightingale", ["Kristin Hannah"], ["Polly Stone"]),
        case(k, "Incoming/dl-20231104",
             one("m4b", "Lincoln", title="Team of Rivals", album="Team of Rivals",
                 artist="Doris Kearns Goodwin", narrator="Suzanne Toren"),
             "Team of Rivals", ["Doris Kearns Goodwin"], ["Suzanne Toren"],
             note="a download folder named neither for author nor title: the tags decide"),
        case(k, "Nicholas Eames/The Band/2. Bloody Rose",
             one("m4b", "Bloody Rose", title="Bloody Rose", album="Bloody Rose",
                 artist="Nicholas Eames", composer="Corey Brill"),
             "Bloody Rose", ["Nicholas Eames"], ["Corey Brill"], "The Band", "2"),
        case(k, "Josiah Bancroft/The Books of Babel/Volume 2. Arm of the Sphinx",
             tracks("mp3", 2, album="Arm of the Sphinx", artist="Josiah Bancroft",
                    composer="Joe Jameson"),
             "Arm of the Sphinx", ["Josiah Bancroft"], ["Joe Jameson"], "The Books of Babel",
             "2"),
    ]  # fmt: skip


def all_entries() -> list[dict[str, Any]]:
    groups = [clean(), multi_value(), id3v23(), positions_international(), four_digit(),
              ranges(), two_series(), audible_series_tag(), readarr_plex(), light_novels(),
              translators(), suffixes(), initials(), last_first(), anthologies(), ebooks(),
              shared_layouts()]  # fmt: skip
    entries = [e for group in groups for e in group]
    for n, entry in enumerate(entries, 1):
        entry["id"] = f"hold-{n:03d}"
    paths = [e["path"] for e in entries]
    assert len(paths) == len(set(paths)), "two entries share a path"
    return [{"id": e.pop("id"), **e} for e in entries]


def main() -> None:
    entries = all_entries()
    (HERE / "entries.json").write_text(
        json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(entries)} entries written to {HERE / 'entries.json'}")


if __name__ == "__main__":
    main()
