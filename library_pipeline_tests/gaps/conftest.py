"""Shared fixtures: the hand-labelled fixture set (library_pipeline_tests/data/gaps), and the
benchmark's generator of libraries."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from library_pipeline.domain.gaps import CatalogueEntry, GapSettings, MissingBook, OwnedBook
from library_pipeline.domain.gaps.io import parse_catalogue, parse_owned

DATA = Path(__file__).resolve().parent.parent / "data" / "gaps"
BENCH = Path(__file__).resolve().parents[2] / "bench" / "gaps.py"


@dataclass(frozen=True)
class Fixture:
    owned: list[OwnedBook]
    catalogue: list[CatalogueEntry]
    labels: dict[str, Any]

    def settings(self, include_novellas: bool = False) -> GapSettings:
        return GapSettings(
            as_of=date.fromisoformat(self.labels["as_of"]),
            languages=tuple(self.labels["languages"]),
            min_books_threshold=self.labels["min_books"],
            include_novellas=include_novellas,
        )

    def truth(self, include_novellas: bool = False) -> list[dict[str, Any]]:
        return [m for m in self.labels["missing"] if include_novellas or not m["novella"]]


@pytest.fixture(scope="session")
def fixture_set() -> Fixture:
    return Fixture(
        parse_owned(json.loads((DATA / "owned.json").read_text())),
        parse_catalogue(json.loads((DATA / "catalogue.json").read_text())),
        json.loads((DATA / "expected_missing.json").read_text()),
    )


def score(
    reported: list[MissingBook], truth: list[dict[str, Any]]
) -> tuple[float, float, dict[int, MissingBook]]:
    """(precision, recall, label index → the reported book matched to it).

    A reported book is a true positive when one of its catalogue ids belongs to a labelled book
    not matched before; anything else it reports is a false positive.
    """
    owner = {cid: n for n, m in enumerate(truth) for cid in m["catalogue_ids"]}
    matched: dict[int, MissingBook] = {}
    for book in reported:
        free = {owner[c] for c in book.catalogue_ids if c in owner} - matched.keys()
        if free:
            matched[min(free)] = book
    precision = len(matched) / len(reported) if reported else 1.0
    recall = len(matched) / len(truth) if truth else 1.0
    return precision, recall, matched


def bench_module() -> ModuleType:
    """bench/gaps.py as a module: its generator of realistic libraries."""
    spec = importlib.util.spec_from_file_location("bench_gaps", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_gaps", module)
    spec.loader.exec_module(module)
    return module
