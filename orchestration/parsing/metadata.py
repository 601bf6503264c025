"""The report's metadata: the organ, the year covered and the date published."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import cache

from . import labels, regions
from .text import ENCLOSED_DIGITS, ENCLOSED_IDEOGRAPHS, blanked

# The page header (breadcrumbs, 索引号 / 发布日期 tables) sits in the first lines.
_HEADER_CHARS = 1500
# A report's title is in its first lines: the phrases that read a title (labels.TITLE_SOURCES)
# are tried there first, each in turn, and then in the rest of the text with the others. (Each
# searched the whole text in turn, a title of a form a later phrase reads, "2022年甲县教育局…",
# "…年度报告(2022年)", was found after the earlier phrases had searched every line: 150-200 µs
# for its organ and year, 10 for the national template's title.)
_TITLE_LINES_CHARS = 500
# A date at its line's end, as a report is signed: alone on it, or after the signing organ's
# name and a space ("甲县教育局　2023年1月20日", the two set on one line).
_DATE_AT_LINE_END = re.compile(labels.DATE + r"\s*日[ \t|]*$", re.MULTILINE)
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>20\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_TITLE_LINE_DATE = re.compile(labels.TITLE_LINE_DATE)
# A year the text mentions, not a day's date's ("2023年1月15日" under a signature, beside a title:
# the publication's, a year after the one reported on).
_ANY_YEAR = re.compile(r"(?<![\d〔\[(])(20[0-4]\d)\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
_PERIOD_START = re.compile(rf"(?<!\d)(?P<first>(?:19|20)\d\d){labels.YEAR_PERIOD_SEPARATOR}$")
# Reports are due by 31 January of the next year (by 31 March before 2019), and a late one is
# published within its first half.
_LAST_MONTH_OF_PUBLICATION = 6
_NOT_AN_AGENCY_START = ("我", "本", "各", "全", "关于", "以下", "对", "在", "为", "将", "由", "根据", "现", "年度")
_AGENCY_ENDING = re.compile(labels.AGENCY_SUFFIX + r"$")
_NOT_IN_AN_AGENCY = ("我", "公布", "向社会", "编制", "根据", "要求", "关于")
FIRST_REPORT_YEAR = 2007  # the 条例 took effect on 2008-05-01; the first reports cover 2007/2008


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def phrase_matches(pattern: str, key: str, text: str, start: int = 0) -> Iterator[re.Match[str]]:
    """``pattern``'s matches in ``text`` from ``start`` in order, as ``finditer`` gives them;
    where every match holds a match of ``key`` (labels.AGENCY_YEAR_PHRASES), only the text
    around the key's is searched, each stretch once (labels.PHRASE_KEY_BEFORE and _AFTER: a
    match reaching further from its key is not found)."""
    compiled = _compiled(pattern)
    if not key:
        yield from compiled.finditer(text, start)
        return
    keys = _compiled(key)
    lines = labels.PHRASE_KEY_LINES if pattern.startswith("(?m)^") else -1
    found = keys.search(text, start)
    stretch = _stretch_start(text, found.start(), start, lines) if found is not None else 0
    while found is not None:
        begin, end = stretch, found.end() + labels.PHRASE_KEY_AFTER
        found = keys.search(text, found.start() + 1)
        while found is not None:  # (stretches that meet are one)
            stretch = _stretch_start(text, found.start(), start, lines)
            if stretch > end:
                break
            end = found.end() + labels.PHRASE_KEY_AFTER
            found = keys.search(text, found.start() + 1)
        window_end = min(end, len(text))
        for match in compiled.finditer(text, begin, window_end):
            if match.end() < window_end or window_end == len(text):
                yield match
                continue
            # (ending at the stretch's end, it may end there only as the text seemed to: "…年度报告"
            # taken for a title alone on its line, `$`, with " 2022" after it; read in the whole text)
            whole = compiled.match(text, match.start())
            if whole is not None:
                yield whole


def _stretch_start(text: str, key_start: int, start: int, lines: int) -> int:
    """Where the search for a match holding the key at ``key_start`` begins: PHRASE_KEY_BEFORE
    characters before it, or, nearer, the start of the line ``lines`` lines above the key's,
    blank lines not counted (-1: no line counted); not before ``start``."""
    stretch = max(key_start - labels.PHRASE_KEY_BEFORE, start)
    if lines < 0:
        return stretch
    line_end, counted = key_start, 0
    while counted <= lines:  # (the key's line, then each line above)
        line_break = text.rfind("\n", stretch, line_end)
        if line_break < 0:
            return stretch
        if line_break + 1 < line_end:
            counted += 1
        line_end = line_break
    return line_end + 1


_CHINESE_DATE = re.compile(labels.CHINESE_DATE)
_TWO_THOUSAND = re.compile(f"二[{labels.CHINESE_ZEROS}]")
_DIGIT_OF = {**{zero: "0" for zero in labels.CHINESE_ZEROS},
             **{digit: str(value) for value, digit in enumerate(labels.CHINESE_DIGITS, 1)}}
_UP_TO_31 = {
    ("" if tens == 0 else "十" if tens == 1 else labels.CHINESE_DIGITS[tens - 1] + "十")
    + ("" if units == 0 else labels.CHINESE_DIGITS[units - 1]): tens * 10 + units
    for tens in range(4) for units in range(10) if 1 <= tens * 10 + units <= 31
}


def arabic_dates(text: str) -> str:
    """``text`` with its years and dates in Chinese numerals written in digits, for the
    metadata to read (the figures are read from the text as it is)."""
    if not _TWO_THOUSAND.search(text):  # the common case: one scan (five `in`s cost 13 times as much)
        return text
    return _CHINESE_DATE.sub(_in_digits, text)


def _in_digits(match: re.Match[str]) -> str:
    written = "".join(_DIGIT_OF[c] for c in match["year"]) + "年"
    # A month or day that is no number of 一 to 三十一 is written 0: no date is read from it.
    if match["month"]:
        written += f"{_UP_TO_31.get(match['month'], 0)}月"
    if match["day"]:
        written += f"{_UP_TO_31.get(match['day'], 0)}日"
    return written


_PAGE_LINK = re.compile(labels.PAGE_LINK)
_PAGE_LINK_MARK = re.compile(labels.PAGE_LINK_MARK)
_RELATED_HEADING = re.compile(labels.RELATED_HEADING)
_NOT_A_LINE_S_WORDS = " \t|:【】[]()"


def _linkless(text: str) -> str:
    """without_page_links(text), once for the two readings of a text that need it (report_year,
    agency_name: the last text given and what it gave kept)."""
    if text is not _LAST_LINKLESS[0]:
        _LAST_LINKLESS[0], _LAST_LINKLESS[1] = text, without_page_links(text)
    return _LAST_LINKLESS[1]


_LAST_LINKLESS: list[str] = ["", ""]


def without_page_links(text: str) -> str:
    """``text`` with a page's links to other articles blanked, for reading its organ and year
    (labels.PAGE_LINK: the lines they begin, or the rest of the line from a marked one; labels.
    RELATED_HEADING, alone on a line after the text's first sentence, as a page's end has it,
    not a side bar's before the report: it and the related list's lines under it), the same
    length. Past the first lines only, where no title was found there (the scan costs 10 µs for
    a text of 1,500 characters: not spent on a report whose title is read in its first lines)."""
    spans: list[tuple[int, int]] = []
    for link in _PAGE_LINK.finditer(text):
        marked = _PAGE_LINK_MARK.match(text, link.end()) is not None
        if not marked and link.end() < len(text) and not text[link.end()].isspace():
            continue
        line_start = text.rfind("\n", 0, link.start()) + 1
        if not text[line_start : link.start()].strip(_NOT_A_LINE_S_WORDS):
            spans.append((line_start, _line_end(text, link.end())))
        elif marked:
            spans.append((link.start(), _line_end(text, link.end())))
    first_sentence = text.find("。")
    for heading in _RELATED_HEADING.finditer(text, first_sentence + 1 if first_sentence >= 0 else len(text)):
        line_start, end = text.rfind("\n", 0, heading.start()) + 1, _line_end(text, heading.end())
        if text[line_start : heading.start()].strip(_NOT_A_LINE_S_WORDS) or text[heading.end() : end].strip(_NOT_A_LINE_S_WORDS):
            continue
        for _ in range(labels.RELATED_LINES):  # (the list's lines: a link's text each)
            if end >= len(text):
                break
            next_end = _line_end(text, end + 1)
            if next_end - end - 1 > labels.RELATED_LINE_CHARS or "。" in text[end + 1 : next_end]:
                break
            end = next_end
        spans.append((line_start, end))
    return blanked(text, spans) if spans else text


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def agency_name(text: str, head: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """The organ as it names itself, and which phrase said so; else as the page's head
    names it (``head``: source -> text, normalized as the text is)."""
    found, source = _phrased_agency(text, wrapped=True)
    if found is None:
        spaced = _spaced_lines(text)
        if spaced:
            found, source = _phrased_agency(spaced, wrapped=False)
    if found is not None or not head:
        return found, source
    for head_source in labels.HEAD_TITLES:
        title = head.get(head_source)
        if title:
            # (a title's parts are apart, not one line wrapped: "甲市人民政府网_教育局…")
            found, _ = _phrased_agency(_title_parts(title), wrapped=False)
            if found is not None:
                return found, head_source
    for head_source in labels.HEAD_TITLES:
        title = head.get(head_source)
        short = _compiled(labels.HEAD_SHORT_TITLE).search(_title_parts(title)) if title else None
        found = _organ(short["agency"]) if short else None
        if found is not None:
            return found, head_source
    named = _organ(head.get(labels.HEAD_ORGAN, ""))
    return (named, labels.HEAD_ORGAN) if named is not None else (None, None)


def _phrased_agency(text: str, wrapped: bool) -> tuple[str | None, str | None]:
    """The organ the first of labels.AGENCY_YEAR_PHRASES names in ``text``, and the phrase, the
    title's first in the text's first lines (_TITLE_LINES_CHARS); with ``wrapped``, a title's
    name joined to the line before where its line broke inside it. A title with a list's number
    before it is read after the titles without, in the first lines only: further down, a numbered
    line naming a report is a list's item (of other reports) more likely than the report's title."""
    first_lines, rest = _first_lines(text)
    if first_lines:
        found = _first_phrased_agency(text[:first_lines], wrapped, labels.TITLE_SOURCES, 0, read_numbered=True)
        if found[0] is not None:
            return found
    return _first_phrased_agency(_linkless(text), wrapped, None, rest, read_numbered=not first_lines)


def _first_lines(text: str) -> tuple[int, int]:
    """Where a text's first lines end (0 for a text no longer than they are: none apart), at the
    start of the line their last character is on; and where the rest's reading of a title
    begins, a few lines before (labels.PHRASE_KEY_LINES: a title broken between the two, its
    organ's line one side and its year's the other, is read whole)."""
    end = text.find("\n", _TITLE_LINES_CHARS)
    first_lines = 0 if end < 0 else text.rfind("\n", 0, end) + 1
    return first_lines, _stretch_start(text, first_lines, 0, labels.PHRASE_KEY_LINES) if first_lines else 0


def _first_phrased_agency(text: str, wrapped: bool, only: frozenset[str] | None,
                          titles_from: int, read_numbered: bool) -> tuple[str | None, str | None]:
    """_phrased_agency's reading of ``text`` by the phrases of ``only`` (None: all), those
    that read a title from ``titles_from``; a numbered title's too, with ``read_numbered``."""
    numbered_read = not read_numbered
    for source, pattern, key in labels.AGENCY_YEAR_PHRASES:
        if only is not None and source not in only:
            continue
        if source != labels.TITLE_PHRASE and not numbered_read:
            numbered_read = True
            numbered = _numbered_title_agency(text)
            if numbered is not None:
                return numbered, labels.TITLE_PHRASE
        if titles_from and pattern in labels.FIRST_LINES_ONLY:  # (the rest of a text past its first lines)
            continue
        start = titles_from if source in labels.TITLE_SOURCES else 0
        for match in phrase_matches(pattern, key, text, start):
            name = _organ(match["agency"])
            if wrapped and source == labels.TITLE_PHRASE:
                name = _wrapped_organ(text, match, name)
            if name is not None:
                return name, source
    return None, None


