/*
** fuzz_quantity.c — ts_quantity_parse on any bytes, and what quantity.h
** promises of a quantity it accepts: valid, a canonical form that parses
** back to it, forms that fit TS_QUANTITY_BUFSIZE, arithmetic that returns a
** valid quantity or an error.  Also the unit and qualifier lookups.
*/
#include <string.h>

#include "fuzz.h"
#include "quantity.h"

static void check_result(int rc, const ts_quantity *q, const ts_err *err) {
  if (rc == 0) REQUIRE(ts_quantity_valid(q));
  else REQUIRE(rc == -1 && err->msg[0] != '\0');
}

static void check_arithmetic(const ts_quantity *q) {
  ts_quantity out;
  ts_err err = {""};
  ts_order order;
  ts_truth truth;
  ts_quantity one = ts_quantity_exact(1, TS_UNIT_NONE);
  check_result(ts_quantity_add(q, q, &out, &err), &out, &err);
  check_result(ts_quantity_sub(q, q, &out, &err), &out, &err);
  check_result(ts_quantity_mul(q, &one, &out, &err), &out, &err);
  check_result(ts_quantity_div(q, q, &out, &err), &out, &err);
  check_result(ts_quantity_scale(q, -2.5, &out, &err), &out, &err);
  check_result(ts_quantity_scale(q, 0, &out, &err), &out, &err);
  if (ts_quantity_compare(q, q, &order, &err) == 0)
    REQUIRE(order == TS_EQUAL || order == TS_UNORDERED);
  if (ts_quantity_less(q, q, false, &truth, &err) == 0) REQUIRE(truth != TS_YES);
}

static void check_lookups(const uint8_t *data, size_t size) {
  ts_unit unit;
  int exp10;
  ts_err err;
  if (ts_unit_lookup((const char *)data, size, &unit, &exp10, &err) == 0)
    REQUIRE(unit >= TS_UNIT_NONE && unit < TS_UNIT_COUNT);
  char name[64];
  size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
  memcpy(name, data, n);
  name[n] = '\0';
  ts_qualifier qual;
  if (ts_qualifier_lookup(name, &qual, &err) == 0) REQUIRE(qual <= TS_RANGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ts_quantity q, again;
  ts_err err = {""};
  check_lookups(data, size);
  if (ts_quantity_parse((const char *)data, size, &q, &err) < 0) {
    REQUIRE(err.msg[0] != '\0');
    return 0;
  }
  REQUIRE(ts_quantity_valid(&q));
  char buf[TS_QUANTITY_BUFSIZE];
  size_t n = ts_quantity_canonical(&q, buf, sizeof buf);
  REQUIRE(n < sizeof buf && strlen(buf) == n);
  if (ts_quantity_parse(buf, n, &again, &err) != 0) {
    fprintf(stderr, "canonical form '%s' does not parse: %s\n", buf, err.msg);
    abort();
  }
  REQUIRE(ts_quantity_equal(&q, &again));
  n = ts_quantity_human(&q, buf, sizeof buf);
  REQUIRE(n < sizeof buf && strlen(buf) == n);
  check_arithmetic(&q);
  return 0;
}
