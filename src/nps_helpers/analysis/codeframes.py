"""Industry codeframes: the themes comments are coded into, their labels and keywords per language.

One YAML file per industry in nps_helpers/themes/ (codes in order, a label per language, what
each theme is about, keywords per language); a client's params add keywords. See
analysis.text for how keywords are matched.
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from ..errors import NpsParamsError

_THEME_CODE = re.compile(r"[a-z][a-z0-9_]*")
Extra = Mapping[str, Mapping[str, Sequence[str]]]  # a client's keywords: language -> theme -> words


def language_code(code: object) -> str | None:
    """'pl-PL', ' EN_gb' -> 'pl', 'en'; None for anything that is not a code.

    Examples
    --------
    >>> language_code("pl-PL"), language_code(" EN_gb"), language_code(None)
    ('pl', 'en', None)
    """
    return re.split(r"[-_]", code.strip().lower())[0] if isinstance(code, str) and code.strip() else None


@dataclass(frozen=True)
class Codeframe:
    """The themes comments are coded into: codes in order, labels and keywords per language.

    ``labels[code][lang]`` is the theme's name; ``keywords[lang][code]`` its keywords.
    """

    industry: str | None
    themes: tuple[str, ...]
    labels: Mapping[str, Mapping[str, str]]
    keywords: Mapping[str, Mapping[str, tuple[str, ...]]]


Industry = str | os.PathLike | Codeframe | None  # a name, a YAML path, or a codeframe


def codeframe(industry: Industry, extra: Extra | None = None) -> Codeframe:
    """The codeframe of ``industry`` (or of a YAML file), plus a client's ``extra`` keywords.

    ``industry=None`` is the union of every shipped codeframe (themes in the order first
    met); a :class:`Codeframe` is taken as it is (``Codeframe("mine", (), {}, {})`` has no
    themes: only ``extra``'s count). ``extra`` is ``ClientParams.themes``: ``{lang: {theme: [keywords]}}``; a new
    theme code is added after the others and shown as named.

    Examples
    --------
    >>> frame = codeframe(None, {"pl": {"parking": ["parking*", "~miejsce parkingowe"]}})
    >>> "parking" in frame.themes, frame.keywords["pl"]["parking"]
    (True, ('parking*', '~miejsce parkingowe'))
    """
    base = industry if isinstance(industry, Codeframe) else _codeframe(_codeframe_key(industry))
    if not extra:
        return base
    themes, keywords = list(base.themes), {lang: dict(t) for lang, t in base.keywords.items()}
    for language, additions in extra.items():
        lang = language_code(language) or language
        for theme, words in additions.items():
            if theme not in themes:
                themes.append(theme)
            known = keywords.setdefault(lang, {}).get(theme, ())
            keywords[lang][theme] = tuple(dict.fromkeys([*known, *_checked(lang, theme, words)]))
    return Codeframe(base.industry, tuple(themes), base.labels, keywords)


def theme_label(code: str, language: str, industry: Industry = None) -> str:
    """A theme's name in ``language`` (English when the codeframe has none; a client's own code as is).

    Examples
    --------
    >>> theme_label("parking", "de")
    'parking'
    """
    labels = codeframe(industry).labels.get(code, {})
    return labels.get(language_code(language) or "", labels.get("en", code))


def _codeframe_key(industry: str | os.PathLike | None) -> str | None:
    """What the codeframe cache is keyed on: None, an industry name or a file's resolved path."""
    if industry is None or (isinstance(industry, str) and _THEME_CODE.fullmatch(industry)):
        return industry
    return str(Path(industry).resolve())


@functools.cache
def _codeframe(key: str | None) -> Codeframe:
    folder = resources.files("nps_helpers") / "themes"
    if key is None:
        shipped = sorted(f.name for f in folder.iterdir() if f.name.endswith(".yaml"))
        parts = [_load_codeframe(folder / name, name) for name in shipped]
        themes = tuple(dict.fromkeys(t for part in parts for t in part.themes))
        labels: dict[str, Mapping[str, str]] = {}
        keywords: dict[str, dict[str, tuple[str, ...]]] = {}
        for part in parts:
            for theme in part.themes:
                labels.setdefault(theme, part.labels[theme])
            for language, words in part.keywords.items():
                for theme, keys in words.items():
                    known = keywords.setdefault(language, {}).get(theme, ())
                    keywords[language][theme] = tuple(dict.fromkeys([*known, *keys]))
        return Codeframe(None, themes, labels, keywords)
    if os.sep in key or key.endswith(".yaml"):
        source: Traversable = Path(key)
        if not source.is_file():
            raise NpsParamsError(f"{source}: no such codeframe file; give the path of a codeframe YAML")
        return _load_codeframe(source, str(source))
    source = folder / f"{key}.yaml"
    if not source.is_file():
        raise NpsParamsError(f"industry {key!r}: no codeframe nps_helpers/themes/{key}.yaml; "
                             "write one or pick an industry that has one")
    return _load_codeframe(source, f"nps_helpers/themes/{key}.yaml")


def _load_codeframe(source, name: str) -> Codeframe:
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("themes"), dict):
        raise NpsParamsError(f"{name}: no 'themes' mapping; see nps_helpers/text.py for the format")
    labels: dict[str, dict[str, str]] = {}
    keywords: dict[str, dict[str, tuple[str, ...]]] = {}
    for theme, spec in raw["themes"].items():
        if not _THEME_CODE.fullmatch(str(theme)) or not isinstance(spec, dict):
            raise NpsParamsError(f"{name}: theme {theme!r} must be a lower-case code with label and keywords")
        labels[theme] = {str(k): str(v) for k, v in (spec.get("label") or {}).items()}
        for language, block in (spec.get("keywords") or {}).items():
            words = [line.split(" #")[0].strip() for line in str(block or "").splitlines()]
            words = [w for w in words if w and not w.startswith("#")]
            keywords.setdefault(str(language), {})[theme] = tuple(_checked(str(language), theme, words, name))
    return Codeframe(raw.get("industry"), tuple(raw["themes"]), labels, keywords)


def _checked(language: str, theme: str, words: Sequence[str], where: str = "params") -> list[str]:
    if isinstance(words, str):
        words = [words]
    for word in words:
        if not isinstance(word, str) or not re.sub(r"[*~?.\s]", "", word):
            raise NpsParamsError(
                f"{where}: key 'themes.{language}.{theme}': keyword {word!r} is empty or only "
                "'*'/'~'/'?'/'..'; give a word, a phrase or a stem such as 'parking*'"
            )
    return [w.strip() for w in words]
