/* Query results checked against plain loops over the rows the test wrote
** itself (the `rows` array), never against the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <unistd.h>

#include "baci.h"
#include "bulkquery.h"
#include "snapshot.h"

enum { N = 6000 };

typedef struct row {
  int year, ex, im;
  char code[8];
  double v, q; /* q NaN when missing */
} row;

static row rows[N];
static ts_bulk *data; /* the same rows, imported */

static const int COUNTRIES[] = {4, 156, 643, 704, 842, 251, 699, 418, 116, 757};
static const char *const CODES[] = {"010121", "010129", "020110", "030111", "030112",
                                    "847130", "847150", "9999AA", "270900", "010290"};

static uint64_t seed = 7;
static uint32_t rnd(uint32_t n) {
  seed = seed * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(seed >> 33) % n;
}

static int setup(void **state) {
  (void)state;
  size_t cap = N * 64 + 16, used = 0;
  char *text = malloc(cap);
  if (text == NULL) return -1;
  used += (size_t)snprintf(text, cap, "t,i,j,k,v,q\n");
  for (int r = 0; r < N; r++) {
    row *x = &rows[r];
    x->year = 2021 + (int)rnd(2);
    x->ex = COUNTRIES[rnd(10)];
    x->im = COUNTRIES[rnd(10)];
    snprintf(x->code, sizeof x->code, "%s", CODES[rnd(10)]);
    x->v = (double)rnd(10000000) / 1000.0;
    x->q = rnd(10) == 0 ? NAN : (double)rnd(100000) / 100.0;
    used += (size_t)snprintf(text + used, cap - used, "%d,%d,%d,%s,%.3f,", x->year, x->ex, x->im,
                             x->code, x->v);
    if (isnan(x->q)) used += (size_t)snprintf(text + used, cap - used, "NA\n");
    else used += (size_t)snprintf(text + used, cap - used, "%.2f\n", x->q);
  }
  ts_err err;
  data = ts_baci_parse("q.csv", text, used, NULL, &err);
  free(text);
  return data == NULL ? -1 : 0;
}

static int teardown(void **state) {
  (void)state;
  ts_bulk_free(data);
  return 0;
}

