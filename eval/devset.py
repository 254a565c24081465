"""Score kg on the project's own development set: ``python eval/devset.py [--part heldout]``.

Each ``eval/dev/NN-name.txt`` has a gold file ``NN-name.tsv`` (format of
``../shared/eval/gold/README.md``); ``eval/dev/SPLIT.md`` says which texts are the development
part and which are held out (never looked at while writing rules). A gold comment line
``# date: YYYY-MM-DD`` gives the article date that anchors relative dates ("ce jeudi").

Prints one row per text and the micro-averaged precision, recall and F1 per row kind, summed
over the texts of the chosen part.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys
from pathlib import Path

from kg.document import document_id, make_document
from kg.evaluate import EvalReport, KindScore, evaluate
from kg.pipeline import build_documents
from kg.rdf import to_rdf

DEV = Path(__file__).resolve().parent / "dev"
_DATE = re.compile(r"^#\s*date:\s*(\d{4}-\d{2}-\d{2})", re.MULTILINE)
_FILE = re.compile(r"\b(\d{2,3}-[\w-]+)(?:\.txt|\.tsv)?\b")


def read_split(path: Path = DEV / "SPLIT.md") -> dict[str, list[str]]:
    """Text stems per part ("dev", "heldout"), read from the headings and lists of SPLIT.md."""
    parts: dict[str, list[str]] = {"dev": [], "heldout": []}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        lowered = line.lower()
        if line.startswith("#") or lowered.rstrip(":").endswith(("part", "texts", "held out")):
            if "held" in lowered:
                current = "heldout"
            elif "dev" in lowered:
                current = "dev"
            continue
        if current:
            for stem in _FILE.findall(line):
                if (DEV / f"{stem}.txt").is_file() and stem not in parts[current]:
                    parts[current].append(stem)
    return parts


def _sum(scores: list[KindScore], kind: str) -> KindScore:
    return KindScore(
        kind,
        sum(s.gold for s in scores),
        sum(s.system for s in scores),
        sum(s.matched_gold for s in scores),
        sum(s.matched_system for s in scores),
    )


def score(stems: list[str]) -> tuple[list[tuple[str, EvalReport]], dict[str, KindScore]]:
    """Build every text of ``stems`` (one model load) and evaluate each against its gold."""
    documents = []
    for stem in stems:
        gold_text = (DEV / f"{stem}.tsv").read_text(encoding="utf-8")
        date = _DATE.search(gold_text)
        doc = make_document(
            (DEV / f"{stem}.txt").read_text(encoding="utf-8"),
            doc_id=document_id(stem),
            source=f"{stem}.txt",
        )
        if date:
            doc = dataclasses.replace(doc, date=dt.date.fromisoformat(date.group(1)))
        documents.append(doc)
    result = build_documents(documents)
    reports = []
    for stem, extraction in zip(stems, result.extractions, strict=True):
        reports.append((stem, evaluate(to_rdf([extraction]), DEV / f"{stem}.tsv")))
    totals = {
        kind: _sum([r.scores[i] if kind != "overall" else r.overall for _, r in reports], kind)
        for i, kind in enumerate(("type", "rel", "nary", "overall"))
    }
    return reports, totals


def _row(name: str, s: KindScore) -> str:
    return f"| {name} | {s.gold} | {s.system} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("dev", "heldout", "all"), default="all")
    parser.add_argument("--verbose", action="store_true", help="print misses and false positives")
    args = parser.parse_args(argv)
    split = read_split()
    stems = split["dev"] + split["heldout"] if args.part == "all" else split[args.part]
    reports, totals = score(stems)
    print(f"## {args.part}: {len(stems)} texts\n")
    print("| text | gold | system | P | R | F1 | bad |\n|---|---|---|---|---|---|---|")
    for stem, report in reports:
        print(f"{_row(stem, report.overall)} {len(report.bad)} |")
    print("\n| kind (micro) | gold | system | P | R | F1 |\n|---|---|---|---|---|---|")
    for kind, total in totals.items():
        print(_row(kind, total))
    if args.verbose:
        for stem, report in reports:
            print(f"\n### {stem}")
            for miss in report.misses:
                print(f"- miss: {miss}")
            for fp in report.false_positives:
                print(f"- false positive: {fp}")
            for bad in report.bad:
                print(f"- BAD: {bad}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
