"""Seeded module universes with real Go source, for the differential tests of ``go mod tidy``/``why``.

A :class:`World` is a main module (its directory's files: go.mod, perhaps go.sum, Go packages,
local replacement directories) and the module versions it can reach (served as a file://
GOPROXY). ``generate(i)`` builds world number ``i`` of a seeded series: deterministic, cheap
(pure Python, no go), every world under its own path prefix ``example.com/wNNN`` so that the
worlds of a group share one proxy directory and one GOMODCACHE without seeing each other.

World ``i`` is built around ``FEATURES[i % len(FEATURES)]`` (its name says which: ``w017-nested``)
and draws a few more at random; every world has packages importing each other across modules
and std packages. What the features exercise in go (cmd/go/internal/modload, imports, modcmd):

==================  ==============================================================================
buildtags           ``//go:build`` / ``// +build`` lines (and both, and a ``+build`` comment not
                    followed by a blank line, which is no constraint), ``ignore``, ``!ignore``,
                    contradictions (``linux && !linux`` is satisfiable under tidy's any-tags),
                    GOOS/GOARCH file-name suffixes, cgo files (``import "C"``), ``_x.go`` and
                    ``.x.go`` files, in the main module and in dependencies
tests               main-module ``_test.go`` and ``package x_test`` imports (test-only modules)
deptests            tests of dependency packages importing modules (in "all" only for go < 1.16;
                    tidy keeps what ``go test all`` needs), with deps at go 1.16 and 1.17+
go_old go_mid       main go line 1.14-1.16 (unpruned graph, "all" closes over tests), 1.17-1.20
go_new go_none      (pruned graph, default -compat), 1.21+ (go line raised to the deps'), none
toolchain           ``toolchain`` lines older, equal and newer than the go line
replace_version     ``M v => M v'`` and ``M => M v'``
replace_fork        ``M => F v`` where F declares its own path (a fork with other imports)
replace_dir         ``M => ./local/M`` (a directory with a go.mod), with and without a version
replace_ghost       a directory replacement of a module no proxy has, imported and not required
exclude             excluded versions the main module or a dependency requires
nested              ``a`` and ``a/b`` both (in some versions) providing package ``a/b``: fine,
                    ambiguous, or resolved by a query for the longest module path
main_shadow         the main module's own directory and a dependency both providing a package
query               imports no requirement provides: tidy's ``latest`` query (release over
                    prerelease, retracted versions skipped)
query_dep           a dependency importing a module its go.mod does not require
pkgadded            a package only later versions of a required module have (query upgrades)
unused indirect     unused requirements to drop, stale and missing ``// indirect`` marks
gosum               an untidy go.sum: real hashes of unneeded versions, unknown modules, dups,
                    missing lines, unsorted
major               ``/v2`` module paths and a ``+incompatible`` version without go.mod
layout              go.mod spellings tidy must preserve or reshape: single-line requires, one
                    mixed block, comments, blank lines, a third block, godebug lines
tool ignore_dir     ``tool`` directives (go 1.24) and ``ignore`` directives (go 1.25)
nested_main         a sub-directory of the main module with its own go.mod (not in the module)
cycle               requirement cycles, back to the main module's own path too
flags               ``-go=``, ``-compat=``, ``-e`` on ordinary worlds
broken broken_e     imports nothing provides (no module, a module without the package, the main
                    module's own prefix), without and with ``-e``; any world may import a
                    std-looking path no GOROOT has, about which tidy is silent
toonew              a dependency needing a go newer than the local toolchain (GOTOOLCHAIN=local)
==================  ==============================================================================

``python -m tests.tidy_worlds write INDEX DIR`` writes one world (``DIR/main``, ``DIR/proxy``)
and prints the go command that tidies it, for looking at a world by hand.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource
from gomodlab.mod import dirhash, gover, semver

SEED = 12
#: Seven worlds per feature.
COUNT = 217
#: Worlds that share one proxy directory and one GOMODCACHE (see tidy_oracle.Lab).
GROUP_SIZE = 12

FEATURES = (
    "buildtags", "tests", "deptests", "go_old", "go_mid", "go_new", "go_none", "toolchain",
    "replace_version", "replace_fork", "replace_dir", "replace_ghost", "exclude", "nested",
    "main_shadow", "query", "query_dep", "pkgadded", "unused", "indirect", "gosum", "major",
    "layout", "tool", "ignore_dir", "nested_main", "cycle", "flags", "broken", "broken_e", "toonew",
)
#: Features a world may draw besides its own (each with probability EXTRA_P).
EXTRAS = ("buildtags", "tests", "deptests", "toolchain", "replace_version", "replace_dir", "exclude",
          "query", "query_dep", "unused", "indirect", "gosum", "major", "layout", "cycle", "flags")
EXTRA_P = 0.15
#: Features whose worlds go must refuse (the oracle test checks that it does).
FAILING = {"broken", "toonew"}

STD = ("fmt", "os", "strings", "net/http", "encoding/json", "crypto/sha256", "io/fs", "sync/atomic",
       "embed", "unsafe", "testing/fstest")
STD_TEST = ("testing", "testing/quick", "net/http/httptest")
DEP_GO = (None, "1.14", "1.16", "1.17", "1.17", "1.20", "1.21", "1.21.0", "1.22.0", "1.23")
MAIN_GO = {
    "go_old": ("1.14", "1.15", "1.16"),
    "go_mid": ("1.17", "1.18", "1.19", "1.20"),
    "go_new": ("1.21", "1.21.0", "1.22", "1.23.4", "1.24", "1.25"),
    "go_none": (None,),
}
ANY_MAIN_GO = (None, "1.16", "1.17", "1.19", "1.20", "1.21", "1.22", "1.23", "1.24")
V1_POOL = ("v0.1.0", "v1.0.0", "v1.1.0", "v1.2.0-rc.1", "v1.2.0", "v1.3.0", "v1.0.1-0.20240102030405-0123456789ab")
#: Header lines of a build-tagged file, and whether tidy (every tag but "ignore") loads it.
TAG_HEADERS = (
    ("//go:build linux\n\n", True),
    ("// +build linux darwin\n\n", True),
    ("//go:build windows && arm64\n// +build windows,arm64\n\n", True),
    ("//go:build ignore\n\n", False),
    ("// +build ignore\n\n", False),
    ("//go:build !ignore\n\n", True),
    ("//go:build linux && !linux\n\n", True),
    ("//go:build ignore && linux\n\n", False),
    ("//go:build ignore || cgo\n\n", True),
    ("//go:build !windows\n// +build ignore\n\n", True),   # //go:build wins over +build
    ("// +build ignore\npackage x_is_not_a_constraint\n", True),   # not followed by a blank line
    ("// Copyright 2024 The Authors.\n\n//go:build tools\n\n// Package doc.\n", True),
)
SUFFIXES = ("_windows", "_linux_arm64", "_js_wasm", "_plan9", "_amd64", "_darwin_test")


@dataclass
class World:
    """One main module and the module versions it can reach."""

    index: int
    feature: str
    features: tuple[str, ...]
    main_path: str
    main_files: dict[str, bytes]
    modules: list[ModuleSource]
    tidy_args: tuple[str, ...] = ()
    #: Arguments of ``go mod why`` runs on the tidied module (empty lists: no run).
    why_packages: tuple[str, ...] = ()
    why_modules: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"w{self.index:03d}-{self.feature}"

    @property
    def group(self) -> int:
        return self.index // GROUP_SIZE

    @property
    def must_fail(self) -> bool:
        return self.feature in FAILING

    def write_main(self, directory: Path) -> Path:
        """The main module's files under ``directory`` (created); returns it."""
        for rel, data in self.main_files.items():
            p = directory / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        directory.mkdir(parents=True, exist_ok=True)
        return directory


