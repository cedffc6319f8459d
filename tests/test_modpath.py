"""gomodlab.mod.modpath (and the Go quoting it prints with) against x/mod/module, through the oracle.

Every message is compared as exact text: ``malformed module path "…": …`` is what users grep for.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodlab.mod import _gounicode, modpath
from gomodlab.mod.gostrings import quote, quote_rune
from gomodlab.mod.modpath import InvalidPath

ORACLE_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------
# Strategies

_first = st.sampled_from(["example.com", "Example.com", "gopkg.in", "localhost", "a.b-c", "-x.com", "ex_ample.com",
                          "ex:80.com", "", ".com", "com.", "1.2.3.4", "xn--bcher-kva.example", "ex~1.com", "a..b"])
_elem = st.one_of(
    st.sampled_from(["v2", "v1", "v0", "v02", "v2.1", "v10", "CON", "com1.txt", "Lpt9", "nul.x", "a~1", "a~b", "~1",
                     ".hidden", ".", "..", "...", "yaml.v3", "yaml.v1-unstable", "x.v0", "x.v01", "x.v", "Azure",
                     "go.mod", "a+b", "é", "日本", "a b", "x!y", "-dash", "trailing.", "_", "\u088f", "\u0378"]),
    st.text("abcXYZ019.-_~+!é ", min_size=0, max_size=6),
)


@st.composite
def path_shaped(draw) -> str:
    elems = [draw(_first)] + draw(st.lists(_elem, max_size=4))
    p = "/".join(elems)
    if draw(st.integers(0, 10)) == 0:
        p = draw(st.sampled_from(["/", "//", "-"])) + p
    if draw(st.integers(0, 10)) == 0:
        p += draw(st.sampled_from(["/", "//x", "\x00", "\n"]))
    return p


paths = st.one_of(path_shaped(), path_shaped(), st.text(max_size=12),
                  st.text("abc!ABC./-~019", max_size=14))


def _err(fn, *args) -> tuple[str, str]:
    """(result, "") or ("", message), the shape of the oracle's answers."""
    try:
        out = fn(*args)
    except InvalidPath as e:
        return "", str(e)
    return ("" if out is None else out), ""


def _path_info(p: str) -> dict:
    prefix, major, ok = modpath.split_path_version(p)
    esc, esc_err = _err(modpath.escape_path, p)
    unesc, unesc_err = _err(modpath.unescape_path, p)
    escv, escv_err = _err(modpath.escape_version, p)
    unescv, unescv_err = _err(modpath.unescape_version, p)
    return {
        "check": _err(modpath.check_path, p)[1], "checkimport": _err(modpath.check_import_path, p)[1],
        "checkfile": _err(modpath.check_file_path, p)[1], "prefix": prefix, "pathmajor": major, "ok": ok,
        "escape": esc, "escape_err": esc_err, "unescape": unesc, "unescape_err": unesc_err,
        "escapeversion": escv, "escapeversion_err": escv_err, "unescapeversion": unescv,
        "unescapeversion_err": unescv_err,
    }


def _utf8_clean(info: dict) -> dict:
    # The oracle's JSON turns bytes that are not UTF-8 into U+FFFD; do the same to ours.
    return {k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if isinstance(v, str) else v
            for k, v in info.items()}


def _check_paths(oracle, ps: list[str], *, raw: bool = False) -> None:
    want = oracle.ask("path", ps, raw=raw)
    for p, w in zip(ps, want):
        assert _utf8_clean(_path_info(p)) == w, p


# ---------------------------------------------------------------------------------------------
# Hand-written tables

