"""openai-python's module paths under ``openai_lite.types``, resolved on first import.

Code written for openai-python imports types from one module per type::

    from openai_lite.types.chat.chat_completion import ChatCompletion, Choice
    from openai_lite.types.responses.tool_param import ToolParam

The generated types here live in a module per API family instead. A finder on ``sys.meta_path``
(installed by ``import openai_lite``; it only looks at names under ``openai_lite.types``) gives
every module path of the pinned openai release, from the table ``_openai_type_paths.txt.gz``
(written by tools/openai_type_paths.py): an existing module of ours is loaded as usual and may
also hold the names of its openai counterpart; any other path becomes a small module whose names
are looked up on first access:

1. the type an answer reads that class into, where the generator recorded it (``types/_names.txt``:
   another type of ours has that name, as chat's ``ModerationOutputError`` has the response's), else
   the generated type of that name (in the nearest family module, else anywhere);
2. a class openai-python nests in a field of another type (``chat_completion.Choice``): the type
   ours wraps that field in;
3. otherwise a stand-in of the same kind: an untyped response model (a ``BaseModel`` subclass
   of that name), a ``TypedDict`` for a request parameter, ``typing.Any`` for a type alias.

Nothing here runs until such a path is imported, so ``import openai_lite`` stays as fast.
"""
from __future__ import annotations

import _thread
import sys
from typing import Any, Dict, List, Optional

__all__ = ["install", "resolve", "table"]


def _import(name: str) -> Any:
    import importlib  # here, not at the top: this module loads with ``import openai_lite``

    return importlib.import_module(name)

_ROOT = "openai_lite.types"
_PREFIX = _ROOT + "."
_lock = _thread.RLock()  # not threading: this module loads with ``import openai_lite``
_table: Optional[Dict[str, Dict[str, str]]] = None
_own: Optional[Dict[str, List[str]]] = None
_MISSING = object()


def table() -> Dict[str, Dict[str, str]]:
    """openai module path ("" for ``openai.types``, "chat.chat_completion"...) -> name -> how to find it."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                import gzip
                import os

                found: Dict[str, Dict[str, str]] = {}
                path = os.path.join(os.path.dirname(__file__), "_openai_type_paths.txt.gz")
                with gzip.open(path, "rt", encoding="utf-8") as fh:
                    for line in fh:
                        if line[:1] == "#":
                            continue
                        module, *entries = line.split()
                        names = found[module if module != "." else ""] = {}
                        for entry in entries:
                            if "=" in entry:
                                name, _, source = entry.partition("=")
                                names[name] = "=" + source
                            else:
                                name, _, how = entry.partition(":")
                                names[name] = how
                _table = found
    return _table


def _is_table_path(where: str) -> bool:
    """``where`` is a module of the table or a package above one."""
    paths = table()
    if where in paths:
        return True
    prefix = where + "."
    return any(p.startswith(prefix) for p in paths)


# -- our own generated types --------------------------------------------------------------------------


def _own_modules() -> Dict[str, List[str]]:
    """name -> our generated modules defining it (read from their ``dir()``), built once."""
    global _own
    if _own is None:
        with _lock:
            if _own is None:
                import pkgutil

                found: Dict[str, List[str]] = {}

                def visit(name: str) -> None:
                    module = _import(name)
                    for attr in _original_dir(module):
                        if attr[:1] != "_":
                            found.setdefault(attr, []).append(name)
                    for info in pkgutil.iter_modules(getattr(module, "__path__", None) or []):
                        if info.name[:1] != "_":
                            visit(name + "." + info.name)

                visit(_ROOT)
                _own = found
    return _own


def _original_dir(module: Any) -> List[str]:
    """The names the module itself lists (not the openai names ``_add_openai_names`` added)."""
    namespace = module.__dict__
    own_dir = namespace["_lite_dir"] if "_lite_getattr" in namespace else namespace.get("__dir__")
    return list(own_dir()) if callable(own_dir) else [k for k in namespace if k not in ("__getattr__", "__dir__")]


def _own_type(where: str, name: str) -> Any:
    places = _own_modules().get(name)
    if not places:
        return _MISSING
    wanted = _PREFIX + where if where else _ROOT
    # the family module nearest the openai path (types.chat for types.chat.chat_completion) first
    best = max(places, key=lambda place: (wanted == place or wanted.startswith(place + "."), len(place)))
    module = _import(best)
    if name in module.__dict__:
        return module.__dict__[name]
    original = module.__dict__.get("_lite_getattr")  # the module's own lookup, without openai's names
    try:
        return original(name) if original is not None else getattr(module, name)
    except AttributeError:
        return _MISSING


def _nested_type(where: str, how: str, seen: frozenset) -> Any:
    """``how`` = "m@Owner.field": the class our ``Owner`` wraps ``field`` in (None if not known)."""
    owner_name, _, field = how.partition("@")[2].partition(".")
    if owner_name in seen:  # types nested in each other, neither of them ours
        return None
    owner = _resolve(where, owner_name, seen)
    nested = (getattr(owner, "_nested", None) or {}).get(field)
    if nested is None or getattr(owner, "_lite_stand_in", False):
        return None
    from ._models import BaseModel, resolve_model

    found = resolve_model(nested) if isinstance(nested, str) else nested
    if isinstance(found, type) and issubclass(found, BaseModel) and found is not BaseModel:
        return found
    return None


def _stand_in(module: str, name: str, kind: str) -> Any:
    if kind == "m":
        from ._models import BaseModel

        return type(name, (BaseModel,), {
            "__slots__": (), "__module__": module, "__qualname__": name, "_lite_stand_in": True,
            "__doc__": "openai-python's %s: no generated type here has this name (an untyped model)." % name})
    import typing

    if kind == "p":
        td: Any = typing.TypedDict(name, {}, total=False)  # type: ignore[operator]
        td.__module__ = module
        return td
    return typing.Any


# openai paths whose names a hand-written module of ours defines (the generator owns types/).
_HAND_WRITTEN = {"websocket_reconnection": "openai_lite._websocket"}


def resolve(where: str, name: str) -> Any:
    """The object openai-python's ``openai.types.<where>`` calls ``name`` (AttributeError if none)."""
    with _lock:
        return _resolve(where, name, frozenset())


