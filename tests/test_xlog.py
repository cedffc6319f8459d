"""xlog: go -x traces and GOPROXY access logs → one DataFrame; the analyses over it."""

from __future__ import annotations

import io
import json
import math
import textwrap
from contextlib import redirect_stdout

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodlab.net import logstats, xlog
from gomodlab.cli import main as cli_main
from gomodlab.errors import SourceError

P = "http://127.0.0.1:8081"
S = "http://127.0.0.1:8082/slow"


def log(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def go_quote_arg(arg: str) -> str:
    """codehost.Run's quoting (modfetch/codehost/codehost.go), to build traces as go prints them."""
    if "'" in arg:
        esc = arg.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
        return f'"{esc}"'
    if any(c in arg for c in "$`\\*?[\"\t\n\v\f\r \u0085\u00a0"):
        return f"'{arg}'"
    return arg


INTERLEAVED = log(f"""
    go: downloading example.com/a v1.0.0
    # get {P}/example.com/a/@v/v1.0.0.mod
    # get {P}/example.com/%21upper/@v/v1.2.0.mod
    # get {P}/example.com/%21upper/@v/v1.2.0.mod: 404 Not Found (0.004s)
    # get {S}/example.com/%21upper/@v/v1.2.0.mod
    # get {P}/example.com/a/@v/v1.0.0.mod: 200 OK (0.012s)
    # get {S}/example.com/%21upper/@v/v1.2.0.mod: 200 OK (0.251s)
    # get {P}/example.com/b/@v/v2.0.0+incompatible.info
    # get {P}/example.com/b/@v/v2.0.0+incompatible.info: 500 Internal Server Error (0.020s)
    # get {P}/example.com/c/@v/list
    # get {P}/example.com/c/@v/list: Get "{P}/example.com/c/@v/list": EOF
    # get {P}/example.com/d/@latest
    # get {P}/example.com/e/@v/v0.1.0.zip: 410 Gone (0.002s)
    /usr/lib/go/pkg/tool/linux_amd64/compile -o $WORK/b001/_pkg_.a -trimpath "$WORK/b001=>" -p main ./main.go
""")


def test_interleaved_requests_pair_start_and_end():
    df = xlog.parse(INTERLEAVED)
    assert (df["kind"] == "http").all() and (df["source"] == "x").all()
    got = df[["url", "status_code", "status", "duration_s", "start_line", "end_line"]].astype(object).where(df.notna(), None)
    rows = [tuple(r) for r in got.itertuples(index=False)]
    assert rows == [
        (f"{P}/example.com/a/@v/v1.0.0.mod", 200, "200 OK", 0.012, 2, 6),
        (f"{P}/example.com/%21upper/@v/v1.2.0.mod", 404, "404 Not Found", 0.004, 3, 4),
        (f"{S}/example.com/%21upper/@v/v1.2.0.mod", 200, "200 OK", 0.251, 5, 7),
        (f"{P}/example.com/b/@v/v2.0.0+incompatible.info", 500, "500 Internal Server Error", 0.020, 8, 9),
        (f"{P}/example.com/c/@v/list", None, "", None, 10, 11),
        (f"{P}/example.com/d/@latest", None, "", None, 12, None),
        (f"{P}/example.com/e/@v/v0.1.0.zip", 410, "410 Gone", 0.002, None, 13),
    ]
    assert df.loc[4, "error"] == f'Get "{P}/example.com/c/@v/list": EOF'
    assert df["finished"].tolist() == [True, True, True, True, True, False, True]
    assert df["module"].tolist() == ["example.com/a", "example.com/Upper", "example.com/Upper", "example.com/b",
                                     "example.com/c", "example.com/d", "example.com/e"]
    assert df["version"].tolist() == ["v1.0.0", "v1.2.0", "v1.2.0", "v2.0.0+incompatible", "", "", "v0.1.0"]
    assert df["endpoint"].tolist() == ["mod", "mod", "mod", "info", "list", "latest", "zip"]
    assert df["proxy"].tolist() == [P, P, S, P, P, P, P]
    assert df.attrs["skipped"] == 0 and df.attrs["lines"] == 14


def test_dtypes_are_stable_and_empty_input_has_all_columns():
    empty = xlog.parse("")
    full = xlog.parse(INTERLEAVED)
    assert list(empty.columns) == list(xlog.COLUMNS) == list(full.columns)
    for col in ("status_code", "start_line", "end_line", "exit_status", "bytes"):
        assert str(full[col].dtype) == "Int64" == str(empty[col].dtype)
    assert str(full["finished"].dtype) == "boolean"
    assert str(full["time"].dtype) == "datetime64[ns, UTC]" == str(empty["time"].dtype)
    assert full["duration_s"].dtype == "float64"


def test_same_url_requested_twice_pairs_first_in_first_out():
    u = f"{P}/example.com/a/@v/list"
    df = xlog.parse(f"# get {u}\n# get {u}\n# get {u}: 200 OK (0.100s)\n# get {u}: 503 Service Unavailable (0.200s)\n")
    assert df["start_line"].tolist() == [1, 2]
    assert df["end_line"].tolist() == [3, 4]
    assert df["status_code"].tolist() == [200, 503]


@pytest.mark.parametrize("url, want", [
    (f"{P}/example.com/a/@v/list", (P, "example.com/a", "", "list")),
    (f"{P}/example.com/a/@latest", (P, "example.com/a", "", "latest")),
    (f"{P}/golang.org/x/mod/@v/v0.17.0.zip", (P, "golang.org/x/mod", "v0.17.0", "zip")),
    ("https://goproxy.example.com/api/go/remote/github.com/%21azure/go-%21sdk/@v/v1.0.0-%21r%21c1.info",
     ("https://goproxy.example.com/api/go/remote", "github.com/Azure/go-Sdk", "v1.0.0-RC1", "info")),
    ("https://proxy.golang.org/gopkg.in/yaml.v3/@v/v3.0.1.mod", ("https://proxy.golang.org", "gopkg.in/yaml.v3", "v3.0.1", "mod")),
    ("http://127.0.0.1:1/example.com/@v/list", ("http://127.0.0.1:1", "example.com", "", "list")),
    ("/nf/example.com/x/@v/v1.0.0.mod", ("/nf", "example.com/x", "v1.0.0", "mod")),
    ("https://proxy.golang.org/sumdb/sum.golang.org/supported", ("https://proxy.golang.org", "", "", "sumdb")),
    ("https://proxy.golang.org/sumdb/sum.golang.org/lookup/example.com/a@v1.0.0",
     ("https://proxy.golang.org", "example.com/a", "v1.0.0", "sumdb")),
    ("https://git.example.org/repo?go-get=1", ("", "git.example.org/repo", "", "go-get")),
    ("https://example.com/favicon.ico", ("", "", "", "")),
    (f"{P}/example.com/a/@v/v1.0.0.tar", ("", "", "", "")),
])
def test_split_url(url, want):
    assert xlog.split_url(url) == want


def test_split_url_known_bases_settle_dotted_proxy_paths():
    url = "https://host.example/v1.0/example.com/m/@v/list"
    assert xlog.split_url(url)[:2] == ("https://host.example", "v1.0/example.com/m")
    assert xlog.split_url(url, ["https://host.example/v1.0"])[:2] == ("https://host.example/v1.0", "example.com/m")
    df = xlog.parse(f"# get {url}\n", proxies=["https://host.example/v1.0"])
    assert df.loc[0, "module"] == "example.com/m"


# Go's own -x output for GOPROXY=direct (reference §6.4: codehost.WorkDir and codehost.Run).
VCS = "/home/u/go/pkg/mod/cache/vcs/c14655bef5424057de26016a828434cfefb51f8bfbfcc9c51cac010271e4c88d"
DIRECT = log(f"""
    # get https://git.example.org/repo?go-get=1
    # get https://git.example.org/repo?go-get=1: 200 OK (0.120s)
    cd /home/u/go/pkg/mod
    git ls-remote https://git.example.org/repo
    mkdir -p /home/u/go/pkg/mod/cache/vcs # git3 https://git.example.org/repo
    # lock {VCS}.lock
    mkdir -p {VCS} # git3 https://git.example.org/repo
    cd {VCS}; git ls-remote -q --end-of-options https://git.example.org/repo
    0.007s # cd {VCS}; git ls-remote -q --end-of-options https://git.example.org/repo
    cd {VCS}; git init --bare --object-format=sha1
    cd {VCS}; git -c log.showsignature=false log --no-decorate -n1 '--format=format:%H %ct %D' --end-of-options abc --
    0.004s # cd {VCS}; git init --bare --object-format=sha1
    0.003s # cd {VCS}; git -c log.showsignature=false log --no-decorate -n1 '--format=format:%H %ct %D' --end-of-options abc --
    cd {VCS}; git fetch -f --end-of-options origin 'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*'
    1.503s # cd {VCS}; git fetch -f --end-of-options origin 'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*'
    cd {VCS}; git cat-file --end-of-options blob abc:go.mod
    go: git.example.org/repo.git@v1.0.0: invalid version: git fetch -f --end-of-options origin refs/heads/*:refs/heads/* refs/tags/*:refs/tags/* in {VCS}: exit status 128:
    \tfatal: could not read Username for 'https://git.example.org': terminal prompts disabled
    Confirm the import path was entered correctly.
""")


def test_direct_mode_git_commands_locks_and_exit_status():
    df = xlog.parse(DIRECT)
    assert df["kind"].tolist() == ["http", "git", "command", "lock", "command", "git", "git", "git", "git", "git"]
    http = df.iloc[0]
    assert (http["endpoint"], http["module"], http["status_code"]) == ("go-get", "git.example.org/repo", 200)
    ping = df.iloc[1]
    assert ping["directory"] == "/home/u/go/pkg/mod"
    assert ping["argv"] == ("git", "ls-remote", "https://git.example.org/repo")
    assert ping["finished"] is pd.NA and math.isnan(ping["duration_s"])
    lock = df.iloc[3]
    assert lock["file"] == VCS + ".lock" and lock["remote"] == "https://git.example.org/repo"
    mk = df.iloc[4]
    assert mk["argv"] == ("mkdir", "-p", VCS) and mk["remote"] == "https://git.example.org/repo"
    cmds = df[df["directory"] == VCS]
    assert cmds["duration_s"].tolist()[:4] == [0.007, 0.004, 0.003, 1.503]
    assert (cmds["remote"] == "https://git.example.org/repo").all()
    log_cmd = cmds.iloc[2]
    assert log_cmd["argv"][6] == "--format=format:%H %ct %D"
    fetch = cmds.iloc[3]
    assert fetch["argv"][-2:] == ("refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*")
    assert fetch["exit_status"] == 128
    assert fetch["error"] == ("exit status 128\nfatal: could not read Username for 'https://git.example.org': "
                              "terminal prompts disabled")
    unfinished = cmds.iloc[4]
    assert unfinished["finished"] is False or unfinished["finished"] == False  # noqa: E712
    assert unfinished["exit_status"] is pd.NA
    assert df.attrs["skipped"] == 0


def test_vcs_reuse_line_and_signal_exit():
    text = log(f"""
        # lock {VCS}.lock
        # {VCS} for git3 https://git.example.org/repo
        cd {VCS}; git tag -l
        go: example: git tag -l in {VCS}: signal: killed
    """)
    df = xlog.parse(text)
    assert df["kind"].tolist() == ["lock", "vcs-reuse", "git"]
    assert df.loc[1, "file"] == VCS and df.loc[1, "remote"] == "https://git.example.org/repo"
    assert df.loc[0, "remote"] == "https://git.example.org/repo"
    assert df.loc[2, "error"] == "signal: killed" and df.loc[2, "exit_status"] is pd.NA


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)),
                        min_size=1, max_size=12), min_size=1, max_size=6))