@pytest.mark.parametrize("path, message", [
    ("example.com/m", None),
    ("github.com/Azure/azure-sdk-for-go/v68", None),
    ("gopkg.in/yaml.v3", None),
    ("gopkg.in/check.v1-unstable", None),
    ("Example.com/x", "malformed module path \"Example.com/x\": invalid char 'E' in first path element"),
    ("example.com:8080/x", "malformed module path \"example.com:8080/x\": invalid char ':'"),
    ("localhost/x", 'malformed module path "localhost/x": missing dot in first path element'),
    ("/example.com", 'malformed module path "/example.com": empty path element'),  # before "leading slash"
    ("-example.com", 'malformed module path "-example.com": leading dash'),
    ("example.com//x", 'malformed module path "example.com//x": double slash'),
    ("example.com/x/", 'malformed module path "example.com/x/": trailing slash'),
    ("example.com/.x", 'malformed module path "example.com/.x": leading dot in path element'),
    ("example.com/x.", 'malformed module path "example.com/x.": trailing dot in path element'),
    ("example.com/..", 'malformed module path "example.com/..": invalid path element ".."'),
    ("example.com/con.txt", 'malformed module path "example.com/con.txt": "con" disallowed as path element '
                            'component on Windows'),
    ("example.com/x~1", 'malformed module path "example.com/x~1": trailing tilde and digits in path element'),
    ("example.com/m/v1", 'malformed module path "example.com/m/v1": invalid version'),
    ("example.com/m/v02", 'malformed module path "example.com/m/v02": invalid version'),
    ("gopkg.in/yaml", 'malformed module path "gopkg.in/yaml": invalid version'),
    ("example.com/é", "malformed module path \"example.com/é\": invalid char 'é'"),
    ("example.com/\udcff", 'malformed module path "example.com/\\xff": invalid UTF-8'),
    ("", 'malformed module path "": empty string'),
])
def test_check_path_messages(path, message):
    if message is None:
        modpath.check_path(path)
    else:
        with pytest.raises(InvalidPath) as e:
            modpath.check_path(path)
        assert str(e.value) == message


def test_import_and_file_paths():
    modpath.check_import_path("example.com/a+b/c")
    modpath.check_file_path("-weird/.dot/ü [x]!.go")
    with pytest.raises(InvalidPath, match=r'^malformed file path "a/nul": "nul" disallowed'):
        modpath.check_file_path("a/nul")
    with pytest.raises(InvalidPath, match=r"^malformed import path \"a:b\": invalid char ':'$"):
        modpath.check_import_path("a:b")


@pytest.mark.parametrize("path, escaped", [
    ("github.com/Azure/azure-sdk", "github.com/!azure/azure-sdk"),
    ("example.com/Foo/BAR", "example.com/!foo/!b!a!r"),
    ("example.com/lower", "example.com/lower"),
])
def test_escape_path(path, escaped):
    assert modpath.escape_path(path) == escaped
    assert modpath.unescape_path(escaped) == path


@pytest.mark.parametrize("escaped, message", [
    ("example.com/!F", 'invalid escaped module path "example.com/!F"'),
    ("example.com/!!a", 'invalid escaped module path "example.com/!!a"'),
    ("example.com/!", 'invalid escaped module path "example.com/!"'),
    ("example.com/X", 'invalid escaped module path "example.com/X"'),
    ("!example.com/x", 'invalid escaped module path "!example.com/x": malformed module path "Example.com/x": '
                       "invalid char 'E' in first path element"),
])
def test_unescape_path_errors(escaped, message):
    with pytest.raises(InvalidPath) as e:
        modpath.unescape_path(escaped)
    assert str(e.value) == message


def test_escape_version():
    assert modpath.escape_version("v1.0.0-RC1") == "v1.0.0-!r!c1"
    assert modpath.unescape_version("v1.0.0-!r!c1") == "v1.0.0-RC1"
    assert modpath.escape_version("master") == "master"
    with pytest.raises(InvalidPath, match=r'^version "v1!" invalid: disallowed version string$'):
        modpath.escape_version("v1!")
    with pytest.raises(InvalidPath, match=r"^internal error: inconsistency in EscapePath$"):
        modpath.escape_version("vé")


@pytest.mark.parametrize("path, prefix, major, ok", [
    ("example.com/m", "example.com/m", "", True),
    ("example.com/m/v2", "example.com/m", "/v2", True),
    ("example.com/m/v1", "example.com/m/v1", "", False),
    ("example.com/m/v2.1", "example.com/m/v2.1", "", False),
    ("example.com/v2", "example.com", "/v2", True),
    ("gopkg.in/yaml.v3", "gopkg.in/yaml", ".v3", True),
    ("gopkg.in/yaml.v0", "gopkg.in/yaml", ".v0", True),
    ("gopkg.in/yaml.v1-unstable", "gopkg.in/yaml", ".v1-unstable", True),
    ("gopkg.in/yaml.v03", "gopkg.in/yaml.v03", "", False),
])
def test_split_path_version(path, prefix, major, ok):
    assert modpath.split_path_version(path) == (prefix, major, ok)


