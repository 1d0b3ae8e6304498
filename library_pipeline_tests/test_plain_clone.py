"""A plain `git clone` of the repository, with nothing beside it, passes the fast test subset:
the tests read only what the repository holds (its own copy of the recorded samples)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_plain_clone_passes_the_fast_subset(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout to clone")
    alone = tmp_path / "alone"  # an empty folder: no shared/ beside the clone
    alone.mkdir()
    clone = alone / "library_pipeline"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBRARY_PIPELINE_")}
    env["PYTHONPATH"] = str(clone)  # the clone's code, not the checkout's editable install
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-m", "not slow", "-p", "no:cacheprovider"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
    assert done.returncode == 0, tail
    assert " passed" in tail
    assert "error" not in tail.splitlines()[-1]
