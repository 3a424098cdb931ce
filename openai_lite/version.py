"""``openai_lite.version.VERSION``, as openai-python's ``openai.version`` (this package's version)."""
from ._version import __version__

VERSION: str = __version__
