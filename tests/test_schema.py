"""Tests for openai_lite.lib._schema: JSON schemas, strict mode, function tools,
response formats and parsing of JSON values back into Python types."""

import dataclasses
import datetime
import enum
import json
import os
import subprocess
import sys
import textwrap
import uuid
from dataclasses import dataclass, field
from typing import (
    Any,
    Dict,
    FrozenSet,
    Generic,
    List,
    Literal,
    NamedTuple,
    NewType,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypedDict,
    TypeVar,
    Union,
)

import pytest

from openai_lite.lib._schema import (
    FunctionTool,
    SchemaValidationError,
    ToolArgumentsError,
    ensure_strict_schema,
    function_tool,
    parse_docstring,
    parse_value,
    to_json_schema,
    type_to_response_format,
)

try:  # Python 3.9+
    from typing import Annotated
except ImportError:  # pragma: no cover - 3.8
    Annotated = None  # type: ignore[assignment]

try:  # Python 3.11+
    from typing import NotRequired
except ImportError:  # pragma: no cover
    NotRequired = None  # type: ignore[assignment]

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NULL = {"type": "null"}

# ---------------------------------------------------------------------------
# A checker for the OpenAI strict-mode rules, applied to every strict schema
# ---------------------------------------------------------------------------

STRICT_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "enum",
    "const",
    "$ref",
    "$defs",
    "description",
    "title",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
}
JSON_TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}


def check_strict(schema):
    """Assert that ``schema`` follows the OpenAI strict structured-output rules."""
    assert isinstance(schema, dict)
    defs = schema.get("$defs", {})
    assert isinstance(defs, dict)

    def visit(node, path, is_root):
        assert isinstance(node, dict), "{}: schema must be an object".format(path)
        unknown = set(node) - STRICT_KEYWORDS
        assert not unknown, "{}: keywords not supported in strict mode: {}".format(path, sorted(unknown))
        assert "default" not in node, path
        if "$defs" in node:
            assert is_root, "{}: $defs only allowed at the root".format(path)
        if "$ref" in node:
            assert set(node) == {"$ref"}, "{}: $ref must not have sibling keywords: {}".format(path, sorted(node))
            ref = node["$ref"]
            assert ref == "#" or (ref.startswith("#/$defs/") and ref[len("#/$defs/"):] in defs), "{}: bad $ref {}".format(path, ref)
            return
        assert node, "{}: empty schema (Any) is not allowed in strict mode".format(path)
        assert "type" in node or "anyOf" in node or "enum" in node or "const" in node, "{}: no type".format(path)
        types = node.get("type")
        if types is not None:
            for t in types if isinstance(types, list) else [types]:
                assert t in JSON_TYPES, "{}: unknown type {}".format(path, t)
        is_object = types == "object" or (isinstance(types, list) and "object" in types) or "properties" in node
        if is_object:
            assert node.get("additionalProperties") is False, "{}: additionalProperties must be false".format(path)
            assert isinstance(node.get("properties"), dict), "{}: object without properties".format(path)
            assert node.get("required") == list(node["properties"]), "{}: required must list every property".format(path)
            for k, v in node["properties"].items():
                visit(v, "{}.{}".format(path, k), False)
        elif "additionalProperties" in node:
            assert node["additionalProperties"] is False, path
        if types == "array" or "items" in node:
            assert isinstance(node.get("items"), dict), "{}: arrays need an items schema".format(path)
            visit(node["items"], path + "[]", False)
        for i, sub in enumerate(node.get("anyOf", [])):
            visit(sub, "{}.anyOf[{}]".format(path, i), False)

    visit(schema, "$", True)
    for name, d in defs.items():
        visit(d, "$defs." + name, False)
    return schema


def strict(tp):
    """to_json_schema(tp, strict=True), checked against the strict rules."""
    return check_strict(to_json_schema(tp, strict=True))


def loose(tp):
    return to_json_schema(tp, strict=False)


def nullable(schema, **outer):
    return dict(outer, anyOf=[schema, NULL])


# ---------------------------------------------------------------------------
# Types used by the tests (module level so that forward references resolve)
# ---------------------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclass
class Point:
    x: int
    y: int


@dataclass
class Item:
    """An item in an order.

    More detail that is not part of the description.

    Attributes:
        name: The item name.
        price (float): Unit price
            in USD.
    """

    name: str
    price: float
    tags: List[str] = field(default_factory=list, metadata={"description": "Free-form tags."})
    color: Optional[Color] = None
    quantity: int = 1


@dataclass
class Order:
    """An order.

    Args:
        items: What was ordered.
    """

    items: List[Item]
    priority: Priority
    location: Tuple[float, float]
    placed: datetime.date


@dataclass
class Node:
    value: int
    children: List["Node"]


@dataclass
class Tree:
    root: Node
    name: str


@dataclass
class Employee:
    name: str
    manager: Optional["Employee"] = None


@dataclass
class Department:
    head: "Person"
    name: str


@dataclass
class Person:
    name: str
    department: Optional[Department]


@dataclass
class WithMap:
    settings: Dict[str, int]


@dataclass
class Outer:
    inner: WithMap


@dataclass
class Stamped:
    when: datetime.datetime
    day: datetime.date
    at: datetime.time
    id: uuid.UUID


@dataclass
class Validated:
    n: int

    def __post_init__(self):
        if self.n < 0:
            raise ValueError("n must be >= 0")


T = TypeVar("T")


@dataclass
class Box(Generic[T]):
    content: T
    label: str


class Movie(TypedDict):
    title: str
    year: int


class MovieExtras(TypedDict, total=False):
    rating: float
    genres: List[str]


class FullMovie(Movie, MovieExtras):
    pass


class Coord(NamedTuple):
    lat: float
    lon: float
    label: str = "here"


UserId = NewType("UserId", int)


