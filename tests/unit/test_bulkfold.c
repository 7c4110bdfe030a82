/* Group-bys fed a block at a time, checked against plain loops over the
** rows the test made itself (the `rows` array), never against the code
** under test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bulkfold.h"

enum { N = 200000, KEYS = 300 };

typedef struct row {
  int16_t ex, im;
  const char *code;
  double q; /* NaN when missing */
} row;

static row rows[N];
static const char *const CODES[] = {"010121", "010129", "030111", "847130", "9999AA", "270900"};

static int setup(void **state) {
  (void)state;
  uint64_t s = 3;
  for (size_t r = 0; r < N; r++) {
    s = s * 6364136223846793005u + 1442695040888963407u;
    rows[r].ex = (int16_t)((s >> 33) % KEYS);
    rows[r].im = (int16_t)((s >> 45) % KEYS);
    rows[r].code = CODES[(s >> 20) % 6];
    /* every fourth exporter has only zeros and missing values: a mean of 0 */
    rows[r].q = (s >> 10) % 7 == 0 ? NAN : rows[r].ex % 4 == 0 ? 0 : (double)((s >> 24) % 100000) / 8;
  }
  return 0;
}

/* Rows [from, from + n) as a dataset, as an importer would hand them over. */
static ts_bulk *block_of(size_t from, size_t n) {
  ts_err err;
  ts_bulk *b = ts_bulk_new("baci", NULL, &err);
  assert_non_null(b);
  assert_int_equal(ts_bulk_add_column(b, "exporter", TS_I16, n, &err), 0);
  assert_int_equal(ts_bulk_add_column(b, "importer", TS_I16, n, &err), 1);
  assert_int_equal(ts_bulk_add_column(b, "product", TS_STR, n, &err), 2);
  assert_int_equal(ts_bulk_add_column(b, "quantity", TS_F64, n, &err), 3);
  for (size_t i = 0; i < n; i++) {
    const row *x = &rows[from + i];
    ((int16_t *)b->cols[0].data)[i] = x->ex;
    ((int16_t *)b->cols[1].data)[i] = x->im;
    ((int32_t *)b->cols[2].data)[i] = ts_dict_intern(b->dict, x->code, strlen(x->code), &err);
    ((double *)b->cols[3].data)[i] = x->q;
  }
  b->rows = n;
  assert_int_equal(ts_bulk_finish(b, &err), 0);
  return b;
}

/* The fold of every row, added `block` rows at a time. */
static ts_bulk *fold_all(const char *const *keys, size_t nk, const char *val, unsigned aggs,
                         size_t rows_n, size_t block) {
  ts_err err;
  ts_bfold *f = ts_bfold_new(keys, nk, val, aggs, NULL, &err);
  if (f == NULL) fail_msg("%s", err.msg);
  for (size_t at = 0; at < rows_n; at += block) {
    ts_bulk *b = block_of(at, rows_n - at < block ? rows_n - at : block);
    if (ts_bfold_add(f, b, &err) != 0) fail_msg("%s", err.msg);
    ts_bulk_free(b);
  }
  ts_bulk *g = ts_bfold_result(f, "test", &err);
  ts_bfold_free(f);
  if (g == NULL) fail_msg("%s", err.msg);
  return g;
}

static void near(double got, double want, const char *what, size_t r) {
  if (isnan(want) && isnan(got)) return;
  if (!(fabs(got - want) <= 1e-9 * fmax(1.0, fabs(want))))
    fail_msg("%s, group %zu: got %.17g, want %.17g", what, r, got, want);
}

static double col(const ts_bulk *g, int c, size_t r) { return ((const double *)g->cols[c].data)[r]; }

static void every_aggregate_by_exporter_in_any_blocks(void **state) {
  (void)state;
  static double sum[KEYS], count[KEYS], n[KEYS], lo[KEYS], hi[KEYS];
  for (int k = 0; k < KEYS; k++) sum[k] = count[k] = n[k] = 0, lo[k] = INFINITY, hi[k] = -INFINITY;
  const size_t rows_n = 20000;
  for (size_t r = 0; r < rows_n; r++) {
    const row *x = &rows[r];
    count[x->ex]++;
    if (isnan(x->q)) continue;
    sum[x->ex] += x->q, n[x->ex]++;
    lo[x->ex] = fmin(lo[x->ex], x->q), hi[x->ex] = fmax(hi[x->ex], x->q);
  }
  const char *key = "exporter";
  unsigned all = TS_AGG_SUM | TS_AGG_COUNT | TS_AGG_MEAN | TS_AGG_MIN | TS_AGG_MAX | TS_AGG_PRESENT;
  const size_t blocks[] = {1, 7, 1000, rows_n};
  for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
    ts_bulk *g = fold_all(&key, 1, "quantity", all, rows_n, blocks[b]);
    const char *names[] = {"exporter", "quantity", "count", "quantity_mean", "quantity_min",
                           "quantity_max", "quantity_n"};
    assert_int_equal(g->ncols, 7);
    for (int c = 0; c < 7; c++) assert_string_equal(g->cols[c].name, names[c]);
    assert_int_equal(g->measure, 1);
    assert_string_equal(g->kind, "result");
    assert_int_equal(g->rows, KEYS);
    for (size_t r = 0; r < g->rows; r++) {
      int k = ((const int16_t *)g->cols[0].data)[r];
      assert_int_equal(k, (int)r); /* every key, in order */
      near(col(g, 1, r), sum[k], "sum", r);
      near(col(g, 2, r), count[k], "count", r);
      near(col(g, 3, r), n[k] > 0 ? sum[k] / n[k] : NAN, "mean", r);
      near(col(g, 4, r), n[k] > 0 ? lo[k] : NAN, "min", r);
      near(col(g, 5, r), n[k] > 0 ? hi[k] : NAN, "max", r);
      near(col(g, 6, r), n[k], "present", r);
    }
    ts_bulk_free(g);
  }
}