@pytest.mark.parametrize("v, path_major, message", [
    ("v1.0.0", "", None), ("v2.0.0+incompatible", "", None), ("v2.0.0", "/v2", None),
    ("v0.0.0-20200101000000-abc", ".v1", None), ("v1.5.0", ".v1-unstable", None),
    ("v2.0.0", "", 'version "v2.0.0" invalid: should be v0 or v1, not v2'),
    ("v3.0.0", "/v2", 'version "v3.0.0" invalid: should be v2, not v3'),
    ("bad", "/v2", 'version "bad" invalid: should be v2, not '),
    ("v2.0.0", "v2", 'version "v2.0.0" invalid: should be v2, not v2'),
])
def test_check_path_major(v, path_major, message):
    if message is None:
        modpath.check_path_major(v, path_major)
    else:
        with pytest.raises(InvalidPath) as e:
            modpath.check_path_major(v, path_major)
        assert str(e.value) == message


def test_check_and_canonical_version():
    modpath.check("example.com/m/v2", "v2.1.0")
    modpath.check("example.com/m/v2", "v2.0.0+incompatible")  # module.Check allows it; go rejects elsewhere
    with pytest.raises(InvalidPath, match=r"^example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2$"):
        modpath.check("example.com/m", "v2.0.0")
    with pytest.raises(InvalidPath, match=r"^example.com/m@latest: invalid version: not a semantic version$"):
        modpath.check("example.com/m", "latest")
    assert modpath.canonical_version("v2.0.0+incompatible") == "v2.0.0+incompatible"
    assert modpath.canonical_version("v2.0+incompatible") == ""  # a shorthand takes no build suffix
    assert modpath.canonical_version("v2.0.0+meta") == "v2.0.0"
    assert modpath.path_major_prefix(".v1-unstable") == "v1"
    assert modpath.path_major_prefix("/v3") == "v3"


@pytest.mark.parametrize("globs, target, want", [
    ("example.com", "example.com/a/b", True),
    ("example.com/", "example.com/a", True),
    ("*.corp.example", "git.corp.example/x", True),
    ("*.corp.example", "corp.example/x", False),
    ("example.com/a", "example.com", False),
    ("example.com/*/c", "example.com/b/c/d", True),
    ("example.com/[^x]", "example.com/y", True),
    ("example.com/[!x]", "example.com/!", True),   # '!' is literal in go's classes, not negation
    ("example.com/[", "example.com/[", False),     # a malformed glob matches nothing
    (",,example.org,example.com", "example.com/x", True),
    ("", "example.com", False),
])
def test_match_prefix_patterns(globs, target, want):
    assert modpath.match_prefix_patterns(globs, target) is want


def test_quote():
    assert quote("a\"b\\c\n\t\x00\x7f") == '"a\\"b\\\\c\\n\\t\\x00\\x7f"'
    assert quote("é日本\u00ad\U0001f600") == '"é日本\\u00ad\U0001f600"'
    assert quote(b"\xff\xfeok") == '"\\xff\\xfeok"'
    assert quote_rune("'") == "'\\''" and quote_rune('"') == "'\"'"


# ---------------------------------------------------------------------------------------------
# The oracle

@pytest.mark.go
def test_unicode_classes_match_go(oracle):
    want = oracle.ask("unicode", [])
    for name, fn in (("letter", _gounicode.is_letter), ("print", _gounicode.is_print)):
        ours = []
        for c in range(sys.maxunicode + 1):
            if 0xD800 <= c <= 0xDFFF or not fn(chr(c)):
                continue
            if ours and ours[-1][1] == c - 1:
                ours[-1][1] = c
            else:
                ours.append([c, c])
        assert ours == want[name], name


@pytest.mark.go
def test_oracle_path_tables(oracle):
    ps = ["example.com/m", "github.com/Azure/azure-sdk", "github.com/!azure/azure-sdk", "example.com/!F",
          "example.com/!!a", "example.com/!", "gopkg.in/yaml.v3", "gopkg.in/yaml", "example.com/m/v1",
          "example.com/m/v2", "example.com/con.txt", "example.com/x~1", "v1.0.0-RC1", "v1.0.0-!r!c1", "vé",
          "\u088f", "a/\u088f", "example.com/\u0378", "", ".", "-", "/", "x/./y", "COM1", "a b", "a+b",
          "ex!ample.com", "Example.com/x"]
    _check_paths(oracle, ps)


