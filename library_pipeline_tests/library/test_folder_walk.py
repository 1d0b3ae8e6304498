"""The folder walk: helper processes find exactly what one process finds, and failing helpers
cost nothing but time."""

from __future__ import annotations

import io
import marshal
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from library_pipeline.services.scan import walk as folder_walk
from library_pipeline.services.scan.walk import RootWalk, Walker, WalkHelper
from library_pipeline_tests.library.conftest import refuse_listing


def touch(path: Path | bytes, data: bytes = b"x") -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def build_tree(root: Path) -> None:
    """Twelve top-level folders holding every kind of entry the walk treats specially."""
    for author in range(10):
        base = root / f"Author {author:02d}"
        touch(base / "Standalone" / "book.m4b", b"a" * author)
        touch(base / "Series" / "Book 1" / "01.mp3")
        touch(base / "Series" / "Book 1" / "02.MP3")
        touch(base / "Series" / "Book 1" / "cover.jpg")
        touch(base / "Multi" / "CD 1" / "track.flac")
        touch(base / "Multi" / "CD 2" / "track.flac")
        touch(base / "Multi" / ".hidden.mp3")
        touch(base / "Multi" / "@eaDir" / "thumb.mp3")
        touch(base / "Ignored" / ".ignore")
        touch(base / "Ignored" / "skip.mp3")
        touch(base / "author.png")
        touch(base / "notes.txt")
    odd = root / "Odd"
    touch(os.fsencode(odd) + b"/Caf\xe9/caf\xe9.opus")  # not UTF-8
    os.symlink(odd, odd / "Loop")  # back to an ancestor
    os.symlink(odd / "Self", odd / "Self")  # to itself
    os.symlink(odd / "missing.mp3", odd / "broken.mp3")  # to nothing
    os.symlink(root / "Author 03", odd / "Again")  # to a folder walked anyway
    touch(root / "Elsewhere Target" / "linked.m4a")
    os.symlink(root / "Elsewhere Target" / "linked.m4a", odd / "file-link.m4a")
    touch(root / "loose.mp3")
    # A book whose extra folder is a symlink out of the root: the linked audio is the book's.
    touch(root / "Linked" / "Book" / "main.mp3")
    touch(root.parent / "elsewhere" / "bonus" / "bonus.mp3")
    os.symlink(root.parent / "elsewhere" / "bonus", root / "Linked" / "Book" / "Bonus")


def walk_with(root: Path, helpers: int) -> tuple[RootWalk, Walker]:
    walker = Walker(helpers=helpers)
    return walker.walk(str(root)), walker


def picture(walk: RootWalk, walker: Walker) -> tuple[Any, ...]:
    """Everything a walk found, independent of the order folders were listed in."""
    dirs = {
        rel: (folder.real, sorted(folder.files), sorted(folder.images))
        for rel, folder in walk.dirs.items()
    }
    issues = sorted(walker.issues)
    books = sorted(walk.books)
    return dirs, sorted(walk.unreadable_dirs), issues, walker.unreadable, walk.ok, books


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "library"
    build_tree(root)
    monkeypatch.setattr(folder_walk, "HELPER_MIN_FOLDERS", 2)
    return root


@pytest.mark.parametrize("helpers", [1, 3])
def test_helpers_find_exactly_what_one_process_finds(tree: Path, helpers: int) -> None:
    alone, alone_walker = walk_with(tree, helpers=0)
    helped, helped_walker = walk_with(tree, helpers=helpers)
    assert helped.helped
    assert not alone.helped
    assert picture(helped, helped_walker) == picture(alone, alone_walker)
    # The tree's special cases did come through (the walk is not trivially equal).
    dirs, _unreadable, issues, _count, _ok, books = picture(alone, alone_walker)
    reasons = dict(issues)
    by_path = {book[0]: book for book in books}
    # 3 per author; Odd (with Caf\xe9 inside), Elsewhere Target, Linked/Book, loose.mp3.
    assert len(by_path) == len(books) == 10 * 3 + 4
    assert by_path[f"{tree}/Odd"][3] == [(), ("Caf\\xe9",)]
    assert by_path[f"{tree}/Author 00/Multi"][3] == [("CD 1",), ("CD 2",)]
    assert by_path[f"{tree}/Linked/Book"][3] == [(), ("Bonus",)]
    assert by_path[f"{tree}/loose.mp3"][5] is True
    assert ("Author 00", "Multi", "CD 2") in dirs
    assert ("Author 00", "Ignored") not in dirs
    assert ("Author 00", "Series", "Book 1") in dirs
    assert dirs[("Author 00", "Series", "Book 1")][2]
    assert "symlink loop" in reasons[f"{tree}/Odd/Loop"]
    assert "already scanned" in reasons[f"{tree}/Odd/Again"]
    assert "not found" in reasons[f"{tree}/Odd/broken.mp3"]
    assert "not valid UTF-8" in reasons[f"{tree}/Odd/Caf\\xe9"]
    assert [f.name for f in dirs[("Odd",)][1]] == ["file-link.m4a"]


