/*
** store.c — tables of typed columns, the string dictionary, transactions,
** filters and aggregates.
**
** Invariants: every column holds t->rows values (its cap may be larger);
** every dictionary id below d->n has its bytes in d->bytes and one slot in
** the hash table; nothing is written to the table until every allocation an
** operation needs has succeeded, so a failure leaves no trace.
*/
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocator ------------------------------------------------------------ */

static void *libc_malloc(void *ud, size_t size) {
  (void)ud;
  return malloc(size);
}

static void *libc_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  return realloc(ptr, size);
}

static void libc_free(void *ud, void *ptr) {
  (void)ud;
  free(ptr);
}

const ts_alloc ts_alloc_libc = {libc_malloc, libc_realloc, libc_free, NULL};

void *ts_malloc(const ts_alloc *a, size_t size) {
  if (a == NULL) a = &ts_alloc_libc;
  return a->malloc_fn(a->ud, size ? size : 1);
}

void *ts_realloc(const ts_alloc *a, void *ptr, size_t size) {
  if (a == NULL) a = &ts_alloc_libc;
  if (ptr == NULL) return a->malloc_fn(a->ud, size ? size : 1);
  return a->realloc_fn(a->ud, ptr, size ? size : 1);
}

void ts_free(const ts_alloc *a, void *ptr) {
  if (a == NULL) a = &ts_alloc_libc;
  if (ptr != NULL) a->free_fn(a->ud, ptr);
}

/* The array pointer is read and written with memcpy: any T * goes in
** without a cast through void **, which would break strict aliasing. */
int ts_grow(const ts_alloc *a, void *array, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t n = *cap < 8 ? 8 : *cap;
  while (n < need) n = n > SIZE_MAX / 2 ? need : n * 2;
  if (n > SIZE_MAX / size) return -1;
  void *p;
  memcpy(&p, array, sizeof p);
  void *q = ts_realloc(a, p, n * size);
  if (q == NULL) return -1;
  memcpy(array, &q, sizeof q);
  *cap = n;
  return 0;
}

/* ---- types and values ------------------------------------------------------- */

const char *ts_type_name(ts_type type) {
  switch (type) {
  case TS_I16: return "int16";
  case TS_I32: return "int32";
  case TS_I64: return "int64";
  case TS_F64: return "double";
  case TS_STR: return "string";
  }
  return "?";
}

size_t ts_type_size(ts_type type) {
  switch (type) {
  case TS_I16: return sizeof(int16_t);
  case TS_I32: return sizeof(int32_t);
  case TS_I64: return sizeof(int64_t);
  case TS_F64: return sizeof(double);
  case TS_STR: return sizeof(int32_t);
  }
  return 0;
}

ts_value ts_str(const char *s) { return ts_strn(s, strlen(s)); }

static const char *kind_name(ts_vkind kind) {
  switch (kind) {
  case TS_V_NA: return "a missing value";
  case TS_V_INT: return "an integer";
  case TS_V_NUM: return "a number";
  case TS_V_STR: return "a string";
  }
  return "?";
}

/* ---- the table ------------------------------------------------------------- */

typedef struct dict_entry {
  size_t off, len;
  uint32_t hash;
} dict_entry;

/* Strings back to back (each NUL-terminated) in one byte array, so that a
** rollback is a truncation and a snapshot is one write. */
typedef struct dict {
  char *bytes;
  size_t used, bytes_cap;
  dict_entry *ents;
  size_t n, ents_cap;
  int32_t *slots; /* open addressing, -1 empty; nslots is 0 or a power of two */
  size_t nslots;
} dict;

struct ts_table {
  char *name;
  ts_alloc alloc;
  size_t rows;
  ts_column **cols; /* pointers, so a ts_column * stays valid as columns are added */
  size_t ncols, cols_cap;
  dict dict;
};

static int oom(const ts_table *t, ts_err *err, const char *what) {
  return ts_errf(err, "table '%s': out of memory %s", t->name, what);
}

static char *dup_string(const ts_alloc *a, const char *s) {
  size_t len = strlen(s) + 1;
  char *p = ts_malloc(a, len);
  if (p != NULL) memcpy(p, s, len);
  return p;
}