# ---------------------------------------------------------------------------
# Primitive types
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tp, expected",
    [
        (str, {"type": "string"}),
        (int, {"type": "integer"}),
        (float, {"type": "number"}),
        (bool, {"type": "boolean"}),
        (None, {"type": "null"}),
        (type(None), {"type": "null"}),
        (UserId, {"type": "integer"}),
        (datetime.datetime, {"type": "string", "format": "date-time"}),
        (datetime.date, {"type": "string", "format": "date"}),
        (datetime.time, {"type": "string", "format": "time"}),
        (uuid.UUID, {"type": "string", "format": "uuid"}),
    ],
)
def test_scalar_schemas(tp, expected):
    assert strict(tp) == expected
    assert loose(tp) == expected


def test_any_is_unconstrained_even_in_strict_mode():
    assert to_json_schema(Any, strict=False) == {}
    assert to_json_schema(Any, strict=True) == {}
    # ... which the strict checker (like the API) refuses
    with pytest.raises(AssertionError, match="empty schema"):
        check_strict(to_json_schema(Any))


def test_optional_and_union():
    assert strict(Optional[int]) == {"anyOf": [{"type": "integer"}, NULL]}
    assert loose(Optional[int]) == {"anyOf": [{"type": "integer"}, NULL]}
    assert strict(Union[int, str, None]) == {"anyOf": [{"type": "integer"}, {"type": "string"}, NULL]}
    assert strict(Union[Point, str]) == {
        "anyOf": [
            {
                "type": "object",
                "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
                "required": ["x", "y"],
                "additionalProperties": False,
            },
            {"type": "string"},
        ]
    }


@pytest.mark.skipif(sys.version_info < (3, 10), reason="PEP 604 unions need Python 3.10")
def test_pep604_union_and_builtin_generics():
    tp = eval("int | None")
    assert strict(tp) == {"anyOf": [{"type": "integer"}, NULL]}
    assert strict(eval("list[str | int]")) == {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}
    assert strict(eval("tuple[int, ...]")) == {"type": "array", "items": {"type": "integer"}}
    with pytest.raises(TypeError, match="strict mode"):
        to_json_schema(eval("dict[str, int]"))
    assert loose(eval("dict[str, int]")) == {"type": "object", "additionalProperties": {"type": "integer"}}


def test_literal():
    assert strict(Literal["a", "b"]) == {"type": "string", "enum": ["a", "b"]}
    assert strict(Literal[1, 2]) == {"type": "integer", "enum": [1, 2]}
    assert strict(Literal[True]) == {"type": "boolean", "enum": [True]}
    assert strict(Literal[1, 2.5]) == {"type": "number", "enum": [1, 2.5]}
    assert strict(Literal["a", 1]) == {"enum": ["a", 1]}
    assert strict(Literal[Color.RED]) == {"type": "string", "enum": ["red"]}


def test_enum():
    assert strict(Color) == {"type": "string", "enum": ["red", "green"]}
    assert strict(Priority) == {"type": "integer", "enum": [1, 2]}
    assert loose(Color) == strict(Color)


# ---------------------------------------------------------------------------
# Containers
# ---------------------------------------------------------------------------


def test_lists_and_sequences():
    expected = {"type": "array", "items": {"type": "integer"}}
    assert strict(List[int]) == expected
    assert strict(Sequence[int]) == expected
    assert loose(List[int]) == expected
    assert to_json_schema(list, strict=False) == {"type": "array", "items": {}}
    assert strict(List[List[str]]) == {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}


def test_sets_only_use_unique_items_outside_strict_mode():
    assert strict(Set[str]) == {"type": "array", "items": {"type": "string"}}
    assert strict(FrozenSet[int]) == {"type": "array", "items": {"type": "integer"}}
    assert loose(Set[str]) == {"type": "array", "items": {"type": "string"}, "uniqueItems": True}


def test_tuples():
    assert strict(Tuple[int, ...]) == {"type": "array", "items": {"type": "integer"}}
    assert strict(Tuple[float, float]) == {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
    assert strict(Tuple[int, str, int]) == {
        "type": "array",
        "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "minItems": 3,
        "maxItems": 3,
    }
    assert "prefixItems" not in json.dumps(loose(Tuple[int, str]))


def test_dicts_are_maps_in_non_strict_mode():
    assert loose(Dict[str, int]) == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert loose(Dict[str, Any]) == {"type": "object"}
    assert loose(dict) == {"type": "object"}
    with pytest.raises(TypeError, match="str keys"):
        loose(Dict[int, str])


def test_dicts_are_rejected_in_strict_mode_naming_the_field():
    with pytest.raises(TypeError) as exc:
        to_json_schema(WithMap)
    assert "field 'settings' of WithMap" in str(exc.value)
    assert "strict" in str(exc.value)
    with pytest.raises(TypeError, match="field 'settings' of WithMap"):
        to_json_schema(Outer)
    with pytest.raises(TypeError, match="the root type"):
        to_json_schema(Dict[str, str])
    assert loose(WithMap)["properties"]["settings"] == {"type": "object", "additionalProperties": {"type": "integer"}}


def test_unsupported_type_is_a_type_error():
    with pytest.raises(TypeError, match="unsupported type bytes"):
        to_json_schema(bytes)
    with pytest.raises(TypeError, match="unsupported type"):
        to_json_schema(complex)


# ---------------------------------------------------------------------------
# Dataclasses, TypedDicts, NamedTuples
# ---------------------------------------------------------------------------


def test_dataclass_strict_schema():
    assert strict(Item) == {
        "type": "object",
        "description": "An item in an order.",
        "properties": {
            "name": {"type": "string", "description": "The item name."},
            "price": {"type": "number", "description": "Unit price in USD."},
            "tags": nullable({"type": "array", "items": {"type": "string"}}, description="Free-form tags."),
            "color": nullable({"type": "string", "enum": ["red", "green"]}),
            "quantity": nullable({"type": "integer"}),
        },
        "required": ["name", "price", "tags", "color", "quantity"],
        "additionalProperties": False,
    }


def test_dataclass_non_strict_schema_has_defaults_and_real_required():
    assert loose(Item) == {
        "type": "object",
        "description": "An item in an order.",
        "properties": {
            "name": {"type": "string", "description": "The item name."},
            "price": {"type": "number", "description": "Unit price in USD."},
            "tags": {"type": "array", "items": {"type": "string"}, "description": "Free-form tags.", "default": []},
            "color": {"anyOf": [{"type": "string", "enum": ["red", "green"]}, NULL], "default": None},
            "quantity": {"type": "integer", "default": 1},
        },
        "required": ["name", "price"],
        "additionalProperties": False,
    }


def test_dataclass_without_docstring_has_no_description():
    assert strict(Point) == {
        "type": "object",
        "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
        "required": ["x", "y"],
        "additionalProperties": False,
    }


def test_nested_dataclass_is_inlined():
    schema = strict(Order)
    assert schema["description"] == "An order."
    assert schema["properties"]["items"] == {
        "type": "array",
        "description": "What was ordered.",
        "items": strict(Item),
    }
    assert schema["properties"]["priority"] == {"type": "integer", "enum": [1, 2]}
    assert schema["properties"]["placed"] == {"type": "string", "format": "date"}
    assert schema["required"] == ["items", "priority", "location", "placed"]
    assert "$defs" not in schema


def test_recursive_dataclass_uses_root_defs():
    node = {
        "type": "object",
        "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
        "required": ["value", "children"],
        "additionalProperties": False,
    }
    assert strict(Node) == dict(node, **{"$defs": {"Node": node}})
    assert strict(Tree) == {
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/Node"}, "name": {"type": "string"}},
        "required": ["root", "name"],
        "additionalProperties": False,
        "$defs": {"Node": node},
    }


def test_recursive_optional_self_reference():
    employee = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "manager": {"anyOf": [{"$ref": "#/$defs/Employee"}, NULL]}},
        "required": ["name", "manager"],
        "additionalProperties": False,
    }
    assert strict(Employee) == dict(employee, **{"$defs": {"Employee": employee}})
    non_strict = loose(Employee)
    assert non_strict["required"] == ["name"]
    assert non_strict["properties"]["manager"] == {"anyOf": [{"$ref": "#/$defs/Employee"}, NULL], "default": None}
    assert non_strict["$defs"]["Employee"]["properties"]["manager"]["default"] is None


