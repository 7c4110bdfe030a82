/*
** bulkfold.c — group-bys fed a block at a time: partial groups per block,
** merged by grouping the partial groups again.
*/
#include "bulkfold.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MERGE_SLACK ((size_t)1 << 16) /* partial rows let pile up before any merge */

struct ts_bfold {
  ts_alloc alloc;
  char keys[8][TS_BULK_NAMELEN];
  size_t nk;
  char valcol[TS_BULK_NAMELEN]; /* "" for a count */
  unsigned aggs;                /* asked for */
  unsigned parts;               /* kept per group until the end: what the asked ones need */
  ts_bulk *acc;                 /* partial groups, or NULL before the first block */
  size_t merged;                /* acc's rows after it was last merged (fewer: rows appended since) */
};

ts_bfold *ts_bfold_new(const char *const *keys, size_t nkeys, const char *valcol, unsigned aggs,
                       const ts_alloc *a, ts_err *err) {
  if (a == NULL) a = &ts_alloc_libc;
  if (nkeys == 0 || nkeys > 8) {
    ts_errf(err, "group by 1 to 8 keys, not %zu", nkeys);
    return NULL;
  }
  if (aggs == 0 || (aggs != TS_AGG_COUNT && valcol == NULL)) {
    ts_errf(err, aggs == 0 ? "no aggregate asked for" : "no value column to aggregate");
    return NULL;
  }
  for (size_t i = 0; i < nkeys; i++)
    if (strlen(keys[i]) >= TS_BULK_NAMELEN) {
      ts_errf(err, "no column '%.40s'", keys[i]);
      return NULL;
    }
  ts_bfold *f = ts_malloc(a, sizeof *f);
  if (f == NULL) {
    ts_errf(err, "out of memory grouping");
    return NULL;
  }
  memset(f, 0, sizeof *f);
  f->alloc = *a;
  f->nk = nkeys;
  for (size_t i = 0; i < nkeys; i++) snprintf(f->keys[i], TS_BULK_NAMELEN, "%s", keys[i]);
  if (aggs != TS_AGG_COUNT) snprintf(f->valcol, sizeof f->valcol, "%.*s", TS_BULK_NAMELEN - 1, valcol);
  f->aggs = aggs;
  f->parts = aggs == TS_AGG_COUNT ? TS_AGG_COUNT
                                  : TS_AGG_SUM | TS_AGG_COUNT | TS_AGG_PRESENT |
                                        (aggs & (TS_AGG_MIN | TS_AGG_MAX));
  return f;
}

void ts_bfold_free(ts_bfold *f) {
  if (f == NULL) return;
  ts_bulk_free(f->acc);
  ts_alloc a = f->alloc;
  ts_free(&a, f);
}

/* The keys of f as columns of b. */
static int block_keys(const ts_bfold *f, const ts_bulk *b, ts_bkey *keys, ts_err *err) {
  for (size_t i = 0; i < f->nk; i++) {
    const char *name = f->keys[i];
    bool prefix = strcmp(name, "chapter") == 0 || strcmp(name, "heading") == 0;
    int col = ts_bulk_find(b, prefix ? "product" : name);
    if (col < 0 && prefix) return ts_errf(err, "'%s' needs a product column", name);
    if (col < 0) return ts_errf(err, "no column '%s'", name);
    keys[i] = (ts_bkey){col, prefix ? (name[0] == 'c' ? 2 : 4) : 0};
  }
  return 0;
}

/* The partial aggregates, in ts_bulk_group's column order, and how each
** merges: added up, or the least or greatest kept. */
enum { P_SUM, P_COUNT, P_MIN, P_MAX, P_PRESENT, NPARTS };
static const struct {
  unsigned flag, merge;
} PARTS[NPARTS] = {{TS_AGG_SUM, TS_AGG_SUM},
                   {TS_AGG_COUNT, TS_AGG_SUM},
                   {TS_AGG_MIN, TS_AGG_MIN},
                   {TS_AGG_MAX, TS_AGG_MAX},
                   {TS_AGG_PRESENT, TS_AGG_SUM}};