def tidy_kwargs(args: tuple[str, ...]) -> dict[str, object]:
    """The keyword arguments of ``modtidy.tidy`` that ``go mod tidy ARGS`` asks for."""
    out: dict[str, object] = {}
    for a in args:
        if a.startswith("-go="):
            out["go_version"] = a[4:]
        elif a.startswith("-compat="):
            out["compat"] = a[8:]
        elif a == "-e":
            out["allow_errors"] = True
        else:
            raise ValueError(f"unknown tidy flag {a}")
    return out


def cli_flags(args: tuple[str, ...]) -> list[str]:
    """The ``gomodlab tidy`` options for ``go mod tidy ARGS``."""
    out: list[str] = []
    for a in args:
        if a.startswith("-go="):
            out += ["--go", a[4:]]
        elif a.startswith("-compat="):
            out += ["--compat", a[8:]]
        else:
            out.append(a)
    return out


# ---------------------------------------------------------------------------------------------
# Go source

def pkg_name(import_path: str) -> str:
    """A package name for an import path (its last element, without a /vN suffix)."""
    elems = import_path.split("/")
    last = elems[-1]
    if len(elems) > 1 and last[:1] == "v" and last[1:].isdigit():
        last = elems[-2]
    name = "".join(c for c in last.lower() if c.isalnum())
    return name if name and not name[0].isdigit() else "p" + name


