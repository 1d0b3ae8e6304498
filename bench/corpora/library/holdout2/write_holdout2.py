"""Writes `entries.json`: a second, blind held-out corpus for `bench/library_records.py` (issue 17).

    .venv/bin/python bench/corpora/library/holdout2/write_holdout2.py
    .venv/bin/python bench/library_records.py --corpus bench/corpora/library/holdout2/entries.json

Written without reading the scan's rules or the other corpora's entries. Each "library" is one
user's collection in one consistent style, mostly ordinary books with the traps such libraries
really hold. Styles are grounded in public material (facts only, described in our own words):

- libation: Libation naming templates as users share them in its issues
  (`<first author>/<if series-><first series>/<series#> - <-if series><title short> [<id>]`,
  file `<title> [<id>]`; on non-Windows file systems ":" becomes the look-alike "꞉"); tags as
  Audible downloads carry them (title with Audible's subtitle, album "Title (Unabridged)",
  artist = authors incl. "Name - translator", composer/narrator = narrators).
- hand-made-lastfirst: a user's own `Last, First/Series/## - Title` folders (Audiobookshelf's
  docs accept "Last, First" author folders), chapter mp3s `01.mp3`, ID3v2.3, sparse tags.
- mam-downloads: one-level folders named as MAM uploaders name torrents, well-tagged files.
- openaudible: OpenAudible's flat folder of `Title.m4b` files in the library root.
- abs-library: Audiobookshelf's documented folder names (`Author/Series/Vol 1 - 1986 - Title
  {Narrator}`, `Title - Subtitle {Narrator}`, "A & B" author folders), some with embedded tags.
- plex-seanap: the Mp3tag "Audible" web-source guide for Plex/Prologue: folder
  `%albumartist%/%series%/%year% - %album%`, files `%album% (%year%) - ptNN`, tags ALBUM =
  title, SUBTITLE, ARTIST/ALBUMARTIST = author, COMPOSER = narrator, SERIES, SERIES-PART.
- inaudible-m4b: `Author/Title/Title.m4b`, Audible title packaging, movement tags for series.
- inherited: one messy inherited collection (CD rips with disc folders, role words in tags,
  ID3v2.3 joined lists, "Various", translators, ebooks-only folders, CJK, suffixes).

Labels follow issue 17: the stored title is the book's title with packaging moved into fields
(an entry may accept the title with its real subtitle); series/position are the book's;
authors exactly, in order; narrators as a set (empty when no source names them); "Various" is
not an author; translators are not authors; a "Last, First" author folder is one person.
ASINs are synthetic (B0 + a hash of the title).
"""

# ruff: noqa: E501, RUF002, RUF003 - data tables one book a line; "꞉" is deliberate
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LIBATION_COLON = "\ua789"  # "꞉": Libation's replacement for ":" in file names


def asin(title: str) -> str:
    return "B0" + hashlib.sha1(title.encode()).hexdigest().upper()[:8]


def expect(
    title: str,
    series: str | None,
    position: str | None,
    authors: list[str],
    narrators: list[str],
    accept_titles: tuple[str, ...] = (),
    accept_authors: tuple[list[str], ...] = (),
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": title,
        "series": series,
        "position": position if series else None,
        "authors": authors,
        "narrators": narrators,
        "accept_titles": list(accept_titles),
    }
    if accept_authors:
        out["accept_authors"] = [list(a) for a in accept_authors]
    return out


def entry(kind: str, path: str, files: list[dict[str, Any]], exp: dict[str, Any] | None,
          also: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"kind": kind, "also": list(also), "path": path, "files": files, "expect": exp, **extra}


def tracks(count: int, tags: dict[str, Any], name: str = "{n:02d}", fmt: str = "mp3",
           title: str | None = "Track {n:02d}") -> list[dict[str, Any]]:  # fmt: skip
    """`count` track files of one book, each with the book's tags plus track (and a title)."""
    files = []
    for n in range(1, count + 1):
        per_file = dict(tags, track=f"{n}/{count}")
        if title is not None:
            per_file["title"] = title.format(n=n)
        files.append({"name": name.format(n=n) + f".{fmt}", "tags": per_file})
    return files


# --- library A: one user's Libation export ----------------------------------------------------

