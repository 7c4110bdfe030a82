#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store.h"

/* ---- helpers ------------------------------------------------------------------ */

/* An allocator that counts calls and live blocks, and fails the fail_at-th
** call (counting malloc and realloc; 0 never fails). */
typedef struct counting {
  long calls, fail_at, reallocs, live;
} counting;

static void *counting_malloc(void *ud, size_t size) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  void *p = malloc(size);
  if (p != NULL) c->live++;
  return p;
}

static void *counting_realloc(void *ud, void *ptr, size_t size) {
  counting *c = ud;
  if (++c->calls == c->fail_at) return NULL;
  c->reallocs++;
  return realloc(ptr, size);
}

static void counting_free(void *ud, void *ptr) {
  counting *c = ud;
  if (ptr != NULL) c->live--;
  free(ptr);
}

static ts_alloc counting_alloc(counting *c) {
  return (ts_alloc){counting_malloc, counting_realloc, counting_free, c};
}

/* Deterministic pseudo-random numbers, so failures reproduce. */
static uint32_t next_rand(uint64_t *s) {
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(*s >> 33);
}

static ts_table *new_table(const char *name) {
  ts_err err;
  ts_table *t = ts_table_new(name, NULL, &err);
  assert_non_null(t);
  return t;
}

static const ts_column *add(ts_table *t, const char *name, ts_type type) {
  ts_err err;
  int i = ts_table_add_column(t, name, type, &err);
  assert_true(i >= 0);
  return ts_table_col(t, (size_t)i);
}

static void append_ok(ts_table *t, const ts_value *row, size_t n) {
  ts_err err = {""};
  int rc = ts_table_append(t, row, n, &err);
  if (rc != 0) fail_msg("append: %s", err.msg);
}

static void append_fails(ts_table *t, const ts_value *row, size_t n, const char *msg) {
  ts_err err = {""};
  size_t rows = ts_table_rows(t), strings = ts_dict_count(t);
  assert_int_equal(ts_table_append(t, row, n, &err), -1);
  assert_string_equal(err.msg, msg);
  assert_int_equal(ts_table_rows(t), rows);
  assert_int_equal(ts_dict_count(t), strings);
}

static void assert_str_value(ts_value v, const char *s) {
  assert_int_equal(v.kind, TS_V_STR);
  assert_int_equal(v.u.str.len, strlen(s));
  assert_memory_equal(v.u.str.s, s, strlen(s));
}

/* ---- types and values --------------------------------------------------------- */

static void type_names_and_sizes(void **state) {
  (void)state;
  assert_string_equal(ts_type_name(TS_I16), "int16");
  assert_string_equal(ts_type_name(TS_I32), "int32");
  assert_string_equal(ts_type_name(TS_I64), "int64");
  assert_string_equal(ts_type_name(TS_F64), "double");
  assert_string_equal(ts_type_name(TS_STR), "string");
  assert_int_equal(ts_type_size(TS_I16), 2);
  assert_int_equal(ts_type_size(TS_I32), 4);
  assert_int_equal(ts_type_size(TS_I64), 8);
  assert_int_equal(ts_type_size(TS_F64), 8);
  assert_int_equal(ts_type_size(TS_STR), 4);
}

static void empty_table(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  assert_string_equal(ts_table_name(t), "trade");
  assert_int_equal(ts_table_rows(t), 0);
  assert_int_equal(ts_table_ncols(t), 0);
  assert_null(ts_table_col(t, 0));
  assert_null(ts_table_find(t, "x"));
  assert_int_equal(ts_dict_count(t), 0);
  assert_true(ts_table_memory(t) >= sizeof(void *));
  ts_table_free(t);
  ts_table_free(NULL);
}

static void every_type_stores_and_reads_back(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  const ts_column *y = add(t, "year", TS_I16), *k = add(t, "code", TS_I32),
                  *q = add(t, "qty", TS_I64), *v = add(t, "value", TS_F64),
                  *p = add(t, "partner", TS_STR);
  assert_int_equal(ts_table_ncols(t), 5);
  assert_ptr_equal(ts_table_find(t, "qty"), q);
  assert_ptr_equal(ts_table_col(t, 3), v);
  assert_int_equal(p->type, TS_STR);

  append_ok(t, (ts_value[]){ts_int(2023), ts_int(100590), ts_int(INT64_MAX), ts_num(1.9e9),
                            ts_str("RUS")}, 5);
  append_ok(t, (ts_value[]){ts_int(-32767), ts_int(INT32_MIN + 1), ts_int(INT64_MIN + 1),
                            ts_int(-5), ts_strn("VNM-x", 3)}, 5);
  append_ok(t, (ts_value[]){ts_num(2024.0), ts_num(-7.0), ts_num(1e15), ts_num(-0.25),
                            ts_str("")}, 5);
  assert_int_equal(ts_table_rows(t), 3);

  const int16_t *years = y->data;
  const int32_t *codes = k->data, *ids = p->data;
  const int64_t *qty = q->data;
  const double *val = v->data;
  assert_int_equal(years[0], 2023);
  assert_int_equal(years[1], -32767);
  assert_int_equal(years[2], 2024);
  assert_int_equal(codes[0], 100590);
  assert_int_equal(codes[1], INT32_MIN + 1);
  assert_int_equal(codes[2], -7);
  assert_true(qty[0] == INT64_MAX && qty[1] == INT64_MIN + 1 && qty[2] == 1000000000000000);
  assert_true(val[0] == 1.9e9 && val[1] == -5.0 && val[2] == -0.25);
  assert_int_equal(ids[0], 0);
  assert_int_equal(ids[1], 1);
  assert_int_equal(ids[2], 2);

  ts_value g = ts_table_get(t, y, 0);
  assert_int_equal(g.kind, TS_V_INT);
  assert_int_equal(g.u.i, 2023);
  g = ts_table_get(t, q, 0);
  assert_true(g.kind == TS_V_INT && g.u.i == INT64_MAX);
  g = ts_table_get(t, v, 1);
  assert_true(g.kind == TS_V_NUM && g.u.d == -5.0);
  assert_str_value(ts_table_get(t, p, 0), "RUS");
  assert_str_value(ts_table_get(t, p, 1), "VNM");
  assert_str_value(ts_table_get(t, p, 2), "");
  ts_table_free(t);
}

