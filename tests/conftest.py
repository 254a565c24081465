"""Shared fixtures. Tests that need the French model use ``nlp`` (loaded once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.vocab import Vocab

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "fr-microsoft-mai-openai.txt"
SHARED = REPO.parent / "shared"
GOLD = SHARED / "eval" / "gold" / "fr-microsoft-mai-openai.tsv"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files under tests/data from the current output.",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def fr_vocab() -> Vocab:
    """A French vocabulary without a statistical model, for hand-built ``Doc`` objects."""
    return spacy.blank("fr").vocab


@pytest.fixture(scope="session")
def nlp() -> Language:
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_build(nlp: Language):
    from kg.pipeline import build

    return build([EXAMPLE])


@pytest.fixture(scope="session")
def gold_path() -> Path:
    if not GOLD.is_file():
        pytest.skip(f"gold file not found at {GOLD} (../shared must sit beside the repository)")
    return GOLD
