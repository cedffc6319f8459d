"""gomodlab.mod.buildconstraint, goimports and goscan against the go command's own code.

Three kinds of test:

- the oracle (``tests/gosource_oracle``): cmd/go/internal/imports, cmd/go/internal/modindex and
  go/build/constraint, copied from GOROOT and built at test time, answer batches of generated
  build-constraint lines, file headers, file names and directories; answers must be identical,
  messages included;
- hand cases, one or more per rule and per message, written out literally (and also put to the
  oracle, so a newer go that changes a message fails here first);
- the real go command: ``go mod tidy`` reads the same file two ways depending on the files'
  age and on whether the module is in the module cache, as :func:`goscan.index_applies` says;
- fuzzing: arbitrary bytes never raise anything but the documented errors.
"""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodlab.lab import universe
from gomodlab.load import gotool
from gomodlab.mod import _gounicode, buildconstraint, goimports, goscan
from gomodlab.mod.buildconstraint import ANY_TAGS, KNOWN_ARCH, KNOWN_OS, BuildConstraintError, tags
from gomodlab.mod.goimports import GoSourceError

from . import gosource_oracle as gso

ORACLE_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                               HealthCheck.data_too_large])
FUZZ_SETTINGS = settings(max_examples=300, deadline=None)


@pytest.fixture(scope="module")
def gsrc(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    """The gosource oracle, built once for this module."""
    work = tmp_path_factory.mktemp("gosource-oracle")
    o = gso.Oracle(gso.build(work), work / "scratch")
    yield o
    o.close()


# ---------------------------------------------------------------------------------------------
# Strategies

_TAG_WORDS = ["linux", "windows", "darwin", "ios", "android", "illumos", "solaris", "amd64", "arm64",
              "386", "cgo", "gc", "ignore", "unix", "go1.21", "a.b", "_x", "x_y", "é", "日本", "Ⅻ",
              "\U00010d40", "\u0968", "a-b", "", "tag1"]
_tag_word = st.sampled_from(_TAG_WORDS)


@st.composite
def _go_build_expr(draw, depth: int = 0) -> str:
    """Valid //go:build expressions (and some near misses)."""
    kind = draw(st.integers(0, 5 if depth < 4 else 0))
    if kind <= 1:
        return draw(_tag_word.filter(bool)) if kind == 0 else "!" + draw(_tag_word.filter(bool))
    if kind == 2:
        return "(" + draw(_go_build_expr(depth + 1)) + ")"
    if kind == 3:
        return "!(" + draw(_go_build_expr(depth + 1)) + ")"
    op = draw(st.sampled_from([" && ", " || ", "&&", "||", " &&\t", " & ", " | "]))
    return draw(_go_build_expr(depth + 1)) + op + draw(_go_build_expr(depth + 1))


_soup = st.lists(st.sampled_from(["linux", "!", "!!", "(", ")", "&&", "||", "&", "|", " ", "\t", "#",
                                  "a,b", "é", "\udcff", "\u00a0", "\u2028", "x.y", "1", "_"]),
                 max_size=12).map("".join)
_go_build_line = st.tuples(
    st.sampled_from(["//go:build "] * 6 + ["//go:build\t", " //go:build ", "//go:buildx ",
                                            "// go:build ", "//go:build  "]),
    st.one_of(_go_build_expr(), _soup),
    st.sampled_from(["", " ", "\n", "\t", "\u00a0", "\r"]),
).map("".join)


_plus_term = st.one_of(
    _tag_word,
    _tag_word.map(lambda t: "!" + t),
    st.sampled_from(["!", "!!x", "!!", ",", "a,!b", "!a,b", "a,,b", "a,", "(a)", "a&&b", "é,!日本",
                     "!ignore", "ignore"]),
)
_plus_line = st.tuples(
    st.sampled_from(["// +build "] * 6 + ["//+build ", "//  +build\t", "// +build\t", "// +buildx ",
                                           "/// +build ", "// +build  ", "//\u00a0+build "]),
    st.lists(_plus_term, max_size=5).map(" ".join),
    st.sampled_from(["", " ", "\r", "\t"]),
).map("".join)
_constraint_line = st.one_of(_go_build_line, _plus_line, _soup.map(lambda s: "//go:build " + s),
                             st.sampled_from(["//go:build", "// +build", "//go:build\n", "// +build\n"]), _soup)

_header_line = st.one_of(
    st.sampled_from(["", " ", "\t", "\u00a0", "// comment", "//", "/* block */", "/*", "*/", "/* a */ /* b",
                     "package p", "package documentation", "// Package p does things.", "x := 1",
                     "//go:build ignore", "// +build ignore", "\t// +build linux", "/* //go:build x */",
                     "// +build !", "// +build", "//go:build !", "//go:build linux && !linux",
                     "/*\n//go:build never\n*/", "//go:binary-only-package"]),
    _go_build_line.map(lambda s: s.rstrip("\n")),
    _plus_line,
)


@st.composite
def _header_text(draw) -> bytes:
    lines = draw(st.lists(_header_line, max_size=9))
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    text = (draw(st.sampled_from(["", "\ufeff"])) + sep.join(lines) + draw(st.sampled_from(["", sep]))
            + draw(st.sampled_from(["", "package p\n", "\npackage p\n"])))
    return text.encode("utf-8", "surrogateescape")


_tag_sets = st.one_of(
    st.just(["*"]),
    st.lists(st.sampled_from(sorted(KNOWN_OS | KNOWN_ARCH) + ["cgo", "gc", "ignore", "unix", "go1.21", "tag1",
                                                                "x_y", "é", "*"]), max_size=6),
)
_goos = st.sampled_from(["", "linux", "windows", "darwin", "android", "illumos", "plan9", "js", "aix"])


def _tag_case(names: list[str], goos: str) -> tuple[buildconstraint.Tags, dict]:
    return tags(*names, goos=goos), {"tags": names, "goos": goos}


_name_part = st.one_of(st.sampled_from(sorted(KNOWN_OS)), st.sampled_from(sorted(KNOWN_ARCH)),
                       st.sampled_from(["test", "x", "", "Linux", "amd64p", "go", "ios", "illumos"]))
_file_name = st.tuples(
    st.sampled_from(["", "x", "foo", "_", ".", "a.b"]),
    st.lists(_name_part, max_size=4).map(lambda ps: "".join("_" + p for p in ps)),
    st.sampled_from([".go", "", ".s", ".go.txt", ".", "_test.go", ".txt"]),
).map("".join)


# Pieces of Go file headers: mostly what the byte reader and go/parser meet in real files, plus
# every kind of token and damage.
_GO_PIECES = [
    b"package", b"package ", b" ", b"p", b"x_test", b"documentation", b"\n", b"\r\n", b";", b"\t",
    b"import", b"import ", b"(", b")", b'"fmt"', b'"C"', b"`C`", b'"\\x43"', b"`raw/path`", b'"a\\x80"',
    b'"\\u00e9"', b'"a b"', b'""', b'"unterminated', b"`unterminated", b'"\\q"', b'"\\uD800"',
    b'"\\xZZ"', b"// comment\n", b"/* block */", b"/* multi\nline */", b"/* unterminated", b"/**/",
    b"//go:build linux\n", b"// +build !windows\n\n", b"//line foo.go:10\n", b"//line :3:4\n",
    b"/*line bar.go:7:2*/", b"//line x.go:0\n", b"//line x.go:y\n", b"\x00", b"\xef\xbb\xbf", b"\xff",
    b"\xe2\x80\x9c", b"'a'", b"'ab'", b"123", b"0x", b"0b12", b"1e", b"0x1.p", b"1__0", b"_", b".",
    b",", b"func main(){}", b"var x = 1", b"\xc2\xa0", b"\xc3\xa9", b"importx", b"i", b"/", b"*/",
    b"#", b"@", b"\xfe\xff", b"x ", b". ", b"_ ", b'"example.com/m"', b'"a/b"', b'"C"\n', b"import (\n",
    b")\n", b"\\", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
]


@st.composite
def _go_source(draw) -> bytes:
    """Go file headers: a well-formed skeleton with random damage, or a soup of pieces."""
    if draw(st.booleans()):
        start = draw(st.sampled_from([b"", b"package p\n", b"package p\nimport ", b"package p\nimport (\n"]))
        return start + b"".join(draw(st.lists(st.sampled_from(_GO_PIECES), max_size=16)))
    out = [draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"// Copyright\n\n", b"//go:build linux\n\n",
                                 b"// +build ignore\n\n", b"/* c */\n"]))]
    out.append(b"package " + draw(st.sampled_from([b"p", b"p_test", b"main", b"documentation", b"_"])) + b"\n")
    for _ in range(draw(st.integers(0, 3))):
        specs = [draw(st.sampled_from([b"", b"x ", b". ", b"_ "])) + draw(st.sampled_from(
            [b'"fmt"', b'"C"', b'"example.com/a"', b"`example.com/raw`", b'"a b"', b'"\\u00e9"',
             b'"example.com/\\x41"', b'"x"', b'"example.com/b"', b'"os"']))
            for _ in range(draw(st.integers(1, 3)))]
        if len(specs) == 1 and draw(st.booleans()):
            out.append(b"import " + specs[0] + b"\n")
        else:
            out.append(b"import (\n" + b"".join(b"\t" + s + b"\n" for s in specs) + b")\n")
    out.append(draw(st.sampled_from([b"", b"\nfunc main() {}\n", b"var x = 1\n", b"// trailing\n"])))
    data = b"".join(out)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(_GO_PIECES)) + data[at:]
    return data


