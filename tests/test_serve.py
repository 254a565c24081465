"""kg serve and kg push against real Oxigraph servers on free loopback ports.

Every server runs in a temporary directory and is stopped when its test ends, passed or not
(``OxigraphServer`` is a context manager; the ``kg serve`` subprocesses are killed in a
finalizer). Select these tests with ``pytest -m serve``.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner, Result

from kg.cli import app
from kg.errors import InputError, ServerError
from kg.ontology import KG
from kg.pipeline import BuildResult
from kg.push import push
from kg.serve import (
    DEFAULT_HOST,
    Endpoint,
    OxigraphServer,
    free_port,
    serve,
    server_command,
)
from kg.store import native, open_store, put_graph

pytestmark = pytest.mark.serve

REPO = Path(__file__).resolve().parents[1]
A = URIRef("https://w3id.org/kg/id/doc/a")
B = URIRef("https://w3id.org/kg/id/doc/b")
X = URIRef("https://w3id.org/kg/id/entity/x")
#: Seconds any single wait of these tests may take before it fails.
WAIT = 30.0


def _graph(*labels: str) -> Graph:
    """A small graph with a language-tagged label per text, a blank node and a decimal.

    The decimal has a fraction: Oxigraph writes a whole decimal without ".0", as rdflib
    does not, and the graphs compared here must be equal term for term.
    """
    g = Graph()
    for label in labels:
        g.add((X, RDFS.label, Literal(label, lang="fr")))
    node = BNode()
    g.add((X, RDFS.seeAlso, node))
    g.add((node, RDFS.comment, Literal("8.3", datatype=XSD.decimal)))
    return g


def _make_store(location: Path, graphs: dict[URIRef, Graph]) -> Path:
    dataset = open_store(location)
    for name, graph in graphs.items():
        put_graph(dataset, name, graph)
    dataset.close()
    return location


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A store directory with two documents' named graphs."""
    return _make_store(tmp_path / "source", {A: _graph("a 1", "a 2"), B: _graph("b")})


