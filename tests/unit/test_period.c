#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "period.h"

static ts_period parse(const char *s) {
  ts_period p;
  ts_err e;
  if (ts_period_parse(s, strlen(s), &p, &e) < 0) fail_msg("%s", e.msg);
  return p;
}

static const char *format(ts_period p, char buf[TS_PERIOD_BUFSIZE]) {
  ts_period_format(p, buf, TS_PERIOD_BUFSIZE);
  return buf;
}

static void assert_parse_error(const char *s, const char *msg) {
  ts_period p = {1, 2};
  ts_err e;
  assert_int_equal(ts_period_parse(s, strlen(s), &p, &e), -1);
  assert_string_equal(e.msg, msg);
  assert_int_equal(p.first, 1); /* untouched on failure */
}

static void canonical_forms_round_trip(void **state) {
  (void)state;
  static const char *const forms[] = {
    "2023", "2023-H1", "2023-H2", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2023-01",
    "2023-07", "2023-12", "2023-01/2023-07", "2023-11/2024-02", "2023-02/2023-04",
    "1000", "9999-Q4", "1000-01/9999-12", "2022-01/2023-12",
  };
  char buf[TS_PERIOD_BUFSIZE];
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
    assert_string_equal(format(parse(forms[i]), buf), forms[i]);
}

/* Every interval within two years (and across the year boundary) prints to
** a form that parses back to it. */
static void every_interval_round_trips(void **state) {
  (void)state;
  char buf[TS_PERIOD_BUFSIZE];
  int32_t lo = ts_month_index(2023, 1), hi = ts_month_index(2024, 12);
  for (int32_t first = lo; first <= hi; first++)
    for (int32_t last = first; last <= hi; last++) {
      ts_period p = {first, last}, q;
      size_t n = ts_period_format(p, buf, sizeof buf);
      assert_int_equal(n, strlen(buf));
      assert_int_equal(ts_period_parse(buf, n, &q, NULL), 0);
      assert_true(ts_period_equal(p, q));
    }
}

static void intervals_print_in_shortest_form(void **state) {
  (void)state;
  char buf[TS_PERIOD_BUFSIZE];
  assert_string_equal(format(parse("2023-01/2023-06"), buf), "2023-H1");
  assert_string_equal(format(parse("2023-07/2023-12"), buf), "2023-H2");
  assert_string_equal(format(parse("2023-10/2023-12"), buf), "2023-Q4");
  assert_string_equal(format(parse("2023-01/2023-12"), buf), "2023");
  assert_string_equal(format(parse("2023-05/2023-05"), buf), "2023-05");
  /* Three or six months not aligned on a quarter or half stay intervals. */
  assert_string_equal(format(parse("2023-02/2023-04"), buf), "2023-02/2023-04");
  assert_string_equal(format(parse("2023-04/2023-09"), buf), "2023-04/2023-09");
  assert_string_equal(format(parse("2023-07/2024-06"), buf), "2023-07/2024-06");
}

static void format_behaves_as_snprintf(void **state) {
  (void)state;
  char small[5];
  assert_int_equal(ts_period_format(parse("2023-11/2024-02"), small, sizeof small), 15);
  assert_string_equal(small, "2023");
  assert_int_equal(ts_period_format(parse("2023"), NULL, 0), 4);
}

static void parsed_months(void **state) {
  (void)state;
  ts_period p = parse("2023-Q3");
  assert_int_equal(p.first, ts_month_index(2023, 7));
  assert_int_equal(p.last, ts_month_index(2023, 9));
  p = parse("2023-H2");
  assert_int_equal(p.first, ts_month_index(2023, 7));
  assert_int_equal(p.last, ts_month_index(2023, 12));
  p = parse("2023-11/2024-02");
  assert_int_equal(p.first, ts_month_index(2023, 11));
  assert_int_equal(p.last, ts_month_index(2024, 2));
  assert_true(ts_period_equal(parse("2024"), ts_period_of_year(2024)));
  assert_true(ts_period_equal(parse("2024-02"), ts_period_of_month(2024, 2)));
}

static void parse_uses_only_len_bytes(void **state) {
  (void)state;
  ts_period p;
  assert_int_equal(ts_period_parse("2023-Q1xyz", 7, &p, NULL), 0);
  assert_true(ts_period_equal(p, parse("2023-Q1")));
  ts_err e;
  assert_int_equal(ts_period_parse("2023\0-Q1", 8, &p, &e), -1);
}

