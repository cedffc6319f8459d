"""Property tests for the cache doctor's small parsers: arbitrary input, a clear answer, never a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodlab.cache import hygiene, triage
from gomodlab.cache.checks import _check_info
from gomodlab.errors import ParseError


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_info_check_never_raises(data):
    err, vcs, url = _check_info(data, "v1.0.0")
    assert isinstance(err, str) and isinstance(vcs, str) and isinstance(url, str)


@settings(max_examples=200, deadline=None)
@given(version=st.sampled_from(["v1.0.0", "v0.0.0-20240101000000-abcdefabcdef"]),
       time=st.one_of(st.none(), st.sampled_from(["2024-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01",
                                                  "2024-01-01T10:00:00.123456789+02:00", "yesterday"])),
       extra=st.dictionaries(st.sampled_from(["Origin", "origin", "Name", "Short"]),
                             st.one_of(st.none(), st.text(max_size=5),
                                       st.fixed_dictionaries({"VCS": st.just("git"), "URL": st.text(max_size=9)}))))
def test_info_check_matches_the_rules(version, time, extra):
    info = {"Version": version, **extra}
    if time is not None:
        info["Time"] = time
    err, _, _ = _check_info(json.dumps(info).encode(), version)
    bad_time = time in ("2024-02-30T00:00:00Z", "2024-01-01", "yesterday")
    origin = {k.lower(): v for k, v in extra.items()}.get("origin")
    bad_origin = origin is not None and not isinstance(origin, dict)
    assert bool(err) == (bad_time or bad_origin), (info, err)
    assert _check_info(json.dumps(info).encode(), "v9.9.9")[0]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \tabc.=>/v0123456789\n", max_size=200))
def test_build_list_parser(text):
    try:
        got = hygiene.parse_build_list(text)
    except ParseError as e:
        assert e.line is not None
        return
    assert all(len(k) == 2 for k in got)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_mismatch_parser_never_raises(text):
    for m in triage.parse_mismatch(text):
        assert m.subject in ("zip", "go.mod")


@pytest.mark.parametrize("text,want", [
    ("example.com/m\nexample.com/a v1.0.0\n", {("example.com/a", "v1.0.0")}),
    # A replaced module is read from its replacement; a directory replacement needs nothing cached.
    ("example.com/m\nexample.com/a v1.0.0 => example.com/b v1.1.0\nexample.com/c v1.0.0 => ../c\n",
     {("example.com/b", "v1.1.0")}),
])
def test_build_list_examples(text, want):
    assert hygiene.parse_build_list(text) == want