# (authors tag, first author, title, audible subtitle, series, position, narrators, year,
#  expected authors, accepted titles, also)
LIBATION = [
    ("Martha Wells", "All Systems Red", "The Murderbot Diaries, Book 1", "The Murderbot Diaries", "1", "Kevin R. Free", "2017"),
    ("Martha Wells", "Artificial Condition", "The Murderbot Diaries, Book 2", "The Murderbot Diaries", "2", "Kevin R. Free", "2018"),
    ("Martha Wells", "Rogue Protocol", "The Murderbot Diaries, Book 3", "The Murderbot Diaries", "3", "Kevin R. Free", "2018"),
    ("Martha Wells", "Exit Strategy", "The Murderbot Diaries, Book 4", "The Murderbot Diaries", "4", "Kevin R. Free", "2018"),
    ("Martha Wells", "Network Effect", "The Murderbot Diaries, Book 5", "The Murderbot Diaries", "5", "Kevin R. Free", "2020"),
    ("Martha Wells", "Fugitive Telemetry", "The Murderbot Diaries, Book 6", "The Murderbot Diaries", "6", "Kevin R. Free", "2021"),
    ("Martha Wells", "System Collapse", "The Murderbot Diaries, Book 7", "The Murderbot Diaries", "7", "Kevin R. Free", "2023"),
    ("Dennis E. Taylor", "We Are Legion (We Are Bob)", "Bobiverse, Book 1", "Bobiverse", "1", "Ray Porter", "2016"),
    ("Dennis E. Taylor", "For We Are Many", "Bobiverse, Book 2", "Bobiverse", "2", "Ray Porter", "2017"),
    ("Dennis E. Taylor", "All These Worlds", "Bobiverse, Book 3", "Bobiverse", "3", "Ray Porter", "2017"),
    ("Dennis E. Taylor", "Heaven's River", "Bobiverse, Book 4", "Bobiverse", "4", "Ray Porter", "2020"),
    ("Adrian Tchaikovsky", "Children of Time", "Children of Time, Book 1", "Children of Time", "1", "Mel Hudson", "2015"),
    ("Adrian Tchaikovsky", "Children of Ruin", "Children of Time, Book 2", "Children of Time", "2", "Mel Hudson", "2019"),
    ("Adrian Tchaikovsky", "Children of Memory", "Children of Time, Book 3", "Children of Time", "3", "Mel Hudson", "2022"),
    ("Cixin Liu, Ken Liu - translator", "The Three-Body Problem", "Remembrance of Earth's Past, Book 1", "Remembrance of Earth's Past", "1", "Luke Daniels", "2014"),
    ("Cixin Liu, Joel Martinsen - translator", "The Dark Forest", "Remembrance of Earth's Past, Book 2", "Remembrance of Earth's Past", "2", "P. J. Ochlan", "2015"),
    ("Yuval Noah Harari", "Sapiens", "A Brief History of Humankind", None, None, "Derek Perkins", "2015"),
    ("Terry Pratchett, Neil Gaiman", "Good Omens", "The Nice and Accurate Prophecies of Agnes Nutter, Witch", None, None, "Martin Jarvis", "2006"),
    ("Travis Baldree", "Legends & Lattes", "A Novel of High Fantasy and Low Stakes", "Legends & Lattes", "1", "Travis Baldree", "2022"),
    ("Susanna Clarke", "Piranesi", None, None, None, "Chiwetel Ejiofor", "2020"),
]  # fmt: skip


def _libation_expected_authors(authors_tag: str) -> list[str]:
    return [a.strip() for a in authors_tag.split(",") if "translator" not in a]


def library_libation() -> list[dict[str, Any]]:
    out = []
    for authors_tag, title, subtitle, series, pos, narrator, year in LIBATION:
        authors = _libation_expected_authors(authors_tag)
        book_id = asin(title)
        full = f"{title}: {subtitle}" if subtitle else title
        folder = (
            f"{authors[0]}/{series}/{pos} - {title} [{book_id}]"
            if series
            else (f"{authors[0]}/{title} [{book_id}]")
        )
        tags = {
            "title": full, "album": f"{title} (Unabridged)", "artist": authors_tag,
            "album_artist": authors_tag, "composer": narrator, "narrator": narrator,
            "year": year, "genre": "Audiobook", "asin": book_id,
            "comment": f"{title} is read by {narrator}.",
        }  # fmt: skip
        file_name = f"{full.replace(':', LIBATION_COLON)} [{book_id}].m4b"
        also = []
        accept: tuple[str, ...] = ()
        if (subtitle and not series) or title == "Legends & Lattes":
            accept = (full,)
            also.append("real-subtitle")
        if "translator" in authors_tag:
            also.append("translator")
        if len(authors) > 1:
            also.append("co-authors")
        if "(" in title:
            also.append("parenthesis-in-title")
            accept = ("We Are Legion",)
        if title == "Legends & Lattes":
            also.append("author-narrates")
        exp = expect(title, series, pos, authors, [narrator], accept)
        out.append(entry("libation", folder, [{"name": file_name, "tags": tags}], exp, tuple(also)))
    return out


# --- library B: hand-made Last, First/Series/## - Title folders, chapter mp3s -----------------

# (author folder, author, series, position, title, album tag, narrator in composer or None)
HAND_MADE = [
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "1", "Rivers of London", "Rivers of London", "Kobna Holdbrook-Smith"),
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "2", "Moon Over Soho", "Moon Over Soho (Unabridged)", "Kobna Holdbrook-Smith"),
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "3", "Whispers Under Ground", "Whispers Under Ground", "Kobna Holdbrook-Smith"),
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "4", "Broken Homes", "Broken Homes", "Kobna Holdbrook-Smith"),
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "5", "Foxglove Summer", "Foxglove Summer (Rivers of London, Book 5)", "Kobna Holdbrook-Smith"),
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "5.5", "The Furthest Station", "The Furthest Station", "Kobna Holdbrook-Smith"),
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "6", "The Hanging Tree", "The Hanging Tree", "Kobna Holdbrook-Smith"),
    ("Aaronovitch, Ben", "Ben Aaronovitch", "Rivers of London", "7", "Lies Sleeping", "Lies Sleeping [2018]", "Kobna Holdbrook-Smith"),
    ("Herron, Mick", "Mick Herron", "Slough House", "1", "Slow Horses", "Slow Horses", None),
    ("Herron, Mick", "Mick Herron", "Slough House", "2", "Dead Lions", "Dead Lions (Slough House, Book 2)", None),
    ("Herron, Mick", "Mick Herron", "Slough House", "3", "Real Tigers", "Real Tigers", None),
    ("Herron, Mick", "Mick Herron", "Slough House", "4", "Spook Street", "Spook Street", None),
    ("Herron, Mick", "Mick Herron", "Slough House", "5", "London Rules", "London Rules", None),
    ("Herron, Mick", "Mick Herron", "Slough House", "6", "Joe Country", "Joe Country", None),
    ("Herron, Mick", "Mick Herron", "Slough House", "7", "Slough House", "Slough House", None),
    ("Herron, Mick", "Mick Herron", "Slough House", "8", "Bad Actors", "Bad Actors", None),
    ("Pratchett, Terry", "Terry Pratchett", "Discworld", "4", "Mort", "Mort", "Nigel Planer"),
    ("Pratchett, Terry", "Terry Pratchett", "Discworld", "8", "Guards! Guards!", "Guards! Guards!", "Nigel Planer"),
    ("Pratchett, Terry", "Terry Pratchett", "Discworld", "13", "Small Gods", "Small Gods", "Nigel Planer"),
    ("Box, C. J.", "C. J. Box", "Joe Pickett", "1", "Open Season", "Open Season", "David Chandler"),
    ("Box, C. J.", "C. J. Box", "Joe Pickett", "2", "Savage Run", "Savage Run", "David Chandler"),
    ("Box, C. J.", "C. J. Box", "Joe Pickett", "3", "Winterkill", "Winterkill", "David Chandler"),
    ("Pratchett, Terry", "Terry Pratchett", "Discworld", "2", "The Light Fantastic", "The Light Fantastic", "Nigel Planer"),
    ("Pratchett, Terry", "Terry Pratchett", "Discworld", "6", "Wyrd Sisters", "Wyrd Sisters", "Nigel Planer"),
    ("Clarke, Susanna", "Susanna Clarke", None, None, "Jonathan Strange & Mr Norrell", "Jonathan Strange & Mr Norrell", "Simon Prebble"),
]  # fmt: skip


