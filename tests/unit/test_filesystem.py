"""Answers about which files exist are remembered across moments only while they hold."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from spmd_check.filesystem import SETTLING_NS, Lookups, Moment
from spmd_check.workspace import Workspace


def _settle(*folders: Path) -> None:
    """Date the folders' modification times to before the settling window."""
    past = time.time_ns() - 10 * SETTLING_NS
    for folder in folders:
        os.utime(folder, ns=(past, past))


class _Counting:
    """A lookup of ``name`` in a folder that counts how often it is really asked."""

    def __init__(self, folder: Path, name: str) -> None:
        self.path = str(folder / name)
        self.asked = 0

    def __call__(self, isfile: Callable[[str], bool]) -> bool:
        self.asked += 1
        return isfile(self.path)


def test_an_answer_is_remembered_while_its_folder_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("")
    _settle(tmp_path)
    lookups: Lookups[bool] = Lookups()
    ask = _Counting(tmp_path, "a.py")
    assert lookups.answer("a", Moment(), ask) is True
    assert lookups.answer("a", Moment(), ask) is True
    assert ask.asked == 1


def test_a_file_created_in_a_folder_looked_in_is_seen(tmp_path: Path) -> None:
    _settle(tmp_path)
    lookups: Lookups[bool] = Lookups()
    ask = _Counting(tmp_path, "b.py")
    assert lookups.answer("b", Moment(), ask) is False
    (tmp_path / "b.py").write_text("")  # the folder's time moves
    assert lookups.answer("b", Moment(), ask) is True
    assert ask.asked == 2


def test_a_found_file_deleted_is_seen_even_if_the_folder_time_is_restored(
    tmp_path: Path,
) -> None:
    (tmp_path / "c.py").write_text("")
    _settle(tmp_path)
    before = os.stat(tmp_path).st_mtime_ns
    lookups: Lookups[bool] = Lookups()
    ask = _Counting(tmp_path, "c.py")
    assert lookups.answer("c", Moment(), ask) is True
    (tmp_path / "c.py").unlink()
    os.utime(tmp_path, ns=(before, before))  # as a coarse clock could leave it
    assert lookups.answer("c", Moment(), ask) is False


def test_a_folder_changed_within_the_settling_window_is_asked_again(tmp_path: Path) -> None:
    (tmp_path / "d.py").write_text("")  # the folder was modified just now
    lookups: Lookups[bool] = Lookups()
    ask = _Counting(tmp_path, "d.py")
    lookups.answer("d", Moment(), ask)
    lookups.answer("d", Moment(), ask)
    assert ask.asked == 2


def test_a_folder_created_where_none_was_is_seen(tmp_path: Path) -> None:
    _settle(tmp_path)
    lookups: Lookups[bool] = Lookups()
    ask = _Counting(tmp_path / "pkg", "__init__.py")
    assert lookups.answer("pkg", Moment(), ask) is False
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    assert lookups.answer("pkg", Moment(), ask) is True


def test_workspace_resolution_follows_a_package_made_after_it_was_remembered(
    tmp_path: Path,
) -> None:
    """``import helpers`` from pkg/mod.py: first the folder is not a package (its own folder
    is the root: pkg/helpers.py), then ``__init__.py`` appears (the root moves up)."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text("")
    (pkg / "helpers.py").write_text("")
    (tmp_path / "helpers.py").write_text("")
    _settle(tmp_path, pkg)
    workspace = Workspace()
    importer = str(pkg / "mod.py")
    assert workspace.resolve(importer, "helpers") == pkg / "helpers.py"
    assert workspace.package_of(importer) == ""
    (pkg / "__init__.py").write_text("")
    assert workspace.resolve(importer, "helpers") == tmp_path / "helpers.py"
    assert workspace.package_of(importer) == "pkg"
