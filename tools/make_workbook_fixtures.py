"""Write the workbooks tests/test_workbook.py reads from files, into tests/workbooks/.

No library on the package registry writes Excel 97-2003 (.xls) files as Excel does (xlwt
stopped at Python 2's era), so each workbook is made as a .xlsx (tests/workbook_builder.py:
openpyxl) and saved as .xls or .ods by LibreOffice's own filters, the way a user's "save
as" makes one. Its Excel 2003 XML export fails on a .xlsx (its XSLT recurses past its depth
over the sheet's empty columns), so that one is the report's page opened in Calc and saved so. The files are kept in the repository, so the tests need neither. Run it
again (after `apt-get install libreoffice-calc`) when a fixture must change:

    .venv/bin/python tools/make_workbook_fixtures.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_document_title import titled_workbook
from tests.test_workbook import national_page, stat_table_workbook
from tests.workbook_builder import marked_workbook, xlsx_from_html

OUT = ROOT / "tests" / "workbooks"
# fixture name: (what LibreOffice converts to, the file it converts: its suffix and bytes)
FIXTURES = {
    "national_t2021.xls": ("xls:MS Excel 97", ".xlsx", lambda: xlsx_from_html(national_page("t2021"))),
    "national_t2019.ods": ("ods", ".xlsx", lambda: xlsx_from_html(national_page("t2019"))),
    "stat_table.xls": ("xls:MS Excel 97", ".xlsx", lambda: stat_table_workbook()[0]),
    "national_t2021.xml": ("xml:MS Excel 2003 XML", ".html", lambda: national_page("t2021").encode()),
    "marks.xls": ("xls:MS Excel 97", ".xlsx", marked_workbook),
    "titled.xls": ("xls:MS Excel 97", ".xlsx", titled_workbook),
}
# The filter that opens a page in Calc (not Writer, which opens it by default).
IMPORT_FILTERS = {".html": ["--infilter=HTML (StarCalc)"]}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        for name, (target, suffix, build) in FIXTURES.items():
            source = work / f"{Path(name).stem}{suffix}"
            source.write_bytes(build())
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile",
                            *IMPORT_FILTERS.get(suffix, []), "--convert-to", target, "--outdir", str(work / "out"),
                            str(source)], check=True, capture_output=True)
            shutil.copyfile(work / "out" / name, OUT / name)
            print(OUT / name)


if __name__ == "__main__":
    main()