def _hand_made_folder(author_folder: str, series: str | None, pos: str | None, title: str) -> str:
    if not series:
        return f"{author_folder}/{title}"
    whole, dot, frac = (pos or "").partition(".")
    return f"{author_folder}/{series}/{int(whole):02d}{dot}{frac} - {title}"


def library_hand_made() -> list[dict[str, Any]]:
    out = []
    for author_folder, author, series, pos, title, album, narrator in HAND_MADE:
        tags: dict[str, Any] = {"artist": author, "album": album, "genre": "Audiobook"}
        if narrator:
            tags["composer"] = narrator
        also = ["last-first-folder"]
        if album != title:
            also.append("album-packaging")
        if "." in (pos or ""):
            also.append("decimal-position")
        if title == series:
            also.append("title-is-series-name")
        exp = expect(title, series, pos, [author], [narrator] if narrator else [])
        folder = _hand_made_folder(author_folder, series, pos, title)
        out.append(
            entry("hand-made-lastfirst", folder, tracks(3, tags), exp, tuple(also), id3_version=3)
        )
    return out


# --- library C: one MAM downloader's folders (torrent names, well-tagged files) --------------


# (folder, fmt, tags, expect)
def library_mam() -> list[dict[str, Any]]:
    out = []
    cradle = [
        ("1", "Unsouled", "2016"), ("2", "Soulsmith", "2016"), ("3", "Blackflame", "2017"),
        ("4", "Skysworn", "2017"), ("5", "Ghostwater", "2018"), ("6", "Underlord", "2019"),
    ]  # fmt: skip
    for pos, title, year in cradle:
        tags = {
            "title": title, "album": title, "artist": "Will Wight", "album_artist": "Will Wight",
            "composer": "Travis Baldree", "series": "Cradle", "series_part": pos, "year": year,
            "genre": "Fantasy",
        }  # fmt: skip
        folder = f"Will Wight - Cradle {int(pos):02d} - {title}"
        exp = expect(title, "Cradle", pos, ["Will Wight"], ["Travis Baldree"])
        out.append(entry("mam-downloads", folder, [{"name": f"{title}.m4b", "tags": tags}], exp))
    dcc = [
        ("1", "Dungeon Crawler Carl", "2020"), ("2", "Carl's Doomsday Scenario", "2021"),
        ("3", "The Dungeon Anarchist's Cookbook", "2021"), ("4", "The Gate of the Feral Gods", "2021"),
    ]  # fmt: skip
    for pos, title, year in dcc:
        tags = {
            "title": f"{title}: Dungeon Crawler Carl, Book {pos}", "album": title,
            "artist": "Matt Dinniman", "album_artist": "Matt Dinniman", "composer": "Jeff Hays",
            "series": "Dungeon Crawler Carl", "series_part": pos, "year": year,
        }  # fmt: skip
        folder = f"{title} - Dungeon Crawler Carl, Book {pos} - Matt Dinniman (Jeff Hays)"
        also = ("title-packaging", "title-is-series-name") if pos == "1" else ("title-packaging",)
        exp = expect(title, "Dungeon Crawler Carl", pos, ["Matt Dinniman"], ["Jeff Hays"])
        out.append(entry("mam-downloads", folder, tracks(4, tags, "Part {n:02d}", "mp3", None),
                         exp, also))  # fmt: skip
    red = [("1", "Red Rising", "2014"), ("2", "Golden Son", "2015"), ("3", "Morning Star", "2016")]
    for pos, title, year in red:
        tags = {
            "title": title, "album": title, "artist": "Pierce Brown", "album_artist": "Pierce Brown",
            "composer": "Tim Gerard Reynolds", "narrator": "Tim Gerard Reynolds",
            "series": "Red Rising Saga", "series_part": pos, "year": year,
        }  # fmt: skip
        folder = f"{title} (Red Rising Saga #{pos}) - Pierce Brown [{year}]"
        exp = expect(title, "Red Rising Saga", pos, ["Pierce Brown"], ["Tim Gerard Reynolds"])
        out.append(entry("mam-downloads", folder, [{"name": f"{title}.m4b", "tags": tags}], exp))
    expanse = [
        ("1", "Leviathan Wakes", "2011"), ("2", "Caliban's War", "2012"),
        ("3", "Abaddon's Gate", "2013"),
    ]  # fmt: skip
    for pos, title, year in expanse:
        tags = {
            "title": title, "album": f"{title} (Unabridged)", "artist": "James S. A. Corey",
            "album_artist": "James S. A. Corey", "composer": "Jefferson Mays",
            "series": "The Expanse", "series_part": pos, "year": year,
        }  # fmt: skip
        folder = (
            f"James S. A. Corey - [Expanse {int(pos):02d}] - {title} ({year}) {{Jefferson Mays}}"
        )
        exp = expect(title, "The Expanse", pos, ["James S. A. Corey"], ["Jefferson Mays"])
        out.append(entry("mam-downloads", folder, [{"name": f"{title}.m4b", "tags": tags}], exp,
                         ("album-packaging",)))  # fmt: skip
    hwfwm_tags = {
        "title": "He Who Fights with Monsters: A LitRPG Adventure",
        "album": "He Who Fights with Monsters: A LitRPG Adventure",
        "artist": "Shirtaloon, Heath Miller", "album_artist": "Shirtaloon",
        "composer": "Heath Miller", "series": "He Who Fights with Monsters", "series_part": "1",
        "year": "2021",
    }  # fmt: skip
    out.append(entry(
        "mam-downloads", "Shirtaloon - He Who Fights with Monsters 01 [Heath Miller] (m4b)",
        [{"name": "He Who Fights with Monsters.m4b", "tags": hwfwm_tags}],
        expect("He Who Fights with Monsters", "He Who Fights with Monsters", "1", ["Shirtaloon"],
               ["Heath Miller"], ("He Who Fights with Monsters: A LitRPG Adventure",)),
        ("one-word-author", "narrator-in-artist", "real-subtitle"),
    ))  # fmt: skip
    babel_full = (
        "Babel: Or the Necessity of Violence: An Arcane History of the Oxford Translators' "
        "Revolution"
    )
    babel_tags = {
        "title": babel_full, "album": babel_full, "artist": "R. F. Kuang",
        "album_artist": "R. F. Kuang", "composer": "Chris Lew Kum Hoi, Billie Fulford-Brown",
        "year": "2022",
    }  # fmt: skip
    out.append(entry(
        "mam-downloads", "R. F. Kuang - Babel (2022) [m4b 64k]",
        [{"name": "Babel.m4b", "tags": babel_tags}],
        expect("Babel", None, None, ["R. F. Kuang"], ["Chris Lew Kum Hoi", "Billie Fulford-Brown"],
               (babel_full, "Babel: Or the Necessity of Violence")),
        ("real-subtitle", "two-narrators"),
    ))  # fmt: skip
    return out


