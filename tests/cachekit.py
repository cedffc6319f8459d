"""Module caches for the cache-doctor tests: built by the real go command from a local proxy.

:func:`base_cache` builds, once per test session, a GOPROXY directory of varied module versions
(upper-case paths, /v2, +incompatible, a pseudo-version, nested module paths, binary files) and a
module cache filled from it by ``go mod download``, plus a main module that imports every one of
them (for ``go mod verify`` and ``go build``). Tests copy it (:func:`copy_cache`), damage the copy
and compare tree snapshots (:func:`snapshot`).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from gomodlab.load import gotool
from gomodlab.mod import modpath
from gomodlab.lab import universe

_BUILT: dict[str, "BaseCache"] = {}


def _pkg(path: str) -> str:
    last = path.rstrip("/").split("/")[-1]
    if last.startswith("v") and last[1:].isdigit():
        last = path.split("/")[-2]
    return "".join(c for c in last.lower() if c.isalnum()) or "p"


def module(path: str, version: str, *, gomod: bool = True, extra: dict[str, bytes | str] | None = None,
           seed: int = 0) -> universe.ModuleSource:
    """A module version with one package (named after the path), a sub-package and some data."""
    name = _pkg(path)
    files: dict[str, bytes | str] = {
        f"{name}.go": f"package {name}\n\n// V is the version.\nconst V = {version!r:}\n".replace("'", '"'),
        "lib/lib.go": "package lib\n\nfunc F() int { return %d }\n" % (seed + 1),
        "README.md": f"# {path}\n\n" + "Some text. " * (20 + seed),
        "testdata/blob.bin": hashlib.sha256(f"{path}{version}".encode()).digest() * (8 + seed),
    }
    files.update(extra or {})
    gm = universe.gomod_text(path, "1.21") if gomod else None
    return universe.ModuleSource(path, version, gm, files)


def modules() -> list[universe.ModuleSource]:
    return [
        module("example.com/alpha", "v1.0.0"),
        module("example.com/alpha", "v1.1.0", seed=1),
        module("example.com/Beta", "v1.2.0-RC1", seed=2),
        module("example.com/gamma/v2", "v2.0.0", seed=3),
        module("example.com/delta", "v2.1.0+incompatible", gomod=False, seed=4),
        module("example.com/eps", "v0.0.0-20240101000000-abcdefabcdef", seed=5),
        module("example.com/nested", "v1.0.0", seed=6),
        module("example.com/nested/sub", "v1.0.0", seed=7),
        module("example.com/big", "v1.0.0", seed=8, extra={"data/random.bin": b"".join(
            hashlib.sha256(str(i).encode()).digest() for i in range(6000))}),
        module("example.com/zeta", "v1.3.0", seed=9),
    ]


#: The versions the main module requires (the build list); alpha v1.0.0 is only downloaded.
REQUIRED = [("example.com/alpha", "v1.1.0"), ("example.com/Beta", "v1.2.0-RC1"), ("example.com/gamma/v2", "v2.0.0"),
            ("example.com/delta", "v2.1.0+incompatible"), ("example.com/eps", "v0.0.0-20240101000000-abcdefabcdef"),
            ("example.com/nested", "v1.0.0"), ("example.com/nested/sub", "v1.0.0"), ("example.com/big", "v1.0.0"),
            ("example.com/zeta", "v1.3.0")]
ALL = [(m.path, m.version) for m in modules()]


@dataclass
class BaseCache:
    root: Path        # the pristine module cache (do not modify: copy it)
    proxy: Path       # the GOPROXY directory
    main: Path        # the main module importing every required module
    gosum: Path       # its go.sum (written by go)
    env: dict[str, str]


def go_env_for(tmp: Path, proxy: Path, cache: Path) -> dict[str, str]:
    env = gotool.isolated_env(tmp, proxy=universe.file_proxy_url(proxy))
    env["GOMODCACHE"] = str(cache)
    return env


def base_cache(tmp_path_factory) -> BaseCache:  # noqa: ANN001 - pytest.TempPathFactory
    if "base" in _BUILT:
        return _BUILT["base"]
    top = tmp_path_factory.mktemp("basecache")
    proxy = universe.write_proxy(top / "proxy", modules())
    cache = top / "gopath" / "pkg" / "mod"
    env = go_env_for(top, proxy, cache)
    gotool.run_go(["mod", "download", *(f"{p}@{v}" for p, v in ALL)], cwd=top, env=env).check()
    main = top / "main"
    main.mkdir()
    write_main(main)
    gotool.run_go(["mod", "tidy"], cwd=main, env=env).check()
    gotool.run_go(["build", "./..."], cwd=main, env=env).check()
    _BUILT["base"] = BaseCache(cache, proxy, main, main / "go.sum", env)
    return _BUILT["base"]


def write_main(main: Path) -> None:
    imports = []
    for p, _ in REQUIRED:
        imports.append(f'\t{_pkg(p)}{len(imports)} "{p}"\n\t_ "{p}/lib"\n')
    uses = "".join(f"\t_ = {_pkg(p)}{i}.V\n" for i, (p, _) in enumerate(REQUIRED))
    (main / "main.go").write_text("package m\n\nimport (\n" + "".join(imports) + ")\n\nfunc use() {\n" + uses + "}\n")
    req = "".join(f"\t{p} {v}\n" for p, v in REQUIRED)
    (main / "go.mod").write_text(f"module example.com/m\n\ngo 1.21\n\nrequire (\n{req})\n")


def copy_cache(base: BaseCache, dst: Path) -> Path:
    """A copy of the pristine cache (modes and mtimes kept) at ``dst`` (the new GOMODCACHE)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(base.root), str(dst)], check=True)
    return dst