ts_table *ts_table_new(const char *name, const ts_alloc *a, ts_err *err) {
  if (a == NULL) a = &ts_alloc_libc;
  ts_table *t = ts_malloc(a, sizeof *t);
  if (t == NULL) {
    ts_errf(err, "table '%s': out of memory creating it", name);
    return NULL;
  }
  memset(t, 0, sizeof *t);
  t->alloc = *a;
  t->name = dup_string(a, name);
  if (t->name == NULL) {
    ts_free(a, t);
    ts_errf(err, "table '%s': out of memory creating it", name);
    return NULL;
  }
  return t;
}

static void free_column(const ts_table *t, ts_column *c) {
  ts_free(&t->alloc, c->data);
  ts_free(&t->alloc, (char *)c->name);
  ts_free(&t->alloc, c);
}

void ts_table_free(ts_table *t) {
  if (t == NULL) return;
  const ts_alloc a = t->alloc;
  for (size_t i = 0; i < t->ncols; i++) free_column(t, t->cols[i]);
  ts_free(&a, t->cols);
  ts_free(&a, t->dict.bytes);
  ts_free(&a, t->dict.ents);
  ts_free(&a, t->dict.slots);
  ts_free(&a, t->name);
  ts_free(&a, t);
}

const char *ts_table_name(const ts_table *t) { return t->name; }
size_t ts_table_rows(const ts_table *t) { return t->rows; }
size_t ts_table_ncols(const ts_table *t) { return t->ncols; }

const ts_column *ts_table_col(const ts_table *t, size_t i) {
  return i < t->ncols ? t->cols[i] : NULL;
}

const ts_column *ts_table_find(const ts_table *t, const char *name) {
  for (size_t i = 0; i < t->ncols; i++)
    if (strcmp(t->cols[i]->name, name) == 0) return t->cols[i];
  return NULL;
}

static bool owns_column(const ts_table *t, const ts_column *c) {
  for (size_t i = 0; i < t->ncols; i++)
    if (t->cols[i] == c) return true;
  return false;
}

static void fill_missing(ts_column *c, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) {
    switch (c->type) {
    case TS_I16: ((int16_t *)c->data)[i] = TS_NA_I16; break;
    case TS_I32: ((int32_t *)c->data)[i] = TS_NA_I32; break;
    case TS_I64: ((int64_t *)c->data)[i] = TS_NA_I64; break;
    case TS_F64: ((double *)c->data)[i] = TS_NA_F64; break;
    case TS_STR: ((int32_t *)c->data)[i] = TS_NA_ID; break;
    }
  }
}

static int grow_column(const ts_table *t, ts_column *c, size_t rows, ts_err *err) {
  if (ts_grow(&t->alloc, &c->data, &c->cap, rows, ts_type_size(c->type)) == 0) return 0;
  return ts_errf(err, "table '%s': out of memory growing column '%s' to %zu rows", t->name,
                 c->name, rows);
}

static ts_column *new_column(ts_table *t, const char *name, ts_type type, ts_err *err) {
  ts_column *c = ts_malloc(&t->alloc, sizeof *c);
  if (c == NULL) {
    oom(t, err, "adding a column");
    return NULL;
  }
  *c = (ts_column){.name = dup_string(&t->alloc, name), .type = type};
  if (c->name == NULL) {
    ts_free(&t->alloc, c);
    oom(t, err, "adding a column");
    return NULL;
  }
  if (t->rows > 0 && grow_column(t, c, t->rows, err) != 0) {
    free_column(t, c);
    return NULL;
  }
  fill_missing(c, 0, t->rows);
  return c;
}

int ts_table_add_column(ts_table *t, const char *name, ts_type type, ts_err *err) {
  if ((unsigned)type > TS_STR)
    return ts_errf(err, "table '%s': column '%s': unknown type %d", t->name, name, (int)type);
  if (name[0] == '\0') return ts_errf(err, "table '%s': a column needs a name", t->name);
  if (ts_table_find(t, name) != NULL)
    return ts_errf(err, "table '%s': column '%s' already exists", t->name, name);
  if (ts_grow(&t->alloc, &t->cols, &t->cols_cap, t->ncols + 1, sizeof *t->cols))
    return oom(t, err, "adding a column");
  ts_column *c = new_column(t, name, type, err);
  if (c == NULL) return -1;
  t->cols[t->ncols] = c;
  return (int)t->ncols++;
}

