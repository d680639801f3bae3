"""A search run with its standard output closed (``nasloop --plugin FILE search ... >&-``) whose user's strategy prints
as it goes runs to its end: the first print stopped it ('interrupted' after 0 evaluations) while the line said the run
was kept; what was printed is dropped, and the one line comes once the run has ended."""
from __future__ import annotations

import json
import subprocess
import sys


def test_a_printing_strategy_with_the_output_closed_searches_to_its_end(tmp_path, data_dir):
    plugin = tmp_path / "chatty.py"
    plugin.write_text("from nasloop.engine.registry import register_strategy\n"
                      "from nasloop.strategies.random_search import RandomSearch\n\n\n"
                      "@register_strategy('chatty-search-x13')\nclass Chatty(RandomSearch):\n"
                      "    def ask(self, n):\n        print('asking for', n)\n        return super().ask(n)\n")
    cli = [sys.executable, "-m", "nasloop.engine.cli"]
    done = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", *cli, "--plugin", str(plugin), "search", "--space",
                           "nb201", "--strategy", "chatty-search-x13", "--budget", "5", "--run-dir", "run",
                           "--data-dir", str(data_dir)], cwd=tmp_path, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.endswith("; the run is kept: 'nasloop show run' prints it\n"), \
        done.stderr
    shown = json.loads(subprocess.run([*cli, "show", "run", "--json"], cwd=tmp_path, capture_output=True, text=True,
                                      timeout=120).stdout)
    assert (shown["status"], shown["evaluations"]) == ("finished", 5), shown["stop_reason"]  # interrupted, 0
