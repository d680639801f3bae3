"""Benchmark data: where files are found, the NB201 importers and the table format.

Every check runs on the real NB201 CSV (read, never written) and on files built under tmp_path;
corrupt and wrong files are tested in test_data_corrupt.py.
"""
from __future__ import annotations

import pickle
import re

import numpy as np
import pytest

from nasloop.engine import cli
from nasloop.engine.data.paths import ENV_VAR, find_file, search_dirs, user_cache_dir
from nasloop.engine.data.table import Table, column_name
from nasloop.engine.errors import ArchitectureError, ConfigError, DataError, UnsupportedError
from nasloop.search_spaces.nb201 import NB201Benchmark, NB201Space, importers
from nasloop.search_spaces.nb201.benchmark import CSV_FILE, TABLE_FILE
from nasloop.search_spaces.nb201.cell import NUM_CELLS, cell_code

from .messages import one_line

pytestmark = pytest.mark.usefixtures("isolated_cache")

BEST_INDEX = 6111
BEST_TEST = 94.3733
# CSV column → (table dataset, fidelity, metric)
ACCURACY_COLUMNS = {
    f"{prefix}_{kind}_{fid}": (dataset, fid, f"{'val' if kind == 'val' else 'test'}_accuracy")
    for dataset, val_prefix, test_prefix in (("cifar10", "cifar10valid", "cifar10"),
                                             ("cifar100", "cifar100", "cifar100"),
                                             ("ImageNet16-120", "imagenet16", "imagenet16"))
    for fid in (200, 12)
    for kind, prefix in (("val", val_prefix), ("test", test_prefix))
}


def columns_equal(a: Table, b: Table, names=None) -> None:
    names = sorted(a.columns) if names is None else names
    assert sorted(a.columns) == sorted(b.columns)
    for name in names:
        np.testing.assert_array_equal(a.columns[name], b.columns[name], err_msg=name)


# ---------------------------------------------------------------------------------------------
# Where data is found
# ---------------------------------------------------------------------------------------------


def test_search_order_explicit_then_env_then_user_cache(tmp_path, monkeypatch):
    explicit, env, xdg = tmp_path / "explicit", tmp_path / "env", tmp_path / "xdg"
    cache = xdg / "nasloop"
    monkeypatch.setenv(ENV_VAR, str(env))
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    assert user_cache_dir() == cache
    assert search_dirs(explicit) == [explicit, env, cache]
    assert search_dirs(None) == [env, cache]

    names = (TABLE_FILE, CSV_FILE)
    for folder in (explicit, env, cache):
        folder.mkdir(parents=True)
        (folder / TABLE_FILE).write_bytes(b"placeholder")  # not empty: an empty data file is refused as found
    assert find_file(names, explicit, "how") == explicit / TABLE_FILE
    assert find_file(names, None, "how") == env / TABLE_FILE
    monkeypatch.delenv(ENV_VAR)
    assert find_file(names, None, "how") == cache / TABLE_FILE
    monkeypatch.setenv(ENV_VAR, str(env))
    # An earlier folder wins even when it only has the CSV; within a folder our table wins.
    (explicit / TABLE_FILE).unlink()
    (explicit / CSV_FILE).write_bytes(b"placeholder")
    assert find_file(names, explicit, "how") == explicit / CSV_FILE
    (env / CSV_FILE).write_bytes(b"placeholder")
    assert find_file(names, None, "how") == env / TABLE_FILE
    # Without XDG_CACHE_HOME the cache is ~/.cache/nasloop.
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "nasloop"


def test_benchmark_loads_the_table_the_search_order_picks(tmp_path, monkeypatch, csv_table):
    explicit, env, xdg = tmp_path / "explicit", tmp_path / "env", tmp_path / "xdg"
    for folder, tag in ((explicit, "explicit"), (env, "env"), (xdg / "nasloop", "cache")):
        Table(csv_table.columns, dict(csv_table.meta, source=tag)).save(folder / TABLE_FILE)
    monkeypatch.setenv(ENV_VAR, str(env))
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    assert NB201Benchmark(explicit).table.meta["source"] == "explicit"
    assert NB201Benchmark().table.meta["source"] == "env"
    monkeypatch.delenv(ENV_VAR)
    assert NB201Benchmark().table.meta["source"] == "cache"


