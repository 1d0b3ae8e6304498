"""The layering of docs/conventions.md, read from the imports of every module:

- `domain/` is pure: it imports no other layer, no Dagster, no I/O or process libraries;
- `clients/` and `storage/` never import `services/` or `defs/`;
- `services/` never imports `defs/` and never reads the settings (it is handed typed config);
- Dagster is imported only in `defs/` and `definitions.py`.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "library_pipeline"

# Modules pure code may not import: other layers, Dagster, and anything that reaches outside the
# process (files, sockets, subprocesses, databases, HTTP).
IMPURE = (
    "dagster",
    "library_pipeline.clients",
    "library_pipeline.storage",
    "library_pipeline.services",
    "library_pipeline.defs",
    "library_pipeline.settings",
    "sqlalchemy",
    "httpx",
    "hishel",
    "mutagen",
    "subprocess",
    "multiprocessing",
    "socket",
    "shutil",
    "gc",
    "qbittorrentapi",
    "crawl4ai",
)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": IMPURE,
    "clients": ("dagster", "library_pipeline.services", "library_pipeline.defs"),
    "storage": ("dagster", "library_pipeline.services", "library_pipeline.defs"),
    "services": ("dagster", "library_pipeline.defs", "library_pipeline.settings"),
}


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (function bodies and TYPE_CHECKING included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in sorted(imported_modules(path)):
            if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN[layer]):
                found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    assert violations(layer) == []


def test_dagster_is_imported_only_in_defs() -> None:
    outside = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "defs" not in path.relative_to(PACKAGE).parts
        and path.name != "definitions.py"
        and any(name.split(".")[0] == "dagster" for name in imported_modules(path))
    ]
    assert outside == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from library_pipeline.storage.models import Book\n")
    assert "library_pipeline.storage.models" in imported_modules(module)
