"""A plugin that prints as it loads, run with the standard output closed (``nasloop --plugin FILE CMD >&-``), is not
blamed: the one line says the output is closed, as for any command's print, where it said 'plugin FILE failed to
load: StdoutClosed ...; fix the file' of a file that has nothing to fix."""
from __future__ import annotations

import subprocess
import sys


def test_a_plugin_printing_with_the_output_closed_is_not_blamed(tmp_path):
    plugin = tmp_path / "chatty.py"
    plugin.write_text("from nasloop.engine.registry import register_strategy\n"
                      "from nasloop.strategies.random_search import RandomSearch\n"
                      "print('chatty plugin loaded')\n\n\n"
                      "@register_strategy('chatty-x13')\nclass Chatty(RandomSearch):\n    pass\n")
    done = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "nasloop.engine.cli", "--plugin",
                           str(plugin), "strategies"], cwd=tmp_path, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "nasloop strategies: error: standard output is closed (as '>&-' closes it), so what it " \
                          "prints went nowhere: send its output to a file or to /dev/null ('> FILE'); run it again\n"
