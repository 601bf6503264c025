"""A synthetic corpus changed the ways real files differ from the pages they were saved from.

Each perturbation changes a report's text (and the encoding it is written in) as a crawl's copy
may differ from the page: Windows or old Mac line ends, characters shown as nothing, blank lines,
indents, minus signs, wrapped labels, a PDF's page numbers and repeated table headers, numbering
in enclosed numerals, another encoding. ``perturbed_copy`` writes a corpus so changed beside its
truth, which still holds: every figure, organ, year and date must come back.
``tests/test_perturbed_pages.py`` scores those the parser is expected to recover whole;
``tools/perturbed_corpus.py`` scores any of them (sessions 61-62).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_CELL = re.compile(r"<td>(.*?)</td>")


@dataclass(frozen=True)
class Perturbation:
    change: Callable[[str], str]
    encoding: str = "utf-8"
    # Whether the parser recovers everything: False where what is lost is not read yet (README,
    # sessions 61-62).
    whole: bool = True


def _cells(change: Callable[[str], str]) -> Callable[[str], str]:
    """``change`` applied to each HTML cell's text of a page (a text file's lines as they are)."""
    return lambda text: _CELL.sub(lambda m: "<td>" + change(m.group(1)) + "</td>", text)


def _after_letters(mark: str, every: int) -> Callable[[str], str]:
    """``mark`` after one ideograph in ``every`` (a zero-width space, a space inside words)."""
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
    """Each line with a comma (a sentence, a label with a note) longer than ``width`` cut every
    ``width`` characters, not inside a number, as a PDF's lines or a narrow cell wrap it; rows of
    several cells left whole."""
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
    """A page's number after a row of table 三, as a PDF's text saved as text carries its footer."""
    row = re.search(r"(?m)^3\.危及.*$", text)
    return text if row is None else text[: row.end()] + "\n- 3 -" + text[row.end():]


def paged(footer: Callable[[int, int], str], form_feed: bool, lines_a_page: int = 30) -> Callable[[str], str]:
    """A text (not a page's markup) cut into pages of ``lines_a_page`` lines, each ending with its
    footer (page, pages), as a PDF's text saved as text carries them: pdftotext's divides its pages
    by a form feed; one copied from a viewer does not."""
    def change(text: str) -> str:
        if "<" in text:
            return text
        lines = text.split("\n")
        pages = [lines[at : at + lines_a_page] for at in range(0, len(lines), lines_a_page)]
        return ("\f" if form_feed else "").join(
            "\n".join(page) + "\n" + footer(number, len(pages)) + "\n"
            for number, page in enumerate(pages, start=1)
        )
    return change


def header_again(header: str, before_row: str, first: str = "") -> Callable[[str], str]:
    """A table's header (the lines from the one that begins with ``header`` to the first row's)
    again before the row that begins with ``before_row``, after ``first`` ("续表"), as a PDF
    repeats it at the top of the page the table runs on to (a text, not a page's markup)."""
    def change(text: str) -> str:
        head = re.search(rf"(?ms)^[|\s]*{header}.*?(?=^[|\s]*(?:一、|\(一\)|规章))", text)
        row = re.search(rf"(?m)^[|\s]*{before_row}", text)
        if "<" in text or head is None or row is None or row.start() < head.end():
            return text
        return text[: row.start()] + first + head.group() + text[row.start():]
    return change


_ENCLOSED = dict(zip("一二三四五六七八九十", "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"))
_CIRCLED = "①②③④⑤⑥⑦⑧⑨"


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


PERTURBATIONS: dict[str, Perturbation] = {
    "windows_line_ends": Perturbation(lambda t: t.replace("\n", "\r\n")),
    "old_mac_line_ends": Perturbation(lambda t: t.replace("\n", "\r")),
    "blank_lines_between": Perturbation(lambda t: t.replace("\n", "\n\n")),
    "trailing_spaces": Perturbation(lambda t: t.replace("\n", "  \n")),
    "wide_spaces_at_line_ends": Perturbation(lambda t: t.replace("\n", "\u3000\n")),
    "indented_lines": Perturbation(lambda t: re.sub(r"(?m)^(?=\S)", "\u3000\u3000", t)),
    "zero_width_spaces_at_line_starts": Perturbation(lambda t: t.replace("\n", "\n\u200b")),
    # (inside a prose sentence's words, "行政诉\u200b讼5件", a figure's phrase is not read)
    "zero_width_spaces_in_words": Perturbation(_after_letters("\u200b", 37), whole=False),
    "spaces_in_words": Perturbation(_after_letters(" ", 37), whole=False),
    "full_width_digits": Perturbation(lambda t: t.translate(_FULL_WIDTH)),
    "minus_signs": Perturbation(lambda t: re.sub(r"(?<![\w-])-(?=\d)", "\u2212", t)),
    "thousands_separators": Perturbation(_cells(lambda c: f"{int(c):,}" if c.isdigit() else c)),
    "nbsp_in_cells": Perturbation(_cells(lambda c: f"&nbsp;{c}&nbsp;")),
    "word_html_cells": Perturbation(_cells(lambda c: f"<p class=MsoNormal><span lang=EN-US>{c}<o:p></o:p></span></p>")),
    "page_on_one_line": Perturbation(lambda t: t.replace("\n", "") if "<td>" in t else t),
    "no_pipes_at_row_ends": Perturbation(lambda t: re.sub(r"(?m)^\| (.*) \|$", r"\1 |", t)),
    "wrapped_labels": Perturbation(_wrapped(25)),
    "page_number_in_a_table": Perturbation(_page_number_in_table),
    "pdftotext_pages": Perturbation(paged(lambda page, pages: f"{page}", form_feed=True)),
    "page_footers_in_text": Perturbation(paged(lambda page, pages: f"- {page} -", form_feed=False)),
    "page_of_pages_in_text": Perturbation(paged(lambda page, pages: f"第 {page} 页 共 {pages} 页", form_feed=False)),
    "page_chrome_on_the_title_line": Perturbation(lambda t: "字号:[大 中 小] 打印本页 关闭窗口 " + t, whole=False),
    "table3_header_repeated": Perturbation(header_again("申请人情况", r"4\.保护第三方")),
    "table3_continued": Perturbation(header_again("申请人情况", r"\(四\)无法提供", "(续表)\n")),
    "table2_header_repeated": Perturbation(header_again("信息内容", "(?:行政)?规范性文件")),
    "stat_table_header_repeated": Perturbation(header_again("统计指标", "三、依申请公开情况", "续表\n")),
    "article_in_digits": Perturbation(lambda t: re.sub(
        r"第二十条第\(([一五六八九])\)项", lambda m: f"第20条第({'一二三四五六七八九'.index(m[1]) + 1})项", t)),
    "article_without_its_item_s_di": Perturbation(lambda t: t.replace("第二十条第(", "第二十条(")),
    "numbering_in_enclosed_ideographs": Perturbation(lambda t: re.sub(r"\(([一二三四五六七八九十])\)", lambda m: _ENCLOSED[m[1]], t)),
    "numbering_in_circled_digits": Perturbation(
        lambda t: re.sub(r"(?m)(^|<td>|\| |\t)([1-9])\.(?=\D)", lambda m: m[1] + _CIRCLED[int(m[2]) - 1], t)),
    "traditional": Perturbation(_traditional),
    "gb18030": Perturbation(lambda t: t, "gb18030"),
    "utf16": Perturbation(lambda t: t, "utf-16"),
    "utf16_without_bom": Perturbation(lambda t: t, "utf-16-le"),
}


def perturbed_copy(base: Path, out: Path, perturbation: Perturbation) -> int:
    """The corpus ``base`` (its raw folder and truth, as `ogi synth` writes them) copied to ``out``,
    each file that decodes as UTF-8 changed (the junk and the pages cut inside a character copied
    as they are); how many were changed."""
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
        target.write_bytes(perturbation.change(text).encode(perturbation.encoding))
        changed += 1
    shutil.copyfile(base / "truth.jsonl", out / "truth.jsonl")
    return changed
