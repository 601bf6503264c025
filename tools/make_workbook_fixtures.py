"""Write the workbooks tests/test_workbook.py reads from files, into tests/workbooks/.

No library on the package registry writes Excel 97-2003 (.xls) files as Excel does (xlwt
stopped at Python 2's era), so each workbook is made as a .xlsx (tests/workbook_builder.py:
openpyxl) and saved as .xls or .ods by LibreOffice's own filters, the way a user's "save
as" makes one. The files are kept in the repository, so the tests need neither. Run it
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

from tests.test_workbook import national_page, stat_table_workbook
from tests.workbook_builder import xlsx_from_html

OUT = ROOT / "tests" / "workbooks"
# fixture name: (what LibreOffice converts to, the .xlsx it converts)
FIXTURES = {
    "national_t2021.xls": ("xls:MS Excel 97", lambda: xlsx_from_html(national_page("t2021"))),
    "national_t2019.ods": ("ods", lambda: xlsx_from_html(national_page("t2019"))),
    "stat_table.xls": ("xls:MS Excel 97", lambda: stat_table_workbook()[0]),
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        for name, (target, build) in FIXTURES.items():
            source = work / f"{Path(name).stem}.xlsx"
            source.write_bytes(build())
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to",
                            target, "--outdir", str(work), str(source)], check=True, capture_output=True)
            shutil.copyfile(work / name, OUT / name)
            print(OUT / name)


if __name__ == "__main__":
    main()