def test_go_quoting_round_trips(args):
    text = " ".join(go_quote_arg(a) for a in args)
    assert xlog.split_command(f"cd /tmp/w x; {text}") == ("/tmp/w x", tuple(args))
    # The timed echo carries the same text and is paired with its start line.
    df = xlog.parse(f"cd /d; {text}\n0.250s # cd /d; {text}\n")
    assert len(df) == 1 and df.loc[0, "argv"] == tuple(args) and df.loc[0, "duration_s"] == 0.25


def test_ci_prefixes_crlf_and_noise_are_handled():
    u = f"{P}/example.com/a/@v/v1.0.0.zip"
    text = (f"2024-05-01T12:00:00.1234567Z # get {u}\r\n"
            "2024-05-01T12:00:00.2Z go: downloading example.com/a v1.0.0\r\n"
            f"#12 3.456 # get {u}: 200 OK (0.033s)\r\n"
            "#12 3.457 # ignoring directory /src/testdata for now\r\n"
            "cat >$WORK/b001/importcfg << 'EOF' # internal\r\n"
            "# import config\r\n"
            "packagefile fmt=/x/fmt.a\r\n"
            "EOF\r\n"
            f"[2024-05-01T12:00:01Z] cd {VCS}; git tag -l\r\n"
            f"12:00:01.5 0.002s # cd {VCS}; git tag -l\r\n"
            f"2024-05-01T12:00:02Z go: example.com/r@v1.0.0: git tag -l in {VCS}: exit status 128:\r\n"
            "2024-05-01T12:00:02Z \tfatal: bad object\r\n")
    df = xlog.parse(text)
    assert df["kind"].tolist() == ["http", "git"]
    assert (df.loc[0, "url"], df.loc[0, "status_code"], df.loc[0, "duration_s"]) == (u, 200, 0.033)
    assert df.loc[1, "duration_s"] == 0.002 and df.loc[1, "argv"] == ("git", "tag", "-l")
    assert df.loc[1, "exit_status"] == 128 and df.loc[1, "error"] == "exit status 128\nfatal: bad object"