# --- library D: OpenAudible's flat folder of Title.m4b files -----------------------------------

OPENAUDIBLE = [
    ("Ann Leckie", "Ancillary Justice", "Imperial Radch", "1", "Adjoa Andoh", "2013"),
    ("Ann Leckie", "Ancillary Sword", "Imperial Radch", "2", "Adjoa Andoh", "2014"),
    ("Ann Leckie", "Ancillary Mercy", "Imperial Radch", "3", "Adjoa Andoh", "2015"),
    ("Naomi Novik", "His Majesty's Dragon", "Temeraire", "1", "Simon Vance", "2006"),
    ("Naomi Novik", "Throne of Jade", "Temeraire", "2", "Simon Vance", "2006"),
    ("Naomi Novik", "Black Powder War", "Temeraire", "3", "Simon Vance", "2006"),
    ("Joe Abercrombie", "The Blade Itself", "The First Law", "1", "Steven Pacey", "2006"),
    ("Joe Abercrombie", "Before They Are Hanged", "The First Law", "2", "Steven Pacey", "2007"),
    ("Joe Abercrombie", "Last Argument of Kings", "The First Law", "3", "Steven Pacey", "2008"),
    ("Robin Hobb", "Assassin's Apprentice", "The Farseer Trilogy", "1", "Paul Boehmer", "1995"),
    ("Robin Hobb", "Royal Assassin", "The Farseer Trilogy", "2", "Paul Boehmer", "1996"),
    ("Robin Hobb", "Assassin's Quest", "The Farseer Trilogy", "3", "Paul Boehmer", "1997"),
    ("Stieg Larsson, Reg Keeland - translator", "The Girl with the Dragon Tattoo", "Millennium", "1", "Simon Vance", "2008"),
    ("Fredrik Backman", "A Man Called Ove", None, None, "George Newbern", "2014"),
    ("Haruki Murakami, Philip Gabriel - translator", "Kafka on the Shore", None, None, "Sean Barrett, Oliver Le Sueur", "2005"),
]  # fmt: skip


def library_openaudible() -> list[dict[str, Any]]:
    out = []
    for authors_tag, title, series, pos, narrators, year in OPENAUDIBLE:
        album = f"{title}: {series}, Book {pos}" if series else title
        tags = {
            "title": title, "album": album, "artist": authors_tag, "album_artist": authors_tag,
            "composer": narrators, "year": year, "genre": "Audiobook",
            "comment": f"{title}, an Audible audiobook.",
        }  # fmt: skip
        authors = [a.strip() for a in authors_tag.split(",") if "translator" not in a]
        also = ["translator"] if "translator" in authors_tag else []
        if series:
            also.append("series-only-in-album")
        narrator_list = [n.strip() for n in narrators.split(",")]
        exp = expect(title, series, pos, authors, narrator_list)
        out.append(entry("openaudible", f"{title}.m4b", [{"name": "", "tags": tags}], exp,
                         tuple(also), root_file=True))  # fmt: skip
    return out


