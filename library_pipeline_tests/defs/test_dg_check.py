"""`dg check defs` — Dagster's own validation of the project's definitions — passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_dg_check_defs_passes(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBRARY_PIPELINE_")}
    env.update(
        DAGSTER_HOME=str(home),
        VIRTUAL_ENV=sys.prefix,
        LIBRARY_PIPELINE_DATA_DIR=str(tmp_path / "data"),
    )
    dg = Path(sys.executable).with_name("dg")
    done = subprocess.run(
        [str(dg), "check", "defs", "--target-path", str(ROOT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "All definitions loaded successfully" in output
    assert "does not match the virtual environment" not in output
