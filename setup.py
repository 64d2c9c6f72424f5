"""The build: the Python package, plus mypyc-compiled copies of the modules listed in
converters/compiled.py when this machine can build them.

Everything else is in pyproject.toml. The compiled modules are an optimisation only: when
mypyc or a C compiler is missing, or a module fails to compile, the package installs as pure
Python with a warning. REFCONV_PURE=1 asks for pure Python; an editable install (pip install
-e) is never compiled, so that the module being edited is the one that runs.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent


class OptionalBuildExt(build_ext):
    """All compiled modules, or none: a module compiled without the shared mypyc library it
    calls into would fail to import, so a failed build removes whatever it had built."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no C compiler, a compile error: the Python modules still install
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            self.warn(f"refconv: compiling with mypyc failed ({exc}); installing pure Python")
            self.extensions = []


def compiled_extensions() -> list:
    if os.environ.get("REFCONV_PURE") or "editable_wheel" in sys.argv:
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("refconv: mypyc is not available; installing pure Python", file=sys.stderr)
        return []
    modules = runpy.run_path(str(HERE / "converters" / "compiled.py"))["MODULES"]
    paths = [name.replace(".", "/") + ".py" for name in modules]
    try:
        return mypycify(["--ignore-missing-imports", *paths], opt_level=os.environ.get("MYPYC_OPT_LEVEL", "3"),
                        group_name="refconv")
    except BaseException as exc:  # mypyc reports type errors by exiting
        print(f"refconv: mypyc could not compile the package ({exc!r}); installing pure Python", file=sys.stderr)
        return []


setup(ext_modules=compiled_extensions(), cmdclass={"build_ext": OptionalBuildExt})