/* Many groups: the partial groups outgrow the merged ones again and again. */
static void pairs_merge_as_they_pile_up(void **state) {
  (void)state;
  static double sum[KEYS][KEYS];
  static bool seen[KEYS][KEYS];
  memset(sum, 0, sizeof sum);
  memset(seen, 0, sizeof seen);
  size_t pairs = 0;
  for (size_t r = 0; r < N; r++) {
    pairs += !seen[rows[r].ex][rows[r].im];
    seen[rows[r].ex][rows[r].im] = true;
    if (!isnan(rows[r].q)) sum[rows[r].ex][rows[r].im] += rows[r].q;
  }
  const char *keys[] = {"exporter", "importer"};
  ts_bulk *g = fold_all(keys, 2, "quantity", TS_AGG_SUM, N, 5000);
  assert_int_equal(g->ncols, 3);
  int prev = -1;
  for (size_t r = 0; r < g->rows; r++) {
    int ex = ((const int16_t *)g->cols[0].data)[r], im = ((const int16_t *)g->cols[1].data)[r];
    assert_true(ex * KEYS + im > prev); /* sorted, each pair once */
    prev = ex * KEYS + im;
    near(col(g, 2, r), sum[ex][im], "pair sum", r);
  }
  assert_int_equal(g->rows, pairs);
  ts_bulk_free(g);
}

static void chapters_and_counts(void **state) {
  (void)state;
  double by_chapter[100] = {0};
  for (size_t r = 0; r < N; r++) by_chapter[atoi((char[3]){rows[r].code[0], rows[r].code[1], 0})]++;
  const char *key = "chapter";
  ts_bulk *g = fold_all(&key, 1, NULL, TS_AGG_COUNT, N, 3333);
  assert_int_equal(g->ncols, 2);
  assert_string_equal(g->cols[0].name, "chapter");
  assert_string_equal(g->cols[1].name, "count");
  const char *want[] = {"01", "03", "27", "84", "99"};
  assert_int_equal(g->rows, 5);
  for (size_t r = 0; r < g->rows; r++) {
    const char *ch = ts_dict_str(g->dict, ((const int32_t *)g->cols[0].data)[r], NULL);
    assert_string_equal(ch, want[r]);
    near(col(g, 1, r), by_chapter[atoi(ch)], "count", r);
  }
  ts_bulk_free(g);
}

static void bad_folds_are_refused(void **state) {
  (void)state;
  ts_err err;
  const char *nine[9] = {"a", "b", "c", "d", "e", "f", "g", "h", "i"}, *bad = "partner";
  assert_null(ts_bfold_new(nine, 9, "quantity", TS_AGG_SUM, NULL, &err));
  assert_string_equal(err.msg, "group by 1 to 8 keys, not 9");
  assert_null(ts_bfold_new(nine, 1, "quantity", 0, NULL, &err));
  assert_string_equal(err.msg, "no aggregate asked for");
  assert_null(ts_bfold_new(nine, 1, NULL, TS_AGG_SUM, NULL, &err));
  assert_string_equal(err.msg, "no value column to aggregate");
  ts_bfold *f = ts_bfold_new(&bad, 1, "quantity", TS_AGG_SUM, NULL, &err);
  assert_non_null(f);
  assert_null(ts_bfold_result(f, "x.csv", &err));
  assert_string_equal(err.msg, "x.csv: no rows were read to group");
  ts_bulk *b = block_of(0, 10);
  assert_int_equal(ts_bfold_add(f, b, &err), -1);
  assert_string_equal(err.msg, "no column 'partner'");
  ts_bfold_free(f);
  const char *ex = "exporter";
  f = ts_bfold_new(&ex, 1, "value", TS_AGG_SUM, NULL, &err);
  assert_int_equal(ts_bfold_add(f, b, &err), -1);
  assert_string_equal(err.msg, "no column 'value'");
  ts_bfold_free(f);
  ts_bulk_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_aggregate_by_exporter_in_any_blocks),
    cmocka_unit_test(pairs_merge_as_they_pile_up),
    cmocka_unit_test(chapters_and_counts),
    cmocka_unit_test(bad_folds_are_refused),
  };
  return cmocka_run_group_tests_name("bulkfold", tests, setup, NULL);
}