@pytest.mark.go
def test_oracle_invalid_utf8(oracle):
    _check_paths(oracle, ["example.com/\udcff", "\udcc3", "v1.0.0-\udce9", "a/\udced\udca0\udc80"], raw=True)
    want = oracle.ask("quote", ["\udcff\udcfe", "x\udcc3(", "\udced\udca0\udc80"], raw=True)
    assert [quote(s) for s in ["\udcff\udcfe", "x\udcc3(", "\udced\udca0\udc80"]] == want


@pytest.mark.go
@given(st.lists(paths, min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_paths_hypothesis(oracle, ps):
    _check_paths(oracle, ps)


@pytest.mark.go
@given(st.lists(st.text(min_size=0, max_size=8), min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_quote_hypothesis(oracle, ss):
    assert [quote(s) for s in ss] == oracle.ask("quote", ss)


_versions = st.one_of(st.sampled_from(["v0.0.0-20200101000000-abc", "v1.0.0", "v2.0.0", "v2.0.0+incompatible",
                                       "v3.1.0", "v2.0.0+meta", "v1", "v2.1", "bad", "", "v01.0.0", "v0.0.0-x"]),
                      st.text("v0123.+-incompatibl", max_size=10))
_majors = st.sampled_from(["", "/v2", "/v3", ".v1", ".v1-unstable", ".v2", "/v0", "v2", "x", "/v2-unstable"])


@pytest.mark.go
@given(st.lists(_versions, min_size=1, max_size=20), _majors)
@ORACLE_SETTINGS
def test_oracle_path_major(oracle, vs, path_major):
    want = oracle.ask("pathmajor", vs, path_major)
    for v, w in zip(vs, want):
        assert _err(modpath.check_path_major, v, path_major)[1] == w["err"], v
        assert modpath.canonical_version(v) == w["canonical"], v


@pytest.mark.go
@given(st.lists(st.tuples(st.one_of(path_shaped(), st.sampled_from(["example.com/m/v2", "gopkg.in/yaml.v1",
                                                                    "gopkg.in/yaml.v1-unstable"])), _versions),
                min_size=1, max_size=30))
@ORACLE_SETTINGS
def test_oracle_check(oracle, pairs):
    want = oracle.ask("check", [x for pair in pairs for x in pair])
    assert [_err(modpath.check, p, v)[1] for p, v in pairs] == want


_globs = st.lists(st.one_of(st.sampled_from(["example.com", "*.example.com", "example.com/", "*", "*/x", "[a-c]*",
                                             "ex[^a]mple.com", "\\*", "[", "a\\", "example.com/*/c", "", "?x*"]),
                            st.text("ab*?[]^-\\/.,", max_size=6)), max_size=4).map(",".join)
_targets = st.one_of(st.sampled_from(["example.com", "example.com/a/b", "a.example.com/x", "b", "*", "x/c",
                                      "exbmple.com/q", "", "/"]), st.text("ab*?[]^-\\/.é", max_size=8))


@pytest.mark.go
@given(_globs, st.lists(_targets, min_size=1, max_size=20))
@ORACLE_SETTINGS
def test_oracle_prefix_patterns(oracle, globs, targets):
    assert [modpath.match_prefix_patterns(globs, t) for t in targets] == oracle.ask("prefixpatterns", targets, globs)


@pytest.mark.go
@given(st.text("ab*?[]^-\\/é", max_size=8), st.lists(st.text("ab*?[]^-\\/é", max_size=6), min_size=1, max_size=20))
@ORACLE_SETTINGS
def test_oracle_path_match(oracle, pattern, names):
    want = oracle.ask("pathmatch", names, pattern)
    assert [modpath.path_match(pattern, n) for n in names] == [w == "true" for w in want]


@pytest.mark.go
@given(st.lists(st.tuples(st.sampled_from(["example.com/a", "example.com/b", "example.com/A", "example.com/a/v2"]),
                          st.sampled_from(["v1.0.0", "v1.0.0/go.mod", "v1.10.0", "v1.2.0", "v1.2.0/go.mod",
                                           "v0.0.0-20200101000000-abc", "v1.0.0-rc.1/go.mod", "v2.0.0+incompatible"])),
                unique=True, min_size=1, max_size=25))
@ORACLE_SETTINGS
def test_oracle_module_sort(oracle, mods):
    want = oracle.ask("sortmodules", [x for m in mods for x in m])
    got = sorted(mods, key=lambda m: modpath.module_sort_key(*m))
    assert [x for m in got for x in m] == want
