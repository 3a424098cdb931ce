__title__ = "openai_lite"
__version__ = "0.1.0"
