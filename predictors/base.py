"""The predictor interface: fit on evaluated architectures, predict mean and spread for others.

Predictors are built for one search space (their encodings, FLAN's vocabulary), so they are not
scikit-learn estimators (no ``get_params``/``clone``); ``config()`` lists their options.

``fit`` learns from evaluated architectures and their scores, ``predict`` returns a mean and a
standard deviation per architecture (the spread lets acquisition functions trade exploration
against exploitation), ``update`` adds new results, by default by refitting on everything seen.

``state_dict``/``load_state_dict`` capture a fitted predictor as JSON-compatible data, so a
predictor-guided search that is interrupted resumes with the very same model: warm-started
predictors depend on their whole history of updates, which a refit from the data cannot replay.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
import functools
from pathlib import Path
from typing import Any, ClassVar, Iterable, Iterator, Mapping, Sequence
import warnings

import numpy as np

from ..engine.appended_rows import AppendedRows
from ..engine.errors import ConfigError, UnsupportedError, check_base_init, check_requires, one_line
from ..engine.held_imports import imported
from ..engine.registry import PREDICTORS, refusal_for
from ..engine.options import Configurable, Seed, takes
from ..engine.parsed_texts import parsed
from ..engine.types import Arch
from ..search_spaces.base import Requirement, SearchSpace, missing_capabilities
from .saved_state import RECORD, FormattedRows, checked_load, record
from .targets import checked_targets, fitted_on_copies
from .training_data import TrainingData


@contextmanager
def quiet_botorch() -> Iterator[None]:
    """Silence botorch's notes on what it handles itself: unstandardised outcomes (all ties: ``Standardize`` copes),
    jitter added to a covariance (near-duplicate inputs), an acquisition optimiser's restart, a cached Cholesky update
    falling back to plain sampling, its fused hypervolume kernel not compiling without a C++ compiler (its Python
    one is used). Nobody running a search can act on them, and they filled its terminal."""
    notes = imported("botorch.exceptions.warnings")  # botorch's warning classes
    NumericalWarning = imported("gpytorch.utils.warnings").NumericalWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalWarning)  # "added jitter to the diagonal": its own remedy, applied
        warnings.simplefilter("ignore", notes.InputDataWarning)
        warnings.simplefilter("ignore", notes.OptimizationWarning)
        # botorch reports an optimiser restart as a RuntimeWarning, not an OptimizationWarning
        warnings.filterwarnings("ignore", "Optimization failed (in `gen_candidates_scipy`|on the second try)",
                                RuntimeWarning)
        warnings.filterwarnings("ignore", "Failed to compile fused qLogEHVI C\\+\\+ extension", UserWarning)
        warnings.filterwarnings("ignore", "Low-rank cholesky updates failed", notes.BotorchWarning)  # NEHVI, replicates
        yield


@contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one thread inside the block, restoring the caller's setting after.

    Predictors fit on small tensors (a GP's n x n matrices, a few dozen graphs per FLAN step):
    threads gain little, and on a busy shared CPU OpenMP threads spin-wait for each other.
    Measured on the 2-core development machine under load: a 138x138 Cholesky and solve takes
    0.3 s on 2 threads, 0.6 ms on one; an 8-cell FLAN fit 9.1 s on 2 threads, 2.0 s on one.
    """
    torch = imported("torch")

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def vector_encoding(predictor: str, space: SearchSpace, encoding: str | None) -> str:
    """The vector encoding a predictor reads: ``encoding``, or by default the space's first one.

    One line naming the choices when the space has no such vector encoding.
    """
    offered = space.vector_encodings
    if not offered:
        instead = ("use flan or emprox, which read its graph encodings" if space.graph_encodings else
                   "it has no graph encoding either, so no learned predictor reads it: declare one (the README's "
                   "'Adding a search space'), or search with a strategy that uses no predictor")
        raise UnsupportedError(f"{predictor} reads architectures as vectors, and search space '{space.name}' "
                               f"declares no vector encoding; {instead}")
    if encoding is None:
        return offered[0]
    if encoding not in offered:
        raise ConfigError(f"{predictor}: search space '{space.name}' has no '{encoding}' vector encoding; "
                          f"it offers: {', '.join(offered)}")
    return encoding


