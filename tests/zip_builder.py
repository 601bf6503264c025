"""A ZIP package (a .docx, a workbook, an OFD document) with some of its parts changed."""

from __future__ import annotations

import io
import zipfile


def rewritten(data: bytes, change) -> bytes:
    """``data``'s parts as ``change(name, content)`` gives them (None: the part left out),
    deflated: a part packs as the writers pack it, and 64 MiB of spaces into a few KiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
    return buffer.getvalue()
