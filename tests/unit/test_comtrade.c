#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "comtrade.h"

static const char HEAD[] =
  "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,"
  "flowCode,partnerCode,partnerISO,partner2Code,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,"
  "motCode,qty,netWgt,cifvalue,fobvalue,primaryValue,isAggregate\n";

typedef struct parsed {
  ts_bulk *detail, *apart;
} parsed;

static parsed parse_ok(const char *body) {
  char text[8192];
  snprintf(text, sizeof text, "%s%s", HEAD, body);
  parsed p;
  ts_err err;
  if (ts_comtrade_parse("c.csv", text, strlen(text), NULL, &p.detail, &p.apart, &err) != 0)
    fail_msg("%s", err.msg);
  return p;
}

static const char *parse_error(const char *head, const char *body) {
  static char text[8192];
  static ts_err err;
  snprintf(text, sizeof text, "%s%s", head, body);
  ts_bulk *d = NULL, *a = NULL;
  if (ts_comtrade_parse("c.csv", text, strlen(text), NULL, &d, &a, &err) == 0) {
    ts_bulk_free(d);
    ts_bulk_free(a);
    fail_msg("expected an error for %s", body);
  }
  assert_null(d);
  assert_null(a);
  return err.msg;
}

static void free_parsed(parsed p) {
  ts_bulk_free(p.detail);
  ts_bulk_free(p.apart);
}

static int col(const ts_bulk *b, const char *name) {
  int c = ts_bulk_find(b, name);
  if (c < 0) fail_msg("no column %s", name);
  return c;
}

static int32_t key(const ts_bulk *b, const char *name, size_t r) {
  return ts_bulk_key(&b->cols[col(b, name)], r);
}

static double num(const ts_bulk *b, const char *name, size_t r) {
  return ((const double *)b->cols[col(b, name)].data)[r];
}

static const char *str(const ts_bulk *b, const char *name, size_t r) {
  return ts_dict_str(b->dict, key(b, name, r), NULL);
}

static void fields_are_read_by_header_name(void **state) {
  (void)state;
  parsed p = parse_ok("C,M,20230101,2023,1,202301,704,VNM,\"Viet Nam, S.R.\",X,643,RUS,0,010121,"
                      "\"Horses; live\",6,1,C00,0,12,3.5,,99.5,100.25,0\n"
                      "C,A,20220101,2022,52,2022,704,VNM,Viet Nam,RM,156,CHN,0,847130,Computers,6,"
                      "1,C00,0,,,,,7,False\n");
  ts_bulk *d = p.detail;
  assert_string_equal(d->kind, "comtrade");
  assert_int_equal(d->rows, 2);
  assert_int_equal(key(d, "period", 0), 202301);
  assert_int_equal(key(d, "year", 0), 2023);
  assert_string_equal(str(d, "freq", 0), "M");
  assert_int_equal(key(d, "reporter", 0), 704);
  assert_string_equal(str(d, "flow", 0), "X");
  assert_int_equal(key(d, "partner", 0), 643);
  assert_string_equal(str(d, "product", 0), "010121");
  assert_int_equal(key(d, "aggrlevel", 0), 6);
  assert_string_equal(str(d, "customs", 0), "C00");
  assert_true(num(d, "value", 0) == 100.25);
  assert_true(num(d, "qty", 0) == 12);
  assert_true(num(d, "netweight", 0) == 3.5);
  assert_true(isnan(num(d, "cif", 0)));
  assert_true(num(d, "fob", 0) == 99.5);
  assert_int_equal(key(d, "period", 1), 2022);
  assert_string_equal(str(d, "flow", 1), "RM");
  assert_true(isnan(num(d, "qty", 1)));
  assert_string_equal(str(d, "reporter_iso", 0), "VNM");
  assert_string_equal(str(d, "partner_iso", 1), "CHN");
  assert_string_equal(d->cols[d->measure].name, "value");
  assert_int_equal(p.apart->rows, 0);
  free_parsed(p);
}

/* Every reason a row is kept apart, and the sum of what is left. */
static void aggregates_are_kept_apart(void **state) {
  (void)state;
  parsed p = parse_ok(
    "C,A,,,,2023,704,,,X,643,,0,01,,2,0,C00,0,,,,,100,0\n"     /* isLeaf 0: aggregate */
    "C,A,,,,2023,704,,,X,643,,0,0101,,4,1,C00,0,,,,,60,0\n"    /* parent of 010121 */
    "C,A,,,,2023,704,,,X,643,,0,010121,,6,1,C00,0,,,,,40,0\n"  /* detail */
    "C,A,,,,2023,704,,,X,643,,0,010129,,6,1,C00,0,,,,,20,0\n"  /* detail */
    "C,A,,,,2023,704,,,X,0,,0,010121,,6,1,C00,0,,,,,400,0\n"   /* World */
    "C,A,,,,2023,704,,,X,643,,0,TOTAL,,0,0,C00,0,,,,,900,0\n"  /* TOTAL (and not a leaf) */
    "C,A,,,,2023,704,,,M,643,,0,TOTAL,,0,,C00,0,,,,,800,0\n"   /* TOTAL */
    "C,A,,,,2023,704,,,X,643,,0,030111,,6,1,C00,0,,,,,5,1\n"   /* isAggregate */
    "C,A,,,,2023,704,,,X,643,,156,030111,,6,1,C00,0,,,,,2,0\n" /* partner2 breakdown */
    "C,A,,,,2023,704,,,X,643,,0,030111,,6,1,C00,2100,,,,,3,0\n"/* mode of transport */
    "C,A,,,,2023,704,,,X,643,,0,030111,,6,1,C01,0,,,,,4,0\n"   /* customs procedure */
    "C,A,,,,2023,704,,,X,643,,0,030112,,6,1,C00,0,,,,,9,0\n"); /* detail */
  ts_bulk *d = p.detail, *a = p.apart;
  assert_int_equal(d->rows, 3);
  double sum = 0;
  for (size_t r = 0; r < d->rows; r++) sum += num(d, "value", r);
  assert_true(sum == 40 + 20 + 9);
  assert_int_equal(a->rows, 9);
  const char *want[][2] = {{"01", "aggregate"}, {"0101", "parent"}, {"010121", "world"},
                           {"TOTAL", "aggregate"}, {"TOTAL", "total"}, {"030111", "aggregate"},
                           {"030111", "breakdown"}, {"030111", "breakdown"}, {"030111", "breakdown"}};
  for (size_t r = 0; r < a->rows; r++) {
    assert_string_equal(str(a, "product", r), want[r][0]);
    assert_string_equal(str(a, "why", r), want[r][1]);
  }
  free_parsed(p);
}

