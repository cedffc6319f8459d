"""Property tests (hypothesis) for the go.mod, go.work and go.sum readers.

- Any bytes or text: the readers either return or raise GoModSyntaxError, quickly.
- ``-fmt`` keeps the meaning (the same directives, as multisets; comments aside) and reaches a fixed point by
  the second pass. go's own ``-fmt`` is not always idempotent (a blank line sorted to the top of
  a block survives one pass; quoted retract versions are written back unquoted): test_modfile.py
  checks those against go itself, and quoted retract versions are left out of the inputs here.
- Whatever the strict parser accepts, the lax one accepts with the same module, go, require,
  retract and ignore entries.
- The JSON is JSON and says what the records say.
"""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodlab.mod import modfile

SETTINGS = settings(max_examples=300, deadline=timedelta(seconds=2),
                    suppress_health_check=[HealthCheck.too_slow])

VERBS = ["module", "go", "toolchain", "godebug", "require", "exclude", "replace", "retract", "tool",
         "ignore", "use", "foo"]
WORDS = ["example.com/m", "example.com/m/v2", "gopkg.in/yaml.v3", "golang.org/x/text", "v1.2.3", "v1.2",
         "v2.0.0+incompatible", "v0.0.0-20200101000000-abcdefabcdef", "1.21", "1.22.0", "go1.22.1",
         "default", "./dir", "../x", "/abs", "k=v", "=>", "[", "]", ",", "(", ")", '"quoted path"',
         '"v1.0.0"', '"esc\\u00e9"', "é", "\U0001fae8", "a/b", "x", "_", "`raw`", "'q'"]
SPACE = ["", " ", "  ", "\t", "\r"]
COMMENTS = ["// c", "// indirect", "// Deprecated: old", "//", "// indirect; x", "/* c */"]


@st.composite
def gomod_like(draw: st.DrawFn, retract_quoted: bool = True) -> str:
    """Lines of directive-ish tokens, blocks, comments and blank lines."""
    out = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            out.append(draw(st.sampled_from(COMMENTS)) + "\n")
        elif kind == 1:
            out.append("\n")
        elif kind == 2:
            verb = draw(st.sampled_from(VERBS))
            out.append(f"{verb} (\n")
            for _ in range(draw(st.integers(0, 4))):
                words = draw(st.lists(st.sampled_from(WORDS), max_size=5))
                out.append("\t" + " ".join(words) + draw(st.sampled_from([""] + [" " + c for c in COMMENTS])) + "\n")
            out.append(draw(st.sampled_from([")\n", ") // x\n", ")"])))
        else:
            verb = draw(st.sampled_from(VERBS))
            words = draw(st.lists(st.sampled_from(WORDS), max_size=5))
            if not retract_quoted and verb == "retract":
                words = [w for w in words if not w.startswith('"')]
            sep = draw(st.sampled_from(SPACE[1:]))
            out.append(draw(st.sampled_from(SPACE)) + verb + sep + sep.join(words)
                       + draw(st.sampled_from([""] + [" " + c for c in COMMENTS])) + "\n")
    text = "".join(out)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


PATHS = ["example.com/a", "example.com/b", "golang.org/x/text", "gopkg.in/yaml.v2", '"example.com/q"',
         "é.example/ü", "example.com/c/v2"]
GOOD_VERSIONS = ["v1.2.3", "v1.2", "v0.1.0", "v1.0.0-pre", "v2.0.0+incompatible", '"v1.5.0"', "v1.2.3+meta",
                 "v0.0.0-20200101000000-abcdefabcdef"]
DIRS_ = ["./dir", "../up", "/abs", '"./with space"']


@st.composite
def valid_gomod(draw: st.DrawFn) -> str:
    """go.mod texts that go accepts: well-formed directives in lines or blocks, with comments."""
    def mod_version() -> str:
        path = draw(st.sampled_from(PATHS))
        if path.endswith("/v2") or path.endswith(".v2"):
            return f"{path} v2.{draw(st.integers(0, 3))}.0"
        return f"{path} {draw(st.sampled_from(GOOD_VERSIONS))}"

    entries = {
        "require": lambda: mod_version() + draw(st.sampled_from(["", " // indirect", " // why"])),
        "exclude": mod_version,
        "replace": lambda: (draw(st.sampled_from([mod_version(), draw(st.sampled_from(PATHS))])) + " => "
                            + draw(st.sampled_from([draw(st.sampled_from(DIRS_)), mod_version()]))),
        "retract": lambda: draw(st.sampled_from(["v1.0.0", "v1.9.9", "[v1.0.0, v1.1.0]", "v0.1.0 // bad"])),
        "tool": lambda: draw(st.sampled_from(PATHS)),
        "ignore": lambda: draw(st.sampled_from(DIRS_ + ["node_modules"])),
        "godebug": lambda: draw(st.sampled_from(["panicnil=1", "default=go1.21", "x=y"])),
    }
    out = [draw(st.sampled_from(["", "// Deprecated: gone\n", "// head\n\n"])),
           f"module {draw(st.sampled_from(PATHS))}\n"]
    if draw(st.booleans()):
        out.append(f"\ngo {draw(st.sampled_from(['1.16', '1.21', '1.22.3']))}\n")
    for _ in range(draw(st.integers(0, 8))):
        verb = draw(st.sampled_from(sorted(entries)))
        out.append(draw(st.sampled_from(["", "\n", "// note\n"])))
        if draw(st.booleans()):
            lines = [entries[verb]() for _ in range(draw(st.integers(0, 4)))]
            body = "".join(f"\t{ln}\n" + draw(st.sampled_from(["", "\n", "\t// c\n"])) for ln in lines)
            out.append(f"{verb} ({draw(st.sampled_from(['', ' // block']))}\n{body})\n")
        else:
            out.append(f"{verb} {entries[verb]()}\n")
    return "".join(out)


