"""Random module universes for the update, retraction, deprecation and version-query tests.

Built like :mod:`tests.mvs_universes` (one path prefix per universe, so many share a GOPROXY), with
what ``go list -m -u`` and version queries react to: patch and minor releases, pre-releases (and
paths with only pre-releases), ``/v2`` and ``/v3`` modules, ``+incompatible`` majors of modules
without a go.mod, ``retract`` directives (single versions, intervals, with and without rationale,
a latest version retracting itself) in the latest and in older go.mod files, ``// Deprecated:``
comments (on the latest go.mod, and on an older one, which must not count), a pseudo-version
required by the main module, excludes and replacements (versioned, wildcard, directory) in the
main go.mod.
"""

from __future__ import annotations

import random

from gomodlab.lab.universe import ModuleSource
from gomodlab.mod import semver

from .mvs_universes import Universe, _gomod

V1_POOL = ["v0.1.0", "v0.1.1", "v1.0.0", "v1.0.1", "v1.1.0", "v1.1.1-rc.1", "v1.1.1", "v1.2.0-beta.1",
           "v1.2.0", "v1.2.1", "v1.3.0-pre"]
PRE_POOL = ["v0.0.1-alpha", "v1.0.0-pre", "v1.0.0-pre.2", "v1.0.0-rc.1"]
PSEUDO = "v1.1.2-0.20230101000000-abcdefabcdef"
RATIONALES = ["security problem", "published by mistake", "", "broken build\n\nmore text"]


def _retracts(rnd: random.Random, versions: list[str], self_version: str) -> str:
    out = []
    for _ in range(rnd.choice([0, 1, 1, 2, 3])):
        kind = rnd.random()
        why = rnd.choice(RATIONALES)
        comment = f" // {why.splitlines()[0]}" if why else ""
        if kind < 0.45:
            out.append(f"retract {rnd.choice(versions)}{comment}\n")
        elif kind < 0.8 and len(versions) > 1:
            a, b = sorted(rnd.sample(versions, 2), key=semver.sort_key)
            out.append(f"retract [{a}, {b}]{comment}\n")
        else:
            out.append(f"retract {self_version} // retracts itself\n")
    return "".join(out)


