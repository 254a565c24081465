"""kg's Oxigraph-backed store against rdflib's Memory store, in one run, on the same data.

The issue's target: on 1M triples shaped like kg's output, the default store answers each
shipped query at least 10x faster than rdflib's Memory store and uses at most half its memory.

The data is a synthetic corpus written by kg's own ``kg.rdf.to_rdf`` (``synthetic.py``): one
named graph per document, as ``kg build --store`` makes, in one N-Quads file. Each store is
measured in a child process of its own, one after the other, so that neither one's memory or
garbage pollutes the other's figures:

* ``oxigraph`` -- ``kg.store.open_store()`` (in memory) and a bulk load of the N-Quads file;
* ``rdflib``   -- ``rdflib.Dataset(default_union=True)`` (the Memory store) parsing the file.

Both query the union of the named graphs, as ``kg query`` does. For each shipped query
(``kg.sparql.shipped_queries()``) both run the text ``kg query`` sends: the query with kg's
predeclared prefixes and its parameters bound as ``kg query`` binds them (``name`` and ``about``
get the label of the entity mentioned in most documents). rdflib's engine has no LATERAL, so it
runs the query as ``kg query`` runs it on an rdflib graph: ``kg.sparql.standard_form``, each
label lookup a plain join (the same rows, checked below). It is timed as
``kg.sparql.query`` runs it, from the query text until every row is read into display cells:
Oxigraph's own terms for the store (``kg.sparql._run_native``), rdflib's terms for rdflib. Each
time is the median of ``--repeat`` runs (a run over ``--slow`` seconds is not repeated), and
both stores must return the same rows. Memory is the resident set size (``VmRSS``) after the
load minus before it, and the peak (``VmHWM``) during the load. ``to_networkx`` is timed on
the union of each store copied into an in-memory ``Graph`` (``kg.store.union_graph`` for
Oxigraph, as ``kg build`` does; the same copy from rdflib's Dataset), copy included.

Run: ``.venv/bin/python benchmarks/store.py [--triples N] [--repeat R] [--no-check]``. Exit
status 1 when a ratio misses the target (unless ``--no-check``) or a store fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
STORES = ("rdflib", "oxigraph")
MIN_SPEEDUP = 10.0
MAX_MEMORY_RATIO = 0.5


# -- child process: one store ----------------------------------------------------------------


def _status(field_name: str) -> float:
    """A ``/proc/self/status`` figure (``VmRSS``, ``VmHWM``) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field_name} in /proc/self/status (Linux only)")


def run_query(dataset: Any, text: str) -> list[tuple[str, ...]]:
    """``kg.sparql.query`` on the Oxigraph store: the engine's rows read into display cells."""
    from kg.sparql import _run_native

    return list(_run_native(dataset, text).rows)


def run_rdflib(dataset: Any, text: str) -> list[tuple[str, ...]]:
    """The same on rdflib's engine: its rows, as rdflib terms, read into the same cells."""
    from kg.sparql import _cell

    result = dataset.query(text)
    variables = list(result.vars or ())
    return [tuple(_cell(row[v])[0] for v in variables) for row in result]  # type: ignore[index]


def query_text(name: str, params: dict[str, str], kind: str = "oxigraph") -> str:
    """The text ``kg query NAME --param ...`` sends to the engine of store ``kind``."""
    from kg.sparql import _bind, _with_prefixes, shipped_queries, standard_form

    shipped = shipped_queries()[name]
    wanted = {key: value for key, value in params.items() if key in dict(shipped.params)}
    text = _with_prefixes(_bind(shipped.text, wanted))[0]
    return text if kind == "oxigraph" else standard_form(text)


def _emit(**record: Any) -> None:
    print(json.dumps(record), flush=True)


