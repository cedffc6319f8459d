"""Vendoring against the real go: ``go mod vendor``, then each edit of go.mod or vendor/modules.txt
that makes go refuse (every message of modload/vendor.go checkVendorConsistency, a ``## go``
newer than the toolchain) or change mode (go < 1.14, no go line, a workspace's modules.txt,
``-mod=mod``/``readonly``/``vendor``, ``-modfile``).

For each case ``go list -m all`` and ``go build ./...`` run in a copy of the vendored module;
``gomodlab buildlist`` must print what go list prints (stdout, or stderr and exit status 1 where
it refuses), and ``gomodlab vendor-check`` go's inconsistent-vendoring report where go build gives one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool

from .clirun import run_cli

pytestmark = pytest.mark.go

MODULES = [
    ModuleSource("example.com/va", "v1.0.0", gomod_text("example.com/va", "1.17", [("example.com/vb", "v1.0.0")]),
                 {"va.go": 'package va\n\nimport _ "example.com/vb"\n'}),
    ModuleSource("example.com/va", "v1.1.0", gomod_text("example.com/va", "1.17", [("example.com/vb", "v1.1.0")]),
                 {"va.go": 'package va\n\nimport _ "example.com/vb"\n'}),
    ModuleSource("example.com/vb", "v1.0.0", gomod_text("example.com/vb", "1.16"), {"vb.go": "package vb\n"}),
    ModuleSource("example.com/vb", "v1.1.0", gomod_text("example.com/vb", "1.16"), {"vb.go": "package vb\n"}),
    ModuleSource("example.com/vc", "v1.0.0", gomod_text("example.com/vc", "1.18"),
                 {"vc.go": "package vc\n", "sub/sub.go": "package sub\n"}),
    ModuleSource("example.com/vfork", "v1.5.0", gomod_text("example.com/vfork", "1.19"),
                 {"vc.go": "package vc\n", "sub/sub.go": "package sub\n"}),
    ModuleSource("example.com/vfork", "v1.6.0", gomod_text("example.com/vfork", "1.19"),
                 {"vc.go": "package vc\n", "sub/sub.go": "package sub\n"}),
    ModuleSource("example.com/ve", "v1.0.0", gomod_text("example.com/ve", "1.20"), {"ve.go": "package ve\n"}),
    ModuleSource("example.com/vz", "v1.0.0", gomod_text("example.com/vz", "1.20"), {"vz.go": "package vz\n"}),
]

MAIN_GOMOD = """module example.com/vm

go 1.21

require (
\texample.com/va v1.0.0
\texample.com/vc v1.0.0
\texample.com/vd v1.0.0
\texample.com/ve v1.0.0
)

require example.com/vb v1.0.0 // indirect

replace example.com/vc => example.com/vfork v1.5.0

