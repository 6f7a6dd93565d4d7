"""Typed parameters: defaults, one file per client, batch definitions (YAML in params/).

Every option is documented once, here. An unknown key or a wrong type is an error that
names the file and the key, raised before any kernel starts.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import types
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..core.schema import DEFAULT_TIMEZONE, check_client_id, check_timezone
from ..errors import NpsInputError, NpsParamsError
from .sections import EXTRA, SECTIONS, check_extra_path, check_sections

Language = Literal["en", "pl", "sl", "ru", "de"]
Industry = Literal[
    "banking",
    "insurance",
    "telecom",
    "retail",
    "ecommerce",
    "software",
    "airlines",
    "hospitality",
    "healthcare",
    "utilities",
]
LANGUAGES: tuple[str, ...] = get_args(Language)
INDUSTRIES: tuple[str, ...] = get_args(Industry)


def _known_zone(value: str) -> str:
    try:
        return check_timezone(value)
    except NpsInputError as err:
        raise ValueError(str(err)) from None


Timezone = Annotated[str, AfterValidator(_known_zone)]


def _known_locale(value: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(value.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"{value!r} is not a CLDR locale: write language_COUNTRY, e.g. en_GB, de_AT, sl_SI") from None


LocaleId = Annotated[str, AfterValidator(_known_locale)]


# CLDR supplemental data, paperSize: the territories that print on US Letter; A4 elsewhere.
LETTER_TERRITORIES = frozenset({"BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"})
PAPER_SIZES = ("a4", "letter")


def locale_territory(locale: str) -> str | None:
    """The territory of a CLDR locale; a bare language takes its likely one (CLDR); None if
    CLDR knows none.

    Examples
    --------
    >>> locale_territory("en_GB"), locale_territory("en"), locale_territory("sl")
    ('GB', 'US', 'SI')
    """
    from babel import Locale
    from babel.core import get_global

    parsed = Locale.parse(locale)
    return parsed.territory or Locale.parse(get_global("likely_subtags").get(parsed.language, locale)).territory


def paper_size(locale: str) -> str:
    """The paper a locale's territory prints on, 'letter' or 'a4' (CLDR); a bare language
    takes its likely territory ('en': US).

    Examples
    --------
    >>> paper_size("en_US"), paper_size("en_GB"), paper_size("en"), paper_size("de")
    ('letter', 'a4', 'letter', 'a4')
    """
    return "letter" if locale_territory(locale) in LETTER_TERRITORIES else "a4"


def _known_period(value: str) -> str:
    from ..core.periods import parse_period

    if value.strip() not in ("latest-quarter", "latest-month"):
        try:
            parse_period(value)
        except NpsInputError as err:
            raise ValueError(str(err)) from None
    return value


PeriodSpec = Annotated[str, AfterValidator(_known_period)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Event(Strict):
    """A dated event drawn on the trend chart (a price change, a launch, an outage)."""

    date: dt.date
    label: str = Field(max_length=80)


class Defaults(Strict):
    """Project-wide defaults (params/defaults.yaml); a client file may override the report keys."""

    store: str = Field("data/store", description="Store root, relative to the project folder.")
    outputs: str = Field("outputs", description="Where rendered batches go.")
    language: Language = "en"
    min_n: int = Field(30, ge=1, description="Groups below this n are flagged in the report.")
    suppress_n: int = Field(10, ge=1, description="Groups below this n have figures withheld.")
    level: float = Field(0.95, gt=0, lt=1, description="Confidence level of every interval.")
    churn_horizon_days: int = Field(180, ge=30, description="Churn window after a response.")
    timeout_seconds: int = Field(600, ge=10, description="Per-report limit in a batch.")
    timezone: Timezone = Field(
        DEFAULT_TIMEZONE,
        description="IANA zone periods are cut in for a client whose params set none and whose "
        "exports recorded none (see timezones.client_timezone).",
    )


@dataclass(frozen=True)
class HealthWeights:
    """Weights of the health components (any non-negative numbers; they are rescaled).

    Defaults: the latest NPS category carries the most (it is the voice of the customer),
    responsiveness and tenure next; the rest share the remainder.
    """

    tenure: float = 0.15
    plan: float = 0.10
    revenue: float = 0.10
    nps: float = 0.30
    trend: float = 0.10
    responsiveness: float = 0.15
    recency: float = 0.10
    healthy_from: float = 60.0
    critical_below: float = 40.0

    @classmethod
    def from_params(cls, values: Mapping[str, float] | None) -> HealthWeights:
        """Defaults overridden by a params mapping; an unknown key is an error.

        Examples
        --------
        >>> HealthWeights.from_params({"nps": 0.5}).nps
        0.5
        """
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise NpsParamsError(
                f"key 'health_weights.{unknown[0]}': unknown key (use {', '.join(sorted(known))})"
            )
        if any(not isinstance(v, int | float) or v < 0 for v in values.values()):
            raise NpsParamsError(f"key 'health_weights': weights must be numbers >= 0, got {values}")
        weights = cls(**values)
        if not 0 <= weights.critical_below <= weights.healthy_from <= 100:
            raise NpsParamsError("key 'health_weights': need 0 <= critical_below <= healthy_from <= 100")
        return weights

    def components(self) -> dict[str, float]:
        """The component weights (without the band thresholds)."""
        return {k: v for k, v in asdict(self).items() if k not in ("healthy_from", "critical_below")}


class ClientParams(Strict):
    """One client (params/clients/<client_id>.yaml)."""

    client_id: str
    display_name: str = Field(min_length=1, max_length=120)
    industry: Industry
    language: Language | None = Field(None, description="Report language; defaults.yaml when unset.")
    locale: LocaleId | None = Field(
        None, description="CLDR locale of dates and numbers (en_GB, de_AT...); the language's own when unset.")
    paper: Literal["a4", "letter"] | None = Field(
        None, description="Paper the report prints on; unset: the locale's (CLDR: letter in the US and "
        "Canada, a4 elsewhere).")
    timezone: Timezone | None = Field(
        None,
        description="IANA zone the client's months and quarters are cut in; unset: the zone its "
        "exports were read in, else defaults.yaml (see timezones.client_timezone).",
    )
    segments: list[str] = Field(default_factory=list, description="Segment columns to show.")
    events: list[Event] = Field(default_factory=list)
    themes: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict,
        description="Theme keyword additions per language: {lang: {theme: [keywords]}}.",
    )
    brand_colour: str = Field("#1f4e79", pattern=r"^#[0-9a-fA-F]{6}$")
    min_n: int | None = Field(None, ge=1)
    suppress_n: int | None = Field(None, ge=1)
    target_nps: int | None = Field(
        None, ge=-100, le=100,
        description="The client's NPS target; the summary says whether the period's interval lies "
        "above, below or across it.",
    )
    health_weights: dict[str, float] = Field(
        default_factory=dict,
        description="Customer health weights over the defaults documented in params.HealthWeights: "
        "tenure, plan, revenue, nps, trend, responsiveness, recency (any numbers >= 0, rescaled) and "
        "the band limits healthy_from, critical_below (0-100); keys left out keep their defaults.",
    )
    plan_scores: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict,
        description="Health of each plan, 0 (worst) to 1 (best), by plan name; unset: plans are "
        "ranked by their customers' median revenue.",
    )
    sections: list[str] | None = Field(
        None,
        description="Sections to show, in order, from: " + ", ".join(SECTIONS) + ". Unset: every "
        "section; 'summary' is always first and 'method' always last. A section whose data are "
        "missing is left out either way.",
    )
    extra_notebook: str | None = Field(
        None,
        description="The client's own notebook, relative to notebooks/ (e.g. clients/<id>.ipynb): "
        "its code cells run after the report, with the report's objects in scope, and their "
        "outputs form the 'extra' section (cells tagged 'standalone' are skipped).",
    )

    @field_validator("client_id")
    @classmethod
    def _safe_id(cls, value: str) -> str:
        return check_client_id(value)

    @field_validator("health_weights")
    @classmethod
    def _known_weights(cls, value: dict[str, float]) -> dict[str, float]:
        if value:
            HealthWeights.from_params(value)
        return value

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else check_sections(value)

    @field_validator("extra_notebook")
    @classmethod
    def _extra_path(cls, value: str | None) -> str | None:
        return None if value is None else check_extra_path(value)

    @model_validator(mode="after")
    def _extra_shown(self) -> ClientParams:
        if self.extra_notebook and self.sections is not None and EXTRA not in self.sections:
            raise NpsParamsError(
                f"key 'sections': lists no '{EXTRA}', so extra_notebook's cells would not show; "
                f"add '{EXTRA}' where they go, or remove extra_notebook"
            )
        return self


class BatchParams(Strict):
    """A batch (params/batches/<name>.yaml): which notebook, for which clients and periods."""

    notebook: str = "client_report.ipynb"
    clients: list[str] | Literal["all"] = "all"
    periods: list[PeriodSpec] = Field(
        default_factory=lambda: ["latest-quarter"],
        description="'2026-Q3', '2026-07', '2026', 'latest-quarter', 'latest-month' or "
        "'FROM..TO' with ISO dates (TO exclusive).",
    )


# libyaml's loader when present: the same documents, about ten times faster (a report's
# peer benchmark reads every client's params file).
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # base chosen at run time
    """Dates stay text for pydantic to parse: YAML's own date reading raises a bare
    ValueError for a day that does not exist (2026-02-30), naming neither file nor key."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def load_yaml_model(path: str | os.PathLike, model: type[Strict], *, name: str | None = None) -> Any:
    """Read a YAML file into ``model``; any problem names the file (as ``name``, by default
    the file's name) and the key; an unknown key comes with the closest known one.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "defaults.yaml"
    >>> _ = p.write_text("min_n: 25\\n")
    >>> load_yaml_model(p, Defaults).min_n
    25
    >>> _ = p.write_text("min_m: 25\\n")
    >>> load_yaml_model(p, Defaults)
    Traceback (most recent call last):
    ...
    nps_helpers.errors.NpsParamsError: defaults.yaml, key 'min_m': unknown key (did you mean 'min_n'?)
    """
    path = Path(path)
    shown = name or path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except FileNotFoundError:
        raise NpsParamsError(f"{path}: file not found") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise NpsParamsError(f"{shown}{where}: not valid YAML ({_one_line(err)})") from None
    if not isinstance(raw, dict):
        raise NpsParamsError(f"{shown}: expected a mapping of keys, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except NpsParamsError as err:
        # A validator that checks against another module's rules names the key itself.
        raise NpsParamsError(f"{shown}, {err}") from None
    except ValidationError as err:
        # A misspelt key also leaves its right spelling missing: name the misspelling.
        errors = sorted(err.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        key = ".".join(str(x) for x in first["loc"]) or "(top level)"
        if first["type"] == "extra_forbidden":
            reason = _unknown_key(model, first["loc"])
        elif first["type"] == "value_error":
            reason = str(first["ctx"]["error"])
        elif isinstance(first.get("input"), str | int | float):
            reason = f"{first['msg']} (got {first['input']!r})"
        else:
            reason = first["msg"]
        raise NpsParamsError(f"{shown}, key '{key}': {reason}") from None


def _unknown_key(model: type[BaseModel], loc: tuple) -> str:
    """'unknown key' with the closest known key of the model at ``loc`` (nested models too)."""
    known = _keys_at(model, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
    if close:
        return f"unknown key (did you mean '{close[0]}'?)"
    return f"unknown key (known keys: {', '.join(known)})" if known else "unknown key (check its spelling)"


def _keys_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model reached from ``model`` along ``loc`` (list indexes and
    dict keys step into their item type); [] where no model is found."""
    kind: Any = model
    for part in loc:
        kind = _model_in(kind)
        if kind is None:
            return []
        if isinstance(part, str) and part in kind.model_fields:
            kind = kind.model_fields[part].annotation
        # a list index or dict key: the item type is the model in the annotation
    kind = _model_in(kind)
    return list(kind.model_fields) if kind is not None else []


def _model_in(kind: Any) -> type[BaseModel] | None:
    """The pydantic model a type annotation holds (through Optional, list, dict values)."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind
    if get_origin(kind) in (list, tuple, dict, Union, types.UnionType, Annotated):
        for arg in reversed(get_args(kind)):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def load_defaults(params_dir: str | os.PathLike = "params") -> Defaults:
    """The project defaults (all built-in values when defaults.yaml is absent)."""
    path = Path(params_dir) / "defaults.yaml"
    return load_yaml_model(path, Defaults) if path.exists() else Defaults()


def load_client(client_id: str, params_dir: str | os.PathLike = "params") -> ClientParams:
    """One client's params; the file name must match its ``client_id``."""
    path = Path(params_dir) / "clients" / f"{check_client_id(client_id)}.yaml"
    client = load_yaml_model(path, ClientParams, name=f"clients/{path.name}")
    if client.client_id != client_id:
        raise NpsParamsError(
            f"clients/{path.name}, key 'client_id': is {client.client_id!r}, but the file is named for "
            f"{client_id!r}; make them the same"
        )
    return client


def load_batch(name: str, params_dir: str | os.PathLike = "params") -> BatchParams:
    """A batch definition by name (params/batches/<name>.yaml)."""
    return load_yaml_model(Path(params_dir) / "batches" / f"{name}.yaml", BatchParams, name=f"batches/{name}.yaml")


def client_ids(params_dir: str | os.PathLike = "params") -> list[str]:
    """Every client that has a params file, sorted."""
    folder = Path(params_dir) / "clients"
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
