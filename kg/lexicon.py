"""Language data (numbers, money, dates, ordinals) read from ``kg/data/<lang>.toml``."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from kg.errors import KGError

__all__ = ["Lexicon", "load_lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """Word lists for one language."""

    lang: str
    currencies: dict[str, str]
    scales: dict[str, int]
    ordinals: dict[str, int]
    months: dict[str, int]
    weekdays: dict[str, int]
    approximations: tuple[str, ...]
    #: what an amount that is no deal's amount measures ("de chiffre d'affaires")
    measure_nouns: tuple[str, ...]
    leading_words: frozenset[str]
    legal_suffixes: frozenset[str]
    common_capitalised: frozenset[str]
    division_suffixes: frozenset[str]
    #: nouns presenting a fund, whose name keeps its suffix when shortened ("le fonds X Capital")
    fund_nouns: frozenset[str]
    demonym_endings: tuple[str, ...]
    organization_before: tuple[tuple[str, ...], ...]
    #: verbs whose "à X" is who receives, not where ("cède ses parts à X")
    dative_verbs: frozenset[str]
    demonstratives: frozenset[str]
    definites: frozenset[str]
    joined_compounds: tuple[str, ...]
    #: nouns a capital letter names ("série A"): "série A." ends a sentence
    letter_nouns: frozenset[str]
    #: description noun -> the first noun of its family (see ``[descriptions]``)
    description_families: dict[str, str]
    #: "dernier" of "ce dernier": a demonstrative and this word refer to the last name
    latter: frozenset[str]
    #: nouns a rank is a rank of ("la 4e place", "au 9e rang")
    place_nouns: frozenset[str]
    #: adverbs that may open an apposition giving a rank ("X, désormais deuxième")
    apposition_adverbs: frozenset[str]


@functools.cache
def load_lexicon(lang: str = "fr") -> Lexicon:
    """Load the word lists of ``lang``.

    >>> load_lexicon("fr").scales["milliards"]
    9
    """
    resource = resources.files("kg").joinpath("data", f"{lang}.toml")
    if not resource.is_file():
        raise KGError(f"no language data for {lang!r} (expected kg/data/{lang}.toml)")
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    return Lexicon(
        lang=lang,
        currencies=dict(data["currencies"]),
        scales=dict(data["scales"]),
        ordinals=dict(data["ordinals"]),
        months=dict(data["months"]),
        weekdays=dict(data["weekdays"]),
        approximations=tuple(data["approximations"]["words"]),
        measure_nouns=tuple(data["measures"]["nouns"]),
        leading_words=frozenset(data["names"]["leading"]),
        legal_suffixes=frozenset(data["names"]["legal_suffixes"]),
        common_capitalised=frozenset(data["names"]["common_capitalised"]),
        division_suffixes=frozenset(data["names"]["division_suffixes"]),
        fund_nouns=frozenset(data["names"]["fund_nouns"]),
        demonym_endings=tuple(data["names"]["demonym_endings"]),
        organization_before=tuple(
            tuple(phrase.replace("'", "' ").split())
            for phrase in data["names"]["organization_before"]
        ),
        dative_verbs=frozenset(data["names"]["dative_verbs"]),
        demonstratives=frozenset(data["function_words"]["demonstratives"]),
        definites=frozenset(data["function_words"]["definites"]),
        joined_compounds=tuple(data["parse"]["joined_compounds"]),
        letter_nouns=frozenset(data["parse"]["letter_nouns"]),
        description_families={
            word: family[0] for family in data["descriptions"]["families"] for word in family
        },
        latter=frozenset(data["descriptions"]["latter"]),
        place_nouns=frozenset(data["ranks"]["place_nouns"]),
        apposition_adverbs=frozenset(data["ranks"]["apposition_adverbs"]),
    )
