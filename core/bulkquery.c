/*
** bulkquery.c — filters, group-by, top-N, sort and join over bulk columns.
**
** Keys are coded into dense integers: an integer value minus the column's
** least value, a string (or its prefix) by its rank among the distinct
** strings, missing last.  A key combination is the mixed-radix number of
** its codes, first key most significant, so sorting groups by that number
** sorts them by their keys.  When the combinations fit DENSE_MAX a group's
** slot is found by indexing an array, else through an open-addressing hash.
** Codes are computed a block of rows at a time, one column at a time, so
** each pass is a tight loop over one array.
*/
#include "bulkquery.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 2048
#define DENSE_MAX ((uint64_t)1 << 22)
#define DIRECT_MAX ((uint64_t)1 << 17) /* keys summed in place: int16 codes and small dictionaries */
#define BITMAP_MAX ((uint64_t)1 << 26)

/* ---- two parts on two threads ---------------------------------------------------------------- */

typedef void (*part_fn)(void *ctx, int part, size_t begin, size_t end);

typedef struct part_arg {
  part_fn fn;
  void *ctx;
  int part;
  size_t begin, end;
} part_arg;

static void *part_main(void *p) {
  part_arg *a = p;
  a->fn(a->ctx, a->part, a->begin, a->end);
  return NULL;
}

static int parts_for(const ts_bulk *b, size_t n) {
  return b->threads >= 2 && n >= b->parallel_min && n >= 2 ? 2 : 1;
}

/* Runs fn over [0, n) in `parts` halves, the second on a thread of its own
** (or after the first when no thread can be started: same result). */
static void run_parts(int parts, size_t n, part_fn fn, void *ctx) {
  if (parts == 1) {
    fn(ctx, 0, 0, n);
    return;
  }
  part_arg second = {fn, ctx, 1, n / 2, n};
  pthread_t t;
  bool started = pthread_create(&t, NULL, part_main, &second) == 0;
  fn(ctx, 0, 0, n / 2);
  if (started) pthread_join(t, NULL);
  else part_main(&second);
}

static size_t sel_count(const ts_bulk *b, const ts_sel *sel) { return sel ? sel->n : b->rows; }

static int sel_reserve(ts_sel *s, size_t n) {
  return ts_grow(&s->alloc, &s->rows, &s->cap, n ? n : 1, sizeof *s->rows);
}

static int check_col(ts_bulk *b, int col, bool numeric_value, ts_err *err) {
  if (col < 0 || (size_t)col >= b->ncols) return ts_errf(err, "no column %d", col);
  if (numeric_value && b->cols[col].type != TS_F64)
    return ts_errf(err, "column '%s' is not a number column", b->cols[col].name);
  return ts_bulk_need(b, col, err);
}

static int32_t na_of(ts_type t) {
  return t == TS_I16 ? TS_NA_I16 : t == TS_STR ? TS_NA_ID : TS_NA_I32;
}

/* ---- the strings of a string key ------------------------------------------------------------- */

typedef struct strkey {
  const char *s;
  size_t len;
  int32_t id;
} strkey;

static int cmp_strkey(const void *x, const void *y) {
  const strkey *a = x, *b = y;
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->s, b->s, n);
  if (c != 0) return c;
  return (a->len > b->len) - (a->len < b->len);
}

/* The strings of the dictionary cut to `prefix` characters (0: whole),
** sorted.  rank[id + 1] is the rank of id's (cut) string, rank[0] that of
** a missing value (after every string); names[rank] the string. */
typedef struct strcode {
  int32_t *rank;
  strkey *names;
  size_t n;
} strcode;

static void strcode_free(strcode *sc, const ts_alloc *a) {
  ts_free(a, sc->rank);
  ts_free(a, sc->names);
}

static int strcode_build(strcode *sc, const ts_table *dict, int prefix, const ts_alloc *a,
                         ts_err *err) {
  size_t n = ts_dict_count(dict);
  memset(sc, 0, sizeof *sc);
  sc->rank = ts_malloc(a, (n + 1) * sizeof *sc->rank);
  sc->names = ts_malloc(a, (n ? n : 1) * sizeof *sc->names);
  if (sc->rank == NULL || sc->names == NULL) return ts_errf(err, "out of memory coding strings");
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *s = ts_dict_str(dict, (int32_t)i, &len);
    if (prefix > 0 && len > (size_t)prefix) len = (size_t)prefix;
    sc->names[i] = (strkey){s, len, (int32_t)i};
  }
  qsort(sc->names, n, sizeof *sc->names, cmp_strkey);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && cmp_strkey(&sc->names[i], &sc->names[k - 1]) == 0) {
      sc->rank[sc->names[i].id + 1] = (int32_t)(k - 1);
      continue;
    }
    sc->rank[sc->names[i].id + 1] = (int32_t)k;
    sc->names[k++] = sc->names[i];
  }
  sc->n = k;
  sc->rank[0] = (int32_t)k;
  return 0;
}

/* ---- key coders ------------------------------------------------------------------------------ */

typedef struct coder {
  const ts_bulkcol *col;
  int prefix;
  int32_t lo;   /* integer columns: code = value - lo */
  uint64_t card; /* codes 0..card-1; card-1 is "missing" */
  strcode sc;   /* string columns */
} coder;

static int coder_init(coder *c, ts_bulk *b, ts_bkey k, const ts_alloc *a, ts_err *err) {
  memset(c, 0, sizeof *c);
  if (check_col(b, k.col, false, err) != 0) return -1;
  c->col = &b->cols[k.col];
  c->prefix = k.prefix;
  if (c->col->type == TS_F64)
    return ts_errf(err, "column '%s' holds numbers, not keys", c->col->name);
  if (c->col->type != TS_STR && k.prefix != 0)
    return ts_errf(err, "column '%s' is not a string column: no prefix", c->col->name);
  if (c->col->type == TS_STR) {
    if (strcode_build(&c->sc, b->dict, k.prefix, a, err) != 0) return -1;
    c->card = c->sc.n + 1;
    return 0;
  }
  c->lo = c->col->lo;
  c->card = c->col->lo <= c->col->hi ? (uint64_t)((int64_t)c->col->hi - c->col->lo) + 2 : 1;
  return 0;
}

static void coder_free(coder *c, const ts_alloc *a) { strcode_free(&c->sc, a); }

