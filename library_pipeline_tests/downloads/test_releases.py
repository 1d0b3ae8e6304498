"""Release title parsing, .torrent/magnet infohashes and link redaction (pure)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from library_pipeline.domain.languages import language_code
from library_pipeline.domain.releases import (
    BencodeError,
    TorrentPayload,
    bdecode,
    infohash_from_magnet,
    parse_release_text,
    parse_torrent,
    position_values,
    redact_link,
)
from library_pipeline_tests.support.qbittorrent import make_torrent, write_audiobook_files


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "The Final Empire by Brandon Sanderson [ENG / M4B]",
            {"formats": ("m4b",), "languages": ("en",), "volumes": (), "pack_markers": ()},
        ),
        (
            "Love at Stake series by Kerrelyn Sparks [ENG / M4A MP3] [VIP]",
            {"formats": ("m4a", "mp3"), "pack_markers": ("series",)},
        ),
        (
            "Andy Weir - Project Hail Mary (Unabridged) [M4B]",
            {"abridged": False, "formats": ("m4b",)},
        ),
        (
            "Brandon Sanderson - Mistborn Books 1-3 (Complete Trilogy) MP3 64kbps",
            {"volume_range": (1.0, 3.0), "bitrate_kbps": 64, "formats": ("mp3",)},
        ),
        ("Mistborn Book Two - The Well of Ascension [64-128 kbps]", {"volumes": (2.0,)}),
        ("The Way of Kings (Stormlight Archive, Vol. 1)", {"volumes": (1.0,), "pack_markers": ()}),
        ("The Expanse 1-9 Box Set", {"pack_markers": ("1-9", "box set")}),
        ("Kinder des Nebels (ungekürzt) [GER]", {"abridged": False, "languages": ("de",)}),
        ("Der Weg der Könige - Hörbuch", {"languages": ("de",)}),
        ("Red Rising (Abridged) read by Tim Gerard Reynolds", {"abridged": True}),
        ("Dune.Messiah.Frank.Herbert.epub", {"formats": ("epub",)}),
        ("Fahrenheit 451 - Ray Bradbury mp3", {"volumes": (), "pack_markers": ()}),
        ("The German Girl - Armando Lucas Correa [M4B]", {"languages": ()}),
        ("Pride and Prejudice (BBC Radio Full Cast Dramatisation)", {"dramatised": True}),
    ],
)
def test_parse_release_text(title: str, expected: dict) -> None:
    hints = parse_release_text(title)
    for name, value in expected.items():
        assert getattr(hints, name) == value, (name, hints)


def test_packs_are_recognised_with_their_range() -> None:
    hints = parse_release_text("Mistborn - Books #1 to #3 [MP3]")
    assert hints.volume_range == (1.0, 3.0)
    assert hints.pack_markers[0] == "books #1 to #3"
    single = parse_release_text("The Final Empire (Mistborn Trilogy, Book 1)")
    assert single.volumes == (1.0,)
    assert single.pack_markers == ()


def test_tags_and_description_add_hints_but_no_volumes() -> None:
    hints = parse_release_text(
        "The Final Empire",
        description="Unabridged. Read by Michael Kramer. Book 2 follows in 2007.",
        tags="Unabridged | 64 kbps | m4b | Chapterized",
        file_types=("m4b",),
    )
    assert hints.formats == ("m4b",)
    assert hints.bitrate_kbps == 64
    assert hints.abridged is False
    assert hints.narrators == ("Michael Kramer",)
    assert hints.volumes == ()


def test_language_codes_and_positions() -> None:
    assert language_code("ENG") == "en"
    assert language_code("English") == "en"
    assert language_code("en-US") == "en"
    assert language_code("Deutsch") == "de"
    assert language_code("") is None
    assert position_values("1") == (1.0,)
    assert position_values("01-16, 13.5") == (1.0, 16.0)
    assert position_values(None) is None


def test_infohash_of_a_torf_torrent_matches_torf(tmp_path: Path) -> None:
    folder = write_audiobook_files(tmp_path, "Author - Book", {"a.mp3": 50_000, "b.mp3": 7})
    torrent = make_torrent(folder)
    meta = parse_torrent(torrent.data)
    assert meta.infohash == torrent.infohash
    assert meta.name == "Author - Book"
    assert meta.size == 50_007
    payload = TorrentPayload.from_torrent(torrent.data)
    assert payload.kind == "torrent"
    assert payload.infohash == torrent.infohash
    single = make_torrent(folder / "a.mp3")
    assert parse_torrent(single.data).size == 50_000


def test_bencode_rejects_garbage() -> None:
    for bad in (b"", b"not a torrent", b"d4:infoi1ee", b"d4:spam4:eggse", b"l" * 100):
        with pytest.raises(BencodeError):
            parse_torrent(bad)
    assert bdecode(b"d3:cow3:moo4:spaml1:a1:bee") == {b"cow": b"moo", b"spam": [b"a", b"b"]}
    with pytest.raises(BencodeError):
        bdecode(b"i1ei2e")


def test_magnet_infohashes() -> None:
    hexhash = "9d99e48a436d9d0dd34453f6cd65c8f61eabe925"
    assert infohash_from_magnet(f"magnet:?xt=urn:btih:{hexhash.upper()}&dn=x") == hexhash
    b32 = base64.b32encode(bytes.fromhex(hexhash)).decode()
    assert infohash_from_magnet(f"magnet:?xt=urn:btih:{b32}") == hexhash
    v2 = "a" * 64
    assert infohash_from_magnet(f"magnet:?xt=urn:btmh:1220{v2}") == v2[:40]
    assert infohash_from_magnet("magnet:?xt=urn:btih:zzzz") is None
    assert infohash_from_magnet("https://example.com") is None
    with pytest.raises(ValueError, match="usable infohash"):
        TorrentPayload.from_magnet("magnet:?dn=nothing")


def test_redact_link_hides_keys_passkeys_and_dl_hashes() -> None:
    key = "0123456789abcdef0123456789abcdef"
    link = f"http://127.0.0.1:9696/3/download?apikey={key}&link=Q2ZESjhC&file=The+Book"
    safe = redact_link(link)
    assert key not in safe
    assert "Q2ZESjhC" not in safe
    assert "file=The+Book" in safe
    assert "123456" not in redact_link("https://t.example/download.php?torrent=1&passkey=123456")
    dl = "Xk3v9Qp0dummyDlHashForTests,abc123"
    assert dl not in redact_link(f"https://www.myanonamouse.net/tor/download.php/{dl}")
    magnet = redact_link("magnet:?xt=urn:btih:abc&dn=Book&tr=http://tracker/announce?passkey=s3")
    assert magnet.startswith("magnet:?xt=urn:btih:abc")
    assert "s3" not in magnet
    assert redact_link(None) is None
