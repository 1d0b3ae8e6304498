"""Reading audio files' tags and stream facts with mutagen, in worker processes for big reads.

Mutagen is pure Python (one core): when hundreds of files must be read (a first scan), worker
processes read them, one per core; a re-scan of a few changed files reads them in this process.
Pool workers import this module (the forkserver preloads it): keep it free of the database.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from library_pipeline.domain.tags import FlatTags, codec_name, flatten_tags
from library_pipeline.services.scan.walk import os_reason

# Reading this many files or more at once uses worker processes (one per core, at most 4);
# starting them costs about a second, which fewer files would not win back.
PARALLEL_MIN_FILES = 1500
MAX_READ_WORKERS = 4
# The formats the scan reads: mutagen.File then scores only these.
MUTAGEN_KINDS = [MP4, MP3, FLAC, OggVorbis, OggOpus, OggFLAC]


class UnreadableAudio(Exception):
    """A file with an audio extension that mutagen cannot read as audio."""


@dataclass
class FileReading:
    """What one read of an audio file gave: its flattened tags and stream facts."""

    tags: FlatTags
    duration: float | None
    bitrate: int | None
    codec: str | None
    notes: list[str] = field(default_factory=list)  # tag values that had to be cleaned


def read_audio_file(path: str) -> FileReading:
    """One tag read: `mutagen.File(path, easy=False)` (scoring only the formats we read);
    raises `UnreadableAudio` (or whatever mutagen raises) when the file is not readable audio."""
    audio = mutagen.File(path, easy=False, options=MUTAGEN_KINDS)
    if audio is None:
        raise UnreadableAudio("not an audio file (no format recognised)")
    info = audio.info
    length = getattr(info, "length", None)
    if not length or length != length or length <= 0:
        raise UnreadableAudio("no audio (duration 0)")
    bitrate = getattr(info, "bitrate", None)
    notes: list[str] = []
    return FileReading(
        tags=flatten_tags(audio.tags, notes),
        duration=float(length),
        bitrate=int(bitrate) if bitrate else None,
        codec=codec_name(type(audio).__name__, getattr(info, "codec", None)),
        notes=notes,
    )


def read_or_reason(path: str) -> FileReading | str:
    """`read_audio_file`, with a failure turned into its reason (runs in pool workers too)."""
    try:
        return read_audio_file(path)
    except Exception as error:  # noqa: BLE001 - mutagen raises many kinds on bad input
        return unreadable_reason(error)


def unreadable_reason(error: Exception) -> str:
    if isinstance(error, UnreadableAudio):
        return f"unreadable audio: {error}"
    if isinstance(error, OSError):
        return f"unreadable file: {os_reason(error)}"
    message = str(error).strip() or "no details"
    return f"unreadable audio ({type(error).__name__}: {message})"


def default_workers() -> int:
    """Tag-reading processes when the caller does not say: one per core, at most 4."""
    return min(MAX_READ_WORKERS, os.cpu_count() or 1)


class TagReader:
    """Reads files in this process, or for many files in a pool of worker processes.

    A pool that breaks (a worker killed) is closed and the reading carries on here."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._broken = False

    def read(self, reals: list[str]) -> dict[str, FileReading | str]:
        """Each path → its reading, or the reason it could not be read."""
        results: dict[str, FileReading | str] = {}
        pool = self._pool() if len(reals) >= PARALLEL_MIN_FILES else None
        if pool is not None:
            try:
                reads = pool.map(read_or_reason, reals, chunksize=32)
                results.update(zip(reals, reads, strict=True))
                return results
            except (BrokenProcessPool, OSError):
                self.close(broken=True)  # carry on in this process
        for real in reals:
            if real not in results:
                results[real] = read_or_reason(real)
        return results

    def _pool(self) -> ProcessPoolExecutor | None:
        if self._executor is None and not self._broken:
            if self.workers < 2:
                self._broken = True
                return None
            # forkserver: workers never inherit the threads and locks of the Dagster process.
            # The server preloads `__main__` (so workers do not re-run it; scripts need the
            # usual `if __name__ == "__main__"` guard) and this module.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["__main__", __name__])
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._executor

    def close(self, broken: bool = False) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=not broken, cancel_futures=True)
            self._executor = None
        self._broken = self._broken or broken


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Bulk reading makes many short-lived objects; with a large heap (Dagster, SQLAlchemy)
    the collector's passes over every live object would cost more than the reading. Freeze the
    objects that exist, collect young objects less often, and restore both afterwards."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