/* keys[i] += code(row) * mult for the rows of a block. */
static void add_codes(const coder *c, uint64_t mult, const uint32_t *rows, size_t begin, size_t n,
                      uint64_t *keys) {
  const ts_bulkcol *col = c->col;
  uint64_t nacode = c->card - 1;
  if (col->type == TS_I16) {
    const int16_t *v = col->data;
    for (size_t i = 0; i < n; i++) {
      int32_t x = v[rows ? rows[begin + i] : begin + i];
      uint64_t code = x == TS_NA_I16 ? nacode : (uint64_t)(x - c->lo);
      keys[i] += code * mult;
    }
  } else if (col->type == TS_I32) {
    const int32_t *v = col->data;
    for (size_t i = 0; i < n; i++) {
      int32_t x = v[rows ? rows[begin + i] : begin + i];
      uint64_t code = x == TS_NA_I32 ? nacode : (uint64_t)((int64_t)x - c->lo);
      keys[i] += code * mult;
    }
  } else {
    const int32_t *v = col->data;
    const int32_t *rank = c->sc.rank;
    for (size_t i = 0; i < n; i++)
      keys[i] += (uint64_t)rank[v[rows ? rows[begin + i] : begin + i] + 1] * mult;
  }
}

/* Radix weights, last key 1; -1 when the combinations pass 2^62. */
static int weights(const coder *cs, size_t nk, uint64_t *mult, uint64_t *space) {
  uint64_t m = 1;
  for (size_t d = nk; d-- > 0;) {
    mult[d] = m;
    if (cs[d].card > ((uint64_t)1 << 62) / m) return -1;
    m *= cs[d].card;
  }
  *space = m;
  return 0;
}

/* ---- slot maps: combined key -> group slot --------------------------------------------------- */

typedef struct slotmap {
  int32_t *dense; /* space entries, -1 empty; or NULL */
  uint64_t *hkeys; /* hash: key + 1 (0 empty) */
  int32_t *hslots;
  size_t hmask, hn;
} slotmap;

static uint64_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdu;
  return k ^ (k >> 33);
}

static int slotmap_init(slotmap *m, uint64_t space, const ts_alloc *a) {
  memset(m, 0, sizeof *m);
  if (space <= DENSE_MAX) {
    m->dense = ts_malloc(a, (size_t)space * sizeof *m->dense);
    if (m->dense == NULL) return -1;
    memset(m->dense, 0xff, (size_t)space * sizeof *m->dense);
    return 0;
  }
  m->hmask = 1023;
  m->hkeys = ts_malloc(a, (m->hmask + 1) * sizeof *m->hkeys);
  m->hslots = ts_malloc(a, (m->hmask + 1) * sizeof *m->hslots);
  if (m->hkeys == NULL || m->hslots == NULL) return -1;
  memset(m->hkeys, 0, (m->hmask + 1) * sizeof *m->hkeys);
  return 0;
}

static void slotmap_free(slotmap *m, const ts_alloc *a) {
  ts_free(a, m->dense);
  ts_free(a, m->hkeys);
  ts_free(a, m->hslots);
}

static int slotmap_grow(slotmap *m, const ts_alloc *a) {
  size_t n = (m->hmask + 1) * 2;
  uint64_t *keys = ts_malloc(a, n * sizeof *keys);
  int32_t *slots = ts_malloc(a, n * sizeof *slots);
  if (keys == NULL || slots == NULL) {
    ts_free(a, keys);
    ts_free(a, slots);
    return -1;
  }
  memset(keys, 0, n * sizeof *keys);
  for (size_t i = 0; i <= m->hmask; i++) {
    if (m->hkeys[i] == 0) continue;
    size_t h = mix(m->hkeys[i]) & (n - 1);
    while (keys[h] != 0) h = (h + 1) & (n - 1);
    keys[h] = m->hkeys[i];
    slots[h] = m->hslots[i];
  }
  ts_free(a, m->hkeys);
  ts_free(a, m->hslots);
  m->hkeys = keys;
  m->hslots = slots;
  m->hmask = n - 1;
  return 0;
}

/* The slot of key, or -1; with `add` >= 0, stores add as its slot when new
** and returns -1 (or -2 when no memory). */
static int32_t slotmap_get(slotmap *m, uint64_t key, int32_t add, const ts_alloc *a) {
  if (m->dense != NULL) {
    int32_t s = m->dense[key];
    if (s < 0 && add >= 0) m->dense[key] = add;
    return s;
  }
  uint64_t k = key + 1;
  size_t h = mix(k) & m->hmask;
  for (; m->hkeys[h] != 0; h = (h + 1) & m->hmask)
    if (m->hkeys[h] == k) return m->hslots[h];
  if (add < 0) return -1;
  m->hkeys[h] = k;
  m->hslots[h] = add;
  if (++m->hn * 2 > m->hmask && slotmap_grow(m, a) != 0) return -2;
  return -1;
}

/* ---- filters --------------------------------------------------------------------------------- */

/* Membership of one condition over the column's value range (integers)
** or dictionary ids (strings). */
typedef struct matcher {
  const ts_bulkcol *col;
  int64_t lo;
  uint64_t span;
  uint64_t *bits;
} matcher;

static void set_bit(uint64_t *bits, uint64_t i) { bits[i >> 6] |= (uint64_t)1 << (i & 63); }

static bool prefix_match(const char *s, size_t len, const char *want, int prefix) {
  size_t wl = strlen(want);
  if (prefix > 0 && len > (size_t)prefix) len = (size_t)prefix;
  return len == wl && memcmp(s, want, wl) == 0;
}

static int matcher_init(matcher *m, ts_bulk *b, const ts_bcond *c, const ts_alloc *a,
                        ts_err *err) {
  memset(m, 0, sizeof *m);
  if (check_col(b, c->key.col, false, err) != 0) return -1;
  const ts_bulkcol *col = m->col = &b->cols[c->key.col];
  if (col->type == TS_F64) return ts_errf(err, "column '%s' holds numbers, not keys", col->name);
  bool str = col->type == TS_STR;
  if (str ? c->strs == NULL && c->n > 0 : c->ints == NULL && c->n > 0)
    return ts_errf(err, "column '%s' is filtered by %s", col->name, str ? "strings" : "integers");
  if (!str && c->key.prefix != 0)
    return ts_errf(err, "column '%s' is not a string column: no prefix", col->name);
  m->lo = str ? 0 : col->lo;
  if (str) m->span = ts_dict_count(b->dict);
  else m->span = col->lo <= col->hi ? (uint64_t)((int64_t)col->hi - col->lo) + 1 : 0;
  if (m->span > BITMAP_MAX)
    return ts_errf(err, "column '%s': value range too wide to filter", col->name);
  size_t words = (size_t)(m->span >> 6) + 1;
  m->bits = ts_malloc(a, words * sizeof *m->bits);
  if (m->bits == NULL) return ts_errf(err, "out of memory building a filter");
  memset(m->bits, 0, words * sizeof *m->bits);
  for (size_t i = 0; i < c->n; i++) {
    if (!str) {
      int64_t o = (int64_t)c->ints[i] - m->lo;
      if (o >= 0 && (uint64_t)o < m->span) set_bit(m->bits, (uint64_t)o);
      continue;
    }
    for (size_t id = 0; id < m->span; id++) {
      size_t len;
      const char *s = ts_dict_str(b->dict, (int32_t)id, &len);
      if (prefix_match(s, len, c->strs[i], c->key.prefix)) set_bit(m->bits, id);
    }
  }
  return 0;
}

