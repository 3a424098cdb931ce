"""How the generated types (``openai_lite/types/``) are found and loaded: one module at a time, on first use.

The generated modules hold ordinary classes: a ``BaseModel`` subclass per response object (its field
names and the types of its nested objects, by name; fields typed and documented in the ``.pyi`` stub).
What a module does not define as it loads is served here, on first access:

- request shapes: ``TypedDict``s whose fields only the stubs declare (at run time a ``TypedDict`` is a plain
  dict, so only its name matters);
- unions: a ``typing.Union`` of classes that may live in other modules (so loading one module never
  loads another), and for wrapping data a *picker* choosing the member class from the data;
- names of types defined in another module (openai-python's names, beta twins, ``lib`` classes).

``openai_lite.types`` itself keeps its types in ``_defs.py`` beside its ``__init__``, so that importing
``openai_lite.types.chat`` (which imports the package first) does not build them. ``types/_names.txt``
(plain text) says which module defines each type.
"""
import importlib
import sys
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple, TypedDict, Union

from ._models import BaseModel

__all__ = ["lazy_names", "lazy_package", "load", "paired"]

_PREFIX = "openai_lite.types"
_pickers: Dict[str, Any] = {}
_where: Optional[Dict[str, str]] = None  # type name -> the module defining it (types/_names.txt)
_renamed: Dict[str, str] = {}


def _module(where: str) -> Any:
    return importlib.import_module(_PREFIX + "." + where if where else _PREFIX)


def _defining_module(name: str) -> Tuple[str, Any]:
    """(type name, the module defining it) of a type name or another name of a type (KeyError if unknown)."""
    global _where
    if _where is None:
        found, renamed = read_names()
        _renamed.update(renamed)
        _where = found
    name = _renamed.get(name, name)
    return name, _module(_where[name])


def paired(where: str, name: str) -> Any:
    """The type answers read openai-python's class ``openai.types.<where>.<name>`` into, where ``_names.txt``
    records one (its ``where:name = Type`` lines: another type of ours has that name); else None."""
    try:
        return load(where + ":" + name)
    except KeyError:
        return None


def read_names() -> Tuple[Dict[str, str], Dict[str, str]]:
    """``types/_names.txt``: (type name -> the module below ``openai_lite.types`` defining it, other name ->
    the type it names), from its ``Type module`` and ``other = Type`` lines."""
    import os

    from . import types

    where: Dict[str, str] = {}
    renamed: Dict[str, str] = {}
    path = os.path.join(os.path.dirname(types.__file__), "_names.txt")
    for line in types.__loader__.get_data(path).decode("utf-8").splitlines():  # type: ignore[union-attr]
        if line[:1] in ("#", ""):
            continue
        name, _, module = line.partition(" ")
        if module[:2] == "= ":
            renamed[name] = module[2:]
        else:
            where[name] = module
    return where, renamed


def _elsewhere(target: str) -> Any:
    """``"module:Name"``: ``Name`` from that module (below ``openai_lite.types``, or a whole name for lib/)."""
    module, _, name = target.partition(":")
    if module.startswith("openai_lite."):  # a class of lib/ that openai-python exports from a types module
        return getattr(importlib.import_module(module), name)
    return getattr(_module(module), name)


def _load_member(name: str) -> Any:
    try:
        return load(name)
    except KeyError:  # a request shape (a member of a request-side union): nothing wraps data in it
        return BaseModel


