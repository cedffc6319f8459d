"""Checksum-mismatch triage against real go downloads from two local proxies that disagree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gomodlab.load import gotool
from gomodlab.cache import triage
from gomodlab.lab import universe

from . import cachekit as ck
from .test_cache_scan import A1, EPS, ZETA, _truncate, _zip_modified

pytestmark = pytest.mark.go


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Proxy A serves the original zeta v1.3.0; proxy B serves a re-tagged one (other content)."""
    base = ck.base_cache(tmp_path_factory)
    top = tmp_path_factory.mktemp("triage")
    proxy_b = top / "proxyB"
    subprocess.run(["cp", "-a", str(base.proxy), str(proxy_b)], check=True)
    universe.write_proxy(proxy_b, [ck.module(*ZETA, seed=99)])
    # A cache filled from proxy B alone (outside any module: nothing to check it against).
    cache_b = top / "cacheB"
    env = ck.go_env_for(top / "envB", proxy_b, cache_b)
    gotool.run_go(["mod", "download", f"{ZETA[0]}@{ZETA[1]}"], cwd=top, env=env).check()
    return base, universe.file_proxy_url(base.proxy), universe.file_proxy_url(proxy_b), cache_b


def verdict(results, subject="zip"):
    (t,) = [t for t in results if t.subject == subject]
    return t


def test_consistent(world):
    base, a, _, _ = world
    res = triage.triage(*ZETA, cache=base.root, gosum=[base.gosum], goproxy=a)
    assert {t.subject: t.cause for t in res} == {"zip": "consistent", "go.mod": "consistent"}
    zip_obs = {o.source for o in verdict(res).observations}
    assert {"go.sum", "cache .ziphash", "cache zip", "cache dir", f"proxy {a}"} <= zip_obs


def test_cache_damaged_locally(world, tmp_path):
    base, a, _, _ = world
    root = ck.copy_cache(base, tmp_path / "mod")
    _zip_modified(root)
    t = verdict(triage.triage(*EPS, cache=root, gosum=[base.gosum]))
    assert t.cause == "cache-damaged" and t.trust == "go.sum" and "gomodlab fix" in t.advice


def test_truncated_cache_zip_is_damage(world, tmp_path):
    """A zip that no longer reads is cache damage, not "consistent" because the .ziphash agrees."""
    base, a, _, _ = world
    root = ck.copy_cache(base, tmp_path / "mod")
    _truncate(root)
    t = verdict(triage.triage(*A1, cache=root, gosum=[base.gosum], goproxy=a))
    assert t.cause == "cache-damaged" and "cannot be read" in t.explanation
    assert any(o.unreadable for o in t.observations if o.source == "cache zip")


def test_cache_filled_from_other_bytes(world):
    """The cache is self-consistent (zip = .ziphash) but every proxy agrees with go.sum: the cache is wrong."""
    base, a, _, cache_b = world
    t = verdict(triage.triage(*ZETA, cache=cache_b, gosum=[base.gosum], goproxy=a))
    assert t.cause == "cache-damaged"


def test_proxies_disagree(world):
    base, a, b, _ = world
    t = verdict(triage.triage(*ZETA, cache=base.root, gosum=[base.gosum], goproxy=f"{a},{b}"))
    assert t.cause == "proxy-differs" and t.trust == f"proxy {a}" and b in t.explanation


def test_retagged_upstream(world):
    base, _, b, cache_b = world
    t = verdict(triage.triage(*ZETA, cache=cache_b, gosum=[base.gosum], goproxy=b))
    assert t.cause == "retagged" and t.trust == "go.sum"


def test_gosum_edited(world, tmp_path):
    base, a, _, _ = world
    edited = tmp_path / "go.sum"
    lines = []
    for line in base.gosum.read_text().splitlines():
        p, v, h = line.split()
        if (p, v) == EPS:
            h = "h1:" + "Q" * 43 + "="
        if (p, v) == ZETA:
            h = "h1:not-base64!"
        lines.append(f"{p} {v} {h}")
    edited.write_text("\n".join(lines) + "\n")
    # A pseudo-version cannot be re-tagged: a different hash in go.sum was written by hand.
    assert verdict(triage.triage(*EPS, cache=base.root, gosum=[edited], goproxy=a)).cause == "gosum-edited"
    # A malformed hash was never computed by go.
    assert verdict(triage.triage(*ZETA, cache=base.root, gosum=[edited])).cause == "gosum-edited"
    # Two projects' go.sum disagree, the proxies side with one of them.
    t = verdict(triage.triage(*EPS, gosum=[edited, base.gosum], goproxy=a))
    assert t.cause == "gosum-edited" and str(edited) in t.explanation


def test_unknown_without_a_proxy(world):
    base, _, _, cache_b = world
    t = verdict(triage.triage(*ZETA, cache=cache_b, gosum=[base.gosum]))
    assert t.cause == "unknown" and "--proxy" in t.advice


def test_from_real_go_error(world, tmp_path):
    """go's own 'checksum mismatch' output, parsed and triaged through the CLI."""
    base, a, b, _ = world
    main = tmp_path / "main"
    subprocess.run(["cp", "-a", str(base.main), str(main)], check=True)
    env = ck.go_env_for(tmp_path / "env", Path(b.removeprefix("file://")), tmp_path / "fresh")
    res = gotool.run_go(["mod", "download", ZETA[0]], cwd=main, env=env)
    assert res.returncode != 0 and "checksum mismatch" in res.stderr
    (m,) = triage.parse_mismatch(res.stderr)
    assert (m.module, m.version, m.subject) == (*ZETA, "zip")
    err = tmp_path / "go-error.txt"
    err.write_text(res.stderr)
    cli_env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    out = subprocess.run([sys.executable, "-m", "gomodlab", "triage", "--from-error", str(err), "--no-cache",
                          "--proxy", f"{a},{b}", "--format", "table"], capture_output=True, text=True, env=cli_env)
    assert out.returncode == 1, out.stderr
    assert "proxy-differs" in out.stdout and m.downloaded in out.stdout


def test_parse_mismatch_forms():
    text = ("go: example.com/a@v1.0.0: verifying go.mod: checksum mismatch\n"
            "\tdownloaded: h1:AAAA\n\tsum.golang.org: h1:BBBB\n\nSECURITY ERROR\n"
            "verifying example.com/b@v2.0.0+incompatible/go.mod: checksum mismatch\n"
            "\tdownloaded: h1:CCCC\n\tgo.sum:     h1:DDDD\n")
    got = {(m.module, m.version, m.subject, m.downloaded, m.recorded, m.recorded_in)
           for m in triage.parse_mismatch(text)}
    assert got == {("example.com/a", "v1.0.0", "go.mod", "h1:AAAA", "h1:BBBB", "sum.golang.org"),
                   ("example.com/b", "v2.0.0+incompatible", "go.mod", "h1:CCCC", "h1:DDDD", "go.sum")}
