# ruff: noqa: E501 - release names are data, written as the trackers write them
"""Writes corpus.json from the hand-labelled tables below (run: python make_corpus.py).

Each result: (name, size, seeders, label, extra). `size` is a bitrate in kbps (the size is
then that bitrate over the book's runtime, as a real encode would be) or an explicit "123MB" /
"2.1GB". `label` is "good" for a release the user should accept ("good*" = the one to grab)
or the decoy kind that makes it unacceptable. `extra` holds indexer-structured fields (MAM's
authors, narrators, series, language, file types, tags) and the source/indexer.

The names follow the naming styles seen on public trackers and in the peers' parser tests and
issue reports (MAM, AudioBookBay, scene `Author.Title.Year.AUDIOBOOK.MP3-GROUP`, the
Plex/seanap `Author - Series NN - Title (Year) [Narrator] {64kbps m4b}` layout, Libation's
`Title [ASIN]`, OpenAudible's underscores, RuTracker's Russian layout); the labels are ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rows import RUTRACKER, TL, mam, result_row, wanted, write_corpus

BOOKS: list[dict[str, Any]] = []


def book(key: str, title: str, authors: str, series: str | None, position: str | None,
         runtime: int, narrator: str, results: list[tuple[Any, ...]]) -> None:  # fmt: skip
    BOOKS.append(
        {
            "id": key,
            "wanted": wanted(title, authors, series, position, runtime),
            "narrator": narrator,
            "results": [result_row(row, runtime) for row in results],
        }
    )


# --- fantasy series ------------------------------------------------------------------------

book(
    "final-empire",
    "The Final Empire",
    "Brandon Sanderson",
    "Mistborn",
    "1",
    1483,
    "Michael Kramer",
    [
        (
            "Brandon Sanderson - Mistborn 01 - The Final Empire (2006) [Michael Kramer] {64kbps m4b}",
            64,
            48,
            "good",
        ),
        ("The Final Empire - Brandon Sanderson [MP3 128kbps] Unabridged", 128, 210, "good"),
        ("Brandon.Sanderson.Mistborn.The.Final.Empire.2009.AUDIOBOOK.MP3-BOOKWORM", 96, 31, "good"),
        (
            "The Final Empire",
            64,
            19,
            "good*",
            mam(
                "Brandon Sanderson",
                "Michael Kramer",
                ("Mistborn", "1"),
                files="m4b",
                tags="Unabridged | 64 kbps | m4b",
            ),
        ),
        (
            "Mistborn Trilogy (The Final Empire, The Well of Ascension, The Hero of Ages) - Brandon Sanderson",
            "2.3GB",
            140,
            "pack",
        ),
        ("Brandon Sanderson - Mistborn Books 1-3 [M4B]", "2.1GB", 95, "pack"),
        (
            "Summary & Analysis of The Final Empire: Mistborn Book 1 by Brandon Sanderson",
            "22MB",
            3,
            "summary",
        ),
        (
            "Brandon Sanderson - Nacidos de la bruma - El imperio final (Narrado por Marcos Ortega) MP3",
            64,
            12,
            "foreign",
        ),
        (
            "Brandon Sanderson - Kinder des Nebels (Die Nebelgeborenen 1) [ungekürzt] Hörbuch",
            64,
            9,
            "foreign",
        ),
        ("The Final Empire - Brandon Sanderson.epub", "2MB", 80, "ebook"),
        ("Brandon Sanderson - Mistborn 01 - The Final Empire [M4B]", 64, 0, "dead"),
    ],
)

book(
    "well-of-ascension",
    "The Well of Ascension",
    "Brandon Sanderson",
    "Mistborn",
    "2",
    1643,
    "Michael Kramer",
    [
        (
            "Brandon Sanderson - Mistborn 02 - The Well of Ascension (2007) [Michael Kramer] {64kbps m4b}",
            64,
            2,
            "good",
        ),
        ("Mistborn Book 2 - The Well of Ascension - Brandon Sanderson [MP3]", 128, 26, "good*"),
        (
            "Brandon Sanderson - The Well of Ascension (Mistborn, Book 2) Unabridged MP3 64kbps",
            64,
            7,
            "good",
        ),
        (
            "Mistborn Book 3 - The Well of Ascension - Brandon Sanderson [M4B]",
            64,
            40,
            "wrong_volume",
        ),
        ("Brandon Sanderson - Mistborn 1-3 - The Well of Ascension [M4B]", "2.2GB", 60, "pack"),
        ("The Well of Ascension (Mistborn #2) Sample", "4MB", 5, "sample"),
        ("Sanderson, Brandon - Der Brunnen der Ewigkeit (ungekürzt) [GER]", 64, 6, "foreign"),
        (
            "The Well of Ascension",
            64,
            15,
            "wrong_volume",
            mam("Brandon Sanderson", "Michael Kramer", ("Mistborn", "3")),
        ),
        ("The Well of Ascension - Brandon Sanderson [Abridged] MP3", "160MB", 14, "other_edition"),
        ("Well of Ascension Mistborn 2 Brandon Sanderson 16kbps mp3", 16, 22, "bad_encode"),
    ],
)

book(
    "eye-of-the-world",
    "The Eye of the World",
    "Robert Jordan",
    "The Wheel of Time",
    "1",
    1782,
    "Michael Kramer",
    [
        (
            "Robert Jordan - The Wheel of Time 01 - The Eye of the World [Michael Kramer, Kate Reading] {64kbps m4b}",
            64,
            37,
            "good*",
        ),
        ("The Eye of the World - Robert Jordan (Wheel of Time #1) MP3 Unabridged", 64, 90, "good"),
        ("Robert Jordan - Wheel of Time 10 - The Eye of the World [M4B]", 64, 20, "wrong_volume"),
        (
            "Robert Jordan - The Eye of the World (Wheel of Time, Book Ten) m4b",
            64,
            8,
            "wrong_volume",
        ),
        ("The Wheel of Time 1-3 - Robert Jordan [M4B]", "3.1GB", 120, "pack"),
        (
            "(Wheel of Time 1-3) The Eye of the World, The Great Hunt, The Dragon Reborn - Robert Jordan",
            "3.4GB",
            70,
            "pack",
        ),
        (
            "Robert Jordan - Wheel of Time Complete Series (1-14 + New Spring) [M4B]",
            "40GB",
            210,
            "pack",
        ),
        (
            "The Eye of the World: The Graphic Novel, Volume One - Robert Jordan",
            "180MB",
            4,
            "other_edition",
        ),
        (
            "Robert Jordan - El ojo del mundo (La rueda del tiempo 1) [Castellano] MP3",
            64,
            11,
            "foreign",
        ),
        (
            "Роберт Джордан - Око мира [Колесо Времени 1] (Кирилл Радциг) 2011 MP3 96kbps",
            96,
            14,
            "foreign",
            RUTRACKER,
        ),
        (
            "The Eye of the World",
            "1.4GB",
            8,
            "good",
            mam(
                "Robert Jordan",
                "Michael Kramer, Kate Reading",
                ("The Wheel of Time", "1"),
                files="mp3",
                tags="Unabridged | 112 kbps",
            ),
        ),
    ],
)

book(
    "way-of-kings",
    "The Way of Kings",
    "Brandon Sanderson",
    "The Stormlight Archive",
    "1",
    2736,
    "Michael Kramer",
    [
        (
            "The Way of Kings (The Stormlight Archive, Book 1) - Brandon Sanderson [M4B]",
            64,
            1,
            "good",
        ),
        (
            "Brandon Sanderson - The Stormlight Archive 01 - The Way of Kings [MP3] 64kbps",
            64,
            55,
            "good*",
        ),
        (
            "The Way of Kings - Brandon Sanderson - Michael Kramer, Kate Reading (2010) MP3",
            64,
            18,
            "good",
        ),
        (
            "Brandon Sanderson - The Way of Kings Part 1 (Stormlight Archive) [Sample]",
            "3MB",
            2,
            "sample",
        ),
        ("Brandon Sanderson - The Stormlight Archive 1-4 [M4B]", "5.8GB", 88, "pack"),
        ("The Way of Kings Prime - Brandon Sanderson [Kindle, EPUB]", "4MB", 30, "ebook"),
        (
            "Brandon Sanderson - Der Weg der Könige (Die Sturmlicht-Chroniken 1) Hörbuch MP3",
            96,
            10,
            "foreign",
        ),
        (
            "The Way of Kings: Study Guide & Key Takeaways (Stormlight Archive)",
            "35MB",
            2,
            "summary",
        ),
        (
            "The Way of Kings",
            64,
            0,
            "dead",
            mam(
                "Brandon Sanderson", "Michael Kramer, Kate Reading", ("The Stormlight Archive", "1")
            ),
        ),
        ("The Way of Kings - Brandon Sanderson [M4B]", "190MB", 9, "other_edition"),
    ],
)

book(
    "name-of-the-wind",
    "The Name of the Wind",
    "Patrick Rothfuss",
    "The Kingkiller Chronicle",
    "1",
    1662,
    "Nick Podehl",
    [
        (
            "Patrick Rothfuss - The Kingkiller Chronicle 01 - The Name of the Wind (2007) [Nick Podehl] {128kbps m4b}",
            128,
            29,
            "good*",
        ),
        ("The Name of the Wind - Patrick Rothfuss (Unabridged) [M4B]", 64, 12, "good"),
        (
            "Patrick.Rothfuss-The.Name.of.the.Wind.(Kingkiller.Chronicle.1).2008.MP3",
            128,
            64,
            "good",
        ),
        (
            "Patrick Rothfuss - Der Name des Windes (Die Königsmörder-Chronik 1) ungekürzt",
            64,
            8,
            "foreign",
        ),
        (
            "Patrick Rothfuss - Imię wiatru (Kroniki królobójcy 1) czyta Marcin Popczyński [PL]",
            64,
            9,
            "foreign",
        ),
        (
            "Patrick Rothfuss - The Kingkiller Chronicle Books 1-2 + The Slow Regard of Silent Things",
            "2.9GB",
            77,
            "pack",
        ),
        ("The Name of the Wind - Patrick Rothfuss (Excerpt, Chapters 1-3)", "25MB", 3, "sample"),
        ("Summary of Patrick Rothfuss's The Name of the Wind", "40MB", 1, "summary"),
        ("The Name of the Wind - Patrick Rothfuss [PDF]", "3MB", 44, "ebook"),
        ("The Name of the Wind 10th Anniversary Edition - Patrick Rothfuss m4b", 64, 0, "dead"),
    ],
)

book(
    "eye-of-argon-legend",
    "Legend",
    "David Gemmell",
    "The Drenai Saga",
    "1",
    870,
    "Sean Barrett",
    [
        ("David Gemmell - Drenai Saga 01 - Legend [Sean Barrett] {64kbps m4b}", 64, 6, "good*"),
        ("Legend - David Gemmell (Drenai 1) Unabridged MP3", 96, 17, "good"),
        ("Legend - Marie Lu [M4B] (Legend #1)", 64, 80, "namesake"),
        ("Marie Lu - Legend (Legend Trilogy Book 1) MP3", 64, 45, "namesake"),
        (
            "Legend",
            64,
            30,
            "namesake",
            mam("Marie Lu", "Steven Kaplan, Mariel Stern", ("Legend", "1")),
        ),
        ("Legend [M4B]", 64, 12, "no_author"),
        ("David Gemmell - Legend (BBC Radio Full Cast Dramatisation)", "120MB", 5, "dramatisation"),
        ("David Gemmell - The Drenai Saga 1-11 [MP3]", "8GB", 25, "pack"),
        ("David Gemmell - Legend - Drenai 1 - 2010 - epub mobi", "3MB", 20, "ebook"),
    ],
)

book(
    "blade-itself",
    "The Blade Itself",
    "Joe Abercrombie",
    "The First Law",
    "1",
    1319,
    "Steven Pacey",
    [
        (
            "Joe Abercrombie - The First Law 01 - The Blade Itself (2006) [Steven Pacey] {64kbps m4b}",
            64,
            22,
            "good*",
        ),
        ("The Blade Itself - Joe Abercrombie [MP3 192kbps]", 192, 150, "good"),
        ("Joe.Abercrombie-The.Blade.Itself-AUDIOBOOK-WEB-2016-FLAC", "3.2GB", 4, "good"),
        ("Joe Abercrombie - The First Law Trilogy [Complete] M4B", "3.6GB", 110, "pack"),
        (
            "Joe Abercrombie - La voz de las espadas (La primera ley 1) - Narrado por Jordi Salas",
            64,
            5,
            "foreign",
        ),
        ("The Blade Itself - Joe Abercrombie (Abridged)", "200MB", 6, "other_edition"),
        ("The Blade Itself (First Law 2) - Joe Abercrombie m4b", 64, 12, "wrong_volume"),
        (
            "Joe Abercrombie - Before They Are Hanged (The First Law #2) [M4B]",
            64,
            35,
            "wrong_title",
        ),
        ("The Blade Itself by Joe Abercrombie: Conversation Starters", "15MB", 1, "summary"),
    ],
)

book(
    "game-of-thrones",
    "A Game of Thrones",
    "George R. R. Martin",
    "A Song of Ice and Fire",
    "1",
    2024,
    "Roy Dotrice",
    [
        (
            "George R.R. Martin - A Song of Ice and Fire 01 - A Game of Thrones [Roy Dotrice] {64kbps m4b}",
            64,
            91,
            "good*",
        ),
        ("A Game of Thrones - George R. R. Martin (Unabridged) MP3 64kbps", 64, 400, "good"),
        (
            "A Game of Thrones",
            64,
            60,
            "good",
            mam("George R. R. Martin", "Roy Dotrice", ("A Song of Ice and Fire", "1")),
        ),
        ("George R. R. Martin - A Song of Ice and Fire Books 1-5 [M4B]", "9GB", 300, "pack"),
        (
            "A Game of Thrones Boxed Set: A Game of Thrones, A Clash of Kings, A Storm of Swords",
            "4.5GB",
            120,
            "pack",
        ),
        ("A Game of Thrones: A Summary - Martin", "25MB", 4, "summary"),
        (
            "The World of Ice & Fire: The Untold History - George R. R. Martin (A Game of Thrones Companion)",
            64,
            40,
            "summary",
        ),
        (
            "George R.R. Martin - Juego de tronos (Canción de hielo y fuego 1) [Español]",
            64,
            20,
            "foreign",
        ),
        (
            "George R.R. Martin - Il trono di spade (Le cronache del ghiaccio e del fuoco 1) Italiano",
            64,
            10,
            "foreign",
        ),
        ("George R.R. Martin - A Game of Thrones (TTS, AI narrated) mp3", 64, 8, "bad_encode"),
        (
            "George R. R. Martin - A Clash of Kings (A Song of Ice and Fire #2) [M4B]",
            64,
            70,
            "wrong_title",
        ),
    ],
)

book(
    "fellowship",
    "The Fellowship of the Ring",
    "J. R. R. Tolkien",
    "The Lord of the Rings",
    "1",
    1339,
    "Andy Serkis",
    [
        (
            "J.R.R. Tolkien - The Lord of the Rings 01 - The Fellowship of the Ring [Andy Serkis] {128kbps m4b}",
            128,
            40,
            "good*",
        ),
        (
            "The Fellowship of the Ring - J.R.R. Tolkien (Rob Inglis) MP3 Unabridged",
            64,
            120,
            "good",
        ),
        ("Tolkien, J.R.R. - The Fellowship of the Ring [Rob Inglis] m4b", 64, 15, "good"),
        (
            "The Lord of the Rings - BBC Radio 4 Full Cast Dramatisation (1981) - J.R.R. Tolkien",
            "600MB",
            200,
            "dramatisation",
        ),
        (
            "J.R.R. Tolkien - The Fellowship of the Ring (BBC Radio Dramatization) MP3",
            "260MB",
            45,
            "dramatisation",
        ),
        ("The Lord of the Rings Trilogy - J.R.R. Tolkien [Andy Serkis] M4B", "3.8GB", 150, "pack"),
        (
            "J.R.R. Tolkien - The Lord of the Rings Omnibus (Fellowship, Two Towers, Return of the King)",
            "3.5GB",
            90,
            "pack",
        ),
        (
            "J.R.R. Tolkien - Der Herr der Ringe 1 - Die Gefährten (Hörbuch, ungekürzt)",
            64,
            20,
            "foreign",
        ),
        (
            "J.R.R. Tolkien - La Communauté de l'Anneau - Livre audio - Lu par Thierry Janssen (Français)",
            64,
            9,
            "foreign",
        ),
        ("The Fellowship of the Ring - J.R.R. Tolkien [epub]", "2MB", 60, "ebook"),
        (
            "J.R.R. Tolkien - The Two Towers (The Lord of the Rings #2) [Andy Serkis] m4b",
            128,
            30,
            "wrong_title",
        ),
    ],
)

book(
    "hobbit",
    "The Hobbit",
    "J. R. R. Tolkien",
    None,
    None,
    682,
    "Andy Serkis",
    [
        ("J.R.R. Tolkien - The Hobbit (2020) [Andy Serkis] {128kbps m4b}", 128, 75, "good*"),
        ("The Hobbit - J.R.R. Tolkien, read by Rob Inglis [MP3]", 64, 130, "good"),
        (
            "J.R.R. Tolkien - The Hobbit (BBC Radio 4 Dramatisation, 1968) MP3",
            "180MB",
            60,
            "dramatisation",
        ),
        ("The Hobbit - J.R.R. Tolkien [Full Cast Audio Drama]", "250MB", 30, "dramatisation"),
        ("The Hobbit - J.R.R. Tolkien (Abridged, Nicol Williamson)", "140MB", 12, "other_edition"),
        ("The Hobbit: Graphic Novel - J.R.R. Tolkien, Chuck Dixon (cbz)", "150MB", 18, "ebook"),
        ("J.R.R. Tolkien - El Hobbit [Audiolibro] Latino", 64, 14, "foreign"),
        ("The Hobbit - SparkNotes Literature Guide", "30MB", 2, "summary"),
        ("The Hobbit, or There and Back Again - J.R.R. Tolkien (Excerpt) m4b", "15MB", 3, "sample"),
        ("The Hobbit [M4B]", 128, 9, "good"),
    ],
)

book(
    "storm-front",
    "Storm Front",
    "Jim Butcher",
    "The Dresden Files",
    "1",
    474,
    "James Marsters",
    [
        (
            "Jim Butcher - The Dresden Files 01 - Storm Front (2000) [James Marsters] {64kbps m4b}",
            64,
            33,
            "good",
        ),
        ("Storm Front - Jim Butcher (Dresden Files #1) [MP3 64kbps]", 64, 88, "good"),
        ("Jim Butcher - Dresden Files 13 - Storm Front [M4B]", 64, 10, "wrong_volume"),
        ("Jim Butcher - The Dresden Files #13 - Ghost Story [M4B]", 64, 60, "wrong_title"),
        ("Jim Butcher - The Dresden Files 1-17 [M4B] Complete", "9GB", 140, "pack"),
        ("Jim Butcher - Dresden Files Books 1 to 5", "2.4GB", 44, "pack"),
        ("Storm Front: The Dresden Files Graphic Novel Vol 1 - Jim Butcher", "90MB", 6, "ebook"),
        ("Jim Butcher - Sturmnacht (Die Dresden-Files 1) Hörbuch", 64, 7, "foreign"),
        ("Storm Front - Jim Butcher (Unabridged) [M4B]", "60MB", 11, "bad_encode"),
        (
            "Storm Front",
            64,
            14,
            "good*",
            mam(
                "Jim Butcher",
                "James Marsters",
                ("The Dresden Files", "1"),
                tags="Unabridged | m4b | 64 kbps",
            ),
        ),
    ],
)

book(
    "ghost-story",
    "Ghost Story",
    "Jim Butcher",
    "The Dresden Files",
    "13",
    1072,
    "John Glover",
    [
        ("Jim Butcher - Dresden Files 13 - Ghost Story [John Glover] m4b", 64, 24, "good"),
        (
            "Jim Butcher - The Dresden Files 13 - Ghost Story (2011) [James Marsters] {128kbps m4b}",
            128,
            31,
            "good*",
        ),
        ("Ghost Story (The Dresden Files, Book 13) - Jim Butcher MP3", 64, 50, "good"),
        ("Ghost Story - Jim Butcher (Dresden Files #3) [M4B]", 64, 6, "wrong_volume"),
        ("Ghost Story - Peter Straub [MP3]", 64, 40, "namesake"),
        ("Peter Straub - Ghost Story (1979) m4b", 64, 15, "namesake"),
        ("Jim Butcher - The Dresden Files Books 11-15 [M4B]", "4.9GB", 30, "pack"),
        ("Ghost Story [M4B]", 64, 9, "no_author"),
        ("Jim Butcher - Ghost Story (Dresden Files 13) - Radio Play", "150MB", 3, "dramatisation"),
        ("Jim Butcher - Ghost Story - Dresden Files 13 - epub", "1MB", 30, "ebook"),
    ],
)

book(
    "hitchhiker",
    "The Hitchhiker's Guide to the Galaxy",
    "Douglas Adams",
    "Hitchhiker's Guide to the Galaxy",
    "1",
    351,
    "Stephen Fry",
    [
        (
            "Douglas Adams - The Hitchhiker's Guide to the Galaxy [Stephen Fry] (Unabridged) m4b",
            64,
            55,
            "good*",
        ),
        (
            "The Hitchhiker's Guide to the Galaxy - Douglas Adams (read by Douglas Adams) MP3",
            64,
            40,
            "good",
        ),
        (
            "Douglas.Adams-The.Hitchhikers.Guide.To.The.Galaxy.2005.AUDIOBOOK.MP3-GRP",
            128,
            22,
            "good",
        ),
        (
            "The Hitchhiker's Guide to the Galaxy: The Primary Phase - BBC Radio 4 Full-Cast Dramatisation",
            "300MB",
            90,
            "dramatisation",
        ),
        (
            "Douglas Adams - Hitchhiker's Guide to the Galaxy - The Complete Radio Series",
            "1.2GB",
            70,
            "dramatisation",
        ),
        (
            "Douglas Adams - The Hitchhiker's Guide to the Galaxy Trilogy (5 books) [M4B]",
            "1.6GB",
            100,
            "pack",
        ),
        ("Douglas Adams - Per Anhalter durch die Galaxis (Hörbuch)", 64, 15, "foreign"),
        ("Douglas Adams - Le Guide du voyageur galactique - Livre audio", 64, 6, "foreign"),
        (
            "The Hitchhiker's Guide to the Galaxy - Eoin Colfer - And Another Thing... [M4B]",
            64,
            20,
            "wrong_title",
        ),
        ("The Hitchhiker's Guide to the Galaxy - Douglas Adams [mobi, epub]", "1MB", 80, "ebook"),
    ],
)

book(
    "guards-guards",
    "Guards! Guards!",
    "Terry Pratchett",
    "Discworld",
    "8",
    647,
    "Colin Morgan",
    [
        (
            "Terry Pratchett - Discworld 08 - Guards! Guards! (2022) [Colin Morgan] {64kbps m4b}",
            64,
            19,
            "good*",
        ),
        ("Guards! Guards! - Terry Pratchett (Discworld #8) Nigel Planer MP3", 64, 61, "good"),
        ("Terry Pratchett - Guards Guards [Nigel Planer] m4b", 64, 2, "good"),
        (
            "Terry Pratchett - Guards! Guards! (BBC Radio 4 Full Cast Dramatisation)",
            "110MB",
            33,
            "dramatisation",
        ),
        ("Terry Pratchett - Guards! Guards! (Discworld 18) m4b", 64, 6, "wrong_volume"),
        ("Terry Pratchett - Discworld - Books 1-41 Complete Collection [MP3]", "25GB", 300, "pack"),
        (
            "Terry Pratchett - Discworld City Watch Collection (Guards! Guards!, Men at Arms, Feet of Clay)",
            "2GB",
            40,
            "pack",
        ),
        ("Terry Pratchett - Wachen! Wachen! (Scheibenwelt 8) Hörbuch", 64, 8, "foreign"),
        ("Guards! Guards! - Terry Pratchett - sample.mp3", "3MB", 1, "sample"),
        ("Terry Pratchett - Guards! Guards! (Stage Play Script) pdf", "1MB", 3, "ebook"),
    ],
)

book(
    "foundation",
    "Foundation",
    "Isaac Asimov",
    "Foundation",
    "1",
    506,
    "Scott Brick",
    [
        (
            "Isaac Asimov - Foundation 01 - Foundation (1951) [Scott Brick] {64kbps m4b}",
            64,
            27,
            "good*",
        ),
        ("Foundation - Isaac Asimov (Unabridged) [MP3] Scott Brick", 64, 70, "good"),
        (
            "Isaac Asimov - The Foundation Trilogy (BBC Radio Dramatisation, 1973)",
            "500MB",
            120,
            "dramatisation",
        ),
        (
            "Isaac Asimov - The Foundation Trilogy [Foundation, Foundation and Empire, Second Foundation]",
            "1.5GB",
            80,
            "pack",
        ),
        ("Isaac Asimov - Foundation and Empire (Foundation 2) m4b", 64, 30, "wrong_title"),
        ("Isaac Asimov - Foundation (Foundation 5) [M4B]", 64, 5, "wrong_volume"),
        ("Isaac Asimov - Fundación (Saga de la Fundación 1) [Castellano]", 64, 10, "foreign"),
        (
            "Foundation - Isaac Asimov [Abridged, read by William Shatner]",
            "80MB",
            12,
            "other_edition",
        ),
        ("Isaac Asimov - Foundation - Study Guide and Analysis", "20MB", 2, "summary"),
        ("Isaac Asimov - Foundation [m4b]", 64, 0, "dead"),
    ],
)

book(
    "lies-of-locke-lamora",
    "The Lies of Locke Lamora",
    "Scott Lynch",
    "Gentleman Bastard",
    "1",
    1301,
    "Michael Page",
    [
        (
            "Scott Lynch - Gentleman Bastard 01 - The Lies of Locke Lamora [Michael Page] {64kbps m4b}",
            64,
            2,
            "good",
        ),
        ("The Lies of Locke Lamora - Scott Lynch [MP3 64kbps] (Unabridged)", 64, 38, "good*"),
        ("Scott.Lynch-The.Lies.of.Locke.Lamora.2006.MP3", 128, 9, "good"),
        ("Scott Lynch - Gentleman Bastard Sequence 1-3 [MP3]", "3GB", 50, "pack"),
        (
            "Scott Lynch - Red Seas Under Red Skies (Gentleman Bastard #2) [M4B]",
            64,
            20,
            "wrong_title",
        ),
        (
            "Scott Lynch - Die Lügen des Locke Lamora (Gentleman Bastard 1) Hörbuch",
            64,
            7,
            "foreign",
        ),
        ("The Lies of Locke Lamora - Scott Lynch [epub]", "2MB", 25, "ebook"),
        ("The Lies of Locke Lamora - Scott Lynch (Sample)", "5MB", 1, "sample"),
        ("The Lies of Locke Lamora - Scott Lynch (Abridged) mp3", "250MB", 3, "other_edition"),
    ],
)

book(
    "gideon",
    "Gideon the Ninth",
    "Tamsyn Muir",
    "The Locked Tomb",
    "1",
    923,
    "Moira Quirk",
    [
        (
            "Tamsyn Muir - The Locked Tomb 01 - Gideon the Ninth (2019) [Moira Quirk] {64kbps m4b}",
            64,
            15,
            "good*",
        ),
        ("Gideon the Ninth - Tamsyn Muir (Unabridged) MP3", 64, 42, "good"),
        (
            "Gideon the Ninth",
            64,
            11,
            "good",
            mam("Tamsyn Muir", "Moira Quirk", ("The Locked Tomb", "1"), files="m4b mp3"),
        ),
        ("Tamsyn Muir - Harrow the Ninth (The Locked Tomb #2) [M4B]", 64, 30, "wrong_title"),
        ("Tamsyn Muir - The Locked Tomb Trilogy 1-3 [M4B]", "2.6GB", 25, "pack"),
        ("Gideon the Ninth - Summary and Analysis", "18MB", 1, "summary"),
        ("Tamsyn Muir - Gideon la Nona (Saga della Tomba Chiusa 1) Italiano", 64, 4, "foreign"),
        ("Gideon the Ninth - Tamsyn Muir [M4B]", 64, 0, "dead"),
        ("Gideon the Ninth - Tamsyn Muir (Preview)", "6MB", 4, "sample"),
    ],
)

# --- science fiction -----------------------------------------------------------------------

book(
    "project-hail-mary",
    "Project Hail Mary",
    "Andy Weir",
    None,
    None,
    970,
    "Ray Porter",
    [
        ("Andy Weir - Project Hail Mary (2021) [Ray Porter] {64kbps m4b}", 64, 2, "good"),
        ("Project Hail Mary - Andy Weir [MP3 128kbps] Unabridged", 128, 300, "good*"),
        ("Andy.Weir.Project.Hail.Mary.2021.AUDIOBOOK.MP3-FANDOM", 64, 45, "good"),
        ("Project Hail Mary [B08G9PRS1K]", 64, 1, "good", {"indexer": "TorrentLeech"}),
        ("Summary of Project Hail Mary by Andy Weir", "30MB", 6, "summary"),
        ("Project Hail Mary: A Novel - Key Takeaways & Analysis", "26MB", 3, "summary"),
        ("Andy Weir - Der Astronaut (Hörbuch, ungekürzt)", 64, 14, "foreign"),
        ("Andy Weir - Proyecto Hail Mary [Español] narrado por Jordi Salas", 64, 8, "foreign"),
        ("Project Hail Mary - Andy Weir (Audible Sample)", "4MB", 2, "sample"),
        ("Andy Weir - Artemis [M4B]", 64, 50, "wrong_title"),
        ("Project Hail Mary - Andy Weir.epub", "3MB", 100, "ebook"),
    ],
)

book(
    "the-martian",
    "The Martian",
    "Andy Weir",
    None,
    None,
    653,
    "R. C. Bray",
    [
        ("Andy Weir - The Martian [R.C. Bray] (Unabridged) {64kbps m4b}", 64, 40, "good*"),
        ("The Martian - Andy Weir (Wil Wheaton) MP3 128kbps", 128, 150, "good"),
        (
            "The Martian",
            64,
            25,
            "good",
            mam("Andy Weir", "R. C. Bray", None, tags="Unabridged | m4b | 64kbps"),
        ),
        ("The Martian - Andy Weir [Classroom Edition, Ebook]", "2MB", 30, "ebook"),
        ("The Martian Chronicles - Ray Bradbury [M4B]", 64, 70, "wrong_title"),
        ("The Martian - Nasir Jones (Poems) mp3", 64, 4, "namesake"),
        ("Andy Weir - Der Marsianer (Hörbuch)", 64, 10, "foreign"),
        ("Andy Weir - The Martian - Summary & Study Guide", "20MB", 2, "summary"),
        ("The Martian - Andy Weir (Chapter 1 only, free preview)", "9MB", 6, "sample"),
        ("Andy Weir - The Martian [m4b]", 64, 0, "dead"),
    ],
)

book(
    "leviathan-wakes",
    "Leviathan Wakes",
    "James S. A. Corey",
    "The Expanse",
    "1",
    1206,
    "Jefferson Mays",
    [
        (
            "James S. A. Corey - The Expanse 01 - Leviathan Wakes (2011) [Jefferson Mays] {64kbps m4b}",
            64,
            28,
            "good*",
        ),
        ("Leviathan Wakes - James S.A. Corey (The Expanse #1) MP3", 64, 75, "good"),
        ("James S.A. Corey - The Expanse 1-9 Box Set [M4B]", "11GB", 160, "pack"),
        ("The Expanse Series (Books 1-3) - James S. A. Corey", "3.7GB", 50, "pack"),
        ("James S.A. Corey - Leviathan Wakes (Expanse 3) m4b", 64, 8, "wrong_volume"),
        ("James S. A. Corey - Caliban's War (The Expanse #2) [M4B]", 64, 40, "wrong_title"),
        ("James Corey - Leviatán despierta (The Expanse 1) [Castellano]", 64, 6, "foreign"),
        ("Leviathan Wakes - James S. A. Corey [Abridged]", "220MB", 4, "other_edition"),
        ("Leviathan Wakes: The Expanse Companion and Guide", "40MB", 3, "summary"),
        ("James S. A. Corey - Leviathan Wakes (Graphic Audio)", "700MB", 12, "dramatisation"),
    ],
)

book(
    "calibans-war",
    "Caliban's War",
    "James S. A. Corey",
    "The Expanse",
    "2",
    1263,
    "Jefferson Mays",
    [
        (
            "James S. A. Corey - The Expanse 02 - Caliban's War (2012) [Jefferson Mays] {64kbps m4b}",
            64,
            1,
            "good",
        ),
        ("Caliban's War - James S.A. Corey (Expanse #2) [MP3 64kbps]", 64, 33, "good"),
        ("Calibans War - James S. A. Corey (Expanse Book 2) Unabridged mp3", 96, 12, "good*"),
        ("James S. A. Corey - The Expanse 03 - Caliban's War [M4B]", 64, 14, "wrong_volume"),
        (
            "Caliban's War",
            64,
            18,
            "wrong_volume",
            mam("James S. A. Corey", "Jefferson Mays", ("The Expanse", "3")),
        ),
        ("James S.A. Corey - The Expanse 1-9 [M4B]", "11GB", 90, "pack"),
        ("Caliban's War - James S. A. Corey [epub, mobi, azw3]", "3MB", 40, "ebook"),
        ("James S.A. Corey - Calibans Krieg (The Expanse 2) Hörbuch", 64, 5, "foreign"),
        ("Caliban's War - James S. A. Corey (Excerpt)", "12MB", 2, "sample"),
    ],
)

book(
    "children-of-time",
    "Children of Time",
    "Adrian Tchaikovsky",
    "Children of Time",
    "1",
    991,
    "Mel Hudson",
    [
        (
            "Adrian Tchaikovsky - Children of Time 01 - Children of Time [Mel Hudson] {64kbps m4b}",
            64,
            17,
            "good*",
        ),
        ("Children of Time - Adrian Tchaikovsky (Unabridged) MP3", 64, 48, "good"),
        (
            "Adrian Tchaikovsky - Children of Ruin (Children of Time #2) [M4B]",
            64,
            25,
            "wrong_title",
        ),
        (
            "Adrian Tchaikovsky - Children of Time Trilogy (Time, Ruin, Memory) M4B",
            "2.8GB",
            30,
            "pack",
        ),
        ("Children of Time - Adrian Tchaikovsky (Children of Time 3) m4b", 64, 4, "wrong_volume"),
        ("Children of Time - Frederick Marryat (Librivox) MP3", 64, 6, "namesake"),
        ("Adrian Tchaikovsky - Die Kinder der Zeit (Hörbuch)", 64, 5, "foreign"),
        (
            "Children of Time - Adrian Tchaikovsky [32 kbps, 22 kHz mono, 8 kbps preview]",
            8,
            4,
            "bad_encode",
        ),
        ("Children of Time - Adrian Tchaikovsky [M4B]", "70MB", 10, "bad_encode"),
    ],
)

book(
    "dune",
    "Dune",
    "Frank Herbert",
    "Dune",
    "1",
    1262,
    "Simon Vance",
    [
        (
            "Frank Herbert - Dune 01 - Dune (1965) [Scott Brick, Simon Vance] {64kbps m4b}",
            64,
            66,
            "good*",
        ),
        ("Dune - Frank Herbert (Unabridged) [MP3 128kbps]", 128, 220, "good"),
        ("Frank.Herbert-Dune-AUDIOBOOK-WEB-2007-MP3-GRP", 64, 35, "good"),
        ("Frank Herbert - Dune Messiah (Dune 2) [M4B]", 64, 80, "wrong_title"),
        ("Frank Herbert - Dune Chronicles Books 1-6 [M4B]", "7GB", 190, "pack"),
        (
            "Brian Herbert & Kevin J. Anderson - Dune: House Atreides (Prelude to Dune 1) [M4B]",
            64,
            40,
            "wrong_series",
        ),
        (
            "Brian Herbert, Kevin J. Anderson - Dune - The Butlerian Jihad (Legends of Dune 1) mp3",
            64,
            22,
            "wrong_series",
        ),
        ("Dune - Frank Herbert (BBC Radio 4 Dramatisation, 2024)", "350MB", 30, "dramatisation"),
        ("Frank Herbert - Dune (Edición Latino) Audiolibro", 64, 12, "foreign"),
        (
            "Фрэнк Герберт - Дюна [Владимир Левашев, 2018, 96 kbps, MP3]",
            96,
            40,
            "foreign",
            RUTRACKER,
        ),
        ("Dune - Frank Herbert - SparkNotes", "25MB", 4, "summary"),
        (
            "Dune",
            64,
            50,
            "good",
            mam(
                "Frank Herbert",
                "Scott Brick, Orlagh Cassidy, Euan Morton, Simon Vance",
                ("Dune", "1"),
            ),
        ),
    ],
)

book(
    "red-rising",
    "Red Rising",
    "Pierce Brown",
    "Red Rising Saga",
    "1",
    985,
    "Tim Gerard Reynolds",
    [
        (
            "Pierce Brown - Red Rising Saga 01 - Red Rising (2014) [Tim Gerard Reynolds] {64kbps m4b}",
            64,
            36,
            "good",
        ),
        ("Red Rising - Pierce Brown (Unabridged) MP3 64kbps", 64, 95, "good"),
        (
            "Red Rising",
            64,
            22,
            "good*",
            mam("Pierce Brown", "Tim Gerard Reynolds", ("Red Rising Saga", "1"), tags="Unabridged"),
        ),
        (
            "Pierce Brown - Red Rising Trilogy (Red Rising, Golden Son, Morning Star) [M4B]",
            "2.9GB",
            110,
            "pack",
        ),
        ("Pierce Brown - Golden Son (Red Rising #2) [M4B]", 64, 55, "wrong_title"),
        ("Pierce Brown - Red Rising: Sons of Ares (Graphic Novel)", "120MB", 15, "wrong_series"),
        ("Red Rising (Abridged) read by Tim Gerard Reynolds", "150MB", 7, "other_edition"),
        ("Pierce Brown - Red Rising (Red Rising Saga 4) m4b", 64, 5, "wrong_volume"),
        ("Pierce Brown - Rote Erde (Red Rising 1) Hörbuch", 64, 6, "foreign"),
        ("Pierce Brown - Red Rising - Study Guide", "22MB", 1, "summary"),
    ],
)

book(
    "fifth-season",
    "The Fifth Season",
    "N. K. Jemisin",
    "The Broken Earth",
    "1",
    908,
    "Robin Miles",
    [
        (
            "N.K. Jemisin - The Broken Earth 01 - The Fifth Season (2015) [Robin Miles] {64kbps m4b}",
            64,
            14,
            "good*",
        ),
        ("The Fifth Season - N. K. Jemisin (Broken Earth #1) MP3", 64, 39, "good"),
        ("Jemisin, N.K. - The Fifth Season [Robin Miles] m4b", 64, 2, "good"),
        ("The Fifth Season - Kate Mosse [M4B]", 64, 9, "namesake"),
        ("N. K. Jemisin - The Broken Earth Trilogy [M4B]", "2.5GB", 44, "pack"),
        ("N. K. Jemisin - The Obelisk Gate (Broken Earth 2) [M4B]", 64, 20, "wrong_title"),
        ("N.K. Jemisin - La quinta stagione (La terra spezzata 1) Italiano", 64, 3, "foreign"),
        ("The Fifth Season by N. K. Jemisin | Summary & Analysis", "18MB", 2, "summary"),
        ("The Fifth Season - N. K. Jemisin [azw3]", "2MB", 20, "ebook"),
    ],
)

book(
    "fahrenheit-451",
    "Fahrenheit 451",
    "Ray Bradbury",
    None,
    None,
    313,
    "Tim Robbins",
    [
        ("Ray Bradbury - Fahrenheit 451 (1953) [Tim Robbins] {64kbps m4b}", 64, 30, "good*"),
        ("Fahrenheit 451 - Ray Bradbury [MP3] read by Tim Robbins", 128, 110, "good"),
        ("Ray.Bradbury.Fahrenheit.451.2013.AUDIOBOOK.MP3-GRP", 96, 20, "good"),
        (
            "Fahrenheit 451 - Ray Bradbury (BBC Radio 4 Full Cast Dramatisation)",
            "60MB",
            30,
            "dramatisation",
        ),
        (
            "Ray Bradbury - Fahrenheit 451: The Authorized Adaptation (Graphic Novel)",
            "80MB",
            10,
            "ebook",
        ),
        ("Fahrenheit 451 - CliffsNotes", "20MB", 3, "summary"),
        ("Ray Bradbury - Fahrenheit 451 [Deutsch] Hörbuch", 64, 12, "foreign"),
        ("Ray Bradbury - The Martian Chronicles [M4B]", 64, 40, "wrong_title"),
        ("Ray Bradbury - Fahrenheit 451 (Abridged)", "50MB", 8, "other_edition"),
        ("Fahrenheit 451 - Ray Bradbury - Excerpt", "6MB", 2, "sample"),
    ],
)

book(
    "enders-game-style-shining",
    "The Shining",
    "Stephen King",
    "The Shining",
    "1",
    961,
    "Campbell Scott",
    [
        ("Stephen King - The Shining [Campbell Scott] (Unabridged) {64kbps m4b}", 64, 38, "good*"),
        ("The Shining - Stephen King [MP3 64kbps]", 64, 120, "good"),
        ("Stephen King - Doctor Sleep (The Shining 2) [M4B]", 64, 60, "wrong_title"),
        ("Stephen King - The Shining - Spanish (El resplandor) [Castellano]", 64, 14, "foreign"),
        ("Stephen King - Shining - Hörbuch (Deutsch)", 64, 9, "foreign"),
        ("The Shining - Stephen King - Summary", "15MB", 1, "summary"),
        ("Stephen King - The Shining (Abridged, Paul Sorvino)", "170MB", 5, "other_edition"),
        ("The Shining - Stephen King [pdf epub]", "5MB", 90, "ebook"),
        ("Stephen King - The Shining [m4b]", 64, 0, "dead"),
    ],
)

book(
    "11-22-63",
    "11/22/63",
    "Stephen King",
    None,
    None,
    1834,
    "Craig Wasson",
    [
        ("Stephen King - 11-22-63 (2011) [Craig Wasson] {64kbps m4b}", 64, 26, "good*"),
        ("11/22/63 - Stephen King [MP3] Unabridged", 64, 90, "good"),
        ("Stephen.King.11.22.63.2011.AUDIOBOOK.MP3-GRP", 64, 12, "good"),
        ("Stephen King - 11/22/63: A Novel (Summary and Analysis)", "20MB", 2, "summary"),
        ("Stephen King - Der Anschlag (11/22/63) Hörbuch ungekürzt", 64, 15, "foreign"),
        ("Stephen King - 22/11/63 (Español) audiolibro", 64, 8, "foreign"),
        ("11.22.63 TV Series Soundtrack [FLAC]", "400MB", 30, "wrong_title"),
        ("Stephen King - 11/22/63 [epub]", "3MB", 70, "ebook"),
        ("Stephen King - 11/22/63 (sample)", "8MB", 1, "sample"),
    ],
)

# --- classics, mysteries ------------------------------------------------------------------

book(
    "pride-and-prejudice",
    "Pride and Prejudice",
    "Jane Austen",
    None,
    None,
    695,
    "Rosamund Pike",
    [
        (
            "Jane Austen - Pride and Prejudice [Rosamund Pike] (Unabridged) {64kbps m4b}",
            64,
            44,
            "good*",
        ),
        ("Pride and Prejudice - Jane Austen (LibriVox, Karen Savage) MP3 64kbps", 64, 20, "good"),
        (
            "Pride and Prejudice - Jane Austen [Full Cast BBC Radio 4 Dramatisation]",
            "160MB",
            50,
            "dramatisation",
        ),
        ("Pride and Prejudice: A BBC Radio Full-Cast Dramatisation", "150MB", 25, "dramatisation"),
        (
            "Jane Austen - The Complete Novels (Pride and Prejudice, Emma, Persuasion ...) MP3",
            "5GB",
            60,
            "pack",
        ),
        ("Pride and Prejudice - SparkNotes Literature Guide", "20MB", 3, "summary"),
        ("Pride and Prejudice (Study Guide) - Jane Austen", "25MB", 2, "summary"),
        ("Jane Austen - Orgullo y prejuicio [Audiolibro] Narrado por Elsa Veiga", 64, 9, "foreign"),
        ("Jane Austen - Stolz und Vorurteil (Hörbuch, gekürzt)", "200MB", 6, "foreign"),
        (
            "Pride and Prejudice and Zombies - Seth Grahame-Smith & Jane Austen [M4B]",
            64,
            30,
            "wrong_title",
        ),
        ("Pride and Prejudice [M4B]", 64, 15, "good"),
    ],
)

book(
    "orient-express",
    "Murder on the Orient Express",
    "Agatha Christie",
    "Hercule Poirot",
    "10",
    396,
    "Dan Stevens",
    [
        (
            "Agatha Christie - Hercule Poirot 10 - Murder on the Orient Express [Dan Stevens] {64kbps m4b}",
            64,
            21,
            "good*",
        ),
        (
            "Murder on the Orient Express - Agatha Christie (read by David Suchet) MP3",
            64,
            50,
            "good",
        ),
        (
            "Agatha Christie - Murder on the Orient Express (BBC Radio 4 Full Cast Dramatisation)",
            "90MB",
            40,
            "dramatisation",
        ),
        (
            "Agatha Christie - Murder on the Orient Express - A BBC Radio Full-Cast Dramatization (John Moffatt)",
            "80MB",
            25,
            "dramatisation",
        ),
        ("Agatha Christie - Hercule Poirot Collection 1-10 [MP3]", "3GB", 60, "pack"),
        ("Agatha Christie - Mord im Orient-Express (Hörbuch)", 64, 8, "foreign"),
        (
            "Agatha Christie - Le crime de l'Orient-Express - Livre audio (Français)",
            64,
            5,
            "foreign",
        ),
        (
            "Murder on the Orient Express (Hercule Poirot #4) - Agatha Christie m4b",
            64,
            9,
            "wrong_volume",
        ),
        (
            "Murder on the Orient Express - Original Motion Picture Soundtrack (2017)",
            "120MB",
            20,
            "wrong_title",
        ),
        ("Agatha Christie - Murder on the Orient Express [epub]", "1MB", 44, "ebook"),
    ],
)

book(
    "nemesis",
    "Nemesis",
    "Agatha Christie",
    "Miss Marple",
    "12",
    420,
    "Joan Hickson",
    [
        ("Agatha Christie - Miss Marple 12 - Nemesis [Joan Hickson] m4b", 64, 9, "good*"),
        ("Nemesis - Agatha Christie (Miss Marple #12) Unabridged MP3", 64, 14, "good"),
        ("Nemesis - Isaac Asimov [M4B]", 64, 30, "namesake"),
        ("Jo Nesbo - Nemesis (Harry Hole 4) [M4B]", 64, 45, "namesake"),
        ("Nemesis - Philip Roth (Unabridged) mp3", 64, 10, "namesake"),
        ("Nemesis", 64, 20, "namesake", mam("Jo Nesbø", "Sean Barrett", ("Harry Hole", "4"))),
        (
            "Agatha Christie - Nemesis (BBC Radio 4 Full Cast Dramatisation)",
            "80MB",
            30,
            "dramatisation",
        ),
        ("Agatha Christie - Miss Marple - The Complete Short Stories & Novels", "4GB", 40, "pack"),
        ("Nemesis [M4B]", 64, 6, "no_author"),
        ("Agatha Christie - Nemesis (Miss Marple 2) m4b", 64, 5, "wrong_volume"),
    ],
)

book(
    "girl-dragon-tattoo",
    "The Girl with the Dragon Tattoo",
    "Stieg Larsson",
    "Millennium",
    "1",
    1175,
    "Simon Vance",
    [
        (
            "Stieg Larsson - Millennium 01 - The Girl with the Dragon Tattoo [Simon Vance] {64kbps m4b}",
            64,
            25,
            "good*",
        ),
        ("The Girl with the Dragon Tattoo - Stieg Larsson (Unabridged) [MP3]", 64, 80, "good"),
        ("Stieg Larsson - Män som hatar kvinnor (Millennium 1) Svenska ljudbok", 64, 10, "foreign"),
        ("Stieg Larsson - Verblendung (Millennium 1) Hörbuch", 64, 8, "foreign"),
        (
            "Stieg Larsson - Los hombres que no amaban a las mujeres (Millennium 1) Español",
            64,
            6,
            "foreign",
        ),
        ("Stieg Larsson - Millennium Trilogy [M4B]", "3GB", 55, "pack"),
        (
            "David Lagercrantz - The Girl in the Spider's Web (Millennium 4) [M4B]",
            64,
            30,
            "wrong_title",
        ),
        ("The Girl with the Dragon Tattoo (Millennium 4) - Stieg Larsson", 64, 4, "wrong_volume"),
        ("The Girl with the Dragon Tattoo - Stieg Larsson - Summary", "14MB", 2, "summary"),
        (
            "The Girl with the Dragon Tattoo (Graphic Novel, Book 1) - Denise Mina",
            "60MB",
            5,
            "wrong_title",
        ),
    ],
)

book(
    "killing-floor",
    "Killing Floor",
    "Lee Child",
    "Jack Reacher",
    "1",
    1008,
    "Dick Hill",
    [
        ("Jack Reacher Series - Killing Floor - Lee Child [MP3]", 64, 40, "good"),
        (
            "Lee Child - Jack Reacher 01 - Killing Floor (1997) [Dick Hill] {64kbps m4b}",
            64,
            12,
            "good*",
        ),
        ("Lee.Child.Killing.Floor.Jack.Reacher.1.AUDIOBOOK.MP3", 64, 15, "good"),
        ("Lee Child - Jack Reacher Books 1-20 [MP3]", "16GB", 90, "pack"),
        ("Lee Child - Jack Reacher #21 - Killing Floor [M4B]", 64, 5, "wrong_volume"),
        ("Lee Child - Die Hand (Jack Reacher 1) Hörbuch", 64, 6, "foreign"),
        ("Killing Floor - Lee Child (Abridged, Dick Hill)", "190MB", 9, "other_edition"),
        ("Killing Floor - Lee Child [mobi]", "1MB", 15, "ebook"),
        ("Killing Floor", 64, 0, "dead", mam("Lee Child", "Dick Hill", ("Jack Reacher", "1"))),
    ],
)

book(
    "da-vinci-code",
    "The Da Vinci Code",
    "Dan Brown",
    "Robert Langdon",
    "2",
    1090,
    "Paul Michael",
    [
        (
            "Dan Brown - Robert Langdon 02 - The Da Vinci Code [Paul Michael] {64kbps m4b}",
            64,
            35,
            "good*",
        ),
        ("The Da Vinci Code - Dan Brown (Unabridged) MP3 64kbps", 64, 140, "good"),
        ("Dan.Brown-The.Da.Vinci.Code-Unabridged-AUDIOBOOK-2003-MP3", 64, 25, "good"),
        ("Dan Brown - Angels & Demons (Robert Langdon 1) [M4B]", 64, 60, "wrong_title"),
        ("Dan Brown - The Da Vinci Code (Robert Langdon #1) m4b", 64, 7, "wrong_volume"),
        ("Dan Brown - Robert Langdon Series 1-5 [MP3]", "6GB", 70, "pack"),
        ("Dan Brown - El código Da Vinci (Robert Langdon 2) [Castellano]", 64, 20, "foreign"),
        ("Dan Brown - Sakrileg (Robert Langdon 2) Hörbuch", 64, 10, "foreign"),
        (
            "The Da Vinci Code - Dan Brown (Abridged, read by Paul Michael)",
            "250MB",
            15,
            "other_edition",
        ),
        ("Cracking the Da Vinci Code - Simon Cox [MP3]", 64, 5, "wrong_title"),
        ("The Da Vinci Code: A Companion - Summary and Analysis", "20MB", 2, "summary"),
    ],
)

book(
    "the-road",
    "The Road",
    "Cormac McCarthy",
    None,
    None,
    396,
    "Tom Stechschulte",
    [
        ("Cormac McCarthy - The Road (2006) [Tom Stechschulte] {64kbps m4b}", 64, 18, "good*"),
        ("The Road - Cormac McCarthy [MP3] Unabridged", 64, 60, "good"),
        ("The Road - Jack London (LibriVox) mp3", 64, 10, "namesake"),
        ("The Road - Cormac McCarthy - Study Guide", "15MB", 2, "summary"),
        ("Cormac McCarthy - La carretera (Audiolibro) Español", 64, 4, "foreign"),
        ("Cormac McCarthy - The Border Trilogy [MP3]", "2.2GB", 12, "pack"),
        ("Cormac McCarthy - The Road (BBC Radio Dramatisation)", "55MB", 4, "dramatisation"),
        ("The Road [M4B]", 64, 9, "good"),
        ("The Road - Cormac McCarthy [M4B]", 64, 0, "dead"),
    ],
)

book(
    "circe",
    "Circe",
    "Madeline Miller",
    None,
    None,
    728,
    "Perdita Weeks",
    [
        ("Madeline Miller - Circe (2018) [Perdita Weeks] {64kbps m4b}", 64, 30, "good"),
        ("Circe - Madeline Miller (Unabridged) [MP3]", 64, 75, "good"),
        ("Circe", 64, 40, "good*", mam("Madeline Miller", "Perdita Weeks", None, files="m4b")),
        ("Summary of Circe by Madeline Miller", "20MB", 3, "summary"),
        ("Circe: A Novel by Madeline Miller - Key Takeaways", "15MB", 2, "summary"),
        ("Madeline Miller - The Song of Achilles [M4B]", 64, 50, "wrong_title"),
        ("Madeline Miller - Circe (Hörbuch, Deutsch)", 64, 5, "foreign"),
        ("Madeline Miller - Circe (Narrado por Maria Pía) audiolibro", 64, 4, "foreign"),
        ("Circe - Madeline Miller [epub]", "2MB", 100, "ebook"),
        ("Circe [M4B]", 64, 10, "good"),
    ],
)

book(
    "silent-patient",
    "The Silent Patient",
    "Alex Michaelides",
    None,
    None,
    523,
    "Jack Hawkins",
    [
        (
            "Alex Michaelides - The Silent Patient [Jack Hawkins, Louise Brealey] {64kbps m4b}",
            64,
            1,
            "good",
        ),
        ("The Silent Patient - Alex Michaelides [MP3 64kbps]", 64, 65, "good"),
        ("The Silent Patient - Alex Michaelides (Unabridged) mp3", 32, 12, "good"),
        ("Summary: The Silent Patient by Alex Michaelides", "14MB", 2, "summary"),
        ("The Silent Patient - Alex Michaelides [M4B]", 64, 0, "dead"),
        ("Alex Michaelides - Die stumme Patientin (Hörbuch)", 64, 6, "foreign"),
        ("Alex Michaelides - The Maidens [M4B]", 64, 30, "wrong_title"),
        ("The Silent Patient - Alex Michaelides (Sample)", "3MB", 1, "sample"),
        ("The Silent Patient [M4B]", 64, 8, "good*"),
    ],
)

# --- non-fiction, young adult, more series --------------------------------------------------

book(
    "atomic-habits",
    "Atomic Habits",
    "James Clear",
    None,
    None,
    335,
    "James Clear",
    [
        ("James Clear - Atomic Habits (2018) [James Clear] {64kbps m4b}", 64, 70, "good"),
        ("Atomic Habits - James Clear [MP3 128kbps]", 128, 400, "good"),
        (
            "Atomic Habits: An Easy & Proven Way to Build Good Habits & Break Bad Ones - James Clear (Unabridged) m4b",
            64,
            25,
            "good*",
        ),
        ("Summary of Atomic Habits by James Clear", "25MB", 30, "summary"),
        ("Atomic Habits by James Clear: Key Takeaways, Summary & Analysis", "20MB", 12, "summary"),
        ("Workbook for Atomic Habits (James Clear)", "18MB", 5, "summary"),
        ("Atomic Habits - James Clear (Summarized) 15 min", "12MB", 8, "summary"),
        ("James Clear - Hábitos atómicos (Audiolibro) Narrado por Jordi Salas", 64, 15, "foreign"),
        ("James Clear - Die 1%-Methode (Atomic Habits) Hörbuch", 64, 10, "foreign"),
        ("Atomic Habits - James Clear [epub, pdf]", "5MB", 250, "ebook"),
        ("Atomic Habits - James Clear (Sample)", "2MB", 3, "sample"),
    ],
)

book(
    "sapiens",
    "Sapiens",
    "Yuval Noah Harari",
    None,
    None,
    928,
    "Derek Perkins",
    [
        (
            "Yuval Noah Harari - Sapiens: A Brief History of Humankind [Derek Perkins] {64kbps m4b}",
            64,
            45,
            "good*",
        ),
        (
            "Sapiens - A Brief History of Humankind - Yuval Noah Harari (Unabridged) MP3",
            64,
            160,
            "good",
        ),
        ("Yuval.Noah.Harari-Sapiens.A.Brief.History.of.Humankind-2015-MP3", 128, 22, "good"),
        (
            "Sapiens: A Graphic History, Volume 1 - Yuval Noah Harari, David Vandermeulen",
            "90MB",
            20,
            "other_edition",
        ),
        ("Summary of Sapiens by Yuval Noah Harari", "22MB", 10, "summary"),
        ("Sapiens: A Brief History of Humankind - Summary & Analysis", "20MB", 4, "summary"),
        ("Yuval Noah Harari - Sapiens. De animales a dioses [Castellano]", 64, 14, "foreign"),
        ("Yuval Noah Harari - Eine kurze Geschichte der Menschheit (Hörbuch)", 64, 11, "foreign"),
        ("Yuval Noah Harari - Homo Deus: A Brief History of Tomorrow [M4B]", 64, 70, "wrong_title"),
        (
            "Yuval Noah Harari - Sapiens, Homo Deus, 21 Lessons - Collection [MP3]",
            "2.5GB",
            40,
            "pack",
        ),
        ("Sapiens [B0741F4PSF]", 64, 6, "good", TL),
    ],
)

book(
    "thinking-fast-slow",
    "Thinking, Fast and Slow",
    "Daniel Kahneman",
    None,
    None,
    1219,
    "Patrick Egan",
    [
        ("Daniel Kahneman - Thinking, Fast and Slow [Patrick Egan] {64kbps m4b}", 64, 2, "good"),
        ("Thinking, Fast and Slow - Daniel Kahneman (Unabridged) [MP3]", 64, 90, "good*"),
        ("Daniel Kahneman - Thinking Fast and Slow (2011) MP3 32kbps", 32, 10, "good"),
        ("Thinking, Fast and Slow by Daniel Kahneman | Summary & Analysis", "30MB", 8, "summary"),
        ("Summary: Thinking Fast and Slow - Daniel Kahneman - Key Takeaways", "25MB", 5, "summary"),
        ("Daniel Kahneman - Schnelles Denken, langsames Denken (Hörbuch)", 64, 6, "foreign"),
        ("Daniel Kahneman - Pensar rápido, pensar despacio [Español]", 64, 5, "foreign"),
        ("Daniel Kahneman, Olivier Sibony, Cass Sunstein - Noise [M4B]", 64, 40, "wrong_title"),
        ("Thinking, Fast and Slow - Daniel Kahneman [epub]", "3MB", 120, "ebook"),
    ],
)

book(
    "educated",
    "Educated",
    "Tara Westover",
    None,
    None,
    730,
    "Julia Whelan",
    [
        ("Tara Westover - Educated: A Memoir (2018) [Julia Whelan] {64kbps m4b}", 64, 33, "good*"),
        ("Educated - Tara Westover [MP3] Unabridged", 64, 100, "good"),
        ("Educated", 64, 20, "good", mam("Tara Westover", "Julia Whelan", None, files="m4b")),
        ("Educated: A Memoir by Tara Westover - Summary & Analysis", "20MB", 4, "summary"),
        ("Study Guide: Educated by Tara Westover (SuperSummary)", "25MB", 2, "summary"),
        ("Tara Westover - Una educación (Audiolibro) [Castellano]", 64, 6, "foreign"),
        ("Tara Westover - Befreit (Hörbuch, ungekürzt)", 64, 5, "foreign"),
        ("Educated [M4B]", 64, 10, "good"),
        ("Educated - Tara Westover [epub]", "2MB", 80, "ebook"),
        ("Educated: A Memoir - Tara Westover (Excerpt)", "10MB", 2, "sample"),
    ],
)

book(
    "becoming",
    "Becoming",
    "Michelle Obama",
    None,
    None,
    1149,
    "Michelle Obama",
    [
        ("Michelle Obama - Becoming (2018) [Michelle Obama] {64kbps m4b}", 64, 50, "good*"),
        ("Becoming - Michelle Obama (Unabridged) [MP3 128kbps]", 128, 140, "good"),
        ("Becoming: Adapted for Young Readers - Michelle Obama [M4B]", 64, 15, "other_edition"),
        ("Michelle Obama - Mi historia (Becoming) [Español] audiolibro", 64, 10, "foreign"),
        ("Michelle Obama - Becoming. Meine Geschichte (Hörbuch)", 64, 8, "foreign"),
        ("Summary of Becoming by Michelle Obama", "15MB", 5, "summary"),
        ("Becoming - Michelle Obama [epub mobi]", "4MB", 90, "ebook"),
        ("Michelle Obama - The Light We Carry [M4B]", 64, 30, "wrong_title"),
        ("Becoming - Jason Bolden (mp3)", 64, 3, "namesake"),
        ("Michelle Obama - Becoming [m4b]", 64, 0, "dead"),
    ],
)

book(
    "harry-potter-1",
    "Harry Potter and the Philosopher's Stone",
    "J. K. Rowling",
    "Harry Potter",
    "1",
    498,
    "Stephen Fry",
    [
        (
            "J.K. Rowling - Harry Potter 01 - Harry Potter and the Philosopher's Stone [Stephen Fry] {64kbps m4b}",
            64,
            120,
            "good*",
        ),
        (
            "Harry Potter and the Philosopher's Stone - J.K. Rowling (Stephen Fry) MP3",
            128,
            500,
            "good",
        ),
        (
            "Harry Potter and the Philosopher's Stone - Full-Cast Dramatised Edition (Audible, 2024)",
            "1.5GB",
            300,
            "dramatisation",
        ),
        (
            "J.K. Rowling - Harry Potter 1-7 Complete Collection [Stephen Fry] M4B",
            "5GB",
            600,
            "pack",
        ),
        ("Harry Potter Books 1-7 - J.K. Rowling - Jim Dale [MP3]", "6GB", 400, "pack"),
        (
            "J.K. Rowling - Harry Potter y la piedra filosofal [Castellano] Audiolibro",
            64,
            60,
            "foreign",
        ),
        (
            "J.K. Rowling - Harry Potter und der Stein der Weisen (Rufus Beck) Hörbuch",
            64,
            80,
            "foreign",
        ),
        (
            "Джоан Роулинг - Гарри Поттер и философский камень [2002, MP3, 128 kbps]",
            128,
            50,
            "foreign",
            RUTRACKER,
        ),
        (
            "J.K. Rowling - Harry Potter and the Chamber of Secrets (Harry Potter 2) [Stephen Fry] m4b",
            64,
            90,
            "wrong_title",
        ),
        (
            "Harry Potter and the Philosopher's Stone - The Illustrated Edition [pdf]",
            "80MB",
            40,
            "ebook",
        ),
        ("Harry Potter: The Unofficial Guide and Companion - Trivia", "30MB", 4, "summary"),
    ],
)

book(
    "good-omens",
    "Good Omens",
    "Neil Gaiman & Terry Pratchett",
    None,
    None,
    756,
    "Martin Jarvis",
    [
        (
            "Terry Pratchett & Neil Gaiman - Good Omens [Martin Jarvis] (Unabridged) {64kbps m4b}",
            64,
            40,
            "good*",
        ),
        ("Good Omens - Neil Gaiman, Terry Pratchett [MP3]", 64, 90, "good"),
        ("Good Omens - Terry Pratchett (Stephen Briggs) m4b", 64, 10, "good"),
        (
            "Good Omens (BBC Radio 4 Dramatisation, 2014) - Neil Gaiman & Terry Pratchett",
            "200MB",
            60,
            "dramatisation",
        ),
        (
            "Good Omens: The Quite Nice and Fairly Accurate Good Omens Script Book - Neil Gaiman",
            "4MB",
            15,
            "ebook",
        ),
        ("Neil Gaiman & Terry Pratchett - Ein gutes Omen (Hörbuch)", 64, 7, "foreign"),
        ("Neil Gaiman - American Gods [M4B]", 64, 70, "wrong_title"),
        ("Good Omens - Sample", "5MB", 2, "sample"),
        ("Good Omens [M4B]", 64, 12, "good"),
    ],
)

book(
    "pandoras-star",
    "Pandora's Star",
    "Peter F. Hamilton",
    "Commonwealth Saga",
    "1",
    2219,
    "John Lee",
    [
        (
            "Peter F. Hamilton - Commonwealth Saga 01 - Pandora's Star [John Lee] {64kbps m4b}",
            64,
            9,
            "good*",
        ),
        ("Pandora's Star - Peter F. Hamilton (Commonwealth Saga #1) MP3", 64, 30, "good"),
        ("Pandora's Star - Laurell K. Hamilton [MP3]", 64, 40, "namesake"),
        ("Hamilton, Laurell K. - Pandora's Star (Anita Blake) m4b", 64, 20, "namesake"),
        ("Pandora's Star - Edmond Hamilton [MP3]", 64, 5, "namesake"),
        ("Peter F. Hamilton - Judas Unchained (Commonwealth Saga 2) [M4B]", 64, 25, "wrong_title"),
        (
            "Peter F. Hamilton - Commonwealth Saga Complete (Pandora's Star, Judas Unchained) M4B",
            "4GB",
            40,
            "pack",
        ),
        ("Peter F. Hamilton - Der Stern der Pandora (Hörbuch, gekürzt)", "400MB", 4, "foreign"),
        ("Pandora's Star [M4B]", 64, 6, "no_author"),
        ("Pandora's Star - Peter F. Hamilton [M4B]", "220MB", 7, "other_edition"),
    ],
)

book(
    "hunger-games",
    "The Hunger Games",
    "Suzanne Collins",
    "The Hunger Games",
    "1",
    683,
    "Carolyn McCormick",
    [
        (
            "Suzanne Collins - The Hunger Games 01 - The Hunger Games (2008) [Carolyn McCormick] {64kbps m4b}",
            64,
            80,
            "good*",
        ),
        ("The Hunger Games - Suzanne Collins [MP3] Unabridged", 64, 250, "good"),
        ("The Hunger Games (Book 1) - Suzanne Collins - Tatiana Maslany [M4B]", 64, 30, "good"),
        (
            "Suzanne Collins - The Hunger Games Trilogy (The Hunger Games, Catching Fire, Mockingjay)",
            "1.9GB",
            200,
            "pack",
        ),
        ("Suzanne Collins - The Hunger Games Book 2 - Catching Fire [M4B]", 64, 100, "wrong_title"),
        ("The Hunger Games (Hunger Games #3) - Suzanne Collins m4b", 64, 7, "wrong_volume"),
        ("Suzanne Collins - Los juegos del hambre [Latino] audiolibro", 64, 25, "foreign"),
        ("Suzanne Collins - Die Tribute von Panem (Tödliche Spiele) Hörbuch", 64, 20, "foreign"),
        ("The Hunger Games - Suzanne Collins (SparkNotes Study Guide)", "20MB", 3, "summary"),
        ("The Hunger Games: Official Illustrated Movie Companion", "60MB", 10, "summary"),
        (
            "Suzanne Collins - The Hunger Games (Full Cast Dramatization)",
            "300MB",
            15,
            "dramatisation",
        ),
    ],
)


# --- written after the rules were first measured, blind (then 7 labels corrected: two "best"
# picks assumed an m4b the name does not state, and a sub-series is the same book): other authors, other series, bad
# encodes, releases naming no author, and naming styles not used above ------------------------

book(
    "blood-of-elves",
    "Blood of Elves",
    "Andrzej Sapkowski",
    "The Witcher",
    "1",
    728,
    "Peter Kenny",
    [
        (
            "Andrzej Sapkowski - The Witcher 01 - Blood of Elves [Peter Kenny] {64kbps m4b}",
            64,
            20,
            "good*",
        ),
        ("Blood_of_Elves_The_Witcher_Book_1", 64, 6, "good"),
        ("Sapkowski, Andrzej - Blood of Elves (Witcher Saga 1) [MP3]", 64, 30, "good"),
        ("Blood of Elves - Sarah J. Maas [M4B]", 64, 25, "other_author"),
        ("Blood of Elves (Warhammer) - William King", 64, 10, "other_author"),
        (
            "Blood of Elves",
            64,
            5,
            "good",
            mam("Andrzej Sapkowski", "Peter Kenny", ("The Witcher Saga Prequel", "1")),
        ),
        (
            "Andrzej Sapkowski - Krew elfów (Saga o Wiedźminie 3) czyta Krzysztof Gosztyła",
            64,
            40,
            "foreign",
        ),
        ("Blood of Elves - Andrzej Sapkowski 24kbps mono", 24, 8, "bad_encode"),
        (
            "Blood of Elves - Andrzej Sapkowski (incomplete, missing chapters 4-6) mp3",
            64,
            4,
            "bad_encode",
        ),
        ("Blood of Elves [M4B]", 64, 12, "no_author"),
        ("The Witcher Saga Books 1-5 - Andrzej Sapkowski [M4B]", "3.9GB", 60, "pack"),
    ],
)

book(
    "kings-of-the-wyld",
    "Kings of the Wyld",
    "Nicholas Eames",
    "The Band",
    "1",
    1004,
    "Christopher Ragland",
    [
        ("Kings_of_the_Wyld_The_Band_Book_1", 64, 4, "good"),
        ("Kings of the Wyld - Nicholas Eames [MP3]", 64, 35, "good"),
        ("Kings of the Wyld - Nick Eames (Christopher Ragland) mp3 unabridged", 64, 12, "good*"),
        ("Kings of the Wyld - Jonathan French [M4B]", 64, 8, "other_author"),
        ("Kings of the Wyld by Nicholas Crane (Audio Drama) mp3", "200MB", 3, "dramatisation"),
        ("Nicholas Eames - Bloody Rose (The Band 2) [M4B]", 64, 25, "wrong_title"),
        ("Nicholas Eames - Kings of the Wyld (The Band 2) [M4B]", 64, 7, "wrong_volume"),
        ("Kings of the Wyld [M4B]", 64, 15, "no_author"),
        ("Kings of the Wyld - Nicholas Eames (8 kbps) mp3", 8, 9, "bad_encode"),
        ("Nicholas Eames - Könige der Finsternis (Hörbuch)", 64, 3, "foreign"),
    ],
)

book(
    "the-institute",
    "The Institute",
    "Stephen King",
    None,
    None,
    1147,
    "Santino Fontana",
    [
        ("The Institute [B07RY3ZH2W]", 64, 8, "good"),
        ("The Institute - Stephen King [MP3 64kbps]", 64, 60, "good"),
        ("King, Stephen - The Institute (2019) mp3", 128, 25, "good*"),
        ("The Institute - Tom Fox [M4B]", 64, 9, "other_author"),
        ("The Institute: A Novel by Stephen King - Summary & Analysis", "20MB", 3, "summary"),
        ("Stephen King - Das Institut (Hörbuch, ungekürzt)", 64, 10, "foreign"),
        ("Stephen King - The Institute (TTS) mp3", 64, 2, "bad_encode"),
        ("Stephen King - The Institute [M4B]", "95MB", 6, "bad_encode"),
        ("Stephen King - Later [M4B]", 64, 30, "wrong_title"),
        ("Stephen King - 2019 Collection (The Institute, Elevation) [M4B]", "1.6GB", 15, "pack"),
    ],
)

book(
    "mistborn-alloy",
    "The Alloy of Law",
    "Brandon Sanderson",
    "Mistborn",
    "4",
    637,
    "Michael Kramer",
    [
        (
            "Brandon Sanderson - Mistborn 04 - The Alloy of Law (2011) [Michael Kramer] {64kbps m4b}",
            64,
            22,
            "good*",
        ),
        ("The Alloy of Law: A Mistborn Novel - Brandon Sanderson [MP3]", 64, 40, "good"),
        ("The Alloy of Law (Mistborn: Wax and Wayne 1) - Brandon Sanderson m4b", 64, 10, "good"),
        (
            "The Alloy of Law",
            64,
            14,
            "good",
            mam("Brandon Sanderson", "Michael Kramer", ("Wax and Wayne", "1")),
        ),
        ("Brandon Sanderson - Mistborn Era 2 (Books 4-7) [M4B]", "2.8GB", 50, "pack"),
        ("Brandon Sanderson - The Alloy of Law (Mistborn 1) m4b", 64, 6, "wrong_volume"),
        ("Brandon Sanderson - Aleación de ley (Mistborn 4) [Español]", 64, 5, "foreign"),
        (
            "The Alloy of Law - Brandon Sanderson [Graphic Audio Dramatized Adaptation]",
            "450MB",
            12,
            "dramatisation",
        ),
        ("The Alloy of Law - Anne Smith [M4B]", 64, 3, "other_author"),
        ("The Alloy of Law [M4B]", 64, 7, "no_author"),
    ],
)

book(
    "the-passage",
    "The Passage",
    "Justin Cronin",
    "The Passage",
    "1",
    2218,
    "Scott Brick",
    [
        (
            "Justin Cronin - The Passage 01 - The Passage (2010) [Scott Brick, Abby Craden] {64kbps m4b}",
            64,
            18,
            "good*",
        ),
        ("The Passage - Justin Cronin (Unabridged) MP3", 64, 44, "good"),
        ("the passage - justin cronin - m4b", 64, 5, "good"),
        ("The Passage - Connie Willis [MP3]", 64, 12, "other_author"),
        ("The Passage - Jeff Long [M4B]", 64, 5, "other_author"),
        ("Justin Cronin - The Twelve (The Passage 2) [M4B]", 64, 30, "wrong_title"),
        ("Justin Cronin - The Passage Trilogy [M4B]", "6.5GB", 40, "pack"),
        ("Justin Cronin - The Passage [M4B]", "180MB", 4, "other_edition"),
        ("The Passage - Justin Cronin (24kbps)", 24, 6, "bad_encode"),
        ("The Passage - Justin Cronin - audio preview", "5MB", 1, "sample"),
    ],
)

book(
    "wolf-hall",
    "Wolf Hall",
    "Hilary Mantel",
    "Thomas Cromwell",
    "1",
    1466,
    "Simon Slater",
    [
        (
            "Hilary Mantel - Thomas Cromwell 01 - Wolf Hall [Simon Slater] {64kbps m4b}",
            64,
            11,
            "good*",
        ),
        ("Wolf Hall - Hilary Mantel [MP3] read by Simon Slater", 64, 25, "good"),
        ("Wolf Hall (BBC Radio 4 Dramatisation) - Hilary Mantel", "140MB", 20, "dramatisation"),
        (
            "Wolf Hall & Bring Up the Bodies - Royal Shakespeare Company stage adaptation, full cast",
            "300MB",
            6,
            "dramatisation",
        ),
        ("Hilary Mantel - Bring Up the Bodies (Thomas Cromwell 2) [M4B]", 64, 20, "wrong_title"),
        ("Hilary Mantel - The Wolf Hall Trilogy [M4B]", "5GB", 30, "pack"),
        ("Wolf Hall - Hilary Mantel (Abridged, Dan Stevens)", "300MB", 8, "other_edition"),
        ("Wolf Hall - Hilary Mantel - Study Guide (York Notes)", "20MB", 2, "summary"),
        ("Wolf Hall - Philippa Gregory [M4B]", 64, 4, "other_author"),
        ("Hilary Mantel - Wölfe (Hörbuch)", 64, 6, "foreign"),
    ],
)


def main() -> None:
    about = (
        "Search results for wanted audiobooks, each labelled by hand: acceptable, the decoy "
        "kind that makes it unacceptable, and the one to grab (best) per book, for the "
        "default policy (m4b before mp3, health floor 3 seeders, packs, abridged and "
        "dramatisations not allowed, English)."
    )
    write_corpus(Path(__file__).with_name("corpus.json"), about, BOOKS)
    kinds: dict[str, int] = {}
    for entry in BOOKS:
        for row in entry["results"]:
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
        assert sum(r["best"] for r in entry["results"]) <= 1, entry["id"]
    print(len(BOOKS), "books", sum(kinds.values()), "results", dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()
