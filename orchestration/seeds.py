"""dbt seeds generated from the Python registries, so the warehouse's tests and
the parser share one vocabulary, one list of identities and one list of issue codes.

``ogi seeds`` rewrites them; a test fails when the committed files drift.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .issue_codes import ISSUE_CODES
from .parsing import identities, labels
from .settings import DBT_PROJECT_DIR

SEED_DIR = DBT_PROJECT_DIR / "seeds"

# Codes of the contract that no label table produces by itself, with their labels.
_CONTRACT_CODES: dict[str, dict[str, str]] = {
    "applicant_type": {code: label for code, label in labels.TABLE3_COLUMNS},
    "channel": {"all": "全部", "in_person": "当面", "fax": "传真", "online": "网络", "mail": "信函"},
    "proceeding": {
        **{code: label for code, label in labels.TABLE4_PROCEEDINGS},
        "litigation": "行政诉讼 (未区分)",
    },
    "outcome": {
        "upheld": "结果维持 / 维持具体行政行为",
        "corrected": "结果纠正 / 被依法纠错",
        "other": "其他结果 / 其他情形",
        "pending": "尚未审结",
        "total": "总计 / 数量",
    },
    "template": {"stat_table": "政府信息公开情况统计表 (2008-2018)", "t2019": "国办公开办函〔2019〕60号",
                 "t2021": "国办公开办函〔2021〕30号", "prose": "文字 (no table)"},
    "source": {"table": "表格", "prose": "正文"},
}
_PROSE_MEASURES = {"cumulative_items": "累计主动公开政府信息数 (prose, over all years)"}
_CATEGORY_LABELS = {
    "regulation": "规章",
    "normative_document": "(行政)规范性文件",
    "administrative_license": "行政许可",
    "other_management_service": "其他对外管理服务事项",
    "administrative_penalty": "行政处罚",
    "administrative_coercion": "行政强制",
    "administrative_fee": "行政事业性收费",
    "centralized_procurement": "政府集中采购",
    "proactive_information": "主动公开政府信息",
    "all": "合计",
}


def vocabulary_rows() -> list[dict[str, str]]:
    """(dimension, code, chinese_label) for every code a figure can carry."""
    entries: dict[tuple[str, str], str] = {}

    def add(dimension: str, code: str, label: str) -> None:
        entries.setdefault((dimension, code), label)

    for dimension, codes in _CONTRACT_CODES.items():
        for code, label in codes.items():
            add(dimension, code, label)
    for section, description in labels.SECTIONS.items():
        add("section", section, description)
    for spec in (*labels.STAT_TABLE_ROWS, *labels.TABLE3_ROWS):
        if spec.is_heading:
            continue
        add(f"{spec.section}_item", spec.item, spec.chinese)
        for dimension, code in spec.dims:
            if dimension == "category":
                add("category", code, _CATEGORY_LABELS.get(code) or spec.chinese)
            elif dimension == "measure":
                add("measure", code, spec.chinese)
    for block in labels.TABLE2_BLOCKS:
        for category, patterns in block.rows:
            add("category", category, _CATEGORY_LABELS.get(category, patterns[0]))
        for columns in block.layouts.values():
            for _stem, measure, _unit in columns:
                add("measure", measure, labels.TABLE2_MEASURE_LABELS[measure])
    for measure, label in _PROSE_MEASURES.items():
        add("measure", measure, label)
    add("proactive_item", "disclosure", "主动公开 figure (see category, measure)")
    add("appeals_item", "cases", "行政复议 / 行政诉讼 cases (see proceeding, outcome)")
    add("local_item", "local_row", "row of a local form, label kept in `label`")
    return [
        {"dimension": dimension, "code": code, "chinese_label": label}
        for (dimension, code), label in sorted(entries.items())
    ]


_TERM_DIMENSIONS = ("item", "applicant_type", "channel", "proceeding", "outcome")


def identity_term_rows() -> list[dict[str, str]]:
    rows = []
    for identity in identities.IDENTITIES:
        for index, term in enumerate(identity.terms):
            match = dict(term.match)
            rows.append(
                {
                    "identity": identity.name,
                    "description": identity.description,
                    "section": identity.section,
                    "layouts": "|".join(identity.layouts),
                    "group_by": identity.group_by or "",
                    "comparison": identity.comparison,
                    "term_count": str(len(identity.terms)),
                    "term_index": str(index),
                    "coefficient": str(term.coefficient),
                    **{f"match_{d}": match.get(d, "") for d in _TERM_DIMENSIONS},
                }
            )
    return rows


def issue_code_rows() -> list[dict[str, str]]:
    return [
        {"code": c.code, "severity": c.severity, "quarantines": str(c.quarantines).lower(),
         "meaning": c.meaning, "action": c.action}
        for c in ISSUE_CODES
    ]


SEEDS = {
    "vocabulary": vocabulary_rows,
    "identity_terms": identity_term_rows,
    "issue_codes": issue_code_rows,
}


def render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_seeds(directory: Path = SEED_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in SEEDS.items():
        path = directory / f"{name}.csv"
        path.write_text(render(rows()), encoding="utf-8")
        written.append(path)
    return written


__all__ = ["SEEDS", "SEED_DIR", "render", "write_seeds"]
