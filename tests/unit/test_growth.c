#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "growth.h"

/* ---- helpers ------------------------------------------------------------------ */

/* got within a relative 1e-12 of want (the literals below carry 12+ digits). */
static void assert_near(double got, double want) {
  double tol = 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
  if (!(fabs(got - want) <= tol)) fail_msg("expected %.17g, got %.17g", want, got);
}

static ts_quantity q_exact(double v, ts_unit u) { return ts_quantity_exact(v, u); }

static ts_quantity q_make(ts_qualifier qual, double v, double high, ts_unit u) {
  ts_quantity q;
  ts_err e;
  if (ts_quantity_make(qual, v, high, u, &q, &e) < 0) fail_msg("%s", e.msg);
  return q;
}

/* Qualifier, unit and both ends (an infinite end compared exactly). */
static void assert_quantity(const ts_quantity *q, ts_qualifier qual, double low, double high,
                            ts_unit unit) {
  if (q->qual != qual) fail_msg("qualifier %s, expected %s", ts_qualifier_name(q->qual),
                                ts_qualifier_name(qual));
  assert_int_equal(q->unit, unit);
  if (isinf(low)) assert_true(q->low == low); else assert_near(q->low, low);
  if (isinf(high)) assert_true(q->high == high); else assert_near(q->high, high);
}

static void assert_fails(int rc, const ts_err *e, const char *msg) {
  assert_int_equal(rc, -1);
  assert_string_equal(e->msg, msg);
}

static ts_date day(int y, int m, int d) {
  ts_date out;
  ts_err e;
  if (ts_date_make(y, m, d, &out, &e) < 0) fail_msg("%s", e.msg);
  return out;
}

static void assert_date(ts_date d, int y, int m, int dd) {
  assert_int_equal(d.year, y);
  assert_int_equal(d.month, m);
  assert_int_equal(d.day, dd);
}

/* ---- plain numbers ------------------------------------------------------------ */

static void rate_of_numbers(void **state) {
  (void)state;
  double r;
  ts_err e;
  assert_int_equal(ts_growth_rate(124, 100, &r, &e), 0);
  assert_near(r, 0.24);                 /* (124 - 100) / 100 */
  assert_int_equal(ts_growth_rate(4.4e9, 3.5e9, &r, &e), 0);
  assert_near(r, 0.257142857142857);    /* 0.9e9 / 3.5e9 = 9 / 35 */
  assert_int_equal(ts_growth_rate(51, 100, &r, &e), 0);
  assert_near(r, -0.49);                /* (51 - 100) / 100 */
  assert_int_equal(ts_growth_rate(0, 100, &r, &e), 0);
  assert_near(r, -1);                   /* all of it lost */
  assert_fails(ts_growth_rate(5, 0, &r, &e), &e, "a growth rate needs an old value above zero, got 0");
  assert_fails(ts_growth_rate(5, -2, &r, &e), &e, "a growth rate needs an old value above zero, got -2");
  assert_fails(ts_growth_rate(NAN, 2, &r, &e), &e, "the new value must be a finite number, got nan");
}

static void base_of_numbers(void **state) {
  (void)state;
  double b;
  ts_err e;
  assert_int_equal(ts_growth_base(1.9e9, -0.157, &b, &e), 0);
  assert_near(b, 2253855278.76631);     /* 1.9e9 / 0.843 */
  assert_int_equal(ts_growth_base(732e6, -0.49, &b, &e), 0);
  assert_near(b, 1435294117.64706);     /* 732e6 / 0.51 */
  assert_int_equal(ts_growth_base(4.4e9, 0.24, &b, &e), 0);
  assert_near(b, 3548387096.77419);     /* 4.4e9 / 1.24 */
  assert_int_equal(ts_growth_base(4.1e9, 0.274, &b, &e), 0);
  assert_near(b, 3218210361.06750);     /* 4.1e9 / 1.274 */
  assert_fails(ts_growth_base(1, -1, &b, &e), &e,
               "a change of -1 (-100 %) leaves no base: it must be above -1 (-100 %)");
  assert_fails(ts_growth_base(1, -2.5, &b, &e), &e,
               "a change of -2.5 (-250 %) leaves no base: it must be above -1 (-100 %)");
}