static int ensure_rows(ts_table *t, size_t rows, ts_err *err) {
  if (rows > TS_MAX_ROWS)
    return ts_errf(err, "table '%s': %zu rows is more than a table holds (%zu)", t->name, rows,
                   TS_MAX_ROWS);
  for (size_t i = 0; i < t->ncols; i++)
    if (grow_column(t, t->cols[i], rows, err) != 0) return -1;
  return 0;
}

int ts_table_reserve(ts_table *t, size_t rows, ts_err *err) { return ensure_rows(t, rows, err); }

size_t ts_table_memory(const ts_table *t) {
  size_t n = sizeof *t + strlen(t->name) + 1 + t->cols_cap * sizeof *t->cols;
  for (size_t i = 0; i < t->ncols; i++) {
    const ts_column *c = t->cols[i];
    n += sizeof *c + strlen(c->name) + 1 + c->cap * ts_type_size(c->type);
  }
  const dict *d = &t->dict;
  return n + d->bytes_cap + d->ents_cap * sizeof *d->ents + d->nslots * sizeof *d->slots;
}

/* ---- dictionary ------------------------------------------------------------- */

/* FNV-1a: short strings (country and product codes) dominate, and it needs
** no alignment or tail handling. */
static uint32_t hash_bytes(const char *s, size_t len) {
  uint64_t h = 14695981039346656037u;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211u;
  }
  return (uint32_t)(h ^ (h >> 32));
}

static bool entry_is(const dict *d, const dict_entry *e, const char *s, size_t len, uint32_t h) {
  return e->hash == h && e->len == len && (len == 0 || memcmp(d->bytes + e->off, s, len) == 0);
}

static int32_t dict_lookup(const dict *d, const char *s, size_t len, uint32_t h) {
  if (d->nslots == 0) return TS_NA_ID;
  size_t mask = d->nslots - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    int32_t id = d->slots[i];
    if (id < 0 || entry_is(d, &d->ents[id], s, len, h)) return id;
  }
}

static void slot_insert(int32_t *slots, size_t nslots, uint32_t h, int32_t id) {
  size_t mask = nslots - 1, i = h & mask;
  while (slots[i] >= 0) i = (i + 1) & mask;
  slots[i] = id;
}

static void rehash_into(const dict *d, int32_t *slots, size_t nslots) {
  for (size_t i = 0; i < nslots; i++) slots[i] = -1;
  for (size_t id = 0; id < d->n; id++) slot_insert(slots, nslots, d->ents[id].hash, (int32_t)id);
}

/* Keeps the load factor at most one half, so probes stay short. */
static int grow_slots(const ts_table *t, dict *d) {
  if ((d->n + 1) * 2 <= d->nslots) return 0;
  size_t n = d->nslots ? d->nslots * 2 : 16;
  if (n > SIZE_MAX / sizeof *d->slots) return -1;
  int32_t *slots = ts_malloc(&t->alloc, n * sizeof *slots);
  if (slots == NULL) return -1;
  rehash_into(d, slots, n);
  ts_free(&t->alloc, d->slots);
  d->slots = slots;
  d->nslots = n;
  return 0;
}

static int dict_reserve(const ts_table *t, dict *d, size_t len) {
  if (len > SIZE_MAX - d->used - 1) return -1;
  if (grow_slots(t, d) != 0) return -1;
  if (ts_grow(&t->alloc, &d->ents, &d->ents_cap, d->n + 1, sizeof *d->ents)) return -1;
  return ts_grow(&t->alloc, &d->bytes, &d->bytes_cap, d->used + len + 1, 1);
}

