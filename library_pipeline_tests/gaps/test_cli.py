"""`library-pipeline gaps` end to end, as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from library_pipeline_tests.gaps.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "library_pipeline.cli", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip


def gaps(owned: Path, catalogue: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("gaps", "--owned", str(owned), "--catalogue", str(catalogue), *extra)


def test_gaps_on_the_fixture() -> None:
    default = gaps(DATA / "owned.json", DATA / "catalogue.json", "--as-of", "2025-06-01")
    assert default.returncode == 0, default.stderr
    books = json.loads(default.stdout)
    assert isinstance(books, list)
    assert len(books) > 100
    assert set(books[0]) == {"title", "authors", "series", "series_position", "reasons",
                             "priority", "catalogue_ids", "evidence"}  # fmt: skip
    assert [b["priority"] for b in books] == sorted((b["priority"] for b in books), reverse=True)
    ids = {cid for b in books for cid in b["catalogue_ids"]}
    assert "rr4a" in ids
    assert "sl25a" not in ids
    assert "rr4es" not in ids

    more = gaps(DATA / "owned.json", DATA / "catalogue.json", "--as-of", "2025-06-01",
                "--include-novellas", "--languages", "en,es", "--min-books", "3")  # fmt: skip
    assert more.returncode == 0, more.stderr
    more_ids = {cid for b in json.loads(more.stdout) for cid in b["catalogue_ids"]}
    assert {"sl25a", "rr4es"} <= more_ids
    assert "aw-p1" not in more_ids  # Andy Weir: 2 owned < 3


def test_workers_give_the_same_output() -> None:
    args = (DATA / "owned.json", DATA / "catalogue.json", "--as-of", "2025-06-01")
    one, two = gaps(*args), gaps(*args, "--workers", "2")
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    assert json.loads(two.stdout) == json.loads(one.stdout)


def test_as_of_moves_the_unpublished_line() -> None:
    later = gaps(DATA / "owned.json", DATA / "catalogue.json", "--as-of", "2026-12-31")
    assert later.returncode == 0
    assert "rr7a" in {cid for b in json.loads(later.stdout) for cid in b["catalogue_ids"]}


def test_empty_answer_is_an_empty_array(tmp_path: Path) -> None:
    (tmp_path / "o.json").write_text("[]")
    (tmp_path / "c.json").write_text("[]")
    done = gaps(tmp_path / "o.json", tmp_path / "c.json")
    assert done.returncode == 0
    assert json.loads(done.stdout) == []


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("catalogue", "expected"),
    [
        (None, "no such file"),
        ("{not json", "not JSON"),
        ([{"id": "a", "title": "T", "authors": ["A"]}] * 1
         + [{"id": f"b{i}", "title": "T", "authors": ["A"]} for i in range(2)]
         + [{"id": "c", "title": "T", "authors": "A"}],
         'catalogue.json: entry 3: field "authors" must be a list of strings'),
        ({"a": 1}, "catalogue.json: must be a JSON array"),
    ],
)  # fmt: skip
def test_bad_files_exit_2_with_one_line(tmp_path: Path, catalogue: Any, expected: str) -> None:
    owned = write(tmp_path / "owned.json", [])
    path = tmp_path / "catalogue.json"
    if isinstance(catalogue, str):
        path.write_text(catalogue)
    elif catalogue is not None:
        write(path, catalogue)
    done = gaps(owned, path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert expected in lines[0], done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("gaps", "--owned", "x.json"),
        ("gaps", "--owned", "o", "--catalogue", "c", "--as-of", "2025-13-01"),
        ("gaps", "--owned", "o", "--catalogue", "c", "--min-books", "zero"),
        ("nonsense",),
        (),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_main_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    from library_pipeline.cli import main

    assert main(["gaps", "--owned", str(DATA / "owned.json"), "--catalogue", "/nonexistent"]) == 2
    assert "/nonexistent: no such file" in capsys.readouterr().err


def test_explain_gives_every_listing_its_fate(tmp_path: Path) -> None:
    decisions_file = tmp_path / "decisions.json"
    args = (DATA / "owned.json", DATA / "catalogue.json", "--as-of", "2025-06-01")
    plain = gaps(*args)
    explained = gaps(*args, "--explain", str(decisions_file))
    assert explained.returncode == 0, explained.stderr
    assert json.loads(explained.stdout) == json.loads(plain.stdout)  # the same answer
    decisions = json.loads(decisions_file.read_text(encoding="utf-8"))
    catalogue = json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))
    # Every listing exactly once, each with a decision and a reason.
    assert sorted(d["id"] for d in decisions) == sorted(e["id"] for e in catalogue)
    assert all(set(d) == {"id", "decision", "book", "reason"} for d in decisions)
    assert all(d["decision"] in {"missing", "owned", "excluded"} and d["reason"] for d in decisions)
    # "missing" is exactly the listings of the missing books, under their titles.
    missing = {cid: b["title"] for b in json.loads(plain.stdout) for cid in b["catalogue_ids"]}
    assert {d["id"]: d["book"] for d in decisions if d["decision"] == "missing"} == missing
    fate = {d["id"]: d for d in decisions}
    expected = {
        "rr4es": ("excluded", "translation (es)"),
        "nar-omni": ("excluded", "omnibus (position 1-7)"),
        "rr7a": ("excluded", "not published until 2026"),
        "sl25a": ("excluded", "novella (position 2.5)"),
        "sl4p1": ("missing", "split edition of Rhythm of War #4"),
        "grrm-ns": ("excluded", "possible namesake: name variant not seen on an owned book"),
        "fl-bsc": ("excluded", "not in an owned series, and no author with enough owned books"),
    }
    for cid, (decision, reason) in expected.items():
        assert (fate[cid]["decision"], fate[cid]["reason"]) == (decision, reason), cid
    assert fate["nar-p6"]["decision"] == "owned"
    assert fate["nar-p6"]["reason"].startswith("owned as ")
    assert fate["sl2sp"]["decision"] == "owned"  # a split edition of an owned book
    assert fate["aw-psum"]["reason"].endswith("by another author")


def test_explain_to_an_unwritable_path_is_a_usage_error(tmp_path: Path) -> None:
    args = (DATA / "owned.json", DATA / "catalogue.json", "--as-of", "2025-06-01")
    done = gaps(*args, "--explain", str(tmp_path / "no-such-dir" / "d.json"))
    assert done.returncode == 2
    assert "cannot write" in done.stderr
