"""Files written atomically get the mode an ordinary open() would give them, and a killed writer's temporary file is swept."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from extractors.atomic import atomic_write_bytes


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda m: os.umask(m)
    os.umask(old)


@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    target = tmp_path / "t" / "table.csv"
    atomic_write_bytes(target, b"a,b\n")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == b"a,b\n"


def test_a_replaced_file_keeps_its_mode(tmp_path, umask):
    target = tmp_path / "report.html"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic_write_bytes(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_sweep_removes_temporary_files_of_dead_writers_only(tmp_path):
    import subprocess
    import sys

    from extractors.atomic import sweep_dead_temps

    folder = tmp_path / "cache" / "ab"
    folder.mkdir(parents=True)
    # a writer that died after creating its temporary file, as a killed run does
    code = ("import os, tempfile, sys; "
            "fd, p = tempfile.mkstemp(dir=sys.argv[1], prefix=f'.ab12.pkl.{os.getpid()}.', suffix='.tmp'); "
            "os.write(fd, b'half'); print(p)")
    dead = Path(subprocess.run([sys.executable, "-c", code, str(folder)], check=True,
                               capture_output=True, text=True).stdout.strip())
    live = folder / f".cd34.pkl.{os.getpid()}.abcdefgh.tmp"
    live.write_bytes(b"being written")
    unnamed = folder / ".legacy.tmp"
    unnamed.write_bytes(b"no pid in the name")
    entry = folder / "ab12.pkl"
    entry.write_bytes(b"finished")

    assert sweep_dead_temps(tmp_path / "cache") == 1
    assert not dead.exists()
    assert live.exists() and unnamed.exists() and entry.exists()


def test_atomic_write_names_its_temporary_file_with_the_writer_pid(tmp_path, monkeypatch):
    import tempfile

    from extractors.atomic import atomic_write_bytes

    seen = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        seen.append(Path(name).name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    atomic_write_bytes(tmp_path / "t.bin", b"x")
    assert seen and f".{os.getpid()}." in seen[0]
    assert (tmp_path / "t.bin").read_bytes() == b"x"
