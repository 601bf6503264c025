"""Build: the parser's modules compiled to C with mypyc, and the parse stage's file
stat in C, when they can be.

Everything else about the package is in pyproject.toml. mypyc (part of mypy)
turns the type-annotated parser into C extensions: the same code, about 1.4x
faster (README, "Compiled parser"). ``orchestration/corpus/native_stat.c`` stats
a folder's files in one call (its header says why). The build falls back to plain
Python when there is no C compiler or ``OGI_PURE_PYTHON=1`` is set;
``orchestration.parsing`` then runs from source, and also when a compiled module is
older than its source, and the run stats files with ``os.stat``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

PARSER = Path("orchestration") / "parsing"
# The compiled modules share one C library, placed inside the package so every
# kind of install (editable too) finds it.
GROUP = "orchestration.parsing.compiled"
MANIFEST = "compiled.txt"  # fingerprint of the sources the extensions were built from


def parser_modules() -> list[str]:
    """The parser's modules but its __init__ (which decides whether to use them)."""
    return sorted(str(path) for path in PARSER.glob("*.py") if path.name != "__init__.py")


def source_fingerprint(paths: list[str]) -> str:
    """As orchestration.parsing._fingerprint computes it (this build cannot import the package)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(Path(path).name.encode() + Path(path).read_bytes())
    return digest.hexdigest()


class OptionalBuildExt(build_ext):
    """Compile if possible; a failed compile leaves the pure-Python package."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # noqa: BLE001 - no compiler, missing headers: run from source
            print(f"warning: the parser and the file stat were not compiled ({error}); both run as plain Python",
                  file=sys.stderr)
            return
        if not any(extension.name.startswith("orchestration.parsing.") for extension in self.extensions):
            return  # (no mypyc: only the file stat was built)
        target = PARSER if self.inplace else Path(self.build_lib) / PARSER
        target.mkdir(parents=True, exist_ok=True)
        (target / MANIFEST).write_text(source_fingerprint(parser_modules()) + "\n")


def extensions() -> list:
    if os.environ.get("OGI_PURE_PYTHON") == "1":
        return []
    native_stat = Extension("orchestration.corpus.native_stat", ["orchestration/corpus/native_stat.c"])
    try:
        from mypyc.build import mypycify
    except ImportError:
        return [native_stat]
    return [*mypycify(["--ignore-missing-imports", *parser_modules()], opt_level="3", group_name=GROUP), native_stat]


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
