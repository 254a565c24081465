"""Quality floors on the project's own development set (eval/dev): regressions fail here.

The floors sit a little under the figures measured when they were set (162 texts: 108 dev,
54 held out; dev F1 0.836 P 0.923, held out F1 0.759 P 0.855), so that a change that loses
facts across the board is caught; the README quotes the current figures.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from eval import devset


@pytest.mark.parametrize(
    ("part", "min_f1", "min_precision"),
    [("dev", 0.83, 0.91), ("heldout", 0.75, 0.84)],
)
def test_devset_micro_scores_stay_above_their_floor(
    nlp: Language, part: str, min_f1: float, min_precision: float
) -> None:
    stems = devset.read_split()[part]
    assert stems, f"no {part} texts in eval/dev/SPLIT.md"
    _, totals = devset.score(stems)
    overall = totals["overall"]
    assert overall.f1 >= min_f1, totals
    assert overall.precision >= min_precision, totals


def test_devset_split_is_disjoint_and_complete() -> None:
    split = devset.read_split()
    texts = {p.stem for p in devset.DEV.glob("*.txt")}
    assert set(split["dev"]).isdisjoint(split["heldout"])
    assert set(split["dev"]) | set(split["heldout"]) == texts
    assert len(split["heldout"]) * 3 >= len(texts)