ACCESS_CLF = log("""
    127.0.0.1 - - [10/Oct/2024:13:55:36 -0700] "GET /example.com/a/@v/list HTTP/1.1" 200 7
    127.0.0.1 - - [10/Oct/2024:13:55:37 -0700] "GET /example.com/%21b/@v/v1.0.0.zip HTTP/1.1" 404 - "-" "Go-http-client/1.1"
    10.0.0.1 - bob [10/Oct/2024:13:55:38 +0000] "GET /nf/example.com/a/@v/v1.0.0.info HTTP/1.1" 500 12 "-" "Go-http-client/1.1" rt=0.250
    127.0.0.1 - - [01/Jan/2024 10:00:00] "GET /example.com/a/@v/v1.0.0.mod HTTP/1.1" 200 -
    127.0.0.1 - - [01/Jan/2024 10:00:01] "HEAD /example.com/a/@v/v1.0.0.mod HTTP/1.1" 405 0 "-" "curl" 12ms
""")


def test_common_and_combined_access_logs():
    df = xlog.parse(ACCESS_CLF, base="http://proxy.test:9")
    assert (df["source"] == "access").all()
    assert df["url"].tolist()[:2] == ["http://proxy.test:9/example.com/a/@v/list",
                                      "http://proxy.test:9/example.com/%21b/@v/v1.0.0.zip"]
    assert df["status_code"].tolist() == [200, 404, 500, 200, 405]
    assert df["method"].tolist() == ["GET", "GET", "GET", "GET", "HEAD"]
    assert df["module"].tolist() == ["example.com/a", "example.com/B", "example.com/a", "example.com/a", "example.com/a"]
    assert df["proxy"].tolist()[2] == "http://proxy.test:9/nf"
    assert df["bytes"].tolist()[:2] == [7, pd.NA] or pd.isna(df["bytes"][1])
    assert df["duration_s"].tolist()[2] == 0.25 and df["duration_s"].tolist()[4] == pytest.approx(0.012)
    assert df.loc[0, "time"] == pd.Timestamp("2024-10-10T20:55:36Z")
    assert df.loc[3, "time"] == pd.Timestamp("2024-01-01T10:00:00Z")