def test_a_helper_that_fails_leaves_its_folders_to_this_process(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, alone_walker = walk_with(tree, helpers=0)
    monkeypatch.setattr(folder_walk, "_HELPER_CODE", "import sys; sys.exit(3)")
    failed, failed_walker = walk_with(tree, helpers=1)
    assert not failed.helped
    assert picture(failed, failed_walker) == picture(alone, alone_walker)


def test_a_helper_that_cannot_start_leaves_its_folders_to_this_process(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone, alone_walker = walk_with(tree, helpers=0)
    monkeypatch.setattr(sys, "executable", str(tree / "no-such-python"))
    unstarted, unstarted_walker = walk_with(tree, helpers=1)
    assert not unstarted.helped
    assert picture(unstarted, unstarted_walker) == picture(alone, alone_walker)


def test_a_small_root_is_walked_in_one_process(tmp_path: Path) -> None:
    root = tmp_path / "library"
    build_tree(root)
    walk, _walker = walk_with(root, helpers=1)  # 12 top-level folders < HELPER_MIN_FOLDERS
    assert not walk.helped


def test_a_folder_the_helper_cannot_list_is_reported_through_it(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper's main runs here, with os.scandir refusing one folder (a monkeypatch would
    not reach a helper process), and its answer is merged as a helper process's would be."""
    locked = tree / "Author 04" / "Series"
    refuse_listing(monkeypatch, locked)
    folders = [(str(tree / top), (top,)) for top in ("Author 04", "Odd", "Linked")]
    stdin = io.TextIOWrapper(io.BytesIO(marshal.dumps((str(tree), str(tree), folders))))
    stdout = io.TextIOWrapper(io.BytesIO())
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    folder_walk.serve_helper()
    answer = stdout.buffer.getvalue()  # type: ignore[attr-defined]
    monkeypatch.undo()
    # Books only of the folders holding no symlinked folder (the parent follows the links).
    found = marshal.loads(answer)
    assert found["done"] == ["Author 04"]
    assert {book[2][0] for book in found["books"]} == {"Author 04"}

    class Answered(WalkHelper):
        def __init__(self) -> None:
            self.folders = folders

        def result(self) -> dict[str, Any] | None:
            return marshal.loads(answer)

    walker = Walker()
    walk = RootWalk(str(tree), str(tree))
    stack: list[Any] = []
    links: list[Any] = []
    walker._take_helped(walk, Answered(), stack, links)
    assert walk.helped
    assert not stack
    assert walk.unreadable_dirs == [str(locked)]
    assert walker.unreadable == 1
    assert ("Author 04", "Standalone") in walk.dirs
    assert ("Author 04", "Series", "Book 1") not in walk.dirs  # under the locked folder
    assert {path for path, _rel in links} == {
        str(tree / "Odd" / "Loop"),
        str(tree / "Odd" / "Again"),
        str(tree / "Linked" / "Book" / "Bonus"),
    }  # symlinked folders come back unfollowed
    assert any("permission denied" in reason for _path, reason in walker.issues)


def test_a_fifo_named_like_audio_is_not_a_regular_file(tmp_path: Path) -> None:
    touch(tmp_path / "Author" / "Book" / "01.mp3")
    os.mkfifo(tmp_path / "Author" / "Book" / "02.mp3")
    walker = Walker()
    walk = walker.walk(str(tmp_path))
    names = [f.name for f in walk.dirs[("Author", "Book")].files]
    assert names == ["01.mp3"]
    assert walker.issues == [(f"{tmp_path}/Author/Book/02.mp3", "not a regular file (skipped)")]


def test_a_zero_byte_image_is_not_a_cover(tmp_path: Path) -> None:
    touch(tmp_path / "Author" / "Book" / "01.mp3")
    touch(tmp_path / "Author" / "Book" / "cover.jpg", b"")
    touch(tmp_path / "Author" / "Book" / "folder.jpg", b"\xff\xd8\xff")
    walk = Walker().walk(str(tmp_path))
    (book,) = walk.books
    assert book[4] == f"{tmp_path}/Author/Book/folder.jpg"