static void malformed_fields_name_line_and_column(void **state) {
  (void)state;
  const char *head = "freqCode,period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue,isAggregate\n";
  struct {
    const char *body, *msg;
  } cases[] = {
    {"Q,2023,704,X,643,01,1,0\n", "c.csv:2:1: column 'freqCode': 'Q' is not a frequency (A or M)"},
    {"A,202301,704,X,643,01,1,0\n", "c.csv:2:3: column 'period': '202301' is not a year (YYYY)"},
    {"M,202313,704,X,643,01,1,0\n", "c.csv:2:3: column 'period': '202313' is not a month (YYYYMM)"},
    {"A,2023,70x,X,643,01,1,0\n",
     "c.csv:2:8: column 'reporterCode': '70x' is not a code (an integer 0..32767)"},
    {"A,2023,704,x,643,01,1,0\n",
     "c.csv:2:12: column 'flowCode': 'x' is not a flow code (1 to 4 capital letters)"},
    {"A,2023,704,X,99999,01,1,0\n",
     "c.csv:2:14: column 'partnerCode': '99999' is not a code (an integer 0..32767)"},
    {"A,2023,704,X,643,,1,0\n", "c.csv:2:18: column 'cmdCode': '' is not a code (1 to 15 letters or digits)"},
    {"A,2023,704,X,643,01,,0\n", "c.csv:2:21: column 'primaryValue': '' is not a number"},
    {"A,2023,704,X,643,01,1e,0\n", "c.csv:2:21: column 'primaryValue': '1e' is not a number"},
    {"A,2023,704,X,643,01,1,maybe\n",
     "c.csv:2:23: column 'isAggregate': 'maybe' is not 0, 1, true or false"},
    {"A,2023,704,X,643,01,1\n", "c.csv:2:22: expected 8 fields, found 7"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *got = parse_error(head, cases[i].body);
    if (strstr(got, cases[i].msg) != got && strcmp(got, cases[i].msg) != 0)
      fail_msg("case %zu:\n  got  %s\n  want %s", i, got, cases[i].msg);
  }
  /* ISO codes: their characters, and one for each country code */
  const char *iso_head = "freqCode,period,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,"
                         "cmdCode,primaryValue\n";
  assert_string_equal(parse_error(iso_head, "A,2023,704,V-NM,X,643,RUS,01,1\n"),
                      "c.csv:2:12: column 'reporterISO': 'V-NM' is not an ISO code (1 to 8 letters, "
                      "digits or _)");
  assert_string_equal(parse_error(iso_head, "A,2023,704,VNM,X,643,RUS,01,1\n"
                                            "A,2023,704,VNM,X,0,W00,01,1\n"
                                            "A,2023,704,VNM,X,643,RUX,01,1\n"),
                      "c.csv:4:22: column 'partnerISO': 'RUX' is not 'RUS', given for partnerCode "
                      "643 on line 2");
  assert_string_equal(parse_error(iso_head, "A,2023,704,VNM,X,643,RUS,01,1\n"
                                            "A,2023,704,VNX,X,643,RUS,01,1\n"),
                      "c.csv:3:12: column 'reporterISO': 'VNX' is not 'VNM', given for reporterCode "
                      "704 on line 2");
  assert_string_equal(parse_error("freqCode,period\n", "A,2023\n"),
                      "c.csv:1:1: column 'reporterCode' is missing (not a UN Comtrade final-data CSV?)");
  assert_string_equal(parse_error("", ""), "c.csv: the file is empty (expected a Comtrade header)");
  ts_bulk *d, *a;
  ts_err err;
  assert_int_equal(ts_comtrade_import("/nonexistent.csv", NULL, &d, &a, &err), -1);
  assert_true(strncmp(err.msg, "/nonexistent.csv: ", 18) == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(fields_are_read_by_header_name),
    cmocka_unit_test(aggregates_are_kept_apart),
    cmocka_unit_test(malformed_fields_name_line_and_column),
  };
  return cmocka_run_group_tests_name("comtrade", tests, NULL, NULL);
}
