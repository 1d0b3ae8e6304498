"""Placing a book in the library: hardlink or copy, atomic, confined, idempotent, and the
seeding data never touched (real files in tmp_path; faults by monkeypatching os/shutil)."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from library_pipeline.domain.import_plan import ImportPlan, TorrentFile, plan_import
from library_pipeline.domain.naming import BookNaming, render_book_path
from library_pipeline.services import imports as importer
from library_pipeline.services.imports import (
    STAGING_DIR,
    PlacementError,
    clean_staging,
    place_book,
)

BOOK_DIR = "Brandon Sanderson/Mistborn/Vol. 1 - The Final Empire {Michael Kramer}"
FILES = {
    "Brandon Sanderson - The Final Empire/01 - Prologue.mp3": b"a" * 3000,
    "Brandon Sanderson - The Final Empire/02 - Chapter 1.mp3": b"b" * 5000,
    "Brandon Sanderson - The Final Empire/cover.jpg": b"\xff\xd8jpeg",
    "Brandon Sanderson - The Final Empire/www.example.url": b"[InternetShortcut]",
}


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Content, mtime and inode of every file under `root` (to prove nothing changed)."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[str(path.relative_to(root))] = (path.read_bytes(), st.st_mtime_ns, st.st_ino)
    return out


@pytest.fixture
def seeding(tmp_path: Path) -> tuple[Path, ImportPlan]:
    save = tmp_path / "downloads"
    for name, data in FILES.items():
        (save / name).parent.mkdir(parents=True, exist_ok=True)
        (save / name).write_bytes(data)
    plan = plan_import(TorrentFile(n, len(d)) for n, d in FILES.items())
    return save, plan


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    return root


def test_hardlinks_on_the_same_file_system(seeding, library: Path) -> None:
    save, plan = seeding
    before = snapshot(save)
    placement = place_book(plan, save, library, BOOK_DIR)
    target = library / BOOK_DIR
    assert placement.target == target
    assert placement.mode == "hardlink"
    assert sorted(p.name for p in target.iterdir()) == [
        "01 - Prologue.mp3", "02 - Chapter 1.mp3", "cover.jpg",
    ]  # fmt: skip
    src = save / "Brandon Sanderson - The Final Empire"
    for name in ["01 - Prologue.mp3", "02 - Chapter 1.mp3", "cover.jpg"]:
        assert (target / name).stat().st_ino == (src / name).stat().st_ino
        assert (src / name).stat().st_nlink == 2
    assert not (library / STAGING_DIR).exists()
    after = snapshot(save)
    assert after == before  # same bytes, mtimes and inodes: seeding data untouched


def test_copies_across_file_systems(seeding, library: Path) -> None:
    save, plan = seeding
    if not Path("/dev/shm").is_dir() or os.stat("/dev/shm").st_dev == os.stat(save).st_dev:
        pytest.skip(
            "needs /dev/shm on a different file system (tmpfs) for a real cross-device copy"
        )
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        placement = place_book(plan, save, Path(other), BOOK_DIR)
        assert placement.mode == "copy"
        assert placement.copied == 3
        copied = Path(other) / BOOK_DIR / "02 - Chapter 1.mp3"
        assert copied.read_bytes() == b"b" * 5000
        original = save / "Brandon Sanderson - The Final Empire/02 - Chapter 1.mp3"
        assert original.stat().st_nlink == 1


def test_falls_back_to_copy_when_links_are_refused(seeding, library, monkeypatch) -> None:
    save, plan = seeding

    def no_links(src, dst, *a, **k):
        raise OSError(errno.EPERM, "Operation not permitted")  # fs.protected_hardlinks, FAT...

    monkeypatch.setattr(os, "link", no_links)
    placement = place_book(plan, save, library, BOOK_DIR)
    assert placement.mode == "copy"
    assert placement.copied == 3
    assert placement.linked == 0
    assert (library / BOOK_DIR / "cover.jpg").read_bytes() == b"\xff\xd8jpeg"


def test_rerun_changes_nothing(seeding, library: Path) -> None:
    save, plan = seeding
    place_book(plan, save, library, BOOK_DIR)
    before = snapshot(library)
    again = place_book(plan, save, library, BOOK_DIR)
    assert again.already_present
    assert again.mode == "existing"
    assert snapshot(library) == before
    # even when the torrent's data is gone by now
    shutil.rmtree(save)
    assert place_book(plan, save, library, BOOK_DIR).already_present


def test_never_overwrites_a_different_book(seeding, library: Path) -> None:
    save, plan = seeding
    existing = library / BOOK_DIR
    existing.mkdir(parents=True)
    (existing / "mine.m4b").write_bytes(b"user's own copy")
    with pytest.raises(PlacementError, match="already exists with other content") as info:
        place_book(plan, save, library, BOOK_DIR)
    assert info.value.code == "target_exists"
    assert [p.name for p in existing.iterdir()] == ["mine.m4b"]


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full", "disk is full"),
        (PermissionError(errno.EACCES, "Permission denied"), "permission_denied", "permission"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "disk_full", "quota"),
    ],
)
def test_copy_failure_is_clear_and_leaves_nothing(
    seeding, library, monkeypatch, error, code, words
):
    save, plan = seeding
    before = snapshot(save)
    monkeypatch.setattr(
        os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EXDEV, "x"))
    )
    calls = []

    def failing_copy(src, dst, *a, **k):
        calls.append(src)
        if len(calls) == 2:  # the second file: half written, then the disk fills
            Path(dst).write_bytes(b"partial")
            raise error
        return shutil.copyfile(src, dst)

    monkeypatch.setattr(shutil, "copy2", failing_copy)
    with pytest.raises(PlacementError, match=words) as info:
        place_book(plan, save, library, BOOK_DIR)
    assert info.value.code == code
    assert str(library) in str(info.value)
    assert list(library.rglob("*")) == []  # no half-imported book, no staging, no empty folders
    assert snapshot(save) == before


def test_link_permission_denied_is_an_error_not_a_copy(seeding, library, monkeypatch) -> None:
    save, plan = seeding
    monkeypatch.setattr(
        os, "link", lambda *a, **k: (_ for _ in ()).throw(PermissionError(errno.EACCES, "denied"))
    )
    copies = []
    monkeypatch.setattr(shutil, "copy2", lambda *a, **k: copies.append(a))
    with pytest.raises(PlacementError, match="permission denied on the library") as info:
        place_book(plan, save, library, BOOK_DIR)
    assert info.value.code == "permission_denied"
    assert copies == []
    assert list(library.rglob("*")) == []


def test_staging_folder_cannot_be_created(seeding, library, monkeypatch) -> None:
    save, plan = seeding
    real_mkdir = Path.mkdir

    def mkdir(self, *a, **k):
        if STAGING_DIR in str(self):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(PlacementError, match="disk is full"):
        place_book(plan, save, library, BOOK_DIR)


def test_crash_before_rename_leaves_no_book(seeding, library, monkeypatch) -> None:
    save, plan = seeding
    before = snapshot(save)

    def crash(src, dst):
        raise KeyboardInterrupt  # the process dies between staging and rename

    monkeypatch.setattr(os, "rename", crash)
    with pytest.raises(KeyboardInterrupt):
        place_book(plan, save, library, BOOK_DIR)
    assert not (library / "Brandon Sanderson").exists()
    assert snapshot(save) == before


def test_debris_of_a_hard_crash_is_cleaned_and_seeding_data_survives(seeding, library) -> None:
    save, _plan = seeding
    # What a SIGKILL mid-import leaves: a staging folder holding hardlinks to seeding data.
    debris = library / STAGING_DIR / "deadbeef"
    debris.mkdir(parents=True)
    src = save / "Brandon Sanderson - The Final Empire/01 - Prologue.mp3"
    os.link(src, debris / "01 - Prologue.mp3")
    old = time.time() - 7200
    os.utime(debris, (old, old))
    fresh = library / STAGING_DIR / "inprogress"
    fresh.mkdir()
    assert clean_staging(library) == [debris]
    assert not debris.exists()
    assert fresh.exists()
    assert src.read_bytes() == b"a" * 3000
    assert src.stat().st_nlink == 1


def test_source_missing_torrent_removed(seeding, library) -> None:
    save, plan = seeding
    shutil.rmtree(save)
    with pytest.raises(PlacementError, match="removed before import") as info:
        place_book(plan, save, library, BOOK_DIR)
    assert info.value.code == "source_missing"
    assert list(library.iterdir()) == []


def test_source_size_differs(seeding, library) -> None:
    save, plan = seeding
    (save / "Brandon Sanderson - The Final Empire/cover.jpg").write_bytes(b"x")
    with pytest.raises(PlacementError, match="the torrent says") as info:
        place_book(plan, save, library, BOOK_DIR)
    assert info.value.code == "source_changed"


def test_symlinks_cannot_lead_outside(seeding, library, tmp_path: Path) -> None:
    save, plan = seeding
    outside = tmp_path / "outside"
    outside.mkdir()
    (library / "Brandon Sanderson").symlink_to(outside)
    with pytest.raises(PlacementError, match="outside the library"):
        place_book(plan, save, library, BOOK_DIR)
    assert list(outside.iterdir()) == []
    # a torrent file that is a symlink to a secret is not read either
    (library / "Brandon Sanderson").unlink()
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"s")
    (save / "B").mkdir()
    (save / "B/01.mp3").symlink_to(secret)
    sneaky = plan_import([TorrentFile("B/01.mp3", 1)])
    with pytest.raises(PlacementError, match="outside"):
        place_book(sneaky, save, library, "A/B")


@pytest.mark.parametrize("book_dir", ["../escape", "/etc/x", "A/../../x", ""])
def test_book_dir_is_confined(seeding, library, book_dir: str) -> None:
    save, plan = seeding
    with pytest.raises(PlacementError) as info:
        place_book(plan, save, library, book_dir)
    assert info.value.code == "unsafe_path"
    assert list(library.parent.glob("escape")) == []


def test_hostile_torrent_paths_never_leave_the_library(library: Path, tmp_path: Path) -> None:
    save = tmp_path / "dl"
    (save / "B").mkdir(parents=True)
    (save / "B/CON.mp3").write_bytes(b"1")
    (save / "B" / ("é" * 125 + ".mp3")).write_bytes(b"2")  # 254 bytes: the most ext4 allows
    plan = plan_import(
        [
            TorrentFile("B/CON.mp3", 1),
            TorrentFile("B/" + "é" * 125 + ".mp3", 1),
            TorrentFile("../../../../etc/passwd.mp3", 1),
            TorrentFile("/etc/shadow.mp3", 1),
        ]
    )
    # a 600-byte title from metadata becomes a folder name the file system accepts
    book = BookNaming(title="Ü" * 300, authors=["CON"], series="..", narrators=["\x00"])
    book_dir = render_book_path(book)
    placement = place_book(plan, save, library, book_dir)
    assert placement.target.parent == library / "_CON"
    assert len(placement.target.name.encode()) <= 255
    names = sorted(p.name for p in placement.target.iterdir())
    assert names[0] == "_CON.mp3"
    assert len(names) == 2
    for path in tmp_path.rglob("*"):
        assert path.is_relative_to(save) or path.is_relative_to(library)


def test_empty_plan_is_refused(library: Path, tmp_path: Path) -> None:
    with pytest.raises(PlacementError, match="no audio") as info:
        place_book(plan_import([TorrentFile("B/ad.txt", 1)]), tmp_path, library, "A/B")
    assert info.value.code == "nothing_to_import"


def test_missing_library_root(seeding, tmp_path: Path) -> None:
    save, plan = seeding
    with pytest.raises(PlacementError, match="does not exist"):
        place_book(plan, save, tmp_path / "nope", BOOK_DIR)
    assert importer.STAGING_DIR.startswith(".")  # hidden: scanners skip it


def _outside_with_old_data(tmp_path: Path) -> Path:
    outside = tmp_path / "outside-user-data"
    (outside / "old-folder").mkdir(parents=True)
    (outside / "old-folder" / "precious.txt").write_text("keep me")
    (outside / "old-file.txt").write_text("keep me too")
    old = time.time() - 10 * 3600
    for path in (outside / "old-folder", outside / "old-file.txt"):
        os.utime(path, (old, old))
    return outside


def test_clean_staging_never_follows_a_linked_staging_folder(tmp_path, library) -> None:
    outside = _outside_with_old_data(tmp_path)
    (library / STAGING_DIR).symlink_to(outside, target_is_directory=True)
    assert clean_staging(library) == []
    assert (outside / "old-folder" / "precious.txt").read_text() == "keep me"
    assert (outside / "old-file.txt").exists()


def test_place_book_refuses_a_linked_staging_folder(seeding, library, tmp_path) -> None:
    save, plan = seeding
    outside = _outside_with_old_data(tmp_path)
    before = snapshot(outside)
    (library / STAGING_DIR).symlink_to(outside, target_is_directory=True)
    with pytest.raises(PlacementError, match="link") as caught:
        place_book(plan, save, library, BOOK_DIR)
    assert caught.value.code == "unsafe_path"
    assert snapshot(outside) == before
    assert not (library / BOOK_DIR).exists()
