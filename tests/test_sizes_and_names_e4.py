"""A methods file's method named '' or of a population no machine holds, and a strategy's pool of that size, are
refused in one line naming the file or option: '' was silently named after its strategy ('random'), a
population_size of 10**23 made evolution random search, and a bananas pool_size of 10**23 filled 8 GB in a minute."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("isolated_cache")


@pytest.mark.parametrize("entry, error", [
    ("- {name: '', strategy: random}\n",
     "methods.yaml: method 1 is named '', which has no letter or digit (of any script) to name its run folder; give it "
     "a name such as 'evolution-small'"),
    ("- {name: a, strategy: evolution, strategy_options: {population_size: 99999999999999999999999}}\n",
     "method 'a' of methods.yaml: strategy 'evolution' option population_size must be an integer >= 2 and <= "
     "10000000, got 99999999999999999999999"),
    ("- {name: b, strategy: bananas, strategy_options: {pool_size: 10000001}}\n",
     "method 'b' of methods.yaml: strategy 'bananas' option pool_size must be an integer >= 1 and <= 10000000, got "
     "10000001")])
def test_a_method_of_no_name_or_an_absurd_size_is_one_line(tmp_path, data_dir, nasloop_in_process, entry, error):
    (tmp_path / "methods.yaml").write_text(entry)
    refused = nasloop_in_process(["compare", "--methods-file", "methods.yaml", "--budget", "1", "--seeds", "1",
                                  "--data-dir", str(data_dir), "--out", "s", "--quiet"], tmp_path)
    assert refused.returncode == 2 and refused.stderr.strip() == f"nasloop compare: error: {error}"
    assert not (tmp_path / "s" / "runs").exists()