static void malformed_inputs(void **state) {
  (void)state;
  assert_parse_error("", "'' is not a period: empty");
  assert_parse_error("2023-13", "'2023-13' is not a period: month '13' is not 01..12");
  assert_parse_error("2023-00", "'2023-00' is not a period: month '00' is not 01..12");
  assert_parse_error("2023-7", "'2023-7' is not a period: month '7' is not 01..12");
  assert_parse_error("2023-123", "'2023-123' is not a period: month '123' is not 01..12");
  assert_parse_error("2023-Q5", "'2023-Q5' is not a period: quarter 'Q5' is not Q1..Q4");
  assert_parse_error("2023-Q0", "'2023-Q0' is not a period: quarter 'Q0' is not Q1..Q4");
  assert_parse_error("2023-Q", "'2023-Q' is not a period: quarter 'Q' is not Q1..Q4");
  assert_parse_error("2023-Q12", "'2023-Q12' is not a period: quarter 'Q12' is not Q1..Q4");
  assert_parse_error("2023-H3", "'2023-H3' is not a period: half 'H3' is not H1 or H2");
  assert_parse_error("2023-H", "'2023-H' is not a period: half 'H' is not H1 or H2");
  assert_parse_error("2023-q1",
                     "'2023-q1' is not a period: expected a month (01..12), half (H1, H2) or "
                     "quarter (Q1..Q4) after '2023-'");
  assert_parse_error("2023-",
                     "'2023-' is not a period: expected a month (01..12), half (H1, H2) or "
                     "quarter (Q1..Q4) after '2023-'");
  assert_parse_error("2023-07/2023-03",
                     "'2023-07/2023-03' is not a period: the interval ends before it starts");
  assert_parse_error("2024-01/2023-12",
                     "'2024-01/2023-12' is not a period: the interval ends before it starts");
  assert_parse_error("2023x", "'2023x' is not a period: unexpected 'x' after '2023'");
  assert_parse_error("2023 ", "'2023 ' is not a period: unexpected ' ' after '2023'");
  assert_parse_error("2023-07x", "'2023-07x' is not a period: unexpected 'x' after '2023-07'");
  assert_parse_error("2023-Q1 ", "'2023-Q1 ' is not a period: unexpected ' ' after '2023-Q1'");
  assert_parse_error("2023-01/2023-07x",
                     "'2023-01/2023-07x' is not a period: unexpected 'x' after '2023-01/2023-07'");
  assert_parse_error("2023-07/2023-08/2023-09",
                     "'2023-07/2023-08/2023-09' is not a period: unexpected '/2023-09' after "
                     "'2023-07/2023-08'");
  assert_parse_error("2023-02-01",
                     "'2023-02-01' is not a period: unexpected '-01' after '2023-02'");
  assert_parse_error(" 2023", "' 2023' is not a period: expected a four-digit year");
  assert_parse_error("Q1-2023", "'Q1-2023' is not a period: expected a four-digit year");
  assert_parse_error("0999", "'0999' is not a period: year '0999' is not in 1000..9999");
  assert_parse_error("999", "'999' is not a period: year '999' is not in 1000..9999");
  assert_parse_error("10000", "'10000' is not a period: year '10000' is not in 1000..9999");
  assert_parse_error("23-Q1", "'23-Q1' is not a period: year '23' is not in 1000..9999");
  assert_parse_error("2023-01/999-02",
                     "'2023-01/999-02' is not a period: year '999' is not in 1000..9999");
  assert_parse_error("2023/2024",
                     "'2023/2024' is not a period: an interval runs between months: YYYY-MM/YYYY-MM");
  assert_parse_error("2023-Q1/2023-Q2", "'2023-Q1/2023-Q2' is not a period: an interval runs "
                     "between months: YYYY-MM/YYYY-MM");
  assert_parse_error("2023-01/2023",
                     "'2023-01/2023' is not a period: an interval end must be a month, YYYY-MM");
  assert_parse_error("2023-01/", "'2023-01/' is not a period: expected a four-digit year");
  assert_parse_error("2023-01/2023-13",
                     "'2023-01/2023-13' is not a period: month '13' is not 01..12");
}

