"""A report's sortable tables read a number written with thousands separators whole: the sort key took '1,024' as
1, so a predictor study's test column ('15,609', '1,024', '512') sorted by the digits before the first comma. The
page's own script is run under Node, where one is installed."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from nasloop.engine.report import html_page


def sort_keys(texts: list[str]) -> list:
    """The page script's sortKey of each text, as Node computes it."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("no Node.js installed to run the report's script")
    page = html_page("t", [])
    script = page.split("<script>", 1)[1].split("document.querySelectorAll", 1)[0]  # sortKey alone: no DOM in Node
    program = f"{script}\nconsole.log(JSON.stringify({json.dumps(texts)}.map(sortKey)));"
    done = subprocess.run([node, "-e", program], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_numbers_with_thousands_separators_sort_whole():
    keys = sort_keys(["15,609", "1,024", "512", ">40", "40", "\u2013", "0.0086", "15,561\u201315,609"])
    assert keys[:5] == [15609, 1024, 512, 40.5, 40] and keys[6] == 0.0086 and keys[7] == 15561
    order = sorted(["1,024", "512", "15,609"], key=lambda text: sort_keys([text])[0])
    assert order == ["512", "1,024", "15,609"]
