"""Amounts of money, percentages, ranks and dates, found by rule and normalised.

These are literals of facts, never entities: "8,3 milliards de dollars" becomes
``Quantity(kind="money", value=Decimal("8300000000"), unit="USD")``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from kg.lexicon import Lexicon, load_lexicon

__all__ = ["Quantity", "find_quantities", "parse_number"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A normalised quantity at ``[start, end)`` of the text it was found in.

    ``kind`` is ``money`` (value + ISO 4217 unit; ``measure`` for an amount of revenue, debt
    and the like, which no fact takes), ``percent`` (value, or low/high for a
    range), ``rank`` (value) or ``date`` (date).
    """

    kind: str
    start: int
    end: int
    value: Decimal | None = None
    unit: str | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    date: dt.date | None = None


_MEASURE_REACH = 60  # characters before an amount where the noun it measures may stand
_SENTENCE_END = re.compile(r"[.!?;]\s")
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"


def parse_number(text: str) -> Decimal:
    """French number to Decimal: ``"8,3"`` -> 8.3, ``"15 000"`` -> 15000, ``"1.000.000"``.

    >>> parse_number("8,3"), parse_number("15 000"), parse_number("1.500.000")
    (Decimal('8.3'), Decimal('15000'), Decimal('1500000'))
    """
    compact = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", compact):
        compact = compact.replace(".", "")
    return Decimal(compact.replace(",", "."))


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))  # type: ignore[arg-type]


@functools.cache
def _patterns(lang: str) -> dict[str, re.Pattern[str]]:
    lex = load_lexicon(lang)
    scales = _alternation(lex.scales)
    currencies = _alternation(lex.currencies)
    ordinals = _alternation(lex.ordinals)
    months = _alternation(lex.months)
    weekdays = _alternation(lex.weekdays)
    measures = _alternation(lex.measure_nouns)
    approximations = _alternation(lex.approximations)
    end = r"(?![^\W\d_])"
    return {
        "money": re.compile(
            rf"(?<![\w,.])(?P<num>{_NUMBER})\s*(?:(?P<scale>{scales}){end}\.?\s*)?"
            rf"(?:(?:de|d['’])\s*)?(?P<cur>{currencies}){end}"
        ),
        # "Orvane apporte 18 millions d'euros, le fonds X 8 millions": a scaled number with
        # its currency left out, after an amount of the same sentence
        "money_elided": re.compile(
            rf"(?<![\w,.])(?P<num>{_NUMBER})\s*(?P<scale>{scales}){end}(?!\s*(?:de|d['’]))"
        ),
        "money_prefix": re.compile(
            rf"(?P<cur>[$€£])\s?(?P<num>{_NUMBER})\s*(?:(?P<scale>{scales}){end})?"
        ),
        "measure_after": re.compile(
            rf"\s*(?:(?:de|d['’])\s*|le\s+)(?:{measures})(?!\w)", re.IGNORECASE
        ),
        "measure_before": re.compile(
            rf"(?:{measures})\s+(?:de|d['’])\s*(?:(?:{approximations})\s+)?$", re.IGNORECASE
        ),
        "percent_range": re.compile(
            rf"(?P<between>entre\s+)?(?P<low>{_NUMBER})\s*(?P<first_sign>%\s*)?(?:et|à|-|–)\s*"
            rf"(?P<high>{_NUMBER})\s*"
            r"(?:%|pour\s?cent\b)"
        ),
        "percent": re.compile(rf"(?<![\w,.])(?P<num>{_NUMBER})\s*(?:%|pour\s?cent\b)"),
        "rank_word": re.compile(rf"(?<!\w)(?P<word>{ordinals})(?!\w)", re.IGNORECASE),
        "rank_number": re.compile(r"(?<!\w)(?P<num>\d{1,4})(?:e|er|ère|re|ème|eme)(?!\w)"),
        # "grimpe de la cinquième à la deuxième place": the rank it leaves is no rank it holds
        "rank_left": re.compile(r"(?:\bde\s+la|\bdu)\s+$", re.IGNORECASE),
        "rank_reached": re.compile(r"\s+(?:à\s+la|au)\s+\S", re.IGNORECASE),
        "date_full": re.compile(
            rf"(?<!\w)(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{months})(?:\s+(?P<year>\d{{4}}))?(?!\w)",
            re.IGNORECASE,
        ),
        "weekday": re.compile(
            rf"(?<!\w)(?:(?:ce|le|dernier|ce\s+dernier)\s+)?(?P<weekday>{weekdays})(?!\w)",
            re.IGNORECASE,
        ),
    }


