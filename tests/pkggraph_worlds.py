"""Seeded multi-module worlds without import cycles, for the package-graph queries against go list.

tests/tidy_worlds.py draws imports at random and most of its worlds hold import cycles, which
tidy takes as they are but go list refuses (``import cycle not allowed``, ``Deps`` truncated):
nothing to compare ``reach`` with. Here module ``k`` imports only packages of modules after it,
and a package only the packages after it in its own module, so every package builds.

World ``i`` (prefix ``example.com/pgNN``): 4–7 modules of 1–4 packages, some in two versions (a
dependency requiring the higher one raises it), a main module of three packages importing a few
of them; tests (``x_test`` too) importing test-only modules; dependencies' tests; go lines 1.16,
1.17, 1.21 or 1.22; a directory replacement (``i % 4 == 1``) or a ``/v2`` module (``i % 4 == 3``);
and, when ``tagged`` (``i % 3 == 2``), build-tagged, GOOS-suffixed, ``ignore``d and cgo files,
and a module ``winonly`` only a ``_windows.go`` file of the main module imports.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from gomodlab.lab.universe import ModuleSource, gomod_text
from tests.tidy_worlds import go_file, pkg_name

SEED = 31
COUNT = 12
_DIRS = ("", "sub", "sub/deep", "internal/x")
_TAGGED = (("//go:build windows\n\n", "w.go"), ("", "p_plan9.go"), ("//go:build ignore\n\n", "gen.go"),
           ("//go:build linux && arm64\n\n", "a.go"))


@dataclass
class World:
    index: int
    tagged: bool
    main_path: str
    main_files: dict[str, bytes]
    modules: list[ModuleSource]

    @property
    def name(self) -> str:
        return f"pg{self.index:02d}{'-tagged' if self.tagged else ''}"

    def write_main(self, directory: Path) -> Path:
        for rel, data in self.main_files.items():
            p = directory / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        return directory


def generate(index: int, seed: int = SEED) -> World:
    rnd = random.Random(seed * 1000 + index)
    prefix = f"example.com/pg{index:02d}"
    tagged = index % 3 == 2
    n = rnd.randint(4, 7)
    paths = [f"{prefix}/m{k}" + ("/v2" if index % 4 == 3 and k == 1 else "") for k in range(n)]
    dirs = [list(_DIRS[:rnd.randint(1, 4)]) for _ in range(n)]
    versions = [["v1.0.0", "v1.1.0"] if rnd.random() < 0.4 else ["v1.0.0"] for _ in range(n)]
    if paths[1].endswith("/v2"):
        versions[1] = ["v2.0.0"]
    test_only = n - 1  # the last module: imported only by tests

    def pkgs(k: int) -> list[str]:
        """The packages other modules may import (internal ones are not importable)."""
        return [f"{paths[k]}/{d}" if d else paths[k] for d in dirs[k] if not d.startswith("internal/")]

    def files_of(k: int, d: str, deps: list[str], test_deps: list[str]) -> dict[str, str]:
        name = pkg_name(paths[k] + ("/" + d if d else ""))
        own = [f"{paths[k]}/{e}" if e else paths[k] for e in dirs[k][dirs[k].index(d) + 1:]]
        imports = rnd.sample(own, min(len(own), 1)) + deps + [rnd.choice(("fmt", "strings", "os"))]
        base = f"{d}/" if d else ""
        out = {f"{base}{name}.go": go_file(name, imports, rnd)}
        if rnd.random() < 0.5:
            out[f"{base}extra.go"] = go_file(name, [], rnd) + "\nvar Pad = `" + "x" * rnd.randint(1, 300) + "`\n"
        if test_deps:
            out[f"{base}{name}_test.go"] = go_file(name, ["testing", *test_deps], rnd)
        if tagged and deps and rnd.random() < 0.6:
            header, fname = rnd.choice(_TAGGED)
            out[f"{base}{fname}"] = go_file(name, deps[:1], rnd, header=header)
        if tagged and rnd.random() < 0.3:
            out[f"{base}cgo.go"] = go_file(name, ["C", "unsafe"], rnd)
        return out

    modules: list[ModuleSource] = []
    requires: list[list[tuple[str, str]]] = []
    for k in range(n):
        later = [j for j in range(k + 1, n) if j != test_only]
        needs = sorted(rnd.sample(later, min(len(later), rnd.randint(0, 2))))
        req = [(paths[j], versions[j][-1] if rnd.random() < 0.5 else versions[j][0]) for j in needs]
        test_req = [(paths[test_only], versions[test_only][0])] if k < test_only and rnd.random() < 0.4 else []
        requires.append(req + test_req)
        files: dict[str, str] = {}
        for d in dirs[k]:
            deps = [rnd.choice(pkgs(j)) for j in needs if rnd.random() < 0.7]
            tdeps = [pkgs(test_only)[0]] if test_req and d == "" else []
            files.update(files_of(k, d, deps, tdeps))
        go = rnd.choice(("1.16", "1.17", "1.21", "1.22"))
        for v in versions[k]:
            modules.append(ModuleSource(paths[k], v, gomod_text(paths[k], go, sorted(set(req + test_req))), files))

    main_path = f"{prefix}/main"
    winonly = f"{prefix}/winonly"
    if tagged:
        # Imported only by a _windows.go file of the main module: tidy's graph has it, go list on
        # linux does not.
        modules.append(ModuleSource(winonly, "v1.0.0", gomod_text(winonly, "1.21"), {"w.go": "package winonly\n"}))
    main_go = rnd.choice(("1.16", "1.17", "1.21", "1.22"))
    direct = sorted(rnd.sample(range(n - 1), min(n - 1, 3)))
    mains = {"": direct[:2], "cmd/tool": direct[1:], "internal/x": direct[-1:]}
    files: dict[str, bytes] = {}
    for d, ks in mains.items():
        name = {"": "app", "cmd/tool": "main", "internal/x": "x"}[d]
        imports = [rnd.choice(pkgs(j)) for j in ks] + (["example.com/pg%02d/main/internal/x" % index] if d == "" else [])
        base = f"{d}/" if d else ""
        files[f"{base}{name}.go"] = go_file(name, imports, rnd).encode()
        if d == "":
            files["main_test.go"] = go_file(name, ["testing", pkgs(test_only)[-1]], rnd).encode()
            files["main_x_test.go"] = go_file(name + "_test", [main_path, rnd.choice(pkgs(direct[-1]))], rnd).encode()
        if tagged and d == "internal/x":
            files[f"{base}x_windows.go"] = go_file(name, [winonly], rnd).encode()
    req = [(paths[j], versions[j][0]) for j in direct]
    extra = ""
    if index % 4 == 1:
        # A directory replacement: the files of m0's last version under ./local/m0.
        src = next(m for m in reversed(modules) if m.path == paths[0])
        for rel, data in src.files.items():
            files[f"local/m0/{rel}"] = data.encode() if isinstance(data, str) else data
        files["local/m0/go.mod"] = src.gomod.encode() if isinstance(src.gomod, str) else src.gomod  # type: ignore[union-attr]
        extra = f"replace {paths[0]} => ./local/m0\n"
    files["go.mod"] = gomod_text(main_path, main_go, req, extra).encode()
    return World(index, tagged, main_path, files, modules)
