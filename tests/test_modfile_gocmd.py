"""Lax go.mod reading and go.sum reading, compared with the go commands that do them.

``go mod edit`` only ever reads a main module's go.mod strictly. A dependency's go.mod is read
with ``modfile.ParseLax`` — visible in ``go mod graph``: its requirement and ``go@`` edges, or
``go: dep@v: parsing go.mod: ...`` errors. go.sum is read by any command that checks a sum;
``go list -m all`` reports ``malformed go.sum`` for a line without three fields. Both run
against a local file:// GOPROXY built with gomodlab.lab.universe; no network.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gomodlab.load import gotool
from gomodlab.mod import modfile
from gomodlab.lab.universe import ModuleSource, file_proxy_url, write_proxy

DEP = "example.com/dep"

# Dependency go.mod texts: what ParseLax skips, fixes, or still rejects.
LAX_CASES = {
    "unknown-and-main-only": "module example.com/dep\ngo 1.21.x\nfoo bar\nweird (\n x\n)\ntoolchain go9\n"
                             "replace bad\nexclude nonsense\ngodebug \"bad\"\ntool a b\n"
                             "retract [v1\nrequire example.com/x v1.1\n",
    "lax-go-version": "module example.com/dep\n\ngo v1.20rc1\n\nrequire (\n\texample.com/x v1.0.0 // indirect\n)\n",
    "retract-extra-token": "module example.com/dep\nretract v0.9.0 junk\nrequire example.com/x v1.1.0\n",
    "no-go-line": "module example.com/dep\nrequire example.com/x v1.0.0\nrequire example.com/x v1.1.0\n",
    "ignore": "module example.com/dep\ngo 1.22\nignore ./node_modules\nrequire example.com/x v1.1.0\n",
    "bad-require": "module example.com/dep\nrequire example.com/x\n",
    "two-errors": "module example.com/dep\ngo 1\nrequire example.com/x HEAD\n",
    "block-comment": "module example.com/dep\n/* x */\n",
    "unterminated": "module example.com/dep\nrequire (\n\texample.com/x v1.0.0\n",
    "repeated-go": "module example.com/dep\ngo 1.20\ngo 1.21\n",
    "bad-ignore": "module example.com/dep\nignore a b\n",
    "bad-quote": "module example.com/dep\nrequire 'example.com/x' v1.0.0\n",
}

SUM_CASES = {
    "ok": b"example.com/x v1.0.0 h1:abc=\nexample.com/x v1.0.0/go.mod h1:def=\n",
    "two-fields": b"example.com/x v1.0.0 h1:abc=\nexample.com/x v1.0.0\n",
    "four-fields": b"\n\nexample.com/x v1.0.0 h1:abc= extra\n",
    "crlf": b"example.com/x v1.0.0 h1:abc=\r\nexample.com/x v1.0.0/go.mod h1:def=\r\n",
    "nbsp-splits": "example.com/x\u00a0v1.0.0 h1:abc=\n".encode(),
    "unit-separator-does-not": b"example.com/x\x1fv1.0.0 v1.0.0 h1:abc=\n",
    "vertical-tab": b"a\x0bb c\n  \t \nd e\x0cf\n",
    "one-field-no-newline": b"example.com/x v1.0.0 h1:abc=\nlonely",
    "empty-gomod-hash": f"example.com/y v1.0.0/go.mod {modfile.EMPTY_GOMOD_HASH}\n".encode(),
    "ideographic-space": "a\u3000b c\n".encode(),
    "invalid-utf8": b"a\xff b c\nd\xc2\n",
}


X_MODULES = [ModuleSource("example.com/x", v, "module example.com/x\n", {"x.go": "package x\n"})
             for v in ("v1.0.0", "v1.1.0")]


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sum")
    write_proxy(root / "proxy", X_MODULES)
    return root


def _go(go_exe: str, root: Path, cwd: Path, proxy: Path, *args: str) -> subprocess.CompletedProcess:
    env = gotool.isolated_env(root / "goenv", proxy=file_proxy_url(proxy), flags="-mod=mod")
    return subprocess.run([go_exe, *args], cwd=cwd, env=env, capture_output=True, timeout=120)


@pytest.mark.go
@pytest.mark.parametrize("case", sorted(LAX_CASES))
def test_dependency_gomod_read_laxly_like_go(case: str, tmp_path: Path, go_exe: str) -> None:
    text = LAX_CASES[case]
    proxy = tmp_path / "proxy"
    write_proxy(proxy, [ModuleSource(DEP, "v1.0.0", text, {"d.go": "package dep\n"}), *X_MODULES])
    main = tmp_path / "main"
    main.mkdir()
    (main / "go.mod").write_text(f"module m\n\ngo 1.21\n\nrequire {DEP} v1.0.0\n")
    res = _go(go_exe, tmp_path, main, proxy, "mod", "graph")
    try:
        mod = modfile.parse_gomod(text, "go.mod", lax=True)
    except modfile.GoModSyntaxError as e:
        assert res.returncode == 1, res.stdout
        assert res.stderr.decode() == f"go: {DEP}@v1.0.0: parsing go.mod: {e}\n"
        return
    assert res.returncode == 0, res.stderr.decode()
    edges = {tuple(line.split()) for line in res.stdout.decode().splitlines()}
    got = {edge[1] for edge in edges if edge[0] == f"{DEP}@v1.0.0"}
    want = {f"{r.path}@{r.version}" for r in mod.require}
    if mod.go and _release(mod.go) >= (1, 21):  # modload adds go@ edges from gover.GoStrictVersion on
        want.add(f"go@{mod.go}")
    assert got == want


def _release(go_version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in go_version.split(".")[:2])


@pytest.mark.go
def test_gosum_read_like_go(universe: Path, tmp_path: Path, go_exe: str) -> None:
    for case, data in sorted(SUM_CASES.items()):
        main = tmp_path / case
        main.mkdir()
        (main / "go.mod").write_text("module m\n\ngo 1.21\n\nrequire example.com/x v1.0.0\n")
        (main / "go.sum").write_bytes(data)
        res = _go(go_exe, tmp_path, main, universe / "proxy", "list", "-m", "all")
        gosum = str(main / "go.sum")  # go names go.sum by its absolute path
        try:
            modfile.parse_gosum(data, gosum)
        except modfile.GoModSyntaxError as e:
            assert res.returncode == 1, case
            assert res.stderr.decode("utf-8", "surrogateescape") == e.go_stderr(gosum), case
            continue
        assert b"malformed go.sum" not in res.stderr, case


def test_gosum_fields() -> None:
    lines = modfile.parse_gosum(SUM_CASES["nbsp-splits"] + SUM_CASES["empty-gomod-hash"])
    assert [(s.path, s.version, s.line) for s in lines] == [("example.com/x", "v1.0.0", 1),
                                                           ("example.com/y", "v1.0.0/go.mod", 2)]
    assert lines[1].is_gomod and lines[1].module_version == "v1.0.0" and lines[1].ignored_by_go
    assert modfile.parse_gosum(SUM_CASES["unit-separator-does-not"])[0].path == "example.com/x\x1fv1.0.0"
    assert modfile.parse_gosum(SUM_CASES["two-fields"], lax=True) == modfile.parse_gosum(SUM_CASES["ok"])[:1]
