{% macro strict_sum(value, condition) %}
    {#- The sum of the figures matching `condition`, or NULL when one of them is blank
        or none is reported: a sum over a blank cell would pass a gap off as a figure. -#}
    case
        when count(*) filter (where {{ condition }}) > 0
            and count(*) filter (where {{ condition }}) = count({{ value }}) filter (where {{ condition }})
        then sum({{ value }}) filter (where {{ condition }})
    end
{%- endmacro %}