static void missing_values_for_every_type(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  const ts_column *cols[5] = {add(t, "a", TS_I16), add(t, "b", TS_I32), add(t, "c", TS_I64),
                              add(t, "d", TS_F64), add(t, "e", TS_STR)};
  append_ok(t, (ts_value[]){ts_na(), ts_na(), ts_na(), ts_na(), ts_na()}, 5);
  append_ok(t, (ts_value[]){ts_int(0), ts_int(0), ts_int(0), ts_num(TS_NA_F64), ts_str("x")}, 5);
  assert_int_equal(((const int16_t *)cols[0]->data)[0], TS_NA_I16);
  assert_int_equal(((const int32_t *)cols[1]->data)[0], TS_NA_I32);
  assert_true(((const int64_t *)cols[2]->data)[0] == TS_NA_I64);
  assert_true(isnan(((const double *)cols[3]->data)[0]));
  assert_int_equal(((const int32_t *)cols[4]->data)[0], TS_NA_ID);
  for (int i = 0; i < 5; i++) assert_int_equal(ts_table_get(t, cols[i], 0).kind, TS_V_NA);
  /* A NaN appended as a number is a missing value: NaN is the double's NA. */
  assert_int_equal(ts_table_get(t, cols[3], 1).kind, TS_V_NA);
  assert_int_equal(ts_table_get(t, cols[0], 1).kind, TS_V_INT);
  assert_int_equal(ts_dict_count(t), 1);
  ts_table_free(t);
}

static void sentinels_and_out_of_range_values_are_refused(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  add(t, "year", TS_I16);
  add(t, "code", TS_I32);
  add(t, "qty", TS_I64);
  ts_value row[3] = {ts_int(1), ts_int(1), ts_int(1)};
  row[0] = ts_int(40000);
  append_fails(t, row, 3, "table 'trade': column 'year': 40000 is not int16 "
                          "(an integer in -32767..32767)");
  row[0] = ts_int(-32768);
  append_fails(t, row, 3, "table 'trade': column 'year': -32768 is not int16 "
                          "(an integer in -32767..32767)");
  row[0] = ts_num(2023.5);
  append_fails(t, row, 3, "table 'trade': column 'year': 2023.5 is not int16 "
                          "(an integer in -32767..32767)");
  row[0] = ts_num(1e300);
  append_fails(t, row, 3, "table 'trade': column 'year': 1.0000000000000001e+300 is not int16 "
                          "(an integer in -32767..32767)");
  row[0] = ts_int(1);
  row[1] = ts_int((int64_t)INT32_MIN);
  append_fails(t, row, 3, "table 'trade': column 'code': -2147483648 is not int32 "
                          "(an integer in -2147483647..2147483647)");
  row[1] = ts_int(1);
  row[2] = ts_int(INT64_MIN);
  append_fails(t, row, 3, "table 'trade': column 'qty': -9223372036854775808 is not int64 "
                          "(an integer in -9223372036854775807..9223372036854775807)");
  row[2] = ts_num(-9223372036854775808.0);
  append_fails(t, row, 3, "table 'trade': column 'qty': -9.2233720368547758e+18 is not int64 "
                          "(an integer in -9223372036854775807..9223372036854775807)");
  row[2] = ts_num(9223372036854775808.0);
  append_fails(t, row, 3, "table 'trade': column 'qty': 9.2233720368547758e+18 is not int64 "
                          "(an integer in -9223372036854775807..9223372036854775807)");
  row[2] = ts_num(NAN);
  append_fails(t, row, 3, "table 'trade': column 'qty': nan is not int64 "
                          "(an integer in -9223372036854775807..9223372036854775807)");
  assert_int_equal(ts_table_rows(t), 0);
  ts_table_free(t);
}