_TITLES_ALONE: frozenset[str] = frozenset((labels.TITLE_PHRASE,))


def _numbered_title_agency(text: str) -> str | None:
    """The organ a title with a list's number before it names (labels.NUMBERED_TITLE)."""
    titles = "\n".join(match["title"] for match in _compiled(labels.NUMBERED_TITLE).finditer("\n" + text))
    return _first_phrased_agency(titles, False, _TITLES_ALONE, 0, read_numbered=False)[0] if titles else None


# Words set letter by letter, as a PDF's title with its letters spaced out is extracted ("甲 县 教
# 育 局 2 0 2 2 年 政 府 信 息 公 开 …"): a title's phrases find no organ or year in them. (Not a
# whole line: a page's paragraph holds the title and what follows it on one.)
_SPACED_RUN = re.compile(r"(?<!\S)(?:\S[^\S\n]{1,3}){6,}\S(?!\S)")
# What every spaced title holds (报告, 年报), looked for first: the runs' search costs 19 ns a
# character, this one's 2.7, and a space before 告 or 报 is looked for at 1.
_SPACED_KEY = re.compile(r"报[^\S\n]{1,3}告|年[^\S\n]{1,3}报")


def _spaced_lines(text: str) -> str:
    """``text``'s runs of letters set apart, their spaces dropped, one a line ("" when none): a
    title's phrases are read in them where they found nothing in the text."""
    if (" 告" not in text and " 报" not in text) or _SPACED_KEY.search(text) is None:
        return ""
    return "\n".join(re.sub(r"\s+", "", match[0]) for match in _SPACED_RUN.finditer(text))