READERS = [modfile.parse_gomod, modfile.parse_gowork, modfile.gomod_json, modfile.gowork_json,
           modfile.format_gomod, modfile.format_gowork, modfile.parse_gosum, modfile.gosum_json,
           lambda d: modfile.parse_gomod(d, lax=True), lambda d: modfile.parse_gosum(d, lax=True)]


def _only_syntax_errors(data: bytes | str) -> None:
    for read in READERS:
        try:
            read(data)
        except modfile.GoModSyntaxError as e:
            assert e.errors and str(e)
            assert all(err.line and err.line >= 1 for err in e.errors)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    _only_syntax_errors(data)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    _only_syntax_errors(text)


@SETTINGS
@given(gomod_like())
def test_gomod_like_text(text: str) -> None:
    _only_syntax_errors(text)


@SETTINGS
@given(st.one_of(gomod_like(retract_quoted=False), valid_gomod()))
def test_fmt_reaches_a_fixed_point(text: str) -> None:
    for fmt in (modfile.format_gomod, modfile.format_gowork):
        try:
            once = fmt(text)
        except modfile.GoModSyntaxError:
            continue
        twice = fmt(once)
        assert fmt(twice) == twice


def _meaning(mod: modfile.GoMod) -> dict[str, object]:
    """The records as multisets (-fmt sorts blocks, drops duplicates), without line numbers and
    without what comes from comments: unwrapping a one-line block joins the block's comments
    with the line's, which can change a retraction's rationale or hide a deprecation."""
    def strip(records: tuple) -> list:
        return sorted(repr({k: getattr(r, k) for k in r.__slots__ if k not in ("line", "rationale")})
                      for r in records)

    return {"module": mod.module.path if mod.module else None,
            "go": mod.go, "toolchain": mod.toolchain, "godebug": strip(mod.godebug),
            "require": strip(mod.require), "exclude": sorted(set(strip(mod.exclude))),
            "replace": sorted({(r.old_path, r.old_version) for r in mod.replace}),
            "retract": strip(mod.retract), "tool": sorted(set(strip(mod.tool))),
            "ignore": sorted(set(strip(mod.ignore)))}


@SETTINGS
@given(st.one_of(gomod_like(retract_quoted=False), valid_gomod()))
def test_fmt_round_trips(text: str) -> None:
    try:
        before = modfile.parse_gomod(text)
        out = modfile.format_gomod(text)
    except modfile.GoModSyntaxError:
        return
    assert _meaning(modfile.parse_gomod(out)) == _meaning(before)


@SETTINGS
@given(valid_gomod())
def test_valid_texts_are_accepted(text: str) -> None:
    mod = modfile.parse_gomod(text)
    assert mod.module is not None
    modfile.format_gomod(text)


@SETTINGS
@given(st.one_of(gomod_like(), valid_gomod()))
def test_lax_accepts_what_strict_accepts(text: str) -> None:
    try:
        strict = modfile.parse_gomod(text)
    except modfile.GoModSyntaxError:
        return
    lax = modfile.parse_gomod(text, lax=True)
    for field in ("module", "go", "require", "retract", "ignore"):
        assert getattr(lax, field) == getattr(strict, field)
    assert lax.toolchain is None and lax.replace == () and lax.exclude == ()


@SETTINGS
@given(st.one_of(gomod_like(), valid_gomod()))
def test_json_agrees_with_records(text: str) -> None:
    try:
        mod = modfile.parse_gomod(text)
        doc = json.loads(modfile.gomod_json(text))
    except modfile.GoModSyntaxError:
        return
    assert doc["Module"]["Path"] == (mod.module.path if mod.module else "")
    assert doc.get("Go") == mod.go
    assert [r["Path"] for r in doc.get("Require", [])] == [r.path for r in mod.require if r.path]
    assert len(doc.get("Replace", [])) <= len(mod.replace)
