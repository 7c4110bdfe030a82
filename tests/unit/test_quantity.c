#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "quantity.h"

static ts_quantity parse(const char *s) {
  ts_quantity q;
  ts_err e;
  if (ts_quantity_parse(s, strlen(s), &q, &e) < 0) fail_msg("%s", e.msg);
  return q;
}

static const char *canonical(const ts_quantity *q, char buf[TS_QUANTITY_BUFSIZE]) {
  ts_quantity_canonical(q, buf, TS_QUANTITY_BUFSIZE);
  return buf;
}

static const char *human(const ts_quantity *q, char buf[TS_QUANTITY_BUFSIZE]) {
  ts_quantity_human(q, buf, TS_QUANTITY_BUFSIZE);
  return buf;
}

/* Parses `s` and checks both printed forms. */
static void assert_forms(const char *s, const char *want_canonical, const char *want_human) {
  char buf[TS_QUANTITY_BUFSIZE];
  ts_quantity q = parse(s);
  assert_string_equal(canonical(&q, buf), want_canonical);
  assert_string_equal(human(&q, buf), want_human);
}

static void assert_parse_error(const char *s, const char *msg) {
  ts_quantity q = ts_quantity_exact(7, TS_UNIT_KM);
  ts_err e;
  assert_int_equal(ts_quantity_parse(s, strlen(s), &q, &e), -1);
  assert_string_equal(e.msg, msg);
  assert_true(q.low == 7); /* untouched on failure */
}

static void assert_round_trip(const ts_quantity *q) {
  char buf[TS_QUANTITY_BUFSIZE];
  ts_quantity back;
  ts_err e;
  size_t n = ts_quantity_canonical(q, buf, sizeof buf);
  assert_true(n < sizeof buf);
  if (ts_quantity_parse(buf, n, &back, &e) < 0) fail_msg("%s: %s", buf, e.msg);
  if (!ts_quantity_equal(q, &back)) fail_msg("%s does not read back (%.17g..%.17g)", buf, back.low, back.high);
}

/* ---- parsing and printing ------------------------------------------------- */

static void article_forms(void **state) {
  (void)state;
  assert_forms("1.9 billion USD", "1900000000 USD", "1.9 bn USD");
  assert_forms("US$8.44 billion", "8440000000 USD", "8.44 bn USD");
  assert_forms("$4.4 billion", "4400000000 USD", "4.4 bn USD");
  assert_forms("150-160 million USD", "150000000-160000000 USD", "150\xE2\x80\x93" "160 M USD");
  assert_forms("150\xE2\x80\x93" "160 million USD", "150000000-160000000 USD",
               "150\xE2\x80\x93" "160 M USD");
  assert_forms("150 \xE2\x80\x93 160 million USD", "150000000-160000000 USD",
               "150\xE2\x80\x93" "160 M USD");
  assert_forms("20,000 TEUs", "20000 TEU", "20,000 TEU");
  assert_forms("more than 20,000 TEUs", ">20000 TEU", "> 20,000 TEU");
  assert_forms("> 20000 TEU", ">20000 TEU", "> 20,000 TEU");
  assert_forms("~1.9e9 USD", "~1900000000 USD", "~1.9 bn USD");
  assert_forms("about 732 million USD", "~732000000 USD", "~732 M USD");
  assert_forms("204,000 persons", "204000 persons", "204,000 persons");
  assert_forms("1900000000 USD", "1900000000 USD", "1.9 bn USD");
  assert_forms("315 million USD", "315000000 USD", "315 M USD");
  assert_forms("1,000 scholarships", "1000 scholarships", "1,000 scholarships");
  assert_forms("30 enterprises", "30 enterprises", "30 enterprises");
}

static void multipliers(void **state) {
  (void)state;
  assert_forms("5 thousand USD", "5000 USD", "5,000 USD");
  assert_forms("20k TEU", "20000 TEU", "20,000 TEU");
  assert_forms("20 k TEU", "20000 TEU", "20,000 TEU");
  assert_forms("31.5 million USD", "31500000 USD", "31.5 M USD");
  assert_forms("31.5M USD", "31500000 USD", "31.5 M USD");
  assert_forms("1.9bn USD", "1900000000 USD", "1.9 bn USD");
  assert_forms("2 trillion USD", "2000000000000 USD", "2,000 bn USD");
  assert_forms("3 mn USD", "3000000 USD", "3 M USD");
  assert_forms("1.5 million-2 billion USD", "1500000-2000000000 USD",
               "0.0015\xE2\x80\x93" "2 bn USD");
  assert_forms("10 to 12 million flights", "10000000-12000000 flights",
               "10\xE2\x80\x93" "12 M flights");
}