def test_missing_data_is_one_line_naming_file_folders_and_fix(tmp_path, monkeypatch):
    explicit, env, xdg = tmp_path / "explicit", tmp_path / "env", tmp_path / "xdg"
    explicit.mkdir()
    monkeypatch.setenv(ENV_VAR, str(env))  # need not exist: it is still listed as looked in
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    with pytest.raises(DataError) as err:
        NB201Benchmark(explicit).check("cifar10")
    one_line(str(err.value), CSV_FILE, TABLE_FILE, explicit, env, xdg / "nasloop",
             "nasloop data import", "NASLOOP_DATA", "--data-dir")

    monkeypatch.delenv(ENV_VAR)
    with pytest.raises(DataError) as err:
        NB201Benchmark().table
    message = one_line(str(err.value), CSV_FILE, xdg / "nasloop", "nasloop data import")
    assert str(env) not in message

    with pytest.raises(DataError) as err:
        NB201Benchmark(tmp_path / "no-such-folder").table
    one_line(str(err.value), tmp_path / "no-such-folder", "--data-dir")

    monkeypatch.setenv(ENV_VAR, str(explicit))  # --data-dir "$NASLOOP_DATA": the folder is looked in once
    with pytest.raises(DataError) as err:
        NB201Benchmark(explicit).table
    assert str(err.value).count(str(explicit)) == 1, err.value


# ---------------------------------------------------------------------------------------------
# The real CSV
# ---------------------------------------------------------------------------------------------


def test_import_csv_covers_every_cell_with_the_published_numbers(csv_table, csv_rows):
    cols = csv_table.columns
    assert len(csv_table) == len(csv_rows) == NUM_CELLS == 15_625
    assert sorted(cols["index"].tolist()) == list(range(15_625))

    # The best CIFAR-10 test accuracy is 94.3733, at official index 6111 (the README's pandas idxmax,
    # i.e. first in file order). At 4 decimals it ties with index 13714, which comes first in
    # nasloop's cell order, so check the set of best cells, not one argmax.
    test200 = cols[column_name("cifar10", 200, "test_accuracy")]
    assert np.nanmax(test200) == BEST_TEST
    assert sorted(cols["index"][test200 == BEST_TEST].tolist()) == [BEST_INDEX, 13714]
    best_in_file_order = max(csv_rows, key=lambda r: float(r["cifar10_test_200"]))
    assert int(best_in_file_order["index"]) == BEST_INDEX
    assert test200[cell_code(NB201Space().parse(best_in_file_order["arch_str"]))] == BEST_TEST

    # Every row, read independently: arch string → cell → row, and every accuracy matches.
    space = NB201Space()
    rows = np.empty(len(csv_rows), dtype=np.int64)
    for i, rec in enumerate(csv_rows):
        cell = space.parse(rec["arch_str"])
        assert space.format(cell) == rec["arch_str"]  # the string round-trips exactly
        rows[i] = cell_code(cell)
        assert tuple(cols["cells"][rows[i]]) == cell
    assert len(set(rows.tolist())) == 15_625
    np.testing.assert_array_equal(cols["index"][rows], [int(r["index"]) for r in csv_rows])
    for name, (dataset, fid, metric) in ACCURACY_COLUMNS.items():
        np.testing.assert_array_equal(cols[column_name(dataset, fid, metric)][rows],
                                      [float(r[name]) for r in csv_rows], err_msg=name)
    # Zen: -1e8 marks the 341 cells without an input→output path; the table says NaN there.
    zen = cols["cifar10:proxy:zen"][rows]
    invalid = np.array([float(r["zen_cifar10"]) <= -1e7 for r in csv_rows])
    assert invalid.sum() == 341
    assert np.isnan(zen[invalid]).all() and not np.isnan(zen[~invalid]).any()
    assert "estimated" in csv_table.meta["cost"]


