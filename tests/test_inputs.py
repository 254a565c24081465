"""Tests of kg.inputs: files, directories, glob patterns and JSON Lines files of articles."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from kg.document import read_document
from kg.errors import InputError
from kg.inputs import Inputs, Skipped, expand, read_inputs, read_jsonl
from kg.model import Document
from tests.inputs import ENGLISH, LATIN1

#: Invented articles: short, French, with made-up companies.
BRIVAEL = (
    "La société Brivael a levé dix millions d’euros auprès du fonds Cassiopée Partenaires. "
    "Son directeur général veut ouvrir une usine à Lorient.\n"
)
FERLANDE = (
    "Le groupe Ferlande rachète la start-up Nautilia pour un montant qui n’a pas été dévoilé. "
    "L’opération doit être finalisée avant la fin de l’année.\n"
)
ORVANNE = (
    "Ce jeudi, la banque Orvanne a annoncé une hausse de son bénéfice. Elle prévoit de "
    "recruter trois cents personnes en France."
)


def _jsonl(path: Path, *lines: object) -> Path:
    """Write ``lines`` (objects are dumped as JSON, strings written as they are)."""
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """corpus/{b.txt, a.txt, notes.md, sub/c.txt, sub/d.jsonl, .cache/e.txt}."""
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".cache").mkdir()
    (root / "b.txt").write_text(FERLANDE, encoding="utf-8")
    (root / "a.txt").write_text(BRIVAEL, encoding="utf-8")
    (root / "notes.md").write_text(BRIVAEL, encoding="utf-8")
    (root / "sub" / "c.txt").write_text(ORVANNE, encoding="utf-8")
    (root / ".cache" / "e.txt").write_text(BRIVAEL, encoding="utf-8")
    _jsonl(root / "sub" / "d.jsonl", {"text": FERLANDE}, {"id": "dépêche 2", "text": ORVANNE})
    return root


def _ids(inputs: Inputs) -> list[str]:
    return [document.doc_id for document in inputs.documents]


# ---------------------------------------------------------------------------
# Files, directories and glob patterns
# ---------------------------------------------------------------------------


def test_inputs_directory_is_walked_recursively_in_sorted_order(corpus: Path) -> None:
    inputs = read_inputs([corpus])
    assert _ids(inputs) == ["a", "b", "c", "d-1", "depeche-2"]
    assert [d.source for d in inputs.documents] == [
        "a.txt",
        "b.txt",
        "c.txt",
        "d.jsonl:1",
        "d.jsonl:2",
    ]
    assert inputs.documents[0] == read_document(corpus / "a.txt")
    assert inputs.skipped == ()


def test_inputs_directory_leaves_out_other_suffixes_and_hidden_files(corpus: Path) -> None:
    files = [path.relative_to(corpus).as_posix() for path in expand([corpus])]
    assert files == ["a.txt", "b.txt", "sub/c.txt", "sub/d.jsonl"]


def test_inputs_glob_is_expanded_sorted(corpus: Path) -> None:
    assert _ids(read_inputs([str(corpus / "**" / "*.txt")])) == ["a", "b", "c"]
    assert _ids(read_inputs([str(corpus / "*.txt")])) == ["a", "b"]
    assert _ids(read_inputs([str(corpus / "sub" / "[d]*")])) == ["d-1", "depeche-2"]


def test_inputs_specs_keep_their_order_and_each_file_is_read_once(corpus: Path) -> None:
    specs = [corpus / "sub" / "c.txt", str(corpus / "*.txt"), corpus, corpus / "b.txt"]
    assert _ids(read_inputs(specs)) == ["c", "a", "b", "d-1", "depeche-2"]


def test_inputs_glob_matching_nothing_is_an_error(corpus: Path) -> None:
    pattern = str(corpus / "**" / "*.json")
    with pytest.raises(InputError) as info:
        read_inputs([corpus / "a.txt", pattern])
    assert str(info.value) == f"{pattern}: no file matches this pattern"


def test_inputs_directory_without_articles_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(BRIVAEL, encoding="utf-8")
    with pytest.raises(InputError, match=r"a directory without \.txt or \.jsonl files$"):
        read_inputs([tmp_path])


def test_inputs_existing_path_with_glob_characters_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "dépêche [1].txt"
    path.write_text(BRIVAEL, encoding="utf-8")
    assert _ids(read_inputs([str(path)])) == ["depeche-1"]


def test_inputs_non_utf8_file_is_skipped_and_the_others_read(
    corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = corpus / "latin.txt"
    bad.write_bytes(LATIN1)
    inputs = read_inputs([corpus])
    assert _ids(inputs) == ["a", "b", "c", "d-1", "depeche-2"]
    assert len(inputs.skipped) == 1
    assert inputs.skipped[0].where == str(bad)
    assert inputs.skipped[0].reason.startswith("not UTF-8 text (byte 0xe9")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        f"skipped {inputs.skipped[0]}"
    ]


def test_inputs_only_input_unusable_raises_its_own_message(tmp_path: Path) -> None:
    bad = tmp_path / "latin.txt"
    bad.write_bytes(LATIN1)
    with pytest.raises(InputError) as expected:
        read_document(bad)
    with pytest.raises(InputError) as info:
        read_inputs([bad])
    assert str(info.value) == str(expected.value)


def test_inputs_all_unusable_is_an_error_after_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    english = tmp_path / "en.txt"
    english.write_text(ENGLISH, encoding="utf-8")
    with pytest.raises(InputError, match=r"^no usable input: all 2 inputs were skipped"):
        read_inputs([english, tmp_path / "absent.txt"])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings[0].startswith(f"skipped {english}: the text does not look like French")
    assert warnings[1] == f"skipped {tmp_path / 'absent.txt'}: no such file"


# ---------------------------------------------------------------------------
# JSON Lines
# ---------------------------------------------------------------------------


def test_jsonl_record_with_every_field(tmp_path: Path) -> None:
    record = {
        "id": "Dépêche n°7",
        "title": "Orvanne recrute",
        "date": "2025-03-06",
        "url": "https://presse.example/orvanne",
        "lang": "fr",
        "text": ORVANNE,
    }
    path = _jsonl(tmp_path / "fil.jsonl", record)
    assert list(read_jsonl(path)) == [
        Document(
            doc_id="depeche-n7",
            text=ORVANNE,
            source="https://presse.example/orvanne",
            title="Orvanne recrute",
            date=dt.date(2025, 3, 6),
            lang="fr",
        )
    ]


def test_jsonl_record_without_id_is_named_after_file_and_line(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "Fil AFP.jsonl", "", {"text": BRIVAEL}, "   ", {"id": 42, "text": ORVANNE}
    )
    documents = list(read_jsonl(path))
    assert documents == [
        Document(doc_id="fil-afp-2", text=BRIVAEL, source="Fil AFP.jsonl:2"),
        Document(doc_id="42", text=ORVANNE, source="Fil AFP.jsonl:4"),
    ]


def test_jsonl_record_lang_is_kept_and_not_checked_as_french(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "fil.jsonl", {"text": ENGLISH, "lang": "en"}, {"text": ENGLISH})
    inputs = read_inputs([path])
    assert [(d.doc_id, d.lang) for d in inputs.documents] == [("fil-1", "en")]
    assert inputs.skipped[0].where == f"{path}:2"
    assert inputs.skipped[0].reason.startswith("the text does not look like French")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"text": "Brivael', "not valid JSON: Unterminated string starting at (column 10)"),
        ('["Brivael"]', "a JSON list, not an object"),
        ('{"title": "Brivael"}', "no 'text'"),
        ('{"text": 12}', "'text' is not a string"),
        ('{"text": " \\n "}', "'text' is empty"),
        ('{"text": "x", "date": "06/03/2025"}', "'date' '06/03/2025' is not YYYY-MM-DD"),
        ('{"text": "x", "date": "20250306"}', "'date' '20250306' is not YYYY-MM-DD"),
        ('{"text": "x", "date": "2025-02-30"}', "'date' '2025-02-30' is not a date: "),
        ('{"text": "x", "title": ["a"]}', "'title' is not a non-empty string"),
        ('{"text": "x", "id": {"n": 1}}', "'id' is not a string or an integer"),
        ('{"text": "x\\ud800"}', "'text' holds an unpaired surrogate"),
        ('{"text": "x\\u0000"}', "binary data (NUL bytes)"),
    ],
    ids=[
        "malformed",
        "not-object",
        "no-text",
        "text-not-string",
        "empty-text",
        "date-slashes",
        "date-compact",
        "date-impossible",
        "title-list",
        "id-object",
        "surrogate",
        "nul",
    ],
)
def test_jsonl_bad_record_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, line: str, reason: str
) -> None:
    path = _jsonl(tmp_path / "fil.jsonl", {"text": BRIVAEL}, line, {"text": FERLANDE})
    inputs = read_inputs([path])
    assert _ids(inputs) == ["fil-1", "fil-3"]
    assert [d.text for d in inputs.documents] == [BRIVAEL, FERLANDE]
    assert len(inputs.skipped) == 1
    assert inputs.skipped[0].where == f"{path}:2"
    assert inputs.skipped[0].reason.startswith(reason), inputs.skipped[0].reason
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [f"skipped {path}:2: {inputs.skipped[0].reason}"]


def test_jsonl_text_over_max_bytes_is_skipped(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "fil.jsonl", {"text": BRIVAEL}, {"text": FERLANDE * 3})
    inputs = read_inputs([path], max_bytes=len(BRIVAEL.encode()))
    assert _ids(inputs) == ["fil-1"]
    assert inputs.skipped[0].where == f"{path}:2"
    assert "over the limit of" in inputs.skipped[0].reason
    assert "--max-bytes" in inputs.skipped[0].reason


def test_jsonl_non_utf8_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "fil.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"text": "' + BRIVAEL.strip().encode() + b'"}\n'
        b'{"text": "soci\xe9t\xe9"}\n'
        b'{"text": "' + FERLANDE.strip().encode() + b'"}\n'
    )
    items = list(read_jsonl(path))
    assert [item.doc_id for item in items if isinstance(item, Document)] == ["fil-1", "fil-3"]
    assert items[1] == Skipped(f"{path}:2", "not UTF-8 text (byte 0xe9)")


def test_jsonl_missing_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "absent.jsonl"
    assert list(read_jsonl(path)) == [Skipped(str(path), "no such file")]
    with pytest.raises(InputError, match=r"absent\.jsonl: no such file$"):
        read_inputs([path])