static void plain_numbers_and_percentages(void **state) {
  (void)state;
  assert_forms("42", "42", "42");
  assert_forms("-0.157", "-0.157", "-0.157");
  assert_forms("-15.7%", "-0.157", "-0.157");
  assert_forms("about 20%", "~0.2", "~0.2");
  assert_forms("28.5 percent", "0.285", "0.285");
  assert_forms("10-15%", "0.1-0.15", "0.1\xE2\x80\x93" "0.15");
  assert_forms("2 million", "2000000", "2 M");
  assert_forms("\xE2\x88\x92" "5 USD", "-5 USD", "-5 USD");
  assert_forms("+5", "5", "5");
  assert_forms("0", "0", "0");
  assert_forms("1e-7", "0.0000001", "0.0000001");
  assert_forms("  12 km  ", "12 km", "12 km");
}

static void qualifier_words(void **state) {
  (void)state;
  static const struct { const char *in, *out; } cases[] = {
    {"about 5 km", "~5 km"}, {"approximately 5 km", "~5 km"}, {"approx. 5 km", "~5 km"},
    {"around 5 km", "~5 km"}, {"~5 km", "~5 km"}, {"~ 5 km", "~5 km"},
    {"more than 5 km", ">5 km"}, {"More  than 5 km", ">5 km"}, {"over 5 km", ">5 km"},
    {"above 5 km", ">5 km"}, {"exceeded 5 km", ">5 km"}, {"topped $5 billion", ">5000000000 USD"},
    {">5 km", ">5 km"}, {"less than 5 km", "<5 km"}, {"under 5 km", "<5 km"},
    {"below 5 km", "<5 km"}, {"< 5 km", "<5 km"}, {"> -5", ">-5"},
    {"about 150-160 million USD", "150000000-160000000 USD"},
  };
  char buf[TS_QUANTITY_BUFSIZE];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ts_quantity q = parse(cases[i].in);
    assert_string_equal(canonical(&q, buf), cases[i].out);
  }
}

static void unit_aliases(void **state) {
  (void)state;
  static const struct { const char *in, *out; } cases[] = {
    {"5 person", "5 persons"}, {"5 people", "5 persons"}, {"5 visitors", "5 persons"},
    {"5 citizens", "5 persons"}, {"5 tourists", "5 persons"}, {"5 t", "5 tonnes"},
    {"5 tonnes", "5 tonnes"}, {"5 T", "5 tonnes"}, {"5 teu", "5 TEU"}, {"5 usd", "5 USD"},
    {"5 US dollars", "5 USD"}, {"5 flight", "5 flights"}, {"5 kilometres", "5 km"},
    {"5 scholarship", "5 scholarships"}, {"5 companies", "5 enterprises"},
    {"5 kg", "0.005 tonnes"}, {"1.5 million kg", "1500 tonnes"}, {"20km", "20 km"},
    {"USD 5", "5 USD"},
  };
  char buf[TS_QUANTITY_BUFSIZE];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ts_quantity q = parse(cases[i].in);
    assert_string_equal(canonical(&q, buf), cases[i].out);
  }
  ts_unit u;
  int exp10;
  ts_err e;
  assert_int_equal(ts_unit_lookup("People", 6, &u, &exp10, &e), 0);
  assert_int_equal(u, TS_UNIT_PERSONS);
  assert_int_equal(exp10, 0);
  assert_int_equal(ts_unit_lookup("kg", 2, &u, &exp10, &e), 0);
  assert_int_equal(u, TS_UNIT_TONNES);
  assert_int_equal(exp10, -3);
  assert_int_equal(ts_unit_lookup("percent", 7, &u, &exp10, &e), -1);
  assert_string_equal(e.msg, "unknown unit 'percent'");
  assert_int_equal(ts_unit_lookup("", 0, &u, &exp10, &e), -1);
  assert_string_equal(e.msg, "unknown unit ''");
  assert_string_equal(ts_unit_name(TS_UNIT_PERSONS), "persons");
  assert_string_equal(ts_unit_name(TS_UNIT_NONE), "");
  assert_true(ts_unit_to_base(5, -3) == 0.005);
  assert_true(ts_unit_to_base(8.44, 9) == 8.44 * 1e9);
}

