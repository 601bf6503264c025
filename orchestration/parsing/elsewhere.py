"""Where a report is when its text holds none of its tables: an attachment the page
links to, or pictures.

A crawl saves the page a report is published on, and many such pages are a notice
whose report is an attachment (附件: a PDF, a Word document) or whose tables are
pictures; a PDF, a Word or an RTF document may hold its tables as pictures too. The text of
such a file names the organ and the year and holds no table: it parsed as a report
with no figures, and nothing said why. The issue each gets names what the file shows
instead, so that the crawl can fetch the attachment or someone can read the pictures.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from .labels import (
    ATTACHMENT_SUFFIXES,
    CHROME_PICTURE_PIXELS,
    CHROME_PICTURE_WORDS,
    NATIONAL_TABLES_FROM,
    REPORT_LINK_WORDS,
)
from .model import Issue, ParseResult


@dataclass(frozen=True)
class Elsewhere:
    """What a file shows besides its text."""

    # (link text, target) of each document linked or framed, in the page's order, each target once
    attachments: tuple[tuple[str, str], ...] = ()
    # each picture's source, in the page's order ("" for one inside a document: a PDF, an OFD, Word, RTF)
    pictures: tuple[str, ...] = ()
    # the pages a page frames (an iframe's page, not a document's), in the page's order
    framed: tuple[str, ...] = ()


NOTHING: Elsewhere = Elsewhere()

# A document's name ends a link's target, or its query's value ("download.jsp?file=x.pdf"),
# a script's call ("javascript:down('x.pdf')") or a link's text ("报告.pdf（120KB）"); not a
# host ("www.doc.gov.cn").
# (a dot first, then the suffixes: the search skips from dot to dot)
_DOCUMENT_SUFFIX: str = (
    r"\.(?:" + "|".join(re.escape(suffix.lstrip(".")) for suffix in ATTACHMENT_SUFFIXES) + r")(?=$|[?#&'\"()\s（）])"
)
_DOCUMENT_TARGET = re.compile(_DOCUMENT_SUFFIX, re.IGNORECASE)
# A document's path in a target, a query's value, a script's call or a link's text: the
# characters up to its name's suffix that no URL's separator, quote or bracket breaks.
_DOCUMENT_PATH = re.compile(r"[^'\"()=&?#\s（）]+" + _DOCUMENT_SUFFIX, re.IGNORECASE)
# (a scheme, a host, or both: "https://www.x.gov.cn", "//www.x.gov.cn", "javascript:")
_SCHEME_AND_HOST = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?://[^/?#]*)?")
# A page's frames and objects, which the walk of its text drops (formats.page_text): what
# each shows is kept before (a frame may show the report's PDF).
FRAME_TAGS: frozenset[str] = frozenset(("iframe", "embed", "object"))
_SHOWN: int = 5  # (documents or pictures named in a message; the rest counted)

# What a file shows, asked for only when its text holds no table: a page's hundreds of
# links are looked at then, not for every page (a fifth of a page's parse).
Shown = Callable[[], Elsewhere]


def nothing() -> Elsewhere:
    return NOTHING


def frame_target(element) -> str:
    return ((element.get("src") or element.get("data")) or "").strip()


def in_page(document, frames: list[str]) -> Elsewhere:
    """The documents a page links to or frames (``frames``: its frames' and objects'
    targets), and its pictures (``document``: lxml's tree of the page)."""
    attachments: list[tuple[str, str]] = []
    targets: set[str] = set()
    pictures: list[str] = []
    for element in document.iter("a", "img"):
        if element.tag == "img":
            source = (element.get("src") or element.get("data-src") or "").strip()
            if not _chrome(element, source):
                pictures.append(source)
            continue
        target = (element.get("href") or "").strip()
        # A link's own text names a document whose target does not ("download.jsp?id=7"); its
        # whole text (through its children) is read only for a document's link.
        if not (_DOCUMENT_TARGET.search(target) or _DOCUMENT_TARGET.search(element.text or "")) or target in targets:
            continue
        targets.add(target)
        attachments.append((" ".join("".join(element.itertext()).split()), target))
    framed: list[str] = []
    for target in frames:
        if not target or target in targets:
            continue
        targets.add(target)
        if _DOCUMENT_TARGET.search(target):
            attachments.append(("", target))
        else:
            framed.append(target)
    return Elsewhere(tuple(attachments), tuple(pictures), tuple(framed))


def issues(shown: Shown, result: ParseResult) -> list[Issue]:
    """Why a report's text holds none of its tables, when it holds none: its attachment
    (``report_in_attachment``, the documents' paths kept in ``result.metadata.linked_documents``),
    its pictures (``tables_as_images``); or, with no figure either and neither shown, that
    the text holds no figure (``no_figures``).

    A report with figures in its prose is a report of the years before the national tables
    (REPORTS.md: some have no table), unless its year is one of theirs: only then do its
    pictures count, and only links that name a report or a table (not the site's forms).
    """
    if result.metadata.template != "prose":
        return []
    elsewhere = shown()
    no_figures = not result.values
    tables_due = (result.metadata.report_year or 0) >= NATIONAL_TABLES_FROM
    missing = "no table and no figure of the report in the text" if no_figures else "no table of the report in the text"
    named = [a for a in elsewhere.attachments if _names_report(a)]
    # (with no figure, any document may be the report: those named as one first)
    attachments = named + [a for a in elsewhere.attachments if a not in named] if no_figures else named
    if attachments:
        paths = (document_path(text, target) for text, target in attachments)
        result.metadata.linked_documents = tuple(dict.fromkeys(path for path in paths if path))
        documents = "; ".join(f"{text} ({target})" if text and text != target else target
                              for text, target in attachments[:_SHOWN])
        return [Issue("report_in_attachment",
                      f"{missing}; the file links to {_count(len(attachments), 'document')}, likely the report or "
                      f"its tables: {documents}{_more(len(attachments))}")]
    pictures = elsewhere.pictures
    if pictures and (no_figures or tables_due):
        sources = [source for source in pictures[:_SHOWN] if source]
        listed = f" ({'; '.join(sources)}{_more(len(pictures))})" if sources else ""
        return [Issue("tables_as_images",
                      f"{missing}, and the file shows {_count(len(pictures), 'picture')}{listed}: its tables are "
                      "likely among them, and a picture's text is not read (no OCR)")]
    if no_figures and elsewhere.framed:
        pages = "; ".join(elsewhere.framed[:_SHOWN]) + _more(len(elsewhere.framed))
        return [Issue("no_figures", f"{missing}, no attachment linked and no picture shown; the page frames "
                                    f"{_count(len(elsewhere.framed), 'other page')}, likely its content: {pages}")]
    if no_figures:
        return [Issue("no_figures", f"{missing}, no attachment linked and no picture shown: a page whose content "
                                    "a script loads, a page cut short before its figures, or a notice of the report "
                                    "rather than the report")]
    return []


def document_path(text: str, target: str) -> str:
    """The path of the document a link names, as a crawl that keeps a site's paths saves it:
    its target's path, from the site's root ("/xxgk/P020220120.pdf": the scheme and host left
    out) or from the page's folder ("../2021/P020220120.pdf", "./" and "x/../" folded), or a
    query's or a script's value naming the document ("download.jsp?file=a.pdf",
    "javascript:down('a.pdf')"), percent-encoding read; else the name the link's text gives
    ("报告.pdf（120KB）"); else "". The path, not the target, does not depend on where the
    page is: the warehouse joins it to the page's folder (int_attachment_links)."""
    for source in (target, text):
        found = _DOCUMENT_PATH.search(_SCHEME_AND_HOST.sub("", unquote(source.split("#", 1)[0])))
        if found:
            path = found.group(0)
            # (from the root with one "/": POSIX keeps two leading ones as they are)
            return posixpath.normpath("/" + path.lstrip("/") if path.startswith("/") else path)
    return ""


def _chrome(picture, source: str) -> bool:
    """A picture of the page's own, not a report's: a link's (a logo to the home page, a
    button), one declared small, or one whose file is named as the site's pictures are."""
    if next(picture.iterancestors("a"), None) is not None:
        return True
    for side in (picture.get("width"), picture.get("height")):
        digits = (side or "").strip().removesuffix("px")
        if digits.isdigit() and int(digits) < CHROME_PICTURE_PIXELS:
            return True
    name = source.rsplit("/", 1)[-1].lower()
    return any(word in name for word in CHROME_PICTURE_WORDS)


def _names_report(attachment: tuple[str, str]) -> bool:
    text, target = attachment
    target = unquote(target)  # (a name in Chinese is sent percent-encoded)
    return any(word in text or word in target for word in REPORT_LINK_WORDS)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _more(number: int) -> str:
    return f"; and {number - _SHOWN} more" if number > _SHOWN else ""