static void near(double got, double want, const char *what) {
  if (isnan(want) && isnan(got)) return;
  if (!(fabs(got - want) <= 1e-9 * fmax(1.0, fabs(want))))
    fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static int col(const ts_bulk *b, const char *name) {
  int c = ts_bulk_find(b, name);
  if (c < 0) fail_msg("no column %s", name);
  return c;
}

static int32_t ikey(const ts_bulk *b, const char *name, size_t r) {
  return ts_bulk_key(&b->cols[col(b, name)], r);
}

static double num(const ts_bulk *b, const char *name, size_t r) {
  return ((const double *)b->cols[col(b, name)].data)[r];
}

static const char *str(const ts_bulk *b, const char *name, size_t r) {
  return ts_dict_str(b->dict, ikey(b, name, r), NULL);
}

/* Both thread settings: one thread, and two even for these few rows. */
static void threads(int n) {
  data->threads = n;
  data->parallel_min = 0;
}

/* ---- filters --------------------------------------------------------------------- */

static bool naive_match(const row *x, int ex, const int *ims, size_t nim, int year,
                        const char *chapter) {
  bool im = nim == 0;
  for (size_t i = 0; i < nim; i++) im |= x->im == ims[i];
  return (ex < 0 || x->ex == ex) && im && (year < 0 || x->year == year) &&
         (chapter == NULL || strncmp(x->code, chapter, 2) == 0);
}

static void filters_match_a_plain_loop(void **state) {
  (void)state;
  int ex = 704, ims[] = {643, 156}, year = 2022;
  const char *ch = "01";
  int32_t exv[] = {ex}, yv[] = {year};
  ts_bcond conds[] = {
    {{col(data, "exporter"), 0}, exv, NULL, 1},
    {{col(data, "importer"), 0}, ims, NULL, 2},
    {{col(data, "year"), 0}, yv, NULL, 1},
    {{col(data, "product"), 2}, NULL, &ch, 1},
  };
  for (int t = 1; t <= 2; t++) {
    threads(t);
    for (size_t nc = 1; nc <= 4; nc++) {
      ts_sel out;
      ts_sel_init(&out, NULL);
      ts_err err;
      assert_int_equal(ts_bulk_filter(data, NULL, conds, nc, &out, &err), 0);
      size_t k = 0;
      for (size_t r = 0; r < N; r++) {
        if (!naive_match(&rows[r], ex, nc >= 2 ? ims : NULL, nc >= 2 ? 2 : 0, nc >= 3 ? year : -1,
                         nc >= 4 ? ch : NULL))
          continue;
        if (k >= out.n || out.rows[k] != r) fail_msg("%zu conditions: row %zu missing", nc, r);
        k++;
      }
      assert_int_equal(out.n, k);
      assert_true(k > 0);
      ts_sel_free(&out);
    }
  }
}

static void filter_by_whole_code_and_unknown_values(void **state) {
  (void)state;
  threads(1);
  const char *codes[] = {"010121", "no-such-code"};
  ts_bcond c = {{col(data, "product"), 0}, NULL, codes, 2};
  ts_sel out, again;
  ts_sel_init(&out, NULL);
  ts_sel_init(&again, NULL);
  ts_err err;
  assert_int_equal(ts_bulk_filter(data, NULL, &c, 1, &out, &err), 0);
  size_t k = 0;
  for (size_t r = 0; r < N; r++) k += strcmp(rows[r].code, "010121") == 0;
  assert_int_equal(out.n, k);
  /* a filter over a selection narrows it */
  int32_t exv[] = {842, 99999};
  ts_bcond e = {{col(data, "exporter"), 0}, exv, NULL, 2};
  assert_int_equal(ts_bulk_filter(data, &out, &e, 1, &again, &err), 0);
  k = 0;
  for (size_t r = 0; r < N; r++) k += strcmp(rows[r].code, "010121") == 0 && rows[r].ex == 842;
  assert_int_equal(again.n, k);
  ts_sel_free(&out);
  ts_sel_free(&again);
  /* wrong kinds of values */
  ts_bcond bad = {{col(data, "exporter"), 0}, NULL, codes, 1};
  assert_int_equal(ts_bulk_filter(data, NULL, &bad, 1, &out, &err), -1);
  assert_string_equal(err.msg, "column 'exporter' is filtered by integers");
  ts_bcond val = {{col(data, "value"), 0}, exv, NULL, 1};
  assert_int_equal(ts_bulk_filter(data, NULL, &val, 1, &out, &err), -1);
  assert_string_equal(err.msg, "column 'value' holds numbers, not keys");
  ts_sel_free(&out);
}

/* ---- group-by ---------------------------------------------------------------------- */

static void sum_by_exporter(void **state) {
  (void)state;
  double want[1000] = {0};
  for (size_t r = 0; r < N; r++) want[rows[r].ex] += rows[r].v;
  for (int t = 1; t <= 2; t++) {
    threads(t);
    ts_bkey k = {col(data, "exporter"), 0};
    ts_err err;
    ts_bulk *g = ts_bulk_group(data, NULL, &k, 1, col(data, "value"), TS_AGG_SUM, &err);
    assert_non_null(g);
    assert_int_equal(g->rows, 10);
    assert_int_equal(g->ncols, 2);
    assert_string_equal(g->cols[1].name, "value");
    assert_int_equal(g->measure, 1);
    int prev = -1;
    for (size_t r = 0; r < g->rows; r++) {
      int ex = ikey(g, "exporter", r);
      assert_true(ex > prev); /* sorted by key */
      prev = ex;
      near(num(g, "value", r), want[ex], "sum");
    }
    ts_bulk_free(g);
  }
}

static void sum_by_exporter_and_chapter(void **state) {
  (void)state;
  /* naive: a list of (exporter, chapter) -> sum, count */
  struct {
    int ex;
    char ch[3];
    double sum, count;
  } want[200];
  size_t nw = 0;
  for (size_t r = 0; r < N; r++) {
    size_t i = 0;
    while (i < nw && !(want[i].ex == rows[r].ex && strncmp(want[i].ch, rows[r].code, 2) == 0)) i++;
    if (i == nw) {
      want[nw].ex = rows[r].ex;
      memcpy(want[nw].ch, rows[r].code, 2);
      want[nw].ch[2] = '\0';
      want[nw].sum = want[nw].count = 0;
      nw++;
    }
    want[i].sum += rows[r].v;
    want[i].count += 1;
  }
  for (int t = 1; t <= 2; t++) {
    threads(t);
    ts_bkey k[] = {{col(data, "exporter"), 0}, {col(data, "product"), 2}};
    ts_err err;
    ts_bulk *g = ts_bulk_group(data, NULL, k, 2, col(data, "value"), TS_AGG_SUM | TS_AGG_COUNT, &err);
    assert_non_null(g);
    assert_int_equal(g->rows, nw);
    assert_string_equal(g->cols[1].name, "chapter");
    for (size_t r = 0; r < g->rows; r++) {
      int ex = ikey(g, "exporter", r);
      const char *ch = str(g, "chapter", r);
      if (r > 0) { /* sorted by exporter, then chapter */
        int pex = ikey(g, "exporter", r - 1);
        assert_true(pex < ex || (pex == ex && strcmp(str(g, "chapter", r - 1), ch) < 0));
      }
      size_t i = 0;
      while (i < nw && !(want[i].ex == ex && strcmp(want[i].ch, ch) == 0)) i++;
      assert_true(i < nw);
      near(num(g, "value", r), want[i].sum, "sum");
      near(num(g, "count", r), want[i].count, "count");
    }
    ts_bulk_free(g);
  }
}

static void mean_min_max_skip_missing_quantities(void **state) {
  (void)state;
  const char *heading = "8471";
  double sum = 0, n = 0, mn = INFINITY, mx = -INFINITY, count = 0;
  for (size_t r = 0; r < N; r++) {
    if (strncmp(rows[r].code, heading, 4) != 0) continue;
    count++;
    if (isnan(rows[r].q)) continue;
    sum += rows[r].q, n++;
    mn = fmin(mn, rows[r].q), mx = fmax(mx, rows[r].q);
  }
  ts_bkey k = {col(data, "product"), 4};
  ts_err err;
  unsigned all = TS_AGG_SUM | TS_AGG_COUNT | TS_AGG_MEAN | TS_AGG_MIN | TS_AGG_MAX;
  for (int t = 1; t <= 2; t++) {
    threads(t);
    ts_bulk *g = ts_bulk_group(data, NULL, &k, 1, col(data, "quantity"), all, &err);
    assert_non_null(g);
    size_t r = 0;
    while (r < g->rows && strcmp(str(g, "heading", r), heading) != 0) r++;
    assert_true(r < g->rows);
    near(num(g, "quantity", r), sum, "sum");
    near(num(g, "count", r), count, "count");
    near(num(g, "quantity_mean", r), sum / n, "mean");
    near(num(g, "quantity_min", r), mn, "min");
    near(num(g, "quantity_max", r), mx, "max");
    ts_bulk_free(g);
  }
}

static void stats_over_a_selection(void **state) {
  (void)state;
  threads(1);
  int32_t yv[] = {2021};
  ts_bcond c = {{col(data, "year"), 0}, yv, NULL, 1};
  ts_sel sel;
  ts_sel_init(&sel, NULL);
  ts_err err;
  assert_int_equal(ts_bulk_filter(data, NULL, &c, 1, &sel, &err), 0);
  ts_stats st;
  assert_int_equal(ts_bulk_stats(data, &sel, col(data, "quantity"), &st, &err), 0);
  double sum = 0;
  size_t n = 0, missing = 0;
  for (size_t r = 0; r < N; r++) {
    if (rows[r].year != 2021) continue;
    if (isnan(rows[r].q)) missing++;
    else sum += rows[r].q, n++;
  }
  assert_int_equal(st.count, n);
  assert_int_equal(st.missing, missing);
  near(st.sum, sum, "stats sum");
  ts_sel_free(&sel);
}

/* ---- top and sort ------------------------------------------------------------------------- */

static void top_n_is_the_n_largest_in_order(void **state) {
  (void)state;
  ts_sel out;
  ts_sel_init(&out, NULL);
  ts_err err;
  assert_int_equal(ts_bulk_top(data, NULL, col(data, "value"), 25, true, &out, &err), 0);
  assert_int_equal(out.n, 25);
  for (size_t i = 0; i < out.n; i++) {
    double v = rows[out.rows[i]].v;
    /* exactly i rows beat it (larger, or equal and earlier) */
    size_t better = 0;
    for (size_t r = 0; r < N; r++) better += rows[r].v > v || (rows[r].v == v && r < out.rows[i]);
    assert_int_equal(better, i);
  }
  /* ascending, on a column with missing values: missing last */
  assert_int_equal(ts_bulk_sort(data, NULL, col(data, "quantity"), false, &out, &err), 0);
  assert_int_equal(out.n, N);
  size_t first_missing = N;
  for (size_t i = 0; i < N; i++) {
    double q = rows[out.rows[i]].q;
    if (isnan(q)) {
      if (first_missing == N) first_missing = i;
      continue;
    }
    assert_int_equal(first_missing, N);
    if (i > 0) assert_true(rows[out.rows[i - 1]].q <= q);
  }
  /* more than there are */
  assert_int_equal(ts_bulk_top(data, NULL, col(data, "year"), N + 10, true, &out, &err), 0);
  assert_int_equal(out.n, N);
  assert_int_equal(ts_bulk_top(data, NULL, col(data, "product"), 3, true, &out, &err), -1);
  assert_string_equal(err.msg, "column 'product' holds strings: rank by a number column");
  ts_sel_free(&out);
}

/* ---- join -------------------------------------------------------------------------------- */

static ts_bulk *year_pairs(int year) {
  int32_t yv[] = {year};
  ts_bcond c = {{col(data, "year"), 0}, yv, NULL, 1};
  ts_sel sel;
  ts_sel_init(&sel, NULL);
  ts_err err;
  assert_int_equal(ts_bulk_filter(data, NULL, &c, 1, &sel, &err), 0);
  ts_bkey k[] = {{col(data, "exporter"), 0}, {col(data, "importer"), 0}};
  ts_bulk *g = ts_bulk_group(data, &sel, k, 2, col(data, "value"), TS_AGG_SUM, &err);
  ts_sel_free(&sel);
  assert_non_null(g);
  return g;
}

static void join_two_years_for_growth(void **state) {
  (void)state;
  threads(2);
  ts_bulk *now = year_pairs(2022), *before = year_pairs(2021);
  int on[] = {0, 1};
  ts_err err;
  ts_bulk *j = ts_bulk_join(now, NULL, before, NULL, on, on, 2, 2, 2, TS_JOIN_INNER, &err);
  assert_non_null(j);
  static double v22[1000][1000], v21[1000][1000];
  memset(v22, 0, sizeof v22);
  memset(v21, 0, sizeof v21);
  static bool in22[1000][1000], in21[1000][1000];
  memset(in22, 0, sizeof in22);
  memset(in21, 0, sizeof in21);
  for (size_t r = 0; r < N; r++) {
    const row *x = &rows[r];
    if (x->year == 2022) v22[x->ex][x->im] += x->v, in22[x->ex][x->im] = true;
    else v21[x->ex][x->im] += x->v, in21[x->ex][x->im] = true;
  }
  size_t both = 0;
  for (int a = 0; a < 1000; a++)
    for (int b = 0; b < 1000; b++) both += in22[a][b] && in21[a][b];
  assert_int_equal(j->rows, both);
  const char *names[] = {"exporter", "importer", "value", "base", "change", "growth"};
  for (int c = 0; c < 6; c++) assert_string_equal(j->cols[c].name, names[c]);
  for (size_t r = 0; r < j->rows; r++) {
    int a = ikey(j, "exporter", r), b = ikey(j, "importer", r);
    near(num(j, "value", r), v22[a][b], "value");
    near(num(j, "base", r), v21[a][b], "base");
    near(num(j, "change", r), v22[a][b] - v21[a][b], "change");
    near(num(j, "growth", r), (v22[a][b] - v21[a][b]) / v21[a][b], "growth");
  }
  /* the other side must have unique keys */
  int ex[] = {0};
  ts_bulk *dup = ts_bulk_join(now, NULL, before, NULL, ex, ex, 1, 2, 2, TS_JOIN_INNER, &err);
  assert_null(dup);
  assert_true(strstr(err.msg, "join: the key (exporter=4) appears twice in the other dataset") ==
              err.msg);
  /* keys of different kinds */
  int str_on[] = {3};
  assert_null(ts_bulk_join(data, NULL, now, NULL, str_on, ex, 1, 4, 2, TS_JOIN_INNER, &err));
  assert_string_equal(err.msg,
                      "cannot join 'product' with 'exporter': keys must both be integers or both strings");
  ts_bulk_free(j);
  ts_bulk_free(now);
  ts_bulk_free(before);
}

/* One pair's products in two years: 847130 and 010121 in both (in
** another order), TOTAL in the later only, 999999 in the earlier only. */
static ts_bulk *products_of(int year) {
  const char *csv = year == 2022
                        ? "t,i,j,k,v,q\n2022,1,2,847130,10,\n2022,1,2,010121,4,\n2022,1,2,TOTAL,1,\n"
                        : "t,i,j,k,v,q\n2021,1,2,010121,2,\n2021,1,2,847130,5,\n2021,1,2,999999,9,\n";
  ts_err err;
  ts_bulk *b = ts_baci_parse(year == 2022 ? "a" : "b", csv, strlen(csv), NULL, &err);
  if (b == NULL) fail_msg("%s", err.msg);
  return b;
}

/* String keys join by their text, whatever ids each side gave them. */
static void join_on_product_codes(void **state) {
  (void)state;
  ts_err err;
  ts_bulk *a = products_of(2022), *b = products_of(2021);
  int on[] = {3};
  ts_bulk *j = ts_bulk_join(a, NULL, b, NULL, on, on, 1, 4, 4, TS_JOIN_INNER, &err);
  assert_non_null(j);
  assert_int_equal(j->rows, 2);
  assert_string_equal(str(j, "product", 0), "847130");
  near(num(j, "growth", 0), 1.0, "growth 847130");
  assert_string_equal(str(j, "product", 1), "010121");
  near(num(j, "growth", 1), 1.0, "growth 010121");
  ts_bulk_free(j);
  ts_bulk_free(a);
  ts_bulk_free(b);
}

/* Left and outer joins keep the keys of one side, counting 0 on the other:
** the result's changes add up to the change of the totals. */
static void left_and_outer_joins_keep_one_sided_keys(void **state) {
  (void)state;
  ts_err err;
  ts_bulk *a = products_of(2022), *b = products_of(2021);
  int on[] = {3};
  ts_bulk *left = ts_bulk_join(a, NULL, b, NULL, on, on, 1, 4, 4, TS_JOIN_LEFT, &err);
  ts_bulk *outer = ts_bulk_join(a, NULL, b, NULL, on, on, 1, 4, 4, TS_JOIN_OUTER, &err);
  assert_non_null(left);
  assert_non_null(outer);
  assert_int_equal(left->rows, 3);
  assert_int_equal(outer->rows, 4);
  const char *codes[] = {"847130", "010121", "TOTAL", "999999"};
  const double value[] = {10, 4, 1, 0}, base[] = {5, 2, 0, 9}, growth[] = {1, 1, NAN, -1};
  for (size_t r = 0; r < 4; r++) {
    assert_string_equal(str(outer, "product", r), codes[r]);
    near(num(outer, "value", r), value[r], "value");
    near(num(outer, "base", r), base[r], "base");
    near(num(outer, "change", r), value[r] - base[r], "change");
    near(num(outer, "growth", r), growth[r], "growth");
    if (r < 3) near(num(left, "base", r), base[r], "left base");
  }
  ts_bulk_free(left);
  ts_bulk_free(outer);
  ts_bulk_free(a);
  ts_bulk_free(b);

  /* every pair of either year once, the changes summing to the change of the total */
  threads(2);
  ts_bulk *now = year_pairs(2022), *before = year_pairs(2021);
  int pair[] = {0, 1};
  ts_bulk *j = ts_bulk_join(now, NULL, before, NULL, pair, pair, 2, 2, 2, TS_JOIN_OUTER, &err);
  assert_non_null(j);
  static bool seen[1000][1000];
  memset(seen, 0, sizeof seen);
  size_t pairs = 0;
  double total = 0;
  for (size_t r = 0; r < N; r++) {
    pairs += !seen[rows[r].ex][rows[r].im];
    seen[rows[r].ex][rows[r].im] = true;
    total += rows[r].year == 2022 ? rows[r].v : -rows[r].v;
  }
  assert_int_equal(j->rows, pairs);
  double change = 0;
  for (size_t r = 0; r < j->rows; r++) change += num(j, "change", r);
  near(change, total, "sum of the changes");
  ts_bulk_free(j);
  ts_bulk_free(now);
  ts_bulk_free(before);
}

/* ---- missing keys and errors ------------------------------------------------------------------ */

static void missing_keys_group_last(void **state) {
  (void)state;
  ts_err err;
  ts_bulk *b = ts_bulk_new("test", NULL, &err);
  int k = ts_bulk_add_column(b, "exporter", TS_I16, 4, &err);
  int v = ts_bulk_add_column(b, "value", TS_F64, 4, &err);
  int16_t ex[] = {5, TS_NA_I16, 3, TS_NA_I16};
  double val[] = {1, 2, 4, 8};
  memcpy(b->cols[k].data, ex, sizeof ex);
  memcpy(b->cols[v].data, val, sizeof val);
  b->rows = 4;
  assert_int_equal(ts_bulk_finish(b, &err), 0);
  assert_int_equal(b->cols[k].lo, 3);
  assert_int_equal(b->cols[k].hi, 5);
  ts_bkey key = {k, 0};
  ts_bulk *g = ts_bulk_group(b, NULL, &key, 1, v, TS_AGG_SUM, &err);
  assert_non_null(g);
  assert_int_equal(g->rows, 3);
  assert_int_equal(ikey(g, "exporter", 0), 3);
  assert_int_equal(ikey(g, "exporter", 1), 5);
  assert_int_equal(ikey(g, "exporter", 2), TS_NA_I16);
  near(num(g, "value", 2), 10, "missing group");
  ts_bulk_free(g);
  assert_null(ts_bulk_group(b, NULL, &key, 1, k, TS_AGG_SUM, &err));
  assert_string_equal(err.msg, "column 'exporter' is not a number column");
  ts_bkey twice[] = {{k, 0}, {k, 0}};
  assert_null(ts_bulk_group(b, NULL, twice, 2, v, TS_AGG_SUM, &err));
  assert_string_equal(err.msg, "key 'exporter' given twice");
  ts_bkey pre = {k, 2};
  assert_null(ts_bulk_group(b, NULL, &pre, 1, v, TS_AGG_SUM, &err));
  assert_string_equal(err.msg, "column 'exporter' is not a string column: no prefix");
  ts_bulk_free(b);
}

/* ---- scans of a snapshot ------------------------------------------------------------ */

/* Many rows grouped by one key (the direct path, an int16 key read in one
** loop) and by two (the hashed path), on one and two threads, twice in a
** row, in memory and from a snapshot's mapping, against a plain loop. */
enum { LONG_ROWS = 300007, LONG_KEYS = 60 };

static void check_long_sums(ts_bulk *b, const int16_t *ex, const int16_t *im, const double *v) {
  static double by_ex[LONG_KEYS], by_pair[LONG_KEYS][LONG_KEYS];
  memset(by_ex, 0, sizeof by_ex);
  memset(by_pair, 0, sizeof by_pair);
  for (size_t r = 0; r < LONG_ROWS; r++) {
    by_ex[ex[r]] += v[r];
    by_pair[ex[r]][im[r]] += v[r];
  }
  ts_bkey one = {0, 0}, two[] = {{0, 0}, {1, 0}};
  for (int t = 1; t <= 2; t++) {
    b->threads = t;
    for (int again = 0; again < 2; again++) {
      ts_err err;
      ts_bulk *g = ts_bulk_group(b, NULL, &one, 1, 2, TS_AGG_SUM, &err);
      if (g == NULL) fail_msg("%s", err.msg);
      assert_int_equal(g->rows, LONG_KEYS);
      for (size_t r = 0; r < g->rows; r++)
        near(num(g, "value", r), by_ex[ikey(g, "exporter", r)], "by exporter");
      ts_bulk_free(g);
      g = ts_bulk_group(b, NULL, two, 2, 2, TS_AGG_SUM, &err);
      if (g == NULL) fail_msg("%s", err.msg);
      for (size_t r = 0; r < g->rows; r++)
        near(num(g, "value", r), by_pair[ikey(g, "exporter", r)][ikey(g, "importer", r)],
             "by pair");
      ts_bulk_free(g);
    }
  }
}

static void long_scans_of_a_snapshot_match_a_plain_loop(void **state) {
  (void)state;
  ts_err err;
  ts_bulk *b = ts_bulk_new("result", NULL, &err);
  assert_non_null(b);
  assert_int_equal(ts_bulk_add_column(b, "exporter", TS_I16, LONG_ROWS, &err), 0);
  assert_int_equal(ts_bulk_add_column(b, "importer", TS_I16, LONG_ROWS, &err), 1);
  assert_int_equal(ts_bulk_add_column(b, "value", TS_F64, LONG_ROWS, &err), 2);
  int16_t *ex = b->cols[0].data, *im = b->cols[1].data;
  double *v = b->cols[2].data;
  for (size_t r = 0; r < LONG_ROWS; r++) {
    ex[r] = (int16_t)rnd(LONG_KEYS);
    im[r] = (int16_t)rnd(LONG_KEYS);
    v[r] = (double)rnd(100000) / 4.0;
  }
  b->rows = LONG_ROWS;
  b->parallel_min = 0;
  assert_int_equal(ts_bulk_finish(b, &err), 0);
  check_long_sums(b, b->cols[0].data, b->cols[1].data, b->cols[2].data);

  char path[] = "/tmp/test_bulkquery.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  if (ts_snapshot_save(b, path, &err) != 0) fail_msg("%s", err.msg);
  ts_bulk *m = ts_snapshot_open(path, false, NULL, &err);
  if (m == NULL) fail_msg("%s", err.msg);
  assert_non_null(m->map);
  m->parallel_min = 0;
  check_long_sums(m, b->cols[0].data, b->cols[1].data, b->cols[2].data);
  ts_bulk_free(m);
  ts_bulk_free(b);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(filters_match_a_plain_loop),
    cmocka_unit_test(filter_by_whole_code_and_unknown_values),
    cmocka_unit_test(sum_by_exporter),
    cmocka_unit_test(sum_by_exporter_and_chapter),
    cmocka_unit_test(mean_min_max_skip_missing_quantities),
    cmocka_unit_test(stats_over_a_selection),
    cmocka_unit_test(top_n_is_the_n_largest_in_order),
    cmocka_unit_test(join_two_years_for_growth),
    cmocka_unit_test(join_on_product_codes),
    cmocka_unit_test(left_and_outer_joins_keep_one_sided_keys),
    cmocka_unit_test(missing_keys_group_last),
    cmocka_unit_test(long_scans_of_a_snapshot_match_a_plain_loop),
  };
  return cmocka_run_group_tests_name("bulkquery", tests, setup, teardown);
}
