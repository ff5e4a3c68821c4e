"""The on-disk cache of check results (``spmd_check.diskcache``): a run with the cache gives
what a check from scratch gives, after edits, deletions, renames and new files under an
import, a package marker removed, another configuration; entries that do not read back are
misses and are removed; concurrent writers leave whole entries; the folder stays bounded.
Every test keeps its cache in its own temporary folder."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from pathlib import Path

import pytest
from spmd_check import codes
from spmd_check.batch import Batch
from spmd_check.codes import Severity
from spmd_check.config import Config
from spmd_check.dependencies import Dependencies, Validator
from spmd_check.diskcache import (
    FORMAT,
    DiskCache,
    EntryKey,
    Lookup,
    default_directory,
    keeps,
)
from spmd_check.parallel import CheckTask
from spmd_check.results import Diagnostic, ModuleResult, Span
from spmd_check.serialize import dump_result, load_result
from spmd_check.workspace import Workspace

from tests.unit.workspaces import LAYERS, SCRIPT, generate


def tasks_of(root: Path, config: Config | None = None) -> list[CheckTask]:
    config = config or Config()
    return [
        CheckTask(str(path), path.read_text(encoding="utf-8"), config)
        for path in sorted(root.rglob("*.py"))
    ]


def run(root: Path, cache: DiskCache | None, config: Config | None = None) -> tuple[dict, set]:
    """Every file's result as data, and the files the run checked (not from the cache)."""
    batch = Batch(cache, jobs=1)
    tasks = tasks_of(root, config)
    results = batch.run(tasks)
    data = {t.path: dump_result(r) for t, r in zip(tasks, results, strict=True)}
    return data, {str(Path(p).relative_to(root)) for p in batch.checked}


def from_scratch(root: Path, config: Config | None = None) -> dict:
    return run(root, None, config)[0]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    generate(root, packages=2, modules=2)
    # calls a module that does not exist yet
    later = SCRIPT.format(package="pkg0", call="act(y)").replace("pkg0.layers", "pkg0.extra")
    (root / "pkg0" / "later.py").write_text(later, encoding="utf-8")
    return root


@pytest.fixture
def cache(tmp_path: Path) -> DiskCache:
    return DiskCache(tmp_path / "cache")


def entries(cache: DiskCache) -> list[Path]:
    return sorted(p for p in (cache.directory / "entries").rglob("*") if p.is_file())


def test_a_second_run_checks_nothing_and_gives_the_same_results(
    workspace: Path, cache: DiskCache
) -> None:
    first, checked = run(workspace, cache)
    assert first == from_scratch(workspace)
    assert len(checked) == len(first)
    second, checked = run(workspace, cache)
    assert second == first
    assert checked == set()


def test_an_edit_rechecks_the_file_and_the_files_that_use_it(
    workspace: Path, cache: DiskCache
) -> None:
    run(workspace, cache)
    layers = workspace / "pkg1" / "layers.py"
    layers.write_text(LAYERS.replace("torch.relu(t)", "t * 3"), encoding="utf-8")
    after, checked = run(workspace, cache)
    assert after == from_scratch(workspace)
    # the layers module and the modules of its package that import it; nothing of pkg0
    assert checked == {
        "pkg1/layers.py",
        "pkg1/block_0.py",
        "pkg1/block_1.py",
        "pkg1/train_0.py",
        "pkg1/train_1.py",
    }


def test_an_edit_of_an_unimported_file_rechecks_only_it(workspace: Path, cache: DiskCache) -> None:
    run(workspace, cache)
    (workspace / "pkg0" / "util.py").write_text("x = 2\n", encoding="utf-8")
    after, checked = run(workspace, cache)
    assert after == from_scratch(workspace)
    assert checked == {"pkg0/util.py"}


def test_a_deleted_dependency(workspace: Path, cache: DiskCache) -> None:
    run(workspace, cache)
    (workspace / "pkg0" / "layers.py").unlink()
    after, checked = run(workspace, cache)
    assert after == from_scratch(workspace)
    assert "pkg0/train_0.py" in checked and "script.py" in checked
    assert "pkg1/train_0.py" not in checked