def _money(match: re.Match[str], lex: Lexicon) -> Quantity:
    value = parse_number(match["num"])
    if match["scale"]:
        value *= Decimal(10) ** lex.scales[match["scale"]]
    return Quantity(
        "money",
        match.start(),
        match.end(),
        value=Decimal(int(value)) if value == value.to_integral() else value,
        unit=lex.currencies[match["cur"]],
    )


def _resolve_weekday(weekday: int, anchor: dt.date) -> dt.date:
    """The latest ``weekday`` on or before ``anchor``: news reports the recent past."""
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


def find_quantities(
    text: str, *, offset: int = 0, lang: str = "fr", anchor: dt.date | None = None
) -> list[Quantity]:
    """Every quantity in ``text``; offsets are shifted by ``offset`` (the text's position).

    >>> [(q.kind, q.value, q.unit) for q in find_quantities("a levé 8,3 milliards de dollars")]
    [('money', Decimal('8300000000'), 'USD')]
    """
    lex = load_lexicon(lang)
    pats = _patterns(lang)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(quantity: Quantity) -> None:
        if free(quantity.start, quantity.end):
            taken.append((quantity.start, quantity.end))
            found.append(quantity)

    def add_money(money: Quantity) -> None:
        if pats["measure_after"].match(text, money.end) or pats["measure_before"].search(
            text, max(0, money.start - _MEASURE_REACH), money.start
        ):
            # "180 millions d'euros de chiffre d'affaires": a measure, no deal's amount
            money = dataclasses.replace(money, kind="measure")
        add(money)

    for m in [*pats["money"].finditer(text), *pats["money_prefix"].finditer(text)]:
        add_money(_money(m, lex))
    for m in pats["money_elided"].finditer(text):
        told = [q for q in found if q.kind in ("money", "measure") and q.end <= m.start()]
        if told and not _SENTENCE_END.search(text, told[-1].end, m.start()):
            value = parse_number(m["num"]) * Decimal(10) ** lex.scales[m["scale"]]
            add_money(
                Quantity("money", m.start(), m.end(), value=Decimal(int(value)), unit=told[-1].unit)
            )
    for m in pats["percent_range"].finditer(text):
        low, high = parse_number(m["low"]), parse_number(m["high"])
        # "respectivement 16 % et 11 %" is two shares, not a range: a range rises, and two
        # signed numbers make one only after "entre"
        if low >= high or (m["first_sign"] and not m["between"]):
            continue
        add(Quantity("percent", m.start(), m.end(), low=low, high=high))
    for m in pats["percent"].finditer(text):
        add(Quantity("percent", m.start(), m.end(), value=parse_number(m["num"])))
    for m in pats["date_full"].finditer(text):
        year = int(m["year"]) if m["year"] else (anchor.year if anchor else None)
        if year is None:
            continue
        try:
            date = dt.date(year, lex.months[m["month"].lower()], int(m["day"]))
        except ValueError:
            continue
        add(Quantity("date", m.start(), m.end(), date=date))
    for m in [*pats["rank_word"].finditer(text), *pats["rank_number"].finditer(text)]:
        left = pats["rank_left"].search(text, max(0, m.start() - 8), m.start())
        if left and pats["rank_reached"].match(text, m.end()):
            continue
        value = lex.ordinals[m["word"].lower()] if m.re is pats["rank_word"] else m["num"]
        add(Quantity("rank", m.start(), m.end(), value=Decimal(value)))
    if anchor is not None:
        for m in pats["weekday"].finditer(text):
            date = _resolve_weekday(lex.weekdays[m["weekday"].lower()], anchor)
            add(Quantity("date", m.start(), m.end(), date=date))
    return sorted(
        (
            Quantity(
                q.kind, q.start + offset, q.end + offset, q.value, q.unit, q.low, q.high, q.date
            )
            for q in found
        ),
        key=lambda q: (q.start, q.end, q.kind),
    )
