"""Walking the library roots: every folder listed once, every audio file stat'ed once.

`Walker.walk(root)` lists a root with `os.scandir` and returns a `RootWalk`: the folders that
hold audio or images, keyed by their path relative to the root, with each audio file's name,
size and mtime (the scan's change fingerprint). Hidden entries, `@eaDir` and folders holding a
`.ignore` file are skipped, as Audiobookshelf does. Symlinked folders are followed after the
real tree, each real folder once; a link back to an ancestor (a loop) or to a folder already
walked is an issue, not an endless walk. A folder that cannot be listed is an issue (and
`unreadable_dirs` tells the scan not to mark anything under it removed). Names that are not
UTF-8 are kept as the OS gives them (surrogate escapes open them) and also as safe text.

A big root is walked by several processes: once the root itself is listed, each helper process
walks every n-th top-level folder while this one walks the rest (n = helpers + 1; the scan uses
one helper per extra core it may use). A re-scan with nothing changed is little more than this
walk, and the walk is system calls (a listing per folder, a `stat` per file) plus Python per
entry, which more cores share. Threads would not: each entry takes and releases the GIL. A
helper is a bare interpreter (`-I -S`) that imports only this module (~15 ms to start); it
returns what it found as `marshal` data and never follows symlinks (they come back to this
process, which follows them after the real tree as above). If a helper cannot start or fails,
its folders are walked here: the result is the same either way.

Only the standard library and `domain.file_kinds` are imported here: the helper has no
site-packages.
"""

from __future__ import annotations

import errno
import gc
import marshal
import os
import stat
import sys
from collections import namedtuple
from hashlib import sha1

from library_pipeline.domain.book_folders import group_book_dirs, pick_cover
from library_pipeline.domain.file_kinds import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS

# Not `typing.TYPE_CHECKING`: importing typing would cost the helper ~20 ms of its start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable, Sequence
    from typing import Any, NamedTuple

# Part of every fingerprint: bump it and the next scan reconciles every book again (from the
# tags stored in book_files; only files that changed are read).
SCAN_VERSION = "1"
# A root whose top level holds fewer folders than this is walked in one process: the helper's
# start (~15 ms) would not pay for itself.
HELPER_MIN_FOLDERS = 200
# The folder above the `library_pipeline` package: the helper's only import path.
_PACKAGE_PARENT = os.path.abspath(__file__).rsplit(os.sep, 4)[0]
_HELPER_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from library_pipeline.services.scan.walk import serve_helper; serve_helper()"
)

Rel = tuple[str, ...]  # a folder's path relative to its root, as components
# A book as the walk lists it: (stored path, fingerprint, key = its folder relative to the root,
# member folders relative to the key, stored cover path, a single audio file in the root). A
# plain tuple: helpers send books back as marshal data. `books.BookOnDisk` is its full form.
BookListing = tuple[str, str, Rel, list[Rel], str | None, bool]