# --- library E: an Audiobookshelf-organised library --------------------------------------------


def library_abs() -> list[dict[str, Any]]:
    out = []
    vorkosigan = [
        ("1", "1986", "Shards of Honor"), ("2", "1991", "Barrayar"),
        ("3", "1986", "The Warrior's Apprentice"), ("4", "1990", "The Vor Game"),
        ("5", "1995", "Cetaganda"),
    ]  # fmt: skip
    for pos, year, title in vorkosigan:  # folders only: Audiobookshelf read them, no tags
        folder = (
            f"Lois McMaster Bujold/Vorkosigan Saga/Vol {pos} - {year} - {title} {{Grover Gardner}}"
        )
        exp = expect(title, "Vorkosigan Saga", pos, ["Lois McMaster Bujold"], ["Grover Gardner"])
        files = tracks(2, {}, "Audio Track {n}", "mp3", None)
        for f in files:
            f["tags"] = {}
        out.append(entry("abs-library", folder, files, exp, ("folder-only",)))
    wimsey = [
        ("1", "1923", "Whose Body?", "Whose Body"), ("2", "1926", "Clouds of Witness", None),
        ("3", "1927", "Unnatural Death", None), ("6", "1930", "Strong Poison", None),
    ]  # fmt: skip
    for pos, year, title, folder_title in wimsey:
        folder = (
            f"Dorothy L. Sayers/Lord Peter Wimsey/Vol. {pos} - {year} - "
            f"{folder_title or title} {{Ian Carmichael}}"
        )
        tags = {
            "title": title, "album": title, "artist": "Dorothy L. Sayers",
            "album_artist": "Dorothy L. Sayers", "composer": "Ian Carmichael",
            "series": "Lord Peter Wimsey", "series_part": pos, "year": year,
        }  # fmt: skip
        accept = (folder_title,) if folder_title else ()
        exp = expect(title, "Lord Peter Wimsey", pos, ["Dorothy L. Sayers"], ["Ian Carmichael"],
                     accept)  # fmt: skip
        out.append(entry("abs-library", folder, [{"name": "Audiobook.m4b", "tags": tags}], exp,
                         ("punctuation-in-title",) if folder_title else ()))  # fmt: skip
    earthsea = [("1", "1968", "A Wizard of Earthsea"), ("2", "1971", "The Tombs of Atuan")]
    for pos, year, title in earthsea:
        folder = f"Le Guin, Ursula K./Earthsea Cycle/{year} - Book {pos} - {title}"
        tags = {"title": title, "album": title, "artist": "Ursula K. Le Guin",
                "composer": "Rob Inglis", "year": year}  # fmt: skip
        exp = expect(title, "Earthsea Cycle", pos, ["Ursula K. Le Guin"], ["Rob Inglis"])
        out.append(entry("abs-library", folder, [{"name": f"{title}.m4b", "tags": tags}], exp,
                         ("last-first-folder",)))  # fmt: skip
    singles = [
        ("Mary Roach", "Stiff", "The Curious Lives of Human Cadavers", "Shelly Frasier", "2003"),
        ("Mary Roach", "Gulp", "Adventures on the Alimentary Canal", "Emily Woo Zeller", "2013"),
        ("Steven D. Levitt & Stephen J. Dubner", "Freakonomics",
         "A Rogue Economist Explores the Hidden Side of Everything", "Stephen J. Dubner", "2005"),
        ("Kazuo Ishiguro", "Klara and the Sun", None, "Sura Siu", "2021"),
    ]  # fmt: skip
    for author_folder, title, subtitle, narrator, year in singles:
        folder_title = f"{title} - {subtitle}" if subtitle else title
        folder = f"{author_folder}/{folder_title} {{{narrator}}}"
        authors = [a.strip() for a in author_folder.split("&")]
        tags = {"title": title, "album": title, "artist": ", ".join(authors),
                "album_artist": ", ".join(authors), "composer": narrator, "year": year}  # fmt: skip
        if subtitle:
            tags["subtitle"] = subtitle
        accept = (f"{title}: {subtitle}",) if subtitle else ()
        also = ["real-subtitle"] if subtitle else []
        if len(authors) > 1:
            also += ["co-authors", "author-narrates"]
        exp = expect(title, None, None, authors, [narrator], accept)
        out.append(entry("abs-library", folder, [{"name": "Audio File.m4a", "tags": tags}], exp,
                         tuple(also)))  # fmt: skip
    return out


# --- library F: Plex/Prologue after the Mp3tag "Audible" web-source guide ---------------------

PLEX = [
    ("Agatha Christie", "Hercule Poirot", "1", "The Mysterious Affair at Styles", None, "1920", "Hugh Fraser"),
    ("Agatha Christie", "Hercule Poirot", "2", "The Murder on the Links", None, "1923", "Hugh Fraser"),
    ("Agatha Christie", "Hercule Poirot", "3", "Poirot Investigates", None, "1924", "Hugh Fraser"),
    ("Agatha Christie", "Hercule Poirot", "4", "The Murder of Roger Ackroyd", None, "1926", "Hugh Fraser"),
    ("Agatha Christie", "Hercule Poirot", "10", "Murder on the Orient Express", None, "1934", "Hugh Fraser"),
    ("Louise Penny", "Chief Inspector Armand Gamache", "1", "Still Life", None, "2005", "Ralph Cosham"),
    ("Louise Penny", "Chief Inspector Armand Gamache", "2", "A Fatal Grace", None, "2006", "Ralph Cosham"),
    ("Louise Penny", "Chief Inspector Armand Gamache", "3", "The Cruelest Month", None, "2007", "Ralph Cosham"),
    ("Michael Connelly", "Harry Bosch", "1", "The Black Echo", None, "1992", "Titus Welliver"),
    ("Michael Connelly", "Harry Bosch", "2", "The Black Ice", None, "1993", "Titus Welliver"),
    ("Michael Connelly", "Harry Bosch", "3", "The Concrete Blonde", None, "1994", "Titus Welliver"),
    ("Jasper Fforde", "Thursday Next", "1", "The Eyre Affair", None, "2001", "Susan Duerden"),
    ("Jasper Fforde", "Thursday Next", "2", "Lost in a Good Book", None, "2002", "Susan Duerden"),
    ("Kate Atkinson", None, None, "Life After Life", "A Novel", "2013", "Fenella Woolgar"),
]  # fmt: skip


