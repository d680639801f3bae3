"""--train-sizes of predictors evaluate and compare --predictors states the minimum a ranking needs."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("command", [["predictors", "evaluate"], ["compare", "--out", "study"]])
@pytest.mark.parametrize("sizes", ["0", "1", "8,1"])
def test_a_size_below_two_is_refused_with_the_minimum_of_two(command, sizes, tmp_path, monkeypatch, capsys):
    """'0' was told 'expected integers >= 1', and the '1' a user then gave was refused after the table was read,
    'train size 1 must be an integer from 2'."""
    from nasloop.engine import cli

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:  # argparse's usage error, before anything is read
        cli.main([*command, "--predictors", "random", "--train-sizes", sizes])
    assert done.value.code == 2
    assert f"argument --train-sizes: expected integers >= 2, got '{sizes}'" in capsys.readouterr().err
    assert not (tmp_path / "study").exists()


@pytest.mark.parametrize("sizes", ["8,", "8,,40", ",8"])
def test_an_empty_entry_between_commas_is_refused_as_in_predictors(sizes, capsys):
    """'8,,40' was read as 8,40 without a word, while --predictors 'forest,' is refused for its empty name."""
    from nasloop.engine import cli

    with pytest.raises(SystemExit):
        cli.main(["predictors", "evaluate", "--predictors", "random", "--train-sizes", sizes])
    assert f"'{sizes}' has an empty entry between commas; drop the extra comma" in capsys.readouterr().err
