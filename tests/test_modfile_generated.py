"""Generated go.mod and go.work texts, valid and broken, compared with the real go command.

A seeded random generator assembles files from directive fragments (good and bad paths,
versions, quoting, replace and retract forms, godebug, tool, ignore, unknown directives) laid
out as single lines or blocks, with comments everywhere, odd whitespace, CRLF, a missing final
newline, merge-conflict markers, /* comments, non-UTF-8 bytes and characters newer than
Python's Unicode tables. Every case goes through ``go mod edit -json`` and ``-fmt -print`` (or
``go work edit``) and must come out byte-identical: stdout, stderr and exit status.
"""

from __future__ import annotations

import random

import pytest

from ._modfile_gorun import go_env, mismatches, run_go_edit

SEED = 20270301
N_GOMOD = 420
N_GOWORK = 80

# (good, bad) pools: "clean" cases draw only good values, the others mix in bad ones.
PATHS = (
    ["example.com/m", "golang.org/x/text", "github.com/Foo/Bar", '"example.com/quoted"', '"example.com/with space"',
     '"a\\tb"', "x", "_", "é.com/ü", "\U0001fae8.io/new", '"\\u00e9t\\u00e9"', '"\\xff"', "ex\xffample.com",
     "a=>b", "@v1", "m@v1.0.0", '""', "exa*mple"],
    ["'single'", "`back`", '"bad\\q"', "example.com/m/v2", "gopkg.in/yaml.v2", "example.com/m/v1",
     "example.com/m/v0", "example.com/m/v2.0",
     "gopkg.in/foo", "exa/*mple", "a,b", "a(b", "\u200bzero.width"],
)
VERSIONS = (
    ["v1.2.3", "v1.2", "v1", "v0.0.0-20190101000000-abcdefabcdef", "v2.0.0+incompatible", "v1.2.3-pre",
     "v1.2.3+build", "v1.2.3-pre+meta", '"v1.0.0"', '"v1.0"', "v0.1.0", "v1.10.0"],
    ["v9.9.9-rc.1", "HEAD", "master", "1.2.3", "v1.2.3.4", "v01.2.3", '"bad', "v1.0.0//c", "'v1'", "v2.0.0",
     "v3.1.0"],
)
# Paths whose major version suffix needs a matching version.
MAJOR_PAIRS = [("example.com/m/v2", "v2.1.0"), ("gopkg.in/yaml.v2", "v2.4.0"), ("example.com/m/v3", '"v3.0.0"'),
               ("gopkg.in/check.v1", "v0.0.0-20161208181325-20d25e280405"), ("gopkg.in/x.v0", "v0.1.0")]
GO_VERSIONS = (["1.21", "1.21.0", "1.22.3", "1.23rc1", "1.20", "1.16", "2.0"],
               ["1", "1.21.x", "v1.21", "01.2", "1.021", "1.21 extra", "go1.21", '"1.21"'])
TOOLCHAINS = (["go1.21.0", "default", "go1", "go1.22rc1", "go1.21-gccgo"], ["go2", "foo", "go1.21 x"])
DIRS = (["./local", "../up", "/abs/path", ".", "..", '"./quoted dir"', "./ü"],
        ["C:\\win", ".\\win", "dir", "./a b"])
GODEBUGS = (["default=go1.21", "panicnil=1", "=v", "k=", "x=y=z", "tls10server=1"],
            ["k", '"k=v"', "a=b,c", "a=b c"])
COMMENTS = ["// plain", "// indirect", "//indirect", "// indirect; why", "// Deprecated: use v2",
            "//", "// Deprecated:", "//\tTAB", "// trailing   ", "// ünï ✓", "// a/* b", "//\u00a0nbsp\u00a0"]
SPACES = [" ", "  ", "\t", " \t ", "\r "]
INDENTS = ["\t", "  ", "", "\t\t"]


