"""gomodlab.mod.dirhash against the real go command and against x/mod/sumdb/dirhash (the oracle).

The go side: a file:// GOPROXY built with gomodlab.lab.universe, ``go mod download -json`` into an
isolated module cache, ``go get`` in scratch modules for go.sum. Every h1: we compute for the
cached zips, the (read-only) extracted directories and the .mod files must equal go's.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
import zipfile
from pathlib import Path

import pytest

from gomodlab.mod import dirhash, modpath
from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.mod.dirhash import HashError
from gomodlab.lab.universe import ModuleSource, gomod_text

from . import gojson

# ---------------------------------------------------------------------------------------------
# Hand-written vectors (go-module-system.md §7, verified with go there)

REF_GOMOD = "module example.com/a\n\ngo 1.17\n\nrequire (\n\texample.com/b v1.0.0\n\texample.com/c v1.0.0\n)\n"


def test_reference_vectors():
    assert dirhash.hash_gomod(REF_GOMOD.encode()) == "h1:79IgHmY7U5NBeIf6oMj+ZKX2SHhIxCvHB4tRpJcgJkE="
    files = {"example.com/a@v1.0.0/go.mod": REF_GOMOD.encode(), "example.com/a@v1.0.0/a.go": b"package a\n"}
    assert dirhash.hash_bytes(files) == "h1:CpFXRfazyjhjdIuwA2azP6GGXsbjSw4w2jN4v/aLgm0="
    z = universe.module_zip("example.com/a", "v1.0.0", {"go.mod": REF_GOMOD.encode(), "a.go": b"package a\n"})
    assert dirhash.hash_zip(io.BytesIO(z)) == "h1:CpFXRfazyjhjdIuwA2azP6GGXsbjSw4w2jN4v/aLgm0="
    assert dirhash.hash_gomod(b"") == dirhash.EMPTY_GOMOD_HASH


def test_newline_in_name_is_an_error():
    with pytest.raises(HashError, match="^dirhash: filenames with newlines are not supported$"):
        dirhash.hash_bytes({"a\nb": b""})


def test_errors_are_hash_errors(tmp_path):
    (tmp_path / "not.zip").write_bytes(b"PK\x03\x04 nonsense")
    with pytest.raises(HashError, match=r"not\.zip: zip: not a valid zip file$"):
        dirhash.hash_zip(tmp_path / "not.zip")
    with pytest.raises(HashError, match="no such file or directory"):
        dirhash.hash_dir(tmp_path / "missing", "example.com/m@v1.0.0")
    with pytest.raises(HashError, match="is not a directory"):
        dirhash.hash_dir(tmp_path / "not.zip", "example.com/m@v1.0.0")


# ---------------------------------------------------------------------------------------------
# The real go command

MODULES = [
    ModuleSource("example.com/MixedCase/Hash", "v1.0.0-RC1", gomod_text("example.com/MixedCase/Hash", "1.21"), {
        "hash.go": "package hash\n",
        "sub/dir/deep/x.go": "package deep\n",
        "ünïcödé.txt": "unicode name\n",
        "日本/語.go": "package 日本\n",
        "Upper Case!.txt": "a file name with a space, a bang and capitals\n",
        "empty.txt": b"",
        "sub/empty": b"",
        "crlf.txt": b"line\r\nline\r\n",
    }),
    ModuleSource("example.com/MixedCase/Hash", "v1.0.0", gomod_text("example.com/MixedCase/Hash", "1.21"),
                 {"hash.go": "package hash // v1.0.0\n"}),
    ModuleSource("example.com/hash/v2", "v2.3.0-beta.1", gomod_text("example.com/hash/v2", "1.22"),
                 {"h.go": "package hash\n", "internal/i.go": "package internal\n"}),
    ModuleSource("example.com/nogomod", "v1.0.0", None, {"n.go": "package nogomod\n"}),
    ModuleSource("example.com/nogomod", "v2.0.0+incompatible", None, {"n.go": "package nogomod // v2\n"}),
    ModuleSource("example.com/pseudo", "v0.0.0-20240102030405-abcdefabcdef", gomod_text("example.com/pseudo"),
                 {"p.go": "package pseudo\n"}),
    ModuleSource("gopkg.in/Yaml.v3", "v3.0.1", gomod_text("gopkg.in/Yaml.v3"), {"y.go": "package yaml\n"}),
    ModuleSource("example.com/big", "v0.1.0", gomod_text("example.com/big"),
                 {"big.bin": bytes(range(256)) * 6000, "b.go": "package big\n"}),
]
#: Two scratch modules, because one build list holds one version of each module.
GET_SETS = [
    ["example.com/MixedCase/Hash@v1.0.0-RC1", "example.com/hash/v2@v2.3.0-beta.1", "example.com/nogomod@v1.0.0",
     "example.com/pseudo@v0.0.0-20240102030405-abcdefabcdef", "gopkg.in/Yaml.v3@v3.0.1", "example.com/big@v0.1.0"],
    ["example.com/MixedCase/Hash@v1.0.0", "example.com/nogomod@v2.0.0+incompatible"],
]




@pytest.fixture(scope="module")
def go_cache(tmp_path_factory, go_exe):
    """The go command's view: download records, the cache root, and go.sum texts."""
    base = tmp_path_factory.mktemp("dirhash")
    proxy = universe.write_proxy(base / "proxy", MODULES)
    env = gotool.isolated_env(base / "env", proxy=universe.file_proxy_url(proxy))
    work = base / "work"
    work.mkdir()
    (work / "go.mod").write_text("module example.com/work\n\ngo 1.22\n")
    res = gotool.run_go(["mod", "download", "-json", *(f"{m.path}@{m.version}" for m in MODULES)],
                        cwd=work, env=env).check()
    records = gojson.objects(res.stdout)
    sums = []
    for i, wanted in enumerate(GET_SETS):
        main = base / f"main{i}"
        main.mkdir()
        (main / "go.mod").write_text(f"module example.com/main{i}\n\ngo 1.22\n")
        gotool.run_go(["get", *wanted], cwd=main, env=env).check()
        gotool.run_go(["mod", "download"], cwd=main, env=env).check()
        sums.append((main / "go.sum").read_text())
    verify = gotool.run_go(["mod", "verify"], cwd=base / "main0", env=env).check()
    yield {"records": records, "root": Path(env["GOMODCACHE"]), "sums": sums, "env": env,
           "verify": verify.stdout, "proxy": proxy}
    # The extracted directories are read-only: let go remove them.
    gotool.run_go(["clean", "-modcache"], cwd=work, env=env)


