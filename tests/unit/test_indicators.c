#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "indicators.h"

/* A small table computed by hand.  Country i exports three products:
**     product   country i   world
**     A              60      1,000
**     B              30      3,000
**     C              10      6,000
**     total         100     10,000
*/
static const double COUNTRY[3] = {60, 30, 10};
static const double WORLD[3] = {1000, 3000, 6000};

static void assert_near(double got, double want) {
  double tol = 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
  if (!(fabs(got - want) <= tol)) fail_msg("expected %.17g, got %.17g", want, got);
}

static void assert_fails(int rc, const ts_err *e, const char *msg) {
  assert_int_equal(rc, -1);
  assert_string_equal(e->msg, msg);
}

static void shares(void **state) {
  (void)state;
  double s, out[3];
  ts_err e;
  assert_int_equal(ts_ind_share(25, 200, &s, &e), 0);
  assert_near(s, 0.125);                          /* 25 / 200 */
  assert_int_equal(ts_ind_share(155e6, 1900e6, &s, &e), 0);
  assert_near(s, 0.0815789473684211);             /* 155 / 1900 */
  assert_int_equal(ts_ind_sum(COUNTRY, 3, &s, &e), 0);
  assert_near(s, 100);                            /* 60 + 30 + 10 */
  assert_int_equal(ts_ind_shares(COUNTRY, 3, out, &e), 0);
  assert_near(out[0], 0.6);                       /* 60 / 100 */
  assert_near(out[1], 0.3);
  assert_near(out[2], 0.1);
  assert_fails(ts_ind_share(1, 0, &s, &e), &e, "the total must be above zero, got 0");
  assert_fails(ts_ind_share(-1, 10, &s, &e), &e, "the part must be finite and not negative, got -1");
  const double zeros[2] = {0, 0};
  assert_fails(ts_ind_shares(zeros, 2, out, &e), &e,
               "shares: the values add up to zero, so they have no shares");
}

static void herfindahl(void **state) {
  (void)state;
  double h;
  ts_err e;
  assert_int_equal(ts_ind_hhi(COUNTRY, 3, &h, &e), 0);
  assert_near(h, 0.46);                           /* 0.36 + 0.09 + 0.01 */
  assert_int_equal(ts_ind_hhi_normalised(COUNTRY, 3, &h, &e), 0);
  assert_near(h, 0.19);                           /* (0.46 - 1/3) / (1 - 1/3) = 0.12667 / 0.66667 */
  const double equal[4] = {25, 25, 25, 25};
  assert_int_equal(ts_ind_hhi(equal, 4, &h, &e), 0);
  assert_near(h, 0.25);                           /* 4 x 0.25^2 = 1/N */
  assert_int_equal(ts_ind_hhi_normalised(equal, 4, &h, &e), 0);
  assert_near(h, 0);                              /* equal parts: no concentration */
  /* a zero part is not traded: N counts the two parts above zero */
  const double halves[3] = {50, 0, 50};
  assert_int_equal(ts_ind_hhi(halves, 3, &h, &e), 0);
  assert_near(h, 0.5);                            /* 0.25 + 0 + 0.25 */
  assert_int_equal(ts_ind_hhi_normalised(halves, 3, &h, &e), 0);
  assert_near(h, 0);                              /* (0.5 - 1/2) / (1 - 1/2) */
  const double single[2] = {0, 7};
  assert_int_equal(ts_ind_hhi(single, 2, &h, &e), 0);
  assert_near(h, 1);                              /* one part holds everything */
  assert_fails(ts_ind_hhi_normalised(single, 2, &h, &e), &e,
               "hhi_normalised: only one part is above zero, and the normalised index has no "
               "value for a single part (as in WITS)");
  const double bad[3] = {1, -1, 2};
  assert_fails(ts_ind_hhi(bad, 3, &h, &e), &e,
               "hhi: value 2 is -1; trade values must be finite and not negative");
  assert_fails(ts_ind_hhi(bad, 0, &h, &e), &e, "hhi: no values");
}

