/*
** growth.c — growth rates, bases, CAGR, annualisation; durations and
** anniversaries of dates.  See growth.h for the meaning of each formula.
*/
#include "growth.h"

#include <math.h>
#include <stdbool.h>

/* ---- plain numbers --------------------------------------------------------- */

static int need_finite(double x, const char *what, ts_err *err) {
  if (!isfinite(x)) return ts_errf(err, "%s must be a finite number, got %g", what, x);
  return 0;
}

static int need_months(int months, ts_err *err) {
  if (months < 1) return ts_errf(err, "a number of months must be at least 1, got %d", months);
  return 0;
}

int ts_growth_rate(double now, double before, double *out, ts_err *err) {
  if (need_finite(now, "the new value", err) < 0 || need_finite(before, "the old value", err) < 0)
    return -1;
  if (!(before > 0))
    return ts_errf(err, "a growth rate needs an old value above zero, got %g", before);
  *out = (now - before) / before;
  return 0;
}

int ts_growth_base(double value, double change, double *out, ts_err *err) {
  if (need_finite(value, "the value", err) < 0 || need_finite(change, "the change", err) < 0)
    return -1;
  if (!(change > -1))
    return ts_errf(err, "a change of %g (%g %%) leaves no base: it must be above -1 (-100 %%)",
                   change, change * 100);
  *out = value / (1 + change);
  return 0;
}

/* (last / first)^(1 / years) - 1, the domain checked with the caller's names. */
static int compound_rate(double first, double last, double years, const char *first_name,
                         const char *last_name, double *out, ts_err *err) {
  if (need_finite(first, first_name, err) < 0 || need_finite(last, last_name, err) < 0 ||
      need_finite(years, "the number of years", err) < 0)
    return -1;
  if (!(first > 0)) return ts_errf(err, "%s must be above zero, got %g", first_name, first);
  if (!(last >= 0)) return ts_errf(err, "%s must not be negative, got %g", last_name, last);
  if (!(years > 0)) return ts_errf(err, "the number of years must be above zero, got %g", years);
  *out = pow(last / first, 1 / years) - 1;
  return 0;
}

int ts_growth_cagr(double first, double last, double years, double *out, ts_err *err) {
  return compound_rate(first, last, years, "the first value", "the last value", out, err);
}

int ts_growth_needed(double from, double to, double years, double *out, ts_err *err) {
  return compound_rate(from, to, years, "the starting value", "the target", out, err);
}

int ts_growth_annualise(double value, int months, double *out, ts_err *err) {
  if (need_finite(value, "the value", err) < 0 || need_months(months, err) < 0) return -1;
  *out = value * 12 / months;
  return 0;
}

int ts_growth_monthly_average(double value, int months, double *out, ts_err *err) {
  if (need_finite(value, "the value", err) < 0 || need_months(months, err) < 0) return -1;
  *out = value / months;
  return 0;
}

/* ---- quantities -------------------------------------------------------------- */

static const char *human(const ts_quantity *q, char *buf, size_t size) {
  ts_quantity_human(q, buf, size);
  return buf;
}

/* Whether every value q may take is above zero (or at least zero). */
static int need_above(const ts_quantity *q, bool or_zero, const char *what, ts_err *err) {
  if (q->low > 0 || (or_zero && q->low >= 0)) return 0;
  char text[TS_QUANTITY_BUFSIZE];
  return ts_errf(err, "%s must be %s, but %s may be %s", what, or_zero ? "zero or more" : "above zero",
                 human(q, text, sizeof text), or_zero ? "negative" : "zero or less");
}

static int need_plain(const ts_quantity *q, const char *what, ts_err *err) {
  if (q->unit == TS_UNIT_NONE) return 0;
  char text[TS_QUANTITY_BUFSIZE];
  return ts_errf(err, "%s is a plain fraction without unit (-0.157 for -15.7 %%), not %s", what,
                 human(q, text, sizeof text));
}

int ts_growth_rate_q(const ts_quantity *now, const ts_quantity *before, ts_quantity *out,
                     ts_err *err) {
  ts_quantity ratio, one = ts_quantity_exact(1, TS_UNIT_NONE);
  if (need_above(before, false, "the old value of a growth rate", err) < 0) return -1;
  if (ts_quantity_div(now, before, &ratio, err) < 0 ||
      ts_quantity_sub(&ratio, &one, out, err) < 0)
    return ts_errprefix(err, "growth rate");
  return 0;
}

int ts_growth_base_q(const ts_quantity *value, const ts_quantity *change, ts_quantity *out,
                     ts_err *err) {
  ts_quantity factor, one = ts_quantity_exact(1, TS_UNIT_NONE);
  if (need_plain(change, "a change", err) < 0) return -1;
  if (!(change->low > -1)) {
    char text[TS_QUANTITY_BUFSIZE];
    return ts_errf(err, "a change of %s leaves no base: it must be above -1 (-100 %%) for every "
                   "value it may take", human(change, text, sizeof text));
  }
  if (ts_quantity_add(&one, change, &factor, err) < 0 ||
      ts_quantity_div(value, &factor, out, err) < 0)
    return ts_errprefix(err, "base");
  return 0;
}

/* x^(1/years) - 1 at both ends of a ratio interval (increasing in x for
** years > 0, so the ends map to the ends); the qualifier is kept. */
static int root_rate(const ts_quantity *ratio, double years, ts_quantity *out, ts_err *err) {
  double lo = pow(ratio->low, 1 / years) - 1;
  double hi = isinf(ratio->high) ? INFINITY : pow(ratio->high, 1 / years) - 1;
  if (!isfinite(lo) || isnan(hi)) return ts_errf(err, "the rate is out of range");
  ts_quantity r = {lo, hi, TS_UNIT_NONE, ratio->qual};
  if (r.qual == TS_RANGE && !(lo < hi)) r.qual = TS_APPROX; /* the ends met in rounding */
  *out = r;
  return 0;
}

