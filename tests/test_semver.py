"""gomodlab.mod.semver against x/mod/semver and module/pseudo.go (the oracle) and the real go command.

Hand-written tables pin the well-known rules; hypothesis batches (valid-shaped versions and
garbage) are sent to the oracle, one request per batch; ``go list -m -versions`` over a file://
GOPROXY checks the order go prints.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodlab.load import gotool
from gomodlab.mod import semver
from gomodlab.lab import universe
from gomodlab.mod.semver import InvalidVersion

ORACLE_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------
# Strategies

def _rarely(bad: st.SearchStrategy, good: st.SearchStrategy, odds: int = 12) -> st.SearchStrategy:
    """``bad`` about once in ``odds`` draws, else ``good`` (near misses without drowning the rest)."""
    return st.integers(0, odds - 1).flatmap(lambda i: bad if i == 0 else good)


_num = _rarely(st.sampled_from(["01", "00", ""]),
               st.one_of(st.sampled_from(["0", "1", "2", "9", "10", "11", "99", "100"]),
                         st.integers(0, 10**25).map(str)))
_ident = _rarely(st.sampled_from(["", "01", "é", "_", "00"]),
                 st.one_of(st.sampled_from(["0", "1", "2", "11", "alpha", "beta", "rc", "A", "a", "-", "x-y", "0a",
                                            "pre", "Pre"]),
                           st.text("0123456789Aaz-", min_size=1, max_size=4)))
_dotted = st.lists(_ident, min_size=1, max_size=4).map(".".join)


@st.composite
def valid_shaped(draw) -> str:
    """Mostly valid versions, with the near misses that break parsers (empty identifiers, 01)."""
    v = "v" + draw(_num)
    parts = draw(st.sampled_from([2, 2, 2, 2, 2, 1, 0]))
    for _ in range(parts):
        v += "." + draw(_num)
    if draw(st.booleans()) and (parts == 2 or draw(st.integers(0, 5)) == 0):
        v += "-" + draw(_dotted)
    if draw(st.integers(0, 3)) == 0 and (parts == 2 or draw(st.integers(0, 5)) == 0):
        v += "+" + draw(_dotted)
    if draw(st.integers(0, 20)) == 0:
        v = draw(st.sampled_from(["V", " ", "", "v.", "x"])) + v[1:]
    return v


garbage = st.one_of(st.text(max_size=12), st.text("v0123456789.-+Aa ", max_size=14))
#: Few cores, many prereleases: so that comparisons get down to the prerelease identifiers.
clustered = st.builds(lambda core, pre, build: core + pre + build,
                      st.sampled_from(["v1.0.0", "v1.0.1", "v2.0.0", "v1", "v1.0"]),
                      st.one_of(st.just(""), _dotted.map(lambda d: "-" + d)),
                      st.sampled_from(["", "", "+b", "+incompatible"]))
versions = st.one_of(valid_shaped(), clustered, garbage)


def _stamp(t: datetime) -> str:
    # Not strftime: glibc prints year 1 as "1".
    return f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}"


@st.composite
def pseudo_shaped(draw) -> str:
    """Strings built like pseudo-versions: the three forms, odd timestamps, odd suffixes."""
    ts = draw(st.one_of(
        st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)).map(_stamp),
        st.text("0123456789", min_size=13, max_size=15),
        st.sampled_from(["00000101000000", "00010101000000", "20240230000000", "20240229235959",
                         "20230229000000", "20001301000000", "20000100000000", "20000101240000",
                         "20000101006000", "20000101000060", "19000229000000"])))
    rev = draw(st.sampled_from(["abcdefabcdef", "000000000000", "ABCDEF123456", "a", "abc-def", ""]))
    major = "v" + draw(st.sampled_from(["0", "1", "2", "10", "01"]))
    form = draw(st.integers(1, 4))
    if form == 1:
        v = f"{major}.0.0-{ts}-{rev}"
    elif form == 2:
        patch = draw(st.sampled_from(["0", "1", "10", "100", "1000"]))
        v = f"{major}.{draw(st.sampled_from(['0', '2']))}.{patch}-0.{ts}-{rev}"
    elif form == 3:
        v = f"{major}.1.2-{draw(_dotted)}.0.{ts}-{rev}"
    else:
        v = f"{major}.{draw(_num)}.{draw(_num)}-{draw(_dotted)}-{ts}-{rev}"
    return v + draw(st.sampled_from(["", "", "+incompatible", "+meta.1", "+"]))


# ---------------------------------------------------------------------------------------------
# Hand-written tables

PRERELEASE_ORDER = ["v1.0.0-1", "v1.0.0-A", "v1.0.0-a", "v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta",
                    "v1.0.0-beta", "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0"]


def test_prerelease_order_is_semver_order():
    for a, b in zip(PRERELEASE_ORDER, PRERELEASE_ORDER[1:]):
        assert semver.compare(a, b) == -1, (a, b)
        assert semver.compare(b, a) == 1, (a, b)
    assert semver.sort_versions(reversed(PRERELEASE_ORDER)) == PRERELEASE_ORDER


@pytest.mark.parametrize("v, canonical, major, major_minor, pre, build", [
    ("v1", "v1.0.0", "v1", "v1.0", "", ""),
    ("v1.2", "v1.2.0", "v1", "v1.2", "", ""),
    ("v1.2.3", "v1.2.3", "v1", "v1.2", "", ""),
    ("v0.0.0", "v0.0.0", "v0", "v0.0", "", ""),
    ("v1.2.3-pre", "v1.2.3-pre", "v1", "v1.2", "-pre", ""),
    ("v1.2.3-0", "v1.2.3-0", "v1", "v1.2", "-0", ""),
    ("v1.2.3+meta", "v1.2.3", "v1", "v1.2", "", "+meta"),
    ("v1.2.3+01.x-y", "v1.2.3", "v1", "v1.2", "", "+01.x-y"),
    ("v1.2.3-pre+meta", "v1.2.3-pre", "v1", "v1.2", "-pre", "+meta"),
    ("v2.0.0+incompatible", "v2.0.0", "v2", "v2.0", "", "+incompatible"),
    ("v1.0.0-x.7.z.92", "v1.0.0-x.7.z.92", "v1", "v1.0", "-x.7.z.92", ""),
    ("v123456789012345678901.0.0", "v123456789012345678901.0.0", "v123456789012345678901",
     "v123456789012345678901.0", "", ""),
])
def test_valid_versions(v, canonical, major, major_minor, pre, build):
    assert semver.is_valid(v)
    assert semver.canonical(v) == canonical
    assert semver.major(v) == major
    assert semver.major_minor(v) == major_minor
    assert semver.prerelease(v) == pre
    assert semver.build(v) == build


@pytest.mark.parametrize("v", [
    "", "v", "1.2.3", "V1.2.3", "v01.2.3", "v1.02.3", "v1.2.03", "v1.2.3.4", "v1-pre", "v1.2-pre",
    "v1.2+meta", "v1+meta", "v1.2.3-", "v1.2.3-01", "v1.2.3-pre..1", "v1.2.3-pre.", "v1.2.3+",
    "v1.2.3+a..b", "v1.2.3-pré", "v1.2.3 ", " v1.2.3", "v1.2.3\n", "v1.", "v1..2", "v-1", "none", "latest",
    "v1.2.3-a_b", "v1.2.3+meta+more",
])
def test_invalid_versions(v):
    assert not semver.is_valid(v)
    assert semver.canonical(v) == semver.major(v) == semver.major_minor(v) == ""
    assert semver.prerelease(v) == semver.build(v) == ""
    assert semver.compare(v, "v0.0.0") == -1
    assert semver.compare(v, "none") == 0


@pytest.mark.parametrize("a, b, want", [
    ("v1.0.0", "v1.0.0+meta", 0), ("v1", "v1.0.0", 0), ("v1.2", "v1.2.0+x", 0), ("v1.10.0", "v1.9.0", 1),
    ("v2", "v10", -1), ("v1.0.0-0.20230101000000-abc", "v1.0.0-1", -1), ("v1.0.0-rc.10", "v1.0.0-rc.9", 1),
    ("v1.0.0-alpha", "v1.0.0-alpha.0", -1), ("v1.0.0-Z", "v1.0.0-a", -1), ("v1.0.0-9", "v1.0.0--", -1),
    ("v99999999999999999999.0.0", "v100000000000000000000.0.0", -1),
])
def test_compare_table(a, b, want):
    assert semver.compare(a, b) == want
    assert semver.compare(b, a) == -want


def test_sort_breaks_ties_by_string():
    assert semver.sort_versions(["v1.0.0+b", "v1", "v1.0.0", "v1.0.0+a", "v0.1.0", "v1.0.0-rc.1"]) == \
        ["v0.1.0", "v1.0.0-rc.1", "v1", "v1.0.0", "v1.0.0+a", "v1.0.0+b"]
    # Invalid versions come first, ordered by bytes (a lone surrogate escape is byte 0xff).
    assert semver.sort_versions(["v1", "zz", "\udcff", "\ue000", "none"]) == ["none", "zz", "\ue000", "\udcff", "v1"]


def test_max_version():
    assert semver.max_version("v1.2", "v1.10.0+x") == "v1.10.0"
    assert semver.max_version("v1.2.0", "v1.2") == "v1.2.0"
    assert semver.max_version("bad", "v0.0.1") == "v0.0.1"
    assert semver.max_version("bad", "worse") == ""


# ---------------------------------------------------------------------------------------------
# Pseudo-versions

T = datetime(2023, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize("major, older, want", [
    # The reference's vectors (go-module-system.md §7) and hand-derived neighbours.
    ("v1", "", "v1.0.0-20230102030405-abcdefabcdef"),
    ("", "", "v0.0.0-20230102030405-abcdefabcdef"),
    ("v2", "not-a-version", "v2.0.0-20230102030405-abcdefabcdef"),
    ("v1", "v1.2.3", "v1.2.4-0.20230102030405-abcdefabcdef"),
    ("v1", "v1.2.9", "v1.2.10-0.20230102030405-abcdefabcdef"),
    ("v1", "v1.2.99", "v1.2.100-0.20230102030405-abcdefabcdef"),
    ("v1", "v1.2", "v1.2.1-0.20230102030405-abcdefabcdef"),
    ("v1", "v1.2.3+meta", "v1.2.4-0.20230102030405-abcdefabcdef+meta"),
    ("v2", "v2.0.0+incompatible", "v2.0.1-0.20230102030405-abcdefabcdef+incompatible"),
    ("v1", "v1.2.3-pre", "v1.2.3-pre.0.20230102030405-abcdefabcdef"),
    ("v1", "v1.2.3-pre+incompatible", "v1.2.3-pre.0.20230102030405-abcdefabcdef+incompatible"),
])
def test_pseudo_version_construction(major, older, want):
    got = semver.pseudo_version(major, older, T, "abcdefabcdef")
    assert got == want
    assert semver.is_pseudo(got)
    assert semver.parse_pseudo(got).revision == "abcdefabcdef"
    assert semver.parse_pseudo(got).time == T


def test_pseudo_version_time_zone_and_zero():
    east = T.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert semver.pseudo_version("v1", "", east, "abc") == "v1.0.0-20230102030405-abc"
    assert semver.zero_pseudo_version("") == "v0.0.0-00010101000000-000000000000"
    assert semver.zero_pseudo_version("v3") == "v3.0.0-00010101000000-000000000000"
    assert semver.is_zero_pseudo("v3.0.0-00010101000000-000000000000")
    assert not semver.is_zero_pseudo("v3.0.0-00010101000000-000000000001")


@pytest.mark.parametrize("v, form, base", [
    ("v0.0.0-20230102030405-abcdefabcdef", 1, ""),
    ("v1.2.4-0.20230102030405-abcdefabcdef", 2, "v1.2.3"),
    ("v1.2.10-0.20230102030405-abcdefabcdef", 2, "v1.2.9"),
    ("v1.2.100-0.20230102030405-abcdefabcdef", 2, "v1.2.99"),
    ("v1.3.10-0.20230102030405-abcdefabcdef+incompatible", 2, "v1.3.9+incompatible"),
    ("v1.2.3-pre.0.20230102030405-abcdefabcdef", 3, "v1.2.3-pre"),
    ("v1.2.3-rc.1.0.20230102030405-abcdefabcdef+incompatible", 3, "v1.2.3-rc.1+incompatible"),
])
def test_parse_pseudo(v, form, base):
    p = semver.parse_pseudo(v)
    assert (p.form, p.base, p.revision, p.timestamp) == (form, base, "abcdefabcdef", "20230102030405")
    assert semver.pseudo_version_base(v) == base


@pytest.mark.parametrize("v, message", [
    ("v1.2.3", 'pseudo-version "v1.2.3" invalid: syntax error'),
    ("v1.0.0-20230102030405-abc+incompatible",
     'pseudo-version "v1.0.0-20230102030405-abc+incompatible" invalid: '
     'lacks base version, but has build metadata "+incompatible"'),
    ("v1.2.0-0.20230102030405-abc",
     'pseudo-version "v1.2.0-0.20230102030405-abc" invalid: version before v1.2.0 would have negative patch number'),
    ("v0.0.0-20231301000000-abc", 'pseudo-version "v0.0.0-20231301000000-abc" invalid: malformed time "20231301000000"'),
])
def test_pseudo_errors(v, message):
    with pytest.raises(InvalidVersion) as e:
        semver.parse_pseudo(v)
    assert str(e.value) == message


def test_year_zero_is_a_valid_pseudo_time():
    # go's time.Parse accepts year 0000; datetime cannot hold it.
    p = semver.parse_pseudo("v0.0.0-00000229000000-abc")
    assert p.time is None and p.form == 1


# ---------------------------------------------------------------------------------------------
# Properties (no oracle)

@given(st.lists(versions, max_size=12))
@settings(max_examples=200, deadline=None)
def test_compare_is_a_total_preorder(vs):
    for a in vs:
        assert semver.compare(a, a) == 0
        for b in vs:
            assert semver.compare(a, b) == -semver.compare(b, a)
            for c in vs:
                if semver.compare(a, b) <= 0 and semver.compare(b, c) <= 0:
                    assert semver.compare(a, c) <= 0


@given(st.lists(versions, max_size=30))
@settings(max_examples=200, deadline=None)
def test_sort_is_consistent_with_compare(vs):
    out = semver.sort_versions(vs)
    assert sorted(out) == sorted(vs)
    for a, b in zip(out, out[1:]):
        assert semver.compare(a, b) <= 0
        if semver.compare(a, b) == 0:
            assert a.encode("utf-8", "surrogateescape") <= b.encode("utf-8", "surrogateescape")


@given(versions)
@settings(max_examples=300, deadline=None)
def test_canonical_is_idempotent(v):
    c = semver.canonical(v)
    assert semver.canonical(c) == c
    if c:
        assert semver.compare(c, v) == 0 and semver.build(c) == ""


# ---------------------------------------------------------------------------------------------
# The oracle (x/mod as vendored by go), in batches

def _check_semver_batch(oracle, vs: list[str]) -> None:
    want = oracle.ask("semver", vs)
    for v, w in zip(vs, want):
        got = {"valid": semver.is_valid(v), "canonical": semver.canonical(v), "major": semver.major(v),
               "majorminor": semver.major_minor(v), "prerelease": semver.prerelease(v), "build": semver.build(v)}
        assert got == w, v
    cmp = oracle.ask("compare", vs)
    n = len(vs)
    got_cmp = [semver.compare(a, b) for a in vs for b in vs]
    mismatches = [(vs[i // n], vs[i % n], got_cmp[i], cmp[i]) for i in range(n * n) if got_cmp[i] != cmp[i]]
    assert not mismatches
    assert semver.sort_versions(vs) == oracle.ask("sort", vs)


@pytest.mark.go
def test_oracle_tables(oracle):
    vs = PRERELEASE_ORDER + ["v1", "v1.2", "v1.0.0+b", "v1.0.0+a", "v2.0.0+incompatible", "v01.0.0",
                             "v1.2.3-01", "none", "", "v1.2.3-pre+meta", "v1.0.0-0.20230101000000-abc"]
    random.Random(1).shuffle(vs)
    _check_semver_batch(oracle, vs)
    pairs = oracle.ask("max", vs)
    assert [semver.max_version(a, b) for a in vs for b in vs] == pairs


@pytest.mark.go
@given(st.lists(versions, min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_semver_hypothesis(oracle, vs):
    _check_semver_batch(oracle, vs)


def _pseudo_info(v: str) -> dict:
    out: dict = {"is": semver.is_pseudo(v), "zero": semver.is_zero_pseudo(v)}
    for key, fn in (("base", semver.pseudo_version_base), ("rev", semver.pseudo_version_rev),
                    ("time", semver.pseudo_version_time)):
        try:
            value = fn(v)
            err = ""
        except InvalidVersion as e:
            value, err = None, str(e)
        if key == "time":
            value = "0001-01-01T00:00:00Z" if err else _rfc3339(v)
        elif value is None:
            value = ""
        out[key], out[key + "_err"] = value, err
    return out


def _rfc3339(v: str) -> str:
    """go's time.Format(time.RFC3339) of the pseudo-version's time (from the parsed time,
    or from the timestamp for year 0000, which has no datetime)."""
    t = semver.pseudo_version_time(v)
    if t is not None:
        return _stamp(t)[:4] + t.strftime("-%m-%dT%H:%M:%SZ")
    core = v[: len(v) - len(semver.build(v))]
    ts = core.rsplit("-", 1)[0][-14:]
    return f"0000-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z"


@pytest.mark.go
def test_oracle_pseudo_tables(oracle):
    vs = ["v0.0.0-20230102030405-abcdefabcdef", "v1.2.4-0.20230102030405-abcdefabcdef",
          "v1.2.3-pre.0.20230102030405-abcdefabcdef+incompatible", "v1.2.0-0.20230102030405-abc",
          "v1.0.0-20230102030405-abc+incompatible", "v0.0.0-00000229000000-abc", "v0.0.0-20230229000000-abc",
          "v0.0.0-00010101000000-000000000000", "v2.0.0-00010101000000-000000000000", "v1.2.3", "junk",
          "v1.2.3-0.0.20230102030405-abc", "v1.2.3-pre-20230102030405-abc"]
    assert [_pseudo_info(v) for v in vs] == oracle.ask("pseudo", vs)


@pytest.mark.go
@given(st.lists(st.one_of(pseudo_shaped(), pseudo_shaped(), versions), min_size=1, max_size=40))
@ORACLE_SETTINGS
def test_oracle_pseudo_hypothesis(oracle, vs):
    want = oracle.ask("pseudo", vs)
    for v, w in zip(vs, want):
        assert _pseudo_info(v) == w, v


@pytest.mark.go
@given(st.lists(st.tuples(st.sampled_from(["", "v0", "v1", "v2", "v17"]),
                          st.one_of(versions, st.sampled_from(["v1.2.9", "v1.99.99+incompatible", "v1.2.3-rc.1"])),
                          st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59),
                                       timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-7))])),
                          st.text("0123456789abcdef", min_size=1, max_size=12)),
                min_size=1, max_size=30))
@ORACLE_SETTINGS
def test_oracle_pseudo_version_construction(oracle, cases):
    cases = [(m, o, t, r) for m, o, t, r in cases if 1 <= t.astimezone(timezone.utc).year <= 9999]
    flat = [x for m, o, t, r in cases for x in (m, o, t.isoformat().replace("+00:00", "Z"), r)]
    want = oracle.ask("pseudoversion", flat)
    assert [semver.pseudo_version(m, o, t, r) for m, o, t, r in cases] == want


# ---------------------------------------------------------------------------------------------
# The real go command: `go list -m -versions` over a file:// GOPROXY

LIST_MODULES = {
    # path: (versions with files, versions only in the list file)
    "example.com/MixedCase/Lib": (
        ["v0.1.0", "v0.9.0", "v1.0.0-1", "v1.0.0-A", "v1.0.0-a", "v1.0.0-alpha", "v1.0.0-alpha.1",
         "v1.0.0-alpha.beta", "v1.0.0-beta", "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0-RC1",
         "v1.0.0", "v1.2.0", "v1.9.9", "v1.10.0", "v1.0.1-0.20240101000000-abcdefabcdef",
         "v2.0.0+incompatible", "v3.1.0-pre+incompatible", "v3.1.0+incompatible"],
        ["v1.2", "v1.0.0+meta", "v1.0.0+Meta", "v1", "v0.0.0-20200101000000-123456789abc"],
    ),
    "example.com/lib/v2": (
        ["v2.0.0", "v2.0.1-0.20240101000000-abcdefabcdef", "v2.1.0-beta.2", "v2.1.0-beta.11", "v2.1.0",
         "v2.10.0-rc.1"],
        ["v2.1.0-beta.2+b", "v2.0.0-0.20200101000000-123456789abc+incompatible"],
    ),
    "example.com/UPPER": (["v0.0.1", "v0.0.2-Pre", "v0.0.2-pre", "v0.0.10", "v0.0.2-pre.0.20240101000000-abcdef"], []),
    "gopkg.in/Yaml.v3": (["v3.0.0", "v3.0.1", "v3.0.0-20210107192922-496545a6307b"], []),
}


def _go_list_versions(list_text: str) -> list[str]:
    """What go prints for a proxy list (modfetch/proxy.go Versions): first field of each line,
    valid semver, not a pseudo-version, semver.Sort order (no retractions or exclusions here)."""
    fields = (line.split() for line in list_text.split("\n"))
    return semver.sort_versions(f[0] for f in fields if f and semver.is_valid(f[0]) and not semver.is_pseudo(f[0]))


@pytest.mark.go
def test_go_list_versions_order(tmp_path: Path, go_exe):
    from gomodlab.mod import modpath

    sources = []
    for path, (served, _) in LIST_MODULES.items():
        for v in served:
            # +incompatible is legal only without a go.mod; the rest have one.
            gomod = None if v.endswith("+incompatible") else universe.gomod_text(path)
            sources.append(universe.ModuleSource(path, v, gomod, {"x.go": "package x\n"}))
    proxy = universe.write_proxy(tmp_path / "proxy", sources)
    rng = random.Random(7)
    expected = {}
    for path, (served, listed_only) in LIST_MODULES.items():
        # A shuffled list with the noise real proxies serve: blank lines, extra fields, non-versions.
        lines = [v if i % 3 else f"{v} 2024-01-01T00:00:00Z" for i, v in enumerate(served + listed_only)]
        lines += ["", "latest", "v1.2.3.4", "master"]
        rng.shuffle(lines)
        text = "\n".join(lines) + "\n"
        (proxy / modpath.escape_path(path) / "@v" / "list").write_text(text)
        expected[path] = _go_list_versions(text)
    main = tmp_path / "main"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/main\n\ngo 1.21\n")
    env = gotool.isolated_env(tmp_path / "env", proxy=universe.file_proxy_url(proxy), flags="-mod=mod")
    res = gotool.run_go(["list", "-m", "-versions", *LIST_MODULES], cwd=main, env=env).check()
    got = {fields[0]: fields[1:] for fields in (line.split() for line in res.stdout.splitlines())}
    assert got == expected
    assert all(not semver.is_pseudo(v) for vs in got.values() for v in vs)
