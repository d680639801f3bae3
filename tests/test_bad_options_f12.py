"""Bad values on the command line, swept command by command: each is refused in one line naming the problem and the
fix, where it was taken silently (a KEY=VALUE key given twice: the last won), crashed ('unexpected RuntimeError' of a
1.2 TB zero batch), was killed by the kernel (a billion seeds listed first) or was named as something else (an empty
--plugin as 'a folder', a file given as an image folder as 'does not exist')."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")


def _one_line(done) -> str:
    """The command's refusal: exit status 2, one line on stderr and nothing on stdout."""
    line = done.stderr.strip()
    assert done.returncode == 2 and done.stdout == "" and "\n" not in line, (done.returncode, done.stdout, line)
    assert "Traceback" not in line and "unexpected" not in line, line
    return line


# Each command's KEY=VALUE flag with one key given two values. The rest of each line is refused too (by the old code,
# after it had kept the last value), so the old code fails here in seconds rather than training or fitting.
TWICE = [
    (["search", "--budget", "2", "--strategy-opt", "population_size=20", "--strategy-opt", "population_size=30"],
     "--strategy-opt population_size=20 and --strategy-opt population_size=30 give population_size two values"),
    (["search", "--budget", "2", "--strategy-opt", "population_size=20", "--strategy-opt", "population-size=30"],
     "--strategy-opt population_size=20 and --strategy-opt population_size=30 give population_size two values"),
    (["search", "--budget", "2", "--evaluator", "proxy", "--evaluator-opt", "batch_size=8", "--evaluator-opt",
      "batch_size=16"], "--evaluator-opt batch_size=8 and --evaluator-opt batch_size=16 give batch_size two values"),
    (["search", "--budget", "2", "--strategy", "bananas", "--predictor", "gp", "--predictor-opt", "max_iter=5",
      "--predictor-opt", "max_iter=6"], "give max_iter two values"),
    (["train", "--arch", "bogus", "--device", "cpu", "--train-opt", "batch_size=8", "--train-opt", "batch_size=16"],
     "--train-opt batch_size=8 and --train-opt batch_size=16 give batch_size two values"),
    (["proxies", "--space", "bogus", "--sample", "1", "--space-opt", "channels=4", "--space-opt", "channels=8"],
     "--space-opt channels=4 and --space-opt channels=8 give channels two values"),
    (["predictors", "evaluate", "--space", "bogus", "--predictor", "gp", "--predictor-opt", "warm_start=true",
      "--predictor-opt", "warm_start=false"], "give warm_start two values"),
    (["compare", "--space", "bogus", "--methods", "random", "--out", "{tmp}/study", "--space-opt", "cells=2",
      "--space-opt", "cells=3"], "--space-opt cells=2 and --space-opt cells=3 give cells two values"),
]


@pytest.mark.parametrize("args, said", TWICE, ids=["strategy-opt", "hyphen", "evaluator-opt", "predictor-opt",
                                                    "train-opt", "proxies-space-opt", "evaluate", "compare"])
def test_a_key_given_two_values_is_refused_in_every_command(args, said, nasloop_in_process, data_dir, tmp_path):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    if args[0] == "search":
        args += ["--data-dir", str(data_dir), "--run-dir", str(tmp_path / "run"), "--quiet"]
    line = _one_line(nasloop_in_process(args))
    assert said in line and "give it once" in line, line
    assert not (tmp_path / "run").exists()


def test_a_key_given_twice_with_one_value_runs_with_it(nasloop_in_process, data_dir, tmp_path):
    done = nasloop_in_process(["search", "--budget", "2", "--strategy-opt", "population_size=2", "--strategy-opt",
                               "population-size=2", "--strategy-opt", "sample_size=2", "--data-dir", str(data_dir),
                               "--run-dir", str(tmp_path / "run"), "--quiet", "--json"])
    assert done.returncode == 0, done.stderr
    assert '"population_size": 2' in done.stdout, done.stdout


def test_a_method_given_one_option_twice_is_refused(nasloop_in_process, data_dir, tmp_path):
    line = _one_line(nasloop_in_process([
        "compare", "--methods", "evolution+population_size=5+population_size=6", "--seeds", "1", "--budget", "2",
        "--out", str(tmp_path / "study"), "--data-dir", str(data_dir), "--quiet"]))
    assert "method 'evolution+population_size=5+population_size=6' gives option 'population_size' two values; " \
           "give it once" in line, line
    assert not (tmp_path / "study").exists()


