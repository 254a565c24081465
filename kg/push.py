"""Send graphs to any SPARQL store that speaks the Graph Store Protocol (HTTP PUT).

Each graph is sent whole, as N-Triples, with ``PUT URL?graph=IRI``: the target replaces that
graph and leaves the others alone, so pushing a re-built document replaces its old facts
instead of adding to them. What is pushed depends on the source:

* a store directory, a quads file (``.trig``, ``.nq``) or a ``Dataset``: every named graph
  (one per document), or only the ones asked for, plus the default graph if it holds triples;
* a triples file (``kg.ttl``, ``.nt``, ...) or a ``Graph``: all its triples to one graph, the
  one asked for, else the target's default graph (``PUT URL?default``). Such a file is not
  split per document: an entity mentioned by several documents has one set of triples there,
  which belongs to no single document. Push the store to keep one graph per document.
"""

from __future__ import annotations

import base64
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg._http import is_loopback, urlopen
from kg.errors import InputError, ServerError
from kg.store import RDF_FORMATS, load_file, native, open_store

__all__ = ["PushResult", "push"]

log = logging.getLogger(__name__)

Source = str | Path | Graph

_NT = ox.RdfFormat.N_TRIPLES


@dataclass(frozen=True)
class PushResult:
    """One graph sent: its name (None: the default graph), its size and the HTTP status."""

    graph: URIRef | None
    triples: int
    status: int

    @property
    def created(self) -> bool:
        """Whether the target had no such graph before (201 Created, not a replacement)."""
        return self.status == 201

    def __str__(self) -> str:
        name = f"<{self.graph}>" if self.graph is not None else "the default graph"
        return f"{name}: {self.triples} triples ({'created' if self.created else 'replaced'})"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"{url}: not the http(s) URL of a Graph Store Protocol endpoint "
            "(a kg serve --allow-update answers at http://127.0.0.1:7878/store)"
        )


def _graph_name(iri: str) -> URIRef:
    try:
        ox.NamedNode(iri)  # Oxigraph checks the IRI as strictly as a store will
    except ValueError:
        raise InputError(f"{iri!r}: not an absolute IRI, so it cannot name a graph") from None
    return URIRef(iri)


def _authorization(user: str, url: str) -> str:
    name, sep, _ = user.partition(":")
    if not sep or not name:
        raise InputError("give the user as NAME:PASSWORD")
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        log.warning("sending a password over plain http to %s", parts.hostname)
    return "Basic " + base64.b64encode(user.encode("utf-8")).decode("ascii")


def _copy(graph: Graph, store: ox.Store, name: URIRef | None) -> None:
    data = graph.serialize(format="nt", encoding="utf-8")
    target = ox.NamedNode(str(name)) if name is not None else ox.DefaultGraph()
    store.load(input=data, format=_NT, to_graph=target)


def _snapshot(path: Path) -> ox.Store:
    """An in-memory copy of the store directory ``path``, closed again at once.

    An open store is locked against every other process (a ``kg build --store`` or a
    ``kg serve``), and a failed push must not keep that lock for as long as its traceback
    lives: the copy is what is pushed.
    """
    dataset = open_store(path, create=False)
    copy = ox.Store()
    copy.bulk_extend(native(dataset).quads_for_pattern(None, None, None, None))
    dataset.close()
    return copy


def _open(source: Source, target: URIRef | None) -> tuple[ox.Store, str]:
    """The source as an Oxigraph store, and how to name it in messages.

    ``target`` is where the triples of a triples-only source go (None: the default graph).
    """
    if isinstance(source, Dataset):
        if isinstance(source.store, OxigraphStore):
            return native(source), "the dataset"
        store = ox.Store()  # any other rdflib Dataset: copied graph by graph
        for graph in source.graphs():
            default = graph.identifier == DATASET_DEFAULT_GRAPH_ID
            _copy(graph, store, None if default else URIRef(graph.identifier))
        return store, "the dataset"
    if isinstance(source, Graph):
        store = ox.Store()
        _copy(source, store, target)
        return store, "the graph"
    path = Path(source)
    if path.is_dir():
        return _snapshot(path), str(path)
    dataset = open_store()  # in memory: no lock to release
    load_file(dataset, path, graph=target)
    return native(dataset), str(path)


