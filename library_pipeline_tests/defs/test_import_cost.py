"""Loading the code location stays light: every run worker imports `library_pipeline.definitions`
before it runs anything, so the services and their heavy libraries are imported only by the
assets, ops, sensors and resource methods that use them (see docs/conventions.md)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "mutagen",
    "rapidfuzz",
    "bs4",
    "soupsieve",
    "hishel",
    "tenacity",
    "qbittorrentapi",
    "crawl4ai",
)

PROBE = """
import json, sys
import library_pipeline.definitions as d
d.defs.resolve_asset_graph()
print(json.dumps(sorted(sys.modules)))
"""


def loaded_modules(code: str) -> set[str]:
    """The modules `code` leaves in `sys.modules`, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_loading_the_definitions_imports_no_service_and_no_heavy_library() -> None:
    modules = loaded_modules(PROBE)
    assert "library_pipeline.definitions" in modules
    services = sorted(m for m in modules if m.startswith("library_pipeline.services"))
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not services, f"services imported while loading the definitions: {services}"
    assert not heavy, f"heavy libraries imported while loading the definitions: {heavy}"


def test_the_probe_sees_a_service_import() -> None:
    # The check above can fail: importing a service does put it and its libraries in sys.modules.
    modules = loaded_modules(
        PROBE.replace(
            "import library_pipeline.definitions as d",
            "import library_pipeline.definitions as d, library_pipeline.services.mam",
        )
    )
    assert "library_pipeline.services.mam" in modules
    assert "bs4" in modules


def test_discovery_sources_are_the_services_constants() -> None:
    from library_pipeline.defs.downloads.assets import DownloadRequestsConfig
    from library_pipeline.services import downloads

    assert DownloadRequestsConfig().discovery_sources == [
        downloads.SERIES_GAPS,
        downloads.AUTHOR_GAPS,
        downloads.TOP10,
    ]