def safe_text(name: str) -> str:
    """`name` as storable text: names that are not UTF-8 (surrogate escapes) become `\\xff`."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def join_path(root: str, parts: Sequence[str]) -> str:
    return root.rstrip("/") + "/" + "/".join(parts) if parts else root


def os_reason(error: OSError) -> str:
    """A short reason a user can act on, for an OS error on a file or folder."""
    if error.errno == errno.ELOOP:
        return "symlink loop (too many levels of symbolic links)"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "not found (broken symlink or removed during the scan)"
    return f"{type(error).__name__}: {error.strerror or error}"


if TYPE_CHECKING:

    class WalkedFile(NamedTuple):
        name: str  # as the OS knows it (may hold surrogate escapes)
        safe: str  # as stored
        size: int
        mtime_ns: int

else:  # the same tuple, without importing typing
    WalkedFile = namedtuple("WalkedFile", "name safe size mtime_ns")


# NamedTuple's own constructor is a Python function; a re-scan makes one per file.
_new_walked_file = tuple.__new__


# Plain classes, not dataclasses: the helper process starts faster without `dataclasses`.
class WalkedDir:
    __slots__ = ("files", "images", "real")

    def __init__(self, real: str, files: list[WalkedFile], images: list[str]) -> None:
        self.real = real  # the folder's path as the OS knows it
        self.files = files
        self.images = images


class RootWalk:
    def __init__(self, root: str, safe_root: str) -> None:
        self.root = root  # as the OS knows it
        self.safe_root = safe_root  # as stored
        self.ok = True  # listed (its vanished books may be marked removed)
        self.dirs: dict[Rel, WalkedDir] = {}  # folders with audio or images
        self.unreadable_dirs: list[str] = []
        self.books: list[BookListing] = []
        self.helped = False  # a helper process walked part of it

    def find(self, path: str) -> WalkedFile | None:
        """The walked audio file at stored path `path`, if any."""
        if not path.startswith(self.safe_root.rstrip("/") + "/"):
            return None
        *rel, name = path[len(self.safe_root.rstrip("/")) + 1 :].split("/")
        folder = self.dirs.get(tuple(rel))
        if folder is None:
            return None
        return next((f for f in folder.files if f.safe == name), None)


Stack = list[tuple[str, Rel]]  # folders still to list: (path as the OS knows it, rel)


class Walker:
    """Walks each root once. Real folders cannot loop, so only symlinked folders are checked:
    one that points into a tree already walked (an ancestor: a loop) is an issue.

    `issues` ((path, reason), in the order found) and `unreadable` (folders that could not be
    listed) collect over all roots."""

    def __init__(self, helpers: int = 0) -> None:
        self.helpers = helpers  # helper processes a big root may use
        self.walked: list[str] = []  # real paths of the trees walked so far
        self.issues: list[tuple[str, str]] = []
        self.unreadable = 0

    def _issue(self, path: str, reason: str) -> None:
        self.issues.append((path, reason))

    def _covered(self, real: str) -> str | None:
        return next(
            (w for w in self.walked if real == w or real.startswith(w.rstrip("/") + "/")), None
        )

    def walk(self, root: str) -> RootWalk:
        walk = RootWalk(root=root, safe_root=safe_text(root))
        if walk.safe_root != root:
            self._issue(walk.safe_root, "folder name is not valid UTF-8 (stored escaped)")
        if not os.path.isdir(root):
            walk.ok = False
            reason = "not a folder" if os.path.exists(root) else "missing or unreachable"
            self._issue(walk.safe_root, f"library root {reason}")
            return walk
        real = os.path.realpath(root)
        covered = self._covered(real)
        if covered is not None:
            walk.ok = False
            self._issue(
                walk.safe_root, f"library root already scanned as part of {safe_text(covered)}"
            )
            return walk
        self.walked.append(real)
        helpers: list[WalkHelper] = []
        try:
            self._walk_tree(walk, helpers)
        finally:
            for helper in helpers:
                helper.close()  # after an error: none is left running
        return walk

    def _walk_tree(self, walk: RootWalk, helpers: list[WalkHelper]) -> None:
        links: Stack = []
        stack: Stack = []
        self._list(walk, walk.root, (), stack, links)
        helpers += self._start_helpers(walk, stack)
        done: set[str] = set()  # top-level folders whose books are found
        if helpers:
            own = {rel[0] for _path, rel in stack}
            self.list_all(walk, stack, links)
            # While the helpers finish: the books of this process's share (not those of a
            # top-level folder holding a symlinked folder, which is followed below).
            done = own - {rel[0] for _path, rel in links}
            walk.books = books_of(walk, lambda top: top in done)
            for helper in helpers:
                done.update(self._take_helped(walk, helper, stack, links))
        self.list_all(walk, stack, links)  # everything, or the folders of a failed helper
        while links:
            # Symlinked folders after the real tree, so the real path of a folder wins.
            link, rel = links.pop(0)
            self._follow(walk, link, rel, stack)
            self.list_all(walk, stack, links)
        walk.books += books_of(walk, lambda top: top not in done, root_files=not helpers)

    def list_all(self, walk: RootWalk, stack: Stack, links: Stack) -> None:
        """List the folders on `stack` and all below them; symlinked folders go to `links`."""
        while stack:
            directory, rel = stack.pop()
            self._list(walk, directory, rel, stack, links)

    def _start_helpers(self, walk: RootWalk, stack: Stack) -> list[WalkHelper]:
        """Hand every n-th top-level folder to each helper (taking them off `stack`)."""
        if not self.helpers or len(stack) < HELPER_MIN_FOLDERS:
            return []
        shares = self.helpers + 1
        helpers = [WalkHelper.start(walk, stack[share::shares]) for share in range(1, shares)]
        started = [helper for helper in helpers if helper is not None]
        handed = {id(item) for helper in started for item in helper.folders}
        stack[:] = [item for item in stack if id(item) not in handed]
        return started

    def _take_helped(
        self, walk: RootWalk, helper: WalkHelper, stack: Stack, links: Stack
    ) -> list[str]:
        """Merge what the helper found and return the top-level folders whose books it found;
        if it failed, its folders go on `stack`, to be walked here."""
        found = helper.result()
        if found is None:
            stack.extend(helper.folders)
            return []
        walk.helped = True
        walk.books += found["books"]
        make_file = _new_walked_file
        for rel, real, files, images in found["dirs"]:
            walk.dirs[rel] = WalkedDir(
                real, [make_file(WalkedFile, f) for f in files], list(images)
            )
        walk.unreadable_dirs.extend(found["unreadable_dirs"])
        self.issues.extend(found["issues"])
        self.unreadable += found["unreadable"]
        links.extend(found["links"])
        done: list[str] = found["done"]
        return done

    def _list(self, walk: RootWalk, directory: str, rel: Rel, stack: Stack, links: Stack) -> None:
        try:
            with os.scandir(directory) as iterator:
                entries = list(iterator)
        except OSError as error:
            safe_dir = join_path(walk.safe_root, rel)
            walk.unreadable_dirs.append(safe_dir)
            self.unreadable += 1
            self._issue(safe_dir, f"cannot list folder: {os_reason(error)}")
            return
        files: list[WalkedFile] = []
        images: list[str] = []
        subdirs: Stack = []
        make_file = _new_walked_file
        for entry in entries:  # the hot loop of a re-scan: keep it lean (no calls per file)
            name = entry.name
            if name[0] == ".":
                if name == ".ignore" and rel:
                    return  # Audiobookshelf skips a folder holding `.ignore`
                continue
            try:
                # The common case first: a plain audio file with an ASCII name.
                dot = name.rfind(".")
                if (
                    dot > 0
                    and name[dot:].lower() in AUDIO_EXTENSIONS
                    and name.isascii()
                    and entry.is_file(follow_symlinks=False)
                ):
                    st = entry.stat()
                    files.append(make_file(WalkedFile, (name, name, st.st_size, st.st_mtime_ns)))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if name == "@eaDir":
                        continue
                    safe = name if name.isascii() else safe_text(name)
                    if safe is not name:
                        self._bad_name(walk, (*rel, safe), "folder")
                    subdirs.append((entry.path, (*rel, safe)))
                elif entry.is_symlink():
                    self._symlink(walk, entry, rel, files, images, links)
                else:
                    self._file(walk, entry, rel, files, images)
            except OSError as error:
                self._issue(join_path(walk.safe_root, (*rel, safe_text(name))), os_reason(error))
        stack.extend(subdirs)
        if files or images:
            walk.dirs[rel] = WalkedDir(directory, files, images)

    def _file(
        self,
        walk: RootWalk,
        entry: os.DirEntry[str],
        rel: Rel,
        files: list[WalkedFile],
        images: list[str],
    ) -> None:
        name = entry.name
        dot = name.rfind(".")
        if dot <= 0:
            return
        ext = name[dot:].lower()
        if ext in AUDIO_EXTENSIONS:
            st = entry.stat()
            if not stat.S_ISREG(st.st_mode):  # a FIFO, socket or device named like audio
                self._issue(join_path(walk.safe_root, (*rel, safe_text(name))),
                            "not a regular file (skipped)")  # fmt: skip
                return
            safe = name if name.isascii() else safe_text(name)
            if safe is not name:
                self._bad_name(walk, (*rel, safe), "file")
            files.append(WalkedFile(name, safe, st.st_size, st.st_mtime_ns))
        elif ext in IMAGE_EXTENSIONS and entry.stat().st_size > 0:  # a 0-byte image is no cover
            images.append(safe_text(name))

    def _symlink(
        self,
        walk: RootWalk,
        entry: os.DirEntry[str],
        rel: Rel,
        files: list[WalkedFile],
        images: list[str],
        links: Stack,
    ) -> None:
        safe = safe_text(entry.name)
        try:
            st = os.stat(entry.path)
        except OSError as error:  # broken, or a link to itself (ELOOP)
            self._issue(join_path(walk.safe_root, (*rel, safe)), os_reason(error))
            return
        if stat.S_ISDIR(st.st_mode):
            links.append((entry.path, (*rel, safe)))
        elif stat.S_ISREG(st.st_mode):
            self._file(walk, entry, rel, files, images)

    def _bad_name(self, walk: RootWalk, rel: Rel, kind: str) -> None:
        self._issue(
            join_path(walk.safe_root, rel),
            f"{kind} name is not valid UTF-8 (read anyway, stored with \\x escapes; rename it)",
        )

    def _follow(self, walk: RootWalk, link: str, rel: Rel, stack: Stack) -> None:
        safe_link = join_path(walk.safe_root, rel)
        target = os.path.realpath(link)
        covered = self._covered(target)
        if covered is not None:
            parent = os.path.realpath(os.path.dirname(link))
            if parent == target or parent.startswith(target.rstrip("/") + "/"):
                reason = f"symlink loop: points back to its ancestor {safe_text(target)}"
            else:
                reason = f"symlink to a folder already scanned ({safe_text(target)})"
            self._issue(safe_link, reason)
            return
        self.walked.append(target)
        stack.append((link, rel))


# --- books ---------------------------------------------------------------------------------


def fingerprint(parts: Sequence[tuple[Rel, WalkedDir]], cover: str | None) -> str:
    """Digest of a book's files (relative names, sizes, mtimes) and cover, in name order."""
    if len(parts) == 1:
        member, folder = parts[0]
        if len(folder.files) == 1 and not member:
            # A single-file book (most of a library): the same text, in one f-string.
            _name, safe, size, mtime = folder.files[0]
            text = f"{SCAN_VERSION}\n/{safe}\t{size}\t{mtime}\ncover\t{cover}"
            return sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    lines = [SCAN_VERSION]
    for member, folder in parts:
        prefix = "/".join(member)
        files = folder.files
        ordered = sorted(files) if len(files) > 1 else files
        # Plain tuple unpacking: a no-change re-scan fingerprints every book.
        lines += [f"{prefix}/{safe}\t{size}\t{mtime}" for _name, safe, size, mtime in ordered]
    lines.append(f"cover\t{cover}")
    return sha1("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def books_of(
    walk: RootWalk, wanted: Callable[[str], bool], root_files: bool = True
) -> list[BookListing]:
    """The books in the top-level folders `wanted` accepts (by name), and with `root_files`
    each audio file in the root itself (a book of its own)."""
    books: list[BookListing] = []
    dirs = walk.dirs
    root_dir = dirs.get(())
    if root_files and root_dir is not None:
        for walked in root_dir.files:
            path = join_path(walk.safe_root, (walked.safe,))
            parts: list[tuple[Rel, WalkedDir]] = [((), WalkedDir(root_dir.real, [walked], []))]
            books.append((path, fingerprint(parts, None), (walked.safe,), [()], None, True))
    # Only folders holding audio make books (an author's photo does not make a book of the
    # author's folder); images are looked up afterwards for the cover.
    with_audio = [rel for rel, folder in dirs.items() if folder.files and rel and wanted(rel[0])]
    prefix = walk.safe_root.rstrip("/") + "/"
    for key, members in group_book_dirs(with_audio).items():
        # Members come from folders holding audio, so every book has files.
        parts = [(member, dirs[key + member]) for member in members]
        path = prefix + "/".join(key)
        top = dirs.get(key)
        cover_name = pick_cover(top.images) if top is not None and top.images else None
        cover = f"{path}/{cover_name}" if cover_name else None
        books.append((path, fingerprint(parts, cover), key, members, cover, False))
    return books


