"""A SPARQL 1.1 endpoint over a kg store, served by Oxigraph's own server.

The server is the ``oxigraph`` binary from PyPI (``pip install 'kg[serve]'``) run on the store
directory: the SPARQL 1.1 Query protocol at ``/query``, Update at ``/update`` and the Graph
Store Protocol at ``/store``. It runs read-only (``oxigraph serve-read-only``) unless updates
are asked for, and always with the union default graph, so a query without ``GRAPH`` sees every
document of the store, as ``kg query`` does.

:func:`serve` runs it in the foreground (``kg serve``); :class:`OxigraphServer` runs it in the
background for tests and notebooks and stops it on exit.
"""

from __future__ import annotations

import collections
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from types import FrameType, TracebackType
from urllib.parse import quote

from kg._http import is_loopback, urlopen
from kg.errors import InputError, ServerError
from kg.store import is_store

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Endpoint",
    "OxigraphServer",
    "free_port",
    "oxigraph_binary",
    "serve",
    "server_command",
    "start_server",
]

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: Seconds to wait for a starting server to answer; Oxigraph needs well under one.
START_TIMEOUT = 20.0
#: Seconds a stopping server gets before it is killed.
STOP_TIMEOUT = 10.0

_ASK = "/query?query=" + quote("ASK {}")


@dataclass(frozen=True)
class Endpoint:
    """Where a running server answers: ``query``, ``update`` and ``store`` are its URLs."""

    host: str
    port: int
    read_only: bool = True

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query(self) -> str:
        """The SPARQL 1.1 Query protocol (GET or POST)."""
        return self.url + "/query"

    @property
    def update(self) -> str:
        """The SPARQL 1.1 Update protocol (POST); refused by a read-only server."""
        return self.url + "/update"

    @property
    def store(self) -> str:
        """The Graph Store Protocol (GET a graph; PUT, POST, DELETE unless read-only)."""
        return self.url + "/store"


def oxigraph_binary() -> str:
    """The path of the ``oxigraph`` server binary: beside this Python, else on ``PATH``."""
    names = ("oxigraph.exe", "oxigraph") if os.name == "nt" else ("oxigraph",)
    # The scripts directory of the running environment first: a venv that is not activated
    # is not on PATH, and sys.executable is deliberately not resolved (it is often a symlink
    # out of the venv).
    for directory in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        for name in names:
            candidate = directory / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServerError(
            "the oxigraph server is not installed: pip install 'kg[serve]' "
            "(or put an oxigraph binary on PATH)"
        )
    return found