static void type_mismatches_and_bad_rows_are_refused(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  add(t, "year", TS_I16);
  add(t, "value", TS_F64);
  add(t, "partner", TS_STR);
  append_fails(t, (ts_value[]){ts_int(1), ts_str("x"), ts_str("RUS")}, 3,
               "table 'trade': column 'value': expected double, got a string");
  append_fails(t, (ts_value[]){ts_int(1), ts_num(1), ts_int(7)}, 3,
               "table 'trade': column 'partner': expected string, got an integer");
  append_fails(t, (ts_value[]){ts_str("2023"), ts_num(1), ts_str("RUS")}, 3,
               "table 'trade': column 'year': expected int16, got a string");
  append_fails(t, (ts_value[]){ts_int(1), ts_int(9007199254740993), ts_str("RUS")}, 3,
               "table 'trade': column 'value': 9007199254740993 has no exact double value");
  append_fails(t, (ts_value[]){ts_int(1), ts_num(2)}, 2,
               "table 'trade': a row of 2 values for 3 columns");
  /* The string interned before the bad value is dropped with the row. */
  append_fails(t, (ts_value[]){ts_int(1), ts_num(2), ts_num(3)}, 3,
               "table 'trade': column 'partner': expected string, got a number");
  append_ok(t, (ts_value[]){ts_int(1), ts_int(9007199254740992), ts_str("RUS")}, 3);
  assert_true(((const double *)ts_table_find(t, "value")->data)[0] == 9007199254740992.0);
  ts_table_free(t);
}

static void column_errors(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  ts_err err;
  add(t, "year", TS_I16);
  assert_int_equal(ts_table_add_column(t, "year", TS_I32, &err), -1);
  assert_string_equal(err.msg, "table 'trade': column 'year' already exists");
  assert_int_equal(ts_table_add_column(t, "", TS_I32, &err), -1);
  assert_string_equal(err.msg, "table 'trade': a column needs a name");
  assert_int_equal(ts_table_add_column(t, "x", (ts_type)42, &err), -1);
  assert_string_equal(err.msg, "table 'trade': column 'x': unknown type 42");
  assert_int_equal(ts_table_add_column(t, "x", TS_STR, NULL), 1);
  assert_int_equal(ts_table_ncols(t), 2);
  ts_table_free(t);
}

static void column_added_later_is_filled_with_missing(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  add(t, "year", TS_I16);
  for (int i = 0; i < 100; i++) append_ok(t, (ts_value[]){ts_int(2000 + i)}, 1);
  const ts_column *v = add(t, "value", TS_F64), *p = add(t, "partner", TS_STR),
                  *c = add(t, "code", TS_I32);
  for (size_t i = 0; i < 100; i++) {
    assert_true(isnan(((const double *)v->data)[i]));
    assert_int_equal(((const int32_t *)p->data)[i], TS_NA_ID);
    assert_int_equal(((const int32_t *)c->data)[i], TS_NA_I32);
  }
  append_ok(t, (ts_value[]){ts_int(1), ts_num(2), ts_str("a"), ts_int(3)}, 4);
  assert_int_equal(ts_table_rows(t), 101);
  ts_table_free(t);
}

/* ---- dictionary ----------------------------------------------------------------- */

static void dictionary_interns_once_and_looks_up_both_ways(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  ts_err err;
  const ts_column *r = add(t, "reporter", TS_STR), *p = add(t, "partner", TS_STR);
  append_ok(t, (ts_value[]){ts_str("VNM"), ts_str("RUS")}, 2);
  append_ok(t, (ts_value[]){ts_str("RUS"), ts_str("VNM")}, 2);
  append_ok(t, (ts_value[]){ts_str("VNM"), ts_str("CHN")}, 2);
  /* One dictionary for the whole table: both columns share ids. */
  const int32_t *ri = r->data, *pi = p->data;
  assert_int_equal(ri[0], 0);
  assert_int_equal(pi[0], 1);
  assert_int_equal(ri[1], 1);
  assert_int_equal(pi[1], 0);
  assert_int_equal(pi[2], 2);
  assert_int_equal(ts_dict_count(t), 3);

  assert_int_equal(ts_dict_find(t, "RUS", 3), 1);
  assert_int_equal(ts_dict_find(t, "CHN", 3), 2);
  assert_int_equal(ts_dict_find(t, "LAO", 3), TS_NA_ID);
  assert_int_equal(ts_dict_find(t, "RU", 2), TS_NA_ID);
  assert_int_equal(ts_dict_count(t), 3);

  size_t len;
  assert_string_equal(ts_dict_str(t, 2, &len), "CHN");
  assert_int_equal(len, 3);
  assert_string_equal(ts_dict_str(t, 0, NULL), "VNM");
  assert_null(ts_dict_str(t, 3, &len));
  assert_null(ts_dict_str(t, -1, &len));
  assert_null(ts_dict_str(t, INT32_MAX, &len));

  assert_int_equal(ts_dict_intern(t, "RUS", 3, &err), 1);
  assert_int_equal(ts_dict_intern(t, "LAO", 3, &err), 3);
  assert_int_equal(ts_dict_count(t), 4);
  ts_table_free(t);
}

