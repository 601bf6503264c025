"""no_file_failed_in_the_pipeline: files quarantined for the pipeline's failure, not their
content, are counted by code and listed (they may be reports), apart from the input's
own faults (junk, empty, binary, a copy), which the check does not count."""

from __future__ import annotations

import dagster as dg
import pyarrow.compute as pc
import pyarrow.parquet as pq

from orchestration.corpus import build_parquet
from orchestration.defs.parsing_checks import PIPELINE_FAILURES, no_file_failed_in_the_pipeline
from orchestration.settings import load_settings
from orchestration.synth import generate


def _metadata(result) -> dict:
    return {name: value.value for name, value in result.metadata.items()}


def test_files_the_pipeline_failed_on_are_counted_by_code_and_listed(tmp_path, monkeypatch):
    raw = generate(60, tmp_path / "synth", seed=3)
    monkeypatch.setenv("OGI_RAW_DIR", str(raw))
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
    summary = build_parquet(load_settings(), workers=1)
    assert summary.quarantined >= 5  # (the corpus's junk, empty and copied files: the input's faults)

    clean = no_file_failed_in_the_pipeline(dg.build_asset_check_context())
    assert clean.passed and clean.description is None
    assert _metadata(clean) == {"failed_files": 0, "by_code": {}, "first_failures": "none"}

    # Four parsed reports become failures of three codes (the rows as a failed parse leaves them).
    part = next((tmp_path / "data" / "parquet" / "reports").glob("batch_*.parquet"))
    reports = pq.read_table(part)
    parsed = [index for index, status in enumerate(reports["status"].to_pylist()) if status == "parsed"]
    failures = {parsed[3]: "worker_died", parsed[1]: "parse_timeout", parsed[7]: "worker_died", parsed[5]: "parse_error"}
    codes = [failures.get(index, code) for index, code in enumerate(reports["quarantine_code"].to_pylist())]
    reasons = [f"reason {index}" if index in failures else reason
               for index, reason in enumerate(reports["quarantine_reason"].to_pylist())]
    statuses = ["quarantined" if index in failures else status for index, status in enumerate(reports["status"].to_pylist())]
    for name, column in (("status", statuses), ("quarantine_code", codes), ("quarantine_reason", reasons)):
        reports = reports.set_column(reports.schema.get_field_index(name), name, pc.cast(column, reports[name].type))
    pq.write_table(reports, part)

    result = no_file_failed_in_the_pipeline(dg.build_asset_check_context())
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.description == "4 file(s) the pipeline failed on: parse_error 1, parse_timeout 1, worker_died 2"
    metadata = _metadata(result)
    assert (metadata["failed_files"], metadata["by_code"]) == (4, {"parse_error": 1, "parse_timeout": 1, "worker_died": 2})
    paths = reports["source_path"].to_pylist()
    assert metadata["first_failures"] == "\n".join(
        f"- `{paths[index]}` ({failures[index]}): reason {index}" for index in sorted(failures))
    assert set(PIPELINE_FAILURES) == {"parse_error", "unreadable_file", "unreadable_folder", "parse_timeout",
                                      "parse_memory_limit", "worker_died"}