static void compound_rates(void **state) {
  (void)state;
  double r;
  ts_err e;
  assert_int_equal(ts_growth_cagr(31.5e6, 315e6, 3, &r, &e), 0);
  assert_near(r, 1.15443469003188);     /* 10^(1/3) - 1 = 2.15443469003188 - 1 */
  assert_int_equal(ts_growth_cagr(100, 121, 2, &r, &e), 0);
  assert_near(r, 0.1);                  /* sqrt(1.21) - 1 */
  assert_int_equal(ts_growth_cagr(200, 100, 1, &r, &e), 0);
  assert_near(r, -0.5);                 /* halved in a year */
  assert_int_equal(ts_growth_cagr(50, 0, 4, &r, &e), 0);
  assert_near(r, -1);                   /* 0^(1/4) - 1 */
  assert_int_equal(ts_growth_needed(4.4e9, 10e9, 5, &r, &e), 0);
  assert_near(r, 0.178445397847923);    /* (10 / 4.4)^(1/5) - 1 = 2.272727^0.2 - 1 */
  assert_int_equal(ts_growth_needed(100, 150, 0.5, &r, &e), 0);
  assert_near(r, 1.25);                 /* 1.5^2 - 1: half a year */
  assert_fails(ts_growth_cagr(0, 5, 3, &r, &e), &e, "the first value must be above zero, got 0");
  assert_fails(ts_growth_cagr(5, -1, 3, &r, &e), &e, "the last value must not be negative, got -1");
  assert_fails(ts_growth_cagr(1, 2, 0, &r, &e), &e, "the number of years must be above zero, got 0");
  assert_fails(ts_growth_needed(0, 10, 3, &r, &e), &e, "the starting value must be above zero, got 0");
  assert_fails(ts_growth_needed(1, -10, 3, &r, &e), &e, "the target must not be negative, got -10");
  assert_fails(ts_growth_needed(1, 10, INFINITY, &r, &e), &e,
               "the number of years must be a finite number, got inf");
}

static void annualised_and_monthly(void **state) {
  (void)state;
  double v;
  ts_err e;
  assert_int_equal(ts_growth_annualise(4.4e9, 9, &v, &e), 0);
  assert_near(v, 5866666666.66667);     /* 4.4e9 * 12 / 9 */
  assert_int_equal(ts_growth_annualise(8.44e9, 2, &v, &e), 0);
  assert_near(v, 50.64e9);              /* 8.44e9 * 6 */
  assert_int_equal(ts_growth_annualise(315e6, 12, &v, &e), 0);
  assert_near(v, 315e6);                /* a year stays itself */
  assert_int_equal(ts_growth_monthly_average(4.4e9, 9, &v, &e), 0);
  assert_near(v, 488888888.888889);     /* 4.4e9 / 9 */
  assert_int_equal(ts_growth_monthly_average(1.9e9, 7, &v, &e), 0);
  assert_near(v, 271428571.428571);     /* 1.9e9 / 7 */
  assert_fails(ts_growth_annualise(1, 0, &v, &e), &e, "a number of months must be at least 1, got 0");
  assert_fails(ts_growth_monthly_average(1, -3, &v, &e), &e,
               "a number of months must be at least 1, got -3");
}

/* ---- quantities ------------------------------------------------------------------ */

static void rate_of_quantities(void **state) {
  (void)state;
  ts_quantity r;
  ts_err e;
  ts_quantity range = q_make(TS_RANGE, 150e6, 160e6, TS_UNIT_USD);
  ts_quantity base = q_exact(125e6, TS_UNIT_USD);
  assert_int_equal(ts_growth_rate_q(&range, &base, &r, &e), 0);
  /* every rate from 150/125 - 1 = 0.2 to 160/125 - 1 = 0.28 is possible */
  assert_quantity(&r, TS_RANGE, 0.2, 0.28, TS_UNIT_NONE);

  ts_quantity over = q_make(TS_MORE_THAN, 315e6, 0, TS_UNIT_USD);
  ts_quantity then = q_exact(31.5e6, TS_UNIT_USD);
  assert_int_equal(ts_growth_rate_q(&over, &then, &r, &e), 0);
  assert_quantity(&r, TS_MORE_THAN, 9, INFINITY, TS_UNIT_NONE);  /* 315 / 31.5 - 1, a bound */

  ts_quantity now = q_exact(4.4e9, TS_UNIT_USD), before = q_exact(3.5e9, TS_UNIT_USD);
  assert_int_equal(ts_growth_rate_q(&now, &before, &r, &e), 0);
  assert_quantity(&r, TS_EXACT, 0.257142857142857, 0.257142857142857, TS_UNIT_NONE); /* 9 / 35 */

  ts_quantity about = q_make(TS_APPROX, 1.9e9, 0, TS_UNIT_USD);
  ts_quantity two = q_exact(2e9, TS_UNIT_USD);
  assert_int_equal(ts_growth_rate_q(&about, &two, &r, &e), 0);
  assert_quantity(&r, TS_APPROX, -0.05, -0.05, TS_UNIT_NONE);    /* 1.9 / 2 - 1, still "about" */

  /* a base that may be 0: "less than 5 M USD" reaches down to -inf */
  ts_quantity under = q_make(TS_LESS_THAN, 5e6, 0, TS_UNIT_USD);
  assert_fails(ts_growth_rate_q(&now, &under, &r, &e), &e,
               "the old value of a growth rate must be above zero, but < 5 M USD may be zero or less");
  ts_quantity teu = q_exact(20000, TS_UNIT_TEU);
  assert_fails(ts_growth_rate_q(&now, &teu, &r, &e), &e,
               "growth rate: cannot divide 4.4 bn USD by 20,000 TEU: units USD and TEU differ");
}