static void long_inputs_are_quoted_short(void **state) {
  (void)state;
  char big[300];
  memset(big, '7', sizeof big);
  ts_err e;
  ts_period p;
  assert_int_equal(ts_period_parse(big, sizeof big, &p, &e), -1);
  assert_string_equal(e.msg, "'777777777777777777777777777777777777777777777777777777777777...' "
                             "is not a period: year '777777777777' is not in 1000..9999");
}

static void lengths(void **state) {
  (void)state;
  assert_int_equal(ts_period_months(parse("2023")), 12);
  assert_int_equal(ts_period_months(parse("2023-H2")), 6);
  assert_int_equal(ts_period_months(parse("2023-Q4")), 3);
  assert_int_equal(ts_period_months(parse("2023-07")), 1);
  assert_int_equal(ts_period_months(parse("2023-01/2023-07")), 7);
  assert_int_equal(ts_period_months(parse("2023-11/2024-02")), 4);
  assert_int_equal(ts_period_months(parse("1000-01/9999-12")), 9000 * 12);
}

static void containment_and_overlap(void **state) {
  (void)state;
  ts_period y = parse("2023"), h1 = parse("2023-H1"), q2 = parse("2023-Q2");
  assert_true(ts_period_contains(y, h1));
  assert_true(ts_period_contains(h1, q2));
  assert_true(ts_period_contains(y, y));
  assert_false(ts_period_contains(h1, y));
  assert_true(ts_period_contains(parse("2023-11/2024-02"), parse("2024-01")));
  assert_false(ts_period_contains(parse("2023-11/2024-02"), parse("2024")));
  assert_false(ts_period_contains(parse("2023-Q3"), parse("2023-06")));
  assert_true(ts_period_overlaps(parse("2023-11/2024-02"), parse("2024")));
  assert_true(ts_period_overlaps(parse("2024"), parse("2023-11/2024-02")));
  assert_true(ts_period_overlaps(parse("2023-Q1"), parse("2023-03/2023-04")));
  assert_false(ts_period_overlaps(parse("2023-Q1"), parse("2023-Q2")));
  assert_false(ts_period_overlaps(parse("2023-H2"), parse("2024-H1")));
}

static void ordering_is_by_start_then_end(void **state) {
  (void)state;
  assert_true(ts_period_cmp(parse("2023-01"), parse("2023-Q1")) < 0);
  assert_true(ts_period_cmp(parse("2023-Q1"), parse("2023-H1")) < 0);
  assert_true(ts_period_cmp(parse("2023-H1"), parse("2023")) < 0);
  assert_true(ts_period_cmp(parse("2023"), parse("2023-02")) < 0);
  assert_true(ts_period_cmp(parse("2023-Q4"), parse("2023-11/2024-02")) < 0);
  assert_true(ts_period_cmp(parse("2024"), parse("2023-11/2024-02")) > 0);
  assert_int_equal(ts_period_cmp(parse("2023-01/2023-06"), parse("2023-H1")), 0);
  assert_true(ts_period_equal(parse("2023-01/2023-06"), parse("2023-H1")));
  assert_false(ts_period_equal(parse("2023-H1"), parse("2023-Q1")));
}

static void comparable_periods(void **state) {
  (void)state;
  assert_true(ts_period_comparable(parse("2024-01/2024-09"), parse("2023-01/2023-09")));
  assert_true(ts_period_comparable(parse("2023-Q1"), parse("2022-Q1")));
  assert_true(ts_period_comparable(parse("2023"), parse("2019")));
  assert_true(ts_period_comparable(parse("2023-11/2024-02"), parse("2022-11/2023-02")));
  assert_false(ts_period_comparable(parse("2023-Q1"), parse("2023-Q1")));
  assert_false(ts_period_comparable(parse("2023-Q1"), parse("2022-Q2")));
  assert_false(ts_period_comparable(parse("2023-01/2023-07"), parse("2022-01/2022-06")));
  assert_false(ts_period_comparable(parse("2023-H1"), parse("2023-H2")));
}

