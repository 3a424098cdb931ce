# All metadata lives in setup.cfg; this shim keeps older pip/setuptools working.
from setuptools import setup

setup()