def test_mutually_recursive_dataclasses():
    schema = strict(Person)
    assert set(schema["$defs"]) == {"Person"}
    department = schema["properties"]["department"]["anyOf"][0]
    assert department["properties"]["head"] == {"$ref": "#/$defs/Person"}
    assert schema["properties"]["department"]["anyOf"][1] == NULL


def test_typeddict_schema():
    movie = {
        "type": "object",
        "properties": {"title": {"type": "string"}, "year": {"type": "integer"}},
        "required": ["title", "year"],
        "additionalProperties": False,
    }
    assert strict(Movie) == movie
    assert loose(Movie) == movie
    assert strict(MovieExtras) == {
        "type": "object",
        "properties": {
            "rating": nullable({"type": "number"}),
            "genres": nullable({"type": "array", "items": {"type": "string"}}),
        },
        "required": ["rating", "genres"],
        "additionalProperties": False,
    }
    assert loose(MovieExtras) == {
        "type": "object",
        "properties": {"rating": {"type": "number"}, "genres": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": False,
    }
    full = loose(FullMovie)
    if sys.version_info >= (3, 9):  # __required_keys__ (mixed totality) exists from 3.9
        assert sorted(full["required"]) == ["title", "year"]
    assert set(full["properties"]) == {"title", "year", "rating", "genres"}
    assert strict(FullMovie)["required"] == list(strict(FullMovie)["properties"])


@pytest.mark.skipif(NotRequired is None, reason="typing.NotRequired needs Python 3.11")
def test_typeddict_not_required():
    ns = {"TypedDict": TypedDict, "NotRequired": NotRequired}
    exec("class Pet(TypedDict):\n    name: str\n    age: NotRequired[int]\n", ns)
    pet = ns["Pet"]
    assert loose(pet)["required"] == ["name"]
    assert strict(pet)["properties"]["age"] == nullable({"type": "integer"})
    assert parse_value(pet, {"name": "Rex", "age": None}) == {"name": "Rex"}
    assert parse_value(pet, {"name": "Rex", "age": 3}) == {"name": "Rex", "age": 3}


def test_namedtuple_schema():
    assert loose(Coord) == {
        "type": "object",
        "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}, "label": {"type": "string", "default": "here"}},
        "required": ["lat", "lon"],
        "additionalProperties": False,
    }
    assert strict(Coord)["properties"]["label"] == nullable({"type": "string"})


def test_generic_dataclass_is_specialised():
    schema = strict(Box[int])
    assert schema["properties"]["content"] == {"type": "integer"}
    assert strict(Box[List[str]])["properties"]["content"] == {"type": "array", "items": {"type": "string"}}
    assert parse_value(Box[int], {"content": 3, "label": "x"}) == Box(3, "x")
    with pytest.raises(SchemaValidationError, match=r"at \$\.content: expected integer, got string"):
        parse_value(Box[int], {"content": "3", "label": "x"})


@pytest.mark.skipif(Annotated is None, reason="typing.Annotated needs Python 3.9")
def test_annotated_descriptions_and_constraints():
    assert strict(Annotated[int, "How many."]) == {"type": "integer", "description": "How many."}
    assert strict(Annotated[int, {"minimum": 0}]) == {"type": "integer", "minimum": 0}
    ns = {"dataclass": dataclass, "Annotated": Annotated, "List": List}
    exec(
        "@dataclass\nclass Q:\n    '''Q.\n\n    Attributes:\n        n: from the docstring\n    '''\n"
        "    n: Annotated[int, 'from Annotated']\n    m: List[Annotated[str, 'an element']]\n",
        ns,
    )
    schema = strict(ns["Q"])
    assert schema["properties"]["n"] == {"type": "integer", "description": "from Annotated"}
    assert schema["properties"]["m"] == {"type": "array", "items": {"type": "string", "description": "an element"}}


def test_datetime_fields():
    assert strict(Stamped)["properties"] == {
        "when": {"type": "string", "format": "date-time"},
        "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "format": "time"},
        "id": {"type": "string", "format": "uuid"},
    }


def test_raw_dict_type_is_copied_and_made_strict():
    raw = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert strict(raw) == {
        "type": "object",
        "properties": {"a": nullable({"type": "string"})},
        "required": ["a"],
        "additionalProperties": False,
    }
    assert raw == {"type": "object", "properties": {"a": {"type": "string"}}}
    assert loose(raw) == raw and loose(raw) is not raw


# ---------------------------------------------------------------------------
# ensure_strict_schema
# ---------------------------------------------------------------------------


def test_ensure_strict_on_user_schema():
    user = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "The name"},
            "age": {"type": "integer", "default": None},
            "address": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": ["string", "null"]}},
                "required": ["city"],
            },
        },
        "required": ["name"],
    }
    before = json.dumps(user, sort_keys=True)
    out = check_strict(ensure_strict_schema(user))
    assert json.dumps(user, sort_keys=True) == before  # input not modified
    assert out == {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "The name"},
            "age": nullable({"type": "integer"}),
            "address": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {"city": {"type": "string"}, "zip": {"type": ["string", "null"]}},
                        "required": ["city", "zip"],
                        "additionalProperties": False,
                    },
                    NULL,
                ]
            },
        },
        "required": ["name", "age", "address"],
        "additionalProperties": False,
    }


