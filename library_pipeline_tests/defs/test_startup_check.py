"""Bad settings stop `scripts/run` at the start with one line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from library_pipeline.defs.startup_check import load_settings, settings_problems


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("LIBRARY_PIPELINE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env file from the checkout
    return monkeypatch


def problems_with(monkeypatch: pytest.MonkeyPatch, **values: str) -> list[str]:
    for field, value in values.items():
        monkeypatch.setenv(f"LIBRARY_PIPELINE_{field.upper()}", value)
    settings, problems = load_settings()
    return problems if settings is None else settings_problems(settings)


def test_defaults_are_fine(clean_env: pytest.MonkeyPatch) -> None:
    assert problems_with(clean_env) == []


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("database_url", "nonsense://x", "unsupported database 'nonsense'"),
        ("database_url", "not a url", "not a database URL"),
        ("library_roots", "/no/such/folder", "/no/such/folder is not a folder"),
        ("import_root", "/no/such/import", "/no/such/import is not a folder"),
        ("daily_refresh_cron", "every day", "is not a cron schedule"),
        ("import_catchup_cron", "61 * * * *", "is not a cron schedule"),
        ("mam_top10_cron", "0 5 * *", "is not a cron schedule"),
        ("schedule_timezone", "Mars/Olympus", "unknown time zone"),
        ("download_indexer_priority", "{not json", "not valid JSON"),
        ("metadata_field_precedence", "[1, 2", "not valid JSON"),
        ("download_max_per_run", "ten", "valid integer"),
        ("metadata_provider_precedence", "google_books,goodreads", "goodreads"),
    ],
)
def test_each_problem_is_one_line_naming_its_variable(
    clean_env: pytest.MonkeyPatch, field: str, value: str, says: str
) -> None:
    problems = problems_with(clean_env, **{field: value})
    assert len(problems) == 1
    assert problems[0].startswith(f"LIBRARY_PIPELINE_{field.upper()}: ")
    assert says in problems[0]
    assert "\n" not in problems[0]


def test_a_real_folder_and_postgres_url_pass(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert (
        problems_with(
            clean_env,
            library_roots=str(tmp_path),
            database_url="postgresql+psycopg2://u:p@db:5432/library",
        )
        == []
    )


def test_the_run_command_stops_before_starting_dagster(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBRARY_PIPELINE_")}
    env.update(
        LIBRARY_PIPELINE_DATABASE_URL="nonsense://x",
        LIBRARY_PIPELINE_LIBRARY_ROOTS=str(tmp_path / "missing"),
        LIBRARY_PIPELINE_DATA_DIR=str(tmp_path / "data"),
        DAGSTER_HOME=str(tmp_path / "home"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "library_pipeline.launcher", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "Not started: LIBRARY_PIPELINE_DATABASE_URL: unsupported database 'nonsense' "
        "(supported: duckdb, postgresql)",
        f"Not started: LIBRARY_PIPELINE_LIBRARY_ROOTS: {tmp_path / 'missing'} is not a folder",
    ]
    assert not (tmp_path / "home").exists()  # Dagster was never started