def library_plex() -> list[dict[str, Any]]:
    out = []
    for author, series, pos, title, subtitle, year, narrator in PLEX:
        folder = f"{author}/{series}/{year} - {title}" if series else f"{author}/{year} - {title}"
        tags: dict[str, Any] = {
            "album": title, "artist": author, "album_artist": author, "composer": narrator,
            "year": year, "genre": "Audiobook", "comment": f"{title}, by {author}.",
        }  # fmt: skip
        if subtitle:
            tags["subtitle"] = subtitle
        if series:
            tags["series"] = series
            tags["series_part"] = pos
        files = tracks(3, tags, f"{title} ({year}) - pt{{n:02d}}", "mp3", "Chapter {n}")
        also = ("position-only-in-tags",) if series else ("real-subtitle",)
        accept = (f"{title}: {subtitle}",) if subtitle else ()
        exp = expect(title, series, pos, [author], [narrator], accept)
        out.append(entry("plex-seanap", folder, files, exp, also))
    return out


# --- library G: inAudible-style m4b conversions -------------------------------------------------

INAUDIBLE = [
    ("Scott Lynch", "The Lies of Locke Lamora", "Gentleman Bastard", "1", "Michael Page", "2007"),
    ("Scott Lynch", "Red Seas Under Red Skies", "Gentleman Bastard", "2", "Michael Page", "2007"),
    ("Scott Lynch", "The Republic of Thieves", "Gentleman Bastard", "3", "Michael Page", "2013"),
    ("N. K. Jemisin", "The Fifth Season", "The Broken Earth", "1", "Robin Miles", "2015"),
    ("N. K. Jemisin", "The Obelisk Gate", "The Broken Earth", "2", "Robin Miles", "2016"),
    ("N. K. Jemisin", "The Stone Sky", "The Broken Earth", "3", "Robin Miles", "2017"),
    ("Iain M. Banks", "Consider Phlebas", "Culture", "1", "Peter Kenny", "2010"),
    ("Iain M. Banks", "The Player of Games", "Culture", "2", "Peter Kenny", "2010"),
    ("Iain M. Banks", "Use of Weapons", "Culture", "3", "Peter Kenny", "2010"),
    ("Jeff VanderMeer", "Annihilation", "Southern Reach", "1", "Carolyn McCormick", "2014"),
    ("Jeff VanderMeer", "Authority", "Southern Reach", "2", "Bronson Pinchot", "2014"),
    ("Jeff VanderMeer", "Acceptance", "Southern Reach", "3", "Carolyn McCormick", "2014"),
    ("Becky Chambers", "The Long Way to a Small, Angry Planet", "Wayfarers", "1", "Rachel Dulude", "2016"),
    ("Becky Chambers", "A Closed and Common Orbit", "Wayfarers", "2", "Rachel Dulude", "2016"),
    ("Becky Chambers", "Record of a Spaceborn Few", "Wayfarers", "3", "Rachel Dulude", "2018"),
]  # fmt: skip


def library_inaudible() -> list[dict[str, Any]]:
    out = []
    for author, title, series, pos, narrator, year in INAUDIBLE:
        tags = {
            "title": f"{title}: {series}, Book {pos}", "album": f"{title} (Unabridged)",
            "artist": author, "album_artist": author, "composer": narrator, "year": year,
            "movement_name": series, "movement": pos, "genre": "Audiobook",
        }  # fmt: skip
        also = ["title-packaging", "album-packaging"]
        if "," in title:
            also.append("comma-in-title")
        exp = expect(title, series, pos, [author], [narrator])
        out.append(entry("inaudible-m4b", f"{author}/{title}",
                         [{"name": f"{title}.m4b", "tags": tags}], exp, tuple(also)))  # fmt: skip
    return out


# --- library H: one messy inherited collection --------------------------------------------------


def _disc_files(discs: int, per_disc: int, tags: dict[str, Any], album: str,
                folder: str = "Disc {d}") -> list[dict[str, Any]]:  # fmt: skip
    files = []
    for d in range(1, discs + 1):
        for n in range(1, per_disc + 1):
            per_file = dict(tags, album=album.format(d=d), title=f"Track {n:02d}",
                            track=f"{n}/{per_disc}", disc=f"{d}/{discs}")  # fmt: skip
            files.append({"name": f"{folder.format(d=d)}/{n:02d} Track {n:02d}.mp3",
                          "tags": per_file})  # fmt: skip
    return files


