"""The dlib face models, loaded once when the pipeline is built (never at import).

The weights come from the `face_recognition_models` package (dlib's models, as packaged for
face_recognition). That package's `__init__` imports `pkg_resources`, which recent
setuptools no longer ships, so its folder is located without importing it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kernel.errors import ConfigError
from screening.faces.resnet import FaceResNet

#: Identifies the embedding model in every stored template; templates made by another model
#: are never compared with these.
ENCODER_MODEL_ID = "dlib_face_recognition_resnet_model_v1"

_FILES = {
    "encoder": "dlib_face_recognition_resnet_model_v1.dat",
    "landmarks5": "shape_predictor_5_face_landmarks.dat",
    "cnn": "mmod_human_face_detector.dat",
}


def models_folder() -> Path:
    """The folder with dlib's .dat model files inside the face_recognition_models package."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the face models are not installed (pip package face_recognition_models)",
            "de gezichtsmodellen zijn niet geïnstalleerd (pip-pakket face_recognition_models)",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


@cache
def file_sha256(path: Path) -> str:
    """sha256 of a model file, for the model card and the decision's versions."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class FaceModels:
    """dlib's HOG and CNN detectors, the 5-point landmark predictor and the face encoder.

    `encoder` is dlib's own network (used for jittered encodings and as the reference);
    `resnet` is the same weights run with numpy's BLAS, 6-7x faster on one core
    (screening/faces/resnet.py), which `encode_chips` uses.

    The 68-point predictor that face_recognition_models also ships is deliberately not
    loaded: nothing needs it, and it was trained on iBUG 300-W, whose licence excludes
    commercial use.
    """

    hog: Any
    cnn: Any
    landmarks5: Any
    encoder: Any
    resnet: FaceResNet
    encoder_id: str = ENCODER_MODEL_ID


def load_face_models(folder: Path | None = None) -> FaceModels:
    """Load every model from `folder` (default: the installed package's folder)."""
    import dlib

    folder = folder or models_folder()
    paths = {k: folder / name for k, name in _FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise ConfigError(
            f"face model files are missing: {', '.join(missing)}",
            f"bestanden van het gezichtsmodel ontbreken: {', '.join(missing)}",
        )
    return FaceModels(
        hog=dlib.get_frontal_face_detector(),
        cnn=dlib.cnn_face_detection_model_v1(str(paths["cnn"])),
        landmarks5=dlib.shape_predictor(str(paths["landmarks5"])),
        encoder=dlib.face_recognition_model_v1(str(paths["encoder"])),
        resnet=FaceResNet.load(paths["encoder"]),
    )
