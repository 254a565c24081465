"""Many inputs at once: files, directories, glob patterns and JSON Lines files of articles.

A spec that names an existing path is a file or a directory (every ``*.txt`` and ``*.jsonl``
inside, recursively, hidden ones left out); otherwise a spec holding ``*``, ``?`` or ``[`` is
a glob pattern (``**`` crosses directories). A ``.jsonl`` file holds one article per line::

    {"id": "a-12", "title": "...", "date": "2025-03-06", "url": "https://...", "text": "..."}

Only ``text`` is required. A spec that names nothing (a pattern matching no file, a directory
without articles) is an ``InputError``. A file or record that cannot be used (unreadable, not
UTF-8, not JSON, no text, a bad date, too large, not French...) is skipped with a warning, and
the others are read; if nothing at all can be used, that is an ``InputError``.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kg.document import MAX_BYTES, make_document, read_document, safe_id
from kg.errors import InputError
from kg.model import Document

__all__ = ["ARTICLE_SUFFIXES", "Inputs", "Skipped", "expand", "read_inputs", "read_jsonl"]

log = logging.getLogger(__name__)

#: The files a directory contributes: plain-text articles and JSON Lines files of articles.
ARTICLE_SUFFIXES = (".txt", ".jsonl")
_GLOB_CHARS = re.compile(r"[*?\[]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTIONAL_TEXT_FIELDS = ("title", "url", "lang")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was left out: where it is (``file`` or ``file:LINE``) and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Inputs:
    """The documents read from some specs, in order, and the inputs skipped on the way."""

    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...] = ()


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _walk(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.rglob("*")
        if path.suffix.lower() in ARTICLE_SUFFIXES
        and path.is_file()
        and not _is_hidden(path, directory)
    )


def expand(specs: Iterable[str | Path]) -> list[Path]:
    """The files ``specs`` name, in order, each once; raise ``InputError`` for a spec naming none.

    A path that does not exist is kept (reading it reports it), unless it is a glob pattern.
    """
    files: list[Path] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found = _walk(path)
            if not found:
                raise InputError(f"{path}: a directory without .txt or .jsonl files")
        elif not path.exists() and _GLOB_CHARS.search(str(spec)):
            matches = sorted(glob.glob(str(spec), recursive=True))
            if not matches:
                raise InputError(f"{spec}: no file matches this pattern")
            found = []
            for match in map(Path, matches):
                found.extend(_walk(match) if match.is_dir() else [match])
        else:
            found = [path]
        files.extend(found)
    seen: set[Path] = set()
    unique = []
    for path in files:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name!r} is not a non-empty string")
    return value.strip()


def _record(record: object, *, path: Path, line: int, max_bytes: int, lang: str) -> Document:
    """The document of one JSON Lines record; ``ValueError`` or ``InputError`` if unusable."""
    if not isinstance(record, dict):
        raise ValueError(f"a JSON {type(record).__name__}, not an object")
    text = record.get("text")
    if text is None:
        raise ValueError("no 'text'")
    if not isinstance(text, str):
        raise ValueError("'text' is not a string")
    if not text.strip():
        raise ValueError("'text' is empty")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValueError("'text' holds an unpaired surrogate (a bad \\u escape)") from None
    if size > max_bytes:
        raise ValueError(
            f"the text's {size:,} bytes are over the limit of {max_bytes:,} bytes "
            "(use --max-bytes to raise it)"
        )
    raw_id = record.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
        raise ValueError("'id' is not a string or an integer")
    title, url, record_lang = (_field(record, name) for name in _OPTIONAL_TEXT_FIELDS)
    raw_date = _field(record, "date")
    date = None
    if raw_date is not None:
        if not _ISO_DATE.fullmatch(raw_date):
            raise ValueError(f"'date' {raw_date!r} is not YYYY-MM-DD")
        try:
            date = dt.date.fromisoformat(raw_date)
        except ValueError as exc:
            raise ValueError(f"'date' {raw_date!r} is not a date: {exc}") from None
    has_id = raw_id is not None and str(raw_id).strip()
    doc_id = safe_id(str(raw_id).strip()) if has_id else safe_id(f"{path.stem}-{line}")
    document = make_document(text, doc_id=doc_id, source=f"{path}:{line}", lang=record_lang or lang)
    return replace(document, source=url or f"{path.name}:{line}", title=title, date=date)


def read_jsonl(
    path: str | Path, *, max_bytes: int = MAX_BYTES, lang: str = "fr"
) -> Iterator[Document | Skipped]:
    """Each record of the JSON Lines file ``path`` as a ``Document``, or ``Skipped`` if unusable.

    Blank lines are ignored. The file as a whole is not limited by ``max_bytes``; each text is.
    A file that cannot be opened gives one ``Skipped``.
    """
    path = Path(path)
    if not path.exists():
        yield Skipped(str(path), "no such file")
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        for line, raw in enumerate(handle, 1):
            where = f"{path}:{line}"
            try:
                data = raw.decode("utf-8-sig" if line == 1 else "utf-8").rstrip("\r\n")
                if not data.strip():
                    continue
                record = json.loads(data)
                yield _record(record, path=path, line=line, max_bytes=max_bytes, lang=lang)
            except UnicodeDecodeError as exc:
                yield Skipped(where, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")
            except json.JSONDecodeError as exc:
                yield Skipped(where, f"not valid JSON: {exc.msg} (column {exc.colno})")
            except ValueError as exc:
                yield Skipped(where, str(exc))
            except InputError as exc:
                yield Skipped(where, str(exc).removeprefix(f"{where}: "))


def _read_file(path: Path, *, max_bytes: int, lang: str) -> Iterator[Document | Skipped]:
    if path.suffix.lower() == ".jsonl" and not path.is_dir():
        yield from read_jsonl(path, max_bytes=max_bytes, lang=lang)
        return
    try:
        yield read_document(path, max_bytes=max_bytes, lang=lang)
    except InputError as exc:
        # read_document names the file by its path or, about its text, by its name
        reason = str(exc).removeprefix(f"{path}: ").removeprefix(f"{path.name}: ")
        yield Skipped(str(path), reason)


def read_inputs(
    specs: Iterable[str | Path], *, max_bytes: int = MAX_BYTES, lang: str = "fr"
) -> Inputs:
    """Read every article ``specs`` name (files, directories, glob patterns, ``.jsonl`` files).

    Unusable files and records are skipped, each logged as a warning naming it (``file`` or
    ``file:LINE``). Raises ``InputError`` when a spec names no file or when nothing is usable:
    with a single input, the error is that input's own message.
    """
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for path in expand(specs):
        for item in _read_file(path, max_bytes=max_bytes, lang=lang):
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                documents.append(item)
    if not documents:
        if len(skipped) == 1:
            raise InputError(str(skipped[0]))
        for item in skipped:
            log.warning("skipped %s", item)
        raise InputError(
            f"no usable input: all {len(skipped)} inputs were skipped (see the warnings)"
            if skipped
            else "no input given"
        )
    for item in skipped:
        log.warning("skipped %s", item)
    return Inputs(documents=tuple(documents), skipped=tuple(skipped))
