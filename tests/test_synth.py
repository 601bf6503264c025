"""`ogi synth`: a corpus with known answers, and the parser recovering all of it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from orchestration.corpus import list_raw_files, write_corpus
from orchestration.scoring import score
from orchestration.settings import Settings
from orchestration.synth import ERAS, FAULTS, PAGE_LINKS, generate
from orchestration.synthetic import SHAPES, TITLE_FORMS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    raw = generate(900, out, seed=3, fault_rate=0.04)
    parquet = out / "parquet"
    parquet.mkdir()
    write_corpus(Settings(raw, out, 50 * 2**20), parquet)
    return out, raw, parquet


def truths(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


def test_corpus_covers_every_era_shape_and_fault(corpus):
    out, _, _ = corpus
    records = truths(out)
    assert {(r["era"], r["shape"]) for r in records if r["era"]} == {(era, shape) for era in ERAS for shape in SHAPES}
    assert set(Counter(r["fault"] for r in records)) == {None, *FAULTS}
    quarantined = Counter(r["quarantine_code"] for r in records if r["status"] == "quarantined")
    assert set(quarantined) == {"duplicate_content", "binary_file", "not_a_report"}


def test_every_generated_figure_comes_back(corpus):
    out, _, parquet = corpus
    result = score(out / "truth.jsonl", parquet)
    assert result.misses == []
    assert result.figures > 90_000 and result.figures_recovered == result.figures
    assert result.metadata_recovered == result.metadata_fields
    assert result.statuses_right == result.files == 900
    assert result.expected_issues_found == result.expected_issues > 50
    assert result.unexpected_warnings == 0


def test_recovery_per_era_shape_fault_and_title(corpus):
    """The score above, broken down: no era, shape, fault kind, title's form or page's links
    hides behind the others (a title's form and the links decide the organ and the year read)."""
    out, _, parquet = corpus
    records = truths(out)
    assert {r["title_form"] for r in records if r["era"]} == set(TITLE_FORMS)
    assert {r["page_links"] for r in records if r["era"]} == {None, *PAGE_LINKS}
    for key in ("era", "shape", "fault", "title_form", "page_links"):
        groups = score(out / "truth.jsonl", parquet, by=key)
        assert set(groups) == {r[key] for r in records}
        for group, result in groups.items():
            assert result.perfect, (key, group, result.misses)


def test_same_seed_same_files(tmp_path):
    def digest(root: Path) -> str:
        h = hashlib.sha256()
        for path in list_raw_files(root / "raw"):
            h.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
        h.update((root / "truth.jsonl").read_bytes())
        return h.hexdigest()

    generate(120, tmp_path / "a", seed=5)
    generate(120, tmp_path / "b", seed=5)
    generate(120, tmp_path / "c", seed=6)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")
