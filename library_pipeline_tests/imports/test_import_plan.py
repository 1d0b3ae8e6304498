"""Which files of a torrent become the book, in which order, under which names."""

from __future__ import annotations

from library_pipeline.domain.import_plan import TorrentFile, natural_key, plan_import
from library_pipeline_tests.support.stub_server import load_contract


def files(*names: str, size: int = 100) -> list[TorrentFile]:
    return [TorrentFile(name=n, size=size, index=i) for i, n in enumerate(names)]


def test_recorded_torrent_files_sample() -> None:
    sample = load_contract("qbittorrent", "torrents_files_complete.json")
    plan = plan_import(
        TorrentFile(f["name"], f["size"], f["progress"], f["priority"], f["index"]) for f in sample
    )
    assert [f.target for f in plan.audio] == ["01 - Prologue.mp3", "02 - Chapter 1.mp3"]
    assert [f.target for f in plan.extras] == ["cover.jpg"]
    assert plan.skipped == ()
    assert not plan.renamed_for_order
    assert plan.total_bytes == 802_000


def test_natural_order_and_renaming_when_needed() -> None:
    plan = plan_import(
        files("B/Chapter 10.mp3", "B/Chapter 2.mp3", "B/Chapter 1.mp3", "B/chapter 3.mp3")
    )
    assert [f.source for f in plan.audio] == [
        "B/Chapter 1.mp3", "B/Chapter 2.mp3", "B/chapter 3.mp3", "B/Chapter 10.mp3",
    ]  # fmt: skip
    # "Chapter 10" sorts before "Chapter 2" byte-wise, so the names get an order prefix
    assert plan.renamed_for_order
    assert [f.target for f in plan.audio] == [
        "001 - Chapter 1.mp3", "002 - Chapter 2.mp3", "003 - chapter 3.mp3",
        "004 - Chapter 10.mp3",
    ]  # fmt: skip
    assert sorted(f.target for f in plan.audio) == [f.target for f in plan.audio]


def test_disc_folders_flatten_in_order_without_collisions() -> None:
    plan = plan_import(
        files("B/CD 10/01.mp3", "B/CD 2/01.mp3", "B/CD 1/02.mp3", "B/CD 1/01.mp3", "B/CD 2/02.mp3")
    )
    assert [f.source for f in plan.audio] == [
        "B/CD 1/01.mp3", "B/CD 1/02.mp3", "B/CD 2/01.mp3", "B/CD 2/02.mp3", "B/CD 10/01.mp3",
    ]  # fmt: skip
    targets = [f.target for f in plan.audio]
    assert targets == [
        "001 - 01.mp3",
        "002 - 02.mp3",
        "003 - 01.mp3",
        "004 - 02.mp3",
        "005 - 01.mp3",
    ]
    assert len(set(targets)) == len(targets)


def test_single_file_torrent() -> None:
    plan = plan_import([TorrentFile("Project Hail Mary.m4b", 400_000)])
    assert [f.target for f in plan.audio] == ["Project Hail Mary.m4b"]


def test_extras_kept_junk_dropped_with_reasons() -> None:
    plan = plan_import(
        files(
            "B/01.mp3",
            "B/02.mp3",
            "B/cover.jpg",
            "B/Scans/back.PNG",
            "B/book.cue",
            "B/info.nfo",
            "B/companion.pdf",
            "B/Visit our site.url",
            "B/README.txt",
            "B/setup.exe",
            "B/Sample/01.mp3",
            "B/book-sample.mp3",
            "B/.DS_Store",
            "B/._01.mp3",
            "B/Thumbs.db",
            "B/data.bin",
            "B/01.mp3.!qB",
        )
    )
    assert [f.target for f in plan.audio] == ["01.mp3", "02.mp3"]
    assert {f.target for f in plan.extras} == {
        "cover.jpg", "back.PNG", "book.cue", "info.nfo", "companion.pdf",
    }  # fmt: skip
    reasons = {s.source: s.reason for s in plan.skipped}
    assert reasons["B/setup.exe"].startswith(".exe")
    assert reasons["B/Visit our site.url"].startswith(".url")
    assert reasons["B/README.txt"].startswith(".txt")
    assert reasons["B/Sample/01.mp3"] == "sample"
    assert reasons["B/book-sample.mp3"] == "sample"
    assert reasons["B/.DS_Store"] == reasons["B/._01.mp3"] == "hidden or AppleDouble file"
    assert reasons["B/data.bin"] == "unknown file type .bin"
    assert len(plan.skipped) == 10


def test_a_title_containing_sample_is_not_a_sample() -> None:
    plan = plan_import(files("The Sample Society/01 - The Sample Society.mp3"))
    assert len(plan.audio) == 1


def test_unsafe_unfinished_and_deselected_files_are_skipped() -> None:
    plan = plan_import(
        [
            TorrentFile("../../etc/cron.d/x.mp3", 10),
            TorrentFile("/abs/x.mp3", 10),
            TorrentFile("B/a\x00.mp3", 10),
            TorrentFile("B/01.mp3", 10, progress=0.5),
            TorrentFile("B/02.mp3", 10, priority=0),
            TorrentFile("B/03.mp3", 10),
        ]
    )
    assert [f.source for f in plan.audio] == ["B/03.mp3"]
    reasons = [s.reason for s in plan.skipped]
    assert sum(r.startswith("unsafe path") for r in reasons) == 3
    assert "unfinished (50%)" in reasons
    assert any("priority 0" in r for r in reasons)


def test_reserved_and_long_target_names_are_made_safe() -> None:
    plan = plan_import(files("B/CON.mp3", "B/" + "x" * 300 + ".mp3", "B/cover.jpg", "B/Cover.JPG"))
    targets = [f.target for f in plan.files]
    assert "_CON.mp3" in targets
    assert all(len(t.encode()) <= 255 for t in targets)
    assert any(t.endswith(".mp3") and t.startswith("xxx") for t in targets)
    assert {"Cover.JPG", "cover (2).jpg"} <= set(targets)  # case-insensitive collision


def test_nothing_to_import() -> None:
    assert plan_import(files("B/readme.txt")).problems == ["no audio files in the torrent"]
    unfinished = plan_import([TorrentFile("B/01.mp3", 10, progress=0.1)])
    assert unfinished.problems == ["no finished audio files (1 unfinished)"]
    assert plan_import([]).problems


def test_natural_key() -> None:
    names = ["Part 10", "part 9", "Part 1 of 12", "Part 01", "Part 1"]
    assert sorted(names, key=natural_key)[-1] == "Part 10"
    assert sorted(names, key=natural_key)[-2] == "part 9"


def test_a_name_that_is_only_an_extension_keeps_it() -> None:
    for name, target in ((" .mp3", "_.mp3"), ("Book/ ..m4b", "_.m4b"), ("Book/  .opus", "_.opus")):
        assert [f.target for f in plan_import([TorrentFile(name, 10)]).audio] == [target]


def test_one_file_listed_under_two_spellings_is_placed_once() -> None:
    plan = plan_import([TorrentFile("Book/01.mp3", 10), TorrentFile("Book//01.mp3", 10)])
    assert [f.target for f in plan.audio] == ["01.mp3"]
    assert [s.source for s in plan.skipped] == ["Book//01.mp3"]
    assert "same file" in plan.skipped[0].reason
