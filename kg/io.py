"""The only place kg writes files: atomically, so a failure never leaves half an output."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_files_atomic", "write_text_atomic"]


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    write_files_atomic({path: text})
    return path


def _stage(path: Path, text: str, temps: list[str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temps.append(tmp)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o644)
    return tmp


def write_files_atomic(files: Mapping[Path, str]) -> None:
    """Write several files so that either all of them are replaced or none is.

    Every file is first written in full next to its target. The old targets are kept as hard
    links while the new files are renamed into place; if a rename fails, the files already
    replaced get their old content back. Temporary files never outlive the call.
    """
    temps: list[str] = []
    backups: dict[Path, str | None] = {}
    done: list[Path] = []
    try:
        staged = [(_stage(path, text, temps), path) for path, text in files.items()]
        for tmp, path in staged:
            if path.is_file():
                backup = tmp + ".old"  # unique: the staged file's name is
                os.link(path, backup)
                temps.append(backup)
                backups[path] = backup
            else:
                backups[path] = None
        try:
            for tmp, path in staged:
                os.replace(tmp, path)
                done.append(path)
        except BaseException:
            for path in reversed(done):
                backup = backups[path]
                with contextlib.suppress(OSError):
                    if backup is None:
                        os.unlink(path)
                    else:
                        os.replace(backup, path)
            raise
    finally:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
