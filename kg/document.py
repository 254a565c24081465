"""Read articles from disk into ``Document`` values, refusing input that is not usable text."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from spacy.lang.de.stop_words import STOP_WORDS as GERMAN_STOP_WORDS
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.es.stop_words import STOP_WORDS as SPANISH_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH_STOP_WORDS
from spacy.lang.it.stop_words import STOP_WORDS as ITALIAN_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as DUTCH_STOP_WORDS
from spacy.lang.pt.stop_words import STOP_WORDS as PORTUGUESE_STOP_WORDS

from kg.errors import InputError
from kg.model import Document

__all__ = [
    "MAX_BYTES",
    "check_language",
    "document_id",
    "make_document",
    "read_document",
    "safe_id",
]

#: Articles larger than this are refused: a news article is tens of kB, not megabytes.
MAX_BYTES = 1_000_000

# "start-up" is one word (not the English "up"), "qu'il" one too
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
# Function words of each language that no other listed language shares: a handful of them
# tells languages apart even on short texts.
_STOP_WORDS = {
    "French": FRENCH_STOP_WORDS,
    "English": ENGLISH_STOP_WORDS,
    "Spanish": SPANISH_STOP_WORDS,
    "Italian": ITALIAN_STOP_WORDS,
    "Portuguese": PORTUGUESE_STOP_WORDS,
    "German": GERMAN_STOP_WORDS,
    "Dutch": DUTCH_STOP_WORDS,
}
_EXCLUSIVE = {
    lang: frozenset(
        words - frozenset().union(*(w for other, w in _STOP_WORDS.items() if other != lang))
    )
    for lang, words in _STOP_WORDS.items()
}
#: Below this many words a text is too short to require a share of French function words.
_SHORT_TEXT = 30


def document_id(name: str) -> str:
    """A stable, IRI-safe identifier from a file name: ``fr-nexaria-levee``."""
    return safe_id(Path(name).stem if name else "document")


def safe_id(stem: str) -> str:
    """``stem`` made IRI-safe the way ``document_id`` does it: ``Dépêche 12`` -> ``depeche-12``.

    Text without any ASCII letter or digit gets a stable hash instead.
    """
    stem = stem.replace("’", "'")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_stem).strip("-").lower()
    return slug or hashlib.sha256(stem.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def check_language(text: str, lang: str, *, source: str = "text") -> None:
    """Raise ``InputError`` when ``text`` is clearly not in ``lang`` (only "fr" is checked)."""
    if lang != "fr":
        return
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text[:20_000])]
    if not words:
        raise InputError(f"{source}: no words found; is this a text article?")
    counts = {name: sum(w in exclusive for w in words) for name, exclusive in _EXCLUSIVE.items()}
    french = counts.pop("French")
    other, other_count = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    # French prose has 10-25 % of these function words; other languages almost none.
    too_few = len(words) >= _SHORT_TEXT and french < 0.04 * len(words)
    # one foreign function word alone ("the" in a brand name) is no evidence
    if (other_count > french and other_count > 1) or too_few:
        looks_like = f" (it looks like {other})" if other_count > french else ""
        raise InputError(
            f"{source}: the text does not look like French{looks_like}: {french} French "
            f"function words in {len(words)} words; kg extracts from French articles only"
        )


def make_document(text: str, *, doc_id: str, source: str = "", lang: str = "fr") -> Document:
    """Validate ``text`` and wrap it in a ``Document``."""
    label = source or doc_id
    if not text:
        raise InputError(f"{label}: the file is empty")
    if not text.strip():
        raise InputError(f"{label}: the file contains only whitespace")
    if "\x00" in text:
        raise InputError(f"{label}: binary data (NUL bytes), not a text article")
    check_language(text, lang, source=label)
    return Document(doc_id=doc_id, text=text, source=source, lang=lang)


def read_document(path: str | Path, *, lang: str = "fr", max_bytes: int = MAX_BYTES) -> Document:
    """Read one UTF-8 article, refusing anything that is not usable text.

    Raises ``InputError`` with a one-line message for a missing file, a directory, an empty or
    whitespace-only file, binary data, text that is not UTF-8, a file over ``max_bytes`` and
    text that is not in ``lang``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give the article files it contains")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: {size:,} bytes is larger than the limit of {max_bytes:,} bytes "
            "for one article (use --max-bytes to raise it)"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in raw[:8192]:
        raise InputError(f"{path}: binary data (NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from exc
    return make_document(text, doc_id=document_id(path.name), source=path.name, lang=lang)
