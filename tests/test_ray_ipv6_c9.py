"""``--ray-address`` with an IPv6 loopback address, ``[::1]:PORT``, as Ray writes one.

Before: the probe made before Ray starts took '[::1]' with its brackets for a host name and refused every such
address ('cannot reach the Ray cluster at '[::1]:PORT' (Name or service not known)'), where Ray itself joins
``[::1]`` as this machine's IPv4 address, as it joins ``localhost``. ``::1:PORT``, unbracketed, which Ray refuses
deep in its start, is refused in one line saying how to write it; ``ray://[::1]:PORT``, which Ray's client tries on
``::1`` alone, is refused naming the IPv4 address a cluster of ``ray start`` listens on.
"""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.executors import ray_setup

from .test_ray_cluster_lost_c9 import RAY_ENV, own_cluster

SETTINGS = bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])  # an HTTP/2 SETTINGS frame, empty: a gRPC server's first words


def _answer_as_grpc(server: socket.socket) -> None:
    while True:
        try:
            conn, _ = server.accept()
        except OSError:  # the test closed the socket
            return
        with conn:
            conn.sendall(SETTINGS)


def test_an_ipv6_loopback_address_is_probed_where_ray_joins_it():
    with socket.socket() as server:  # IPv4 only, as a cluster of 'ray start' listens
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        threading.Thread(target=_answer_as_grpc, args=(server,), daemon=True).start()
        ray_setup.check_reachable(f"[::1]:{port}")  # no refusal
        with pytest.raises(ConfigError) as client:
            ray_setup.check_reachable(f"ray://[::1]:{port}")
    assert str(client.value) == (
        f"cannot reach the Ray cluster at 'ray://[::1]:{port}' (Connection refused) (a cluster of 'ray start' listens "
        f"on IPv4: ray://127.0.0.1:{port}); start one with 'ray start --head' or fix --ray-address")


def test_an_unbracketed_ipv6_address_is_refused_saying_how_to_write_it():
    with pytest.raises(ConfigError) as refused:
        ray_setup.check_reachable("::1:6379")
    assert str(refused.value) == "--ray-address '::1:6379': write an IPv6 address in brackets, [::1]:6379"


def test_a_search_joins_a_loopback_cluster_at_its_ipv6_address(tmp_path, data_dir):
    env = {name: value for name, value in os.environ.items() if name != "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"}
    env.update(RAY_ENV, NASLOOP_DATA=str(data_dir))
    with own_cluster() as (port, _):
        cmd = [sys.executable, "-m", "nasloop.engine.cli", "search", "--strategy", "random", "--budget", "3",
               "--executor", "ray", "--ray-address", f"[::1]:{port}", "--run-dir", "run", "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(tmp_path / "run" / "nasloop.sqlite") as db:
        assert [row[0] for row in db.execute("SELECT status FROM trials")] == ["ok"] * 3
