"""Tests of kg.io: files are written whole, through temporary files that never stay behind.

What ``write_files_atomic`` guarantees, read from the code:

* every target is written in full to a temporary file beside it before any rename, so a
  failure while staging (mkdir, mkstemp, write, fsync) leaves every target as it was;
* each target is then renamed into place with ``os.replace``, so each file is always either
  its old or its new content, never half of one, and when a later rename fails the targets
  already replaced get their old content back: all of them are replaced or none is;
* no temporary file is left behind, whatever fails.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from kg import io as kg_io
from kg.io import write_files_atomic, write_text_atomic

PREFIX = "@prefix kg: <https://w3id.org/kg/ontology#> .\n"
OLD = {"kg.ttl": PREFIX + "# old\n", "kg.html": "<p>old</p>\n"}
NEW = {"kg.ttl": PREFIX + "# new é ’\n", "kg.html": "<p>new</p>"}


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (directories map to None), to compare before and after."""
    return {
        str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


def _old_outputs(root: Path) -> dict[Path, str]:
    out = root / "out"
    out.mkdir()
    for name, text in OLD.items():
        (out / name).write_bytes(text.encode())
    return {out / name: text for name, text in NEW.items()}


def test_io_writes_all_files_and_creates_directories(tmp_path: Path) -> None:
    files = {
        tmp_path / "a" / "b" / "kg.ttl": NEW["kg.ttl"],
        tmp_path / "c" / "kg.html": NEW["kg.html"],
        tmp_path / "empty.txt": "",
    }
    write_files_atomic(files)
    assert _tree(tmp_path) == {
        "a": None,
        "a/b": None,
        "a/b/kg.ttl": NEW["kg.ttl"].encode(),
        "c": None,
        "c/kg.html": NEW["kg.html"].encode(),
        "empty.txt": b"",
    }


def test_io_replaces_existing_files(tmp_path: Path) -> None:
    files = _old_outputs(tmp_path)
    write_files_atomic(files)
    assert _tree(tmp_path / "out") == {name: text.encode() for name, text in NEW.items()}


def test_io_writes_utf8_and_keeps_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    write_files_atomic({path: "é\r\nà\n’"})
    assert path.read_bytes() == "é\r\nà\n’".encode()


def test_io_files_are_world_readable(tmp_path: Path) -> None:
    path = tmp_path / "kg.ttl"
    write_files_atomic({path: "x"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_io_empty_mapping_writes_nothing(tmp_path: Path) -> None:
    write_files_atomic({})
    assert list(tmp_path.iterdir()) == []


def test_io_write_text_atomic_returns_path(tmp_path: Path) -> None:
    path = tmp_path / "d" / "kg.ttl"
    assert write_text_atomic(path, "contenu\n") == path
    assert _tree(tmp_path) == {"d": None, "d/kg.ttl": b"contenu\n"}


def _fail_on_call(real: Callable[..., object], failing_call: int) -> Callable[..., object]:
    calls = 0

    def wrapper(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == failing_call:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("failing_call", [1, 2], ids=["first-file", "second-file"])
@pytest.mark.parametrize("function", ["fsync", "chmod"])
def test_io_failure_while_staging_keeps_all_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, function: str, failing_call: int
) -> None:
    files = _old_outputs(tmp_path)
    before = _tree(tmp_path)
    monkeypatch.setattr(kg_io.os, function, _fail_on_call(getattr(os, function), failing_call))
    with pytest.raises(OSError, match="No space left"):
        write_files_atomic(files)
    assert _tree(tmp_path) == before  # old contents, and no .tmp file left


def test_io_unwritable_second_target_keeps_all_old_files(tmp_path: Path) -> None:
    files = _old_outputs(tmp_path)
    (tmp_path / "blocker").write_text("a file where a directory is needed")
    files[tmp_path / "blocker" / "kg.json"] = "{}"
    before = _tree(tmp_path)
    with pytest.raises(OSError):
        write_files_atomic(files)
    assert _tree(tmp_path) == before


def test_io_failed_rename_leaves_whole_files_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _old_outputs(tmp_path)
    monkeypatch.setattr(kg_io.os, "replace", _fail_on_call(os.replace, 2))
    with pytest.raises(OSError, match="No space left"):
        write_files_atomic(files)
    after = _tree(tmp_path / "out")
    assert set(after) == set(OLD)  # no temporary file left
    for name in OLD:  # each file is entirely old or entirely new
        assert after[name] in (OLD[name].encode(), NEW[name].encode())


def test_io_failed_second_rename_keeps_first_file_old(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "kg.ttl").write_text(OLD["kg.ttl"])
    (out / "kg.html").mkdir()
    with pytest.raises(OSError):
        write_files_atomic({out / "kg.ttl": NEW["kg.ttl"], out / "kg.html": NEW["kg.html"]})
    assert (out / "kg.ttl").read_text() == OLD["kg.ttl"]


def test_io_target_is_directory_leaves_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "kg.html").mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        write_files_atomic({out / "kg.html": NEW["kg.html"]})
    assert _tree(out) == {"kg.html": None}