def test_json_access_logs_lab_and_caddy_style():
    lab = {"time": "2024-05-01T10:00:00.500000Z", "proxy": P, "remote": "127.0.0.1:5", "method": "GET",
           "path": "/example.com/a/@v/v1.0.0.info", "status": 200, "delay_s": 0.05, "bytes": 50,
           "duration_s": 0.051, "fault": ""}
    stall = dict(lab, path="/example.com/a/@v/v1.0.0.zip", status=None, delay_s=1.0, duration_s=1.0, fault="stall")
    caddy = {"ts": 1714557600.25, "request": {"method": "GET", "uri": "/example.com/c/@latest", "host": "x"},
             "status": 404, "duration": 0.0021, "size": 9}
    text = "\n".join(json.dumps(r) for r in (lab, stall, caddy)) + "\n[1, 2]\n{not json\n"
    df = xlog.parse(text)
    assert df["url"].tolist() == [f"{P}/example.com/a/@v/v1.0.0.info", f"{P}/example.com/a/@v/v1.0.0.zip",
                                  "/example.com/c/@latest"]
    assert df.loc[0, "delay_s"] == 0.05 and df.loc[0, "bytes"] == 50 and df.loc[0, "duration_s"] == 0.051
    assert df.loc[1, "fault"] == "stall" and df.loc[1, "status_code"] is pd.NA and df.loc[1, "error"]
    assert df.loc[2, "endpoint"] == "latest" and df.loc[2, "status_code"] == 404
    assert df.loc[2, "time"] == pd.Timestamp(1714557600.25, unit="s", tz="UTC")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    df = xlog.parse(text)
    assert list(df.columns) == list(xlog.COLUMNS)


