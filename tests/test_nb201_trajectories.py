"""NB201 behaviour is unchanged by the plugin shape: the same seed gives the same search as before.

``tests/data/nb201_trajectories.json`` holds the evaluated architectures, in order, of searches
recorded with nasloop as it was before benchmarks, run contexts and space options existed
(commit 8ce2a16), run from a pristine checkout of that commit with seed 3 on the shipped NB201
table. Each is replayed here through today's API and must match step for step. (The
``predictor-topk`` + EmProx search states ``warmup: null`` since that strategy's default became
the zero-cost warm-up; it was recorded with a random start; it also states EmProx's defaults of
then, ``k: 10`` and ``finetune_weight: 0.8``; the evolution searches state ``dedup: false`` since
evolution's default became to drop children the search already proposed. The FLAN search was recorded again,
the same way, from today's code on a 2-core AVX-512 AMD EPYC, after FLAN's flows became per graph (b4f034d, a fix
that makes a cell's score its own whichever cells share its batch): its 12th pick moved. The Intel
machines that change was made on check that search's random start only, so it went unseen until a run on AMD. The
GP search was recorded again the same way after the GP's warm updates took their input scale from all their data
(95d8b30, which mends a clipped path count): its last two picks, in its third fitted batch, moved.)

The GP- and EmProx-guided searches turn on float rounding: recorded on one machine and replayed
on another (an AVX2-only AMD EPYC) they parted after 9 and 17 steps, old code and new alike. So
both the recording and every replay run in a fresh interpreter with the CPU code paths and the
thread count pinned (``PINNED``: torch's AVX2 kernels, MKL's AVX2 path, oneDNN capped at AVX2,
one thread); the recording was taken that way from the pristine 8ce2a16 on a 2-core AMD EPYC. The four guided
searches replay one after another in one such interpreter (``replayed``): each is seeded afresh and must match
its recording whatever ran before it, and their one start (torch, torch._dynamo that an optimizer loads, scipy.stats:
some 3 s of CPU) is paid once, not four times. The searches without a predictor compare table values alone, so they
replay in the test's own process.
On an AVX-512 EPYC the GP search still parted after 17 steps until numpy's and scipy's OpenBLAS
was pinned to its Haswell (AVX2) kernels too.

On an Intel Xeon (AVX-512) the same pins do not hold: the GP, EmProx and FLAN searches parted after
17, 8 and 13 steps, and no setting of MKL_CBWR and ONEDNN_MAX_CPU_ISA tried kept all three on the
recording (each setting moved where they parted, so the kernels of Intel's MKL and oneDNN round
differently from the AMD paths the recording took). These three are therefore replayed exactly
only on an AMD CPU, as CI's is. Elsewhere they are checked for what does not turn on rounding:
their random start (every ask before the first fit) matches the recording, and a second replay
in a fresh interpreter matches the first step for step."""
from __future__ import annotations

import inspect
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from nasloop.engine.config import SearchConfig
from nasloop.engine.registry import STRATEGIES
from nasloop.engine.search import search
from nasloop.engine.store import RunStore

RECORDED = json.loads((Path(__file__).parent / "data" / "nb201_trajectories.json").read_text())
PINNED = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2",
          "OPENBLAS_CORETYPE": "Haswell", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
ROUNDING_BOUND = ("bananas-gp", "topk-emprox", "topk-flan-warmup")
"""The searches measured to part from the recording on an Intel CPU under every pin tried."""
GUIDED = {name: recorded["config"] for name, recorded in RECORDED.items() if "predictor" in recorded["config"]}
"""The recorded searches with a predictor: their floats turn on the CPU's code paths."""
REPLAY = """
import json, sys
from nasloop.engine.config import SearchConfig
from nasloop.engine.search import search
from nasloop.engine.store import RunStore
data_dir, run_root, configs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
found = {}
for name, config in configs.items():
    run_dir = f"{run_root}/{name}"
    summary = search(SearchConfig(space="nb201", seed=3, data_dir=data_dir, run_dir=run_dir, **config))
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        found[name] = [trial.arch for trial in store.evaluations()]
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def replayed(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """What each guided search evaluates, in order: all of them replayed in one fresh pinned interpreter."""
    return _replay(GUIDED, data_dir, tmp_path_factory.mktemp("replays"))


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"),
                    reason="the recording pins x86 AVX2 code paths, which this CPU does not have")
@pytest.mark.parametrize("name", sorted(RECORDED))
def test_a_recorded_nb201_search_is_replayed_exactly(name, data_dir, tmp_path, request):
    recorded = RECORDED[name]
    guided = name in GUIDED  # the fixture only where needed: a search without a predictor starts no interpreter
    archs = request.getfixturevalue("replayed")[name] if guided else _replay_here(recorded["config"], data_dir,
                                                                                  tmp_path / "run")
    if name not in ROUNDING_BOUND or _cpu_vendor() == "AuthenticAMD":
        assert archs == recorded["archs"]
        return
    start = _random_start(recorded["config"])
    assert archs[:start] == recorded["archs"][:start]
    assert _replay({name: recorded["config"]}, data_dir, tmp_path / "again")[name] == archs


def _replay(configs: dict[str, dict], data_dir: Path, run_root: Path) -> dict[str, list[str]]:
    """The architectures each search evaluates, in order, by name: run one after another in a fresh interpreter
    with the CPU paths pinned."""
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", REPLAY, str(data_dir), str(run_root),
                           json.dumps(configs)],
                          env={**os.environ, **PINNED}, capture_output=True, text=True, timeout=600 * len(configs))
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _replay_here(config: dict, data_dir: Path, run_dir: Path) -> list[str]:
    """The architectures a search with no predictor evaluates, in order, run in this process: it compares table
    values and draws from its seed's generator, so no CPU path's rounding can move it, and a fresh interpreter
    only added its start."""
    summary = search(SearchConfig(space="nb201", seed=3, data_dir=str(data_dir), run_dir=str(run_dir), **config))
    with RunStore.in_run_dir(summary["run_dir"]) as store:
        return [trial.arch for trial in store.evaluations()]


def _cpu_vendor() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.is_file() else []
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("vendor_id")), "")


def _random_start(config: dict) -> int:
    """How many asks a guided search makes before its first fit: its ``num_init``, given or by default."""
    given = config.get("strategy_options", {}).get("num_init")
    if given is not None:
        return int(given)
    default = inspect.signature(STRATEGIES.get(config["strategy"])).parameters["num_init"].default
    return int(default)