def library_inherited() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    kind = "inherited"

    def add(path: str, files: list[dict[str, Any]], exp: dict[str, Any] | None,
            *also: str, **extra: Any) -> None:  # fmt: skip
        out.append(entry(kind, path, files, exp, also, **extra))

    reacher = {"artist": "Lee Child", "composer": "Dick Hill", "genre": "Audiobook"}
    add("Lee Child/Jack Reacher 01 - Killing Floor",
        _disc_files(3, 2, reacher, "Killing Floor (Disc {d})"),
        expect("Killing Floor", "Jack Reacher", "1", ["Lee Child"], ["Dick Hill"]),
        "multi-disc", "album-packaging", id3_version=3)  # fmt: skip
    add("Lee Child/Die Trying (Jack Reacher 2)",
        _disc_files(2, 2, {"artist": "Lee Child, read by Dick Hill", "genre": "Books & Spoken"},
                    "Die Trying - CD{d}", "CD{d}"),
        expect("Die Trying", "Jack Reacher", "2", ["Lee Child"], ["Dick Hill"]),
        "multi-disc", "role-words", id3_version=3)  # fmt: skip
    add("J.R.R. Tolkien - The Hobbit [Unabridged] (Read by Rob Inglis)",
        tracks(4, {"artist": "J.R.R. Tolkien", "album": "The Hobbit", "composer": "Rob Inglis"}),
        expect("The Hobbit", None, None, ["J.R.R. Tolkien"], ["Rob Inglis"],
               ("The Hobbit, or There and Back Again",),
               (["J. R. R. Tolkien"],)),
        "folder-packaging")  # fmt: skip
    add("Tolkien, J.R.R./The Lord of the Rings (BBC Radio Dramatisation)",
        tracks(3, {"artist": "J.R.R. Tolkien", "album": "The Lord of the Rings (Dramatised)",
                   "composer": "Ian Holm, Michael Hordern"}),
        expect("The Lord of the Rings", None, None, ["J.R.R. Tolkien"],
               ["Ian Holm", "Michael Hordern"], (), (["J. R. R. Tolkien"],)),
        "dramatised", "last-first-folder")  # fmt: skip
    add("Various Authors/The Big Book of Science Fiction",
        tracks(3, {"artist": "Various Authors", "album_artist": "Various Artists",
                   "album": "The Big Book of Science Fiction", "composer": "Various Narrators",
                   "comment": "Edited by Ann and Jeff VanderMeer"}),
        expect("The Big Book of Science Fiction", None, None, [], []),
        "various")  # fmt: skip
    add("Various - Unnatural Creatures (ed. Neil Gaiman)",
        [{"name": "Unnatural Creatures.m4b",
          "tags": {"title": "Unnatural Creatures", "album": "Unnatural Creatures",
                   "artist": "Various", "album_artist": "Neil Gaiman",
                   "composer": "Neil Gaiman, Maria Dahvana Headley"}}],
        expect("Unnatural Creatures", None, None, ["Neil Gaiman"],
               ["Neil Gaiman", "Maria Dahvana Headley"], (), ([],)),
        "various", "author-narrates")  # fmt: skip
    add("Ebooks/Ann Leckie - Ancillary Justice",
        [{"name": "Ancillary Justice.epub", "tags": {}}, {"name": "Ancillary Justice.pdf", "tags": {}}],
        None, "not-a-book")  # fmt: skip
    add("Tchaikovsky, Adrian/Shards of Earth",
        [{"name": "cover.jpg", "tags": {}}, {"name": "metadata.opf", "tags": {}}],
        None, "not-a-book")  # fmt: skip
    add("Bill Bryson/A Short History of Nearly Everything",
        tracks(4, {"artist": "Bill Bryson", "album": "A Short History of Nearly Everything",
                   "composer": "William Roberts", "year": "2003"}),
        expect("A Short History of Nearly Everything", None, None, ["Bill Bryson"],
               ["William Roberts"]), id3_version=3)  # fmt: skip
    add("Jonathan Stroud - The Amulet of Samarkand (Bartimaeus 1)",
        tracks(3, {"artist": "JONATHAN STROUD", "album": "THE AMULET OF SAMARKAND",
                   "composer": "Simon Jones"}),
        expect("The Amulet of Samarkand", "Bartimaeus", "1", ["Jonathan Stroud"], ["Simon Jones"],
               (), ()),
        "all-caps-tags")  # fmt: skip
    add("Richard Adams/Watership Down",
        [{"name": "Watership Down.m4b",
          "tags": {"title": "Watership Down [1972]", "album": "Watership Down [1972]",
                   "artist": "Richard Adams", "composer": "Ralph Cosham", "year": "1972"}}],
        expect("Watership Down", None, None, ["Richard Adams"], ["Ralph Cosham"]),
        "title-packaging")  # fmt: skip
    add("Arthur Conan Doyle/Sherlock Holmes - The Definitive Collection",
        tracks(3, {"artist": "Sir Arthur Conan Doyle",
                   "album": "Sherlock Holmes: The Definitive Collection",
                   "composer": "Stephen Fry"}),
        expect("Sherlock Holmes: The Definitive Collection", None, None, ["Arthur Conan Doyle"],
               ["Stephen Fry"], (), (["Sir Arthur Conan Doyle"],)),
        "real-subtitle", "honorific")  # fmt: skip
    add("Miller, Walter M., Jr./A Canticle for Leibowitz",
        tracks(3, {"artist": "Walter M. Miller, Jr.", "album": "A Canticle for Leibowitz",
                   "composer": "Tom Weiner"}),
        expect("A Canticle for Leibowitz", None, None, ["Walter M. Miller Jr."], ["Tom Weiner"]),
        "suffix", "last-first-folder", id3_version=3)  # fmt: skip
    add("Douglas Preston and Lincoln Child - Riptide",
        tracks(3, {"artist": "Douglas Preston; Lincoln Child", "album": "Riptide",
                   "composer": "David Colacci"}),
        expect("Riptide", None, None, ["Douglas Preston", "Lincoln Child"], ["David Colacci"]),
        "co-authors", id3_version=3)  # fmt: skip
    add("Stephen King/Sleeping Beauties",
        tracks(3, {"artist": ["Stephen King", "Owen King"], "album": "Sleeping Beauties",
                   "composer": "Marin Ireland"}),
        expect("Sleeping Beauties", None, None, ["Stephen King", "Owen King"], ["Marin Ireland"]),
        "co-authors", "id3v23-joined-list", id3_version=3)  # fmt: skip
    add("Arkady & Boris Strugatsky/Roadside Picnic",
        [{"name": "Roadside Picnic.m4b",
          "tags": {"title": "Roadside Picnic", "album": "Roadside Picnic",
                   "artist": "Arkady & Boris Strugatsky", "composer": "Brian Hutchison",
                   "comment": "Translated by Olena Bormashenko"}}],
        expect("Roadside Picnic", None, None, ["Arkady Strugatsky", "Boris Strugatsky"],
               ["Brian Hutchison"]),
        "shared-surname")  # fmt: skip
    add("Dennis E. Taylor - The Singularity Trap",
        [{"name": "The Singularity Trap.m4b",
          "tags": {"title": "The Singularity Trap", "album": "The Singularity Trap",
                   "artist": "Dennis E. Taylor, Ray Porter", "year": "2018"}}],
        expect("The Singularity Trap", None, None, ["Dennis E. Taylor"], ["Ray Porter"]),
        "narrator-in-artist")  # fmt: skip
    add("Matt Dinniman - Kaiju Battlefield Surgeon",
        [{"name": "Kaiju Battlefield Surgeon.m4b",
          "tags": {"title": "Kaiju: Battlefield Surgeon", "album": "Kaiju: Battlefield Surgeon",
                   "artist": "Matt Dinniman, Jeff Hays", "year": "2020"}}],
        expect("Kaiju: Battlefield Surgeon", None, None, ["Matt Dinniman"], ["Jeff Hays"]),
        "narrator-in-artist", "colon-in-title")  # fmt: skip
    add("村上春樹/ノルウェイの森",
        [{"name": "ノルウェイの森.m4b",
          "tags": {"title": "ノルウェイの森", "album": "ノルウェイの森", "artist": "村上春樹"}}],
        expect("ノルウェイの森", None, None, ["村上春樹"], []), "cjk")  # fmt: skip
    liveship = [("One", "1", "Ship of Magic"), ("Two", "2", "The Mad Ship"),
                ("Three", "3", "Ship of Destiny")]  # fmt: skip
    for word, pos, title in liveship:
        add(f"Hobb, Robin/Liveship Traders/Book {word} - {title}",
            tracks(3, {"artist": "Robin Hobb", "album": title, "composer": "Anne Flosnik"}),
            expect(title, "Liveship Traders", pos, ["Robin Hobb"], ["Anne Flosnik"]),
            "position-word", "last-first-folder")  # fmt: skip
    for pos, title in (("1", "Master and Commander"), ("2", "Post Captain")):
        add(f"Patrick O'Brian - Aubrey-Maturin Vol. {pos} - {title}",
            tracks(3, {"artist": "Patrick O'Brian", "album": title, "composer": "Patrick Tull"}),
            expect(title, "Aubrey-Maturin", pos, ["Patrick O'Brian"], ["Patrick Tull"]),
            "vol-position")  # fmt: skip
    ordinary = [
        ("Ray Bradbury", "Fahrenheit 451", "Tim Robbins", "mp3"),
        ("Kurt Vonnegut", "Slaughterhouse-Five", "James Franco", "mp3"),
        ("Daphne du Maurier", "Rebecca", "Anna Massey", "m4b"),
        ("Kazuo Ishiguro", "The Remains of the Day", "Simon Prebble", "m4b"),
        ("Emily St. John Mandel", "Station Eleven", "Kirsten Potter", "mp3"),
        ("Cormac McCarthy", "The Road", "Tom Stechschulte", "mp3"),
        ("John le Carré", "The Little Drummer Girl", "Michael Jayston", "m4b"),
    ]  # fmt: skip
    for author, title, narrator, fmt in ordinary:
        tags = {"artist": author, "album_artist": author, "album": title, "composer": narrator}
        folder_author = "du Maurier, Daphne" if author == "Daphne du Maurier" else author
        files = (tracks(4, tags) if fmt == "mp3"
                 else [{"name": f"{title}.m4b", "tags": dict(tags, title=title)}])  # fmt: skip
        also = ("last-first-folder",) if folder_author != author else ()
        add(f"{folder_author}/{title}", files,
            expect(title, None, None, [author], [narrator]), *also)  # fmt: skip
    return out


def all_entries() -> list[dict[str, Any]]:
    return (
        library_libation() + library_hand_made() + library_mam() + library_openaudible()
        + library_abs() + library_plex() + library_inaudible() + library_inherited()
    )  # fmt: skip


def main() -> None:
    entries = all_entries()
    paths = set()
    for number, item in enumerate(entries, 1):
        item["id"] = f"ho2-{number:03d}"
        assert item["path"] not in paths, item["path"]
        paths.add(item["path"])
        if item.get("root_file"):
            item["files"] = [{"name": item["path"], "tags": item["files"][0]["tags"]}]
    ordered = [{"id": e["id"], **{k: v for k, v in e.items() if k != "id"}} for e in entries]
    (HERE / "entries.json").write_text(
        json.dumps(ordered, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(ordered)} entries written to {HERE / 'entries.json'}")


if __name__ == "__main__":
    main()
