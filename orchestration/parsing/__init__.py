"""The report parser: bytes of one raw file in, metadata, figures and issues out.

Pure functions with no I/O beyond their arguments, so the parse stage can run
them in worker processes and tests can call them on strings.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import traceback
import warnings
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

_HERE = Path(__file__).parent


def _fingerprint(paths: list[Path]) -> str:
    """A hash of source files (names and bytes). setup.py computes the same for the
    sources it compiles; it cannot import this package, whose dependencies a build lacks."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _compiled_build() -> tuple[bool, str]:
    """Whether the modules mypyc compiled (setup.py) are the ones to import, and why not.

    A compiled module shadows its source: after an edit (or a checkout) without a
    rebuild it would run the old code, so then every module runs from source.
    """
    built = [p for p in _HERE.iterdir() if p.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))]
    if not built:
        return False, "not compiled"
    if os.environ.get("OGI_PURE_PYTHON") == "1":
        return False, "OGI_PURE_PYTHON=1"
    compiled_sources = [p for p in _HERE.glob("*.py") if p.name != "__init__.py"]
    manifest = _HERE / "compiled.txt"  # written by setup.py's build
    if not manifest.exists() or manifest.read_text().strip() != _fingerprint(compiled_sources):
        warnings.warn("the compiled parser is older than its source: running the source "
                      "(`pip install -e .` compiles it again)", stacklevel=2)
        return False, "compiled modules older than their source"
    return True, "mypyc"


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Import this package's modules from their .py files, past any compiled ones."""

    def find_spec(self, name, path, target=None):
        package, _, module = name.rpartition(".")
        source = _HERE / f"{module}.py"
        if package == __name__ and source.exists():
            return importlib.util.spec_from_file_location(name, source)
        return None