def _bind(host: str, port: int) -> str:
    if not 0 < port < 65536:
        raise ServerError(f"port {port}: choose a port between 1 and 65535")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def server_command(
    location: str | Path | None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    allow_update: bool = False,
    *,
    cors: bool = False,
) -> list[str]:
    """The ``oxigraph`` command line that serves ``location`` (in memory when None)."""
    if location is None and not allow_update:
        raise ServerError("a read-only server needs a store directory")
    command = [oxigraph_binary(), "serve" if allow_update else "serve-read-only"]
    if location is not None:
        command += ["--location", str(location)]
    command += ["--bind", _bind(host, port), "--union-default-graph"]
    if cors:
        command.append("--cors")
    return command


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port free on ``host`` right now (the OS picks it; another process may take it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _port_taken(host: str, port: int) -> str | None:
    """Why ``port`` cannot be listened on at ``host`` (None: it can).

    Checked before starting, because another server already listening there would answer
    the readiness probe in place of the new one.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as servers do, so that a port left in TIME_WAIT by a stopped server counts as free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def _check_location(location: str | Path | None, allow_update: bool) -> Path | None:
    """The store directory to serve, refused unless it is a kg store.

    With updates allowed, a missing or empty directory is fine too: Oxigraph makes a new store
    there, as ``kg build --store`` would.
    """
    if location is None:
        if not allow_update:
            raise InputError("give a store directory to serve (or --allow-update for an empty one)")
        return None
    path = Path(location)
    if path.exists() and not path.is_dir():
        raise InputError(f"{path}: exists and is not a store directory")
    if is_store(path):
        return path
    if allow_update and (not path.exists() or not any(path.iterdir())):
        return path
    if not path.exists():
        raise InputError(f"{path}: no such store directory (kg build --store DIR makes one)")
    raise InputError(f"{path}: not a kg store directory (kg build --store DIR makes one)")


def _share_store(path: Path) -> int | None:
    """Hold a shared lock on the store while a read-only server reads it; the descriptor.

    ``oxigraph serve-read-only`` takes no lock, and another process writing the store while it
    reads is undefined behaviour. RocksDB locks ``LOCK`` with fcntl, so a shared fcntl lock
    makes a writer (``kg build --store``) fail cleanly while read-only servers can share the
    store. Locks are per process: the process holding this one must not open the store itself.
    """
    try:
        import fcntl
    except ImportError:  # Windows has no fcntl: there the store stays unguarded
        return None
    try:
        fd = os.open(path / "LOCK", os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise InputError(
            f"{path}: cannot serve the store: it is in use by another process "
            "(a kg build --store, or a kg serve --allow-update?)"
        ) from exc
    return fd


def _reason(lines: collections.abc.Iterable[str]) -> str:
    """The one line that says why Oxigraph stopped ("Error: ..."), without its backtrace."""
    lines = [line.strip() for line in lines if line.strip()]
    for line in lines:
        if line.startswith("Error:"):
            return line.removeprefix("Error:").strip()
    return lines[-1] if lines else "no message"


def _parent_death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has Linux stop the server when the thread that started it dies.

    Even a SIGKILLed ``kg serve`` or test run then leaves no server behind holding the port
    and the store. The kernel ties this to the starting *thread*, so it is only used from the
    main thread, whose end is the process's end.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not (
        threading.main_thread()
    ):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before fork, not after
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)

    return preexec


class OxigraphServer:
    """An Oxigraph server on ``location``, started on entering, stopped on leaving::

        with OxigraphServer("store") as server:
            urlopen(server.endpoint.query + "?query=...")

    ``location`` None serves an empty in-memory store (only with ``allow_update``); ``port``
    None takes a free port. :meth:`start` returns once the server answers queries.
    """

    def __init__(
        self,
        location: str | Path | None = None,
        *,
        host: str = DEFAULT_HOST,
        port: int | None = None,
        allow_update: bool = False,
        cors: bool = False,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.location = _check_location(location, allow_update)
        self.endpoint = Endpoint(
            host, port if port is not None else free_port(host), read_only=not allow_update
        )
        self.command = server_command(
            self.location, host, self.endpoint.port, allow_update, cors=cors
        )
        self.start_timeout = start_timeout
        self._process: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None
        self._output: collections.deque[str] = collections.deque(maxlen=200)
        self._lock_fd: int | None = None
        self._cancelled = False

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> OxigraphServer:
        """Start the server and wait until it answers; ServerError if it cannot start."""
        if self._process is not None:
            raise ServerError("this server was already started")
        host = self.endpoint.host
        taken = _port_taken(host, self.endpoint.port)
        if taken is not None:
            hint = " (choose another --port)" if "in use" in taken else ""
            raise ServerError(
                f"the SPARQL server cannot listen on {host}:{self.endpoint.port}: {taken}{hint}"
            )
        if self.location is not None and self.endpoint.read_only:
            self._lock_fd = _share_store(self.location)
        if not is_loopback(host):
            log.warning(
                "listening on %s: other machines can reach this endpoint, which has no "
                "authentication%s",
                host,
                " and accepts updates" if not self.endpoint.read_only else "",
            )
        log.info("starting %s", " ".join(self.command))
        try:
            self._process = subprocess.Popen(
                self.command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                # its own session: a Ctrl-C reaches kg, which stops the server exactly once
                start_new_session=True,
                preexec_fn=_parent_death_signal(),
            )
        except OSError as exc:
            self._release()
            raise ServerError(f"cannot run {self.command[0]}: {exc.strerror or exc}") from exc
        self._reader = threading.Thread(target=self._read, name="oxigraph-output", daemon=True)
        self._reader.start()
        if self._cancelled:
            self._process.terminate()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        log.info("SPARQL endpoint ready at %s", self.endpoint.query)
        return self

    def _read(self) -> None:
        # A pipe nobody reads would fill up and block the server: read it to the end, keep
        # the last lines for error messages.
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            self._output.append(line.rstrip("\n"))
            log.info("oxigraph: %s", line.rstrip())

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.endpoint.host)
        base = Endpoint(probe_host, self.endpoint.port).url if probe_host else self.endpoint.url
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self._process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(timeout=2)
                raise ServerError(
                    f"the SPARQL server did not start on {self.endpoint.url} "
                    f"(oxigraph exit status {self._process.returncode}): {_reason(self._output)}"
                )
            try:
                with urlopen(urllib.request.Request(base + _ASK), timeout=1) as response:
                    if response.status == 200 and self._process.poll() is None:
                        return
            except (urllib.error.URLError, HTTPException, OSError):
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise ServerError(
                    f"the SPARQL server did not answer at {self.endpoint.url} "
                    f"within {self.start_timeout:g} s"
                )
            time.sleep(0.05)

    def terminate(self) -> None:
        """Ask the server to stop without waiting (safe from a signal handler)."""
        self._cancelled = True
        if self.running:
            assert self._process is not None
            self._process.terminate()

    def wait(self) -> int:
        """Wait until the server exits; its exit status."""
        if self._process is None:
            raise ServerError("this server was not started")
        return self._process.wait()

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """Stop the server (killed after ``timeout`` seconds); its exit status."""
        process = self._process
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    log.warning("the SPARQL server did not stop within %g s: killed", timeout)
                    process.kill()
                    process.wait(timeout)
            if self._reader is not None:
                self._reader.join(timeout=2)
            if process.stdout is not None:
                process.stdout.close()
        self._release()
        return process.returncode if process is not None else None

    def output(self) -> list[str]:
        """The last lines the server wrote (stdout and stderr)."""
        return list(self._output)

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the shared lock
            self._lock_fd = None

    def __enter__(self) -> OxigraphServer:
        return self if self._process is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(location: str | Path | None = None, **options: object) -> OxigraphServer:
    """Start an :class:`OxigraphServer` (same options) that answers; stop it with ``stop()``."""
    return OxigraphServer(location, **options).start()  # type: ignore[arg-type]


def serve(
    location: str | Path | None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    allow_update: bool = False,
    ready: Callable[[Endpoint], None] | None = None,
    *,
    cors: bool = False,
) -> int:
    """Serve the store ``location`` in the foreground until SIGINT (Ctrl-C) or SIGTERM.

    ``ready`` is called with the endpoint once the server answers. Returns 0 when stopped by
    a signal, else the server's exit status; ServerError if it cannot start or fails.
    """
    server = OxigraphServer(location, host=host, port=port, allow_update=allow_update, cors=cors)
    stopped = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopped
        stopped = True
        log.info("signal %d: stopping the SPARQL server", signum)
        server.terminate()

    previous = {}
    if threading.current_thread() is threading.main_thread():  # Python's rule for handlers
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                previous[name] = signal.signal(getattr(signal, name), stop)
    try:
        try:
            server.start()
        except ServerError:
            if stopped:
                return 0
            raise
        if ready is not None:
            ready(server.endpoint)
        status = server.wait()
    finally:
        server.stop()
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
    if stopped:
        return 0
    if status != 0:
        raise ServerError(
            f"the SPARQL server stopped (oxigraph exit status {status}): {_reason(server.output())}"
        )
    return status
