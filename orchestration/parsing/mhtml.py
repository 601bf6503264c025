"""A web archive (MHTML: a page saved "as a single file", `.mht`; also what office
systems export as `.doc` for Word to open) to the page it holds: its HTML part, in
base64 or quoted-printable, unpacked by the standard library's email parser, and its
charset. The page is then read as any other (formats.py)."""

from __future__ import annotations

import email
import re

# Mail-style header lines from the first byte, one of them declaring a multipart/related body.
_MHTML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:[\w-]{1,64}:[^\r\n]{0,1000}\r?\n(?:[ \t][^\r\n]{0,1000}\r?\n){0,20}){0,30}?"
    rb"content-type:[ \t]*multipart/related",
    re.IGNORECASE,
)
_SNIFF_BYTES: int = 16384


def is_mhtml(data: bytes) -> bool:
    return _MHTML_START.match(data[:_SNIFF_BYTES]) is not None


def html_part(data: bytes) -> tuple[bytes | None, str | None]:
    """The archive's first HTML part, unpacked, and the charset it declares (or None);
    (None, None) when it holds none."""
    message = email.message_from_bytes(data)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload, part.get_content_charset()
    return None, None
