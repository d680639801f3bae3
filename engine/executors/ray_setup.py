"""Starting or joining Ray, and the checks made before it: what the Ray executor and Ray studies share.

Ray is imported only here, when an executor or a study asks for it: ``import nasloop`` never starts it.
"""
from __future__ import annotations

import math
import os
import signal
import socket
import sys
import threading
from contextlib import ExitStack, contextmanager, suppress
from types import ModuleType
from typing import Any, Iterator

from ..data.paths import ENV_VAR as _DATA_ENV_VAR, SENDER_ENV_VAR as SENDER_DATA_ENV_VAR
from ..errors import ConfigError
from ..held_imports import imported
from ..process_values import callers_value, environment_set, set_for_block
from ..user_dirs import expand_user
from .base import sigterm_caught_elsewhere
from .ray_cluster_watch import shutdown_flush_bounded, split_host_port
from .ray_lean import USAGE_STATS_SWITCH, unused_head_processes_left_out
from .ray_reaper import ray_stopped, report_started, watch_local_ray

# A local Ray we start needs no auth token (a file in the home directory) and stays on 127.0.0.1.
# The loopback switch is read when ray is imported, and the driver and the processes it spawns
# must agree on it, so it is set only if we are the ones importing ray.
# A local Ray's raylet starts each worker in a process group of its own (Ray 2.60's default, for killing a worker's
# children with it). The watcher kills the raylet's group when the search is killed outright, so workers in groups of
# their own outlived a ``kill -9`` by up to 30 s (those still starting wait that long for the dead raylet); kept in
# the raylet's group, they go with it. What that setting is for, killing a worker's child processes as it exits, has
# nothing to do here: nasloop's trials start none. It is said in the environment the raylet reads it from, which a
# Ray without the setting (before 2.50: setup.cfg takes 2.40) ignores; given as ray.init's _system_config, such a
# Ray's GCS refused it ('Received unexpected config parameter') and every local Ray failed to start.
# The raylet also starts as many idle workers as the Ray has CPUs when the driver connects (Ray's
# prestart_worker_first_driver), for tasks to come; nasloop starts its actors (or a study's tasks) itself, each
# getting a worker as it is made, so a search of fewer workers than the machine's cores started an idle worker for
# each core over (half a second of a core each) that nothing ever used. Said in the environment for the same reason.
_LOCAL_RAY_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_process_group_cleanup_enabled": "0",
                  "RAY_prestart_worker_first_driver": "0"}
_LOOPBACK_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
# Ray's native failure-signal handler, off in this process only (read when ray is imported, and set again while
# init_ray builds the core worker, for a Ray imported before nasloop; the processes Ray starts keep theirs).
# Installed as Ray builds its core worker, it took a SIGTERM as a crash until the next handler replaced it: it
# printed a native stack dump and armed an alarm that aborted the process 3 s later, whatever Python made of the
# signal. A native crash of this process still ends it with the crash's status.
_FAILURE_SWITCH = "RAY_DISABLE_FAILURE_SIGNAL_HANDLER"
_CONNECT_TIMEOUT_S = 5.0  # Ray itself retries an unreachable address for minutes
_STARTING_RAY: set[int] = set()  # the thread whose ray.init is starting a local Ray's processes now


def _leave_the_commands_group() -> None:
    """In a process forked (with a ``preexec_fn``, as Ray starts each of its own) by a thread starting a local Ray:
    lead a process group of its own, out of the command's. A SIGTERM to the command's group (``timeout``, ``kill
    -TERM -PGID``) reached Ray's GCS, raylet and autoscaler with the search's own process: the
    autoscaler, dying, sent 'The autoscaler failed ... Terminated with signal 15' and its stack, which the search
    printed; the raylet, dying, made the search exit 1 with no line of its own, or fail to start in Ray's native
    stack dump. Ray already blocks SIGINT in them for the same reason; the search now takes them down itself,
    through ``ray.shutdown``. Killed outright (SIGKILL), the kernel ends those Ray started, and the watcher
    (:mod:`.ray_reaper`), told each group here, kills the raylet's agents, which outlived it by a minute."""
    if threading.get_ident() in _STARTING_RAY:
        with suppress(OSError):
            os.setpgid(0, 0)
            report_started()