static void dictionary_keeps_empty_and_binary_strings(void **state) {
  (void)state;
  ts_table *t = new_table("t");
  ts_err err;
  assert_int_equal(ts_dict_intern(t, "", 0, &err), 0);
  assert_int_equal(ts_dict_intern(t, "a\0b", 3, &err), 1);
  assert_int_equal(ts_dict_intern(t, "a", 1, &err), 2);
  assert_int_equal(ts_dict_intern(t, "a\0c", 3, &err), 3);
  assert_int_equal(ts_dict_find(t, "a\0b", 3), 1);
  assert_int_equal(ts_dict_find(t, "", 0), 0);
  assert_int_equal(ts_dict_find(t, NULL, 0), 0);
  size_t len;
  const char *s = ts_dict_str(t, 3, &len);
  assert_int_equal(len, 3);
  assert_memory_equal(s, "a\0c", 4);
  ts_table_free(t);
}

static void dictionary_survives_many_rehashes(void **state) {
  (void)state;
  ts_table *t = new_table("t");
  ts_err err;
  char buf[32];
  enum { N = 50000 };
  for (int i = 0; i < N; i++) {
    int len = snprintf(buf, sizeof buf, "s%d", i);
    assert_int_equal(ts_dict_intern(t, buf, (size_t)len, &err), i);
  }
  for (int i = N - 1; i >= 0; i--) {
    int len = snprintf(buf, sizeof buf, "s%d", i);
    assert_int_equal(ts_dict_find(t, buf, (size_t)len), i);
    assert_string_equal(ts_dict_str(t, i, NULL), buf);
  }
  assert_int_equal(ts_dict_find(t, "s50000", 6), TS_NA_ID);
  assert_int_equal(ts_dict_count(t), N);
  ts_table_free(t);
}

/* ---- growth and memory ------------------------------------------------------------ */

static void growth_past_many_reallocations(void **state) {
  (void)state;
  counting c = {0};
  ts_alloc a = counting_alloc(&c);
  ts_err err;
  ts_table *t = ts_table_new("big", &a, &err);
  assert_non_null(t);
  const ts_column *k = add(t, "k", TS_I32), *v = add(t, "v", TS_F64), *s = add(t, "s", TS_STR),
                  *y = add(t, "y", TS_I16);
  char buf[16];
  enum { N = 200000 };
  for (int i = 0; i < N; i++) {
    int len = snprintf(buf, sizeof buf, "p%d", i % 997);
    append_ok(t, (ts_value[]){ts_int(i), ts_num(i * 0.5), ts_strn(buf, (size_t)len),
                              ts_int(i % 30000)}, 4);
  }
  assert_true(c.reallocs >= 4 * 14); /* 8 -> 262144 is 15 doublings per column */
  assert_int_equal(ts_table_rows(t), N);
  assert_int_equal(ts_dict_count(t), 997);
  const int32_t *ks = k->data, *ids = s->data;
  const double *vs = v->data;
  const int16_t *ys = y->data;
  for (int i = 0; i < N; i++) {
    assert_int_equal(ks[i], i);
    assert_true(vs[i] == i * 0.5);
    assert_int_equal(ys[i], i % 30000);
    assert_int_equal(ids[i], i % 997);
  }
  size_t mem = ts_table_memory(t);
  assert_true(mem >= (size_t)N * (4 + 8 + 4 + 2));
  assert_true(mem <= (size_t)N * (4 + 8 + 4 + 2) * 3);
  ts_table_free(t);
  assert_int_equal(c.live, 0);
}

static void reserve_avoids_allocation_during_appends(void **state) {
  (void)state;
  counting c = {0};
  ts_alloc a = counting_alloc(&c);
  ts_err err;
  ts_table *t = ts_table_new("t", &a, &err);
  add(t, "k", TS_I32);
  add(t, "v", TS_F64);
  size_t before = ts_table_memory(t);
  assert_int_equal(ts_table_reserve(t, 10000, &err), 0);
  assert_true(ts_table_memory(t) >= before + 10000 * 12);
  long calls = c.calls;
  for (int i = 0; i < 10000; i++) append_ok(t, (ts_value[]){ts_int(i), ts_num(i)}, 2);
  assert_int_equal(c.calls, calls);
  assert_int_equal(ts_table_reserve(t, TS_MAX_ROWS + 1, &err), -1);
  assert_string_equal(err.msg, "table 't': 4294967296 rows is more than a table holds "
                               "(4294967295)");
  ts_table_free(t);
  assert_int_equal(c.live, 0);
}

/* ---- transactions ------------------------------------------------------------------- */