static int compound_rate_q(const ts_quantity *first, const ts_quantity *last, double years,
                           const char *first_name, const char *last_name, ts_quantity *out,
                           ts_err *err) {
  ts_quantity ratio;
  if (need_finite(years, "the number of years", err) < 0) return -1;
  if (!(years > 0)) return ts_errf(err, "the number of years must be above zero, got %g", years);
  if (need_above(first, false, first_name, err) < 0 || need_above(last, true, last_name, err) < 0)
    return -1;
  if (ts_quantity_div(last, first, &ratio, err) < 0) return -1;
  return root_rate(&ratio, years, out, err);
}

int ts_growth_cagr_q(const ts_quantity *first, const ts_quantity *last, double years,
                     ts_quantity *out, ts_err *err) {
  return compound_rate_q(first, last, years, "the first value", "the last value", out, err);
}

int ts_growth_needed_q(const ts_quantity *from, const ts_quantity *to, double years,
                       ts_quantity *out, ts_err *err) {
  return compound_rate_q(from, to, years, "the starting value", "the target", out, err);
}

int ts_growth_annualise_q(const ts_quantity *value, int months, ts_quantity *out, ts_err *err) {
  ts_quantity yearly, m = ts_quantity_exact(months, TS_UNIT_NONE);
  if (need_months(months, err) < 0) return -1;
  if (ts_quantity_scale(value, 12, &yearly, err) < 0 ||
      ts_quantity_div(&yearly, &m, out, err) < 0)
    return ts_errprefix(err, "annualise");
  if (out->qual == TS_EXACT && months != 12) out->qual = TS_APPROX; /* an estimate */
  return 0;
}

int ts_growth_monthly_average_q(const ts_quantity *value, int months, ts_quantity *out,
                                ts_err *err) {
  ts_quantity m = ts_quantity_exact(months, TS_UNIT_NONE);
  if (need_months(months, err) < 0) return -1;
  if (ts_quantity_div(value, &m, out, err) < 0) return ts_errprefix(err, "monthly average");
  return 0;
}

/* ---- dates --------------------------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static ts_date truncated(ts_date d, ts_date_precision p) {
  if (p < TS_DATE_DAY) d.day = 0;
  if (p < TS_DATE_MONTH) d.month = 0;
  return d;
}

static int month_number(ts_date d) { return d.year * 12 + d.month - 1; }

/* Days since 1970-01-01 of day `day` of the month k months after `at`, a
** day the month lacks moved to its last day. */
static long day_after_months(ts_date at, int k, int day) {
  int idx = month_number(at) + k, y = idx / 12, m = idx % 12 + 1;
  int dim = ts_days_in_month(y, m);
  return days_from_civil(y, m, day < dim ? day : dim);
}

/* Months (and days, at day precision) from `at`, an anniversary of a date
** whose day was `day`, to `to`. */
static void months_and_days(ts_date at, int day, ts_date to, ts_date_precision p, ts_duration *out) {
  int months = month_number(to) - month_number(at);
  if (p == TS_DATE_DAY) {
    long target = days_from_civil(to.year, to.month, to.day);
    long start = day_after_months(at, months, day);
    if (start > target) start = day_after_months(at, --months, day);
    out->days = (int)(target - start);
  }
  out->months = months;
}

static const char *date_text(ts_date d, char *buf) {
  ts_date_format(d, buf, TS_DATE_BUFSIZE);
  return buf;
}

int ts_growth_duration(ts_date from, ts_date to, ts_duration *out, ts_err *err) {
  char a_text[TS_DATE_BUFSIZE], b_text[TS_DATE_BUFSIZE];
  if (!ts_date_valid(from) || !ts_date_valid(to)) return ts_errf(err, "a duration needs valid dates");
  ts_date_precision pf = ts_date_precision_of(from), pt = ts_date_precision_of(to);
  ts_date_precision p = pf < pt ? pf : pt;
  ts_date a = truncated(from, p), b = truncated(to, p);
  if (ts_date_cmp(a, b) > 0)
    return ts_errf(err, "a duration from %s to %s ends before it starts", date_text(from, a_text),
                   date_text(to, b_text));
  ts_duration d = {ts_date_years_between(a, b), -1, -1, p};
  ts_date at;
  if (ts_date_add_years(a, d.years, &at, err) < 0) return -1;
  if (p >= TS_DATE_MONTH) months_and_days(at, a.day, b, p, &d);
  *out = d;
  return 0;
}

int ts_growth_anniversary_in(ts_date from, int year, int *n, ts_date *on, ts_err *err) {
  if (!ts_date_valid(from)) return ts_errf(err, "an anniversary needs a valid date");
  if (year < TS_YEAR_MIN || year > TS_YEAR_MAX)
    return ts_errf(err, "year %d is not in %d..%d", year, TS_YEAR_MIN, TS_YEAR_MAX);
  *n = year > from.year ? year - from.year : 0;
  if (*n == 0) return 0;
  return ts_date_add_years(from, *n, on, err);
}

int ts_growth_anniversary_by(ts_date from, ts_date limit, int *n, ts_date *on, ts_err *err) {
  if (!ts_date_valid(from) || !ts_date_valid(limit))
    return ts_errf(err, "an anniversary needs valid dates");
  int years = ts_date_years_between(from, limit);
  *n = years > 0 ? years : 0;
  if (*n == 0) return 0;
  return ts_date_add_years(from, *n, on, err);
}
