"""Files written atomically get the mode an ordinary open() would give them."""
from __future__ import annotations

import os
import stat

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
