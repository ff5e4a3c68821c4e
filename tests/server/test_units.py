"""Unit tests of the server's pure parts: positions, documents, settings, actions, scheduler."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types
from spmd_check.config import Config, Mode
from spmd_check.lattice import LocalType, P, R, S
from spmd_check.results import ModuleResult, Origin, Span, TypeFact
from spmd_lsp import actions, inlay
from spmd_lsp.documents import Document
from spmd_lsp.hover import hover_at
from spmd_lsp.positions import UTF8, UTF16, UTF32, Codec, split_lines
from spmd_lsp.scheduler import (
    BACKGROUND,
    OPEN,
    Job,
    Outcome,
    Preempted,
    PriorityGate,
    Scheduler,
)
from spmd_lsp.settings import EditorSettings, Settings, parse_editor_settings

# ---------------------------------------------------------------- positions

LINE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=30
)


@given(LINE_TEXT, st.data())
def test_columns_round_trip(line: str, data: st.DataObject) -> None:
    column = data.draw(st.integers(0, len(line)))
    for encoding, codec_name in ((UTF16, "utf-16-le"), (UTF8, "utf-8"), (UTF32, "utf-32-le")):
        codec = Codec(encoding)
        units = codec.to_client_column(line, column)
        width = 2 if encoding == UTF16 else 1 if encoding == UTF8 else 4
        assert units == len(line[:column].encode(codec_name)) // width
        assert codec.from_client_column(line, units) == column


def test_astral_characters_count_two_in_utf16() -> None:
    codec = Codec(UTF16)
    line = 'a = "\U0001d518é"; b'
    assert codec.to_client_column(line, line.index("b")) == line.index("b") + 1
    assert codec.from_client_column(line, line.index("b") + 1) == line.index("b")
    assert codec.from_client_column(line, 6) == 5  # inside the surrogate pair: rounds down
    assert codec.from_client_column(line, 999) == len(line)


def test_split_lines_matches_python_and_lsp() -> None:
    assert split_lines("a\r\nb\rc\nd\x0ce\u2028f") == ["a", "b", "c", "d\x0ce\u2028f"]
    assert split_lines("a\n") == ["a", ""]


def test_range_clamps_past_the_end() -> None:
    codec = Codec(UTF16)
    rng = codec.range(["ab", "c"], Span(5, 0, 6, 3))
    assert (rng.start.line, rng.start.character, rng.end.line, rng.end.character) == (1, 1, 1, 1)


# ---------------------------------------------------------------- documents


def _change(
    line: int, col: int, end_line: int, end_col: int, text: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=line, character=col),
            end=types.Position(line=end_line, character=end_col),
        ),
        text=text,
    )


def test_incremental_changes_and_line_mapping() -> None:
    codec = Codec(UTF16)
    doc = Document("file:///t.py", "a\U0001d518b\nline1\r\nline2\n\x0cff\u2028x\nlast\n", version=1)
    doc.version = 4  # Documents.change sets it; the three changes below end at version 4
    doc.apply(codec, _change(0, 3, 0, 4, "B"), 2)  # after the astral character: UTF-16 column 3
    assert doc.lines[0] == "a\U0001d518B"
    doc.apply(codec, _change(1, 0, 1, 0, "new\nnew\n"), 3)  # two lines inserted before line 1
    assert doc.lines[:4] == ["a\U0001d518B", "new", "new", "line1"]
    doc.apply(codec, _change(4, 0, 5, 0, ""), 4)  # delete "line2"
    assert doc.lines[4] == "\x0cff\u2028x"  # form feed and U+2028 are not line breaks
    assert doc.line_to_version(3, 1) == 1  # line1 was line 1 at version 1
    assert doc.line_to_version(1, 1) is None  # an inserted line
    assert doc.line_to_version(4, 1) == 3
    assert doc.line_to_version(0, 1) is None  # edited at version 2
    assert doc.line_to_version(0, 2) == 0
    assert doc.line_from_version(3, 1) == 4
    assert doc.line_from_version(2, 1) is None  # deleted
    doc.apply(codec, types.TextDocumentContentChangeWholeDocument(text="fresh"), 5)
    doc.version = 5
    assert doc.lines == ["fresh"]
    assert doc.line_to_version(0, 4) is None


# ---------------------------------------------------------------- settings


def test_editor_settings_validation() -> None:
    parsed, problems = parse_editor_settings(
        {
            "spmdTypes": {
                "meshAxes": ["dp", "dp"],
                "strictMode": "permissive",
                "ignore": "x",
                "logLevel": "DEBUG",
                "somethingElse": 1,
            }
        },
        "initializationOptions",
    )
    assert parsed == EditorSettings(strict_mode="permissive", log_level="debug")
    assert len(problems) == 2
    assert "spmdTypes.meshAxes" in problems[0] and "found ['dp', 'dp']" in problems[0]
    assert "spmdTypes.ignore" in problems[1]
    _, problems = parse_editor_settings(["not", "an", "object"], "x")
    assert problems and "must be an object" in problems[0]


def test_precedence_and_pyproject(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "pyproject.toml").write_text(
        '[tool.spmd-check]\nmesh-axes = ["dp"]\nstrict-mode = "permissive"\n'
    )
    settings = Settings()
    config, problems = settings.config_for(str(root / "m.py"))
    assert (config.mesh_axes, config.mode, problems) == (("dp",), Mode.PERMISSIVE, [])
    settings.init_options = EditorSettings(mesh_axes=("dp", "tp"))
    settings.workspace = EditorSettings(strict_mode="strict")
    config, _ = settings.config_for(str(root / "m.py"))
    assert (config.mesh_axes, config.mode) == (("dp", "tp"), Mode.STRICT)
    (root / "pyproject.toml").write_text("[tool.spmd-check]\nmesh-axes = 3\n")
    settings.forget_files()
    time.sleep(0.01)
    import os

    os.utime(root / "pyproject.toml", ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    config, problems = settings.config_for(str(root / "m.py"))
    assert problems and "mesh-axes" in problems[0]
    assert config.mesh_axes == ("dp", "tp")  # the editor's value over the defaults


# ---------------------------------------------------------------- actions


def test_ignore_edits() -> None:
    lines = [
        "x = relu(y)",
        "s = '# not a comment'",
        "t = 1  # spmd: ignore[a]",
        "u = '''",
        "v'''",
        "w = 1  # spmd: ignore",
    ]
    info = actions.scan("\n".join(lines) + "\n")
    assert actions.ignore_edit(lines, info, 0, "c") == (11, 11, "  # spmd: ignore[c]")
    assert actions.ignore_edit(lines, info, 1, "c") == (
        len(lines[1]),
        len(lines[1]),
        "  # spmd: ignore[c]",
    )
    start = lines[2].index("[") + 1
    assert actions.ignore_edit(lines, info, 2, "c") == (start, start + 1, "a, c")
    assert actions.ignore_edit(lines, info, 2, "a") is None
    assert actions.ignore_edit(lines, info, 3, "c") is None  # the line ends inside a string
    assert actions.ignore_edit(lines, info, 5, "c") is None  # a bare ignore covers everything


def test_ignore_edit_on_unfinished_code() -> None:
    lines = ["x = f(  # spmd: ignore[a]", "  y"]
    info = actions.scan("\n".join(lines))
    start = lines[0].index("[") + 1
    assert actions.ignore_edit(lines, info, 0, "b") == (start, start + 1, "a, b")


# ---------------------------------------------------------------- inlay, hover


def test_inlay_hints_follow_is_target() -> None:
    known = LocalType({"tp": R})

    def fact(line: int, col: int, name: str, target: bool, unknown: bool = False) -> TypeFact:
        return TypeFact(
            Span(line, col, line, col + len(name)),
            name,
            None if unknown else known,
            None,
            is_target=target,
        )

    result = ModuleResult(
        "m.py",
        facts=[
            fact(0, 0, "x", True),
            fact(0, 6, "a", False),  # a read: no hint
            fact(1, 0, "a", True),
            fact(1, 3, "b", True),
            fact(2, 0, "u", True, unknown=True),  # Unknown: no hint
            fact(5, 0, "w", True),  # outside the range asked for
        ],
    )
    got = [(h.line, h.column, h.label) for h in inlay.hints(result, 0, 4)]
    assert got == [(0, 1, ": {tp: R}"), (1, 1, ": {tp: R}"), (1, 4, ": {tp: R}")]


def test_hover_plaintext_and_unknown() -> None:
    result = ModuleResult(
        "m.py",
        facts=[
            TypeFact(
                Span(0, 0, 0, 1),
                "x",
                LocalType({"tp": P}),
                False,
                Origin(Span(0, 0, 0, 9), "`assert_type(x, ...)`"),
            ),
            TypeFact(Span(1, 0, 1, 1), "y", None, None),
        ],
    )
    text, span = hover_at(result, ["x = thing", "y"], 0, 0, markdown=False) or ("", None)
    assert text.splitlines() == [
        "x: {tp: P}",
        "gradient: `{tp: R}`",
        "requires_grad: False",
        "why: `assert_type(x, ...)` (line 1)",  # no fact there: no type for the step
    ]
    assert span == Span(0, 0, 0, 1)
    text, _ = hover_at(result, ["x = thing", "y"], 1, 0) or ("", None)
    assert text.startswith("```python\ny: Unknown\n```")


def test_hover_shows_partition_spec() -> None:
    sharded = LocalType({"dp": S(0), "tp": S(2), "ep": S(2), "pp": R})
    result = ModuleResult(
        "m.py",
        facts=[
            TypeFact(Span(0, 0, 0, 1), "x", sharded, None),
            TypeFact(Span(1, 0, 1, 1), "y", LocalType({"dp": S(0)}), None),
            TypeFact(Span(2, 0, 2, 1), "z", LocalType({"dp": R}), None),
        ],
    )
    lines = ["x", "y", "z"]
    text, _ = hover_at(result, lines, 0, 0, markdown=False) or ("", None)
    assert "partition spec: `('dp', None, ('ep', 'tp'))`" in text.splitlines()
    text, _ = hover_at(result, lines, 1, 0, markdown=False) or ("", None)
    assert "partition spec: `('dp',)`" in text.splitlines()
    text, _ = hover_at(result, lines, 2, 0, markdown=False) or ("", None)
    assert "partition spec" not in text


# ---------------------------------------------------------------- scheduler


async def test_priority_gate_serves_open_documents_first() -> None:
    gate = PriorityGate()
    await gate.acquire(OPEN)
    order: list[str] = []

    async def take(name: str, priority: int) -> None:
        await gate.acquire(priority)
        order.append(name)
        gate.release()

    tasks = [
        asyncio.ensure_future(take("scan", BACKGROUND)),
        asyncio.ensure_future(take("open", OPEN)),
    ]
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*tasks)
    assert order == ["open", "scan"]


async def test_scheduler_supersedes_and_delivers_only_the_newest() -> None:
    started = threading.Event()
    release = threading.Event()
    seen: list[int | None] = []

    def work(job: Job) -> str:
        if job.version == 1:
            started.set()
            release.wait(5)
        return job.text

    delivered: list[Outcome[str]] = []
    scheduler: Scheduler[str] = Scheduler(work, delivered.append, debounce=0.01)
    scheduler.submit(Job("u", 1, "one", "/u.py"), 0)
    await asyncio.to_thread(started.wait, 5)
    for version in (2, 3, 4):  # a burst while version 1 is running
        scheduler.submit(Job("u", version, f"v{version}", "/u.py"))
    waiter = asyncio.ensure_future(scheduler.wait("u"))
    release.set()
    outcome = await asyncio.wait_for(waiter, 5)
    assert outcome is not None and outcome.version == 4
    seen = [o.version for o in delivered]
    assert seen == [4]  # version 1 finished, but was never delivered; 2 and 3 never ran
    last = scheduler.last("u")
    assert last is not None and last.version == 4
    scheduler.forget("u")
    assert scheduler.last("u") is None
    scheduler.shutdown()


async def test_a_background_check_yields_to_an_edit_and_runs_again() -> None:
    """The scan's check stops (between steps, as the checker polls) when the edited document
    needs the worker; the edit is checked first, then the scan's check runs again and is
    delivered."""
    scan_started = threading.Event()
    order: list[str] = []
    holder: list[Scheduler[str]] = []

    def work(job: Job) -> str:
        scheduler = holder[0]
        if job.priority == BACKGROUND:
            first_run = not scan_started.is_set()
            scan_started.set()
            # a long check polling its cancel callback; a deadline, not a count, bounds it
            deadline = time.monotonic() + 30
            while first_run and time.monotonic() < deadline:
                if scheduler.preempted(job):
                    order.append("scan yielded")
                    raise Preempted()
                time.sleep(0.001)
        order.append(job.text)
        return job.text

    delivered: list[Outcome[str]] = []
    scheduler: Scheduler[str] = Scheduler(work, delivered.append, debounce=0)
    holder.append(scheduler)
    scheduler.submit(Job("scan", None, "scan", "/scan.py", BACKGROUND), 0)
    await asyncio.to_thread(scan_started.wait, 30)
    scheduler.submit(Job("edit", 1, "edit", "/edit.py", OPEN), 0)
    edit = await asyncio.wait_for(scheduler.wait("edit"), 30)
    scan = await asyncio.wait_for(scheduler.wait("scan"), 30)
    assert edit is not None and scan is not None
    assert order == ["scan yielded", "edit", "scan"]
    assert scheduler.preemptions == 1
    assert [o.uri for o in delivered] == ["edit", "scan"]
    scheduler.shutdown()


async def test_scheduler_survives_a_failing_job() -> None:
    def work(job: Job) -> str:
        raise RuntimeError("boom")

    scheduler: Scheduler[str] = Scheduler(work, lambda o: None, debounce=0)
    scheduler.submit(Job("u", 1, "x", "/u.py"))
    assert await asyncio.wait_for(scheduler.wait("u"), 5) is None
    scheduler.shutdown()


@pytest.mark.parametrize("spec", ["no_such_module:Analyzer"])
def test_engine_reports_a_missing_checker(spec: str) -> None:
    from spmd_lsp.engine import Engine, load_factory

    with pytest.raises(ModuleNotFoundError):
        load_factory(spec)
    engine = Engine()  # no factory: loaded from $SPMD_LSP_ANALYZER at the first check
    import os

    os.environ["SPMD_LSP_ANALYZER"] = spec
    try:
        result, ok = engine.check("m.py", "x = 1", Config())
    finally:
        del os.environ["SPMD_LSP_ANALYZER"]
    assert not ok and result.diagnostics == []
    assert engine.load_error and "cannot load the checker" in engine.load_error


# ---------------------------------------------------------------- exclude


def test_exclude_is_the_checkers_rule_relative_to_pyproject(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from spmd_lsp.scan import excluded

    (tmp_path / "pyproject.toml").write_text(
        '[tool.spmd-check]\nexclude = ["scripts/*", "legacy"]\n', encoding="utf-8"
    )
    monkeypatch.chdir("/")  # the server's working folder must not matter
    settings = Settings()
    for editor in (
        EditorSettings(),
        EditorSettings(mesh_axes=("dp",)),
    ):  # an editor layer keeps the root
        settings.workspace = editor
        config, problems = settings.config_for(str(tmp_path / "model.py"))
        assert problems == []
        assert excluded(str(tmp_path / "scripts" / "run.py"), config)
        assert excluded(str(tmp_path / "legacy" / "old.py"), config)
        assert not excluded(str(tmp_path / "model.py"), config)
        assert not excluded(str(tmp_path / "src" / "legacy_model.py"), config)
    assert not excluded(str(tmp_path / "scripts" / "run.py"), Config())


# ---------------------------------------------------------------- incremental line starts

_TEXT = st.lists(
    st.sampled_from(["a", "é", "\U0001d518", " ", "\n", "\r", "\r\n", "\t"]), max_size=20
).map("".join)


@given(
    _TEXT,
    st.lists(
        st.tuples(
            st.integers(-2, 12), st.integers(-1, 12), st.integers(0, 12), st.integers(0, 12), _TEXT
        ),
        max_size=8,
    ),
)
def test_incremental_line_starts_equal_a_rescan(
    text: str, edits: list[tuple[int, int, int, int, str]]
) -> None:
    """Whatever the edits (across \\r\\n pairs, past the end, multi-line), the line starts and
    lines kept across edits equal those of the final text split from scratch."""
    import re

    codec = Codec(UTF16)
    doc = Document("file:///t.py", text, version=0)
    for version, (line, col, lines_on, end_col, new) in enumerate(edits, start=1):
        start = types.Position(line=max(line, 0), character=max(col, 0))
        end = types.Position(line=max(line, 0) + lines_on // 4, character=end_col)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        doc.apply(
            codec,
            types.TextDocumentContentChangePartial(
                range=types.Range(start=start, end=end), text=new
            ),
            version,
        )
        assert doc._line_starts() == [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", doc.text))]
        assert [doc._line_text(i) for i in range(len(doc._line_starts()))] == split_lines(doc.text)


# ---------------------------------------------------------------- log levels


def test_log_records_keep_their_level_in_the_editor() -> None:
    import logging

    from spmd_lsp import logs

    assert logs.message_type(logging.ERROR) == types.MessageType.Error
    assert logs.message_type(logging.CRITICAL) == types.MessageType.Error
    assert logs.message_type(logging.WARNING) == types.MessageType.Warning
    assert logs.message_type(logging.INFO) == types.MessageType.Info
    assert logs.message_type(logging.DEBUG) == types.MessageType.Log  # shown as it is
    cancel = logging.LogRecord(
        "pygls.protocol.json_rpc",
        logging.WARNING,
        __file__,
        1,
        'Cancel notification for unknown message id "%s"',
        ("7",),
        None,
    )
    assert logs.routine(cancel)
    own = logging.LogRecord("spmd_lsp.checks", logging.WARNING, __file__, 1, "x", (), None)
    assert not logs.routine(own)