def run_child(kind: str, data: Path, queries: Sequence[str], params: dict[str, str], args) -> None:
    """Load ``data`` into one store and print one JSON line per measurement."""
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    from kg.graph import to_networkx
    from kg.rdf import bind_prefixes
    from kg.store import native, open_store, union_graph

    def rdflib_union(dataset: Dataset) -> Graph:
        # to_networkx wants triples: the rdflib counterpart of kg.store.union_graph
        graph = bind_prefixes(Graph(bind_namespaces="core"))
        graph.addN((s, p, o, graph) for s, p, o in dataset.triples((None, None, None)))
        return graph

    gc.collect()
    before = _status("VmRSS")
    start = time.perf_counter()
    if kind == "oxigraph":
        dataset = open_store()
        native(dataset).bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        quads = len(native(dataset))
    else:
        dataset = Dataset(default_union=True)
        dataset.parse(str(data), format="nquads")
        quads = sum(len(graph) for graph in dataset.graphs())
    load = time.perf_counter() - start
    gc.collect()
    _emit(
        kind="load",
        seconds=load,
        quads=quads,
        rss=_status("VmRSS") - before,
        peak=_status("VmHWM") - before,
    )
    for name in queries:
        if name == "networkx":
            start = time.perf_counter()
            graph = union_graph(dataset) if kind == "oxigraph" else rdflib_union(dataset)
            copy = time.perf_counter() - start
            nxg = to_networkx(graph)
            total = time.perf_counter() - start
            del graph
            _emit(
                kind="networkx",
                seconds=total,
                copy=copy,
                nodes=nxg.number_of_nodes(),
                edges=nxg.number_of_edges(),
            )
            continue
        text = query_text(name, params, kind)
        times: list[float] = []
        rows: list[tuple[str, ...]] = []
        while len(times) < args.repeat:
            start = time.perf_counter()
            rows = run_query(dataset, text) if kind == "oxigraph" else run_rdflib(dataset, text)
            times.append(time.perf_counter() - start)
            if times[-1] > args.slow:
                break
        _emit(
            kind="query",
            name=name,
            seconds=statistics.median(times),
            runs=len(times),
            rows=len(rows),
            answer=hash_rows(rows),
        )


def hash_rows(rows: list[tuple[str, ...]]) -> str:
    import hashlib

    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:16]


# -- parent process: data, children, table --------------------------------------------------


@dataclass
class StoreRun:
    kind: str
    load: dict[str, Any] = field(default_factory=dict)
    queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def _child_command(kind: str, data: Path, queries: Sequence[str], args) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child", kind,
        "--data", str(data),
        "--queries", ",".join(queries),
        "--param-value", args.param_value,
        "--repeat", str(args.repeat),
        "--slow", str(args.slow),
    ]  # fmt: skip


def _lines(process: subprocess.Popen[str]) -> Iterator[dict[str, Any]]:
    """The JSON records of the child's stdout, until it exits (or is killed)."""
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("{"):
            yield json.loads(line)


def measure(kind: str, data: Path, queries: Sequence[str], args) -> StoreRun:
    """Run children for one store until every measurement is done or has failed.

    A child that dies (out of memory) or overruns ``--timeout`` on a query is killed; the query
    is reported as failed and a new child (with a new load) goes on with the next ones.
    """
    run = StoreRun(kind)
    pending = list(queries)
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    while True:
        print(
            f"  {kind}: loading, then {', '.join(pending) or 'nothing'}",
            file=sys.stderr,
            flush=True,
        )
        with subprocess.Popen(
            _child_command(kind, data, pending, args), stdout=subprocess.PIPE, text=True, env=env
        ) as process:
            timer = _Killer(process, args.timeout)
            for record in _lines(process):
                timer.reset()
                if record["kind"] == "load":
                    run.load = record
                else:
                    name = record.get("name", "networkx")
                    run.queries[name] = record
                    pending.remove(name)
                    print(f"    {name}: {record['seconds']:.3f} s", file=sys.stderr, flush=True)
            timer.stop()
            process.wait()
        if not pending:
            return run
        why = "timed out" if timer.fired else f"the child exited with status {process.returncode}"
        if not run.load:
            run.failures["load"] = why
            return run
        run.failures[pending.pop(0)] = why
        if not pending:
            return run


class _Killer:
    """Kills a child that has printed nothing for ``seconds`` (a query that never ends)."""

    def __init__(self, process: subprocess.Popen[str], seconds: float) -> None:
        import threading

        self.process, self.seconds, self.fired = process, seconds, False
        self._event = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._last = time.monotonic()
        self._thread.start()

    def _watch(self) -> None:
        while not self._event.wait(1.0):
            if time.monotonic() - self._last > self.seconds and self.process.poll() is None:
                self.fired = True
                self.process.kill()
                return

    def reset(self) -> None:
        self._last = time.monotonic()

    def stop(self) -> None:
        self._event.set()


def machine() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from hostinfo import describe

    return describe(("pyoxigraph", "oxrdflib", "rdflib"))


def _ms(record: dict[str, Any] | None) -> str:
    return f"{record['seconds'] * 1000:,.0f}" if record else "failed"


