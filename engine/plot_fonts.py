"""Fonts for the letters of a figure's texts (method names, spaces, metrics) that matplotlib's default lacks.

DejaVu Sans, matplotlib's default, has no CJK letters: alone, it draws a method named ``进化`` as empty boxes, with
a "Glyph ... missing from font" warning for every letter on every draw. A figure therefore draws such letters with
an installed font that has them (matplotlib falls back to it letter by letter), and where no font has them, writes
each as its code point (``<U+8FDB>``), which tells methods apart where boxes would not; :func:`glyph_note` says so
in the report, naming the letters and the fix.
"""
from __future__ import annotations

import functools
from typing import Any, Iterable

from .errors import first_few
from .held_imports import imported

LAST_RESORT = "Last Resort"
"""A font matplotlib ships whose glyphs are placeholders for whole Unicode blocks: it has every letter, and none."""


@functools.lru_cache(maxsize=None)
def _charmap(path: str) -> frozenset[int]:
    """The code points a font file has glyphs for (none where matplotlib cannot read it)."""
    FT2Font = imported("matplotlib.ft2font").FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def _default_chars() -> frozenset[int]:
    """What the default font draws (DejaVu Sans unless the user's matplotlibrc says otherwise)."""
    font_manager = imported("matplotlib.font_manager")

    return _charmap(font_manager.findfont(font_manager.FontProperties()))


@functools.lru_cache(maxsize=None)
def _plan(letters: frozenset[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The families of installed fonts that have the ``letters`` the default font lacks (best covering first),
    and the letters none has. matplotlib's font list is cached when it is first built, so a font installed since
    is found among the system's fonts and added to it: installing one and writing the report again is the fix."""
    font_manager = imported("matplotlib.font_manager")

    left = {c for c in letters if ord(c) not in _default_chars() and c.isprintable() and not c.isspace()}
    if not left:
        return (), frozenset()
    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known and left & _letters(path):
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a font matplotlib cannot describe: draw without it
                continue
    fonts = {entry.name: _letters(entry.fname) for entry in manager.ttflist
             if not entry.name.startswith(LAST_RESORT) and left & _letters(entry.fname)}
    chosen: list[str] = []
    while left and fonts:
        name = max(sorted(fonts), key=lambda family: len(left & fonts[family]))
        if not left & fonts[name]:
            break
        chosen.append(name)
        left -= fonts.pop(name)
    return tuple(chosen), frozenset(left)


@functools.lru_cache(maxsize=None)
def _letters(path: str) -> frozenset[str]:
    """The letters a font file has glyphs for."""
    return frozenset(chr(code) for code in _charmap(path))


def unfontable(texts: Iterable[str]) -> list[str]:
    """The letters of ``texts`` that no installed font has, in order."""
    return sorted(_plan(frozenset("".join(texts)))[1])


def fit_fonts(figure: Any) -> None:
    """Make every text of ``figure`` drawable before it is saved: letters the default font lacks are drawn with
    an installed font that has them, and those no font has are written as code points (see the module)."""
    Text = imported("matplotlib.text").Text

    texts = [text for text in figure.findobj(Text) if text.get_text()]
    families, missing = _plan(frozenset("".join(text.get_text() for text in texts)))
    if not families and not missing:
        return
    written = lambda content: "".join(f"<U+{ord(c):04X}>" if c in missing else c for c in content)  # noqa: E731
    for axis in (axis for axes in figure.axes for axis in (axes.xaxis, axes.yaxis)):
        labels = [label.get_text() for label in axis.get_ticklabels()]
        if missing & set("".join(labels)):  # tick labels given as names are redrawn from them, not from the texts
            axis.set_ticks(axis.get_ticklocs(), [written(label) for label in labels])
    for text in figure.findobj(Text):
        if families:  # matplotlib takes a letter from the first family that has it
            text.set_fontfamily([*text.get_fontfamily(), *families])
        text.set_text(written(text.get_text()))


def glyph_note(texts: Iterable[str], again: str) -> str | None:
    """One line for a report whose figures write letters as code points: which, and how to draw them (``again``:
    the command that writes the report again)."""
    missing = unfontable(texts)
    if not missing:
        return None
    shown = first_few([f"{c} (U+{ord(c):04X})" for c in missing], 8)
    return (f"The figures write {shown} as <U+code>: no installed font has them. "
            f"Install a font that has them (for Chinese, Japanese or Korean: Noto Sans CJK, e.g. 'apt install "
            f"fonts-noto-cjk' or 'brew install --cask font-noto-sans-cjk') and run '{again}'.")
