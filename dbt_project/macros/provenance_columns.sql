{% macro provenance_columns() %}
    {#- Where each fact's figure comes from, the same columns in every fact mart. -#}
    source,
    parsed_value,
    correction_reason,
    layout,
    approximate,
    value_id,
    label,
    raw_text,
    snippet,
    char_start,
    char_end
{%- endmacro %}
