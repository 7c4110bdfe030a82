/*
** quantity.h — a value with a unit and a qualifier, as the sources state it:
** "1.9 billion USD", "more than 20,000 TEUs", "150-160 million USD".
**
** A quantity is the set of values it may take, stored as an interval:
**     exact, approx   low == high, finite (approx only remembers "about")
**     more_than v     low = v, high = +inf  (v itself excluded)
**     less_than v     low = -inf, high = v  (v itself excluded)
**     range a-b       low = a < high = b, both finite and included
** so that arithmetic is interval arithmetic: [a,b] + [c,d] = [a+c, b+d],
** [a,b] - [c,d] = [a-d, b-c], and a lower bound plus an exact value stays a
** lower bound.  A result bounded on neither side (more_than + less_than,
** more_than - more_than) is not a quantity: the operation fails and says so,
** rather than yielding a value every later step would have to test for.
** "approx" survives an operation only when the result is a single value.
**
** Values are kept in the base unit of their unit (5 kg is 0.005 tonnes).
** Changes are plain fractions with no unit: "-15.7%" parses as -0.157;
** percent is notation, not a unit.
*/
#ifndef TS_QUANTITY_H
#define TS_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Base units; TS_UNIT_NONE is a plain number (a ratio, a change). */
typedef enum ts_unit {
  TS_UNIT_NONE = 0,
  TS_UNIT_USD,
  TS_UNIT_TEU,
  TS_UNIT_PERSONS,
  TS_UNIT_TONNES,
  TS_UNIT_FLIGHTS,
  TS_UNIT_KM,
  TS_UNIT_SCHOLARSHIPS,
  TS_UNIT_ENTERPRISES,
  TS_UNIT_DAYS,
  TS_UNIT_YEARS,
  TS_UNIT_COUNT
} ts_unit;

typedef enum ts_qualifier {
  TS_EXACT = 0,
  TS_APPROX,
  TS_MORE_THAN,
  TS_LESS_THAN,
  TS_RANGE
} ts_qualifier;

typedef struct ts_quantity {
  double low, high;
  int16_t unit;  /* ts_unit */
  uint8_t qual;  /* ts_qualifier */
} ts_quantity;

/* Answer of a comparison that may be undecidable (150-160 against 155). */
typedef enum ts_order { TS_LESS = -1, TS_EQUAL = 0, TS_GREATER = 1, TS_UNORDERED = 2 } ts_order;
typedef enum ts_truth { TS_NO = 0, TS_YES = 1, TS_MAYBE = 2 } ts_truth;

/* Canonical unit name ("USD", "persons"; "" for TS_UNIT_NONE). */
const char *ts_unit_name(ts_unit u);
/* Resolves a unit name or alias, case-insensitively ("TEUs", "people", "t",
** "kg"): the base unit and the power of ten to it (kg: tonnes, -3).
** "unknown unit 'EUR'" otherwise. */
int ts_unit_lookup(const char *name, size_t len, ts_unit *unit, int *exp10, ts_err *err);
/* value x 10^exp10 with a single rounding (for |exp10| <= 22): for numbers
** already in a double.  The parser applies scales to the decimal text. */
double ts_unit_to_base(double value, int exp10);

/* Qualifier names used by the Lua API: "exact", "approx", "more_than", ... */
const char *ts_qualifier_name(ts_qualifier q);
int ts_qualifier_lookup(const char *name, ts_qualifier *q, ts_err *err);

ts_quantity ts_quantity_exact(double value, ts_unit unit);
/* Builds and checks a quantity: `value` is the value or the bound; `high`
** is used only for a range (low < high); values must be finite. */
int ts_quantity_make(ts_qualifier q, double value, double high, ts_unit unit, ts_quantity *out,
                     ts_err *err);
/* Whether q keeps the invariants above (for data read from disk). */
bool ts_quantity_valid(const ts_quantity *q);

/* The single value that stands for q: the value, the bound, or the midpoint
** of a range. */
double ts_quantity_value(const ts_quantity *q);

/* Parses the forms analysts and articles use (see quantity.c); on error the
** message quotes the input and says why. */
int ts_quantity_parse(const char *s, size_t len, ts_quantity *out, ts_err *err);

/* Machine form: plain decimal digits, never an exponent, shortest digits that
** read back to the same double: "1900000000 USD", ">20000 TEU",
** "150000000-160000000 USD", "~1900000000 USD", "-0.157".  Parses back to q. */
#define TS_QUANTITY_BUFSIZE 1024 /* enough for either form of any valid quantity */
size_t ts_quantity_canonical(const ts_quantity *q, char *buf, size_t size);
/* Human form, rounded for reading: "1.9 bn USD", "150–160 M USD" (en dash),
** "> 20,000 TEU", "~732 M USD", "204,000 persons". */
size_t ts_quantity_human(const ts_quantity *q, char *buf, size_t size);

/* Same qualifier, unit and bounds. */
bool ts_quantity_equal(const ts_quantity *a, const ts_quantity *b);

/* Arithmetic; the units must match (error naming both) except that mul
** needs one side without unit, and div of two same-unit quantities gives a
** ratio without unit.  Fails on an unbounded or non-finite result and on a
** divisor that may be zero. */
int ts_quantity_add(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err);
int ts_quantity_sub(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err);
int ts_quantity_mul(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err);
int ts_quantity_div(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err);
/* By a plain number; a negative factor swaps the bounds (more_than becomes
** less_than); zero gives exactly 0. */
int ts_quantity_scale(const ts_quantity *a, double factor, ts_quantity *out, ts_err *err);

/* a against b (same unit): TS_UNORDERED when the values they may take allow
** either answer.  Approximate values compare by their value. */
int ts_quantity_compare(const ts_quantity *a, const ts_quantity *b, ts_order *out, ts_err *err);
/* Whether a < b (or a <= b when or_equal) holds for all values they may take. */
int ts_quantity_less(const ts_quantity *a, const ts_quantity *b, bool or_equal, ts_truth *out,
                     ts_err *err);

#endif
