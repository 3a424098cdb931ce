"""The generator of ``openai_lite/resources/`` and ``openai_lite/types/`` (run it as ``tools/generate.py``).

One module per stage, each named after what it reads or writes:

- ``spec``: the input stage (``read_api``). The pinned openai release's description (``api/openai/methods``)
  says what exists and how each method is called (keywords and where each goes, path, body kind, fixed
  headers, page style, streaming: ``follow_release``); the OpenAPI spec and ``methods.txt`` give the
  operations' types and descriptions where the spec has them;
- ``release_types``: answer types the spec lacks, from the release's ``api/openai/types``;
- ``naming``: the names openai-python uses where the spec says otherwise (the tables that change most);
- ``annotations``: schema -> annotation text; ``pycode``: writing Python source;
- ``typegen``: every type the operations reach, named and placed in a module;
- ``release_fields``: the models paired with the release's classes take their field lists (fields the spec
  lacks, openai-python's field names, plain dicts for untyped fields) and, where unique, their class names;
- ``type_modules`` / ``type_stubs``: ``types/**/*.py`` (classes as run) and ``types/**/*.pyi`` (typed, documented);
- ``resources`` / ``resource_stubs``: ``resources/*.py`` (a ``def`` per operation) and ``resources/*.pyi``;
- ``run``: every file by path, written or checked against the committed output.

Output (the generator owns ``resources/`` and ``types/``: other ``.py``/``.pyi``/``.dat`` files there are removed).
Run time and static types are split: ``.py`` modules carry no annotations and only summary docs; the
``.pyi`` stub beside each one gives checkers and editors every type and the spec's descriptions.

- ``resources/<top>.py``: one module per top-level resource (its children's classes too): ordinary classes,
  a property per child and a ``def`` per operation with the operation's real signature, whose body is one
  call into ``openai_lite/_call.py`` saying where each argument goes and what the answer is;
- ``resources/<top>.pyi``: typed signatures (``@overload`` on ``stream``), typed pages and helpers, docs, and
  the ``<Class>WithRawResponse`` / ``<Class>WithStreamingResponse`` views (``resources/_base.pyi``: ``_raw``);
- ``resources/_client_resources.py``: the client's top-level resources, each imported when first read;
- ``types/**``: response models, request ``TypedDict``s (``<Name>Param``), enums and unions for every schema an
  operation uses: ``.pyi`` stubs for checkers; ``.py`` modules with a class statement per response model (its
  field names and the types of its nested objects, by name), the unions, request shapes and names of types
  defined elsewhere served on first access by ``openai_lite/_type_loader.py``; ``openai_lite.types`` keeps
  its classes in ``_defs.py`` beside its ``__init__``; ``types/_names.txt`` (plain text) says which module
  defines each type.

The pieces most likely to change are tables (``naming``; ``HELPERS`` in ``resource_stubs``; ``MIXINS`` in
``resources``) and single functions: ``TypeGen.annotate`` (schema -> annotation and run-time wrapping),
``page_style``, ``body_kind`` and ``response_kind`` (``spec``). Standard library and PyYAML only.
"""