def test_ensure_strict_is_idempotent():
    once = ensure_strict_schema(to_json_schema(Order, strict=False))
    assert ensure_strict_schema(once) == once
    assert check_strict(once) == strict(Order)


def test_ensure_strict_definitions_become_root_defs():
    schema = {
        "type": "object",
        "properties": {"p": {"$ref": "#/definitions/P"}},
        "required": ["p"],
        "definitions": {"P": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}},
    }
    out = check_strict(ensure_strict_schema(schema))
    assert "definitions" not in out
    assert out["properties"]["p"] == {"$ref": "#/$defs/P"}
    assert out["$defs"]["P"] == {
        "type": "object",
        "properties": {"x": {"type": "number"}},
        "required": ["x"],
        "additionalProperties": False,
    }


def test_ensure_strict_hoists_nested_defs():
    schema = {
        "type": "object",
        "properties": {
            "inner": {
                "type": "object",
                "properties": {"c": {"$ref": "#/properties/inner/$defs/C"}},
                "required": ["c"],
                "$defs": {"C": {"type": "string", "enum": ["x"]}},
            }
        },
        "required": ["inner"],
    }
    out = check_strict(ensure_strict_schema(schema))
    assert out["$defs"] == {"C": {"type": "string", "enum": ["x"]}}
    assert out["properties"]["inner"]["properties"]["c"] == {"$ref": "#/$defs/C"}


def test_ensure_strict_inlines_all_of_and_refs_with_siblings():
    schema = {
        "type": "object",
        "properties": {
            "a": {"allOf": [{"$ref": "#/$defs/A"}], "description": "the a"},
            "b": {"$ref": "#/$defs/A", "description": "the b"},
            "c": {"$ref": "#/$defs/A"},
        },
        "required": ["a", "b", "c"],
        "$defs": {"A": {"type": "object", "properties": {"v": {"type": "integer"}}, "required": ["v"]}},
    }
    out = check_strict(ensure_strict_schema(schema))
    a_strict = {"type": "object", "properties": {"v": {"type": "integer"}}, "required": ["v"], "additionalProperties": False}
    assert out["properties"]["a"] == dict(a_strict, description="the a")
    assert out["properties"]["b"] == dict(a_strict, description="the b")
    assert out["properties"]["c"] == {"$ref": "#/$defs/A"}
    assert out["$defs"]["A"] == a_strict


def test_ensure_strict_root_ref_is_inlined():
    schema = {"$ref": "#/$defs/R", "$defs": {"R": {"type": "object", "properties": {"next": {"$ref": "#/$defs/R"}}}}}
    out = check_strict(ensure_strict_schema(schema))
    assert out["type"] == "object"
    assert out["properties"]["next"] == {"anyOf": [{"$ref": "#/$defs/R"}, NULL]}
    assert out["$defs"]["R"]["required"] == ["next"]


def test_ensure_strict_one_of_prefix_items_and_defaults():
    schema = {
        "type": "object",
        "properties": {
            "u": {"oneOf": [{"type": "string"}, {"type": "integer"}], "discriminator": {"propertyName": "x"}},
            "t": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "minItems": 2, "maxItems": 2},
            "d": {"type": "integer", "default": 3},
        },
        "required": ["u", "t", "d"],
    }
    out = check_strict(ensure_strict_schema(schema))
    assert out["properties"]["u"] == {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert out["properties"]["t"] == {
        "type": "array",
        "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        "minItems": 2,
        "maxItems": 2,
    }
    assert out["properties"]["d"] == {"type": "integer"}


def test_ensure_strict_rejects_free_form_maps():
    with pytest.raises(TypeError, match=r"additionalProperties at \$\.properties\.m|\$\.m"):
        ensure_strict_schema({"type": "object", "properties": {"m": {"type": "object", "additionalProperties": {"type": "integer"}}}})
    with pytest.raises(TypeError, match="arbitrary keys"):
        ensure_strict_schema({"type": "object", "additionalProperties": True})
    # extra keys allowed next to declared properties: closed
    out = ensure_strict_schema({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": True})
    assert out["additionalProperties"] is False


def test_ensure_strict_empty_object():
    assert check_strict(ensure_strict_schema({"type": "object"})) == {
        "type": "object",
        "properties": {},
        "required": [],
        "additionalProperties": False,
    }
    with pytest.raises(TypeError):
        ensure_strict_schema([])  # type: ignore[arg-type]


def test_strict_schemas_accept_real_instances():
    jsonschema = pytest.importorskip("jsonschema")
    order = {
        "items": [{"name": "a", "price": 1.5, "tags": None, "color": "red", "quantity": None}],
        "priority": 2,
        "location": [1.0, 2.0],
        "placed": "2024-05-01",
    }
    jsonschema.validate(order, strict(Order))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(dict(order, location=[1.0]), strict(Order))
    tree = {"root": {"value": 1, "children": [{"value": 2, "children": []}]}, "name": "t"}
    jsonschema.validate(tree, strict(Tree))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"root": {"value": 1, "children": [{"value": "x", "children": []}]}, "name": "t"}, strict(Tree))


# ---------------------------------------------------------------------------
# pydantic (optional)
# ---------------------------------------------------------------------------


def _pydantic_models():
    pydantic = pytest.importorskip("pydantic")
    if not hasattr(pydantic.BaseModel, "model_json_schema"):
        pytest.skip("pydantic v2 needed")
    from pydantic import BaseModel, Field

    class Sub(BaseModel):
        x: int = Field(description="the x")

    class Cat(BaseModel):
        pet_type: Literal["cat"]
        meows: int

    class Dog(BaseModel):
        pet_type: Literal["dog"]
        barks: float

    class Model(BaseModel):
        """A pydantic model."""

        name: str
        sub: Sub = Field(description="a sub")
        subs: List[Sub] = []
        color: Optional[Color] = None
        pet: Union[Cat, Dog] = Field(discriminator="pet_type")
        pair: Tuple[int, str]

    return Model, Sub


def test_pydantic_model_schema_is_made_strict():
    model, sub = _pydantic_models()
    schema = strict(model)
    assert schema["required"] == ["name", "sub", "subs", "color", "pet", "pair"]
    assert schema["description"] == "A pydantic model."
    assert schema["properties"]["sub"]["description"] == "a sub"
    assert schema["properties"]["sub"]["type"] == "object"  # $ref + description was inlined
    assert schema["properties"]["pet"]["anyOf"] == [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}]
    assert schema["properties"]["subs"]["anyOf"][1] == NULL
    assert set(schema["$defs"]) >= {"Cat", "Dog", "Sub"}
    assert loose(model) == model.model_json_schema()


