"""Response objects: access, nesting, field names that shadow helpers, dumps, equality, pickling, immutability."""
from __future__ import annotations

import copy
import json
import pickle

import pytest

from conftest import chat
from openai_lite import BaseModel
from openai_lite._models import construct

DATA = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi", "tool_calls": None},
         "finish_reason": "stop", "logprobs": None},
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4,
              "completion_tokens_details": {"reasoning_tokens": 0}},
    "system_fingerprint": None,
}

SHADOWING = {"items": [1, 2], "keys": "k", "values": {"v": 1}, "copy": "c", "get": "g", "update": "u",
             "text": "t", "json": "j", "pop": "p", "setdefault": "s"}


def make(data=None):
    return construct(BaseModel, copy.deepcopy(DATA if data is None else data), "req_42")


def test_attribute_and_item_access():
    obj = make()
    assert obj.id == obj["id"] == "chatcmpl-1"
    assert obj.choices[0].message.content == "hi"
    assert obj["choices"][0]["message"]["role"] == "assistant"
    assert obj.usage.completion_tokens_details.reasoning_tokens == 0
    assert isinstance(obj.choices, list)
    assert isinstance(obj.choices[0], BaseModel) and isinstance(obj.usage, BaseModel)
    assert obj.choices is obj.choices  # wrapped once, the same object on every read
    assert obj.choices[0].message is obj.choices[0].message
    assert "id" in obj and "nope" not in obj
    assert len(obj) == len(DATA)


def test_absent_fields_read_as_none():
    obj = make()
    assert obj.nonexistent is None
    assert obj.choices[0].message.refusal is None
    assert obj.system_fingerprint is None  # present, null
    with pytest.raises(KeyError):
        obj["nonexistent"]
    with pytest.raises(AttributeError):
        obj._private_thing


def test_fields_named_like_dict_methods_read_as_fields():
    obj = make(SHADOWING)
    for name, value in SHADOWING.items():
        got = getattr(obj, name)
        if isinstance(value, dict):
            assert isinstance(got, BaseModel) and got.v == 1
        else:
            assert got == value, name
        assert obj[name] == got
    absent = make({"id": "x"})
    assert absent.items is None and absent.json is None and absent.text is None and absent.get is None
    # the one exception: an absent ``keys`` does not exist, or dict(obj) would mistake obj for a mapping
    assert not hasattr(absent, "keys")
    assert dict(absent) == {"id": "x"}


def test_nested_lists_of_lists_and_scalars():
    obj = make({"matrix": [[{"a": 1}], [{"a": 2}, 3]], "tags": ["x", "y"], "empty": {}})
    assert obj.matrix[1][0].a == 2 and obj.matrix[1][1] == 3
    assert obj.tags == ["x", "y"]
    assert isinstance(obj.empty, BaseModel) and obj.empty.to_dict() == {}


def test_to_dict_and_to_json():
    obj = make()
    assert obj.to_dict() == DATA
    assert json.loads(obj.to_json()) == DATA
    assert obj.to_json().startswith('{\n  "id"')  # indented by default, as openai-python
    assert json.loads(obj.to_json(indent=None)) == DATA
    no_none = obj.to_dict(exclude_none=True)
    assert "system_fingerprint" not in no_none
    assert "tool_calls" not in no_none["choices"][0]["message"]
    assert "logprobs" not in no_none["choices"][0]
    assert obj.choices[0].to_dict() == DATA["choices"][0]


def test_model_dump_options():
    obj = make()
    assert obj.model_dump() == DATA
    assert obj.model_dump(include={"id", "created"}) == {"id": "chatcmpl-1", "created": 1700000000}
    dumped = obj.model_dump(exclude={"choices", "usage"})
    assert set(dumped) == {"id", "object", "created", "system_fingerprint"}
    assert "system_fingerprint" not in obj.model_dump(exclude_none=True)
    assert obj.model_dump(mode="json") == DATA
    assert json.loads(obj.model_dump_json()) == DATA
    assert "\n" not in obj.model_dump_json()
    assert obj.model_dump_json(indent=2) == json.dumps(DATA, indent=2)
    assert json.loads(obj.model_dump_json(exclude_none=True, include={"id", "system_fingerprint"})) == {
        "id": "chatcmpl-1"}