if os.name == "posix":  # elsewhere there are no process groups to leave
    os.register_at_fork(after_in_child=_leave_the_commands_group)


class _ThreadBlocks(threading.local):
    """The blocks (an ExitStack of :func:`.process_values.environment_set`'s) in which the variables :func:`import_ray`
    of this thread's search put into ``os.environ`` are set, where the caller's environment lacked them: ended once
    the Ray they were for is down (:func:`give_back_environment`), so a script's or notebook's environment is its own
    again after a search, as its torch generator is. A search imports Ray and shuts it down in its own thread; of
    overlapping ones (a script's threads), the last one done takes them out."""

    def __init__(self) -> None:
        self.blocks = ExitStack()


_SET_FOR_RAY = _ThreadBlocks()
_imported_on_loopback = False  # this process imported ray with the loopback switch set: a Ray it starts later must
# get the switch again, since its processes read it from the environment and the driver read it once, at the import


def import_ray(local: bool) -> ModuleType:
    """Import ray, first pinning a cluster we start ourselves to loopback. Where this process's Ray is up already
    (started by the caller, or by a search still running), nothing is set, and nothing stays set where one is up once
    ray is imported: no Ray starts to read it."""
    global _imported_on_loopback
    running = "ray" in sys.modules and sys.modules["ray"].is_initialized()
    first = "ray" not in sys.modules
    wanted = {} if running else {**(_LOCAL_RAY_ENV if local else {}), USAGE_STATS_SWITCH: "0"}
    if local and not running and (first or _imported_on_loopback):
        wanted.update(_LOOPBACK_ENV)
    with ExitStack() as set_now:  # this call's blocks, left where the import fails or a Ray is up once it is done
        for name, value in wanted.items():  # a Ctrl-C held through one block is raised as it ends: the earlier go too
            set_now.enter_context(environment_set(name, value))
        try:  # the failure switch for this process's import alone: the processes Ray starts keep their handler
            with environment_set(_FAILURE_SWITCH, "1"):
                ray = imported("ray")  # seconds, mid-search, with a Ctrl-C held (see held_imports)
        finally:
            if first and local and "ray" in sys.modules:  # imported, also where a Ctrl-C held through it is raised
                _imported_on_loopback = all(os.environ.get(name) == value for name, value in _LOOPBACK_ENV.items())
        if not ray.is_initialized():  # else another thread's Ray came up meanwhile: the search joins it, none starts
            _SET_FOR_RAY.blocks.enter_context(set_now.pop_all())
    return ray


def give_back_environment() -> None:
    """Take out of ``os.environ`` what :func:`import_ray` of this thread set there for a Ray now down (once no
    overlapping search's Ray needs it); a variable the caller has set to a value of its own meanwhile is the
    caller's, and stays."""
    _SET_FOR_RAY.blocks.close()


