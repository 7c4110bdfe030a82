#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bulk.h"

/* A two-column dataset: code (string) and n (int16), built by hand. */
static ts_bulk *make(const char *const *codes, const int16_t *n, size_t rows) {
  ts_err err;
  ts_bulk *b = ts_bulk_new("test", NULL, &err);
  assert_non_null(b);
  assert_int_equal(ts_bulk_add_column(b, "code", TS_STR, rows, &err), 0);
  assert_int_equal(ts_bulk_add_column(b, "n", TS_I16, rows, &err), 1);
  for (size_t r = 0; r < rows; r++) {
    int32_t id = codes[r] ? ts_dict_intern(b->dict, codes[r], strlen(codes[r]), &err) : TS_NA_ID;
    ((int32_t *)b->cols[0].data)[r] = id;
    ((int16_t *)b->cols[1].data)[r] = n[r];
  }
  b->rows = rows;
  assert_int_equal(ts_bulk_finish(b, &err), 0);
  return b;
}

static const char *code_at(const ts_bulk *b, size_t r) {
  return ts_dict_str(b->dict, ((const int32_t *)b->cols[0].data)[r], NULL);
}

static void columns_ranges_and_sizes(void **state) {
  (void)state;
  const char *codes[] = {"b", "a", NULL, "b"};
  int16_t n[] = {7, TS_NA_I16, -3, 12};
  ts_bulk *b = make(codes, n, 4);
  assert_int_equal(ts_bulk_find(b, "n"), 1);
  assert_int_equal(ts_bulk_find(b, "x"), -1);
  assert_int_equal(b->cols[1].lo, -3); /* the missing value is not a value */
  assert_int_equal(b->cols[1].hi, 12);
  assert_int_equal(b->cols[0].lo, 0);
  assert_int_equal(b->cols[0].hi, 1);
  assert_int_equal(ts_bulk_row_bytes(b), 6);
  assert_true(ts_bulk_memory(b) >= 4 * 6);
  ts_err err;
  assert_int_equal(ts_bulk_need(b, 0, &err), 0); /* in memory: nothing to check */
  assert_int_equal(ts_bulk_add_column(b, "n", TS_F64, 4, &err), -1);
  assert_string_equal(err.msg, "column 'n' already exists");
  assert_int_equal(ts_bulk_add_column(b, "a_name_far_too_long_for_it", TS_F64, 4, &err), -1);
  assert_string_equal(err.msg, "column name 'a_name_far_too_long_for_it' is empty or longer than 23 bytes");
  assert_int_equal(ts_bulk_add_column(b, "big", TS_I64, 4, &err), -1);
  assert_string_equal(err.msg, "column 'big': int64 columns are not supported");
  ts_bulk_free(b);
}

static void append_recodes_strings(void **state) {
  (void)state;
  const char *c1[] = {"x", "y"}, *c2[] = {"z", "x", "z"};
  int16_t n1[] = {1, 2}, n2[] = {3, 4, 5};
  ts_bulk *a = make(c1, n1, 2), *b = make(c2, n2, 3);
  ts_err err;
  assert_int_equal(ts_bulk_append(a, b, &err), 0);
  assert_int_equal(a->rows, 5);
  const char *want[] = {"x", "y", "z", "x", "z"};
  for (size_t r = 0; r < 5; r++) {
    assert_string_equal(code_at(a, r), want[r]);
    assert_int_equal(((int16_t *)a->cols[1].data)[r], (int16_t)(r + 1));
  }
  assert_int_equal(ts_dict_count(a->dict), 3);
  assert_int_equal(a->cols[1].hi, 5);
  ts_bulk_free(a);
  ts_bulk_free(b);
}

static void append_refuses_other_columns_and_changes_nothing(void **state) {
  (void)state;
  const char *c1[] = {"x"};
  int16_t n1[] = {1};
  ts_bulk *a = make(c1, n1, 1);
  ts_err err;
  ts_bulk *other = ts_bulk_new("test", NULL, &err);
  snprintf(other->source, sizeof other->source, "other.csv");
  assert_int_equal(ts_bulk_add_column(other, "code", TS_STR, 1, &err), 0);
  assert_int_equal(ts_bulk_add_column(other, "m", TS_I16, 1, &err), 1);
  assert_int_equal(ts_bulk_append(a, other, &err), -1);
  assert_string_equal(err.msg, "other.csv: column 2 is 'm', expected 'n'");
  assert_int_equal(a->rows, 1);
  ts_bulk_free(other);
  ts_bulk_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(columns_ranges_and_sizes),
    cmocka_unit_test(append_recodes_strings),
    cmocka_unit_test(append_refuses_other_columns_and_changes_nothing),
  };
  return cmocka_run_group_tests_name("bulk", tests, NULL, NULL);
}