def test_request_id_from_the_server(client, server):
    completion = chat(client)
    assert completion._request_id == "req_1"
    assert "_request_id" not in completion.to_dict()
    assert completion.choices[0]._request_id is None


def test_equality():
    assert make() == make()
    other = make()
    other.id = "changed"
    assert make() != other
    # an object no type describes (openai-python keeps it as a plain dict) equals its dict...
    assert make({"a": 1}) == {"a": 1}
    assert make({"a": 1}) != {"a": 2}
    assert BaseModel({"a": 1}) == BaseModel(a=1)

    class Sub(BaseModel):
        pass

    assert Sub({"a": 1}) != BaseModel({"a": 1})
    assert Sub({"a": 1}) != {"a": 1}  # ...a typed object does not (as a pydantic model)
    with pytest.raises(TypeError):
        hash(make())


def test_pickle_and_copy():
    obj = make()
    obj.choices[0].message.content  # reading first must not matter
    for clone in (pickle.loads(pickle.dumps(obj)), copy.copy(obj), copy.deepcopy(obj)):
        assert clone == obj
        assert clone._request_id == "req_42"
        assert clone.choices[0].message.content == "hi"
    deep = copy.deepcopy(obj)
    deep.choices[0].message.content = "changed"
    assert obj.choices[0].message.content == "hi"


def test_repr():
    obj = make({"id": "x1", "n": 2, "nested": {"a": "b"}})
    text = repr(obj)
    assert text.startswith("BaseModel(")
    assert "id='x1'" in text and "n=2" in text and "a='b'" in text


def test_reading_and_iterating_never_change_the_object():
    obj = make(dict(DATA, **SHADOWING))
    before = obj.to_dict()
    # read everything in every way there is
    obj.choices[0].message.content
    obj.usage.completion_tokens_details
    obj.nonexistent
    obj.items, obj.keys, obj.values, obj.get, obj.copy, obj.text, obj.json
    dict(list(obj))
    dict(obj.usage)
    [dict(c) for c in obj.choices]
    repr(obj)
    str(obj)
    obj.to_json()
    obj.model_dump(exclude_none=True)
    obj.model_dump_json(indent=2)
    pickle.dumps(obj)
    copy.deepcopy(obj)
    "id" in obj
    dir(obj)
    assert obj.to_dict() == before == dict(DATA, **SHADOWING)


def test_mutating_a_dump_does_not_change_the_object():
    obj = make()
    for dump in (obj.to_dict(), obj.model_dump(), obj.model_dump(exclude_none=True)):
        dump["id"] = "mutated"
        dump["choices"][0]["message"]["content"] = "mutated"
        dump["choices"].append({"index": 1})
        dump["usage"]["completion_tokens_details"]["reasoning_tokens"] = 99
    assert obj.to_dict() == DATA
    assert obj.choices[0].message.content == "hi"
    assert len(obj.choices) == 1


def test_iteration_gives_field_value_pairs():
    obj = make({"a": 1, "b": {"c": 2}})
    pairs = dict(obj)
    assert pairs["a"] == 1 and pairs["b"].c == 2


def test_typed_subclass_field_names():
    class Point(BaseModel):
        _field_names = frozenset({"x", "y"})

    p = construct(Point, {"x": 1})
    assert isinstance(p, Point)
    assert p.x == 1 and p.y is None
    with pytest.raises(AttributeError):
        p.z


def test_setting_fields():
    obj = make({"a": 1})
    obj.b = BaseModel({"c": 2})
    obj["d"] = [BaseModel({"e": 3})]
    assert obj.b.c == 2
    assert obj.to_dict()["b"] == {"c": 2}
    assert json.loads(obj.to_json())["d"] == [{"e": 3}]


def test_objects_passed_back_into_request_bodies(client, server):
    first = chat(client, content="one")
    message = first.choices[0].message
    messages = [{"role": "user", "content": "one"}, message, {"role": "user", "content": "two"}]
    second = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                            extra_body={"echo": first.usage, "list": [first.choices[0]]})
    assert second.choices[0].message.content == "You said: two"
    sent = server.last_request.json()
    assert sent["messages"][1] == {"role": "assistant", "content": "You said: one", "refusal": None,
                                   "annotations": []}
    assert sent["echo"] == first.usage.to_dict()
    assert sent["list"][0]["message"]["content"] == "You said: one"
    assert first.choices[0].message.to_dict() == sent["messages"][1]  # sending did not change it


