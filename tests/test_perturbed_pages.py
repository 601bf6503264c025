"""The synthetic corpus changed the ways real files differ from the pages they were saved from
(`orchestration.perturb`), every figure, organ, year and date still read: line ends of Windows and
old Macs, characters a page shows as nothing, blank lines and indents, a word processor's minus
signs, wrapped labels, markdown rows with no pipe at their start, UTF-16 with a BOM or without, a
PDF's text saved as text with its pages' numbers and its tables' headers repeated on each page,
numbering in enclosed numerals ("㈠", "①")."""

from __future__ import annotations

import pytest

from orchestration.corpus import write_corpus
from orchestration.perturb import PERTURBATIONS, perturbed_copy
from orchestration.scoring import score
from orchestration.synth import generate

from .conftest import settings

WHOLE = [name for name, perturbation in PERTURBATIONS.items() if perturbation.whole]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("perturbed")
    generate(160, out / "base", seed=11)
    return out


def test_the_perturbations_expected_whole_are_most_of_them():
    assert len(WHOLE) >= 31 and {"windows_line_ends", "utf16_without_bom", "wrapped_labels", "minus_signs",
                                 "pdftotext_pages", "page_of_pages_in_text", "table3_header_repeated",
                                 "numbering_in_enclosed_ideographs", "article_in_digits"} <= set(WHOLE)


@pytest.mark.parametrize("name", WHOLE)
def test_every_figure_and_field_comes_back_from_perturbed_files(corpus, name):
    out = corpus / name
    assert perturbed_copy(corpus / "base", out, PERTURBATIONS[name]) > 140
    (out / "parquet").mkdir()
    write_corpus(settings(out / "raw", out), out / "parquet")
    result = score(out / "truth.jsonl", out / "parquet")
    assert result.misses == []
    assert result.figures > 15_000 and result.figures_recovered == result.figures
    assert result.metadata_recovered == result.metadata_fields > 800
    assert result.statuses_right == result.files == 160
    assert result.unexpected_warnings == 0