def lazy_names(module_name: str, unions: Dict[str, Tuple[Any, Any]], elsewhere: Dict[str, str],
               params: FrozenSet[str] = frozenset()) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` of a generated types module.

    ``unions``: name -> ``(field, {value: member})`` when the members tell themselves apart by a field,
    else ``(None, members)`` (the member whose required fields, its ``_required``, are all present in the
    data, the most of them, and whose fixed values, its ``_fixed``, the data does not contradict is picked).
    ``elsewhere``: name -> ``"module:Type"``, the type it names and the module defining it (below
    ``openai_lite.types``, or for a class of lib/ its whole module name).
    ``params``: the module's request shapes, each a ``TypedDict`` whose fields only the stub declares
    (calling one gives a plain dict, as in openai-python).
    """
    namespace = sys.modules[module_name].__dict__

    def __getattr__(name: str) -> Any:
        if name in unions:
            # a member that is itself a union stands as its picker (typing accepts a callable)
            members = tuple(_load_member(member) for member in _members(unions[name]))
            value = Union[members] if members else BaseModel
        elif name in elsewhere:
            value = _elsewhere(elsewhere[name])
        elif name in params:
            value = TypedDict(name, {}, total=False)  # type: ignore[operator]
            value.__module__ = module_name
        else:
            value = _submodule(module_name, name)
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        own = [name for name, value in namespace.items()
               if name[:1] != "_" and name not in _IMPORTED and not isinstance(value, type(sys))]
        return sorted(set(own) | set(unions) | set(elsewhere) | params)

    return __getattr__, __dir__


_IMPORTED = frozenset(("Any", "BaseModel"))  # what a generated module imports


def _members(union: Tuple[Any, Any]) -> List[str]:
    field, table = union
    if field is None:
        return list(table)
    return list(dict.fromkeys(table.values()))


def _submodule(module_name: str, name: str) -> Any:
    """A module below a package (``openai_lite.types.chat``: openai-python's are attributes of theirs)."""
    if name[:1] != "_" and hasattr(sys.modules[module_name], "__path__"):
        try:
            return importlib.import_module(module_name + "." + name)
        except ImportError:
            pass
    raise AttributeError("module %r has no attribute %r" % (module_name, name))


def lazy_package(package_name: str) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` of ``openai_lite.types``, whose types live in its ``_defs`` module (its
    modules are attributes too, imported when first read)."""
    namespace = sys.modules[package_name].__dict__

    def defs() -> Any:
        return importlib.import_module(package_name + "._defs")

    def __getattr__(name: str) -> Any:
        if name[:1] == "_":  # no type has such a name (and ``from package import _x`` asks before importing)
            raise AttributeError(name)
        try:
            value = getattr(defs(), name)
        except AttributeError:
            value = _submodule(package_name, name)
        namespace[name] = value
        return value

    def __dir__() -> List[str]:
        return dir(defs())

    return __getattr__, __dir__


def load(name: str) -> Any:
    """What wraps data of type ``name``: its class, a picker for a union, ``BaseModel`` for anything else."""
    name, module = _defining_module(name)
    union = getattr(module, "_UNIONS", {}).get(name)
    if union is not None:
        found = _pickers.get(name)
        if found is None:
            found = _pickers[name] = _picker(name, *union)
        return found
    value = getattr(module, name)
    return value if isinstance(value, type) and issubclass(value, BaseModel) else BaseModel


def _picker(name: str, field: Optional[str], table: Any) -> Any:
    members = _members((field, table))
    classes: Dict[str, Any] = {}
    # no discriminator: (class, its required fields, its fixed values), the most required fields first
    candidates: List[Tuple[Any, FrozenSet[str], Tuple[Tuple[str, Tuple[Any, ...]], ...]]] = []

    def cls(member: str) -> Any:
        found = classes.get(member)
        if found is None:
            found = classes[member] = _load_member(member)
        return found

    def pick(raw: Dict[str, Any]) -> Any:
        if field is not None:
            value = raw.get(field)
            if value is not None:
                member = table.get(value)
                return cls(member) if member is not None else BaseModel  # a kind newer than the spec
        if not members:
            return BaseModel
        if not candidates:  # sorted once (a stable sort: of as many, the first member wins)
            found = [(cls(m), frozenset(getattr(cls(m), "_required", ())),
                      tuple(getattr(cls(m), "_fixed", {}).items())) for m in members]
            candidates[:] = sorted(found, key=lambda c: -len(c[1]))
        # the member with the most required fields all present whose fixed values (its ``_fixed``: ``Literal``
        # fields such as ``role``) the data does not contradict, as pydantic's smart union validates
        keys = raw.keys()
        for member_cls, required, fixed in candidates:
            if keys >= required and all(key not in raw or raw[key] in values for key, values in fixed):
                return member_cls
        # none is complete: one that the data's fixed values name (openai-python falls back on its union's
        # discriminator, ``type``), else the first member (as openai-python builds it then)
        for member_cls, required, fixed in candidates:
            if fixed and all(key in raw and raw[key] in values for key, values in fixed):
                return member_cls
        return cls(members[0])

    pick.__name__ = pick.__qualname__ = name
    return pick
