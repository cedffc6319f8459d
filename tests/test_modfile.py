"""gomodlab.mod.modfile: records, errors and go's -fmt quirks, with hand-written expectations.

The exhaustive comparisons with the real go command are in test_modfile_corpus.py,
test_modfile_goroot.py, test_modfile_generated.py, test_modfile_gocmd.py and
test_modfile_unicode.py; the last test here runs go on the quirks listed below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gomodlab.mod import modfile
from gomodlab.errors import GomodlabError, ParseError
from gomodlab.mod.modfile import (Exclude, GoModSyntaxError, Godebug, Ignore, Module, Replace, Require,
                              Retract, Tool, Use)

from ._modfile_gorun import go_env, mismatches, run_go_edit

FULL = """\
// Deprecated: use example.com/m/v2 instead.
module example.com/m

go 1.22.1

toolchain go1.23.0

godebug (
	default=go1.21
	panicnil=1
)

require (
	golang.org/x/text v0.14 // indirect
	"github.com/pkg/errors" v0.9.1
	gopkg.in/yaml.v3 v3.0.1 // indirect; needed by tests
	example.com/old v2.0.0+incompatible
)

require example.com/single v1.2.3-pre+build

exclude example.com/bad v1.0.0

replace (
	example.com/a => ./a
	example.com/b v1.0.0 => example.com/c v1.1.0
	example.com/d v1.0.0 => ../d
	"example.com/e" => example.com/f v0.0.0-20200101000000-abcdefabcdef
)

// Published by mistake.
retract v1.0.1

retract (
	[v1.1.0, v1.1.5] // broken build
	v1.2.0
)

tool golang.org/x/tools/cmd/stringer

