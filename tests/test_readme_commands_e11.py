"""The README's ``nasloop ...`` commands against the parser: a flag renamed or dropped in the CLI, or a complete
command missing a required flag, is what a reader copies and sees fail. Four ``nasloop compare`` commands given with
their figures (NB301's warm-up, local search's ``improvement``, BANANAS' baselines, NB201's protocol) had no ``--out``,
which ``compare`` requires, so each stopped at 'the following arguments are required: --out'."""
from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

from nasloop.engine.cli_parser import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
PLACEHOLDER = re.compile(r"\.\.\.|[|\[\]<>]|^[A-Z][A-Z_.]*$")
"""A word that stands for something (``FILE``, ``...``, ``a | b``, ``[--json]``): such a command is a pattern."""


def block_commands() -> list[str]:
    """Each ``nasloop`` line of the README's code blocks, continuation lines joined, its comment dropped."""
    found, lines, inside, at = [], README.splitlines(), False, 0
    while at < len(lines):
        line = lines[at]
        inside = inside != line.startswith("```")
        if inside and re.match(r"nasloop\s", line):
            while line.endswith("\\"):
                at += 1
                line = line[:-1] + " " + lines[at].strip()
            found.append(re.split(r"\s+#\s", line)[0].strip())
        at += 1
    return found


def inline_commands() -> list[str]:
    """Each ```nasloop ...``` span of the README's prose, its line breaks read as spaces."""
    return [" ".join(span.split()) for span in re.findall(r"`(nasloop\s[^`]+)`", README)]


def command_parser(words: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The (sub)parser the command's leading words select, and the words left for it."""
    parser = build_parser()
    while True:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs or not words or words[0] not in subs[0].choices:
            return parser, words
        parser, words = subs[0].choices[words[0]], words[1:]


def flags(command: str) -> list[str]:
    return [w.strip("[]") for w in shlex.split(command)[1:] if w.strip("[]").startswith("--")]


def test_every_flag_of_a_readme_command_is_one_its_command_has():
    commands = block_commands() + inline_commands()
    assert len(commands) > 100, len(commands)
    unknown = []
    for command in commands:
        words = [w for w in shlex.split(command)[1:] if w != "--plugin" and not w.endswith(".py")]
        parser, _ = command_parser(words)
        known = set(parser._option_string_actions) | set(build_parser()._option_string_actions)
        unknown += [(command, flag.split("=")[0]) for flag in flags(command) if flag.split("=")[0] not in known]
    assert not unknown, unknown


def complete(command: str) -> bool:
    """A command given whole: no placeholder word, and three flags or more (not a name in a sentence)."""
    words = shlex.split(command)
    return not any(PLACEHOLDER.search(w) for w in words) and len(flags(command)) >= 3


def test_every_complete_readme_command_parses_as_written():
    commands = [c for c in block_commands() + inline_commands() if complete(c)]
    assert len(commands) > 50, len(commands)
    refused = []
    for command in commands:
        said = io.StringIO()
        try:
            with contextlib.redirect_stderr(said):
                build_parser().parse_args(shlex.split(command)[1:])
        except SystemExit:
            refused.append((command, said.getvalue().strip()))
    assert not refused, refused
