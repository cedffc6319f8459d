"""``gomodlab tidy``'s output memo (gomodlab.load.output_memo): it answers only while nothing tidy
depends on changed, and every change of an input makes tidy run again.

One small world on a module cache go filled. After each change the CLI (memo on) must print what
a run with gomodlab's caches off prints, and tidy must have run; the run after it, with nothing
changed, must be answered by the memo (tidy not called) with the same bytes.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool, modtidy, output_memo

pytestmark = pytest.mark.go

X = "example.com"


def _go(pkg: str, *imports: str, tags: str = "") -> str:
    head = f"//go:build {tags}\n\n" if tags else ""
    body = "".join(f'\t_ "{i}"\n' for i in imports)
    return f"{head}package {pkg}\n\nimport (\n{body})\n"


MODULES = [
    ModuleSource(f"{X}/a", "v1.0.0", gomod_text(f"{X}/a", "1.21", []), {"a.go": _go("a")}),
    ModuleSource(f"{X}/b", "v1.0.0", gomod_text(f"{X}/b", "1.21", [(f"{X}/d", "v1.0.0")]),
                 {"b.go": _go("b"), "b_test.go": _go("b", f"{X}/d")}),
    ModuleSource(f"{X}/c", "v1.0.0", gomod_text(f"{X}/c", "1.21", []), {"c.go": _go("c")}),
    ModuleSource(f"{X}/d", "v1.0.0", gomod_text(f"{X}/d", "1.21", []), {"d.go": _go("d")}),
    ModuleSource(f"{X}/e", "v1.0.0", gomod_text(f"{X}/e", "1.21", []), {"e.go": _go("e")}),
]
REQUIRES = "".join(f"\t{m.path} v1.0.0\n" for m in MODULES)
MAIN = {
    "go.mod": f"module {X}/m\n\ngo 1.21\n\nrequire (\n{REQUIRES})\n",
    "m.go": _go("m", f"{X}/a", "fmt"),
    "m_test.go": _go("m", f"{X}/b"),
}


class _World:
    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        proxy = universe.write_proxy(tmp / "proxy", MODULES)
        self.proxy_url = universe.file_proxy_url(proxy)
        env = gotool.isolated_env(tmp / "goenv", proxy=self.proxy_url)
        self.main = tmp / "m"
        self.main.mkdir()
        for name, text in MAIN.items():
            (self.main / name).write_text(text)
        gotool.run_go(["mod", "download", "all"], cwd=self.main, env=env).check()  # fill the module cache
        # Downloaded an hour ago: inputs whose stat key alone is recorded (not racy).
        top = env["GOMODCACHE"]
        _age(Path(top), *(Path(d) / n for d, dirs, files in os.walk(top) for n in dirs + files))
        for k in ("GOTOOLCHAIN", "GOFLAGS", "GOSUMDB", "GOMODCACHE", "GOPATH", "GOENV"):
            monkeypatch.setenv(k, env[k])
        monkeypatch.setenv("GOPROXY", "off")
        monkeypatch.setenv("GOMODLAB_CACHE", str(tmp / "gomodlab-cache"))
        self.modcache = env["GOMODCACHE"]
        self.monkeypatch = monkeypatch
        self.calls = 0
        real = modtidy.tidy

        def counted(*a, **k):  # noqa: ANN002, ANN003, ANN202 - tidy's own signature
            self.calls += 1
            return real(*a, **k)

        monkeypatch.setattr(modtidy, "tidy", counted)

    def cli(self, *extra: str) -> tuple[int, bytes, str]:
        from tests.test_modtidy import _cli

        return _cli(["tidy", str(self.main), "--modcache", self.modcache, *extra])

    def fresh(self, *extra: str) -> tuple[int, bytes, str]:
        with self.monkeypatch.context() as m:
            m.setenv("GOMODLAB_CACHE", "off")
            return self.cli(*extra)

    def recomputed(self, *extra: str) -> bytes:
        """Tidy runs (the memo must not answer) and prints what a memo-less run prints; the next
        run, nothing changed, comes from the memo with the same answer."""
        before = self.calls
        got = self.cli(*extra)
        assert self.calls == before + 1, "the memo answered although an input changed"
        assert got == self.fresh(*extra)
        self.calls = before + 1
        assert self.memo(*extra) == got
        return got[1]

    def memo(self, *extra: str) -> tuple[int, bytes, str]:
        before = self.calls
        got = self.cli(*extra)
        assert self.calls == before, "tidy ran although no input changed"
        return got


def _same_stat_edit(path: Path, old: str, new: str) -> None:
    """Edit ``path`` to the same size and give it back its mtime at once: what an edit within
    the timestamp tick of the last read looks like (its ctime too may be in the same tick)."""
    assert len(old) == len(new)
    st = path.stat()
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def _racy_second_passes() -> None:
    time.sleep(output_memo.RACY_NS / 1e9 + 0.05)


def _age(*paths: Path) -> None:
    """Date files an hour back, then let a second pass: utime sets the ctime to now, and an input
    whose ctime is under a second old is racy (its bytes are kept, not only its stat key)."""
    for p in paths:
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns - 3600 * 10**9))
    _racy_second_passes()


def _edit_and_set_back(path: Path, old: str, new: str) -> None:
    """A same-size edit of ``path`` whose old mtime is put back more than a second later
    (``touch -d``): only its ctime shows it."""
    assert len(old) == len(new)
    st = path.stat()
    path.write_text(path.read_text().replace(old, new))
    _racy_second_passes()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)


def _replace_keeping_stat(path: Path, old: str, new: str) -> None:
    """``path`` replaced by a same-size edit copied with its mtime (``shutil.copy2`` to a temporary
    name, renamed over it), its directory's mtime put back too (as ``cp -a`` or ``rsync -t``
    leave it): only the new inode and ctimes show it."""
    assert len(old) == len(new)
    st, dir_st = path.stat(), path.parent.stat()
    staged = path.parent.parent / f"{path.name}.staged"
    staged.write_text(path.read_text().replace(old, new))
    os.utime(staged, ns=(st.st_atime_ns, st.st_mtime_ns))
    temp = path.with_name(f"{path.name}.tmp")
    shutil.copy2(staged, temp)
    staged.unlink()
    os.replace(temp, path)
    os.utime(path.parent, ns=(dir_st.st_atime_ns, dir_st.st_mtime_ns))
    after, dir_after = path.stat(), path.parent.stat()
    assert (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns) and after.st_ino != st.st_ino
    assert (dir_after.st_size, dir_after.st_mtime_ns) == (dir_st.st_size, dir_st.st_mtime_ns)


def test_memo_is_invalidated_by_every_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = _World(tmp_path, monkeypatch)
    first = w.recomputed()
    assert f"{X}/c" not in first.decode() and f"{X}/a v1.0.0\n" in first.decode()

    # A source file's import, edited within the tick it was read in (same size, same mtime).
    _same_stat_edit(w.main / "m.go", f'"{X}/a"', f'"{X}/c"')
    out = w.recomputed().decode()
    assert f"{X}/c v1.0.0" in out and f"{X}/a v1.0.0" not in out

    # An old file edited the ordinary way (a new mtime).
    _age(w.main / "m.go", w.main / "m_test.go", w.main)
    w.recomputed()
    (w.main / "m.go").write_text(_go("m", f"{X}/a", f"{X}/c"))
    out = w.recomputed().decode()
    assert f"{X}/a v1.0.0" in out and f"{X}/c v1.0.0" in out

    # A build tag excluding a file; a file added; a file removed.
    (w.main / "m.go").write_text(_go("m", f"{X}/a", f"{X}/c", tags="ignore"))
    (w.main / "keep.go").write_text(_go("m", "fmt"))
    out = w.recomputed().decode()
    assert f"{X}/a v1.0.0" not in out and f"{X}/c v1.0.0" not in out
    (w.main / "e.go").write_text(_go("m", f"{X}/e"))
    assert f"{X}/e v1.0.0" in w.recomputed().decode()
    (w.main / "e.go").unlink()
    assert f"{X}/e v1.0.0" not in w.recomputed().decode()
    (w.main / "m.go").write_text(_go("m", f"{X}/a", f"{X}/c"))
    w.recomputed()

    # go.mod (the memo's key), then go.sum: written, edited, removed.
    (w.main / "go.mod").write_text(MAIN["go.mod"].replace("go 1.21", "go 1.22"))
    assert "go 1.22" in w.recomputed().decode()
    gosum = w.memo("--go-sum")[1]  # one memo answers every output form (nothing changed)
    assert gosum == w.fresh("--go-sum")[1] and gosum.startswith(f"{X}/a v1.0.0".encode())
    (w.main / "go.sum").write_bytes(gosum)
    assert b'"gosum_changed": false' in w.recomputed("--format", "json")
    (w.main / "go.sum").write_bytes(gosum.replace(b"h1:", b"h1:AAAA", 1))
    bad = w.cli()
    assert bad[0] != 0 and bad == w.fresh() == w.cli()  # a refusal is never memoised
    (w.main / "go.sum").write_bytes(gosum)
    w.recomputed()
    (w.main / "go.sum").unlink()
    w.recomputed()

    # A dependency in the module cache: a new import in an extracted file (go leaves it read-only),
    # a test file no tidy of a go 1.21 module reads the imports of, a file added.
    a_go = Path(w.modcache) / f"{X}/a@v1.0.0" / "a.go"
    a_go.chmod(0o644)
    a_go.write_text(_go("a", f"{X}/e"))
    assert f"{X}/e v1.0.0 // indirect" in w.recomputed().decode()
    b_test = Path(w.modcache) / f"{X}/b@v1.0.0" / "b_test.go"
    b_test.chmod(0o644)
    b_test.write_text(_go("b", f"{X}/d", f"{X}/e"))
    w.recomputed()
    a_dir = a_go.parent
    a_dir.chmod(0o755)
    (a_dir / "a2.go").write_text(_go("a", f"{X}/d"))
    assert f"{X}/d v1.0.0 // indirect" in w.recomputed().decode()

    # go's settings: the environment and its env file.
    for name, value in (("GOFLAGS", "-mod=mod"), ("GOPROXY", w.proxy_url), ("GOOS", "windows"),
                        ("GODEBUG", "goindex=0"), ("GOCACHE", "off")):
        monkeypatch.setenv(name, value)
        w.recomputed()
    envfile = tmp_path / "go.env"
    monkeypatch.setenv("GOENV", str(envfile))
    w.recomputed()
    envfile.write_text("GOFLAGS=-mod=mod\n")
    w.recomputed()
    envfile.write_text("GOFLAGS=-mod=readonly\n")
    w.recomputed()
    # The flags.
    w.recomputed("-e")
    w.recomputed("--compat", "1.21")


def test_memo_notices_what_size_and_mtime_hide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A same-size edit whose mtime is set back a second later, and a file replaced by a same-size
    copy with its mtime (its directory's put back too), keep (size, mtime): the memo still sees
    them (output_memo.stat_key: the ctime and the inode)."""
    w = _World(tmp_path, monkeypatch)
    _age(w.main / "m.go", w.main / "m_test.go", w.main)  # not racy: only their stat keys are kept
    assert f"{X}/a v1.0.0" in w.recomputed().decode()
    _edit_and_set_back(w.main / "m.go", f'"{X}/a"', f'"{X}/c"')
    out = w.recomputed().decode()
    assert f"{X}/c v1.0.0" in out and f"{X}/a v1.0.0" not in out
    _age(w.main / "m.go")
    w.recomputed()
    _replace_keeping_stat(w.main / "m.go", f'"{X}/c"', f'"{X}/e"')
    out = w.recomputed().decode()
    assert f"{X}/e v1.0.0" in out and f"{X}/c v1.0.0" not in out