static void comparative_advantage(void **state) {
  (void)state;
  double r, out[3];
  ts_err e;
  assert_int_equal(ts_ind_rca(60, 100, 1000, 10000, &r, &e), 0);
  assert_near(r, 6);                              /* (60/100) / (1000/10000) = 0.6 / 0.1 */
  assert_int_equal(ts_ind_rca_each(COUNTRY, WORLD, 3, 100, 10000, out, &e), 0);
  assert_near(out[0], 6);
  assert_near(out[1], 1);                         /* 0.3 / 0.3: neither advantage nor disadvantage */
  assert_near(out[2], 0.166666666666667);         /* 0.1 / 0.6 */
  /* totals wider than the table: A is 60 of 200 and 1,000 of 20,000 */
  assert_int_equal(ts_ind_rca_each(COUNTRY, WORLD, 3, 200, 20000, out, &e), 0);
  assert_near(out[0], 6);                         /* (60/200) / (1000/20000) = 0.3 / 0.05 */
  assert_fails(ts_ind_rca(1, 100, 0, 10000, &r, &e), &e,
               "rca: world exports of the product must be above zero, got 0");
  assert_fails(ts_ind_rca(1, 0, 5, 10000, &r, &e), &e,
               "rca: the country's total exports must be above zero, got 0");
  const double world0[3] = {1000, 0, 6000};
  assert_fails(ts_ind_rca_each(COUNTRY, world0, 3, 100, 10000, out, &e), &e,
               "product 2: rca: world exports of the product must be above zero, got 0");
}

static void trade_intensity(void **state) {
  (void)state;
  double t;
  ts_err e;
  /* i exports 3 of its 400 to j; the world exports 300 of 24,000 to j */
  assert_int_equal(ts_ind_intensity(3, 400, 300, 24000, &t, &e), 0);
  assert_near(t, 0.6);                            /* 0.0075 / 0.0125 */
  assert_int_equal(ts_ind_intensity(20, 400, 300, 24000, &t, &e), 0);
  assert_near(t, 4);                              /* 0.05 / 0.0125: an intense relationship */
  assert_fails(ts_ind_intensity(3, 400, 300, -1, &t, &e), &e,
               "intensity: world total exports must be above zero, got -1");
}

static void concentration(void **state) {
  (void)state;
  ts_concentration c;
  ts_err e;
  assert_int_equal(ts_ind_concentration(COUNTRY, 3, &c, &e), 0);
  assert_near(c.hhi, 0.46);
  assert_near(c.normalised, 0.19);
  assert_int_equal(c.parts, 3);
  assert_int_equal(c.top, 0);                     /* A: 60 of 100 */
  assert_near(c.top_share, 0.6);
  const double tied[3] = {10, 45, 45};
  assert_int_equal(ts_ind_concentration(tied, 3, &c, &e), 0);
  assert_near(c.hhi, 0.415);                      /* 0.01 + 0.2025 + 0.2025 */
  assert_near(c.normalised, 0.1225);              /* (0.415 - 1/3) / (2/3) = 0.081667 * 1.5 */
  assert_int_equal(c.top, 1);                     /* the first of the equal largest */
  assert_near(c.top_share, 0.45);
  const double single[2] = {0, 7};
  assert_int_equal(ts_ind_concentration(single, 2, &c, &e), 0);
  assert_near(c.hhi, 1);
  assert_true(isnan(c.normalised));               /* WITS: no value for one product */
  assert_int_equal(c.parts, 1);
  assert_int_equal(c.top, 1);
  assert_near(c.top_share, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(shares),
    cmocka_unit_test(herfindahl),
    cmocka_unit_test(comparative_advantage),
    cmocka_unit_test(trade_intensity),
    cmocka_unit_test(concentration),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