int32_t ts_dict_intern(ts_table *t, const char *s, size_t len, ts_err *err) {
  dict *d = &t->dict;
  uint32_t h = hash_bytes(s, len);
  int32_t id = dict_lookup(d, s, len, h);
  if (id >= 0) return id;
  if (d->n >= (size_t)INT32_MAX)
    return ts_errf(err, "table '%s': more than %d distinct strings", t->name, INT32_MAX);
  if (dict_reserve(t, d, len) != 0) return oom(t, err, "adding a string");
  if (len > 0) memcpy(d->bytes + d->used, s, len);
  d->bytes[d->used + len] = '\0';
  d->ents[d->n] = (dict_entry){d->used, len, h};
  d->used += len + 1;
  id = (int32_t)d->n++;
  slot_insert(d->slots, d->nslots, h, id);
  return id;
}

int32_t ts_dict_find(const ts_table *t, const char *s, size_t len) {
  return dict_lookup(&t->dict, s, len, hash_bytes(s, len));
}

const char *ts_dict_str(const ts_table *t, int32_t id, size_t *len) {
  const dict *d = &t->dict;
  if (id < 0 || (size_t)id >= d->n) return NULL;
  if (len != NULL) *len = d->ents[id].len;
  return d->bytes + d->ents[id].off;
}

size_t ts_dict_count(const ts_table *t) { return t->dict.n; }

/* ---- transactions -------------------------------------------------------------- */

ts_mark ts_table_mark(const ts_table *t) {
  return (ts_mark){t->rows, t->ncols, t->dict.n, t->dict.used};
}

/* The hash table is rebuilt rather than pruned: linear probing cannot drop
** keys in place, and a rebuild into the same slots needs no allocation. */
static void rollback_strings(dict *d, size_t n, size_t used) {
  if (n >= d->n) return;
  d->n = n;
  d->used = used;
  rehash_into(d, d->slots, d->nslots);
}

void ts_table_rollback(ts_table *t, ts_mark m) {
  while (t->ncols > m.cols) free_column(t, t->cols[--t->ncols]);
  if (m.rows < t->rows) t->rows = m.rows;
  rollback_strings(&t->dict, m.strings, m.bytes);
}

/* ---- appending a row ------------------------------------------------------------ */

static int type_error(const ts_table *t, const ts_column *c, ts_value v, ts_err *err) {
  return ts_errf(err, "table '%s': column '%s': expected %s, got %s", t->name, c->name,
                 ts_type_name(c->type), kind_name(v.kind));
}

static int range_error(const ts_table *t, const ts_column *c, ts_value v, int64_t lo, int64_t hi,
                       ts_err *err) {
  char shown[32];
  if (v.kind == TS_V_INT) snprintf(shown, sizeof shown, "%" PRId64, v.u.i);
  else snprintf(shown, sizeof shown, "%.17g", v.u.d);
  return ts_errf(err, "table '%s': column '%s': %s is not %s (an integer in %" PRId64
                      "..%" PRId64 ")", t->name, c->name, shown, ts_type_name(c->type), lo, hi);
}

/* Accepts an integer, or a number with an exact integer value, in lo..hi. */
static int to_integer(const ts_table *t, const ts_column *c, ts_value v, int64_t lo, int64_t hi,
                      int64_t *out, ts_err *err) {
  int64_t i = 0;
  if (v.kind == TS_V_INT) i = v.u.i;
  else if (v.kind != TS_V_NUM) return type_error(t, c, v, err);
  /* -2^63 <= d < 2^63 is what converts without overflow; -2^63 is the
  ** int64 sentinel anyway, so the lower bound is strict. */
  else if (v.u.d > -9223372036854775808.0 && v.u.d < 9223372036854775808.0 &&
           (double)(int64_t)v.u.d == v.u.d)
    i = (int64_t)v.u.d;
  else return range_error(t, c, v, lo, hi, err);
  if (i < lo || i > hi) return range_error(t, c, v, lo, hi, err);
  *out = i;
  return 0;
}

/* 2^53: beyond it not every integer has a double. */
#define EXACT_DOUBLE_INT 9007199254740992

static int to_double(const ts_table *t, const ts_column *c, ts_value v, double *out, ts_err *err) {
  if (v.kind == TS_V_NUM) *out = v.u.d;
  else if (v.kind != TS_V_INT) return type_error(t, c, v, err);
  else if (v.u.i < -EXACT_DOUBLE_INT || v.u.i > EXACT_DOUBLE_INT)
    return ts_errf(err, "table '%s': column '%s': %" PRId64 " has no exact double value",
                   t->name, c->name, v.u.i);
  else *out = (double)v.u.i;
  return 0;
}