replace example.com/vd v1.0.0 => ./local/d
"""

MAIN_FILES = {
    "m.go": 'package vm\n\nimport (\n\t_ "example.com/va"\n\t_ "example.com/vc/sub"\n\t_ "example.com/vd"\n)\n',
    "local/d/go.mod": "module example.com/vd\n\ngo 1.20\n",
    "local/d/d.go": "package vd\n",
    "local/d2/go.mod": "module example.com/vd\n\ngo 1.20\n",
    "local/d2/d.go": "package vd\n",
}

# Each case: [(file, old, new)] edits (old "" = prepend; new None = delete the file), GOFLAGS.
CASES: dict[str, tuple[list[tuple[str, str, str | None]], str]] = {
    "consistent": ([], ""),
    "require added": ([("go.mod", "\texample.com/ve v1.0.0\n", "\texample.com/ve v1.0.0\n\texample.com/vz v1.0.0\n")], ""),
    "explicit mark removed": ([("vendor/modules.txt", "## explicit; go 1.17", "## go 1.17")], ""),
    "require removed": ([("go.mod", "\texample.com/va v1.0.0\n", "")], ""),
    "require version changed": ([("go.mod", "example.com/va v1.0.0", "example.com/va v1.1.0")], ""),
    "replace added": ([("go.mod", "replace example.com/vc", "replace example.com/vb => example.com/vb v1.1.0\n\n"
                                                             "replace example.com/vc")], ""),
    "replace target changed": ([("go.mod", "vfork v1.5.0", "vfork v1.6.0")], ""),
    "replace removed": ([("go.mod", "replace example.com/vc => example.com/vfork v1.5.0\n", "")], ""),
    "directory replace changed": ([("go.mod", "./local/d\n", "./local/d2\n")], ""),
    "replace mark removed": ([("vendor/modules.txt", "# example.com/vd v1.0.0 => ./local/d", "# example.com/vd v1.0.0")], ""),
    "wildcard line removed": ([("vendor/modules.txt", "# example.com/vc => example.com/vfork v1.5.0\n", "")], ""),
    "versioned replace becomes wildcard": ([("go.mod", "example.com/vd v1.0.0 => ./local/d", "example.com/vd => ./local/d")], ""),
    "go 1.13, -mod=vendor, version differs": ([("go.mod", "go 1.21", "go 1.13"),
                                               ("go.mod", "example.com/va v1.0.0", "example.com/va v1.1.0")], "-mod=vendor"),
    "go 1.13, -mod=vendor, replace removed": ([("go.mod", "go 1.21", "go 1.13"),
                                               ("go.mod", "replace example.com/vc => example.com/vfork v1.5.0\n", "")],
                                              "-mod=vendor"),
    "go 1.13: vendor not used": ([("go.mod", "go 1.21", "go 1.13"), ("go.mod", "\texample.com/va v1.0.0\n", "")], ""),
    "workspace modules.txt: vendor not used": ([("vendor/modules.txt", "", "## workspace\n"),
                                                ("go.mod", "\texample.com/va v1.0.0\n", "")], ""),
    "go line too new in modules.txt": ([("vendor/modules.txt", "## explicit; go 1.17", "## explicit; go 1.999")], ""),
    "modules.txt deleted": ([("vendor/modules.txt", "", None)], ""),
    "-mod=mod bypasses": ([("go.mod", "\texample.com/va v1.0.0\n", "")], "-mod=mod"),
    "-mod=readonly bypasses": ([("vendor/modules.txt", "## explicit; go 1.17", "## go 1.17")], "-mod=readonly"),
    "unreadable lines ignored": ([("vendor/modules.txt", "", "# \n# x\n# x y z\n## explicit\nnot a path!\n"
                                                             "# example.com/vz bad-version\nexample.com/vz\n")], ""),
    "annotations over two lines": ([("vendor/modules.txt", "## explicit; go 1.17", "## explicit\n## go 1.17")], ""),
    "annotations unknown words": ([("vendor/modules.txt", "## explicit; go 1.17", "##  future ; explicit ;go 1.17")], ""),
    "-modfile": ([("go.mod", "", "")], "-modfile=alt.mod"),
    "-modfile replace changed": ([("alt.mod", "vfork v1.5.0", "vfork v1.6.0")], "-modfile=alt.mod"),
    "-mod=vendor with -mod=mod before": ([("vendor/modules.txt", "## explicit; go 1.17", "## go 1.17")],
                                         "-mod=mod -mod=vendor"),
}


@pytest.fixture(scope="module")
def vendored(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tuple[Path, str, Path]:
    root = tmp_path_factory.mktemp("vendor")
    url = universe.file_proxy_url(universe.write_proxy(root / "proxy", MODULES))
    base = root / "base"
    base.mkdir()
    (base / "go.mod").write_text(MAIN_GOMOD)
    for name, text in MAIN_FILES.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text)
    env = gotool.isolated_env(root / "goenv", proxy=url)
    gotool.run_go(["mod", "tidy"], cwd=base, env=env).check()
    # tidy drops ve (no package imports it): put it back, a requirement that vendors no package.
    (base / "go.mod").write_text(MAIN_GOMOD)
    gotool.run_go(["mod", "download", "example.com/ve"], cwd=base, env=env).check()
    gotool.run_go(["mod", "vendor"], cwd=base, env=env).check()
    shutil.copy(base / "go.mod", base / "alt.mod")
    shutil.copy(base / "go.sum", base / "alt.sum")
    return root, url, base


def _apply(d: Path, edits: list[tuple[str, str, str | None]]) -> None:
    for name, old, new in edits:
        p = d / name
        if new is None:
            p.unlink()
            continue
        text = p.read_text()
        if old:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        else:
            text = new + text
        p.write_text(text)


def test_modules_txt_as_go_mod_vendor_writes_it(vendored) -> None:
    _, _, base = vendored
    assert (base / "vendor" / "modules.txt").read_text() == (
        "# example.com/va v1.0.0\n## explicit; go 1.17\nexample.com/va\n"
        "# example.com/vb v1.0.0\n## explicit; go 1.16\nexample.com/vb\n"
        "# example.com/vc v1.0.0 => example.com/vfork v1.5.0\n## explicit; go 1.19\nexample.com/vc/sub\n"
        "# example.com/vd v1.0.0 => ./local/d\n## explicit; go 1.20\nexample.com/vd\n"
        "# example.com/ve v1.0.0\n## explicit; go 1.20\n"
        "# example.com/vc => example.com/vfork v1.5.0\n")


@pytest.mark.parametrize("name", list(CASES))
def test_vendor_case_matches_go(vendored, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, url, base = vendored
    edits, goflags = CASES[name]
    d = root / "cases" / name.replace(" ", "_").replace(",", "").replace("=", "")
    shutil.copytree(base, d)
    _apply(d, edits)
    env = gotool.isolated_env(root / "goenv", proxy=url, flags=goflags)
    # vendor-check answers for vendor mode (go build -mod=vendor), whatever mode go would choose.
    # That build changes nothing; go list -m all may rewrite go.mod (-mod=mod), so it runs last.
    built = gotool.run_go(["build", "-mod=vendor", "./..."], cwd=d, env=env)
    for k in ("GOFLAGS", "GOTOOLCHAIN", "GO111MODULE", "GOENV"):
        monkeypatch.setenv(k, env.get(k, ""))
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    ours_list = run_cli("buildlist", str(d), "--proxy", url)
    ours_check = run_cli("vendor-check", str(d))
    listed = gotool.run_go(["list", "-m", "all"], cwd=d, env=env)

    rc, out, err = ours_list
    if listed.returncode == 0:
        assert (rc, out) == (0, listed.stdout), err
    else:
        assert (rc, out, err) == (1, "", listed.stderr)

    rc, out, err = ours_check
    if "inconsistent vendoring" in built.stderr:
        assert (rc, out, err) == (1, "", built.stderr)
    elif "requires go >=" in built.stderr:
        assert (rc, err) == (1, built.stderr)
    else:
        assert built.returncode == 0, built.stderr
        assert rc == 0 and "is consistent" in out, err
        if "vendor not used" in name or "bypasses" in name:
            assert "note: go runs this module with -mod=" in out


def test_vendor_frame(vendored) -> None:
    import gomodlab

    _, _, base = vendored
    df = gomodlab.vendor_list(base / "local")   # a directory inside the module: its root's vendor/
    assert list(df.columns) == ["path", "version", "replaced_by", "indirect", "depth", "why", "root", "go"]
    assert df.path.tolist() == ["example.com/vm", "example.com/va", "example.com/vb", "example.com/vc",
                                "example.com/vd", "example.com/ve"]
    assert df.replaced_by.tolist()[3:5] == ["example.com/vfork@v1.5.0", "./local/d"]
    assert df.go.tolist()[1:] == ["1.17", "1.16", "1.19", "1.20", "1.20"]
    assert not df.indirect.any()
