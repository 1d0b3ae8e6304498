"""File-system helpers of the import: confinement test, errors in words, fsync."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

# Errors where a hardlink is impossible but a copy may work.
LINK_UNSUPPORTED = frozenset(
    {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}
)

_WHY = {
    errno.ENOSPC: "the library's disk is full",
    errno.EDQUOT: "the library's disk quota is exceeded",
    errno.EACCES: "permission denied on the library",
    errno.EPERM: "operation not permitted on the library",
    errno.EROFS: "the library is on a read-only file system",
    errno.ENAMETOOLONG: "a path in the library is too long",
    errno.EIO: "I/O error",
}

_CODES = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EACCES: "permission_denied",
    errno.EPERM: "permission_denied",
    errno.EROFS: "read_only",
}


def within(path: str, root: str) -> bool:
    """Whether `path` is `root` or below it (both already resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def describe(error: OSError) -> str:
    """An OS error in words for the user ("the library's disk is full (No space left…)")."""
    why = _WHY.get(error.errno or 0)
    detail = error.strerror or str(error)
    return f"{why} ({detail})" if why else detail


def error_code(error: OSError) -> str:
    """A short code of an OS error for metadata (`disk_full`, `permission_denied`, …)."""
    return _CODES.get(error.errno or 0, "os_error")


def rmdir_if_empty(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.rmdir()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
