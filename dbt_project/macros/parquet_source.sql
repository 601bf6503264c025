{#- A Parquet source as a staging model reads it: by an absolute path, quoted.

    A view keeps the path it was created with, and DuckDB reads a relative one against the
    folder of whoever queries it. A warehouse built by hand in dbt_project/ (OGI_DATA_DIR
    unset: ../data) had views that failed in every other folder, `ogi report`'s included.
    `ogi run` gives an absolute OGI_DATA_DIR; by hand, a relative one is taken from the
    shell's folder ($PWD, as dbt's Jinja has no other), once DuckDB has found the same files
    both ways, so a $PWD that is not the folder dbt runs in stops the build instead of
    pointing the views elsewhere. -#}
{% macro parquet_source(table) -%}
    {%- set relation = source('parquet', table) -%}
    {%- set location = relation.render() -%}
    {#- dbt-duckdb quotes the location without escaping a quote in it, and not at all when it
        holds a "(" (it takes that for a function call): both broke the build. -#}
    {%- set path = location[1:-1] if location.startswith("'") and location.endswith("'") else location -%}
    {%- if not execute or path.startswith('/') -%}
        {{- return(sql_string(path)) -}}
    {%- endif -%}
    {%- set shell_folder = env_var('PWD', '') -%}
    {#- ../ and ./ taken off as the shell's `cd` does, so the view's path does not need
        dbt_project/ (or whichever folder dbt ran in) to exist. -#}
    {%- set walk = namespace(folder=shell_folder.rstrip('/'), rest=path) -%}
    {%- for _ in range(path.count('/')) -%}
        {%- if walk.rest.startswith('./') -%}
            {%- set walk.rest = walk.rest[2:] -%}
        {%- elif walk.rest.startswith('../') -%}
            {%- set walk.rest = walk.rest[3:] -%}
            {%- set walk.folder = walk.folder.rsplit('/', 1)[0] -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set absolute = walk.folder ~ '/' ~ walk.rest.replace('//', '/') -%}
    {%- set same_files -%}
        select
            (select list(parse_filename(file) order by file) from glob({{ sql_string(path) }}))
            is not distinct from
            (select list(parse_filename(file) order by file) from glob({{ sql_string(absolute) }}))
    {%- endset -%}
    {%- if shell_folder.startswith('/') and run_query(same_files).columns[0].values()[0] -%}
        {{- return(sql_string(absolute)) -}}
    {%- endif -%}
    {{- exceptions.raise_compiler_error(
        "The Parquet of source parquet." ~ table ~ " is at the relative path " ~ path
        ~ ", and the folder dbt runs in cannot be told ($PWD=" ~ (shell_folder or "unset")
        ~ " does not hold the same files): give an absolute OGI_DATA_DIR,"
        ~ " e.g. OGI_DATA_DIR=\"$(realpath ../data)\" dbt build") -}}
{%- endmacro %}

{% macro sql_string(text) -%}
    '{{ text.replace("'", "''") }}'
{%- endmacro %}
