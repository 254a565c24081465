"""kg's HTML graph page against plain pyvis: generation time, size, and first frame in Chromium.

The issue's targets: on a graph of 50,000 nodes, kg's page is generated at least 10x faster
than pyvis's ``from_nx`` + ``write_html``, and draws its first frame in Chromium in under 10 s.

Input graphs (``--sizes``, default 1,000, 10,000 and 50,000 nodes) are made by kg's own code,
as ``kg build`` makes them: synthetic extractions (``synthetic.py``, seeded: the same seed gives
the same graphs, and a smaller graph is built from a prefix of a larger one's documents) ->
``kg.rdf.to_rdf`` (one rdflib graph) -> ``kg.graph.to_networkx``, adding documents until the
graph has at least the requested number of nodes (entities and n-ary facts; the synthetic pool
holds 20,000 entities, so most nodes of a 50k graph are facts). The actual node, edge and
document counts are reported. Each graph is built from scratch, and the RDF graph dropped
before anything is timed. Nothing is written outside a temporary directory (or ``--keep``).

For each graph, in the same process, each of these ``--repeat`` times (a run over ``--slow``
seconds is not repeated; the median is reported):

* ``kg page``   -- ``kg.viz.write_html(nxg, path)``: the self-contained, offline page;
* ``pyvis``     -- ``net = pyvis.network.Network(directed=True); net.from_nx(copy);
  net.write_html(path)``, with pyvis's defaults (physics on, ``cdn_resources="local"``: vis
  from a CDN, ``lib/`` copied beside the page, not counted in its size). ``from_nx`` mutates
  its input, so it gets a fresh ``nxg.copy()`` each run, made outside the timer. It takes kg's
  node and edge attributes as they are (lists and dicts end up as JSON in the page); kg's
  edge keys are not passed on, as ``from_nx`` reads ``edges(data=True)``.

Sizes are those of the HTML files, in MB (10^6 bytes).

First frame (skip with ``--no-browser``): Debian's Chromium, headless, driven by playwright's
sync API, a new browser per page, opens the written file over ``file://``. Every request whose
URL is neither ``file:`` nor ``data:`` is aborted (``page.route``) and counted: kg's page must
make none. kg's page sets ``document.documentElement.dataset.kgDrawn`` to
``performance.now()`` (ms since navigation start) on vis-network's first ``afterDrawing``
event; the script waits for ``html[data-kg-drawn]`` (``--frame-timeout``, 120 s) and reports
that figure, the wall-clock time from the start of ``page.goto`` to the moment playwright saw
the attribute, the nodes in ``window.kgNetwork``, and console errors. A page of more than
``kg.viz.DEFER_EDGES`` edges draws its nodes first and adds its edges right after; it sets
``kgComplete`` once they are drawn, and the table gives that time too ("all edges").
pyvis's page has no such hook: an init script marks its first canvas fill, stroke or text
instead; offline, its vis-network never loads, so after ``--pyvis-frame-timeout`` (15 s) it
is reported as "never (CDN blocked)" (skip it with ``--no-pyvis-browser``).

Run: ``.venv/bin/python benchmarks/viz.py [--sizes 1000,10000,50000] [--repeat R] [--no-browser]
[--no-pyvis] [--keep DIR] [--no-check]``. The default run takes about 8 minutes and 4 GB of
memory (Python's; Chromium's comes after the graph is freed) on 2 cores: 2.5 minutes build the
50k input graph (3M triples in rdflib), over 2 go to pyvis's ``from_nx`` at 50k.

Exit status 1 when a target is missed (unless ``--no-check``): at ``--target-nodes`` (50,000)
nodes or more, the speed-up below 10x or no first frame within 10 s; at any size, kg's page
making a request, logging a console error, or holding a different number of nodes than the graph.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MIN_SPEEDUP = 10.0
MAX_FIRST_FRAME = 10.0  # seconds
TARGET_NODES = 50_000
KG_DRAWN = "html[data-kg-drawn]"
KG_COMPLETE = "html[data-kg-complete]"
BENCH_DRAWN = "html[data-bench-drawn]"
# pyvis's page has no hook: mark the first thing drawn on a canvas (vis draws a whole frame in
# one callback, so this is the first frame to within that frame's drawing time).
_FIRST_CANVAS_DRAW = """(() => {
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["fill", "stroke", "fillText", "drawImage"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      const root = document.documentElement;
      if (root && !root.dataset.benchDrawn) {
        root.dataset.benchDrawn = String(Math.round(performance.now()));
      }
      return original.apply(this, args);
    };
  }
})();"""


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- input graphs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputGraph:
    size: int  # requested nodes
    graph: nx.MultiDiGraph
    documents: int
    triples: int
    seconds: float  # to generate, to_rdf and to_networkx

    @property
    def nodes(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def edges(self) -> int:
        return self.graph.number_of_edges()


def make_graph(size: int, seed: int = 5) -> InputGraph:
    """A kg graph of at least ``size`` nodes: synthetic extractions -> to_rdf -> to_networkx.

    Documents are added until their entities (distinct keys) and facts (one node each) reach
    ``size``: exactly the nodes ``to_networkx`` makes, which is checked.
    """
    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
    from synthetic import POOL_SIZE, DocumentMaker, make_pool

    from kg.graph import to_networkx
    from kg.ontology import load_ontology
    from kg.rdf import to_rdf

    start = time.perf_counter()
    rng = random.Random(seed)
    maker = DocumentMaker(rng, load_ontology("fr"), make_pool(rng, POOL_SIZE))
    extractions = []
    entities: set[str] = set()
    facts = 0
    while len(entities) + facts < size:
        extraction = maker.make(len(extractions))
        extractions.append(extraction)
        entities.update(entity.key for entity in extraction.entities)
        facts += len(extraction.facts)
    documents = len(extractions)
    rdf = to_rdf(extractions)
    triples = len(rdf)
    graph = to_networkx(rdf)
    del rdf, extractions
    gc.collect()
    if graph.number_of_nodes() != len(entities) + facts:
        raise RuntimeError(
            f"to_networkx made {graph.number_of_nodes():,} nodes, "
            f"expected {len(entities) + facts:,} entities and facts"
        )
    return InputGraph(size, graph, documents, triples, time.perf_counter() - start)


# -- pages ------------------------------------------------------------------------------------


@dataclass
class Timing:
    times: list[float] = field(default_factory=list)
    megabytes: float = 0.0
    error: str = ""

    @property
    def seconds(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def timed_runs(
    run: Callable[[Any], Path], repeat: int, slow: float, prepare: Callable[[], Any] = lambda: None
) -> Timing:
    """``run(prepare())`` ``repeat`` times, not again after a run over ``slow`` s (``prepare``
    is not timed); the size of the page written."""
    timing = Timing()
    while len(timing.times) < repeat:
        arg = prepare()
        gc.collect()
        start = time.perf_counter()
        try:
            path = run(arg)
        except Exception as error:  # a benchmark reports a failure and goes on
            timing.error = f"{type(error).__name__}: {error}"
            return timing
        timing.times.append(time.perf_counter() - start)
        timing.megabytes = path.stat().st_size / 1e6
        del arg
        if timing.times[-1] > slow:
            break
    return timing


def kg_page(graph: nx.MultiDiGraph, path: Path) -> Path:
    from kg.viz import write_html

    return write_html(graph, path)


def pyvis_page(graph: nx.MultiDiGraph, path: Path) -> Path:
    """Plain pyvis, its defaults; ``graph`` is mutated by ``from_nx`` (pass a copy)."""
    from pyvis.network import Network

    # write_html copies lib/ (local scripts the page loads) into the current directory
    with contextlib.chdir(path.parent):
        net = Network(directed=True)
        net.from_nx(graph)
        net.write_html(str(path))
    return path


# -- first frame in Chromium --------------------------------------------------------------------


@dataclass
class Frame:
    drawn_ms: float | None = None  # performance.now() at the first frame, ms since navigation
    wall: float | None = None  # s from page.goto to playwright seeing the first frame
    blocked: list[str] = field(default_factory=list)  # requests neither file: nor data:
    errors: list[str] = field(default_factory=list)  # console errors and page errors
    nodes: int | None = None  # nodes in window.kgNetwork
    complete_ms: float | None = None  # performance.now() once every edge is drawn (kg's page)
    failure: str = ""  # why there is no figure (timeout, crash)

    @property
    def seconds(self) -> float | None:
        return self.drawn_ms / 1000 if self.drawn_ms is not None else None


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def first_frame(playwright: Any, path: Path, *, kg: bool, timeout: float) -> Frame:
    """Open ``path`` in a new headless Chromium and wait for its first drawn frame."""
    frame = Frame()
    browser = launch(playwright)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        def route(request_route: Any) -> None:
            url = request_route.request.url
            if url.startswith(("file:", "data:")):
                request_route.continue_()
            else:
                frame.blocked.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and frame.errors.append(m.text))
        page.on("pageerror", lambda e: frame.errors.append(f"page error: {e}"))
        if not kg:
            page.add_init_script(_FIRST_CANVAS_DRAW)
        selector, attribute = (KG_DRAWN, "kgDrawn") if kg else (BENCH_DRAWN, "benchDrawn")
        start = time.perf_counter()
        try:
            page.goto(path.resolve().as_uri(), wait_until="commit", timeout=timeout * 1000)
            page.wait_for_selector(selector, state="attached", timeout=timeout * 1000)
        except Exception as error:
            frame.failure = type(error).__name__
            if "Timeout" in frame.failure:
                frame.failure = f"not within {timeout:g} s"
            return frame
        frame.wall = time.perf_counter() - start
        frame.drawn_ms = float(page.evaluate(f"() => document.documentElement.dataset.{attribute}"))
        if kg:
            # a page with very many edges draws its nodes first, then adds the edges
            page.wait_for_selector(KG_COMPLETE, state="attached", timeout=timeout * 1000)
            frame.complete_ms = float(
                page.evaluate("() => document.documentElement.dataset.kgComplete")
            )
            frame.nodes = page.evaluate(
                "() => window.kgNetwork ? window.kgNetwork.body.data.nodes.length : null"
            )
    finally:
        browser.close()
    return frame


def chromium_version(playwright: Any) -> str:
    browser = launch(playwright)
    try:
        return browser.version
    finally:
        browser.close()


# -- report ---------------------------------------------------------------------------------------


@dataclass
class Row:
    size: int
    nodes: int
    edges: int
    documents: int
    kg: Timing
    pyvis: Timing | None = None  # None: not measured (--no-pyvis)
    frame: Frame | None = None  # None: not measured (--no-browser)
    pyvis_frame: Frame | None = None

    @property
    def speedup(self) -> float | None:
        if self.pyvis is None or self.pyvis.seconds is None or not self.kg.seconds:
            return None
        return self.pyvis.seconds / self.kg.seconds


def misses(rows: Sequence[Row], target_nodes: int = TARGET_NODES) -> list[str]:
    """The targets missed: those of the issue at ``target_nodes`` nodes or more, and at any
    size a failed page, a request from kg's page, a console error or nodes lost on the way."""
    missed: list[str] = []
    for row in rows:
        at = f"{row.nodes:,} nodes"
        for name, timing in (("kg page", row.kg), ("pyvis", row.pyvis)):
            if timing is not None and timing.error:
                missed.append(f"{at}: {name} failed ({timing.error})")
        if row.frame is not None:
            if row.frame.blocked:
                missed.append(f"{at}: kg's page made {len(row.frame.blocked)} request(s)")
            if row.frame.errors:
                missed.append(f"{at}: kg's page logged {len(row.frame.errors)} console error(s)")
            if row.frame.nodes is not None and row.frame.nodes != row.nodes:
                missed.append(f"{at}: kg's page holds {row.frame.nodes:,} nodes")
        if row.nodes < target_nodes:
            continue
        speedup = row.speedup
        if speedup is not None and speedup < MIN_SPEEDUP:
            missed.append(f"{at}: kg's page only {speedup:.1f}x faster than pyvis")
        if row.frame is not None:
            seconds = row.frame.seconds
            if seconds is None:
                missed.append(f"{at}: no first frame in Chromium ({row.frame.failure})")
            elif seconds >= MAX_FIRST_FRAME:
                missed.append(f"{at}: first frame after {seconds:.1f} s")
    return missed


