"""gomodlab fleet: the analyses on hand-made frames, the run directory, and `gomodlab fleet scan` /
`fleet logs` on a small generated fleet whose caches the real go filled (marked ``go``)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodlab.cache.scan import scan
from gomodlab.cli import main
from gomodlab.errors import SourceError
from gomodlab.fleet import analysis, dataset
from gomodlab.fleet.run import Input, expand_inputs, parse_fleet
from gomodlab.lab import fleet_plots, fleetgen, plots
from gomodlab.net import xlog

H = {k: f"h1:{k * 43}=" for k in "ABCDEFG"}


def _findings(rows: list[tuple]) -> pd.DataFrame:
    cols = ["source", "kind", "module", "version", "path", "detail", "want", "got", "remote", "modules"]
    return pd.DataFrame([(s, k, m, v, p, "", w, g, "", "") for s, k, m, v, p, w, g in rows], columns=cols)


def _inventory(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "module", "version", "ziphash"])


# ---------------------------------------------------------------------------------------------
# The verdict, on hand-made frames

def test_same_bad_hash_on_two_sources_is_upstream_and_own_hashes_are_local():
    f = _findings([
        ("r1", "gosum-mismatch", "ex.com/a", "v1.0.0", "a.zip", H["A"], H["B"]),
        ("r2", "gosum-mismatch", "ex.com/a", "v1.0.0", "a.zip", H["A"], H["B"]),
        ("r3", "zip-modified", "ex.com/a", "v1.0.0", "a.zip", H["A"], H["C"]),
        ("r4", "zip-modified", "ex.com/a", "v1.0.0", "a.zip", H["A"], H["D"]),
        ("r5", "zip-unreadable", "ex.com/b", "v2.0.0", "b.zip", "", ""),
        ("r5", "permission-denied", "ex.com/c", "v1.0.0", "c", "", ""),
        ("r6", "vcs-broken", "ex.com/d", "", "cache/vcs/x", "", ""),
    ])
    inv = _inventory([(f"r{i}", "ex.com/a", "v1.0.0", H["A"]) for i in range(1, 8)] + [("r5", "ex.com/b", "v2.0.0", "")])
    d = analysis.damage(f, inv)
    assert list(d.columns) == analysis.DAMAGE_COLUMNS
    rows = {(r.module, r.bad_hash): r for r in d.itertuples(index=False)}
    up = rows[("ex.com/a", H["B"])]
    assert (up.verdict, up.sources, up.holders, up.source_names, up.expected_hash) == ("upstream", 2, 7, "r1, r2", H["A"])
    assert "the same bad bytes" in up.evidence and "r1, r2" in up.evidence
    # Two runners damaged the same version differently: two local damages, not one upstream.
    assert rows[("ex.com/a", H["C"])].verdict == rows[("ex.com/a", H["D"])].verdict == "local"
    unhashable = rows[("ex.com/b", "")]
    assert (unhashable.verdict, unhashable.sources, unhashable.kinds) == ("local", 1, "zip-unreadable")
    assert "cannot be hashed" in unhashable.evidence
    # Permissions and vcs checkouts are not module-version damage.
    assert "ex.com/c" not in set(d["module"]) and "ex.com/d" not in set(d["module"])
    assert d["verdict"].iloc[0] == "upstream"


def test_zip_hash_wins_over_the_go_mod_mismatch():
    f = _findings([("r1", "gosum-mismatch", "ex.com/a", "v1.0.0", "x/v1.0.0.mod", H["E"], H["F"]),
                   ("r1", "gosum-mismatch", "ex.com/a", "v1.0.0", "x/v1.0.0.zip", H["A"], H["B"]),
                   ("r1", "dir-modified", "ex.com/a", "v1.0.0", "x@v1.0.0", H["A"], H["G"])])
    c = analysis.bad_copies(f)
    assert c[["bad_hash", "expected_hash", "kinds"]].values.tolist() == [[H["B"], H["A"], "gosum-mismatch,dir-modified"]]


def test_without_a_gosum_the_fleet_majority_is_the_reference():
    inv = _inventory([(f"r{i}", "ex.com/a", "v1.0.0", H["A"]) for i in range(5)]
                     + [("r5", "ex.com/a", "v1.0.0", H["B"]), ("r6", "ex.com/a", "v1.0.0", H["B"]),
                        ("r7", "ex.com/a", "v1.0.0", H["C"]),
                        # No majority: nothing to call divergent.
                        ("r1", "ex.com/b", "v1.0.0", H["A"]), ("r2", "ex.com/b", "v1.0.0", H["B"])])
    d = analysis.damage(_findings([]), inv)
    got = {(r.bad_hash, r.verdict, r.source_names, r.kinds, r.expected_hash) for r in d.itertuples(index=False)}
    assert got == {(H["B"], "upstream", "r5, r6", "fleet-divergent", H["A"]), (H["C"], "local", "r7", "fleet-divergent", H["A"])}


def test_no_damage_gives_an_empty_table_and_a_figure_that_says_so():
    d = analysis.damage(_findings([]), _inventory([("r1", "ex.com/a", "v1.0.0", H["A"])]))
    assert d.empty and list(d.columns) == analysis.DAMAGE_COLUMNS
    fig = fleet_plots.damage_verdicts(d)
    assert "No damaged module version" in fig._suptitle.get_text()


def _requests(rows: list[tuple]) -> pd.DataFrame:
    """HTTP rows: (source, proxy, endpoint, status_code, duration_s, day)."""
    out = []
    for source, proxy, endpoint, code, dur, day in rows:
        out.append({"source": source, "kind": "http", "proxy": proxy, "endpoint": endpoint,
                    "status_code": code, "duration_s": dur, "finished": code is not None, "error": "" if code else "timeout",
                    "fault": "", "time": pd.NaT, "log_mtime": pd.Timestamp(f"{day} 12:00", tz="UTC")})
    df = pd.DataFrame(out)
    df["status_code"] = df["status_code"].astype("Int64")
    df["finished"] = df["finished"].astype("boolean")
    df["time"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    return df


def _week() -> pd.DataFrame:
    rows = []
    for day in ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"):
        for runner in range(6):
            proxy = ("https://a", "https://b", "https://c")[runner % 3]
            slow = proxy == "https://b" and day >= "2026-11-25"
            for i in range(10):
                dur = 1.0 + i / 10 if slow else 0.05 + i / 1000
                code = None if slow and i == 0 else (404 if i == 9 else 200)
                rows.append((f"runner-{runner}/build-{day}.log", proxy, "zip" if i % 2 else "mod", code, dur, day))
    return _requests(rows)


def test_latency_and_failures_per_proxy_and_day_use_the_logs_day():
    week = _week()
    lat = analysis.latency(week, by=["proxy", "day"])
    b = lat[(lat["proxy"] == "https://b") & (lat["day"] == "2026-11-26")].iloc[0]
    assert b["requests"] == 20 and b["p50_s"] > 1.0 and b["timeouts"] == 2
    a = lat[(lat["proxy"] == "https://a") & (lat["day"] == "2026-11-23")].iloc[0]
    assert a["p90_s"] < 0.06 and a["errors"] == 0 and a["not_found"] == 2
    fr = analysis.failure_rates(week)
    assert list(fr.columns) == ["proxy", "day", "requests", "errors", "timeouts", "error_rate", "timeout_rate"]
    row = fr[(fr["proxy"] == "https://b") & (fr["day"] == "2026-11-25")].iloc[0]
    assert row["error_rate"] == pytest.approx(0.1) and row["timeout_rate"] == pytest.approx(0.1)
    # A 404 is "not here", not a failure.
    assert fr.loc[fr["proxy"] == "https://a", "error_rate"].max() == 0


def test_slow_proxy_and_diverging_runners():
    week = _week()
    slow = analysis.slow_proxies(week)
    assert slow[["proxy", "slow_since", "days_slow"]].values.tolist() == [["https://b", "2026-11-25", 2]]
    assert slow["before_s"].iloc[0] < 0.06 < 1.0 < slow["since_s"].iloc[0]
    runners = analysis.diverging_runners(week)
    assert set(runners.loc[runners["diverges"], "runner"]) == {"runner-1", "runner-4"}
    assert runners["diverges"].iloc[:2].all() and "p90" in runners["reason"].iloc[0]
    assert set(runners.loc[runners["diverges"], "proxies"]) == {"https://b"}
    fig = fleet_plots.proxy_days(analysis.latency(week, by=["proxy", "day"]), slow)
    assert fig._suptitle.get_text().startswith("https://b turned slow on 2026-11-25")
    assert "log scale" in plots.alt_text(fig)


def test_no_slow_proxy_when_all_agree():
    rows = [(f"r{i}/x.log", p, "mod", 200, 0.05 + i / 100, "2026-11-23") for i in range(5) for p in ("https://a", "https://b")]
    assert analysis.slow_proxies(_requests(rows)).empty
    assert not analysis.diverging_runners(_requests(rows))["diverges"].any()


def test_runner_of():
    assert analysis.runner_of("runner-07/build-1.log") == "runner-07"
    assert analysis.runner_of("ci.log") == "ci.log"


# ---------------------------------------------------------------------------------------------
# Inputs and the run directory

def test_source_names_drop_the_shared_folders(tmp_path):
    for r in ("a", "b"):
        (tmp_path / "runners" / r / "pkg" / "mod").mkdir(parents=True)
    inputs, unmatched = expand_inputs([f"{tmp_path}/runners/*/pkg/mod", str(tmp_path / "runners/a/pkg/mod"),
                                       f"{tmp_path}/nothing/*"])
    assert [i.source for i in inputs] == ["a", "b"]
    assert unmatched == [f"{tmp_path}/nothing/*"]
    inputs, _ = expand_inputs([tmp_path / "logs/a/1.log", tmp_path / "logs/b/7.log"])
    assert [i.source for i in inputs] == ["a/1.log", "b/7.log"]
    assert [i.source for i in expand_inputs([tmp_path / "one.log"])[0]] == ["one.log"]
    assert expand_inputs([]) == ([], [])


_SEGMENT = st.sampled_from(["a", "b", "runners", "pkg", "mod", "logs", "x.log", "1.log", "ci", "go"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_SEGMENT, min_size=1, max_size=5), min_size=1, max_size=8))
def test_source_names_are_unique_tails_of_their_paths(segment_lists):
    from gomodlab.fleet.run import _source_names

    paths = list(dict.fromkeys("/" + "/".join(s) for s in segment_lists))
    names = _source_names(paths)
    assert len(names) == len(paths) and len(set(names)) == len(names)
    for name, path in zip(names, paths):
        assert name and f"/{name}" in path or name == path


def test_out_must_be_new_empty_or_a_fleet_output(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "precious.txt").write_text("x")
    with pytest.raises(SourceError, match="not a fleet run's output"):
        dataset.prepare(tmp_path / "mine", "scan")
    (tmp_path / "file").write_text("x")
    with pytest.raises(SourceError, match="not a directory"):
        dataset.prepare(tmp_path / "file", "logs")
    out = dataset.prepare(tmp_path / "run.parquet", "scan")
    (out / "findings" / "part-00007.parquet").write_text("stale")
    dataset.prepare(out, "logs")
    assert sorted(p.name for p in out.iterdir()) == ["_fleet.json", "requests"]
    assert dataset.kind_of(out) == "logs"
    with pytest.raises(SourceError, match="not the output"):
        dataset.read_table(tmp_path / "mine", "findings")
    assert dataset.read_table(out, "requests").empty


GIT_LOG = ("cd /w; git ls-remote -q origin 'refs/tags/*'\n0.010s # cd /w; git ls-remote -q origin 'refs/tags/*'\n"
           "# get https://p.example/ex.com/b/@v/list\n# get https://p.example/ex.com/b/@v/list: 404 Not Found (0.020s)\n")


def _logs(tmp_path: Path) -> list[Input]:
    log = tmp_path / "ok.log"
    log.write_text("# get https://p.example/ex.com/a/@v/list\n# get https://p.example/ex.com/a/@v/list: 200 OK (0.010s)\n")
    (tmp_path / "empty.log").write_text("nothing from go here\n")
    (tmp_path / "git.log").write_text(GIT_LOG)
    return [Input("ok", str(log)), Input("gone", str(tmp_path / "gone.log")), Input("dir", str(tmp_path)),
            Input("empty", str(tmp_path / "empty.log")), Input("git", str(tmp_path / "git.log"))]


@pytest.mark.parametrize("batch", [1, 3, 5])
def test_a_failing_input_is_recorded_and_its_batch_mates_and_the_run_go_on(tmp_path, batch):
    inputs = _logs(tmp_path)
    run = parse_fleet(inputs, tmp_path / "out", processes=False, workers=1, batch=batch, progress=False)
    assert (run.batch, run.tasks) == (batch, -(-5 // batch))
    status = dict(zip(run.inputs["source"], run.inputs["status"]))
    assert status == {"ok": "ok", "gone": "failed", "dir": "failed", "empty": "ok", "git": "ok"}
    errors = dict(zip(run.inputs["source"], run.inputs["error"]))
    assert errors["gone"] == f"{tmp_path / 'gone.log'}: No such file or directory"
    assert "Is a directory" in errors["dir"]
    assert run.inputs.set_index("source").loc["empty", "notes"].startswith("found no go -x lines")
    assert (run.inputs["cpu_seconds"] > 0).all() and (run.inputs["seconds"] > 0).all()
    assert dataset.read_inputs(run.out)["status"].tolist() == ["ok", "failed", "failed", "ok", "ok"]
    req = dataset.read_table(run.out, "requests")
    assert req[["source", "log_format", "proxy", "endpoint", "duration_s"]].values.tolist()[0] == [
        "ok", "x", "https://p.example", "list", 0.01]
    git = req[req["source"] == "git"].drop(columns=["source", "log_mtime"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(git, xlog.parse(GIT_LOG).rename(columns={"source": "log_format"}))
    assert git["argv"].iloc[0] == ("git", "ls-remote", "-q", "origin", "refs/tags/*")


def test_partitions_are_numbered_by_their_first_input_and_read_in_input_order(tmp_path, monkeypatch):
    from gomodlab.fleet import run as fleet_run

    inputs = _logs(tmp_path)
    monkeypatch.setattr(fleet_run, "FLUSH_ROWS", 1)  # a task writes as soon as it holds a row
    done = parse_fleet(inputs, tmp_path / "out", processes=False, workers=1, batch=5, progress=False)
    # "ok" alone, then "empty" (no rows) and "git" after the two failed inputs.
    assert sorted(p.name for p in (Path(done.out) / "requests").iterdir()) == ["part-00000.parquet", "part-00003.parquet"]
    assert dataset.read_table(done.out, "requests")["source"].tolist() == ["ok", "git", "git"]


def test_a_task_that_fails_as_a_whole_is_run_again_one_input_per_task(tmp_path, monkeypatch):
    from gomodlab.fleet import run as fleet_run

    inputs = _logs(tmp_path)
    real = fleet_run._run_batch

    def dies_on_empty(batch, *args):  # as a worker lost on the input "empty" would
        if any(i.source == "empty" for i in batch):
            raise RuntimeError("worker lost")
        return real(batch, *args)

    monkeypatch.setattr(fleet_run, "_run_batch", dies_on_empty)
    run = parse_fleet(inputs, tmp_path / "out", processes=False, workers=1, batch=5, progress=False)
    assert run.tasks == 6
    status = dict(zip(run.inputs["source"], run.inputs["status"]))
    assert status == {"ok": "ok", "gone": "failed", "dir": "failed", "empty": "failed", "git": "ok"}
    assert run.inputs.set_index("source").loc["empty", "error"] == "the task failed on the cluster: RuntimeError: worker lost"
    assert dataset.read_table(run.out, "requests")["source"].tolist() == ["ok", "git", "git"]


def test_workers_that_cannot_load_the_task_code_are_a_clean_error_before_anything_is_cleared(tmp_path, monkeypatch):
    from gomodlab.fleet import run as fleet_run

    inputs = _logs(tmp_path)
    earlier = parse_fleet(inputs[:1], tmp_path / "out", processes=False, workers=1, progress=False)

    def no_gomodlab():
        raise ModuleNotFoundError("No module named 'gomodlab'")

    monkeypatch.setattr(fleet_run, "_load_task_modules", no_gomodlab)
    with pytest.raises(SourceError, match="the Dask workers cannot load gomodlab's fleet logs tasks: "
                                          "ModuleNotFoundError: No module named 'gomodlab'"):
        parse_fleet(inputs, tmp_path / "out", processes=False, workers=1, progress=False)
    assert dataset.read_inputs(earlier.out)["source"].tolist() == ["ok"]


def test_batches_spread_the_inputs_over_the_workers():
    from gomodlab.fleet.run import MAX_BATCH, batch_size

    assert [batch_size(n, w) for n, w in ((50, 1), (50, 2), (2001, 1), (2001, 2), (3, 2), (10**6, 2), (5, 0))] == \
        [25, 13, 401, 334, 1, MAX_BATCH, 3]


# ---------------------------------------------------------------------------------------------
# The CLI on a generated fleet (caches filled by the real go)

@pytest.fixture(scope="module")
def small_fleet(tmp_path_factory) -> fleetgen.FleetPlan:
    return fleetgen.generate(tmp_path_factory.mktemp("fleet") / "fleet", caches=8, logs=48, seed=3)


def _without(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    return df.drop(columns=list(cols)).reset_index(drop=True)


@pytest.mark.go
def test_fleet_scan_rows_are_the_single_scans_and_the_verdicts_find_the_plants(small_fleet, tmp_path, capsys):
    plan = small_fleet
    out = tmp_path / "scan.parquet"
    # Two worker processes of a real LocalCluster.
    code = main(["fleet", "scan", f"{plan.root}/runners/*/pkg/mod", "--gosum", plan.gosum, "--out", str(out),
                 "--workers", "2", "--no-progress"])
    cap = capsys.readouterr()
    assert code == 1, cap.err
    assert "8 cache(s) scanned" in cap.out and "1 failed" in cap.out
    broken = Path(plan.caches[-1])
    assert f"{plan.broken_cache}: {broken}: not a module cache" in cap.err
    inputs = dataset.read_inputs(out)
    assert inputs.loc[inputs["status"] == "failed", "source"].tolist() == [plan.broken_cache]
    findings, inventory = dataset.read_table(out, "findings"), dataset.read_table(out, "inventory")
    for cache in plan.caches[:-1]:
        source = Path(cache).parts[-3]
        alone = scan(cache, gosum=[plan.gosum], index=False, progress=False)
        pd.testing.assert_frame_equal(_without(inventory[inventory["source"] == source], "source"), alone.inventory())
        pd.testing.assert_frame_equal(_without(findings[findings["source"] == source], "source"),
                                      alone.findings_frame(), check_dtype=False)
    d = analysis.damage(findings, inventory)
    upstream = {(r.module, r.version, r.source_names) for r in d.itertuples(index=False) if r.verdict == "upstream"}
    assert upstream == {(m, v, ", ".join(r)) for m, v, r in plan.upstream}
    local = {(r.source_names, r.module, r.version) for r in d.itertuples(index=False) if r.verdict == "local"}
    assert local == {(r, m, v) for r, m, v, _ in plan.local}
    for m, v, _ in plan.upstream:
        assert any(line.startswith(f"{m}@{v}") and "upstream" in line for line in cap.out.splitlines())


@pytest.mark.go
def test_fleet_logs_rows_are_the_single_parses(small_fleet, tmp_path, capsys):
    plan = small_fleet
    out = tmp_path / "logs.parquet"
    code = main(["fleet", "logs", f"{plan.root}/logs/*/*.log", "--out", str(out), "--threads", "--workers", "2",
                 "--no-progress"])
    cap = capsys.readouterr()
    assert code == 1, cap.err
    assert f"{plan.broken_log}: No such file or directory" in cap.err
    assert plan.slow_proxy in cap.out and "WHY IT DIVERGES" in cap.out
    requests = dataset.read_table(out, "requests")
    inputs = dataset.read_inputs(out)
    assert len(inputs) == len(plan.logs)
    for source, path in zip(inputs["source"], inputs["input"]):
        if path == plan.broken_log:
            continue
        alone = xlog.parse(Path(path).read_bytes()).rename(columns={"source": "log_format"})
        mine = requests[requests["source"] == source]
        assert (mine["log_mtime"] == pd.Timestamp(Path(path).stat().st_mtime, unit="s", tz="UTC")).all()
        pd.testing.assert_frame_equal(_without(mine, "source", "log_mtime"), alone)
    slow = analysis.slow_proxies(requests)
    assert slow["proxy"].tolist() == [plan.slow_proxy] and slow["slow_since"].iloc[0] == plan.slow_from
    assert not math.isnan(slow["before_s"].iloc[0])


_FIRST_BATCH = """
import json, sys
import distributed  # a worker has it loaded
from gomodlab.fleet import dataset
from gomodlab.fleet.run import _load_task_modules, expand_inputs, parse_batch, scan_batch
plan = json.loads(sys.argv[1])
_load_task_modules()
before = set(sys.modules)
scan_batch(expand_inputs([plan["caches"]])[0], str(dataset.prepare(plan["out"] + "/s", "scan")), 0, (plan["gosum"],))
parse_batch(expand_inputs([plan["logs"]])[0], str(dataset.prepare(plan["out"] + "/l", "logs")), 0)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


