"""A driver whose joined cluster has gone shuts Ray down, and is not ended by Ray 60 s later ('Failed to connect to
GCS within 60 seconds', exit 1) in ``ray.shutdown``.

Ray's log thread asks the GCS which autoscaler the cluster runs the first time it prints the autoscaler's events (a
dying cluster's last ones among them), and the question waits for the GCS with no deadline; ``ray.shutdown`` joins
that thread. Caught in a study under load (2 in 48), the driver's stack: the main thread in ``disconnect`` joining
the log thread, that one in ``is_autoscaler_v2`` → ``InternalKVAccessor::Get``. Here the event is handed to Ray's
log dispatch (what the log thread does with each batch it receives) while the GCS is held stopped (SIGSTOP), so the
question, on the old code, is always asked of a GCS that cannot answer; the cluster is then killed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .test_ray_cluster_lost_c9 import _env
from .test_ray_cluster_lost_e16 import _cluster, _cluster_processes

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds the cluster's processes in /proc")

EVENT = "Resized to 2 CPUs"
"""An autoscaler event's line: an autoscaler v2 cluster's log thread prints only the events it parses, and drops
this one after asking, which is all that counts here."""

DRIVER = """
import sys
from ray._private import worker
from nasloop.engine.executors.ray_cluster_watch import joined_cluster_watch, lost_after_s
from nasloop.engine.executors.ray_setup import import_ray, init_ray, shutdown_ray

address = sys.argv[1]
ray = import_ray(local=False)
init_ray(ray, address=address, logging_level="WARNING")
joined_cluster_watch(ray, address, lost_after_s())  # as a search or a study does once it has joined
print("joined", flush=True)
sys.stdin.readline()  # the GCS is stopped
print("dispatching", flush=True)
worker.global_worker_stdstream_dispatcher.emit({"ip": "127.0.0.1", "localhost": "127.0.0.1", "pid": "autoscaler",
                                               "job": "", "is_err": False, "lines": [sys.argv[2]]})
sys.stdin.readline()  # the cluster is gone
shutdown_ray(ray)
print("shut down", flush=True)
"""


def test_a_driver_shuts_down_a_lost_cluster_whose_last_autoscaler_event_it_prints():
    with _cluster() as (port, _, temp):
        driver = subprocess.Popen([sys.executable, "-c", DRIVER, f"127.0.0.1:{port}", EVENT], env=_env(),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert driver.stdout.readline() == "joined\n", driver.communicate(timeout=120)
            processes = _cluster_processes(temp)
            gcs = [pid for pid, (_, cmdline) in processes.items() if "gcs_server" in cmdline]
            assert gcs, processes
            for pid in gcs:
                os.kill(pid, signal.SIGSTOP)
            driver.stdin.write("go\n")
            driver.stdin.flush()
            assert driver.stdout.readline() == "dispatching\n", driver.communicate(timeout=120)
            for pid in processes:
                os.kill(pid, signal.SIGKILL)
            driver.stdin.write("go\n")
            driver.stdin.flush()
            out, errors = driver.communicate(timeout=180)  # Ray ends a driver stuck on the GCS after 60 s
        finally:
            if driver.poll() is None:
                driver.kill()
                driver.communicate()
    assert driver.returncode == 0, errors
    assert out.endswith("shut down\n"), out