def test_a_renamed_dependency(workspace: Path, cache: DiskCache) -> None:
    """pkg0/layers.py becomes pkg0/extra.py: its importers lose it, and later.py, whose
    import found no file before, finds one now."""
    before, _ = run(workspace, cache)
    (workspace / "pkg0" / "layers.py").rename(workspace / "pkg0" / "extra.py")
    after, checked = run(workspace, cache)
    assert after == from_scratch(workspace)
    assert {"pkg0/later.py", "pkg0/train_0.py", "pkg0/extra.py"} <= checked
    later = str(workspace / "pkg0" / "later.py")
    assert not before[later]["elsewhere"]
    assert after[later]["elsewhere"][0][0] == str(workspace / "pkg0" / "extra.py")
    # and back
    (workspace / "pkg0" / "extra.py").rename(workspace / "pkg0" / "layers.py")
    again, _ = run(workspace, cache)
    assert again == before


def test_a_new_module_shadowing_an_import(workspace: Path, cache: DiskCache) -> None:
    """script.py imports helpers, which is no file of the workspace (an installed module,
    or none); a new helpers.py next to it is what the import finds now."""
    script = workspace / "script.py"
    script.write_text("import helpers\n" + script.read_text(encoding="utf-8"), encoding="utf-8")
    run(workspace, cache)
    (workspace / "helpers.py").write_text(LAYERS, encoding="utf-8")
    after, checked = run(workspace, cache)
    assert after == from_scratch(workspace)
    assert "script.py" in checked


def test_a_package_marker_removed(workspace: Path, cache: DiskCache) -> None:
    run(workspace, cache)
    (workspace / "pkg1" / "__init__.py").unlink()
    after, checked = run(workspace, cache)
    assert after == from_scratch(workspace)
    assert "pkg1/block_0.py" in checked  # its relative import has no package now


def test_another_configuration_is_another_entry(workspace: Path, cache: DiskCache) -> None:
    default, _ = run(workspace, cache)
    other = Config(mesh_axes=("dp", "tp"), ignore=frozenset({"spmd-syntax"}))
    configured, checked = run(workspace, cache, other)
    assert configured == from_scratch(workspace, other)
    assert len(checked) == len(configured)
    assert configured != default
    # both kept
    assert run(workspace, cache)[1] == set()
    assert run(workspace, cache, other)[1] == set()


def test_an_override_changes_the_key(tmp_path: Path) -> None:
    base = Config(source=str(tmp_path / "pyproject.toml"))
    key = EntryKey.of("/a.py", "x = 1\n", base)
    assert EntryKey.of("/a.py", "x = 1\n", base) == key
    assert EntryKey.of("/a.py", "x = 2\n", base).name != key.name
    assert EntryKey.of("/b.py", "x = 1\n", base).name != key.name
    assert EntryKey.of("/a.py", "x = 1\n", Config(mesh_axes=("tp",))).name != key.name


def test_a_relative_path_is_keyed_with_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    monkeypatch.chdir(tmp_path / "one")
    first = EntryKey.of("a.py", "x = 1\n", Config())
    monkeypatch.chdir(tmp_path / "two")
    assert EntryKey.of("a.py", "x = 1\n", Config()).name != first.name


# ---------------------------------------------------------------------------------------
# entries that do not read back


def _stored(workspace: Path, cache: DiskCache) -> tuple[EntryKey, Path, bytes]:
    path = workspace / "pkg0" / "train_0.py"
    text = path.read_text(encoding="utf-8")
    key = EntryKey.of(str(path), text, Config())
    run(workspace, cache)
    entry = cache.path_of(key)
    return key, entry, entry.read_bytes()


def _with_body(body: bytes, format_version: int = FORMAT) -> bytes:
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    return f"spmd-check-cache {format_version} {digest}\n".encode() + body


