"""The GOPROXY lab server: protocol, refusals, seeded faults, access log (no go here; see *_go.py)."""

from __future__ import annotations

import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gomodlab.load import proxy
from gomodlab.lab import universe
from gomodlab.net import logstats, xlog
from gomodlab.errors import SourceError
from gomodlab.net.faultmodel import FaultModel, LatencyModel
from gomodlab.net.labproxy import LabProxy

MODULES = [
    universe.ModuleSource("example.com/a", "v1.0.0", universe.gomod_text("example.com/a"), {"a.go": "package a\n"}),
    universe.ModuleSource("example.com/a", "v1.1.0", universe.gomod_text("example.com/a"), {"a.go": "package a\n"}),
    universe.ModuleSource("example.com/a", "v1.2.0-pre", universe.gomod_text("example.com/a"), {"a.go": "package a\n"}),
    universe.ModuleSource("example.com/Upper", "v0.1.0-RC1", universe.gomod_text("example.com/Upper"), {"u.go": "package u\n"}),
    universe.ModuleSource("example.com/pre", "v0.0.1-alpha", universe.gomod_text("example.com/pre"), {"p.go": "package p\n"}),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return universe.write_proxy(tmp_path_factory.mktemp("proxy") / "root", MODULES)


def get(url: str, timeout: float = 10) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def raw(url: str, method: str, path: str) -> tuple[int, bytes, dict[str, str]]:
    host, port = url.removeprefix("http://").split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    c.request(method, path)
    r = c.getresponse()
    out = r.status, r.read(), dict(r.getheaders())
    c.close()
    return out


def test_serves_every_endpoint_byte_for_byte(root):
    srv = LabProxy(root)
    with srv as url:
        for ep in ("info", "mod", "zip"):
            for m in MODULES:
                u = proxy.endpoint_url(url, m.path, ep, m.version)
                status, body, headers = get(u)
                want = (root / u.removeprefix(url + "/")).read_bytes()
                assert (status, body) == (200, want)
        status, body, headers = get(proxy.endpoint_url(url, "example.com/a", "list"))
        assert (status, body) == (200, b"v1.0.0\nv1.1.0\nv1.2.0-pre\n")
        assert headers["Content-Type"].startswith("text/plain")
        # @latest: the highest release; a module with only pre-releases gets its highest pre-release.
        assert json.loads(get(proxy.endpoint_url(url, "example.com/a", "latest"))[1])["Version"] == "v1.1.0"
        assert json.loads(get(proxy.endpoint_url(url, "example.com/pre", "latest"))[1])["Version"] == "v0.0.1-alpha"
        # go escapes "!" as %21 (url.PathEscape); the server takes both spellings.
        esc = proxy.endpoint_url(url, "example.com/Upper", "info", "v0.1.0-RC1")
        assert get(esc)[0] == 200 and get(esc.replace("!", "%21"))[0] == 200
        assert get(proxy.endpoint_url(url, "example.com/nope", "list"))[0] == 404
        assert get(proxy.endpoint_url(url, "example.com/a", "zip", "v9.9.9"))[0] == 404
        assert get(url + "/sumdb/sum.golang.org/supported")[0] == 404
    assert len(srv.records) == 3 * len(MODULES) + 8
    assert all(r["method"] == "GET" and r["proxy"] == url for r in srv.records)


def test_the_go_client_of_gomodlab_reads_it(root):
    with LabProxy(root) as url:
        res = proxy.fetch_with_fallback(f"{url}/nf,{url}", "example.com/a", "mod", "v1.0.0")
        assert res.proxy == url and [a.status for a in res.attempts] == [404, 200]


def test_serves_a_module_cache(root, tmp_path):
    cache = tmp_path / "gomodcache"
    shutil.copytree(root, cache / "cache" / "download")
    (cache / "cache" / "download" / "example.com" / "a" / "@v" / "list").unlink()
    with LabProxy(cache) as url:
        # No list file (a cache after an interrupted download): versions with a .mod file.
        assert get(proxy.endpoint_url(url, "example.com/a", "list"))[1] == b"v1.0.0\nv1.1.0\nv1.2.0-pre\n"
        assert get(proxy.endpoint_url(url, "example.com/a", "mod", "v1.0.0"))[0] == 200
    with pytest.raises(SourceError, match="not a directory"):
        LabProxy(tmp_path / "missing")


@pytest.mark.parametrize("path", [
    "/../etc/passwd", "/example.com/a/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
    "/example.com/a/@v/..%2f..%2f..%2fsecret.info", "/example.com/a/@v/.%2fv1.0.0.info",
    "/example.com//a/@v/list", "/example.com\\a/@v/list", "/example.com/a/@v/v1.0.0.info%00",
])
def test_path_traversal_is_refused(root, path):
    srv = LabProxy(root)
    with srv as url:
        status, body, _ = raw(url, "GET", path)
    assert status == 400 and srv.records[-1]["fault"] == "refused"


def test_symlink_out_of_the_source_is_not_followed(root, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(root, src)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    link = src / "example.com" / "a" / "@v" / "v1.0.0.info"
    link.unlink()
    link.symlink_to(secret)
    with LabProxy(src) as url:
        assert get(proxy.endpoint_url(url, "example.com/a", "info", "v1.0.0"))[0] == 404


@pytest.mark.parametrize("method", ["HEAD", "POST", "PUT", "DELETE", "OPTIONS"])
def test_only_get_is_served(root, method):
    srv = LabProxy(root)
    with srv as url:
        status, _, headers = raw(url, method, "/example.com/a/@v/list")
    assert status == 405 and headers["Allow"] == "GET"
    assert srv.records[-1]["method"] == method and srv.records[-1]["fault"] == "refused"


def test_hide_patterns_and_missing_fraction(root):
    srv = LabProxy(root, hide=["example.com/a"])
    with srv as url:
        assert get(proxy.endpoint_url(url, "example.com/a", "list"))[0] == 404
        assert get(proxy.endpoint_url(url, "example.com/pre", "list"))[0] == 200
    assert [r["fault"] for r in srv.records] == ["missing", ""]
    # missing=P hides a seeded fraction of modules, the same module on every endpoint.
    paths = [f"example.com/m{i}" for i in range(400)]
    srv = LabProxy(root, model=FaultModel(missing=0.25), seed=7)
    hidden = [p for p in paths if srv._is_missing(p)]
    assert 60 <= len(hidden) <= 140
    assert hidden == [p for p in paths if LabProxy(root, model=FaultModel(missing=0.25), seed=7)._is_missing(p)]


def _statuses(root: Path, seed: int, n: int = 60) -> list[tuple[int, float]]:
    model = FaultModel(LatencyModel("uniform", (0.0, 0.004)), ((500, 0.2), (410, 0.1)))
    srv = LabProxy(root, model=model, seed=seed)
    with srv as url:
        for _ in range(n):
            get(proxy.endpoint_url(url, "example.com/a", "info", "v1.0.0"))
            get(proxy.endpoint_url(url, "example.com/a", "mod", "v1.0.0"))
    return [(r["path"], r["status"], r["delay_s"]) for r in srv.records]


def test_faults_are_seeded_per_path_and_occurrence(root):
    a = _statuses(root, seed=1)
    assert a == _statuses(root, seed=1)
    assert a != _statuses(root, seed=2)
    codes = [s for _, s, _ in a]
    assert 500 in codes and 410 in codes and 200 in codes
    assert all(0 <= d <= 0.004 for _, _, d in a)


def test_latency_is_injected_and_logged(root):
    srv = LabProxy(root, model=FaultModel(LatencyModel("fixed", (0.08,))))
    with srv as url:
        t = time.perf_counter()
        get(proxy.endpoint_url(url, "example.com/a", "list"))
        took = time.perf_counter() - t
    rec = srv.records[0]
    assert took >= 0.08 and rec["delay_s"] == 0.08 and rec["duration_s"] >= 0.08


def test_stall_drops_the_connection_when_the_client_gives_up_or_at_the_cap(root):
    srv = LabProxy(root, model=FaultModel(stall_rate=1.0, stall_s=0.6))
    with srv as url:
        t = time.perf_counter()
        with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError, TimeoutError, socket.timeout)):
            urllib.request.urlopen(proxy.endpoint_url(url, "example.com/a", "list"), timeout=0.2)
        gave_up = time.perf_counter() - t
        # A patient client waits for the cap, then sees the connection dropped without a response.
        t = time.perf_counter()
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            urllib.request.urlopen(proxy.endpoint_url(url, "example.com/a", "list"), timeout=5)
        capped = time.perf_counter() - t
        deadline = time.time() + 5
        while len(srv.records) < 2 and time.time() < deadline:
            time.sleep(0.02)
    assert gave_up < 0.5 and 0.55 <= capped < 3
    first, second = sorted(srv.records, key=lambda r: r["delay_s"])
    assert first["fault"] == second["fault"] == "stall" and first["status"] is None
    assert first["delay_s"] < 0.55 and second["delay_s"] >= 0.59


