"""Real failures of the real go command, each diagnosed with the right category and module@version.

Every scenario runs go in an isolated environment against a module universe written as a local
GOPROXY directory (gomodlab.lab.universe), served as file:// or from a loopback http.server when the
failure is an HTTP one (404, 403, 502, TLS, a closed port). The VCS scenario needs no network
either: the module path ends in ``.git`` (vcs/vcs.go then knows the repository without a
``?go-get=1`` lookup), GOPROXY=direct, and a scratch ~/.gitconfig rewrites its https:// URL to a
local bare repository with ``url.<file:///…>.insteadOf``.
"""

from __future__ import annotations

import http.server
import os
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.diagnose.explain import Diagnosis, explain

pytestmark = pytest.mark.go

M = universe.ModuleSource
MODULES = [
    M("example.com/a", "v1.0.0", universe.gomod_text("example.com/a", "1.20"), {"a.go": "package a\n"}),
    M("example.com/b", "v1.0.0", universe.gomod_text("example.com/b", "1.20"), {"b.go": "package b\n"}),
    M("example.com/c", "v1.0.0", universe.gomod_text("example.com/c", "1.99"), {"c.go": "package c\n"}),
    M("example.com/d", "v2.0.0", universe.gomod_text("example.com/d/v2", "1.20"), {"d.go": "package d\n"}),
    M("example.com/e", "v1.0.0", universe.gomod_text("example.com/e", "1.20"), {"x/x.go": "package x\n"}),
    M("example.com/e/x", "v1.0.0", universe.gomod_text("example.com/e/x", "1.20"), {"x.go": "package x\n"}),
    M("example.com/badmod", "v1.0.0", "module example.com/badmod\n\nrequire example.com/zz\n", {"x.go": "package badmod\n"}),
    M("example.com/renamed", "v1.0.0", "module example.com/other\n", {"x.go": "package other\n"}),
]
REPO = "example.com/repo.git"


