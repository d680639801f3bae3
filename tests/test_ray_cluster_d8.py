"""``search --executor ray --ray-address 127.0.0.1:PORT`` joining a cluster of ``ray start`` kept on loopback.

Before: Ray took 127.0.0.1 for the machine's outward address, where such a cluster does not listen, and the search
hung in ``ray.init`` for good, deaf to Ctrl-C, SIGTERM and ``timeout`` (only ``kill -9`` ended it); and the workers
of a cluster ``ray start`` began without ``$NASLOOP_DATA`` looked for the table in their cache alone, so a search
given its data folder by that variable stored every evaluation failed.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

_RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def loopback_cluster():
    """A one-CPU cluster of ``ray start --head`` on loopback, in a process group of its own, which the fixture
    stops by that group: ``ray stop`` would stop every Ray on the machine."""
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="/tmp/rd8-")  # Ray's socket paths must stay short
    env = {name: value for name, value in os.environ.items() if name != "NASLOOP_DATA"}
    env.update(_RAY_ENV, RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0")
    ray_cli = Path(sys.executable).with_name("ray")
    cmd = [str(ray_cli), "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--num-cpus=1",
           "--include-dashboard=false", "--object-store-memory=100000000", f"--temp-dir={temp}",
           f"--ray-client-server-port={_free_port()}", f"--dashboard-agent-listen-port={_free_port()}",
           "--disable-usage-stats"]
    start = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    try:
        out, _ = start.communicate(timeout=60)
        assert start.returncode == 0, out
        yield f"127.0.0.1:{port}"
    finally:
        try:
            os.killpg(start.pid, signal.SIGKILL)  # the cluster's processes: its group, never Ray's by name
        except ProcessLookupError:
            pass
        shutil.rmtree(temp, ignore_errors=True)


def test_a_search_joins_a_loopback_cluster_with_its_data_folder(loopback_cluster, tmp_path, data_dir):
    env = {name: value for name, value in os.environ.items() if name != "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"}
    env.update(_RAY_ENV, NASLOOP_DATA=str(data_dir))
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "nasloop.engine.cli", "search", "--strategy", "random", "--budget", "5",
           "--executor", "ray", "--ray-address", loopback_cluster, "--run-dir", str(run), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        statuses = [row[0] for row in db.execute("SELECT status FROM trials")]
    assert statuses == ["ok"] * 5


def test_a_search_without_ray_address_starts_its_own_ray_beside_a_started_cluster(tmp_path, data_dir):
    """A ``ray start`` leaves its address in Ray's temp folder (``ray_current_cluster``), which ``ray.init()`` joins;
    the search asked that cluster for CPUs and failed in Ray's words. Here the file names a cluster that is gone."""
    temp = tempfile.mkdtemp(prefix="/tmp/rd8-")  # Ray's socket paths must stay short
    try:
        Path(temp, "ray").mkdir()
        Path(temp, "ray", "ray_current_cluster").write_text("127.0.0.1:1")
        env = {**os.environ, **_RAY_ENV, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_TMPDIR": temp}
        run = tmp_path / "run"
        cmd = [sys.executable, "-m", "nasloop.engine.cli", "search", "--strategy", "random", "--budget", "3",
               "--executor", "ray", "--executor-opt", "object_store_memory=100000000", "--data-dir", str(data_dir),
               "--run-dir", str(run), "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90, env=env, cwd=tmp_path)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(run / "nasloop.sqlite") as db:
        assert [row[0] for row in db.execute("SELECT status FROM trials")] == ["ok"] * 3


def test_an_address_where_another_service_listens_is_refused_in_one_line(tmp_path, data_dir):
    """An HTTP server's port given as the cluster: Ray retried it for over 12 minutes, unstoppable but by
    ``kill -9``."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"127.0.0.1:{server.getsockname()[1]}"
        answering = threading.Thread(target=_answer_as_http, args=(server,), daemon=True)
        answering.start()
        cmd = [sys.executable, "-m", "nasloop.engine.cli", "search", "--budget", "3", "--executor", "ray",
               "--ray-address", address, "--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run")]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={**os.environ, **_RAY_ENV})
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"nasloop search: error: '{address}' answers, but not as a Ray cluster does (no gRPC): another service's "
        "port? give the port 'ray start --head' printed (its --port, 6379 by default) to --ray-address"]


def _answer_as_http(server: socket.socket) -> None:
    """Answer each connection as an HTTP/1 server answers what it cannot parse."""
    while True:
        try:
            conn, _ = server.accept()
        except OSError:  # the test closed the socket
            return
        with conn:
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
