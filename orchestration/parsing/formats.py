"""From a raw file of any kind (text, HTML page or web archive, PDF or OFD, Word document of
either format, RTF, workbook) to the report's text.

HTML pages lose their chrome (scripts, styles) and keep their tables as rows
of cells, with rowspan/colspan resolved so columns do not shift; PDFs are read
word by word with their positions, so the digits of neighbouring cells never
run together, and OFD documents (ofd.py) character by character alike; Word
documents (word.py, word97.py), RTF files (rtf.py) and workbooks (workbook.py,
spreadsheetml.py) are laid
out as HTML pages are, and a web archive's page (mhtml.py) read as a page. The result is text the
table parsers read like any other; what a file shows besides (links to attachments,
pictures) is kept for elsewhere.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from dataclasses import replace as replaced
from functools import lru_cache
from itertools import pairwise

from .archive import GZIP_MAGIC, unpack, wrapper_kind
from .decode import UTF16_BOMS, Decoded, Told, cut_short, decode, strictly_decoded, superset, utf16_start_as_utf8
from .elsewhere import FRAME_TAGS, Elsewhere, Shown, frame_target, in_page, nothing
from .labels import DOCUMENT_TITLE, FILE_NAME, HEAD_META, HEAD_TITLE
from .metadata import file_name_title
from .mhtml import html_part, is_mhtml
from .model import Heading
from .ofd import is_ofd, read_ofd
from .package import etree
from .pages import pages_of_text, without_page_numbers
from .properties import TITLED, document_title, pdf_title, shown_title
from .rtf import is_rtf, read_rtf
from .rtf import pictures as rtf_pictures
from .spreadsheetml import is_spreadsheetml, read_spreadsheetml
from .text import RAISED_MARK_SIZE, bracket_raised, bracketed_mark, markdown_row, spread_letters
from .word import is_docx, is_word2003, read_docx, read_word2003
from .word97 import forget_compound, holds_workbook, is_ole2, read_doc
from .workbook import grid_lines, read_workbook, workbook_kind

_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WITHIN: int = 1024  # (a PDF's header may follow other bytes, within its first kilobyte)
_NO_PDF_HEADER: str = "its bytes have no %PDF- header (the download saved something else)"
_PDF_END: bytes = b"\n%%EOF\n"
_WORKBOOKS: frozenset[str] = frozenset(("xlsx", "xls", "ods"))
_WORKBOOK_NAMES: tuple[str, ...] = (".xls", ".et")
_WRAPPERS: frozenset[str] = frozenset(("gzip", "zip"))
_WRAPPER_NAMES: dict[str, str] = {"gzip": "a gzip file", "zip": "a ZIP archive"}
_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|meta|div|p)[\s>]", re.IGNORECASE)
# An RSS or Atom feed, a sitemap: a site's list of its pages, whose titles name an organ and
# a year (and whose descriptions quote figures); parsed as text, it made a report of none.
_FEED = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?xml-stylesheet[^>]*>\s*|<!doctype[^>]*>\s*)*"
    rb"<(?:rss|feed|urlset|sitemapindex|rdf:rdf)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_XML_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]*>")
# An XML file's declared encoding.
_DECLARED_ENCODING = re.compile(rb"\A\s*<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)")
_UTF16_SNIFF_BYTES: int = 8192
_OFFICE_XML: frozenset[str] = frozenset(("wordml", "spreadsheetml"))
_XML_CUT_SHORT_MESSAGE: str = ("the file ends before its XML does (a download cut short): read up to its last whole tag, "
                               "a table row cut in two left out, the rest missing")
_XML_CUT_SHORT: Told = (("incomplete", _XML_CUT_SHORT_MESSAGE),)
_FEED_DETAIL = "an XML feed or sitemap (a site's list of its pages), not a report's text"
_DELIMITED_NAMES = (".csv", ".tsv")
_DELIMITED: str = "text:delimited"  # (read_as: text whose name says CSV or TSV)
# (read_as: text under a workbook's name: a system's "export to Excel" may write CSV so, which
# Excel opens)
_TEXT_AS_WORKBOOK: str = "text:workbook"
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.IGNORECASE)
# A PDF page whose text layer holds fewer characters than this is a scan.
_MIN_TEXT_LAYER_CHARS = 20
# Horizontal gap (PDF points) between two words that makes them two table cells.
_CELL_GAP = 6.0
_LINE_TOLERANCE = 2.5

# What a page's element may set hidden: the rows, cells and inline elements that hold text (a
# hidden block, a div, is read: a page's tabs hide all but one, and the report may be in any).
_INLINE_TAGS: frozenset[str] = frozenset((
    "span", "font", "b", "strong", "i", "em", "u", "s", "small", "big", "a", "label", "sup", "sub", "code", "abbr",
))
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
_VISIBILITY_HIDDEN = re.compile(r"visibility\s*:\s*hidden")
_INVISIBLE: int = 1
_GONE: int = 2
_DROPPED_TAGS = ("script", "style", "noscript", "head", "iframe", "embed", "svg", "template", "object", "select", "button")
_BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "br", "hr", "tr",
    "center", "blockquote", "pre", "form", "table", "tbody", "thead", "tfoot", "caption", "figure", "figcaption",
    "address",
))


@dataclass(frozen=True)
class Extracted:
    text: str | None
    # "text" | "html" | "pdf" | "ofd" | "docx" | "doc" | "wordml" | "rtf" | "mhtml" | "xlsx" | "xls" | "ods" |
    # "spreadsheetml", a wrapper's document's; "gzip" | "zip" for a wrapper whose document is not
    # read (archive.py)
    source_format: str
    encoding: str | None
    problem: str | None = None
    detail: str = ""
    elsewhere: Shown = nothing  # the attachments linked and the pictures shown (elsewhere.py)
    # What reading the file found besides its text, for the file's issues: (code, message).
    told: Told = ()
    # What a page's head names (its title, its site's metadata) and a document's properties
    # (its title): labels.HEAD_TITLES.
    heading: Heading = ()


def sniff_format(data: bytes, source_path: str) -> str:
    name = source_path.lower()
    if is_ole2(data):  # (Word 97-2003, an Excel workbook, or another office file in the same container)
        workbook = holds_workbook(data)
        if workbook is None:  # (a damaged container: its name says which reader tells what is wrong)
            workbook = name.endswith(_WORKBOOK_NAMES)
        return "xls" if workbook else "doc"
    if data.startswith(_PDF_MAGIC):
        return "pdf"
    if data.startswith(GZIP_MAGIC):  # (before a name: a page or PDF saved as the server sent it, compressed)
        return "gzip"
    if is_docx(data):
        return "docx"
    if is_ofd(data):
        return "ofd"
    spreadsheet = workbook_kind(data)
    if spreadsheet:
        return spreadsheet
    wrapper = wrapper_kind(data)
    if wrapper:
        return wrapper
    if is_rtf(data):
        return "rtf"
    start = utf16_start_as_utf8(data, _UTF16_SNIFF_BYTES)  # (the markup sniffs' bytes: a UTF-16 file's as text)
    office_xml = _office_xml(start)
    if office_xml:
        return office_xml
    if is_mhtml(data):  # (before the markup sniff: its page's markup may be plain in its first bytes)
        return "mhtml"
    if name.endswith((".html", ".htm", ".shtml", ".xhtml")):
        return "html"
    markup = _is_markup(start)
    # A file named .pdf that is no PDF by its bytes: a page is read as one (a site's page served
    # at a .pdf address, a crawler naming what it saved by the link), anything else is a broken PDF.
    if name.endswith(".pdf") and not markup:
        return "pdf"
    return "html" if markup else "text"


def _office_xml(data: bytes) -> str | None:
    """"wordml" for Word 2003's XML document, "spreadsheetml" for Excel 2003's XML spreadsheet,
    in UTF-8 or UTF-16 (a .NET export's: ``data`` as utf16_start_as_utf8 gives it), else None."""
    if is_word2003(data):
        return "wordml"
    if is_spreadsheetml(data):
        return "spreadsheetml"
    return None


def _xml_in_utf8(data: bytes) -> tuple[bytes, Told]:
    """An XML document's bytes in UTF-8 with no encoding declared, and what decoding them told:
    an XML reader trusts the declaration, which exports written from a template get wrong
    (.NET's StringWriter declares utf-16 over UTF-8 bytes, a Java template GBK over UTF-8), or
    UTF-16 throughout. Bytes in UTF-8 that declare no other encoding are as they are; a declared
    UTF-16 over bytes that are not is the error itself, and not tried."""
    declared = _DECLARED_ENCODING.match(data, 0, 200)
    name = declared.group(1).decode("ascii").lower().replace("_", "-") if declared else "utf-8"
    if name in ("utf-8", "utf8") and not data.startswith(UTF16_BOMS) and data.find(0, 0, 4096) < 0 and _is_utf8(data):
        return data, ()
    decoded = decode(data, None if name.startswith("utf-16") else superset(name))
    if decoded.text is None:
        return data, ()  # (the reader says what is wrong with them)
    declaration = _XML_DECLARATION.match(decoded.text)
    text = decoded.text[declaration.end():] if declaration else decoded.text.lstrip("\ufeff")
    return text.encode("utf-8"), decoded.told


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_markup(data: bytes) -> bool:
    """An HTML page by its first bytes; a JSON object holding markup in a string is JSON
    (is_json), not a page. A page in UTF-16 (Word's "Unicode" web page, its bytes a NUL between
    the letters of every tag) is sniffed as the text it holds (``data`` as utf16_start_as_utf8
    gives it)."""
    return bool(_HTML_SNIFF.search(data[:4096].lower())) and not data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def read_as(data: bytes, source_path: str) -> str:
    """What decides how ``data`` is read under this path: its format, and for text whether
    the name says CSV or TSV. Under two paths that give the same, the same bytes are read
    alike: a run's copies share one parse, and a moved file keeps its rows (corpus/moved.py)."""
    kind = sniff_format(data, source_path)
    if kind != "text":
        return kind
    name = source_path.lower()
    if name.endswith(_DELIMITED_NAMES):
        return _DELIMITED
    return _TEXT_AS_WORKBOOK if name.endswith(_WORKBOOK_NAMES) else kind


def extract(data: bytes, source_path: str, kind: str | None = None) -> Extracted:
    """The report's text from a raw file; ``kind`` is ``read_as``'s answer when the caller
    has it (parse_bytes keys its memory of parses by it: not asked twice a file)."""
    try:
        return _extracted(data, source_path, kind)
    finally:
        forget_compound()  # (its streams, read once for the sniffing, the text and the title)


def _extracted(data: bytes, source_path: str, kind: str | None) -> Extracted:
    if _FEED.match(data[:4096]):
        return Extracted(None, "text", None, "not_a_report", _FEED_DETAIL)
    if kind is None:
        kind = read_as(data, source_path)
    found = _read(data, source_path, kind)
    if found.text is None or kind not in TITLED:
        return found
    title = document_title(data, kind)
    return replaced(found, heading=tuple(sorted((*found.heading, (DOCUMENT_TITLE, title))))) if title else found


def _read(data: bytes, source_path: str, kind: str) -> Extracted:
    """extract's answer but for the title a document's properties give."""
    if kind == "pdf":
        return _pdf(data)
    if kind == "ofd":
        pages, problem, detail, pictures = read_ofd(data)
        if pages is None:
            return Extracted(None, "ofd", None, problem, detail)
        return _laid_out("ofd", pages, pictures)
    if kind == "docx":
        text, problem, detail, page, pictures, cut_short_how = read_docx(data)
        if page is not None:  # (a document whose text is a page it embeds)
            return _mhtml(page, "docx") if is_mhtml(page) else _html(page, None, "docx")
        document = _document("docx", text, problem, detail, pictures)
        return replaced(document, told=(("incomplete", cut_short_how),)) if cut_short_how else document
    if kind == "doc":
        text, problem, detail, pictures = read_doc(data)
        if problem == "binary_file":  # (a presentation, an encrypted package: no Word document in it)
            return Extracted(None, "text", None, problem, detail)
        return _document("doc", text, problem, detail, pictures)
    if kind in _OFFICE_XML:
        xml, told = _xml_in_utf8(data)
        if kind == "wordml":
            text, problem, detail, pictures, cut = read_word2003(xml)
        else:
            text, problem, detail, cut = read_spreadsheetml(xml)
            pictures = 0
        return replaced(_document(kind, text, problem, detail, pictures), told=(*told, *(_XML_CUT_SHORT if cut else ())))
    if kind == "rtf":
        text, problem, detail = read_rtf(data)
        return _document("rtf", text, problem, detail, rtf_pictures(data) if text is not None else 0)
    if kind in _WORKBOOKS:
        text, problem, detail = read_workbook(data, kind)
        return _document(kind, text, problem, detail, 0)
    if kind in _WRAPPERS:
        return _unwrapped(data, kind, source_path)
    if kind == "html":
        return _html(data)
    if kind == "mhtml":
        return _mhtml(data)
    decoded = decode(data)
    if decoded.text is not None and is_json(decoded.text):
        return Extracted(None, "text", decoded.encoding, "not_a_report", _JSON_DETAIL)
    text = decoded.text
    if text is not None and kind == _DELIMITED:
        if is_delimited_data(text):
            return Extracted(None, "text", decoded.encoding, "not_a_report", _DELIMITED_DETAIL)
        text = comma_separated_rows(text)
    elif text is not None and kind == _TEXT_AS_WORKBOOK:
        # (not asked whether it is data: a report's table of one width with no title may be so)
        text = comma_separated_rows(text)
    elif text is not None and "\f" in text:
        text = "\n".join(without_page_numbers(pages_of_text(text)))
    return Extracted(text, "text", decoded.encoding, decoded.problem, decoded.detail, told=decoded.told)


def _unwrapped(data: bytes, kind: str, source_path: str) -> Extracted:
    """The document a gzip file or a ZIP archive holds, read as the file it is (one wrapper
    deep: a wrapper in a wrapper is not unpacked)."""
    unpacked = unpack(data, kind, source_path)
    if unpacked.data is None:
        return Extracted(None, kind, None, unpacked.problem, unpacked.detail)
    inner_kind = read_as(unpacked.data, unpacked.name)
    if inner_kind in _WRAPPERS:
        return Extracted(None, kind, None, "unreadable_archive",
                         f"{unpacked.told}, which is {_WRAPPER_NAMES[inner_kind]} in turn: unpack it first")
    inner = extract(unpacked.data, unpacked.name, inner_kind)
    if inner.problem:
        return replaced(inner, detail=f"{unpacked.told}: {inner.detail}")
    # The document's own name, which the archive keeps ("甲县…报告.docx" in "download.zip").
    named = file_name_title(unpacked.name)
    return replaced(inner, told=(("read_from_archive", unpacked.told), *inner.told),
                    heading=tuple(sorted((*inner.heading, (FILE_NAME, named)))) if named else inner.heading)


def _document(source_format: str, text: str | None, problem: str | None, detail: str, pictures: int) -> Extracted:
    """What a document reader (Word, RTF, a workbook's) gave: its format names the text's encoding too."""
    return Extracted(text, source_format, None if text is None else source_format, problem, detail,
                     _pictures(pictures))


def _pictures(count: int) -> Shown:
    """A document's pictures, which have no source of their own."""
    if not count:
        return nothing
    shown = Elsewhere(pictures=("",) * count)
    return lambda: shown


_JSON_DETAIL = "JSON data (a crawler's metadata beside a page, an export), not a report's text"


def is_json(text: str) -> bool:
    """A JSON document, or JSON Lines. A crawler's sidecar names the report's organ and
    year, and an export quotes its figures: parsed as text, each made a report that was
    none (a year, a place, figures out of notes)."""
    body = text.strip()
    if not body or body[0] not in "{[":
        return False
    try:
        json.loads(body)
        return True
    except ValueError:
        pass
    try:
        for line in body.splitlines():
            if line.strip():
                json.loads(line)
    except ValueError:
        return False
    return True


_DELIMITED_DETAIL = "a CSV or TSV table of data (a crawler's index of pages, an export), not a report's text"


def is_delimited_data(text: str) -> bool:
    """Rows of a CSV or TSV file, every one of the same two or more fields. A crawler's
    index names each report's organ and year: parsed as text, it made a report that was
    none. Only files named so are asked: a report's text has rows of many widths (a
    title, prose, tables of four and eight columns), but a name is the safer sign."""
    for delimiter in (",", "\t", ";"):
        widths: set[int] = set()
        try:
            for row in csv.reader(io.StringIO(text), delimiter=delimiter):
                if row:
                    widths.add(len(row))
                    if len(widths) > 1:
                        break
        except csv.Error:
            continue
        if len(widths) == 1 and min(widths) >= 2:
            return True
    return False


def comma_separated_rows(text: str) -> str:
    """A CSV file's rows laid out as a workbook's sheet (workbook.grid_lines): a report's table
    exported as CSV (its title and notes rows of one field, the table's of several) read cell by
    cell. Before, its commas were read as prose and the table gave no figure. Only a file whose
    rows are mostly of several fields is so: a report's text saved under a .csv name (its lines,
    its markdown rows, a label's comma) is as it is, and so is a file with tabs (a tab-separated
    row is read as cells)."""
    if "\t" in text or "|" in text:
        return text
    try:
        rows = [[" ".join(cell.split()) for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error:  # (a NUL byte, a field over the module's limit: read as it is)
        return text
    filled = [row for row in rows if any(row)]
    if sum(1 for row in filled if len(row) >= 2) * 2 < len(filled):
        return text
    width = max((len(row) for row in rows), default=0)
    lines: list[str] = []
    grid_lines([row + [""] * (width - len(row)) for row in rows], lines)
    return "\n".join(lines) + "\n" if lines else text


# ---------------------------------------------------------------- HTML


def _html(data: bytes, charset: str | None = None, source_format: str = "html") -> Extracted:
    decoded = _decode_html(data, charset)
    if decoded.problem or decoded.text is None:
        return Extracted(None, source_format, decoded.encoding, decoded.problem, decoded.detail)
    text, elsewhere, heading = page_text(decoded.text)
    if not text.strip():
        return Extracted(None, source_format, decoded.encoding, "empty_file", "the page has no text once its markup is removed")
    return Extracted(text, source_format, decoded.encoding, elsewhere=elsewhere, told=decoded.told, heading=heading)


def _decode_html(data: bytes, charset: str | None = None) -> Decoded:
    """The charset a web archive gives the page, or the page declares, when it decodes;
    otherwise detection."""
    found = _META_CHARSET.search(data[:8192])
    known: str | None = None  # (the first charset declared that Python knows)
    for declared in (charset, found.group(1).decode("ascii") if found else None):
        if declared is None:
            continue
        encoding = superset(declared.lower())
        try:
            whole = strictly_decoded(data, encoding)
        except LookupError:
            continue
        if whole is not None:
            return Decoded(whole[0], encoding, told=cut_short(whole[1], encoding))
        known = known or encoding
    return decode(data, known)


def _mhtml(data: bytes, source_format: str = "mhtml") -> Extracted:
    page, charset = html_part(data)
    if page is None:
        return Extracted(None, source_format, None, "empty_file", "the web archive (MHTML) holds no HTML page")
    return _html(page, charset, source_format)


def html_to_text(markup: str) -> str:
    """The page's text: one line per block, one markdown row per table row."""
    return page_text(markup)[0]


def page_text(markup: str) -> tuple[str, Shown, Heading]:
    """html_to_text's text, what tells the documents the page links to and the pictures
    it shows, and what its head names."""
    lxml_etree = etree()
    # lxml refuses a decoded page that still declares its encoding (an XHTML page's
    # `<?xml ... encoding="UTF-8"?>`): such pages came out empty, quarantined `empty_file`.
    declaration = _XML_DECLARATION.match(markup)  # (match, not sub: sub tries every position)
    if declaration:
        markup = markup[declaration.end():]
    try:
        document = lxml_etree.fromstring(markup, _html_parser())
    except (lxml_etree.ParserError, ValueError):
        return "", nothing, ()
    if document is None:  # no markup at all
        return "", nothing, ()
    heading = _page_head(document)
    frames: list[str] = []
    for element in list(document.iter(*_DROPPED_TAGS)):
        if element.tag in FRAME_TAGS:
            frames.append(frame_target(element))
        _drop_tree(element)
    lxml_etree.strip_elements(document, lxml_etree.Comment, with_tail=False)
    for mark in list(document.iter("sup", "sub")):
        bracket_raised(mark)
    lines: list[str] = []
    current: list[str] = []
    _walk(document, lines, current)
    _flush(lines, current)
    return "\n".join(lines) + "\n", lambda: in_page(document, frames), heading


def _page_head(document) -> Heading:
    """The title and the site's metadata (labels.HEAD_META) a page's head gives, the first
    of each, as a document's title is shown (properties.shown_title), in a fixed order."""
    head = document.find("head")
    if head is None:
        return ()
    found: dict[str, str] = {}
    for element in head.iter("title", "meta"):
        if element.tag == "title":
            source: str | None = HEAD_TITLE
            said = "".join(element.itertext())
        else:
            source = HEAD_META.get((element.get("name") or "").strip().lower())
            said = element.get("content") or ""
        shown = shown_title(said)
        if source is not None and shown and source not in found:
            found[source] = shown
    return tuple(sorted(found.items()))


@lru_cache(maxsize=1)
def _html_parser():
    """lxml's HTML parser as ``lxml.html`` sets it up, without its element classes:
    those are looked up by a Python function for every element the walk touches
    (a sixth of the time of a page)."""
    return etree().HTMLParser()


def _drop_tree(element) -> None:
    """Remove ``element`` and what it holds, keeping its tail text (lxml.html's drop_tree)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def _flush(lines: list[str], current: list[str]) -> None:
    """End the line being gathered (its white space collapsed)."""
    line = " ".join("".join(current).split())
    if line:
        lines.append(line)
    current.clear()


def _walk(element, lines: list[str], current: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction
        tag = ""
    if tag == "table" and next(element.iterdescendants("table"), None) is None:
        _flush(lines, current)
        lines.extend(_table_rows(element))
        return
    if tag in _BLOCK_TAGS:
        _flush(lines, current)
    # (lxml builds a new string each time .text or .tail is read: each is read once)
    text = element.text
    if text:
        current.append(text)
    for child in element:
        if child.tag not in _INLINE_TAGS or not child.keys() or not _hiding(child):
            _walk(child, lines, current)
        tail = child.tail
        if tail:
            current.append(tail)
    if tag in _BLOCK_TAGS:
        _flush(lines, current)


def _table_rows(table) -> list[str]:
    """A table as markdown rows; a cell spanning rows or columns fills its first
    position and leaves the others empty, so the figures keep their columns."""
    row_cells = _row_cells(table)
    # grid[r][c]: the text at row r, column c; "" where a spanning cell reaches; None where no cell does.
    grid: list[list[str | None]] = [[] for _ in row_cells]
    width = 0
    for r, cells in enumerate(row_cells):
        line = grid[r]
        column = 0
        for cell in cells:
            while column < len(line) and line[column] is not None:
                column += 1
            text = " ".join(_cell_text(cell).split())
            if cell.keys():  # most cells have no attribute: one call, not two
                hiding = _hiding(cell)
                if hiding == _GONE:  # (a browser lays the row out without it)
                    continue
                if hiding:
                    text = ""
                rowspan = _span(cell.get("rowspan"))
                colspan = _span(cell.get("colspan"))
            else:
                rowspan = colspan = 1
            if rowspan == colspan == 1:  # most cells: the loop below without its lists
                if column == len(line):
                    line.append(text)
                else:
                    line[column] = text
                column += 1
                width = max(width, column)
                continue
            for spanned in grid[r : r + rowspan]:
                if len(spanned) < column + colspan:
                    spanned.extend([None] * (column + colspan - len(spanned)))
                spanned[column : column + colspan] = [""] * colspan
            line[column] = text
            column += colspan
            width = max(width, column)
    out = []
    for line in grid:
        cells = line[:width]
        while cells and cells[-1] is None:  # past the row's last cell: padding, not a blank cell
            cells.pop()
        if any(cells):
            out.append(markdown_row([cell or "" for cell in cells]))
    return out


def _row_cells(table) -> list[list]:
    """The cells (td, th) of each row (tr) of a table, as ``row.iterchildren("td", "th")``
    for each ``table.iter("tr")`` gives them. The children are read as they come: lxml
    builds a tag matcher for each call of iterchildren, which cost more than the walk
    itself, and a walk of the whole table asking each cell for its row cost more still."""
    return [[cell for cell in row if cell.tag in _CELL_TAGS] for row in table.iter("tr")
            if not row.keys() or not _hiding(row)]


_CELL_TAGS = frozenset(("td", "th"))  # (a comment's tag is a function: never one of them)


def _cell_text(cell) -> str:
    """What ``text_content()`` gives (comments are stripped before), without an XPath
    evaluation per cell: most cells are one text node; and none of what is hidden in it."""
    if len(cell):
        if any(element.keys() and _hiding(element) for element in cell.iterdescendants()):
            parts: list[str] = []
            _shown_text(cell, parts)
            return "".join(parts)
        return "".join(cell.itertext())
    return cell.text or ""


def _shown_text(element, parts: list[str]) -> None:
    text = element.text
    if text:
        parts.append(text)
    for child in element:
        if isinstance(child.tag, str) and not (child.keys() and _hiding(child)):
            _shown_text(child, parts)
        tail = child.tail
        if tail:
            parts.append(tail)


def _hiding(element) -> int:
    """How an element's own style or attribute hides it: 0 not; _INVISIBLE (visibility:
    hidden: its place kept) or _GONE (display:none, the hidden attribute). Read as shown, a
    hidden cell moved its row's figures a column on, and hidden text joined a figure (5 and a
    hidden 3: 53). A page's stylesheet is not read (a class that hides is not seen)."""
    if element.get("hidden") is not None:
        return _GONE
    style = element.get("style")
    if not style:
        return 0
    style = style.lower()
    if _DISPLAY_NONE.search(style):
        return _GONE
    return _INVISIBLE if _VISIBILITY_HIDDEN.search(style) else 0


def _span(value: str | None) -> int:
    if value is None:  # most cells
        return 1
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


# ---------------------------------------------------------------- PDF

_MARK_LENGTH: int = 3  # (characters, at most)


def _pdf(data: bytes) -> Extracted:
    try:
        pages, pictures, heading = _pdf_pages(data)
    except Exception as error:  # noqa: BLE001 - pdfminer raises many private error types
        if _PDF_MAGIC not in data[:_PDF_HEADER_WITHIN]:
            return Extracted(None, "pdf", None, "unreadable_pdf", f"named .pdf, but no PDF: {_NO_PDF_HEADER}")
        return _repaired_pdf(data, f"{type(error).__name__}: {error}"[:200])
    return _laid_out("pdf", pages, pictures, heading)


def _pdf_pages(data: bytes) -> tuple[list[str], int, Heading]:
    """Each page's text, how many pictures the pages show, and the title the document's
    information gives."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [_page_text(page) for page in pdf.pages]
        pictures = sum(len(page.images) for page in pdf.pages)
        try:
            title = pdf_title(pdf.doc)
        except Exception:  # noqa: BLE001 - a damaged information dictionary; the pages were read
            title = None
    return pages, pictures, ((DOCUMENT_TITLE, title),) if title else ()


def _repaired_pdf(data: bytes, unreadable: str) -> Extracted:
    """A PDF pdfminer cannot open (``unreadable`` says why), rebuilt by qpdf (pikepdf) and read:
    a download cut short loses the cross-reference table and trailer at the end, without which
    no page is found, and qpdf finds the objects that arrived. Told as incomplete: the pages
    the cut took are missing."""
    qpdf = _pikepdf()
    try:
        # (an end marker after the cut: qpdf takes an object the file ends just after for cut in two)
        with qpdf.open(io.BytesIO(data + _PDF_END)) as pdf:
            rebuilt = io.BytesIO()
            pdf.save(rebuilt)
        pages, pictures, heading = _pdf_pages(rebuilt.getvalue())
    except Exception:  # noqa: BLE001 - qpdf's and pdfminer's errors, a password
        return Extracted(None, "pdf", None, "unreadable_pdf", unreadable)
    extracted = _laid_out("pdf", pages, pictures, heading)
    if extracted.text is None:
        return Extracted(None, "pdf", None, "unreadable_pdf",
                         f"{unreadable}; rebuilt by qpdf, no page's text was recovered (cut short before it?)")
    rebuilt_told = (f"the PDF could not be read as it is ({unreadable}: a download cut short, or damaged): rebuilt by "
                    f"qpdf and read, the pages it could not recover missing ({len(pages)} recovered)")
    return replaced(extracted, told=(("incomplete", rebuilt_told),))


@lru_cache(maxsize=1)
def _pikepdf():
    """pikepdf, imported by the first PDF to be rebuilt (named apart: compiled, an import in a
    function binds a module global)."""
    import pikepdf as pikepdf_module

    return pikepdf_module


def _raised_mark_apart(word: dict) -> str:
    """A word's text, a smaller tail after a figure's digits (a note's mark set superscript:
    "14" of 14 and a small 1) in brackets (text.bracketed_mark). Joined, it was 141."""
    text: str = word["text"]
    chars = word["chars"]
    if len(chars) < 2 or len(chars) != len(text) or chars[-1]["size"] >= chars[0]["size"] * RAISED_MARK_SIZE:
        return text
    size = chars[0]["size"] * RAISED_MARK_SIZE
    for index in range(max(1, len(text) - _MARK_LENGTH), len(text)):
        if chars[index]["size"] < size:
            return text[:index] + bracketed_mark(text[index:]) if text[index - 1].isdecimal() else text
    return text


def _marks_joined(words: list[dict]) -> list[dict]:
    """The words, a note's mark raised or lowered off its figure's line (a small word of its
    own, up to a word's gap after a figure it overlaps, on no line of the figure's) joined to the
    figure as _raised_mark_apart joins one. Alone, it made a line between rows: "1", a figure
    of a row of its own, or of the row before."""
    order = sorted(range(len(words)), key=lambda index: words[index]["x1"])
    ends = [words[index]["x1"] for index in order]
    kept: list[dict] = []
    for word in words:
        if len(word["text"]) <= _MARK_LENGTH:
            size = word["chars"][0]["size"] / RAISED_MARK_SIZE
            position = bisect_left(ends, word["x0"] - _CELL_GAP / 4)
            while position < len(ends) and ends[position] <= word["x0"] + _CELL_GAP / 4:
                figure = words[order[position]]
                position += 1
                if (figure is not word and figure["text"][-1:].isdecimal() and figure["chars"][-1]["size"] > size
                        and abs(figure["top"] - word["top"]) > _LINE_TOLERANCE
                        and word["top"] < figure["bottom"] and word["bottom"] > figure["top"]):
                    figure["text"] += bracketed_mark(word["text"])
                    break
            else:
                kept.append(word)
            continue
        kept.append(word)
    return kept


def _laid_out(source_format: str, pages: list[str], pictures: int, heading: Heading = ()) -> Extracted:
    """A fixed-layout document's (PDF, OFD) pages, or ``no_text_layer`` for a scan."""
    text = "\n".join(without_page_numbers(pages))
    if len("".join(text.split())) < _MIN_TEXT_LAYER_CHARS:
        return Extracted(None, source_format, None, "no_text_layer", f"{len(pages)} page(s) with no text layer (a scan?)")
    return Extracted(text, source_format, source_format, elsewhere=_pictures(pictures), heading=heading)


def _page_text(page) -> str:
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, return_chars=True)
    for word in words:
        word["text"] = _raised_mark_apart(word)
    words = _marks_joined(words)
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= _LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        parts = [line[0]["text"]]
        joined = spread_letters([(word["x0"], word["x1"], word["text"]) for word in line])
        for index, (previous, word) in enumerate(pairwise(line)):
            gap = word["x0"] - previous["x1"]
            parts.append(("" if joined[index] else " | " if gap > _CELL_GAP else " ") + word["text"])
        out.append("".join(parts))
    return "\n".join(out)