static bool matches(const matcher *m, size_t r) {
  uint64_t o = (uint64_t)((int64_t)ts_bulk_key(m->col, r) - m->lo);
  return o < m->span && (m->bits[o >> 6] >> (o & 63) & 1);
}

typedef struct filter_ctx {
  const matcher *ms;
  size_t nm;
  const uint32_t *in; /* or NULL: every row */
  uint32_t *out[2];
  size_t nout[2];
} filter_ctx;

static void filter_part(void *p, int part, size_t begin, size_t end) {
  filter_ctx *f = p;
  uint32_t *out = f->out[part];
  size_t k = 0;
  for (size_t i = begin; i < end; i++) {
    uint32_t r = f->in ? f->in[i] : (uint32_t)i;
    bool ok = true;
    for (size_t c = 0; c < f->nm; c++) ok &= matches(&f->ms[c], r);
    out[k] = r;
    k += ok;
  }
  f->nout[part] = k;
}

int ts_bulk_filter(ts_bulk *b, const ts_sel *in, const ts_bcond *conds, size_t nconds,
                   ts_sel *out, ts_err *err) {
  const ts_alloc *a = &b->alloc;
  size_t n = sel_count(b, in);
  matcher ms[16];
  if (nconds > 16) return ts_errf(err, "at most 16 filter conditions");
  size_t built = 0;
  int rc = 0;
  for (; built < nconds && rc == 0; built++)
    rc = matcher_init(&ms[built], b, &conds[built], a, err);
  int parts = parts_for(b, n);
  filter_ctx f = {ms, nconds, in ? in->rows : NULL, {NULL, NULL}, {0, 0}};
  if (rc == 0 && sel_reserve(out, n) != 0) rc = ts_errf(err, "out of memory filtering");
  if (rc == 0 && parts == 2 && (f.out[1] = ts_malloc(a, (n - n / 2) * sizeof *f.out[1])) == NULL)
    rc = ts_errf(err, "out of memory filtering");
  if (rc == 0) {
    f.out[0] = out->rows;
    run_parts(parts, n, filter_part, &f);
    if (parts == 2) memmove(out->rows + f.nout[0], f.out[1], f.nout[1] * sizeof *out->rows);
    out->n = f.nout[0] + f.nout[1];
  }
  ts_free(a, f.out[1]);
  for (size_t i = 0; i < built; i++) ts_free(a, ms[i].bits);
  return rc;
}

/* ---- group-by -------------------------------------------------------------------------------- */

typedef struct groups {
  slotmap map;
  uint64_t *key;
  double *count, *n, *sum, *min, *max;
  size_t ng, cap;
  bool oom;
} groups;

/* What one part reads when the dataset is a snapshot scanned whole: a
** block of rows of each key column and of the values at a time, read into
** buffers (ts_bulk_read says why), and coders pointing at them. */
typedef struct part_view {
  coder cs[8];
  ts_bulkcol cols[8];
  void *keys[8];
  double *x;
  bool failed;
  ts_err err;
} part_view;

typedef struct group_ctx {
  ts_bulk *b;
  const coder *cs;
  size_t nk;
  uint64_t mult[8];
  const uint32_t *rows;
  const double *x; /* values, or NULL for a count */
  int valcol; /* the column of x */
  bool minmax;
  groups g[2];
  /* What each part scans: cs and x, or a block of its view. */
  const coder *pcs[2];
  const double *px[2];
  part_view *view[2]; /* NULL unless the dataset is read through buffers */
  /* One small key and no min/max: sums indexed by the key's code itself,
  ** one set per part, made into groups at the end. */
  bool direct;
  uint64_t space;
  double *dcount[2], *dn[2], *dsum[2];
} group_ctx;

/* Doubles every per-group array together; on failure the ones already
** grown are merely larger, and cap stays what all of them hold. */
static int groups_room(groups *g, const ts_alloc *a) {
  if (g->ng < g->cap) return 0;
  size_t cap = g->cap ? g->cap * 2 : 256;
  uint64_t *key = ts_realloc(a, g->key, cap * sizeof *key);
  if (key == NULL) return -1;
  g->key = key;
  double **arrays[] = {&g->count, &g->n, &g->sum, &g->min, &g->max};
  for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) {
    double *p = ts_realloc(a, *arrays[i], cap * sizeof *p);
    if (p == NULL) return -1;
    *arrays[i] = p;
  }
  g->cap = cap;
  return 0;
}

/* The slot of key, adding an empty group when new; -1 on no memory. */
static int32_t group_slot(groups *g, uint64_t key, const ts_alloc *a) {
  int32_t s = slotmap_get(&g->map, key, (int32_t)g->ng, a);
  if (s >= 0) return s;
  if (s == -2 || groups_room(g, a) != 0) return -1;
  s = (int32_t)g->ng++;
  g->key[s] = key;
  g->count[s] = g->n[s] = g->sum[s] = 0;
  g->min[s] = INFINITY;
  g->max[s] = -INFINITY;
  return s;
}

static void accumulate(groups *g, int32_t s, double x, bool minmax) {
  g->count[s] += 1;
  bool present = !isnan(x);
  g->n[s] += present;
  g->sum[s] += present ? x : 0;
  if (minmax && present) {
    g->min[s] = x < g->min[s] ? x : g->min[s];
    g->max[s] = x > g->max[s] ? x : g->max[s];
  }
}

/* Slots of a block of keys; false when a new group found no memory. */
static bool block_slots(groups *g, const uint64_t *keys, size_t n, int32_t *slots,
                        const ts_alloc *a) {
  const int32_t *dense = g->map.dense;
  for (size_t i = 0; i < n; i++) {
    int32_t s = dense != NULL ? dense[keys[i]] : -1;
    if (s < 0 && (s = group_slot(g, keys[i], a)) < 0) return false;
    slots[i] = s;
  }
  return true;
}

/* The commonest direct case, every row by an int16 key (exporter, year):
** one loop over the two arrays, no block of codes. */
static void direct_i16(group_ctx *c, int part, size_t begin, size_t end) {
  double *count = c->dcount[part], *n = c->dn[part], *sum = c->dsum[part];
  const coder *cs = c->pcs[part];
  const int16_t *key = cs[0].col->data;
  const double *x = c->px[part];
  int32_t lo = cs[0].lo;
  uint64_t nacode = cs[0].card - 1;
  for (size_t r = begin; r < end; r++) {
    uint64_t k = key[r] == TS_NA_I16 ? nacode : (uint64_t)(key[r] - lo);
    bool present = !isnan(x[r]);
    count[k] += 1;
    n[k] += present;
    sum[k] += present ? x[r] : 0;
  }
}