@pytest.mark.go
def test_the_first_batch_on_a_worker_imports_nothing_the_start_up_did_not(small_fleet, tmp_path):
    import json
    import subprocess
    import sys

    plan = {"caches": f"{small_fleet.root}/runners/*/pkg/mod", "logs": f"{small_fleet.root}/logs/*/*.log",
            "gosum": small_fleet.gosum, "out": str(tmp_path)}
    res = subprocess.run([sys.executable, "-c", _FIRST_BATCH, json.dumps(plan)], capture_output=True, text=True,
                         check=True)
    # Left to the first batch: two small modules (the scan's process pool helper, standard library
    # only, and pyarrow's version parser), nothing worth loading ahead.
    assert set(json.loads(res.stdout)) <= {"gomodlab.cache._verify_pool", "pyarrow.vendored.version"}, res.stdout


def test_cli_errors_exit_2(tmp_path, capsys):
    assert main(["fleet", "logs", f"{tmp_path}/none/*.log", "--out", str(tmp_path / "o")]) == 2
    assert "no inputs: every pattern matched nothing" in capsys.readouterr().err
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "a").write_text("x")
    (tmp_path / "x.log").write_text("")
    assert main(["fleet", "logs", str(tmp_path / "x.log"), "--out", str(tmp_path / "keep")]) == 2
    assert "not a fleet run's output" in capsys.readouterr().err
    assert main(["fleet", "scan", str(tmp_path), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    assert "--workers 0" in capsys.readouterr().err
    assert main(["fleet", "logs", str(tmp_path / "x.log"), "--out", str(tmp_path / "o"), "--batch", "0"]) == 2
    assert "--batch 0: need at least 1 input per task" in capsys.readouterr().err
    assert main(["fleet", "scan", str(tmp_path), "--out", str(tmp_path / "o2"),
                 "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