# --- the helper process --------------------------------------------------------------------


class WalkHelper:
    """A helper process walking some of a root's folders (see the module docstring)."""

    def __init__(self, process: subprocess.Popen[bytes], output: Any, folders: Stack) -> None:
        self.process = process
        self.output = output  # a temporary file: the helper never blocks on a full pipe
        self.folders = folders

    @classmethod
    def start(cls, walk: RootWalk, folders: Stack) -> WalkHelper | None:
        import subprocess  # here, not at the top: the helper itself never needs them
        import tempfile

        if not sys.executable:
            return None
        # Closed by result() or close(): the file outlives this call, so no `with`.
        output = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _HELPER_CODE, _PACKAGE_PARENT],
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError) as error:
            output.close()
            _warn(f"could not start ({type(error).__name__}: {error})")
            return None
        helper = cls(process, output, folders)
        try:
            assert process.stdin is not None
            with process.stdin:
                process.stdin.write(marshal.dumps((walk.root, walk.safe_root, folders)))
        except (OSError, ValueError) as error:  # it died at once: nothing is left running
            helper.close()
            _warn(f"could not be given its folders ({type(error).__name__})")
            return None
        return helper

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.output.close()

    def result(self) -> dict[str, Any] | None:
        """What the helper found, or None if it failed."""
        try:
            code = self.process.wait()
            if code != 0:
                _warn(f"exited with status {code}")
                return None
            self.output.seek(0)
            found = marshal.loads(self.output.read())
        except (OSError, EOFError, ValueError, TypeError) as error:
            _warn(f"sent an unreadable answer ({type(error).__name__})")
            return None
        finally:
            self.output.close()
        return found if isinstance(found, dict) else None