@pytest.mark.go
def test_download_records_cover_every_module(go_cache):
    assert [(r["Path"], r["Version"]) for r in go_cache["records"]] == [(m.path, m.version) for m in MODULES]
    assert all("Error" not in r for r in go_cache["records"])
    assert go_cache["verify"].strip() == "all modules verified"


@pytest.mark.go
@pytest.mark.parametrize("i", range(len(MODULES)), ids=[f"{m.path}@{m.version}" for m in MODULES])
def test_hashes_match_go(go_cache, i):
    m, rec = MODULES[i], go_cache["records"][i]
    zip_path, dir_path = Path(rec["Zip"]), Path(rec["Dir"])
    # The cache layout is the escaped one, and gomodlab.cache.layout agrees with go on where things are.
    from gomodlab.cache import layout

    root = go_cache["root"]
    assert zip_path.parent == layout.download_dir(root, m.path)
    assert dir_path == layout.extracted_dir(root, m.path, m.version)
    assert layout.module_of_extracted_dir(dir_path) == (m.path, m.version)

    assert dirhash.hash_zip(zip_path) == rec["Sum"]
    assert zip_path.with_suffix(".ziphash").read_text() == rec["Sum"]  # no newline
    assert not os.access(dir_path, os.W_OK) or os.geteuid() == 0
    assert not dir_path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert dirhash.hash_dir(dir_path, f"{m.path}@{m.version}") == rec["Sum"]
    assert dirhash.hash_gomod(Path(rec["GoMod"]).read_bytes()) == rec["GoModSum"]
    assert dirhash.hash_gomod(m.gomod_bytes()) == rec["GoModSum"]
    # What universe serves hashes the same before go ever sees it.
    assert dirhash.hash_bytes({f"{m.path}@{m.version}/{n}": b for n, b in m.zip_files().items()}) == rec["Sum"]


@pytest.mark.go
def test_go_sum_lines_match_go(go_cache):
    by_key = {(r["Path"], r["Version"]): r for r in go_cache["records"]}
    for text, wanted in zip(go_cache["sums"], GET_SETS):
        lines = [line.split() for line in text.splitlines()]
        ours = []
        for mv in wanted:
            path, _, version = mv.partition("@")
            rec = by_key[(path, version)]
            ours.append((path, version, dirhash.hash_zip(rec["Zip"])))
            ours.append((path, version + "/go.mod", dirhash.hash_gomod(Path(rec["GoMod"]).read_bytes())))
        ours.sort(key=lambda line: modpath.module_sort_key(line[0], line[1]))
        assert [tuple(line) for line in lines] == ours


# ---------------------------------------------------------------------------------------------
# The oracle: odd zips and directories