FRAGMENTS = st.sampled_from([
    "# get ", "# get http://h/example.com/a/@v/v1.0.0.mod", ": ", "200 OK", " (0.010s)", "(", "s)", "404",
    "cd /d; ", "cd ", "git ", "'", '"', "\\", "0.001s # ", "# lock ", " for git3 ", "mkdir -p ", " # ",
    "{", "}", '"status": 200', '"path": "/x"', "[", "]", "%21", "@v/", "@latest", ": exit status 128", "\t",
    "\n", "\r\n", "é", "\x00", "2024-05-01T12:00:00Z ", "#1 0.1 ",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_trace_like_garbage_never_raises(text):
    df = xlog.parse(text)
    assert df.attrs["skipped"] >= 0
    logstats.latency_summary(df)
    logstats.fallbacks(df)
    logstats.critical_path(df)
    logstats.timeline(df)


LATE_GET = f"{DIRECT}# get {P}/example.com/z/@v/list\n# get {P}/example.com/z/@v/list: 200 OK (0.010s)\n"
SAMPLES = st.sampled_from([INTERLEAVED, DIRECT, ACCESS_CLF, LATE_GET, "", "nothing from go\n"])


def test_requests_and_commands_come_in_line_order():
    df = xlog.parse(LATE_GET)
    assert df["start_line"].tolist() == sorted(df["start_line"]) and df["kind"].iloc[-1] == "http"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(SAMPLES, st.lists(FRAGMENTS, max_size=30).map("".join)), max_size=6))
def test_a_log_batch_is_each_log_parsed_alone_one_after_another(texts):
    batch = xlog.LogBatch(base="http://proxy.test:9")
    assert [batch.add(t) for t in texts] == batch.counts
    alone = [xlog.parse(t, base="http://proxy.test:9") for t in texts]
    assert batch.counts == [len(df) for df in alone]
    assert batch.lines == [df.attrs["lines"] for df in alone] and batch.skipped == [df.attrs["skipped"] for df in alone]
    got = batch.frame()
    nonempty = [df for df in alone if len(df)]
    want = pd.concat(nonempty, ignore_index=True) if nonempty else xlog.parse("")
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True))


FALLBACK_LOG = log(f"""
    # get {P}/example.com/a/@v/v1.0.0.info
    # get {P}/example.com/h/@v/v1.0.0.info
    # get {P}/example.com/a/@v/v1.0.0.info: 200 OK (0.010s)
    # get {P}/example.com/h/@v/v1.0.0.info: 404 Not Found (0.010s)
    # get {S}/example.com/h/@v/v1.0.0.info
    # get {S}/example.com/h/@v/v1.0.0.info: 200 OK (0.100s)
    # get {P}/example.com/h/@v/v1.0.0.mod
    # get {P}/example.com/h/@v/v1.0.0.mod: 410 Gone (0.010s)
    # get {S}/example.com/h/@v/v1.0.0.mod
    # get {S}/example.com/h/@v/v1.0.0.mod: 200 OK (0.100s)
    # get {P}/example.com/e/@v/v1.0.0.info
    # get {P}/example.com/e/@v/v1.0.0.info: 500 Internal Server Error (0.030s)
    # get {S}/example.com/e/@v/v1.0.0.info
    # get {S}/example.com/e/@v/v1.0.0.info: 404 Not Found (0.100s)
    # get {P}/example.com/x/@v/v1.0.0.zip
""")


def test_fallbacks_and_summary():
    df = xlog.parse(FALLBACK_LOG)
    w = logstats.fallbacks(df)
    rows = {(m, e): r for m, e, r in zip(w["module"], w["endpoint"], w.itertuples(index=False))}
    assert rows[("example.com/a", "info")].attempts == (P,) and rows[("example.com/a", "info")].served_by == P
    h = rows[("example.com/h", "info")]
    assert h.attempts == (P, S) and h.statuses == (404, 200) and h.served_by == S and h.fell_back
    assert h.time_s == pytest.approx(0.11)
    e = rows[("example.com/e", "info")]
    # go reports the real error (500), not the later 404 (modfetch.TryProxies).
    assert (e.outcome, e.failure, e.served_by) == ("error", "500", "")
    assert rows[("example.com/x", "zip")].failure == "no response"
    s = logstats.fallback_summary(df)
    assert s.to_dict("records") == [
        {"module": "example.com/h", "version": "v1.0.0", "from_proxy": P, "to_proxy": S,
         "endpoints": ("info", "mod"), "statuses": ((404,), (410,))},
        {"module": "example.com/e", "version": "v1.0.0", "from_proxy": P, "to_proxy": "",
         "endpoints": ("info",), "statuses": ((500, 404),)},
    ]


