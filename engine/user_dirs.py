"""The per-user folders nasloop keeps files in, and ``~`` in the paths a user names.

The cache (``$XDG_CACHE_HOME/nasloop``, else ``~/.cache/nasloop``: data files, parsed tables) and the configuration
(``$XDG_CONFIG_HOME/nasloop``, else ``~/.config/nasloop``: the plugin-signing secret) are absolute folders or none.
A process with no home (``HOME`` unset and its user id missing from the password database, as in a container run as
an id it does not list) had Python leave ``~`` as it is, so nasloop made a folder named ``~`` in the current one
(``./~/.cache/nasloop``, which ``rm -rf ~`` would be typed to remove), and a relative ``$XDG_CACHE_HOME`` or
``$XDG_CONFIG_HOME`` put the cache, or the secret, in whatever folder the command ran in. A relative variable is
ignored, as the XDG Base Directory specification asks (``~`` expanded first, as nasloop expands it in every path);
with no absolute home there is no such folder (nothing cached, nothing signed).

A ``$HOME`` that is set but not absolute (``HOME=''``) is no home either: the folders are then the password
database's home, and a ``~`` in a path is refused in one line, where Python (as the shell) expanded ``~/data`` to
``/data`` while the cache went to the password database's home folder.
"""
from __future__ import annotations

import os
import pwd
from pathlib import Path

from .errors import ConfigError


def user_folder(variable: str, fallback: str) -> Path | None:
    """``$variable/nasloop`` where the variable names an absolute folder, else ``HOME/fallback/nasloop``; None
    where this process has no absolute home."""
    try:  # a ~ naming no home: the variable is ignored, as a relative one is
        given = str(expand_user(os.environ.get(variable, "")))
    except ConfigError:
        given = ""
    if os.path.isabs(given):
        return Path(given) / "nasloop"
    home = _home()
    return None if home is None else Path(home) / fallback / "nasloop"


def _home() -> str | None:
    """``$HOME`` where it is absolute, else the password database's home of this user id (an empty or relative
    ``$HOME`` would put the folders in the current one), else None."""
    home = os.environ.get("HOME", "")
    if os.path.isabs(home):
        return home
    try:
        home = pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return None
    return home if os.path.isabs(home) else None


def no_home() -> str:
    """Why there is no per-user folder, as the lines refusing what needs one say it before their fix."""
    return (f"this process has no home folder ($HOME is unset or relative, and user id {os.getuid()} has no home in "
            "the password database)")


def expand_user(path: str | os.PathLike) -> Path:
    """``path`` with a leading ``~`` (or ``~user``) made that home folder; one line where it names none, which
    ``Path.expanduser`` raised as a RuntimeError (reported as unexpected, with a traceback file), or where ``$HOME``
    is set but not absolute (Python made ``~/data`` of ``HOME=''`` the root's ``/data``, where nasloop's own folders
    are in the password database's home: see :func:`_home`)."""
    given = Path(path)  # what is no path fails in pathlib's TypeError, as it did before the check below
    text = os.fspath(path)
    home = os.environ.get("HOME")
    if (text == "~" or text.startswith("~/")) and home is not None and not os.path.isabs(home):
        raise ConfigError(f"'{path}' starts with ~, but $HOME is {home!r}, not a folder's full path; give the full "
                          "path, or set HOME to your home folder") from None
    try:
        return given.expanduser()
    except RuntimeError:
        user = os.fspath(path)[1:].partition("/")[0]
        why = f"there is no user '{user}' here" if user else no_home()
        raise ConfigError(f"'{path}' starts with ~, but {why}; give the full path") from None