def generate(seed: int, index: int) -> Universe:
    """The universe number ``index`` of a seeded series."""
    rnd = random.Random(seed * 7919 + index)
    prefix = f"example.com/o{seed}u{index}"
    main_path = f"{prefix}/main"
    versions: dict[str, list[str]] = {}
    no_gomod: set[str] = set()
    for i in range(rnd.randint(3, 7)):
        base = f"{prefix}/" + rnd.choice(["lib", "util", "Tools", "x"]) + str(i)
        kind = rnd.random()
        if kind < 0.12:
            versions[base] = sorted(rnd.sample(PRE_POOL, rnd.randint(1, 3)), key=semver.sort_key)
            continue
        versions[base] = sorted(rnd.sample(V1_POOL, rnd.randint(2, 6)), key=semver.sort_key)
        if kind < 0.3:
            # A pre-modules project: no go.mod anywhere, majors tagged +incompatible.
            no_gomod.add(base)
            versions[base] += rnd.sample(["v2.0.0+incompatible", "v2.1.0+incompatible", "v3.0.0+incompatible"],
                                         rnd.randint(1, 2))
        elif kind < 0.55:
            versions[base + "/v2"] = sorted(rnd.sample(["v2.0.0", "v2.0.1", "v2.1.0-pre", "v2.1.0"], rnd.randint(1, 3)),
                                            key=semver.sort_key)
            if rnd.random() < 0.5:
                versions[base + "/v3"] = ["v3.0.0"] + (["v3.1.0-rc.1"] if rnd.random() < 0.5 else [])
            if rnd.random() < 0.2:
                # A compatible module that still has old +incompatible tags.
                versions[base].append("v2.0.0+incompatible")
        if kind > 0.8:
            versions[base].append(PSEUDO)
    for p in versions:
        versions[p] = sorted(set(versions[p]), key=semver.sort_key)
    paths = list(versions)

    def reqs_for(p: str, k: int) -> list[tuple[str, str, bool]]:
        cands = [q for q in paths if q != p and not q.startswith(p + "/")]
        return [(q, rnd.choice([v for v in versions[q] if v != PSEUDO] or versions[q]), rnd.random() < 0.3)
                for q in rnd.sample(cands, min(k, len(cands)))]

    modules: list[ModuleSource] = []
    for p, vs in versions.items():
        top = max(vs, key=semver.sort_key)
        for v in vs:
            base = p.rsplit("/v", 1)[0] if p.endswith(("/v2", "/v3")) else p
            if base in no_gomod or (v.endswith("+incompatible") and rnd.random() < 0.7):
                modules.append(ModuleSource(p, v, None))
                continue
            extra = ""
            is_latest_release = v == max((x for x in vs if not semver.prerelease(x)), key=semver.sort_key, default="")
            if (v == top or is_latest_release or rnd.random() < 0.2) and rnd.random() < 0.6:
                extra += _retracts(rnd, [x for x in vs if x != PSEUDO], v)
            gomod = _gomod(p, rnd.choice(["1.17", "1.21", None, "1.20"]), reqs_for(p, rnd.choice([0, 0, 1, 2])), extra)
            if rnd.random() < 0.25:
                why = rnd.choice(["use example.com/other instead", "no longer maintained\n// see the README"])
                gomod = "".join(f"// {ln}\n" for ln in ("Deprecated: " + why).split("\n")) + gomod
            modules.append(ModuleSource(p, v, gomod))

    main_go = rnd.choice(["1.17", "1.21", "1.22", None, "1.16"])
    picked = rnd.sample(paths, rnd.randint(1, min(5, len(paths))))
    main_reqs = []
    for p in picked:
        vs = versions[p]
        main_reqs.append((p, rnd.choice(vs), rnd.random() < 0.25))
    extra: list[str] = []
    files: dict[str, str] = {}
    if rnd.random() < 0.3:
        p = rnd.choice(paths)
        extra.append(f"exclude (\n\t{p} {rnd.choice(versions[p])}\n)\n")
    repls = []
    for _ in range(rnd.choice([0, 0, 0, 1, 2])):
        p = rnd.choice(paths)
        kind = rnd.random()
        if kind < 0.4:
            q = rnd.choice(paths)
            repls.append(f"{p} {rnd.choice(versions[p])} => {q} {rnd.choice(versions[q])}")
        elif kind < 0.6:
            q = rnd.choice(paths)
            repls.append(f"{p} => {q} {rnd.choice(versions[q])}")
        elif kind < 0.8:
            major = p.rsplit("/", 1)[1] if p.endswith(("/v2", "/v3")) else "v1"
            repls.append(f"{p} {major}.9.0 => {p} {rnd.choice(versions[p])}")
        else:
            d = f"./local{len(files)}"
            files[f"{d[2:]}/go.mod"] = _gomod(p, "1.21", [])
            repls.append(f"{p} => {d}")
    seen: set[str] = set()
    uniq = []
    for r in repls:
        old = r.split(" => ")[0]
        if old not in seen:
            seen.add(old)
            uniq.append(r)
    if uniq:
        extra.append("replace (\n" + "".join(f"\t{r}\n" for r in uniq) + ")\n")
    main_gomod = _gomod(main_path, main_go, main_reqs, "".join(extra))
    return Universe(f"o{seed}u{index}", main_path, main_gomod, files, modules)


#: The commit a proxy resolves to :data:`PSEUDO` (its ``@v/<rev>.info``; tests write it).
PSEUDO_REV = "abcdefabcdef"


def with_queries(u: Universe, seed: int) -> Universe:
    """``u`` with some of its main go.mod's require, exclude and replace versions turned into
    queries go resolves: ``latest``, ``upgrade``, ``v1``, ``v1.2``, ``>v1.1.0``, ``<=v1.2.0``,
    ``v1.2.0+meta``, a commit hash, and the odd one go refuses (``patch``, ``v9``)."""
    rnd = random.Random(f"{seed}-{u.name}-queries")

    def query(v: str) -> str:
        if v == PSEUDO:
            return PSEUDO_REV
        choices = ["latest", "upgrade", semver.major(v), ">" + v, "<" + v, ">=" + v, "<=" + v]
        if not semver.prerelease(v) and not semver.build(v):
            choices += [semver.major_minor(v), semver.major_minor(v), v + "+meta"]
        if rnd.random() < 0.05:
            choices.append(rnd.choice(["patch", "v9"]))
        return rnd.choice(choices)

    lines = []
    for line in u.main_gomod.splitlines(keepends=True):
        f = line.split()
        if line.startswith("\t") and len(f) >= 2 and semver.is_valid(f[1]) and rnd.random() < 0.6:
            # a require or exclude line in a block, or a replace's old version (path version => ...)
            q = query(f[1])
            line = line.replace(f" {f[1]}", f" {q}", 1)
        lines.append(line)
    text = "".join(lines)
    return Universe(u.name + "q", u.main_path, text, u.main_files, u.modules)
