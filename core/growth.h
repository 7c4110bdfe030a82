/*
** growth.h — growth arithmetic as trade analysts use it: rates, the base a
** reported change implies, compound annual growth, the yearly rate needed to
** reach a target, annualised and monthly figures, and for agreements the
** durations and anniversaries of their dates.
**
** Every formula comes twice: over plain doubles, and over quantities
** (suffix _q), where it is carried out in interval arithmetic
** (core/quantity.h) so that qualifiers survive:
**     a range in gives a range out: the interval of every value the formula
**       can take for values inside the inputs' intervals.  The rate of
**       "150-160 M USD" against "125 M USD" is 0.2-0.28: any rate from +20 %
**       to +28 % is possible, no single one is implied;
**     a lower bound stays a lower bound ("more than 315 M USD" with a change
**       of +900 % implies a base of more than 31.5 M USD);
**     "approx" survives where the result is a single value;
**     units: rates and changes are plain fractions (no unit); the values
**       compared must share a unit.
** Every formula used here is monotone in each argument over its domain,
** which is what makes evaluating it at the interval ends exact.  Inputs
** are taken as independent: the rate between a range and the base derived
** from that same range is wider than the change the base came from, since
** interval arithmetic does not know the two values are tied.
**
** Rates are fractions: 0.24 is +24 %.  A base must be above zero for a rate
** (and a change above -100 % for a base): otherwise the function fails with
** one line saying which value is out of its domain.
*/
#ifndef TS_GROWTH_H
#define TS_GROWTH_H

#include "date.h"
#include "error.h"
#include "quantity.h"

/* (now - before) / before: the change from `before` to `now`. */
int ts_growth_rate(double now, double before, double *out, ts_err *err);
/* value / (1 + change): the value one period earlier that a reported change
** implies (1.9e9 after -15.7 % gives 2.254e9). */
int ts_growth_base(double value, double change, double *out, ts_err *err);
/* (last / first)^(1 / years) - 1: the compound annual growth rate over
** `years` (which need not be whole). */
int ts_growth_cagr(double first, double last, double years, double *out, ts_err *err);
/* The yearly rate that takes `from` to `to` in `years`: the CAGR formula
** read forwards (4.4 bn to 10 bn in 5 years needs +17.8 % a year). */
int ts_growth_needed(double from, double to, double years, double *out, ts_err *err);
/* value * 12 / months: a figure for `months` months carried to a year at
** the same monthly pace.  An estimate: seasonality is ignored. */
int ts_growth_annualise(double value, int months, double *out, ts_err *err);
/* value / months. */
int ts_growth_monthly_average(double value, int months, double *out, ts_err *err);

/* The same over quantities.  annualise_q marks an exact figure "approx"
** (the result is an estimate) unless months is 12. */
int ts_growth_rate_q(const ts_quantity *now, const ts_quantity *before, ts_quantity *out,
                     ts_err *err);
int ts_growth_base_q(const ts_quantity *value, const ts_quantity *change, ts_quantity *out,
                     ts_err *err);
int ts_growth_cagr_q(const ts_quantity *first, const ts_quantity *last, double years,
                     ts_quantity *out, ts_err *err);
int ts_growth_needed_q(const ts_quantity *from, const ts_quantity *to, double years,
                       ts_quantity *out, ts_err *err);
int ts_growth_annualise_q(const ts_quantity *value, int months, ts_quantity *out, ts_err *err);
int ts_growth_monthly_average_q(const ts_quantity *value, int months, ts_quantity *out,
                                ts_err *err);

/* Whole years, months and days from one date to a later one, counted at the
** coarser precision of the two: 1950-01-30 to 2025-01-30 is 75 years;
** 2015-05-29 to 2025-01 is 9 years 8 months (days unknown: -1); 2001 to
** 2025-01-30 is 24 years (months and days unknown).  Months are counted
** from the anniversary; a day that a shorter month lacks counts as its last
** day (31 January plus one month is 28 February). */
typedef struct ts_duration {
  int years;
  int months; /* -1 at year precision */
  int days;   /* -1 at year or month precision */
  ts_date_precision precision;
} ts_duration;

int ts_growth_duration(ts_date from, ts_date to, ts_duration *out, ts_err *err);

/* The anniversary of `from` that falls in `year`: *n = year - from's year
** and *on its date (29 February falls on 28 February in a common year).
** *n is 0 when `year` holds no anniversary (the event's own year or
** before). */
int ts_growth_anniversary_in(ts_date from, int year, int *n, ts_date *on, ts_err *err);
/* The latest anniversary of `from` on or before `limit` (compared at the
** coarser precision of the two, as ts_date_years_between does); *n is 0
** when none has fallen yet. */
int ts_growth_anniversary_by(ts_date from, ts_date limit, int *n, ts_date *on, ts_err *err);

#endif
