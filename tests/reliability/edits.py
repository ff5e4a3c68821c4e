"""Random edits of a text, as an editor sends them (hypothesis strategies over ``st.data()``)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st
from lsp_harness import lines_of, position_at
from lsprotocol import types

FRAGMENTS = [
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "=",
    "==",
    "+",
    "*",
    "@",
    "\\",
    "#",
    "'",
    '"',
    '"""',
    "'''",
    "\n",
    "\r\n",
    "\r",
    "    ",
    "\t",
    " ",
    "x",
    "y",
    "tp",
    "dp",
    "torch",
    "relu",
    "spmd",
    "def ",
    "class ",
    "return ",
    "with ",
    "if x:\n    ",
    "lambda: ",
    "async ",
    "await ",
    "yield ",
    "torch.relu(",
    "spmd.all_reduce(x, 'tp', src=P, dst=R)",
    "spmd.assert_type(x, {'tp': P})",
    "é",
    "ü",
    "\U0001d518",
    "😀",
    "名前",
    "\u200b",
    "\x0c",
    "\u2028",
    "\x00",
    "\ufeff",
]


@dataclass
class Edit:
    start: int
    end: int
    text: str
    undo: bool = False


def _safe(text: str, offset: int) -> int:
    """Never between the \\r and \\n of a pair (an LSP position cannot point there)."""
    offset = max(0, min(offset, len(text)))
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        offset += 1
    return offset


def apply(text: str, edit: Edit) -> str:
    return text[: edit.start] + edit.text + text[edit.end :]


def to_change(text: str, edit: Edit) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=position_at(text, edit.start), end=position_at(text, edit.end)),
        text=edit.text,
    )


def line_offsets(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n" or (char == "\r" and text[index + 1 : index + 2] != "\n"):
            starts.append(index + 1)
    return starts


def draw_edit(
    data: st.DataObject, text: str, corpus_texts: list[str], history: list[tuple[Edit, str]]
) -> list[Edit]:
    """One user action: one or more edits (typing a token is several). ``history`` holds the
    edits applied so far with the text each replaced; an undo takes the last one back (and
    pops it); the caller pushes the others."""
    kind = data.draw(
        st.sampled_from(["insert", "insert", "delete", "line", "paste", "undo", "type", "replace"])
    )
    n = len(text)
    if kind == "undo" and history:
        edit, old = history.pop()
        return [Edit(edit.start, edit.start + len(edit.text), old, undo=True)]
    if kind in ("insert", "undo"):
        offset = _safe(text, data.draw(st.integers(0, n)))
        fragment = data.draw(st.sampled_from(FRAGMENTS) | st.text(max_size=6))
        return [Edit(offset, offset, fragment)]
    if kind == "delete":
        start = _safe(text, data.draw(st.integers(0, n)))
        end = _safe(text, start + data.draw(st.integers(0, 40)))
        return [Edit(start, end, "")]
    if kind == "replace":
        start = _safe(text, data.draw(st.integers(0, n)))
        end = _safe(text, start + data.draw(st.integers(0, 12)))
        return [Edit(start, end, data.draw(st.sampled_from(FRAGMENTS)))]
    starts = line_offsets(text)
    if kind == "line":
        index = data.draw(st.integers(0, len(starts) - 1))
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else n
        action = data.draw(st.sampled_from(["delete", "duplicate", "replace"]))
        if action == "delete":
            return [Edit(start, end, "")]
        if action == "duplicate":
            chunk = text[start:end]
            return [Edit(start, start, chunk if chunk.endswith(("\n", "\r")) else chunk + "\n")]
        other = data.draw(st.sampled_from(corpus_texts))
        line = data.draw(st.sampled_from(lines_of(other)))
        return [Edit(start, end, line + "\n")]
    if kind == "paste":
        other = data.draw(st.sampled_from(corpus_texts))
        other_lines = lines_of(other)
        first = data.draw(st.integers(0, max(0, len(other_lines) - 1)))
        count = data.draw(st.integers(1, 12))
        block = "\n".join(other_lines[first : first + count]) + "\n"
        at = starts[data.draw(st.integers(0, len(starts) - 1))]
        return [Edit(at, at, block)]
    # type a token one character at a time
    offset = _safe(text, data.draw(st.integers(0, n)))
    token = data.draw(
        st.sampled_from(
            [
                "torch.relu(x)",
                "spmd.all_reduce(h, 'tp', src=P, dst=R)",
                "y = x + 1\n",
                "def f(a):\n    return a\n",
                "é𝔘",
            ]
        )
    )
    edits = []
    for index, char in enumerate(token):
        edits.append(Edit(offset + index, offset + index, char))
    return edits


def sample_offsets(text: str, count: int, seed: int) -> list[int]:
    """Positions to hover at: half inside identifiers (where facts are), half anywhere."""
    import re

    rng = random.Random(seed)
    names = [
        m.start() + rng.randint(0, len(m.group()) - 1) for m in re.finditer(r"[^\W\d]\w*", text)
    ]
    chosen = {_safe(text, rng.randint(0, len(text))) for _ in range(count // 2)}
    if names:
        chosen.update(_safe(text, rng.choice(names)) for _ in range(count - count // 2))
    return sorted(chosen)