static void direct_part(group_ctx *c, int part, size_t begin, size_t end) {
  const coder *cs = c->pcs[part];
  const double *x = c->px[part];
  if (c->rows == NULL && x != NULL && cs[0].col->type == TS_I16) {
    direct_i16(c, part, begin, end);
    return;
  }
  double *count = c->dcount[part], *n = c->dn[part], *sum = c->dsum[part];
  uint64_t keys[BLOCK];
  for (size_t at = begin; at < end; at += BLOCK) {
    size_t m = end - at < BLOCK ? end - at : BLOCK;
    memset(keys, 0, m * sizeof *keys);
    add_codes(&cs[0], 1, c->rows, at, m, keys);
    for (size_t i = 0; i < m; i++) {
      double v = x ? x[c->rows ? c->rows[at + i] : at + i] : 0;
      bool present = !isnan(v);
      count[keys[i]] += 1;
      n[keys[i]] += present;
      sum[keys[i]] += present ? v : 0;
    }
  }
}

/* The direct sums of both parts as groups of part 0. */
static int direct_groups(group_ctx *c, int parts, const ts_alloc *a) {
  for (uint64_t k = 0; k < c->space; k++) {
    for (int p = 1; p < parts; p++) {
      c->dcount[0][k] += c->dcount[p][k];
      c->dn[0][k] += c->dn[p][k];
      c->dsum[0][k] += c->dsum[p][k];
    }
    if (c->dcount[0][k] == 0) continue;
    int32_t s = group_slot(&c->g[0], k, a);
    if (s < 0) return -1;
    c->g[0].count[s] = c->dcount[0][k];
    c->g[0].n[s] = c->dn[0][k];
    c->g[0].sum[s] = c->dsum[0][k];
  }
  return 0;
}

/* One block at a time: keys column by column, then slots, then values,
** then the sums, each a loop over arrays. */
static void hashed_part(group_ctx *c, int part, size_t begin, size_t end) {
  groups *g = &c->g[part];
  const ts_alloc *a = &c->b->alloc;
  const coder *cs = c->pcs[part];
  const double *x = c->px[part];
  uint64_t keys[BLOCK];
  int32_t slots[BLOCK];
  double vals[BLOCK];
  for (size_t at = begin; at < end; at += BLOCK) {
    size_t n = end - at < BLOCK ? end - at : BLOCK;
    memset(keys, 0, n * sizeof *keys);
    for (size_t d = 0; d < c->nk; d++) add_codes(&cs[d], c->mult[d], c->rows, at, n, keys);
    if (!block_slots(g, keys, n, slots, a)) {
      g->oom = true;
      return;
    }
    for (size_t i = 0; i < n; i++) vals[i] = x ? x[c->rows ? c->rows[at + i] : at + i] : 0;
    if (c->minmax) {
      for (size_t i = 0; i < n; i++) accumulate(g, slots[i], vals[i], true);
      continue;
    }
    for (size_t i = 0; i < n; i++) {
      int32_t s = slots[i];
      bool present = !isnan(vals[i]);
      g->count[s] += 1;
      g->n[s] += present;
      g->sum[s] += present ? vals[i] : 0;
    }
  }
}

static void scan_part(group_ctx *c, int part, size_t begin, size_t end) {
  if (c->direct) direct_part(c, part, begin, end);
  else hashed_part(c, part, begin, end);
}

#define VIEW_ROWS ((size_t)1 << 15)

/* A snapshot's part, a block of VIEW_ROWS rows at a time through the
** part's buffers. */
static void buffered_part(group_ctx *c, int part, size_t begin, size_t end) {
  part_view *v = c->view[part];
  for (size_t at = begin; at < end && !v->failed && !c->g[part].oom; at += VIEW_ROWS) {
    size_t m = end - at < VIEW_ROWS ? end - at : VIEW_ROWS;
    for (size_t d = 0; d < c->nk && !v->failed; d++)
      v->failed = ts_bulk_read(c->b, (int)(c->cs[d].col - c->b->cols), at, m, v->keys[d],
                               &v->err) != 0;
    if (!v->failed && v->x != NULL)
      v->failed = ts_bulk_read(c->b, c->valcol, at, m, v->x, &v->err) != 0;
    if (!v->failed) scan_part(c, part, 0, m);
  }
}

static void group_part(void *p, int part, size_t begin, size_t end) {
  group_ctx *c = p;
  if (c->view[part] != NULL) buffered_part(c, part, begin, end);
  else scan_part(c, part, begin, end);
}

/* Part p's view: its own coders over buffers of VIEW_ROWS rows. */
static int view_init(group_ctx *c, int p, ts_err *err) {
  const ts_alloc *a = &c->b->alloc;
  part_view *v = ts_malloc(a, sizeof *v);
  if (v == NULL) return ts_errf(err, "out of memory grouping");
  memset(v, 0, sizeof *v);
  c->view[p] = v;
  for (size_t d = 0; d < c->nk; d++) {
    v->cols[d] = *c->cs[d].col;
    if ((v->keys[d] = ts_malloc(a, VIEW_ROWS * ts_type_size(v->cols[d].type))) == NULL)
      return ts_errf(err, "out of memory grouping");
    v->cols[d].data = v->keys[d];
    v->cs[d] = c->cs[d];
    v->cs[d].col = &v->cols[d];
  }
  if (c->x != NULL && (v->x = ts_malloc(a, VIEW_ROWS * sizeof *v->x)) == NULL)
    return ts_errf(err, "out of memory grouping");
  c->pcs[p] = v->cs;
  c->px[p] = v->x;
  return 0;
}

static void view_free(part_view *v, const ts_alloc *a) {
  if (v == NULL) return;
  for (int d = 0; d < 8; d++) ts_free(a, v->keys[d]);
  ts_free(a, v->x);
  ts_free(a, v);
}

static int merge_groups(groups *into, const groups *from, const ts_alloc *a) {
  for (size_t i = 0; i < from->ng; i++) {
    int32_t s = group_slot(into, from->key[i], a);
    if (s < 0) return -1;
    into->count[s] += from->count[i];
    into->n[s] += from->n[i];
    into->sum[s] += from->sum[i];
    into->min[s] = from->min[i] < into->min[s] ? from->min[i] : into->min[s];
    into->max[s] = from->max[i] > into->max[s] ? from->max[i] : into->max[s];
  }
  return 0;
}

static void groups_free(groups *g, const ts_alloc *a) {
  slotmap_free(&g->map, a);
  ts_free(a, g->key);
  ts_free(a, g->count);
  ts_free(a, g->n);
  ts_free(a, g->sum);
  ts_free(a, g->min);
  ts_free(a, g->max);
}

