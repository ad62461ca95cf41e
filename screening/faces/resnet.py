"""dlib's face ResNet (dlib_face_recognition_resnet_model_v1) run with numpy instead of dlib.

The pip wheel of dlib is built without BLAS, so its CPU convolutions run dlib's own matrix
multiply: about 80 ms per face chip on one core here. numpy ships an optimised OpenBLAS, and
the network is small (29 convolutions on a 150x150 chip), so the same weights run as
im2col + one matrix product per convolution take 11-13 ms per chip, with descriptors equal to
dlib's within 2e-6 (Euclidean; the encoder's own noise is 0.13). MODEL_CARD.md has the
figures; tests/faces/test_resnet.py compares with dlib on every run.

The weights are read from dlib's own file. Its layout (dlib/dnn serialisation): the network
is written from the input layer outwards; a convolution is `"con_4"`, its parameter tensor
(filters then biases), seven integers (filters, rows, columns, stride y/x, padding y/x) and
the shapes of the filter and bias views; a batch-norm-turned-affine layer is `"affine_"`, its
tensor (gamma then beta) and two view shapes; pools are `"max_pool_2"`/`"avg_pool_2"` and
six integers; the last layer is `"fc_2"` (outputs, inputs, then a tensor inputs x outputs).
The architecture (dlib's dnn_face_recognition_ex.cpp) is checked layer by layer while
reading, so a different file is refused instead of giving wrong descriptors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kernel.errors import ConfigError

F32 = npt.NDArray[np.float32]

#: Size of the aligned chip the network was trained on (dlib's input_rgb_image_sized<150>).
CHIP_SIDE = 150
#: Chips per matrix product: large enough to amortise the per-layer overhead, small enough to
#: keep the im2col buffers in cache (2-4 were fastest on one core; 8 is within 10%).
BATCH = 4

_LAYER = re.compile(
    rb"\x01([\x04-\x0f])(con_4|affine_|max_pool_2|avg_pool_2|fc_2|relu_1|add_prev_1)"
)


@dataclass(frozen=True, slots=True)
class _Conv:
    """A convolution with the following affine (batch-norm) layer folded into it."""

    weights: F32  # (k*k*in, out), rows in (dy, dx, channel) order
    bias: F32
    size: int
    stride: int
    padding: int


@dataclass(frozen=True, slots=True)
class _Block:
    """A residual block: conv-relu-conv plus the input (average-pooled when downsampling)."""

    first: _Conv
    second: _Conv
    downsample: bool


@dataclass(frozen=True, slots=True)
class _RawConv:
    """A convolution as stored: filters (out, in, k, k), biases (maybe empty), stride, padding."""

    weights: F32
    bias: F32
    stride: int
    padding: int


@dataclass(frozen=True, slots=True)
class _RawAffine:
    """A per-channel affine map (dlib's batch norm at inference): x * gamma + beta."""

    gamma: F32
    beta: F32


_Params = _RawConv | _RawAffine | tuple[int, ...] | F32 | None


class _Reader:
    """dlib's serialised integers and float tensors, read from a byte string."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def int_at(self, i: int) -> tuple[int, int]:
        control = self.data[i]
        size = control & 0x0F
        value = int.from_bytes(self.data[i + 1 : i + 1 + size], "little")
        return (-value if control & 0x80 else value), i + 1 + size

    def ints_at(self, i: int, n: int) -> tuple[list[int], int]:
        values = []
        for _ in range(n):
            value, i = self.int_at(i)
            values.append(value)
        return values, i

    def tensor_at(self, i: int) -> tuple[F32, tuple[int, ...], int]:
        (version, *dims), i = self.ints_at(i, 5)
        if version != 2:
            raise ValueError(f"tensor format {version}")
        count = int(np.prod(dims))
        values = np.frombuffer(self.data, dtype="<f4", count=count, offset=i).astype(np.float32)
        return values, tuple(dims), i + 4 * count

    def view_at(self, i: int) -> tuple[tuple[int, ...], int]:
        (version, *dims), i = self.ints_at(i, 5)
        if version != 1:
            raise ValueError(f"tensor view format {version}")
        return tuple(dims), i


def _read_layers(data: bytes) -> list[tuple[str, _Params]]:
    """Every layer of the file, input side first, as (kind, parameters)."""
    reader = _Reader(data)
    layers: list[tuple[str, _Params]] = []
    for found in _LAYER.finditer(data):
        kind, i = found.group(2).decode(), found.end()
        if kind == "con_4":
            params, _, i = reader.tensor_at(i)
            (filters, rows, cols, stride_y, stride_x, pad_y, pad_x), i = reader.ints_at(i, 7)
            shape, i = reader.view_at(i)
            if shape != (filters, shape[1], rows, cols) or rows != cols:
                raise ValueError(f"convolution shape {shape}")
            if stride_y != stride_x or pad_y != pad_x:
                raise ValueError("anisotropic convolution")
            n = int(np.prod(shape))
            layers.append(("con", _RawConv(params[:n].reshape(shape), params[n:], stride_y, pad_y)))
        elif kind == "affine_":
            params, _, i = reader.tensor_at(i)
            half = params.size // 2
            layers.append(("affine", _RawAffine(params[:half], params[half:])))
        elif kind in ("max_pool_2", "avg_pool_2"):
            values, i = reader.ints_at(i, 6)
            layers.append((kind[:3] + "pool", tuple(values)))
        elif kind == "fc_2":
            (outputs, inputs), i = reader.ints_at(i, 2)
            params, dims, i = reader.tensor_at(i)
            if dims[:2] != (inputs, outputs):
                raise ValueError(f"fully connected shape {dims}")
            layers.append(("fc", params.reshape(inputs, outputs)))
        else:
            layers.append((kind, None))
    return layers


def _fold(con: _Params, affine: _Params) -> _Conv:
    """Convolution followed by a per-channel affine map, as one convolution."""
    if not isinstance(con, _RawConv) or not isinstance(affine, _RawAffine):
        raise ValueError("a convolution must be followed by an affine layer")
    filters, inputs, size, _ = con.weights.shape
    folded = (con.weights * affine.gamma[:, None, None, None]).transpose(2, 3, 1, 0)
    bias = con.bias * affine.gamma + affine.beta if con.bias.size else affine.beta
    return _Conv(
        np.ascontiguousarray(folded.reshape(size * size * inputs, filters), dtype=np.float32),
        bias.astype(np.float32),
        int(size),
        con.stride,
        con.padding,
    )


class FaceResNet:
    """dlib's 128-d face descriptor network on aligned 150x150 RGB chips (numpy, float32)."""

    #: dlib's input layer subtracts these channel means and divides by 256.
    MEANS = np.array([122.782, 117.001, 104.298], dtype=np.float32)

    def __init__(self, stem: _Conv, pool: tuple[int, int], blocks: list[_Block], fc: F32):
        self._stem = stem
        self._pool = pool
        self._blocks = blocks
        self._fc = fc

    @classmethod
    def load(cls, path: Path) -> FaceResNet:
        """Read dlib's .dat file, or ConfigError when it is not the expected network."""
        try:
            return cls._from_layers(_read_layers(path.read_bytes()))
        except (OSError, ValueError, TypeError, IndexError) as err:
            raise ConfigError(
                f"face encoder {path} cannot be read as dlib's face ResNet: {err}",
                f"het gezichtsmodel {path} is niet te lezen als dlibs face ResNet: {err}",
            ) from None

    @classmethod
    def _from_layers(cls, layers: list[tuple[str, _Params]]) -> FaceResNet:
        kinds = [k for k, _ in layers]
        if kinds[:4] != ["con", "affine", "relu_1", "maxpool"] or kinds[-2:] != [
            "avgpool",
            "fc",
        ]:
            raise ValueError(f"unexpected stem or head: {kinds[:4]} ... {kinds[-2:]}")
        pool = layers[3][1]
        stem = _fold(layers[0][1], layers[1][1])
        blocks: list[_Block] = []
        i = 4
        while i < len(layers) - 2:
            # con affine relu con affine [avgpool] add_prev relu
            window = kinds[i : i + 8]
            down = window[5] == "avgpool"
            expected = ["con", "affine", "relu_1", "con", "affine"]
            expected += ["avgpool", "add_prev_1", "relu_1"] if down else ["add_prev_1", "relu_1"]
            if window[: len(expected)] != expected:
                raise ValueError(f"unexpected residual block at layer {i}: {window}")
            if down and layers[i + 5][1] != (2, 2, 2, 2, 0, 0):
                raise ValueError("unexpected shortcut pooling")
            blocks.append(
                _Block(
                    _fold(layers[i][1], layers[i + 1][1]),
                    _fold(layers[i + 3][1], layers[i + 4][1]),
                    down,
                )
            )
            i += len(expected)
        if layers[-2][1] != (0, 0, 1, 1, 0, 0):
            raise ValueError("unexpected global pooling")
        if pool != (3, 3, 2, 2, 0, 0):
            raise ValueError(f"unexpected stem pooling {pool}")
        head = layers[-1][1]
        if not isinstance(head, np.ndarray):
            raise ValueError("no fully connected head")
        fc = np.ascontiguousarray(head, dtype=np.float32)
        if fc.shape[1] != 128 or stem.weights.shape[0] != 7 * 7 * 3:
            raise ValueError("not the 150x150 -> 128 face network")
        return cls(stem, (3, 2), blocks, fc)

    def descriptors(self, chips: Sequence[npt.NDArray[np.uint8]]) -> F32:
        """The descriptor (n x 128) of each 150x150x3 RGB chip, as dlib computes it."""
        if not chips:
            return np.zeros((0, 128), dtype=np.float32)
        for chip in chips:
            if chip.shape != (CHIP_SIDE, CHIP_SIDE, 3):
                raise ValueError(f"a face chip must be 150x150x3, not {chip.shape}")
        out = [self._forward(np.stack(chips[i : i + BATCH])) for i in range(0, len(chips), BATCH)]
        return np.concatenate(out)

    def _forward(self, chips: npt.NDArray[np.uint8]) -> F32:
        x = (chips.astype(np.float32) - self.MEANS) * np.float32(1 / 256)
        x = _max_pool(_conv(x, self._stem, relu=True), *self._pool)
        for block in self._blocks:
            y = _conv(_conv(x, block.first, relu=True), block.second, relu=False)
            shortcut = _avg_pool2(x) if block.downsample else x
            x = _add_relu(y, shortcut)
        pooled: F32 = x.mean(axis=(1, 2), dtype=np.float32)
        return pooled @ self._fc


def _conv(x: F32, conv: _Conv, *, relu: bool) -> F32:
    """Convolution (NHWC) as im2col + one matrix product; dlib's padding and stride."""
    n, height, width, channels = x.shape
    k, s, p = conv.size, conv.stride, conv.padding
    if p:
        padded = np.zeros((n, height + 2 * p, width + 2 * p, channels), dtype=np.float32)
        padded[:, p : p + height, p : p + width] = x
        x, height, width = padded, height + 2 * p, width + 2 * p
    out_h, out_w = (height - k) // s + 1, (width - k) // s + 1
    cols = np.empty((n, out_h, out_w, k * k * channels), dtype=np.float32)
    for dy in range(k):
        for dx in range(k):
            j = (dy * k + dx) * channels
            cols[..., j : j + channels] = x[
                :, dy : dy + s * (out_h - 1) + 1 : s, dx : dx + s * (out_w - 1) + 1 : s
            ]
    y = cols.reshape(-1, k * k * channels) @ conv.weights
    y += conv.bias
    if relu:
        np.maximum(y, 0, out=y)
    return y.reshape(n, out_h, out_w, -1)


def _max_pool(x: F32, size: int, stride: int) -> F32:
    height, width = x.shape[1:3]
    out_h, out_w = (height - size) // stride + 1, (width - size) // stride + 1
    out: F32 | None = None
    for dy in range(size):
        for dx in range(size):
            window = x[
                :,
                dy : dy + stride * (out_h - 1) + 1 : stride,
                dx : dx + stride * (out_w - 1) + 1 : stride,
            ]
            out = window.copy() if out is None else np.maximum(out, window, out=out)
    assert out is not None
    return out


def _avg_pool2(x: F32) -> F32:
    n, height, width, channels = x.shape
    out_h, out_w = height // 2, width // 2
    pooled = x[:, : 2 * out_h, : 2 * out_w].reshape(n, out_h, 2, out_w, 2, channels)
    out: F32 = pooled.mean(axis=(2, 4), dtype=np.float32)
    return out


def _add_relu(y: F32, shortcut: F32) -> F32:
    """dlib's add_prev: the sum over the larger shape, each input zero outside its own extent."""
    if y.shape == shortcut.shape:
        y += shortcut
        out = y
    else:
        shape = tuple(max(a, b) for a, b in zip(y.shape, shortcut.shape, strict=True))
        out = np.zeros(shape, dtype=np.float32)
        out[:, : y.shape[1], : y.shape[2], : y.shape[3]] += y
        out[:, : shortcut.shape[1], : shortcut.shape[2], : shortcut.shape[3]] += shortcut
    np.maximum(out, 0, out=out)
    return out