static void rollback_restores_rows_columns_and_dictionary(void **state) {
  (void)state;
  ts_table *t = new_table("trade");
  ts_err err;
  const ts_column *p = add(t, "partner", TS_STR);
  add(t, "v", TS_F64);
  append_ok(t, (ts_value[]){ts_str("RUS"), ts_num(1)}, 2);
  append_ok(t, (ts_value[]){ts_str("CHN"), ts_num(2)}, 2);

  ts_mark m = ts_table_mark(t);
  for (int i = 0; i < 100; i++) {
    char buf[16];
    int len = snprintf(buf, sizeof buf, "X%d", i);
    append_ok(t, (ts_value[]){ts_strn(buf, (size_t)len), ts_num(i)}, 2);
  }
  append_ok(t, (ts_value[]){ts_str("RUS"), ts_num(9)}, 2);
  assert_true(ts_table_add_column(t, "late", TS_I32, &err) >= 0);
  assert_int_equal(ts_table_rows(t), 103);
  assert_int_equal(ts_dict_count(t), 102);

  ts_table_rollback(t, m);
  assert_int_equal(ts_table_rows(t), 2);
  assert_int_equal(ts_table_ncols(t), 2);
  assert_null(ts_table_find(t, "late"));
  assert_int_equal(ts_dict_count(t), 2);
  assert_int_equal(ts_dict_find(t, "RUS", 3), 0);
  assert_int_equal(ts_dict_find(t, "CHN", 3), 1);
  assert_int_equal(ts_dict_find(t, "X0", 2), TS_NA_ID);
  assert_int_equal(ts_dict_find(t, "X99", 3), TS_NA_ID);
  assert_null(ts_dict_str(t, 2, NULL));
  assert_str_value(ts_table_get(t, p, 1), "CHN");

  /* Ids are handed out again from where the mark left them. */
  append_ok(t, (ts_value[]){ts_str("LAO"), ts_num(3)}, 2);
  assert_int_equal(((const int32_t *)p->data)[2], 2);
  assert_int_equal(ts_dict_find(t, "LAO", 3), 2);
  assert_true(ts_table_add_column(t, "late", TS_I32, &err) >= 0);

  /* A mark at the current state rolls back nothing. */
  ts_table_rollback(t, ts_table_mark(t));
  assert_int_equal(ts_table_rows(t), 3);
  assert_int_equal(ts_table_ncols(t), 3);
  ts_table_free(t);
}

/* The load every allocation-failure run repeats: a small trade table. */
static const char *const PARTNERS[] = {"RUS", "CHN", "LAO", "KHM", "USA", "JPN", "KOR",
                                       "IND", "THA", "DEU", "FRA", "GBR", "ITA", "ESP",
                                       "NLD", "BEL", "POL", "TUR", "EGY", "BRA"};

static int load_small(ts_table *t, ts_err *err) {
  if (ts_table_add_column(t, "year", TS_I16, err) < 0 ||
      ts_table_add_column(t, "reporter", TS_STR, err) < 0 ||
      ts_table_add_column(t, "partner", TS_STR, err) < 0 ||
      ts_table_add_column(t, "value", TS_F64, err) < 0 ||
      ts_table_add_column(t, "qty", TS_I64, err) < 0)
    return -1;
  for (int i = 0; i < 60; i++) {
    ts_value row[5] = {ts_int(2000 + i % 24), ts_str(i % 2 ? "VNM" : "RUS"),
                       ts_str(PARTNERS[i % 20]), ts_num(i * 1.5), ts_int(i)};
    ts_mark m = ts_table_mark(t);
    if (ts_table_append(t, row, 5, err) != 0) {
      /* A failed append changes nothing, before any rollback. */
      assert_int_equal(ts_table_rows(t), m.rows);
      assert_int_equal(ts_dict_count(t), m.strings);
      return -1;
    }
  }
  return 0;
}

static void check_small(const ts_table *t) {
  assert_int_equal(ts_table_rows(t), 60);
  assert_int_equal(ts_dict_count(t), 21);
  const double *v = ts_table_find(t, "value")->data;
  const int32_t *p = ts_table_find(t, "partner")->data;
  for (int i = 0; i < 60; i++) {
    assert_true(v[i] == i * 1.5);
    assert_string_equal(ts_dict_str(t, p[i], NULL), PARTNERS[i % 20]);
  }
}

static void allocation_failure_at_every_call(void **state) {
  (void)state;
  long n;
  for (n = 1;; n++) {
    counting c = {.fail_at = n};
    ts_alloc a = counting_alloc(&c);
    ts_err err = {""};
    ts_table *t = ts_table_new("trade", &a, &err);
    if (t == NULL) {
      assert_string_equal(err.msg, "table 'trade': out of memory creating it");
      assert_int_equal(c.live, 0);
      continue;
    }
    ts_mark m = ts_table_mark(t);
    int rc = load_small(t, &err);
    if (c.calls < n) { /* the load needed fewer calls: every one has failed once */
      assert_int_equal(rc, 0);
      check_small(t);
      ts_table_free(t);
      break;
    }
    assert_int_equal(rc, -1);
    if (strstr(err.msg, "out of memory") == NULL) fail_msg("call %ld: '%s'", n, err.msg);
    assert_memory_equal(err.msg, "table 'trade': ", 15);
    /* The failed load rolls back to nothing; the retry (no more failures) loads whole. */
    ts_table_rollback(t, m);
    assert_int_equal(ts_table_rows(t), 0);
    assert_int_equal(ts_table_ncols(t), 0);
    assert_int_equal(ts_dict_count(t), 0);
    assert_int_equal(load_small(t, &err), 0);
    check_small(t);
    ts_table_free(t);
    assert_int_equal(c.live, 0);
  }
  assert_true(n > 20);
}