typedef struct keyslot {
  uint64_t key;
  uint32_t slot;
} keyslot;

static int cmp_keyslot(const void *x, const void *y) {
  const keyslot *a = x, *b = y;
  return (a->key > b->key) - (a->key < b->key);
}

static const char *key_name(const coder *c) {
  if (c->prefix == 2) return "chapter";
  if (c->prefix == 4) return "heading";
  return c->col->name;
}

/* Writes key d of the groups (in `order`) into column `col` of r. */
static int write_key(ts_bulk *r, int col, const coder *c, uint64_t mult, const keyslot *order,
                     size_t ng, ts_err *err) {
  ts_bulkcol *out = &r->cols[col];
  for (size_t i = 0; i < ng; i++) {
    uint64_t code = order[i].key / mult % c->card;
    bool na = code == c->card - 1;
    if (c->col->type == TS_STR) {
      int32_t id = TS_NA_ID;
      const strkey *name = &c->sc.names[code];
      if (!na && (id = ts_dict_intern(r->dict, name->s, name->len, err)) < 0) return -1;
      ((int32_t *)out->data)[i] = id;
    } else if (c->col->type == TS_I16) {
      ((int16_t *)out->data)[i] = na ? TS_NA_I16 : (int16_t)(c->lo + (int64_t)code);
    } else {
      ((int32_t *)out->data)[i] = na ? TS_NA_I32 : (int32_t)(c->lo + (int64_t)code);
    }
  }
  return 0;
}

static int add_agg(ts_bulk *r, const char *name, const double *v, const double *n, int mode,
                   const keyslot *order, size_t ng, ts_err *err) {
  int col = ts_bulk_add_column(r, name, TS_F64, ng, err);
  if (col < 0) return -1;
  double *out = r->cols[col].data;
  for (size_t i = 0; i < ng; i++) {
    uint32_t s = order[i].slot;
    double x = v[s];
    if (mode == 1) x = n[s] > 0 ? v[s] / n[s] : TS_NA_F64; /* mean */
    if (mode == 2 && n[s] == 0) x = TS_NA_F64;          /* min/max of nothing */
    out[i] = x;
  }
  if (r->measure < 0) r->measure = col;
  return 0;
}

static ts_bulk *build_result(group_ctx *c, const char *valname, unsigned aggs, ts_err *err) {
  const groups *g = &c->g[0];
  const ts_alloc *a = &c->b->alloc;
  keyslot *order = ts_malloc(a, (g->ng ? g->ng : 1) * sizeof *order);
  ts_bulk *r = order ? ts_bulk_new("result", a, err) : NULL;
  if (order == NULL) ts_errf(err, "out of memory grouping");
  if (r == NULL) {
    ts_free(a, order);
    return NULL;
  }
  snprintf(r->source, sizeof r->source, "%.200s (grouped)", c->b->source);
  for (size_t i = 0; i < g->ng; i++) order[i] = (keyslot){g->key[i], (uint32_t)i};
  qsort(order, g->ng, sizeof *order, cmp_keyslot);
  int rc = 0;
  for (size_t d = 0; d < c->nk && rc == 0; d++) {
    ts_type t = c->cs[d].col->type;
    int col = ts_bulk_add_column(r, key_name(&c->cs[d]), t, g->ng, err);
    rc = col < 0 ? -1 : write_key(r, col, &c->cs[d], c->mult[d], order, g->ng, err);
  }
  char name[TS_BULK_NAMELEN + 8];
  r->rows = g->ng;
  if (rc == 0 && (aggs & TS_AGG_SUM)) rc = add_agg(r, valname, g->sum, g->n, 0, order, g->ng, err);
  if (rc == 0 && (aggs & TS_AGG_COUNT))
    rc = add_agg(r, "count", g->count, g->n, 0, order, g->ng, err);
  snprintf(name, sizeof name, "%.*s_mean", TS_BULK_NAMELEN - 6, valname);
  if (rc == 0 && (aggs & TS_AGG_MEAN)) rc = add_agg(r, name, g->sum, g->n, 1, order, g->ng, err);
  snprintf(name, sizeof name, "%.*s_min", TS_BULK_NAMELEN - 5, valname);
  if (rc == 0 && (aggs & TS_AGG_MIN)) rc = add_agg(r, name, g->min, g->n, 2, order, g->ng, err);
  snprintf(name, sizeof name, "%.*s_max", TS_BULK_NAMELEN - 5, valname);
  if (rc == 0 && (aggs & TS_AGG_MAX)) rc = add_agg(r, name, g->max, g->n, 2, order, g->ng, err);
  snprintf(name, sizeof name, "%.*s_n", TS_BULK_NAMELEN - 3, valname);
  if (rc == 0 && (aggs & TS_AGG_PRESENT))
    rc = add_agg(r, name, g->n, g->n, 0, order, g->ng, err);
  ts_free(a, order);
  if (rc == 0) rc = ts_bulk_finish(r, err);
  if (rc != 0) {
    ts_bulk_free(r);
    return NULL;
  }
  return r;
}

static int group_setup(group_ctx *c, const ts_bkey *keys, size_t nk, coder *cs, int parts,
                       ts_err *err) {
  const ts_alloc *a = &c->b->alloc;
  if (nk == 0 || nk > 8) return ts_errf(err, "group by 1 to 8 keys, not %zu", nk);
  for (size_t d = 0; d < nk; d++) {
    for (size_t e = 0; e < d; e++)
      if (keys[e].col == keys[d].col && keys[e].prefix == keys[d].prefix)
        return ts_errf(err, "key '%s' given twice", key_name(&cs[e]));
    if (coder_init(&cs[d], c->b, keys[d], a, err) != 0) return -1;
    c->nk = d + 1;
  }
  uint64_t space;
  if (weights(cs, nk, c->mult, &space) != 0)
    return ts_errf(err, "too many key combinations to group by these %zu keys", nk);
  for (int p = 0; p < parts; p++)
    if (slotmap_init(&c->g[p].map, space, a) != 0) return ts_errf(err, "out of memory grouping");
  c->space = space;
  c->direct = nk == 1 && !c->minmax && space <= DIRECT_MAX;
  for (int p = 0; c->direct && p < parts; p++) {
    double **arrays[] = {&c->dcount[p], &c->dn[p], &c->dsum[p]};
    for (int i = 0; i < 3; i++) {
      if ((*arrays[i] = ts_malloc(a, (size_t)space * sizeof(double))) == NULL)
        return ts_errf(err, "out of memory grouping");
      memset(*arrays[i], 0, (size_t)space * sizeof(double));
    }
  }
  return 0;
}