def test_pydantic_model_nested_in_dataclass_and_parsed():
    model, sub = _pydantic_models()

    @dataclass
    class Holder:
        m: sub  # type: ignore[valid-type]

    schema = strict(Holder)
    assert schema["properties"]["m"]["properties"]["x"] == {"type": "integer", "description": "the x", "title": "X"}
    holder = parse_value(Holder, {"m": {"x": 3}})
    assert isinstance(holder.m, sub) and holder.m.x == 3
    with pytest.raises(SchemaValidationError, match=r"at \$\.m: invalid Sub"):
        parse_value(Holder, {"m": {"x": "nope"}})


def test_pydantic_parse_value_null_means_default():
    model, sub = _pydantic_models()
    value = {
        "name": "n",
        "sub": {"x": 1},
        "subs": None,
        "color": "green",
        "pet": {"pet_type": "dog", "barks": 2},
        "pair": [1, "a"],
    }
    parsed = parse_value(model, value)
    assert isinstance(parsed, model)
    assert parsed.subs == [] and parsed.color is Color.GREEN and parsed.pair == (1, "a")
    fmt = type_to_response_format(model)
    assert fmt["json_schema"]["name"] == "Model"
    check_strict(fmt["json_schema"]["schema"])


# ---------------------------------------------------------------------------
# parse_value
# ---------------------------------------------------------------------------


def test_parse_value_round_trips_dataclasses():
    data = {
        "items": [
            {"name": "pen", "price": 2, "tags": ["office"], "color": "red", "quantity": 3},
            {"name": "cup", "price": 4.5, "tags": None, "color": None, "quantity": None},
        ],
        "priority": 2,
        "location": [48.85, 2.35],
        "placed": "2024-05-01",
    }
    order = parse_value(Order, data)
    assert order == Order(
        items=[Item("pen", 2.0, ["office"], Color.RED, 3), Item("cup", 4.5, [], None, 1)],
        priority=Priority.HIGH,
        location=(48.85, 2.35),
        placed=datetime.date(2024, 5, 1),
    )
    assert isinstance(order.items[0].price, float)
    assert order.priority is Priority.HIGH


def test_parse_value_recursive_and_collections():
    tree = parse_value(Tree, {"root": {"value": 1, "children": [{"value": 2, "children": []}]}, "name": "t"})
    assert tree == Tree(Node(1, [Node(2, [])]), "t")
    assert parse_value(List[List[int]], [[1, 2], [3]]) == [[1, 2], [3]]
    assert parse_value(Set[str], ["a", "b", "a"]) == {"a", "b"}
    assert parse_value(FrozenSet[int], [1]) == frozenset({1})
    assert parse_value(Tuple[int, str], [1, "a"]) == (1, "a")
    assert parse_value(Tuple[int, ...], [1, 2, 3]) == (1, 2, 3)
    assert parse_value(Dict[str, Point], {"a": {"x": 1, "y": 2}}) == {"a": Point(1, 2)}
    assert parse_value(Coord, {"lat": 1, "lon": 2}) == Coord(1.0, 2.0, "here")


def test_parse_value_scalars():
    assert parse_value(int, 3) == 3
    assert parse_value(int, 3.0) == 3 and isinstance(parse_value(int, 3.0), int)
    assert parse_value(float, 2) == 2.0 and isinstance(parse_value(float, 2), float)
    assert parse_value(Color, "green") is Color.GREEN
    assert parse_value(Literal["a", "b"], "b") == "b"
    assert parse_value(Literal[Color.RED], "red") is Color.RED
    assert parse_value(Optional[int], None) is None
    assert parse_value(Union[int, str], "3") == "3"
    assert parse_value(Any, {"free": [1]}) == {"free": [1]}
    assert parse_value(UserId, 7) == 7
    when = parse_value(datetime.datetime, "2024-05-01T12:30:00Z")
    assert when == datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.timezone.utc)
    assert parse_value(datetime.time, "08:15:00") == datetime.time(8, 15)
    assert parse_value(uuid.UUID, "12345678-1234-5678-1234-567812345678") == uuid.UUID("12345678-1234-5678-1234-567812345678")
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    raw = {"a": "x", "anything": 1}
    assert parse_value(schema, raw) is raw


def test_parse_value_bool_is_not_a_number():
    with pytest.raises(SchemaValidationError, match=r"at \$: expected integer, got boolean"):
        parse_value(int, True)
    with pytest.raises(SchemaValidationError, match=r"expected number, got boolean"):
        parse_value(float, False)
    with pytest.raises(SchemaValidationError, match="expected boolean, got integer"):
        parse_value(bool, 1)
    with pytest.raises(SchemaValidationError):
        parse_value(Priority, True)


