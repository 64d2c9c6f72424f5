"""Outputs written whole or not at all, and write errors that name the path and the OS reason.

On Linux the new content goes into an unnamed file (``O_TMPFILE``) in the target's
directory, linked into place only when it is complete: a run killed with SIGKILL
leaves nothing behind. Elsewhere (or where the file system has no ``O_TMPFILE``) a
hidden ``.name.XXXX.tmp`` beside the target is renamed over it. Either way the old
file stays intact until the last step, an atomic rename.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from typing import BinaryIO, TextIO

_PROC_FD = "/proc/self/fd"


class OutputError(OSError):
    """An output could not be written (directory, missing folder, read-only, full disk, closed
    stdout): the message names the output and the operating system's reason."""

    def __init__(self, path: str | os.PathLike, code: int, reason: str | None = None, action: str = "write"):
        super().__init__(code, reason or os.strerror(code), os.fspath(path))
        self.action = action  # "write", or "create directory"

    @classmethod
    def of(cls, path: str | os.PathLike, exc: OSError, action: str = "write") -> OutputError:
        if isinstance(exc, OutputError):
            return exc
        return cls(path, exc.errno or errno.EIO, exc.strerror or str(exc), action)

    def __str__(self) -> str:
        return f"cannot {self.action} {self.filename}: {self.strerror}"


