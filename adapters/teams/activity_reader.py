"""Build msrest models from parsed JSON without msrest's per-field machinery.

msrest's `Deserializer` re-derives everything on every call: it copies each attribute's
description, runs two key extractors (the REST one splits keys with a regex), dispatches
each value through `deserialize_data` and recomputes the set of known keys for
`additional_properties`. For one Teams message activity that is ~0.2-0.3 ms of a ~3 ms turn.

`ModelReader` does the same work from a plan computed once per model class out of the
class's own `_attribute_map` (key, converter), then per value only calls the converter.
It reproduces msrest 0.7.1's `Deserializer._deserialize` for JSON input:
- basic types as `deserialize_basic` (`str(v)`, `int(v)`, `float(v)`, msrest's bool rule),
  `iso-8601` in Bot Framework's own shape directly (`_iso`, the datetime and tzinfo isodate
  would build) and in any other shape with msrest's `deserialize_iso`, `bytearray` with
  msrest's, `object` as a copy of the JSON value, `[X]` from a list, `{X}` from an object,
  model names resolved in the same `dependencies` mapping the msrest Deserializer is given;
- the model built as msrest builds it (`cls(**every attribute)`), and the JSON keys the
  model does not know kept in `additional_properties` (when there are any).
Anything outside that subset raises `Unsupported`, and the caller then gives the whole
payload to msrest: flattened keys (dots), `_subtype_map` polymorphism, `_validation`
(readonly/constant), an enum or unknown type name, a value of the wrong JSON kind for its
type (a model or list that is not one, a bool that is no bool), a bad date, nesting deeper
than `MAX_DEPTH`. So the reader never returns what msrest would not, and every refusal
(with its message) is msrest's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

import isodate
from msrest.serialization import Deserializer, Model

Convert = Callable[[Any, int], Any]

# Deeper JSON goes to msrest (which recurses once per level and may hit the recursion
# limit): the reader must not accept what msrest refuses. Real activities nest < 20 deep.
MAX_DEPTH = 200


class Unsupported(Exception):
    """This payload is outside what the reader reproduces exactly: use msrest."""


class ModelReader:
    """Reads JSON objects into the models in `dependencies` (name -> class), as msrest's
    `Deserializer(dependencies)` would; one instance is shared, plans are cached on it."""

    def __init__(self, dependencies: dict[str, Any]) -> None:
        self._dependencies = dict(dependencies)
        self._converters: dict[str, Convert] = {}

    def read(self, name: str, data: Any) -> Model:
        """The model `name` read from `data` (a parsed JSON object), or Unsupported."""
        return self._converter(name)(data, 0)

    def _converter(self, data_type: str) -> Convert:
        convert = self._converters.get(data_type)
        if convert is None:
            convert = self._converters[data_type] = self._make_converter(data_type)
        return convert

    def _make_converter(self, data_type: str) -> Convert:
        basic = _BASIC.get(data_type)
        if basic is not None:
            return basic
        if data_type[:1] + data_type[-1:] in ("[]", "{}"):
            return self._container(data_type)
        model = self._dependencies.get(data_type)
        if (isinstance(model, type) and issubclass(model, Model)
                and not issubclass(model, Enum)):
            return self._model(model)
        return _unsupported  # an enum, an unknown name, a type msrest names we do not read

    def _container(self, data_type: str) -> Convert:
        # Eager is safe: a model's converter plans its class only on first use, so a model
        # that contains itself does not recurse here.
        inner = self._converter(data_type[1:-1])

        if data_type[0] == "[":
            def read_list(value: Any, depth: int) -> Any:
                if type(value) is not list or depth > MAX_DEPTH:
                    raise Unsupported(data_type)
                depth += 1
                return [None if v is None else inner(v, depth) for v in value]
            return read_list

        def read_dict(value: Any, depth: int) -> Any:
            # msrest also takes a list of {"key", "value"} pairs here: left to msrest.
            if type(value) is not dict or depth > MAX_DEPTH:
                raise Unsupported(data_type)
            depth += 1
            return {k: None if v is None else inner(v, depth) for k, v in value.items()}
        return read_dict

    def _model(self, cls: type[Model]) -> Convert:
        planned: list[_Plan] = []  # filled on first use (see _container)

        def read_model(value: Any, depth: int) -> Any:
            if not planned:
                planned.append(self._plan(cls))
            plan = planned[0]
            if plan.fields is None or type(value) is not dict or depth > MAX_DEPTH:
                raise Unsupported(cls.__name__)
            depth += 1
            # msrest passes every attribute (None when absent); only the keys present are
            # looked at here, the unknown ones being what msrest keeps aside.
            kwargs = plan.nones.copy()
            extra = {}
            by_key = plan.fields
            for key, raw in value.items():
                field = by_key.get(key)
                if field is None:
                    extra[key] = raw
                elif raw is not None:
                    kwargs[field[0]] = field[1](raw, depth)
            try:
                obj = cls(**kwargs)
            except TypeError:  # msrest turns this into a DeserializationError: its words
                raise Unsupported(cls.__name__) from None
            # Without any, msrest leaves Model.__init__'s {} (and none at all when the model
            # has a real attribute of that name).
            if extra and plan.keep_extra:
                obj.additional_properties = extra
            return obj
        return read_model

    def _plan(self, cls: type[Model]) -> _Plan:
        # msrest leaves inherited discriminators out of the constructor's arguments too.
        if getattr(cls, "_subtype_map", None) or getattr(cls, "_validation", None):
            return _Plan.unsupported()
        fields: dict[str, tuple[str, Convert]] = {}
        keep_extra = True
        for attr, desc in cls._attribute_map.items():
            key = desc["key"]
            if attr == "additional_properties":
                if key == "":
                    continue  # msrest skips it and still collects unknown keys
                keep_extra = False  # a real attribute of that name: msrest collects none
            # Flattened (or escaped-dot) keys; "" (read by msrest yet also kept aside); two
            # attributes on one key.
            if "." in key or key == "" or key in fields:
                return _Plan.unsupported()
            fields[key] = (attr, self._converter(desc["type"]))
        return _Plan(fields, keep_extra)


class _Plan:
    """What reading one model class takes: JSON key -> (attribute, converter) (None: a class
    the reader leaves to msrest), every attribute set to None (msrest's constructor
    arguments before any value), and whether unknown keys go to `additional_properties`."""

    __slots__ = ("fields", "nones", "keep_extra")

    def __init__(self, fields: dict[str, tuple[str, Convert]] | None,
                 keep_extra: bool) -> None:
        self.fields = fields
        self.nones = dict.fromkeys(attr for attr, _ in (fields or {}).values())
        self.keep_extra = keep_extra

    @staticmethod
    def unsupported() -> _Plan:
        return _Plan(None, False)


def _unsupported(value: Any, depth: int) -> Any:
    raise Unsupported(type(value).__name__)


def _str(value: Any, depth: int) -> Any:
    return str(value)  # msrest's deserialize_unicode: str() of whatever came (5 -> "5")


def _int(value: Any, depth: int) -> Any:
    try:
        return int(value)
    except (ValueError, TypeError, OverflowError):
        raise Unsupported("int") from None


def _float(value: Any, depth: int) -> Any:
    try:
        return float(value)
    except (ValueError, TypeError, OverflowError):
        raise Unsupported("float") from None


def _bool(value: Any, depth: int) -> Any:
    # msrest's deserialize_basic rule, in its order (1.0 counts as True there too).
    if value in [True, False, 1, 0]:
        return bool(value)
    if isinstance(value, str):
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
    raise Unsupported("bool")


def _with_msrest(deserialize: Callable[[Any], Any], name: str) -> Convert:
    def convert(value: Any, depth: int) -> Any:
        try:
            return deserialize(value)
        except Exception:  # msrest's DeserializationError and friends: msrest says it
            raise Unsupported(name) from None
    return convert


# What msrest's deserialize_iso reads through isodate, in the one shape Bot Framework sends
# (`2026-11-16T09:00:00.123Z`, `...+01:00`), after msrest's upper(); ASCII digits only.
_ISO_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                        r"(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?\Z")
_msrest_iso = _with_msrest(Deserializer.deserialize_iso, "iso-8601")


def _iso(value: Any, depth: int) -> Any:
    """msrest's deserialize_iso (~28 µs, isodate's regexes and Decimal seconds) in ~3 µs
    for the common shape, with the very tzinfo objects isodate builds; other shapes are
    msrest's own."""
    shape = _ISO_SHAPE.match(value.upper()) if type(value) is str else None
    if shape is None:
        return _msrest_iso(value, depth)
    year, month, day, hour, minute, second, fraction, zone = shape.groups()
    # msrest cuts the fraction to 6 digits; isodate floors it to microseconds.
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    if zone is None:
        tzinfo = None
    elif zone == "Z":
        tzinfo = isodate.UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        tzinfo = isodate.FixedOffset(sign * int(zone[1:3]), sign * int(zone[4:6]), zone)
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute),
                         int(second), micro, tzinfo)
        year_utc = stamp.utctimetuple().tm_year  # msrest's range check, as it does it
    except (ValueError, OverflowError):
        raise Unsupported("iso-8601") from None
    if not 1 <= year_utc <= 9999:
        raise Unsupported("iso-8601")
    return stamp


def _object(value: Any, depth: int) -> Any:
    """msrest's deserialize_object for JSON values: a deep copy (its per-item ValueError
    handling cannot trigger on what json.loads returns)."""
    kind = type(value)
    if kind is dict:
        if depth > MAX_DEPTH:
            raise Unsupported("object")
        return {k: _object(v, depth + 1) for k, v in value.items()}
    if kind is list:
        if depth > MAX_DEPTH:
            raise Unsupported("object")
        return [_object(v, depth + 1) for v in value]
    if kind in (str, int, float, bool) or value is None:
        return value
    raise Unsupported(kind.__name__)


_BASIC: dict[str, Convert] = {
    "str": _str, "int": _int, "float": _float, "bool": _bool, "object": _object,
    "iso-8601": _iso,
    "bytearray": _with_msrest(Deserializer.deserialize_bytearray, "bytearray"),
}