def test_benchmark_query_keeps_val_and_test_apart(data_dir, csv_rows):
    bench = NB201Benchmark(data_dir)
    assert bench.fidelities("cifar10") == [12, 200] and bench.check("cifar10") == 200
    space = NB201Space()
    rec = next(r for r in csv_rows if int(r["index"]) == BEST_INDEX)
    cell = space.parse(rec["arch_str"])

    full = bench.query(cell, "cifar10", 200)
    assert full.ok
    assert full.metrics["val_accuracy"] == float(rec["cifar10valid_val_200"])
    assert full.metrics["test_accuracy"] == float(rec["cifar10_test_200"]) == BEST_TEST
    assert full.metrics["val_accuracy"] != full.metrics["test_accuracy"]
    assert bench.query(cell, "cifar10") == full  # default fidelity is the full schedule
    assert full.cost_estimated  # the CSV has no measured training times

    short = bench.query(cell, "cifar10", 12)
    gap = column_name("cifar10", 12, "val_accuracy")
    lacking = {**bench.table.columns, gap: bench.table.columns[gap].copy()}
    lacking[gap][cell_code(cell)] = np.nan
    gapped = type("Gapped", (NB201Benchmark,), {"table": Table(lacking, bench.table.meta)})(data_dir)
    failed = gapped.query(cell, "cifar10", 12)  # a table without this cell's 12-epoch result
    assert not failed.ok and failed.cost == short.cost and failed.cost_estimated  # was charged as measured
    assert short.metrics["val_accuracy"] == float(rec["cifar10valid_val_12"])
    for wrong in ((-1, 4, 4, 4, 4, 4), (0, 0, 0), (5, 0, 0, 0, 0, 0)):  # another cell's row, or an IndexError
        with pytest.raises(ArchitectureError, match=re.escape(f"{wrong!r} is not a cell of this space")):
            bench.query(wrong, "cifar10")
    assert short.metrics["test_accuracy"] == float(rec["cifar10_test_12"])
    assert 0 < short.cost < full.cost
    assert full.metrics["params_m"] > 0 and full.metrics["flops_m"] > 0

    im = bench.query(cell, "imagenet16", 200)
    assert im.metrics["val_accuracy"] == float(rec["imagenet16_val_200"])
    assert im.metrics["test_accuracy"] == float(rec["imagenet16_test_200"])
    assert im.cost > 0

    with pytest.raises(UnsupportedError) as err:
        bench.query(cell, "cifar10", 13)
    one_line(str(err.value), "13", "cifar10", "12, 200")
    with pytest.raises(ConfigError) as err:
        bench.query(cell, "mnist")
    one_line(str(err.value), "mnist", "cifar10", "cifar100", "ImageNet16-120")


# ---------------------------------------------------------------------------------------------
# nasloop data import
# ---------------------------------------------------------------------------------------------