def _seconds(timing: Timing | None) -> str:
    if timing is None:
        return "skipped"
    if timing.seconds is None:
        return "failed"
    runs = f" ({len(timing.times)} runs)" if len(timing.times) > 1 else ""
    return f"{timing.seconds:.2f}{runs}"


def _size(timing: Timing | None) -> str:
    return f"{timing.megabytes:.1f}" if timing and timing.times else "-"


def _frame(frame: Frame | None, *, pyvis: bool = False) -> str:
    if frame is None:
        return "skipped"
    if frame.seconds is None:
        if pyvis and frame.blocked:
            return f"never (CDN blocked, {len(frame.blocked)} requests)"
        return f"never ({frame.failure})"
    text = f"{frame.seconds:.2f} (wall {frame.wall:.2f})"
    if frame.complete_ms is not None and frame.complete_ms > (frame.drawn_ms or 0):
        text += f", all edges {frame.complete_ms / 1000:.2f}"
    if frame.blocked:
        text += f", {len(frame.blocked)} requests blocked"
    if frame.errors:
        text += f", {len(frame.errors)} console errors"
    return text


def table(rows: Sequence[Row]) -> str:
    """The Markdown table: one row per graph."""
    pyvis_frames = any(row.pyvis_frame is not None for row in rows)
    head = [
        "nodes",
        "edges",
        "documents",
        "kg page (s)",
        "kg size (MB)",
        "pyvis from_nx + write_html (s)",
        "pyvis size (MB)",
        "speed-up",
        "first frame in Chromium (s)",
    ] + (["pyvis page first frame (s)"] if pyvis_frames else [])
    lines = ["| " + " | ".join(head) + " |", "|" + " ---: |" * len(head)]
    for row in rows:
        speedup = row.speedup
        cells = [
            f"{row.nodes:,}",
            f"{row.edges:,}",
            f"{row.documents:,}",
            _seconds(row.kg),
            _size(row.kg),
            _seconds(row.pyvis),
            _size(row.pyvis),
            f"{speedup:.1f}x" if speedup is not None else "-",
            _frame(row.frame),
        ] + ([_frame(row.pyvis_frame, pyvis=True)] if pyvis_frames else [])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine(chromium: str = "") -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from hostinfo import describe

    return describe(("pyvis", "networkx", "playwright")) + f"; Chromium {chromium or 'not run'}"