def init_ray(ray: ModuleType, **kwargs: Any) -> None:
    """``ray.init(**kwargs)``, which Ctrl-C and SIGTERM stop as an interrupt, taking down the part of Ray already
    started (its dashboard and runtime-env agents were left running, orphaned).

    An interrupt that arrives while ``ray.init`` runs is held, not raised, and raised once Ray is up and shut down
    again: raised inside Ray's start, it could cut short the construction of Ray's native core worker, and the
    process crashed as it exited (a segfault after its one line; for SIGTERM an abort after Ray's native stack dump).
    A held Ctrl-C says so in one line, since Ray's start takes seconds; a second one is raised at once (the user
    insists: Ray's start may hang), at the risk of that crash. Where Python drops what a handler raises, in a
    finalizer or a fork hook (Ray's start runs many), it printed 'Exception ignored in ... KeyboardInterrupt' and the
    command went on; the first interrupt is held, and a later one dropped there is dropped quietly: the command stops
    once Ray is up, as for one. Ray's own SIGTERM handler for its start (``sys.exit(15)``) is left out (see
    :func:`_ray_sigterm_handler_left_out`). A command started with an interrupt ignored keeps ignoring it, and one
    started off the main thread (where no handler can be set) has none held."""
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        if held:
            _raise_interrupt(signum)
        held.append(signum)
        if signum == signal.SIGINT:  # a SIGTERM comes from no one watching the terminal
            with suppress(OSError, ValueError, RuntimeError):  # stderr closed, or a write it cut short: not worth
                print(_HOLD_NOTICE, file=sys.stderr, flush=True)  # an exception inside Ray's start

    def dropped(unraisable: Any) -> None:
        if not (held and isinstance(unraisable.exc_value, KeyboardInterrupt)):  # not one hold raised: still held
            report(unraisable)

    main = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)} if main else {}
    for sig, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(sig, hold)
    report = sys.unraisablehook
    if previous:
        sys.unraisablehook = dropped
    try:
        if kwargs.get("address") is None:  # a local Ray's processes are ours to keep out of the command's group
            watch_local_ray()  # and to stop if this process is killed outright
            _STARTING_RAY.add(threading.get_ident())
        with _ray_sigterm_handler_left_out(), _failure_signal_handler_left_out(), _kept_on_loopback(kwargs), \
                unused_head_processes_left_out(kwargs), shutdown_flush_bounded(kwargs):
            ray.init(**{**kwargs, "address": kwargs.get("address") or _NEW_LOCAL_RAY})
        if held:
            _raise_interrupt(held[0])
    except BaseException as exc:
        with suppress(Exception):  # nothing more can be done about a half-started Ray than its own cleanup
            _stop_half_started_node(exc)
            ray.shutdown()
        ray_stopped()
        give_back_environment()
        if isinstance(exc, SystemExit) and exc.code == signal.SIGTERM:  # Ray's start-up handler, where not left out
            sigterm_caught_elsewhere()  # raises Terminated, recorded as SIGTERM's
        raise
    finally:
        _STARTING_RAY.discard(threading.get_ident())
        for sig, handler in previous.items():  # None: a handler set outside Python, which cannot be put back
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        sys.unraisablehook = report


def shutdown_ray(ray: ModuleType) -> None:
    """``ray.shutdown()`` of a Ray this process started or joined; the watcher of a local one leaves with it, and the
    variables set for it leave the environment."""
    try:
        ray.shutdown()
    finally:
        ray_stopped()
        give_back_environment()


_NEW_LOCAL_RAY = "local"
"""Ray's address for a Ray of our own: with none, Ray joined the cluster a ``ray start`` had left on the machine
(``/tmp/ray/ray_current_cluster``), so a search without ``--ray-address`` failed ('When connecting to an existing
cluster, num_cpus and num_gpus must not be provided') and a study's runs went to that cluster, unsaid."""
_HOLD_NOTICE = "nasloop: stopping as soon as Ray has started (Ctrl-C again stops at once)"


def _raise_interrupt(signum: int) -> None:
    """Raise the interrupt ``signum`` stands for: SIGTERM as the command records it elsewhere, Ctrl-C as itself."""
    if signum == signal.SIGTERM:
        sigterm_caught_elsewhere()  # raises Terminated, recorded as SIGTERM's
    raise KeyboardInterrupt


@contextmanager
def _ray_sigterm_handler_left_out() -> Iterator[None]:
    """Within the block, Ray's start installs no SIGTERM handler of its own (it does, in the main thread, through
    ``ray._private.utils.set_sigterm_handler``). Its handler (``sys.exit(15)``) replaced the one :func:`init_ray`
    holds interrupts with, and raised SystemExit wherever Ray's start was, its native core worker's construction
    included. It is Ray's private function (setup.cfg allows Ray from 2.40): a Ray without it is left as it is, and
    its handler's SystemExit(15) is still taken for the SIGTERM it stands for (:func:`init_ray`)."""
    utils = imported("ray._private.utils")

    if getattr(utils, "set_sigterm_handler", None) is None:
        yield
        return
    with set_for_block(utils, "set_sigterm_handler", _left_out):
        yield