def _takes_one_graph(source: Source) -> bool:
    """Whether ``source`` holds plain triples, with no graph names of its own."""
    if isinstance(source, Dataset):
        return False
    if isinstance(source, Graph):
        return True
    path = Path(source)
    if path.is_dir():
        return False
    return not RDF_FORMATS.get(path.suffix.lower(), ox.RdfFormat.TURTLE).supports_datasets


def _size(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))


def _selection(store: ox.Store, label: str, wanted: Sequence[URIRef] | None) -> list[URIRef | None]:
    names = sorted(URIRef(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if wanted:
        missing = [name for name in wanted if name not in names]
        if missing:
            raise InputError(f"{label} has no graph <{missing[0]}>")
        return list(dict.fromkeys(wanted))
    chosen: list[URIRef | None] = list(names)
    if _size(store, ox.DefaultGraph()):
        chosen.insert(0, None)
    if not chosen:
        raise InputError(f"{label}: nothing to push (no triples)")
    return chosen


def _target(url: str, graph: URIRef | None) -> str:
    query = "default" if graph is None else urlencode({"graph": str(graph)})
    return f"{url}{'&' if urlsplit(url).query else '?'}{query}"


def _put(
    url: str, graph: URIRef | None, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, str | None]:
    """PUT ``body`` as the graph; (status, None) or (status or 0, why it failed)."""
    request = urllib.request.Request(_target(url, graph), data=body, method="PUT")
    for key, value in headers.items():
        request.add_header(key, value)
    try:
        with urlopen(request, timeout=timeout) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip().splitlines()
        why = f"HTTP {exc.code} {exc.reason}" + (f": {detail[0].strip()}" if detail else "")
        if exc.code in (404, 405):
            why += " (is it a Graph Store Protocol endpoint? Oxigraph's is http://HOST:PORT/store)"
        return exc.code, why
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            return 0, "connection refused (is the server running?)"
        if isinstance(reason, TimeoutError):
            return 0, f"no answer within {timeout:g} s"
        if isinstance(reason, socket.gaierror):
            return 0, f"unknown host {urlsplit(url).hostname}"
        return 0, str(reason)
    except TimeoutError:
        return 0, f"no answer within {timeout:g} s"
    except (HTTPException, OSError) as exc:
        return 0, str(exc) or type(exc).__name__


def push(
    source: Source,
    url: str,
    graphs: Sequence[str] | None = None,
    *,
    user: str | None = None,
    timeout: float = 30.0,
    progress: Callable[[PushResult], None] | None = None,
) -> list[PushResult]:
    """PUT the graphs of ``source`` to the Graph Store Protocol endpoint ``url``.

    ``source`` is a store directory, a graph file or an rdflib ``Dataset`` / ``Graph`` (see
    the module's docstring for what each sends); ``graphs`` picks named graphs by IRI, or names
    the one graph that a triples-only source goes to. ``user`` (``NAME:PASSWORD``) adds HTTP
    basic authentication. Graphs are sent one by one; ``progress`` hears of each. The first
    graph refused stops the push with a ServerError naming the URL, the graph and the reason.
    """
    _check_url(url)
    wanted = [_graph_name(iri) for iri in graphs] if graphs else None
    single = _takes_one_graph(source)
    if single and wanted and len(wanted) > 1:
        raise InputError("the triples of a graph file or Graph go to one graph: give one IRI")
    headers = {"Content-Type": "application/n-triples"}
    if user is not None:
        headers["Authorization"] = _authorization(user, url)
    results: list[PushResult] = []
    store, label = _open(source, wanted[0] if single and wanted else None)
    for name in _selection(store, label, wanted):
        node = ox.NamedNode(str(name)) if name is not None else ox.DefaultGraph()
        body = store.dump(format=_NT, from_graph=node)
        status, why = _put(url, name, body, headers, timeout)
        if why is not None:
            what = f"graph <{name}>" if name is not None else "the default graph"
            before = f" ({len(results)} graph(s) pushed before it)" if results else ""
            raise ServerError(f"cannot push {what} to {url}: {why}{before}")
        result = PushResult(name, _size(store, node), status)
        log.info("pushed %s to %s", result, url)
        results.append(result)
        if progress is not None:
            progress(result)
    return results