COMPILED, BUILD = _compiled_build()
if not COMPILED and not any(isinstance(finder, _SourceFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _SourceFinder())

# Imported once the choice of compiled or source modules is made.
from .elsewhere import issues as elsewhere_issues
from .formats import extract, read_as, sniff_format
from .labels import FILE_NAME
from .metadata import file_name_title
from .model import Issue, ParseResult, ReportMetadata, Value
from .regions import GAZETTEER, GAZETTEER_VERSION
from .report import parse_text
from .variants import simplify

# A hash of the parser's own code (rows parsed by other code are never reused); the
# gazetteer's data places organs, so a new release of it re-parses too.
PARSER_VERSION = f"1.2+{_fingerprint(list(_HERE.glob('*.py')))[:12]}+{GAZETTEER}-{GAZETTEER_VERSION}"


@dataclass
class FileParse:
    """Everything known about one raw file after parsing."""

    source_path: str
    report_id: str
    content_sha256: str | None  # (None when the file could not be read)
    file_size: int | None
    encoding: str | None
    status: str  # "parsed" | "quarantined"
    source_format: str = "text"  # formats.Extracted's
    transforms: list[str] = field(default_factory=list)  # "pinyin_removed", "traditional_to_simplified"
    quarantine_code: str | None = None
    quarantine_reason: str | None = None
    result: ParseResult | None = None
    issues: list[Issue] = field(default_factory=list)  # file-level issues (quarantine, duplicates)
    text: str | None = None

    @property
    def all_issues(self) -> list[Issue]:
        return [*self.issues, *(self.result.issues if self.result else [])]


def content_id(data: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    return digest[:16], digest


# parse_bytes' memory of parses, by bytes, kind and the title the file's name gives
Parsed = dict[tuple[str, str, str | None], FileParse]


def parse_bytes(data: bytes, source_path: str, max_year: int | None = None, max_bytes: int | None = None,
                earlier: Parsed | None = None) -> FileParse:
    """Parse one file's bytes. Never raises: a failure is a quarantine with a code.

    ``earlier`` (a dict the caller keeps across calls with the same limits) remembers
    what was parsed: a file with the bytes of one parsed before, read as the same kind
    (its name may say HTML, PDF or CSV: ``read_as``) and named with the same title
    (``file_name_title``: the metadata may read it), takes that parse under its own path. The
    parse of the same bytes so read is the same; a report saved twice, mostly next to its first
    copy, is then read once.
    """
    report_id, digest = content_id(data)
    named = file_name_title(source_path)
    if earlier is None:
        return _parse_bytes(data, source_path, report_id, digest, max_year, max_bytes, named)
    kind = read_as(data, source_path)
    key = (digest, kind, named)
    first = earlier.get(key)
    if first is None:
        first = earlier[key] = _parse_bytes(data, source_path, report_id, digest, max_year, max_bytes, named, kind)
        return first
    return replace(first, source_path=source_path, issues=list(first.issues))


def _parse_bytes(data: bytes, source_path: str, report_id: str, digest: str, max_year: int | None,
                 max_bytes: int | None, named: str | None, kind: str | None = None) -> FileParse:
    """parse_bytes' parse (``named``: the title the file's name gives, file_name_title)."""
    if max_bytes is not None and len(data) > max_bytes:
        return too_large(source_path, digest, len(data), max_bytes)
    parse = FileParse(source_path, report_id, digest, len(data), None, "parsed")
    extracted = extract(data, source_path, kind)
    parse.encoding = extracted.encoding
    parse.source_format = extracted.source_format
    text = extracted.text
    if extracted.problem or text is None:
        return _quarantine(parse, extracted.problem or "parse_error", extracted.detail)
    parse.text = text
    parse.issues.extend(Issue(code, message) for code, message in extracted.told)
    try:
        simplified = simplify(text)
        parse.transforms = simplified.transforms
        # (an archive's document's own name, when it gives a title, before the archive's)
        archived = any(source == FILE_NAME for source, _ in extracted.heading)
        heading = (*extracted.heading, (FILE_NAME, named)) if named and not archived else extracted.heading
        parse.result = parse_text(simplified.text, max_year or date.today().year, heading)
        parse.result.issues.extend(elsewhere_issues(extracted.elsewhere, parse.result))
        if simplified.index is not None:
            _to_original_offsets(parse.result, simplified, text)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop a run
        detail = "".join(traceback.format_exception_only(error)).strip()
        return _quarantine(parse, "parse_error", detail)
    if not parse.result.is_report:
        parse.result = None
        return _quarantine(parse, "not_a_report", "no figure, year or organ of an OGI annual report found" + _begins(text))
    return parse


_BEGINS_SHOWN: int = 60  # characters of a file's first line shown when it is no report


def _begins(text: str) -> str:
    """How the text of a file that is no report begins, to tell it by (a site's error page,
    "404 页面不存在", a crawl's login page, another document)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        return ""
    return f"; its text begins “{first[:_BEGINS_SHOWN]}{'…' if len(first) > _BEGINS_SHOWN else ''}”"


def _to_original_offsets(result: ParseResult, simplified, original: str) -> None:
    """Point every figure and issue at the original text (with its pinyin)."""
    for value in result.values:
        value.char_start, value.char_end = simplified.original_span(value.char_start, value.char_end)
        value.raw_text = original[value.char_start : value.char_end]
    for issue in result.issues:
        if issue.char_start is not None and issue.char_end is not None:
            issue.char_start, issue.char_end = simplified.original_span(issue.char_start, issue.char_end)


def too_large(source_path: str, digest: str, size: int, max_bytes: int) -> FileParse:
    """A file over the size limit, quarantined ``too_large``: hashed, not parsed (and, read
    from disk, not held whole: ``corpus.pool``'s reader hashes it as it reads)."""
    parse = FileParse(source_path, digest[:16], digest, size, None, "parsed")
    return _quarantine(parse, "too_large", f"{size} bytes, over the limit of {max_bytes}")


def unreadable(source_path: str, error: OSError) -> FileParse:
    """A listed file whose bytes could not be read, quarantined ``unreadable_file``: no
    content to hash, so its report_id is made from its path, and the reason names the
    system's error without the raw folder's location (the tables do not depend on it)."""
    return _quarantine(_unread(source_path), "unreadable_file", f"the file could not be read: {system_error(error)}")


def unreadable_folder(source_path: str, reason: str) -> FileParse:
    """A folder of the raw folder that could not be listed (``source_path`` ends in ``/``),
    quarantined ``unreadable_folder``: one row for the files that are not in the tables."""
    return _quarantine(_unread(source_path), "unreadable_folder", reason)


def not_a_file(source_path: str, reason: str) -> FileParse:
    """An entry of the raw folder that holds no file to read (a link to nothing or one that
    loops, a pipe, a device), quarantined ``not_a_file``."""
    return _quarantine(_unread(source_path), "not_a_file", reason)


def system_error(error: OSError) -> str:
    """The system's words for ``error``, and its name: no path (the tables do not depend on
    where the raw folder is)."""
    name = errno.errorcode.get(error.errno or 0, "")
    return f"{error.strerror or error}" + (f" ({name})" if name else "")


def _unread(source_path: str) -> FileParse:
    """A raw entry with no content read: its report_id is made from its path."""
    report_id = hashlib.sha256(f"unreadable:{source_path}".encode()).hexdigest()[:16]
    return FileParse(source_path, report_id, None, None, None, "parsed", sniff_format(b"", source_path))


def crashed(data: bytes, source_path: str, code: str, reason: str) -> FileParse:
    """A file whose parse killed the worker parsing it (``worker_died``) or ran past the
    time limit (``parse_timeout``), quarantined with that code."""
    report_id, digest = content_id(data)
    return _quarantine(FileParse(source_path, report_id, digest, len(data), None, "parsed", sniff_format(data, source_path)),
                       code, reason)


def _quarantine(parse: FileParse, code: str, reason: str) -> FileParse:
    parse.status = "quarantined"
    parse.quarantine_code = code
    parse.quarantine_reason = reason
    parse.issues.append(Issue(code, reason))
    return parse


__all__ = ["BUILD", "COMPILED", "PARSER_VERSION", "FileParse", "Issue", "ParseResult", "Parsed", "ReportMetadata", "Value", "content_id", "crashed", "not_a_file", "parse_bytes", "parse_text", "system_error", "too_large", "unreadable", "unreadable_folder"]