@pytest.fixture
def target(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A read-write Oxigraph server with an empty store in a temporary directory."""
    with OxigraphServer(tmp_path / "target", allow_update=True) as server:
        yield server


# ---------------------------------------------------------------------------
# Talking to a server the way any SPARQL client does
# ---------------------------------------------------------------------------


# No proxy from the environment can reach these loopback servers.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str, accept: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with _DIRECT.open(request, timeout=WAIT) as response:
        return response.read()  # type: ignore[no-any-return]


def _select(endpoint: Endpoint, sparql: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the SPARQL 1.1 Query protocol (GET /query), values as text."""
    body = _get(
        endpoint.query + "?" + urlencode({"query": sparql}), "application/sparql-results+json"
    )
    return [
        {name: cell["value"] for name, cell in row.items()}
        for row in json.loads(body)["results"]["bindings"]
    ]


def _remote_graph(endpoint: Endpoint, name: URIRef | None) -> Graph:
    """The named graph ``name`` (None: the default graph) as the server holds it."""
    if name is None:  # with the union default graph, only the Graph Store sees the real one
        url = endpoint.store + "?default"
    else:
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        url = endpoint.query + "?" + urlencode({"query": sparql})
    return Graph().parse(data=_get(url, "application/n-triples"), format="nt")


def _ask(endpoint: Endpoint) -> bool:
    """Whether the server answers a query: ASK {} is true."""
    body = _get(endpoint.query + "?query=ASK%7B%7D", "application/sparql-results+json")
    return bool(json.loads(body)["boolean"])


def _remote_names(endpoint: Endpoint) -> list[str]:
    rows = _select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    return [row["g"] for row in rows]


def _update(endpoint: Endpoint, sparql: str) -> int:
    """POST a SPARQL update; the HTTP status."""
    request = urllib.request.Request(
        endpoint.update,
        data=sparql.encode(),
        headers={"Content-Type": "application/sparql-update"},
        method="POST",
    )
    try:
        with _DIRECT.open(request, timeout=WAIT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _dumped(dataset: Dataset, name: URIRef) -> Graph:
    """The graph ``name`` of an Oxigraph-backed dataset, in Oxigraph's lexical forms."""
    data = native(dataset).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
    return Graph().parse(data=data, format="nt")


def _stored(location: Path, name: URIRef) -> Graph:
    """What the store directory holds in the graph ``name``."""
    dataset = open_store(location, create=False)
    graph = _dumped(dataset, name)
    dataset.close()
    return graph


def _one_line(error: BaseException) -> str:
    message = str(error)
    assert "\n" not in message, message
    return message


# ---------------------------------------------------------------------------
# The server command
# ---------------------------------------------------------------------------


def test_server_command_is_read_only_on_loopback_with_the_union_default_graph() -> None:
    command = server_command("store")
    assert Path(command[0]).name.startswith("oxigraph")
    assert command[1:] == [
        "serve-read-only",
        "--location",
        "store",
        "--bind",
        "127.0.0.1:7878",
        "--union-default-graph",
    ]
    assert server_command("store", "::1", 9000, allow_update=True)[1:6] == [
        "serve",
        "--location",
        "store",
        "--bind",
        "[::1]:9000",
    ]


def test_a_server_refuses_what_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a kg store directory"):
        OxigraphServer(tmp_path)
    with pytest.raises(InputError, match="not a kg store directory"):
        OxigraphServer(tmp_path, allow_update=True)  # not empty: never written into
    with pytest.raises(InputError, match="no such store directory"):
        OxigraphServer(tmp_path / "absent")
    with pytest.raises(InputError, match="give a store directory to serve"):
        OxigraphServer(None)
    with pytest.raises(ServerError, match="between 1 and 65535"):
        OxigraphServer(tmp_path / "new", port=70000, allow_update=True)


def test_a_port_in_use_is_one_clear_error(target: OxigraphServer, tmp_path: Path) -> None:
    second = OxigraphServer(tmp_path / "second", port=target.endpoint.port, allow_update=True)
    with pytest.raises(ServerError, match=r"cannot listen on 127\.0\.0\.1:") as info:
        second.start()
    assert "Address already in use" in _one_line(info.value)
    assert not second.running


def test_a_read_only_server_and_a_writer_keep_each_other_out(source: Path) -> None:
    """Oxigraph's read-only mode takes no lock; kg's shared lock keeps writers out."""
    open_writable = "import sys, pyoxigraph; store = pyoxigraph.Store(sys.argv[1])"
    with OxigraphServer(source):
        writer = subprocess.run(
            [sys.executable, "-c", open_writable, str(source)],
            capture_output=True,
            text=True,
            timeout=WAIT,
            check=False,
        )
        assert writer.returncode != 0 and "lock" in writer.stderr
    holder = subprocess.Popen(
        [sys.executable, "-c", open_writable + "; print('ready', flush=True); input()", source],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(InputError, match="in use by another process"):
            OxigraphServer(source).start()
    finally:
        holder.communicate("\n", timeout=WAIT)


def test_serve_stops_on_sigterm_and_restores_the_signal_handlers(source: Path) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    seen: list[Endpoint] = []

    def ready(endpoint: Endpoint) -> None:
        seen.append(endpoint)
        assert _ask(endpoint)
        os.kill(os.getpid(), signal.SIGTERM)  # what a service manager sends

    assert serve(source, port=free_port(), ready=ready) == 0
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
    assert seen and seen[0].read_only
    with pytest.raises(urllib.error.URLError):
        _ask(seen[0])
    open_store(source, create=False).close()  # the store is free again


# ---------------------------------------------------------------------------
# kg push
# ---------------------------------------------------------------------------


def test_push_puts_each_named_graph_exactly(source: Path, target: OxigraphServer) -> None:
    results = push(source, target.endpoint.store)
    assert [(r.graph, r.triples, r.created) for r in results] == [(A, 4, True), (B, 3, True)]
    assert _remote_names(target.endpoint) == [str(A), str(B)]
    for name in (A, B):
        assert isomorphic(_remote_graph(target.endpoint, name), _stored(source, name))


def test_push_again_replaces_the_graph_instead_of_adding_to_it(
    source: Path, target: OxigraphServer
) -> None:
    push(source, target.endpoint.store)
    _make_store(source, {A: _graph("a rebuilt")})  # a re-built document: A replaced in place
    results = push(source, target.endpoint.store)
    assert [(r.graph, r.triples, r.created) for r in results] == [(A, 3, False), (B, 3, False)]
    remote_a = _remote_graph(target.endpoint, A)
    assert sorted(str(o) for o in remote_a.objects(X, RDFS.label)) == ["a rebuilt"]
    assert isomorphic(remote_a, _graph("a rebuilt"))
    assert isomorphic(_remote_graph(target.endpoint, B), _graph("b"))


def test_push_only_the_graphs_asked_for(source: Path, target: OxigraphServer) -> None:
    assert [r.graph for r in push(source, target.endpoint.store, [str(B)])] == [B]
    assert _remote_names(target.endpoint) == [str(B)]
    with pytest.raises(InputError, match=r"has no graph <https://example\.org/none>"):
        push(source, target.endpoint.store, ["https://example.org/none"])
    with pytest.raises(InputError, match="not an absolute IRI"):
        push(source, target.endpoint.store, ["doc a"])


def test_push_a_triples_file_to_the_default_graph_or_the_one_named(
    tmp_path: Path, target: OxigraphServer
) -> None:
    graph_file = tmp_path / "kg.ttl"
    graph_file.write_text(_graph("from a file").serialize(format="turtle"), encoding="utf-8")
    [result] = push(graph_file, target.endpoint.store)
    assert (result.graph, result.triples) == (None, 3)
    assert isomorphic(_remote_graph(target.endpoint, None), _graph("from a file"))
    [named] = push(graph_file, target.endpoint.store, [str(A)])
    assert named.graph == A
    assert isomorphic(_remote_graph(target.endpoint, A), _graph("from a file"))
    with pytest.raises(InputError, match="give one IRI"):
        push(graph_file, target.endpoint.store, [str(A), str(B)])


def test_push_a_dataset_and_a_quads_file(tmp_path: Path, target: OxigraphServer) -> None:
    dataset = open_store()
    put_graph(dataset, A, _graph("in memory"))
    assert [r.graph for r in push(dataset, target.endpoint.store)] == [A]
    quads = tmp_path / "two.nq"
    quads.write_bytes(native(dataset).dump(format=ox.RdfFormat.N_QUADS))
    assert [r.graph for r in push(quads, target.endpoint.store)] == [A]
    assert isomorphic(_remote_graph(target.endpoint, A), _graph("in memory"))


def test_push_to_a_read_only_server_fails_clearly(source: Path, tmp_path: Path) -> None:
    served = _make_store(tmp_path / "served", {B: _graph("b")})
    with OxigraphServer(served) as read_only:
        with pytest.raises(ServerError) as info:
            push(source, read_only.endpoint.store)
        message = _one_line(info.value)
        assert f"cannot push graph <{A}> to {read_only.endpoint.store}" in message
        assert "HTTP 403" in message and "read-only" in message
        assert _remote_names(read_only.endpoint) == [str(B)]  # untouched


def test_push_reports_connection_refused_and_bad_urls(source: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"  # nobody listens there
    with pytest.raises(ServerError) as info:
        push(source, url, timeout=5)
    assert f"to {url}: connection refused" in _one_line(info.value)
    with pytest.raises(InputError, match="not the http"):
        push(source, "ftp://127.0.0.1/store")
    with pytest.raises(InputError, match="not a kg store directory"):
        push(source.parent, url)


def test_push_to_the_wrong_path_says_where_the_graph_store_is(
    source: Path, target: OxigraphServer
) -> None:
    with pytest.raises(ServerError, match=r"HTTP 404.*Graph Store Protocol endpoint"):
        push(source, target.endpoint.url + "/nowhere")


@pytest.mark.slow
def test_push_a_built_document(example_build: BuildResult, target: OxigraphServer) -> None:
    """The example article's named graph arrives whole: literals, language tags, decimals."""
    [result] = push(example_build.dataset, target.endpoint.store)
    assert result.triples == len(example_build.graph)
    assert result.graph is not None
    remote = _remote_graph(target.endpoint, result.graph)
    assert isomorphic(remote, _dumped(example_build.dataset, result.graph))
    assert Literal("8300000000", datatype=XSD.decimal) in set(remote.objects(None, KG.amount))


# ---------------------------------------------------------------------------
# kg push and kg serve from the command line
# ---------------------------------------------------------------------------


def _invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("kg: error: ") and result.stderr.count("\n") == 1
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_cli_push_prints_one_line_per_graph(source: Path, target: OxigraphServer) -> None:
    result = _invoke("push", source, target.endpoint.store)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"pushed <{A}>: 4 triples (created)",
        f"pushed <{B}>: 3 triples (created)",
        f"2 graph(s), 7 triples pushed to {target.endpoint.store}",
    ]
    again = _invoke("push", source, target.endpoint.store, "--graph", str(B))
    assert again.stdout.splitlines()[0] == f"pushed <{B}>: 3 triples (replaced)"


def test_cli_push_and_serve_errors_are_one_line(source: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    _assert_user_error(_invoke("push", source, url), "connection refused", url)
    _assert_user_error(_invoke("push", source, url, "--user", "nobody"), "NAME:PASSWORD")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    _assert_user_error(_invoke("serve", tmp_path), "not a kg store directory")
    _assert_user_error(_invoke("serve", tmp_path / "absent"), "no such store directory")
    _assert_user_error(_invoke("serve"), "--allow-update")
    _assert_user_error(_invoke("serve", source, "--port", "0"), "between 1 and 65535")


def _listening(port: int) -> set[str]:
    """The local IPv4 addresses that listen on ``port`` (read from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text(encoding="ascii").splitlines()[1:]:
        local, _, state = line.split()[1:4]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.fixture
def kg_serve(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """``python -m kg serve STORE --port P`` in a subprocess (killed if the test leaves it)."""
    store = _make_store(tmp_path / "store", {A: _graph("a"), B: _graph("b")})
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(store), "--port", str(free_port())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},  # this checkout's kg, whatever is installed
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()  # Linux then stops its oxigraph too (parent-death signal)
        process.communicate(timeout=WAIT)  # reads and closes the pipes


def _printed_endpoint(process: subprocess.Popen[str]) -> tuple[Endpoint, list[str]]:
    """The endpoint that ``kg serve`` prints once its server answers, and what it printed."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            lines.put(line)
            if line.startswith("Ctrl-C"):
                return  # the rest is read when the process ends
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    printed: list[str] = []
    deadline = time.monotonic() + WAIT * 2  # python -m kg imports spaCy before anything
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            break
        if line is None:
            break
        printed.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C"):
            query = next(x for x in printed if x.startswith("SPARQL query")).split()[-1]
            host, port = query.removeprefix("http://").removesuffix("/query").rsplit(":", 1)
            return Endpoint(host, int(port)), printed
    raise AssertionError(f"kg serve printed no endpoint: {printed}")


def test_kg_serve_is_read_only_on_loopback_and_stops_on_sigterm(
    kg_serve: subprocess.Popen[str],
) -> None:
    endpoint, printed = _printed_endpoint(kg_serve)
    assert printed[0].endswith("(read-only)")
    assert endpoint.host == DEFAULT_HOST
    assert [line.split()[-1] for line in printed[1:3]] == [endpoint.query, endpoint.store]
    if Path("/proc/net/tcp").is_file():
        assert _listening(endpoint.port) == {"127.0.0.1"}
    # the union default graph: a query without GRAPH sees both documents
    rows = _select(endpoint, f"SELECT ?label WHERE {{ <{X}> <{RDFS.label}> ?label }}")
    assert sorted(row["label"] for row in rows) == ["a", "b"]
    assert _update(endpoint, f'INSERT DATA {{ <{X}> <{RDFS.label}> "new" }}') == 403
    assert len(_select(endpoint, f"SELECT * WHERE {{ <{X}> <{RDFS.label}> ?l }}")) == 2
    kg_serve.send_signal(signal.SIGTERM)
    _, stderr = kg_serve.communicate(timeout=WAIT)
    assert kg_serve.returncode == 0
    assert stderr == ""
    with pytest.raises(urllib.error.URLError):
        _ask(endpoint)


def test_kg_serve_allow_update_accepts_updates_and_stops_on_ctrl_c(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The command in-process (no spaCy import to wait for); Ctrl-C comes from a thread."""
    caplog.set_level(logging.INFO, logger="kg.serve")
    store = _make_store(tmp_path / "store", {A: _graph("a")})
    endpoint = Endpoint(DEFAULT_HOST, free_port(), read_only=False)
    statuses: list[int] = []

    def client() -> None:
        # kg serve logs this once its server answers, just before it prints the endpoint
        deadline = time.monotonic() + WAIT
        while not any("endpoint ready" in m for m in caplog.messages):
            if time.monotonic() > deadline:
                return  # kg serve gives up on its own (start timeout) and the test fails
            time.sleep(0.02)
        try:
            update = f'INSERT DATA {{ GRAPH <{B}> {{ <{X}> <{RDFS.label}> "b" }} }}'
            statuses.append(_update(endpoint, update))
            rows = _select(endpoint, f"SELECT ?label WHERE {{ <{X}> <{RDFS.label}> ?label }}")
            statuses.append(len(rows))
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    result = _invoke("serve", store, "--port", str(endpoint.port), "--allow-update")
    thread.join(timeout=WAIT)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"serving {store} (read-write)",
        f"SPARQL query   {endpoint.query}",
        f"SPARQL update  {endpoint.update}",
        f"Graph Store    {endpoint.store}",
        "Ctrl-C stops the server",
    ]
    assert statuses == [204, 2]  # the update was accepted and seen by the next query
    assert isomorphic(_stored(store, B), Graph().add((X, RDFS.label, Literal("b"))))