class _ProxyHandler(http.server.SimpleHTTPRequestHandler):
    """The proxy directory over HTTP; ``/bad/…`` answers 502 and ``/deny/…`` 403."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/bad/"):
            self.send_error(502, "Bad Gateway")
        elif self.path.startswith("/deny/"):
            self.send_error(403, "Forbidden")
        else:
            super().do_GET()


@dataclass
class Lab:
    root: Path
    proxy: Path
    http: str          # base URL of the loopback server
    closed: str        # a loopback URL nothing listens on
    home: Path         # HOME with the .gitconfig that maps example.com to local repositories

    def workspace(self, name: str, requires=(), imports=(), *, go: str = "1.20", proxy: str | None = None,
                  **extra: str) -> tuple[dict[str, str], Path]:
        base = self.root / name
        main = base / "main"
        main.mkdir(parents=True)
        (main / "go.mod").write_text(universe.gomod_text("example.com/main", go, list(requires)))
        (main / "main.go").write_text("package main\n\nimport (\n" + "".join(f'\t_ "{i}"\n' for i in imports)
                                      + ")\n\nfunc main() {}\n")
        env = gotool.isolated_env(base, proxy=proxy or universe.file_proxy_url(self.proxy), **extra)
        return env, main


def run(env: dict[str, str], main: Path, *args: str) -> str:
    res = gotool.run_go(list(args), cwd=main, env=env, timeout=60)
    assert res.returncode != 0, f"go {' '.join(args)} was expected to fail:\n{res.stdout}{res.stderr}"
    return res.stderr


def ok(env: dict[str, str], main: Path, *args: str) -> None:
    gotool.run_go(list(args), cwd=main, env=env, timeout=60).check()


def primary(output: str, category: str, module: str | None, version: str | None) -> Diagnosis:
    diagnoses = explain(output)
    assert diagnoses, output
    d = diagnoses[0]
    assert (d.category, d.module, d.version) == (category, module, version), f"{d}\n--- go said:\n{output}"
    assert d.fix
    return d


def _git(*args: str, cwd: Path | None = None) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd or "/"), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    root = tmp_path_factory.mktemp("explain-lab")
    proxy = universe.write_proxy(root / "proxy", MODULES)

    handler = lambda *a, **k: _ProxyHandler(*a, directory=str(proxy), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]

    # A git repository for example.com/repo.git, reachable only through insteadOf.
    work, repos, home = root / "repo-work", root / "repos", root / "home"
    for d in (work, repos, home):
        d.mkdir()
    _git("init", "-q", "-b", "main", str(work), cwd=work)
    (work / "go.mod").write_text(f"module {REPO}\n\ngo 1.20\n")
    (work / "r.go").write_text("package repo\n")
    _git("add", ".", cwd=work)
    _git("commit", "-qm", "v1", cwd=work)
    _git("tag", "v1.0.0", cwd=work)
    _git("clone", "-q", "--bare", str(work), str(repos / "repo"), cwd=work)
    (home / ".gitconfig").write_text(f'[url "{repos.as_uri()}/"]\n\tinsteadOf = https://example.com/\n'
                                     '[protocol "file"]\n\tallow = always\n')
    yield Lab(root, proxy, f"http://127.0.0.1:{server.server_address[1]}", f"http://127.0.0.1:{closed_port}", home)
    server.shutdown()
    server.server_close()


def _cache(env: dict[str, str]) -> Path:
    return Path(env["GOMODCACHE"])


def _writable(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        p.chmod(p.stat().st_mode | stat.S_IWUSR)


# --- damaged module cache --------------------------------------------------------------------

def test_dir_modified(lab):
    env, main = lab.workspace("dirmod", [("example.com/a", "v1.0.0")], ["example.com/a"])
    ok(env, main, "mod", "download")
    ok(env, main, "mod", "tidy")
    src = _cache(env) / "example.com" / "a@v1.0.0" / "a.go"
    src.chmod(0o644)
    src.write_text("package a\n\nconst Edited = true\n")
    d = primary(run(env, main, "mod", "verify"), "cache-modified", "example.com/a", "v1.0.0")
    assert d.location == str(src.parent)
    assert d.fix[0] == f"gomodlab fix {_cache(env)} --module example.com/a@v1.0.0 --apply --refetch"


def test_wrong_ziphash(lab):
    env, main = lab.workspace("ziphash", [("example.com/a", "v1.0.0")], ["example.com/a"])
    ok(env, main, "mod", "download")
    ok(env, main, "mod", "tidy")
    zh = _cache(env) / "cache" / "download" / "example.com" / "a" / "@v" / "v1.0.0.ziphash"
    zh.chmod(0o644)
    zh.write_text("h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
    out = run(env, main, "mod", "verify")
    assert "zip has been modified" in out
    primary(out, "cache-modified", "example.com/a", "v1.0.0")


def test_truncated_zip(lab):
    env, main = lab.workspace("zip", [("example.com/a", "v1.0.0")], ["example.com/a"])
    ok(env, main, "mod", "download")
    ok(env, main, "mod", "tidy")
    z = _cache(env) / "cache" / "download" / "example.com" / "a" / "@v" / "v1.0.0.zip"
    z.chmod(0o644)
    z.write_bytes(z.read_bytes()[:100])
    primary(run(env, main, "mod", "verify"), "zip-unreadable", "example.com/a", "v1.0.0")
    _writable(_cache(env) / "example.com")
    shutil.rmtree(_cache(env) / "example.com" / "a@v1.0.0")
    d = primary(run(env, main, "build", "."), "zip-unreadable", "example.com/a", "v1.0.0")
    assert d.location == str(z)


def test_two_damaged_modules_two_diagnoses(lab):
    env, main = lab.workspace("two", [("example.com/a", "v1.0.0"), ("example.com/b", "v1.0.0")],
                              ["example.com/a", "example.com/b"])
    ok(env, main, "mod", "tidy")
    src = _cache(env) / "example.com" / "a@v1.0.0" / "a.go"
    src.chmod(0o644)
    src.write_text("package a // edited\n")
    z = _cache(env) / "cache" / "download" / "example.com" / "b" / "@v" / "v1.0.0.zip"
    z.chmod(0o644)
    z.write_bytes(b"PK not really")
    got = [(d.category, d.module, d.version) for d in explain(run(env, main, "mod", "verify"))]
    assert got == [("cache-modified", "example.com/a", "v1.0.0"), ("zip-unreadable", "example.com/b", "v1.0.0")]


# --- go.sum ----------------------------------------------------------------------------------

def test_wrong_gosum_line(lab):
    env, main = lab.workspace("gosum", [("example.com/b", "v1.0.0")], ["example.com/b"])
    ok(env, main, "mod", "tidy")
    gosum = main / "go.sum"
    gosum.write_text(gosum.read_text().replace("example.com/b v1.0.0 h1:", "example.com/b v1.0.0 h1:AAAA", 1))
    _writable(_cache(env))
    shutil.rmtree(_cache(env))
    out = run(env, main, "mod", "download")
    assert "SECURITY ERROR" in out
    primary(out, "checksum-mismatch", "example.com/b", "v1.0.0")


def test_missing_gosum_entry(lab):
    env, main = lab.workspace("nosum", [("example.com/b", "v1.0.0")], ["example.com/b"])
    ok(env, main, "mod", "tidy")
    (main / "go.sum").write_text("")
    d = primary(run(env, main, "build", "."), "missing-gosum-entry", "example.com/b", None)
    assert d.fix[0] == "go get example.com/main"
    d = primary(run(env, main, "list", "-m", "all"), "missing-gosum-entry", "example.com/b", "v1.0.0")
    assert d.fix[0] == "go mod download example.com/b"


# --- the proxy ---------------------------------------------------------------------------------

def test_version_404(lab):
    env, main = lab.workspace("404", [("example.com/a", "v1.0.1")], ["example.com/a"], proxy=lab.http)
    out = run(env, main, "mod", "download")
    assert "404" in out
    primary(out, "module-not-found", "example.com/a", "v1.0.1")
    env, main = lab.workspace("query", proxy=lab.http)
    primary(run(env, main, "get", "example.com/a@v3"), "module-not-found", "example.com/a", "v3")


def test_version_missing_from_file_proxy(lab):
    env, main = lab.workspace("nofile", [("example.com/a", "v1.0.1")], ["example.com/a"])
    primary(run(env, main, "mod", "download"), "module-not-found", "example.com/a", "v1.0.1")


def test_refused_proxy(lab):
    env, main = lab.workspace("refused", [("example.com/a", "v1.0.0")], ["example.com/a"], proxy=lab.closed)
    out = run(env, main, "mod", "download")
    assert "connection refused" in out
    d = primary(out, "proxy-unreachable", "example.com/a", "v1.0.0")
    assert d.url and d.url.startswith(lab.closed)
    assert f"go env -w GOPROXY='{lab.closed}|direct'" in d.fix


def test_proxy_5xx_and_tls(lab):
    env, main = lab.workspace("502", [("example.com/a", "v1.0.0")], ["example.com/a"], proxy=lab.http + "/bad")
    primary(run(env, main, "mod", "download"), "proxy-unreachable", "example.com/a", "v1.0.0")
    env, main = lab.workspace("tls", [("example.com/a", "v1.0.0")], ["example.com/a"],
                              proxy=lab.http.replace("http:", "https:"))
    out = run(env, main, "mod", "download")
    assert "tls:" in out
    primary(out, "proxy-unreachable", "example.com/a", "v1.0.0")


def test_proxy_forbidden(lab):
    env, main = lab.workspace("403", [("example.com/a", "v1.0.0")], ["example.com/a"], proxy=lab.http + "/deny")
    primary(run(env, main, "mod", "download"), "private-module-auth", "example.com/a", "v1.0.0")


# --- go.mod, toolchain, paths -------------------------------------------------------------------

def test_gomod_syntax(lab):
    env, main = lab.workspace("syntax")
    (main / "go.mod").write_text("module example.com/main\n\ngo 1.20\n\nrequire example.com/a\n")
    d = primary(run(env, main, "build", "."), "gomod-syntax", None, None)
    assert d.location == "go.mod:5"
    (main / "go.mod").write_text(universe.gomod_text("example.com/main", "1.20", [("example.com/d", "v2.0.0")]))
    primary(run(env, main, "mod", "tidy"), "gomod-syntax", "example.com/d", "v2.0.0")


def test_dependency_gomod_syntax(lab):
    env, main = lab.workspace("depsyntax", [("example.com/badmod", "v1.0.0")], ["example.com/badmod"])
    primary(run(env, main, "mod", "tidy"), "gomod-syntax", "example.com/badmod", "v1.0.0")


def test_toolchain(lab):
    env, main = lab.workspace("toolchain", go="1.99")
    primary(run(env, main, "build", "."), "toolchain", None, "1.99")
    env, main = lab.workspace("toolchain-dep", [("example.com/c", "v1.0.0")], ["example.com/c"])
    primary(run(env, main, "mod", "tidy"), "toolchain", "example.com/c", "v1.0.0")


def test_invalid_module_path(lab):
    env, main = lab.workspace("badpath")
    d = primary(run(env, main, "get", "example.com/d@v2.0.0"), "invalid-module-path", "example.com/d", "v2.0.0")
    assert d.fix == ("go get example.com/d/v2@v2.0.0",)
    primary(run(env, main, "get", "Example.com/x@v1.0.0"), "invalid-module-path", "Example.com/x", "v1.0.0")
    env, main = lab.workspace("renamed", [("example.com/renamed", "v1.0.0")], ["example.com/renamed"])
    primary(run(env, main, "mod", "tidy"), "invalid-module-path", "example.com/renamed", "v1.0.0")


def test_ambiguous_import(lab):
    env, main = lab.workspace("ambiguous", [("example.com/e", "v1.0.0"), ("example.com/e/x", "v1.0.0")], ["example.com/e/x"])
    d = primary(run(env, main, "mod", "tidy"), "ambiguous-import", "example.com/e/x", None)
    assert d.fix[0] == "go get example.com/e@latest"


# --- VCS ---------------------------------------------------------------------------------------

def test_broken_vcs_checkout_exit_128(lab):
    env, main = lab.workspace("vcs", proxy="direct", HOME=str(lab.home), GOPRIVATE="example.com",
                              GONOSUMDB="example.com", GIT_CONFIG_NOSYSTEM="1")
    ok(env, main, "get", f"{REPO}@v1.0.0")
    cache = _cache(env)
    _writable(cache)
    shutil.rmtree(cache / "cache" / "download" / "example.com")
    shutil.rmtree(cache / "example.com")
    [vcsdir] = [p for p in (cache / "cache" / "vcs").iterdir() if p.is_dir()]
    (vcsdir / "config").write_text("[core\n\tbare = tru e\n")
    out = run(env, main, "get", f"{REPO}@v1.0.0")
    assert "exit status 128" in out
    d = primary(out, "vcs-command-failed", REPO, "v1.0.0")
    assert d.location == str(vcsdir)
    assert d.cause.startswith("fatal: bad config")
    assert d.fix[0] == f"gomodlab fix {cache} --path {vcsdir} --apply"
    # The suggested fix works: the checkout moves to a quarantine and go clones it afresh.
    fix = subprocess.run([sys.executable, "-m", "gomodlab", *shlex.split(d.fix[0])[1:], "--no-progress"],
                         capture_output=True, text=True, env={**env, "GOMODLAB_INDEX_DIR": str(lab.home / "idx")})
    assert fix.returncode == 0, fix.stdout + fix.stderr
    assert not vcsdir.exists()
    ok(env, main, "get", f"{REPO}@v1.0.0")


# --- the filesystem ------------------------------------------------------------------------------

def test_permission_denied():
    """go must write into a module-cache directory it may not write to (root-owned for the user)."""
    base = Path(tempfile.mkdtemp(prefix="gomodlab-perm-"))
    try:
        base.chmod(0o755)
        proxy = universe.write_proxy(base / "proxy", MODULES[:1])
        main = base / "main"
        main.mkdir()
        (main / "go.mod").write_text(universe.gomod_text("example.com/main", "1.20", [("example.com/a", "v1.0.0")]))
        env = gotool.isolated_env(base, proxy=universe.file_proxy_url(proxy))
        vdir = Path(env["GOMODCACHE"]) / "cache" / "download" / "example.com" / "a" / "@v"
        vdir.mkdir(parents=True)
        for p in [base, *base.rglob("*")]:
            p.chmod(0o777 if p.is_dir() else 0o666)
        vdir.chmod(0o555)
        argv = [gotool.find_go(), "mod", "download"]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv: cannot drop privileges to meet a permission error")
            argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
            env["HOME"] = env["GOCACHE"] = str(base / "nobody")
        res = subprocess.run(argv, cwd=main, env=env, capture_output=True, text=True, timeout=60)
        assert res.returncode != 0 and "permission denied" in res.stderr, res.stderr
        primary(res.stderr, "permission-denied", "example.com/a", "v1.0.0")
    finally:
        for p in [base, *base.rglob("*")]:
            if p.is_dir():
                p.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