static void shifting_by_years(void **state) {
  (void)state;
  char buf[TS_PERIOD_BUFSIZE];
  ts_period p;
  ts_err e;
  assert_int_equal(ts_period_previous_year(parse("2023-01/2023-07"), &p, &e), 0);
  assert_string_equal(format(p, buf), "2022-01/2022-07");
  assert_int_equal(ts_period_previous_year(parse("2024-Q4"), &p, &e), 0);
  assert_string_equal(format(p, buf), "2023-Q4");
  assert_int_equal(ts_period_previous_year(parse("2023-11/2024-02"), &p, &e), 0);
  assert_string_equal(format(p, buf), "2022-11/2023-02");
  assert_int_equal(ts_period_shift(parse("2023-H2"), 2, &p, &e), 0);
  assert_string_equal(format(p, buf), "2025-H2");
  assert_int_equal(ts_period_shift(parse("2023-H2"), 0, &p, &e), 0);
  assert_string_equal(format(p, buf), "2023-H2");
  assert_int_equal(ts_period_shift(parse("9999-12"), 0, &p, &e), 0);
}

static void shifting_out_of_range_fails(void **state) {
  (void)state;
  ts_period p = {7, 7};
  ts_err e;
  assert_int_equal(ts_period_previous_year(parse("1000-Q1"), &p, &e), -1);
  assert_string_equal(e.msg, "cannot shift 1000-Q1 by -1 years: years must stay within 1000..9999");
  assert_int_equal(ts_period_shift(parse("9999-12"), 1, &p, &e), -1);
  assert_int_equal(ts_period_shift(parse("2023"), 2147483647, &p, &e), -1);
  assert_int_equal(ts_period_shift(parse("2023"), -2147483647 - 1, &p, &e), -1);
  assert_string_equal(e.msg, "cannot shift 2023 by -2147483648 years: years must stay within "
                             "1000..9999");
  assert_int_equal(p.first, 7);
  assert_int_equal(ts_period_shift(parse("2023"), 1, &p, NULL), 0);
}

static void years_and_ends(void **state) {
  (void)state;
  char buf[TS_PERIOD_BUFSIZE];
  ts_period p = parse("2023-11/2024-02");
  assert_int_equal(ts_period_start_year(p), 2023);
  assert_int_equal(ts_period_end_year(p), 2024);
  assert_string_equal(format(ts_period_start(p), buf), "2023-11");
  assert_string_equal(format(ts_period_end(p), buf), "2024-02");
  assert_string_equal(format(ts_period_end(parse("2023-H2")), buf), "2023-12");
  assert_int_equal(ts_month_year(ts_month_index(2023, 12)), 2023);
  assert_int_equal(ts_month_of_year(ts_month_index(2023, 12)), 12);
  assert_int_equal(ts_month_of_year(ts_month_index(2024, 1)), 1);
}

static void iterating_months(void **state) {
  (void)state;
  static const char *const want[] = {"2023-11", "2023-12", "2024-01", "2024-02"};
  char buf[TS_PERIOD_BUFSIZE];
  ts_period p = parse("2023-11/2024-02");
  assert_int_equal(ts_period_months(p), 4);
  for (int i = 0; i < ts_period_months(p); i++)
    assert_string_equal(format(ts_period_month_at(p, i), buf), want[i]);
}

static void validity(void **state) {
  (void)state;
  assert_true(ts_period_valid(parse("2023-Q1")));
  assert_true(ts_period_valid(ts_period_of_year(1000)));
  assert_true(ts_period_valid(ts_period_of_year(9999)));
  assert_false(ts_period_valid(ts_period_of_year(999)));
  assert_false(ts_period_valid(ts_period_of_year(10000)));
  assert_false(ts_period_valid((ts_period){ts_month_index(2023, 5), ts_month_index(2023, 4)}));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(canonical_forms_round_trip),
    cmocka_unit_test(every_interval_round_trips),
    cmocka_unit_test(intervals_print_in_shortest_form),
    cmocka_unit_test(format_behaves_as_snprintf),
    cmocka_unit_test(parsed_months),
    cmocka_unit_test(parse_uses_only_len_bytes),
    cmocka_unit_test(malformed_inputs),
    cmocka_unit_test(long_inputs_are_quoted_short),
    cmocka_unit_test(lengths),
    cmocka_unit_test(containment_and_overlap),
    cmocka_unit_test(ordering_is_by_start_then_end),
    cmocka_unit_test(comparable_periods),
    cmocka_unit_test(shifting_by_years),
    cmocka_unit_test(shifting_out_of_range_fails),
    cmocka_unit_test(years_and_ends),
    cmocka_unit_test(iterating_months),
    cmocka_unit_test(validity),
  };
  return cmocka_run_group_tests_name("period", tests, NULL, NULL);
}
