"""The README's benchmark and example script commands against the scripts themselves: every ``benchmarks/NAME.py``
or ``examples/NAME.py`` it names exists, and every ``--flag`` it gives one is a flag that script declares.

``tests/test_readme_commands_e11.py`` holds the ``nasloop`` commands to the command's parser; the scripts' commands,
given with most of the README's figures, had no such check, so a flag renamed in a script would leave its figure's
command failing as written. The flags are read from each script's source (its ``add_argument`` calls, and the shared
``--data-dir`` of ``script_args.add_data_dir``), not by starting a Python per script."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCRIPT = re.compile(r"\b((?:benchmarks|examples)/\w+\.py)\b")


def _commands() -> list[str]:
    """Each code span of the prose and each line of a code block (continuations joined) that names a script."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.S)
    prose = re.sub(r"```.*?```", "", README, flags=re.S)
    spans = [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", prose)]
    lines = [line for block in blocks for line in re.sub(r"\\\n\s*", " ", block).splitlines()]
    return [text for text in spans + lines if SCRIPT.search(text)]


def _uses(text: str) -> list[tuple[str, set[str]]]:
    """(script, the flags given it) for each script a command runs: the flags between its name and the next (a
    file given to ``nasloop --plugin`` is loaded, not run: the flags after it are the command's)."""
    parts = SCRIPT.split(text)
    return [(parts[i], set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", re.split(r"\s#\s|;|&&|\|", parts[i + 1])[0])))
            for i in range(1, len(parts), 2) if not parts[i - 1].endswith("--plugin ")]


def _declared(script: Path) -> set[str]:
    """The long flags the script's source declares: ``add_argument('--x', ...)`` and ``add_data_dir(parser)``."""
    flags = {"--help"}
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if called == "add_argument":
            flags |= {arg.value for arg in node.args
                      if isinstance(arg, ast.Constant) and str(arg.value).startswith("--")}
        elif called == "add_data_dir":
            flags.add("--data-dir")
    return flags


def test_every_script_the_readme_names_exists():
    named = {script for text in _commands() for script in SCRIPT.findall(text)} | set(SCRIPT.findall(README))
    assert len(named) >= 15, named
    assert not sorted(script for script in named if not (ROOT / script).is_file())


def test_every_flag_the_readme_gives_a_script_is_one_it_declares():
    uses = [(script, flags, text) for text in _commands() for script, flags in _uses(text)]
    assert sum(bool(flags) for _, flags, _ in uses) >= 40, len(uses)
    declared = {script: _declared(ROOT / script) for script, _, _ in uses}
    unknown = [(script, sorted(flags - declared[script]), text) for script, flags, text in uses
               if flags - declared[script]]
    assert not unknown, unknown
