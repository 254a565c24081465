"""The only module that loads spaCy: the French pipeline plus two small tokenisation fixes."""

from __future__ import annotations

import functools
import itertools
import logging
import re

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from kg.errors import KGError
from kg.lexicon import load_lexicon

__all__ = [
    "CODE_PATTERN",
    "DEFAULT_MODEL",
    "ORDINAL_PATTERN",
    "join_compounds",
    "load_pipeline",
    "mask_codes",
    "merge_hyphenated",
    "parse",
    "parser_text",
    "sentence_hints",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "fr_core_news_md"


# A product code: a word holding letters and digits ("Orion-2-mini", "X500", "nova-3.5-flash"),
# not an ordinal ("13e") and not a bare number.
CODE_PATTERN = re.compile(r"(?<![\w-])(?=[\w.\-]*[^\W\d_])(?=[\w.\-]*\d)[^\W_][\w.\-]*[^\W_]")
ORDINAL_PATTERN = re.compile(r"^\d+(?:e|er|re|ère|ème|eme|è)s?$", re.IGNORECASE)


def mask_codes(text: str) -> str:
    """Replace product codes with same-length capitalised letter strings.

    The statistical French models tag unseen codes such as "Orion-2-mini" as punctuation and
    cut sentences around them. A same-length stand-in ("Maivoicexxx") parses as a proper noun
    and keeps every character offset valid, so spans map back to the original text.

    >>> mask_codes("Orion-2-mini utilise des GPU X500.")
    'Orionxxxmini utilise des GPU Xxxx.'
    """

    def stand_in(match: re.Match[str]) -> str:
        word = match.group()
        if ORDINAL_PATTERN.match(word):
            return word
        letters = "".join(c if c.isalpha() else "x" for c in word).lower()
        return letters[0].upper() + letters[1:] if letters[0].isalpha() else "X" + letters[1:]

    return CODE_PATTERN.sub(stand_in, text)


@functools.cache
def _compounds(lang: str) -> re.Pattern[str] | None:
    words = load_lexicon(lang).joined_compounds
    if not words:
        return None
    alternatives = "|".join(
        re.escape(w).replace(r"\ ", r"\s") for w in sorted(words, key=len)[::-1]
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def join_compounds(text: str, lang: str = "fr") -> str:
    """Hyphenate the compound nouns the tagger splits (the lexicon's ``joined_compounds``).

    "la jeune pousse est ..." parses with "pousse" as a verb, and the rest of the sentence
    hangs on it; "la jeune-pousse est ..." parses as a noun phrase. Same length, so every
    character offset still indexes the original text.

    >>> join_compounds("La jeune pousse lyonnaise et les Jeunes pousses.")
    'La jeune-pousse lyonnaise et les Jeunes-pousses.'
    """
    pattern = _compounds(lang)
    if pattern is None:
        return text
    return pattern.sub(lambda m: re.sub(r"\s", "-", m.group()), text)


def parser_text(text: str, lang: str = "fr") -> str:
    """``text`` as the parser should read it: product codes masked, compounds joined; the
    same length, so that token offsets index the original text."""
    return join_compounds(mask_codes(text), lang)


def merge_hyphenated(doc: Doc) -> Doc:
    """Merge words the tokenizer split on an inner hyphen ("start-up", "nova-3-beta-02-24").

    spaCy's French tokenizer splits some hyphenated names at a sentence start or after digits,
    and the parser then cuts sentences inside them. A hyphen with no space on either side
    joins its neighbours into one token.
    """
    if "-" not in doc.text:
        return doc
    spans = []
    tokens = list(doc)
    i = 1
    while i < len(doc) - 1:
        tok = tokens[i]
        if (
            tok.text == "-"
            and not doc[i - 1].whitespace_
            and not tok.whitespace_
            and doc[i - 1].text.strip()
            and doc[i + 1].text[:1].isalnum()
        ):
            start = i - 1
            end = i + 2
            # extend over chains such as a-b-c, where the tokenizer split several times
            while (
                end < len(doc) - 1
                and doc[end].text == "-"
                and not doc[end - 1].whitespace_
                and not doc[end].whitespace_
                and doc[end + 1].text[:1].isalnum()
            ):
                end += 2
            while spans and spans[-1][1] > start:  # overlapping chain: keep the union
                start = min(start, spans.pop()[0])
            spans.append((start, end))
            i = end
        else:
            i += 1
    if spans:
        with doc.retokenize() as retokenizer:
            for start, end in spans:
                retokenizer.merge(doc[start:end])
    return doc


_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "!»", "?»", ".»"})


_ABBREVIATION = re.compile(r"^[^\W\d_]{1,4}\.$")


def _ends_sentence(word: str) -> bool:
    """Final punctuation, alone or glued to a word ("M€."), but not an abbreviation ("M.")."""
    if word in _SENTENCE_END:
        return True
    return word[-1:] in ".!?…" and len(word) > 1 and not _ABBREVIATION.match(word)


def sentence_hints(doc: Doc) -> Doc:
    """Fix every sentence boundary before the parser runs.

    A sentence starts after a line break (titles, bullets, paragraphs) or after final
    punctuation followed by a word that is not lower-case. Deciding this by rule keeps the
    parser from cutting sentences inside names it does not know.
    """
    tokens = list(doc)  # one Token object each: indexing a Doc makes a new one every time
    for previous, token in itertools.pairwise(tokens):
        if token.is_space:
            token.is_sent_start = False
        elif "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        else:
            token.is_sent_start = bool(previous.whitespace_) and (
                (_ends_sentence(previous.text) and not token.text[:1].islower())
                or _letter_then_new_sentence(previous, token)
            )
    return doc


def _letter_then_new_sentence(previous: Token, token: Token) -> bool:
    """'... une série C. Le fonds ...': a capital letter and its full stop end the sentence
    when a capitalised determiner or pronoun follows, or when the letter names a series
    ("série A. Kestrane"); otherwise an initial comes before a name."""
    if not (
        len(previous.text) == 2
        and previous.text[0].isupper()
        and previous.text[1] == "."
        and token.text[:1].isupper()
    ):
        return False
    before = previous.nbor(-1).text.lower() if previous.i > 0 else ""
    return token.pos_ in ("DET", "PRON") or before in load_lexicon(previous.lang_).letter_nouns


Language.component("kg_merge_hyphenated")(merge_hyphenated)
Language.component("kg_sentence_hints")(sentence_hints)


@functools.cache
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load the spaCy pipeline once per process, with kg's tokenisation fixes added."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise KGError(
            f"spaCy model {model!r} is not installed; install it with pip "
            f"(it is a dependency of kg: pip install -e .)"
        ) from exc
    nlp.add_pipe("kg_merge_hyphenated", first=True)
    nlp.add_pipe("kg_sentence_hints", before="parser")
    log.debug("loaded %s with pipes %s", model, nlp.pipe_names)
    return nlp


def parse(text: str, nlp: Language | None = None) -> Doc:
    """Parse ``text`` as ``parser_text`` prepares it; token offsets index the original text."""
    return (nlp or load_pipeline())(parser_text(text))
