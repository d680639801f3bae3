"""``--ray-address`` naming a port where a service accepts the connection and stays silent (a database awaiting
its client's first packet): the gRPC probe's read timed out, and the address was called unreachable, the user told
to start a cluster with 'ray start --head', though something answers there. It is named as another service's
port, as an HTTP server's is."""
from __future__ import annotations

import socket

import pytest

from nasloop.engine.errors import ConfigError
from nasloop.engine.executors import ray_setup


def test_a_port_that_accepts_and_stays_silent_is_named_as_no_ray_cluster(monkeypatch):
    monkeypatch.setattr(ray_setup, "_CONNECT_TIMEOUT_S", 0.5)  # the probe's wait; 5 s in use
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()  # the kernel completes the connection; nothing ever answers it
        address = f"127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(ConfigError) as refused:
            ray_setup.check_reachable(address)
    assert str(refused.value).startswith(f"'{address}' answers, but not as a Ray cluster does (no gRPC)")
    assert "cannot reach" not in str(refused.value)


def test_a_closed_port_is_still_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: the connection is refused
        with pytest.raises(ConfigError, match=f"cannot reach the Ray cluster at '127.0.0.1:{port}'"):
            ray_setup.check_reachable(f"127.0.0.1:{port}")
