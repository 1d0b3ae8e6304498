"""The README documents every setting and names the two set-up commands that exist."""

from __future__ import annotations

import os
from pathlib import Path

from library_pipeline.settings import Settings, env_name

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    missing = [env_name(f) for f in Settings.model_fields if env_name(f) not in README]
    assert not missing, f"README lacks: {missing}"


def test_two_setup_commands_exist_and_ci_calls_the_test_one() -> None:
    for command in ("scripts/run", "scripts/test"):
        assert f"\n{command}" in README
        assert os.access(ROOT / command, os.X_OK)
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
