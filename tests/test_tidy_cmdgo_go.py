"""go mod tidy and go mod why in-process, on worlds built from the cmd/go tests' own module proxy.

$GOROOT/src/cmd/go/testdata/mod is the module content the Go team's script tests run against
(served as proxy_test.go serves it: tests/cmdgo_proxy.py, with its ``@v/list`` and ``@latest``
answers). For every module version there, one world: a go 1.21 main module that requires that
version and imports every package its zip holds (no package: the requirement alone). Plus a few
worlds in the shapes the script tests use (queries for rsc.io/quote, quote/v2 and v3 side by
side, sampler's broken v1.99.99, golang.org/x/text at a pseudo-version, go 1.16 main modules…).
Each goes through the comparisons of tests/tidy_harness.py. ``make test`` runs every shape and every
fourth archive world (:data:`SAMPLE_EVERY`); ``GOMODLAB_TIDY_WORLDS=1`` runs all of them.

Every world gets its own module cache (the worlds share module paths: a query for ``latest`` in
the cache's download directory, the ``--modcache`` oracle, must see only the world's own
downloads); all share one proxy directory.

Every archive makes a world except the one proxy_test.go never serves: ``example.com/invalidpath/v1``
(its name does not unescape to a valid module path — module.CheckPath refuses a ``/v1`` suffix —
so the test proxy skips it; :data:`NOT_SERVED`, checked by a test). The golang.org/toolchain
versions are worlds too: a go.mod can require them (no packages: the world imports the module's
root and go reports the toolchain go.mod's missing module line). The file
``example.com_retract_self_pseudo_v0.0.0-…`` without ``.txt`` is no archive (proxy_test.go reads
only ``*.txt``).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gomodlab.mod import modpath, txtar

from . import cmdgo_proxy, tidy_oracle
from . import tidy_harness as harness

pytestmark = [pytest.mark.go, pytest.mark.slow]

MAIN = "cmdgo.test/w"
#: go mod why -vendor on every VENDOR_EVERY-th world (go mod why PKGS and -m run on all).
VENDOR_EVERY = 4
#: Packages imported per world at most (the larger modules, golang.org/x/text, have dozens).
MAX_IMPORTS = 12


@dataclass
class CmdGoWorld:
    name: str
    requires: list[tuple[str, str]]
    imports: list[str]
    go: str | None = "1.21"
    tidy_args: tuple[str, ...] = ()
    why_packages: tuple[str, ...] = ()
    why_modules: tuple[str, ...] = ()
    extra_gomod: str = ""
    files: dict[str, str] = field(default_factory=dict)

    def write_main(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        gomod = f"module {MAIN}\n" + (f"\ngo {self.go}\n" if self.go else "")
        if self.requires:
            gomod += "\nrequire (\n" + "".join(f"\t{p} {v}\n" for p, v in self.requires) + ")\n"
        (directory / "go.mod").write_text(gomod + self.extra_gomod)
        body = "".join(f'\t_ "{p}"\n' for p in self.imports)
        (directory / "main.go").write_text("package main\n\n" + (f"import (\n{body})\n" if body else "")
                                           + "\nfunc main() {}\n")
        for rel, text in self.files.items():
            (directory / rel).parent.mkdir(parents=True, exist_ok=True)
            (directory / rel).write_text(text)
        return directory


def archive_packages(path: str, version: str) -> list[str]:
    """Import paths of the packages in a testdata archive's zip (as go would find them)."""
    name = f"{modpath.escape_path(path).replace('/', '_')}_{modpath.escape_version(version)}.txt"
    files = [n for n, _ in txtar.parse((cmdgo_proxy.testdata_dir() / name).read_text(
        encoding="utf-8", errors="surrogateescape")).files if not n.startswith((".", "/"))]
    nested = {posixpath.dirname(n) for n in files if n.endswith("/go.mod")}
    dirs = set()
    for n in files:
        d = posixpath.dirname(n)
        elems = d.split("/") if d else []
        if not n.endswith(".go") or n.endswith("_test.go") or posixpath.basename(n).startswith(("_", ".")):
            continue
        if any(e.startswith(("_", ".")) or e in ("testdata", "vendor") for e in elems):
            continue
        if any(d == m or d.startswith(m + "/") for m in nested):
            continue   # another module's package
        dirs.add(d)
    return sorted(f"{path}/{d}" if d else path for d in dirs)


