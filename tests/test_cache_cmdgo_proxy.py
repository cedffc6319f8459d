"""A module cache filled by the real go with every version of the cmd/go tests' own proxy.

Zero findings on anything go accepted (before: 19 ``mod-unreadable`` on golang.org/toolchain,
whose go.mod has no module line and is never read as a module's); what go refused to extract,
the scan calls damaged too.
"""

from __future__ import annotations


import pytest

from gomodlab.cache.scan import scan as scan_cache
from gomodlab.load import gotool

from . import cmdgo_proxy, gojson

pytestmark = [pytest.mark.go, pytest.mark.slow]


def test_a_cache_go_filled_from_its_own_test_proxy(tmp_path):
    proxy = tmp_path / "proxy"
    versions = cmdgo_proxy.write_proxy(proxy)
    assert len(versions) > 250
    env = dict(gotool.isolated_env(tmp_path / "go"), GOPROXY=proxy.as_uri(), GOFLAGS="-mod=mod")
    res = gotool.run_go(["mod", "download", "-json", *(f"{p}@{v}" for p, v in versions)], cwd=tmp_path, env=env)
    refused = {(obj["Path"], obj["Version"]) for obj in gojson.objects(res.stdout) if obj.get("Error")}
    assert 0 < len(refused) < 20, refused
    result = scan_cache(env["GOMODCACHE"], index=False, progress=False)
    accepted_findings = [(f.kind, f.module, f.version) for f in result.findings
                         if (f.module, f.version) not in refused]
    assert accepted_findings == []
    assert any(m.startswith("golang.org/toolchain") for m, _ in
               ((e.module, e.version) for e in result.entries)), "toolchain modules are in the cache"
    unzip_refused = {("rsc.io/badfile2", "v1.0.0"), ("rsc.io/badfile3", "v1.0.0"), ("rsc.io/badfile4", "v1.0.0")}
    assert unzip_refused <= {(f.module, f.version) for f in result.findings if f.kind == "zip-unreadable"}
