"""vendor/modules.txt parsing (gomodlab.mod.vendortxt): readVendorList's rules, fuzzed with hypothesis.

The differential tests against go (what go does with the parsed file) are in test_vendor_go.py.
"""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from gomodlab.mod import modpath
from gomodlab.mod.vendortxt import VendorMeta, is_for_workspace, parse_modules_txt

TXT = """# example.com/a v1.0.0
## explicit; go 1.17
example.com/a
example.com/a/sub
# example.com/b v1.2.0 => ../b
## explicit
example.com/b
# example.com/c v1.0.0 => example.com/fork v1.5.0
example.com/c
# example.com/c => example.com/fork v1.5.0
# example.com/d v0.1.0
## go 1.21
"""


def test_modules_and_annotations() -> None:
    mt = parse_modules_txt(TXT.encode())
    assert list(mt.meta) == [("example.com/a", "v1.0.0"), ("example.com/b", "v1.2.0"), ("example.com/c", "v1.0.0"),
                             ("example.com/c", ""), ("example.com/d", "v0.1.0")]
    assert mt.meta[("example.com/a", "v1.0.0")] == VendorMeta(True, None, "1.17", 1)
    assert mt.meta[("example.com/b", "v1.2.0")] == VendorMeta(True, ("../b", ""), None, 5)
    assert mt.meta[("example.com/c", "")].replacement == ("example.com/fork", "v1.5.0")
    # d has no packages: it is not in the vendor list (it provides nothing to the build).
    assert mt.vendor_list == (("example.com/a", "v1.0.0"), ("example.com/b", "v1.2.0"), ("example.com/c", "v1.0.0"))
    assert mt.replaced == (("example.com/b", "v1.2.0"), ("example.com/c", "v1.0.0"), ("example.com/c", ""))
    assert mt.packages_of(("example.com/a", "v1.0.0")) == ["example.com/a", "example.com/a/sub"]
    assert mt.go_lines[-1] == (("example.com/d", "v0.1.0"), "1.21", 12)
    assert not mt.workspace


def test_lines_go_skips() -> None:
    mt = parse_modules_txt(
        "example.com/orphan\n## explicit\n"           # before any module line: nobody's
        "# x\n# x y\n"                                # too few fields
        "# example.com/e 1.0.0\nexample.com/e\n"      # not a semantic version: the block is skipped
        "# example.com/f v1.0.0 => a b c\nexample.com/f\n"   # a replacement go cannot read: ignored
        "# example.com/f v1.0.0 => a notaversion\n"
        "## explicit;; future words ;go 1.20 \n"
        "not a path!\nexample.com/f two fields\n")
    assert list(mt.meta) == [("example.com/f", "v1.0.0")]
    assert mt.meta[("example.com/f", "v1.0.0")] == VendorMeta(True, None, "1.20", 7)
    assert mt.packages == {"example.com/f": ("example.com/f", "v1.0.0")}
    assert mt.replaced == ()


def test_selected_version_is_the_highest_vendored() -> None:
    mt = parse_modules_txt("# m v1.2.0\nm/p\n# m v1.1.0\nm/q\n# m v1.3.0\nm/r\n")
    assert mt.vendor_list == (("m", "v1.2.0"), ("m", "v1.3.0"))
    assert mt.selected == {"m": "v1.3.0"}


def test_workspace_marker() -> None:
    assert is_for_workspace(b"## workspace\n# a v1.0.0\n")
    assert is_for_workspace(b"## foo ; workspace\n")
    assert not is_for_workspace(b"# a v1.0.0\n## workspace\n")
    assert not is_for_workspace(b"##workspace\n")
    assert not is_for_workspace(b" " * 512 + b"\n## workspace\n")
    assert parse_modules_txt(b"## workspace\n").workspace


def test_crlf_lines_read_as_go_reads_them() -> None:
    mt = parse_modules_txt(b"# example.com/a v1.0.0\r\n## explicit; go 1.17\r\nexample.com/a\r\n")
    assert mt.meta[("example.com/a", "v1.0.0")] == VendorMeta(True, None, "1.17", 1)
    assert mt.vendor_list == (("example.com/a", "v1.0.0"),)


