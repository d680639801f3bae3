"""Which recorded plugins a run folder or a study may import by itself: those this user recorded.

A run store and a study file record the plugins their runs were started with, so ``--resume`` (and a study's
report or continuation) imports them again. Such a folder may come from someone else (a run shared for its results,
an archive), and importing a plugin runs its code: a store naming ``/abs/evil.py`` ran it on resume. As Jupyter
trusts the notebooks its user ran, nasloop signs each recorded plugin list (with where its relative names are read
from) with an HMAC keyed by a secret of this user's (:func:`secret_path`, made once). A list that does not verify (a
folder of another user or machine, a list edited by hand, a run recorded before lists were signed: nasloop cannot
tell these apart), or whose relative names would be read from another folder than the one signed (a resume inside
a copy of the project reads the copy's files), is imported only when the user gives its plugins again
(``--plugin``, ``plugins=``), which signs it anew.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import ConfigError
from .user_dirs import user_folder

SIGNED_FIELDS = ("plugins", "workdir", "run_dir")
"""What decides which code a recorded plugin list imports: the names, and the folders relative ones are read from."""
SIGNATURE_KEY = "plugins_signature"
"""Where a run store's meta and a study file keep the signature of their plugin list."""
_PURPOSE = b"nasloop recorded plugins 1\n"


def secret_path() -> Path | None:
    """This user's signing secret: in ``$XDG_CONFIG_HOME/nasloop`` (else ``~/.config/nasloop``), not the cache
    folder, whose files a user may delete as caches, which would leave every signed run asking for ``--plugin``.
    None where there is no absolute such folder (:func:`.user_dirs.user_folder`): a relative variable, or no home,
    made the secret in the folder the command ran in (a project folder, shared with the runs it signs)."""
    folder = user_folder("XDG_CONFIG_HOME", ".config")
    return None if folder is None else folder / "plugin_signing_key"


def _secret(create: bool) -> bytes | None:
    """The secret's bytes; made (``create``) with mode 0600 the first time, whole or not at all, the first of two
    processes making it at once winning (a replaced secret would unsign the other's runs). None when there is none
    (a check needs no secret: nothing then verifies) or it cannot be made (a read-only home: the run is recorded
    unsigned, and resuming it asks for ``--plugin``)."""
    path = secret_path()
    if path is None:
        return None
    try:
        return _read(path)
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(os.urandom(32).hex().encode())
        try:
            os.link(partial, path)  # unlike a rename, never replaces a secret another process made meanwhile
        except FileExistsError:
            pass
        return _read(path)
    except OSError:
        return None
    finally:
        try:
            partial.unlink()
        except OSError:
            pass


def _read(path: Path) -> bytes | None:
    """The secret in ``path``; None for one too short to be nasloop's (an empty file: nothing verifies by it)."""
    secret = path.read_bytes().strip()
    return secret if len(secret) >= 32 else None


def _mac(secret: bytes, record: Mapping[str, Any]) -> str:
    message = json.dumps({name: record.get(name) for name in SIGNED_FIELDS}, sort_keys=True, default=str)
    return hmac.new(secret, _PURPOSE + message.encode(), hashlib.sha256).hexdigest()


def sign(record: Mapping[str, Any]) -> str | None:
    """The signature of ``record``'s plugin list (a run's stored configuration, a study's record), made with this
    user's secret (created if need be); None for a record without plugins, which needs none, or without a secret."""
    if not record.get("plugins"):
        return None
    secret = _secret(create=True)
    return None if secret is None else _mac(secret, record)


def signature_meta(record: Mapping[str, Any]) -> dict[str, str]:
    """What a run store's meta holds beside ``record`` (its configuration) to be trusted: nothing without plugins."""
    signed = sign(record)
    return {} if signed is None else {SIGNATURE_KEY: signed}


def trusted(record: Mapping[str, Any], signature: Any, read_from: str | None) -> bool:
    """Whether ``record``'s plugins may be imported without the user naming them: it names none, or this user's
    secret signed them as they are and those named from a folder (a relative file, a module) are read from the one
    signed with them (``workdir``), here ``read_from``: a signed run copied beside another ``plug.py`` (a resume
    reads a copied project's own files) imported that one."""
    plugins = record.get("plugins")
    if not plugins:
        return True
    if read_from != record.get("workdir") and not all(os.path.isabs(str(plugin)) for plugin in plugins):
        return False
    secret = _secret(create=False)
    return secret is not None and isinstance(signature, str) and hmac.compare_digest(signature, _mac(secret, record))


def untrusted(folder: Any, plugins: Sequence[Any]) -> ConfigError:
    """The one line for a folder whose recorded plugins are not this user's to import unasked."""
    named = ", ".join(str(p) for p in plugins)
    return ConfigError(f"{folder} names the plugins {named}, which nasloop did not record for you on this machine (a "
                       "folder from elsewhere, one read from a copy or move of its project, an edited list, or one "
                       "recorded before nasloop signed them), so it "
                       "imports none of them; if you trust them, give each again: nasloop --plugin FILE COMMAND ... "
                       "(plugins=[...] from Python)")