ts_bulk *ts_bulk_group(ts_bulk *b, const ts_sel *sel, const ts_bkey *keys, size_t nkeys,
                       int valcol, unsigned aggs, ts_err *err) {
  const ts_alloc *a = &b->alloc;
  coder cs[8];
  group_ctx c = {.b = b, .cs = cs, .rows = sel ? sel->rows : NULL, .valcol = valcol,
                 .minmax = (aggs & (TS_AGG_MIN | TS_AGG_MAX)) != 0};
  ts_bulk *r = NULL;
  int rc = aggs == 0 ? ts_errf(err, "no aggregate asked for") : 0;
  if (rc == 0 && aggs != TS_AGG_COUNT) {
    rc = check_col(b, valcol, true, err);
    if (rc == 0) c.x = b->cols[valcol].data;
  }
  size_t n = sel_count(b, sel);
  int parts = parts_for(b, n);
  if (rc == 0) rc = group_setup(&c, keys, nkeys, cs, parts, err);
  for (int p = 0; p < parts && rc == 0; p++) {
    c.pcs[p] = cs, c.px[p] = c.x;
    if (b->fd >= 0 && sel == NULL) rc = view_init(&c, p, err);
  }
  if (rc == 0) {
    run_parts(parts, n, group_part, &c);
    for (int p = 0; p < parts && rc == 0; p++)
      if (c.view[p] != NULL && c.view[p]->failed) rc = ts_errf(err, "%s", c.view[p]->err.msg);
  }
  if (rc == 0) {
    bool oom = c.g[0].oom || c.g[1].oom;
    if (!oom && c.direct) oom = direct_groups(&c, parts, a) != 0;
    else if (!oom && parts == 2) oom = merge_groups(&c.g[0], &c.g[1], a) != 0;
    if (oom) rc = ts_errf(err, "out of memory grouping");
  }
  if (rc == 0) r = build_result(&c, valcol >= 0 ? b->cols[valcol].name : "value", aggs, err);
  for (size_t d = 0; d < c.nk; d++) coder_free(&cs[d], a);
  groups_free(&c.g[0], a);
  groups_free(&c.g[1], a);
  for (int p = 0; p < 2; p++) {
    ts_free(a, c.dcount[p]);
    ts_free(a, c.dn[p]);
    ts_free(a, c.dsum[p]);
    view_free(c.view[p], a);
  }
  return r;
}

/* ---- take ------------------------------------------------------------------------------------ */

static void gather(void *out, const void *in, size_t size, const ts_sel *sel, size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t r = sel ? sel->rows[i] : i;
    memcpy((char *)out + i * size, (const char *)in + r * size, size);
  }
}

ts_bulk *ts_bulk_take(ts_bulk *b, const ts_sel *sel, ts_err *err) {
  if (ts_bulk_verify(b, err) != 0) return NULL;
  ts_bulk *r = ts_bulk_new(b->kind, &b->alloc, err);
  if (r == NULL) return NULL;
  snprintf(r->source, sizeof r->source, "%s", b->source);
  size_t n = sel_count(b, sel);
  int rc = 0;
  /* the same strings in the same order keep every id */
  for (size_t i = 0; i < ts_dict_count(b->dict) && rc == 0; i++) {
    size_t len;
    const char *s = ts_dict_str(b->dict, (int32_t)i, &len);
    if (ts_dict_intern(r->dict, s, len, err) < 0) rc = -1;
  }
  for (size_t c = 0; c < b->ncols && rc == 0; c++) {
    const ts_bulkcol *src = &b->cols[c];
    int col = ts_bulk_add_column(r, src->name, src->type, n, err);
    if (col < 0) rc = -1;
    else gather(r->cols[col].data, src->data, ts_type_size(src->type), sel, n);
  }
  r->rows = n;
  r->measure = b->measure;
  if (rc == 0) rc = ts_bulk_finish(r, err);
  if (rc != 0) {
    ts_bulk_free(r);
    return NULL;
  }
  return r;
}

/* ---- stats ----------------------------------------------------------------------------------- */

int ts_bulk_stats(ts_bulk *b, const ts_sel *sel, int col, ts_stats *out, ts_err *err) {
  if (check_col(b, col, true, err) != 0) return -1;
  const double *x = b->cols[col].data;
  ts_stats st = {0, 0, 0.0, INFINITY, -INFINITY};
  size_t n = sel_count(b, sel);
  for (size_t i = 0; i < n; i++) {
    double v = x[sel ? sel->rows[i] : i];
    if (isnan(v)) {
      st.missing++;
      continue;
    }
    st.count++;
    st.sum += v;
    st.min = v < st.min ? v : st.min;
    st.max = v > st.max ? v : st.max;
  }
  if (st.count == 0) st.min = st.max = TS_NA_F64;
  *out = st;
  return 0;
}

/* ---- top and sort ---------------------------------------------------------------------------- */

typedef struct ranked {
  double v; /* the value, negated for descending order; NaN for missing */
  uint32_t row;
} ranked;

/* a before b: smaller v, missing last, then row order. */
static bool before(ranked a, ranked b) {
  if (isnan(a.v) != isnan(b.v)) return !isnan(a.v);
  if (!isnan(a.v) && a.v != b.v) return a.v < b.v;
  return a.row < b.row;
}

static int cmp_ranked(const void *x, const void *y) {
  ranked a = *(const ranked *)x, b = *(const ranked *)y;
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

static double value_at(const ts_bulkcol *c, size_t r) {
  if (c->type == TS_F64) return ((const double *)c->data)[r];
  int32_t k = ts_bulk_key(c, r);
  return k == na_of(c->type) ? NAN : (double)k;
}

static ranked rank_of(const ts_bulkcol *c, uint32_t r, bool desc) {
  double v = value_at(c, r);
  return (ranked){desc && !isnan(v) ? -v : v, r};
}

/* Max-heap on `before`: the root is the worst of the n best so far. */
static void sift_down(ranked *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, w = i;
    if (l < n && before(h[w], h[l])) w = l;
    if (l + 1 < n && before(h[w], h[l + 1])) w = l + 1;
    if (w == i) return;
    ranked t = h[i];
    h[i] = h[w];
    h[w] = t;
    i = w;
  }
}

static int check_rank_col(ts_bulk *b, int col, ts_err *err) {
  if (check_col(b, col, false, err) != 0) return -1;
  if (b->cols[col].type == TS_STR)
    return ts_errf(err, "column '%s' holds strings: rank by a number column", b->cols[col].name);
  return 0;
}