static void malformed_inputs(void **state) {
  (void)state;
  assert_parse_error("", "'' is not a quantity: empty");
  assert_parse_error("   ", "'   ' is not a quantity: empty");
  assert_parse_error("USD", "'USD' is not a quantity: expected a number at 'USD'");
  assert_parse_error("about", "'about' is not a quantity: expected a number at 'about'");
  assert_parse_error("more than", "'more than' is not a quantity: expected a number at 'more than'");
  assert_parse_error("US$", "'US$' is not a quantity: expected a number at the end");
  assert_parse_error("more than ", "'more than ' is not a quantity: expected a number at 'more than'");
  assert_parse_error("abc 5", "'abc 5' is not a quantity: expected a number at 'abc 5'");
  assert_parse_error(".5 USD", "'.5 USD' is not a quantity: expected a number at '.5 USD'");
  assert_parse_error("1.9 billion EUR", "'1.9 billion EUR' is not a quantity: unknown unit 'EUR'");
  assert_parse_error("20 percent USD",
                     "'20 percent USD' is not a quantity: a percentage has no unit ('USD')");
  assert_parse_error("5% USD", "'5% USD' is not a quantity: a percentage has no unit ('USD')");
  assert_parse_error("$5 USD",
                     "'$5 USD' is not a quantity: the unit is given twice ('$' and 'USD')");
  assert_parse_error("1,9 billion USD",
                     "'1,9 billion USD' is not a quantity: '1,9' does not group thousands by three");
  assert_parse_error("20,00 TEU", "'20,00 TEU' is not a quantity: '20,00' does not group thousands "
                                  "by three");
  assert_parse_error("1234,567 TEU", "'1234,567 TEU' is not a quantity: '1234,567' does not group "
                                     "thousands by three");
  assert_parse_error("1,2345 TEU", "'1,2345 TEU' is not a quantity: '1,2345' does not group "
                                   "thousands by three");
  assert_parse_error("more than 150-160 million USD",
                     "'more than 150-160 million USD' is not a quantity: a range cannot be 'more "
                     "than' or 'less than' a value");
  assert_parse_error("160-150 million USD",
                     "'160-150 million USD' is not a quantity: the range runs backwards: its low "
                     "end is not below its high end");
  assert_parse_error("150-150", "'150-150' is not a quantity: the range runs backwards: its low "
                                "end is not below its high end");
  assert_parse_error("150- USD", "'150- USD' is not a quantity: expected a number at 'USD'");
  assert_parse_error("1e400 USD", "'1e400 USD' is not a quantity: '1e400' is out of range");
  assert_parse_error("1e300 billion", "'1e300 billion' is not a quantity: '1e300' is out of range");
  assert_parse_error("5. USD", "'5. USD' is not a quantity: unknown unit '. USD'");
  assert_parse_error("5 USD today", "'5 USD today' is not a quantity: unknown unit 'USD today'");
  assert_parse_error("5 m", "'5 m' is not a quantity: unknown unit 'm'");
  assert_parse_error("5 Mt", "'5 Mt' is not a quantity: unknown unit 'Mt'");
  assert_parse_error("about5", "'about5' is not a quantity: expected a number at 'about5'");
}

static void long_inputs_are_quoted_short(void **state) {
  (void)state;
  char big[500];
  memset(big, '1', sizeof big);
  big[sizeof big - 1] = '\0';
  ts_err e;
  ts_quantity q;
  assert_int_equal(ts_quantity_parse(big, strlen(big), &q, &e), -1);
  assert_string_equal(e.msg, "'111111111111111111111111111111111111111111111111111111111111...' "
                             "is not a quantity: the number is too long");
  memset(big, 'x', sizeof big - 1);
  memcpy(big, "5 ", 2);
  assert_int_equal(ts_quantity_parse(big, strlen(big), &q, &e), -1);
  assert_non_null(strstr(e.msg, "unknown unit 'xxxx"));
  assert_true(strlen(e.msg) < 200);
}

