#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "date.h"

static ts_date parse(const char *s) {
  ts_date d;
  ts_err e;
  if (ts_date_parse(s, strlen(s), &d, &e) < 0) fail_msg("%s", e.msg);
  return d;
}

static const char *format(ts_date d, char buf[TS_DATE_BUFSIZE]) {
  ts_date_format(d, buf, TS_DATE_BUFSIZE);
  return buf;
}

static void assert_parse_error(const char *s, const char *msg) {
  ts_date d = {1234, 5, 6};
  ts_err e;
  assert_int_equal(ts_date_parse(s, strlen(s), &d, &e), -1);
  assert_string_equal(e.msg, msg);
  assert_int_equal(d.year, 1234); /* untouched on failure */
}

static void round_trips_at_each_precision(void **state) {
  (void)state;
  static const char *const forms[] = {
    "2015-05-29", "2022-05", "2001", "2024-02-29", "2000-02-29", "1000-01-01", "9999-12-31",
  };
  char buf[TS_DATE_BUFSIZE];
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
    assert_string_equal(format(parse(forms[i]), buf), forms[i]);
  assert_int_equal(ts_date_precision_of(parse("2015-05-29")), TS_DATE_DAY);
  assert_int_equal(ts_date_precision_of(parse("2022-05")), TS_DATE_MONTH);
  assert_int_equal(ts_date_precision_of(parse("2001")), TS_DATE_YEAR);
}

static void every_day_of_a_leap_cycle_round_trips(void **state) {
  (void)state;
  char buf[TS_DATE_BUFSIZE];
  int days = 0;
  for (int y = 2096; y <= 2104; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = 1; d <= ts_days_in_month(y, m); d++, days++) {
        ts_date x, back;
        assert_int_equal(ts_date_make(y, m, d, &x, NULL), 0);
        size_t n = ts_date_format(x, buf, sizeof buf);
        assert_int_equal(ts_date_parse(buf, n, &back, NULL), 0);
        assert_int_equal(ts_date_cmp(x, back), 0);
      }
  assert_int_equal(days, 9 * 365 + 2); /* 2096 and 2104 are leap years, 2100 is not */
}

static void leap_years(void **state) {
  (void)state;
  assert_true(ts_is_leap_year(2024));
  assert_true(ts_is_leap_year(2000));
  assert_false(ts_is_leap_year(1900));
  assert_false(ts_is_leap_year(2023));
  assert_int_equal(ts_days_in_month(2024, 2), 29);
  assert_int_equal(ts_days_in_month(2100, 2), 28);
  assert_int_equal(ts_days_in_month(2023, 4), 30);
  assert_int_equal(ts_days_in_month(2023, 12), 31);
}

static void malformed_inputs(void **state) {
  (void)state;
  assert_parse_error("", "'' is not a date: empty");
  assert_parse_error("2023-02-29", "'2023-02-29' is not a date: February 2023 has 28 days, not 29");
  assert_parse_error("1900-02-29", "'1900-02-29' is not a date: February 1900 has 28 days, not 29");
  assert_parse_error("2024-02-30", "'2024-02-30' is not a date: February 2024 has 29 days, not 30");
  assert_parse_error("2023-04-31", "'2023-04-31' is not a date: April 2023 has 30 days, not 31");
  assert_parse_error("2023-05-32", "'2023-05-32' is not a date: day '32' is not 01..31");
  assert_parse_error("2023-05-00", "'2023-05-00' is not a date: day '00' is not 01..31");
  assert_parse_error("2023-13", "'2023-13' is not a date: month '13' is not 01..12");
  assert_parse_error("2023-00-10", "'2023-00-10' is not a date: month '00' is not 01..12");
  assert_parse_error("0999-01-01", "'0999-01-01' is not a date: year '0999' is not in 1000..9999");
  assert_parse_error("999", "'999' is not a date: year '999' is not in 1000..9999");
  assert_parse_error("20230529", "'20230529' is not a date: year '20230529' is not in 1000..9999");
  assert_parse_error("29.05.2023", "'29.05.2023' is not a date: year '29' is not in 1000..9999");
  assert_parse_error("10000-01", "'10000-01' is not a date: year '10000' is not in 1000..9999");
  static const char *const shapes[] = {
    "2023-5-29", "2023-05-9", "2023-05-29x", "2023-05-29 ", " 2023", "2023-", "2023-05-",
    "2023/05/29", "2023-05-29-01", "2023-Q1", "May 2023",
  };
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    char want[128];
    snprintf(want, sizeof want, "'%s' is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD",
             shapes[i]);
    assert_parse_error(shapes[i], want);
  }
}