class _Gen:
    def __init__(self, rng: random.Random, clean: bool) -> None:
        self.rng = rng
        self.clean = clean

    def pick(self, xs: list[str]) -> str:
        return xs[self.rng.randrange(len(xs))]

    def value(self, pool: tuple[list[str], list[str]]) -> str:
        good, bad = pool
        return self.pick(bad) if not self.clean and self.rng.random() < 0.25 else self.pick(good)

    def odd(self, p: float) -> bool:
        """True with probability p, never in a clean case."""
        return not self.clean and self.rng.random() < p

    def require_args(self) -> str:
        if self.odd(0.08):
            return self.value(PATHS)  # missing version
        if self.odd(0.05):
            return f"{self.value(PATHS)} {self.value(VERSIONS)} {self.value(VERSIONS)}"
        return self.module_version()

    def module_version(self) -> str:
        if self.rng.random() < 0.25:
            return "%s %s" % self.rng.choice(MAJOR_PAIRS)
        return f"{self.value(PATHS)} {self.value(VERSIONS)}"

    def replace_args(self) -> str:
        rng = self.rng
        old = self.module_version() if rng.random() < 0.5 else self.value(PATHS)
        arrow = self.pick(["=", "->", ""]) if self.odd(0.07) else "=>"
        roll = rng.random()
        if roll < 0.45:
            new = self.value(DIRS)
        elif roll < 0.9 or self.clean:
            new = self.module_version()
        elif roll < 0.95:
            new = f"{self.value(DIRS)} {self.value(VERSIONS)}"
        else:
            new = self.value(PATHS)
        return f"{old} {arrow} {new}"

    def retract_args(self) -> str:
        v1, v2 = self.value(VERSIONS), self.value(VERSIONS)
        roll = self.rng.random()
        if roll < 0.45:
            return v1
        if roll < 0.8 or self.clean:
            return self.pick([f"[{v1}, {v2}]", f"[{v1},{v2}]", f"[ {v1} , {v2} ]"])
        return self.pick([f"[{v1}]", f"[{v1}, {v2}", f"{v1} {v2}", f"({v1}, {v2})", "[", f"[{v1},",
                          f"[{v1}, {v2}] extra", ""])

    def entry(self, verb: str) -> str:
        """The arguments of one directive (what follows the verb, or a line inside its block)."""
        if verb == "module":
            return f"{self.value(PATHS)} {self.value(PATHS)}" if self.odd(0.1) else self.value(PATHS)
        if verb == "go":
            return self.value(GO_VERSIONS)
        if verb == "toolchain":
            return self.value(TOOLCHAINS)
        if verb == "godebug":
            return self.value(GODEBUGS)
        if verb in ("require", "exclude"):
            return self.require_args()
        if verb == "replace":
            return self.replace_args()
        if verb == "retract":
            return self.retract_args()
        if verb in ("tool", "ignore", "use"):
            pool = PATHS if verb == "tool" else DIRS
            return f"{self.value(pool)} {self.value(pool)}" if self.odd(0.08) else self.value(pool)
        return self.pick(["x y", "", "a b c"])

    def suffix(self) -> str:
        return f"{self.pick(SPACES)}{self.pick(COMMENTS)}" if self.rng.random() < 0.3 else ""

    def before(self, indent: str) -> str:
        if self.rng.random() < 0.2:
            return "".join(f"{indent}{self.pick(COMMENTS)}\n" for _ in range(self.rng.randint(1, 3)))
        if self.rng.random() < 0.1:
            return "\n"
        return ""

def _stmt(g: _Gen, verbs: list[str], block_verbs: set[str]) -> str:
    rng = g.rng
    verb = g.pick(verbs)
    lead = g.pick(["", "", "", " ", "\t"])
    if (verb in block_verbs or g.odd(0.2)) and rng.random() < 0.45:
        n = rng.choice([0, 1, 1, 2, 3, 5])
        head = f"{lead}{verb} ({g.suffix()}\n"
        body = ""
        for _ in range(n):
            body += g.before("\t")
            body += f"{g.pick(INDENTS)}{g.entry(verb)}{g.suffix()}\n"
        if rng.random() < 0.15:
            body += f"\t{g.pick(COMMENTS)}\n"
        close = g.pick([")x", ") )"]) if g.odd(0.1) else g.pick([")", ")", ") // end", "\t)"])
        if g.odd(0.03):
            return head + body  # unterminated
        return g.before("") + head + body + close + "\n"
    return f"{g.before('')}{lead}{verb}{g.pick(SPACES)}{g.entry(verb)}{g.suffix()}\n"


