"""The dbt seeds are generated from the Python registries and must not drift."""

from orchestration.seeds import SEED_DIR, SEEDS, render


def test_committed_seeds_match_the_registries():
    for name, rows in SEEDS.items():
        committed = (SEED_DIR / f"{name}.csv").read_text(encoding="utf-8")
        assert committed == render(rows()), f"dbt_project/seeds/{name}.csv is stale: run `ogi seeds`"


def test_vocabulary_covers_the_contract():
    from orchestration.seeds import vocabulary_rows

    codes = {(row["dimension"], row["code"]) for row in vocabulary_rows()}
    for code in ("new_received", "carried_over", "other_handling", "other_no_correction", "other_unpaid_fee", "other_misc",
                 "total_processed", "carried_forward", "completed_on_time", "denied_not_government_information",
                 "told_other_channel"):
        assert ("requests_item", code) in codes
    for code in ("issued", "repealed", "in_force", "decisions", "fee_amount", "newly_made", "newly_published",
                 "total_published", "prior_year_items", "change", "procurement_projects", "procurement_amount",
                 "items", "published", "via_gazette", "via_website", "via_weibo", "via_wechat", "via_other"):
        assert ("measure", code) in codes
    assert ("proceeding", "litigation") in codes and ("outcome", "pending") in codes


def test_readme_lists_every_issue_code():
    from orchestration.issue_codes import ISSUE_CODES

    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code in ISSUE_CODES:
        assert f"| `{code.code}` | {code.severity} |" in readme, code.code
