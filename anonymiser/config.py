"""Find the configuration directory and read its YAML files safely, keeping line numbers for errors.

The configuration is data (code lists, the anonymisation policy, connector mappings). It is read
with a subclass of PyYAML's ``SafeLoader`` (no Python objects, no tags beyond plain YAML) that

* returns mappings and sequences as :class:`YamlMap` / :class:`YamlList`, plain ``dict`` / ``list``
  subclasses that remember the line of every key and item, so that a validator can say
  ``config/codelists/sex.yaml:12: ...``;
* refuses a key that appears twice in one mapping (PyYAML would silently keep the last one);
* reads only ``true`` / ``false`` as booleans (YAML 1.2), so that the country code ``NO`` and the
  code ``yes`` stay strings instead of silently becoming ``False`` / ``True``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode

ENV_VAR = "CIATEH_CONFIG_DIR"
_BOOL_TAG = "tag:yaml.org,2002:bool"


class ConfigError(ValueError):
    """A configuration file that cannot be read or is not valid; names the file and the line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


def config_dir() -> Path:
    """``$CIATEH_CONFIG_DIR`` when set, else the repository's ``config/`` directory."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[1] / "config"


class YamlMap(dict[Any, Any]):
    """A YAML mapping that knows its own line and the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[Hashable, int]

    def line_of(self, key: Hashable) -> int:
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class YamlList(list[Any]):
    """A YAML sequence that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


def line_of(container: object, key: Hashable | None = None) -> int | None:
    """The line of ``container`` (or of ``key`` inside it), when it came from :func:`load_yaml`."""
    if isinstance(container, YamlMap):
        return container.line if key is None else container.line_of(key)
    if isinstance(container, YamlList):
        return container.line if not isinstance(key, int) else container.line_of(key)
    return None


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and line-aware containers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_map(loader: _Loader, node: MappingNode) -> Any:
    data = YamlMap()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    data.update(loader.construct_mapping(node))
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, Hashable):
            continue
        if key in data.key_lines:
            raise ConstructorError(
                "while reading a mapping", node.start_mark, "a key appears twice", key_node.start_mark
            )
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_seq(loader: _Loader, node: SequenceNode) -> Any:
    data = YamlList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(path: Path | str) -> Any:
    """Parse one YAML file safely; :class:`ConfigError` names the file and line of any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, f"not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(path, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, None, f"invalid YAML: {type(exc).__name__}") from None