def test_parse_value_error_paths():
    with pytest.raises(SchemaValidationError) as exc:
        parse_value(Order, {"items": [{"name": "a", "price": 1}, {"name": "b", "price": 2}, {"name": "c", "price": "9"}], "priority": 1, "location": [0, 0], "placed": "2024-01-01"})
    assert str(exc.value) == "at $.items[2].price: expected number, got string"
    assert exc.value.path == "$.items[2].price"
    assert isinstance(exc.value, ValueError)

    with pytest.raises(SchemaValidationError, match=r"at \$\.items\[0\]: missing required field 'price' of Item"):
        parse_value(Order, {"items": [{"name": "a"}], "priority": 1, "location": [0, 0], "placed": "2024-01-01"})
    with pytest.raises(SchemaValidationError, match=r"at \$: unexpected field 'z' for Point"):
        parse_value(Point, {"x": 1, "y": 2, "z": 3})
    with pytest.raises(SchemaValidationError, match=r"at \$\.priority: expected one of \[1, 2\], got 3"):
        parse_value(Order, {"items": [], "priority": 3, "location": [0, 0], "placed": "2024-01-01"})
    with pytest.raises(SchemaValidationError, match=r"at \$\.location: expected an array of 2 items, got 3"):
        parse_value(Order, {"items": [], "priority": 1, "location": [0, 0, 0], "placed": "2024-01-01"})
    with pytest.raises(SchemaValidationError, match=r"at \$\.placed: expected ISO 8601 date string"):
        parse_value(Order, {"items": [], "priority": 1, "location": [0, 0], "placed": "yesterday"})
    with pytest.raises(SchemaValidationError, match=r'at \$\["a b"\]\.x: expected integer, got null'):
        parse_value(Dict[str, Point], {"a b": {"x": None, "y": 1}})
    with pytest.raises(SchemaValidationError, match=r"at \$: expected object \(Point\), got array"):
        parse_value(Point, [1, 2])
    with pytest.raises(SchemaValidationError, match=r"at \$: expected integer or string, got boolean"):
        parse_value(Union[int, str], True)
    with pytest.raises(SchemaValidationError, match=r"at \$: expected one of \[\"a\", \"b\"\], got \"c\""):
        parse_value(Literal["a", "b"], "c")


def test_parse_value_union_reports_the_deepest_failure():
    with pytest.raises(SchemaValidationError) as exc:
        parse_value(Optional[Tree], {"root": {"value": 1, "children": [{"value": "x", "children": []}]}, "name": "t"})
    assert exc.value.path == "$.root.children[0].value"


def test_parse_value_typeddict_validates_keys():
    assert parse_value(Movie, {"title": "Up", "year": 2009}) == {"title": "Up", "year": 2009}
    assert parse_value(MovieExtras, {"rating": None, "genres": ["x"]}) == {"genres": ["x"]}
    with pytest.raises(SchemaValidationError, match="missing required field 'year' of Movie"):
        parse_value(Movie, {"title": "Up"})
    with pytest.raises(SchemaValidationError, match="unexpected field 'rating' for Movie"):
        parse_value(Movie, {"title": "Up", "year": 1, "rating": 3})


def test_parse_value_wraps_constructor_errors():
    assert parse_value(Validated, {"n": 1}) == Validated(1)
    with pytest.raises(SchemaValidationError, match=r"at \$: could not create Validated: n must be >= 0"):
        parse_value(Validated, {"n": -1})


# ---------------------------------------------------------------------------
# Docstrings
# ---------------------------------------------------------------------------


def test_parse_docstring_google():
    doc = """Get the weather.

    The second paragraph is not part of the description.

    Args:
        city: The city
            to look up.
        units (str): Either "c" or "f".

    Returns:
        A report.
    """
    assert parse_docstring(doc) == ("Get the weather.", {"city": "The city to look up.", "units": 'Either "c" or "f".'})


def test_parse_docstring_sphinx():
    doc = """Search the catalog
    for products.

    :param query: What to search for.
    :param int limit: How many results,
        at most.
    :type query: str
    :returns: matches
    """
    assert parse_docstring(doc) == ("Search the catalog for products.", {"query": "What to search for.", "limit": "How many results, at most."})


def test_parse_docstring_numpy():
    doc = """Convert an amount.

    Parameters
    ----------
    amount : float
        The amount
        to convert.
    currency : str
        ISO code.
    x, y : int
        Coordinates.

    Returns
    -------
    float
        The converted amount.
    """
    assert parse_docstring(doc) == (
        "Convert an amount.",
        {"amount": "The amount to convert.", "currency": "ISO code.", "x": "Coordinates.", "y": "Coordinates."},
    )


def test_parse_docstring_empty_and_plain():
    assert parse_docstring(None) == (None, {})
    assert parse_docstring("   ") == (None, {})
    assert parse_docstring("Just a line.") == ("Just a line.", {})
    assert parse_docstring("Args:\n    a: only args") == (None, {"a": "only args"})


# ---------------------------------------------------------------------------
# function_tool
# ---------------------------------------------------------------------------


def get_weather(city: str, units: Literal["c", "f"] = "c", days: Optional[int] = None) -> str:
    """Get the weather for a city.

    Longer explanation.

    Args:
        city: Name of the city.
        units: Temperature units.
        days: Forecast length in days.
    """
    return "{} {} {}".format(city, units, days)