static void canonical_round_trips(void **state) {
  (void)state;
  static const char *const forms[] = {
    "1900000000 USD", ">20000 TEU", "150000000-160000000 USD", "~1900000000 USD", "<5 km",
    "-0.157", "0.1-0.2", "-20--10 USD", "-10-10 USD", ">-5", "0.005 tonnes", "0",
    "123456789012345680000 USD", "0.000000000001 persons",
  };
  char buf[TS_QUANTITY_BUFSIZE];
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    ts_quantity q = parse(forms[i]);
    assert_string_equal(canonical(&q, buf), forms[i]);
    assert_round_trip(&q);
  }
}

/* A fixed-seed stream of awkward doubles: every one must read back exactly. */
static void canonical_round_trips_any_double(void **state) {
  (void)state;
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double v;
    memcpy(&v, &x, sizeof v);
    if (!isfinite(v)) continue;
    ts_quantity q = ts_quantity_exact(v, (ts_unit)(i % TS_UNIT_COUNT));
    assert_round_trip(&q);
  }
  ts_quantity q;
  assert_int_equal(ts_quantity_make(TS_RANGE, -DBL_MAX, DBL_MAX, TS_UNIT_SCHOLARSHIPS, &q, NULL), 0);
  assert_round_trip(&q);
  assert_int_equal(ts_quantity_make(TS_RANGE, -DBL_TRUE_MIN, DBL_TRUE_MIN, TS_UNIT_ENTERPRISES, &q,
                                    NULL), 0);
  assert_round_trip(&q);
  assert_int_equal(ts_quantity_make(TS_APPROX, 0.1 + 0.2, 0, TS_UNIT_USD, &q, NULL), 0);
  assert_round_trip(&q);
}

static void buffer_size_is_enough(void **state) {
  (void)state;
  ts_quantity q;
  assert_int_equal(ts_quantity_make(TS_RANGE, -DBL_MAX, DBL_MAX, TS_UNIT_SCHOLARSHIPS, &q, NULL), 0);
  assert_true(ts_quantity_canonical(&q, NULL, 0) < TS_QUANTITY_BUFSIZE);
  assert_true(ts_quantity_human(&q, NULL, 0) < TS_QUANTITY_BUFSIZE);
  assert_int_equal(ts_quantity_make(TS_RANGE, -DBL_TRUE_MIN, -DBL_TRUE_MIN / 2 + DBL_TRUE_MIN,
                                    TS_UNIT_ENTERPRISES, &q, NULL), 0);
  assert_true(ts_quantity_canonical(&q, NULL, 0) < TS_QUANTITY_BUFSIZE);
  char small[8];
  q = parse("1.9 billion USD");
  assert_int_equal(ts_quantity_canonical(&q, small, sizeof small), 14);
  assert_string_equal(small, "1900000");
  assert_int_equal(ts_quantity_human(&q, small, sizeof small), 10);
  assert_string_equal(small, "1.9 bn ");
}

static void human_forms_read_back(void **state) {
  (void)state;
  static const char *const forms[] = {
    "1.9 bn USD", "150\xE2\x80\x93" "160 M USD", "> 20,000 TEU", "~732 M USD", "204,000 persons",
    "< 5 km", "-0.157", "8.44 bn USD", "0.0015\xE2\x80\x93" "2 bn USD",
  };
  char buf[TS_QUANTITY_BUFSIZE];
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    ts_quantity q = parse(forms[i]);
    assert_string_equal(human(&q, buf), forms[i]);
  }
}

static void human_rounding(void **state) {
  (void)state;
  char buf[TS_QUANTITY_BUFSIZE];
  ts_quantity q = ts_quantity_exact(1234567890, TS_UNIT_USD);
  assert_string_equal(human(&q, buf), "1.235 bn USD");
  q = ts_quantity_exact(12.345, TS_UNIT_NONE);
  assert_string_equal(human(&q, buf), "12.35");
  q = ts_quantity_exact(0.157342, TS_UNIT_NONE);
  assert_string_equal(human(&q, buf), "0.1573");
  q = ts_quantity_exact(-0.0001, TS_UNIT_NONE);
  assert_string_equal(human(&q, buf), "-0.0001");
  q = ts_quantity_exact(-1e-30, TS_UNIT_NONE);
  assert_string_equal(human(&q, buf), "0");
  q = ts_quantity_exact(999999.999, TS_UNIT_NONE);
  assert_string_equal(human(&q, buf), "1,000,000");
  q = ts_quantity_exact(-2.5e9, TS_UNIT_USD);
  assert_string_equal(human(&q, buf), "-2.5 bn USD");
  q = ts_quantity_exact(1.5e25, TS_UNIT_USD);
  assert_string_equal(human(&q, buf), "15,000,000,000,000,000 bn USD");
  q = ts_quantity_exact(1234567890123456.7, TS_UNIT_NONE);
  assert_string_equal(human(&q, buf), "1,234,567.89 bn");
}