@contextmanager
def _failure_signal_handler_left_out() -> Iterator[None]:
    """Within the block, Ray builds its core worker without its native failure-signal handler, also where Ray was
    imported before nasloop (a notebook, a script): the switch :func:`import_ray` sets is read into Ray's private
    ``ray_constants`` when Ray is imported, and read from there as the core worker is built, so a SIGTERM in that
    build still printed Ray's native stack dump above the search's line. A Ray without that constant is left as it
    is (the switch still works where nasloop imports Ray)."""
    ray_constants = imported("ray._private.ray_constants")

    if getattr(ray_constants, _FAILURE_SWITCH, None) is None:
        yield
        return
    with set_for_block(ray_constants, _FAILURE_SWITCH, True):
        yield


@contextmanager
def _kept_on_loopback(kwargs: dict[str, Any]) -> Iterator[None]:
    """Within the block, Ray joins a cluster that answers on loopback only there. Ray takes 127.0.0.1 or localhost
    in an address (and in the one ``auto`` finds) for this machine's outward address, where a cluster started on
    loopback (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 ray start --head``, as the setup notes say) does not listen:
    ``ray.init`` retried that address for ever, in native code that neither Ctrl-C, SIGTERM nor ``timeout`` could
    stop. Where the outward address does not answer and loopback does, Ray's switch (private, read as it connects)
    is turned to loopback for the join; a cluster listening on every interface is joined as Ray resolves it."""
    ray_constants, services = imported("ray._private.ray_constants"), imported("ray._private.services")

    address = kwargs.get("address")
    if address is None or address.startswith("ray://") or not callers_value(ray_constants, "ENABLE_RAY_CLUSTER"):
        yield
        return
    resolved = services.canonicalize_bootstrap_address(address)
    host, _, port = (resolved or "").rpartition(":")
    if host != services.get_node_ip_address() or _answers(host, port) or not _answers("127.0.0.1", port):
        yield
        return
    with set_for_block(ray_constants, "ENABLE_RAY_CLUSTER", False):
        yield


def _answers(host: str, port: str) -> bool:
    """Whether something accepts a connection at ``host:port`` within a second (this machine's own addresses)."""
    try:
        socket.create_connection((host, int(port)), timeout=1.0).close()
    except (OSError, ValueError):
        return False
    return True


def _left_out(handler: object) -> None:
    """Ray's SIGTERM handler for its start, not installed (see :func:`_ray_sigterm_handler_left_out`)."""


def _stop_half_started_node(exc: BaseException) -> None:
    """Stop the processes of a Ray node whose start ``exc`` cut short, and the agents its raylet started: they ran on,
    orphaned (about 150 MB), since ``ray.shutdown`` knows only a node that has finished starting, and a raylet
    stopped before it registered leaves its agents behind."""
    psutil = imported("psutil")  # Ray's own dependency (its node module imports it)
    Node = imported("ray._private.node").Node

    tb = exc.__traceback__
    while tb is not None and not isinstance(tb.tb_frame.f_locals.get("self"), Node):
        tb = tb.tb_next
    if tb is None:
        return
    node = tb.tb_frame.f_locals["self"]
    started: list[psutil.Process] = []
    for infos in node.all_processes.values():
        for info in infos:
            with suppress(psutil.Error):
                started += psutil.Process(info.process.pid).children(recursive=True)
    node.kill_all_processes(check_alive=False, allow_graceful=True)
    for process in started:
        with suppress(psutil.Error):
            process.terminate()
    _, alive = psutil.wait_procs(started, timeout=5)
    for process in alive:
        with suppress(psutil.Error):
            process.kill()


def first_line(error: BaseException) -> str:
    """Ray's errors span many lines; the store keeps the first one that says something."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else 'no details'}"


def slots_allowed(resources: dict[str, float], cpus: float, gpus: float) -> int:
    """How many trials of this size fit in the cluster's total resources."""
    fits = [math.floor(resources.get(name, 0.0) / need + 1e-9) for name, need in (("CPU", cpus), ("GPU", gpus))
            if need > 0]
    return min(fits) if fits else 0


