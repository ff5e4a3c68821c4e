"""Imports resolve as Python resolves them (tests of checker/workspace.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spmd_check.analysis import Analyzer
from spmd_check.state import Cancelled
from spmd_check.workspace import Workspace

SIBLING = """\
import torch
import spmd_types as spmd
from spmd_types import P


def act(x):
    spmd.assert_type(x, {"tp": P})
    return torch.relu(x)  # the library's assert_type: a Partial through relu
"""


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_package_module_named_like_the_library_does_not_shadow_it(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/spmd_types.py": "def assert_type(x, t):\n    return x\n",
            "pkg/layer.py": SIBLING,
        },
    )
    workspace = Workspace()
    layer = str(tmp_path / "pkg" / "layer.py")
    assert workspace.resolve(layer, "spmd_types") is None
    assert workspace.resolve(layer, "pkg.spmd_types") == tmp_path / "pkg" / "spmd_types.py"
    codes = [d.code for d in Analyzer().check(layer, SIBLING).diagnostics]
    assert codes == ["spmd-partial-nonlinear"]


def test_a_script_imports_its_own_folder_and_a_package_module_does_not(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "helpers.py": "",
            "script.py": "",
            "pkg/__init__.py": "",
            "pkg/helpers.py": "",
            "pkg/mod.py": "",
        },
    )
    workspace = Workspace()
    assert workspace.resolve(str(tmp_path / "script.py"), "helpers") == tmp_path / "helpers.py"
    # inside a package, `import helpers` is the top-level module, not the sibling
    assert workspace.resolve(str(tmp_path / "pkg" / "mod.py"), "helpers") == tmp_path / "helpers.py"
    assert (
        workspace.resolve(str(tmp_path / "pkg" / "mod.py"), "pkg.helpers")
        == tmp_path / "pkg" / "helpers.py"
    )


def test_the_known_libraries_never_resolve_to_workspace_files(tmp_path: Path) -> None:
    _tree(tmp_path, {"torch/__init__.py": "", "spmd_types/__init__.py": "", "main.py": ""})
    workspace = Workspace()
    main = str(tmp_path / "main.py")
    assert workspace.resolve(main, "torch") is None
    assert workspace.resolve(main, "spmd_types.checker") is None


ROPE = """\
import torch
import spmd_types as spmd
from spmd_types import R, S


def cache():
    c = torch.ones(4, 8)
    spmd.assert_type(c, {"tp": R, "dp": R})
    return c


def rotate(query, rope_cache):
    return query * rope_cache
"""

TRACING_TEST = """\
import torch
from rope import cache, rotate


def test_rotate_traces():
    x = torch.randn(4, 8)
    return rotate(x, cache())
"""


def test_a_module_that_never_imports_spmd_types_reports_nothing_it_would_raise(
    tmp_path: Path,
) -> None:
    """A tracing test or a data loader gives no sign that it runs under typecheck(): what
    its randn tensors would raise in an spmd library is not reported (the library's own
    code is still checked, in its own file, as if under typecheck())."""
    _tree(tmp_path, {"rope.py": ROPE, "test_rope.py": TRACING_TEST})
    analyzer = Analyzer()
    test = tmp_path / "test_rope.py"
    result = analyzer.check(str(test), test.read_text())
    assert result.diagnostics == []
    assert result.elsewhere == {}
    # importing spmd_types, it still runs under pytest, which enters no typecheck()
    typed = TRACING_TEST.replace("import torch\n", "import torch\nimport spmd_types\n")
    test.write_text(typed)
    result = analyzer.check(str(test), typed)
    assert result.diagnostics == []
    assert result.elsewhere == {}
    # a helper of a module that imports spmd_types is library code: assumed under typecheck()
    helper = typed.replace("def test_rotate_traces", "def rotate_traces")
    module = tmp_path / "tracing.py"
    module.write_text(helper)
    result = analyzer.check(str(module), helper)
    assert [d.code for ds in result.elsewhere.values() for d in ds] == ["spmd-missing-axis"]


LEAF_OK = "def act(x):\n    return x\n"
LEAF_BAD = "import torch\n\n\ndef act(x):\n    return torch.relu(x)\n"
MIDDLE = "from pkg.leaf import act\n\n\ndef block(x):\n    return act(x)\n"
MAIN = """\
import spmd_types as spmd
from spmd_types import P
from pkg.middle import block


