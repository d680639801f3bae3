"""The README: its Python examples run as written (in a scratch folder, against the real data), its quick start is
what CI runs, and its links to its own sections lead somewhere."""
from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_python_examples_run(tmp_path, data_dir, script_in_process):
    api, context, space, _, proxy, _ = BLOCKS  # the fourth, a benchmark of the chain's: test_user_benchmark_e7;
    # the sixth, a user's strategy, predictor and evaluator: test_user_plugins_e12
    api = api.replace('"../shared/data"', repr(str(data_dir)))
    context = context.replace('"../shared/data"', repr(str(data_dir))) + "\nassert mean.shape == std.shape == (10,)"
    check_space = space + "\n".join([
        "rng = np.random.default_rng(0)",
        "s = ChainSpace(); a = s.sample(rng)",
        "assert s.parse(s.format(a)) == a and s.mutate(a, rng) in s.neighbours(a)",
        "assert s.encode(a, 'onehot').sum() == 8",
        "from nasloop.engine.errors import ArchitectureError",
        "for bad in ('x-y', '0-0', '0-1-2-3-4-0-1-2'):",
        "    try: s.parse(bad)",
        "    except ArchitectureError: pass",
        "    else: raise AssertionError(bad)",
        "from nasloop.engine.registry import SEARCH_SPACES; assert SEARCH_SPACES.get('my-chain') is ChainSpace",
        "from nasloop import SearchConfig, search",
        "summary = search(SearchConfig(space='my-chain', evaluator='proxy', evaluator_options={'proxies': ['synflow']},"
        " strategy='local', budget=6, data_dir=%r, run_dir='chain'))" % str(data_dir),
        "assert summary['evaluations'] == 6 and summary['failed'] == 0",
    ])
    check_proxy = proxy + "\n".join([
        "import numpy as np",
        "from nasloop.search_spaces.nb201 import NB201Space",
        "from nasloop.engine.evaluators.proxies import score_architectures",
        "space = NB201Space(); cell = space.sample(np.random.default_rng(0))",
        "row, = score_architectures(space, [cell], ['weight_count_sq', 'params'], data_dir=%r)" % str(data_dir),
        "assert row['scores']['weight_count_sq'] > 0",
    ])
    for name, code in (("api", api), ("context", context), ("space", check_space), ("proxy", check_proxy)):
        (tmp_path / f"readme_{name}.py").write_text(code)  # run as Python runs a script, in this process: what it
        out = script_in_process(tmp_path / f"readme_{name}.py", [], cwd=tmp_path)  # registered is dropped after it
        assert out.returncode == 0, out.stderr
    assert (tmp_path / "runs" / "api" / "nasloop.sqlite").is_file()


def test_ci_runs_exactly_the_readme_quickstart_commands():
    block = README.split("<!-- quickstart -->", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    ci_commands = [line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))]
    assert ci_commands == block.strip().splitlines()


def _heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation other than hyphens dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_to_a_readme_section_names_a_heading_it_has():
    """The contents line and the cross-references are how a reader finds their way through a long README: a
    renamed heading must not leave a link that goes nowhere."""
    prose = re.sub(r"```.*?```", "", README, flags=re.S)  # a '# comment' in a shell block is no heading
    anchors = {_heading_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", prose, flags=re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", prose)
    assert len(links) >= 10 and not [link for link in links if link not in anchors]
