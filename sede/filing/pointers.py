"""JSON Pointers into the answers (``/miembros/0/nombre``) and into the schema."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MISSING = object()


def parts(pointer: str) -> list[str]:
    return [p for p in pointer.strip("/").split("/") if p != ""]


def get(data: Any, pointer: str, default: Any = MISSING) -> Any:
    node = data
    for part in parts(pointer):
        if isinstance(node, list):
            try:
                node = node[int(part)]
            except (ValueError, IndexError):
                return default
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return default
    return node


def put(data: dict, pointer: str, value: Any) -> None:
    """Set ``value`` at ``pointer``, creating objects and list items on the way;
    ``MISSING`` removes the key."""
    keys = parts(pointer)
    node: Any = data
    for i, part in enumerate(keys[:-1]):
        nxt_is_index = keys[i + 1].isdigit()
        if isinstance(node, list):
            idx = int(part)
            while len(node) <= idx:
                node.append({})
            if not isinstance(node[idx], dict | list):
                node[idx] = [] if nxt_is_index else {}
            node = node[idx]
        else:
            if not isinstance(node.get(part), dict | list):
                if value is MISSING:
                    return
                node[part] = [] if nxt_is_index else {}
            node = node[part]
    last = keys[-1]
    if isinstance(node, list):
        idx = int(last)
        while len(node) <= idx:
            node.append({})
        node[idx] = value
    elif value is MISSING:
        node.pop(last, None)
    else:
        node[last] = value


def subschema(schema: Mapping, pointer: str) -> dict | None:
    node: Any = schema
    for part in parts(pointer):
        if node is None:
            return None
        if part.isdigit() and node.get("type") == "array":
            node = node.get("items")
            continue
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
        node = (node.get("properties") or {}).get(part)
    return node


def is_required(schema: Mapping, pointer: str) -> bool:
    keys = parts(pointer)
    parent = subschema(schema, "/" + "/".join(keys[:-1])) if len(keys) > 1 else schema
    return bool(parent) and keys[-1] in (parent.get("required") or [])


def pointer_of(path: Iterable) -> str:
    return "".join(f"/{p}" for p in path)