int ts_bulk_top(ts_bulk *b, const ts_sel *sel, int col, size_t n, bool desc, ts_sel *out,
                ts_err *err) {
  if (check_rank_col(b, col, err) != 0) return -1;
  size_t total = sel_count(b, sel), k = n < total ? n : total;
  ranked *h = ts_malloc(&b->alloc, (k ? k : 1) * sizeof *h);
  if (h == NULL || sel_reserve(out, k) != 0) {
    ts_free(&b->alloc, h);
    return ts_errf(err, "out of memory ranking");
  }
  const ts_bulkcol *c = &b->cols[col];
  size_t m = 0;
  for (size_t i = 0; i < total && k > 0; i++) {
    ranked x = rank_of(c, sel ? sel->rows[i] : (uint32_t)i, desc);
    if (m < k) {
      h[m++] = x;
      if (m == k)
        for (size_t j = k / 2 + 1; j-- > 0;) sift_down(h, k, j);
    } else if (before(x, h[0])) {
      h[0] = x;
      sift_down(h, k, 0);
    }
  }
  qsort(h, m, sizeof *h, cmp_ranked);
  for (size_t i = 0; i < m; i++) out->rows[i] = h[i].row;
  out->n = m;
  ts_free(&b->alloc, h);
  return 0;
}

int ts_bulk_sort(ts_bulk *b, const ts_sel *sel, int col, bool desc, ts_sel *out, ts_err *err) {
  if (check_rank_col(b, col, err) != 0) return -1;
  size_t n = sel_count(b, sel);
  ranked *all = ts_malloc(&b->alloc, (n ? n : 1) * sizeof *all);
  if (all == NULL || sel_reserve(out, n) != 0) {
    ts_free(&b->alloc, all);
    return ts_errf(err, "out of memory sorting");
  }
  for (size_t i = 0; i < n; i++)
    all[i] = rank_of(&b->cols[col], sel ? sel->rows[i] : (uint32_t)i, desc);
  qsort(all, n, sizeof *all, cmp_ranked);
  for (size_t i = 0; i < n; i++) out->rows[i] = all[i].row;
  out->n = n;
  ts_free(&b->alloc, all);
  return 0;
}

/* ---- join ------------------------------------------------------------------------------------ */

/* Codes a join key on both sides: integers over the union of the two
** ranges; strings by a's dictionary id, b's strings looked up in it (a
** string a lacks gets a code no row of a has). */
typedef struct jcoder {
  const ts_bulkcol *ac, *bc;
  int64_t lo;
  uint64_t card; /* card-2: missing, card-1: absent from a */
  int32_t *bmap; /* b id + 1 -> code */
} jcoder;

static uint64_t jcode(const jcoder *j, const ts_bulkcol *c, const int32_t *map, size_t r) {
  int32_t v = ts_bulk_key(c, r);
  if (v == na_of(c->type)) return j->card - 2;
  if (c->type == TS_STR) return map ? (uint64_t)map[v + 1] : (uint64_t)v;
  return (uint64_t)((int64_t)v - j->lo);
}

static int jcoder_init(jcoder *j, ts_bulk *a, int acol, ts_bulk *b, int bcol, ts_err *err) {
  memset(j, 0, sizeof *j);
  if (check_col(a, acol, false, err) != 0 || check_col(b, bcol, false, err) != 0) return -1;
  j->ac = &a->cols[acol];
  j->bc = &b->cols[bcol];
  bool as = j->ac->type == TS_STR, bs = j->bc->type == TS_STR;
  if (j->ac->type == TS_F64 || j->bc->type == TS_F64 || as != bs)
    return ts_errf(err, "cannot join '%s' with '%s': keys must both be integers or both strings",
                   j->ac->name, j->bc->name);
  if (as) {
    size_t na = ts_dict_count(a->dict), nb = ts_dict_count(b->dict);
    j->card = na + 2;
    if ((j->bmap = ts_malloc(&a->alloc, (nb + 1) * sizeof *j->bmap)) == NULL)
      return ts_errf(err, "out of memory joining");
    j->bmap[0] = (int32_t)na;
    for (size_t i = 0; i < nb; i++) {
      size_t len;
      const char *s = ts_dict_str(b->dict, (int32_t)i, &len);
      int32_t id = ts_dict_find(a->dict, s, len);
      j->bmap[i + 1] = id >= 0 ? id : (int32_t)(na + 1);
    }
    return 0;
  }
  int64_t lo = j->ac->lo < j->bc->lo ? j->ac->lo : j->bc->lo;
  int64_t hi = j->ac->hi > j->bc->hi ? j->ac->hi : j->bc->hi;
  if (j->ac->lo > j->ac->hi) lo = j->bc->lo, hi = j->bc->hi;
  if (j->bc->lo > j->bc->hi) lo = j->ac->lo, hi = j->ac->hi;
  j->lo = lo;
  j->card = lo <= hi ? (uint64_t)(hi - lo) + 3 : 2;
  return 0;
}

#define NO_ROW UINT32_MAX /* a key on the other side only */

typedef struct join_ctx {
  ts_bulk *a, *b;
  const ts_sel *asel, *bsel;
  ts_join how;
  jcoder js[8];
  size_t nk;
  uint64_t mult[8];
  slotmap map;
  uint32_t *pa, *pb; /* the rows of each result row, or NO_ROW */
  size_t np;
  bool *bmatched; /* an outer join: b's rows that met a row of a */
} join_ctx;

static uint64_t join_key(const join_ctx *c, bool side_b, size_t r) {
  uint64_t k = 0;
  for (size_t d = 0; d < c->nk; d++) {
    const jcoder *j = &c->js[d];
    k += jcode(j, side_b ? j->bc : j->ac, side_b ? j->bmap : NULL, r) * c->mult[d];
  }
  return k;
}

static int duplicate_key(const join_ctx *c, size_t r, ts_err *err) {
  char text[200];
  size_t used = 0;
  for (size_t d = 0; d < c->nk && used < sizeof text; d++) {
    const ts_bulkcol *col = c->js[d].bc;
    int32_t v = ts_bulk_key(col, r);
    const char *s = col->type == TS_STR ? ts_dict_str(c->b->dict, v, NULL) : NULL;
    int n = s ? snprintf(text + used, sizeof text - used, "%s%s=%s", d ? ", " : "", col->name, s)
              : snprintf(text + used, sizeof text - used, "%s%s=%d", d ? ", " : "", col->name, v);
    used += n > 0 ? (size_t)n : 0;
  }
  return ts_errf(err, "join: the key (%s) appears twice in the other dataset (group it first)",
                 text);
}

static int join_setup(join_ctx *c, const int *acols, const int *bcols, size_t nk, ts_err *err) {
  if (nk == 0 || nk > 8) return ts_errf(err, "join on 1 to 8 keys, not %zu", nk);
  for (size_t d = 0; d < nk; d++) {
    c->nk = d + 1;
    if (jcoder_init(&c->js[d], c->a, acols[d], c->b, bcols[d], err) != 0) return -1;
  }
  uint64_t m = 1;
  for (size_t d = nk; d-- > 0;) {
    c->mult[d] = m;
    if (c->js[d].card > ((uint64_t)1 << 62) / m)
      return ts_errf(err, "too many key combinations to join on these %zu keys", nk);
    m *= c->js[d].card;
  }
  if (slotmap_init(&c->map, m, &c->a->alloc) != 0) return ts_errf(err, "out of memory joining");
  return 0;
}

