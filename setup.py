"""Build hook: ship docs/diagnostics.md inside spmd_check (``spmd-check --explain`` reads it).

Everything else about the build is in pyproject.toml. docs/diagnostics.md stays the one
source of truth (the editors' "more information" links point at it); the wheel gets a copy.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithDocs(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads docs/ in place
            return
        target = Path(self.build_lib) / "spmd_check" / "diagnostics.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.copy_file(str(HERE / "docs" / "diagnostics.md"), str(target))


setup(cmdclass={"build_py": BuildPyWithDocs})