def _corruptions(data: bytes, other: bytes) -> dict[str, bytes]:
    header, _, body = data.partition(b"\n")
    content = json.loads(body)
    wrong_shape = dict(content, result=dict(content["result"], diagnostics={"not": "a list"}))
    bad_span = json.loads(body)
    bad_span["result"]["reveals"][0]["span"] = [1, 2, "3", 4]
    return {
        "empty": b"",
        "truncated": data[: len(data) // 2],
        "header only": header,
        "a flipped byte": data[:-10] + bytes([data[-10] ^ 0x01]) + data[-9:],
        "garbage": os.urandom(64),
        "another format": _with_body(body, FORMAT + 1),
        "a future format with another layout": b"spmd-check-cache 2\n" + body,
        "not json": _with_body(b"{not json"),
        "json of another shape": _with_body(json.dumps(wrong_shape).encode()),
        "a span of strings": _with_body(json.dumps(bad_span).encode()),
        "a list": _with_body(b"[]"),
        "another key's entry": other,
    }


@pytest.mark.parametrize(
    "corruption",
    [
        "empty",
        "truncated",
        "header only",
        "a flipped byte",
        "garbage",
        "another format",
        "a future format with another layout",
        "not json",
        "json of another shape",
        "a span of strings",
        "a list",
        "another key's entry",
    ],
)
def test_an_entry_that_does_not_read_back_is_a_miss_and_removed(
    workspace: Path, cache: DiskCache, corruption: str
) -> None:
    key, entry, data = _stored(workspace, cache)
    neighbour = workspace / "pkg0" / "train_1.py"
    other_key = EntryKey.of(str(neighbour), neighbour.read_text(encoding="utf-8"), Config())
    other = cache.path_of(other_key).read_bytes()
    entry.write_bytes(_corruptions(data, other)[corruption])
    outcome, result = cache.lookup(key, Validator(Workspace()))
    assert (outcome, result) == (Lookup.BAD, None)
    assert not entry.exists()
    # the next run checks the file again, gives the right result, and keeps it
    after, checked = run(workspace, cache)
    assert checked == {"pkg0/train_0.py"}
    assert after == from_scratch(workspace)
    assert entry.read_bytes() == data


def test_a_stale_entry_is_a_miss_and_replaced(workspace: Path, cache: DiskCache) -> None:
    key, entry, data = _stored(workspace, cache)
    (workspace / "pkg0" / "layers.py").write_text(LAYERS + "\n\nX = 1\n", encoding="utf-8")
    assert cache.lookup(key, Validator(Workspace())) == (Lookup.STALE, None)
    assert entry.read_bytes() == data  # kept until the new result replaces it
    run(workspace, cache)
    assert cache.lookup(key, Validator(Workspace()))[0] is Lookup.HIT


def test_results_read_back_whole(workspace: Path, cache: DiskCache) -> None:
    """Every part the command line uses survives the trip (dump, load, dump is the same)."""
    data, _ = run(workspace, cache)
    for item in data.values():
        assert dump_result(load_result(json.loads(json.dumps(item)))) == item
    kinds = {
        "diagnostics": any(d["diagnostics"] for d in data.values()),
        "fixes": any(x["fixes"] for d in data.values() for x in d["diagnostics"]),
        "related": any(x["related"] for d in data.values() for x in d["diagnostics"]),
        "reveals": any(d["reveals"] for d in data.values()),
        "collectives": any(d["collectives"] for d in data.values()),
        "elsewhere": any(d["elsewhere"] for d in data.values()),
    }
    assert all(kinds.values()), kinds


# ---------------------------------------------------------------------------------------
# what is kept, and where


def test_results_that_depend_on_more_than_their_inputs_are_not_kept() -> None:
    internal = Diagnostic(Span(0, 0, 0, 0), codes.INTERNAL.name, "gave up", Severity.INFORMATION)
    assert not keeps(ModuleResult("a.py"))  # dependencies unknown
    assert keeps(ModuleResult("a.py", dependencies=Dependencies()))
    assert not keeps(ModuleResult("a.py", [internal], dependencies=Dependencies()))
    assert not keeps(
        ModuleResult("a.py", elsewhere={"b.py": [internal]}, dependencies=Dependencies())
    )


def test_an_unwritable_folder_turns_storing_off(workspace: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    cache = DiskCache(blocker / "cache")  # a folder under a file cannot be made
    data, _ = run(workspace, cache)
    assert data == from_scratch(workspace)
    assert cache.problem is not None and "--no-cache" in cache.problem
    assert cache.stored == 0


def test_the_default_folder() -> None:
    assert default_directory({"SPMD_CHECK_CACHE_DIR": "/x/y"}) == Path("/x/y")
    assert default_directory({"XDG_CACHE_HOME": "/cache"}) == Path("/cache/spmd-check")
    # a relative XDG_CACHE_HOME is ignored, as the XDG specification says
    assert default_directory({"XDG_CACHE_HOME": "rel"}) == Path.home() / ".cache/spmd-check"
    assert default_directory({}) == Path.home() / ".cache" / "spmd-check"


def test_pruning_keeps_the_folder_bounded_least_recently_used_first(
    workspace: Path, tmp_path: Path
) -> None:
    cache = DiskCache(tmp_path / "cache")
    run(workspace, cache)
    files = entries(cache)
    sizes = {p: p.stat().st_size for p in files}
    total = sum(sizes.values())
    # the entries' ages: the first file oldest
    for age, path in enumerate(reversed(files)):
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    (files[0].parent / ".tmp-left-by-a-killed-run").write_bytes(b"x")
    os.utime(files[0].parent / ".tmp-left-by-a-killed-run", (1, 1))
    small = DiskCache(tmp_path / "cache", max_bytes=total // 2)
    small.prune()
    kept = entries(small)
    assert sum(p.stat().st_size for p in kept) <= total // 2 * 0.8
    assert kept == files[: len(kept)]  # the newest ones
    assert files[0] in kept and files[-1] not in kept
    assert not (files[0].parent / ".tmp-left-by-a-killed-run").exists()


def test_a_hit_marks_its_entry_recently_used(workspace: Path, cache: DiskCache) -> None:
    key, entry, _ = _stored(workspace, cache)
    os.utime(entry, (1, 1))
    assert cache.lookup(key, Validator(Workspace()))[0] is Lookup.HIT
    assert entry.stat().st_mtime > 1


# ---------------------------------------------------------------------------------------
# concurrent writers


def _write_many(directory: str, path: str, variant: int, rounds: int) -> None:
    """Store the same key ``rounds`` times (a result of its own per writer)."""
    cache = DiskCache(Path(directory))
    text = Path(path).read_text(encoding="utf-8")
    key = EntryKey.of(path, text, Config())
    result = ModuleResult(
        path,
        [
            Diagnostic(
                Span(variant, 0, variant, 1), "spmd-syntax", "x" * (variant * 5000), Severity.ERROR
            )
        ],
        dependencies=Dependencies(),
    )
    for _ in range(rounds):
        assert cache.store(key, result)


def test_concurrent_writers_leave_a_whole_entry(workspace: Path, tmp_path: Path) -> None:
    path = str(workspace / "pkg0" / "util.py")
    directory = tmp_path / "cache"
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_write_many, args=(str(directory), path, variant, 200))
        for variant in (1, 2)
    ]
    for writer in writers:
        writer.start()
    cache = DiskCache(directory)
    key = EntryKey.of(path, Path(path).read_text(encoding="utf-8"), Config())
    seen: set[Lookup] = set()
    # read while they write (as long as either runs: no timing, only their lives)
    while any(w.is_alive() for w in writers):
        outcome, result = cache.lookup(key, Validator(Workspace()))
        seen.add(outcome)
        assert outcome in (Lookup.MISSING, Lookup.HIT)
        if result is not None:
            assert result.diagnostics[0].span.line in (1, 2)
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    outcome, result = cache.lookup(key, Validator(Workspace()))
    assert outcome is Lookup.HIT and result is not None
    assert len(result.diagnostics[0].message) == 5000 * result.diagnostics[0].span.line
    assert entries(cache) == [cache.path_of(key)]  # no temporary file left behind
