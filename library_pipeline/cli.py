"""Command line: ``library-pipeline <subcommand> ...`` (also ``python -m library_pipeline.cli``).

Each subcommand registers itself in ``_SUBCOMMANDS`` with a function that adds its arguments and
one that runs it; ``main`` only parses and dispatches. Exit codes: 0 done, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from library_pipeline.domain.gaps import GapSettings
from library_pipeline.domain.gaps.explain import decisions_as_json
from library_pipeline.domain.gaps.io import (
    GapsInputError,
    missing_to_json,
    parse_catalogue,
    parse_owned,
)
from library_pipeline.services.gaps.parallel import find_and_explain, find_gaps_parallel


class UsageError(Exception):
    """Bad arguments or input files: reported as one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints usage over several lines; the contract wants one line.
        raise UsageError(f"{self.prog}: {message}")


def _read_json(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such file") from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON: {exc.msg} at line {exc.lineno}") from exc


def _write_json(path: str, value: Any) -> None:
    try:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(value, out, ensure_ascii=False, indent=1)
            out.write("\n")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from exc
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _add_gaps(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--owned", required=True, help="owned.json (contract: gaps/README.md)")
    parser.add_argument("--catalogue", required=True, help="catalogue.json")
    parser.add_argument("--as-of", type=_as_of, default=None, help="date, default today")
    parser.add_argument(
        "--languages",
        action="append",
        default=None,
        help="languages read, e.g. en or en,fr (repeatable); default en",
    )
    parser.add_argument("--min-books", type=_positive, default=2, help="author-gap threshold")
    parser.add_argument("--include-novellas", action="store_true", help="count x.5 entries")
    parser.add_argument(
        "--explain",
        metavar="DECISIONS_JSON",
        default=None,
        help="also write every catalogue listing's fate there: {id, decision, book, reason}",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="processes for big inputs (the same output; default 1)",
    )


def _run_gaps(args: argparse.Namespace) -> int:
    languages = tuple(
        code.strip().lower()
        for value in (args.languages or ["en"])
        for code in value.split(",")
        if code.strip()
    )
    if not languages:
        raise UsageError("gaps: --languages needs at least one language code")
    try:
        owned = parse_owned(_read_json(args.owned), Path(args.owned).name)
        catalogue = parse_catalogue(_read_json(args.catalogue), Path(args.catalogue).name)
    except GapsInputError as exc:
        raise UsageError(str(exc)) from exc
    settings = GapSettings(
        as_of=args.as_of or date.today(),
        languages=languages,
        min_books_threshold=args.min_books,
        include_novellas=args.include_novellas,
    )
    if args.explain:
        missing, decisions = find_and_explain(owned, catalogue, settings)
        _write_json(args.explain, decisions_as_json(decisions))
    else:
        missing = find_gaps_parallel(owned, catalogue, settings, args.workers)
    json.dump(missing_to_json(missing), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


# name → (help, add arguments, run)
_SUBCOMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {
    "gaps": ("print the missing books of owned.json against catalogue.json", _add_gaps, _run_gaps),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = _Parser(prog="library-pipeline", description="Audiobook library pipeline tools.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help_text, add_arguments, run) in _SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(sub_parser)
        sub_parser.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``library-pipeline``; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.run(args))
    except UsageError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
