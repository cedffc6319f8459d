"""The shortcuts explain takes to read 20+ MB a second give what the plain way gives.

Each shortcut (benchmarks/bench_explain.py measures what it buys) is checked against the plain
computation it replaces, on random text made of the pieces that decide it.
"""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gomodlab.diagnose import _triggers
from gomodlab.diagnose import explain as explain_module
from gomodlab.diagnose import messages
from gomodlab.diagnose.explain import _is_noise, _last_prompt, explain, explain_file

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


def _soup(vocabulary: list[str], max_size: int = 40):
    return st.lists(st.sampled_from(vocabulary) | _TEXT, max_size=max_size).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(messages._NOISE_HEADS), _soup([" ", "\t", ":", "go.mod:3: ", "x.go:1:2: ", "a", "|", " | "]))
def test_a_noise_head_makes_a_line_noise_whatever_follows(head, rest):
    line = (head + rest).replace("\n", " ").replace("\r", " ")
    assert messages._strip_prefix(line) == line
    assert _is_noise(line) or not line.rstrip().startswith(head)       # "# get " less its space
    assert messages._cleaned(line) == messages._tidied(messages._strip_prefix(line))


_ERRORISH_VOCAB = ["go: ", "go mod tidy: ", "Go ", "GO x: ", "\n", " ", "-", "_", "x", "cannot", "CANNOT", "xerror",
                   "error", "timedout", "TIME OUT", "timeout", "miſſing", "ſ", "K", "ı", "İ", "é", "fatal",
                   "Unauthorized", "unauthoriſed", "not found", "ok", "\tgo: "]


@settings(max_examples=500, deadline=None)
@given(_soup(_ERRORISH_VOCAB, 12))
def test_errorish_is_the_errorish_pattern(text):
    assert _triggers.errorish(text, _triggers.present(text)) == bool(_triggers.ERRORISH.search(text))


_PROMPT_VOCAB = ["$ go mod tidy", "$ go ", "> go build", "PS C:\\x> go get", "user@host:~/src$ go vet", "$go x",
                 " go x", "\n", "$", ">", " ", "go", "x"]


@settings(max_examples=500, deadline=None)
@given(_soup(_PROMPT_VOCAB))
def test_last_prompt_is_the_last_match_of_the_prompt_pattern(text):
    starts = [m.start() for m in explain_module._PROMPT.finditer(text)]
    assert _last_prompt(text) == (starts[-1] if starts else -1)


# The patterns as they read before their leading text was made the first thing they match.
_SETTING_AS_WAS = re.compile(r"(?<![\w$])(GOPROXY|GOFLAGS|GOPRIVATE|GONOPROXY|GONOSUMDB|GOSUMDB|GOINSECURE)[=:]\s?['\"]?([^'\"\s]*)")
_PROGRESS_AS_WAS = re.compile(r"go: (?:(downloading|extracting|finding) (" + messages._PATH + r") (\S+?)|finding module for package ("
                              + messages._PATH + r"))\r?$", re.M)


