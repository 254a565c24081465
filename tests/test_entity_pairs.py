"""Tricky pairs of names: which resolve to one entity and which stay two, in one document and
across the documents of a store (``tests/data/entity_pairs.tsv``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.lexicon import load_lexicon
from kg.resolve import entity_key

PAIRS = [
    line.split("\t")
    for line in (Path(__file__).parent / "data" / "entity_pairs.tsv")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#")
]


@pytest.mark.parametrize(
    ("a", "b", "expected", "why"), PAIRS, ids=[f"{a}~{b}" for a, b, *_ in PAIRS]
)
def test_entity_pairs_resolve_as_expected(a: str, b: str, expected: str, why: str) -> None:
    lex = load_lexicon("fr")
    assert (entity_key(a, lex) == entity_key(b, lex)) is (expected == "same"), why


def test_pairs_file_is_well_formed() -> None:
    assert all(len(pair) == 4 for pair in PAIRS)
    assert {expected for _, _, expected, _ in PAIRS} == {"same", "different"}


def test_the_same_name_in_two_documents_is_one_iri() -> None:
    """Entity IRIs are minted from the key alone, so a store's documents share them."""
    from kg.rdf import entity_iri

    lex = load_lexicon("fr")
    assert entity_iri(entity_key("Helio SAS", lex)) == entity_iri(entity_key("Helio S.A.S.", lex))
    assert entity_iri(entity_key("Kylo AI", lex)) != entity_iri(entity_key("Kylo", lex))
