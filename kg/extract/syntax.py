"""Small helpers over spaCy tokens shared by the extractors: cues, clauses, subjects."""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

__all__ = [
    "DE_FORMS",
    "CueIndex",
    "clause_head",
    "colon_between",
    "conjuncts",
    "fold_word",
    "folded_words",
    "has_en_clitic",
    "is_conditional",
    "is_modifier_word",
    "is_plural",
    "likened",
    "maker_de",
    "naming_noun",
    "strip_reflexive",
    "subjects",
    "tokens",
    "verb_lemmas",
]

#: "de" as the tokenizer leaves it, after ``fold_word`` ("d’" is "d'"): "le modèle d'X",
#: "auprès de A et de B".
DE_FORMS = frozenset({"de", "d'", "du"})
_SUBJECT_DEPS = ("nsubj", "nsubj:pass", "expl:subj")
_VERB_ENDINGS = frozenset(
    {
        "e",
        "es",
        "ent",
        "é",
        "ée",
        "és",
        "ées",
        "ant",
        "er",
        "ait",
        "aient",
        "era",
        "eront",
        "i",
        "ie",
        "is",
        "it",
    }
)
_INHERITING_DEPS = ("xcomp", "conj", "advcl", "acl", "ccomp")


@functools.lru_cache(maxsize=1 << 16)
def fold_word(text: str) -> str:
    """Lower-case, typographic apostrophes straightened: the form cues are compared in."""
    return unicodedata.normalize("NFC", text).lower().replace("’", "'")


@dataclass
class CueIndex:
    """Multi-word cues looked up by their first word (lemma or surface form).

    >>> index = CueIndex.build([("maison mère", "developedBy")])
    >>> sorted(index.first_words)
    ['maison', 'maison-mère']
    """

    first_words: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    verb_stems: dict[str, list[str]] = field(default_factory=dict)
    #: word -> payloads of the verb cues it inflects, filled as words are met
    _inflections: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, cues: Iterable[tuple[str, str]]) -> CueIndex:
        index = cls()
        for phrase, payload in sorted(set(cues)):
            words = tuple(fold_word(w) for w in phrase.replace("'", "' ").split())
            index.first_words.setdefault(words[0], []).append((words, payload))
            if len(words) > 1 and "'" not in phrase:
                # also written (or joined for the parser, see kg.nlp) with hyphens:
                # "maison-mère", "jeune-pousse"
                joined = "-".join(words)
                index.first_words.setdefault(joined, []).append(((joined,), payload))
            if len(words) == 1 and words[0].endswith(("er", "ir")) and len(words[0]) >= 7:
                index.verb_stems.setdefault(words[0][:-2], []).append(payload)
        for entries in index.first_words.values():
            entries.sort(key=lambda e: (-len(e[0]), e))
        return index

    def match(self, doc: Doc | Span, i: int) -> list[tuple[int, str]]:
        """Cues starting at token ``i``: ``(end_token, payload)``, longest first."""
        texts, lemmas = folded_words(doc)
        text, lemma = texts[i], lemmas[i]
        # called for every token by every extractor: most tokens start no cue, so leave early
        entries = self.first_words.get(text, [])
        if lemma != text:
            entries = entries + self.first_words.get(lemma, [])
        if not entries:
            return (
                [(i + 1, payload) for payload in self._inflected(text)] if self.verb_stems else []
            )
        found: list[tuple[int, str]] = []
        for words, payload in entries:
            end = i + len(words)
            if end <= len(texts) and all(
                w in (texts[j], lemmas[j])
                for w, j in zip(words[1:], range(i + 1, end), strict=True)
            ):
                found.append((end, payload))
        if not found and self.verb_stems:
            found = [(i + 1, payload) for payload in self._inflected(text)]
        return sorted(set(found), key=lambda f: (-f[0], f[1])) if len(found) > 1 else found

    def _inflected(self, word: str) -> list[str]:
        """Payloads of verb cues ``word`` inflects: the tagger sometimes reads "valorise" as a
        noun and leaves it unlemmatised."""
        known = self._inflections.get(word)
        if known is None:
            known = self._inflections[word] = next(
                (
                    self.verb_stems[word[:-cut]]
                    for cut in range(1, min(6, len(word)))
                    if word[-cut:] in _VERB_ENDINGS and word[:-cut] in self.verb_stems
                ),
                [],
            )
        return known


class _FoldCache(threading.local):
    """Tokens and folded words of the document being processed: one at a time, so one entry
    (per thread: a Dask worker may run several tasks at once)."""

    doc: Doc | None = None
    words: tuple[list[str], list[str]] = ([], [])
    tokens: list[Token] = []  # noqa: RUF012 (replaced whole, never mutated)


_fold_cache = _FoldCache()


def strip_reflexive(cue: str) -> str:
    """The verb of a pronominal cue ("se féliciter", "s'associer"): the pronoun is a token of
    its own, often away from the verb ("s'est félicité")."""
    for prefix in ("se ", "s'", "s’"):
        if cue.startswith(prefix):
            return cue[len(prefix) :]
    return cue


