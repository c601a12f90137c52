"""The model card: written whole, read back equal, refused in one line when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twinflash.errors import InputError
from twinflash.flash.recogniser.card import ClassEntry, ModelCard, read_card, write_card


def _card() -> ModelCard:
    return ModelCard(
        pretrained=False,
        classes=[ClassEntry(make="Renault", model="Clio", body="CI")],
        temperature=1.3,
        input_size=64,
        crop={"size_wh": [64, 64]},
        training_data={},
        training={},
        metrics={"top1": 0.9},
    )


def test_round_trip(tmp_path: Path) -> None:
    path = write_card(_card(), tmp_path)
    assert path == tmp_path / "card.json" and read_card(tmp_path) == _card()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (None, r"no model card \(is .* a trained model directory\?\)"),
        ("{oops", "not JSON"),
        ({"schema_version": 2}, "schema_version 2, this twinflash reads 1"),
        ({"schema_version": 1, "pretrained": False}, "classes: Field required"),
    ],
)
def test_a_wrong_card_is_one_line_naming_the_file(
    tmp_path: Path, doc: object, message: str
) -> None:
    if doc is not None:
        text = doc if isinstance(doc, str) else json.dumps(doc)
        (tmp_path / "card.json").write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        read_card(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / "card.json"))