/* ---- construction ---------------------------------------------------------- */

static void making_and_checking(void **state) {
  (void)state;
  ts_quantity q;
  ts_err e;
  assert_int_equal(ts_quantity_make(TS_MORE_THAN, 20000, 0, TS_UNIT_TEU, &q, &e), 0);
  assert_true(q.low == 20000 && q.high == INFINITY);
  assert_true(ts_quantity_valid(&q));
  assert_true(ts_quantity_value(&q) == 20000);
  assert_int_equal(ts_quantity_make(TS_LESS_THAN, 5, 0, TS_UNIT_KM, &q, &e), 0);
  assert_true(q.low == -INFINITY && q.high == 5);
  assert_true(ts_quantity_value(&q) == 5);
  assert_int_equal(ts_quantity_make(TS_RANGE, 150e6, 160e6, TS_UNIT_USD, &q, &e), 0);
  assert_true(ts_quantity_value(&q) == 155e6);
  assert_int_equal(ts_quantity_make(TS_RANGE, 160e6, 150e6, TS_UNIT_USD, &q, &e), -1);
  assert_string_equal(e.msg, "a range needs its low end below its high end");
  assert_int_equal(ts_quantity_make(TS_EXACT, NAN, 0, TS_UNIT_USD, &q, &e), -1);
  assert_string_equal(e.msg, "a quantity needs finite values");
  assert_int_equal(ts_quantity_make(TS_RANGE, 1, INFINITY, TS_UNIT_USD, &q, &e), -1);
  assert_int_equal(ts_quantity_make((ts_qualifier)9, 1, 1, TS_UNIT_USD, &q, &e), -1);
  assert_string_equal(e.msg, "qualifier 9 does not exist");
  assert_int_equal(ts_quantity_make(TS_EXACT, 1, 1, TS_UNIT_COUNT, &q, &e), -1);
  ts_quantity bad = {5, 4, TS_UNIT_USD, TS_RANGE};
  assert_false(ts_quantity_valid(&bad));
  bad = (ts_quantity){5, 6, TS_UNIT_USD, TS_EXACT};
  assert_false(ts_quantity_valid(&bad));
  bad = (ts_quantity){5, 5, 99, TS_EXACT};
  assert_false(ts_quantity_valid(&bad));
}

static void qualifier_names(void **state) {
  (void)state;
  ts_qualifier q;
  ts_err e;
  assert_int_equal(ts_qualifier_lookup("more_than", &q, &e), 0);
  assert_int_equal(q, TS_MORE_THAN);
  assert_string_equal(ts_qualifier_name(TS_APPROX), "approx");
  assert_string_equal(ts_qualifier_name(TS_RANGE), "range");
  assert_int_equal(ts_qualifier_lookup("roughly", &q, &e), -1);
  assert_string_equal(e.msg,
                      "unknown qualifier 'roughly' (exact, approx, more_than, less_than, range)");
}

/* ---- arithmetic ---------------------------------------------------------- */

typedef int (*binop)(const ts_quantity *, const ts_quantity *, ts_quantity *, ts_err *);

static void assert_op(binop f, const char *a, const char *b, const char *want) {
  ts_quantity qa = parse(a), qb = parse(b), r;
  ts_err e;
  char buf[TS_QUANTITY_BUFSIZE];
  if (f(&qa, &qb, &r, &e) < 0) fail_msg("%s", e.msg);
  assert_true(ts_quantity_valid(&r));
  assert_string_equal(canonical(&r, buf), want);
}

static void assert_op_error(binop f, const char *a, const char *b, const char *msg) {
  ts_quantity qa = parse(a), qb = parse(b), r = ts_quantity_exact(7, TS_UNIT_NONE);
  ts_err e;
  assert_int_equal(f(&qa, &qb, &r, &e), -1);
  assert_string_equal(e.msg, msg);
  assert_true(r.low == 7);
}

