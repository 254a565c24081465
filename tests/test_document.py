"""Tests of kg.document: every unusable input is refused with a clear one-line InputError."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.document import MAX_BYTES, check_language, document_id, make_document, read_document
from kg.errors import InputError, KGError
from kg.model import Document
from kg.rdf import document_iri
from tests.inputs import (
    ENGLISH,
    FRENCH,
    GERMAN,
    ITALIAN,
    LATIN1,
    LATIN1_BAD_OFFSET,
    PNG_HEADER,
    SPANISH,
    directory,
    missing,
    write,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "fr-microsoft-mai-openai.txt"

#: id -> (make the bad input in a directory, fragments the one-line message must contain)
BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "missing": (missing, ("absent.txt", "no such file")),
    "directory": (directory, ("articles", "is a directory")),
    "empty": (write(b""), ("article.txt", "the file is empty")),
    "bom-only": (write(b"\xef\xbb\xbf"), ("article.txt", "the file is empty")),
    "whitespace": (write(b"  \n\t\r\n \n"), ("article.txt", "contains only whitespace")),
    "latin-1": (
        write(LATIN1),
        (
            "article.txt",
            f"not UTF-8 text (byte 0xe9 at offset {LATIN1_BAD_OFFSET})",
            "iconv -f latin1 -t utf-8",
        ),
    ),
    "png": (write(PNG_HEADER + bytes(range(256))), ("article.txt", "binary data (NUL bytes)")),
    "nul-after-8k": (
        write(FRENCH.encode() * 60 + b"\x00"),
        ("article.txt", "binary data (NUL bytes)"),
    ),
    "several-mb": (
        write(FRENCH.encode() * 12_000),  # about 3 MB
        ("article.txt", "is larger than the limit of 1,000,000 bytes", "--max-bytes"),
    ),
    "english": (
        write(ENGLISH.encode()),
        ("article.txt", "does not look like French", "French articles only"),
    ),
    "german": (
        write(GERMAN.encode()),
        ("article.txt", "does not look like French", "French articles only"),
    ),
    "no-words": (write(b"2025 - 8,3 - 30 % - 35 %\n"), ("article.txt", "no words found")),
}


def _assert_one_line(error: BaseException, *fragments: str) -> None:
    message = str(error)
    assert isinstance(error, InputError)
    assert isinstance(error, KGError)
    assert "\n" not in message and "\r" not in message
    assert message == message.strip()
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_document_bad_input_is_refused_with_one_line(tmp_path: Path, case: str) -> None:
    make, fragments = BAD_INPUTS[case]
    path = make(tmp_path)
    with pytest.raises(InputError) as info:
        read_document(path)
    _assert_one_line(info.value, *fragments)


def test_document_max_bytes_is_inclusive(tmp_path: Path) -> None:
    path = write(FRENCH.encode())(tmp_path)
    size = path.stat().st_size
    assert read_document(path, max_bytes=size).text == FRENCH
    with pytest.raises(InputError) as info:
        read_document(path, max_bytes=size - 1)
    _assert_one_line(info.value, "larger than", "--max-bytes")


def test_document_default_limit_is_max_bytes(tmp_path: Path) -> None:
    body = FRENCH.encode()
    exact = body * (MAX_BYTES // len(body)) + b" " * (MAX_BYTES % len(body))
    assert len(exact) == MAX_BYTES
    path = write(exact)(tmp_path)
    assert read_document(path).doc_id == "article"
    path.write_bytes(exact + b" ")
    with pytest.raises(InputError, match="limit"):
        read_document(path)


@pytest.mark.parametrize(("size", "limit"), [(4_272, 1_000), (1_000_001, MAX_BYTES)])
def test_document_size_message_tells_size_and_limit_apart(
    tmp_path: Path, size: int, limit: int
) -> None:
    path = write(b"a" * size)(tmp_path)
    with pytest.raises(InputError) as info:
        read_document(path, max_bytes=limit)
    amounts = re.findall(r"(\d[\d.,]*\s?(?:[kKMG]i?B|bytes?|B))\b", str(info.value))
    assert len(amounts) == 2, str(info.value)
    assert amounts[0] != amounts[1], str(info.value)


@pytest.mark.parametrize("text", [SPANISH, ITALIAN], ids=["spanish", "italian"])
def test_document_romance_language_is_not_french(tmp_path: Path, text: str) -> None:
    path = write(text.encode())(tmp_path)
    with pytest.raises(InputError, match="does not look like French"):
        read_document(path)


def test_document_non_utf8_file_name_gets_an_id(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/\xe9\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(FRENCH.encode())
    path = Path(os.fsdecode(raw))
    document = read_document(path)
    assert re.fullmatch(r"[a-z0-9-]+", document.doc_id)


def test_document_valid_file_gives_document(tmp_path: Path) -> None:
    path = tmp_path / "Économie & Marchés (1).txt"
    path.write_bytes(FRENCH.encode())
    assert read_document(path) == Document(
        doc_id="economie-marches-1",
        text=FRENCH,
        source="Économie & Marchés (1).txt",
        lang="fr",
    )


def test_document_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + FRENCH.encode())
    document = read_document(path)
    assert document.text == FRENCH
    assert not document.text.startswith("\ufeff")


def test_document_reads_the_reference_article(example_text: str) -> None:
    document = read_document(EXAMPLE)
    assert document.doc_id == "fr-microsoft-mai-openai"
    assert document.source == "fr-microsoft-mai-openai.txt"
    assert document.text == example_text
    assert document.text.startswith("Microsoft a présenté deux modèles")


def test_document_accepts_str_path(tmp_path: Path) -> None:
    path = write(FRENCH.encode())(tmp_path)
    assert read_document(str(path)) == read_document(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "doc-1: the file is empty"),
        (" \n\t", "doc-1: the file contains only whitespace"),
        (FRENCH + "\x00", "doc-1: binary data (NUL bytes)"),
        (ENGLISH, "doc-1: the text does not look like French"),
        ("… — 42 !", "doc-1: no words found"),
    ],
    ids=["empty", "whitespace", "nul", "english", "no-words"],
)
def test_document_make_document_refuses_bad_text(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        make_document(text, doc_id="doc-1")
    _assert_one_line(info.value, fragment)


def test_document_make_document_labels_errors_with_source() -> None:
    with pytest.raises(InputError, match=r"^dépêche\.txt: the file is empty$"):
        make_document("", doc_id="depeche", source="dépêche.txt")


def test_document_make_document_keeps_fields() -> None:
    document = make_document(FRENCH, doc_id="doc-1", source="a.txt")
    assert document == Document(doc_id="doc-1", text=FRENCH, source="a.txt", lang="fr")


def test_document_language_check_only_for_french() -> None:
    check_language(ENGLISH, "en")  # not checked: no error
    document = make_document(ENGLISH, doc_id="en-1", lang="en")
    assert document.lang == "en"
    with pytest.raises(InputError, match="0 French function words"):
        check_language(ENGLISH, "fr", source="en.txt")
    check_language(FRENCH, "fr")


def test_document_language_counts_typographic_apostrophes() -> None:
    # "qu’il", "n’est", "d’un" hold French function words only once the apostrophe is folded.
    text = "Il dit qu’il n’est pas sûr d’un accord avec eux ni de leur offre."
    check_language(text, "fr")
    with pytest.raises(InputError, match=r"^short: "):
        check_language("The deal is done, they said.", "fr", source="short")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("fr-microsoft-mai-openai.txt", "fr-microsoft-mai-openai"),
        ("Économie & Marchés (1).txt", "economie-marches-1"),
        ("naïve café.md", "naive-cafe"),
        ("dir/sub/Rachat d'OpenAI.TXT", "rachat-d-openai"),
        ("ＡＢＣ.txt", "abc"),
        ("archive.tar.gz", "archive-tar"),
        ("__Ça__va__.txt", "ca-va"),
        ("", "document"),
    ],
)
def test_document_id_slug(name: str, expected: str) -> None:
    assert document_id(name) == expected


@pytest.mark.parametrize("name", ["日本.txt", "中国.txt", "--.txt", "€€€.txt"])
def test_document_id_without_ascii_is_a_stable_hash(name: str) -> None:
    doc_id = document_id(name)
    assert re.fullmatch(r"[0-9a-f]{12}", doc_id)
    assert document_id(name) == doc_id
    assert document_id("other/" + name) == doc_id  # the directory does not matter


def test_document_id_hashes_differ() -> None:
    assert document_id("日本.txt") != document_id("中国.txt")


@given(st.text(max_size=40))
def test_document_id_is_iri_safe(name: str) -> None:
    doc_id = document_id(name)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", doc_id)
    assert quote(doc_id, safe="") == doc_id
    assert str(document_iri(doc_id)) == "https://w3id.org/kg/id/doc/" + doc_id


def test_a_short_french_dispatch_with_a_borrowed_english_word_is_french() -> None:
    # "start-up" is one word, not the English "up"; one foreign function word is no evidence
    check_language("La start-up Novalyne a levé 12 millions d'euros auprès de Ferrand.", "fr")
    check_language("Le fonds The Ring a investi 5 millions dans Brindel.", "fr")
    with pytest.raises(InputError, match="looks like English"):
        check_language("The start-up has raised 12 million euros from the fund.", "fr")
