"""A GOPROXY lab server: the GOPROXY protocol on loopback, with seeded fault injection.

Serves ``<module>/@v/list``, ``<module>/@v/<version>.info|.mod|.zip`` and ``<module>/@latest``
from a proxy-layout directory (:func:`gomodlab.lab.universe.write_proxy`) or from a module cache
(``$GOMODCACHE`` or its ``cache/download``), so the real go command can be pointed at a proxy that
is slow, flaky or missing modules, in a test, a notebook or a terminal::

    from gomodlab.net.faultmodel import FaultModel, parse_latency
    with LabProxy(root, model=FaultModel(parse_latency("lognormal:-3,0.5"), ((500, 0.05),)), seed=1) as url:
        ...  # GOPROXY=url go mod download -x
    # srv.records: what the server did, one dict per request

Each request's fault is drawn from the :class:`gomodlab.net.faultmodel.FaultModel` with a random
generator seeded by (seed, request path, how many times that path was asked for before), so the
same run of go meets the same faults however its concurrent requests interleave. Order per
request: stall (answer nothing for ``stall_s`` or until the client hangs up, then drop the
connection), else wait the drawn latency, then the injected error status if one was drawn, else
404 if the module is missing here (``hide`` patterns, or the ``missing`` fraction drawn per
module), else the file.

The server speaks HTTP/1.0 (one request per connection): a dropped connection then reaches go as
an error instead of being retried silently on a reused keep-alive connection. Only GET is served
(go sends nothing else: cmd/go/internal/web/http.go); other methods get 405, paths with ``..``,
``.`` or empty elements, backslashes or NUL get 400, and nothing outside the source directory is
ever read.

Under load it stays bounded: a fixed pool of worker threads answers connections, a bounded queue
holds the ones waiting (beyond it: 503 at once), a connection that stays silent is dropped after
``read_timeout`` seconds, and a warning is logged when every worker is busy. It listens on
loopback unless told ``public=True`` (``--public``), which it warns about.

Access log: one JSON object per line (and per entry of :attr:`LabProxy.records`):

============  ============================================================================
key           meaning
============  ============================================================================
time          when the response ended (or the connection was dropped), RFC 3339 UTC
proxy         the server's base URL
remote        client address ``host:port``
method        request method
path          request path as received (percent-escapes kept)
status        status sent, or null when the connection was dropped (stall)
delay_s       injected wait before answering (the stall time for a stall)
bytes         body bytes sent
duration_s    from request line read to response end
fault         ``""``, ``error`` (injected status), ``stall``, ``missing``, ``refused`` (bad method or
              path, or 503 when the waiting queue is full: then method and path are empty)
============  ============================================================================
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import logging
import os
import queue
import random
import re
import select
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

from ..mod import modpath, semver
from ..errors import SourceError
from .faultmodel import FaultModel

__all__ = ["LabProxy", "resolve_source", "is_loopback"]

_log = logging.getLogger(__name__)

_ENDPOINT_RE = re.compile(r"/(.+)/(?:@v/(list)|@v/([^/]+)\.(info|mod|zip)|(@latest))")
_TYPES = {"info": "application/json", "latest": "application/json", "mod": "text/plain; charset=utf-8",
          "list": "text/plain; charset=utf-8", "zip": "application/zip"}


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine (``localhost``, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


def resolve_source(source: str | os.PathLike[str]) -> Path:
    """The proxy-layout directory to serve: ``source`` itself, or ``source/cache/download`` for a
    module cache root."""
    p = Path(source)
    if not p.is_dir():
        raise SourceError(f"{source}: not a directory (want a GOPROXY directory or a module cache)")
    if (p / "cache" / "download").is_dir():
        return (p / "cache" / "download").resolve()
    return p.resolve()


class _Server(http.server.HTTPServer):
    """An HTTP server whose connections are handled by a fixed pool of worker threads.

    ``ThreadingHTTPServer`` starts a thread per connection, so 300 idle connections meant 302
    threads. Here accepted connections wait in a bounded queue for one of ``workers`` threads;
    when every worker is busy a warning is logged (once per busy spell), and a connection that
    finds the queue full is answered 503 at once instead of waiting without limit.
    """

    lab: "LabProxy"

    def __init__(self, address: tuple[str, int], workers: int, queue_limit: int) -> None:
        # The kernel's accept backlog (listen(5) by default) would otherwise hold a burst of
        # connections for seconds of SYN-ACK retransmits before they even reach the queue.
        self.request_queue_size = max(128, queue_limit)
        super().__init__(address, _Handler)
        self._queue: queue.Queue[tuple[socket.socket, Any] | None] = queue.Queue(maxsize=queue_limit)
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._warned = False
        self.workers = workers
        self._threads = [threading.Thread(target=self._work, name=f"labproxy-worker-{i}", daemon=True)
                         for i in range(workers)]
        for t in self._threads:
            t.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._busy_lock:
            saturated = self._busy + self._queue.qsize() >= self.workers
            warn = saturated and not self._warned
            self._warned = self._warned or saturated
        if warn:
            _log.warning("lab proxy %s: all %d workers are busy; new connections wait (at most %d queued, "
                         "then 503) — use more --workers or less load", self.lab.url, self.workers,
                         self._queue.maxsize)
        try:
            self._queue.put_nowait((request, client_address))
        except queue.Full:
            self.lab._refuse_overloaded(request, client_address)
            self.shutdown_request(request)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            request, client_address = item
            with self._busy_lock:
                self._busy += 1
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - one bad connection must not end the worker
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)
                with self._busy_lock:
                    self._busy -= 1
                    if self._busy == 0 and self._queue.empty():
                        self._warned = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        _log.debug("lab proxy: error on a connection from %s", client_address, exc_info=True)

    def server_close(self) -> None:
        """Let the workers finish what they hold (so every answered request is in the log), then close."""
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join(timeout=5)
        super().server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    server_version = "gomodlab-labproxy"
    sys_version = ""

    def setup(self) -> None:
        # StreamRequestHandler applies self.timeout to the socket: a client that connects and then
        # says nothing (or reads nothing) holds a worker for at most read_timeout seconds.
        self.timeout = self.server.lab.read_timeout
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence http.server's stderr log: the JSON access log says it all."""

    def __getattr__(self, name: str) -> Any:
        # Every method other than GET (HEAD, POST, …) is refused with 405.
        if name.startswith("do_"):
            return self._refuse_method
        raise AttributeError(name)

    def _refuse_method(self) -> None:
        self.server.lab._respond(self, time.perf_counter(), 405, b"lab proxy: only GET is served\n",
                                 fault="refused", extra={"Allow": "GET"})

    def do_GET(self) -> None:
        self.server.lab._handle_get(self)


