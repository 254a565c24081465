"""Build spaCy ``Doc`` objects by hand from a compact table, for tests that need no model."""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.vocab import Vocab


def make_doc(vocab: Vocab, table: str) -> Doc:
    """One token per line: ``word pos dep head lemma ent [morph]``, ``_`` for no value.

    ``head`` is the absolute index of the head token; a word followed by ``+`` in the word
    column has no space after it (``PDG+`` then ``,``).
    """
    words, spaces, pos, deps, heads, lemmas, ents, morphs = [], [], [], [], [], [], [], []
    for line in table.strip().splitlines():
        cols = line.split()
        word = cols[0]
        glued = word.endswith("+") and len(word) > 1
        words.append(word[:-1] if glued else word)
        spaces.append(not glued)
        pos.append(cols[1])
        deps.append(cols[2])
        heads.append(int(cols[3]))
        lemmas.append(cols[4] if cols[4] != "_" else words[-1].lower())
        ents.append(cols[5] if cols[5] != "_" else "O")
        morphs.append(cols[6] if len(cols) > 6 else "")
    spaces[-1] = False
    return Doc(
        vocab,
        words=words,
        spaces=spaces,
        pos=pos,
        deps=deps,
        heads=heads,
        lemmas=lemmas,
        ents=ents,
        morphs=morphs,
    )
