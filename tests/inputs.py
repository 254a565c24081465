"""Sample articles and bad inputs shared by the document and CLI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

FRENCH = (
    "Microsoft a présenté deux modèles d’intelligence artificielle développés en interne. "
    "L’entreprise poursuit ses négociations avec OpenAI sur l’accès aux modèles et la "
    "valorisation de la start-up, selon un participant aux discussions.\n"
)
ENGLISH = (
    "Microsoft has unveiled two artificial intelligence models developed in house. The "
    "company is still negotiating with OpenAI about access to the models and the valuation "
    "of the start-up, according to a person close to the talks.\n"
)
GERMAN = (
    "Microsoft hat zwei intern entwickelte Modelle für künstliche Intelligenz vorgestellt. "
    "Das Unternehmen verhandelt weiterhin mit OpenAI über den Zugang zu den Modellen und die "
    "Bewertung des Start-ups, sagte ein Teilnehmer der Gespräche.\n"
)
SPANISH = (
    "Microsoft ha presentado dos modelos de inteligencia artificial desarrollados "
    "internamente. La empresa sigue negociando con OpenAI sobre el acceso a los modelos y la "
    "valoración de la start-up, según un participante en las conversaciones.\n"
)
ITALIAN = (
    "Microsoft ha presentato due modelli di intelligenza artificiale sviluppati internamente. "
    "L'azienda continua a negoziare con OpenAI sull'accesso ai modelli e sulla valutazione "
    "della start-up, secondo un partecipante ai colloqui.\n"
)
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06"
LATIN1 = FRENCH.replace("’", "'").encode("latin-1")
#: Offset of the first non-ASCII byte of LATIN1 ("é" of "présenté").
LATIN1_BAD_OFFSET = next(i for i, b in enumerate(LATIN1) if b > 0x7F)


def write(data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / "article.txt"
        path.write_bytes(data)
        return path

    return make


def missing(tmp: Path) -> Path:
    return tmp / "absent.txt"


def directory(tmp: Path) -> Path:
    path = tmp / "articles"
    path.mkdir()
    (path / "inside.txt").write_text(FRENCH, encoding="utf-8")
    return path


def empty_directory(tmp: Path) -> Path:
    """A directory holding files, none of them .txt or .jsonl."""
    path = tmp / "articles"
    (path / "sub").mkdir(parents=True)
    (path / "sub" / "notes.md").write_text(FRENCH, encoding="utf-8")
    return path


def no_match(tmp: Path) -> Path:
    """A glob pattern that matches no file."""
    (tmp / "article.md").write_text(FRENCH, encoding="utf-8")
    return tmp / "*.txt"
