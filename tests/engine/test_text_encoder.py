"""Language-neutral text (issue 12, part 2): proposals in the six UN languages (and Portuguese)
meet donor priorities written in English; each text is embedded once."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.rank import Matcher
from matcher.text import DiskCache, SentenceEncoder, encoder_available

from .conftest import donors_frame, proposals_frame

pytestmark = pytest.mark.skipif(not encoder_available(), reason="encoder package not installed")

DONORS = donors_frame(
    [
        {
            "donor_id": "REEF",
            "name": "Reef Fund",
            "priorities": "Coral reef restoration and marine protected areas for island fisheries.",
        },
        {
            "donor_id": "DRY",
            "name": "Dryland Fund",
            "priorities": "Fighting desertification, restoring degraded drylands and pastures "
            "in the Sahel.",
        },
        {
            "donor_id": "FOREST",
            "name": "Forest Fund",
            "priorities": "Tropical rainforest conservation and reducing deforestation with "
            "indigenous forest peoples.",
        },
    ]
)
CORAL = {
    "en": "Restoring coral reefs and creating marine protected areas with fishing communities",
    "fr": "Restauration des récifs coralliens et création d'aires marines protégées avec les "
    "communautés de pêcheurs",
    "es": "Restauración de arrecifes de coral y creación de áreas marinas protegidas con "
    "comunidades pesqueras",
    "zh": "与渔业社区一起恢复珊瑚礁并建立海洋保护区",
    "ru": "Восстановление коралловых рифов и создание морских охраняемых районов вместе с "
    "рыболовецкими общинами",
    "ar": "استعادة الشعاب المرجانية وإنشاء مناطق بحرية محمية مع مجتمعات الصيد",
    "pt": "Restauração de recifes de coral e criação de áreas marinhas protegidas com "
    "comunidades pesqueiras",
}


@pytest.fixture(scope="module")
def encoder(tmp_path_factory) -> SentenceEncoder:
    return SentenceEncoder(DiskCache(tmp_path_factory.mktemp("embeddings")))


def test_a_coral_reef_proposal_in_every_language_meets_the_reef_fund_first(encoder) -> None:
    proposals = proposals_frame([{"proposal_id": k, "title": v} for k, v in CORAL.items()])
    scores = Matcher(encoder=encoder).fit(DONORS).score(proposals)
    thematic = scores.component("thematic")
    reef = list(scores.donor_ids).index("REEF")
    others = [i for i in range(len(scores.donor_ids)) if i != reef]
    for row, language in enumerate(CORAL):
        margin = thematic[row, reef] - thematic[row, others].max()
        assert margin > 0.15, f"{language}: reef {thematic[row, reef]:.2f}, margin {margin:.2f}"


def test_without_the_encoder_russian_and_arabic_cannot_be_told_apart() -> None:
    proposals = proposals_frame([{"proposal_id": k, "title": CORAL[k]} for k in ("ru", "ar")])
    thematic = Matcher().fit(DONORS).score(proposals).component("thematic")
    assert (thematic.max(axis=1) - thematic.min(axis=1) < 0.1).all()  # why the encoder is there


def test_each_text_is_embedded_once_and_read_back_from_the_cache(encoder, tmp_path) -> None:
    proposals = proposals_frame([{"proposal_id": "x", "title": "Mangrove nurseries in Kenya"}])
    first = Matcher(encoder=encoder).fit(DONORS).score(proposals).component("thematic")
    encoded = encoder.encoded
    again = SentenceEncoder(encoder.cache)  # a new process would read the same folder
    second = Matcher(encoder=again).fit(DONORS).score(proposals).component("thematic")
    assert again.encoded == 0 and encoder.encoded == encoded
    np.testing.assert_allclose(first, second)