def test_function_tool_definition_strict():
    tool = function_tool(get_weather)
    assert isinstance(tool, FunctionTool)
    expected = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "Name of the city."},
                    "units": nullable({"type": "string", "enum": ["c", "f"]}, description="Temperature units."),
                    "days": {"anyOf": [{"type": "integer"}, NULL], "description": "Forecast length in days."},
                },
                "required": ["city", "units", "days"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
    assert tool.to_param() == expected
    assert tool.definition == expected
    assert dict(tool) == expected
    check_strict(tool.parameters)
    assert tool.name == "get_weather" and tool.__name__ == "get_weather"
    assert tool.__doc__ == get_weather.__doc__
    assert tool.to_responses_param() == dict({"type": "function"}, **expected["function"])


def test_function_tool_non_strict():
    tool = function_tool(get_weather, strict=False)
    assert tool.to_param()["function"]["strict"] is False
    assert tool.parameters == {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "Name of the city."},
            "units": {"type": "string", "enum": ["c", "f"], "description": "Temperature units.", "default": "c"},
            "days": {"anyOf": [{"type": "integer"}, NULL], "description": "Forecast length in days.", "default": None},
        },
        "required": ["city"],
        "additionalProperties": False,
    }


def test_function_tool_decorator_forms():
    @function_tool
    def plain(a: int) -> int:
        """Double it."""
        return a * 2

    @function_tool(name="custom_name", description="Custom.", strict=False)
    def configured(a, b: int = 1):
        return a + b

    assert isinstance(plain, FunctionTool) and plain(4) == 8
    assert plain.to_param()["function"]["description"] == "Double it."
    assert configured.name == "custom_name" and configured.description == "Custom."
    assert configured.parameters["properties"]["a"] == {}
    assert configured.parameters["required"] == ["a"]
    assert configured.invoke('{"a": 2}') == 3
    assert configured(1, 5) == 6


def test_function_tool_parse_and_invoke():
    tool = function_tool(get_weather)
    assert tool.parse_arguments('{"city": "Paris", "units": "f", "days": 3}') == {"city": "Paris", "units": "f", "days": 3}
    # strict mode sends null for "not given": the default is used unless None is valid
    assert tool.parse_arguments('{"city": "Paris", "units": null, "days": null}') == {"city": "Paris", "units": "c", "days": None}
    assert tool.parse_arguments({"city": "Oslo"}) == {"city": "Oslo", "units": "c", "days": None}
    assert tool.parse_arguments(b'{"city": "Rome"}')["city"] == "Rome"
    assert tool.invoke('{"city": "Paris", "units": "f", "days": 2}') == "Paris f 2"


def test_function_tool_rebuilds_complex_arguments():
    @function_tool
    def place_order(order: Order, rush: bool, note: Optional[str] = None) -> Order:
        """Place an order."""
        return order

    check_strict(place_order.parameters)
    assert place_order.parameters["properties"]["order"] == strict(Order)
    args = json.dumps(
        {
            "order": {
                "items": [{"name": "pen", "price": 1, "tags": ["a"], "color": "green", "quantity": None}],
                "priority": 1,
                "location": [1, 2],
                "placed": "2024-02-29",
            },
            "rush": False,
            "note": None,
        }
    )
    result = place_order.invoke(args)
    assert result == Order([Item("pen", 1.0, ["a"], Color.GREEN, 1)], Priority.LOW, (1.0, 2.0), datetime.date(2024, 2, 29))


def test_function_tool_recursive_parameter_uses_defs():
    @function_tool
    def sum_tree(tree: Node) -> int:
        """Sum a tree."""
        return tree.value + sum(sum_tree(c) for c in tree.children)

    params = check_strict(sum_tree.parameters)
    assert params["properties"]["tree"] == {"$ref": "#/$defs/Node"}
    assert set(params["$defs"]) == {"Node"}
    assert sum_tree.invoke({"tree": {"value": 1, "children": [{"value": 2, "children": [{"value": 3, "children": []}]}]}}) == 6


def test_function_tool_argument_errors():
    tool = function_tool(get_weather)
    with pytest.raises(ToolArgumentsError, match=r"get_weather.*not valid JSON"):
        tool.parse_arguments('{"city": ')
    with pytest.raises(ToolArgumentsError, match="missing required argument 'city'"):
        tool.parse_arguments("{}")
    with pytest.raises(ToolArgumentsError, match=r"at \$\.city: expected string, got integer") as exc:
        tool.parse_arguments('{"city": 3}')
    assert exc.value.path == "$.city" and exc.value.tool_name == "get_weather"
    assert isinstance(exc.value, ValueError)
    with pytest.raises(ToolArgumentsError, match=r"at \$\.units: expected one of \[\"c\", \"f\"\], got \"k\""):
        tool.parse_arguments('{"city": "x", "units": "k"}')
    with pytest.raises(ToolArgumentsError, match="unexpected argument 'country'"):
        tool.parse_arguments('{"city": "x", "country": "FR"}')
    with pytest.raises(ToolArgumentsError, match="expected a JSON object, got array"):
        tool.parse_arguments("[1, 2]")
    with pytest.raises(ToolArgumentsError, match="expected a JSON string or a dict"):
        tool.parse_arguments(42)  # type: ignore[arg-type]


def test_function_tool_without_parameters_accepts_empty_arguments():
    @function_tool
    def now() -> str:
        """Current time."""
        return "noon"

    assert now.parameters == {"type": "object", "properties": {}, "required": [], "additionalProperties": False}
    assert now.invoke("") == "noon"
    assert now.invoke(None) == "noon"
    assert now.invoke("{}") == "noon"


def test_function_tool_rejects_variadics_and_unannotated():
    def with_args(a: int, *rest: int) -> None:
        pass

    def with_kwargs(a: int, **extra: Any) -> None:
        pass

    def untyped(a, b: int):
        pass

    with pytest.raises(TypeError, match=r"variadic parameter \*rest"):
        function_tool(with_args)
    with pytest.raises(TypeError, match=r"variadic parameter \*\*extra"):
        function_tool(with_kwargs)
    with pytest.raises(TypeError, match="parameter 'a' has no type annotation"):
        function_tool(untyped)
    loose_tool = function_tool(untyped, strict=False)
    assert loose_tool.parameters["properties"]["a"] == {}
    assert loose_tool.parse_arguments({"a": [1], "b": 2}) == {"a": [1], "b": 2}