# -- main -----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,50000",
        type=lambda text: sorted({int(s) for s in text.split(",") if s.strip()}),
        help="nodes of the input graphs, comma-separated (default 1000,10000,50000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per page (median)")
    parser.add_argument("--slow", type=float, default=20.0, help="do not repeat runs over this")
    parser.add_argument("--seed", type=int, default=5, help="seed of the synthetic corpus")
    parser.add_argument("--no-browser", action="store_true", help="skip the first frames")
    parser.add_argument("--no-pyvis", action="store_true", help="skip plain pyvis")
    parser.add_argument(
        "--no-pyvis-browser", action="store_true", help="skip the first frame of pyvis's page"
    )
    parser.add_argument(
        "--frame-timeout", type=float, default=120.0, help="s to wait for kg's first frame"
    )
    parser.add_argument(
        "--pyvis-frame-timeout", type=float, default=15.0, help="s to wait for pyvis's"
    )
    parser.add_argument(
        "--target-nodes", type=int, default=TARGET_NODES, help="the targets hold from this size"
    )
    parser.add_argument("--keep", type=Path, help="write the pages here instead of a temp dir")
    parser.add_argument("--no-check", action="store_true", help="exit 0 whatever the figures")
    args = parser.parse_args(argv)
    if args.repeat < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--repeat and --sizes must be >= 1")
    return args