@settings(max_examples=500, deadline=None)
@given(_soup(["GOPROXY=x", "GOFLAGS:", "GONOSUMDB='a'", "$GOPROXY=y", "xGOSUMDB=z", "GOGOPROXY=a", " ", "\n", "_"]))
def test_settings_pattern_finds_what_it_did(text):
    assert [m.groups() for m in messages._SETTING.finditer(text)] == [m.groups() for m in _SETTING_AS_WAS.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(_soup(["go: downloading a.com/m v1.0.0", "go: finding module for package a.com/m/p", "go: extracting b.com/x v2",
              "xgo: downloading c.com/y v1", "] ", "> ", "|", " ", "\n", "\r\n", "\u00a0", "go: finding a.com/m v1"]))
def test_progress_pattern_finds_what_it_did(text):
    was = [m.groups() for m in _PROGRESS_AS_WAS.finditer(text)
           if not m.start() or text[m.start() - 1].isspace() or text[m.start() - 1] in "]>|"]
    assert [m.groups() for m in messages._PROGRESS.finditer(text)] == was


_MENTIONS_AS_WAS = {
    "_AT": re.compile(r"(?<![\w/\\.!~+@-])(" + messages._PATH + r")@([\w.+~-]+(?:/go\.mod)?)"),
    "_MOD": re.compile(r"\bmodule (" + messages._PATH + r")(?=:|\s|$)", re.M),
    "_PKG": re.compile(r"(?:^package |import \"|\bcannot load |unrecognized import path \"|\bprovides package "
                       r"|\bproviding package )(" + messages._PATH + r")", re.M),
}


@settings(max_examples=500, deadline=None)
@given(_soup(["a.com/m@v1.0.0", "@v1", "x/", "@", "module a.com/m", "xmodule b.com/n:", "_module c.io/x ", "package a.com/p",
              "\npackage b.org/q", 'import "c.net/r"', "cannot load d.io/s", "xcannot load e.io/t",
              'unrecognized import path "f.dev/u"', "provides package g.com/v", "providing package h.com/w", " ", "\n",
              ":", "é", "A", "9"]))
def test_mention_patterns_find_what_they_did(text):
    for name, was in _MENTIONS_AS_WAS.items():
        now = getattr(messages, name)
        assert [(m.span(), m.groups()) for m in now.finditer(text)] == [(m.span(), m.groups()) for m in was.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(_soup(["github.com/a/b", " ", "(", " (v1.0.0)", "/x", "a:", ": ", "  h1:", "h1:abc", "git@github.com",
              ": Permission denied", "svc ", "| ", "|", "\t", "-", ".", "@", "\n"], 16))
def test_possessive_patterns_match_what_they_did(text):
    """A possessive run (``++``) is followed by what it cannot take: giving characters back never helped."""
    for now in (messages._AMBIG_ITEM, messages._CONT_LEAD, messages._GIT_LEAD, messages._PREFIX):
        was = re.compile(now.pattern.replace("++", "+"), now.flags)
        a, b = now.match(text), was.match(text)
        assert (a and a.span()) == (b and b.span())


_LOG_VOCAB = ["go: downloading a.com/m v1.0.0\n", "# get https://p/a.com/m/@v/v1.zip: 200 OK\n", "# get \n",
              "go: finding a.com/m v1\n", "go: a.com/m@v1: reading https://p/x: 404 Not Found\n", "\timports b.com/x\n",
              "fatal: could not read Username\n", "x:\n", "ok  \tpkg\t0.1s\n", "\n", "error\n", "2024-01-01T00:00:00Z "]


@settings(max_examples=300, deadline=None)
@given(_soup(_LOG_VOCAB, 80))
def test_noise_heads_leave_the_trigger_lines_as_they_are(text):
    assert _triggers.trigger_lines(text, _is_noise, messages._NOISE_HEADS) == _triggers.trigger_lines(text, _is_noise)


def _windows_walking_every_line(text):
    out = []
    for line, at in _triggers.trigger_lines(text, _is_noise):
        start, back = _triggers._back(text, at, _triggers.BEFORE)
        end, _ = _triggers._forward(text, at, _triggers.AFTER)
        if out and start <= out[-1][2]:
            out[-1][2] = max(out[-1][2], end)
        else:
            out.append([line - back + 1, start, end])
    return [tuple(w) for w in out]


_STACK_VOCAB = [*_LOG_VOCAB, "\timports c.com/y: reading https://p/@v/1.zip: 404\n", "\t\tfatal: x\n", "  \n", "a:\n"]


@settings(max_examples=400, deadline=None)
@given(_soup(_STACK_VOCAB, 120), st.sampled_from([0, 1, 3, _triggers._MAX_EXTEND]))
def test_windows_walk_no_line_twice_and_are_the_same(text, extend):
    """Walks that stop at the last window, or go on from its end, give the windows of walks
    from every trigger (also with a small _MAX_EXTEND, so that the bound on a walk is reached)."""
    was = _triggers._MAX_EXTEND
    _triggers._MAX_EXTEND = extend
    try:
        assert _triggers.windows(text, _is_noise, messages._NOISE_HEADS) == _windows_walking_every_line(text)
    finally:
        _triggers._MAX_EXTEND = was


_MISSING = "verifying example.com/lib@v1.0.0: missing go.sum entry; to add it:\n\tgo mod download example.com/lib\n"
_MISSING_PKG = ("main.go:3:2: missing go.sum entry for module providing package example.com/lib/pkg (imported by m); "
                "to add:\n\tgo get m\n")


def test_a_missing_go_sum_entry_takes_the_version_the_log_ends_with(monkeypatch):
    """explain reads a log once: the version go last downloaded a module at, which a missing
    go.sum entry without a version is about, may come after the message."""
    text = ("go: downloading example.com/lib v0.9.0\n" + "ok  \tpkg\t0.1s\n" * 50 + _MISSING_PKG
            + "ok  \tpkg\t0.1s\n" * 50 + "go: downloading example.com/lib v1.2.0\n"
            + "go: example.com/lib@v1.2.0: missing go.sum entry for go.mod file; to add it:\n"
              "\tgo mod download example.com/lib\n")
    whole = explain(text)
    assert [(d.category, d.module, d.version, d.occurrences) for d in whole] == [
        ("missing-gosum-entry", "example.com/lib", "v1.2.0", 2)]
    assert whole[0].lines == (52, 53, 105, 106)
    monkeypatch.setattr(explain_module, "PIECE", 1 << 8)
    monkeypatch.setattr(explain_module, "_MAX_WRAPPED", 0)
    assert explain_file(io.BytesIO(text.encode())) == whole


def test_missing_go_sum_entries_named_in_full_and_not_are_one_diagnosis():
    text = _MISSING + "go: downloading example.com/lib v1.0.0\n" + _MISSING.replace("@v1.0.0", "")
    [d] = explain(text)
    assert (d.module, d.version, d.occurrences, d.lines) == ("example.com/lib", "v1.0.0", 2, (1, 2, 4, 5))
