"""xlog on real ``go -x`` traces of GOPROXY=direct: a local git repository stands in for a remote
(git's ``url.<base>.insteadOf`` maps https://git.example.org/ to a file:// directory, offline)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from gomodlab.load import gotool
from gomodlab.net import logstats, xlog

pytestmark = [pytest.mark.go]

REMOTE = "https://git.example.org/repo"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=lab@example.com", "-c", "user.name=lab", *args], cwd=cwd,
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("direct")
    repo = base / "repos" / "repo"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "go.mod").write_text("module git.example.org/repo.git\n\ngo 1.21\n")
    (repo / "r.go").write_text("package repo\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    git(repo, "tag", "v1.0.0")
    gitconfig = base / "gitconfig"
    gitconfig.write_text(f'[url "{(base / "repos").as_uri()}/"]\n\tinsteadOf = https://git.example.org/\n'
                         '[protocol "file"]\n\tallow = always\n')
    env = gotool.isolated_env(base / "env", proxy="direct", flags="-modcacherw", GOPRIVATE="git.example.org",
                              GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1")
    work = base / "work"
    work.mkdir()
    (work / "go.mod").write_text("module example.com/main\n\ngo 1.21\n")
    first = gotool.run_go(["mod", "download", "-x", "git.example.org/repo.git@v1.0.0"], cwd=work, env=env)
    # Break the cached bare repository, then ask for a new tag: git exits 128 inside cache/vcs.
    vcs = Path(env["GOMODCACHE"]) / "cache" / "vcs" / hashlib.sha256(f"git3:{REMOTE}".encode()).hexdigest()
    (repo / "r.go").write_text("package repo\n\n// two\n")
    git(repo, "commit", "-qam", "two")
    git(repo, "tag", "v1.1.0")
    (vcs / "HEAD").write_text("garbage\n")
    second = gotool.run_go(["mod", "download", "-x", "git.example.org/repo.git@v1.1.0"], cwd=work, env=env)
    return {"first": first, "second": second, "vcs": str(vcs), "gomodcache": env["GOMODCACHE"]}


def test_fresh_clone_trace(direct):
    res = direct["first"]
    assert res.returncode == 0, res.stderr
    df = xlog.parse(res.stderr)
    assert df.attrs["skipped"] == 0
    vcs = direct["vcs"]
    ping = df.iloc[0]
    assert (ping["kind"], ping["directory"], ping["argv"]) == ("git", direct["gomodcache"], ("git", "ls-remote", REMOTE))
    assert ping["finished"] is pd.NA
    locks = df[df["kind"] == "lock"]
    assert locks["file"].tolist() == [vcs + ".lock"] and locks["remote"].tolist() == [REMOTE]
    mkdirs = df[df["argv"].map(lambda a: bool(a) and a[0] == "mkdir")]
    assert [a[2] for a in mkdirs["argv"]] == [str(Path(vcs).parent), vcs]
    cmds = df[df["directory"] == vcs]
    # Each "cd DIR; git …" was paired with its timed echo, in a -x trace go printed itself.
    assert len(cmds) >= 8 and (cmds["kind"] == "git").all()
    assert cmds["finished"].all() and cmds["duration_s"].notna().all() and cmds["end_line"].notna().all()
    assert (cmds["remote"] == REMOTE).all()
    logs = [a for a in cmds["argv"] if "log" in a]
    assert logs and all("--format=format:%H %ct %D" in a for a in logs)
    assert cmds["exit_status"].isna().all()
    cp = logstats.critical_path(df)
    assert cp.attrs["chain"] == vcs and cp.attrs["total_s"] == pytest.approx(cmds["duration_s"].sum())
    n_lines = len(res.stderr.splitlines())
    # Every line of the trace is accounted for: one row per start line, echo lines are the ends,
    # and the ping's "cd DIR" line belongs to the ping's row.
    assert len(df) + cmds["end_line"].notna().sum() + 1 == n_lines


def test_broken_vcs_checkout_exit_status_128(direct):
    res = direct["second"]
    assert res.returncode == 1 and "exit status 128" in res.stderr
    df = xlog.parse(res.stderr)
    assert (df["kind"] == "vcs-reuse").sum() == 1
    failed = df[df["exit_status"].notna()]
    assert len(failed) == 1
    row = failed.iloc[0]
    assert row["exit_status"] == 128 and row["directory"] == direct["vcs"] and row["remote"] == REMOTE
    assert row["argv"][:2] == ("git", "fetch")
    assert row["error"].startswith("exit status 128\nfatal: not a git repository")
