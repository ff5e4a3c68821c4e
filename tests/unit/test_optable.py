"""The op table may not drift from torch: every name must exist in torch 2.13.0, and
every LINEAR/MULTILINEAR row must agree with the reference runtime's registry."""

from __future__ import annotations

import pytest
from spmd_check import optable
from spmd_check.rules import Linearity

torch = pytest.importorskip("torch")
runtime = pytest.importorskip("spmd_types._checker")


def _resolve(name: str) -> object:
    head, _, rest = name.partition(".")
    obj: object = torch.Tensor if head == "Tensor" else torch
    for part in rest.split(".") if head == "Tensor" else name.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


ALL_NAMES = sorted(
    set(optable.OPS)
    | optable.DETERMINISTIC_FACTORIES
    | optable.NEW_FACTORIES
    | optable.RANDOM_FACTORIES
    | optable.NO_GRAD_RESULTS
    | {f"Tensor.{m}" for m in optable.PASSTHROUGH_METHODS}
)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_name_exists_in_torch(name: str) -> None:
    assert _resolve(name) is not None


def _runtime_spec(name: str) -> object:
    obj = _resolve(name)
    if isinstance(obj, property):
        obj = obj.__get__
    elif name.startswith("Tensor.") and hasattr(type(obj), "__get__") and not callable(obj):
        obj = obj.__get__  # getset descriptors: T, mT, real ...
    spec = runtime._OP_REGISTRY.get(obj)
    if spec is None:
        spec = runtime._OP_REGISTRY.get(getattr(obj, "__get__", None))
    return spec


@pytest.mark.parametrize("name", sorted(optable.OPS))
def test_row_matches_runtime_registry(name: str) -> None:
    ours = optable.OPS[name]
    if ours.decomposition is not None:
        assert _resolve(name) in runtime._DECOMP_TYPE_RULES
        return
    theirs = _runtime_spec(name)
    if ours.linearity is Linearity.NONLINEAR:
        assert theirs is None, f"{name} is registered in the runtime as {theirs}"
        return
    assert theirs is not None, f"{name} is not in the runtime's registry"
    assert theirs.linearity.name == ours.linearity.name.upper()
    assert tuple(theirs.tensor_args) == ours.tensor_args
    assert tuple(theirs.tensor_kwargs) == ours.tensor_kwargs
    assert tuple(theirs.nonlinear_args) == ours.nonlinear_args


def test_every_runtime_row_is_in_the_table() -> None:
    ours = {_resolve(n) for n, s in optable.OPS.items() if s.linearity is not Linearity.NONLINEAR}
    ours |= {getattr(_resolve(n), "__get__", None) for n in optable.OPS}
    missing = [getattr(f, "__qualname__", repr(f)) for f in runtime._OP_REGISTRY if f not in ours]
    assert not missing, f"runtime ops without a row: {missing}"


def test_factories_match_runtime() -> None:
    assert {
        _resolve(n) for n in optable.DETERMINISTIC_FACTORIES
    } == runtime._DETERMINISTIC_FACTORIES
    assert {_resolve(n) for n in optable.NEW_FACTORIES} == runtime._DETERMINISTIC_NEW_FACTORIES
    assert {_resolve(f"Tensor.{m}") for m in optable.PASSTHROUGH_METHODS} | {
        torch.numel
    } == runtime._PASSTHROUGH