def _zip(entries: list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED, patch: dict | None = None) -> bytes:
    """A zip with ``entries`` in order (duplicates allowed); ``patch`` replaces raw bytes afterwards,
    the way to get names zipfile would not write (no UTF-8 flag, a NUL)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name"
        with zipfile.ZipFile(buf, "w", method) as z:
            for name, data in entries:
                z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    data = buf.getvalue()
    for old, new in (patch or {}).items():
        assert len(old) == len(new) and data.count(old) in (1, 2)  # content once, a name twice
        data = data.replace(old, new)
    return data


P = "example.com/m@v1.0.0/"
ODD_ZIPS = {
    "plain": _zip([(P + "go.mod", b"module example.com/m\n"), (P + "a.go", b"package m\n")]),
    "stored": _zip([(P + "a.go", b"package m\n")], method=zipfile.ZIP_STORED),
    "empty": _zip([]),
    "duplicates": _zip([(P + "a.go", b"first\n"), (P + "b.go", b"b\n"), (P + "a.go", b"second\n")]),
    "directory entries": _zip([(P, b""), (P + "sub/", b""), (P + "sub/x.go", b"package sub\n")]),
    "utf8 flag": _zip([(P + "ünï.txt", b"x"), (P + "日本.go", b"y")]),
    "raw bytes, no flag": _zip([(P + "QQ.txt", b"x"), (P + "a.txt", b"y")], patch={b"QQ.txt": b"\xff\xfe.txt"}),
    "cp437-looking name": _zip([(P + "cafQ.txt", b"x")], patch={b"cafQ.txt": b"caf\x82.txt"}),
    "nul in name": _zip([(P + "aQb", b"x")], patch={b"aQb": b"a\x00b"}),
    "insecure names": _zip([("../evil", b"x"), ("/abs", b"y"), ("a\\b", b"z")]),
    "newline name": _zip([(P + "a\nb", b"x")]),
    "bad crc": _zip([(P + "a.go", b"package m\n")], method=zipfile.ZIP_STORED,
                    patch={b"package m\n": b"package M\n"}),
    "truncated": _zip([(P + "a.go", b"package m\n" * 100)])[:-30],
    "not a zip": b"this is not a zip file at all",
}


@pytest.mark.go
def test_odd_zips_match_oracle(oracle, tmp_path):
    files = []
    for i, (name, data) in enumerate(ODD_ZIPS.items()):
        f = tmp_path / f"{i}.zip"
        f.write_bytes(data)
        files.append(f)
    want = oracle.ask("hashzip", [str(f) for f in files])
    for name, f, w in zip(ODD_ZIPS, files, want):
        try:
            got = dirhash.hash_zip(f)
        except HashError as e:
            assert w.startswith("error: "), (name, str(e), w)
            assert str(e).endswith(w.removeprefix("error: ")), name  # go's wording, after our file name
            continue
        assert got == w, name


@pytest.fixture
def odd_dir(tmp_path) -> Path:
    d = tmp_path / "odd"
    (d / "sub" / "deeper").mkdir(parents=True)
    (d / "empty-dir").mkdir()
    (d / "a.go").write_bytes(b"package a\n")
    (d / "sub" / "deeper" / "x").write_bytes(b"")
    (d / "ünï.txt").write_bytes(b"u")
    (d / "Upper").write_bytes(b"U")
    os.symlink("a.go", d / "link-to-file")
    (d / os.fsdecode(b"raw-\xff")).write_bytes(b"raw")
    return d


@pytest.mark.go
@pytest.mark.parametrize("prefix", ["example.com/m@v1.0.0", "", "/", ".."])
@pytest.mark.go
def test_dir_hash_matches_oracle(oracle, odd_dir, prefix):
    [want] = oracle.ask("hashdir", [str(odd_dir)], prefix)
    assert dirhash.hash_dir(odd_dir, prefix) == want


@pytest.mark.go
def test_dir_hash_errors_match_oracle(oracle, odd_dir, tmp_path):
    os.symlink(odd_dir / "sub", odd_dir / "link-to-dir")  # opened as a file: an error for both
    cases = [(str(odd_dir), "p"), (str(tmp_path / "missing"), "p"), (str(odd_dir / "a.go"), "p")]
    # Names are Join(prefix, rel), cleaned; the opener trims the prefix as written: nothing opens.
    cases += [(str(odd_dir), p) for p in ("./x", "a//b/", "a/../b", "x/.")]
    for directory, prefix in cases:
        [want] = oracle.ask("hashdir", [directory], prefix)
        assert want.startswith("error: ")
        with pytest.raises(HashError):
            dirhash.hash_dir(directory, prefix)