def verb_lemmas(word: str) -> set[str]:
    """The word and the infinitives it may inflect ("cherche" -> "chercher"): the lemmatizer
    leaves some verbs as written."""
    out = {word}
    for cut in range(1, min(6, len(word))):
        if word[-cut:] in _VERB_ENDINGS:
            out.update({word[:-cut] + "er", word[:-cut] + "ir", word[:-cut] + "re"})
    return out


def folded_words(doc: Doc | Span) -> tuple[list[str], list[str]]:
    """Folded text and lemma of every token, computed once per document: the cue indexes look
    them up hundreds of times per sentence."""
    base = doc if isinstance(doc, Doc) else doc.doc
    if _fold_cache.doc is not base or len(_fold_cache.words[0]) != len(base):
        _fold_cache.doc = base
        _fold_cache.tokens = list(base)
        _fold_cache.words = (
            [fold_word(t.text) for t in _fold_cache.tokens],
            [fold_word(t.lemma_) for t in _fold_cache.tokens],
        )
    if isinstance(doc, Span):
        return _fold_cache.words[0][doc.start : doc.end], _fold_cache.words[1][doc.start : doc.end]
    return _fold_cache.words


def tokens(doc: Doc) -> list[Token]:
    """The tokens of ``doc`` as a list made once per document: the extractors walk the whole
    document a dozen times, and iterating a ``Doc`` makes new ``Token`` objects each time."""
    folded_words(doc)
    return _fold_cache.tokens


def conjuncts(token: Token) -> list[Token]:
    """The token and every token coordinated with it ("A, B et C"), in text order."""
    out = [token]
    todo = [token]
    while todo:
        for child in todo.pop().children:
            if child.dep_ == "conj" and child not in out:
                out.append(child)
                todo.append(child)
    return sorted(out, key=lambda t: t.i)


def clause_head(token: Token) -> Token:
    """The verb (or root) of the clause ``token`` belongs to."""
    current = token
    while current.head.i != current.i and current.pos_ not in ("VERB", "AUX"):
        current = current.head
    return current


#: Words opening a complement that likens someone to the subject ("tout comme X").
_LIKENING = (("tout", "comme"), ("à", "l'", "instar"), ("au", "même", "titre"))


def likened(tok: Token) -> bool:
    """'..., tout comme le britannique X', 'à l'instar de X': the complement names someone
    who does what the subject does, a co-subject rather than an object."""
    doc = tok.doc
    start = tok.left_edge.i
    words = tuple(fold_word(t.text) for t in doc[start : start + 3])
    return any(words[: len(opening)] == opening for opening in _LIKENING)


def colon_between(first: Token, second: Token) -> bool:
    """A colon stands between the two tokens: they belong to different parts of a sentence
    ("Toulouse : Brindel dévoile ...")."""
    doc = first.doc
    low, high = sorted((first.i, second.i))
    return any(doc[j].text == ":" for j in range(low + 1, high))


def subjects(verb: Token) -> list[Token]:
    """Subjects of ``verb``, inherited from the governing verb for xcomp/conj/advcl clauses."""
    seen: set[int] = set()
    current = verb
    while current.i not in seen:
        seen.add(current.i)
        # "Toulouse : Brindel dévoile ...": a headline's kicker is no subject
        own = [
            c for c in current.children if c.dep_ in _SUBJECT_DEPS and not colon_between(c, current)
        ]
        if own:
            return [t for s in own for t in conjuncts(s)]
        if current.dep_ not in _INHERITING_DEPS or current.head.i == current.i:
            return []
        if current.dep_ == "advcl" and "Fin" in current.morph.get("VerbForm"):
            # a finite clause has a subject of its own, even one the parser lost: "A en
            # détient 38 %, tandis que le fonds B en possède 25 %" is not about A
            return []
        current = current.head
    return []


#: Words that may stand between a cue noun and the name it introduces:
#: "le fabricant grenoblois de batteries sodium-ion Voltara", "la banque Korvel Finance".
_NAMING_FILLERS = ("ADJ", "NOUN", "ADP")
_NAMING_SPAN = 8


def has_en_clitic(verb: Token) -> bool:
    """'la banque en détient 18 %', 'qui en est le directeur général': the verb's complement
    is the clitic "en", which stands for something named elsewhere."""
    return any(fold_word(c.text) == "en" and c.pos_ == "PRON" for c in verb.children)


_CONDITIONAL_ENDINGS = ("ait", "aient")


def is_conditional(tok: Token) -> bool:
    """A verb or auxiliary in the conditional mood, also when the tagger read a regular form as
    an imperfect ("préparerait": Mood=Ind, Tense=Imp). A regular conditional is the
    infinitive (less the final e of "-re") plus an imperfect ending.

    >>> import spacy
    >>> doc = spacy.blank("fr")("préparerait")
    >>> doc[0].lemma_ = "préparer"
    >>> is_conditional(doc[0])
    True
    """
    if "Cnd" in tok.morph.get("Mood"):
        return True
    word, lemma = fold_word(tok.text), fold_word(tok.lemma_)
    if not lemma.endswith(("er", "ir", "re")) or len(lemma) < 4:
        return False
    stem = lemma[:-1] if lemma.endswith("re") else lemma
    return word in (stem + ending for ending in _CONDITIONAL_ENDINGS)


