"""``python -m openai_lite``: the ``openai-lite`` command line."""
import sys

from openai_lite.cli import main

if __name__ == "__main__":
    sys.exit(main())
