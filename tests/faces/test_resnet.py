"""The numpy run of dlib's face ResNet against dlib's own: same descriptors, same file checks.

Needs no ../shared: the astronaut (scikit-image) gives a real face; random chips cover the
rest. The tolerance (1e-4 Euclidean) is far below the encoder's own noise (0.13, MODEL_CARD.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kernel.errors import ConfigError
from screening.faces.encode import encode_chips
from screening.faces.models import FaceModels, models_folder
from screening.faces.resnet import FaceResNet

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def models(face_models: FaceModels) -> FaceModels:
    """dlib's models, loaded once per worker (tests/conftest.py)."""
    return face_models


def dlib_descriptors(models: FaceModels, chips: list[np.ndarray]) -> np.ndarray:
    return np.asarray([np.asarray(v) for v in models.encoder.compute_face_descriptor(chips, 1)])


def astronaut_chip(models: FaceModels) -> np.ndarray:
    import dlib
    from skimage import data

    frame = np.ascontiguousarray(data.astronaut())  # type: ignore[no-untyped-call]
    rects, scores, _ = models.hog.run(frame, 1, 0.0)
    rect = rects[int(np.argmax(scores))]  # the face; the badge scores lower
    return np.asarray(dlib.get_face_chip(frame, models.landmarks5(frame, rect), size=150))


def test_descriptors_equal_dlibs_on_a_real_face_and_random_chips(models: FaceModels) -> None:
    rng = np.random.default_rng(17)
    chip = astronaut_chip(models)
    chips = [chip, np.ascontiguousarray(chip[:, ::-1])]
    chips += [rng.integers(0, 256, (150, 150, 3), dtype=np.uint8) for _ in range(5)]
    ours = models.resnet.descriptors(chips)
    assert ours.shape == (7, 128) and ours.dtype == np.float32
    distances = np.linalg.norm(ours - dlib_descriptors(models, chips), axis=1)
    assert distances.max() < TOLERANCE, distances


def test_batches_do_not_change_a_descriptor(models: FaceModels) -> None:
    rng = np.random.default_rng(3)
    chips = [rng.integers(0, 256, (150, 150, 3), dtype=np.uint8) for _ in range(6)]
    together = models.resnet.descriptors(chips)
    alone = np.concatenate([models.resnet.descriptors([c]) for c in chips])
    assert np.abs(together - alone).max() < 1e-5


def test_encode_chips_uses_it_and_dlib_for_jitter(models: FaceModels) -> None:
    chip = astronaut_chip(models)
    plain = encode_chips(models, [chip])
    assert np.linalg.norm(plain[0] - dlib_descriptors(models, [chip])[0]) < TOLERANCE
    jittered = encode_chips(models, [chip], num_jitters=3)
    # dlib's random jitter: near, not equal.
    assert 0 < np.linalg.norm(plain[0] - jittered[0]) < 0.2


def test_no_chips_and_wrong_size(models: FaceModels) -> None:
    assert models.resnet.descriptors([]).shape == (0, 128)
    with pytest.raises(ValueError, match="150x150x3"):
        models.resnet.descriptors([np.zeros((100, 100, 3), dtype=np.uint8)])


@pytest.mark.parametrize(
    "mangle",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data.replace(b"\x01\x07affine_", b"\x01\x07affinX_", 1),  # a layer missing
        lambda data: b"not a network",
    ],
)
def test_another_file_is_refused(tmp_path: Path, mangle: object) -> None:
    data = (models_folder() / "dlib_face_recognition_resnet_model_v1.dat").read_bytes()
    path = tmp_path / "net.dat"
    path.write_bytes(mangle(data))  # type: ignore[operator]
    with pytest.raises(ConfigError, match="face ResNet"):
        FaceResNet.load(path)