static int store_int(const ts_table *t, ts_column *c, size_t row, ts_value v, ts_err *err) {
  static const int64_t lo[] = {[TS_I16] = INT16_MIN + 1, [TS_I32] = INT32_MIN + 1,
                               [TS_I64] = INT64_MIN + 1};
  static const int64_t hi[] = {[TS_I16] = INT16_MAX, [TS_I32] = INT32_MAX,
                               [TS_I64] = INT64_MAX};
  int64_t i = 0;
  if (v.kind == TS_V_NA) {
    fill_missing(c, row, row + 1);
    return 0;
  }
  if (to_integer(t, c, v, lo[c->type], hi[c->type], &i, err) != 0) return -1;
  if (c->type == TS_I16) ((int16_t *)c->data)[row] = (int16_t)i;
  else if (c->type == TS_I32) ((int32_t *)c->data)[row] = (int32_t)i;
  else ((int64_t *)c->data)[row] = i;
  return 0;
}

static int store_value(ts_table *t, ts_column *c, size_t row, ts_value v, ts_err *err) {
  double d = TS_NA_F64;
  int32_t id = TS_NA_ID;
  switch (c->type) {
  case TS_I16:
  case TS_I32:
  case TS_I64: return store_int(t, c, row, v, err);
  case TS_F64:
    if (v.kind != TS_V_NA && to_double(t, c, v, &d, err) != 0) return -1;
    ((double *)c->data)[row] = d;
    return 0;
  case TS_STR:
    if (v.kind == TS_V_STR && (id = ts_dict_intern(t, v.u.str.s, v.u.str.len, err)) < 0)
      return -1;
    if (v.kind != TS_V_STR && v.kind != TS_V_NA) return type_error(t, c, v, err);
    ((int32_t *)c->data)[row] = id;
    return 0;
  }
  return -1;
}

int ts_table_append(ts_table *t, const ts_value *row, size_t n, ts_err *err) {
  if (n != t->ncols)
    return ts_errf(err, "table '%s': a row of %zu values for %zu columns", t->name, n, t->ncols);
  if (ensure_rows(t, t->rows + 1, err) != 0) return -1;
  /* Values land past the last row, invisible until rows moves; only the
  ** strings this row interned need undoing on failure. */
  ts_mark m = ts_table_mark(t);
  for (size_t i = 0; i < n; i++) {
    if (store_value(t, t->cols[i], t->rows, row[i], err) != 0) {
      rollback_strings(&t->dict, m.strings, m.bytes);
      return -1;
    }
  }
  t->rows++;
  return 0;
}

ts_value ts_table_get(const ts_table *t, const ts_column *c, size_t row) {
  int64_t i = 0;
  double d;
  size_t len;
  const char *s;
  switch (c->type) {
  case TS_I16: i = ((const int16_t *)c->data)[row]; return i == TS_NA_I16 ? ts_na() : ts_int(i);
  case TS_I32: i = ((const int32_t *)c->data)[row]; return i == TS_NA_I32 ? ts_na() : ts_int(i);
  case TS_I64: i = ((const int64_t *)c->data)[row]; return i == TS_NA_I64 ? ts_na() : ts_int(i);
  case TS_F64: d = ((const double *)c->data)[row]; return isnan(d) ? ts_na() : ts_num(d);
  case TS_STR:
    s = ts_dict_str(t, ((const int32_t *)c->data)[row], &len);
    return s == NULL ? ts_na() : ts_strn(s, len);
  }
  return ts_na();
}

/* ---- selections ------------------------------------------------------------------ */

void ts_sel_init(ts_sel *s, const ts_alloc *a) {
  *s = (ts_sel){.alloc = a != NULL ? *a : ts_alloc_libc};
}

void ts_sel_free(ts_sel *s) {
  ts_free(&s->alloc, s->rows);
  s->rows = NULL;
  s->n = s->cap = 0;
}

