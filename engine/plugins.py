"""Loading a user's plugins without packaging: ``nasloop --plugin my_space.py search ...``.

A plugin is a Python file or an importable module whose decorators (``@register_search_space``,
``@register_strategy``...) register its classes when it is imported. Installed packages register
through entry points instead and need nothing here. A search records the plugins it was started
with, so ``--resume`` loads them again (when this user recorded them: see :mod:`.plugin_trust`); a Ray
executor ships file plugins to its workers by value (they cannot import a file that only the driver knows),
imports each file under the driver's module name where the file is at hand, and puts each file's folder first
on its workers' import path, so a module beside the file imports there as it does in the driver.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Sequence

from .errors import ConfigError, refuse_single
from .guided import predictor_of
from .held_imports import interrupt_held
from .registry import EVALUATORS, PREDICTORS, SEARCH_SPACES, STRATEGIES, Registry
from .user_files import path_from, why_not_a_file

_LOADED: dict[str, ModuleType] = {}
_DIGESTS: dict[str, str | None] = {}  # a loaded file's SHA-256, to tell it edited since (see _refuse_changed)
_FOLDERS: list[str] = []  # folders of plugin files: first on the import path, in this process and on Ray workers


def _module_name(path: Path) -> str:
    stem = "".join(c if c.isalnum() else "_" for c in path.stem)
    return f"nasloop_plugin_{stem}"


def load_plugin(spec: str, folder: str | None = None) -> ModuleType:
    """Import one plugin, a ``.py`` file (read from ``folder`` when relative) or a dotted module name, once per
    process: named again (a second search or ``main([...])`` in one script), it is the module loaded before, and a
    file edited since is refused (see :func:`_refuse_changed`)."""
    if not spec.strip():  # Path('') is the current folder: "--plugin ''" was refused as "plugin  is a folder"
        raise ConfigError(f"plugin {spec!r} is an empty name; give a .py file path or an importable module name "
                          "(an unset shell variable?)")
    path = path_from(folder, spec)
    key = _identity(spec, folder)  # the same file named from two folders is loaded once
    is_file = spec.endswith(".py") or path.is_file()  # as _identity tells them (a resolved path may be the spec)
    if key in _LOADED:
        _refuse_changed(spec, key)
        return _LOADED[key]
    before, imported = len(Registry.taken), not is_file and spec in sys.modules
    if is_file:
        if not path.is_file():
            _refuse_folder(spec, path)
            if os.path.lexists(path):  # said not to exist, beside the file the user sees there
                raise ConfigError(f"plugin file {path} {why_not_a_file(path)}; give the path of a .py file")
            raise ConfigError(f"plugin file {path} does not exist; give the path of a .py file or a module name")
        name = _module_name(path)
        beside = str(path.resolve().parent)
        if beside not in _FOLDERS:
            _FOLDERS.append(beside)
        if beside not in sys.path:  # as for a script run by Python: modules beside the file import first
            sys.path.insert(0, beside)
        module_spec = importlib.util.spec_from_file_location(name, path.resolve())
        if module_spec is None or module_spec.loader is None:
            raise ConfigError(f"plugin {spec} is not a Python file nasloop can import; rename it to end in .py")
        module = importlib.util.module_from_spec(module_spec)
        digest = _digest(path)
        previous = sys.modules.get(name)  # a plugin file of the same name from another folder, loaded before
        sys.modules[name] = module
        try:
            with interrupt_held():  # a plugin file's own imports (torch...): a Ctrl-C inside broke them for good
                module_spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the user's code may fail in any way
            if previous is None:
                del sys.modules[name]
            else:  # removing it took the earlier file's module from under it: Ray could no longer ship it
                sys.modules[name] = previous
            raise _load_failure(spec, exc, "file") from None
    else:
        if not all(part.isidentifier() for part in spec.split(".")):  # '' or '.x' failed in importlib's words
            _refuse_folder(spec, path)
            raise ConfigError(f"plugin {spec!r} is neither a .py file nor a module name; give a .py file path or "
                              "an importable module name (my_package.my_plugins)")
        try:
            with interrupt_held():  # as a plugin file's
                module = _import_module(spec, folder)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (spec + ".").startswith(exc.name + "."):  # the plugin itself is not there
                raise ConfigError(f"plugin module '{spec}' cannot be imported ({exc}); give a .py file path or an "
                                  "importable module name") from None
            raise _load_failure(spec, exc, "module") from None
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a syntax error or a crash in the module's code
            raise _load_failure(spec, exc, "module") from None
    if not (_registered_from(module) if imported else Registry.taken[before:]):
        when = ("nothing registered in this process comes from it" if imported else
                "no register decorator ran while it was imported")
        raise ConfigError(f"plugin {spec} registers nothing: {when}; name the module that registers your classes "
                          "(my_package.plugins), or import it from this one")
    _LOADED[key] = module
    if is_file:
        _DIGESTS[key] = digest
    Registry.loaded_plugins.append(key)
    return module


def _refuse_folder(spec: str, path: Path) -> None:
    """A folder named as a plugin, by a path (``./spaces``, ``spaces/``, or one called ``spaces.py``), is refused
    as a folder: it was a file that 'does not exist', or 'neither a .py file nor a module name'. A bare name
    (``spaces``) is still a package's module name."""
    if path.is_dir():
        raise ConfigError(f"plugin {spec} is a folder; give the .py file in it that registers your classes, or, for a "
                          "package, its module name (my_package.plugins) from the folder that holds it")