@pytest.mark.parametrize("spec", ["", " "])
def test_an_empty_plugin_is_said_to_be_empty_not_a_folder(spec, nasloop_in_process):
    line = _one_line(nasloop_in_process(["--plugin", spec, "spaces"]))
    assert line == (f"nasloop spaces: error: plugin {spec!r} is an empty name; give a .py file path or an importable "
                    "module name (an unset shell variable?)"), line


@pytest.mark.parametrize("args", [
    ["proxies", "--sample", "1", "--batch-size", "100000000"],
    ["search", "--budget", "1", "--evaluator", "proxy", "--evaluator-opt", "batch_size=100000000", "--quiet"],
])
def test_a_data_free_proxy_batch_past_the_bound_is_refused_before_any_is_allocated(args, nasloop_in_process,
                                                                                   data_dir, tmp_path):
    done = nasloop_in_process([*args, "--data-dir", str(data_dir)], cwd=tmp_path)
    line = _one_line(done)
    assert "batch size 100000000 is over 50,000, the most a proxy mini-batch takes (CIFAR-10's training images); " \
           "choose a smaller batch size" in line, line


def test_a_file_given_as_the_image_folder_is_said_to_be_no_folder(nasloop_in_process, data_dir, tmp_path):
    given = tmp_path / "images.txt"
    given.write_text("not a folder\n")
    line = _one_line(nasloop_in_process(["proxies", "--sample", "1", "--dataset", "imagenet", "--image-dir",
                                         str(given), "--data-dir", str(data_dir)]))
    assert f"image folder '{given}' is not a folder; give the image_dir option" in line, line


@pytest.mark.parametrize("command", [["compare", "--methods", "random", "--out", "{tmp}/study"],
                                     ["predictors", "evaluate", "--predictor", "random"]])
def test_seeds_past_the_bound_are_refused_before_any_is_listed(command, nasloop_in_process, tmp_path):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
    line = _one_line(nasloop_in_process([*args, "--space", "bogus", "--seeds", "10001"]))
    assert "argument --seeds: must be <= 10000 (a study's 95 % intervals barely narrow past a few hundred seeds; " \
           "more is taken for a typo" in line and "), got 10001" in line, line  # compare's says how a study goes on
    line = _one_line(nasloop_in_process([*args, "--space", "bogus", "--seeds", "10000"]))  # the bound: taken
    assert "unknown search space 'bogus'" in line, line


@pytest.mark.parametrize("predictor, option, said", [
    ("flan", "hidden=1000000000000", "option hidden must be an integer >= 1 and <= 4096, got 1000000000000"),
    ("flan", "op_dim=5000", "option op_dim must be an integer >= 1 and <= 4096, got 5000"),
    ("flan", "lr=1e300", "option lr must be a number >= 0 and <= 1e+30, got 1e+300"),
    ("flan", "ensemble=1000000000000", "option ensemble must be an integer >= 1 and <= 1000, got 1000000000000"),
    ("flan", "time_steps=1001", "option time_steps must be an integer >= 1 and <= 1000, got 1001"),
    ("flan", "steps=1000000000000", "option steps must be an integer >= 1 and <= 1000000 or null, got 1000000000000"),
    ("mlp", "members=1000000000000", "option members must be an integer >= 2 and <= 1000, got 1000000000000"),
    ("mlp", "width=5000", "option width must be an integer >= 1 and <= 4096, got 5000"),
])
def test_a_predictor_size_no_machine_holds_is_refused_as_the_option_is_read(predictor, option, said,
                                                                           nasloop_in_process, data_dir):
    """It crashed ('unexpected RuntimeError ... can't allocate memory', an overflow inside Adam) or fitted until
    interrupted."""
    line = _one_line(nasloop_in_process(["predictors", "evaluate", "--predictor", predictor, "--train-sizes", "8",
                                         "--seeds", "1", "--predictor-opt", option, "--data-dir", str(data_dir)]))
    assert f"predictor '{predictor}' {said}" in line, line


@pytest.mark.parametrize("evaluator", ["proxy", "train"])
def test_replicates_past_the_bound_are_refused(evaluator, nasloop_in_process, data_dir, tmp_path):
    line = _one_line(nasloop_in_process(["search", "--evaluator", evaluator, "--device", "cpu", "--budget", "1",
                                         "--evaluator-opt", "replicates=1000000000000", "--data-dir", str(data_dir),
                                         "--run-dir", str(tmp_path / "run"), "--quiet"]))
    assert f"evaluator '{evaluator}' option replicates must be an integer >= 1 and <= 1000, got 1000000000000" \
        in line, line
