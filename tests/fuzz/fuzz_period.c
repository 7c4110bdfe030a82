/*
** fuzz_period.c — ts_period_parse on any bytes, and what period.h promises
** of a period it accepts: valid, printed in a form that parses back to it,
** and arithmetic that stays inside 1000..9999 or fails with a message.
*/
#include <string.h>

#include "fuzz.h"
#include "period.h"

static void check_arithmetic(ts_period p) {
  ts_err err;
  int months = ts_period_months(p);
  REQUIRE(months >= 1 && months == p.last - p.first + 1);
  REQUIRE(ts_period_contains(p, p) && ts_period_overlaps(p, p) && !ts_period_comparable(p, p));
  REQUIRE(ts_period_cmp(p, p) == 0);
  REQUIRE(ts_period_contains(p, ts_period_start(p)) && ts_period_contains(p, ts_period_end(p)));
  REQUIRE(ts_period_start_year(p) <= ts_period_end_year(p));
  for (int i = 0; i < months && i < 400; i++)
    REQUIRE(ts_period_contains(p, ts_period_month_at(p, i)));
  for (int years = -3; years <= 3; years++) {
    ts_period moved, back;
    if (ts_period_shift(p, years, &moved, &err) < 0) {
      REQUIRE(err.msg[0] != '\0');
      continue;
    }
    REQUIRE(ts_period_valid(moved) && ts_period_months(moved) == months);
    REQUIRE(ts_period_shift(moved, -years, &back, &err) == 0 && ts_period_equal(back, p));
  }
  ts_period prev;
  if (ts_period_previous_year(p, &prev, &err) == 0) REQUIRE(ts_period_cmp(prev, p) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ts_period p, again;
  ts_err err = {""};
  if (ts_period_parse((const char *)data, size, &p, &err) < 0) {
    REQUIRE(err.msg[0] == '\'' && strstr(err.msg, "' is not a period: ") != NULL);
    return 0;
  }
  REQUIRE(ts_period_valid(p));
  char buf[TS_PERIOD_BUFSIZE];
  size_t n = ts_period_format(p, buf, sizeof buf);
  REQUIRE(n < sizeof buf && strlen(buf) == n);
  REQUIRE(ts_period_parse(buf, n, &again, &err) == 0 && ts_period_equal(p, again));
  check_arithmetic(p);
  return 0;
}