def test_function_tool_dict_parameter_needs_non_strict():
    def configure(options: Dict[str, int]) -> int:
        return sum(options.values())

    with pytest.raises(TypeError, match="parameter 'options' of function 'configure'"):
        function_tool(configure)
    tool = function_tool(configure, strict=False)
    assert tool.parameters["properties"]["options"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert tool.invoke('{"options": {"a": 1, "b": 2}}') == 3


def test_function_tool_docstring_styles():
    def sphinx(query: str, limit: int = 10) -> None:
        """Search products.

        :param query: Search text.
        :param limit: Maximum results.
        """

    def numpy(amount: float, currency: str) -> None:
        """Convert money.

        Parameters
        ----------
        amount : float
            How much.
        currency : str
            Target currency.
        """

    def google_arguments(path: str) -> None:
        """Read a file.

        Arguments:
            path (str): Where the file is.
        """

    s = function_tool(sphinx)
    assert s.description == "Search products."
    assert s.parameters["properties"]["query"]["description"] == "Search text."
    assert s.parameters["properties"]["limit"]["description"] == "Maximum results."
    n = function_tool(numpy)
    assert n.description == "Convert money."
    assert n.parameters["properties"]["amount"] == {"type": "number", "description": "How much."}
    assert n.parameters["properties"]["currency"] == {"type": "string", "description": "Target currency."}
    g = function_tool(google_arguments)
    assert g.parameters["properties"]["path"] == {"type": "string", "description": "Where the file is."}


@pytest.mark.skipif(Annotated is None, reason="typing.Annotated needs Python 3.9")
def test_function_tool_annotated_description_wins():
    ns = {"Annotated": Annotated}
    exec(
        "def lookup(code: Annotated[str, 'Airport code']) -> str:\n"
        "    '''Look up.\n\n    Args:\n        code: docstring text\n    '''\n    return code\n",
        ns,
    )
    tool = function_tool(ns["lookup"])
    assert tool.parameters["properties"]["code"] == {"type": "string", "description": "Airport code"}


def test_function_tool_positional_only_and_names():
    ns = {}
    exec("def sub(a: int, b: int, /) -> int:\n    return a - b\n", ns)
    tool = function_tool(ns["sub"])
    assert tool.invoke('{"a": 5, "b": 2}') == 3
    with pytest.raises(ValueError, match="pass name="):
        function_tool(lambda x: x, strict=False)
    assert function_tool(lambda x: x, name="identity", strict=False).invoke('{"x": 1}') == 1
    with pytest.raises(ValueError, match="invalid tool name"):
        function_tool(get_weather, name="has space")


def test_function_tool_custom_parameters_are_made_strict():
    def f(a: int) -> int:
        return a

    tool = FunctionTool(f, parameters={"type": "object", "properties": {"a": {"type": "integer"}}})
    assert check_strict(tool.parameters)["required"] == ["a"]
    assert tool.to_param()["function"]["parameters"]["additionalProperties"] is False
    assert "description" not in tool.to_param()["function"]


# ---------------------------------------------------------------------------
# response_format
# ---------------------------------------------------------------------------


def test_response_format_from_dataclass():
    fmt = type_to_response_format(Item)
    assert fmt == {"type": "json_schema", "json_schema": {"name": "Item", "schema": strict(Item), "strict": True}}
    named = type_to_response_format(Movie, name="my movie!", strict=False)
    assert named["json_schema"]["name"] == "my_movie_"
    assert named["json_schema"]["strict"] is False
    assert named["json_schema"]["schema"] == loose(Movie)


def test_response_format_from_raw_schema():
    raw = {"title": "Weather Report", "type": "object", "properties": {"temp": {"type": "number"}}}
    fmt = type_to_response_format(raw)
    assert fmt["json_schema"]["name"] == "Weather_Report"
    assert check_strict(fmt["json_schema"]["schema"])["required"] == ["temp"]
    untitled = type_to_response_format({"type": "object", "properties": {}})
    assert untitled["json_schema"]["name"] == "response"


def test_response_format_passthrough():
    full = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}, "strict": True}}
    out = type_to_response_format(full)
    assert out["json_schema"]["name"] == "x"
    assert check_strict(out["json_schema"]["schema"])["required"] == ["a"]
    assert full["json_schema"]["schema"] == {"type": "object", "properties": {"a": {"type": "string"}}}
    assert type_to_response_format({"type": "json_object"}) == {"type": "json_object"}
    not_strict = {"type": "json_schema", "json_schema": {"name": "y", "schema": {"type": "object"}, "strict": False}}
    assert type_to_response_format(not_strict) == not_strict


def test_response_format_requires_an_object():
    with pytest.raises(TypeError, match="response_format must describe an object"):
        type_to_response_format(List[Item])
    with pytest.raises(TypeError, match="response_format must describe an object"):
        type_to_response_format(int)
    with pytest.raises(TypeError, match="response_format must describe an object"):
        type_to_response_format({"type": "array", "items": {"type": "string"}})


def test_response_format_recursive_root():
    fmt = type_to_response_format(Node)
    schema = check_strict(fmt["json_schema"]["schema"])
    assert schema["type"] == "object"
    assert fmt["json_schema"]["name"] == "Node"


# ---------------------------------------------------------------------------
# pydantic is never imported behind the user's back
# ---------------------------------------------------------------------------


def test_no_pydantic_import():
    code = textwrap.dedent(
        """
        import sys, json, dataclasses, typing
        import openai_lite.lib._schema as s

        @dataclasses.dataclass
        class P:
            name: str
            tags: typing.List[str] = dataclasses.field(default_factory=list)

        class TD(typing.TypedDict, total=False):
            a: int

        s.to_json_schema(P); s.to_json_schema(TD); s.to_json_schema(P, strict=False)
        s.type_to_response_format(P)
        s.parse_value(P, {"name": "x", "tags": None})
        def f(p: P, n: int = 1) -> int:
            return n
        s.function_tool(f).invoke('{"p": {"name": "y", "tags": []}, "n": 2}')
        s.ensure_strict_schema({"type": "object", "properties": {"a": {"type": "string"}}})
        assert "pydantic" not in sys.modules, "pydantic was imported"
        print("ok")
        """
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_schema_generation_is_deterministic_and_json_serialisable():
    first = json.dumps(strict(Order))
    assert json.dumps(strict(Order)) == first
    assert dataclasses.is_dataclass(function_tool(get_weather))