def _warn(what: str) -> None:
    """Log that a helper failed: the scan's result is the same, but it takes longer."""
    import logging  # here: the helper process itself never logs

    logging.getLogger(__name__).warning(
        "folder-walk helper %s; its folders are walked in this process", what
    )


def serve_helper() -> None:
    """The helper process's main: read (root, safe_root, folders), walk, write what it found."""
    gc.disable()  # a short-lived process making many objects and no cycles
    root, safe_root, folders = marshal.loads(sys.stdin.buffer.read())
    walk = RootWalk(root=root, safe_root=safe_root)
    walker = Walker()
    links: Stack = []
    walker.list_all(walk, [(path, tuple(rel)) for path, rel in folders], links)
    # Books only of the top-level folders that hold no symlinked folder: the others may gain
    # folders when this process's parent follows the links.
    linked = {rel[0] for _path, rel in links}
    done = [rel[0] for _path, rel in folders if rel[0] not in linked]
    found = {
        "books": books_of(walk, lambda top: top not in linked, root_files=False),
        "done": done,
        "dirs": [
            (rel, d.real, [tuple(f) for f in d.files], d.images) for rel, d in walk.dirs.items()
        ],
        "unreadable_dirs": walk.unreadable_dirs,
        "issues": walker.issues,
        "unreadable": walker.unreadable,
        "links": links,
    }
    sys.stdout.buffer.write(marshal.dumps(found))