def _typed_classes():
    """A fresh pair of typed classes (each test binds its own: reading a field installs readers on the class)."""

    class Inner(BaseModel):
        __slots__ = ()
        _field_names = frozenset({"v"})

    class Outer(BaseModel):
        __slots__ = ()
        _field_names = frozenset({"one", "many", "mapping", "n", "absent", "to_dict"})
        _nested = {"one": Inner, "many": Inner, "mapping": dict}

    return Inner, Outer


def _outer_data():
    return {"one": {"v": 1}, "many": [{"v": 2}, 3, [{"v": 4}]], "mapping": {"k": {"x": 1}}, "n": 5,
            "to_dict": {"v": 6}, "extra": {"w": 7}}


def test_typed_fields_read_alike_before_and_after_the_class_gets_its_readers():
    Inner, Outer = _typed_classes()
    for round_ in range(2):  # the first object's first read gives the class its readers; the second uses them
        obj = construct(Outer, _outer_data(), "req_%d" % round_)
        assert isinstance(obj.one, Inner) and obj.one.v == 1 and obj.one is obj.one
        many = obj.many
        assert isinstance(many[0], Inner) and many[0].v == 2 and many[1] == 3
        assert isinstance(many[2][0], Inner) and many[2][0].v == 4
        assert obj.many is many
        assert obj.mapping == {"k": {"x": 1}} and type(obj.mapping) is dict  # a map stays a plain dict
        assert obj.n == 5 and obj.absent is None and obj.extra.w == 7
        with pytest.raises(AttributeError):
            obj.undeclared
        assert obj._request_id == "req_%d" % round_ and obj.one._request_id is None
        assert obj["one"] is obj.one and dict(obj)["many"] is many
    with pytest.raises(AttributeError):  # on the class a field does not exist, as before any read
        Outer.one
    obj.one = {"v": 10}  # a field set after a read reads as the new value
    assert obj.one.v == 10 and obj.to_dict()["one"] == {"v": 10}
    del obj.many
    assert obj.many is None and "many" not in obj


def test_a_field_named_like_a_helper_is_read_by_item_and_the_helper_stays():
    Inner, Outer = _typed_classes()
    obj = construct(Outer, _outer_data())
    field = obj["to_dict"]
    assert isinstance(field, BaseModel) and field.v == 6
    assert obj.to_dict()["to_dict"] == {"v": 6}  # still the method after the field was read
    plain = construct(BaseModel, {"model_dump": {"a": 1}})
    assert plain["model_dump"].a == 1 and plain.model_dump() == {"model_dump": {"a": 1}}


def test_a_subclass_with_its_own_nested_types_wraps_with_them():
    Inner, Outer = _typed_classes()
    construct(Outer, _outer_data()).one  # the parent gets its readers first

    class Special(Inner):
        __slots__ = ()

    class Derived(Outer):
        __slots__ = ()
        _nested = dict(Outer._nested, one=Special)

    obj = construct(Derived, _outer_data())
    assert type(obj.one) is Special and type(obj.many[0]) is Inner
    assert type(construct(Outer, _outer_data()).one) is Inner


def test_copies_and_pickles_keep_request_id_and_forget_what_was_read():
    _, Outer = _typed_classes()
    obj = construct(Outer, _outer_data(), "req_9")
    one = obj.one
    for clone in (copy.copy(obj), copy.deepcopy(obj)):
        assert clone._request_id == "req_9" and clone == obj
        assert clone.one.v == 1 and clone.one is not one
    plain = construct(BaseModel, _outer_data(), "req_8")
    inner = plain.one
    assert pickle.loads(pickle.dumps(plain))._request_id == "req_8"
    again = pickle.loads(pickle.dumps(inner))  # a nested object has no request id of its own
    assert again._request_id is None and again.v == 1


