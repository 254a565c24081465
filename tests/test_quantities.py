from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kg.extract.quantities import find_quantities, parse_number


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("a levé 8,3 milliards de dollars", Decimal("8300000000"), "USD"),
        ("1,3 milliard d'euros", Decimal("1300000000"), "EUR"),
        ("1,3 milliard d’euros", Decimal("1300000000"), "EUR"),
        ("300 M$", Decimal("300000000"), "USD"),
        ("2,5 Md€", Decimal("2500000000"), "EUR"),
        ("15 000 euros", Decimal("15000"), "EUR"),
        ("à environ 500 milliards de dollars", Decimal("500000000000"), "USD"),
        ("$5 milliards", Decimal("5000000000"), "USD"),
        ("40 millions de livres sterling", Decimal("40000000"), "GBP"),
    ],
)
def test_quantities_money_is_normalised(text: str, value: Decimal, unit: str) -> None:
    (q,) = find_quantities(text)
    assert (q.kind, q.value, q.unit) == ("money", value, unit)
    assert q.value == q.value.to_integral()


@pytest.mark.parametrize(
    ("text", "low", "high", "value"),
    [
        ("entre 30 et 35 % d'Orvane", Decimal(30), Decimal(35), None),
        ("de 10 à 12 %", Decimal(10), Decimal(12), None),
        ("30 %", None, None, Decimal(30)),
        ("2,5 pour cent", None, None, Decimal("2.5")),
    ],
)
def test_quantities_percent_and_ranges(
    text: str, low: Decimal | None, high: Decimal | None, value: Decimal | None
) -> None:
    (q,) = find_quantities(text)
    assert (q.kind, q.low, q.high, q.value) == ("percent", low, high, value)


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("treizième mondial", 13),
        ("classé 3e", 3),
        # the rank it leaves is no rank it holds
        ("grimpe de la cinquième à la deuxième place", 2),
        ("recule du 3e au 9e rang", 9),
    ],
)
def test_quantities_ranks(text: str, rank: int) -> None:
    (q,) = find_quantities(text)
    assert (q.kind, q.value) == ("rank", Decimal(rank))


def test_quantities_offsets_point_into_the_text() -> None:
    text = "Hier, X a levé 2,5 Md€ et Y 300 M$."
    found = find_quantities(text, offset=100)
    assert [text[q.start - 100 : q.end - 100] for q in found] == ["2,5 Md€", "300 M$"]


def test_quantities_relative_dates_need_an_anchor() -> None:
    assert [q for q in find_quantities("Ce jeudi, X a lancé Y.") if q.kind == "date"] == []
    anchor = dt.date(2025, 8, 30)  # a Saturday
    (q,) = [q for q in find_quantities("Ce jeudi, X a lancé Y.", anchor=anchor) if q.kind == "date"]
    assert q.date == dt.date(2025, 8, 28)


@pytest.mark.parametrize(
    "text", ["Deux jours plus tard, mercredi, X a investi.", "X a investi ce mercredi."]
)
def test_quantities_weekday_span_is_the_words_not_the_space_before(text: str) -> None:
    # a span that starts on a space lies in no sentence, and its date reaches no fact
    (q,) = find_quantities(text, anchor=dt.date(2025, 10, 9))
    assert (q.date, text[q.start : q.end].split()[-1]) == (dt.date(2025, 10, 8), "mercredi")
    assert not text[q.start].isspace()


@pytest.mark.parametrize(
    ("text", "date"),
    [("le 3 mars 2025", dt.date(2025, 3, 3)), ("le 1er juin 2024", dt.date(2024, 6, 1))],
)
def test_quantities_full_dates(text: str, date: dt.date) -> None:
    (q,) = find_quantities(text)
    assert (q.kind, q.date) == ("date", date)


def test_quantities_plain_numbers_are_not_money() -> None:
    assert find_quantities("15 000 GPU et 2024 serveurs") == []


@pytest.mark.parametrize(
    ("text", "value"), [("8,3", "8.3"), ("15 000", "15000"), ("1.500.000", "1500000"), ("42", "42")]
)
def test_quantities_parse_number(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


def test_quantities_two_signed_percents_are_two_shares_not_a_range() -> None:
    # "respectivement 16 % et 11 %": a range rises and needs "entre" before two signed numbers
    found = find_quantities("détiennent respectivement 16 % et 11 % de son capital")
    assert [(q.kind, q.value, q.low, q.high) for q in found] == [
        ("percent", Decimal(16), None, None),
        ("percent", Decimal(11), None, None),
    ]
    (between,) = find_quantities("entre 10 % et 15 %")
    assert (between.low, between.high) == (Decimal(10), Decimal(15))


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (
            "valorise la société, qui affiche 180 millions d'euros de chiffre d'affaires, à "
            "environ 260 millions d'euros",
            ["measure", "money"],
        ),
        ("un chiffre d'affaires de près de 40 M€ et une levée de 12 M€", ["measure", "money"]),
        ("a levé 45 millions d'euros de fonds propres", ["money"]),
        ("qui porte à 5,1 M€ le total levé depuis la création", ["measure"]),
        ("un total de 12 M€", ["measure"]),
        ("a levé 3 M€ le 4 mars 2025", ["money", "date"]),
    ],
)
def test_quantities_an_amount_of_revenue_is_a_measure(text: str, kinds: list[str]) -> None:
    assert [q.kind for q in find_quantities(text)] == kinds


def test_quantities_an_amount_whose_currency_is_left_out_takes_the_one_before() -> None:
    text = (
        "Vantor Invest apporte 18 millions d'euros, le fonds X 8 millions et Y 4 millions. Elle "
        "compte 2 millions d'utilisateurs. Ses 3 millions ont été investis."
    )
    assert [(q.kind, q.value, q.unit) for q in find_quantities(text)] == [
        ("money", Decimal(18_000_000), "EUR"),
        ("money", Decimal(8_000_000), "EUR"),
        ("money", Decimal(4_000_000), "EUR"),
    ]