def report(runs: dict[str, StoreRun], queries: Sequence[str]) -> tuple[str, list[str]]:
    """The Markdown table and the list of targets missed."""
    base, ox = runs["rdflib"], runs["oxigraph"]
    missed: list[str] = []
    lines = [
        "| query | rows | rdflib Memory (ms) | Oxigraph store (ms) | speed-up |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in queries:
        if name == "networkx":
            continue
        b, o = base.queries.get(name), ox.queries.get(name)
        speedup = b["seconds"] / o["seconds"] if b and o else 0.0
        rows = str(o["rows"]) if o else str(b["rows"]) if b else "?"
        if b and o and b["answer"] != o["answer"]:
            rows += " (rows differ!)"
            missed.append(f"{name}: the stores return different rows")
        if b and o and speedup < MIN_SPEEDUP:
            missed.append(f"{name}: speed-up {speedup:.1f} < {MIN_SPEEDUP:g}")
        shown = f"{speedup:.1f}x" if speedup else "-"
        lines.append(f"| `{name}` | {rows} | {_ms(b)} | {_ms(o)} | {shown} |")
    lines += ["", "| | rdflib Memory | Oxigraph store | ratio |", "| --- | ---: | ---: | ---: |"]
    bl, ol = base.load, ox.load
    if bl and ol:
        memory = ol["rss"] / bl["rss"]
        if memory > MAX_MEMORY_RATIO:
            missed.append(f"memory ratio {memory:.2f} > {MAX_MEMORY_RATIO:g}")
        lines += [
            f"| load (s) | {bl['seconds']:.2f} | {ol['seconds']:.2f} "
            f"| {bl['seconds'] / ol['seconds']:.1f}x faster |",
            f"| resident memory after load (MiB) | {bl['rss']:,.0f} | {ol['rss']:,.0f} "
            f"| {memory:.2f} |",
            f"| peak memory during load (MiB) | {bl['peak']:,.0f} | {ol['peak']:,.0f} "
            f"| {ol['peak'] / bl['peak']:.2f} |",
        ]
    else:
        missed.append("a store failed to load")
    bn, on = base.queries.get("networkx"), ox.queries.get("networkx")
    if bn and on:
        lines.append(
            f"| RDF to networkx (s), copy included | {bn['seconds']:.2f} "
            f"(copy {bn['copy']:.2f}) | {on['seconds']:.2f} (copy {on['copy']:.2f}) "
            f"| {bn['seconds'] / on['seconds']:.1f}x faster |"
        )
        if (bn["nodes"], bn["edges"]) != (on["nodes"], on["edges"]):
            missed.append("networkx graphs differ between the stores")
    for run in runs.values():
        for what, why in run.failures.items():
            missed.append(f"{run.kind} {what}: {why}")
    return "\n".join(lines), missed


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="quads to generate")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query (median)")
    parser.add_argument("--seed", type=int, default=5, help="seed of the synthetic corpus")
    parser.add_argument("--slow", type=float, default=30.0, help="do not repeat runs over this")
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds a child may stay silent"
    )
    parser.add_argument("--data", type=Path, help="use this N-Quads file instead of generating")
    parser.add_argument("--no-check", action="store_true", help="exit 0 whatever the ratios")
    # internal: one store in a child process
    parser.add_argument("--child", choices=STORES, help=argparse.SUPPRESS)
    parser.add_argument("--queries", default="", help=argparse.SUPPRESS)
    parser.add_argument("--param-value", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.triples < 1:
        parser.error("--repeat and --triples must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if str(REPO) not in sys.path:  # run from a checkout without ``pip install -e .``
        sys.path.insert(0, str(REPO))
    params = {"name": args.param_value, "about": args.param_value}
    if args.child:
        run_child(args.child, args.data, [q for q in args.queries.split(",") if q], params, args)
        return 0

    from kg.sparql import shipped_queries

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import write_nquads

    with tempfile.TemporaryDirectory(prefix="kg-store-bench-") as tmp:
        data = args.data or Path(tmp) / "corpus.nq"
        start = time.perf_counter()
        with data.open("wb") as out:
            corpus = write_nquads(out, args.triples, seed=args.seed)
        print(
            f"generated {corpus.quads:,} quads in {corpus.documents:,} documents "
            f"({time.perf_counter() - start:.1f} s); most mentioned entity: {corpus.top_label!r}",
            file=sys.stderr,
            flush=True,
        )
        args.param_value = corpus.top_label
        queries = [*shipped_queries(), "networkx"]
        runs = {kind: measure(kind, data, queries, args) for kind in STORES}

    table, missed = report(runs, queries)
    print(
        f"\n{corpus.quads:,} quads ({corpus.documents:,} documents, one named graph each), "
        f"`entity` and `evidence` about {corpus.top_label!r}; median of {args.repeat} runs.\n"
        f"Machine: {machine()}\n"
    )
    print(table)
    if missed:
        print("\nTargets missed: " + "; ".join(missed))
    else:
        print(
            f"\nEvery query at least {MIN_SPEEDUP:g}x faster and memory at most "
            f"{MAX_MEMORY_RATIO:g} of rdflib's: the targets hold."
        )
    return 1 if missed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
