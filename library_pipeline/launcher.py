"""Starts the pipeline's Dagster UI and daemon (`dg dev`) on 127.0.0.1.

Sets up an absolute DAGSTER_HOME with its dagster.yaml, creates a sample library when the user
has configured none, and hands over to `dg dev` in the project (its `[tool.dg]` table names the
code location).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from library_pipeline.defs.instance import write_dagster_yaml
from library_pipeline.defs.startup_check import load_settings, settings_problems
from library_pipeline.sample_library import create_sample_library
from library_pipeline.settings import Settings, env_name
from library_pipeline.storage.private import private_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def prepare_environment(settings: Settings, env: dict[str, str]) -> dict[str, str]:
    """The environment `dagster dev` runs in; creates DAGSTER_HOME and the sample library."""
    env = dict(env)
    home = Path(env.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home").resolve()
    env["DAGSTER_HOME"] = str(home)
    data_dir = settings.data_dir if settings.data_dir.is_absolute() else PROJECT_ROOT / ".data"
    env.setdefault(env_name("data_dir"), str(data_dir.resolve()))
    settings = settings.model_copy(update={"data_dir": Path(env[env_name("data_dir")])})
    private_dir(settings.data_dir)  # the library DB, caches, state: the owner's only
    write_dagster_yaml(home, settings)
    if not settings.library_roots:
        sample = create_sample_library(Path(env[env_name("data_dir")]) / "sample-library")
        env[env_name("library_roots")] = str(sample)
        print(f"No library configured: using the sample library in {sample}", file=sys.stderr)
    password = make_url(settings.resolved_database_url).password
    if password:
        env["LIBRARY_PIPELINE_DAGSTER_PG_PASSWORD"] = str(password)
    crawl_home = Path(env[env_name("data_dir")]) / "crawl4ai"
    env.setdefault("CRAWL4_AI_BASE_DIRECTORY", str(crawl_home))
    env.setdefault("CRAWL4AI_NO_CLOUD_NOTICE", "1")
    # dg runs the project in the active virtualenv: the one this interpreter belongs to.
    env["VIRTUAL_ENV"] = sys.prefix
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    args = parser.parse_args(argv)
    os.chdir(PROJECT_ROOT)
    settings, problems = load_settings()
    if settings is not None:
        problems = settings_problems(settings)
    if settings is None or problems:
        for problem in problems:
            print(f"Not started: {problem}", file=sys.stderr)
        return 2
    env = prepare_environment(settings, dict(os.environ))
    dg = Path(sys.executable).with_name("dg")
    command = [str(dg), "dev", "--host", "127.0.0.1", "--port", str(args.port),
               "--target-path", str(PROJECT_ROOT)]  # fmt: skip
    print(f"Dagster UI: http://127.0.0.1:{args.port}", file=sys.stderr)
    # A shell's background job inherits SIGINT as ignored; dagster dev stops its children with
    # SIGINT, so an ignored one would leave them running after SIGTERM. Exec keeps SIG_IGN.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    raise SystemExit(main())
