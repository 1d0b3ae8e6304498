"""The Dagster code location: everything under `defs/`, found by `dg.load_from_defs_folder`.

Each part of the pipeline is a folder of `defs/` (library, enrichment, gaps, mam, downloads,
imports, automation) whose modules define their assets, checks, jobs, sensors, schedules and
resources at module level; `defs/resources.py` adds the resources every part shares. Adding a
part is adding a folder.
"""

from pathlib import Path

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def build_definitions() -> dg.Definitions:
    found = dg.load_from_defs_folder(path_within_project=PROJECT_ROOT)
    return dg.Definitions.merge(found, dg.Definitions(executor=dg.in_process_executor))


defs = build_definitions()