def test_cli_data_import_writes_a_table_equal_to_the_csv(tmp_path, capsys, nb201_csv_path, csv_table, csv_rows):
    out = tmp_path / "out"
    assert cli.main(["data", "import", str(nb201_csv_path), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert str(out / TABLE_FILE) in stdout and "15,625 architectures" in stdout and "compact NB201 CSV" in stdout
    assert sorted(p.name for p in out.iterdir()) == [TABLE_FILE]  # no temp file left behind
    assert stdout.splitlines()[-1].startswith("wrote ")
    assert cli.main(["data", "import", str(nb201_csv_path), "--out", str(out)]) == 0  # a table already there
    assert capsys.readouterr().out.splitlines()[-1].startswith(f"replaced {out / TABLE_FILE} (15,625 architectures")

    loaded = Table.load(out / TABLE_FILE)
    columns_equal(loaded, csv_table)
    assert loaded.meta["source"] == CSV_FILE and "estimated" in loaded.meta["cost"]

    bench = NB201Benchmark(out)  # found as nb201.npz in the explicit folder
    assert bench.table.meta["format_version"] == 1
    space = NB201Space()
    for rec in csv_rows[:50]:
        result = bench.query(space.parse(rec["arch_str"]), "cifar100", 12)
        assert result.metrics["val_accuracy"] == float(rec["cifar100_val_12"])
        assert result.metrics["test_accuracy"] == float(rec["cifar100_test_12"])


def test_cli_data_import_errors_are_one_line(tmp_path, capsys, nb201_csv_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert cli.main(["data", "import", str(nb201_csv_path), "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err.strip()
    one_line(err, "nasloop data import: error", blocker / "sub", "--out")

    missing = tmp_path / "nope.csv.gz"
    assert cli.main(["data", "import", str(missing), "--out", str(tmp_path / "o")]) == 2
    one_line(capsys.readouterr().err.strip(), missing)
    assert not (tmp_path / "o").exists()


def test_a_file_read_as_it_is_is_named_not_called_foreign(data_dir, tmp_path, capsys):
    # "is not a nb201 data file", of the README's own proxy and hardware files, named no fix.
    for space, name in (("nb201", "nb201_zc_proxies.csv.gz"), ("nb201", "nb201_hw_metrics.csv.gz"),
                        ("tnb101-micro", "tnb101_micro_zc_proxies_class_scene.csv.gz")):
        assert cli.main(["data", "import", "--space", space, str(data_dir / name), "--out", str(tmp_path)]) == 2
        one_line(capsys.readouterr().err.strip(), f"{name} needs no import: {space} reads it as it is from the "
                 "data folder (--data-dir or $NASLOOP_DATA); put it there")
    # NB301's table belongs to --space darts: "not nb301" named no space the user could give.
    assert cli.main(["data", "import", "--space", "darts", str(data_dir / "nasbench201_all.csv.gz"), "--out",
                     str(tmp_path)]) == 2
    one_line(capsys.readouterr().err.strip(), "data of the nb201 benchmark, not of --space darts; import it with ",
             "--space nb201")  # other tests' plugin spaces on the nb201 table may be named beside it


# ---------------------------------------------------------------------------------------------
# NASLib pickle layout
# ---------------------------------------------------------------------------------------------

PICKLE_INDICES = (BEST_INDEX, 0, 1, 2, 15_624)


@pytest.fixture(scope="module")
def naslib_pickle(tmp_path_factory, csv_rows):
    """A small pickle in NASLib's ``nb201_cifar10_full_training.pickle`` layout, final epoch = CSV."""
    rng = np.random.default_rng(0)
    by_index = {int(r["index"]): r for r in csv_rows}
    data, expected = {}, {}
    for index in PICKLE_INDICES:
        rec = by_index[index]
        final = float(rec["cifar10valid_val_200"])
        curve = np.linspace(10.0, final, 200)
        curve[:-1] += rng.uniform(-1, 1, 199)  # a learning curve ending exactly at the CSV value
        times = rng.uniform(5.0, 20.0, 200)
        data[rec["arch_str"]] = {"cifar10-valid": {
            "eval_acc1es": curve.tolist(), "train_times": times.tolist(),
            "cost_info": {"train_time": float(times.mean()), "flops": 1.0, "params": 0.1, "latency": 0.01}}}
        expected[rec["arch_str"]] = (curve, times, rec)
    path = tmp_path_factory.mktemp("naslib") / "nb201_cifar10_full_training.pickle"
    path.write_bytes(pickle.dumps(data))
    return path, expected


def test_naslib_pickle_gives_learning_curves_and_measured_costs(naslib_pickle):
    path, expected = naslib_pickle
    table = importers.import_naslib_pickle(path)
    assert table.meta["source"] == path.name and "measured" in table.meta["cost"]
    cols = table.columns
    space = NB201Space()
    codes = [cell_code(space.parse(a)) for a in expected]
    present = np.zeros(NUM_CELLS, dtype=bool)
    present[codes] = True
    np.testing.assert_array_equal(cols["present"], present)
    for epoch in range(1, 201):
        acc = cols[column_name("cifar10", epoch, "val_accuracy")]
        sec = cols[column_name("cifar10", epoch, "train_seconds")]
        assert np.isnan(acc[~present]).all()
        estimated = cols[column_name("cifar10", epoch, "cost_estimated")]
        assert estimated[~present].all() and not estimated[present].any()  # measured where the pickle has times
        for code, (curve, times, _) in zip(codes, expected.values()):
            assert acc[code] == curve[epoch - 1]
            assert sec[code] == pytest.approx(times[:epoch].sum(), rel=1e-12)
    assert not any(c.startswith(("cifar100@", "ImageNet16-120@")) for c in cols)
    for code, (_, _, rec) in zip(codes, expected.values()):
        assert cols[column_name("cifar10", 200, "val_accuracy")][code] == float(rec["cifar10valid_val_200"])


def test_merge_overrides_only_the_cells_the_pickle_covers(naslib_pickle, csv_table):
    path, expected = naslib_pickle
    merged = importers.merge([csv_table, importers.import_naslib_pickle(path)])
    space = NB201Space()
    codes = [cell_code(space.parse(a)) for a in expected]
    others = np.ones(NUM_CELLS, dtype=bool)
    others[codes] = False
    assert "present" not in merged.columns
    assert merged.meta["source"] == f"{CSV_FILE} + {path.name}"
    # Every CSV column is unchanged on the cells the pickle does not hold.
    for name, col in csv_table.columns.items():
        np.testing.assert_array_equal(merged.columns[name][others], col[others], err_msg=name)
    # On the pickle's cells its curve and measured times win; the CSV keeps what the pickle lacks only
    # where both describe the same (200-epoch) training run.
    estimated = csv_table.columns[column_name("cifar10", 200, "train_seconds")]
    for code, (curve, times, rec) in zip(codes, expected.values()):
        def c(fid: int, metric: str) -> float:
            return merged.columns[column_name("cifar10", fid, metric)][code]

        assert c(200, "val_accuracy") == float(rec["cifar10valid_val_200"])
        assert c(200, "test_accuracy") == float(rec["cifar10_test_200"])
        assert c(200, "train_seconds") == pytest.approx(times.sum(), rel=1e-12) != estimated[code]
        assert c(12, "val_accuracy") == curve[11]
        assert np.isnan(c(12, "test_accuracy"))  # the CSV's 12-epoch test is another training run
        assert c(7, "val_accuracy") == curve[6]
        assert merged.columns[column_name("cifar100", 200, "val_accuracy")][code] == float(rec["cifar100_val_200"])
        assert merged.columns["index"][code] == int(rec["index"])


def test_cli_imports_csv_and_pickle_into_one_queryable_table(tmp_path, capsys, nb201_csv_path, naslib_pickle):
    path, expected = naslib_pickle
    out = tmp_path / "out"
    assert cli.main(["data", "import", str(nb201_csv_path), str(path), "--out", str(out)]) == 0
    assert "15,625 architectures" in capsys.readouterr().out
    bench = NB201Benchmark(out)
    assert bench.fidelities("cifar10") == list(range(1, 201))
    space = NB201Space()
    for arch, (curve, times, rec) in expected.items():
        result = bench.query(space.parse(arch), "cifar10", 5)
        assert result.ok and result.metrics["val_accuracy"] == curve[4]
        assert result.cost == pytest.approx(times[:5].sum(), rel=1e-12)
        full = bench.query(space.parse(arch), "cifar10")
        assert full.metrics["val_accuracy"] == float(rec["cifar10valid_val_200"])
        assert full.metrics["test_accuracy"] == float(rec["cifar10_test_200"])
        assert full.cost == pytest.approx(times.sum(), rel=1e-12)
    other = space.parse("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|")
    assert space.format(other) not in expected
    assert bench.query(other, "cifar10", 200).ok and bench.query(other, "cifar10", 12).ok  # CSV fidelities answer
    missing = bench.query(other, "cifar10", 5)
    assert not missing.ok and "5-epoch" in missing.reason

