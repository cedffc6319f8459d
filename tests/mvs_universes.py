"""Random module universes for the MVS differential tests (and the benchmark).

A universe is a main module plus module versions served from a GOPROXY directory. Every universe
gets its own path prefix, so many universes share one proxy directory and one GOMODCACHE without
colliding. Generated features: cycles (including back to the main module's own path), diamonds,
excluded versions, replacements (exact version, any version, to a local directory), go lines from
none/1.16 to 1.22 in the main module and dependencies, /vN majors, mixed-case paths, prereleases,
toolchain lines and ``// indirect`` comments.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from gomodlab.lab.universe import ModuleSource

GO_LINES = [None, "1.16", "1.17", "1.18", "1.19", "1.20", "1.21", "1.21.0", "1.22", "1.22.3"]
V1_VERSIONS = ["v0.9.0", "v1.0.0", "v1.1.0", "v1.2.0-rc.1", "v1.2.0", "v1.10.0", "v1.10.1-0.20240101000000-abcdefabcdef"]


@dataclass
class Universe:
    """One main module (go.mod text and extra files) and the module versions it can reach."""

    name: str
    main_path: str
    main_gomod: str
    main_files: dict[str, str] = field(default_factory=dict)
    modules: list[ModuleSource] = field(default_factory=list)

    def write_main(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "go.mod").write_text(self.main_gomod)
        for name, text in self.main_files.items():
            p = directory / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        return directory


def _gomod(path: str, go: str | None, reqs: list[tuple[str, str, bool]], extra: str = "",
           style: str = "plain") -> str:
    """A go.mod; ``style`` varies the spelling go accepts (and gomodlab's fast path does not):
    ``quoted`` paths, ``single`` require lines with a ``retract``, ``crlf`` line ends, a
    ``comment``-laden block with a ``godebug`` line."""
    q = (lambda p: f'"{p}"') if style == "quoted" else (lambda p: p)
    lines = [f"module {q(path)}\n"]
    if go:
        lines.append(f"\ngo {go}\n")
    if style == "comment":
        lines.append("\n// a comment\ngodebug default=go1.21\n")
    if reqs and style == "single":
        lines.extend(f"require {p} {v}{' // indirect' if ind else ''}\n" for p, v, ind in reqs)
        lines.append("retract [v0.0.1, v0.0.2] // never published\n")
    elif reqs:
        lines.append("\nrequire ( // requirements\n")
        for p, v, indirect in reqs:
            lines.append(f"\t{q(p)} {v}{' // indirect' if indirect else ''}\n")
        lines.append(")\n")
    if extra:
        lines.append("\n" + extra)
    text = "".join(lines)
    return text.replace("\n", "\r\n") if style == "crlf" else text


def generate(seed: int, index: int) -> Universe:
    """The universe number ``index`` of a seeded series (every fourth one larger)."""
    rnd = random.Random(seed * 100003 + index)
    n_paths = (8, 16) if index % 4 == 3 else (3, 8)
    prefix = f"example.com/s{seed}u{index}"
    main_path = f"{prefix}/main"
    majors: dict[str, str] = {}
    for i in range(rnd.randint(*n_paths)):
        path = f"{prefix}/" + rnd.choice(["lib", "Lib", "util", "Tools", "x"]) + str(i)
        major = ""
        if rnd.random() < 0.2:
            major = "v" + rnd.choice(["2", "3"])
            path += "/" + major
        majors[path] = major
    versions: dict[str, list[str]] = {}
    for p, major in majors.items():
        if major:
            pool = [f"{major}.0.0", f"{major}.1.0-beta.2", f"{major}.1.0", f"{major}.3.0"]
        else:
            pool = V1_VERSIONS
        versions[p] = sorted(rnd.sample(pool, rnd.randint(1, min(4, len(pool)))))
    # Occasionally the main module's own path exists as a published version too (cycles back).
    if rnd.random() < 0.15:
        versions[main_path] = ["v1.0.0"]
    all_paths = list(versions)

    def random_reqs(exclude_path: str, k: int) -> list[tuple[str, str, bool]]:
        cands = [p for p in all_paths if p != exclude_path]
        picked = rnd.sample(cands, min(k, len(cands)))
        return [(p, rnd.choice(versions[p]), rnd.random() < 0.3) for p in picked]

    modules: list[ModuleSource] = []
    for p, vs in versions.items():
        for v in vs:
            if rnd.random() < 0.05:
                modules.append(ModuleSource(p, v, None))  # no go.mod: go synthesises "module p"
                continue
            go = rnd.choice(GO_LINES)
            reqs = random_reqs(p, rnd.choice([0, 1, 1, 2, 2, 3, 4, 6]))
            extra = ""
            if rnd.random() < 0.1:
                # Directives a dependency's go.mod may carry that go ignores for the graph.
                extra = f"exclude {p} v9.9.9\nreplace {all_paths[0]} => ./nowhere\ntoolchain go1.22.1\n"
            style = rnd.choice(["quoted", "single", "crlf", "comment"]) if rnd.random() < 0.15 else "plain"
            modules.append(ModuleSource(p, v, _gomod(p, go, reqs, extra, style)))

    # Forks used as replacement targets: they declare their own path.
    forks: list[tuple[str, str]] = []
    for i in range(rnd.randint(0, 2)):
        fp = f"{prefix}/fork{i}"
        fv = rnd.choice(["v1.0.0", "v1.5.0"])
        modules.append(ModuleSource(fp, fv, _gomod(fp, rnd.choice(GO_LINES), random_reqs(fp, rnd.randint(0, 2)))))
        forks.append((fp, fv))

    main_go = rnd.choice([None, "1.16", "1.17", "1.19", "1.20", "1.21", "1.21.0", "1.22"])
    main_reqs = random_reqs(main_path, rnd.randint(1, min(5, len(all_paths))))
    main_reqs = [r for r in main_reqs if r[0] != main_path] or main_reqs[:1]
    extra = []
    files: dict[str, str] = {}
    if main_go and rnd.random() < 0.2:
        extra.append(f"toolchain go{rnd.choice(['1.22.3', '1.23.0', '1.21.5'])}\n")
    excludes = set()
    for _ in range(rnd.choice([0, 0, 1, 2])):
        p = rnd.choice(all_paths)
        v = rnd.choice(versions[p])
        excludes.add((p, v))
    # Excluding every version the main go.mod requires of a path makes go drop that root: keep it simple.
    if excludes:
        extra.append("exclude (\n" + "".join(f"\t{p} {v}\n" for p, v in sorted(excludes)) + ")\n")
    repls = []
    for _ in range(rnd.choice([0, 0, 1, 2])):
        p = rnd.choice(all_paths)
        if p == main_path:
            continue
        kind = rnd.random()
        if kind < 0.35 and forks:
            fp, fv = rnd.choice(forks)
            repls.append(f"{p} {rnd.choice(versions[p])} => {fp} {fv}")
        elif kind < 0.55 and forks:
            fp, fv = rnd.choice(forks)
            repls.append(f"{p} => {fp} {fv}")
        elif kind < 0.75 and len(versions[p]) > 1:
            a, b = rnd.sample(versions[p], 2)
            repls.append(f"{p} {a} => {p} {b}")
        else:
            d = f"./local/{len(files)}"
            dgo = rnd.choice(GO_LINES)
            files[f"{d[2:]}/go.mod"] = _gomod(rnd.choice([p, f"{prefix}/local{len(files)}"]), dgo,
                                              random_reqs(p, rnd.randint(0, 2)))
            target = rnd.choice([(p, rnd.choice(versions[p])), (p, "")])
            repls.append(f"{target[0]}{' ' + target[1] if target[1] else ''} => {d}")
    seen_old = set()
    uniq = []
    for r in repls:
        old = r.split(" => ")[0]
        if old not in seen_old:
            seen_old.add(old)
            uniq.append(r)
    if uniq:
        extra.append("replace (\n" + "".join(f"\t{r}\n" for r in uniq) + ")\n")
    style = rnd.choice(["quoted", "crlf", "plain", "plain"]) if rnd.random() < 0.2 else "plain"
    main_gomod = _gomod(main_path, main_go, main_reqs, "\n".join(extra), style)
    return Universe(f"s{seed}u{index}", main_path, main_gomod, files, modules)
