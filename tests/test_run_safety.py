"""The command line under adverse conditions, each through the real CLI in a
fresh process: a DuckDB file held by another process, an output folder held
by another run, a read-only and a full output folder, an article that cannot
be read.  Every expected failure is one line, never a traceback, with the
exit code the README documents."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.slow


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, CLAIMCHECK_STATE_DIR=str(tmp_path / "state"), PREFECT_HOME=str(tmp_path / "prefect"))
    env.pop("PREFECT_API_URL", None)
    env.update(extra)
    return env


def _case(tmp_path: Path) -> Path:
    case_dir = tmp_path / "local"
    if not case_dir.exists():
        shutil.copytree(FIXTURES / "cases" / "local", case_dir)
    return case_dir


def _run_args(tmp_path: Path, case_dir: Path, out: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "run", "--case", str(case_dir), "--out", str(out),
            "--store", str(tmp_path / "store"), "--quiet", *more]


def _cli(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)


def _child(code: str, *args: str) -> subprocess.Popen:
    """A Python child that prints 'ready' once it holds what *code* takes."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def _run_while_held(hold: str, held: Path, tmp_path: Path, case_dir: Path, out: Path, **env: str
                    ) -> tuple[subprocess.CompletedProcess, int]:
    """``claimcheck run`` while a child running *hold* holds *held*;
    returns the run and the holder's pid."""
    holder = _child(hold, str(held))
    try:
        return _cli(_run_args(tmp_path, case_dir, out), _env(tmp_path, **env)), holder.pid
    finally:
        _stop(holder)


def _no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]


def _one_error_line(proc: subprocess.CompletedProcess, code: int) -> str:
    """The run ended with exit *code* and said why in exactly one line on stderr."""
    assert proc.returncode == code, proc.stdout[-2000:] + proc.stderr[-2000:]
    _no_traceback(proc)
    errors = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(errors) == 1, errors
    return errors[0]


def _published_runs(case_out: Path) -> set[str]:
    """The run folder every published file resolves to (one run, never a mix)."""
    runs = set()
    for p in case_out.iterdir():
        if p.is_file() and p.is_symlink():
            runs.add(p.resolve().parent.name)
    return runs


# ----------------------------------------------------------------- database held by another process

HOLD_DB = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "con.execute('CREATE TABLE IF NOT EXISTS analyst_notes (a INTEGER)')\n"
    "print('ready', flush=True)\n"
    "time.sleep(300)\n"
)


