"""French business-news texts made from templates, to size throughput runs (10,000 texts).

Seeded, so a run is reproducible; the names are invented from syllables, the sentences are the
constructions of the business press (funding rounds, appointments, launches, stakes, rumours),
so the parser and kg's rules do the work they do on real articles. Not a quality benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

SYLLABLES = ("ka", "lo", "ver", "mi", "ta", "no", "sel", "ri", "da", "mor", "vu", "len", "bri")
FIRST_NAMES = ("Claire", "Julien", "Sofia", "Karim", "Léa", "Thomas", "Inès", "Marc", "Nadia")
LAST_NAMES = ("Vasseur", "Moreau", "Okafor", "Lemaire", "Da Silva", "Nguyen", "Bertin")
CITIES = ("Lyon", "Nantes", "Bordeaux", "Lille", "Toulouse", "Rennes", "Grenoble")
SUFFIXES = ("", " Labs", " Capital", " Technologies", " Ventures", " Group")
TEMPLATES = (
    "La jeune pousse {a} a levé {n} millions d'euros lors d'un tour de table mené par {b}.",
    "{p}, directrice générale de {a}, veut recruter {k} ingénieurs à {c} d'ici à la fin de "
    "l'année.",
    "Selon des sources proches du dossier, {b} pourrait racheter {a} pour {n} millions d'euros.",
    "{a} a présenté {m}, un modèle de langage entraîné sur des données publiques.",
    "Le groupe {b} détient désormais {k} % du capital de {a}, contre {j} % auparavant.",
    "{a} a démenti toute discussion avec {b}, a indiqué un porte-parole ce mardi.",
    "L'opération valorise {a} à {v} milliard d'euros, selon un communiqué publié lundi.",
    "Fondée en {y} par {p} et {q}, la société {a} emploie {k} personnes à {c}.",
    "« Nous voulons accélérer en Europe », explique {p}, qui dirige {a} depuis {y}.",
    "{m} fonctionne sur des puces fournies par {b}, partenaire de {a} depuis {y}.",
)


def _name(rng: random.Random, suffixes: bool = True) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return word + (rng.choice(SUFFIXES) if suffixes else "")


def texts(count: int, seed: int = 11) -> Iterator[tuple[str, str]]:
    """``count`` (id, text) pairs of 4 to 7 sentences each."""
    rng = random.Random(seed)
    for index in range(count):
        fields = {
            "a": _name(rng, suffixes=False),
            "b": _name(rng),
            "m": f"{_name(rng, suffixes=False)}-{rng.randint(1, 9)}",
            "p": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "q": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "c": rng.choice(CITIES),
            "n": rng.randint(2, 400),
            "k": rng.randint(5, 60),
            "j": rng.randint(1, 4),
            "v": f"{rng.randint(1, 9)},{rng.randint(1, 9)}",
            "y": rng.randint(2008, 2024),
        }
        sentences = rng.sample(TEMPLATES, rng.randint(4, 7))
        yield f"template-{index:05d}", " ".join(s.format(**fields) for s in sentences)
