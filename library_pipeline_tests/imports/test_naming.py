"""Library naming and path confinement: every name from a torrent or metadata is made safe."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from library_pipeline.domain.naming import (
    DEFAULT_TEMPLATE,
    BookNaming,
    TemplateError,
    UnsafePath,
    confine,
    format_position,
    render_book_path,
    sanitize_component,
    sanitize_relative,
    split_relative,
    truncate_utf8,
    validate_template,
)
from library_pipeline.settings import Settings

MISTBORN = BookNaming(
    title="The Final Empire",
    authors=["Brandon Sanderson"],
    narrators=["Michael Kramer"],
    series="Mistborn",
    series_position="1",
)


def test_default_template_is_the_settings_default() -> None:
    assert Settings().naming_template == DEFAULT_TEMPLATE


@pytest.mark.parametrize(
    ("book", "expected"),
    [
        (MISTBORN, "Brandon Sanderson/Mistborn/Vol. 1 - The Final Empire {Michael Kramer}"),
        (
            BookNaming(title="The Final Empire", authors=["Brandon Sanderson"], series="Mistborn"),
            "Brandon Sanderson/Mistborn/The Final Empire",
        ),
        (
            BookNaming(title="Project Hail Mary", authors=["Andy Weir"]),
            "Andy Weir/Project Hail Mary",
        ),
        (
            BookNaming(
                title="Good Omens",
                authors=["Terry Pratchett", "Neil Gaiman"],
                narrators=["Martin Jarvis"],
            ),
            "Terry Pratchett/Good Omens {Martin Jarvis}",
        ),
        (
            BookNaming(
                title="Guards! Guards!",
                authors=["Terry Pratchett"],
                series="Discworld",
                series_position="08.0",
                narrators=["Nigel Planer", "Stephen Briggs"],
            ),
            "Terry Pratchett/Discworld/Vol. 8 - Guards! Guards! {Nigel Planer, Stephen Briggs}",
        ),
        (BookNaming(title="", authors=[]), "Unknown Author/Unknown Title"),
        (BookNaming(title="X", authors=["  ", ".."]), "Unknown Author/X"),
    ],
)
def test_render_default_template(book: BookNaming, expected: str) -> None:
    assert render_book_path(book) == PurePosixPath(expected)


def test_values_never_create_folders_or_escape() -> None:
    book = BookNaming(
        title="../../etc/passwd", authors=["AC/DC: Live"], series="..", narrators=["a\\b"]
    )
    path = render_book_path(book)
    assert len(path.parts) == 2  # the '..' series is dropped, no extra nesting
    assert path.parts[0] == "AC-DC - Live"
    assert ".." not in path.parts
    assert not path.is_absolute()
    assert path.parts[1] == "-..-etc-passwd {a-b}"  # no separator, no leading dot


@pytest.mark.parametrize(
    ("template", "book", "expected"),
    [
        ("{author}/{title} ({year}) - {narrator}", BookNaming(title="T", authors=["A"]), "A/T"),
        (
            "{author}/{title} ({year}) - {narrator}",
            BookNaming(title="T", authors=["A"], narrators=["N"]),
            "A/T - N",
        ),
        (
            "{author}/{title} ({year}) - {narrator}",
            BookNaming(title="T", authors=["A"], narrators=["N"], year=2001),
            "A/T (2001) - N",
        ),
        (
            "{authors}/{series}/{title} [{asin}]",
            BookNaming(title="T", authors=["A", "B"]),
            "A, B/T",
        ),
        (
            "{author}/{series} {position}/{title}",
            BookNaming(title="T", authors=["A"], series="S", series_position="1.5"),
            "A/S 1.5/T",
        ),
    ],
)
def test_other_templates(template: str, book: BookNaming, expected: str) -> None:
    assert render_book_path(book, template) == PurePosixPath(expected)


@pytest.mark.parametrize(
    "template",
    [
        "",
        "{author}/{nope}/{title}",
        "{author}//{title}",
        "../{title}",
        "{author}",
        "{title:>10}",
        "{author}/{title",
    ],
)
def test_bad_templates_are_rejected(template: str) -> None:
    with pytest.raises(TemplateError):
        validate_template(template)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Chapter 1.mp3", "Chapter 1.mp3"),
        ("..", "_"),
        (".", "_"),
        ("", "_"),
        (".hidden", "hidden"),
        ("name. . ", "name"),
        ("bad\x00name\x01.mp3", "bad name .mp3"),
        ("line\nbreak\ttab\x7f", "line break tab"),
        ("CON", "_CON"),
        ("con.mp3", "_con.mp3"),
        ("Nul .txt", "_Nul .txt"),
        ("COM1", "_COM1"),
        ("lpt9.m4b", "_lpt9.m4b"),
        ("CONSOLE.mp3", "CONSOLE.mp3"),
        ("Title: Subtitle", "Title - Subtitle"),
        ('a<b>c"d|e?f*g', "abc'd-efg"),
        ("a/b\\c", "a-b-c"),
        ("Cafe\u0301", "Caf\u00e9"),  # NFC
    ],
)
def test_sanitize_component(raw: str, expected: str) -> None:
    assert sanitize_component(raw) == expected


def test_over_long_names_are_cut_at_a_character_boundary() -> None:
    name = "é" * 200 + ".mp3"  # 404 bytes
    safe = sanitize_component(name)
    assert len(safe.encode("utf-8")) <= 255
    assert safe.endswith(".mp3")
    safe.encode("utf-8").decode("utf-8")  # valid UTF-8: no half character
    emoji = "📚" * 100  # 4 bytes each
    cut = truncate_utf8(emoji)
    assert len(cut.encode()) <= 255
    assert set(cut) == {"📚"}
    assert len(cut) == 63
    # a base letter is never separated from its combining accent
    decomposed = "e\u0301" * 200
    cut = truncate_utf8(decomposed, 11)
    assert cut == "e\u0301" * 3
    assert truncate_utf8("e\u0301\u0302" * 5, 7) == "e\u0301\u0302"  # 5 bytes per cluster


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/etc/passwd",
        "\\\\server\\share\\x.mp3",
        "C:\\x.mp3",
        "c:x.mp3",
        "../x.mp3",
        "a/../../x.mp3",
        "a/..\\b.mp3",
        "a\x00b.mp3",
        "./.",
        "//",
    ],
)
def test_split_relative_rejects_escapes(path: str) -> None:
    with pytest.raises(UnsafePath):
        split_relative(path)


def test_split_relative_keeps_raw_components() -> None:
    assert split_relative("Book/./CD 1\\01 CON.mp3") == ("Book", "CD 1", "01 CON.mp3")
    assert sanitize_relative("Book/CON/x. ") == PurePosixPath("Book/_CON/x")


def test_confine() -> None:
    assert confine("/lib", "A/B/c.mp3") == PurePosixPath("/lib/A/B/c.mp3")
    assert confine("/lib/", "A/nul") == PurePosixPath("/lib/A/_nul")
    for bad in ["../x", "/etc/passwd", "A/../../x", "", "."]:
        with pytest.raises(UnsafePath):
            confine("/lib", bad)
    with pytest.raises(UnsafePath):
        confine("relative/root", "x")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", "1"),
        ("01", "1"),
        ("2.0", "2"),
        ("1.5", "1.5"),
        ("0.5", "0.5"),
        ("IV", "4"),
        ("Book Two", "2"),
        ("#3", "3"),
        (None, ""),
        (" 3 ", "3"),
        ("1-3", "1-3"),
        ("Prequel", "Prequel"),
    ],
)
def test_format_position(raw: str | None, expected: str) -> None:
    assert format_position(raw) == expected
