"""Markdown tables for asset metadata (the UI renders them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _cell(value: Any, width: int) -> str:
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    text = str("" if value is None else value)
    return text.replace("|", "\\|").replace("\n", " ").strip()[:width]


def markdown_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str] | None = None,
    limit: int = 50,
    width: int = 200,
) -> str:
    """`rows` as a markdown table of `columns` (default: the first row's keys), at most `limit`
    rows, each cell cut to `width` characters; `_none_` when empty."""
    if not rows:
        return "_none_"
    columns = list(columns or rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows[:limit]:
        lines.append("| " + " | ".join(_cell(row.get(c), width) for c in columns) + " |")
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more")
    return "\n".join(lines)
