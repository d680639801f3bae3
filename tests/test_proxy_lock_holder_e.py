"""``nasloop proxies --out FILE`` refused while another command writes FILE: the refusal names the holder.

Before: "FILE is being written by another 'nasloop proxies'" named no process, so the user could not tell which of
several commands (or machines) to wait for or stop."""
from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys

import pytest

from .test_proxy_precompute import CELLS, proxies

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.fixture()
def folder(image_table_folder):
    return image_table_folder


def _files(folder):
    """The archs file and the proxy file a running command writes (refused before any scoring: left empty)."""
    archs = folder / "archs.txt"
    archs.write_text(CELLS[0] + "\n")
    out = folder / "nb201-cifar10-proxies.csv"
    out.touch()
    return archs, out


def test_the_refusal_names_the_process_holding_the_file_and_its_host(folder, capsys):
    archs, out = _files(folder)
    with out.open("a") as held:  # what a running 'nasloop proxies' holds
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert proxies(folder, archs) == 2
    error = capsys.readouterr().err
    assert f"or stop it (process {os.getpid()} on {socket.gethostname()}) and run the same command again" in error
    assert error.count("\n") == 1, error


def test_a_holder_that_has_ended_is_named_as_such(folder, capsys):
    """The kernel keeps a lock while any process has the file open: a command that ended after starting one that
    inherited the file (a shell's background job) leaves its pid as the holder, which no longer exists."""
    archs, out = _files(folder)
    starter = ("import fcntl, subprocess, sys; f = open(sys.argv[1], 'a'); fcntl.flock(f.fileno(), fcntl.LOCK_EX); "
               "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], pass_fds=(f.fileno(),), "
               "stdout=subprocess.DEVNULL); print(p.pid, flush=True)")
    with subprocess.Popen([sys.executable, "-c", starter, str(out)], stdout=subprocess.PIPE, text=True) as proc:
        keeper = int(proc.stdout.readline())
    try:
        assert proxies(folder, archs) == 2
        error = capsys.readouterr().err
        assert (f"or stop it (a process started by process {proc.pid} on {socket.gethostname()}, which has ended, "
                "has the file open)") in error, error
    finally:
        os.kill(keeper, 9)