def _digest(path: Path) -> str | None:
    """The SHA-256 of a plugin file's bytes, None when it cannot be read (its import then says why)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _refuse_changed(spec: str, key: str) -> None:
    """A plugin file loaded before in this process, named again after it was edited, is refused rather than
    reloaded or reused. Reused, the old classes ran silently while the file showed the new ones (a notebook
    re-running its search cell after an edit got the old scores); reloaded, what the old version registered could
    not be taken back (a name the edit removed stays, a renamed class clashes with the old one under its name), and
    objects already built from the old classes would mix with the new ones, as would Ray workers, which import the
    file as it is now. Unchanged, or gone since (the process still holds its classes), it is the same plugin."""
    known, now = _DIGESTS.get(key), _digest(Path(key))
    if known is not None and now is not None and now != known:
        raise ConfigError(f"plugin {spec} changed since this process loaded it, which still holds its old classes; "
                          "start a new Python process (restart the notebook's kernel) to use the new version, or "
                          "put the file back as it was")


def _import_module(spec: str, folder: str | None) -> ModuleType:
    """``spec`` imported as ``python -m`` finds it: also from the folder the run was started in (``folder``, else
    the current one). The ``nasloop`` command's path holds its own script's folder instead, so a package beside
    the project (``--plugin my_pkg.spaces``, loaded without packaging) was 'cannot be imported', as was any
    module plugin of a run resumed from another folder."""
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        home = os.path.abspath(folder or os.getcwd())
        if home in sys.path or not exc.name or not (spec + ".").startswith(exc.name + "."):
            raise
        sys.path.append(home)  # after the installed packages, which a folder's stray module must not shadow
        if home not in _FOLDERS:  # Ray workers import it from there too
            _FOLDERS.append(home)
        return importlib.import_module(spec)


def _registered_from(module: ModuleType) -> list[object]:
    """What code in ``module`` or its submodules registered, for a module imported before it was named as a plugin
    (by the user's script, or by nasloop itself)."""
    inside = module.__name__ + "."
    return [obj for obj, by in Registry.taken if f"{by}.".startswith(inside)]


def _load_failure(spec: str, exc: BaseException, what: str) -> ConfigError:
    """One line for a plugin whose code failed while it was imported, saying what to do about it."""
    if isinstance(exc, SystemExit):  # else a script's exit() ends nasloop with no message at all
        return ConfigError(f"plugin {spec} called exit({exc.code!r}) while loading; a plugin only defines and "
                           "registers classes: remove the call, or guard it with if __name__ == '__main__'")
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        return ConfigError(f"plugin {spec} imports '{exc.name}', which is not installed here; install the package "
                           f"that provides it (pip install ...), or remove the import from the {what}")
    reason = next((line.strip() for line in str(exc).splitlines() if line.strip()), None)
    if reason is None:  # 'AssertionError: ; fix the file' (an assert, a bare raise) said neither what nor where
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = "" if tb is None else f", raised at {Path(tb.tb_frame.f_code.co_filename).name} line {tb.tb_lineno}"
        return ConfigError(f"plugin {spec} failed to load: {type(exc).__name__} (no message{where}); fix the {what}")
    return ConfigError(f"plugin {spec} failed to load: {type(exc).__name__}: {reason}; fix the {what}")


def _identity(spec: str, folder: str | None) -> str:
    """What makes two plugin specs the same plugin (the key of :data:`_LOADED`): a file's resolved path, or a
    module's name. A link to itself stays as it is (Path.resolve raised RuntimeError: an unexpected error)."""
    path = path_from(folder, spec)
    return os.path.realpath(path) if spec.endswith(".py") or path.is_file() else spec


def plugins_to_record(recorded: Sequence[str], given: Sequence[str], folder: str | None) -> list[str]:
    """The plugins ``given`` now (read from the current folder) that a run's ``recorded`` ones (read from
    ``folder``, where it was started) lack, files as absolute paths: a run started from a script that imported
    its plugin itself records none, and each resume needed ``--plugin`` again."""
    refuse_single("plugins", given, f"[{given!r}]", "plugin files or modules")
    known = {_identity(spec, folder) for spec in recorded}
    return [_identity(spec, None) for spec in dict.fromkeys(given) if _identity(spec, None) not in known]


def given_files(given: Sequence[str]) -> dict[str, str]:
    """The plugin files ``given`` now that exist, by file name, as absolute paths: each takes the place of a recorded
    file of that name (see :func:`relocated_plugins`)."""
    return {Path(spec).name: _identity(spec, None) for spec in given if spec.endswith(".py") and Path(spec).is_file()}


def relocated_plugins(recorded: Sequence[str], given: Sequence[str], folder: str | None, run: str) -> list[str]:
    """A run's ``recorded`` plugins (read from ``folder``) with each file replaced by the file of the same name
    ``given`` now (read from the current folder), as a resume takes a moved data folder or pretrained file; one line
    naming a file that is gone and not given. A resumed run loads its own plugins, so a moved file could only be
    put back where it was; and a fixed copy given while the old file is still there loaded both, whose classes
    clashed ('registered twice')."""
    moved = given_files(given)
    relocated = []
    for spec in recorded:
        if spec.endswith(".py") and Path(spec).name in moved:
            spec = moved[Path(spec).name]
        elif spec.endswith(".py") and not path_from(folder, spec).is_file():
            raise ConfigError(f"{run} was started with the plugin file {path_from(folder, spec)}, which no "
                              f"longer exists; put it back where it was, or give where it is now: nasloop "
                              f"--plugin NEW/{Path(spec).name} search --resume {run}")
        relocated.append(spec)
    return relocated


def resolved_plugins(specs: Sequence[str], folder: str | None) -> list[str]:
    """``specs`` as read from ``folder``: files as absolute paths, modules by name; for a process that reads its
    plugins from another current folder (a study's worker resuming a run with the plugins its user gave)."""
    return [_identity(spec, folder) for spec in specs]


def unique_plugins(specs: Sequence[Any]) -> list[Any]:
    """``specs`` with each plugin once (the first spelling kept), files compared by where they resolve from the
    current folder: a config file's ``plugins:`` and ``--plugin`` naming one file recorded it twice in the run.
    What is not text is kept, for :class:`SearchConfig` to refuse in its own words."""
    seen: set[str] = set()
    kept = []
    for spec in specs:
        key = _identity(spec, None) if isinstance(spec, str) else None
        if key is None or key not in seen:
            kept.append(spec)
        if key is not None:
            seen.add(key)
    return kept


def load_plugins(specs: Sequence[str], folder: str | None = None) -> None:
    """Import every plugin in ``specs`` (see :func:`load_plugin`)."""
    for spec in specs:
        load_plugin(spec, folder)


def file_plugin_modules() -> list[ModuleType]:
    """Modules loaded from files: what a distributed executor must ship by value."""
    return [m for m in _LOADED.values() if m.__name__.startswith("nasloop_plugin_")]


def plugin_files() -> list[tuple[str, str]]:
    """(module name, file) of each plugin file loaded, for workers to import as this process did."""
    return [(m.__name__, str(m.__file__)) for m in file_plugin_modules()]


def import_plugin_files(files: Sequence[tuple[str, str]]) -> None:
    """In a worker, import each plugin file at hand under the module name the driver gave it.

    Shipping the module by value covers its classes and functions, but an object pickled by reference to it (a
    function wrapped in ``functools.lru_cache``, as a benchmark's table loader often is) names the module, which
    a worker could not import: ``nasloop_plugin_<stem>`` is no file's name. A file not at hand (another node of a
    cluster) or failing there is left to the by-value copy, as before."""
    for name, path in files:
        if name in sys.modules or not Path(path).is_file():
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            continue
        module = sys.modules[name] = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except (Exception, SystemExit):  # noqa: BLE001 - the driver loaded it; here the by-value copy still serves
            del sys.modules[name]


def plugin_folders() -> list[str]:
    """The folders of the plugin files loaded, for the front of workers' import paths: a helper module beside a
    plugin imports there (lazily, as a namespace package, with state that cannot be pickled) as in the driver,
    ahead of a module of the same name in the folder Ray puts first (the one the driver was started in)."""
    return list(_FOLDERS)


def named_plugins_loaded(space: str, evaluator: str, strategy: str, predictor: str | None) -> None:
    """Each plugin a stored run names is registered, else one line naming the first that is not and ``--plugin``. A
    name nasloop does not know is taken to read a dataset, so a run that recorded none (a user's space searched from
    a script that imported it) was called damaged when resumed without its plugin."""
    for registry, name in ((SEARCH_SPACES, space), (EVALUATORS, evaluator), (STRATEGIES, strategy),
                           (PREDICTORS, predictor_of(strategy, predictor))):
        if name is not None:
            registry.get(name)
