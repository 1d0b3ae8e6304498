"""The Dagster code location: every part's definitions merged, plus the shared resources.

Each part of the pipeline keeps its assets, checks, jobs, sensors, schedules and resources in
one module of `defs/` exposing `defs`; adding a part is one line in `PARTS`.
"""

from __future__ import annotations

import importlib

import dagster as dg

from library_pipeline.defs.resources import shared_resources

PARTS = [
    "library_pipeline.defs.library",
    "library_pipeline.defs.enrichment",
    "library_pipeline.defs.gaps",
    "library_pipeline.defs.mam",
    "library_pipeline.defs.downloads",
    "library_pipeline.defs.imports",
    "library_pipeline.defs.automation",
]


def build_definitions() -> dg.Definitions:
    parts = [importlib.import_module(name).defs for name in PARTS]
    return dg.Definitions.merge(
        *parts,
        dg.Definitions(resources=shared_resources(), executor=dg.in_process_executor),
    )


defs = build_definitions()