ignore ./node_modules
"""


def test_parse_full_file() -> None:
    m = modfile.parse_gomod(FULL)
    assert m.file == "go.mod"
    assert m.module == Module("example.com/m", "use example.com/m/v2 instead.", 2)
    assert (m.go, m.toolchain) == ("1.22.1", "go1.23.0")
    assert m.godebug == (Godebug("default", "go1.21", 9), Godebug("panicnil", "1", 10))
    assert m.require == (
        Require("golang.org/x/text", "v0.14.0", True, 14),  # canonical version
        Require("github.com/pkg/errors", "v0.9.1", False, 15),
        Require("gopkg.in/yaml.v3", "v3.0.1", True, 16),
        Require("example.com/old", "v2.0.0+incompatible", False, 17),
        Require("example.com/single", "v1.2.3-pre", False, 20),  # build metadata dropped
    )
    assert m.exclude == (Exclude("example.com/bad", "v1.0.0", 22),)
    assert m.replace == (
        Replace("example.com/a", "", "./a", "", 25),
        Replace("example.com/b", "v1.0.0", "example.com/c", "v1.1.0", 26),
        Replace("example.com/d", "v1.0.0", "../d", "", 27),
        Replace("example.com/e", "", "example.com/f", "v0.0.0-20200101000000-abcdefabcdef", 28),
    )
    assert m.retract == (
        Retract("v1.0.1", "v1.0.1", "Published by mistake.", 32),
        Retract("v1.1.0", "v1.1.5", "broken build", 35),
        Retract("v1.2.0", "v1.2.0", "", 36),
    )
    assert m.tool == (Tool("golang.org/x/tools/cmd/stringer", 39),)
    assert m.ignore == (Ignore("./node_modules", 41),)


def test_full_file_json_and_fmt() -> None:
    doc = json.loads(modfile.gomod_json(FULL))
    assert doc["Module"] == {"Path": "example.com/m", "Deprecated": "use example.com/m/v2 instead."}
    assert doc["GoDebug"][0] == {"Key": "default", "Value": "go1.21"}
    assert doc["Require"][0] == {"Path": "golang.org/x/text", "Version": "v0.14.0", "Indirect": True}
    assert doc["Replace"][0] == {"Old": {"Path": "example.com/a"}, "New": {"Path": "./a"}}
    assert doc["Retract"][2] == {"Low": "v1.2.0", "High": "v1.2.0"}
    out = modfile.format_gomod(FULL).decode()
    assert '\t"github.com/pkg/errors" v0.9.1' not in out and "\tgithub.com/pkg/errors v0.9.1\n" in out
    assert "require example.com/single v1.2.3-pre\n" in out
    assert out.index("[v1.1.0, v1.1.5]") > out.index("v1.2.0\n")  # retractions sort newest first


def test_empty_and_minimal_files() -> None:
    assert modfile.gomod_json(b"") == '{\n\t"Module": {\n\t\t"Path": ""\n\t}\n}\n'
    assert modfile.format_gomod(b"") == b""
    assert modfile.gowork_json(b"") == "{}\n"
    m = modfile.parse_gomod("module m")  # no final newline
    assert m.module == Module("m", None, 1) and m.go is None and m.require == ()


def test_str_bytes_and_crlf_agree() -> None:
    crlf = FULL.replace("\n", "\r\n")
    assert modfile.parse_gomod(crlf) == modfile.parse_gomod(FULL.encode())
    assert modfile.format_gomod(crlf) == modfile.format_gomod(FULL)


def test_indirect_comment_forms() -> None:
    text = ("module m\nrequire (\n\ta v1.0.0 //indirect\n\tb v1.0.0 // indirect; x\n\tc v1.0.0 // indirectly\n"
            "\td v1.0.0 // x // indirect\n\te v1.0.0 //\tindirect\u00a0\n)\n")
    assert [r.indirect for r in modfile.parse_gomod(text).require] == [True, True, False, False, True]


def test_deprecation_paragraphs() -> None:
    def deprecated(comment: str) -> str | None:
        return modfile.parse_gomod(comment + "module m\n").module.deprecated

    assert deprecated("// Deprecated: a\n// b\n") == "a\nb"
    assert deprecated("// intro\n//\n// Deprecated: x\n//\n// after\n") == "x"
    assert deprecated("// intro\n// Deprecated: x\n") is None  # not a paragraph start
    assert deprecated("// Deprecated:\n") is None
    assert deprecated("// Deprecated: x\n//\n") == "x\n"  # go's regexp: $ is end of text only
    assert modfile.parse_gomod("module m // Deprecated: inline\n").module.deprecated == "inline"


def test_lax_reads_dependencies_like_go() -> None:
    text = ("module example.com/dep\ngo 1.21.x\ntoolchain bad\nfrob x\nfrob (\n\ty\n)\n"
            "replace nonsense\nretract [v1.0.0\nrequire example.com/x v1.1\n")
    with pytest.raises(GoModSyntaxError):
        modfile.parse_gomod(text)
    m = modfile.parse_gomod(text, lax=True)
    assert m.go == "1.21" and m.toolchain is None and m.replace == () and m.retract == ()
    assert m.require == (Require("example.com/x", "v1.1.0", False, 10),)
    with pytest.raises(GoModSyntaxError, match=r"go.mod:2: invalid go version '1': must match format 1.23.0"):
        modfile.parse_gomod("module m\ngo 1\n", lax=True)


def test_error_attributes_and_text() -> None:
    text = "module m\n\nrequire (\n\tgolang.org/x/text\n)\nrequire example.com/v2 v1.0.0\ngo 1.x\nfoo\n"
    with pytest.raises(GoModSyntaxError) as exc:
        modfile.parse_gomod(text, "dir/go.mod")
    e = exc.value
    assert isinstance(e, ParseError) and isinstance(e, ValueError) and isinstance(e, GomodlabError)
    assert str(e) == (
        "dir/go.mod:4:2: usage: require module/path v1.2.3\n"
        "dir/go.mod:6: require example.com/v2: version \"v1.0.0\" invalid: should be v2, not v1\n"
        "dir/go.mod:7: invalid go version '1.x': must match format 1.23.0\n"
        "dir/go.mod:8: unknown directive: foo")
    assert (e.file, e.line, e.col) == ("dir/go.mod", 4, 2)
    assert [(x.line, x.col) for x in e.errors] == [(4, 2), (6, 1), (7, 1), (8, 1)]
    assert e.kind == "gomod"
    assert e.go_stderr("dir/go.mod") == f"go: errors parsing dir/go.mod:\n{e}\n"


ERROR_CASES = [
    ("module m\n/* c */\n", "go.mod:2: mod files must use // comments (not /* */ comments)"),
    ("module m/*x*/\n", "go.mod:1:9: mod files must use // comments (not /* */ comments)"),
    ('module "m\n', "go.mod:1:10: unexpected newline in string"),
    ('module "m\\', "go.mod:1:8: unexpected EOF in string"),
    ("module `m", "go.mod:1:8: unexpected EOF in string"),
    ("module m\x00\n", "go.mod:1:9: unexpected input character '\\x00'"),
    ("\ufeffmodule m\n", "go.mod:1: unexpected input character '\\ufeff'"),
    ("require (\n\ta v1.0.0\n", "go.mod:3: syntax error (unterminated block started at go.mod:1:1)"),
    ("require (\n\ta v1.0.0", "go.mod:2:10: syntax error (unterminated block started at go.mod:1:1)"),
    ("require (\n) x\n", "go.mod:2:4: syntax error (expected newline after closing paren)"),
    ("require (\n\ta\n) x /* y\n", "go.mod:3:4: syntax error (expected newline after closing paren)"),
    ("module m\nrequire a\n", "go.mod:2: usage: require module/path v1.2.3"),
    ("module m\nrequire 'a' v1.0.0\n", "go.mod:2: invalid quoted string: unquoted string cannot contain quote"),
    ('module m\nrequire "a\\q" v1.0.0\n', "go.mod:2: invalid quoted string: invalid syntax"),
    ("module m\nrequire a HEAD\n", 'go.mod:2: require a: version "HEAD" invalid: must be of the form v1.2.3'),
    ("module m\nrequire a/v1 v1.0.0\n", "go.mod:2: invalid module path"),
    ("module m\nreplace a/v1 => ./x\n", "go.mod:2: replace a/v1: invalid module path"),
    ("module m\nreplace a => b\n", "go.mod:2: replacement module without version must be directory path "
                                   "(rooted or starting with . or ..)"),
    ("module m\nreplace a => b@v1.0.0\n",
     "go.mod:2: replacement module must match format 'path version', not 'path@version'"),
    ("module m\nreplace a => ./b v1.0.0\n", 'go.mod:2: replacement module directory path "./b" cannot have version'),
    ("module m\nreplace a => .\\b\n",
     "go.mod:2: replacement directory appears to be Windows path (on a non-windows system)"),
    ("module m\nreplace a\n", "go.mod:2: usage: replace module/path [v1.2.3] => other/module v1.4\n"
                              "\t or replace module/path [v1.2.3] => ../local/directory"),
    ("module m\nretract [v1.0.0, v1.1.0\n", "go.mod:2: expected ']' after version"),
    ("module m\nretract v1.0.0 v1.1.0\n", 'go.mod:2: unexpected token after version: "v1.1.0"'),
    ("module m\nretract 'v1'\n", "go.mod:2: retract: version \"'v1'\" invalid: unquoted string cannot contain quote"),
    ("module m\nmodule n\n", "go.mod:2: repeated module statement"),
    ("module m\ngo 1.21\ngo 1.22\n", "go.mod:3: repeated go statement"),
    ("module m\ntoolchain go2\n", "go.mod:2: invalid toolchain version 'go2': must match format go1.23.0 or default"),
    ("module m\ngodebug a=b,c\n", "go.mod:2: usage: godebug key=value"),
    ("module m\ntool a b\n", "go.mod:2: tool directive expects exactly one argument"),
    ("module m\ngo (\n\t1.21\n)\n", "go.mod:2: unknown block type: go"),
    ("module m\nrequire x (\n\ta v1.0.0\n)\n", "go.mod:2: unknown block type: require x"),
    ("  use ./x\n", "go.mod:1:3: unknown directive: use"),
]


@pytest.mark.parametrize(("text", "message"), ERROR_CASES)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(GoModSyntaxError) as exc:
        modfile.parse_gomod(text)
    assert str(exc.value) == message


def test_gowork() -> None:
    text = "go 1.23\n\ntoolchain go1.23.1\n\nuse (\n\t.\n\t./tools // the tools\n)\n\nreplace a v1.0.0 => ../a\n"
    w = modfile.parse_gowork(text)
    assert (w.go, w.toolchain) == ("1.23", "go1.23.1")
    assert w.use == (Use(".", "", 6), Use("./tools", "", 7))
    assert w.replace == (Replace("a", "v1.0.0", "../a", "", 10),)
    assert json.loads(modfile.gowork_json(text))["Use"] == [{"DiskPath": "."}, {"DiskPath": "./tools"}]
    with pytest.raises(GoModSyntaxError) as exc:
        modfile.parse_gowork("go 1.23\nrequire a v1.0.0\n", "x/go.work")
    assert exc.value.kind == "gowork"
    assert exc.value.go_stderr("x/go.work") == ("go: errors parsing x/go.work:\nerrors parsing go.work:\n"
                                                "x/go.work:2: unknown directive: require\n")


def test_godebug_key_spelling_differs() -> None:
    assert '"GoDebug"' in modfile.gomod_json("module m\ngodebug a=b\n")
    assert '"Godebug"' in modfile.gowork_json("godebug a=b\n")


def test_gosum_errors() -> None:
    with pytest.raises(GoModSyntaxError) as exc:
        modfile.parse_gosum(b"a v1 h1:x\n\nb v1\n", "/p/go.sum")
    assert str(exc.value) == "/p/go.sum:3: wrong number of fields 2"
    assert exc.value.go_stderr("ignored") == "malformed go.sum:\n/p/go.sum:3: wrong number of fields 2\n"
    assert json.loads(modfile.gosum_json(b"a v1 h1:x\n")) == [
        {"Path": "a", "Version": "v1", "Hash": "h1:x", "Line": 1}]


def test_quoting_helpers() -> None:
    assert modfile.auto_quote("example.com/m") == "example.com/m"
    assert modfile.auto_quote("a b") == '"a b"' and modfile.auto_quote("") == '""'
    assert modfile.auto_quote("a//b") == '"a//b"' and modfile.auto_quote("(") == "("
    assert modfile.must_quote("a(") and not modfile.must_quote("é")
    assert modfile.is_directory_path("C:\\x") and modfile.is_directory_path("..")
    assert not modfile.is_directory_path("x")


@pytest.mark.go
def test_error_messages_match_go(tmp_path: Path, go_exe: str) -> None:
    files = [(f"e{i:02d}.mod", text.encode(), "gomod") for i, (text, _) in enumerate(ERROR_CASES)]
    results = run_go_edit(go_exe, go_env(tmp_path / "env"), tmp_path / "files", files)
    for (name, _, _), (_, message) in zip(files, ERROR_CASES):
        want = f"go: errors parsing {name}:\n" + message.replace("go.mod", name) + "\n"
        assert results[name].json_err.decode() == want


# go's own -fmt clean-up has quirks; each of these is compared with the real go command below.
QUIRKS = {
    # A blank line sorted to the top of a block survives one -fmt, not the next.
    "blank-line-sorted-up": "module m\nexclude (\n\tb v1.2.3\n\n\ta v1.0.0\n)\n",
    # Retract versions are written back unquoted, even when that changes their meaning.
    "retract-unquoted": 'module m\nretract "v1.0.0 x"\nretract ["a b", "c"]\nretract ""\n',
    # An empty block disappears with its comments; a one-line block loses its "(" and ")" comments.
    "empty-block-and-collapse": ("module m\n// lost\nexclude (\n\t// also lost\n)\n"
                                 "require ( // c1\n\ta v1.0.0 // c2\n) // c3\n"),
    # Unwrapping a one-line block joins its comments with the line's: rationale and deprecation change.
    "collapse-joins-comments": ("// about\nmodule (\n\tm // Deprecated: old\n)\n"
                                "// note\nretract (\n\tv0.1.0 // bad\n)\n"),
    # Cleared-looking entries leave go.mod's JSON but not the file; go.work keeps an empty godebug key.
    "empty-values": 'module m\ngodebug =v\nrequire "" v1.0.0\n',
    # Later replacements win, earlier excludes/tools win; require and retract stay duplicated.
    "duplicates": ("module m\nexclude a v1.0.0\nexclude a v1.0.0\nreplace a => ./x\nreplace a => ./y\n"
                   "tool t\ntool t\nrequire a v1.0.0\nrequire a v1.0.0\nretract v1.0.0\nretract v1.0.0\n"),
    # Excludes sort by semver from go 1.21 on, as text before.
    "exclude-sort-121": "module m\ngo 1.21\nexclude (\n\ta v1.10.0\n\ta v1.9.0\n\ta v1.9.0-pre\n)\n",
    "exclude-sort-120": "module m\ngo 1.20\nexclude (\n\ta v1.10.0\n\ta v1.9.0\n)\n",
    # Comment placement: after ")", inside empty lines, at end of file, on a multi-line string.
    "comments": ("// top\n\nmodule m // mod\n\n// before\nrequire (\n\n\t// one\n\ta v1.0.0\n\n\n"
                 "\tb v1.0.0 // b\n\n)\n// tail\n"),
    "suffix-after-multiline-string": 'module m\nrequire "a\\\nb" v1.0.0 // c\n',
}


# Corners of the grammar, each compared with go (as go.mod, and as go.work with "go 1.21" for "module m").
EDGES = {
    "paren-mid": "module m\nrequire ( a v1.0.0\n",
    "paren-empty-mid": "module m\nrequire () a v1.0.0\n",
    "rparen-top": "module m\n)\n",
    "cr-only": "module m\rgo 1.21\rrequire a v1.0.0\r",
    "ls-in-comment": "module m // a\u2028b\nrequire a v1.0.0 // \u2029 indirect\n",
    "block-eof-comment": "module m\nrequire (\n\ta v1.0.0\n// c",
    "module-indirect": "module m // indirect\ngo 1.21 // go\ntoolchain default // tc\n",
    "retract-sort": ("module m\nretract (\n\tfoo\n\t[v1.0.0, v1.2.0]\n\tv1.1.0\n\t[\"v2.0.0\", v2.1.0]\n"
                     "\tv1.1.0 // dup\n\t[v0.1.0,v0.2.0]\n)\n"),
    "nested": "module m\nrequire (\n\t( a\n)\n",
    "replace-dedupe": "module m\nreplace (\n\ta => ./x\n\ta v1.0.0 => ./y\n\ta => ./z\n\ta v1.0.0 => b v1.0.0\n)\n",
    "exclude-invalid-order": ("module m\ngo 1.21\nexclude (\n\tb v1.0.0\n\ta v1.0.0-rc.1\n\ta v1.0.0\n"
                              "\ta v0.9.0+incompatible\n\ta v1\n)\n"),
    "comments-between-blocks": "// a\n\n// b\nmodule m\n// c\n\n\n// d\nrequire (\n\t// e\n) // f\n// g\n\n// h\n",
    "suffix-before-paren": "module m\nrequire ( // x\n\ta v1.0.0 // y\n\tb v1.0.0 // z\n) // w\n",
    "deprecated-in-block": "module (\n\t// Deprecated: blocky\n\tm\n)\n",
    "deprecated-block-comments": "// Deprecated: outer\nmodule (\n\tm\n)\n",
    "two-module-blocks": "module (\n\tm\n\tn\n)\n",
    "godebug-block-sort": "module m\ngodebug (\n\tz=1\n\ta=2\n\tz=0\n)\n",
    "tool-ignore-dupes": "module m\ntool (\n\tb\n\ta\n\tb\n)\nignore ./x\nignore (\n\t./x\n\t./a\n)\n",
    "long-quote": 'module "' + "x" * 5000 + '"\n',
    "escaped-chars": 'module "a\\x41\\101\\u0042\\U00000043\\a\\b"\n',
    "bad-escape": 'module "a\\400"\n',
    "surrogate-escape": 'module "a\\ud800"\n',
    "quoted-then-ident": 'module "a"b\n',
    "backquote-ok": "module `a`\n",
    "backquote-version": "module m\nrequire a `v1.0.0`\n",
    "retract-rationale-multi": "module m\n// one\n//\n// two\nretract v1.0.0 // three\n",
    "indirect-in-block-collapse": "module m\nrequire (\n\ta v1.0.0 // indirect\n)\n",
    "empty-file-comments": "// only\n// comments\n",
    "blank-lines": "\n\n\nmodule m\n\n\n\ngo 1.21\n\n\n",
    "work-go-lax": "go 1.21.x\n",
    "tab-comment": "module m\t//\tx\n",
    "deprecated-empty-line": "// Deprecated: a\n//\n// b\nmodule m\n",
    "crlf-comment-cr": "module m // x\r\r\n",
}


@pytest.mark.go
def test_fmt_quirks_match_go(tmp_path: Path, go_exe: str) -> None:
    files = []
    for name, text in {**QUIRKS, **EDGES}.items():
        files.append((f"{name}.mod", text.encode(), "gomod"))
        files.append((f"{name}.work", text.replace("module m\n", "go 1.21\n", 1).encode(), "gowork"))
    results = run_go_edit(go_exe, go_env(tmp_path / "env"), tmp_path / "a", files)
    once = {name: r.fmt for name, r in results.items() if r.fmt_rc == 0}
    again = run_go_edit(go_exe, go_env(tmp_path / "env"), tmp_path / "b",
                        [(name, once[name], kind) for name, _, kind in files if name in once])
    diffs = []
    for name, data, kind in files:
        diffs += mismatches(name, data, kind, results[name])
        if name in once:
            diffs += mismatches(name, once[name], kind, again[name])
    assert not diffs, "\n".join(diffs)
    assert again["blank-line-sorted-up.mod"].fmt != once["blank-line-sorted-up.mod"]
    assert b"retract v1.0.0 x\n" in once["retract-unquoted.mod"]
    joined = json.loads(again["collapse-joins-comments.mod"].json)
    assert "Deprecated" not in joined["Module"] and joined["Retract"][0]["Rationale"] == "note\nbad"
    assert json.loads(results["collapse-joins-comments.mod"].json)["Retract"][0]["Rationale"] == "bad"
