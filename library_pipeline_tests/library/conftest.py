"""Fixtures of the library-scan tests: real audio templates and a sample library on disk."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mutagen
import pytest
from sqlalchemy.orm import Session

from library_pipeline.storage.engine import make_engine, make_session_factory
from library_pipeline_tests.support.audio import (
    all_templates,
    ffmpeg_path,
    make_audio_file,
    make_book,
)

FINAL_EMPIRE = "Brandon Sanderson/Mistborn/Vol 1 - 2006 - The Final Empire {Michael Kramer}"
LIGHT_FANTASTIC = "Terry Pratchett/Discworld/Book 2 - 1986 - The Light Fantastic {Nigel Planer}"
HAIL_MARY = "Andy Weir/Project Hail Mary"
GOLDEN_SON = "Pierce Brown/Red Rising Saga/Golden Son"
NOVELLA = "Pierce Brown/Red Rising Saga/2.5 - Dark Age Novella (Unabridged)"
LOOSE = "Loose Book.opus"


def refuse_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make os.scandir fail with "permission denied" for `folder` (in this process only).

    Tests run as root, whom chmod 000 does not stop."""
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


async def scan(
    session: Session,
    roots: list[Path] | list[str],
    *,
    abs_client: Any = None,
    workers: int | None = None,
    abs_library_id: str | None = None,
) -> dict[str, Any]:
    """`scan_library` over `roots`, its result as the plain dict the tests compare."""
    from library_pipeline.services.scan.service import ScanConfig, scan_library

    config = ScanConfig(
        roots=[str(r) for r in roots], workers=workers, abs_library_id=abs_library_id
    )
    result = await scan_library(session, config, audiobookshelf=abs_client)
    return result.as_dict()


@pytest.fixture(scope="session")
def audio_templates() -> dict[str, Path]:
    if ffmpeg_path() is None:
        pytest.skip("ffmpeg missing (apt-get install ffmpeg): no real audio to scan")
    return all_templates()


def build_sample_library(root: Path) -> dict[str, list[Path]]:
    """Six books in every format and tag style (see the constants above)."""
    return {
        FINAL_EMPIRE: make_book(
            root / FINAL_EMPIRE, "m4b", title="The Final Empire", author="Brandon Sanderson",
            narrator="Michael Kramer", series="Mistborn", position=1, asin="B002UZMLXM",
            year=2006, genre="Fantasy", series_style="movement", narrator_style="narrator",
        ),
        LIGHT_FANTASTIC: make_book(
            root / LIGHT_FANTASTIC, "mp3", title="The Light Fantastic", author="Terry Pratchett",
            files=2,
        ),
        HAIL_MARY: make_book(root / HAIL_MARY, "flac", tagged=False),
        GOLDEN_SON: make_book(
            root / GOLDEN_SON, "ogg", title="Golden Son", author="Pierce Brown",
            narrator="Tim Gerard Reynolds", series="Red Rising Saga", position=2,
            series_style="grouping", isbn="978-0-345-53981-2", language="eng",
        ),
        NOVELLA: make_book(root / NOVELLA, "m4a", tagged=False),
        LOOSE: [make_audio_file(root / LOOSE, title="Loose Book", author="Solo Writer")],
    }  # fmt: skip


@pytest.fixture
def library_root(tmp_path: Path, audio_templates: dict[str, Path]) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    return root


@pytest.fixture
def session_for(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """`with session_for(url) as session:` — a session whose engine is disposed afterwards."""

    @contextmanager
    def open_session(url: str) -> Iterator[Session]:
        engine = make_engine(url)
        session = make_session_factory(engine)()
        try:
            yield session
        finally:
            session.close()
            engine.dispose()

    return open_session


@pytest.fixture
def mutagen_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every `mutagen.File` call of this process, by path (tag reads are counted, not faked)."""
    calls: list[str] = []
    real = mutagen.File

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(mutagen, "File", counting)
    return calls
