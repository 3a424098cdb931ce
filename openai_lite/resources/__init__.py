"""API resources, one module per family. Imported on first use, never by ``import openai_lite``."""