def test_access_log_file_is_what_the_server_did_and_xlog_reads_it(root, tmp_path):
    logf = tmp_path / "access.jsonl"
    model = FaultModel(LatencyModel("fixed", (0.01,)), ((503, 0.5),))
    srv = LabProxy(root, model=model, seed=3, access_log=logf)
    with srv as url:
        for m in MODULES:
            get(proxy.endpoint_url(url, m.path, "info", m.version))
        raw(url, "HEAD", "/example.com/a/@v/list")
    lines = logf.read_text().splitlines()
    assert [json.loads(x) for x in lines] == srv.records
    df = xlog.parse(logf)
    assert len(df) == len(srv.records)
    assert df["url"].tolist() == [url + r["path"] for r in srv.records]
    assert df["status_code"].tolist() == [r["status"] for r in srv.records]
    assert df["proxy"].tolist()[:-1] == [url] * len(MODULES)
    assert df["delay_s"].tolist() == [r["delay_s"] for r in srv.records]
    assert set(df["fault"]) <= {"", "error", "refused"} and (df["fault"] == "error").any()
    assert df["time"].notna().all()
    assert logstats.fallbacks(df)["module"].tolist()[0] == "example.com/a"


def test_cli_proxy_serve(root, tmp_path):
    logf = tmp_path / "a.jsonl"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    proc = subprocess.Popen([sys.executable, "-m", "gomodlab", "proxy", "serve", str(root), "--latency", "fixed:0.01",
                             "--errors", "500:0", "--seed", "5", "--access-log", str(logf)],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        url = line.split(" at ", 1)[1].split()[0]
        assert get(proxy.endpoint_url(url, "example.com/a", "list"))[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0
    assert json.loads(logf.read_text().splitlines()[0])["status"] == 200


def test_cli_proxy_serve_rejects_bad_specs(root, capsys):
    from gomodlab.cli import main

    assert main(["proxy", "serve", str(root), "--latency", "gamma:1"]) == 2
    assert "latency" in capsys.readouterr().err
    assert main(["proxy", "serve", str(root), "--errors", "500:0.7,503:0.6"]) == 2
    assert "more than 1" in capsys.readouterr().err


# -- under load (issue: 300 idle connections made 302 threads) ------------------------------------

def test_idle_connections_do_not_make_threads_and_time_out(root, caplog):
    before = threading.active_count()
    srv = LabProxy(root, workers=4, queue_limit=8, read_timeout=0.3)
    with srv as url, caplog.at_level(logging.WARNING, logger="gomodlab.net.labproxy"):
        host, port = url.removeprefix("http://").split(":")
        idle = [socket.create_connection((host, int(port))) for _ in range(300)]
        time.sleep(0.2)
        assert threading.active_count() <= before + 4 + 1, "a thread per connection again"
        # The queue holds 8; the rest were answered 503 at once, without reading a request.
        refused = 0
        for s in idle:
            s.settimeout(5)
            try:
                refused += s.recv(64).startswith(b"HTTP/1.0 503")
            except OSError:
                pass
        assert refused >= 250
        for s in idle:
            s.close()
        # Silent connections were dropped after the read timeout: a real request is served.
        time.sleep(0.5)
        assert get(proxy.endpoint_url(url, "example.com/a", "list"))[0] == 200
    assert any("all 4 workers are busy" in r.getMessage() for r in caplog.records)
    assert sum(r["status"] == 503 for r in srv.records) == refused


def test_a_public_address_needs_public(root):
    with pytest.raises(SourceError, match="pass --public"):
        LabProxy(root, host="0.0.0.0")
    with pytest.raises(SourceError, match="pass --public"):
        LabProxy(root, host="example.org")
    LabProxy(root, host="::1"), LabProxy(root, host="localhost"), LabProxy(root, host="127.0.0.2")


def test_cli_public_host(root, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    res = subprocess.run([sys.executable, "-m", "gomodlab", "proxy", "serve", str(root), "--host", "0.0.0.0"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 2 and "pass --public" in res.stderr and "Traceback" not in res.stderr
    proc = subprocess.Popen([sys.executable, "-m", "gomodlab", "proxy", "serve", str(root), "--host", "0.0.0.0",
                             "--public"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = [proc.stderr.readline(), proc.stderr.readline()]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert any("every machine that can reach this one" in line for line in lines), lines