def go_file(name: str, imports: list[str], rnd: random.Random, *, header: str = "") -> str:
    """A Go file of package ``name`` importing ``imports`` (blank imports, and ``"C"`` after its
    preamble), in one of the spellings go's import reader accepts."""
    if "package x_is_not_a_constraint" in header:
        head = header.replace("x_is_not_a_constraint", name)
    else:
        head = header + f"package {name}\n"
    cgo = "C" in imports
    specs = [f"_ `{p}`" if rnd.random() < 0.1 else f'_ "{p}"' for p in imports if p != "C"]
    style = rnd.choice(("block", "block", "lines", "mixed", "comments"))
    if not specs:
        body = ""
    elif style == "lines" or len(specs) == 1:
        body = "".join(f"import {s}\n" for s in specs)
    elif style == "mixed":
        body = f"import {specs[0]}\n\nimport (\n" + "".join(f"\t{s}\n" for s in specs[1:]) + ")\n"
    elif style == "comments":
        body = "import ( // the imports\n" + "".join(
            f"\t/* {i} */ {s} // why {i}\n\n" for i, s in enumerate(specs)) + ")\n"
    else:
        body = "import (\n" + "".join(f"\t{s}\n" for s in specs) + ")\n"
    if cgo:
        body = '// #include <stdio.h>\nimport "C"\n\n' + body
    return head + "\n" + body + f'\nconst _ = "{name}"\n'


# ---------------------------------------------------------------------------------------------
# The generator

@dataclass
class _Mod:
    path: str
    versions: list[str]
    stable: list[str]                       # package dirs every version has ("" = module root)
    added: dict[str, str] = field(default_factory=dict)   # dir -> first version that has it
    nogomod: set[str] = field(default_factory=set)         # versions without a go.mod

    def dirs(self, version: str) -> list[str]:
        return self.stable + [d for d, v in self.added.items() if semver.compare(version, v) >= 0]

    def pkg(self, d: str) -> str:
        return f"{self.path}/{d}" if d else self.path