static void adding(void **state) {
  (void)state;
  assert_op(ts_quantity_add, "1.9 billion USD", "100 million USD", "2000000000 USD");
  assert_op(ts_quantity_add, "150-160 million USD", "10-20 million USD", "160000000-180000000 USD");
  assert_op(ts_quantity_add, "150-160 million USD", "5 million USD", "155000000-165000000 USD");
  assert_op(ts_quantity_add, "more than 20,000 TEU", "500 TEU", ">20500 TEU");
  assert_op(ts_quantity_add, "more than 20,000 TEU", "more than 500 TEU", ">20500 TEU");
  assert_op(ts_quantity_add, "more than 20,000 TEU", "100-200 TEU", ">20100 TEU");
  assert_op(ts_quantity_add, "less than 5 km", "2 km", "<7 km");
  assert_op(ts_quantity_add, "about 732 million USD", "8 million USD", "~740000000 USD");
  assert_op(ts_quantity_add, "about 732 million USD", "10-20 million USD", "742000000-752000000 USD");
  assert_op(ts_quantity_add, "0.1", "0.2", "0.30000000000000004");
}

static void subtracting(void **state) {
  (void)state;
  /* [a,b] - [c,d] = [a-d, b-c] */
  assert_op(ts_quantity_sub, "150-160 million USD", "10-20 million USD", "130000000-150000000 USD");
  assert_op(ts_quantity_sub, "150-160 million USD", "150-160 million USD", "-10000000-10000000 USD");
  assert_op(ts_quantity_sub, "5 USD", "7 USD", "-2 USD");
  assert_op(ts_quantity_sub, "more than 20,000 TEU", "500 TEU", ">19500 TEU");
  assert_op(ts_quantity_sub, "500 TEU", "more than 20,000 TEU", "<-19500 TEU");
  assert_op(ts_quantity_sub, "more than 10 km", "less than 3 km", ">7 km");
  assert_op(ts_quantity_sub, "less than 3 km", "more than 10 km", "<-7 km");
}

static void unbounded_results_are_errors(void **state) {
  (void)state;
  assert_op_error(ts_quantity_add, "more than 20,000 TEU", "less than 5,000 TEU",
                  "cannot add > 20,000 TEU and < 5,000 TEU: the result is bounded neither above "
                  "nor below");
  assert_op_error(ts_quantity_sub, "more than 20,000 TEU", "more than 5,000 TEU",
                  "cannot subtract > 5,000 TEU from > 20,000 TEU: the result is bounded neither "
                  "above nor below");
  assert_op_error(ts_quantity_mul, "more than 5 km", "-1-1",
                  "cannot multiply > 5 km by -1\xE2\x80\x93" "1: the result is bounded neither "
                  "above nor below");
}

static void mixing_units_is_refused(void **state) {
  (void)state;
  assert_op_error(ts_quantity_add, "1.9 billion USD", "20,000 TEU",
                  "cannot add 1.9 bn USD and 20,000 TEU: units USD and TEU differ");
  assert_op_error(ts_quantity_sub, "1.9 billion USD", "5",
                  "cannot subtract 5 from 1.9 bn USD: units no unit and USD differ");
  assert_op_error(ts_quantity_div, "5 USD", "5 km",
                  "cannot divide 5 USD by 5 km: units USD and km differ");
  assert_op_error(ts_quantity_div, "5", "5 km", "cannot divide 5 by 5 km: units no unit and km differ");
  assert_op_error(ts_quantity_mul, "5 USD", "5 km",
                  "cannot multiply 5 USD by 5 km: one side must have no unit, not USD and km");
}

static void assert_scale(const char *a, double f, const char *want) {
  ts_quantity q = parse(a), r;
  ts_err e;
  char buf[TS_QUANTITY_BUFSIZE];
  if (ts_quantity_scale(&q, f, &r, &e) < 0) fail_msg("%s", e.msg);
  assert_true(ts_quantity_valid(&r));
  assert_string_equal(canonical(&r, buf), want);
}