def _archives() -> tuple[list[tuple[str, str]], list[str]]:
    """The module versions proxy_test.go serves (as cmdgo_proxy.write_proxy names them) and the
    archive files it does not serve."""
    served, not_served = [], []
    for f in sorted(cmdgo_proxy.testdata_dir().glob("*.txt")):
        name = f.name[:-4]
        i = name.rfind("_v")
        try:
            if i < 0:
                raise modpath.InvalidPath(name)
            served.append((modpath.unescape_path(name[:i].replace("_", "/")), modpath.unescape_version(name[i + 1:])))
        except modpath.InvalidPath:
            not_served.append(f.name)
    return served, not_served


SERVED, NOT_SERVED = _archives()

WORLDS: list[CmdGoWorld] = []
for _p, _v in SERVED:
    _pkgs = archive_packages(_p, _v) or ([_p] if _p == "golang.org/toolchain" else [])
    WORLDS.append(CmdGoWorld(f"{_p}@{_v}", [(_p, _v)], _pkgs[:MAX_IMPORTS], why_packages=tuple(_pkgs[:MAX_IMPORTS]),
                             why_modules=(_p,)))
WORLDS += [
    CmdGoWorld("shape:quote-by-query", [], ["rsc.io/quote"], why_packages=("rsc.io/quote", "rsc.io/sampler"),
               why_modules=("rsc.io/quote", "rsc.io/sampler", "golang.org/x/text")),
    CmdGoWorld("shape:quote-v1-v2-v3", [], ["rsc.io/quote", "rsc.io/quote/v2", "rsc.io/quote/v3"],
               why_modules=("rsc.io/quote", "rsc.io/quote/v2", "rsc.io/quote/v3")),
    CmdGoWorld("shape:quote-go1.16", [("rsc.io/quote", "v1.5.2")], ["rsc.io/quote"], go="1.16",
               why_packages=("rsc.io/quote", "golang.org/x/text/language")),
    CmdGoWorld("shape:quote-no-go-line", [("rsc.io/quote", "v1.5.2"), ("rsc.io/sampler", "v1.3.0")], ["rsc.io/quote"],
               go=None),
    CmdGoWorld("shape:sampler-broken-upgrade", [("rsc.io/quote", "v1.5.2"), ("rsc.io/sampler", "v1.99.99")],
               ["rsc.io/quote"], why_modules=("rsc.io/sampler",)),
    CmdGoWorld("shape:quote-test-deps", [("rsc.io/quote", "v1.5.2")], ["rsc.io/quote", "rsc.io/quote/buggy"],
               files={"main_test.go": 'package main\n\nimport (\n\t"testing"\n\n\t_ "rsc.io/testonly"\n)\n\n'
                                      "func TestMain(t *testing.T) {}\n"}),
    CmdGoWorld("shape:x-text-pseudo", [("golang.org/x/text", "v0.0.0-20170915032832-14c0d48ead0c")],
               ["golang.org/x/text/language"], go="1.17", tidy_args=("-compat=1.17",)),
    CmdGoWorld("shape:quote-upgrade-by-go-flag", [("rsc.io/quote", "v1.5.2")], ["rsc.io/quote"], go="1.16",
               tidy_args=("-go=1.17",)),
    CmdGoWorld("shape:replace-quote-with-fortune", [("rsc.io/quote", "v1.5.2")], ["rsc.io/quote"],
               extra_gomod="\nreplace rsc.io/quote v1.5.2 => rsc.io/quote v1.0.0\n"),
    CmdGoWorld("shape:exclude-sampler", [("rsc.io/quote", "v1.5.2")], ["rsc.io/quote"],
               extra_gomod="\nexclude rsc.io/sampler v1.3.0\n"),
    CmdGoWorld("shape:ambiguous-nested", [("example.net/ambiguous", "v0.1.0"), ("example.net/ambiguous/nested", "v0.1.0")],
               ["example.net/ambiguous/nested/pkg"]),
    CmdGoWorld("shape:split-join", [("example.com/split", "v1.0.0"), ("example.com/join", "v1.0.0")],
               ["example.com/split/subpkg", "example.com/join/subpkg"]),
    CmdGoWorld("shape:query-missing-package", [], ["rsc.io/quote/nonexistent"]),
    CmdGoWorld("shape:badsum-e", [("rsc.io/badsum", "v1.0.0")], ["rsc.io/badsum"], tidy_args=("-e",)),
]
#: Every world's go runs cost ~0.5 s (its own module cache filled from the proxy): all 282 take
#: ~150 s, as long as the generated and hand families together. ``make test`` runs every shape and
#: every SAMPLE_EVERY-th archive world; GOMODLAB_TIDY_WORLDS=1 runs them all.
SAMPLE_EVERY = 4
ALL_WORLDS = os.environ.get("GOMODLAB_TIDY_WORLDS") == "1"
NOT_SAMPLED = pytest.mark.skip(reason=f"not in make test's sample of cmd/go's proxy (every {SAMPLE_EVERY}th archive "
                                      "world, ~150 s for all): GOMODLAB_TIDY_WORLDS=1 runs every world")