def snapshot(root: Path, *, content: bool = True) -> dict[str, tuple]:
    """relpath → (type, mode, size, mtime_ns[, sha256 or link target]) for everything below ``root``."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            kind = "d" if stat.S_ISDIR(st.st_mode) else "l" if stat.S_ISLNK(st.st_mode) else "f"
            rec: tuple = (kind, stat.S_IMODE(st.st_mode), st.st_size if kind != "d" else 0, st.st_mtime_ns)
            if content and kind == "f":
                rec += (hashlib.sha256(Path(p).read_bytes()).hexdigest(),)
            elif kind == "l":
                rec += (os.readlink(p),)
            out[rel] = rec
    return out


def contents(root: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """relpath → (mode, sha256) of regular files and symlinks (what must survive a repair)."""
    out = {}
    for rel, rec in snapshot(root).items():
        if rec[0] != "d" and not rel.startswith(skip):
            out[rel] = (rec[1], rec[4])
    return out


# ---------------------------------------------------------------------------------------------
# Damage

def vfile(root: Path, path: str, version: str, suffix: str) -> Path:
    ev = modpath.escape_version(version)
    return root / "cache" / "download" / modpath.escape_path(path) / "@v" / f"{ev}.{suffix}"


def xdir(root: Path, path: str, version: str) -> Path:
    return root / f"{modpath.escape_path(path)}@{modpath.escape_version(version)}"


class writable:
    """Temporarily make go's read-only directories writable (restoring their modes after)."""

    def __init__(self, *dirs: Path) -> None:
        self.dirs = dirs
        self.modes: list[tuple[Path, int]] = []

    def __enter__(self) -> "writable":
        for d in self.dirs:
            self.modes.append((d, stat.S_IMODE(os.lstat(d).st_mode)))
            os.chmod(d, 0o755)
        return self

    def __exit__(self, *exc: object) -> None:
        for d, mode in reversed(self.modes):
            os.chmod(d, mode)


def edit_file(root: Path, path: str, version: str, rel: str, data: bytes | None) -> None:
    """Overwrite (``data``), or delete (None), a file of an extracted module directory."""
    d = xdir(root, path, version)
    f = d / rel
    with writable(*[d, *[p for p in f.parents if d in p.parents]]):
        if data is None:
            f.unlink()
        else:
            if f.exists():
                os.chmod(f, 0o644)
            f.write_bytes(data)
            os.chmod(f, 0o444)


def rewrite_zip(zpath: Path, change: dict[str, bytes | None]) -> None:
    """Rewrite a module zip, replacing/adding (bytes) or dropping (None) entries by full name."""
    with zipfile.ZipFile(zpath) as z:
        entries = {i.filename: z.read(i) for i in z.infolist()}
    for name, data in change.items():
        if data is None:
            entries.pop(name, None)
        else:
            entries[name] = data
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
    zpath.write_bytes(buf.getvalue())


def remove_tree(p: Path) -> None:
    for dirpath, dirnames, _ in os.walk(p):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)
    os.chmod(p, 0o755)
    shutil.rmtree(p)