static void scaling(void **state) {
  (void)state;
  assert_scale("1.9 billion USD", 2, "3800000000 USD");
  assert_scale("150-160 million USD", 2, "300000000-320000000 USD");
  assert_scale("150-160 million USD", -1, "-160000000--150000000 USD");
  assert_scale("150-160", -0.5, "-80--75");
  assert_scale("more than 20,000 TEU", -1, "<-20000 TEU");
  assert_scale("less than 5 km", -2, ">-10 km");
  assert_scale("more than 20,000 TEU", 0.5, ">10000 TEU");
  assert_scale("about 732 million USD", 2, "~1464000000 USD");
  assert_scale("more than 20,000 TEU", 0, "0 TEU");
  assert_scale("150-160 million USD", 0, "0 USD");
  ts_quantity q = parse("5 USD"), r;
  ts_err e;
  assert_int_equal(ts_quantity_scale(&q, INFINITY, &r, &e), -1);
  assert_string_equal(e.msg, "cannot scale 5 USD by inf: the factor is not finite");
  q = parse("1e308 USD");
  assert_int_equal(ts_quantity_scale(&q, 10, &r, &e), -1);
  assert_string_equal(e.msg, "cannot multiply 100,000,000,000,000,000,000,000,000,000,000,000,000,"
                             "000,000,... by 10: the result is too large");
  q = parse("more than 1e308 USD");
  assert_int_equal(ts_quantity_scale(&q, 10, &r, &e), -1);
  assert_non_null(strstr(e.msg, ": the result is too large"));
}

static void multiplying_by_plain_quantities(void **state) {
  (void)state;
  assert_op(ts_quantity_mul, "100 USD", "1.1-1.2", "110.00000000000001-120 USD");
  assert_op(ts_quantity_mul, "0.9-1.1", "100-200 TEU", "90-220.00000000000003 TEU");
  assert_op(ts_quantity_mul, "more than 5 km", "2-3", ">10 km");
  assert_op(ts_quantity_mul, "2", "3", "6");
}

static void dividing(void **state) {
  (void)state;
  /* Growth of a range is a range; the ratio has no unit. */
  assert_op(ts_quantity_div, "150-160 million USD", "125 million USD", "1.2-1.28");
  assert_op(ts_quantity_div, "1.9 billion USD", "2 billion USD", "0.95");
  assert_op(ts_quantity_div, "about 1.9 billion USD", "2 billion USD", "~0.95");
  assert_op(ts_quantity_div, "150-160 USD", "2", "75-80 USD");
  assert_op(ts_quantity_div, "150-160 USD", "-2", "-80--75 USD");
  assert_op(ts_quantity_div, "more than 20,000 TEU", "2 TEU", ">10000");
  assert_op(ts_quantity_div, "100 USD", "more than 50 USD", "0-2");
  assert_op(ts_quantity_div, "100 USD", "less than -50 USD", "-2-0");
  assert_op(ts_quantity_div, "1", "4-5", "0.2-0.25");
  assert_op_error(ts_quantity_div, "5 USD", "0 USD", "cannot divide 5 USD by 0 USD: the divisor may be zero");
  assert_op_error(ts_quantity_div, "5 USD", "-1-1 USD",
                  "cannot divide 5 USD by -1\xE2\x80\x93" "1 USD: the divisor may be zero");
  assert_op_error(ts_quantity_div, "5 USD", "more than -1 USD",
                  "cannot divide 5 USD by > -1 USD: the divisor may be zero");
  assert_op_error(ts_quantity_div, "1e300 USD", "1e-300",
                  "cannot divide 1,000,000,000,000,000,100,000,000,000,000,000,000,000,000,00... by "
                  "0: the result is too large");
}

static void comparing(void **state) {
  (void)state;
  static const struct { const char *a, *b; ts_order want; } cases[] = {
    {"150-160 million USD", "155 million USD", TS_UNORDERED},
    {"150-160 million USD", "161 million USD", TS_LESS},
    {"150-160 million USD", "149 million USD", TS_GREATER},
    {"150-160 million USD", "160 million USD", TS_UNORDERED},
    {"150-160 million USD", "150-160 million USD", TS_UNORDERED},
    {"150-160 million USD", "160-170 million USD", TS_UNORDERED},
    {"150-160 million USD", "170-180 million USD", TS_LESS},
    {"5 USD", "5 USD", TS_EQUAL},
    {"about 5 USD", "5 USD", TS_EQUAL},
    {"5 USD", "6 USD", TS_LESS},
    {"more than 20,000 TEU", "20,000 TEU", TS_GREATER},
    {"more than 20,000 TEU", "19,000 TEU", TS_GREATER},
    {"more than 20,000 TEU", "25,000 TEU", TS_UNORDERED},
    {"more than 20,000 TEU", "more than 25,000 TEU", TS_UNORDERED},
    {"less than 5 km", "5 km", TS_LESS},
    {"less than 5 km", "more than 5 km", TS_LESS},
    {"less than 5 km", "less than 5 km", TS_UNORDERED},
    {"1-2", "more than 2", TS_LESS},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ts_quantity a = parse(cases[i].a), b = parse(cases[i].b);
    ts_order o, back;
    assert_int_equal(ts_quantity_compare(&a, &b, &o, NULL), 0);
    if (o != cases[i].want) fail_msg("%s vs %s: %d, want %d", cases[i].a, cases[i].b, o, cases[i].want);
    assert_int_equal(ts_quantity_compare(&b, &a, &back, NULL), 0);
    assert_int_equal(back, o == TS_LESS ? TS_GREATER : o == TS_GREATER ? TS_LESS : o);
  }
  ts_quantity a = parse("5 USD"), b = parse("5 km");
  ts_order o;
  ts_err e;
  assert_int_equal(ts_quantity_compare(&a, &b, &o, &e), -1);
  assert_string_equal(e.msg, "cannot compare 5 USD with 5 km: units USD and km differ");
}

