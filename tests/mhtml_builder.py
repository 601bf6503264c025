"""Write web archives (MHTML) as Internet Explorer and Word save them, and as office
systems export a page as `.doc` for Word to open: mail headers, then the page as a part
in quoted-printable or base64."""

from __future__ import annotations

import base64
import quopri

BOUNDARY = "----=_NextPart_01D8A4B3.5C2E7F10"


def mhtml_from_html(page: str, charset: str = "gb2312", transfer: str = "quoted-printable",
                    declare_charset: bool = True) -> bytes:
    body = page.encode("gb18030" if charset == "gb2312" else charset)
    encoded = quopri.encodestring(body) if transfer == "quoted-printable" else base64.encodebytes(body)
    content_type = f'text/html; charset="{charset}"' if declare_charset else "text/html"
    head = ("From: <Saved by Windows Internet Explorer 8>\r\n"
            "Subject: report\r\n"
            "Date: Thu, 28 Jan 2022 09:30:00 +0800\r\n"
            "MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{BOUNDARY}"\r\n'
            "\r\nThis is a multi-part message in MIME format.\r\n\r\n"
            f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {transfer}\r\n"
            "Content-Location: file:///C:/report.htm\r\n\r\n")
    picture = (f"\r\n--{BOUNDARY}\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
               "Content-Location: file:///C:/report_files/image001.png\r\n\r\niVBORw0KGgo=\r\n")
    return head.encode("ascii") + encoded.replace(b"\n", b"\r\n") + picture.encode("ascii") + f"\r\n--{BOUNDARY}--\r\n".encode()