def test_a_field_named_by_a_keyword_reads_as_openai_names_it() -> None:
    # openai-python reads ``{"async": true}`` as ``.async_`` and ``{"schema": ...}`` as ``.schema_``
    from openai_lite._models import construct

    model = construct(BaseModel, {"async": True, "schema": {"type": "object"}})
    assert model.async_ is True
    assert model.schema_ == {"type": "object"} or model.schema_.to_dict() == {"type": "object"}
    assert model.to_dict() == {"async": True, "schema": {"type": "object"}}  # sent back as received


def test_a_field_openai_renames_reads_under_its_name_and_dumps_as_openai_does() -> None:
    # openai-python reads ``model_ids`` as ``api_model_ids`` (pydantic keeps ``model_`` to itself) and
    # ``harassment/threatening`` as ``harassment_threatening``; to_dict() gives the keys as sent, and
    # model_dump() adds the field's name beside the key, as openai-python's unvalidated objects do
    from openai_lite.types.admin.organization.projects import ProjectModelPermissions
    from openai_lite.types.moderation import Moderation

    perms = construct(ProjectModelPermissions, {"object": "project.model_permissions", "mode": "allow_list",
                                                "model_ids": ["gpt-x"]})
    assert perms.api_model_ids == ["gpt-x"] and perms.api_model_ids is perms.api_model_ids
    assert "api_model_ids" in dir(perms)
    assert perms.to_dict() == {"object": "project.model_permissions", "mode": "allow_list", "model_ids": ["gpt-x"]}
    assert perms.model_dump()["api_model_ids"] == ["gpt-x"] and perms.model_dump()["model_ids"] == ["gpt-x"]
    assert perms.model_dump(by_alias=True) == perms.to_dict()  # the keys as sent, as openai-python's
    assert json.loads(perms.model_dump_json())["api_model_ids"] == ["gpt-x"]
    absent = construct(ProjectModelPermissions, {"object": "project.model_permissions"})
    assert absent.api_model_ids is None
    mod = construct(Moderation, {"flagged": True, "categories": {"harassment/threatening": True, "hate": False}})
    assert mod.categories.harassment_threatening is True and mod.categories.hate_threatening is None
    assert mod.to_dict()["categories"] == {"harassment/threatening": True, "hate": False}


def test_an_object_openai_validates_dumps_a_renamed_field_under_its_name_only() -> None:
    # openai-python validates a value whose annotation is a union (``Optional[Compaction]``): its dump has
    # ``async_`` and no ``async``; a field it does not know (untyped) keeps the key as sent
    from openai_lite.types.beta import Agent

    agent = construct(Agent, {"id": "a", "compaction": {"async": True}, "extra": {"async": 1}})
    assert agent.compaction.async_ is True
    dumped = agent.model_dump()
    assert dumped["compaction"] == {"async_": True} and dumped["extra"] == {"async": 1}
    assert agent.to_dict()["compaction"] == {"async": True}


def test_union_members_named_through_other_types_are_picked_by_their_discriminator() -> None:
    # testing criteria: members the spec names through allOf wrappers, picked by ``type`` as openai does
    from openai_lite.types import LabelModelGrader, StringCheckGrader
    from openai_lite._models import resolve_model

    evaluation = construct(resolve_model("Eval"), {"id": "e", "testing_criteria": [
        {"type": "label_model", "input": []}, {"type": "string_check", "operation": "eq"}]})
    first, second = evaluation.testing_criteria
    assert isinstance(first, LabelModelGrader) and isinstance(second, StringCheckGrader)
    assert second.operation == "eq"


def test_a_union_member_dumps_renamed_fields_as_openai_s_validated_objects_do() -> None:
    # openai-python validates an answer or a stream event whose type is a union: model_dump() has
    # ``async_`` only; a class reached without a union keeps the key sent beside it
    from openai_lite._models import resolve_model
    from openai_lite.types.responses import ResponseFunctionToolCall

    data = {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}", "async": True}
    item = construct(resolve_model("ResponseOutputItem"), dict(data))
    assert type(item) is ResponseFunctionToolCall and item.async_ is True
    assert "async" not in item.model_dump() and item.model_dump()["async_"] is True
    direct = construct(ResponseFunctionToolCall, dict(data))
    assert direct.model_dump()["async"] is True and direct.model_dump()["async_"] is True
    assert item.to_dict() == direct.to_dict() == data
