"""Write the Word 97-2003 (.doc) files tests/test_word97.py reads, into tests/word97/, and the
Word 2003 XML document tests/test_word.py reads (national_t2021.xml, LibreOffice's "MS Word
2003 XML" filter).

No library on the package registry writes Word's binary format, so each document is
made as a .docx (tests/docx_builder.py: python-docx, or its XML by hand) and saved as
.doc by LibreOffice's own "MS Word 97" filter, the way a user's "save as .doc" makes
one; the workbook likewise by its Excel filter; a password-protected .docx is encrypted by
msoffcrypto-tool (its salt is random: the file differs each time). The files are kept in the
repository, so the tests need neither. Run it again (after `apt-get install
libreoffice-writer libreoffice-calc` and `pip install msoffcrypto-tool`) when a fixture must change:

    .venv/bin/python tools/make_word97_fixtures.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx
from docx.oxml import parse_xml

from orchestration import synthetic
from tests.docx_builder import WORDPROCESSINGML, docx_from_html, docx_from_rows, docx_with_pictures, saved
from tests.test_document_title import titled_docx
from tests.test_formats import T2, reference
from tests.test_note_marks import WORD_SUPERSCRIPT_MARK, national_docx_with_mark

OUT = ROOT / "tests" / "word97"

# Paragraphs, tabs, a line break, a field (its code is not text, its result is), a
# no-break hyphen, a cell of two paragraphs, an empty cell, a text box (a story of its own,
# read after the main text), and (shapes_document) a page header with figures of its own: what the reader must keep or leave out,
# beyond the template's tables.
SHAPES_BODY = (
    '<w:p><w:r><w:t xml:space="preserve">行政许可\t12\t\t3</w:t></w:r></w:p>'
    '<w:p><w:r><w:t>收到申请7件</w:t><w:br/><w:t>办结6件</w:t></w:r></w:p>'
    '<w:p><w:r><w:t xml:space="preserve">详见 </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "http://www.example.gov.cn/99" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>政府信息公开专栏</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t>第二十条</w:t></w:r><w:r><w:noBreakHyphen/><w:t>1</w:t></w:r></w:p>'
    '<w:tbl><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'
    '<w:tr><w:tc><w:p><w:r><w:t>结果</w:t></w:r></w:p><w:p><w:r><w:t>纠正</w:t></w:r></w:p></w:tc>'
    '<w:tc><w:p><w:r><w:t xml:space="preserve">  45 </w:t></w:r></w:p></w:tc></w:tr>'
    '<w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>46</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    '<w:p><w:r><w:t>总计</w:t></w:r></w:p>'
    '<w:p><w:r><w:pict><v:shape style="width:200pt;height:50pt"><v:textbox><w:txbxContent>'
    '<w:p><w:r><w:t>收到申请35件</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>'
)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        documents = {
            "merged": docx_from_rows([[("合并", 1, 2), ("3", 1, 1)], [("a", 1, 1), ("b", 2, 1), ("4", 1, 1)],
                                      [("c", 1, 1), ("5", 1, 1)]]),
            "shapes": shapes_document(),
            "no_text": no_text_document(),
            "nested": with_body(NESTED_BODY),
            "pictures": docx_with_pictures(list(PICTURES_NOTICE), 2),
        }
        documents["marks"] = with_body(MARKS_BODY)
        documents["hidden"] = with_body(HIDDEN_BODY)
        documents["national_marked"] = national_docx_with_mark(WORD_SUPERSCRIPT_MARK)
        documents["titled"] = titled_docx()
        for layout in ("t2019", "t2021"):
            t3, t4, _ = reference(layout)
            page = synthetic.national_report_html("精河县人民政府办公室", 2021, layout, T2[layout], t3, t4)
            documents[f"national_{layout}"] = docx_from_html(page)
        for name, data in documents.items():
            (work / f"{name}.docx").write_bytes(data)
        _convert(work, "doc:MS Word 97", [work / f"{name}.docx" for name in documents])
        _convert(work, "xml:MS Word 2003 XML", [work / "national_t2021.docx"])
        shutil.copyfile(work / "national_t2021.xml", OUT / "national_t2021.xml")
        (work / "workbook.csv").write_text("机关,年份,申请\n精河县人民政府办公室,2021,12\n", encoding="utf-8")
        _convert(work, "xls:MS Excel 97", [work / "workbook.csv"])
        for name in [*documents, "workbook"]:
            suffix = ".xls" if name == "workbook" else ".doc"
            shutil.copyfile(work / f"{name}{suffix}", OUT / f"{name}{suffix}")
            print(OUT / f"{name}{suffix}")
    (OUT / "protected.docx").write_bytes(_encrypted(documents["merged"], "report"))
    print(OUT / "protected.docx")


# Notes' marks set raised beside figures: Word's superscript (a mark typed in two runs), a
# subscript, a cell's whole figure raised by points (LibreOffice writes a page's <sup> so: a
# mark only after a figure), a mark so raised after a figure, and a superscript in a sentence.
_RUN = "<w:r>{}<w:t>{}</w:t></w:r>"
_SUPERSCRIPT = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
_SUBSCRIPT = '<w:rPr><w:vertAlign w:val="subscript"/></w:rPr>'
_RAISED = '<w:rPr><w:position w:val="8"/><w:sz w:val="14"/></w:rPr>'
MARKS_BODY = (
    "<w:tbl><w:tr>" + "".join(f"<w:tc><w:p>{''.join(_RUN.format(*run) for run in cell)}</w:p></w:tc>" for cell in (
        [("", "行政许可")], [("", "5"), (_SUPERSCRIPT, "注"), (_SUPERSCRIPT, "1")], [("", "8"), (_SUBSCRIPT, "2")],
        [(_RAISED, "7")], [("", "9"), (_RAISED, "3")])) + "</w:tr></w:tbl>"
    + "<w:p>" + _RUN.format("", "收到申请12") + _RUN.format(_SUPERSCRIPT, "*") + _RUN.format("", "件") + "</w:p>"
)

# Text set hidden (Word shows and prints none of it) in a figure's cell, in a sentence, and
# hidden set off again.
_HIDDEN = "<w:rPr><w:vanish/></w:rPr>"
HIDDEN_BODY = (
    "<w:tbl><w:tr>" + "".join(f"<w:tc><w:p>{''.join(_RUN.format(*run) for run in cell)}</w:p></w:tc>" for cell in (
        [("", "行政许可")], [("", "5"), (_HIDDEN, "3")], [("", "8"), ('<w:rPr><w:vanish w:val="0"/></w:rPr>', "1")])) + "</w:tr></w:tbl>"
    + "<w:p>" + _RUN.format("", "收到申请12") + _RUN.format(_HIDDEN, "0") + _RUN.format("", "件") + "</w:p>"
)


# A report whose tables are pictures (screenshots pasted in): its text has none of them.
PICTURES_NOTICE = ("精河县财政局2021年政府信息公开工作年度报告", "本年度政府信息公开情况见下表。")


# A table laying out a title and a table in one cell, a word in the other (as pages laid out
# in Word are): read as word.py reads it, the inner table's rows as rows.
NESTED_BODY = (
    '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>二、主动公开</w:t></w:r></w:p>'
    '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>行政许可</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr>'
    '<w:tr><w:tc><w:p><w:r><w:t>行政处罚</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>8</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    '<w:p/></w:tc><w:tc><w:p><w:r><w:t>右栏</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    '<w:p><w:r><w:t>三、依申请公开</w:t></w:r></w:p>'
)


def shapes_document() -> bytes:
    return with_body(SHAPES_BODY, header="第9页 共12页")


def with_body(body_xml: str, header: str = "") -> bytes:
    """A document python-docx makes, with ``body_xml`` (WordprocessingML) as its body."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    body = parse_xml(f'<w:body xmlns:w="{WORDPROCESSINGML}" xmlns:v="urn:schemas-microsoft-com:vml">{body_xml}</w:body>')
    end = document.element.body[-1]  # (the section's properties stay last)
    for element in list(body):
        end.addprevious(element)
    return saved(document)


def no_text_document() -> bytes:
    """White space in a page header and two paragraphs: what a scan saved as .doc holds, but its image."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "  "
    document.add_paragraph("   ")
    return saved(document)


def _encrypted(package: bytes, password: str) -> bytes:
    import io

    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(package)).encrypt(password, encrypted)
    return encrypted.getvalue()


def _convert(work: Path, target: str, files: list[Path]) -> None:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to", target,
                    "--outdir", str(work), *map(str, files)], check=True, capture_output=True)


if __name__ == "__main__":
    main()
