# ruff: noqa: E501 - release names are data, written as the trackers write them
"""Writes holdout2.json, a second held-out release-choice corpus (run: python make_holdout2.py).

Written blind (without reading the release rules, corpus.json's entries or holdout.json) to
measure issue 16's rules on books and names they were not tuned on. Same entry format as
corpus.json: each result is (name, size, seeders, label, extra). `size` is a bitrate in kbps
(the size is then that bitrate over the book's runtime) or an explicit "123MB" / "2.1GB";
`label` is "good" (acceptable; "good*" = the one to grab) or the decoy kind; `extra` holds
indexer-structured fields and the source/indexer.

Labels follow issue 16: reject dramatisations / full cast (unless the book's policy allows
them), summaries / study guides / companions, samples / excerpts, packs (unless allowed),
conflicting volumes, foreign editions, other authors, ebooks, abridged, dead torrents; a name
with no author is acceptable only on an exact title with the series/volume agreeing (for a book
in a series the name must state the agreeing series and number; a standalone needs the exact
title only). Best: the user's format order wins unless that format's swarm is below 3 seeders;
within a format: sureness of identity, then bitrate, then "unabridged", then seeders. Each best
below states the highest bitrate of its format AND has the size implying the highest, so the
pick does not hinge on whether a bitrate is read from the name or estimated from the size.

Naming styles, from public material (facts only; the labels are ours):
- MAM through Prowlarr: "Title by Author [ENG / MP3]" (a Prowlarr result quoted in
  markbeep/AudioBookRequest#27); MAM's own API gives authors, narrators, series, lang_code
  ("ENG"), filetype (Prowlarr#518's field list) -> source "mam" rows with structured fields.
- MAM lists GraphicAudio releases as "Title (Dramatized Adaptation)" (kikootwo/ReadMeABook#104).
- AudioBook Bay through Prowlarr/Jackett: the title only, format often absent from it
  (Prowlarr#1223), "Title - Author" or "Author - Title (Unabridged)".
- Scene: "Some_Author-Some_Book-AUDIOBOOK-UNABRIDGED-GROUP", 32 kbit mono MP3 (POE audiobook
  ruleset, scenerules.org 2003_AUDiOBOOK.nfo); dotted "Publisher.Author.Title.Year.Meta-Group"
  (NZB filename parser tests); alt.binaries.sounds.mp3.books header conventions (mp3-faq.org).
- Plex/seanap layout "Author - Series NN - Title (Year) [Narrator] {64kbps m4b}"; Libation's
  "Title [ASIN]" folders, "(Unabridged)" kept from the aax title tag (rmcrackan/Libation#223);
  OpenAudible's underscores; "Author - Title (2024) [MP3 128]" (audiobook quality parser tests).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rows import IPT, TL, X1337, mam, result_row, wanted, write_corpus

BOOKS: list[dict[str, Any]] = []

MAMP = {"indexer": "MyAnonamouse"}  # MAM through Prowlarr: the title only
MP3_FIRST = {"format_preference": ["mp3", "m4b"]}
PACKS = {"allow_packs": True}
DRAMA = {"allow_dramatisations": True}


def book(key: str, title: str, authors: str, series: str | None, position: str | None,
         runtime: int, results: list[tuple[Any, ...]],
         policy: dict[str, Any] | None = None) -> None:  # fmt: skip
    entry: dict[str, Any] = {
        "id": key,
        "wanted": wanted(title, authors, series, position, runtime),
        "results": [result_row(row, runtime) for row in results],
    }
    if policy:
        entry["policy"] = policy
    BOOKS.append(entry)


# fmt: off
# --- science fiction and fantasy -----------------------------------------------------------

book("old-mans-war", "Old Man's War", "John Scalzi", "Old Man's War", "1", 574, [
    ("John Scalzi - Old Man's War 01 - Old Man's War (2005) [William Dufris] {64kbps m4b}", 64, 41, "good*"),
    ("Old Man's War by John Scalzi [ENG / M4B]", 48, 88, "good", MAMP),
    ("Old Man's War - John Scalzi (Unabridged) MP3 64kbps", 64, 23, "good"),
    ("John_Scalzi-Old_Mans_War-AUDIOBOOK-UNABRIDGED-2006-MP3", 32, 9, "good", TL),
    ("John Scalzi - Old Man's War Series 1-6 (Unabridged) [MP3]", "2.1GB", 35, "pack"),
    ("John Scalzi - Old Man's War 02 - The Ghost Brigades {64kbps m4b}", 64, 30, "wrong_volume"),
    ("Old Man's War #3 - The Last Colony - Scalzi, John", 64, 12, "wrong_volume"),
    ("Scalzi, John - Redshirts [m4b]", 64, 50, "wrong_title"),
    ("Ernest Hemingway - The Old Man and the Sea [MP3]", "120MB", 60, "other_author"),
    ("Old Man's War - John Scalzi [m4b]", 64, 0, "dead"),
])

book("player-of-games", "The Player of Games", "Iain M. Banks", "Culture", "2", 705, [
    ("Iain M. Banks - Culture 02 - The Player of Games [Peter Kenny] {64kbps m4b}", 64, 22, "good"),
    ("The Player of Games - Iain M Banks (Unabridged) 128kbps MP3", 128, 14, "good*"),
    ("Iain_M_Banks-The_Player_Of_Games-Unabridged-AUDIOBOOK-WEB-2010-MP3", 32, 6, "good", IPT),
    ("The Player of Games by Iain M. Banks [ENG / MP3]", 64, 31, "good", MAMP),
    ("Iain M. Banks - The Culture Series (Books 1-10) [MP3]", "4.2GB", 40, "pack"),
    ("Iain M. Banks - Culture 01 - Consider Phlebas {64kbps m4b}", 64, 33, "wrong_title"),
    ("Iain Banks - The Wasp Factory [MP3]", "230MB", 12, "wrong_title"),
    ("The Player of Games - Iain M Banks - Audible Sample.mp3", "4MB", 3, "sample"),
    ("Iain M. Banks - El jugador [Castellano] mp3", 64, 3, "foreign"),
    ("The Player of Games - Iain M Banks [mp3]", 64, 0, "dead"),
], policy=MP3_FIRST)

book("hyperion", "Hyperion", "Dan Simmons", "Hyperion Cantos", "1", 1259, [
    ("Dan Simmons - Hyperion Cantos 01 - Hyperion (1989) {64kbps m4b}", 64, 28, "good"),
    ("Hyperion", 128, 51, "good*", mam("Dan Simmons", "Marc Vietor, Allyson Johnson, Victor Bevine", ("Hyperion Cantos", "1"), tags="Unabridged | 128 kbps | m4b")),
    ("Hyperion - Dan Simmons (Unabridged) [mp3 64kbps]", 64, 19, "good"),
    ("Hyperion [B002V1BPOG]", 64, 7, "no_author", X1337),
    ("Dan Simmons - Hyperion Cantos 02 - The Fall of Hyperion {64kbps m4b}", 64, 25, "wrong_volume"),
    ("Dan Simmons - Hyperion Cantos 1-4 Omnibus (Hyperion, Fall of Hyperion, Endymion, Rise of Endymion) [MP3]", "3.9GB", 44, "pack"),
    ("Simmons, Dan - Hyperion (Deutsch) - Hörbuch", 64, 5, "foreign"),
    ("Dan Simmons - Hyperion [EPUB]", "2MB", 30, "ebook"),
    ("Hyperion: A Novel - Dan Simmons - Study Guide & Summary (SuperSummary)", "35MB", 1, "summary"),
    ("Hyperion - John Keats (LibriVox) 64kbps mp3", "24MB", 3, "other_author"),
])

book("left-hand-of-darkness", "The Left Hand of Darkness", "Ursula K. Le Guin", None, None, 690, [
    ("Ursula K. Le Guin - The Left Hand of Darkness (1969) [George Guidall] {64kbps m4b}", 64, 18, "good*"),
    ("The Left Hand of Darkness by Ursula K. Le Guin [ENG / M4B]", 56, 45, "good", MAMP),
    ("The Left Hand of Darkness - Ursula K Le Guin - BBC Radio 4 full-cast dramatisation (2015)", "150MB", 27, "dramatisation"),
    ("Ursula Le Guin - The Left Hand of Darkness (Unabridged) MP3", 48, 9, "good"),
    ("The Left Hand of Darkness", 48, 6, "good"),
    ("Ursula K. Le Guin - A Wizard of Earthsea [m4b]", 64, 40, "wrong_title"),
    ("Ursula K. Le Guin - The Dispossessed {64kbps m4b}", 64, 22, "wrong_title"),
    ("Ursula K. Le Guin - La mano izquierda de la oscuridad - Narrado por Juan Magraner", 64, 3, "foreign"),
    ("Hainish Cycle 1-7 - Ursula K. Le Guin [MP3]", "3.1GB", 19, "pack"),
    ("The Left Hand of Darkness - SparkNotes Study Guide", "18MB", 2, "summary"),
])

book("neverwhere", "Neverwhere", "Neil Gaiman", None, None, 772, [
    ("Neil Gaiman - Neverwhere (Author's Preferred Text) [Neil Gaiman] {64kbps m4b}", 64, 35, "good"),
    ("Neverwhere - Neil Gaiman - BBC Radio 4 Full Cast Dramatisation (2013) [MP3]", "250MB", 60, "dramatisation"),
    ("Neil Gaiman - Neverwhere (BBC Radio Drama) James McAvoy, Natalie Dormer, Benedict Cumberbatch", "260MB", 33, "dramatisation"),
    ("Neverwhere by Neil Gaiman [ENG / MP3]", 64, 28, "good", MAMP),
    ("Neverwhere", 128, 47, "good*", mam("Neil Gaiman", "Neil Gaiman", tags="Unabridged | 128 kbps")),
    ("Neil Gaiman - How the Marquis Got His Coat Back", "60MB", 10, "wrong_title"),
    ("Neil Gaiman - American Gods (10th Anniversary Full Cast) [m4b]", 64, 48, "wrong_title"),
    ("Neverwhere (Sample) - Neil Gaiman.mp3", "3MB", 4, "sample"),
    ("Neil Gaiman - Niemalsland (Hörbuch, Deutsch)", 64, 6, "foreign"),
    ("Neverwhere - Neil Gaiman [epub, mobi]", "1MB", 22, "ebook"),
])

book("small-gods", "Small Gods", "Terry Pratchett", "Discworld", "13", 620, [
    ("Terry Pratchett - Discworld 13 - Small Gods [Nigel Planer] {64kbps m4b}", 64, 26, "good"),
    ("Terry Pratchett - Discworld 13 - Small Gods (2023) [Andy Serkis] {128kbps m4b}", 128, 19, "good*"),
    ("Small Gods - BBC Radio 4 Dramatisation (Full Cast) - Terry Pratchett", "140MB", 22, "dramatisation"),
    ("Terry Pratchett - Small Gods (Unabridged) MP3 64kbps", 64, 14, "good"),
    ("Terry Pratchett - Discworld 14 - Lords and Ladies {64kbps m4b}", 64, 20, "wrong_title"),
    ("Discworld 31 - Monstrous Regiment - Pratchett", 64, 10, "wrong_title"),
    ("Terry Pratchett - Discworld Books 1-41 Complete Collection [MP3]", "13.6GB", 55, "pack"),
    ("Small Gods - Terry Pratchett (Abridged) read by Tony Robinson", "75MB", 7, "abridged"),
    ("Terry Pratchett - Einfach göttlich (Hörbuch)", 64, 5, "foreign"),
    ("Small Gods by Terry Pratchett [ENG / MP3]", 64, 0, "dead", MAMP),
])

book("assassins-apprentice", "Assassin's Apprentice", "Robin Hobb", "The Farseer Trilogy", "1", 1010, [
    ("Robin Hobb - Farseer Trilogy 01 - Assassin's Apprentice (Unabridged) [Paul Boehmer] {64kbps m4b}", 64, 50, "good*"),
    ("Robin Hobb - The Farseer Trilogy (Books 1-3) [Paul Boehmer] {64kbps m4b}", "1.4GB", 45, "good"),
    ("Assassin's Apprentice by Robin Hobb [ENG / MP3]", 64, 38, "good", MAMP),
    ("Robin Hobb - Farseer 02 - Royal Assassin {64kbps m4b}", 64, 27, "wrong_volume"),
    ("Robin Hobb - Tawny Man Trilogy 1-3 [m4b]", "2.6GB", 20, "wrong_series"),
    ("Robin Hobb - Assassin's Apprentice (Farseer 1) - Unabridged MP3 32kbps", 32, 8, "good"),
    ("Robin Hobb - L'Apprenti assassin (L'Assassin royal 1) [Français]", 64, 4, "foreign"),
    ("Assassin's Apprentice - Robin Hobb.epub", "1MB", 25, "ebook"),
    ("Assassin's Apprentice (Farseer Trilogy, Book 1) - Robin Hobb [m4b]", 64, 0, "dead"),
    ("Megan Lindholm - Wizard of the Pigeons [mp3]", 64, 3, "other_author"),
], policy=PACKS)

book("shadow-and-bone", "Shadow and Bone", "Leigh Bardugo", "The Grisha", "1", 470, [
    ("Leigh Bardugo - The Grisha 01 - Shadow and Bone [Lauren Fortgang] {64kbps m4b}", 64, 33, "good*"),
    ("Shadow and Bone by Leigh Bardugo [ENG / M4B]", 48, 61, "good", MAMP),
    ("Leigh Bardugo - Shadow and Bone Trilogy, Book 1 - Shadow and Bone (Unabridged) [MP3]", 64, 12, "good"),
    ("Leigh Bardugo - Siege and Storm (Grisha 2) {64kbps m4b}", 64, 28, "wrong_volume"),
    ("Leigh Bardugo - Shadow and Bone Trilogy Boxed Set (Shadow and Bone, Siege and Storm, Ruin and Rising) [MP3]", "1.2GB", 40, "pack"),
    ("Leigh Bardugo - Six of Crows [m4b]", 64, 52, "wrong_title"),
    ("Shadow and Bone (Netflix Tie-In) - Summary & Analysis", "20MB", 1, "summary"),
    ("Leigh Bardugo - Sombra y hueso (Castellano)", 64, 3, "foreign"),
    ("Shadow and Bone", 64, 5, "no_author"),
    ("Shadow and Bone - Leigh Bardugo (Sample)", "6MB", 2, "sample"),
])

book("three-body-problem", "The Three-Body Problem", "Cixin Liu", "Remembrance of Earth's Past", "1", 816, [
    ("Cixin Liu - Remembrance of Earth's Past 01 - The Three-Body Problem [Luke Daniels] {64kbps m4b}", 64, 47, "good*"),
    ("The Three-Body Problem by Cixin Liu [ENG / M4B]", 48, 66, "good", MAMP),
    ("Liu Cixin - The Three Body Problem (Unabridged) MP3", 64, 19, "good"),
    ("Cixin Liu - The Dark Forest (Remembrance of Earth's Past 2) {64kbps m4b}", 64, 35, "wrong_volume"),
    ("Cixin Liu - Three-Body Problem Trilogy 1-3 [mp3]", "2.3GB", 41, "pack"),
    ("刘慈欣 - 三体 有声书 [mp3]", 64, 6, "foreign"),
    ("Cixin Liu - Die drei Sonnen (Hörbuch, Deutsch)", 64, 8, "foreign"),
    ("3 Body Problem - Summary & Analysis of Cixin Liu's Novel", "24MB", 2, "summary"),
    ("Cixin Liu - The Wandering Earth [m4b]", 64, 13, "wrong_title"),
    ("Cixin Liu - Remembrance of Earth's Past 01 - The Three-Body Problem [m4b]", 64, 0, "dead"),
])

book("enders-game", "Ender's Game", "Orson Scott Card", "Ender's Saga", "1", 712, [
    ("Orson Scott Card - Ender's Saga 01 - Ender's Game [Stefan Rudnicki] {64kbps m4b}", 64, 38, "good*"),
    ("Ender's Game by Orson Scott Card [ENG / M4B]", 48, 72, "good", MAMP),
    ("Orson Scott Card - Ender's Game (Unabridged) [mp3]", 64, 24, "good"),
    ("Ender's Game Alive: The Full-Cast Audioplay - Orson Scott Card", "400MB", 33, "dramatisation"),
    ("Orson Scott Card - Ender's Shadow {64kbps m4b}", 64, 30, "wrong_title"),
    ("Orson Scott Card - Ender's Saga 02 - Speaker for the Dead [m4b]", 64, 25, "wrong_volume"),
    ("Orson Scott Card - Ender Quintet (Books 1-5) [MP3]", "2.6GB", 29, "pack"),
    ("Orson Scott Card - O Jogo do Exterminador (Português)", 64, 3, "foreign"),
    ("Orson Scott Card - Gra Endera (audiobook PL) Polski", 64, 5, "foreign"),
    ("Ender's Game - Orson Scott Card.epub", "1MB", 20, "ebook"),
])

book("memory-called-empire", "A Memory Called Empire", "Arkady Martine", "Teixcalaan", "1", 950, [
    ("Arkady Martine - Teixcalaan 01 - A Memory Called Empire [Amy Landon] {64kbps m4b}", 64, 19, "good"),
    ("A Memory Called Empire", 128, 26, "good*", mam("Arkady Martine", "Amy Landon", ("Teixcalaan", "1"), tags="Unabridged | 128 kbps")),
    ("A Memory Called Empire (Teixcalaan, Book 1) [m4b]", 64, 6, "good"),
    ("A Desolation Called Peace (Teixcalaan, Book 2) [m4b]", 64, 8, "wrong_volume"),
    ("A Memory Called Empire (Teixcalaan, Book 2) [m4b]", 64, 3, "wrong_volume"),
    ("Arkady Martine - A Memory Called Empire (Unabridged) MP3", 64, 11, "good"),
    ("Arkady Martine - Teixcalaan 02 - A Desolation Called Peace {64kbps m4b}", 64, 20, "wrong_volume"),
    ("Arkady Martine - Teixcalaan Duology (Books 1-2) [m4b]", "1.5GB", 15, "pack"),
    ("A Memory Called Empire - Arkady Martine.azw3", "2MB", 12, "ebook"),
    ("Arkady Martine - Rose/House [mp3]", "90MB", 5, "wrong_title"),
])

book("artemis-fowl", "Artemis Fowl", "Eoin Colfer", "Artemis Fowl", "1", 377, [
    ("Eoin Colfer - Artemis Fowl 01 - Artemis Fowl [Nathaniel Parker] {64kbps m4b}", 64, 22, "good*"),
    ("Artemis Fowl by Eoin Colfer [ENG / M4B]", 48, 35, "good", MAMP),
    ("Eoin Colfer - Artemis Fowl Books 1-8 Complete Series [Nathaniel Parker] (MP3)", "2.4GB", 50, "good"),
    ("Eoin Colfer - Artemis Fowl 3 - The Eternity Code {64kbps m4b}", 64, 18, "wrong_volume"),
    ("Artemis Fowl Book Five: The Lost Colony - Eoin Colfer [mp3]", 64, 9, "wrong_volume"),
    ("Eoin Colfer - Artemis Fowl 4-6 [mp3]", "1.0GB", 14, "wrong_volume"),
    ("Andy Weir - Artemis (Unabridged) [Rosario Dawson] {64kbps m4b}", 64, 40, "other_author"),
    ("Artemis Fowl: The Graphic Novel - Eoin Colfer [CBR]", "80MB", 6, "ebook"),
    ("Artemis Fowl", 48, 4, "no_author"),
    ("Eoin Colfer - Artemis Fowl 01 - Artemis Fowl [m4b]", 64, 0, "dead"),
], policy=PACKS)

book("lions-of-al-rassan", "The Lions of Al-Rassan", "Guy Gavriel Kay", None, None, 1320, [
    ("Guy Gavriel Kay - The Lions of Al-Rassan [Simon Vance] {64kbps m4b}", 64, 12, "good*"),
    ("The Lions of Al-Rassan - Guy Gavriel Kay (Unabridged) [MP3 64kbps]", 64, 2, "good"),
    ("Guy Gavriel Kay - Lions of Al-Rassan [mp3]", 48, 0, "dead"),
    ("The Lions of Al-Rassan by Guy Gavriel Kay [ENG / M4B]", 48, 9, "good", MAMP),
    ("Guy Gavriel Kay - Tigana {64kbps m4b}", 64, 15, "wrong_title"),
    ("Guy Gavriel Kay - A Song for Arbonne [mp3]", 64, 6, "wrong_title"),
    ("Guy Gavriel Kay - Los leones de Al-Rassan (Castellano)", 64, 2, "foreign"),
    ("The Lions of Al-Rassan - Guy Gavriel Kay.epub", "1MB", 10, "ebook"),
    ("Guy Gavriel Kay - The Last Light of the Sun [m4b]", 64, 8, "wrong_title"),
], policy=MP3_FIRST)

# --- fiction, crime, classics -------------------------------------------------------------

book("gone-girl", "Gone Girl", "Gillian Flynn", None, None, 1148, [
    ("Gillian Flynn - Gone Girl (2012) [Julia Whelan, Kirby Heyborne] {64kbps m4b}", 64, 44, "good*"),
    ("Gone Girl by Gillian Flynn [ENG / MP3]", 64, 70, "good", MAMP),
    ("Gillian.Flynn.Gone.Girl.2012.Unabridged.Audiobook.MP3-FiH", 32, 11, "good", TL),
    ("Gone Girl: A Novel by Gillian Flynn | Summary & Analysis", "55MB", 3, "summary"),
    ("Summary of Gone Girl by Gillian Flynn - Instaread", "28MB", 2, "summary"),
    ("Gillian Flynn - Sharp Objects {64kbps m4b}", 64, 38, "wrong_title"),
    ("Gillian Flynn - Dark Places [mp3]", 64, 21, "wrong_title"),
    ("Paula Hawkins - The Girl on the Train (Unabridged) [m4b]", 64, 57, "other_author"),
    ("Gillian Flynn - Gone Girl - Das perfekte Opfer (Hörbuch)", 64, 7, "foreign"),
    ("Gone Girl - Gillian Flynn [EPUB]", "2MB", 40, "ebook"),
])

book("midnight-library", "The Midnight Library", "Matt Haig", None, None, 529, [
    ("Matt Haig - The Midnight Library (2020) [Carey Mulligan] {64kbps m4b}", 64, 39, "good"),
    ("Penguin.Audio.Matt.Haig.The.Midnight.Library.2020.Unabridged.64kbps.MP3-AUDiOBOOK", 64, 22, "good", X1337),
    ("The Midnight Library", 128, 55, "good*", mam("Matt Haig", "Carey Mulligan", files="mp3", tags="Unabridged | 128 kbps")),
    ("Damien Graves - The Midnight Library 01 - Voices [mp3]", "90MB", 2, "other_author"),
    ("The Midnight Library Summary - Matt Haig - Key Takeaways & Analysis", "25MB", 3, "summary"),
    ("Matt Haig - How to Stop Time {64kbps m4b}", 64, 24, "wrong_title"),
    ("Matt Haig - Reasons to Stay Alive [MP3]", "150MB", 18, "wrong_title"),
    ("Matt Haig - Die Mitternachtsbibliothek (Hörbuch) mp3", 64, 9, "foreign"),
    ("Matt Haig - La biblioteca de la medianoche [Español] m4b", 64, 4, "foreign"),
    ("The Midnight Library (Unabridged) [mp3]", 48, 6, "good"),
], policy=MP3_FIRST)

book("crawdads", "Where the Crawdads Sing", "Delia Owens", None, None, 732, [
    ("Delia Owens - Where the Crawdads Sing (2018) [Cassandra Campbell] {64kbps m4b}", 64, 2, "good"),
    ("Where the Crawdads Sing by Delia Owens [ENG / M4B]", 56, 0, "dead", MAMP),
    ("Where the Crawdads Sing - Delia Owens (Unabridged) [MP3 128kbps]", 128, 25, "good*"),
    ("Delia.Owens-Where.The.Crawdads.Sing-Unabridged-2018-AUDIOBOOK-MP3", 32, 9, "good", IPT),
    ("Where the Crawdads Sing: A Novel by Delia Owens | Conversation Starters", "15MB", 2, "summary"),
    ("Study Guide: Where the Crawdads Sing by Delia Owens (SuperSummary)", "30MB", 1, "summary"),
    ("Delia Owens & Mark Owens - Cry of the Kalahari [mp3]", 64, 4, "wrong_title"),
    ("Delia Owens - Der Gesang der Flusskrebse (Hörbuch) Deutsch", 64, 11, "foreign"),
    ("Where the Crawdads Sing - Delia Owens [m4b]", 64, 0, "dead"),
    ("Where the Crawdads Sing - Delia Owens.epub", "1MB", 33, "ebook"),
])

book("anxious-people", "Anxious People", "Fredrik Backman", None, None, 563, [
    ("Fredrik Backman - Anxious People (2020) [Marin Ireland] {64kbps m4b}", 64, 3, "good*"),
    ("Anxious People by Fredrik Backman [ENG / MP3]", 64, 45, "good", MAMP),
    ("Fredrik Backman - Anxious People (Unabridged) [MP3 128kbps]", 128, 30, "good"),
    ("Fredrik Backman - Folk med ångest (Svenska) m4b", 64, 12, "foreign"),
    ("Fredrik Backman - A Man Called Ove {64kbps m4b}", 64, 44, "wrong_title"),
    ("Fredrik Backman - Britt-Marie Was Here [mp3]", 64, 13, "wrong_title"),
    ("Fredrik Backman - Eine ganz dumme Idee (Hörbuch)", 64, 6, "foreign"),
    ("Anxious People: A Novel by Fredrik Backman | Summary & Discussion", "22MB", 2, "summary"),
    ("Anxious People - Fredrik Backman (Excerpt)", "7MB", 2, "sample"),
    ("Anxious People - Fredrik Backman [epub]", "1MB", 30, "ebook"),
])

book("rebecca", "Rebecca", "Daphne du Maurier", None, None, 915, [
    ("Daphne du Maurier - Rebecca [Anna Massey] {64kbps m4b}", 64, 21, "good"),
    ("Rebecca", 128, 37, "good*", mam("Daphne du Maurier", "Anna Massey", tags="Unabridged | 128 kbps")),
    ("Daphne du Maurier - Rebecca (BBC Radio 4 Full-Cast Dramatisation)", "120MB", 18, "dramatisation"),
    ("Rebecca - Daphne du Maurier (Abridged) [mp3]", "140MB", 9, "abridged"),
    ("Sally Beauman - Rebecca's Tale [mp3]", 64, 6, "other_author"),
    ("Daphne du Maurier - My Cousin Rachel {64kbps m4b}", 64, 19, "wrong_title"),
    ("Daphne du Maurier - Rebecca [Français] mp3", 64, 5, "foreign"),
    ("Rebecca (Unabridged)", 48, 4, "good"),
    ("Daphne du Maurier - Rebecca - Nederlands luisterboek", 64, 3, "foreign"),
    ("Rebecca - Daphne du Maurier - SparkNotes Literature Guide", "15MB", 2, "summary"),
])

book("dracula", "Dracula", "Bram Stoker", None, None, 930, [
    ("Dracula: An Audible Original Drama - Bram Stoker [m4b]", "350MB", 45, "dramatisation"),
    ("Bram Stoker - Dracula (Unabridged) read by Greg Wagland [MP3 64kbps]", 64, 18, "good"),
    ("Dracula", 128, 33, "good*", mam("Bram Stoker", "Greg Wagland", files="mp3", tags="Unabridged | 128 kbps")),
    ("Dracula - Bram Stoker (LibriVox) 64kbps mp3", 64, 12, "good"),
    ("Bram Stoker - Dracula {64kbps m4b}", 64, 25, "good"),
    ("Dacre Stoker & Ian Holt - Dracula the Un-Dead [mp3]", 64, 14, "other_author"),
    ("Bram Stoker - Dracula's Guest and Other Weird Stories [mp3]", "200MB", 7, "wrong_title"),
    ("Bram Stoker - Drácula (Audiolibro) Narrado por Jordi Boixaderas", 64, 6, "foreign"),
    ("Dracula (Abridged) - Bram Stoker - Naxos", "150MB", 5, "abridged"),
    ("Dracula - Bram Stoker - CliffsNotes Study Guide", "12MB", 2, "summary"),
], policy=MP3_FIRST)

book("monte-cristo", "The Count of Monte Cristo", "Alexandre Dumas", None, None, 2827, [
    ("Alexandre Dumas - The Count of Monte Cristo [Bill Homewood] {64kbps m4b}", 64, 29, "good*"),
    ("The Count of Monte Cristo by Alexandre Dumas [ENG / M4B]", 40, 47, "good", MAMP),
    ("Alexandre Dumas - The Count of Monte Cristo (Unabridged) [MP3 64kbps]", 64, 15, "good"),
    ("The Count of Monte Cristo (Abridged) - Alexandre Dumas - read by Bill Homewood", "260MB", 10, "abridged"),
    ("The Count of Monte Cristo (Dramatized Adaptation) GraphicAudio Parts 1-4", "900MB", 8, "dramatisation"),
    ("Alexandre Dumas - The Three Musketeers {64kbps m4b}", "560MB", 22, "wrong_title"),
    ("Alexandre Dumas - El conde de Montecristo (Audiolibro Español)", 64, 7, "foreign"),
    ("Alexandre Dumas - Le Comte de Monte-Cristo - Livre audio", 64, 9, "foreign"),
    ("Alexandre Dumas - Il conte di Montecristo [Italiano]", 64, 3, "foreign"),
    ("The Count of Monte Cristo [Sample] Alexandre Dumas", "8MB", 2, "sample"),
])

book("hound-baskervilles", "The Hound of the Baskervilles", "Arthur Conan Doyle", None, None, 370, [
    ("Arthur Conan Doyle - The Hound of the Baskervilles [Stephen Fry] {64kbps m4b}", 64, 33, "good*"),
    ("Sherlock Holmes: The Definitive Collection - Arthur Conan Doyle [Stephen Fry] (m4b)", "3.1GB", 60, "pack"),
    ("The Hound of the Baskervilles - BBC Radio Full Cast Dramatisation (Clive Merrison)", "55MB", 20, "dramatisation"),
    ("Sir Arthur Conan Doyle - The Hound of the Baskervilles (Unabridged) [mp3] LibriVox", 64, 14, "good"),
    ("The Hound of the Baskervilles", 48, 8, "good"),
    ("Arthur Conan Doyle - A Study in Scarlet {64kbps m4b}", "200MB", 21, "wrong_title"),
    ("Arthur Conan Doyle - The Complete Sherlock Holmes (Unabridged) [mp3]", "4.5GB", 27, "pack"),
    ("The Hound of the Baskervilles (Abridged) - Conan Doyle", "70MB", 6, "abridged"),
    ("Arthur Conan Doyle - Der Hund der Baskervilles (Hörbuch)", 64, 7, "foreign"),
    ("The Hound of the Baskervilles - Study Guide (SparkNotes)", "10MB", 1, "summary"),
])

book("secret-history", "The Secret History", "Donna Tartt", None, None, 1340, [
    ("Donna Tartt - The Secret History [Donna Tartt] {64kbps m4b}", 64, 25, "good*"),
    ("The_Secret_History-Donna_Tartt_[m4b]", 48, 7, "good", X1337),
    ("The Secret History [B00HYTE1UA]", 48, 9, "good", X1337),
    ("Donna Tartt - The Goldfinch [mp3]", 64, 33, "wrong_title"),
    ("Donna Tartt - The Little Friend {64kbps m4b}", 64, 12, "wrong_title"),
    ("The Secret History by Donna Tartt - Summary & Analysis", "25MB", 2, "summary"),
    ("Donna Tartt - The Secret History (Abridged) read by Donna Tartt", "180MB", 5, "abridged"),
    ("Donna Tartt - Die geheime Geschichte (Hörbuch)", 64, 6, "foreign"),
    ("The Secret History of Twin Peaks - Mark Frost [m4b]", 64, 15, "other_author"),
    ("Donna Tartt - The Secret History (Unabridged) [mp3]", 64, 14, "good"),
])

book("world-war-z", "World War Z", "Max Brooks", None, None, 729, [
    ("Max Brooks - World War Z: The Complete Edition (Full Cast) [Mark Hamill, Alan Alda] {64kbps m4b}", 64, 42, "good*"),
    ("World War Z by Max Brooks [ENG / M4B]", 48, 58, "good", MAMP),
    ("Max Brooks - World War Z (Abridged, 2006, full cast) [mp3]", "190MB", 20, "abridged"),
    ("Max Brooks - World War Z - An Oral History of the Zombie War (Unabridged) MP3", 64, 15, "good"),
    ("Max Brooks - The Zombie Survival Guide [mp3]", "170MB", 17, "wrong_title"),
    ("Max Brooks - Devolution {64kbps m4b}", 64, 19, "wrong_title"),
    ("World War Z Summary & Study Guide - Max Brooks", "20MB", 2, "summary"),
    ("Max Brooks - Guerra Mundial Z [Español] mp3", 64, 6, "foreign"),
    ("World War Z - Max Brooks [EPUB]", "1MB", 25, "ebook"),
    ("Max Brooks - World War Z [m4b]", 64, 0, "dead"),
], policy=DRAMA)

# --- non-fiction --------------------------------------------------------------------------

book("born-a-crime", "Born a Crime", "Trevor Noah", None, None, 529, [
    ("Trevor Noah - Born a Crime: Stories from a South African Childhood (2016) {64kbps m4b}", 64, 48, "good*"),
    ("Born a Crime by Trevor Noah [ENG / M4B]", 48, 65, "good", MAMP),
    ("Trevor Noah - Born a Crime (Unabridged) 64kbps MP3", 64, 20, "good"),
    ("Born a Crime (Adapted for Young Readers) - Trevor Noah [mp3]", "140MB", 7, "other_edition"),
    ("Summary: Born a Crime by Trevor Noah - Key Takeaways", "20MB", 2, "summary"),
    ("Born a Crime - Trevor Noah - Excerpt (Chapter 1)", "5MB", 3, "sample"),
    ("Trevor Noah - Into the Uncut Grass [m4b]", "25MB", 6, "wrong_title"),
    ("Michelle Obama - Becoming [m4b]", "540MB", 40, "other_author"),
    ("Trevor Noah - Prohibido nacer [Español Latino] mp3", 64, 4, "foreign"),
    ("Born a Crime - Trevor Noah.pdf", "3MB", 15, "ebook"),
])

book("body-keeps-score", "The Body Keeps the Score", "Bessel van der Kolk", None, None, 993, [
    ("Bessel van der Kolk - The Body Keeps the Score: Brain, Mind, and Body in the Healing of Trauma [Sean Pratt] {64kbps m4b}", 64, 36, "good*"),
    ("The Body Keeps the Score by Bessel van der Kolk M.D. [ENG / M4B]", 48, 52, "good", MAMP),
    ("Bessel A. van der Kolk - The Body Keeps the Score (Unabridged) MP3 64kbps", 64, 17, "good"),
    ("Workbook for The Body Keeps the Score by Bessel van der Kolk (Summary & Exercises)", "40MB", 3, "summary"),
    ("The Body Keeps the Score: Summary and Analysis - Bessel van der Kolk", "35MB", 2, "summary"),
    ("Summary: The Body Keeps the Score - Brain, Mind and Body in the Healing of Trauma", "30MB", 4, "summary"),
    ("Peter A. Levine - Waking the Tiger: Healing Trauma [mp3]", "260MB", 12, "other_author"),
    ("Gabor Maté - The Myth of Normal [m4b]", "600MB", 29, "other_author"),
    ("Bessel van der Kolk - Verkörperter Schrecken (Deutsch)", 64, 3, "foreign"),
    ("The Body Keeps the Score - Bessel van der Kolk [EPUB/PDF]", "8MB", 44, "ebook"),
])

book("deep-work", "Deep Work", "Cal Newport", None, None, 467, [
    ("Cal Newport - Deep Work: Rules for Focused Success in a Distracted World [Jeff Bottoms] {64kbps m4b}", 64, 30, "good"),
    ("Deep Work by Cal Newport [ENG / MP3]", 64, 42, "good", MAMP),
    ("Cal Newport - Deep Work (2016) [MP3 96]", 96, 14, "good*"),
    ("Deep Work (Key Takeaways) - Cal Newport", "18MB", 2, "summary"),
    ("Summary of Deep Work by Cal Newport | Rules for Focused Success", "22MB", 1, "summary"),
    ("Cal Newport - Digital Minimalism [mp3]", "200MB", 20, "wrong_title"),
    ("Cal Newport - So Good They Can't Ignore You {64kbps m4b}", 64, 15, "wrong_title"),
    ("Cal.Newport.Deep.Work.2016.RETAIL.EPUB.eBook-BitBook", "1MB", 35, "ebook", TL),
    ("Cal Newport - Deep Work [mp3]", 64, 0, "dead"),
    ("Cal Newport - Konzentriert arbeiten (Deutsch)", 64, 3, "foreign"),
], policy=MP3_FIRST)

book("power-of-habit", "The Power of Habit", "Charles Duhigg", None, None, 658, [
    ("Charles Duhigg - The Power of Habit: Why We Do What We Do in Life and Business [Mike Chamberlain] {64kbps m4b}", 64, 27, "good*"),
    ("The Power of Habit by Charles Duhigg [ENG / M4B]", 48, 40, "good", MAMP),
    ("Charles Duhigg - The Power of Habit (Unabridged) [MP3]", 64, 18, "good"),
    ("Summary of The Power of Habit by Charles Duhigg (Instaread)", "25MB", 3, "summary"),
    ("The Power of Habit | Summary & Analysis | Charles Duhigg", "30MB", 2, "summary"),
    ("James Clear - Atomic Habits [m4b]", "250MB", 90, "other_author"),
    ("Charles Duhigg - Smarter Faster Better [mp3]", 64, 16, "wrong_title"),
    ("Charles Duhigg - Supercommunicators {64kbps m4b}", 64, 14, "wrong_title"),
    ("Charles Duhigg - Die Macht der Gewohnheit (Hörbuch)", 64, 6, "foreign"),
    ("The Power of Habit - Charles Duhigg (Abridged)", "110MB", 4, "abridged"),
])

# fmt: on

# --- a check of our own labels against the stated best-pick rule --------------------------


def _format(row: dict[str, Any]) -> str | None:
    text = (row["title"] + " " + " ".join(row.get("file_types", ()))).lower()
    for fmt in ("m4b", "mp3"):
        if re.search(rf"\b{fmt}\b", text):
            return fmt
    return None


def check_best(entry: dict[str, Any]) -> None:
    """The best row is in the first format (of the policy's order) with a healthy acceptable
    release, and has the largest size (so the highest bitrate) of that format's acceptable rows."""
    order = (entry.get("policy") or {}).get("format_preference", ["m4b", "mp3"])
    rows = [r for r in entry["results"] if r["acceptable"]]
    best = [r for r in entry["results"] if r["best"]]
    assert len(best) == 1, entry["id"]
    assert all(r["seeders"] >= 1 for r in rows), entry["id"]
    fmt = next(f for f in order if any(_format(r) == f and r["seeders"] >= 3 for r in rows))
    assert _format(best[0]) == fmt, (entry["id"], fmt)
    same = [r for r in rows if _format(r) == fmt and r is not best[0]]
    assert all(r["size_mb"] <= best[0]["size_mb"] or "1-" in r["title"] for r in same), entry["id"]


def main() -> None:
    about = (
        "Second held-out set: search results for wanted audiobooks (none of them in "
        "corpus.json), labelled blind by issue 16's rules; per-book 'policy' overrides test "
        "mp3-first, packs allowed and dramatisations allowed."
    )
    kinds: dict[str, int] = {}
    for entry in BOOKS:
        check_best(entry)
        for row in entry["results"]:
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    write_corpus(Path(__file__).with_name("holdout2.json"), about, BOOKS)
    print(len(BOOKS), "books", sum(kinds.values()), "results", dict(sorted(kinds.items())))


if __name__ == "__main__":
    main()
