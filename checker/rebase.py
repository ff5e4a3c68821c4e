"""A kept or memoised call's values as this call gives them: the origins of its arguments
are this call's, not those of the call that was kept.

A call into another file's code is kept across checks by the shape of its arguments
(``sharing.KeptCalls``), and a call is memoised within a check by its arguments' types or
shapes (``Interpreter.invoke``): a tensor's key leaves out its origin, where it came from
is not what it is. But the call's result often came from an argument (an ``assert_type`` on it,
an op on it), and its origin chain then ends in that argument's origin: a place of the
caller's file as the earlier check saw it. After an Enter above the call, or with another
caller passing the same shapes, a hover would show a stale line or another caller's line.

``Rebase`` rewrites each origin chain of a kept result: where the chain reaches the origin
an argument had when the call was kept (that very origin, or a copy ``results.after`` cut
short), it goes on with the origin this call's argument has, whole. The rebased chain may
then be longer than the one running the call would give, but not in anything read of it:
its first ``CHAIN + 1`` steps are those of the chain no cut shortened, in both (see
``results.CHAIN``). The key therefore names no chain lengths: a call whose argument came
by a longer way takes what one with a shorter way kept.
"""

from __future__ import annotations

from dataclasses import replace

from .results import Origin, steps_of
from .sharing import copy_objects
from .values import InstanceVal, TensorSeqVal, TensorVal, Value


class Rebase:
    """Rewrites values a kept call gave, from the origins its arguments had (``old``) to
    the ones this call's have (``new``, in the same order: equal shapes walk alike)."""

    def __init__(self, pairs: list[tuple[Origin, Origin | None]]) -> None:
        self.pairs = pairs
        self._chains: dict[int, Origin | None] = {}
        self.tensors: dict[int, TensorVal] = {}  # old tensor (by id) -> its rebased one
        self._objects: dict[int, InstanceVal] = {}  # old object (by id) -> its copy

    @staticmethod
    def between(old: tuple[Origin | None, ...], new: tuple[Origin | None, ...]) -> Rebase | None:
        """The rebase from the kept call's argument origins to this call's; None when they
        read alike (nothing to rewrite, nothing allocated: a take is frequent)."""
        pairs: list[tuple[Origin, Origin | None]] | None = None
        # equal shapes name as many tensors; zip short of that would only rebase less
        for was, now in zip(old, new, strict=False):
            if was is not None and not _same_chain(was, now):
                pairs = [] if pairs is None else pairs
                pairs.append((was, now))
        return None if pairs is None else Rebase(pairs)

    def value(self, value: Value) -> Value:
        """A value with every tensor it holds rebased. An object (a kept construction) is
        copied, each object it holds once (``sharing.copy_objects``: one table for all the
        values of a take, so the result and the effects share their copies)."""
        if not self.pairs:
            return value
        return copy_objects(value, self._objects, self._rebased)

    def _rebased(self, value: Value) -> Value:
        if isinstance(value, TensorVal):
            return self.tensor(value)
        if isinstance(value, TensorSeqVal):
            return TensorSeqVal(self.tensor(value.element))
        return value

    def tensor(self, tensor: TensorVal) -> TensorVal:
        found = self.tensors.get(id(tensor))
        if found is None:
            origin = self.chain(tensor.origin)
            found = tensor if origin is tensor.origin else replace(tensor, origin=origin)
            self.tensors[id(tensor)] = found
        return found

    def chain(self, origin: Origin | None) -> Origin | None:
        """An origin chain continued from this call's argument where it reached the kept
        call's."""
        if origin is None or not self.pairs:
            return origin
        if id(origin) in self._chains:
            return self._chains[id(origin)]
        steps = list(steps_of(origin))
        rebased: Origin | None = origin
        for index, step in enumerate(steps):
            tail = self._continued(step)
            if tail is not step:
                for before in reversed(steps[:index]):
                    tail = Origin(before.span, before.description, tail, before.path)
                rebased = tail
                break
        self._chains[id(origin)] = rebased
        return rebased

    def _continued(self, step: Origin) -> Origin | None:
        """What follows in place of ``step`` and the steps after it: this call's argument's
        chain if ``step`` is (a copy of) a kept argument's origin."""
        for old, new in self.pairs:
            if step is old or step == old:
                return new
        return step


def _same_chain(one: Origin | None, other: Origin | None) -> bool:
    """Whether two chains read alike, step by step (a caller's origins are new objects at
    every check, most of them the same as the last check's)."""
    while one is not None and other is not None:
        if one is other:
            return True
        if one != other:
            return False
        one, other = one.previous, other.previous
    return one is other
