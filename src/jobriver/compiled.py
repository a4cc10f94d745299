"""Querysets compiled to SQL once and run again with other parameters.

Building and compiling a queryset costs Django more than the database
spends on the small reads of the company API. For a page of 20 jobs,
building and compiling the page query took 0.4 ms and running its SQL
through a cursor 0.2 ms (timeit, Django 5.2, the benchmark's SQLite
database of 10,000 jobs, a 2-core machine).
A `CompiledQuery` keeps the SQL that Django compiled for one queryset and
runs it again with the parameters of a later call of the same shape, so
the SQL is still Django's own.

The caller derives the parameters of each call itself, in the order of
the SQL. Each constructor compares the derived parameters with those that
Django compiled and raises ValueError where they differ, so a derivation
that has gone out of step with its queryset fails at the first compile
instead of querying wrong values.
"""

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Expression, QuerySet

T = TypeVar("T")


def _check_params(derived: Sequence[Any], compiled: Sequence[Any]) -> None:
    if list(derived) != list(compiled):
        raise ValueError(
            f"derived parameters {list(derived)!r} differ from the compiled {list(compiled)!r}: "
            "make the caller derive them in the order and form of the queryset's SQL"
        )


class CompiledQuery:
    """The SQL of one query and the expressions of its columns, to run with other parameters."""

    def __init__(self, *, alias: str, sql: str, columns: list[Expression]):
        self.alias = alias
        self.sql = sql
        self._columns = columns

    @classmethod
    def of_rows(cls, queryset: QuerySet, *, params: Sequence[Any]) -> "CompiledQuery":
        """Compile the SELECT of `queryset`, whose parameters are `params`, without running it."""
        compiler = queryset.query.get_compiler(queryset.db)
        sql, compiled_params = compiler.as_sql()
        _check_params(params, compiled_params)
        columns = [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
        return cls(alias=queryset.db, sql=sql, columns=columns)

    @classmethod
    def of_call(cls, alias: str, call: Callable[[], T], *, params: Sequence[Any]) -> tuple["CompiledQuery", T]:
        """Run `call`, which must send exactly one statement on `alias`; return that statement and the result of `call`.

        For the statements that Django builds inside a queryset method, such
        as `count()`, `update()` and `delete()`. The SQL is recorded as it
        runs, with the documented `execute_wrapper` hook, and the values
        that the statement returns get no converters.
        """
        statements = []

        def record(execute, sql, sent_params, many, context):
            statements.append((sql, sent_params))
            return execute(sql, sent_params, many, context)

        with connections[alias].execute_wrapper(record):
            result = call()

        ((sql, compiled_params),) = statements
        _check_params(params, compiled_params)
        return cls(alias=alias, sql=sql, columns=[]), result

    @classmethod
    def of_count(cls, queryset: QuerySet, *, params: Sequence[Any]) -> tuple["CompiledQuery", int]:
        """Run `queryset.count()` once; return the query that it sent and the count."""
        # The SQLite and PostgreSQL drivers return COUNT(*) as an int, so it needs no converter.
        return cls.of_call(queryset.db, queryset.count, params=params)

    def rows(self, params: Sequence[Any]) -> list[list[Any]]:
        """Run the SQL with `params` and return its rows, each value converted as the ORM converts it."""
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()

        # Looked up on each run, because Django's connections belong to one thread each.
        converters = []
        for position, expression in enumerate(self._columns):
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if functions:
                converters.append((position, expression, functions))

        converted = []
        for row in rows:
            values = list(row)
            for position, expression, functions in converters:
                value = values[position]
                for function in functions:
                    value = function(value, expression, connection)
                values[position] = value
            converted.append(values)
        return converted

    def execute(self, params: Sequence[Any]) -> int:
        """Run a statement that returns no rows, such as an UPDATE, with `params`; return the number of rows it changed."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.rowcount


class CompiledWrites:
    """Write statements compiled by their first run, one per shape, for up to `max_shapes` shapes.

    A write cannot be compiled from an example as a SELECT can, because
    running it would change rows, so the first call of each shape runs
    through the ORM (see `CompiledQuery.of_call`) and later calls reuse
    its SQL. Calls of shapes beyond `max_shapes` run through the ORM every
    time, so rare, large writes do not fill the memory.
    """

    def __init__(self, *, max_shapes: int):
        self.max_shapes = max_shapes
        self._statements: dict[Hashable, CompiledQuery] = {}

    def run(self, shape: Hashable, call: Callable[[], Any], *, alias: str, params: Sequence[Any]) -> None:
        """Run the statement of `shape` with `params`; the first time, or beyond the limit, through `call`."""
        compiled = self._statements.get(shape)
        if compiled is not None:
            compiled.execute(params)
            return

        compiled, _result = CompiledQuery.of_call(alias, call, params=params)
        if len(self._statements) < self.max_shapes:
            self._statements[shape] = compiled
