#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"

static void formats_and_returns_minus_one(void **state) {
  (void)state;
  ts_err e;
  assert_int_equal(ts_errf(&e, "%s:%d:%d: %s", "a.csv", 3, 7, "bad"), -1);
  assert_string_equal(e.msg, "a.csv:3:7: bad");
}

static void null_err_is_allowed(void **state) {
  (void)state;
  assert_int_equal(ts_errf(NULL, "x %d", 1), -1);
  assert_int_equal(ts_errprefix(NULL, "y"), -1);
}

static void prefix_keeps_message(void **state) {
  (void)state;
  ts_err e;
  ts_errf(&e, "column 'period': '2023-13' is not a period");
  ts_errprefix(&e, "%s:%d", "data/trade.csv", 14);
  assert_string_equal(e.msg, "data/trade.csv:14: column 'period': '2023-13' is not a period");
}

static void long_messages_are_truncated_not_overflowed(void **state) {
  (void)state;
  ts_err e;
  char big[2000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ts_errf(&e, "%s", big);
  assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
  ts_errprefix(&e, "p");
  assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
  assert_memory_equal(e.msg, "p: x", 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(formats_and_returns_minus_one),
    cmocka_unit_test(null_err_is_allowed),
    cmocka_unit_test(prefix_keeps_message),
    cmocka_unit_test(long_messages_are_truncated_not_overflowed),
  };
  return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