def make_dirs(path: str | os.PathLike) -> None:
    """``os.makedirs(path, exist_ok=True)``, failing with an OutputError that names the folder."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise OutputError.of(path, exc, "create directory") from None


class _GuardedRaw(io.RawIOBase):
    """The bytes layer under an output's text stream: its OS errors become OutputError.

    It sits below the buffer, so it costs one call per buffer flush, not per write."""

    def __init__(self, inner: BinaryIO | io.BufferedIOBase | io.RawIOBase, name: str, owned: bool):
        super().__init__()
        self._inner = inner
        self._name = name
        self._owned = owned

    @property
    def name(self) -> str:  # the text stream's .name, which diagnostics about the output use
        return self._name

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        try:
            written = self._inner.write(data)
        except BrokenPipeError:  # the reader went away: the CLI ends quietly, as `| head` expects
            raise
        except OSError as exc:
            raise OutputError.of(self._name, exc) from None
        return len(data) if written is None else written

    def flush(self) -> None:
        if self.closed:
            return
        try:
            self._inner.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError.of(self._name, exc) from None

    def fileno(self) -> int:
        return self._inner.fileno()

    def close(self) -> None:
        if self.closed:
            return
        try:
            self.flush()
        finally:
            super().close()
            if self._owned:
                self._inner.close()


def text_output(binary: BinaryIO | io.BufferedIOBase | io.RawIOBase, name: str, encoding: str = "utf-8",
                errors: str = "strict", owned: bool = True, line_buffering: bool = False) -> TextIO:
    """A text stream over ``binary`` whose write errors are OutputError naming ``name``."""
    raw = _GuardedRaw(binary, name, owned)
    # 64 KiB: one write call for a few dozen entries (8 KiB made a call every 8 or so)
    return io.TextIOWrapper(io.BufferedWriter(raw, 1 << 16), encoding=encoding, errors=errors, newline="",
                            line_buffering=line_buffering)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class atomic_output:
    """Write ``path`` whole or not at all; use as ``with atomic_output(path) as out: ...``.

    On an exception (or after ``discard()``) nothing is left behind and ``path`` is
    untouched: readers of ``path`` see the old file or the whole new one, never a part.
    A target that is a device or a pipe (``/dev/null``, ``/dev/stdout``, a FIFO) is
    written in place: it cannot be replaced, and must not be. Every OS error is raised
    as :class:`OutputError`.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)  # (os.path, not pathlib: 4 ms of every start)
        self._discard = False
        self._dir_fd: int | None = None
        self._fd: int | None = None
        self.tmp: str | None = None  # the named temporary, when O_TMPFILE was not used
        self.file: TextIO | None = None

    def __enter__(self) -> TextIO:
        try:
            self._open()
        except OSError as exc:
            self._cleanup()
            raise OutputError.of(self.path, exc) from None
        assert self._fd is not None
        self.file = text_output(io.FileIO(self._fd, "w", closefd=False), self.path)
        return self.file

    def _open(self) -> None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputError(self.path, errno.EISDIR)
        if info is not None and not stat.S_ISREG(info.st_mode):
            self._fd = os.open(self.path, os.O_WRONLY)  # device or pipe: nothing to replace
            return
        if info is not None and os.path.islink(self.path):
            self.path = os.path.realpath(self.path)  # replace the file, keep the link
        directory = os.path.dirname(self.path) or "."
        # O_PATH: a folder we may write but not list still works
        self._dir_fd = os.open(directory, getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_DIRECTORY", 0))
        if hasattr(os, "O_TMPFILE") and os.path.isdir(_PROC_FD):
            try:  # the kernel applies the umask to the mode, as for any new file
                self._fd = os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o666, dir_fd=self._dir_fd)
                return
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                    raise  # a real problem (read-only, no space, permission): say so
        import tempfile  # (O_TMPFILE is the usual way: tempfile's imports, 3 ms, only where it is not)

        self._fd, self.tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".tmp", dir=directory)

    def discard(self) -> None:
        self._discard = True

    def __exit__(self, exc_type, exc, tb) -> None:
        commit = exc_type is None and not self._discard
        try:
            if commit:
                self._commit()
        except OSError as error:
            self._cleanup()
            raise OutputError.of(self.path, error) from None
        finally:
            if not commit:
                self._cleanup()

    def _commit(self) -> None:
        assert self.file is not None and self._fd is not None
        self.file.flush()
        if self._dir_fd is None:  # written in place
            self.file.close()
            self._close_fd()
            return
        os.fsync(self._fd)
        self.file.close()
        if self.tmp is None:
            self._link_into_place()
        else:
            os.chmod(self.tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the output from others
            os.replace(self.tmp, self.path)
            self.tmp = None
        self._close_fd()
        os.close(self._dir_fd)
        self._dir_fd = None

    def _link_into_place(self) -> None:
        """Give the unnamed file its name: directly when the target is new, else through a
        hidden name that is renamed over the target (a link cannot replace a file)."""
        assert self._fd is not None and self._dir_fd is not None
        source = f"{_PROC_FD}/{self._fd}"
        name = os.path.basename(self.path)
        # dst_dir_fd makes os.link call linkat(AT_SYMLINK_FOLLOW) rather than link(), which
        # would link the /proc symlink itself and fail with EXDEV
        if not os.path.lexists(self.path):
            try:
                os.link(source, name, dst_dir_fd=self._dir_fd, follow_symlinks=True)
                return
            except FileExistsError:  # created meanwhile: replace it like any existing file
                pass
        while True:
            hidden = f".{name}.{os.urandom(4).hex()}.tmp"  # (what secrets.token_hex does, without its imports)
            try:
                os.link(source, hidden, dst_dir_fd=self._dir_fd, follow_symlinks=True)
                break
            except FileExistsError:
                continue
        try:
            os.replace(hidden, name, src_dir_fd=self._dir_fd, dst_dir_fd=self._dir_fd)
        except OSError:
            os.unlink(hidden, dir_fd=self._dir_fd)
            raise

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _cleanup(self) -> None:
        """Leave nothing behind: the unnamed file vanishes when closed, the named one is removed."""
        if self.file is not None:
            try:
                self.file.close()
            except OSError:
                pass  # the data that could not be written is being thrown away anyway
        self._close_fd()
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except FileNotFoundError:
                pass
            self.tmp = None
        if self._dir_fd is not None:
            os.close(self._dir_fd)
            self._dir_fd = None