/* The partial groups of acc merged into one row per key. */
static ts_bulk *merge(const ts_bfold *f, ts_bulk *acc, ts_err *err) {
  ts_bkey keys[8];
  size_t nk = f->nk, j = nk;
  for (size_t i = 0; i < nk; i++) keys[i] = (ts_bkey){(int)i, 0};
  ts_bulk *m = NULL;
  for (int p = 0; p < NPARTS; p++) {
    if (!(f->parts & PARTS[p].flag)) continue;
    ts_bulk *g = ts_bulk_group(acc, NULL, keys, nk, (int)j, PARTS[p].merge, err);
    int col = g == NULL ? -1 : m == NULL ? (int)nk
                                         : ts_bulk_add_column(m, acc->cols[j].name, TS_F64, g->rows, err);
    if (col < 0) {
      ts_bulk_free(g);
      ts_bulk_free(m);
      return NULL;
    }
    if (m == NULL) m = g, g = NULL;
    else memcpy(m->cols[col].data, g->cols[nk].data, g->rows * sizeof(double));
    ts_bulk_free(g);
    j++;
  }
  return m;
}

int ts_bfold_add(ts_bfold *f, ts_bulk *block, ts_err *err) {
  ts_bkey keys[8];
  int vc = f->valcol[0] ? ts_bulk_find(block, f->valcol) : -1;
  if (f->valcol[0] && vc < 0) return ts_errf(err, "no column '%s'", f->valcol);
  if (block_keys(f, block, keys, err) != 0) return -1;
  ts_bulk *part = ts_bulk_group(block, NULL, keys, f->nk, vc, f->parts, err);
  if (part == NULL) return -1;
  if (f->acc == NULL) {
    f->acc = part, f->merged = part->rows;
    return 0;
  }
  int rc = ts_bulk_append(f->acc, part, err);
  ts_bulk_free(part);
  if (rc != 0) return -1;
  if (f->acc->rows <= 2 * f->merged + MERGE_SLACK) return 0;
  ts_bulk *m = merge(f, f->acc, err);
  if (m == NULL) return -1;
  ts_bulk_free(f->acc);
  f->acc = m, f->merged = m->rows;
  return 0;
}

/* The asked aggregates of merged groups m, in ts_bulk_group's order, in
** place of the partial ones. */
static int shape(const ts_bfold *f, ts_bulk *m, ts_err *err) {
  size_t nk = f->nk, rows = m->rows, nold = m->ncols;
  ts_bulkcol old[TS_BULK_MAXCOLS];
  memcpy(old, m->cols, sizeof old);
  const double *part[NPARTS] = {NULL};
  for (size_t p = 0, j = nk; p < NPARTS; p++)
    if (f->parts & PARTS[p].flag) part[p] = old[j++].data;
  const double *sum = part[P_SUM], *present = part[P_PRESENT];
  static const unsigned order[] = {TS_AGG_SUM, TS_AGG_COUNT, TS_AGG_MEAN, TS_AGG_MIN, TS_AGG_MAX,
                                   TS_AGG_PRESENT};
  static const char *const suffix[] = {"", "", "_mean", "_min", "_max", "_n"};
  m->ncols = nk;
  int rc = 0;
  for (size_t i = 0; i < sizeof order / sizeof *order && rc == 0; i++) {
    if (!(f->aggs & order[i])) continue;
    char name[TS_BULK_NAMELEN + 8];
    snprintf(name, sizeof name, "%.*s%s", TS_BULK_NAMELEN - 6,
             order[i] == TS_AGG_COUNT ? "count" : f->valcol, suffix[i]);
    int col = ts_bulk_add_column(m, name, TS_F64, rows, err);
    if (col < 0) {
      rc = -1;
      break;
    }
    double *out = m->cols[col].data;
    for (size_t r = 0; r < rows; r++) {
      switch (order[i]) {
      case TS_AGG_SUM: out[r] = sum[r]; break;
      case TS_AGG_COUNT: out[r] = part[P_COUNT][r]; break;
      case TS_AGG_MEAN: out[r] = present[r] > 0 ? sum[r] / present[r] : TS_NA_F64; break;
      case TS_AGG_MIN: out[r] = part[P_MIN][r]; break;
      case TS_AGG_MAX: out[r] = part[P_MAX][r]; break;
      default: out[r] = present[r]; break;
      }
    }
  }
  for (size_t c = nk; c < nold; c++) ts_free(&m->alloc, old[c].data);
  m->measure = (int)nk;
  return rc;
}

ts_bulk *ts_bfold_result(ts_bfold *f, const char *source, ts_err *err) {
  if (f->acc == NULL) {
    ts_errf(err, "%s: no rows were read to group", source);
    return NULL;
  }
  ts_bulk *m = f->acc->rows > f->merged ? merge(f, f->acc, err) : f->acc;
  if (m == NULL) return NULL;
  if (m == f->acc) f->acc = NULL;
  if (shape(f, m, err) != 0) {
    ts_bulk_free(m);
    return NULL;
  }
  snprintf(m->source, sizeof m->source, "%.200s (grouped)", source);
  return m;
}