static void assert_less(const char *a, const char *b, bool or_equal, ts_truth want) {
  ts_quantity qa = parse(a), qb = parse(b);
  ts_truth t;
  assert_int_equal(ts_quantity_less(&qa, &qb, or_equal, &t, NULL), 0);
  if (t != want) fail_msg("%s %s %s: %d, want %d", a, or_equal ? "<=" : "<", b, t, want);
}

static void less_and_less_or_equal(void **state) {
  (void)state;
  assert_less("150-160", "160-170", false, TS_MAYBE);
  assert_less("150-160", "160-170", true, TS_YES);
  assert_less("160-170", "150-160", true, TS_MAYBE);
  assert_less("160-170", "150-160", false, TS_NO);
  assert_less("5", "5", false, TS_NO);
  assert_less("5", "5", true, TS_YES);
  assert_less("less than 5", "5", false, TS_YES);
  assert_less("5", "less than 5", true, TS_NO);
  assert_less("more than 5", "5", true, TS_NO);
  assert_less("150-160", "155", false, TS_MAYBE);
  assert_less("150-160", "155", true, TS_MAYBE);
  assert_less("150-160", "170", false, TS_YES);
  assert_less("150-160", "140", true, TS_NO);
  ts_quantity a = parse("5 USD"), b = parse("5");
  ts_truth t;
  ts_err e;
  assert_int_equal(ts_quantity_less(&a, &b, false, &t, &e), -1);
  assert_string_equal(e.msg, "cannot compare 5 USD with 5: units USD and no unit differ");
}

static void structural_equality(void **state) {
  (void)state;
  ts_quantity a = parse("150-160 million USD"), b = parse("150\xE2\x80\x93" "160 M USD");
  assert_true(ts_quantity_equal(&a, &b));
  a = parse("about 5 USD");
  b = parse("5 USD");
  assert_false(ts_quantity_equal(&a, &b));
  a = parse("5 USD");
  b = parse("5");
  assert_false(ts_quantity_equal(&a, &b));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(article_forms),
    cmocka_unit_test(multipliers),
    cmocka_unit_test(plain_numbers_and_percentages),
    cmocka_unit_test(qualifier_words),
    cmocka_unit_test(unit_aliases),
    cmocka_unit_test(malformed_inputs),
    cmocka_unit_test(long_inputs_are_quoted_short),
    cmocka_unit_test(canonical_round_trips),
    cmocka_unit_test(canonical_round_trips_any_double),
    cmocka_unit_test(buffer_size_is_enough),
    cmocka_unit_test(human_forms_read_back),
    cmocka_unit_test(human_rounding),
    cmocka_unit_test(making_and_checking),
    cmocka_unit_test(qualifier_names),
    cmocka_unit_test(adding),
    cmocka_unit_test(subtracting),
    cmocka_unit_test(unbounded_results_are_errors),
    cmocka_unit_test(mixing_units_is_refused),
    cmocka_unit_test(scaling),
    cmocka_unit_test(multiplying_by_plain_quantities),
    cmocka_unit_test(dividing),
    cmocka_unit_test(comparing),
    cmocka_unit_test(less_and_less_or_equal),
    cmocka_unit_test(structural_equality),
  };
  return cmocka_run_group_tests_name("quantity", tests, NULL, NULL);
}