class LabProxy:
    """A GOPROXY server on ``host:port`` (port 0 picks a free one) serving ``source``.

    Use as a context manager (``with LabProxy(dir) as url``) or call :meth:`start` and
    :meth:`close`. ``hide`` lists GOPRIVATE-style glob patterns of modules answered with 404;
    ``access_log`` is a path (appended to) or an open text stream for the JSON-lines log.
    ``workers`` threads answer connections (``queue_limit`` more may wait; beyond that, 503);
    ``read_timeout`` bounds how long a connection may sit silent. A host that is not loopback
    serves whatever is in ``source`` to anyone who can reach the machine: it needs ``public=True``.
    """

    def __init__(self, source: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 0,
                 model: FaultModel | None = None, seed: int | None = 0, hide: Sequence[str] = (),
                 access_log: str | os.PathLike[str] | IO[str] | None = None, workers: int = 32,
                 queue_limit: int = 128, read_timeout: float = 10.0, public: bool = False) -> None:
        if not is_loopback(host) and not public:
            raise SourceError(f"lab proxy: --host {host} would serve {source} to every machine that can reach "
                              "this one; keep the default 127.0.0.1, or pass --public to do it on purpose")
        if workers < 1 or queue_limit < 0 or read_timeout <= 0:
            raise SourceError("lab proxy: workers must be ≥ 1, queue_limit ≥ 0 and read_timeout > 0")
        self.root = resolve_source(source)
        self.workers, self.queue_limit, self.read_timeout = workers, queue_limit, read_timeout
        self.model = model or FaultModel()
        self.seed = seed
        self.hide = ",".join(hide)
        self.records: list[dict[str, Any]] = []
        self._host, self._port = host, port
        self._log_target = access_log
        self._log: IO[str] | None = None
        self._own_log = False
        self._lock = threading.Lock()
        self._seen: Counter[str] = Counter()
        self._stop = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port``: what to put in GOPROXY."""
        if self._server is None:
            raise SourceError("lab proxy is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        """Bind, serve in a background thread, and return the URL."""
        if self._server is not None:
            return self.url
        if isinstance(self._log_target, (str, os.PathLike)):
            self._log = open(self._log_target, "a", encoding="utf-8")
            self._own_log = True
        elif self._log_target is not None:
            self._log = self._log_target
        try:
            self._server = _Server((self._host, self._port), self.workers, self.queue_limit)
        except OSError as e:
            raise SourceError(f"lab proxy cannot listen on {self._host}:{self._port}: {e.strerror or e}") from None
        self._server.lab = self
        if not is_loopback(self._host):
            _log.warning("lab proxy %s listens on %s: every machine that can reach this one can read %s",
                         self.url, self._host, self.root)
        self._stop.clear()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"labproxy-{self.url}", daemon=True)
        self._thread.start()
        return self.url

    def close(self) -> None:
        """Stop serving (stalled requests are released) and close the access log."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._log is not None:
            if self._own_log:
                self._log.close()
            else:
                self._log.flush()
            self._log = None

    def serve_forever(self) -> None:
        """Block until interrupted (the CLI's ``proxy serve``)."""
        self.start()
        try:
            while not self._stop.wait(0.5):
                pass
        finally:
            self.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- request handling ------------------------------------------------------------------------

    def _refuse_overloaded(self, request: socket.socket, client_address: Any) -> None:
        """Answer 503 without reading the request: the queue of waiting connections is full."""
        try:
            request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                            b"Retry-After: 1\r\nContent-Length: 29\r\n\r\nlab proxy: too many requests\n")
        except OSError:
            pass
        self._write_record({
            "time": _now(), "proxy": self.url if self._server is not None else "",
            "remote": f"{client_address[0]}:{client_address[1]}", "method": "", "path": "", "status": 503,
            "delay_s": 0.0, "bytes": 29, "duration_s": 0.0, "fault": "refused",
        })

    def _handle_get(self, h: _Handler) -> None:
        t0 = time.perf_counter()
        raw = h.path.split("?", 1)[0]
        path = unquote(raw)
        elems = path.split("/")[1:]
        if (not path.startswith("/") or "\\" in path or "\0" in path
                or any(e in ("", ".", "..") for e in elems)):
            self._respond(h, t0, 400, b"lab proxy: invalid path\n", fault="refused")
            return
        m = _ENDPOINT_RE.fullmatch(path)
        if not m:
            self._respond(h, t0, 404, b"lab proxy: not a GOPROXY path\n")
            return
        esc_mod, is_list, esc_ver, ext, is_latest = m.groups()
        endpoint = "list" if is_list else "latest" if is_latest else ext
        try:
            module = modpath.unescape_path(esc_mod)
            if esc_ver is not None:
                modpath.unescape_version(esc_ver)
        except modpath.InvalidPath as e:
            self._respond(h, t0, 404, f"lab proxy: {e}\n".encode())
            return
        with self._lock:
            n = self._seen[raw]
            self._seen[raw] += 1
        fault = self.model.draw(random.Random(f"{self.seed}\0{raw}\0{n}"))
        if fault.stall:
            self._stall(h, t0, fault.delay_s)
            return
        if fault.delay_s > 0 and self._stop.wait(fault.delay_s):
            return
        if fault.status is not None:
            phrase = _phrase(fault.status)
            self._respond(h, t0, fault.status, f"lab proxy: injected {fault.status} {phrase}\n".encode(),
                          fault="error", delay=fault.delay_s)
            return
        if self._is_missing(module):
            self._respond(h, t0, 404, f"not found: {module}: not on this lab proxy\n".encode(),
                          fault="missing", delay=fault.delay_s)
            return
        try:
            body = self._content(esc_mod, endpoint, esc_ver)
        except OSError as e:
            self._respond(h, t0, 500, f"lab proxy: reading {h.path}: {e.strerror or e}\n".encode(),
                          delay=fault.delay_s)
            return
        if body is None:
            self._respond(h, t0, 404, f"not found: {module}: no such {endpoint}\n".encode(), delay=fault.delay_s)
            return
        self._respond(h, t0, 200, body, delay=fault.delay_s, ctype=_TYPES[endpoint])

    def _is_missing(self, module: str) -> bool:
        if self.hide and modpath.match_prefix_patterns(self.hide, module):
            return True
        return self.model.missing > 0 and random.Random(f"{self.seed}\0missing\0{module}").random() < self.model.missing

    def _file(self, *parts: str) -> Path | None:
        p = self.root.joinpath(*parts)
        try:
            real = p.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        # A symlink inside the source must not lead outside it.
        if not real.is_relative_to(self.root) or not real.is_file():
            return None
        return real

    def _content(self, esc_mod: str, endpoint: str, esc_ver: str | None) -> Path | bytes | None:
        if endpoint in ("info", "mod", "zip"):
            return self._file(esc_mod, "@v", f"{esc_ver}.{endpoint}")
        if endpoint == "list":
            listed = self._file(esc_mod, "@v", "list")
            if listed is not None:
                return listed
            versions = self._versions(esc_mod)
            return None if versions is None else "".join(v + "\n" for v in versions).encode()
        latest = self._file(esc_mod, "@latest")
        if latest is not None:
            return latest
        versions = self._versions(esc_mod) or []
        listed = self._file(esc_mod, "@v", "list")
        if listed is not None:
            versions = [line.split()[0] for line in listed.read_text("utf-8", "replace").splitlines() if line.split()]
        # Like proxy.golang.org: the highest release, else the highest pre-release.
        good = [v for v in versions if semver.is_valid(v)]
        releases = [v for v in good if not semver.prerelease(v)]
        pick = semver.sort_versions(releases or good)
        if not pick:
            return None
        return self._file(esc_mod, "@v", modpath.escape_version(pick[-1]) + ".info")

    def _versions(self, esc_mod: str) -> list[str] | None:
        """Versions with a .mod file, as a module cache's list is made (modfetch/cache.go)."""
        vdir = self.root.joinpath(esc_mod, "@v")
        if not vdir.is_dir():
            return None
        out = []
        for f in vdir.glob("*.mod"):
            try:
                v = modpath.unescape_version(f.name[:-4])
            except modpath.InvalidPath:
                continue
            if semver.is_valid(v):
                out.append(v)
        return semver.sort_versions(out)

    def _stall(self, h: _Handler, t0: float, limit: float) -> None:
        """Say nothing until the client hangs up, ``limit`` passes or the server stops; then drop."""
        sock: socket.socket = h.connection
        deadline = t0 + limit
        while not self._stop.is_set():
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            try:
                readable, _, _ = select.select([sock], [], [], min(left, 0.05))
                if readable and sock.recv(1, socket.MSG_PEEK) == b"":
                    break
            except OSError:
                break
        waited = time.perf_counter() - t0
        h.close_connection = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._record(h, t0, None, 0, delay=waited, fault="stall")

    def _respond(self, h: _Handler, t0: float, status: int, body: Path | bytes, *, fault: str = "",
                 delay: float = 0.0, ctype: str = "text/plain; charset=utf-8",
                 extra: dict[str, str] | None = None) -> None:
        sent = 0
        size = 0
        if isinstance(body, Path):
            # Small files are read before answering, so an unreadable one becomes a clean 500.
            try:
                size = body.stat().st_size
                if size < (1 << 20):
                    body = body.read_bytes()
            except OSError as e:
                status, body = 500, f"lab proxy: {e.strerror or e}\n".encode()
        if isinstance(body, bytes):
            size = len(body)
        try:
            h.send_response(status, _phrase(status))
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(size))
            for k, v in (extra or {}).items():
                h.send_header(k, v)
            h.end_headers()
            if isinstance(body, Path):
                with body.open("rb") as f:
                    while chunk := f.read(1 << 16):
                        h.wfile.write(chunk)
                        sent += len(chunk)
            else:
                h.wfile.write(body)
                sent = len(body)
            h.wfile.flush()
        except OSError:
            pass  # the client hung up: the log says how many bytes it got
        self._record(h, t0, status, sent, delay=delay, fault=fault)

    def _record(self, h: _Handler, t0: float, status: int | None, nbytes: int, *, delay: float,
                fault: str) -> None:
        rec = {
            "time": _now(),
            "proxy": self.url if self._server is not None else "",
            "remote": f"{h.client_address[0]}:{h.client_address[1]}",
            "method": h.command or "",
            "path": h.path,
            "status": status,
            "delay_s": round(delay, 6),
            "bytes": nbytes,
            "duration_s": round(time.perf_counter() - t0, 6),
            "fault": fault,
        }
        self._write_record(rec)

    def _write_record(self, rec: dict[str, Any]) -> None:
        with self._lock:
            self.records.append(rec)
            if self._log is not None:
                self._log.write(json.dumps(rec) + "\n")
                self._log.flush()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Lab Proxy Error"