def write_pages(made: InputGraph, out: Path, args: argparse.Namespace) -> Row:
    """Time kg's page and pyvis's on one graph."""
    graph, size = made.graph, made.size
    row = Row(size, made.nodes, made.edges, made.documents, Timing())
    row.kg = timed_runs(lambda _: kg_page(graph, out / f"kg-{size}.html"), args.repeat, args.slow)
    _progress(f"  kg page: {_seconds(row.kg)} s, {_size(row.kg)} MB {row.kg.error}")
    if not args.no_pyvis:
        row.pyvis = timed_runs(
            lambda copy: pyvis_page(copy, out / f"pyvis-{size}.html"),
            args.repeat,
            args.slow,
            prepare=graph.copy,
        )
        _progress(f"  pyvis: {_seconds(row.pyvis)} s, {_size(row.pyvis)} MB {row.pyvis.error}")
    return row


def open_pages(row: Row, out: Path, args: argparse.Namespace, playwright: Any) -> None:
    """The first frames of the pages :func:`write_pages` wrote, in Chromium."""
    if row.kg.times:
        path = out / f"kg-{row.size}.html"
        row.frame = first_frame(playwright, path, kg=True, timeout=args.frame_timeout)
        _progress(f"  kg page in Chromium: {_frame(row.frame)}")
        for message in row.frame.errors[:5]:
            _progress(f"    console: {message[:300]}")
    if row.pyvis is not None and row.pyvis.times and not args.no_pyvis_browser:
        path = out / f"pyvis-{row.size}.html"
        row.pyvis_frame = first_frame(playwright, path, kg=False, timeout=args.pyvis_frame_timeout)
        _progress(f"  pyvis page in Chromium: {_frame(row.pyvis_frame, pyvis=True)}")