def test_module_directory_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory index (gomodlab.load.dirindex) answers for unchanged module-cache directories
    and re-reads one whose files changed, with the same result as a run without it."""
    from gomodlab.load.sources import source_for
    from gomodlab.mod import goscan

    w = _World(tmp_path, monkeypatch)
    scanned: list[str] = []
    real = goscan.scan_dir

    def counting(entries, tags, *, directory: str = "", index: bool = False):  # noqa: ANN001, ANN202
        scanned.append(directory)
        return real(entries, tags, directory=directory, index=index)

    monkeypatch.setattr(goscan, "scan_dir", counting)

    def run() -> bytes:
        scanned.clear()
        return modtidy.tidy(w.main, source_for(w.modcache), modcache=w.modcache).gomod

    first = run()
    in_cache = [d for d in scanned if d.startswith(w.modcache)]
    assert in_cache and first == run()
    assert not [d for d in scanned if d.startswith(w.modcache)]  # every one from the index
    a_go = Path(w.modcache) / f"{X}/a@v1.0.0" / "a.go"
    a_go.chmod(0o644)
    a_go.write_text(_go("a", f"{X}/e"))
    changed = run()
    # The edited directory, and the one its new import brings in.
    assert sorted(d for d in scanned if d.startswith(w.modcache)) == [str(a_go.parent), str(Path(w.modcache) / f"{X}/e@v1.0.0")]
    with monkeypatch.context() as m:
        m.setenv("GOMODLAB_CACHE", "off")
        assert changed == run() != first

    # Changes that keep a file's (size, mtime): re-read all the same (the ctime, the inode).
    def a_rescanned() -> bool:
        got = run()
        rescanned = str(a_go.parent) in scanned
        with monkeypatch.context() as m:
            m.setenv("GOMODLAB_CACHE", "off")
            assert got == run()
        return rescanned

    a_go.parent.chmod(0o755)
    _age(a_go, a_go.parent)
    assert a_rescanned() and not a_rescanned()  # indexed again, then answered by the index
    _edit_and_set_back(a_go, f'"{X}/e"', f'"{X}/d"')
    assert a_rescanned()
    _age(a_go)
    assert a_rescanned() and not a_rescanned()
    _replace_keeping_stat(a_go, f'"{X}/d"', f'"{X}/c"')
    assert a_rescanned()
