"""``kg build --scheduler``: extraction on a Dask cluster, graphs stored as N-Quads shards.

Each batch of documents is one task. A Dask worker runs :func:`kg.workers.write_shard` (an
importable function: the model is loaded once per worker process, never shipped with the
task), which writes the batch's graphs as one N-Quads file; this process bulk-loads each shard
into the store as soon as it is written (:func:`kg.store.load_shard`). Only document ids come
back over the network, and at most a few batches per worker are in flight, so memory stays flat
however large the corpus. A task whose worker dies is run again elsewhere by Dask.

Shards go to a directory the workers and this process share: a temporary one (deleted after)
for a cluster on this machine, a directory you name (kept: ``oxigraph load``, QLever or
Virtuoso can bulk-load the same files) for a cluster of several machines.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset

from kg import workers
from kg.errors import ClusterError
from kg.model import Document
from kg.rdf import document_iri
from kg.store import load_shard

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["LOCAL", "build_on_cluster"]

log = logging.getLogger(__name__)

#: The scheduler address that starts a ``LocalCluster`` on this machine.
LOCAL = "local"

#: How long to keep trying to reach a scheduler before giving up.
_CONNECT_TIMEOUT = "10s"

#: Batches in flight per worker: enough to keep each busy while a shard is being loaded.
_IN_FLIGHT_PER_WORKER = 2


@contextlib.contextmanager
def _client(scheduler: str, n_workers: int) -> Iterator[Client]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(
            "kg build --scheduler needs Dask: pip install 'kg[dask]' (dask.distributed)"
        ) from exc
    if scheduler == LOCAL:
        # one thread per worker: spaCy holds the GIL, so threads would only add contention
        with (
            LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: 8787 may be taken
                silence_logs=logging.WARNING,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    with client:
        yield client


def build_on_cluster(
    documents: Sequence[Document],
    dataset: Dataset,
    *,
    scheduler: str,
    n_workers: int = 1,
    shard_dir: str | Path | None = None,
    batch_size: int = 64,
    progress: Callable[[Document], None] | None = None,
) -> list[str]:
    """Extract ``documents`` on the Dask cluster at ``scheduler`` into ``dataset``.

    ``scheduler`` is a scheduler address (``tcp://host:8786``) or ``"local"`` for a
    ``LocalCluster`` of ``n_workers`` processes. Shards are written to ``shard_dir``, which a
    cluster of several machines needs on storage they share with this one; by default a
    temporary directory that is removed afterwards. Each shard replaces its documents' graphs
    in one transaction. Returns the ids of the documents built, in the order they were
    stored; ``progress`` is called after each.
    """
    if not documents:
        return []
    if shard_dir is None and scheduler != LOCAL:
        raise ClusterError(
            "a cluster at another address needs --shards DIR: a directory its workers and "
            "this machine share (NFS, a mounted bucket)"
        )
    batches = [documents[i : i + batch_size] for i in range(0, len(documents), batch_size)]
    with contextlib.ExitStack() as stack:
        keep_shards = shard_dir is not None
        if shard_dir is None:  # removed shard by shard as they are loaded, then as a whole
            shard_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-shards-"))
        shards = Path(shard_dir).resolve()
        shards.mkdir(parents=True, exist_ok=True)
        client = stack.enter_context(_client(scheduler, n_workers))
        return _run(client, batches, shards, dataset, progress, keep_shards=keep_shards)


def _run(
    client: Client,
    batches: list[Sequence[Document]],
    shards: Path,
    dataset: Dataset,
    progress: Callable[[Document], None] | None,
    *,
    keep_shards: bool,
) -> list[str]:
    from distributed import as_completed

    pending = iter(enumerate(batches))
    running: dict[Any, tuple[Sequence[Document], Path]] = {}
    done = as_completed()

    def submit_next() -> None:
        for index, batch in itertools.islice(pending, 1):
            path = shards / f"shard-{index:06d}.nq"
            path.unlink(missing_ok=True)  # a shard of an earlier run must not pass for this one
            future = client.submit(workers.write_shard, batch, str(path), pure=False)
            running[future] = (batch, path)
            done.add(future)

    workers_count = max(1, len(client.scheduler_info().get("workers", {})))
    for _ in range(workers_count * _IN_FLIGHT_PER_WORKER):
        submit_next()
    built: list[str] = []
    for future in done:
        batch, path = running.pop(future)
        future.result()  # a task's own error is raised here, as it was raised on the worker
        if not path.is_file():
            raise ClusterError(
                f"{path}: a worker wrote this shard but it is not visible here; "
                "give --shards a directory the workers and this machine share"
            )
        load_shard(dataset, path, [document_iri(d.doc_id) for d in batch])
        if not keep_shards:
            path.unlink()
        for document in batch:
            built.append(document.doc_id)
            if progress:
                progress(document)
        submit_next()
    return built
