"""The parser compiled by mypyc (setup.py) is the one that runs, and it reads
every file exactly as its Python source does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from orchestration import parsing
from orchestration.synth import generate

ROOT = Path(__file__).resolve().parents[1]

# Parses every file given and prints one JSON line per file: all it yields.
_DUMP = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import orchestration.parsing as parsing
    from orchestration.parsing import parse_bytes
    from orchestration.parsing.model import DIMENSIONS
    print(json.dumps({"compiled": parsing.COMPILED, "build": parsing.BUILD}))
    for name in sys.argv[1:]:
        p = parse_bytes(Path(name).read_bytes(), name, max_year=2026)
        r = p.result
        print(json.dumps({
            "file": name, "status": p.status, "code": p.quarantine_code, "transforms": p.transforms,
            "issues": [[i.code, i.message, i.char_start, i.char_end] for i in p.all_issues],
            "values": [[v.section, v.item, [v.dims.get(d) for d in DIMENSIONS], str(v.value), v.unit, v.source,
                        v.layout, v.label, v.raw_text, v.char_start, v.char_end, v.snippet, v.approximate,
                        v.is_selected] for v in (r.values if r else [])],
            "checks": [[c.identity, c.group_value, str(c.signed_sum), c.holds] for c in (r.checks if r else [])],
            "meta": repr(r.metadata) if r else None,
        }, ensure_ascii=False))
    """
)


def _dump(files: list[Path], pure: bool, pythonpath: Path = ROOT) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    env.pop("OGI_PURE_PYTHON", None)
    if pure:
        env["OGI_PURE_PYTHON"] = "1"
    done = subprocess.run([sys.executable, "-c", _DUMP, *map(str, files)], capture_output=True, text=True, env=env,
                          check=True, cwd=pythonpath)
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_parser_runs_compiled():
    if os.environ.get("OGI_PURE_PYTHON") == "1":
        assert not parsing.COMPILED
        return
    assert parsing.COMPILED, f"the parser runs from source ({parsing.BUILD}): `pip install -e .` compiles it"
    assert not Path(parsing.report.__file__).name.endswith(".py")


def test_compiled_and_source_parse_every_file_alike(tmp_path):
    raw = generate(160, tmp_path / "synth", seed=11)  # every era, shape and fault kind
    samples = sorted((ROOT / "raw").rglob("*.*"))
    files = sorted(raw.rglob("*.*")) + samples
    compiled, source = _dump(files, pure=False), _dump(files, pure=True)
    assert source[0] == {"compiled": False, "build": "OGI_PURE_PYTHON=1"}
    assert compiled[0]["compiled"] is True
    assert len(compiled) == len(source) == len(files) + 1
    for ours, theirs in zip(compiled[1:], source[1:]):
        assert ours == theirs, ours["file"]
    assert sum(len(line["values"]) for line in compiled[1:]) > 10_000


def test_a_compiled_module_older_than_its_source_is_not_used(tmp_path):
    copy = tmp_path / "orchestration"
    shutil.copytree(ROOT / "orchestration", copy, ignore=shutil.ignore_patterns("__pycache__"))
    report = copy / "parsing" / "report.py"
    report.write_text(report.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    probe = ("import orchestration.parsing as p, orchestration.parsing.report as r;"
             "print(p.COMPILED, p.BUILD, r.__file__, getattr(r, 'EDITED', False), sep='|')")
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", probe], capture_output=True, text=True, check=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    compiled, build, module_file, edited = done.stdout.strip().split("|")
    assert (compiled, edited) == ("False", "True")
    assert module_file == str(report)
    expected = "compiled modules older than their source" if parsing.COMPILED else "not compiled"
    assert build == expected