/* b's rows by key, then a's rows probed in order, then (an outer join)
** b's rows that no row of a met. */
static int join_match(join_ctx *c, ts_err *err) {
  const ts_alloc *al = &c->a->alloc;
  size_t nb = sel_count(c->b, c->bsel), na = sel_count(c->a, c->asel);
  for (size_t i = 0; i < nb; i++) {
    size_t r = c->bsel ? c->bsel->rows[i] : i;
    int32_t s = slotmap_get(&c->map, join_key(c, true, r), (int32_t)r, al);
    if (s == -2) return ts_errf(err, "out of memory joining");
    if (s >= 0) return duplicate_key(c, r, err);
  }
  size_t cap = na + (c->how == TS_JOIN_OUTER ? nb : 0);
  c->pa = ts_malloc(al, (cap ? cap : 1) * sizeof *c->pa);
  c->pb = ts_malloc(al, (cap ? cap : 1) * sizeof *c->pb);
  if (c->how == TS_JOIN_OUTER &&
      (c->bmatched = ts_malloc(al, (c->b->rows ? c->b->rows : 1) * sizeof *c->bmatched)) != NULL)
    memset(c->bmatched, 0, c->b->rows * sizeof *c->bmatched);
  if (c->pa == NULL || c->pb == NULL || (c->how == TS_JOIN_OUTER && c->bmatched == NULL))
    return ts_errf(err, "out of memory joining");
  for (size_t i = 0; i < na; i++) {
    size_t r = c->asel ? c->asel->rows[i] : i;
    int32_t s = slotmap_get(&c->map, join_key(c, false, r), -1, al);
    if (s < 0 && c->how == TS_JOIN_INNER) continue;
    c->pa[c->np] = (uint32_t)r;
    c->pb[c->np++] = s < 0 ? NO_ROW : (uint32_t)s;
    if (s >= 0 && c->bmatched != NULL) c->bmatched[s] = true;
  }
  for (size_t i = 0; c->bmatched != NULL && i < nb; i++) {
    size_t r = c->bsel ? c->bsel->rows[i] : i;
    if (c->bmatched[r]) continue;
    c->pa[c->np] = NO_ROW;
    c->pb[c->np++] = (uint32_t)r;
  }
  return 0;
}

/* Key column d of the result: a's value, or b's where a has no row (an
** int32 column when a's and b's integer columns differ in width). */
static int copy_key(ts_bulk *r, const join_ctx *c, size_t d, ts_err *err) {
  const ts_bulkcol *ac = c->js[d].ac, *bc = c->js[d].bc;
  ts_type type = ac->type == bc->type ? ac->type : TS_I32;
  size_t n = c->np;
  int col = ts_bulk_add_column(r, ac->name, type, n, err);
  if (col < 0) return -1;
  void *out = r->cols[col].data;
  for (size_t i = 0; i < n; i++) {
    bool from_a = c->pa[i] != NO_ROW;
    const ts_bulkcol *src = from_a ? ac : bc;
    size_t row = from_a ? c->pa[i] : c->pb[i];
    int32_t v = ts_bulk_key(src, row);
    if (type == TS_STR) {
      size_t len;
      const char *s = ts_dict_str(from_a ? c->a->dict : c->b->dict, v, &len);
      if (s != NULL && (v = ts_dict_intern(r->dict, s, len, err)) < 0) return -1;
      if (s == NULL) v = TS_NA_ID;
    } else if (v == (src->type == TS_I16 ? TS_NA_I16 : TS_NA_I32)) {
      v = type == TS_I16 ? TS_NA_I16 : TS_NA_I32;
    }
    if (type == TS_I16) ((int16_t *)out)[i] = (int16_t)v;
    else ((int32_t *)out)[i] = v;
  }
  return 0;
}

static int join_columns(ts_bulk *r, join_ctx *c, int aval, int bval, ts_err *err) {
  size_t n = c->np;
  for (size_t d = 0; d < c->nk; d++)
    if (copy_key(r, c, d, err) != 0) return -1;
  int cv = ts_bulk_add_column(r, "value", TS_F64, n, err);
  int cb = cv < 0 ? -1 : ts_bulk_add_column(r, "base", TS_F64, n, err);
  int cc = cb < 0 ? -1 : ts_bulk_add_column(r, "change", TS_F64, n, err);
  int cg = cc < 0 ? -1 : ts_bulk_add_column(r, "growth", TS_F64, n, err);
  if (cg < 0) return -1;
  const double *va = c->a->cols[aval].data, *vb = c->b->cols[bval].data;
  double *ov = r->cols[cv].data, *ob = r->cols[cb].data, *oc = r->cols[cc].data,
         *og = r->cols[cg].data;
  for (size_t i = 0; i < n; i++) {
    double v = c->pa[i] != NO_ROW ? va[c->pa[i]] : 0, base = c->pb[i] != NO_ROW ? vb[c->pb[i]] : 0;
    ov[i] = v;
    ob[i] = base;
    oc[i] = v - base;
    og[i] = base != 0 && !isnan(base) ? (v - base) / base : TS_NA_F64;
  }
  r->rows = n;
  r->measure = cv;
  return 0;
}

ts_bulk *ts_bulk_join(ts_bulk *a, const ts_sel *asel, ts_bulk *b, const ts_sel *bsel,
                      const int *acols, const int *bcols, size_t nkeys, int aval, int bval,
                      ts_join how, ts_err *err) {
  join_ctx c = {.a = a, .b = b, .asel = asel, .bsel = bsel, .how = how};
  const ts_alloc *al = &a->alloc;
  ts_bulk *r = NULL;
  int rc = check_col(a, aval, true, err);
  if (rc == 0) rc = check_col(b, bval, true, err);
  if (rc == 0) rc = join_setup(&c, acols, bcols, nkeys, err);
  if (rc == 0) rc = join_match(&c, err);
  if (rc == 0 && (r = ts_bulk_new("result", al, err)) == NULL) rc = -1;
  if (rc == 0) {
    snprintf(r->source, sizeof r->source, "%.200s (joined)", a->source);
    rc = join_columns(r, &c, aval, bval, err);
    if (rc == 0) rc = ts_bulk_finish(r, err);
    if (rc != 0) ts_bulk_free(r), r = NULL;
  }
  for (size_t d = 0; d < c.nk; d++) ts_free(al, c.js[d].bmap);
  slotmap_free(&c.map, al);
  ts_free(al, c.pa);
  ts_free(al, c.pb);
  ts_free(al, c.bmatched);
  return r;
}