def _wrapped_organ(text: str, match: re.Match[str], name: str | None) -> str | None:
    """The organ's name of a title phrase's ``match`` (``name``: as read from its line alone),
    with the line before it where the title's line broke inside the name ("甲省乙市丙县人民政府
    \n办公室2022年…", as a PDF's or a document's long title wraps): where the line before is all
    ideographs and the name joined to it begins with a place's name, as ``name`` does not. A
    line that is no part of the title ("首页", "政务公开") leaves a name that begins with a place
    as it is."""
    start = match.start("agency")
    # (A name in brackets, "(甲县教育局)2022年…", is whole.)
    if start == 0 or text[start - 1] != "\n" or text[start] == "(" or (name is not None and _begins_with_place(name)):
        return name
    before = text.rfind("\n", 0, start - 1) + 1
    if _compiled(labels.TITLE_WRAPPED_LINE).fullmatch(text, before, start - 1) is None:
        return name
    joined = _organ(text[before : start - 1] + match["agency"])
    return joined if joined is not None and _begins_with_place(joined) else name


def _begins_with_place(name: str) -> bool:
    """Whether an organ's name begins with a place's, after a party organ's prefix."""
    for prefix in labels.PARTY_PREFIXES:
        if name.startswith(prefix):
            return regions.starts_with_place(name[len(prefix) :])
    return regions.starts_with_place(name)


