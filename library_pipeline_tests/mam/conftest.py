"""Fixtures the MAM tests share: the MAM stub and a throwaway Dagster instance."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pytest

from library_pipeline_tests.support.stubs.mam import MamStub


@pytest.fixture
def mam() -> Iterator[MamStub]:
    with MamStub() as stub:
        yield stub


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as inst:
        yield inst