def step(x):
    spmd.assert_type(x, {"tp": P})
    return block(x)
"""


NESTED = """\
import torch


def act(x):
    return IDENTITY_OR_RELU


def outer(x):
    def inner():
        return act(x)

    return inner()


def make_layer():
    class Layer:
        def forward(self, x):
            return act(x)

    return Layer()


def pick():
    class Choice:
        chosen = act

    return Choice.chosen
"""
STEP = """\
import torch
import spmd_types as spmd
from spmd_types import P
from pkg.nested import outer, make_layer, pick


def act(x):
    return IDENTITY_OR_RELU


def step(x):
    spmd.assert_type(x, {"tp": P})
    return outer(x), make_layer().forward(x), pick()(x)
"""
IDENTITY, RELU = "x", "torch.relu(x)"


@pytest.mark.parametrize("relu_in_nested", [False, True])
def test_code_nested_in_a_loaded_modules_function_reads_that_modules_names(
    tmp_path: Path, relu_in_nested: bool
) -> None:
    """A function or class defined inside a loaded module's function, run from another
    file, reads its own module's names (``act`` here), never the checked file's: both
    files define ``act``, and only one of them puts the Partial through relu."""
    nested_act, step_act = (RELU, IDENTITY) if relu_in_nested else (IDENTITY, RELU)
    nested = tmp_path / "pkg" / "nested.py"
    _tree(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/nested.py": NESTED.replace("IDENTITY_OR_RELU", nested_act)},
    )
    step = STEP.replace("IDENTITY_OR_RELU", step_act)
    result = Analyzer().check(str(tmp_path / "pkg" / "step.py"), step)
    assert result.diagnostics == []
    found = {path: [(d.span.line, d.code) for d in ds] for path, ds in result.elsewhere.items()}
    assert found == ({str(nested): [(4, "spmd-partial-nonlinear")]} if relu_in_nested else {})


def test_a_change_two_imports_down_reloads_every_module_above_it(tmp_path: Path) -> None:
    """Loaded modules are validated module by module (each once a check): a leaf that
    changes on disk must still reload the middle module that imported it, and the check of
    the module on top must see the new leaf, however many checks reused the old one."""
    _tree(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/leaf.py": LEAF_OK, "pkg/middle.py": MIDDLE},
    )
    main = str(tmp_path / "pkg" / "main.py")
    analyzer = Analyzer()
    for _ in range(2):
        first = analyzer.check(main, MAIN)
        assert first.diagnostics == [] and first.elsewhere == {}
    assert first.dependencies is not None
    assert str(tmp_path / "pkg" / "leaf.py") in first.dependencies.paths
    (tmp_path / "pkg" / "leaf.py").write_text(LEAF_BAD)
    changed = analyzer.check(main, MAIN)
    assert [d.code for d in changed.elsewhere[str(tmp_path / "pkg" / "leaf.py")]] == [
        "spmd-partial-nonlinear"
    ]
    (tmp_path / "pkg" / "leaf.py").write_text(LEAF_OK)
    assert analyzer.check(main, MAIN).elsewhere == {}


def test_a_module_created_under_an_import_two_levels_down_is_seen(tmp_path: Path) -> None:
    """Where an import goes is validated too: ``pkg.leaf`` missing, then created."""
    _tree(tmp_path, {"pkg/__init__.py": "", "pkg/middle.py": MIDDLE})
    main = str(tmp_path / "pkg" / "main.py")
    analyzer = Analyzer()
    assert analyzer.check(main, MAIN).elsewhere == {}
    (tmp_path / "pkg" / "leaf.py").write_text(LEAF_BAD)
    assert str(tmp_path / "pkg" / "leaf.py") in analyzer.check(main, MAIN).elsewhere


HEAVY = "import torch\n\n\n" + "".join(
    f"def layer{i}(x):\n    return x * {i}\n\n\nvalue{i} = layer{i}(torch.ones(4))\n"
    for i in range(60)
)


def test_a_check_stopped_while_an_import_loads_caches_no_half_module(tmp_path: Path) -> None:
    """A background check polls for cancellation while an imported module's level runs (a
    large import closure is the longest stretch of a first check): stopped there, it keeps
    no half-run module, and the next check gives a fresh check's result."""
    _tree(tmp_path, {"pkg/__init__.py": "", "pkg/heavy.py": HEAVY, "pkg/middle.py": MIDDLE})
    _tree(tmp_path, {"pkg/leaf.py": LEAF_BAD})
    main = str(tmp_path / "pkg" / "main.py")
    source = MAIN.replace(
        "from pkg.middle import block\n",
        "from pkg.middle import block\nfrom pkg.heavy import layer0\n",
    )
    expected = Analyzer().check(main, source)
    polls = [0]

    def cancelled() -> bool:
        polls[0] += 1
        return polls[0] >= 40  # past main's first units and the small modules, inside heavy

    analyzer = Analyzer()
    try:
        analyzer.check(main, source, cancelled=cancelled)
    except Cancelled:
        pass
    else:
        raise AssertionError("the check was not stopped while pkg.heavy loaded")
    assert analyzer.cache_stats().modules == 2  # middle and leaf; heavy was not kept
    result = analyzer.check(main, source)
    assert result.elsewhere == expected.elsewhere and result.diagnostics == expected.diagnostics