/* ---- filters and aggregates --------------------------------------------------------- */

enum { ROWS = 20000, NAMES = 40 };

typedef struct fixture {
  ts_table *t;
  const ts_column *year, *partner, *code, *value, *qty;
} fixture;

/* Random data with missing values in every column; the tests recompute each
** answer from the same arrays with plain loops. */
static fixture make_fixture(void) {
  fixture f = {.t = new_table("trade")};
  f.year = add(f.t, "year", TS_I16);
  f.partner = add(f.t, "partner", TS_STR);
  f.code = add(f.t, "code", TS_I32);
  f.value = add(f.t, "value", TS_F64);
  f.qty = add(f.t, "qty", TS_I64);
  uint64_t seed = 42;
  char name[16];
  for (int i = 0; i < ROWS; i++) {
    uint32_t r = next_rand(&seed);
    int len = snprintf(name, sizeof name, "P%02u", r % NAMES);
    ts_value row[5] = {
        r % 50 == 0 ? ts_na() : ts_int(2000 + next_rand(&seed) % 24),
        r % 70 == 1 ? ts_na() : ts_strn(name, (size_t)len),
        ts_int((int32_t)(next_rand(&seed) % 2000000) - 1000000),
        r % 10 == 3 ? ts_na() : ts_num((double)(next_rand(&seed) % 100000) - 20000),
        ts_int(i),
    };
    append_ok(f.t, row, 5);
  }
  return f;
}

static bool in_set(int64_t v, const int32_t *set, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (set[i] == v) return true;
  return false;
}

/* Rows of the column (int16 or int32 data) in the set, by brute force. */
static size_t expected_rows(const ts_column *c, const uint32_t *cand, size_t ncand,
                            const int32_t *set, size_t nset, uint32_t *out) {
  size_t k = 0;
  for (size_t i = 0; i < ncand; i++) {
    uint32_t r = cand != NULL ? cand[i] : (uint32_t)i;
    int64_t v = c->type == TS_I16 ? ((const int16_t *)c->data)[r] : ((const int32_t *)c->data)[r];
    if (in_set(v, set, nset)) out[k++] = r;
  }
  return k;
}

static void assert_sel(const ts_sel *s, const uint32_t *want, size_t n) {
  assert_int_equal(s->n, n);
  if (n > 0) assert_memory_equal(s->rows, want, n * sizeof *want);
}

static void filter_eq_matches_brute_force(void **state) {
  (void)state;
  fixture f = make_fixture();
  ts_err err;
  ts_sel s;
  ts_sel_init(&s, NULL);
  static uint32_t want[ROWS];
  int32_t y = 2011, id = ts_dict_find(f.t, "P07", 3), na = TS_NA_ID, ny = TS_NA_I16;
  assert_true(id >= 0);

  assert_int_equal(ts_filter_eq(f.t, f.year, y, NULL, &s, &err), 0);
  size_t n = expected_rows(f.year, NULL, ROWS, &y, 1, want);
  assert_true(n > ROWS / 40);
  assert_sel(&s, want, n);

  assert_int_equal(ts_filter_eq(f.t, f.partner, id, NULL, &s, &err), 0);
  assert_sel(&s, want, expected_rows(f.partner, NULL, ROWS, &id, 1, want));

  assert_int_equal(ts_filter_eq(f.t, f.partner, na, NULL, &s, &err), 0);
  n = expected_rows(f.partner, NULL, ROWS, &na, 1, want);
  assert_true(n > 0);
  assert_sel(&s, want, n);

  assert_int_equal(ts_filter_eq(f.t, f.year, ny, NULL, &s, &err), 0);
  assert_sel(&s, want, expected_rows(f.year, NULL, ROWS, &ny, 1, want));

  int32_t code = ((const int32_t *)f.code->data)[1234];
  assert_int_equal(ts_filter_eq(f.t, f.code, code, NULL, &s, &err), 0);
  n = expected_rows(f.code, NULL, ROWS, &code, 1, want);
  assert_true(n >= 1);
  assert_sel(&s, want, n);

  /* An int16 column never holds a value outside int16. */
  assert_int_equal(ts_filter_eq(f.t, f.year, 2011 + 65536, NULL, &s, &err), 0);
  assert_int_equal(s.n, 0);
  ts_sel_free(&s);
  ts_table_free(f.t);
}

