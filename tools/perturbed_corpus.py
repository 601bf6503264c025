"""Score the parser on a synthetic corpus changed the ways real files differ from their pages.

    .venv/bin/python tools/perturbed_corpus.py [--reports N] [--seed S] [--workdir DIR] [--show K] [NAME ...]

Writes N synthetic reports (`ogi synth`), then for each perturbation (every one of
`orchestration.perturb.PERTURBATIONS`, or the NAMEs given) a copy of them so changed, parses it as
a run does and scores it against the corpus's truth, and prints one line a perturbation: figures
and metadata fields recovered, statuses right, warnings the truth does not expect, and the first K
mistakes. A perturbation the parser is not expected to recover whole says so.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from orchestration.corpus import write_corpus
from orchestration.perturb import PERTURBATIONS, perturbed_copy
from orchestration.scoring import score
from orchestration.settings import Settings
from orchestration.synth import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--show", type=int, default=3, help="mistakes shown a perturbation")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of: {', '.join(PERTURBATIONS)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in PERTURBATIONS]
    if unknown:
        parser.error(f"no perturbation {', '.join(unknown)}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ogi-perturbed-"))
    base = workdir / f"synth-{args.reports}-{args.seed}"
    if not (base / "truth.jsonl").exists():
        generate(args.reports, base, seed=args.seed)
    for name in args.names or PERTURBATIONS:
        perturbation = PERTURBATIONS[name]
        out = workdir / name
        shutil.rmtree(out, ignore_errors=True)
        changed = perturbed_copy(base, out, perturbation)
        (out / "parquet").mkdir()
        write_corpus(Settings(out / "raw", out, 50 * 2**20), out / "parquet")
        result = score(out / "truth.jsonl", out / "parquet", max_misses=args.show)
        expected = "" if perturbation.whole else " (not expected whole)"
        print(f"{name}: {changed} files changed, figures {result.figures_recovered}/{result.figures}, "
              f"fields {result.metadata_recovered}/{result.metadata_fields}, statuses {result.statuses_right}/"
              f"{result.files}, unexpected warnings {result.unexpected_warnings}{expected}", flush=True)
        for miss in result.misses[: args.show]:
            print(f"  {miss}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
