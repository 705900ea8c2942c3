"""YAML text → plain Python values plus the line and column of every key and value.

Built on the event stream of libyaml (PyYAML's C parser) instead of yaml.safe_load because records need what
safe_load throws away or gets wrong: positions for error messages, duplicate keys (safe_load keeps the last one
silently), and refusal of aliases and deep nesting (alias bombs) before any memory is spent on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: same events, slower
    _Loader = yaml.SafeLoader

MAX_DEPTH = 16

# Where a value sits in the document: its keys and list indexes from the top, e.g. ("answer", "short").
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based, as editors count
    column: int


@dataclass
class Document:
    """The parsed value and where each part of it stands in the file."""

    value: Any
    value_at: dict[KeyPath, Position] = field(default_factory=dict)
    key_at: dict[KeyPath, Position] = field(default_factory=dict)
    # Problems that do not stop reading (a duplicate key), so they are reported with everything else.
    problems: list[YamlProblem] = field(default_factory=list)

    def position(self, path: KeyPath, *, key: bool = False) -> Position | None:
        """Where `path` is, or where its nearest existing parent is (for a missing field)."""
        if key and path in self.key_at:
            return self.key_at[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.value_at:
                return self.value_at[path[:end]]
        return None


class YamlProblem(Exception):
    def __init__(self, message: str, position: Position | None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def _position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _offset_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1)


_TAG = "tag:yaml.org,2002:"
# Plain data only: any other tag (!!python/..., !custom) is refused rather than constructed or ignored.
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_KEPT_AS_TEXT = {f"{_TAG}str", f"{_TAG}timestamp"}
_CONTAINER_TAGS = {yaml.MappingStartEvent: f"{_TAG}map", yaml.SequenceStartEvent: f"{_TAG}seq"}
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


def _scalar(event: yaml.ScalarEvent) -> Any:
    start = _position(event.start_mark)
    if event.tag in (None, "!"):
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    else:
        tag = event.tag
    if tag not in _SCALAR_TAGS:
        raise YamlProblem(f"unsupported YAML tag {tag.replace(_TAG, '!!')!r}", start)
    if tag in _KEPT_AS_TEXT:
        return event.value
    try:
        return _constructor.construct_object(yaml.ScalarNode(tag, event.value))
    except Exception:  # noqa: BLE001  # PyYAML raises KeyError, IndexError, ValueError... for a value its tag cannot hold
        raise YamlProblem(f"{event.value!r} is not a valid {tag.replace(_TAG, '')}", start) from None


def _check_container_tag(event: yaml.CollectionStartEvent) -> None:
    if not event.implicit and event.tag not in (None, "!", _CONTAINER_TAGS[type(event)]):
        raise YamlProblem(f"unsupported YAML tag {event.tag.replace(_TAG, '!!')!r}", _position(event.start_mark))


def read_yaml(text: str) -> Document:
    """Parse one YAML document; raise YamlProblem with a position for anything a record file must not be."""
    doc = Document(value=None)
    # Each open container: (value, its path, the pending key for a mapping, the pending key's position)
    stack: list[list[Any]] = []
    documents = 0

    def attach(value: Any, start: Position) -> KeyPath:
        if not stack:
            doc.value = value
            doc.value_at[()] = start
            return ()
        container, pending, pending_at = stack[-1][0], stack[-1][2], stack[-1][3]
        path: KeyPath = stack[-1][1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
        elif pending is _NO_KEY:
            if not isinstance(value, str):
                raise YamlProblem("mapping keys must be plain text", start)
            if value in container:
                doc.problems.append(YamlProblem(f"duplicate key {value!r}", start))
                value = _DUPLICATE
            stack[-1][2], stack[-1][3] = value, start
            return path
        elif pending is _DUPLICATE:  # the first occurrence stays; the second was reported
            stack[-1][2] = _NO_KEY
            return path + ("<duplicate>",)
        else:
            child = path + (pending,)
            container[pending] = value
            doc.key_at[child] = pending_at
            stack[-1][2] = _NO_KEY
        doc.value_at[child] = start
        return child

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem("a record file holds one YAML document, found a second '---'",
                                      _position(event.start_mark))
            elif isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlProblem("YAML anchors and aliases (&, *) are not allowed in content",
                                  _position(event.start_mark))
            elif isinstance(event, yaml.ScalarEvent):
                attach(_scalar(event), _position(event.start_mark))
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", _position(event.start_mark))
                _check_container_tag(event)
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                path = attach(container, _position(event.start_mark))
                stack.append([container, path, _NO_KEY, None])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        if error.context and error.problem:
            message = f"{error.problem} ({error.context})"
        raise YamlProblem(f"invalid YAML: {message}", _position(mark) if mark else None) from None
    except yaml.reader.ReaderError as error:
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise YamlProblem(f"character U+{code:04X} is not allowed in YAML: {error.reason}",
                          _offset_position(text, error.position)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"invalid YAML: {' '.join(str(error).split())}", None) from None
    except (ValueError, OverflowError) as error:  # what the scalar checks above cannot foresee (lone surrogates)
        raise YamlProblem(f"invalid value: {error}", None) from None
    if () not in doc.value_at:
        raise YamlProblem("the file is empty", Position(1, 1))
    return doc


class _NoKey:
    pass


_NO_KEY = _NoKey()
_DUPLICATE = _NoKey()