static void filters_chain_in_place_and_through_a_selection(void **state) {
  (void)state;
  fixture f = make_fixture();
  ts_err err;
  ts_sel a, b;
  ts_sel_init(&a, NULL);
  ts_sel_init(&b, NULL);
  static uint32_t step1[ROWS], want[ROWS];
  int32_t years[] = {2005, 2010, 2015, 2020};
  int32_t ids[] = {ts_dict_find(f.t, "P01", 3), ts_dict_find(f.t, "P02", 3),
                   ts_dict_find(f.t, "P33", 3)};

  assert_int_equal(ts_filter_in(f.t, f.year, years, 4, NULL, &a, &err), 0);
  size_t n1 = expected_rows(f.year, NULL, ROWS, years, 4, step1);
  assert_sel(&a, step1, n1);

  /* Into another selection, then in place: both give year AND partner. */
  size_t n2 = expected_rows(f.partner, step1, n1, ids, 3, want);
  assert_true(n2 > 0 && n2 < n1);
  assert_int_equal(ts_filter_in(f.t, f.partner, ids, 3, &a, &b, &err), 0);
  assert_sel(&b, want, n2);
  assert_int_equal(ts_filter_in(f.t, f.partner, ids, 3, &a, &a, &err), 0);
  assert_sel(&a, want, n2);

  assert_int_equal(ts_filter_eq(f.t, f.year, 2010, &a, &a, &err), 0);
  int32_t y = 2010;
  size_t n3 = expected_rows(f.year, want, n2, &y, 1, step1);
  assert_true(n3 > 0 && n3 < n2);
  assert_sel(&a, step1, n3);

  /* An empty set and an empty input select nothing. */
  assert_int_equal(ts_filter_in(f.t, f.year, years, 0, NULL, &b, &err), 0);
  assert_int_equal(b.n, 0);
  assert_int_equal(ts_filter_eq(f.t, f.year, 2010, &b, &a, &err), 0);
  assert_int_equal(a.n, 0);
  ts_sel_free(&a);
  ts_sel_free(&b);
  ts_table_free(f.t);
}

static void filter_in_with_wide_and_dense_sets(void **state) {
  (void)state;
  fixture f = make_fixture();
  ts_err err;
  ts_sel s;
  ts_sel_init(&s, NULL);
  static uint32_t want[ROWS];
  const int32_t *codes = f.code->data;
  /* Spread over two million values: too wide for a bitmap. */
  int32_t wide[64];
  for (int i = 0; i < 63; i++) wide[i] = codes[i * 300];
  wide[63] = INT32_MAX;
  assert_int_equal(ts_filter_in(f.t, f.code, wide, 64, NULL, &s, &err), 0);
  size_t n = expected_rows(f.code, NULL, ROWS, wide, 64, want);
  assert_true(n >= 63);
  assert_sel(&s, want, n);

  int32_t extremes[] = {INT32_MIN, INT32_MAX, 0};
  assert_int_equal(ts_filter_in(f.t, f.code, extremes, 3, NULL, &s, &err), 0);
  assert_sel(&s, want, expected_rows(f.code, NULL, ROWS, extremes, 3, want));

  /* Every partner but two, with repeats and missing: a dense id set. */
  int32_t dense[NAMES + 2];
  size_t k = 0;
  for (int32_t i = 0; i < NAMES; i++)
    if (i != 3 && i != 17) dense[k++] = i;
  dense[k++] = 5;
  dense[k++] = TS_NA_ID;
  assert_int_equal(ts_filter_in(f.t, f.partner, dense, k, NULL, &s, &err), 0);
  n = expected_rows(f.partner, NULL, ROWS, dense, k, want);
  assert_true(n > ROWS * 8 / 10);
  assert_sel(&s, want, n);

  int32_t years[] = {70000, 2001, -70000};
  assert_int_equal(ts_filter_in(f.t, f.year, years, 3, NULL, &s, &err), 0);
  assert_sel(&s, want, expected_rows(f.year, NULL, ROWS, years, 3, want));
  ts_sel_free(&s);
  ts_table_free(f.t);
}

static void filter_and_stats_refuse_wrong_columns(void **state) {
  (void)state;
  fixture f = make_fixture();
  ts_table *other = new_table("other");
  const ts_column *x = add(other, "x", TS_I32);
  ts_err err;
  ts_sel s;
  ts_stats st;
  ts_sel_init(&s, NULL);
  assert_int_equal(ts_filter_eq(f.t, f.value, 1, NULL, &s, &err), -1);
  assert_string_equal(err.msg, "table 'trade': column 'value': filtering by value needs an "
                               "int16, int32 or string column, not double");
  assert_int_equal(ts_filter_in(f.t, f.qty, (int32_t[]){1}, 1, NULL, &s, &err), -1);
  assert_string_equal(err.msg, "table 'trade': column 'qty': filtering by value needs an "
                               "int16, int32 or string column, not int64");
  assert_int_equal(ts_filter_eq(f.t, x, 1, NULL, &s, &err), -1);
  assert_string_equal(err.msg, "table 'trade': column 'x' belongs to another table");
  assert_int_equal(ts_stats_f64(f.t, f.year, NULL, &st, &err), -1);
  assert_string_equal(err.msg, "table 'trade': column 'year': aggregates need a double "
                               "column, not int16");
  ts_sel_free(&s);
  ts_table_free(other);
  ts_table_free(f.t);
}

