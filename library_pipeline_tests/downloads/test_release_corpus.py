"""The labelled decision corpus (bench/corpora/releases) meets the release-choice goal."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "releases.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_releases", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_releases", module)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_big_and_labelled() -> None:
    books = _bench().load()
    assert len(books) >= 40
    assert sum(len(b["results"]) for b in books) >= 400
    for book in books:
        assert sum(r["best"] for r in book["results"]) <= 1, book["id"]
        assert all(r["acceptable"] == (r["kind"] == "good") for r in book["results"])
        assert all(r["acceptable"] for r in book["results"] if r["best"]), book["id"]


def test_rules_meet_the_goal_on_the_corpus() -> None:
    bench = _bench()
    books = bench.load()
    rules, _choices = bench.run_rules(books)
    assert rules.bad_grabs == []
    assert rules.missed == []
    assert rules.best_rate >= 0.95, rules.wrong_best
    low = {k: rules.reject_rate(k) for k in rules.decoys if rules.reject_rate(k) < 0.99}
    assert low == {}, rules.accepted_decoys
    # The reference the figures are printed beside really is worse: the corpus has teeth.
    reference = bench.run_most_seeders(books)
    assert len(reference.bad_grabs) > 10