def sampled(i: int, world: CmdGoWorld) -> bool:
    return ALL_WORLDS or world.name.startswith("shape:") or i % SAMPLE_EVERY == 0


#: Under ``--dist loadgroup`` each world's tests share one worker (one recording).
PARAMS = [pytest.param(x, id=x.name, marks=[pytest.mark.xdist_group(f"tidy-{x.name}")]
                       + ([] if sampled(i, x) else [NOT_SAMPLED])) for i, x in enumerate(WORLDS)]


@pytest.fixture(scope="session")
def cmdgo_lab(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tidy_oracle.Lab:
    return tidy_oracle.Lab(tmp_path_factory.mktemp("tidy-cmdgo"))


def record(lab: tidy_oracle.Lab, world: CmdGoWorld) -> tidy_oracle.Record:
    proxy = lab.root / "proxy"
    if not proxy.exists():
        cmdgo_proxy.write_proxy(proxy, lists=True)
    key = "w" + "".join(c if c.isalnum() else "_" for c in world.name)
    return lab.record(world, lab.group(key, proxy=proxy), why_vendor=WORLDS.index(world) % VENDOR_EVERY == 0)


def test_every_archive_has_a_world() -> None:
    built = [tuple(w.requires[0]) for w in WORLDS if not w.name.startswith("shape:")]
    assert sorted(built) == sorted(SERVED) and len(built) > 250
    assert NOT_SERVED == ["example.com_invalidpath_v1_v1.0.0.txt"]


@pytest.mark.parametrize("world", PARAMS)
def test_go_tidies_world(cmdgo_lab: tidy_oracle.Lab, world: CmdGoWorld) -> None:
    rec = record(cmdgo_lab, world)
    assert rec.tidy.returncode in (0, 1) or rec.crashed, rec.tidy.stderr
    if rec.ok:
        assert set(rec.why) >= ({"-m"} if world.why_modules else set())
    elif not rec.crashed:
        assert rec.tidy.stderr and rec.tidy.files() == (rec.pristine.joinpath("go.mod").read_bytes(), None)
        assert rec.diff.returncode == 1 and rec.diff.stderr == rec.tidy.stderr


def test_most_worlds_tidy(cmdgo_lab: tidy_oracle.Lab) -> None:
    """Most of the testdata modules tidy cleanly; the rest are the deliberately broken ones."""
    sample = [w for i, w in enumerate(WORLDS) if i % 8 == 0 and sampled(i, w)]
    accepted = sum(record(cmdgo_lab, w).ok for w in sample)
    assert accepted >= 0.6 * len(sample), f"{accepted} of {len(sample)}"


@pytest.mark.parametrize("mode", ["proxy", "modcache"])
@pytest.mark.parametrize("world", PARAMS)
def test_tidy_api(cmdgo_lab, world, mode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_api(cmdgo_lab, record(cmdgo_lab, world), mode, tmp_path, monkeypatch)


@pytest.mark.parametrize("mode", ["proxy", "modcache"])
@pytest.mark.parametrize("world", PARAMS)
def test_tidy_cli(cmdgo_lab, world, mode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli(cmdgo_lab, record(cmdgo_lab, world), mode, tmp_path, monkeypatch)


@pytest.mark.parametrize("world", PARAMS)
def test_tidy_cli_diff(cmdgo_lab, world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli_diff(cmdgo_lab, record(cmdgo_lab, world), tmp_path, monkeypatch)


@harness.WHY_PKG_PENDING
@pytest.mark.parametrize("which", list(tidy_oracle.WHY_RUNS))
@pytest.mark.parametrize("world", PARAMS)
def test_why_pkg(cmdgo_lab, world, which, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_why(cmdgo_lab, record(cmdgo_lab, world), which, tmp_path, monkeypatch)