def is_modifier_word(tok: Token) -> bool:
    """An adjective, a noun or a preposition: a word that may stand between a cue noun and the
    name it presents; also a lower-case word the tagger took for a name ("nantaise")."""
    return (
        tok.pos_ in _NAMING_FILLERS
        or (tok.pos_ == "PROPN" and tok.text.islower())
        or (tok.pos_ == "CCONJ" and tok.lower_ == "et")  # "de médias et de jeux vidéo"
    )


def is_demonym(tok: Token, endings: tuple[str, ...]) -> bool:
    """A lower-case demonym ("toulousain", "américaine"), told by its ending."""
    word = tok.text
    return (
        word.isalpha()
        and word.islower()
        and len(word) > 4
        and tok.pos_ in ("ADJ", "NOUN", "PROPN")
        and word.endswith(endings)
    )


def maker_de(doc: Doc, start: int, demonym_endings: tuple[str, ...]) -> int | None:
    """The "de" right before a name at token ``start``, over a demonym and its determiner
    ("du chinois X", "de l'américain X"), if any: the name is the maker of what comes before."""
    j = start - 1
    if j >= 0 and is_demonym(doc[j], demonym_endings):
        j -= 1
        if j >= 0 and doc[j].pos_ == "DET":
            j -= 1
    return j if j >= 0 and fold_word(doc[j].text) in DE_FORMS else None


def _opens_noun_phrase(doc: Doc, i: int) -> bool:
    """The preposition at token ``i`` carries a determiner ("du", "des", "de la"): it opens a
    noun phrase of its own, not a bare complement ("de cloud")."""
    return fold_word(doc[i].text) in _CONTRACTED_DETERMINERS or (
        i + 1 < len(doc) and doc[i + 1].pos_ == "DET"
    )


def naming_noun(
    doc: Doc, start: int, is_cue: Callable[[int], bool], demonym_endings: tuple[str, ...] = ()
) -> int | None:
    """The cue noun a name at token ``start`` is introduced by, if any.

    Walks left over adjectives and "de + noun" complements (never a "de" right before the
    name: "le patron de X" is about X, it does not name it, nor one before a demonym: "le
    modèle du chinois X" is X's) to a noun for which ``is_cue`` holds.
    """
    if start == 0 or doc[start - 1].pos_ == "ADP":
        return None
    if (
        demonym_endings
        and is_demonym(doc[start - 1], demonym_endings)
        and maker_de(doc, start, demonym_endings) is not None
    ):
        return None
    found = None
    for i in range(start - 1, max(-1, start - 1 - _NAMING_SPAN), -1):
        if found is not None and doc[i].pos_ == "ADP" and _opens_noun_phrase(doc, i):
            # "du capital du groupe de spiritueux X" is named by "groupe" ("du" opens another
            # noun phrase), "le fournisseur de cloud X" by "fournisseur"
            break
        if is_cue(i):
            found = i  # keep walking: "le fonds allemand X" is named by "fonds"
        elif (
            not is_modifier_word(doc[i])
            or doc[i].text in (",", ":")
            # "de médias et de jeux vidéo X", not "la société commune et X"
            or (doc[i].lower_ == "et" and doc[i + 1].pos_ != "ADP")
        ):
            break
    return found


_SINGULAR_DETERMINERS = frozenset(
    {
        "le",
        "la",
        "l'",
        "un",
        "une",
        "ce",
        "cet",
        "cette",
        "son",
        "sa",
        "mon",
        "ma",
        "ton",
        "ta",
        "notre",
        "votre",
        "leur",
        "du",
        "au",
    }
)
_CONTRACTED_DETERMINERS = frozenset({"du", "au", "des", "aux"})
_PLURAL_DETERMINERS = frozenset({"les", "des", "ces", "ses", "mes", "tes", "nos", "vos", "leurs"})


def _is_determiner(tok: Token) -> bool:
    """A determiner, or a preposition contracted with one ("du", "au", "des")."""
    return tok.pos_ == "DET" or fold_word(tok.text) in _CONTRACTED_DETERMINERS


def is_plural(tok: Token) -> bool:
    """Whether a noun is plural, trusting its determiner first ("le fonds" is singular), or
    the determiner right before it, which the parser may have hung on the name that follows
    ("le néerlandais Zephyro")."""
    determiners = [c for c in tok.children if c.dep_ == "det"]
    if not determiners and tok.i > 0 and _is_determiner(tok.doc[tok.i - 1]):
        determiners = [tok.doc[tok.i - 1]]
    for child in determiners:
        word = fold_word(child.text)
        if word in _SINGULAR_DETERMINERS:
            return False
        if word in _PLURAL_DETERMINERS:
            return True
    if tok.text.isupper():
        return False
    number = tok.morph.get("Number")
    if number:
        return number == ["Plur"]
    return tok.text.endswith(("s", "x"))
