"""Ecosystems named in French and Spanish are detected (issue 10 item 4)."""

from __future__ import annotations

import pytest

from matcher.contract import ECOSYSTEMS
from matcher.score import detect_ecosystems


def detected(text: str) -> set[str]:
    row = detect_ecosystems([text])[0]
    return {name for name, on in zip(ECOSYSTEMS, row, strict=True) if on}


@pytest.mark.parametrize(
    ("text", "ecosystem"),
    [
        ("Protection des récifs coralliens", "marine_coastal"),
        ("Conservación de arrecifes", "marine_coastal"),
        ("Restauración de manglares", "marine_coastal"),
        ("Restauration des mangroves du Saloum", "marine_coastal"),
        ("Manglares y arrecifes del Caribe", "marine_coastal"),
        ("arrecifes", "marine_coastal"),
        ("manglares", "marine_coastal"),
        ("Manejo de humedales altoandinos", "wetlands"),
        ("Bosques secos del Chaco", "forests"),
        ("Réseau d'aires protégées insulaires", "islands"),
    ],
)
def test_french_and_spanish_ecosystem_words_are_detected(text, ecosystem):
    assert ecosystem in detected(text)


def test_a_text_naming_no_ecosystem_detects_none():
    assert detected("Renforcement des capacités institutionnelles") == set()
