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

import re
from dataclasses import dataclass
from urllib.parse import unquote

from .labels import ATTACHMENT_SUFFIXES, NATIONAL_TABLES_FROM, REPORT_LINK_WORDS
from .model import Issue, ParseResult


@dataclass(frozen=True)
class Elsewhere:
    """What a file shows besides its text."""

    # (link text, target) of each document linked or framed, in the page's order, each target once
    attachments: tuple[tuple[str, str], ...] = ()
    # each picture's source, in the page's order ("" for a picture inside a PDF or Word document)
    pictures: tuple[str, ...] = ()


NOTHING: Elsewhere = Elsewhere()

# A document's name ends a link's target, or its query's value ("download.jsp?file=x.pdf"),
# or a script's call ("javascript:down('x.pdf')"); not a host ("www.doc.gov.cn").
_DOCUMENT_TARGET = re.compile(
    "(?:" + "|".join(re.escape(suffix) for suffix in ATTACHMENT_SUFFIXES) + r")(?=$|[?#&'\"\)\s])", re.IGNORECASE
)
_LINKED_TAGS: tuple[str, ...] = ("a", "img", "iframe", "embed", "object")
_SHOWN: int = 5  # (documents or pictures named in a message; the rest counted)


def in_page(document) -> Elsewhere:
    """The documents a page links to or frames, and its pictures (``document``: lxml's
    tree of the page, before its frames and objects are dropped)."""
    attachments: list[tuple[str, str]] = []
    targets: set[str] = set()
    pictures: list[str] = []
    for element in document.iter(*_LINKED_TAGS):
        tag = element.tag
        if tag == "img":
            pictures.append((element.get("src") or element.get("data-src") or "").strip())
            continue
        target = (element.get("href") if tag == "a" else element.get("src") or element.get("data")) or ""
        target = target.strip()
        text = " ".join("".join(element.itertext()).split()) if tag == "a" else ""
        if not (_DOCUMENT_TARGET.search(target) or _DOCUMENT_TARGET.search(text)) or target in targets:
            continue
        targets.add(target)
        attachments.append((text, target))
    return Elsewhere(tuple(attachments), tuple(pictures))


def issues(elsewhere: Elsewhere, result: ParseResult) -> list[Issue]:
    """Why a report's text holds none of its tables, when it holds none: its attachment
    (``report_in_attachment``), its pictures (``tables_as_images``); or, with no figure
    either and neither shown, that the text holds no figure (``no_figures``).

    A report with figures in its prose is a report of the years before the national tables
    (REPORTS.md: some have no table), unless its year is one of theirs: only then do its
    pictures count, and only links that name a report or a table (not the site's forms).
    """
    if result.metadata.template != "prose":
        return []
    no_figures = not result.values
    tables_due = (result.metadata.report_year or 0) >= NATIONAL_TABLES_FROM
    missing = "no table and no figure of the report in the text" if no_figures else "no table of the report in the text"
    named = [a for a in elsewhere.attachments if _names_report(a)]
    # (with no figure, any document may be the report: those named as one first)
    attachments = named + [a for a in elsewhere.attachments if a not in named] if no_figures else named
    if attachments:
        shown = "; ".join(f"{text} ({target})" if text and text != target else target
                          for text, target in attachments[:_SHOWN])
        return [Issue("report_in_attachment",
                      f"{missing}; the file links to {_count(len(attachments), 'document')}, likely the report or "
                      f"its tables: {shown}{_more(len(attachments))}")]
    pictures = elsewhere.pictures
    if pictures and (no_figures or tables_due):
        sources = [source for source in pictures[:_SHOWN] if source]
        listed = f" ({'; '.join(sources)}{_more(len(pictures))})" if sources else ""
        return [Issue("tables_as_images",
                      f"{missing}, and the file shows {_count(len(pictures), 'picture')}{listed}: its tables are "
                      "likely among them, and a picture's text is not read (no OCR)")]
    if no_figures:
        return [Issue("no_figures", f"{missing}, no attachment linked and no picture shown: a page whose content "
                                    "a script loads, or a notice of the report rather than the report")]
    return []


def _names_report(attachment: tuple[str, str]) -> bool:
    text, target = attachment
    target = unquote(target)  # (a name in Chinese is sent percent-encoded)
    return any(word in text or word in target for word in REPORT_LINK_WORDS)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _more(number: int) -> str:
    return f"; and {number - _SHOWN} more" if number > _SHOWN else ""