static void base_of_quantities(void **state) {
  (void)state;
  ts_quantity b;
  ts_err e;
  ts_quantity v = q_exact(1.9e9, TS_UNIT_USD), c = q_exact(-0.157, TS_UNIT_NONE);
  assert_int_equal(ts_growth_base_q(&v, &c, &b, &e), 0);
  assert_quantity(&b, TS_EXACT, 2253855278.76631, 2253855278.76631, TS_UNIT_USD); /* 1.9e9 / 0.843 */

  /* Kaluga: "topped 315 million USD", "10-fold" (+900 %): the base stays a lower bound */
  ts_quantity topped = q_make(TS_MORE_THAN, 315e6, 0, TS_UNIT_USD), tenfold = q_exact(9, TS_UNIT_NONE);
  assert_int_equal(ts_growth_base_q(&topped, &tenfold, &b, &e), 0);
  assert_quantity(&b, TS_MORE_THAN, 31.5e6, INFINITY, TS_UNIT_USD);   /* 315e6 / 10 */

  /* Far East H1 2023: 150-160 M USD, "about 20 %": 150/1.2 = 125 to 160/1.2 = 133.333 */
  ts_quantity fe = q_make(TS_RANGE, 150e6, 160e6, TS_UNIT_USD), about20 = q_make(TS_APPROX, 0.2, 0, TS_UNIT_NONE);
  assert_int_equal(ts_growth_base_q(&fe, &about20, &b, &e), 0);
  assert_quantity(&b, TS_RANGE, 125e6, 133333333.333333, TS_UNIT_USD);

  /* a range of changes: 120 / 1.2 = 100 to 120 / 1.1 = 109.0909 */
  ts_quantity x = q_exact(120, TS_UNIT_USD), cr = q_make(TS_RANGE, 0.1, 0.2, TS_UNIT_NONE);
  assert_int_equal(ts_growth_base_q(&x, &cr, &b, &e), 0);
  assert_quantity(&b, TS_RANGE, 100, 109.090909090909, TS_UNIT_USD);

  ts_quantity usd = q_exact(5, TS_UNIT_USD);
  assert_fails(ts_growth_base_q(&x, &usd, &b, &e), &e,
               "a change is a plain fraction without unit (-0.157 for -15.7 %), not 5 USD");
  ts_quantity fall = q_make(TS_RANGE, -1.5, -0.5, TS_UNIT_NONE);
  assert_fails(ts_growth_base_q(&x, &fall, &b, &e), &e,
               "a change of -1.5–-0.5 leaves no base: it must be above -1 (-100 %) for every value it may take");
}

