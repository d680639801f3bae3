"""Reading the published NDS files: bad sizes, damaged records named as such, several files of one space."""
from __future__ import annotations

import json

import pytest

from nasloop.engine import cli
from nasloop.engine.registry import BENCHMARKS, SEARCH_SPACES

from .nds_fixture import nds_records, write_nds_file

UNBOUND = {"widths": [8, 16], "depths": [4, 5]}


def test_an_import_refuses_sizes_no_network_could_have_and_names_another_benchmarks_file(data_dir, tmp_path,
                                                                                          capsys):
    records = nds_records("nds-darts", 3, seed=2)
    records[1]["net"]["depth"] = 10**9  # was imported, and would hang any network built from it
    write_nds_file(tmp_path / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "DARTS.json record 1" in error and "depth one >= 3 and <= 64" in error and error.count("\n") == 1
    nb201 = data_dir / "nasbench201_all.csv.gz"  # --space nds did not say whose file this is; nds-darts did
    assert cli.main(["data", "import", "--space", "nds", str(nb201), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err  # (other tests' plugin spaces on NB201's table may be named beside it)
    assert "data of the nb201 benchmark, not of any nds space; import it with --space " in error
    assert "--space nb201 " in error or error.rstrip().endswith("--space nb201")


@pytest.mark.parametrize("damage,fragment", [
    (lambda r: r["net"]["genotype"]["normal"][0].__setitem__(1, -1), "node 0 of the normal cell reads input -1"),
    (lambda r: r["net"]["genotype"]["normal"].__setitem__(0, "sep_conv_3x3"), "normal entry sep_conv_3x3 is not"),
    (lambda r: r["net"]["genotype"]["reduce"][2].__setitem__(1, 10**30),
     "node 1 of the reduce cell reads input 1.0e+30"),
])
def test_a_damaged_record_is_named_by_number_as_damage_not_as_another_family(tmp_path, capsys, damage, fragment):
    records = nds_records("nds-darts", 4, seed=3)
    damage(records[2])  # had no record number, and the advice blamed the file's family
    write_nds_file(tmp_path / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / "DARTS.json"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert f"DARTS.json record 2: {fragment}" in error and "the record is damaged: replace the file" in error
    assert "not darts cells" not in error and error.count("\n") == 1


def test_damage_names_the_bad_value_and_the_record_as_the_file_lists_it(tmp_path, capsys):
    records = nds_records("nds-pnas-in", 6, seed=6)
    records[4]["test_ep_top1"][9] = 150.0  # hidden behind a list cut off after 60 characters
    # split into top- and mid-ranked models as NDS's re-run files are: records 3-5 are 'mid' 0-2
    write_nds_file(tmp_path / "PNAS_reruns.json", records, split=True)
    assert cli.main(["data", "import", "--space", "nds-pnas-in", str(tmp_path / "PNAS_reruns.json"), "--out",
                     str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "PNAS_reruns.json 'mid' record 1: test_ep_top1 at epoch 10 is 150.0, not a top-1 error in [0, 100] %; the " \
           "record is damaged" in error
    # networks of several widths and depths are no fixed-width-depth file: it was written as that table
    write_nds_file(tmp_path / "any.json", nds_records("nds-pnas", 6, seed=6))
    assert cli.main(["data", "import", "--space", "nds-pnas-fix-w-d", str(tmp_path / "any.json"), "--out",
                     str(tmp_path / "out")]) == 2
    assert "any.json holds networks of widths 8, 16 and depths 4, 5, and the networks of PNAS_fix-w-d.json share " \
           "one width and one depth; import it with --space nds-pnas or --space nds-pnas-in" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_files_of_one_space_merge_later_networks_replacing_earlier_and_short_runs_say_so(tmp_path, capsys):
    first, second = nds_records("nds-darts", 6, seed=4), nds_records("nds-darts", 6, seed=5)
    second[0] = json.loads(json.dumps(first[0]))  # one network in both files: the later file's run is kept
    second[0]["test_ep_top1"] = [e - 3.0 for e in first[0]["test_ep_top1"]][:4]  # and it stopped after 4 epochs
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    write_nds_file(tmp_path / "a" / "DARTS.json", first), write_nds_file(tmp_path / "b" / "DARTS.json", second)
    files = [str(tmp_path / "a" / "DARTS.json"), str(tmp_path / "b" / "DARTS.json")]
    assert cli.main(["data", "import", "--space", "nds", *files, "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out  # the last file alone was kept
    assert "11 distinct in all" in printed and "1 network stopped early (record 0: 4 of 10 epochs)" in printed
    bench = BENCHMARKS.get("nds-darts")(tmp_path / "out")
    space = SEARCH_SPACES.get("nds-darts")(**UNBOUND)
    both, once = (space.parse(json.dumps(r["net"])) for r in (first[0], first[1]))
    assert len(bench.cells()) == 11
    assert bench.query(both, "cifar10", fidelity=4).metrics["test_accuracy"] == pytest.approx(
        100 - second[0]["test_ep_top1"][3])
    assert bench.query(once, "cifar10").metrics["test_accuracy"] == pytest.approx(100 - first[1]["test_ep_top1"][-1])
    stopped = bench.query(both, "cifar10")  # was told to keep to the table, which holds it
    assert not stopped.ok and "run of this architecture stopped after epoch 4, so it has no 10-epoch" in stopped.reason


def test_an_op_of_no_family_in_the_first_record_is_named_as_in_any_later_one(tmp_path, capsys):
    """'none' in record 0 of a renamed file made it "not a nds-darts data file"; in record 1 it was named precisely."""
    for bad in (0, 1):
        records = nds_records("nds-darts", 3, seed=7)
        records[bad]["net"]["genotype"]["normal"][0] = ["none", 1]
        write_nds_file(tmp_path / "mine.json", records)
        assert cli.main(["data", "import", "--space", "nds-darts", str(tmp_path / "mine.json"), "--out",
                         str(tmp_path / "out")]) == 2
        error = capsys.readouterr().err
        assert f"mine.json record {bad}: normal entry ['none', 1] names no op of the darts family (max_pool_3x3, " \
               in error and error.count("\n") == 1
    write_nds_file(tmp_path / "other.json", nds_records("nds-enas", 3, seed=7))  # another family's is still named
    assert cli.main(["data", "import", "--space", "nds-darts", str(tmp_path / "other.json"), "--out",
                     str(tmp_path / "out")]) == 2
    assert "data of the nds-enas and " in capsys.readouterr().err
    (tmp_path / "foreign.json").write_text('[{"net": {"genotype": {"normal": [["none", 1]]}}, "normal_concat": 1}]')
    assert cli.main(["data", "import", "--space", "nds-darts", str(tmp_path / "foreign.json"), "--out",
                     str(tmp_path / "out")]) == 2
    assert "foreign.json is not a nds-darts data file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_file_sweeping_training_settings_is_refused_naming_what_differs(tmp_path, capsys):
    """DARTS_lr-wd.json imported as a design-space table, mixing recipes and averaging a network across them."""
    records = nds_records("nds-darts", 4, seed=8)
    records[2]["optim"]["base_lr"] = 0.01
    records[3] = json.loads(json.dumps(records[0]))  # one network under two recipes was averaged
    records[3]["optim"]["wd"] = 0.0001
    write_nds_file(tmp_path / "DARTS_lr-wd.json", records, split=True)
    assert cli.main(["data", "import", "--space", "nds-darts", str(tmp_path / "DARTS_lr-wd.json"), "--out",
                     str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "DARTS_lr-wd.json sweeps training settings (optim base_lr is 0.1 ('top' record 0), 0.01 ('mid' record 0); " \
           "optim wd is 0.0005 ('top' record 0), 0.0001 ('mid' record 1))" in error
    assert "not a design-space file nasloop reads" in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["DARTS_lr-wd.json", "DARTS_lr-wd_in.json"])
def test_a_published_sweep_given_as_nds_is_refused_at_once(tmp_path, capsys, name):
    """`--space nds DARTS_lr-wd.json`, the README's way to import NDS files, asked which of nds-darts, nds-darts-fix-w-d
    and nds-darts-in the file was; the answer then got the refusal the README promises."""
    records = nds_records("nds-darts", 3, seed=10)
    records[1]["optim"]["base_lr"] = 0.01
    write_nds_file(tmp_path / name, records)
    assert cli.main(["data", "import", "--space", "nds", str(tmp_path / name), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert f"{name} sweeps training settings (optim base_lr is 0.1 (record 0), 0.01 (record 1))" in error
    assert "say which" not in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_files_records_with_and_without_an_auxiliary_head_or_files_of_two_recipes_are_refused(tmp_path, capsys):
    """A record's net.aux (a training option) was never read, and files of different recipes merged silently:
    a network's 10-epoch run replaced by its run under another recipe in one table."""
    records = nds_records("nds-darts", 4, seed=9)
    records[1]["net"]["aux"] = True
    write_nds_file(tmp_path / "DARTS.json", records)
    assert cli.main(["data", "import", "--space", "nds-darts", str(tmp_path / "DARTS.json"), "--out",
                     str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "DARTS.json sweeps training settings (net aux is False (record 0), True (record 1))" in error
    assert error.count("\n") == 1
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first, second = nds_records("nds-darts", 4, seed=10), nds_records("nds-darts", 4, seed=11)
    for record in second:
        record["optim"]["max_ep"], record["net"]["drop_prob"] = 50, 0.2
    write_nds_file(tmp_path / "a" / "DARTS.json", first), write_nds_file(tmp_path / "b" / "DARTS.json", second)
    assert cli.main(["data", "import", "--space", "nds-darts", str(tmp_path / "a" / "DARTS.json"),
                     str(tmp_path / "b" / "DARTS.json"), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err  # two folders' DARTS.json, each named by its path ('DARTS.json and DARTS.json')
    assert f"{tmp_path / 'a' / 'DARTS.json'} and {tmp_path / 'b' / 'DARTS.json'} were trained with different " \
           "recipes (net drop_prob 0.0 vs 0.2; optim max_ep 10 vs 50), so one table would mix their accuracies; " \
           "import each into its own --out folder" in error
    assert error.count("\n") == 1 and not (tmp_path / "out").exists()
