"""The run's limits (``OGI_MAX_FILE_MB``, ``OGI_FILE_TIME_LIMIT_S``,
``OGI_WORKER_MEMORY_MB``), on which a file's outcome may depend besides its bytes and
the parser: a file quarantined by one (``too_large``, ``parse_timeout``,
``parse_memory_limit``, ``worker_died``: the registry's ``decided_by_limits``) is taken
for unchanged only by a run with the same limits, so raising ``OGI_MAX_FILE_MB`` parses
the files it had kept out, as the issue code's action says; and a file parsed under a
size limit it is now over is parsed again (and quarantined ``too_large``), as a full
run would.

The year of the run is one too (``Settings.max_report_year``): a file whose report's year
it decided, a later year read and set aside (``later_year_set_aside``: the registry's
``decided_by_the_year``), is taken for unchanged only by a run of the same year, so the
first run of a new year parses those files again, as a full run that year would. The
year only grows (a run takes the calendar's), so the other files stay as they were."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ..issue_codes import DECIDED_BY_LIMITS, DECIDED_BY_THE_YEAR
from ..settings import Settings
from .rows import ROWS_VERSION


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    file_time_limit_s: float
    worker_memory_mb: int
    max_report_year: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.max_file_bytes, settings.file_time_limit_s, settings.worker_memory_mb,
                   settings.max_report_year)

    @property
    def tag(self) -> str:
        """The limits as the file state of a file they quarantined records them."""
        return (f"max_file_bytes={self.max_file_bytes} file_time_limit_s={self.file_time_limit_s:g} "
                f"worker_memory_mb={self.worker_memory_mb}")

    @property
    def year_tag(self) -> str:
        """The year of the run as the file state of a file it decided records it."""
        return f"max_report_year={self.max_report_year}"

    def recorded(self, quarantine_code: str | None, issues: Iterable[dict] = ()) -> str | None:
        """What a file's state records of the limits: their tag if they decided its outcome,
        else the year's if it decided the report's year (one of its ``issues`` says so)."""
        if quarantine_code in DECIDED_BY_LIMITS:
            return self.tag
        for issue in issues:
            if issue["code"] in DECIDED_BY_THE_YEAR:
                return self.year_tag
        return None

    def current(self, state: pa.Table) -> pa.ChunkedArray:
        """Which of an earlier output's file states this run may take as they are: made by
        this parser and row code (``rows.ROWS_VERSION``) and, if a limit quarantined the
        file, under these limits; one no limit quarantined, if it is within the size limit
        and, if the year of the run decided its report's year, in this year."""
        same_parser = pc.equal(state["parser_version"], ROWS_VERSION)
        any_year = pc.or_(pc.is_null(state["limits"]), pc.fill_null(pc.equal(state["limits"], self.year_tag), False))
        within = pc.and_(any_year, pc.less_equal(state["size"], self.max_file_bytes))
        same_limits = pc.fill_null(pc.equal(state["limits"], self.tag), False)
        return pc.and_(same_parser, pc.or_(within, same_limits))
