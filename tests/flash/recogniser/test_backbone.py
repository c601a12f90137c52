"""The EfficientNet-Lite0 port and its shipped ImageNet weights recognise real pictures.

scikit-image ships the pictures; ImageNet classes: 281-285 cats (tabby, tiger cat, Persian,
Siamese, Egyptian cat), 504 coffee mug, 967 espresso, 968 cup, 657 missile, 744 projectile.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("efficientnet_lite_pytorch")
data = pytest.importorskip("skimage.data")

from twinflash.flash.recogniser.backbone import IMAGENET_SIZE, build  # noqa: E402
from twinflash.flash.recogniser.preprocess import to_input  # noqa: E402


def centre_crop(img: np.ndarray, size: int = IMAGENET_SIZE) -> np.ndarray:
    """Shorter side to size * 1.14, then the centre square (the usual ImageNet evaluation)."""
    import cv2

    h, w = img.shape[:2]
    s = size * 1.143 / min(h, w)
    img = cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    y0, x0 = (img.shape[0] - size) // 2, (img.shape[1] - size) // 2
    return img[y0 : y0 + size, x0 : x0 + size]


@pytest.fixture(scope="module")
def imagenet_model():
    torch.set_num_threads(1)
    return build(1000, IMAGENET_SIZE, pretrained=True).eval()


@pytest.mark.parametrize(
    ("picture", "top1_in"),
    [
        ("chelsea", {281, 282, 283, 284, 285}),  # a tabby cat
        ("coffee", {504, 967, 968}),  # an espresso in a cup
        ("rocket", {657, 744}),  # a rocket on its launch pad
    ],
)
def test_imagenet_top1_on_shipped_pictures(imagenet_model, picture: str, top1_in: set[int]) -> None:
    x = torch.from_numpy(to_input([centre_crop(getattr(data, picture)())], IMAGENET_SIZE))
    with torch.no_grad():
        probs = torch.softmax(imagenet_model(x), dim=1)[0]
    assert int(probs.argmax()) in top1_in
    assert float(probs[sorted(top1_in)].sum()) > 0.5


def test_random_weights_do_not_recognise_the_cat() -> None:
    """The test above measures the weights, not the pictures: untrained, the cat is lost."""
    torch.manual_seed(0)
    model = build(1000, IMAGENET_SIZE, pretrained=False).eval()
    x = torch.from_numpy(to_input([centre_crop(data.chelsea())], IMAGENET_SIZE))
    with torch.no_grad():
        probs = torch.softmax(model(x), dim=1)[0]
    assert float(probs[281:286].sum()) < 0.05