# A list's mark before a title ("· 甲县教育局2022年…", "★", "●", as a site's list of links sets
# each, or its number enclosed: "③", "⑶", "⒊", "❸", "㈢", "㊂"): no letter of the organ's name.
_LEADING_MARKS = re.compile(rf"^(?:[^\w【\[〔]|[{ENCLOSED_DIGITS}\u2776-\u2793{ENCLOSED_IDEOGRAPHS}])+")
_BRACKETED = re.compile(r"^[【\[〔]([^【】\[\]〔〕]+)[】\]〕]$")
# What a notice's or a news item's title says was done to the report, before the organ's name
# ("关于公布甲县教育局2022年…报告的公告") or after it ("甲县教育局发布2022年…报告"): none of the name.
_PUBLISHED = "|".join(labels.PUBLISHING_VERBS)
_NOTICE_OPENING = re.compile(rf"^(?:关于(?:{_PUBLISHED})?|现将|现就|现公布)")
_PUBLISHED_AT_END = re.compile(rf"(?:{_PUBLISHED})$")
_PAGE_CHROME = re.compile("^(?:" + "|".join(labels.PAGE_CHROME_WORDS) + ")+")


def _organ(candidate: str) -> str | None:
    """``candidate`` as an organ's name, or None when it reads as none; a second name in
    brackets after it kept where it reads as an organ's too, else dropped ("甲县教育局(本级)")."""
    name = _LEADING_MARKS.sub("", re.sub(r"\s+", "", candidate))
    name = _PAGE_CHROME.sub("", name)
    name = _NOTICE_OPENING.sub("", name)
    # "【甲县教育局】2022年…报告" ("[…]", "〔…〕"), as a site's list sets a title's organ apart.
    name = _PUBLISHED_AT_END.sub("", _BRACKETED.sub(r"\1", name))
    # "闽侯县水利局政府信息公开工作领导小组办公室": the organ, not its OGI office.
    name = re.sub(r"(?:政府|政务)?(?:信息公开|政务公开).*$", "", name)
    second = ""
    bracket = _SECOND_NAME_READ.search(name)
    if bracket is not None:
        name, second = name[: bracket.start()], bracket["second"]
    if not _reads_as_organ(name):
        return None
    if len(second) >= labels.SECOND_NAME_MIN_CHARS and _reads_as_organ(second):
        return f"{name}({second})"
    return name


