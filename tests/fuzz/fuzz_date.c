/*
** fuzz_date.c — ts_date_parse on any bytes, and what date.h promises of a
** date it accepts: valid, printed in the form it was read from, anniversaries
** and durations that agree.
*/
#include <string.h>

#include "date.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ts_date d, again;
  ts_err err = {""};
  if (ts_date_parse((const char *)data, size, &d, &err) < 0) {
    REQUIRE(err.msg[0] != '\0');
    return 0;
  }
  REQUIRE(ts_date_valid(d));
  char buf[TS_DATE_BUFSIZE];
  size_t n = ts_date_format(d, buf, sizeof buf);
  REQUIRE(n < sizeof buf && n == size && memcmp(buf, data, n) == 0);
  REQUIRE(ts_date_parse(buf, n, &again, &err) == 0 && ts_date_cmp(d, again) == 0);
  REQUIRE(ts_period_valid(ts_date_period(d)));
  for (int years = 0; years <= 4; years++) {
    ts_date later;
    if (ts_date_add_years(d, years, &later, &err) < 0) break;
    REQUIRE(ts_date_valid(later) && ts_date_precision_of(later) == ts_date_precision_of(d));
    REQUIRE(ts_date_years_between(d, later) == years);
    REQUIRE(ts_date_years_between(later, d) == -years);
  }
  return 0;
}