GOMOD_VERBS = ["godebug", "require", "require", "require", "exclude",
               "replace", "replace", "retract", "retract", "tool", "ignore"]
GOMOD_ODD_VERBS = ["unknown", "use", "module", "go", "toolchain"]
GOMOD_BLOCKS = {"require", "exclude", "replace", "retract", "godebug", "tool", "ignore", "module"}
GOWORK_VERBS = ["godebug", "use", "use", "replace"]
GOWORK_ODD_VERBS = ["require", "unknown", "go", "module"]
GOWORK_BLOCKS = {"use", "replace", "godebug"}


def _mangle(g: _Gen, text: str) -> str:
    """Occasional whole-file oddities: CRLF, no final newline, conflict markers, bad bytes."""
    rng = g.rng
    roll = rng.random()
    if roll < 0.08:
        text = text.replace("\n", "\r\n")
    elif roll < 0.14:
        text = text.rstrip("\n")
    elif g.clean:
        pass
    elif roll < 0.18:
        lines = text.split("\n")
        at = rng.randrange(len(lines))
        lines[at:at] = ["<<<<<<< HEAD", "\trequire a.b/c v1.0.0", "=======", ">>>>>>> branch"]
        text = "\n".join(lines)
    elif roll < 0.22:
        pos = rng.randrange(len(text) + 1)
        text = text[:pos] + g.pick(["/* c */", "\x00", "\ufeff", "\v", "\"open", "`open", "\\",
                                        "\u00a0", "\U000e0001", "(", ")", "[", "{", "}", ","]) + text[pos:]
    elif roll < 0.25:
        text = "\ufeff" + text
    return text


def generate(seed: int, n: int, verbs: list[str], odd_verbs: list[str], blocks: set[str],
             first: str) -> list[bytes]:
    """``n`` files: about half "clean" (go should accept most), half with bad values mixed in."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        g = _Gen(rng, clean=i % 2 == 0)
        parts = []
        header = [(first, 0.85), ("toolchain", 0.2)]
        if first == "module":
            header.insert(1, ("go", 0.6))
        for verb, p in header:
            if rng.random() < p:
                parts.append(g.before("") + f"{verb} {g.entry(verb)}{g.suffix()}\n")
        for _ in range(rng.randint(0, 8)):
            parts.append(_stmt(g, odd_verbs if g.odd(0.06) else verbs, blocks))
            if rng.random() < 0.4:
                parts.append("\n")
        text = _mangle(g, "".join(parts))
        data = text.encode("utf-8", "surrogateescape")
        if g.odd(0.05):
            at = rng.randrange(len(data) + 1)
            data = data[:at] + bytes([rng.choice([0x80, 0xC3, 0xFF, 0xED])]) + data[at:]
        cases.append(data)
    return cases


@pytest.fixture(scope="module")
def generated_results(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    root = tmp_path_factory.mktemp("gen")
    gomods = generate(SEED, N_GOMOD, GOMOD_VERBS, GOMOD_ODD_VERBS, GOMOD_BLOCKS, "module")
    goworks = generate(SEED + 1, N_GOWORK, GOWORK_VERBS, GOWORK_ODD_VERBS, GOWORK_BLOCKS, "go")
    files = [(f"g{i:04d}.mod", d, "gomod") for i, d in enumerate(gomods)]
    files += [(f"w{i:04d}.work", d, "gowork") for i, d in enumerate(goworks)]
    return files, run_go_edit(go_exe, go_env(root / "env"), root / "files", files)


@pytest.mark.go
@pytest.mark.slow
def test_generated_files_match_go(generated_results) -> None:
    files, results = generated_results
    diffs = []
    for name, data, kind in files:
        diffs += mismatches(name, data, kind, results[name])
    assert not diffs, "\n".join(diffs[:60])


@pytest.mark.go
def test_generator_covers_both_outcomes(generated_results) -> None:
    """The generator is useful only if go accepts a fair share and rejects a fair share."""
    files, results = generated_results
    rejected = sum(results[name].json_rc != 0 for name, _, _ in files)
    assert 0.2 * len(files) < rejected < 0.8 * len(files)