class _Builder:
    def __init__(self, index: int, seed: int) -> None:
        self.index = index
        self.rnd = random.Random(f"tidy-worlds:{seed}:{index}")
        self.feature = FEATURES[index % len(FEATURES)]
        extras = [f for f in EXTRAS if f != self.feature and self.rnd.random() < EXTRA_P]
        self.features = {self.feature, *extras}
        self.prefix = f"example.com/w{index:03d}"
        self.main_path = self.prefix if "main_shadow" in self.features else f"{self.prefix}/main"
        self.mods: dict[str, _Mod] = {}
        self.sources: list[ModuleSource] = []
        self.main_files: dict[str, str | bytes] = {}
        self.tidy_args: tuple[str, ...] = ()
        self.force_require: dict[str, str] = {}
        self.shaped: set[str] = set()
        self.spare: list[str] = []
        self.imported: list[str] = []

    def has(self, f: str) -> bool:
        return f in self.features

    # -- universe ----------------------------------------------------------------------------

    def add_mod(self, path: str, versions: list[str], stable: list[str]) -> _Mod:
        m = _Mod(path, versions, stable)
        self.mods[path] = m
        return m

    def make_universe(self) -> None:
        rnd = self.rnd
        for i in range(rnd.randint(3, 6)):
            path = f"{self.prefix}/m{i}"
            if self.has("major") and i == 1 or rnd.random() < 0.08:
                path += "/v2"
                versions = sorted(rnd.sample(["v2.0.0", "v2.1.0", "v2.2.0-beta.1"], rnd.randint(1, 2)))
            else:
                versions = rnd.sample(V1_POOL, rnd.randint(1, 3))
                if all("-" in v for v in versions):
                    versions.append(rnd.choice(("v1.0.0", "v1.1.0")))   # one release, for "latest"
            stable = [""] + rnd.sample(["sub", "sub/deep", "util", "internal/impl"], rnd.randint(0, 2))
            if rnd.random() < 0.07:
                stable = stable[1:] or ["util"]   # a module with no package at its root
            self.add_mod(path, _sorted(versions), stable)
        if self.has("major"):
            m = self.add_mod(f"{self.prefix}/inc", ["v1.0.0", "v2.0.0+incompatible"], ["", "sub"])
            m.nogomod.add("v2.0.0+incompatible")
        if self.has("pkgadded") or rnd.random() < 0.1:
            m = self.mod_named("m0")
            if len(m.versions) < 2:
                more = ("v2.0.0", "v2.1.0") if m.path.endswith("/v2") else ("v1.0.0", "v1.1.0")
                m.versions = _sorted({*m.versions, *more})
            m.added["added"] = m.versions[-1]
        if self.has("nested"):
            self.add_mod(f"{self.prefix}/a", ["v1.0.0", "v1.1.0"], [""])
            self.add_mod(f"{self.prefix}/a/b", ["v1.0.0", "v1.0.1"], ["", "c"])
            self.shaped = {f"{self.prefix}/a", f"{self.prefix}/a/b"}

    def mod_named(self, name: str) -> _Mod:
        """The generated module ``name`` (``m0``…), with or without its /v2 suffix."""
        return self.mods.get(f"{self.prefix}/{name}") or self.mods[f"{self.prefix}/{name}/v2"]

    def targets(self, exclude: str = "") -> list[str]:
        """Importable packages of the universe (internal ones only from their own module; the
        nested pair only from the main module, whose requirements then decide its shape)."""
        out = []
        for m in self.mods.values():
            if m.path in self.shaped:
                continue
            for d in m.stable:
                if m.path == exclude or not d.startswith("internal"):
                    out.append(m.pkg(d))
        return out

    def module_of(self, pkg: str) -> str:
        best = ""
        for p in self.mods:
            if (pkg == p or pkg.startswith(p + "/")) and len(p) > len(best):
                best = p
        return best

    def pick_imports(self, exclude: str, k: int, own: str = "") -> list[str]:
        rnd = self.rnd
        cands = [t for t in self.targets(exclude) if t != own]
        picked = rnd.sample(cands, min(k, len(cands)))
        if rnd.random() < 0.5:
            picked.append(rnd.choice(STD))
        if rnd.random() < 0.03:
            picked.append("notstd/pkg")   # tidy is silent about std-looking paths no GOROOT has
        return picked

    def package_files(self, mod: str, pkg: str, imports: list[str], *, in_dep: bool,
                      test_imports: list[str] = ()) -> dict[str, str]:
        """The files of one package: the plain file, plus tagged/test/odd files per the features."""
        rnd = self.rnd
        name = pkg_name(pkg)
        base = name
        files = {f"{base}.go": go_file(name, imports, rnd, header=rnd.choice(("", "// Package doc.\n")))}
        if self.has("buildtags") and rnd.random() < 0.7:
            for j in range(rnd.randint(1, 3)):
                header, loaded = rnd.choice(TAG_HEADERS)
                extra = self.pick_imports(mod, 1, own=pkg)
                if not loaded:
                    extra.append(f"{self.prefix}/nowhere{j}/pkg")   # never looked for: the file is ignored
                files[f"tagged{j}.go"] = go_file(name, extra, rnd, header=header)
            if rnd.random() < 0.6:
                sfx = rnd.choice(SUFFIXES)
                files[f"{base}{sfx}.go"] = go_file(name, self.pick_imports(mod, 1, own=pkg), rnd)
            if rnd.random() < 0.4:
                files["cgo.go"] = go_file(name, ["C", *self.pick_imports(mod, 1, own=pkg)], rnd)
            if rnd.random() < 0.4:
                bad = [f"{self.prefix}/nowhere/ignored"]
                files[rnd.choice(("_ignored.go", ".hidden.go"))] = go_file(name, bad, rnd)
                files["notgo.txt"] = f'import "{bad[0]}"\n'
        tests = list(test_imports)
        want_tests = self.has("deptests") if in_dep else self.has("tests")
        if want_tests and rnd.random() < 0.8:
            tests += self.pick_imports(mod, rnd.randint(1, 2), own=pkg)
        if tests:
            files[f"{base}_test.go"] = go_file(name, [rnd.choice(STD_TEST), *tests[:1]], rnd)
            if len(tests) > 1 or rnd.random() < 0.4:
                files[f"{base}_x_test.go"] = go_file(f"{name}_test", [pkg, *tests[1:]], rnd)
        return files

    def dep_gomod(self, m: _Mod, version: str, imported: list[str], test_imported: list[str]) -> str:
        rnd = self.rnd
        reqs: dict[str, str] = {}
        for pkg in imported + test_imported:
            mp = self.module_of(pkg)
            if not mp or mp == m.path:
                continue
            p_keep = 0.85 if pkg in imported else 0.6
            if self.has("query_dep") and rnd.random() < 0.5:
                p_keep = 0.0
            if rnd.random() < p_keep:
                reqs[mp] = rnd.choice(self.mods[mp].versions)
        for other in rnd.sample(list(self.mods), min(len(self.mods), rnd.randint(0, 2))):
            if other != m.path and other not in reqs and other not in self.shaped:
                reqs[other] = rnd.choice(self.mods[other].versions)
        if self.has("cycle") and rnd.random() < 0.3:
            reqs[self.main_path] = "v1.0.0"
        go = rnd.choice(DEP_GO)
        if self.has("toonew") and m.path.removesuffix("/v2").endswith("/m1"):
            go = "1.99"
        lines = [f"module {m.path}\n"]
        if go:
            lines.append(f"\ngo {go}\n")
        if reqs:
            lines.append("\nrequire (\n" + "".join(f"\t{p} {v}\n" for p, v in sorted(reqs.items())) + ")\n")
        if version == m.versions[-1] and self.has("query") and len(m.versions) > 1 and rnd.random() < 0.4:
            lines.append(f"\nretract {version} // published by mistake\n")
        return "".join(lines)

    def make_sources(self) -> None:
        rnd = self.rnd
        for m in self.mods.values():
            for v in m.versions:
                files: dict[str, str] = {}
                imported: list[str] = []
                tested: list[str] = []
                dirs = m.dirs(v)
                if m.path == f"{self.prefix}/a" and self.has("nested") and v == "v1.0.0":
                    dirs = dirs + ["b", "b/c"]   # a v1.0.0 still carries a/b (later its own module)
                for d in dirs:
                    pkg = m.pkg(d)
                    imps = self.pick_imports(m.path, rnd.choice((0, 1, 1, 2, 3)), own=pkg)
                    if self.has("query_dep") and rnd.random() < 0.3 and self.spare:
                        imps.append(rnd.choice(self.spare))
                    tests = self.pick_imports(m.path, 1, own=pkg) if self.has("deptests") else []
                    if self.has("cycle") and rnd.random() < 0.2:
                        imps.append(self.main_path)
                    for rel, text in self.package_files(m.path, pkg, imps, in_dep=True, test_imports=tests).items():
                        files[f"{d}/{rel}" if d else rel] = text
                    imported += [i for i in imps if "." in i.split("/")[0]]
                    tested += tests
                if rnd.random() < 0.2:
                    files["testdata/x/x.go"] = go_file("x", [f"{self.prefix}/nowhere/testdata"], rnd)
                gomod = None if v in m.nogomod else self.dep_gomod(m, v, imported, tested)
                self.sources.append(ModuleSource(m.path, v, gomod, files))
        if self.has("cycle"):
            # The main module's own path, published: a requirement cycle back to the main module.
            self.sources.append(ModuleSource(self.main_path, "v1.0.0", f"module {self.main_path}\n\ngo 1.17\n",
                                             {"old.go": "package main\n"}))

    # -- the main module ---------------------------------------------------------------------

    def make_main(self) -> None:
        rnd = self.rnd
        dirs = [""] + rnd.sample(["cmd/tool", "pkg/a", "pkg/b", "internal/x"], rnd.randint(0, 2))
        imported: dict[str, list[str]] = {}
        test_only: list[str] = []
        for d in dirs:
            pkg = f"{self.main_path}/{d}" if d else self.main_path
            imps = self.pick_imports("", rnd.randint(1, 3))
            if d and rnd.random() < 0.3:
                imps.append(self.main_path)   # an import inside the main module
            tests = self.pick_imports("", rnd.randint(1, 2)) if self.has("tests") else []
            test_only += tests
            for rel, text in self.package_files(self.main_path, pkg, imps, in_dep=False,
                                                test_imports=tests).items():
                self.main_files[f"{d}/{rel}" if d else rel] = text
            imported[pkg] = imps
        if rnd.random() < 0.3:
            self.main_files["testdata/t.go"] = go_file("t", [f"{self.prefix}/nowhere/maintestdata"], rnd)
        if rnd.random() < 0.2:
            self.main_files["_tools/t.go"] = go_file("t", [f"{self.prefix}/nowhere/underscore"], rnd)
        if rnd.random() < 0.2:
            self.main_files["vendor/example.com/v/v.go"] = go_file("v", [f"{self.prefix}/nowhere/vendor"], rnd)
        self.imported = sorted({i for v in imported.values() for i in v} | set(test_only))

    def feature_main(self) -> list[str]:
        """Files and go.mod lines the world's features add to the main module (returns extra go.mod text)."""
        rnd, extra = self.rnd, []
        if self.has("nested"):
            self.main_files["nested.go"] = go_file("main", [f"{self.prefix}/a/b", f"{self.prefix}/a/b/c"], rnd)
        if self.has("main_shadow"):
            m0 = self.mod_named("m0")
            d = m0.path[len(self.main_path) + 1:]
            shadow = m0.stable[0]
            self.main_files[f"{d}/{shadow}/shadow.go" if shadow else f"{d}/shadow.go"] = "package shadow\n"
            self.main_files["shadowuser.go"] = go_file("main", [m0.pkg(shadow)], rnd)
        if self.has("query"):
            q = self.add_mod(f"{self.prefix}/q", ["v1.0.0", "v1.1.0", "v1.2.0-pre"], ["", "x"])
            self.sources += [ModuleSource(q.path, v, f"module {q.path}\n\ngo 1.20\n",
                                          {"q.go": "package q\n", "x/x.go": "package x\n"}) for v in q.versions]
            r = self.add_mod(f"{self.prefix}/r", ["v1.0.0", "v1.1.0", "v1.2.0"], [""])
            for v in r.versions:
                retract = "\nretract [v1.1.0, v1.2.0] // broken\n" if v == "v1.2.0" else ""
                self.sources.append(ModuleSource(r.path, v, f"module {r.path}\n\ngo 1.21\n{retract}",
                                                 {"r.go": "package r\n"}))
            self.main_files["query.go"] = go_file("main", [f"{q.path}/x", r.path], rnd)
        if self.has("pkgadded"):
            m0 = self.mod_named("m0")
            self.main_files["added.go"] = go_file("main", [m0.pkg("added")], rnd)
            self.force_require = {m0.path: m0.versions[0]}
        if self.has("replace_ghost"):
            ghost = f"{self.prefix}/ghost"
            self.main_files["ghost/go.mod"] = f"module {ghost}\n\ngo 1.18\n"
            self.main_files["ghost/g.go"] = go_file("ghost", self.pick_imports("", 1), rnd)
            self.main_files["ghostuser.go"] = go_file("main", [ghost], rnd)
            extra.append(f"replace {ghost} => ./ghost\n")
        if self.has("nested_main"):
            self.main_files["inner/go.mod"] = f"module {self.main_path}/inner\n\ngo 1.21\n"
            self.main_files["inner/i.go"] = go_file("inner", [f"{self.prefix}/nowhere/inner"], rnd)
        if self.has("broken") or self.has("broken_e"):
            kind = rnd.choice(("nomodule", "nopkg", "mainpkg"))
            bad = {"nomodule": f"{self.prefix}/nowhere/pkg", "nopkg": self.mod_named("m0").pkg("missingdir"),
                   "mainpkg": f"{self.main_path}/notthere"}[kind]
            self.main_files["broken.go"] = go_file("main", [bad], rnd)
            if self.has("broken_e"):
                self.tidy_args = ("-e",)
        if self.has("toonew"):
            m1 = self.mod_named("m1")
            self.main_files["toonew.go"] = go_file("main", [m1.pkg(m1.stable[0])], rnd)
        if self.has("tool"):
            m = rnd.choice(list(self.mods.values()))
            extra.append(f"tool {m.pkg(m.stable[0])}\n")
        if self.has("ignore_dir"):
            self.main_files["skipped/s.go"] = go_file("s", [f"{self.prefix}/nowhere/skipped"], rnd)
            self.main_files["keep/k.go"] = go_file("k", self.pick_imports("", 1), rnd)
            extra.append("ignore (\n\t./skipped\n\tmissing\n)\n")
        return extra

    def make_gomod(self, extra: list[str]) -> str:
        rnd = self.rnd
        go = rnd.choice(MAIN_GO.get(self.feature, ANY_MAIN_GO))
        if self.has("tool"):
            go = rnd.choice(("1.24", "1.25"))
        if self.has("ignore_dir"):
            go = "1.25"
        reqs: dict[str, tuple[str, bool]] = {}
        p_require = 0.6 if self.has("query") else 0.85
        for pkg in self.imported:
            mp = self.module_of(pkg)
            if mp and mp != self.main_path and mp not in reqs and rnd.random() < p_require:
                reqs[mp] = (rnd.choice(self.mods[mp].versions), rnd.random() < (0.5 if self.has("indirect") else 0.1))
        n_unused = rnd.randint(1, 3) if self.has("unused") else rnd.choice((0, 0, 1))
        for mp in rnd.sample([p for p in self.mods if p not in self.shaped], min(n_unused, len(self.mods))):
            reqs.setdefault(mp, (rnd.choice(self.mods[mp].versions), rnd.random() < 0.5))
        for mp, v in self.force_require.items():
            reqs[mp] = (v, False)
        if self.has("nested"):
            a, ab = f"{self.prefix}/a", f"{self.prefix}/a/b"
            shape = rnd.choice(("ambiguous", "split", "old-only", "new-only", "none"))
            reqs.pop(a, None)
            reqs.pop(ab, None)
            if shape in ("ambiguous", "old-only"):
                reqs[a] = ("v1.0.0", False)
            if shape == "split":
                reqs[a] = ("v1.1.0", False)
            if shape in ("ambiguous", "split", "new-only"):
                reqs[ab] = ("v1.0.0", rnd.random() < 0.5)
        lines = [f"module {self.main_path}\n"]
        if go:
            lines.append(f"\ngo {go}\n")
        if self.has("toolchain") and go and gover.compare(go, "1.21") >= 0:
            lines.append(f"\ntoolchain {rnd.choice(('go1.21.0', 'go' + go, 'go1.23.1', 'go1.27.0', 'go1.30.0'))}\n")
        if self.has("layout") and go and gover.compare(go, "1.21") >= 0 and rnd.random() < 0.5:
            lines.append("\n// Settings kept as they are.\ngodebug (\n\tpanicnil=1\n)\n")
        lines.append(self.require_text(reqs))
        extra = list(extra)
        if self.has("exclude"):
            # Never every version of a module (then each query for it finds nothing at all).
            pool = [(p, v) for p, m in self.mods.items() if len(m.versions) > 1 for v in m.versions]
            excl = set(rnd.sample(pool, min(len(pool), rnd.randint(1, 2))))
            excl |= {(p, v) for p, (v, _) in reqs.items() if len(self.mods[p].versions) > 1 and rnd.random() < 0.3}
            excl = {(p, v) for p, v in excl if sum(q == p for q, _ in excl) < len(self.mods[p].versions)}
            if excl:
                extra.append("exclude (\n" + "".join(f"\t{p} {v}\n" for p, v in sorted(excl)) + ")\n")
        extra += self.replaces(reqs)
        text = "".join(lines) + "".join("\n" + e for e in extra)
        if self.has("flags"):
            self.tidy_args = rnd.choice((("-go=1.17",), ("-go=1.21",), ("-go=1.16",), ("-compat=1.17",),
                                         ("-compat=1.16",), ("-e",), ("-go=1.22", "-compat=1.20"), ("-go=1.25",)))
        return text

    def require_text(self, reqs: dict[str, tuple[str, bool]]) -> str:
        rnd = self.rnd
        items = [(p, v, ind) for p, (v, ind) in sorted(reqs.items())]
        if not items:
            return ""
        style = rnd.choice(("blocks", "single", "mixed", "comments", "three")) if self.has("layout") else \
            rnd.choice(("blocks", "blocks", "mixed"))
        mark = lambda ind: " // indirect" if ind else ""  # noqa: E731
        if style == "single":
            return "\n" + "".join(f"require {p} {v}{mark(i)}\n" for p, v, i in items)
        if style == "mixed":
            rnd.shuffle(items)
            return "\nrequire (\n" + "".join(f"\t{p} {v}{mark(i)}\n" for p, v, i in items) + ")\n"
        if style == "comments":
            return "\n// What we need.\nrequire (\n" + "".join(
                f"\t// {p} is used by something\n\t{p} {v}{' // indirect; keep' if i else ' // pinned'}\n\n"
                for p, v, i in items) + ")\n"
        direct = [x for x in items if not x[2]]
        indirect = [x for x in items if x[2]]
        out = ""
        if direct:
            out += "\nrequire (\n" + "".join(f"\t{p} {v}\n" for p, v, _ in direct) + ")\n"
        if indirect:
            out += "\nrequire (\n" + "".join(f"\t{p} {v} // indirect\n" for p, v, _ in indirect) + ")\n"
        if style == "three" and len(items) > 1:
            p, v, i = items[0]
            out += f"\nrequire {p} {v}{mark(i)}\n"
        return out

    def replaces(self, reqs: dict[str, tuple[str, bool]]) -> list[str]:
        rnd, out = self.rnd, []
        deps = [m for m in self.mods.values() if not m.nogomod]
        # One replacement per module path: go refuses two for the same left-hand side.
        free = list(deps)
        rnd.shuffle(free)
        if self.has("replace_version"):
            for m in [free.pop() for _ in range(min(2, len(free)))]:
                if len(m.versions) > 1:
                    a, b = rnd.sample(m.versions, 2)
                    out.append(f"replace {m.path} {a} => {m.path} {b}\n" if rnd.random() < 0.5
                               else f"replace {m.path} => {m.path} {b}\n")
        if self.has("replace_fork") and free:
            m = free.pop()
            fork = f"{self.prefix}/fork"
            files = {}
            for d in m.stable:
                for rel, text in self.package_files(fork, m.pkg(d), self.pick_imports(m.path, 1),
                                                    in_dep=True).items():
                    files[f"{d}/{rel}" if d else rel] = text
            self.sources.append(ModuleSource(fork, "v1.5.0", f"module {fork}\n\ngo 1.20\n", files))
            old = m.path if rnd.random() < 0.6 else f"{m.path} {rnd.choice(m.versions)}"
            out.append(f"replace {old} => {fork} v1.5.0\n")
        if self.has("replace_dir") and free:
            m = free.pop()
            d = f"local/{pkg_name(m.path)}"
            self.main_files[f"{d}/go.mod"] = f"module {m.path}\n\ngo {rnd.choice(('1.16', '1.21'))}\n"
            for sub in m.stable:
                for rel, text in self.package_files(m.path, m.pkg(sub), self.pick_imports(m.path, 1),
                                                    in_dep=True).items():
                    self.main_files[f"{d}/{sub}/{rel}" if sub else f"{d}/{rel}"] = text
            old = m.path if rnd.random() < 0.6 else f"{m.path} {rnd.choice(m.versions)}"
            out.append(f"replace {old} => ./{d}\n")
        return out

    def gosum(self, gomod: str) -> str | None:
        """An untidy go.sum for the ``gosum`` feature (real hashes, some not needed), else None."""
        if not self.has("gosum"):
            return None
        rnd = self.rnd
        lines = []
        for src in rnd.sample(self.sources, min(len(self.sources), rnd.randint(2, 8))):
            if rnd.random() < 0.6:
                z = universe.module_zip(src.path, src.version, src.zip_files())
                lines.append(f"{src.path} {src.version} {dirhash.hash_zip(io.BytesIO(z))}\n")
            lines.append(f"{src.path} {src.version}/go.mod {dirhash.hash_gomod(src.gomod_bytes())}\n")
        lines.append(f"{self.prefix}/gone v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
        if lines and rnd.random() < 0.5:
            lines.append(lines[0])
        rnd.shuffle(lines)
        return "".join(lines)

    def build(self) -> World:
        self.make_universe()
        # Packages of a module no requirement mentions (for query_dep: dependencies import them).
        if self.has("query_dep"):
            s = self.add_mod(f"{self.prefix}/spare", ["v1.0.0", "v1.1.0"], ["", "sp"])
            self.spare = [s.pkg(""), s.pkg("sp")]
        self.make_sources()
        self.make_main()
        extra = self.feature_main()
        gomod = self.make_gomod(extra)
        files = {"go.mod": gomod, **self.main_files}
        gosum = self.gosum(gomod)
        if gosum is not None:
            files["go.sum"] = gosum
        why_pkgs = sorted({*self.targets(), *self.imported, self.main_path, f"{self.prefix}/nowhere/pkg",
                           *(f"{self.prefix}/a/b{c}" for c in ("", "/c") if self.shaped)})
        why_mods = sorted({*self.mods, f"{self.prefix}/nowhere"})
        return World(self.index, self.feature, tuple(sorted(self.features)), self.main_path,
                     {k: v.encode() if isinstance(v, str) else v for k, v in files.items()},
                     self.sources, self.tidy_args, tuple(why_pkgs), tuple(why_mods))


def _sorted(versions) -> list[str]:
    return semver.sort_versions(set(versions))


def generate(index: int, seed: int = SEED) -> World:
    """World number ``index`` of the series ``seed`` (deterministic)."""
    return _Builder(index, seed).build()


def worlds(count: int = COUNT, seed: int = SEED) -> list[World]:
    return [generate(i, seed) for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.tidy_worlds", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write one world: DIR/main and DIR/proxy")
    w.add_argument("index", type=int)
    w.add_argument("dir", type=Path)
    w.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    world = generate(args.index, args.seed)
    if args.dir.exists():
        shutil.rmtree(args.dir)
    main_dir = world.write_main(args.dir / "main")
    proxy = universe.write_proxy(args.dir / "proxy", world.modules)
    print(f"# {world.name}: features {', '.join(world.features)}")
    print(f"cd {main_dir} && GOPROXY={universe.file_proxy_url(proxy)} GOSUMDB=off GOTOOLCHAIN=local "
          f"GOFLAGS=-mod=mod go mod tidy {' '.join(world.tidy_args)}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