def check_reachable(address: str) -> None:
    """Fail in seconds, not minutes, when a ``host:port`` or ``ray://host:port`` address does not answer."""
    if address == "auto":  # Ray finds the local cluster itself and fails at once if there is none
        return
    host, port = split_host_port(address.removeprefix("ray://"))
    if not host or not port.isdigit():
        raise ConfigError(f"--ray-address must be auto, HOST:PORT or ray://HOST:PORT, got '{address}'")
    if not 0 < int(port) < 2**16:  # the probe took port 99999 as another (99999 % 65536) and said it was refused
        raise ConfigError(f"--ray-address '{address}': port {port} is out of range; a port is 1 to 65535 (the one "
                          "'ray start --head' printed, 6379 by default)")
    if ":" in host and not address.removeprefix("ray://").startswith("["):  # Ray refused it deep in its start
        raise ConfigError(f"--ray-address '{address}': write an IPv6 address in brackets, [{host}]:{port}")
    client = address.startswith("ray://")
    try:
        sock = _connect(host, int(port), client)
    except OSError as exc:
        on_ipv4 = client and host == "::1"  # Ray's client tries ::1 alone
        ipv4 = f" (a cluster of 'ray start' listens on IPv4: ray://127.0.0.1:{port})" if on_ipv4 else ""
        raise ConfigError(f"cannot reach the Ray cluster at '{address}' ({exc.strerror or exc}){ipv4}; start one "
                          "with 'ray start --head' or fix --ray-address") from None
    with sock:
        grpc = os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true") or _speaks_grpc(sock)  # TLS: unprobed
    if not grpc:
        raise ConfigError(f"'{address}' answers, but not as a Ray cluster does (no gRPC): another service's port? "
                          "give the port 'ray start --head' printed (its --port, 6379 by default) to --ray-address")


def _connect(host: str, port: int, client: bool) -> socket.socket:
    """A connection to ``host:port`` (an IPv6 host without its brackets: the probe read '[::1]' as a host name, 'Name
    or service not known'). Ray joins ``[::1]`` as this machine's IPv4 address (as it joins ``localhost``), where a
    cluster of ``ray start`` listens, so that is tried where ``::1`` does not answer; Ray's ``client`` (``ray://``)
    connects to ``::1`` itself ('ray client connection timeout' where nothing listens there)."""
    try:
        return socket.create_connection((host, port), timeout=_CONNECT_TIMEOUT_S)
    except OSError:
        if host != "::1" or client:
            raise
    return socket.create_connection(("127.0.0.1", port), timeout=_CONNECT_TIMEOUT_S)


_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])  # and an empty SETTINGS


def _speaks_grpc(sock: socket.socket) -> bool:
    """Whether the server on ``sock`` answers an HTTP/2 client's first words with its SETTINGS frame, as Ray's GCS
    and client server (gRPC) do: Ray retried an address where another service listens for minutes (12 and more
    here), in native code that neither Ctrl-C, SIGTERM nor ``timeout`` could stop. A gRPC server sends SETTINGS as
    a connection opens, so one silent past the socket's timeout, or resetting the connection, is no Ray cluster
    either: it answered the connection (a database awaiting its own client's first packet), and was called
    unreachable, the user told to start a cluster."""
    header = b""
    try:
        sock.sendall(_HTTP2_PREFACE)
        while len(header) < 4:
            chunk = sock.recv(4 - len(header))
            if not chunk:
                return False
            header += chunk
    except OSError:  # socket.timeout included
        return False
    return header[3] == 4  # the frame's type: SETTINGS


def worker_options(address: str | None) -> dict[str, Any]:
    """Ray options that give the workers of a joined cluster this command's ``$NASLOOP_DATA`` (made absolute) as a
    folder to look in after their node's own: they run in the environment ``ray start`` had, so a search given its
    data folder that way alone found no table there and stored every run of it failed ('not found (looked in
    ~/.cache/nasloop)'). Given as ``$NASLOOP_DATA`` itself, it replaced the variable of every node, so a node whose
    data lies elsewhere (its own disk, set in its own ``ray start``'s environment) looked in a folder of the
    driver's machine alone. A local Ray's workers inherit the variable."""
    folder = os.environ.get(_DATA_ENV_VAR)
    if address is None or not folder:
        return {}
    return {"runtime_env": {"env_vars": {SENDER_DATA_ENV_VAR: os.path.abspath(expand_user(folder))}}}