# A second name as read (in any of labels.SECOND_NAME_BRACKETS) and as kept (in ASCII's). (The
# warehouse drops a kept one alike from an unplaced organ's key: stg_parquet__reports.sql.)
_OPENING: str = labels.SECOND_NAME_BRACKETS[0]
_CLOSING: str = labels.SECOND_NAME_BRACKETS[1]
_SECOND_NAME_READ = re.compile(rf"[{_OPENING}](?P<second>[^{_OPENING}{_CLOSING}]*)[{_CLOSING}]$")
_SECOND_NAME = re.compile(r"\((?P<second>[^()]*)\)$")


def _reads_as_organ(name: str) -> bool:
    return not (
        len(name) < 2
        # "本溪满族自治县…", "全椒县…", "将乐县…": a place, not "本机关" / "全年" / "将…".
        or (name.startswith(_NOT_AN_AGENCY_START) and not regions.starts_with_place(name))
        or any(word in name for word in _NOT_IN_AN_AGENCY)
        or not _AGENCY_ENDING.search(name)
    )


def primary_name(agency_name: str) -> str:
    """The organ's own name without the second name _organ may keep after it in brackets."""
    bracket = _SECOND_NAME.search(agency_name)
    return agency_name if bracket is None else agency_name[: bracket.start()]


_NAME_ENDING = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def file_name_title(source_path: str) -> str | None:
    """The title the file's own name gives (its ending dropped; labels.FILE_NAME), or None: a
    name in ASCII (a crawl's id, "t20230120_4567.html"), one escaped for not being UTF-8 (a
    backslash), or one with none of labels.FILE_NAME_TITLE_WORDS, one of which every title read
    from a name has. A folder's name is not read: a folder renamed keeps its files' rows (corpus.moved)."""
    name = source_path.rpartition("/")[2]
    if name.isascii() or "\\" in name or not any(word in name for word in labels.FILE_NAME_TITLE_WORDS):
        return None
    return _NAME_ENDING.sub("", name)


def _title_parts(title: str) -> str:
    """A window title's parts one a line ("甲县教育局2022年…报告_甲县人民政府网"): the
    site's name beside the title is no part of the organ's."""
    return "\n".join(_compiled(labels.HEAD_TITLE_SEPARATORS).split(title))


def report_year(text: str, max_year: int, head: dict[str, str] | None = None,
                ) -> tuple[int | None, str | None, list[tuple[int, str]], int | None]:
    """The year the report covers: the title's year first, then a stated period, then
    the year of the title in the page's head (``head``), then the year the text mentions
    most; none after ``max_year`` (the year of the run).

    Also the years after ``max_year`` passed over on the way, with where each was read:
    a run in a later year could take one of them, so the report's year depends on the
    run's (issue ``later_year_set_aside``); and the year written first in the period a title
    names ("2022-2023年度"), whose last is the year (issue ``year_range``)."""
    later: list[tuple[int, str]] = []
    first_lines, rest = _first_lines(text)
    if first_lines:  # (a title's year in the first lines first: _TITLE_LINES_CHARS)
        year, source, first = _first_phrased_year(text[:first_lines], max_year, later, True, 0)
        if year is not None:
            return year, source, later, first
    text = _linkless(text)  # (the rest of the page: its links to other reports not read)
    year, source, first = _first_phrased_year(text, max_year, later, False, rest)
    if year is not None:
        return year, source, later, first
    spaced = _spaced_lines(text)
    if spaced:
        year, source, first = _first_phrased_year(spaced, max_year, later, True, 0)
        if year is not None:
            return year, source, later, first
    for short in (False, True):
        for head_source in labels.HEAD_TITLES:
            title = head.get(head_source) if head else None
            if not title:
                continue
            for pattern in (labels.HEAD_SHORT_TITLE_YEAR,) if short else labels.HEAD_TITLE_YEARS:
                year, first = _first_year(_title_parts(title) if short else title, pattern, "", max_year, head_source,
                                          later)
                if year is not None:
                    return year, head_source, later, first
    mentioned = [int(y) for y in _ANY_YEAR.findall(text)]
    later.extend((year, "mentioned") for year in sorted(set(mentioned)) if year > max_year)
    counts = Counter(y for y in mentioned if FIRST_REPORT_YEAR <= y <= max_year)
    if counts:
        common, _ = max(counts.items(), key=lambda item: (item[1], -item[0]))
        return common, "most_mentioned", later, None
    return None, None, later, None


