"""The `lp-missing-<id>` tag that ties a torrent to its wanted book is one rule, in
`domain/import_matching.py`: grabs, reconcile and imports read and write it the same way
(issue 21: the downloads service had its own copy, blind to a padded tag)."""

from __future__ import annotations

import ast
from pathlib import Path

from library_pipeline.domain import import_matching
from library_pipeline.services import downloads

PACKAGE = Path(__file__).resolve().parents[1] / "library_pipeline"


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_tag_prefix_is_written_in_one_module() -> None:
    holders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(value.startswith("lp-missing-") for value in _string_constants(path))
    )
    assert holders == ["domain/import_matching.py"]


def test_downloads_reads_the_tag_as_imports_do() -> None:
    for tags in (["lp-missing-7"], [" lp-missing-7 "], ["library-pipeline", "lp-missing-7"]):
        assert downloads.book_id_from_tags(tags) == import_matching.missing_book_id_from_tags(tags)
    assert downloads.book_tag(42) == import_matching.missing_tag(42)
