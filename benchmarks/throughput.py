"""Throughput of ``kg build`` against plain spaCy on the same texts (a benchmark, not a test).

The issue's budget: kg's own rules may cost at most 25 % of spaCy's throughput, i.e. the words
per second of kg's extraction must be at least 0.75 times those of ``nlp.pipe`` alone.

Measured in one process, on the same texts, after a warm-up (one untimed run of every stage:
the first pass of a pipeline over new words is about twice as slow, as its vocabulary grows),
each stage ``--repeat`` times in a rotating order (so that a slow spell of a shared CPU does
not always hit the same stage):

* ``spaCy stock``   -- ``spacy.load("fr_core_news_md")``, ``nlp.pipe(texts)``, for reference;
* ``spaCy (kg)``    -- ``kg.nlp.load_pipeline()`` (the stock pipeline plus kg's two small
  tokenisation components), ``nlp.pipe(texts)``: the baseline of the ratio;
* ``kg build``      -- ``kg.pipeline.build_documents(documents)``: product-code masking, the
  same ``nlp.pipe``, kg's rules, and the RDF graph; no disk I/O;
* ``kg build + Turtle`` -- the same, then ``kg.rdf.to_turtle(graph)`` (skip with ``--no-turtle``).

Words are whitespace-separated words. Each stage's time is the median of the repeats; the
ratio is the median, over the repeats, of (kg words/s) / (spaCy (kg) words/s) measured in the
same repeat, which is robust to the load of a shared machine drifting between repeats. The
same ratio by CPU time of the process is printed too: on a busy machine it varies less.

Texts: the French POPCORN test texts (``../shared/eval/external/popcorn-fr/test.json`` beside
the repository) and the example article; ``--texts`` adds or replaces them with UTF-8 files.

Run: ``.venv/bin/python benchmarks/throughput.py [--limit N] [--repeat R] [--check]``.
Exit status 1 with ``--check`` when the ratio is below ``--min-ratio`` (0.75); otherwise 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
POPCORN = SHARED / "eval" / "external" / "popcorn-fr" / "test.json"
EXAMPLE = REPO / "examples" / "fr-microsoft-mai-openai.txt"
MODEL = "fr_core_news_md"
MIN_RATIO = 0.75


@dataclass(frozen=True)
class Text:
    doc_id: str
    text: str
    source: str


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[], object]
    baseline: bool = False


@dataclass(frozen=True)
class Result:
    name: str
    words: int
    times: tuple[float, ...]  # wall-clock seconds, one per repeat
    cpu_times: tuple[float, ...]  # CPU seconds of this process, one per repeat

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(self.cpu_times)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds


def load_texts(
    paths: Sequence[Path], *, popcorn: bool, limit: int | None, total: int = 0
) -> list[Text]:
    """POPCORN's French test texts (the first ``limit``), the example article, ``paths``, then
    texts made from templates (``templates_fr.py``) until there are ``total``."""
    texts: list[Text] = []
    if popcorn:
        if not POPCORN.is_file():
            sys.exit(f"throughput: {POPCORN} not found (../shared must sit beside the repo)")
        data = json.loads(POPCORN.read_text(encoding="utf-8"))
        items = list(data.items())[:limit] if limit is not None else list(data.items())
        texts += [Text(f"popcorn-{key}", item["text"], f"popcorn:{key}") for key, item in items]
        texts.append(Text("fr-microsoft-mai-openai", EXAMPLE.read_text("utf-8"), EXAMPLE.name))
    for path in paths:
        texts.append(Text(path.stem, path.read_text(encoding="utf-8"), path.name))
    if len(texts) < total:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from templates_fr import texts as template_texts

        made = template_texts(total - len(texts))
        texts += [Text(doc_id, text, "templates_fr") for doc_id, text in made]
    if not texts:
        sys.exit("throughput: no texts")
    return texts


def peak_memory() -> str:
    """Peak resident memory of this process and of its largest child (the parsing workers)."""
    import resource

    main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = f", largest worker process {child:,.0f} MiB" if child else ""
    return f"Peak memory: main process {main:,.0f} MiB{workers} (all stages)."


def word_count(texts: Sequence[Text]) -> int:
    return sum(len(t.text.split()) for t in texts)


def consume(docs: Iterable[object]) -> None:
    for _ in docs:
        pass


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``run()``."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(stages: Sequence[Stage], words: int, repeat: int) -> list[Result]:
    times: dict[str, list[tuple[float, float]]] = {s.name: [] for s in stages}
    for r in range(repeat):
        order = [stages[(r + i) % len(stages)] for i in range(len(stages))]
        for stage in order:
            wall, cpu = timed(stage.run)
            times[stage.name].append((wall, cpu))
            print(
                f"  repeat {r + 1}/{repeat}  {stage.name:<18} {wall:8.2f} s "
                f"{words / wall:9.0f} words/s  (CPU {cpu:.2f} s)",
                file=sys.stderr,
                flush=True,
            )
    return [
        Result(
            s.name,
            words,
            tuple(wall for wall, _ in times[s.name]),
            tuple(cpu for _, cpu in times[s.name]),
        )
        for s in stages
    ]


def paired_ratio(result: Result, baseline: Result, *, cpu: bool = False) -> float:
    """Median over the repeats of this stage's words/s over the baseline's in the same repeat."""
    mine, base = (result.cpu_times, baseline.cpu_times) if cpu else (result.times, baseline.times)
    return statistics.median(b / t for t, b in zip(mine, base, strict=True))


def machine(nlp_meta: dict[str, object]) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("spacy", "thinc", "rdflib", "numpy")
    )
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores "
        f"({usable} usable), load average {load}; Python {platform.python_version()}; "
        f"{versions}; {MODEL} {nlp_meta.get('version', '?')}"
    )


def table(results: Sequence[Result], baseline: Result, notes: dict[str, str]) -> str:
    lines = [
        "| stage | words | seconds (median) | words/s | ratio to spaCy (kg) "
        "| CPU seconds (median) | CPU ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        ratio, cpu_ratio = paired_ratio(result, baseline), paired_ratio(result, baseline, cpu=True)
        lines.append(
            f"| {result.name}{notes.get(result.name, '')} | {result.words:,} | "
            f"{result.seconds:.2f} | {result.words_per_second:,.0f} | {ratio:.2f} | "
            f"{result.cpu_seconds:.2f} | {cpu_ratio:.2f} |"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="use only the first N POPCORN texts")
    parser.add_argument("--repeat", type=int, default=5, help="repeats per stage (default 5)")
    parser.add_argument("--texts", type=Path, nargs="*", default=[], help="more UTF-8 articles")
    parser.add_argument("--no-popcorn", action="store_true", help="only the --texts files")
    parser.add_argument("--no-turtle", action="store_true", help="skip the Turtle stage")
    parser.add_argument("--no-stock", action="store_true", help="skip stock spaCy")
    parser.add_argument(
        "--total", type=int, default=0, help="add template texts until there are N texts"
    )
    parser.add_argument(
        "--n-process", type=int, default=1, help="parsing processes, for spaCy and kg alike"
    )
    parser.add_argument(
        "--warmup", type=int, help="warm up on the first N texts only (default: all)"
    )
    parser.add_argument("--min-ratio", type=float, default=MIN_RATIO)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when kg build's ratio is below --min-ratio"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or (args.limit is not None and args.limit < 0):
        parser.error("--repeat must be >= 1 and --limit >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if str(REPO) not in sys.path:  # run from a checkout without ``pip install -e .``
        sys.path.insert(0, str(REPO))
    import spacy

    from kg.document import make_document
    from kg.nlp import load_pipeline
    from kg.pipeline import build_documents
    from kg.rdf import to_turtle

    texts = load_texts(args.texts, popcorn=not args.no_popcorn, limit=args.limit, total=args.total)
    documents = [make_document(t.text, doc_id=t.doc_id, source=t.source) for t in texts]
    raw = [t.text for t in texts]
    words = word_count(texts)
    print(f"{len(texts)} texts, {words:,} words; loading models", file=sys.stderr, flush=True)

    nlp = load_pipeline()
    n = args.n_process
    pipe = {"n_process": n, "batch_size": 64}  # the batches build_documents sends its workers
    stages: list[Stage] = []
    if not args.no_stock:
        stock = spacy.load(MODEL)
        stages.append(Stage("spaCy stock", lambda: consume(stock.pipe(raw, **pipe))))
    stages.append(Stage("spaCy (kg)", lambda: consume(nlp.pipe(raw, **pipe)), baseline=True))
    stages.append(Stage("kg build", lambda: build_documents(documents, n_process=n)))
    if not args.no_turtle:
        turtle = Stage(
            "kg build + Turtle",
            lambda: to_turtle(build_documents(documents, n_process=n).graph),
        )
        stages.append(turtle)

    # Warm-up: one untimed run of every stage (on all the texts, or the first --warmup). The
    # first pass of a pipeline over new texts is much slower (each new word is added to its
    # vocabulary, buffers grow), and the first extraction loads the ontology and lexicons and
    # compiles patterns.
    print("warm-up", file=sys.stderr, flush=True)
    few = documents[: args.warmup] if args.warmup else documents
    for stage in stages:
        if args.warmup and stage.name.startswith("kg"):
            build_documents(few, n_process=n)
        elif args.warmup:
            consume(nlp.pipe([d.text for d in few], **pipe))
        else:
            stage.run()

    results = measure(stages, words, args.repeat)
    baseline = next(r for r, s in zip(results, stages, strict=True) if s.baseline)
    build = next(r for r in results if r.name == "kg build")
    ratio = paired_ratio(build, baseline)
    notes = {
        "spaCy stock": f' (`spacy.load("{MODEL}")`, `nlp.pipe`)',
        "spaCy (kg)": " (`kg.nlp.load_pipeline()`, `nlp.pipe`)",
        "kg build": " (`build_documents`: parse + rules + RDF graph)",
        "kg build + Turtle": " (+ `to_turtle`)",
    }
    processes = "one process" if n == 1 else f"{n} parsing processes (`n_process`)"
    print(
        f"\n{len(texts)} texts ({words:,} words), median of {args.repeat} repeats, "
        f"{processes}, after a warm-up run of every stage."
    )
    print(f"Machine: {machine(nlp.meta)}\n")
    print(table(results, baseline, notes))
    print(f"\n{peak_memory()}")
    verdict = "ok" if ratio >= args.min_ratio else "BELOW the budget"
    print(
        f"\nkg build / spaCy (kg): {ratio:.2f} (budget >= {args.min_ratio:.2f}: {verdict}); "
        f"ratio of the medians {build.words_per_second / baseline.words_per_second:.2f}; "
        f"by CPU time {paired_ratio(build, baseline, cpu=True):.2f}; "
        f"kg's rules and RDF cost {100 * (1 - ratio):.0f} % of spaCy's throughput."
    )
    return 1 if args.check and ratio < args.min_ratio else 0


if __name__ == "__main__":
    sys.exit(main())
