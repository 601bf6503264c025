"""Parse damaged workbooks until one ends the process or all have parsed: the tests'
stat table as .xls, .xlsx and .ods, and the .xlsx's sheet XML in a whole ZIP, each with up
to eight bytes changed and a fifth of them cut short. A reader that ends the process
(calamine sizing a grid of billions of cells) ends this script: its exit status shows it
(134, SIGABRT), and the last file tried is left in fuzz_last.bin for a test. Prints the
files parsed, the slow ones (over 0.5 s) and the codes:

    .venv/bin/python tools/fuzz_workbooks.py xls|xlsx|sheet|ods [N] [SEED]
"""

from __future__ import annotations

import io
import random
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orchestration.parsing import parse_bytes
from tests.test_workbook import fixture, stat_table_workbook, with_sheet_xml

SHEET_BYTES = b'<>/=" rtsvc0123456789AZ\x80\xff'


def main() -> None:
    kind = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    xlsx = stat_table_workbook()[0]
    original = {"xls": fixture("stat_table.xls"), "xlsx": xlsx, "ods": fixture("national_t2019.ods"),
                "sheet": zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")}[kind]
    name = "attachments/统计表." + {"sheet": "xlsx"}.get(kind, kind)
    codes: Counter[str] = Counter()
    slow = 0
    for _ in range(count):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.choice(SHEET_BYTES) if kind == "sheet" else rng.randrange(256)
        damaged = bytes(data[: rng.randint(len(data) // 2, len(data))] if rng.random() < 0.2 else data)
        if kind == "sheet":
            damaged = with_sheet_xml(xlsx, lambda _, sheet=damaged: sheet)
        (ROOT / "fuzz_last.bin").write_bytes(damaged)
        started = time.perf_counter()
        parse = parse_bytes(damaged, name)
        if time.perf_counter() - started > 0.5:
            slow += 1
        codes[parse.quarantine_code or parse.status] += 1
    (ROOT / "fuzz_last.bin").unlink()
    print(f"parsed: {count}\nslow: {slow}\n" + "\n".join(f"{code}: {n}" for code, n in codes.most_common()))


if __name__ == "__main__":
    main()