/* Exact, not doubling: a filter's output is sized once by its input. */
static int sel_reserve(ts_sel *s, size_t n) {
  if (n <= s->cap) return 0;
  if (n > SIZE_MAX / sizeof *s->rows) return -1;
  uint32_t *rows = ts_realloc(&s->alloc, s->rows, n * sizeof *rows);
  if (rows == NULL) return -1;
  s->rows = rows;
  s->cap = n;
  return 0;
}

static int check_column(const ts_table *t, const ts_column *c, bool by_value, ts_err *err) {
  if (!owns_column(t, c))
    return ts_errf(err, "table '%s': column '%s' belongs to another table", t->name, c->name);
  if (by_value && c->type != TS_I16 && c->type != TS_I32 && c->type != TS_STR)
    return ts_errf(err, "table '%s': column '%s': filtering by value needs an int16, int32 or "
                        "string column, not %s", t->name, c->name, ts_type_name(c->type));
  if (!by_value && c->type != TS_F64)
    return ts_errf(err, "table '%s': column '%s': aggregates need a double column, not %s",
                   t->name, c->name, ts_type_name(c->type));
  return 0;
}

/* Sizes `out` for every candidate row before any loop writes to it. */
static int prepare_out(const ts_table *t, const ts_sel *in, ts_sel *out, ts_err *err) {
  size_t n = in != NULL ? in->n : t->rows;
  if (sel_reserve(out, n) != 0) return oom(t, err, "building a selection");
  return 0;
}

/* ---- filters ---------------------------------------------------------------------- */

/* Branch-free: every candidate is written and the count advances only on a
** match, so the loop has no unpredictable branch.  out[k] with k <= i stays
** inside the candidates, which also makes in-place filtering safe. */
#define DEFINE_EQ(NAME, T)                                                                    \
  static size_t NAME(const T *v, const uint32_t *rows, size_t n, T x, uint32_t *out) {       \
    size_t k = 0;                                                                             \
    if (rows == NULL) {                                                                       \
      for (size_t i = 0; i < n; i++) {                                                        \
        out[k] = (uint32_t)i;                                                                 \
        k += v[i] == x;                                                                       \
      }                                                                                       \
    } else {                                                                                  \
      for (size_t i = 0; i < n; i++) {                                                        \
        uint32_t r = rows[i];                                                                 \
        out[k] = r;                                                                           \
        k += v[r] == x;                                                                       \
      }                                                                                       \
    }                                                                                         \
    return k;                                                                                 \
  }

DEFINE_EQ(eq_i16, int16_t)
DEFINE_EQ(eq_i32, int32_t)

int ts_filter_eq(const ts_table *t, const ts_column *c, int32_t v, const ts_sel *in, ts_sel *out,
                 ts_err *err) {
  if (check_column(t, c, true, err) != 0 || prepare_out(t, in, out, err) != 0) return -1;
  const uint32_t *rows = in != NULL ? in->rows : NULL;
  size_t n = in != NULL ? in->n : t->rows;
  if (c->type == TS_I16 && (v < INT16_MIN || v > INT16_MAX)) out->n = 0;
  else if (c->type == TS_I16) out->n = eq_i16(c->data, rows, n, (int16_t)v, out->rows);
  else out->n = eq_i32(c->data, rows, n, v, out->rows);
  return 0;
}

/* A set of int32 values: a bitmap over lo..lo+span when the span is small
** (always for string ids, which are dense), else a sorted array. */
#define BITMAP_MAX_SPAN ((int64_t)1 << 22)

typedef struct valset {
  int64_t lo, span;
  uint64_t *bits;  /* span + 1 bits, or NULL */
  int32_t *sorted; /* n values, or NULL */
  size_t n;
} valset;

static bool valset_has(const valset *s, int64_t v) {
  if (s->bits != NULL) {
    uint64_t o = (uint64_t)(v - s->lo);
    return o <= (uint64_t)s->span && (s->bits[o >> 6] >> (o & 63) & 1);
  }
  size_t a = 0, b = s->n;
  while (a < b) {
    size_t m = a + (b - a) / 2;
    if (s->sorted[m] < v) a = m + 1;
    else b = m;
  }
  return a < s->n && s->sorted[a] == v;
}