def _first_of_period(text: str, year_start: int, year: int) -> int | None:
    """The year written first in the period a title names, ending in ``year`` at ``year_start``
    (labels._YEAR_RANGE: "2022-2023年度"; "2023-2022年度", backwards, is told too), or None."""
    before = _PERIOD_START.search(text, max(0, year_start - 12), year_start)
    first = int(before["first"]) if before else 0
    return first if first >= FIRST_REPORT_YEAR and first != year else None


def year_before_publication(published: str, max_year: int) -> int | None:
    """The year a report published on ``published`` (ISO) covers, the year before, where it
    was published in the first months of a year, when reports are; None otherwise (a page
    posted again later)."""
    year, month = int(published[:4]) - 1, int(published[5:7])
    return year if month <= _LAST_MONTH_OF_PUBLICATION and FIRST_REPORT_YEAR <= year <= max_year else None


def _first_phrased_year(text: str, max_year: int, later: list[tuple[int, str]], titles_only: bool,
                        titles_from: int) -> tuple[int | None, str | None, int | None]:
    """The year the first of labels.YEAR_PHRASES (with ``titles_only``, of those that read a
    title) reads in ``text``, the phrase, and the first year of a period it names; those that
    read a title from ``titles_from``."""
    for source, pattern, key in labels.YEAR_PHRASES:
        title = source in labels.TITLE_SOURCES
        if title or not titles_only:
            year, first = _first_year(text, pattern, key, max_year, source, later, titles_from if title else 0)
            if year is not None:
                return year, source, first
    return None, None, None


def _first_year(text: str, pattern: str, key: str, max_year: int, source: str,
                later: list[tuple[int, str]], start: int = 0) -> tuple[int | None, int | None]:
    """The first year ``pattern`` (with its ``key``: phrase_matches) reads in ``text`` from
    ``start`` that a report may cover, and the first year of the period it ends, if it names
    one (labels._YEAR_RANGE); a later one passed over is added to ``later``."""
    for match in phrase_matches(pattern, key, text, start):
        year = int(re.sub(r"\s", "", match["year"]))  # (a title's year wrapped or spaced: labels._YEAR)
        if FIRST_REPORT_YEAR <= year <= max_year:
            # (a title's period: a stated one, "2021年至2022年12月31日", is no year's range)
            titled = source in labels.TITLE_SOURCES or source in labels.HEAD_TITLES
            return year, _first_of_period(text, match.start("year"), year) if titled else None
        if year > max_year:
            later.append((year, source))
    return None, None


def published_date(text: str, year: int | None, head: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """The publication date: a labelled header date, a bare date in the header, the
    date the page's head gives (``head``), or the date under the signature."""
    header = text[:_HEADER_CHARS]
    for label in labels.DATE_LABELS:
        for match in _compiled(label + r"\s*[:]?\s*\|?\s*" + labels.DATE).finditer(header):
            found = _valid_date(match, year)
            if found:
                return found, label
    for pattern, stretch in ((_ISO_DATE, header[:600]), (_TITLE_LINE_DATE, header)):
        for match in pattern.finditer(stretch):
            found = _valid_date(match, year)
            if found:
                return found, "header_date"
    published = head.get(labels.HEAD_DATE) if head else None
    if published:
        dated = _compiled(labels.DATE).search(published)
        found = _valid_date(dated, year) if dated else None
        if found:
            return found, labels.HEAD_DATE
    for match in _DATE_AT_LINE_END.finditer(text):
        found = _valid_date(match, year) if _signs(text, match.start()) else None
        if found:
            return found, "signature"
    return None, None


def _signs(text: str, date_start: int) -> bool:
    """Whether what is before a date on its line leaves it a signature's: nothing (but a table's
    bars), or an organ's name and a space ("截至2022年12月31日" is no signature's)."""
    before = text[text.rfind("\n", 0, date_start) + 1 : date_start]
    if not before.strip(" \t|"):
        return True
    return before[-1] in " \t" and _organ(before) is not None


def _valid_date(match: re.Match[str], year: int | None) -> str | None:
    try:
        found = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    # A report is published after the year it covers; pages are sometimes
    # re-posted years later, but never before.
    if year is not None and not (year <= found.year <= year + 6):
        return None
    return found.isoformat()