def measure(size: int, out: Path, args: argparse.Namespace, playwright: Any) -> Row:
    """Every figure of one row: build the graph, write both pages, open them."""
    _progress(f"{size:,} nodes: building the input graph")
    made = make_graph(size, args.seed)
    _progress(
        f"  {made.nodes:,} nodes, {made.edges:,} edges from {made.documents:,} documents "
        f"({made.triples:,} triples) in {made.seconds:.1f} s"
    )
    row = write_pages(made, out, args)
    del made  # the browser gets the machine's memory to itself
    gc.collect()
    if playwright is not None:
        open_pages(row, out, args, playwright)
    return row


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if str(REPO) not in sys.path:  # run from a checkout without ``pip install -e .``
        sys.path.insert(0, str(REPO))
    start = time.perf_counter()
    rows: list[Row] = []
    chromium = ""
    with contextlib.ExitStack() as stack:
        if args.keep:
            out = args.keep.resolve()
            out.mkdir(parents=True, exist_ok=True)
        else:
            out = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-viz-bench-")))
        playwright = None
        if not args.no_browser:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            chromium = chromium_version(playwright)
        for size in args.sizes:
            rows.append(measure(size, out, args, playwright))
    missed = misses(rows, args.target_nodes)
    print(
        f"\nkg's page (`kg.viz.write_html`) against plain pyvis (`from_nx` + `write_html`) on "
        f"synthetic kg graphs (seed {args.seed}); median of up to {args.repeat} runs "
        f"(runs over {args.slow:g} s not repeated); first frame: `performance.now()` at "
        f"vis-network's first `afterDrawing`, wall-clock from `page.goto` in brackets.\n"
        f"Machine: {machine(chromium)}\n"
    )
    print(table(rows))
    print(
        f"\nTargets at {args.target_nodes:,} nodes or more: kg's page at least {MIN_SPEEDUP:g}x "
        f"faster to generate than pyvis, first frame in Chromium under {MAX_FIRST_FRAME:g} s."
    )
    if not any(row.nodes >= args.target_nodes for row in rows):
        print(f"No graph of {args.target_nodes:,} nodes or more: the targets were not checked.")
    if missed:
        print("Targets missed: " + "; ".join(missed))
    else:
        print("The targets hold (those measured).")
    if args.keep:
        print(f"Pages kept in {out}")
    _progress(f"done in {time.perf_counter() - start:.0f} s")
    return 1 if missed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
