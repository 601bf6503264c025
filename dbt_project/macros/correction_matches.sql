{% macro correction_matches(correction, value) %}
    {#- A correction names one figure: its report, section, item and every dimension (blank = none). -#}
    {{ correction }}.report_id = {{ value }}.report_id
    and {{ correction }}.section = {{ value }}.section
    and {{ correction }}.item = {{ value }}.item
    {%- for dimension in ['applicant_type', 'channel', 'proceeding', 'outcome', 'category', 'measure'] %}
    and {{ correction }}.{{ dimension }} is not distinct from {{ value }}.{{ dimension }}
    {%- endfor %}
{%- endmacro %}
