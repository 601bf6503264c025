"""The synthetic corpus changed the ways real files differ from the pages they were saved from,
every figure, organ, year and date still read: line ends of Windows and old Macs, characters a
page shows as nothing, blank lines between blocks, a page saved in UTF-16, long labels wrapped, a
word processor's minus signs, paragraphs indented, markdown rows with no pipe at their start."""

from __future__ import annotations

import re
import shutil

import pytest

from orchestration.corpus import write_corpus
from orchestration.scoring import score
from orchestration.synth import generate

from .conftest import settings


def _doubled_lines(text: str) -> str:
    return text.replace("\n", "\n\n")


def _wrapped_labels(text: str) -> str:
    """Each long line with a comma (a sentence, a label with a note) cut every 25 characters,
    not inside a number, as a PDF's lines or a narrow cell wrap it; tables' rows of several
    cells left whole."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= 25 or "," not in line or "|" in line or "\t" in line or "<" in line:
            lines.append(line)
            continue
        lines.extend(m.group() for m in re.finditer(r".{25,}?(?<![\d.])(?![\d.])|.+$", line))
    return "\n".join(lines)


PERTURBATIONS = {
    "windows_line_ends": (lambda text: text.replace("\n", "\r\n"), "utf-8"),
    "old_mac_line_ends": (lambda text: text.replace("\n", "\r"), "utf-8"),
    "zero_width_spaces": (lambda text: text.replace("\n", "\n\u200b"), "utf-8"),
    "blank_lines_between": (_doubled_lines, "utf-8"),
    "utf16": (lambda text: text, "utf-16"),
    "utf16_without_bom": (lambda text: text, "utf-16-le"),
    "wrapped_labels": (_wrapped_labels, "utf-8"),
    "minus_signs": (lambda text: re.sub(r"(?<![\w-])-(?=\d)", "\u2212", text), "utf-8"),
    "indented_lines": (lambda text: re.sub(r"(?m)^(?=\S)", "\u3000\u3000", text), "utf-8"),
    "no_pipes_at_row_ends": (lambda text: re.sub(r"(?m)^\| (.*) \|$", r"\1 |", text), "utf-8"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("perturbed")
    generate(160, out / "base", seed=11)
    return out


@pytest.mark.parametrize("name", PERTURBATIONS)
def test_every_figure_and_field_comes_back_from_perturbed_files(corpus, name):
    change, encoding = PERTURBATIONS[name]
    base, out = corpus / "base", corpus / name
    changed = 0
    for source in sorted((base / "raw").rglob("*")):
        if not source.is_file():
            continue
        target = out / "raw" / source.relative_to(base / "raw")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # (the junk files, a page cut inside a character: as they are)
            shutil.copyfile(source, target)
            continue
        target.write_bytes(change(text).encode(encoding))
        changed += 1
    assert changed > 140
    shutil.copyfile(base / "truth.jsonl", out / "truth.jsonl")
    (out / "parquet").mkdir()
    write_corpus(settings(out / "raw", out), out / "parquet")
    result = score(out / "truth.jsonl", out / "parquet")
    assert result.misses == []
    assert result.figures > 15_000 and result.figures_recovered == result.figures
    assert result.metadata_recovered == result.metadata_fields > 800
    assert result.statuses_right == result.files == 160
    assert result.unexpected_warnings == 0