def test_held_database_is_retried_then_skipped_and_outputs_publish_together(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    out.mkdir()
    db = out / "claimcheck.duckdb"
    first, _ = _run_while_held(HOLD_DB, db, tmp_path, case_dir, out, CLAIMCHECK_DB_BUSY_WAIT="2")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    _no_traceback(first)
    lines = (first.stdout + first.stderr).splitlines()
    assert lines.count("database busy: tables written, database not updated") == 1
    case_out = out / "local"
    manifest = json.loads((case_out / "run.json").read_text())
    assert manifest["database"] == "busy"
    assert _published_runs(case_out) == {manifest["run_id"]}
    con = duckdb.connect(str(db), read_only=True)
    try:  # the analyst's database is as they left it
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    assert tables == {"analyst_notes"}

    # the next run, with the file free, loads the database and publishes itself whole
    second = _cli(_run_args(tmp_path, case_dir, out), _env(tmp_path))
    assert second.returncode == 0, second.stderr[-3000:]
    assert "database busy" not in second.stdout + second.stderr
    manifest2 = json.loads((case_out / "run.json").read_text())
    assert manifest2["run_id"] != manifest["run_id"] and manifest2["database"] == "updated"
    assert _published_runs(case_out) == {manifest2["run_id"]}
    assert (case_out / "runs" / manifest["run_id"] / "run.json").exists()  # the earlier run is kept
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM claims WHERE case_id = 'local'").fetchone()[0] == \
            manifest2["counts"]["claims"]
    finally:
        con.close()


# ----------------------------------------------------------------- output folder held by another run

HOLD_LOCK = (
    "import sys, time\n"
    "from extractors.outputlock import output_lock\n"
    "with output_lock(sys.argv[1], wait=0, command='claimcheck run (test holder)'):\n"
    "    print('ready', flush=True)\n"
    "    time.sleep(300)\n"
)


def test_second_run_on_a_held_output_folder_says_who_holds_it(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    proc, holder_pid = _run_while_held(HOLD_LOCK, out, tmp_path, case_dir, out, CLAIMCHECK_LOCK_WAIT="1")
    error = _one_error_line(proc, 4)
    assert error.startswith("output folder busy: ")
    assert f"pid {holder_pid} on {socket.gethostname()}" in error and "waited 1 s" in error
    assert not (out / "local").exists()  # nothing was written


# ----------------------------------------------------------------- read-only and full output folders


def _unshare_prefix() -> list[str]:
    """A private mount namespace (as root, or as a mapped root user)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) is not installed: cannot mount a private file system")
    for prefix in (["unshare", "--mount", "--map-root-user"], ["unshare", "--mount"]):
        probe = subprocess.run([*prefix, "true"], capture_output=True)
        if probe.returncode == 0:
            return prefix
    pytest.skip("no private mount namespace here (unprivileged user namespaces are off)")


def _with_tmpfs(mount_point: Path, options: str, args: list[str]) -> list[str]:
    script = 'mount -t tmpfs -o "$1" claimcheck-test "$2" && shift 2 && exec "$@"'
    return [*_unshare_prefix(), "sh", "-c", script, "sh", options, str(mount_point), *args]


def test_read_only_output_folder_is_refused_before_any_work(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    out.mkdir()
    proc = _cli(_with_tmpfs(out, "ro,size=1m", _run_args(tmp_path, case_dir, out)), _env(tmp_path),
                timeout=120)
    error = _one_error_line(proc, 2)
    assert error.startswith(f"error: output folder {out} is not writable (Read-only file system)")
    assert "--out" in error
    assert not (tmp_path / "store").exists()  # nothing fetched
    assert not (tmp_path / "prefect").exists()  # Prefect not even started


def test_full_output_disk_is_one_line_naming_the_file(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    out.mkdir()
    proc = _cli(_with_tmpfs(out, "size=64k", _run_args(tmp_path, case_dir, out)), _env(tmp_path))
    error = _one_error_line(proc, 1)
    assert error.startswith(f"disk full while writing {out}/local/runs/")
    assert "free space" in error


# ----------------------------------------------------------------- the article itself cannot be read


def _edit_article(case_dir: Path, value: str) -> None:
    toml = case_dir / "case.toml"
    text = toml.read_text(encoding="utf-8").replace('article = "article.txt"', f"article = {value}")
    toml.write_text(text, encoding="utf-8")


def test_refused_article_path_is_shown_and_exits_3(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    shutil.copy(case_dir / "article.txt", tmp_path / "outside.txt")
    _edit_article(case_dir, '"../outside.txt"')
    proc = _cli(_run_args(tmp_path, case_dir, out), _env(tmp_path))
    assert proc.returncode == 3, proc.stdout[-2000:] + proc.stderr[-2000:]
    _no_traceback(proc)
    err = " ".join(proc.stderr.split())
    assert err.startswith("article: failed: ") and "refused: path '../outside.txt'" in err
    assert "nothing was checked" in proc.stderr
    manifest = json.loads((out / "local" / "run.json").read_text())
    assert manifest["article"]["status"] == "failed"


def test_watch_exits_3_like_run_when_the_article_is_refused(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    shutil.copy(case_dir / "article.txt", tmp_path / "outside.txt")
    _edit_article(case_dir, '"../outside.txt"')
    args = [sys.executable, "-m", "flows.cli", "watch", "--case", str(case_dir), "--out", str(out),
            "--store", str(tmp_path / "store")]
    proc = _cli(args, _env(tmp_path))
    assert proc.returncode == 3, proc.stdout[-2000:] + proc.stderr[-2000:]
    _no_traceback(proc)
    assert "article: failed: " in proc.stderr and "nothing was checked" in proc.stderr
    assert "warning: warning:" not in proc.stderr


def test_unreachable_article_url_exits_3(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _edit_article(case_dir, f'"http://127.0.0.1:{port}/article.txt"')
    proc = _cli(_run_args(tmp_path, case_dir, out, "--allow-private-addresses"),
                _env(tmp_path, CLAIMCHECK_RETRIES="0"))
    assert proc.returncode == 3, proc.stdout[-2000:] + proc.stderr[-2000:]
    _no_traceback(proc)
    assert "article: failed: " in proc.stderr and "cannot connect" in proc.stderr


def test_oversized_article_is_refused_with_the_setting_named(tmp_path):
    case_dir, out = _case(tmp_path), tmp_path / "out"
    proc = _cli(_run_args(tmp_path, case_dir, out), _env(tmp_path, CLAIMCHECK_MAX_ARTICLE_BYTES="200"))
    assert proc.returncode == 3, proc.stdout[-2000:] + proc.stderr[-2000:]
    _no_traceback(proc)
    err = " ".join(proc.stderr.split())
    size = (case_dir / "article.txt").stat().st_size
    assert f"article: failed: article is {size} bytes, over max_article_bytes=200 bytes" in err
    assert "CLAIMCHECK_MAX_ARTICLE_BYTES" in err


def test_missing_or_empty_article_is_refused_by_run_and_validate(tmp_path):
    case_dir = _case(tmp_path)
    article = case_dir / "article.txt"
    for setup, message in (("empty", "file 'article.txt' is empty"), ("missing", "not found next to the case file")):
        if setup == "empty":
            article.write_bytes(b"")
        else:
            article.unlink()
        for command in ("validate", "run"):
            proc = _cli([sys.executable, "-m", "flows.cli", command, "--case", str(case_dir)], _env(tmp_path),
                        timeout=120)
            assert proc.returncode == 2, proc.stderr
            err = " ".join(proc.stderr.split())
            assert "field 'article'" in err and message in err, (setup, command, err)
            _no_traceback(proc)