# ---------------------------------------------------------------------------------------------
# How we answer, in the oracle's shapes

def _constraint_answer(line: str) -> dict:
    r: dict = {"isGo": buildconstraint.is_go_build(line), "isPlus": buildconstraint.is_plus_build(line)}
    try:
        x = buildconstraint.parse(line)
    except BuildConstraintError as e:
        r["err"] = str(e)
        if e.message != "not a build constraint" and "too complex" not in e.message:
            r["off"] = e.offset
    else:
        r["str"] = str(x)
        r["any"] = buildconstraint.evaluate(x, ANY_TAGS)
    return r


def _go_text(s: str) -> str:
    """How a Go string that is not UTF-8 comes back through JSON: each bad byte as U+FFFD."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _check_constraints(gsrc, lines: list[str]) -> None:
    want = gsrc.ask("constraint", [{"line": gso.b64(line)} for line in lines])
    for line, w in zip(lines, want):
        got = _constraint_answer(line)
        if "str" in got:
            got["str"] = _go_text(got["str"])
        if "err" in got:
            got["err"] = _go_text(got["err"])
        assert got == w, line


def _block_answer(content: bytes) -> dict:
    try:
        b = goimports.read_import_block(content)
    except GoSourceError as e:
        return {"err": str(e)}
    return {"header": gso.b64(b.header), "quoted": [gso.b64(q) for q in b.quoted], "err": "",
            "syntax": b.syntax_error}


def _check_blocks(gsrc, contents: list[bytes]) -> None:
    want = gsrc.ask("read_imports", [{"content": gso.b64(c)} for c in contents])
    for c, w in zip(contents, want):
        got = _block_answer(c)
        if got["err"]:
            assert got["err"] == w["err"], c
        else:
            assert got == w, c


def _info_answer(content: bytes, directory: str, name: str) -> dict:
    path = f"{directory}/{name}"
    try:
        info = goimports.read_go_info(content, path)
    except GoSourceError as e:
        return {"error": str(e)}
    try:
        go_build, plus_build = buildconstraint.constraint_lines(info.header)
    except BuildConstraintError as e:
        return {"error": f"{name}: {e}"}
    return {"error": "", "parseError": _go_text(info.parse_error or ""),
            "pkg": info.package if info.parse_error is None else None,
            "imports": [{"path": gso.b64(i.path), "line": i.line, "col": i.col} for i in info.imports],
            "goBuild": _go_text(go_build or ""), "plusBuild": [_go_text(p) for p in plus_build]}


def _check_infos(gsrc, contents: list[bytes], name: str = "a.go") -> None:
    want = gsrc.ask("file_info", [{"name": name, "content": gso.b64(c)} for c in contents])
    for c, w in zip(contents, want):
        got = _info_answer(c, w["dir"], name)
        if got["error"] or w["error"]:
            assert got["error"] == _go_text(w["error"]) or got["error"] == w["error"], c
            continue
        w = dict(w, plusBuild=w["plusBuild"] or [])
        if w["parseError"]:
            w["pkg"] = None
        assert got == {k: w[k] for k in got}, c


def _scan_answer(directory: str, t: buildconstraint.Tags, index: bool) -> dict:
    try:
        s = goscan.scan_path(directory, t, index=index)
    except goscan.NoGoError as e:
        return {"imports": [], "test": [], "err": str(e)}
    except GoSourceError as e:
        return {"imports": [], "test": [], "err": str(e)}
    return {"imports": [gso.b64(p) for p in s.imports], "test": [gso.b64(p) for p in s.test_imports], "err": ""}


def _check_scans(gsrc, cases: list[tuple[list[dict], list[str], str]]) -> None:
    want = gsrc.ask("scan", [{"entries": es, "tags": names, "goos": goos} for es, names, goos in cases])
    for (es, names, goos), w in zip(cases, want):
        t = tags(*names, goos=goos)
        for mode, index in (("plain", False), ("index", True)):
            got = _scan_answer(w["dir"], t, index)
            expect = w[mode]
            if expect["err"]:
                expect = {"imports": [], "test": [], "err": expect["err"]}
            assert got == expect, (mode, es, names)


# ---------------------------------------------------------------------------------------------
# The oracle, on generated input

@pytest.mark.go
@given(st.lists(_constraint_line, min_size=1, max_size=60))
@ORACLE_SETTINGS
def test_oracle_constraint_lines(gsrc, lines):
    _check_constraints(gsrc, lines)


@pytest.mark.go
@given(st.lists(st.tuples(_header_text(), _tag_sets, _goos), min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_should_build(gsrc, cases):
    want = gsrc.ask("should_build", [dict(_tag_case(n, g)[1], content=gso.b64(c)) for c, n, g in cases])
    got = [buildconstraint.should_build(c, tags(*n, goos=g)) for c, n, g in cases]
    assert got == want


@pytest.mark.go
@given(st.lists(st.tuples(_constraint_line, _tag_sets, _goos), min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_evaluation_under_explicit_tags(gsrc, cases):
    contents = [(line.rstrip("\n") + "\n\npackage p\n").encode("utf-8", "surrogateescape") for line, _, _ in cases]
    want = gsrc.ask("should_build", [{"content": gso.b64(c), "tags": n, "goos": g}
                                     for c, (_, n, g) in zip(contents, cases)])
    assert [buildconstraint.should_build(c, tags(*n, goos=g)) for c, (_, n, g) in zip(contents, cases)] == want


@pytest.mark.go
@given(st.lists(st.tuples(_file_name, _tag_sets, _goos), min_size=1, max_size=60))
@ORACLE_SETTINGS
def test_oracle_match_file(gsrc, cases):
    want = gsrc.ask("match_file", [{"name": n, "tags": t, "goos": g} for n, t, g in cases])
    assert [buildconstraint.match_file(n, tags(*t, goos=g)) for n, t, g in cases] == want


@pytest.mark.go
@given(st.lists(_go_source(), min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_read_import_block(gsrc, contents):
    _check_blocks(gsrc, contents)


@pytest.mark.go
@given(st.lists(_go_source(), min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_read_go_info(gsrc, contents):
    _check_infos(gsrc, contents)


_scan_names = st.one_of(
    st.sampled_from(["a.go", "b.go", "a_test.go", "c_test.go", "doc.go", "linux.go"]),
    st.sampled_from(["_x.go", ".x.go", "x_windows.go", "x_linux_amd64.go", "c.txt", "d.s", "e.GO",
                     "f_arm64_test.go", "x.go.go", "g_js_wasm.go", "h_ios.go"]),
)
_scan_entry = st.tuples(
    _scan_names,
    st.sampled_from(["file"] * 8 + ["dir", "broken-link", "link-to-file", "link-to-dir"]),
    st.one_of(_go_source(), _go_source(), _header_text()),
)
_scan_case = st.tuples(
    st.lists(_scan_entry, min_size=1, max_size=5, unique_by=lambda e: e[0]).map(
        lambda es: [{"name": n, "kind": k, "content": gso.b64(c)} for n, k, c in es]),
    _tag_sets, _goos,
)


@pytest.mark.go
@given(st.lists(_scan_case, min_size=1, max_size=12))
@ORACLE_SETTINGS
def test_oracle_scan_dir(gsrc, cases):
    _check_scans(gsrc, cases)


@pytest.mark.go
def test_oracle_unicode_digits(gsrc):
    want = set(gsrc.ask("digits", [{}])[0])
    got = {c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and _gounicode.is_digit(chr(c))}
    assert got == want


# ---------------------------------------------------------------------------------------------
# Hand cases: each rule and message, literally (also put to the oracle)

CONSTRAINTS = [
    # line, String() or error, value under AnyTags
    ("//go:build linux && (amd64 || arm64) && !cgo", "linux && (amd64 || arm64) && !cgo", True),
    ("//go:build !(a || b)", "!(a || b)", True),
    ("//go:build a || b && c", "a || (b && c)", True),
    ("//go:build (a || b) && c", "(a || b) && c", True),
    ("//go:build linux && !linux", "linux && !linux", True),  # AnyTags: both true and false
    ("//go:build ignore", "ignore", False),
    ("//go:build !ignore", "!ignore", True),
    ("//go:build ignore || linux", "ignore || linux", True),
    ("//go:build 日本 && \u0968", "日本 && \u0968", True),
    ("//go:build Ⅻ", "error: invalid syntax at Ⅻ", None),  # U+216B is a number, not a letter or digit  # letters and digits in go's Unicode sense
    ("//go:build", "error: unexpected end of expression", None),
    ("//go:build !", "error: unexpected end of expression", None),
    ("//go:build (a", "error: missing close paren", None),
    ("//go:build (a ||", "error: missing close paren", None),
    ("//go:build a)", "error: unexpected token )", None),
    ("//go:build a b", "error: unexpected token b", None),
    ("//go:build !!a", "error: double negation not allowed", None),
    ("//go:build a & b", "error: invalid syntax at &", None),
    ("//go:build a | b", "error: invalid syntax at |", None),
    ("//go:build a-b", "error: invalid syntax at -", None),
    ("//go:build " + "a && " * 1000 + "a", "error: build expression too large", None),
    ("//go:buildx linux", "error: not a build constraint", None),
    ("// +build linux,amd64 darwin,!cgo", "(linux && amd64) || (darwin && !cgo)", True),
    ("//+build linux", "linux", True),
    ("// +build !", "ignore", False),  # a bare "!" is the ignore tag, not a syntax error
    ("// +build", "ignore", False),  # so is an empty line
    ("// +build !!linux", "ignore", False),
    ("// +build a-b", "ignore", False),  # not a valid tag
    ("// +build !a-b", "!ignore", True),
    ("// +build ,", "ignore && ignore", False),
    ("// +build !ignore", "!ignore", True),
    ("// +build " + " ".join(["a"] * 102), "error: expression too complex for // +build lines", None),
    ("// +buildlinux", "error: not a build constraint", None),
    ("// go:build linux", "error: not a build constraint", None),
]


@pytest.mark.parametrize("line,want,value", CONSTRAINTS, ids=[c[0][:40] for c in CONSTRAINTS])
def test_constraint_cases(line, want, value):
    if want.startswith("error: "):
        with pytest.raises(BuildConstraintError) as e:
            buildconstraint.parse(line)
        assert str(e.value) == want[len("error: "):]
    else:
        x = buildconstraint.parse(line)
        assert str(x) == want
        assert buildconstraint.evaluate(x, ANY_TAGS) is value


def test_deep_expressions_need_no_recursion():
    x = buildconstraint.parse("//go:build " + "!(" * 499 + "a" + ")" * 499)
    assert str(x) == "!" * 499 + "a"
    assert buildconstraint.evaluate(x, tags()) is True
    assert buildconstraint.evaluate(x, ANY_TAGS) is True
    with pytest.raises(BuildConstraintError, match="build expression too large"):
        buildconstraint.parse("//go:build " + "(" * 1001 + "a" + ")" * 1001)


SHOULD_BUILD = [
    # content, tag names, goos, verdict
    (b"// +build !\n\npackage p\n", ["*"], "", False),
    (b"// +build ignore\n\npackage p\n", ["*"], "", False),
    (b"// +build linux\n\npackage p\n", ["*"], "", True),
    (b"// +build linux\n\npackage p\n", ["windows"], "windows", False),
    (b"// +build linux\n\npackage p\n", ["android"], "android", True),  # android implies linux
    (b"// +build solaris\n\npackage p\n", ["illumos"], "illumos", True),
    (b"// +build darwin\n\npackage p\n", ["ios"], "ios", True),
    (b"// +build unix\n\npackage p\n", ["linux"], "linux", True),  # unix follows GOOS, not the tags
    (b"// +build unix\n\npackage p\n", ["linux"], "windows", False),
    (b"// +build linux\n// +build amd64\n\npackage p\n", ["linux"], "linux", False),  # every line must hold
    (b"// +build linux\npackage p\n", ["windows"], "", True),  # no blank line: package doc, not a constraint
    (b"// Package p.\n// +build linux\n\npackage p\n", ["windows"], "", False),
    (b"package p\n\n// +build linux\n", ["windows"], "", True),  # after the package clause
    (b"/* x */\n// +build linux\n\npackage p\n", ["windows"], "", True),  # after a /* */ comment
    (b"//go:build windows\n// +build linux\n\npackage p\n", ["windows"], "", True),  # //go:build wins
    (b"// +build linux\n\n//go:build windows\npackage p\n", ["windows"], "", True),
    (b"//go:build a\n//go:build a\n\npackage p\n", ["*"], "", False),  # multiple //go:build
    (b"//go:build (\n\npackage p\n", ["*"], "", False),  # unparsable //go:build
    (b"/*\n//go:build ignore\n*/\npackage p\n", ["*"], "", True),  # inside /* */: not a directive
    (b"\xef\xbb\xbf//go:build ignore\n\npackage p\n", ["*"], "", True),  # BOM: line does not start with //
    (b"   //go:build ignore\n\npackage p\n", ["*"], "", False),  # leading space is trimmed
    (b"//go:build ignore\r\n\r\npackage p\r\n", ["*"], "", False),
    (b"//go:build\xc2\xa0ignore\n\npackage p\n", ["*"], "", False),  # U+00A0 is a space
    (b"// +build " + b"a " * 102 + b"\n\npackage p\n", ["*"], "", True),  # too complex: ignored
]


@pytest.mark.parametrize("content,names,goos,verdict", SHOULD_BUILD)
def test_should_build_cases(content, names, goos, verdict):
    assert buildconstraint.should_build(content, tags(*names, goos=goos)) is verdict


MATCH_FILE = [
    ("x_linux.go", ["linux"], True), ("x_linux.go", ["windows"], False), ("linux.go", ["windows"], True),
    ("x_linux_amd64.go", ["linux", "amd64"], True), ("x_linux_amd64.go", ["linux", "arm64"], False),
    ("x_linux_test.go", ["windows"], False), ("x_test.go", ["windows"], True),
    ("x_amd64_linux.go", ["linux"], True),  # GOARCH then GOOS: only the last (linux) counts
    ("x_linux.go", ["android"], True), ("x_windows.go", ["*"], True), ("x_windows.txt.go", ["linux"], False),
    ("x_nacl.go", ["linux"], False),  # a past GOOS still restricts
    ("x_Linux.go", ["windows"], True), ("_linux.go", ["windows"], False), ("x_linux", ["windows"], False),
]


@pytest.mark.parametrize("name,names,want", MATCH_FILE)
def test_match_file_cases(name, names, want):
    assert buildconstraint.match_file(name, tags(*names)) is want


READ_IMPORT_BLOCK = [
    # content, quoted imports, syntax error seen, header or error
    (b'package p\nimport "a"\nfunc f() {}\n', ['"a"'], False, b'package p\nimport "a"\n'),
    (b'\xef\xbb\xbfpackage p; import (x "a"; . "b"; `c`)\n', ['"a"', '"b"', "`c`"], False,
     b'package p; import (x "a"; . "b"; `c`)\n'),
    (b'package p import "a"', ['"a"'], False, b'package p import "a"'),  # no semicolons needed
    (b'package p\nimport "a"\nimport x', ['"a"'], True, b'package p\nimport "a"\nimport x'),
    (b'package p\nimport "a\nb"', [], True, b'package p\nimport "a\nb"'),
    (b"package p\n/x", [], True, b"package p\n/x"),
    (b"package p\n/x\x00", [], True, b"package p\n/x\x00"),  # the byte after the error is not NUL-checked
    (b"package p\n/\x00", [], False, "unexpected NUL in input"),
    (b'package p\nimport "a"\nfunc\x00', ['"a"'], False, b'package p\nimport "a"\n'),  # NUL never read
    (b'package p\nimport "a"\nimport\x00', ['"a"'], False, "unexpected NUL in input"),
]


@pytest.mark.parametrize("content,quoted,syntax,header", READ_IMPORT_BLOCK)
def test_read_import_block_cases(content, quoted, syntax, header):
    if isinstance(header, str):
        with pytest.raises(GoSourceError, match=header):
            goimports.read_import_block(content)
        return
    b = goimports.read_import_block(content)
    assert (list(b.quoted), b.syntax_error, b.header) == (quoted, syntax, header)


READ_IMPORTS = [
    # content, imports (path, line, col, name) or go/parser's error
    (b'package p\nimport (\n\tx "a"\n\t. "b"\n\t_ "c"\n\t"d"\n)\n', [("a", 3, 2, "x"), ("b", 4, 2, "."),
                                                                    ("c", 5, 2, "_"), ("d", 6, 2, "")]),
    (b'\xef\xbb\xbfpackage p\nimport "a"\n', [("a", 2, 8, "")]),  # positions after the BOM is dropped
    (b'package p\n//line other.go:10\nimport "a"\n', [("a", 10, 0, "")]),  # //line: no column
    (b'package p\n/*line other.go:10:5*/import "a"\n', [("a", 10, 12, "")]),
    (b'package p\nimport "\\u00e9t\\x41"\nimport `r\raw`\n', [("\u00e9tA", 2, 8, ""), ("raw", 3, 8, "")]),
    (b'package p\nimport "a" "b"\nimport x', [("a", 2, 8, "")]),  # the header ends before "b"
    (b"package p\nimport x", "a.go:2:9: missing import path"),
    (b"package p\nimport 12", "a.go:2:8: import path must be a string"),
    (b"package p\nimport x y", "a.go:2:10: import path must be a string"),
    (b"packag p", "a.go:1:1: expected 'package', found packag"),
    (b"package\n", "a.go:1:9: expected 'IDENT', found 'EOF'"),
    (b"package\n;", "a.go:2:1: expected 'IDENT', found ';'"),
    (b"package 1", "a.go:1:9: expected 'IDENT', found 1"),
    (b"package p import", "a.go:1:11: expected ';', found 'import'"),
    (b'package p\nimport ("a", "b")', "a.go:2:12: expected ';', found ','"),
    (b'package p\nimport "a b"\n', "a.go:2:8: invalid import path: a b"),
    (b'package p\nimport x ""\n', "a.go:2:8: invalid import path: "),
    (b'package p\nimport "a\\qb"\nimport x', "a.go:2:11: unknown escape sequence (and 1 more errors)"),
    (b'package p\nimport "\\uD800"\nimport x', "a.go:2:10: escape sequence is invalid Unicode code point "
                                            "(and 1 more errors)"),
    (b'package p\nimport "\\xZZ"\nimport x', "a.go:2:11: illegal character U+005A 'Z' in escape sequence "
                                          "(and 1 more errors)"),
    (b'package p\nimport "a', "a.go:2:8: string literal not terminated"),
    (b"package p\nimport `a", "a.go:2:8: raw string literal not terminated"),
    (b"package p\nimport /* a", "a.go:2:8: comment not terminated"),
    (b"package p\nimport \xe2\x80\x9ca\xe2\x80\x9d", "a.go:2:8: curly quotation mark '\u201c' (use neutral '\"') "
                                                  "(and 1 more errors)"),
    (b"package p\nimport #", "a.go:2:8: illegal character U+0023 '#'"),
    (b"package p\nimport \xff", "a.go:2:8: illegal UTF-8 encoding (and 1 more errors)"),
    (b"package p\nimport \xef\xbb\xbf", "a.go:2:8: illegal byte order mark"),
    (b"\xff\xfepackage", "a.go:1:1: illegal UTF-8 encoding (got UTF-16) (and 1 more errors)"),
    (b"package p\nimport x\x00", "read a.go: unexpected NUL in input"),  # the byte reader meets it
    (b"package p\nimport #\x00", "a.go:2:8: illegal character U+0023 '#' (and 2 more errors)"),
    (b"package p\n//line :0\nimport x", "a.go:2:9: invalid line number: 0"),
    (b"package p\n//line f.go:1:0\nimport x", "a.go:2:15: invalid column number: 0"),
    (b"package p\n//line sub/f.go:7\nimport x", "sub/f.go:7: missing import path"),
    (b"package p\nimport 0b12", "a.go:2:11: invalid digit '2' in binary literal"),
    (b"package p\nimport 1__0", "a.go:2:10: '_' must separate successive digits"),
    (b"package p\nimport 0x", "a.go:2:10: hexadecimal literal has no digits"),
    (b"package p\nimport 1e", "a.go:2:10: exponent has no digits"),
    (b"package p\nimport 'ab'", "a.go:2:8: illegal rune literal"),
    (b"package p\nimport \"a\"\x00", "read a.go: unexpected NUL in input"),
]


@pytest.mark.parametrize("content,want", READ_IMPORTS, ids=[c[1] if isinstance(c[1], str) else repr(c[0][:30])
                                                            for c in READ_IMPORTS])
def test_read_imports_cases(content, want):
    if isinstance(want, str):
        with pytest.raises(GoSourceError) as e:
            goimports.read_imports(content, "a.go")
        assert str(e.value) == want
    else:
        h = goimports.read_imports(content, "a.go")
        assert h.package == "p"
        assert [(i.path, i.line, i.col, i.name) for i in h.imports] == want


def test_many_errors_bail_out_after_eleven():
    content = b"package p\nimport (\n" + b"\t#\n" * 30 + b")\n"
    with pytest.raises(GoSourceError) as e:
        goimports.read_imports(content, "a.go")
    assert str(e.value).startswith("a.go:3:2: illegal character U+0023 '#' (and ")


def _entries(files: dict[str, bytes]) -> list[goscan.Entry]:
    return [goscan.Entry(n, "file", (lambda c=c: c)) for n, c in files.items()]


def test_scan_dir_rules():
    files = {
        "a.go": b'package p\nimport (\n\t"fmt"\n\t"C"\n)\n',
        "a_test.go": b'package p_test\nimport "testing"\n',
        "doc.go": b'// Package p.\npackage documentation\nimport "example.com/doc"\n',
        "b.go": b'// +build ignore\n\npackage p\nimport "os"\n',
        "c_windows.go": b'package p\nimport "syscall"\n',
        "_d.go": b'package p\nimport "hidden"\n',
        ".e.go": b'package p\nimport "hidden"\n',
        "f.txt": b"not go",
        "g.go": b'package p\nimport "appengine/datastore"\n',
    }
    s = goscan.scan_dir(_entries(files), ANY_TAGS)
    assert s.imports == ("C", "appengine/datastore", "example.com/doc", "fmt", "syscall")
    assert s.test_imports == ("testing",)
    assert s.files == ("a.go", "a_test.go", "c_windows.go", "doc.go", "g.go")
    assert dict(s.excluded) == {".e.go": goscan.EXCLUDED_HIDDEN, "_d.go": goscan.EXCLUDED_HIDDEN,
                                "b.go": goscan.EXCLUDED_CONSTRAINTS, "f.txt": goscan.EXCLUDED_NOT_GO}
    assert goscan.elide_magic_imports(s.imports) == ("example.com/doc", "fmt", "syscall")
    linux = goscan.scan_dir(_entries(files), tags("linux", "amd64", goos="linux"))
    assert linux.imports == ("appengine/datastore", "example.com/doc")  # a.go needs cgo
    assert dict(linux.excluded)["a.go"] == goscan.EXCLUDED_CGO
    assert dict(linux.excluded)["c_windows.go"] == goscan.EXCLUDED_FILE_NAME


def test_scan_dir_no_go_files():
    with pytest.raises(goscan.NoGoError, match="^no Go source files$") as e:
        goscan.scan_dir(_entries({"b.go": b"//go:build ignore\n\npackage p\n", "x.txt": b""}), ANY_TAGS)
    assert dict(e.value.scan.excluded) == {"b.go": goscan.EXCLUDED_CONSTRAINTS, "x.txt": goscan.EXCLUDED_NOT_GO}


def test_scan_dir_the_two_readers_differ_on_broken_files():
    broken = {
        "a.go": b'package p\nimport "example.com/kept"\nimport x\n',  # syntax error after one import
        "b.go": b'//go:build a\n//go:build b\n\npackage p\nimport "example.com/two"\n',
        "c.go": b'package p\nimport "example.com/nul"\nimport\x00',
    }
    with pytest.raises(GoSourceError, match="^reading d/c.go: unexpected NUL in input$"):
        goscan.scan_dir(_entries(broken), ANY_TAGS, directory="d")
    del broken["c.go"]
    plain = goscan.scan_dir(_entries(broken), ANY_TAGS, directory="d")
    assert plain.imports == ("example.com/kept",) and plain.files == ("a.go",)
    broken["c.go"] = b'package p\nimport "example.com/nul"\nimport\x00'
    index = goscan.scan_dir(_entries(broken), ANY_TAGS, directory="d", index=True)
    assert index.imports == () and index.files == ("a.go", "b.go", "c.go")
    assert dict(index.imports_unread) == {"a.go": "d/a.go:3:9: missing import path",
                                          "b.go": "b.go: multiple //go:build comments",
                                          "c.go": "read d/c.go: unexpected NUL in input"}


def test_scan_path_and_zip_entries(tmp_path):
    d = tmp_path / "pkg"
    (d / "sub").mkdir(parents=True)
    (d / "a.go").write_bytes(b'package p\nimport "fmt"\n')
    (d / "b.go").symlink_to(d / "nowhere.go")
    (d / "c.go").symlink_to(d / "a.go")
    (d / "sub.go").symlink_to(d / "sub")
    os.mkfifo(d / "f.go")
    s = goscan.scan_path(d, ANY_TAGS, index=False)
    assert s.files == ("a.go", "c.go") and s.imports == ("fmt",)
    assert dict(s.excluded) == {"b.go": goscan.EXCLUDED_BROKEN_LINK, "f.go": goscan.EXCLUDED_NOT_REGULAR}
    s = goscan.scan_path(d, ANY_TAGS, index=True)  # what the index would list (go never indexes this dir)
    assert s.files == ("a.go", "b.go", "c.go", "f.go") and s.imports == ("fmt",)
    assert dict(s.imports_unread) == {"b.go": f"open {d}/b.go: no such file or directory",
                                      "f.go": f"open {d}/f.go: not a regular file"}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("example.com/m@v1.0.0/go.mod", "module example.com/m\n")
        z.writestr("example.com/m@v1.0.0/p/a.go", 'package p\nimport "fmt"\n')
        z.writestr("example.com/m@v1.0.0/p/a_test.go", 'package p\nimport "testing"\n')
        z.writestr("example.com/m@v1.0.0/p/q/b.go", 'package q\nimport "os"\n')
    with zipfile.ZipFile(buf) as z:
        entries = goscan.zip_entries(z, "example.com/m@v1.0.0/p")
        assert sorted((e.name, e.kind) for e in entries) == [("a.go", "file"), ("a_test.go", "file"), ("q", "dir")]
        s = goscan.scan_dir(entries, ANY_TAGS, index=True)
    assert (s.imports, s.test_imports) == (("fmt",), ("testing",))


def test_index_applies_follows_go(tmp_path):
    (tmp_path / "a.go").write_text("package p\n")
    assert not goscan.index_applies(tmp_path)  # just written
    old = time.time() - 10
    os.utime(tmp_path / "a.go", (old, old))
    assert goscan.index_applies(tmp_path)
    (tmp_path / "sub").mkdir()  # directories do not count
    assert goscan.index_applies(tmp_path)
    (tmp_path / "l.go").symlink_to(tmp_path / "a.go")
    assert not goscan.index_applies(tmp_path)  # any symlink: imports.ScanDir
    assert goscan.index_applies(tmp_path, in_module_cache=True)


@pytest.mark.go
def test_hand_cases_against_the_oracle(gsrc):
    _check_constraints(gsrc, [line for line, _, _ in CONSTRAINTS])
    want = gsrc.ask("should_build", [{"content": gso.b64(c), "tags": n, "goos": g} for c, n, g, _ in SHOULD_BUILD])
    assert want == [v for _, _, _, v in SHOULD_BUILD]
    want = gsrc.ask("match_file", [{"name": n, "tags": t, "goos": ""} for n, t, _ in MATCH_FILE])
    assert want == [w for _, _, w in MATCH_FILE]
    _check_blocks(gsrc, [c for c, _, _, _ in READ_IMPORT_BLOCK])
    _check_infos(gsrc, [c for c, _ in READ_IMPORTS])
    cases = [([{"name": n, "kind": "file", "content": gso.b64(c)} for n, c in files.items()], ["*"], "")
             for files in ({"a.go": b'package p\nimport "example.com/kept"\nimport x\n'},
                           {"b.go": b'//go:build a\n//go:build b\n\npackage p\nimport "x"\n'},
                           {"c.go": b'package p\nimport "x"\nimport\x00'},
                           {"d.go": b'package p\nimport `C`\n', "d_test.go": b'package p_test\nimport "C"\n'})]
    cases.append((cases[3][0], ["linux"], "linux"))
    _check_scans(gsrc, cases)


# ---------------------------------------------------------------------------------------------
# The real go command: which reader go mod tidy uses

_BROKEN = 'package m\n\nimport "example.com/missing"\nimport x\n'


@pytest.mark.go
def test_tidy_reads_a_fresh_main_module_with_imports_scandir(tmp_path, go_env):
    main = tmp_path / "m"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    (main / "m.go").write_text(_BROKEN)
    assert not goscan.index_applies(main)
    assert goscan.scan_path(main, ANY_TAGS).imports == ("example.com/missing",)
    r = gotool.run_go(["mod", "tidy"], cwd=main, env=go_env)
    assert r.returncode == 1 and "cannot find module providing package example.com/missing" in r.stderr
    old = time.time() - 60
    for f in main.iterdir():
        os.utime(f, (old, old))
    assert goscan.index_applies(main)
    assert goscan.scan_path(main, ANY_TAGS).imports == ()  # the index drops the broken file's imports
    gotool.run_go(["mod", "tidy"], cwd=main, env=go_env).check()


@pytest.mark.go
def test_tidy_reads_dependencies_through_the_index(tmp_path):
    dep = universe.ModuleSource("example.com/dep", "v1.0.0", "module example.com/dep\n\ngo 1.22\n",
                                {"dep.go": 'package dep\n\nimport "example.com/missing"\nimport x\n'})
    proxy = universe.write_proxy(tmp_path / "proxy", [dep])
    main = tmp_path / "m"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/m\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n")
    (main / "m.go").write_text('package m\n\nimport _ "example.com/dep"\n')
    env = gotool.isolated_env(tmp_path / "goenv", proxy=universe.file_proxy_url(proxy), flags="-mod=mod")
    gotool.run_go(["mod", "tidy"], cwd=main, env=env).check()
    with zipfile.ZipFile(proxy / "example.com" / "dep" / "@v" / "v1.0.0.zip") as z:
        entries = goscan.zip_entries(z, "example.com/dep@v1.0.0")
        assert goscan.scan_dir(entries, ANY_TAGS, index=True).imports == ()
        assert goscan.scan_dir(entries, ANY_TAGS, index=False).imports == ("example.com/missing",)
    # Without the index go reads the dependency with imports.ScanDir and looks for the import.
    r = gotool.run_go(["mod", "tidy"], cwd=main, env=dict(env, GODEBUG="goindex=0"))
    assert r.returncode == 1 and "example.com/missing" in r.stderr


# ---------------------------------------------------------------------------------------------
# Fuzzing: only the documented errors, whatever the bytes

@given(st.binary(max_size=300), st.sampled_from([b"", b"package p\n", b"package p\nimport (\n"]))
@FUZZ_SETTINGS
def test_fuzz_readers(data, prefix):
    content = prefix + data
    try:
        goimports.read_import_block(content)
    except GoSourceError:
        pass
    try:
        goimports.read_imports(content, "f.go")
    except GoSourceError:
        pass
    buildconstraint.should_build(content, ANY_TAGS)
    buildconstraint.should_build(content, tags("linux"))


@given(st.text(max_size=80))
@FUZZ_SETTINGS
def test_fuzz_constraint_parser(text):
    for line in ("//go:build " + text, "// +build " + text, text):
        try:
            x = buildconstraint.parse(line)
        except BuildConstraintError:
            continue
        buildconstraint.evaluate(x, ANY_TAGS)
        str(x)
    buildconstraint.match_file(text, tags("linux", "amd64"))


@given(st.lists(st.tuples(st.sampled_from(["a.go", "b_test.go", "c.go", "_d.go", "e.txt"]), st.binary(max_size=120)),
                max_size=4, unique_by=lambda t: t[0]), st.booleans())
@FUZZ_SETTINGS
def test_fuzz_scan_dir(files, index):
    try:
        goscan.scan_dir(_entries(dict(files)), ANY_TAGS, index=index)
    except (goscan.NoGoError, GoSourceError):
        pass


@pytest.mark.go
@pytest.mark.slow
def test_oracle_scans_every_goroot_package(gsrc):
    """Every directory of GOROOT/src (testdata included: broken files, odd names, build tags) read
    both ways under AnyTags and under linux/amd64, by go's code and by ours."""
    root = gso.goracle.goroot() / "src"
    dirs = sorted(str(d) for d in root.rglob("*") if d.is_dir() and any(f.suffix == ".go" for f in d.iterdir()))
    assert len(dirs) > 500
    for names, goos in ((["*"], ""), (["linux", "amd64", "gc", "go1.21"], "linux")):
        t = tags(*names, goos=goos)
        for i in range(0, len(dirs), 200):
            batch = dirs[i:i + 200]
            want = gsrc.ask("scan_existing", [{"name": d, "tags": names, "goos": goos} for d in batch])
            for d, w in zip(batch, want):
                for mode, index in (("plain", False), ("index", True)):
                    expect = w[mode] if not w[mode]["err"] else {"imports": [], "test": [], "err": w[mode]["err"]}
                    assert _scan_answer(d, t, index) == expect, (d, mode)
