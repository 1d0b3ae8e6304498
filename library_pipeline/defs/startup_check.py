"""Settings checked before the pipeline starts: each problem is one line naming its variable.

`scripts/run` stops on any of them, so a bad database URL, a library root that does not exist or
an unparseable cron or JSON value is reported at the start, not as a traceback in a later run.
"""

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dagster._utils.schedules import is_valid_cron_string
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from library_pipeline.settings import Settings, env_name

DATABASE_DRIVERS = ("duckdb", "postgresql")
CRON_FIELDS = ("daily_refresh_cron", "import_catchup_cron", "mam_top10_cron")


def load_settings() -> tuple[Settings | None, list[str]]:
    """The settings, or None with one line per field the environment got wrong."""
    try:
        return Settings(), []
    except ValidationError as error:
        return None, [_validation_line(detail) for detail in error.errors()]
    except SettingsError as error:
        field = re.search(r'field "([a-z0-9_]+)"', str(error))
        name = env_name(field.group(1)) if field else "a LIBRARY_PIPELINE_ variable"
        return None, [f"{name}: not valid JSON ({error.__cause__ or error})"]


def _validation_line(detail: object) -> str:
    details = detail if isinstance(detail, dict) else {}
    location = details.get("loc") or ("?",)
    return f"{env_name(str(location[0]))}: {details.get('msg', 'invalid value')}"


def settings_problems(settings: Settings) -> list[str]:
    """Values that parse but cannot work: an unknown database, a missing root, a bad cron."""
    return [
        *_database_problems(settings),
        *_root_problems(settings),
        *_cron_problems(settings),
        *_timezone_problems(settings),
    ]


def _database_problems(settings: Settings) -> list[str]:
    if not settings.database_url:
        return []
    try:
        backend = make_url(settings.database_url).get_backend_name()
    except ArgumentError:
        return [f"{env_name('database_url')}: not a database URL (e.g. postgresql+psycopg2://…)"]
    if backend not in DATABASE_DRIVERS:
        return [
            f"{env_name('database_url')}: unsupported database {backend!r} "
            f"(supported: {', '.join(DATABASE_DRIVERS)})"
        ]
    return []


def _root_problems(settings: Settings) -> list[str]:
    problems = [
        f"{env_name('library_roots')}: {root} is not a folder"
        for root in settings.library_roots
        if not Path(root).is_dir()
    ]
    if settings.import_root is not None and not Path(settings.import_root).is_dir():
        problems.append(f"{env_name('import_root')}: {settings.import_root} is not a folder")
    return problems


def _cron_problems(settings: Settings) -> list[str]:
    return [
        f"{env_name(field)}: {getattr(settings, field)!r} is not a cron schedule (e.g. '0 3 * * *')"
        for field in CRON_FIELDS
        if not is_valid_cron_string(getattr(settings, field))
    ]


def _timezone_problems(settings: Settings) -> list[str]:
    try:
        ZoneInfo(settings.schedule_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [
            f"{env_name('schedule_timezone')}: unknown time zone {settings.schedule_timezone!r}"
        ]
    return []
