"""A stand-in for the mcpforge package whose every name is a class that raises when it is
made, called or subclassed, for `make test-sdk-python`'s honesty check: a test that still
passes with this package in mcpforge's place never exercised mcpforge, so it is not counted
(scripts/sdk-tests-python.py). Every submodule (`mcpforge.prompts.base`, ...) imports, and
is the same."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any


class _Hollow(type):
    """The type of every stubbed name: using the class in any way raises."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"mcpforge is stubbed out: {cls.__name__} was used")

    def __getattr__(cls, name: str) -> Any:
        raise RuntimeError(f"mcpforge is stubbed out: {cls.__name__}.{name} was used")

    def __getitem__(cls, item: Any) -> Any:  # MCPServer[State] in an annotation
        return cls


def _name(module: str, name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return _Hollow(name, (), {"__module__": module})


def _hollow_module(fullname: str) -> types.ModuleType:
    module = types.ModuleType(fullname)
    module.__getattr__ = lambda name: _name(fullname, name)  # type: ignore[attr-defined]
    module.__path__ = []  # a package: its submodules import too
    return module


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname.startswith("mcpforge."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        return _hollow_module(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


sys.meta_path.insert(0, _Finder())


def __getattr__(name: str) -> Any:
    return _name(__name__, name)