def _resolve(where: str, name: str, seen: frozenset) -> Any:
    how = table().get(where, {}).get(name)
    if how is None:
        raise AttributeError("module %r has no attribute %r" % (_PREFIX + where if where else _ROOT, name))
    if how[:1] == "=":  # defined in another module of the table ("=module" or "=module:its name there")
        source, _, there = how[1:].partition(":")
        return getattr(_import(_PREFIX + source), there or name)
    module_name = _PREFIX + where if where else _ROOT
    module = sys.modules.get(module_name)
    if module is not None and name in module.__dict__:
        return module.__dict__[name]
    found = _MISSING
    if where in _HAND_WRITTEN:
        found = getattr(_import(_HAND_WRITTEN[where]), name, _MISSING)
    if found is _MISSING and how[:1] == "m":
        from ._type_loader import paired

        found = paired(where, name)
        found = _MISSING if found is None else found
    if found is _MISSING:
        found = _own_type(where, name)
    if found is _MISSING and "@" in how:
        found = _nested_type(where, how, seen | {name}) or _MISSING
    if found is _MISSING:
        found = _stand_in(module_name, name, how[:1])
    if module is not None:
        module.__dict__[name] = found
    return found


# -- the import hook ----------------------------------------------------------------------------------


def _add_openai_names(module: Any) -> None:
    """Give one of our modules openai's names for its path and let deeper openai paths import."""
    where = module.__name__[len(_PREFIX):] if module.__name__ != _ROOT else ""
    original = module.__dict__.get("__getattr__")
    original_dir = module.__dict__.get("__dir__")

    def __getattr__(name: str) -> Any:
        if original is not None:
            try:
                return original(name)
            except AttributeError:
                pass
        if name[:2] == "__":
            raise AttributeError(name)
        return resolve(where, name)

    def __dir__() -> List[str]:
        own = list(original_dir()) if callable(original_dir) else list(module.__dict__)
        return sorted(set(own) | set(table().get(where, {})))

    module.__dict__.update(__getattr__=__getattr__, __dir__=__dir__, _lite_getattr=original, _lite_dir=original_dir)
    if not hasattr(module, "__path__"):
        module.__path__ = []  # a module of ours that openai has as a package (types.chat)


class _OwnModuleLoader:
    """Loads one of our modules as usual, then adds openai's names (see ``_add_openai_names``)."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        module.__loader__ = self._loader  # the module reads its files through its own loader
        self._loader.exec_module(module)
        _add_openai_names(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _PathModuleLoader:
    """A module for an openai path that has no module of ours: its names resolve on first access."""

    def create_module(self, spec: Any) -> Any:
        return None

    def exec_module(self, module: Any) -> None:
        where = module.__name__[len(_PREFIX):]
        names = table().get(where, {})

        def __getattr__(name: str) -> Any:
            if name[:2] == "__":
                raise AttributeError(name)
            return resolve(where, name)

        module.__dict__.update(__getattr__=__getattr__, __dir__=lambda: sorted(names), __all__=sorted(names),
                               __doc__="openai-python's openai.types.%s, resolved to openai_lite's types." % where)


class TypePathFinder:
    """Finds ``openai_lite.types...`` modules: ours (with openai's names added) and openai's other paths."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if not (fullname == _ROOT or fullname.startswith(_PREFIX)):
            return None
        last = fullname.rpartition(".")[2]
        if last[:1] == "_":
            return None  # private modules of ours: nothing to add
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None:
            if spec.loader is not None:
                spec.loader = _OwnModuleLoader(spec.loader)
            return spec
        where = fullname[len(_PREFIX):] if fullname != _ROOT else ""
        if not _is_table_path(where):
            return None
        return importlib.machinery.ModuleSpec(fullname, _PathModuleLoader(), is_package=True)  # type: ignore


_finder = TypePathFinder()


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once); modules of ours already imported get openai's names."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
        for name, module in list(sys.modules.items()):
            if (name == _ROOT or name.startswith(_PREFIX)) and name.rpartition(".")[2][:1] != "_" \
                    and module is not None and "_lite_getattr" not in module.__dict__:
                _add_openai_names(module)
