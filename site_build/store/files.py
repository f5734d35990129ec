"""Writing outputs so that a reader never sees half of one, and never touching what the tool did not make."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BusyError, OutputError

MARKER = ".policy-site"  # in every folder the tool makes, so it deletes or replaces only its own folders
_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK  # what open() would give: the web server can read a published page


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place (ordinary permissions)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            os.fchmod(file.fileno(), _FILE_MODE)
            file.write(data)
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"cannot write this file: {exc.strerror or exc}", path,
                          hint="check the folder exists, is writable and the disk is not full") from None


def read_used(path: Path) -> bytes:
    """A cache entry's bytes, marked as used by this build, so that `prune_unused` keeps it."""
    data = path.read_bytes()
    with contextlib.suppress(OSError):
        os.utime(path)
    return data


def prune_unused(folder: Path, before: float) -> None:
    """Forget the cache entries in `folder` that no build has used since `before` (a timestamp; a build reads each
    entry it uses with `read_used`): after a build of every school, entries that went out of use do not pile up. Only plain files
    are removed, never what a link points to, nor a file another build is writing (named '.*')."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if (not entry.name.startswith(".") and entry.is_file(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_mtime < before):
                    os.unlink(entry.path)


def write_new(path: Path, data: bytes) -> bool:
    """Create `path` whole, or leave an existing file untouched and return False: a record is never overwritten."""
    temp = path.with_name(f".{path.name}.new")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(temp, data)
        os.link(temp, path)  # fails if `path` exists, even if another process made it a moment ago
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot write this file: {exc.strerror or exc}", path, hint="check the folder is writable") from None
    finally:
        temp.unlink(missing_ok=True)


def mark(folder: Path) -> None:
    """Record that policy-site made `folder`."""
    (folder / MARKER).write_text("made by policy-site; it replaces or deletes only folders holding this file\n",
                                 encoding="utf-8")


def is_marked(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()


@contextmanager
def output_folder(out: Path) -> Iterator[None]:
    """Hold the output folder for one build: made and marked by us, locked, a killed build's leftovers tidied."""
    if out.exists() and not out.is_dir():
        raise OutputError("the output folder is a file", out, hint="choose another --out")
    if out.is_dir() and any(out.iterdir()) and not is_marked(out):
        raise OutputError("this folder was not made by policy-site, so the build will not write into it", out,
                          hint="choose an empty or new folder for --out (policy-site replaces what it writes there)")
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    mark(out)
    folder = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError("another build is writing to this folder", out, hint="wait for it to finish") from None
        _recover(out)
        yield
    except BaseException:
        if created and {p.name for p in out.iterdir()} <= {MARKER}:  # a failed first build leaves nothing behind
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        os.close(folder)


def _recover(out: Path) -> None:
    """Put back a site an interrupted swap left aside; delete our own unfinished builds, nothing else."""
    for old in sorted(out.glob(".old-*")):
        slug = old.name[len(".old-"):].rsplit("-", 1)[0]
        if is_marked(old) and not (out / slug).exists():
            os.rename(old, out / slug)
        elif is_marked(old):
            shutil.rmtree(old)
    for work in out.glob(".build-*"):
        if is_marked(work):
            shutil.rmtree(work)


def work_folder(out: Path, name: str) -> Path:
    """A fresh, marked folder inside `out` to build `name` in."""
    work = Path(tempfile.mkdtemp(prefix=f".build-{name}-", dir=out))
    mark(work)
    return work


def swap_in(built: Path, target: Path) -> None:
    """Put the marked folder `built` at `target` in one step; readers see the old site or the new, never neither."""
    if target.exists() and not is_marked(target):
        raise OutputError("this folder was not made by policy-site, so the build will not replace it", target,
                          hint="move it away or choose another --out")
    if not target.exists():
        os.rename(built, target)
    elif _exchange(built, target):
        shutil.rmtree(built)  # now the previous site
    else:  # no atomic exchange here: two renames, and _recover puts the old site back if we are killed between
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        os.rename(target, old)
        os.rename(built, target)
        shutil.rmtree(old)


_LIBC = ctypes.CDLL(None, use_errno=True)
_RENAMEAT2 = getattr(_LIBC, "renameat2", None)
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False where it is not available."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
