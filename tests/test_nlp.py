from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.nlp import mask_codes, merge_hyphenated, sentence_hints


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("KRV-1-preview utilise des GPU T100.", "Krvxxxpreview utilise des GPU Txxx."),
        ("vorta-2.5-flash", "Vortaxxxxxflash"),
        ("le 13e rang, 8,3 milliards, en 2024", "le 13e rang, 8,3 milliards, en 2024"),
        ("start-up", "start-up"),
    ],
)
def test_nlp_mask_codes(text: str, masked: str) -> None:
    assert mask_codes(text) == masked
    assert len(mask_codes(text)) == len(text)


def test_nlp_merge_hyphenated_joins_split_words(fr_vocab: Vocab) -> None:
    doc = Doc(
        fr_vocab,
        words=["La", "start", "-", "up", "recrute", "."],
        spaces=[True, False, False, True, False, False],
    )
    assert [t.text for t in merge_hyphenated(doc)] == ["La", "start-up", "recrute", "."]


def test_nlp_merge_hyphenated_keeps_bullets(fr_vocab: Vocab) -> None:
    doc = Doc(fr_vocab, words=["-", "Kelvane", "lance"], spaces=[True, True, False])
    assert [t.text for t in merge_hyphenated(doc)] == ["-", "Kelvane", "lance"]


def test_nlp_sentence_hints_break_lines_and_final_punctuation() -> None:
    nlp = spacy.blank("fr")
    doc = sentence_hints(nlp("Titre sans point\nX a levé 5 M€. Y recrute. y compris M. Dupont"))
    starts = [t.text for t in doc if t.is_sent_start]
    assert starts == ["Titre", "X", "Y"]


def test_nlp_sentence_hints_end_a_sentence_on_a_letter_before_a_determiner(
    fr_vocab: Vocab,
) -> None:
    # "série C." is one token; a determiner after it starts a sentence, a name after an
    # initial does not ("J. Dupont")
    words = ["une", "série", "C.", "Le", "fonds", "mène", "avec", "J.", "Dupont"]
    pos = ["DET", "NOUN", "PROPN", "DET", "NOUN", "VERB", "ADP", "PROPN", "PROPN"]
    doc = sentence_hints(Doc(fr_vocab, words=words, pos=pos))
    assert [t.text for t in doc if t.is_sent_start] == ["une", "Le"]


def test_nlp_sentence_hints_end_a_sentence_on_the_letter_of_a_series(fr_vocab: Vocab) -> None:
    # "série A." names a round: the name after it starts a sentence, it has no initial
    words = ["une", "série", "A.", "Kestrane", "a", "suivi", "avec", "J.", "Dupont"]
    pos = ["DET", "NOUN", "PROPN", "PROPN", "AUX", "VERB", "ADP", "PROPN", "PROPN"]
    doc = sentence_hints(Doc(fr_vocab, words=words, pos=pos))
    assert [t.text for t in doc if t.is_sent_start] == ["une", "Kestrane"]