def test_latency_summary_counts_and_percentiles():
    df = xlog.parse(FALLBACK_LOG)
    s = logstats.latency_summary(df)
    p_info = s.loc[(P, "info")]
    assert (p_info["requests"], p_info["ok"], p_info["not_found"], p_info["errors"]) == (3, 1, 1, 1)
    assert p_info["error_rate"] == pytest.approx(1 / 3)
    assert p_info["p50_s"] == pytest.approx(0.010) and p_info["max_s"] == pytest.approx(0.030)
    p_zip = s.loc[(P, "zip")]
    assert (p_zip["requests"], p_zip["timeouts"], p_zip["errors"]) == (1, 1, 1)
    by_proxy = logstats.latency_summary(df, by=["proxy"], percentiles=[50])
    assert by_proxy.loc[S, "requests"] == 3 and by_proxy.loc[S, "p50_s"] == pytest.approx(0.1)


def test_critical_path_and_timeline():
    df = xlog.parse(FALLBACK_LOG)
    cp = logstats.critical_path(df)
    assert cp.attrs["chain"] == "example.com/h@v1.0.0"
    assert cp.attrs["total_s"] == pytest.approx(0.22)
    assert cp["cum_s"].tolist() == pytest.approx([0.01, 0.11, 0.12, 0.22])
    t = logstats.timeline(df)
    # Each end is its start plus the duration, and never before an earlier line's event.
    fin = t[t["finished"].fillna(False).astype(bool)]
    assert ((fin["t_end"] - fin["t_start"]) >= fin["duration_s"] - 1e-9).all()
    assert t.loc[t["url"] == f"{S}/example.com/h/@v/v1.0.0.info", "t_start"].item() == pytest.approx(0.010)
    assert logstats.critical_path(xlog.parse("")).attrs["total_s"] == 0.0


def test_cli_logs_formats(tmp_path):
    f = tmp_path / "x.log"
    f.write_text(INTERLEAVED + DIRECT)
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["logs", str(f), "--format", "json"]) == 0
    rows = json.loads(out.getvalue())
    assert {"url", "status_code", "duration_s", "module", "version", "endpoint"} <= set(rows[0])
    assert rows[0]["status_code"] == 200 and rows[0]["module"] == "example.com/a"
    git = [r for r in rows if r["kind"] == "git" and r["exit_status"] == 128]
    assert git and git[0]["argv"][0] == "git"
    for fmt in ("table", "csv"):
        out = io.StringIO()
        with redirect_stdout(out):
            assert cli_main(["logs", str(f), "--format", fmt]) == 0
        assert "example.com/%21upper" in out.getvalue()
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["logs", str(f), "--summary"]) == 0
    assert "example.com/Upper@v1.2.0" in out.getvalue() and "Critical path" in out.getvalue()
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["logs", str(f), "--summary", "--format", "json"]) == 0
    assert json.loads(out.getvalue())["critical_path"]["chain"]


def test_cli_logs_missing_file_is_a_clean_error(tmp_path, capsys):
    assert cli_main(["logs", str(tmp_path / "nope.log")]) == 2
    assert "nope.log" in capsys.readouterr().err


def test_parse_reads_paths_bytes_and_text(tmp_path):
    f = tmp_path / "go-x.log"
    f.write_text(INTERLEAVED)
    for source in (f, str(f), INTERLEAVED, INTERLEAVED.encode()):
        assert len(xlog.parse(source)) == 7
    assert len(xlog.parse(f"# get {P}/example.com/a/@v/list")) == 1
    # A str names a file only if it exists (any text parses); a Path must exist.
    assert len(xlog.parse(str(tmp_path / "no-such.log"))) == 0
    with pytest.raises(SourceError, match="no-such.log"):
        xlog.parse(tmp_path / "no-such.log")