def test_windows_reserved_package_line_skipped() -> None:
    """readVendorList keeps a package line only if module.CheckImportPath accepts it."""
    mt = parse_modules_txt(b"# example.com/a v1.0.0\nexample.com/a/con/x\nexample.com/a/ok\n")
    assert mt.packages_of(("example.com/a", "v1.0.0")) == ["example.com/a/ok"]


# -- property tests -------------------------------------------------------------------------

def _go_accepts(elem: str) -> bool:
    try:
        modpath.check_import_path(f"example.com/{elem}")
    except ValueError:
        return False
    return True


# Elements go accepts in an import path: Windows-reserved names (con, aux, nul, com1…) are not, and
# go skips a package line naming one (test_windows_reserved_package_line_skipped).
_elem = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=6).filter(
    lambda s: not s.startswith("-") and not s.endswith("-") and _go_accepts(s))
_path = st.builds(lambda a, b: f"example.com/{a}/{b}", _elem, _elem)
_version = st.builds(lambda a, b, c: f"v{a}.{b}.{c}", st.integers(0, 3), st.integers(0, 12), st.integers(0, 3))
_go = st.sampled_from([None, "1.16", "1.17", "1.21", "1.22.3", "1.23rc1"])
_repl = st.one_of(st.none(), st.tuples(_path, _version), st.tuples(st.sampled_from(["../x", "./y", "/abs/z"]),
                                                                    st.just("")))
_module = st.tuples(_path, _version, _repl, st.booleans(), _go, st.lists(_elem, max_size=3, unique=True))


def _write(mods: list) -> str:
    """modules.txt as go mod vendor writes it (modcmd/vendor.go)."""
    out = []
    for path, version, repl, explicit, go, pkgs in mods:
        line = f"# {path} {version}"
        if repl:
            line += f" => {repl[0]}" + (f" {repl[1]}" if repl[1] else "")
        out.append(line)
        notes = (["explicit"] if explicit else []) + ([f"go {go}"] if go else [])
        if notes:
            out.append("## " + "; ".join(notes))
        out.extend(f"{path}/{p}" for p in pkgs)
    return "".join(x + "\n" for x in out)


@settings(max_examples=300, deadline=None)
@given(st.lists(_module, max_size=8, unique_by=lambda m: m[0]))
def test_what_go_mod_vendor_writes_reads_back(mods: list) -> None:
    mt = parse_modules_txt(_write(mods).encode())
    assert list(mt.meta) == [(p, v) for p, v, *_ in mods]
    for path, version, repl, explicit, go, pkgs in mods:
        meta = mt.meta[(path, version)]
        assert (meta.explicit, meta.replacement, meta.go) == (explicit, repl, go)
        assert mt.packages_of((path, version)) == [f"{path}/{p}" for p in pkgs]
        assert ((path, version) in mt.vendor_list) == bool(pkgs)
    assert mt.replaced == tuple((p, v) for p, v, r, *_ in mods if r)


_line = st.one_of(
    st.text(max_size=40),
    st.builds(lambda a, b: f"# {a} {b}", st.text(max_size=12), st.text(max_size=12)),
    st.builds(lambda a: f"## {a}", st.text(";explicitgo 1.2workspace", max_size=30)),
    _path, st.builds(lambda p, v: f"# {p} {v}", _path, _version),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_line, max_size=20), st.sampled_from(["\n", "\r\n"]))
def test_any_text_parses_and_invariants_hold(lines: list[str], eol: str) -> None:
    text = eol.join(lines)
    mt = parse_modules_txt(text.encode("utf-8", "surrogatepass"))
    assert parse_modules_txt(text) == mt
    for m in mt.vendor_list:
        assert m in mt.meta and m[1]
    for pkg, m in mt.packages.items():
        assert mt.selected.get(m[0]) is not None
    for path, v in mt.selected.items():
        assert (path, v) in mt.vendor_list
    assert set(mt.replaced) <= set(mt.meta)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_parse(data: bytes) -> None:
    parse_modules_txt(data)
    is_for_workspace(data)


def test_short_versions_are_versions_as_in_go_semver() -> None:
    # semver.IsValid("v1") is true: go reads the line as a module (and the consistency check
    # then compares "v1" with go.mod's canonical versions, never equal).
    assert parse_modules_txt("# m v1\nm\n").vendor_list == (("m", "v1"),)
