"""Score the parser on a synthetic corpus changed the ways real files differ from their pages.

    .venv/bin/python tools/perturbed_corpus.py [--reports N] [--seed S] [--workdir DIR] [--show K] [NAME ...]

Writes N synthetic reports (`ogi synth`), then for each perturbation (all of PERTURBATIONS, or the
NAMEs given) a copy of them changed that way (every file that decodes as UTF-8: the junk files and
the pages cut inside a character are copied as they are), parses it as a run does and scores it
against the corpus's truth, and prints one line a perturbation: figures and metadata fields
recovered, statuses right, warnings the truth does not expect, and the first K mistakes. Session
61 found with it what `tests/test_perturbed_pages.py` now keeps (docs/performance-log.md). Some
perturbations lose what cannot be told (a blank last cell with no pipe after it, a tab row's
blanks as spaces): the list says which.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from orchestration.corpus import write_corpus
from orchestration.scoring import score
from orchestration.settings import Settings
from orchestration.synth import generate

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_CELL = re.compile(r"<td>(.*?)</td>")


def _cells(change: Callable[[str], str]) -> Callable[[str], str]:
    """``change`` applied to each HTML cell's text of a page (a text file's lines as they are)."""
    return lambda text: _CELL.sub(lambda m: "<td>" + change(m.group(1)) + "</td>", text)


def _after_letters(mark: str, every: int) -> Callable[[str], str]:
    """``mark`` after one ideograph in ``every`` (a zero-width space or a space inside words)."""
    def change(text: str) -> str:
        out, count = [], 0
        for char in text:
            out.append(char)
            if "\u4e00" <= char <= "\u9fff":
                count += 1
                if count % every == 0:
                    out.append(mark)
        return "".join(out)
    return change


def _wrapped(width: int) -> Callable[[str], str]:
    """Each line with a comma longer than ``width`` cut every ``width`` characters, not inside a
    number: a PDF's lines, a narrow cell's label. Rows of several cells are left whole."""
    def change(text: str) -> str:
        lines = []
        for line in text.split("\n"):
            if len(line) <= width or "," not in line or "|" in line or "\t" in line or "<" in line:
                lines.append(line)
            else:
                lines.extend(m.group() for m in re.finditer(rf".{{{width},}}?(?<![\d.])(?![\d.])|.+$", line))
        return "\n".join(lines)
    return change


def _page_number_in_table(text: str) -> str:
    """A page's number between two rows of table 三, as a PDF's text carries its footer."""
    row = re.search(r"(?m)^3\.危及.*$", text)
    return text if row is None else text[: row.end()] + "\n- 3 -" + text[row.end():]


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


# name: (the change, the encoding written, whether what it loses can be told at all)
PERTURBATIONS: dict[str, tuple[Callable[[str], str], str, bool]] = {
    "windows_line_ends": (lambda t: t.replace("\n", "\r\n"), "utf-8", True),
    "old_mac_line_ends": (lambda t: t.replace("\n", "\r"), "utf-8", True),
    "blank_lines_between": (lambda t: t.replace("\n", "\n\n"), "utf-8", True),
    "trailing_spaces": (lambda t: t.replace("\n", "  \n"), "utf-8", True),
    "wide_spaces_at_line_ends": (lambda t: t.replace("\n", "\u3000\n"), "utf-8", True),
    "indented_lines": (lambda t: re.sub(r"(?m)^(?=\S)", "\u3000\u3000", t), "utf-8", True),
    "zero_width_spaces_at_line_starts": (lambda t: t.replace("\n", "\n\u200b"), "utf-8", True),
    "zero_width_spaces_in_words": (_after_letters("\u200b", 37), "utf-8", True),
    "spaces_in_words": (_after_letters(" ", 37), "utf-8", True),
    "full_width_digits": (lambda t: t.translate(_FULL_WIDTH), "utf-8", True),
    "minus_signs": (lambda t: re.sub(r"(?<![\w-])-(?=\d)", "\u2212", t), "utf-8", True),
    "thousands_separators": (_cells(lambda c: f"{int(c):,}" if c.isdigit() else c), "utf-8", True),
    "nbsp_in_cells": (_cells(lambda c: f"&nbsp;{c}&nbsp;"), "utf-8", True),
    "word_html_cells": (_cells(lambda c: f"<p class=MsoNormal><span lang=EN-US>{c}<o:p></o:p></span></p>"), "utf-8", True),
    "page_on_one_line": (lambda t: t.replace("\n", "") if "<td>" in t else t, "utf-8", True),
    "no_pipes_at_row_ends": (lambda t: re.sub(r"(?m)^\| (.*) \|$", r"\1 |", t), "utf-8", True),
    "wrapped_labels": (_wrapped(25), "utf-8", True),
    "page_number_in_a_table": (_page_number_in_table, "utf-8", False),
    "page_chrome_on_the_title_line": (lambda t: "字号:[大 中 小] 打印本页 关闭窗口 " + t, "utf-8", False),
    "traditional": (_traditional, "utf-8", True),
    "gb18030": (lambda t: t, "gb18030", True),
    "utf16": (lambda t: t, "utf-16", True),
    "utf16_without_bom": (lambda t: t, "utf-16-le", True),
}


def perturbed_copy(base: Path, out: Path, change: Callable[[str], str], encoding: str) -> int:
    """``base``'s corpus (raw folder and truth) copied to ``out``, each UTF-8 file changed; how many."""
    changed = 0
    for source in sorted((base / "raw").rglob("*")):
        if not source.is_file():
            continue
        target = out / "raw" / source.relative_to(base / "raw")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            shutil.copyfile(source, target)
            continue
        target.write_bytes(change(text).encode(encoding))
        changed += 1
    shutil.copyfile(base / "truth.jsonl", out / "truth.jsonl")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--show", type=int, default=3, help="mistakes shown a perturbation")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of: {', '.join(PERTURBATIONS)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in PERTURBATIONS]
    if unknown:
        parser.error(f"no perturbation {', '.join(unknown)}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ogi-perturbed-"))
    base = workdir / f"synth-{args.reports}-{args.seed}"
    if not (base / "truth.jsonl").exists():
        generate(args.reports, base, seed=args.seed)
    for name in args.names or PERTURBATIONS:
        change, encoding, told_apart = PERTURBATIONS[name]
        out = workdir / name
        shutil.rmtree(out, ignore_errors=True)
        changed = perturbed_copy(base, out, change, encoding)
        (out / "parquet").mkdir()
        write_corpus(Settings(out / "raw", out, 50 * 2**20), out / "parquet")
        result = score(out / "truth.jsonl", out / "parquet", max_misses=args.show)
        mistakes = "" if told_apart else " (some of it cannot be told)"
        print(f"{name}: {changed} files changed, figures {result.figures_recovered}/{result.figures}, "
              f"fields {result.metadata_recovered}/{result.metadata_fields}, statuses {result.statuses_right}/"
              f"{result.files}, unexpected warnings {result.unexpected_warnings}{mistakes}", flush=True)
        for miss in result.misses[: args.show]:
            print(f"  {miss}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
