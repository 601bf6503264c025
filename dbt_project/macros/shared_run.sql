{#- How many items two lists share from their first, in order: the length of their common
    run (["a", "b", "x"] and ["a", "b", "y"] share 2). -#}
{% macro shared_run(left, right) -%}
coalesce(
    list_position(list_transform(range(1, least(len({{ left }}), len({{ right }})) + 1), i -> {{ left }}[i] = {{ right }}[i]), false) - 1,
    least(len({{ left }}), len({{ right }}))
)
{%- endmacro %}