class Predictor(TrainingData, Configurable, ABC):
    """Base class for predictors; subclass and register with ``@register_predictor``.

    Implement ``_fit(archs, y)`` (targets higher-is-better, already checked) and ``predict(archs)``, returning one
    mean and one std >= 0 per architecture; a constructor of your own takes ``space`` and ``seed``, then your
    options with type hints, and calls ``super().__init__(space, seed)``. ``requires`` names the space capabilities
    it reads (``VectorEncoded``, from :mod:`nasloop.search_spaces.base`).

    ``epistemic_std`` says whether ``std`` measures what the model does not know (an ensemble's
    disagreement, a GP's posterior), which shrinks where data pins the answer down. A spread of
    the observed targets (EmProx's neighbours) does not, and a strategy exploring by ``std`` would
    chase noisy regions instead of untested ones.
    """

    plugin_kind = "predictor"
    wiring = ("space", "seed", "context")
    requires: ClassVar[tuple[Requirement, ...]] = ()
    """The capabilities of :mod:`nasloop.search_spaces.base` it reads (``VectorEncoded`` for one reading
    ``space.vector_encodings``): a space without them is refused as it is built, before the first evaluation, naming
    the predictors that work there, where it failed in the user's own code (an IndexError) as it was tried."""
    epistemic_std: ClassVar[bool] = False
    pretrained_on: tuple[str, ...] = ()
    """The spaces whose labelled architectures the starting weights learned from (a pretrained file): on their cells
    a predictor evaluation measures what it remembers, not what it learns from the cells it is fitted on."""
    holds_predictors: ClassVar[bool] = False
    """Whether its ``members`` option holds other predictors and their options (a blend), so that an option written
    ``NAME.KEY`` for a member belongs inside it instead; an MLP's ``members``, a count, does not."""
    held: tuple[Predictor, ...] = ()
    """The predictors it holds (a blend's members): where one is a user's, it is tried before a run as a user's is.
    In the order of the keys of its ``members`` option as ``config()`` reads it back, a mapping of each key to the
    options it built that member with: a run records what each member resolved under its key."""
    builds_networks: bool = False
    """Whether ranking an architecture it has not seen builds that architecture's network (a zero-cost proxy
    that nothing stores, up to seconds on a CPU), so a strategy should rank fewer candidates per round."""
    computed_proxies: tuple[str, ...] = ()
    """The proxies it computes so, where it knows them: the run's computing note names them and their precompute."""
    state_free_options: ClassVar[tuple[str, ...]] = ()
    """Options (``seed`` too) that steer later fits only (a step count, a learning rate), so :meth:`load_state_dict`
    takes a state saved with other values of them; every other one must match the state's (:mod:`.saved_state`)."""

    @classmethod
    def compared_option(cls, name: str, value: Any) -> Any:
        """Option ``name`` at ``value`` (as a state's record holds it: JSON's lists and dicts) in the form a state's
        record is checked in, so that two spellings of one choice load each other's states (a blend's default
        members and the same members written out); by default the value itself."""
        return value

    @classmethod
    def held_predictor(cls, key: str) -> str:
        """The registered predictor a key of its ``members`` option names (a holder's own spelling: a blend's
        ``forest#proxies`` is a forest), whose options a resumed run's recorded ones for that member are checked
        against; by default the key itself."""
        return key

    @classmethod
    def reads_dataset_with(cls, space: type[SearchSpace], options: Mapping[str, Any]) -> bool:
        """Whether the predictor, built on a ``space`` of this class with ``options`` (every option, the run's over
        the constructor's defaults), reads the run's dataset: proxies stored for it or computed on its images. A
        search of a user's space records a dataset only where something reads one. By default, whether it takes
        the run ``context``, through which it may read anything; nasloop's own answer from the features their
        options name (a forest on one-hot features reads none)."""
        return takes(cls, "context")

    def __init__(self, space: SearchSpace, seed: Seed = 0) -> None:
        self.space, self.seed = space, seed
        self._set_training_data([], np.zeros(0))  # self._archs and self._y: read, never written, by a subclass
        self._formatted = FormattedRows()

    def _constructed(self) -> None:
        check_base_init(self, "predictor", PREDICTORS.label(self), "_base_archs", "super().__init__(space, seed)")
        missing = missing_capabilities(self.space, self.requires)
        if missing:
            raise UnsupportedError(f"predictor {PREDICTORS.label(self)} needs a search space that "
                                   f"{' and '.join(missing)}; '{self.space.name}' does not")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_requires(cls, "predictor")
        # predict checked, _fit handed copies (fitted_on_copies): the class's own, or its mixin's, which none wrapped
        for name, wrap in (("predict", _checked), ("_fit", fitted_on_copies)):
            owner = next(c for c in cls.__mro__ if name in c.__dict__)
            if owner is cls or not issubclass(owner, Predictor):
                setattr(cls, name, wrap(owner.__dict__[name]))
        if "load_state_dict" in cls.__dict__:  # a state made by another predictor, space or options is refused first
            cls.load_state_dict = checked_load(cls.__dict__["load_state_dict"])  # type: ignore[method-assign]

    def fit(self, archs: Iterable[Arch], y: Iterable[float]) -> "Predictor":
        """Learn from scratch on ``archs`` with targets ``y`` (higher is better; copied, see targets.py)."""
        archs = self._own_forms(archs)
        y = checked_targets(archs, y)
        self._set_training_data(archs, y)
        self._fit(archs, y)
        return self

    def update(self, new_archs: Iterable[Arch], new_y: Iterable[float]) -> "Predictor":
        """Add results; predictors that can warm-start override :meth:`_update`."""
        new_archs = self._own_forms(new_archs)
        new_y = checked_targets(new_archs, new_y)
        self._extend_training_data(new_archs, new_y)
        self._update(new_archs, new_y)
        return self

    def _own_forms(self, archs: Iterable[Arch]) -> list[Arch]:
        """``archs`` in the space's own form (a list of NB201 op indices becomes the tuple the space gives), or one
        line naming the first that is not an architecture of the space (a string form not parsed first, most often)
        instead of whatever error it would raise deep inside a model."""
        refuse_text(self, archs)
        given, archs, own = archs, list(archs), []
        for index, arch in enumerate(archs):
            where = (f"predictor {PREDICTORS.label(self)}: architecture {index + 1} of {len(archs)}, "
                     f"{one_line(repr(arch), 120)},")
            try:
                own.append(self.space.validate(arch))
            except Exception as exc:  # whatever the space raises on a foreign value: it is named, not hidden
                refuse_one(self, given)
                advice = "" if "space.parse" in str(exc) else "; pass what space.parse or space.sample returns"
                hint = self._text_hint(arch) if isinstance(arch, str) else f"{one_line(exc, 200)}{advice}"
                raise ConfigError(f"{where} is not one of search space '{self.space.name}', but {hint}") from None
        return own

    def _text_hint(self, text: str) -> str:
        """Why a string is not an architecture: told to parse a text that is no architecture at all ('garbage'),
        a user called parse and read only its error, so that error is given here."""
        try:
            self.space.parse(text)
        except Exception as exc:  # whatever parse raises says what is wrong with the text
            return f"a string, and not one of its string forms either: {one_line(exc, 200)}"
        return "its string form: pass space.parse(text)"

    def prepare(self) -> None:
        """Build shared caches now (FLAN's batched space graph, EmProx's encoder), so the first fit or
        ranking is not the one that pays for them; a no-op for predictors without any."""

    @abstractmethod
    def predict(self, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
        """Predicted mean and standard deviation of the target for each architecture."""

    @abstractmethod
    def _fit(self, archs: list[Arch], y: np.ndarray) -> None:
        """Fit on the given data (already validated)."""

    def _update(self, new_archs: list[Arch], new_y: np.ndarray) -> None:
        self._fit(self._archs, self._y)

    def state_dict(self) -> dict[str, Any]:
        """The training data seen so far, as lists a run's store appends to (``AppendedRows``: a refit only adds
        rows); predictors with learned weights extend it (see module doc)."""
        archs = AppendedRows(self._formatted.of(self._archs, self.space.format))
        return {"archs": archs, "y": AppendedRows(self._y.tolist()), RECORD: record(self)}

    @checked_load
    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`; the default refits on the stored data, which suits exact fits (GP, kNN)."""
        self._restore_data(state)
        if self._archs:
            self._fit(self._archs, self._y)

    def _restore_data(self, state: dict[str, Any]) -> None:
        """The architectures and targets of a :meth:`state_dict`, for subclasses that restore weights too."""
        self._require(state, "archs", "y")
        # a guided strategy's parsed once; the targets an array of the predictor's own, never the caller's
        self._set_training_data([parsed(self.space, a) for a in state["archs"]],
                                np.array(state["y"], dtype=np.float64))

    def _require(self, state: Any, *keys: str) -> None:
        """One line for a state that lacks what :meth:`state_dict` writes (a KeyError named only the key)."""
        missing = [k for k in keys if k not in state] if isinstance(state, dict) else list(keys)
        if missing:
            got = "a dict without " + ", ".join(repr(k) for k in missing) if isinstance(state, dict) else \
                f"a {type(state).__name__}"
            raise ConfigError(f"predictor {PREDICTORS.label(self)}: load_state_dict got {got}; pass what its "
                              "state_dict() returned")

    @property
    def fitted(self) -> bool:
        return len(self._archs) > 0


class Pretrainable(ABC):
    """A predictor that ``nasloop predictors pretrain --predictor NAME`` fits on benchmark tables and saves, for a
    later search to start from (FLAN's ``pretrained=FILE``). A mixin beside :class:`Predictor`, so the command asks
    the registered class whether it has one and refuses any other before reading a table.

    The command's driver (:mod:`nasloop.engine.pretraining`) checks the spaces, reads their tables, draws the cells
    and their targets, builds the predictor with its options and fits it (on each space in turn, or once on their
    mix, a :class:`~.mixed_space.MixedSpace`, with ``--joint``): the class only saves what it learned, and may
    refuse through the ``check_*`` hooks, early, what it cannot learn from."""

    start_option: ClassVar[str | None] = None
    """The constructor option that starts a fit from a file :meth:`save_pretrained` wrote (FLAN's ``pretrained``):
    spaces fitted in turn hand their file to the next space's predictor through it, and the command refuses it
    given by the user (it writes such a file). None: the class is pretrained on one space, or with ``--joint``."""

    @classmethod
    def pretrained_model_name(cls, name: str) -> str:
        """What the command's lines call the model registered as ``name`` (``wrote FILE (NAME on nb201: ...)``)."""
        return name

    @classmethod
    def check_pretraining(cls, options: Mapping[str, Any], joint: bool) -> None:
        """Refuse, before any table is read, options the pretraining cannot use (with ``joint``, on a mix)."""

    @classmethod
    def check_pretraining_space(cls, space: SearchSpace) -> None:
        """Refuse a space the model cannot learn from, as soon as its table is read."""

    @classmethod
    def check_chain(cls, predictors: Mapping[str, Any]) -> None:
        """Refuse, before any fit, the predictors built for the spaces fitted in turn (by space name) when what one
        learns cannot start the next."""

    @abstractmethod
    def save_pretrained(self, out: Path, spaces: Sequence[str], cells: int) -> None:
        """Write what this fitted predictor learned to ``out``: a file its ``start_option`` reads back. ``spaces``
        and ``cells`` are what it has been fitted on so far, in all."""


def _checked(predict: Any) -> Any:
    """``predict`` whose output is checked as it returns (one finite mean and one finite std >= 0 per
    architecture), so whatever reads a predictor, a user's strategy or a blend, never ranks by a plugin's NaN or
    misshapen output; and which, when the model fails, first names an argument that is not an architecture of the
    space, or retries with the space's own forms of the arguments (fit takes numpy rows and lists, see
    :meth:`Predictor._own_forms`), work done only then so that ranking thousands of candidates a round pays for
    no validation pass. Each class's own ``predict`` (or its mixin's) is wrapped: through ``super()`` too."""
    @functools.wraps(predict)
    def checked(self: Predictor, archs: Sequence[Arch], *args: Any, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
        refuse_text(self, archs)
        given, archs = archs, list(archs)
        try:
            out = predict(self, archs, *args, **kwargs)
        except Exception:
            refuse_one(self, given)  # as given (a tuple, numpy's array), not as the list made of it
            own = self._own_forms(archs)  # names one that is no architecture of the space
            if all(type(o) is type(a) for o, a in zip(own, archs)):
                raise
        else:
            own = None
        if own is not None:  # forms fit takes (numpy rows, lists): predict takes them too, as the space gives them
            archs, out = own, predict(self, own, *args, **kwargs)
        pair = _float_pair(self, len(archs), out)
        # as the model gave it (a float32 ranking stays the one every recorded search was made with), unless
        # reading it used it up (an iterator)
        return out if isinstance(out, (tuple, list)) else pair
    return checked


def refuse_text(predictor: Predictor, archs: Any) -> None:
    """One line for a single string given where a list of architectures belongs: it was read letter by letter, and
    refused as "architecture 1 of 87, '|'", naming neither the string nor the list it should be in; and for a set,
    whose order is not the targets'."""
    if isinstance(archs, str):
        raise ConfigError(f"predictor {PREDICTORS.label(predictor)} takes a list of architectures, got the string "
                          f"{one_line(repr(archs), 80)}; pass [space.parse(text)]")
    try:
        iter(archs)
    except TypeError:  # an NB101 cell alone: "'NB101Cell' object is not iterable", a traceback naming no fix
        refuse_one(predictor, archs)
        raise ConfigError(f"predictor {PREDICTORS.label(predictor)} takes a list of architectures, got "
                          f"{one_line(repr(archs), 80)}; pass a list of what space.parse or space.sample "
                          "returns") from None
    if isinstance(archs, (set, frozenset, dict)):  # no order: fit(set(cells), y) paired targets with other cells
        raise ConfigError(f"predictor {PREDICTORS.label(predictor)} takes a list of architectures, got a "
                          f"{type(archs).__name__}, whose order is arbitrary, so its targets and predictions would "
                          "not line up with it; pass a list (list(dict.fromkeys(archs)) drops repeats in order)")


def refuse_one(predictor: Predictor, archs: Any) -> None:
    """One line when ``archs`` is one architecture of the space, not a list of them: an NB201 cell was read as six
    architectures and refused as "architecture 1 of 6, 4", and an NB101 cell as an object that is not iterable.
    Asked only once ``archs`` failed as a list, so a right call pays nothing for it."""
    try:
        predictor.space.validate(archs)
    except Exception:  # noqa: BLE001 - not one architecture: the caller names what is wrong
        return
    raise ConfigError(f"predictor {PREDICTORS.label(predictor)} takes a list of architectures, got one architecture, "
                      f"{one_line(repr(archs), 80)}; pass [arch]")


def _float_pair(predictor: Predictor, count: int, out: Any) -> tuple[np.ndarray, np.ndarray]:
    """``out`` as one finite mean and one finite std >= 0 per architecture, else one line naming the predictor (a
    user's: a :class:`PluginFault`, its fix lets a search go on): NaN or misshapen output would steer it unseen."""
    name, refused = PREDICTORS.label(predictor), refusal_for(predictor)
    try:
        mean, std = (np.asarray(part, dtype=np.float64) for part in out)
    except (TypeError, ValueError):
        raise refused(f"predictor {name}: predict returned {type(out).__name__}, not a (mean, std) pair of "
                      "arrays; return two arrays with one value per architecture") from None
    for what, values in (("means", mean), ("stds", std)):
        if values.shape != (count,):
            raise refused(f"predictor {name}: predict returned {what} of shape {values.shape} for "
                          f"{count} architectures; return one value per architecture")
        bad = int((~np.isfinite(values)).sum() + (values < 0).sum() * (what == "stds"))
        if bad:
            raise refused(f"predictor {name}: predict returned {bad} {'negative or ' * (what == 'stds')}"
                          f"non-finite {what} for {count} architectures; return finite values"
                          + ", and stds of 0 or more" * (what == "stds"))
    return mean, std


def checked_prediction(predictor: Predictor, archs: Sequence[Arch]) -> tuple[np.ndarray, np.ndarray]:
    """``predictor.predict(archs)`` as float64 arrays, checked (every predictor's ``predict`` is: see
    :func:`_checked`)."""
    return _float_pair(predictor, len(archs := list(archs)), predictor.predict(archs))