static void make_checks_fields(void **state) {
  (void)state;
  ts_date d;
  ts_err e;
  assert_int_equal(ts_date_make(2024, 2, 29, &d, &e), 0);
  assert_int_equal(ts_date_make(2024, 0, 0, &d, &e), 0);
  assert_int_equal(ts_date_precision_of(d), TS_DATE_YEAR);
  assert_int_equal(ts_date_make(2023, 2, 29, &d, &e), -1);
  assert_string_equal(e.msg, "(2023, 2, 29) is not a date: February 2023 has 28 days, not 29");
  assert_int_equal(ts_date_make(2023, 0, 5, &d, &e), -1);
  assert_string_equal(e.msg, "(2023, 0, 5) is not a date: a day needs a month");
  assert_int_equal(ts_date_make(2023, 13, 0, &d, &e), -1);
  assert_string_equal(e.msg, "(2023, 13, 0) is not a date: month '13' is not 01..12");
  assert_int_equal(ts_date_make(12000, 1, 1, &d, &e), -1);
  assert_int_equal(ts_date_make(2023, 1, -1, &d, &e), -1);
  assert_true(ts_date_valid(parse("2024-02-29")));
  assert_false(ts_date_valid((ts_date){2023, 2, 29}));
  assert_false(ts_date_valid((ts_date){2023, 0, 1}));
  assert_false(ts_date_valid((ts_date){999, 0, 0}));
}

static void ordering_follows_iso_strings(void **state) {
  (void)state;
  assert_true(ts_date_cmp(parse("2015-05-29"), parse("2015-05-30")) < 0);
  assert_true(ts_date_cmp(parse("2015-12-31"), parse("2016-01-01")) < 0);
  assert_true(ts_date_cmp(parse("2022-05"), parse("2022-05-01")) < 0);
  assert_true(ts_date_cmp(parse("2022"), parse("2022-01")) < 0);
  assert_true(ts_date_cmp(parse("2022-12-31"), parse("2023")) < 0);
  assert_true(ts_date_cmp(parse("2023"), parse("2022-12")) > 0);
  assert_int_equal(ts_date_cmp(parse("2022-05"), parse("2022-05")), 0);
}

static void adding_years_and_29_february(void **state) {
  (void)state;
  char buf[TS_DATE_BUFSIZE];
  ts_date d;
  ts_err e;
  assert_int_equal(ts_date_add_years(parse("2015-05-29"), 10, &d, &e), 0);
  assert_string_equal(format(d, buf), "2025-05-29");
  assert_int_equal(ts_date_add_years(parse("2024-02-29"), 1, &d, &e), 0);
  assert_string_equal(format(d, buf), "2025-02-28");
  assert_int_equal(ts_date_add_years(parse("2024-02-29"), 4, &d, &e), 0);
  assert_string_equal(format(d, buf), "2028-02-29");
  assert_int_equal(ts_date_add_years(parse("2024-02-29"), 76, &d, &e), 0);
  assert_string_equal(format(d, buf), "2100-02-28");
  assert_int_equal(ts_date_add_years(parse("2001"), 25, &d, &e), 0);
  assert_string_equal(format(d, buf), "2026");
  assert_int_equal(ts_date_add_years(parse("2022-05"), -1, &d, &e), 0);
  assert_string_equal(format(d, buf), "2021-05");
  assert_int_equal(ts_date_add_years(parse("9999-01-01"), 1, &d, &e), -1);
  assert_string_equal(e.msg, "cannot add 1 years to 9999-01-01: years must stay within 1000..9999");
  assert_int_equal(ts_date_add_years(parse("2000"), -2147483647 - 1, &d, &e), -1);
}

