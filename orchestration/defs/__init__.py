"""The Dagster definitions, one module per concern, loaded by ``definitions.py``:

- ``raw_reports``: the raw folder, an external asset (lineage starts here);
- ``parsing``: the parse assets writing Parquet ``reports`` / ``values`` / ``issues`` / ``identity_checks``;
- ``parsing_checks``: asset checks on that Parquet, generated from ``orchestration.schema``;
- ``warehouse``: the dbt project as assets (dbt tests surface as asset checks);
- ``data_report``: the HTML page of charts over the marts;
- ``jobs``: the job ``ogi run`` executes.
"""
