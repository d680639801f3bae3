"""A proxy or hardware file that nasloop reads as it is, copied under a benchmark's table name, is named for what it is.

NAS-Bench-Suite-Zero's NB201 proxy CSV or HW-NAS-Bench's hardware CSV saved as ``nasbench201_all.csv.gz`` was
refused as 'not a format of the nb201 benchmark' with no word of what it was (no benchmark imports those files), and
under the TransNAS or NB301 file's name as 'corrupt or truncated, fetch it again'. The fixtures are small files in
the public formats (the shared data's headers and key encodings), written under ``tmp_path``.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from nasloop.engine.cli import main

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

PROXIES = ("synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "plain", "l2_norm", "zen",
           "flops", "params")
HW = ("edgegpu_latency", "edgegpu_energy", "raspi4_latency", "edgetpu_latency", "pixel3_latency", "eyeriss_latency",
      "eyeriss_energy", "eyeriss_arithmetic_intensity", "fpga_latency", "fpga_energy")
ARCH = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
TABLE_NAMES = {"nb201": "nasbench201_all.csv.gz", "nb101": "nasbench101_30k.json.gz",
               "tnb101-micro": "transnas101_val.json.gz", "tnb101-macro": "transnas101_val.json.gz",
               "darts": "zc_proxies_partial.json.gz", "nds-darts": "DARTS.json.gz"}


def _csv(path: Path, header: list[str], row: list[object]) -> None:
    with gzip.open(path, "wt") as fh:
        fh.write(",".join(header) + "\n" + ",".join(map(str, row)) + "\n")


def _nb201_proxies(path: Path) -> None:
    """``nb201_zc_proxies.csv.gz``: index, arch_str, then each proxy on cifar10 and on imagenet16."""
    columns = [f"{p}_{d}" for d in ("cifar10", "imagenet16") for p in PROXIES]
    _csv(path, ["index", "arch_str", *columns], [0, ARCH, *(1.5 for _ in columns)])


def _hardware(path: Path) -> None:
    """``nb201_hw_metrics.csv.gz``: index, arch_str, then each metric on cifar10, cifar100 and imagenet16."""
    columns = [f"{m}_{d}" for d in ("cifar10", "cifar100", "imagenet16") for m in HW]
    _csv(path, ["index", "arch_str", *columns], [0, ARCH, *(2.5 for _ in columns)])


def _tnb_proxies(path: Path) -> None:
    """``tnb101_micro_zc_proxies_class_scene.csv.gz``: tnb_arch_str, naslib_op_indices, the 13 proxies."""
    _csv(path, ["tnb_arch_str", "naslib_op_indices", *PROXIES], ["64-41414-3_33_333", '"(3,3,3,3,3,3)"',
                                                                   *(0.5 for _ in PROXIES)])


def _suite_zero_json(path: Path) -> None:
    """``zc_proxies_partial.json.gz``: {space: {dataset: {naslib key: {proxy: score, val_accuracy}}}}."""
    record = {p: 1.0 for p in PROXIES} | {"val_accuracy": 86.06, "arch_str": ARCH}
    with gzip.open(path, "wt") as fh:
        json.dump({"nasbench201": {"cifar10": {"(4,3,0,3,0,0)": record}}}, fh, separators=(",", ":"))


FILES = {"nb201_zc_proxies.csv.gz": (_nb201_proxies, "it is NAS-Bench-Suite-Zero's NB201 proxy file"),
         "nb201_hw_metrics.csv.gz": (_hardware, "it is HW-NAS-Bench's NB201 hardware file"),
         "tnb101_micro_zc_proxies_class_scene.csv.gz": (_tnb_proxies, "it is NAS-Bench-Suite-Zero's TNB101-micro"),
         "zc_proxies_partial.json.gz": (_suite_zero_json, "it is NAS-Bench-Suite-Zero's proxy JSON")}


@pytest.mark.parametrize(("space", "source"), [(space, source) for space in sorted(TABLE_NAMES)
                                                for source in sorted(FILES) if TABLE_NAMES[space] != source])
def test_a_read_directly_file_under_a_tables_name_is_named_for_what_it_is(tmp_path, capsys, space, source):
    folder = tmp_path / "data"
    folder.mkdir()
    write, what = FILES[source]
    write(folder / TABLE_NAMES[space])
    assert main(["search", "--space", space, "--budget", "3", "--quiet", "--data-dir", str(folder),
                 "--run-dir", str(tmp_path / "run")]) == 2
    message = one_line(capsys.readouterr().err.strip(), folder / TABLE_NAMES[space], what,
                       f"which nasloop reads as {source}", "give it that name")  # NB301's JSON too, where it belongs
    assert "corrupt" not in message and "fetch it again" not in message
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("source", sorted(set(FILES) - {"zc_proxies_partial.json.gz"}))
def test_a_renamed_read_directly_file_given_to_import_is_said_to_need_none(tmp_path, capsys, source):
    write, what = FILES[source]
    write(tmp_path / "download.csv.gz")
    assert main(["data", "import", "--space", "nb201", str(tmp_path / "download.csv.gz"),
                 "--out", str(tmp_path / "out")]) == 2
    one_line(capsys.readouterr().err.strip(), what.removeprefix("it is "), "needs no import", f"as {source}")


def test_the_hardware_file_under_its_own_name_is_still_read(tmp_path, data_dir, capsys):
    """Recognising the file by its header changes nothing where it belongs: its metrics are reported."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("nasbench201_all.csv.gz", "nb201_hw_metrics.csv.gz"):
        (folder / name).symlink_to(data_dir / name)
    assert main(["search", "--space", "nb201", "--budget", "2", "--quiet", "--data-dir", str(folder),
                 "--run-dir", str(tmp_path / "run"), "--json"]) == 0
    assert '"evaluations": 2' in capsys.readouterr().out