static ts_stats expected_stats(const double *v, const uint32_t *rows, size_t n) {
  ts_stats st = {0, 0, 0.0, NAN, NAN};
  for (size_t i = 0; i < n; i++) {
    double x = v[rows != NULL ? rows[i] : i];
    if (x != x) {
      st.missing++;
      continue;
    }
    if (st.count++ == 0) st.min = st.max = x;
    st.sum += x;
    if (x < st.min) st.min = x;
    if (x > st.max) st.max = x;
  }
  return st;
}

static void assert_stats(ts_stats got, ts_stats want) {
  assert_int_equal(got.count, want.count);
  assert_int_equal(got.missing, want.missing);
  /* Integer-valued data below 2^53: every partial sum is exact in any order. */
  assert_true(got.sum == want.sum);
  if (want.count == 0) {
    assert_true(isnan(got.min) && isnan(got.max));
  } else {
    assert_true(got.min == want.min);
    assert_true(got.max == want.max);
  }
}

static void stats_match_brute_force(void **state) {
  (void)state;
  fixture f = make_fixture();
  ts_err err;
  ts_sel s;
  ts_stats st;
  ts_sel_init(&s, NULL);
  const double *v = f.value->data;

  assert_int_equal(ts_stats_f64(f.t, f.value, NULL, &st, &err), 0);
  ts_stats want = expected_stats(v, NULL, ROWS);
  assert_true(want.missing > ROWS / 20 && want.min < 0 && want.max > 0);
  assert_stats(st, want);

  int32_t id = ts_dict_find(f.t, "P12", 3);
  assert_int_equal(ts_filter_eq(f.t, f.partner, id, NULL, &s, &err), 0);
  assert_int_equal(ts_stats_f64(f.t, f.value, &s, &st, &err), 0);
  assert_stats(st, expected_stats(v, s.rows, s.n));
  assert_true(st.count > 0);

  /* A selection of only missing values, and an empty one. */
  s.n = 0;
  for (uint32_t r = 0; r < ROWS && s.n < 10; r++)
    if (isnan(v[r])) s.rows[s.n++] = r;
  assert_int_equal(ts_stats_f64(f.t, f.value, &s, &st, &err), 0);
  assert_stats(st, (ts_stats){0, 10, 0.0, NAN, NAN});
  s.n = 0;
  assert_int_equal(ts_stats_f64(f.t, f.value, &s, &st, &err), 0);
  assert_stats(st, (ts_stats){0, 0, 0.0, NAN, NAN});
  ts_sel_free(&s);
  ts_table_free(f.t);
}

static void selection_allocation_failure_is_an_error(void **state) {
  (void)state;
  fixture f = make_fixture();
  ts_err err;
  ts_sel s;
  for (long n = 1; n <= 2; n++) {
    counting c = {.fail_at = n};
    ts_alloc a = counting_alloc(&c);
    ts_sel_init(&s, &a);
    /* Call 1 sizes the output, call 2 builds the value set. */
    assert_int_equal(ts_filter_in(f.t, f.year, (int32_t[]){2001, 2002}, 2, NULL, &s, &err), -1);
    assert_string_equal(err.msg, n == 1 ? "table 'trade': out of memory building a selection"
                                        : "table 'trade': out of memory building a value set");
    ts_sel_free(&s);
    assert_int_equal(c.live, 0);
  }
  ts_table_free(f.t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(type_names_and_sizes),
    cmocka_unit_test(empty_table),
    cmocka_unit_test(every_type_stores_and_reads_back),
    cmocka_unit_test(missing_values_for_every_type),
    cmocka_unit_test(sentinels_and_out_of_range_values_are_refused),
    cmocka_unit_test(type_mismatches_and_bad_rows_are_refused),
    cmocka_unit_test(column_errors),
    cmocka_unit_test(column_added_later_is_filled_with_missing),
    cmocka_unit_test(dictionary_interns_once_and_looks_up_both_ways),
    cmocka_unit_test(dictionary_keeps_empty_and_binary_strings),
    cmocka_unit_test(dictionary_survives_many_rehashes),
    cmocka_unit_test(growth_past_many_reallocations),
    cmocka_unit_test(reserve_avoids_allocation_during_appends),
    cmocka_unit_test(rollback_restores_rows_columns_and_dictionary),
    cmocka_unit_test(allocation_failure_at_every_call),
    cmocka_unit_test(filter_eq_matches_brute_force),
    cmocka_unit_test(filters_chain_in_place_and_through_a_selection),
    cmocka_unit_test(filter_in_with_wide_and_dense_sets),
    cmocka_unit_test(filter_and_stats_refuse_wrong_columns),
    cmocka_unit_test(stats_match_brute_force),
    cmocka_unit_test(selection_allocation_failure_is_an_error),
  };
  return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