static void whole_years_between(void **state) {
  (void)state;
  assert_int_equal(ts_date_years_between(parse("2015-05-29"), parse("2025-05-28")), 9);
  assert_int_equal(ts_date_years_between(parse("2015-05-29"), parse("2025-05-29")), 10);
  assert_int_equal(ts_date_years_between(parse("2015-05-29"), parse("2015-05-29")), 0);
  assert_int_equal(ts_date_years_between(parse("2025-05-28"), parse("2015-05-29")), -9);
  assert_int_equal(ts_date_years_between(parse("2025-05-29"), parse("2015-05-29")), -10);
  /* 29 February: its anniversary is 28 February in a common year. */
  assert_int_equal(ts_date_years_between(parse("2020-02-29"), parse("2021-02-27")), 0);
  assert_int_equal(ts_date_years_between(parse("2020-02-29"), parse("2021-02-28")), 1);
  assert_int_equal(ts_date_years_between(parse("2020-02-29"), parse("2024-02-28")), 3);
  assert_int_equal(ts_date_years_between(parse("2020-02-29"), parse("2024-02-29")), 4);
  /* Mixed precision compares at the coarser one. */
  assert_int_equal(ts_date_years_between(parse("2001"), parse("2026-03-01")), 25);
  assert_int_equal(ts_date_years_between(parse("2001-07"), parse("2026-03-01")), 24);
  assert_int_equal(ts_date_years_between(parse("2001-07"), parse("2026-07-01")), 25);
  assert_int_equal(ts_date_years_between(parse("2026-07-31"), parse("2001-07")), -25);
}

static void period_of_a_date(void **state) {
  (void)state;
  char buf[TS_PERIOD_BUFSIZE];
  ts_period_format(ts_date_period(parse("2015-05-29")), buf, sizeof buf);
  assert_string_equal(buf, "2015-05");
  ts_period_format(ts_date_period(parse("2022-05")), buf, sizeof buf);
  assert_string_equal(buf, "2022-05");
  ts_period_format(ts_date_period(parse("2001")), buf, sizeof buf);
  assert_string_equal(buf, "2001");
}

static void date_of_a_time(void **state) {
  (void)state;
  char buf[TS_DATE_BUFSIZE];
  ts_date d;
  ts_err e;
  assert_int_equal(ts_date_of_time(1738281600, false, &d, &e), 0); /* 2025-01-31T00:00:00Z */
  assert_string_equal(format(d, buf), "2025-01-31");
  assert_int_equal(ts_date_of_time(1738281599, false, &d, &e), 0);
  assert_string_equal(format(d, buf), "2025-01-30");
  assert_int_equal(ts_date_of_time(951782400, false, &d, &e), 0); /* 2000-02-29 */
  assert_string_equal(format(d, buf), "2000-02-29");
  setenv("TZ", "Asia/Ho_Chi_Minh", 1); /* UTC+7: the local day starts earlier */
  tzset();
  assert_int_equal(ts_date_of_time(1738281600 - 3600, true, &d, &e), 0);
  assert_string_equal(format(d, buf), "2025-01-31");
  assert_int_equal(ts_date_of_time(-30610224000LL, false, &d, &e), 0);
  assert_string_equal(format(d, buf), "1000-01-01");
  assert_int_equal(ts_date_of_time(-30610224001LL, false, &d, &e), -1);
  assert_string_equal(e.msg, "(999, 12, 31) is not a date: year '0999' is not in 1000..9999");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(round_trips_at_each_precision),
    cmocka_unit_test(every_day_of_a_leap_cycle_round_trips),
    cmocka_unit_test(leap_years),
    cmocka_unit_test(malformed_inputs),
    cmocka_unit_test(make_checks_fields),
    cmocka_unit_test(ordering_follows_iso_strings),
    cmocka_unit_test(adding_years_and_29_february),
    cmocka_unit_test(whole_years_between),
    cmocka_unit_test(period_of_a_date),
    cmocka_unit_test(date_of_a_time),
  };
  return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