static void compound_rates_of_quantities(void **state) {
  (void)state;
  ts_quantity r;
  ts_err e;
  ts_quantity first = q_exact(31.5e6, TS_UNIT_USD), topped = q_make(TS_MORE_THAN, 315e6, 0, TS_UNIT_USD);
  assert_int_equal(ts_growth_cagr_q(&first, &topped, 3, &r, &e), 0);
  assert_quantity(&r, TS_MORE_THAN, 1.15443469003188, INFINITY, TS_UNIT_NONE); /* 10^(1/3) - 1, a bound */

  /* ratio 121/121 = 1 to 121/100 = 1.21 over 2 years: sqrt(1) - 1 = 0 to sqrt(1.21) - 1 = 0.1 */
  ts_quantity r100 = q_make(TS_RANGE, 100, 121, TS_UNIT_TONNES), last = q_exact(121, TS_UNIT_TONNES);
  assert_int_equal(ts_growth_cagr_q(&r100, &last, 2, &r, &e), 0);
  assert_quantity(&r, TS_RANGE, 0, 0.1, TS_UNIT_NONE);

  ts_quantity from = q_exact(4.4e9, TS_UNIT_USD), to = q_exact(10e9, TS_UNIT_USD);
  assert_int_equal(ts_growth_needed_q(&from, &to, 5, &r, &e), 0);
  assert_quantity(&r, TS_EXACT, 0.178445397847923, 0.178445397847923, TS_UNIT_NONE);

  ts_quantity under = q_make(TS_LESS_THAN, 10e9, 0, TS_UNIT_USD);
  assert_fails(ts_growth_needed_q(&from, &under, 5, &r, &e), &e,
               "the target must be zero or more, but < 10 bn USD may be negative");
  assert_fails(ts_growth_cagr_q(&from, &to, -1, &r, &e), &e,
               "the number of years must be above zero, got -1");
}

static void annualised_and_monthly_quantities(void **state) {
  (void)state;
  ts_quantity r;
  ts_err e;
  ts_quantity jan_sep = q_exact(4.4e9, TS_UNIT_USD);
  assert_int_equal(ts_growth_annualise_q(&jan_sep, 9, &r, &e), 0);
  assert_quantity(&r, TS_APPROX, 5866666666.66667, 5866666666.66667, TS_UNIT_USD); /* 4.4e9*12/9, an estimate */
  assert_int_equal(ts_growth_annualise_q(&jan_sep, 12, &r, &e), 0);
  assert_quantity(&r, TS_EXACT, 4.4e9, 4.4e9, TS_UNIT_USD);        /* twelve months: no estimate */

  ts_quantity h1 = q_make(TS_RANGE, 150e6, 160e6, TS_UNIT_USD);
  assert_int_equal(ts_growth_annualise_q(&h1, 6, &r, &e), 0);
  assert_quantity(&r, TS_RANGE, 300e6, 320e6, TS_UNIT_USD);         /* both ends x 2 */
  assert_int_equal(ts_growth_monthly_average_q(&h1, 6, &r, &e), 0);
  assert_quantity(&r, TS_RANGE, 25e6, 26666666.6666667, TS_UNIT_USD); /* 150/6 to 160/6 */

  ts_quantity teu = q_make(TS_MORE_THAN, 20000, 0, TS_UNIT_TEU);
  assert_int_equal(ts_growth_annualise_q(&teu, 7, &r, &e), 0);
  assert_quantity(&r, TS_MORE_THAN, 34285.7142857143, INFINITY, TS_UNIT_TEU); /* 20000*12/7 */
  assert_int_equal(ts_growth_monthly_average_q(&teu, 7, &r, &e), 0);
  assert_quantity(&r, TS_MORE_THAN, 2857.14285714286, INFINITY, TS_UNIT_TEU); /* 20000/7 */

  ts_quantity exact = q_exact(1.9e9, TS_UNIT_USD);
  assert_int_equal(ts_growth_monthly_average_q(&exact, 7, &r, &e), 0);
  assert_quantity(&r, TS_EXACT, 271428571.428571, 271428571.428571, TS_UNIT_USD); /* an average, not an estimate */
  assert_fails(ts_growth_annualise_q(&exact, 0, &r, &e), &e, "a number of months must be at least 1, got 0");
}

/* ---- dates --------------------------------------------------------------------------- */

static void assert_duration(ts_date from, ts_date to, int y, int m, int d, ts_date_precision p) {
  ts_duration du;
  ts_err e;
  if (ts_growth_duration(from, to, &du, &e) < 0) fail_msg("%s", e.msg);
  assert_int_equal(du.years, y);
  assert_int_equal(du.months, m);
  assert_int_equal(du.days, d);
  assert_int_equal(du.precision, p);
}

