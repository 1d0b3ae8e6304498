"""The code location loads, and its shape keeps DuckDB's single writer safe."""

from __future__ import annotations

import dagster as dg

from library_pipeline.definitions import defs
from library_pipeline.defs.resources import DB_POOL

EXPECTED_ASSETS = {
    "library_books",
    "enriched_metadata",
    "gap_catalogue",
    "series_gaps",
    "author_gaps",
    "mam_genres",
    "top10_lists",
    "mam_guides",
    "download_requests",
}


def test_definitions_load_with_every_asset() -> None:
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys >= EXPECTED_ASSETS, EXPECTED_ASSETS - keys


def test_every_asset_using_the_library_db_is_in_the_db_pool() -> None:
    graph = defs.resolve_asset_graph()
    offenders = []
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assets_def = node.assets_def
        needs_db = "library_db" in assets_def.required_resource_keys
        if needs_db and assets_def.op.pool != DB_POOL:
            offenders.append(key.to_user_string())
    assert not offenders, f"assets writing the DB outside the pool: {offenders}"


def test_sensors_never_require_the_database() -> None:
    for sensor in defs.sensors or []:
        assert "library_db" not in sensor.required_resource_keys, sensor.name


def test_secrets_are_env_vars_not_values() -> None:
    # Resources carry EnvVar references or empty strings for secrets, never literal values.
    for name, resource in (defs.resources or {}).items():
        if not isinstance(resource, dg.ConfigurableResource):
            continue
        for field, value in resource.__dict__.items():
            if any(w in field for w in ("key", "token", "password", "mam_id", "cookie")):
                assert value in ("", None) or isinstance(value, dg.EnvVar), (name, field)