static int cmp_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static int valset_build(valset *s, const ts_alloc *a, const int32_t *vals, size_t n) {
  int32_t lo = vals[0], hi = vals[0];
  for (size_t i = 1; i < n; i++) {
    lo = vals[i] < lo ? vals[i] : lo;
    hi = vals[i] > hi ? vals[i] : hi;
  }
  *s = (valset){.lo = lo, .span = (int64_t)hi - lo, .n = n};
  if (s->span < BITMAP_MAX_SPAN) {
    size_t words = (size_t)(s->span >> 6) + 1;
    if ((s->bits = ts_malloc(a, words * sizeof *s->bits)) == NULL) return -1;
    memset(s->bits, 0, words * sizeof *s->bits);
    for (size_t i = 0; i < n; i++) {
      uint64_t o = (uint64_t)((int64_t)vals[i] - lo);
      s->bits[o >> 6] |= (uint64_t)1 << (o & 63);
    }
    return 0;
  }
  if ((s->sorted = ts_malloc(a, n * sizeof *s->sorted)) == NULL) return -1;
  memcpy(s->sorted, vals, n * sizeof *vals);
  qsort(s->sorted, n, sizeof *s->sorted, cmp_i32);
  return 0;
}

static void valset_free(valset *s, const ts_alloc *a) {
  ts_free(a, s->bits);
  ts_free(a, s->sorted);
}

#define DEFINE_IN(NAME, T)                                                                    \
  static size_t NAME(const T *v, const uint32_t *rows, size_t n, const valset *s,            \
                     uint32_t *out) {                                                         \
    size_t k = 0;                                                                             \
    if (rows == NULL) {                                                                       \
      for (size_t i = 0; i < n; i++) {                                                        \
        out[k] = (uint32_t)i;                                                                 \
        k += valset_has(s, v[i]);                                                             \
      }                                                                                       \
    } else {                                                                                  \
      for (size_t i = 0; i < n; i++) {                                                        \
        uint32_t r = rows[i];                                                                 \
        out[k] = r;                                                                           \
        k += valset_has(s, v[r]);                                                             \
      }                                                                                       \
    }                                                                                         \
    return k;                                                                                 \
  }

DEFINE_IN(in_i16, int16_t)
DEFINE_IN(in_i32, int32_t)

int ts_filter_in(const ts_table *t, const ts_column *c, const int32_t *vals, size_t n,
                 const ts_sel *in, ts_sel *out, ts_err *err) {
  if (check_column(t, c, true, err) != 0 || prepare_out(t, in, out, err) != 0) return -1;
  if (n == 0) {
    out->n = 0;
    return 0;
  }
  valset s;
  if (valset_build(&s, &out->alloc, vals, n) != 0) {
    valset_free(&s, &out->alloc);
    return oom(t, err, "building a value set");
  }
  const uint32_t *rows = in != NULL ? in->rows : NULL;
  size_t m = in != NULL ? in->n : t->rows;
  if (c->type == TS_I16) out->n = in_i16(c->data, rows, m, &s, out->rows);
  else out->n = in_i32(c->data, rows, m, &s, out->rows);
  valset_free(&s, &out->alloc);
  return 0;
}

/* ---- aggregates ------------------------------------------------------------------- */

static void stats_add(ts_stats *st, double x) {
  if (isnan(x)) {
    st->missing++;
    return;
  }
  st->count++;
  st->sum += x;
  st->min = x < st->min ? x : st->min;
  st->max = x > st->max ? x : st->max;
}

int ts_stats_f64(const ts_table *t, const ts_column *c, const ts_sel *sel, ts_stats *out,
                 ts_err *err) {
  if (check_column(t, c, false, err) != 0) return -1;
  const double *x = c->data;
  ts_stats st = {0, 0, 0.0, INFINITY, -INFINITY};
  if (sel == NULL) {
    for (size_t i = 0; i < t->rows; i++) stats_add(&st, x[i]);
  } else {
    for (size_t i = 0; i < sel->n; i++) stats_add(&st, x[sel->rows[i]]);
  }
  if (st.count == 0) st.min = st.max = TS_NA_F64;
  *out = st;
  return 0;
}
