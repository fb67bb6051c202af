"""The donor brief is one page that reads right: rendered to PNG and its text extracted."""

from __future__ import annotations

import pandas as pd
import pypdfium2 as pdfium
import pytest

from matcher.events.handouts import donor_brief_pdf, event_briefs_pdf


def pages_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def rendered_ink(pdf: bytes, page: int = 0) -> float:
    """Share of non-white pixels of a page rendered to an image (what a printer would put ink on)."""
    image = pdfium.PdfDocument(pdf)[page].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)


@pytest.fixture(scope="module")
def brief(event, rows, schedule) -> bytes:
    return donor_brief_pdf(event, "DE-IKI", rows, schedule)


def test_brief_is_one_page_with_accented_names_as_written(brief) -> None:
    (text,) = pages_text(brief)
    assert "Donor brief: Germany – IKI" in text
    assert "Apoyo a las áreas protegidas terrestres de Mesoamérica" in text
    assert "Réserve de biosphère du Dja : gestion durable" in text
    assert "Hélène Côté · helene@example.org" in text
    assert rendered_ink(brief) > 0.005


def test_brief_gives_amount_in_both_currencies_score_in_words_and_three_reasons(brief) -> None:
    (text,) = pages_text(brief)
    assert "09:30 · table 1 · Panama" in text
    assert "El Salvador, Panama · requests USD 614,250 (EUR " in text
    assert "strong fit (0.71)" in text
    for reason in (
        "shares Aichi 11 and 15",
        "funded 3 similar projects",
        "request within grant range",
    ):
        assert f"• {reason}" in text
    assert "active in the region" not in text  # the fourth reason is left out
    assert "Decision: interested" in text
    assert "Also on your list (no meeting)" in text


def test_meetings_are_in_time_order(event, rows) -> None:
    schedule = pd.DataFrame(
        [
            {"donor_id": "DE-IKI", "delegation": "CMR", "slot": 3, "table": 1},
            {"donor_id": "DE-IKI", "delegation": "PAN", "slot": 1, "table": 2},
        ]
    )
    (text,) = pages_text(donor_brief_pdf(event, "DE-IKI", rows, schedule))
    assert text.index("09:00 · table 2 · Panama") < text.index("10:00 · table 1 · Cameroon")
    assert "Also on your list" not in text


def test_a_long_list_still_fits_one_page_and_says_what_was_cut(event) -> None:
    many = pd.DataFrame(
        [
            {
                "donor_id": "NO",
                "donor_name": "Norway",
                "proposal_id": f"P{i}",
                "title": f"Restauración de manglares y bosques secos, fase {i} — Côte d'Ivoire et Sénégal",
                "countries": "CIV;SEN",
                "requested_amount": 100000 + i,
                "currency": "NOK",
                "score": 0.5,
                "explanation": "shares Aichi 15; funded similar work in West Africa; request within range",
            }
            for i in range(35)
        ]
    )
    pdf = donor_brief_pdf(event, "NO", many)
    (text,) = pages_text(pdf)
    assert "more: see the event workbook." in text
    assert "No meeting is scheduled yet." in text


def test_all_briefs_of_an_event_one_page_per_donor(event, rows, schedule) -> None:
    pdf = event_briefs_pdf(event, rows, schedule)
    texts = pages_text(pdf)
    assert len(texts) == 2
    assert texts[0].startswith("Donor brief: Germany – IKI")
    assert texts[1].startswith("Donor brief: Japan Biodiversity Fund")
    assert "09:00 · table 2 · El Salvador" in texts[1]


def test_a_meeting_with_many_proposals_is_cut_to_fit_and_counts_the_rest(event) -> None:
    many = pd.DataFrame(
        [
            {
                "donor_id": "NO",
                "donor_name": "Norway",
                "proposal_id": f"P{i}",
                "title": f"Restauración de manglares, fase {i}",
                "countries": "SEN",
                "requested_amount": 100000,
                "currency": "NOK",
                "score": 0.5,
                "explanation": "shares Aichi 15; funded similar work; request within range",
            }
            for i in range(30)
        ]
    )
    schedule = pd.DataFrame([{"donor_id": "NO", "delegation": "SEN", "slot": 1, "table": 3}])
    (text,) = pages_text(donor_brief_pdf(event, "NO", many, schedule))
    assert "1 meeting; 30 proposals on your list." in text
    assert "more proposals of Senegal: see the event workbook." in text


def test_chinese_arabic_and_russian_titles_print_as_written(event) -> None:
    rows = pd.DataFrame(
        [
            {"donor_id": "CN", "donor_name": "中国生物多样性基金", "proposal_id": "A",
             "title": "保护区网络 · 湿地恢复", "countries": "CHN", "score": 0.6},
            {"donor_id": "CN", "donor_name": "中国生物多样性基金", "proposal_id": "B",
             "title": "شبكة المحميات الطبيعية", "countries": "EGY", "score": 0.5},
            {"donor_id": "CN", "donor_name": "中国生物多样性基金", "proposal_id": "C",
             "title": "Заповедники Алтая", "countries": "RUS", "score": 0.4},
        ]
    )  # fmt: skip
    pdf = donor_brief_pdf(event, "CN", rows)
    (text,) = pages_text(pdf)
    assert "Donor brief: 中国生物多样性基金" in text
    assert "保护区网络 · 湿地恢复" in text
    assert "Заповедники Алтая" in text
    # Arabic is shaped and laid out right to left; its words come out of the page whole.
    for word in ("شبكة", "المحميات", "الطبيعية"):
        assert word in text
    assert rendered_ink(pdf) > 0.005