static void durations(void **state) {
  (void)state;
  /* diplomatic relations 1950-01-30 to the 75th anniversary */
  assert_duration(day(1950, 1, 30), day(2025, 1, 30), 75, 0, 0, TS_DATE_DAY);
  /* FTA signed 2015-05-29 to January 2025: month precision; 2024-05 + 8 months */
  assert_duration(day(2015, 5, 29), day(2025, 1, 0), 9, 8, -1, TS_DATE_MONTH);
  /* strategic partnership 2001 (a year) to 2025-01-30: years only */
  assert_duration(day(2001, 0, 0), day(2025, 1, 30), 24, -1, -1, TS_DATE_YEAR);
  /* 2021-08-17 -> 2024-08-17 (3 y) -> 2025-01-17 (5 m) -> 2025-01-31 (14 d) */
  assert_duration(day(2021, 8, 17), day(2025, 1, 31), 3, 5, 14, TS_DATE_DAY);
  /* 29 Feb: 2021-02-28 is the first anniversary; 28 Feb -> 28 Mar is 28 days (the 29th
  ** of March is not reached) */
  assert_duration(day(2020, 2, 29), day(2021, 3, 28), 1, 0, 28, TS_DATE_DAY);
  /* 31 Jan + 1 month = 29 Feb 2024 (no 31st), then 1 day to 1 March */
  assert_duration(day(2024, 1, 31), day(2024, 3, 1), 0, 1, 1, TS_DATE_DAY);
  assert_duration(day(2024, 9, 0), day(2024, 9, 0), 0, 0, -1, TS_DATE_MONTH);

  ts_duration du;
  ts_err e;
  assert_fails(ts_growth_duration(day(2025, 1, 30), day(1950, 1, 30), &du, &e), &e,
               "a duration from 2025-01-30 to 1950-01-30 ends before it starts");
}

static void anniversaries(void **state) {
  (void)state;
  int n;
  ts_date on;
  ts_err e;
  assert_int_equal(ts_growth_anniversary_in(day(1950, 1, 30), 2025, &n, &on, &e), 0);
  assert_int_equal(n, 75);                           /* 2025 - 1950 */
  assert_date(on, 2025, 1, 30);
  assert_int_equal(ts_growth_anniversary_in(day(2015, 5, 29), 2025, &n, &on, &e), 0);
  assert_int_equal(n, 10);
  assert_date(on, 2025, 5, 29);
  assert_int_equal(ts_growth_anniversary_in(day(2020, 2, 29), 2025, &n, &on, &e), 0);
  assert_int_equal(n, 5);
  assert_date(on, 2025, 2, 28);                      /* 2025 is not a leap year */
  assert_int_equal(ts_growth_anniversary_in(day(2001, 0, 0), 2025, &n, &on, &e), 0);
  assert_int_equal(n, 24);
  assert_date(on, 2025, 0, 0);                       /* as precise as the date */
  assert_int_equal(ts_growth_anniversary_in(day(2025, 1, 30), 2025, &n, &on, &e), 0);
  assert_int_equal(n, 0);                            /* the event's own year */
  assert_int_equal(ts_growth_anniversary_in(day(2025, 1, 30), 2020, &n, &on, &e), 0);
  assert_int_equal(n, 0);
  assert_fails(ts_growth_anniversary_in(day(2000, 1, 1), 10000, &n, &on, &e), &e,
               "year 10000 is not in 1000..9999");

  assert_int_equal(ts_growth_anniversary_by(day(1950, 1, 30), day(2025, 1, 29), &n, &on, &e), 0);
  assert_int_equal(n, 74);                           /* the 75th is a day later */
  assert_date(on, 2024, 1, 30);
  assert_int_equal(ts_growth_anniversary_by(day(1950, 1, 30), day(2025, 1, 30), &n, &on, &e), 0);
  assert_int_equal(n, 75);
  assert_date(on, 2025, 1, 30);
  assert_int_equal(ts_growth_anniversary_by(day(2015, 5, 29), day(2015, 12, 31), &n, &on, &e), 0);
  assert_int_equal(n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(rate_of_numbers),
    cmocka_unit_test(base_of_numbers),
    cmocka_unit_test(compound_rates),
    cmocka_unit_test(annualised_and_monthly),
    cmocka_unit_test(rate_of_quantities),
    cmocka_unit_test(base_of_quantities),
    cmocka_unit_test(compound_rates_of_quantities),
    cmocka_unit_test(annualised_and_monthly_quantities),
    cmocka_unit_test(durations),
    cmocka_unit_test(anniversaries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
