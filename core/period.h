/*
** period.h — calendar intervals of whole months.
**
** A period is two month indexes (year * 12 + month - 1), first and last, both
** inclusive, so that a table can hold periods in two int32 columns and compare
** them with integer arithmetic.  Years run from 1000 to 9999: four digits is
** what every notation below assumes.
**
** Notation (parse accepts all, format prints the shortest that fits exactly):
**     2023               the year
**     2023-H1, 2023-H2   halves
**     2023-Q1..2023-Q4   quarters
**     2023-07            a month
**     2023-01/2023-07    ISO 8601 interval of months, both ends included
*/
#ifndef TS_PERIOD_H
#define TS_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define TS_YEAR_MIN 1000
#define TS_YEAR_MAX 9999

/* Room for the longest canonical form, "2023-11/2024-02", and its NUL. */
#define TS_PERIOD_BUFSIZE 16

typedef struct ts_period {
  int32_t first, last; /* month indexes, first <= last */
} ts_period;

/* The month index of (year, month 1..12) and back. */
int32_t ts_month_index(int year, int month);
int ts_month_year(int32_t index);
int ts_month_of_year(int32_t index); /* 1..12 */

/* Constructors; arguments are checked only by ts_period_valid. */
ts_period ts_period_of_month(int year, int month);
ts_period ts_period_of_year(int year);

/* Whether p could have come from ts_period_parse (for data read from disk). */
bool ts_period_valid(ts_period p);

/* Parses s[0..len) strictly: no spaces, no trailing text.  On error the
** message quotes the input and says why ("'2023-13' is not a period: month
** 13 is not 01..12"). */
int ts_period_parse(const char *s, size_t len, ts_period *out, ts_err *err);

/* Writes the canonical form as snprintf does; returns its length. */
size_t ts_period_format(ts_period p, char *buf, size_t size);

int ts_period_months(ts_period p);
bool ts_period_equal(ts_period a, ts_period b);
/* Total order: by first month, then by last month.  Returns <0, 0 or >0. */
int ts_period_cmp(ts_period a, ts_period b);
/* Whether every month of `inner` is in `outer`. */
bool ts_period_contains(ts_period outer, ts_period inner);
bool ts_period_overlaps(ts_period a, ts_period b);
/* Same months of the year, different years: Jan-Sep 2024 and Jan-Sep 2023,
** or 2023-11/2024-02 and 2022-11/2023-02.  A period is not comparable to
** itself. */
bool ts_period_comparable(ts_period a, ts_period b);

/* p moved by n years (n may be negative); fails when a year leaves 1000..9999. */
int ts_period_shift(ts_period p, int years, ts_period *out, ts_err *err);
int ts_period_previous_year(ts_period p, ts_period *out, ts_err *err);

int ts_period_start_year(ts_period p);
int ts_period_end_year(ts_period p);
/* The first and last months as one-month periods. */
ts_period ts_period_start(ts_period p);
ts_period ts_period_end(ts_period p);
/* Month i (0-based) of p as a one-month period; i must be < months(p).
** Iterate with: for (int i = 0; i < ts_period_months(p); i++) ... */
ts_period ts_period_month_at(ts_period p, int i);

#endif
