"""A text as overlapping windows of tokens, and batched inference over the windows.

A model sees at most a few hundred tokens at a time; a longer post is split into windows of
`max_tokens` (special tokens included) that share `overlap` tokens, so a word on an edge is
also seen with context on both sides. Every token keeps its character offsets in the post,
which is how findings point back at the exact text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kernel.errors import ModelDirError

if TYPE_CHECKING:
    import torch
    from transformers import BatchEncoding, PreTrainedTokenizerBase


@dataclass(frozen=True, slots=True)
class Window:
    """One window: its position in the encoded batch and the characters its tokens cover."""

    index: int
    start: int
    end: int
    #: Positions (in the window's row) of the text's tokens, special tokens left out.
    positions: tuple[int, ...]


@dataclass(frozen=True)
class EncodedText:
    """A text tokenised into windows, ready for the model."""

    encoding: BatchEncoding
    windows: tuple[Window, ...]
    #: The tensors the model takes (input ids, attention mask, ...), one row per window.
    inputs: dict[str, torch.Tensor]

    def offsets(self, window: Window) -> list[tuple[int, int]]:
        """Character offsets of the window's text tokens, in order."""
        row = self.encoding["offset_mapping"][window.index].tolist()
        return [(int(row[p][0]), int(row[p][1])) for p in window.positions]

    def word_ids(self, window: Window) -> list[int]:
        """The word (of the whole text) each of the window's text tokens belongs to."""
        ids = self.encoding.word_ids(window.index)
        return [int(ids[p]) for p in window.positions]  # type: ignore[arg-type]


def check_window(max_tokens: int, overlap: int, tokenizer: PreTrainedTokenizerBase) -> None:
    """Refuse a window size and overlap that leave no room for new tokens in each window."""
    room = max_tokens - tokenizer.num_special_tokens_to_add(pair=False)
    if room < 2 or not 0 <= overlap < room:
        raise ModelDirError(
            f"SCREENING_TRANSFORMER_OVERLAP_TOKENS ({overlap}) must be smaller than the text "
            f"tokens per window ({room} of SCREENING_TRANSFORMER_MAX_TOKENS={max_tokens}, "
            "after the model's limit and its special tokens)",
            f"SCREENING_TRANSFORMER_OVERLAP_TOKENS ({overlap}) moet kleiner zijn dan het aantal "
            f"teksttokens per venster ({room} van SCREENING_TRANSFORMER_MAX_TOKENS={max_tokens}, "
            "na de grens van het model en zijn speciale tokens)",
        )


def encode(
    tokenizer: PreTrainedTokenizerBase, text: str, max_tokens: int, overlap: int
) -> EncodedText:
    """`text` as windows of at most `max_tokens` tokens sharing `overlap` tokens."""
    encoding = tokenizer(
        text,
        truncation=True,
        max_length=max_tokens,
        stride=overlap,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding=True,
        return_tensors="pt",
    )
    windows: list[Window] = []
    offsets = encoding["offset_mapping"]
    for i in range(len(encoding["input_ids"])):
        positions = tuple(p for p, s in enumerate(encoding.sequence_ids(i)) if s == 0)
        if not positions:  # an empty text gives one window of special tokens only
            continue
        windows.append(
            Window(
                index=i,
                start=int(offsets[i][positions[0]][0]),
                end=int(offsets[i][positions[-1]][1]),
                positions=positions,
            )
        )
    inputs = {k: encoding[k] for k in tokenizer.model_input_names if k in encoding}
    return EncodedText(encoding, tuple(windows), inputs)


def batches(count: int, size: int) -> Iterator[range]:
    """Consecutive ranges of at most `size` of the indices 0..count-1."""
    for lo in range(0, count, size):
        yield range(lo, min(lo + size, count))


def run_batched(
    model: Callable[..., Any],
    encoded: EncodedText,
    batch_size: int,
    activation: Callable[[torch.Tensor], torch.Tensor],
) -> list[torch.Tensor]:
    """The model's output for every window (after `activation`), `batch_size` windows a pass.

    Each batch is cut to its own longest window, so a short last window does not pay for the
    padding of the others.
    """
    import torch

    rows = [w.index for w in encoded.windows]
    mask = encoded.inputs["attention_mask"]
    out: list[torch.Tensor] = []
    with torch.inference_mode():
        for batch in batches(len(rows), batch_size):
            index = torch.tensor([rows[i] for i in batch])
            width = int(mask[index].sum(dim=1).max())
            inputs = {k: v[index] for k, v in encoded.inputs.items()}
            if _right_padded(mask[index]):
                inputs = {k: v[:, :width] for k, v in inputs.items()}
            logits = model(**inputs).logits
            out.extend(activation(logits.float()).unbind(0))
    return out


def _right_padded(mask: torch.Tensor) -> bool:
    # Cutting columns is only safe when padding sits at the end of every row.
    return bool((mask[:, :-1] >= mask[:, 1:]).all())
