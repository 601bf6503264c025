{% test in_vocabulary(model, column_name, dimension) %}
-- The column's codes must be listed in the vocabulary seed under `dimension`.
select {{ column_name }} as code
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select code from {{ ref('vocabulary') }} where dimension = '{{ dimension }}'
    )
{% endtest %}

{% test unique_combination(model, columns) %}
-- No two rows share the values of `columns` (NULLs compare equal); see unique_keys.sql.
{{ rows_sharing_a_key(model, columns) }}
{% endtest %}

{% test is_true(model, column_name) %}
-- Every row has the boolean column true.
select *
from {{ model }}
where not coalesce({{ column_name }}, false)
{% endtest %}

{% test whole_number(model, column_name) %}
-- Counts are whole numbers: a fraction means the parser read a wrong cell.
select *
from {{ model }}
where {{ column_name }} is not null and {{ column_name }} <> round({{ column_name }})
{% endtest %}
