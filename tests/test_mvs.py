"""The MVS core against every scenario of go's own mvs_test.go, plus the Graph and error details."""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodlab.load import mvs
from gomodlab.load.mvs import MapReqs, Module

SCENARIOS = Path(__file__).parent / "data" / "mvs_scenarios.txt"


def _load_scenarios() -> list[tuple[str, str, str]]:
    """(scenario name, graph text, op line) for every operation in the scenarios file."""
    cases = []
    name = graph = ""
    for raw in SCENARIOS.read_text().splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith(" "):
            cases.append((name, graph, raw.strip()))
        else:
            name, _, graph = raw.partition(" | ")
    return cases


CASES = _load_scenarios()


def _tokens(ms) -> str:
    return " ".join(map(MapReqs.token, ms))


def _run(reqs: MapReqs, op: str) -> list[Module]:
    words = op.split()
    kind, target, rest = words[0], MapReqs.module(words[1]), [MapReqs.module(w) for w in words[2:]]
    if kind == "build":
        return mvs.build_list([target], reqs)
    if kind == "upgrade*":
        return mvs.upgrade_all(target, reqs)
    if kind == "upgrade":
        return mvs.upgrade(target, reqs, *rest)
    if kind == "upgradereq":
        upgraded = mvs.upgrade(target, reqs, *rest)
        return mvs.req(target, [], MapReqs({**reqs.graph, target: upgraded}))
    if kind == "downgrade":
        # mvs_test.go passes the target itself as one of the downgrades.
        return mvs.downgrade(target, reqs, target, *rest)
    if kind == "req":
        return mvs.req(target, words[2:], reqs)
    raise AssertionError(f"unknown op {op}")


@pytest.mark.parametrize("name,graph,op", CASES, ids=[f"{n}:{o.split(' =>')[0]}" for n, _, o in CASES])
def test_go_mvs_scenarios(name: str, graph: str, op: str) -> None:
    call, _, want = op.partition(" => ")
    got = _run(MapReqs.parse(graph), call)
    assert _tokens(got) == " ".join(want.split())


def test_every_go_scenario_is_here() -> None:
    names = {n for n, _, _ in CASES}
    assert len(names) == 39 and {"blog", "downhiddenartifact", "cycle3", "reqcross"} <= names


def test_module_prints_as_go_does() -> None:
    assert str(Module("example.com/m", "v1.0.0")) == "example.com/m@v1.0.0"
    assert str(Module("example.com/main", "")) == "example.com/main"
    assert Module("a", "v1") == ("a", "v1") and Module("a", "v1").version == "v1"


def test_blog_article_examples() -> None:
    """research.swtch.com/vgo-mvs: build list, upgrade all, upgrade one, downgrade (algorithms 1–4)."""
    reqs = MapReqs.parse("A: B1 C2; B1: D3; C1: D2; C2: D4; C3: D5; C4: G1; D2: E1; D3: E2; "
                         "D4: E2 F1; D5: E2; G1: C4; A2: B1 C4 D4")
    a = Module("A", "")
    assert _tokens(mvs.build_list([a], reqs)) == "A B1 C2 D4 E2 F1"
    assert _tokens(mvs.upgrade_all(a, reqs)) == "A B1 C4 D5 E2 F1 G1"
    assert _tokens(mvs.upgrade(a, reqs, Module("C", "4"))) == "A B1 C4 D4 E2 F1 G1"
    # Algorithm R: the minimal go.mod after upgrading C keeps only what is not implied.
    up = mvs.upgrade(a, reqs, Module("C", "4"))
    assert _tokens(mvs.req(a, [], MapReqs({**reqs.graph, a: up}))) == "B1 C4 D4"
    a2 = Module("A", "2")
    assert _tokens(mvs.downgrade(a2, reqs, a2, Module("D", "2"))) == "A2 C4 D2 E2 F1 G1"


def test_missing_module_error_shows_chain() -> None:
    reqs = MapReqs({Module("A", ""): [Module("B", "1")], Module("B", "1"): [Module("C", "2")]})
    with pytest.raises(mvs.BuildListError) as e:
        mvs.build_list([Module("A", "")], reqs)
    assert str(e.value) == "B@1 requires\n\tC@2: missing module: C@2"
    assert e.value.module == Module("C", "2")


def test_error_on_shortest_path_is_reported() -> None:
    reqs = MapReqs.parse("A: B1 C1; B1: D1; D1: X1; C1: X1")
    del reqs.graph[Module("X", "1")]
    with pytest.raises(mvs.BuildListError) as e:
        mvs.build_list([Module("A", "")], reqs)
    assert e.value.path == (Module("A", ""), Module("C", "1"), Module("X", "1"))


def test_module_error_replaced() -> None:
    err = mvs.ModuleError(Module("x", "v2.0.0"), "not found")
    e = mvs.BuildListError(err, [Module("m", ""), Module("a", "v1.0.0"), Module("b", "v1.0.0")])
    assert str(e) == "a@v1.0.0 requires\n\tb@v1.0.0 (replaced by x@v2.0.0): not found"


def test_graph_walks() -> None:
    reqs = MapReqs.parse("A: B1 C1; B1: D1; C1: D2; D1:; D2:")
    g = mvs.Graph(reqs.compare, [Module("A", "")])
    for m in [Module("A", ""), Module("B", "1"), Module("C", "1"), Module("D", "1")]:
        g.require(m, reqs.required(m))
    assert [str(m) for m in g.bfs()] == ["A", "B@1", "C@1", "D@1", "D@2"]
    assert g.selected("D") == "2" and g.selected("Z") == "none"
    assert g.required_by(Module("D", "2")) is None
    assert g.find_path(lambda m: m.path == "D") == [Module("A", ""), Module("B", "1"), Module("D", "1")]
    with pytest.raises(ValueError):
        g.require(Module("Q", "1"), [])
    with pytest.raises(ValueError):
        g.require(Module("A", ""), [])


def test_reporter_sees_every_step() -> None:
    class Rec(mvs.Reporter):
        def __init__(self) -> None:
            self.steps: list[tuple] = []

        def visiting(self, m, depth):
            self.steps.append(("visit", str(m), depth))

        def requirement(self, m, r, before, after):
            self.steps.append(("req", str(m), str(r), before, after))

    rec = Rec()
    mvs.build_list([Module("A", "")], MapReqs.parse("A: B1 C1; B1: C2; C1:; C2:"), reporter=rec)
    assert rec.steps == [
        ("visit", "A", 0), ("req", "A", "B@1", "none", "1"), ("req", "A", "C@1", "none", "1"),
        ("visit", "B@1", 1), ("req", "B@1", "C@2", "1", "2"),
        ("visit", "C@1", 1), ("visit", "C@2", 2),
    ]


def test_deep_chain_no_recursion_limit() -> None:
    n = 5000
    graph = {Module("A", ""): [Module("M0", "1")]}
    for i in range(n):
        graph[Module(f"M{i}", "1")] = [Module(f"M{i + 1}", "1")] if i + 1 < n else []
    reqs = MapReqs(graph)
    assert len(mvs.build_list([Module("A", "")], reqs)) == n + 1
    assert mvs.req(Module("A", ""), [], reqs) == [Module("M0", "1")]