def test_a_trusted_look_at_the_disk_serves_until_distrusted(tmp_path: Path) -> None:
    """A workspace that trusts one look at the disk (the server's, for a moment) does not
    see a module created meanwhile until it is told files changed; one that trusts nothing
    (the default: the command line, every test above) sees it at the next check."""
    _tree(tmp_path, {"pkg/__init__.py": "", "pkg/middle.py": MIDDLE})
    main = str(tmp_path / "pkg" / "main.py")
    workspace = Workspace(trust_seconds=1e9)
    analyzer = Analyzer(workspace=workspace)
    assert analyzer.check(main, MAIN).elsewhere == {}
    (tmp_path / "pkg" / "leaf.py").write_text(LEAF_BAD)
    assert analyzer.check(main, MAIN).elsewhere == {}  # the same look: no leaf yet
    workspace.distrust()
    assert str(tmp_path / "pkg" / "leaf.py") in analyzer.check(main, MAIN).elsewhere


def test_an_open_document_two_imports_down_is_read_at_every_check_of_a_trusted_look(
    tmp_path: Path,
) -> None:
    """What one look at the disk found to hold is not asked again, except for the modules
    that read an open document whose text changed since: its edits reach the module on top
    through the middle one, at every check, and back."""
    _tree(
        tmp_path,
        {"pkg/__init__.py": "", "pkg/leaf.py": LEAF_OK, "pkg/middle.py": MIDDLE},
    )
    main = str(tmp_path / "pkg" / "main.py")
    leaf = str(tmp_path / "pkg" / "leaf.py")
    workspace = Workspace(trust_seconds=1e9)
    analyzer = Analyzer(workspace=workspace)
    workspace.set_document(leaf, LEAF_OK)
    for _ in range(2):
        assert analyzer.check(main, MAIN).elsewhere == {}
    workspace.set_document(leaf, LEAF_BAD)
    for _ in range(2):
        found = analyzer.check(main, MAIN).elsewhere
        assert [d.code for d in found[leaf]] == ["spmd-partial-nonlinear"]
    workspace.set_document(leaf, LEAF_OK)
    assert analyzer.check(main, MAIN).elsewhere == {}
    workspace.set_document(leaf, None)  # closed: the disk's text, which is LEAF_OK
    assert analyzer.check(main, MAIN).elsewhere == {}


def test_the_log_of_open_documents_names_what_changed_since_a_mark(tmp_path: Path) -> None:
    workspace = Workspace()
    first = workspace.mark()
    workspace.set_document(str(tmp_path / "a.py"), "x = 1\n")
    second = workspace.mark()
    workspace.set_document(str(tmp_path / "b.py"), None)
    assert workspace.changed_since(first) == {str(tmp_path / "a.py"), str(tmp_path / "b.py")}
    assert workspace.changed_since(second) == {str(tmp_path / "b.py")}
    assert workspace.changed_since(workspace.mark()) == frozenset()
    assert workspace.is_open(str(tmp_path / "a.py")) and not workspace.is_open(
        str(tmp_path / "b.py")
    )
