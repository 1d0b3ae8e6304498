"""The on-disk HTTP cache (hishel on SQLite), so an unchanged re-run makes no request.

POST bodies (GraphQL) are cached by URL + body through the same storage, and a 404 is kept as
a marked entry (hishel stores only 2xx answers).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

MISSING_MARKER = "x-library-pipeline-cached-status"
# Request headers a stored entry keeps (what `Vary` may name); credentials are never among them.
STORED_HEADERS = frozenset({"accept", "accept-encoding", "accept-language", "content-type"})
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
RECLAIM_EVERY_SECONDS = 60.0


class _InlineCursor:
    """anysqlite's cursor API over a plain sqlite3 cursor, run on the calling thread."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    async def execute(self, sql: str, parameters: Any = ()) -> _InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, seq_of_parameters: Any) -> _InlineCursor:
        self._cursor.executemany(sql, seq_of_parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineSqliteConnection:
    """anysqlite's connection API without the worker thread, for hishel's cache storage.

    anysqlite hops to a thread for every call (a cache write is ~10 calls, each ~0.1-0.3 ms of
    hand-off, serialised on one thread), which capped a cached client at ~60 requests/s. The
    statements themselves take tens of microseconds on a local WAL database, so running them on
    the event loop is ~5x faster (measured: ~300 misses/s, ~1,200 hits/s per client).
    """

    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    async def cursor(self) -> _InlineCursor:
        return _InlineCursor(self._connection.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> _InlineCursor:
        return _InlineCursor(self._connection.execute(sql, parameters))

    async def commit(self) -> None:
        self._connection.commit()

    async def rollback(self) -> None:
        self._connection.rollback()

    async def close(self) -> None:
        self._connection.close()


@functools.lru_cache(maxsize=1)
def cache_storage_class() -> type[Any]:
    """hishel's SQLite storage, sweeping expired entries once a minute instead of before every
    write (a DELETE and a size query per stored answer: a third of a cache miss's statements).
    The size cap is checked on the same schedule."""
    from hishel import AsyncSqliteStorage, Headers

    class Storage(AsyncSqliteStorage):
        _last_reclaim = float("-inf")

        async def create_entry(self, request: Any, response: Any, key: str, **kwargs: Any) -> Any:
            # Only the request headers that can select a variant are kept: no credential (and
            # none of the caller's other headers) is written to disk.
            kept = {k: v for k, v in request.headers.items() if k.lower() in STORED_HEADERS}
            request = replace(request, headers=Headers(kept))
            return await super().create_entry(request, response, key, **kwargs)

        async def _reclaim_space(self, connection: Any, now: float) -> bool:
            if now - self._last_reclaim < RECLAIM_EVERY_SECONDS:
                return True
            self._last_reclaim = now
            return await super()._reclaim_space(connection, now)

    return Storage


def private_dir(path: Path) -> None:
    """Create `path` (and parents) readable by the owner only; tighten it if it exists."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, PRIVATE_DIR)


def private_file(path: Path) -> None:
    """Create `path` readable by the owner only (SQLite gives its -wal/-shm files the same
    mode); tighten an older file."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE)
    os.close(fd)
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if existing.exists() and existing.stat().st_mode & 0o077:
            os.chmod(existing, PRIVATE_FILE)


def open_storage(cache_dir: Path, provider: str, ttl_seconds: float | None) -> Any:
    """The provider's cache storage in `cache_dir/<provider>.sqlite` (0600, folder 0700)."""
    private_dir(cache_dir)
    database = cache_dir / f"{provider}.sqlite"
    private_file(database)
    return cache_storage_class()(
        connection=InlineSqliteConnection(str(database)),
        database_path=database,
        default_ttl=ttl_seconds,
    )


def get_key(url: str) -> str:
    """hishel's key of a GET."""
    return hashlib.sha256(f"GET {url}".encode()).hexdigest()


def post_key(url: str, payload: bytes) -> str:
    """Our key of a cached POST: URL + body."""
    return hashlib.sha256(f"POST {url} ".encode() + payload).hexdigest()


async def forget_entries(storage: Any, key: str) -> None:
    for entry in await storage.get_entries(key):
        await storage.remove_entry(entry.id)


async def store(
    storage: Any,
    key: str,
    *,
    method: str,
    url: str,
    content: bytes,
    headers: dict[str, str],
    ttl: float | None,
) -> None:
    """Store an answer under `key`, with no request headers (they may carry credentials)."""
    from hishel import Headers, Request, Response

    async def body() -> AsyncIterator[bytes]:
        yield content

    entry = await storage.create_entry(
        Request(method=method, url=url, headers=Headers({})),
        Response(status_code=200, headers=Headers(headers), stream=body()),
        key,
        ttl=ttl,
    )
    # hishel saves the body as it is read; read it to the end so the entry is complete.
    async for _chunk in entry.response.stream:
        pass


async def remember_missing(storage: Any, url: str, ttl: float | None) -> None:
    """Keep a 404 ("no such book") as a marked 200 entry, so an unchanged re-run does not ask
    again either."""
    await store(
        storage,
        get_key(url),
        method="GET",
        url=url,
        content=b"{}",
        headers={MISSING_MARKER: "404", "content-type": "application/json"},
        ttl=ttl,
    )


async def load_json(storage: Any, key: str) -> Any | None:
    """The JSON body stored under `key`, or None."""
    entries = await storage.get_entries(key)
    if not entries:
        return None
    chunks = [chunk async for chunk in entries[0].response.stream]
    return json.loads(b"".join(chunks))
