/*
** bulk.c — bulk datasets: columns handed over whole or mapped, the shared
** string dictionary, appends, lazy checksum checks, XXH64.
*/
#include "bulk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

ts_bulk *ts_bulk_new(const char *kind, const ts_alloc *a, ts_err *err) {
  if (a == NULL) a = &ts_alloc_libc;
  ts_bulk *b = ts_malloc(a, sizeof *b);
  if (b == NULL) {
    ts_errf(err, "out of memory creating a %s dataset", kind);
    return NULL;
  }
  memset(b, 0, sizeof *b);
  b->alloc = *a;
  b->measure = -1;
  b->fd = -1;
  b->threads = 2;
  b->parallel_min = (size_t)1 << 18;
  snprintf(b->kind, sizeof b->kind, "%s", kind);
  b->dict = ts_table_new(kind, a, err);
  if (b->dict == NULL) {
    ts_free(a, b);
    return NULL;
  }
  return b;
}

void ts_bulk_free(ts_bulk *b) {
  if (b == NULL) return;
  if (b->map != NULL) munmap(b->map, b->map_len);
  if (b->fd >= 0) close(b->fd);
  if (b->map == NULL)
    for (size_t i = 0; i < b->ncols; i++) ts_free(&b->alloc, b->cols[i].data);
  ts_table_free(b->dict);
  ts_free(&b->alloc, b->notes);
  ts_alloc a = b->alloc;
  ts_free(&a, b);
}

int ts_bulk_set_notes(ts_bulk *b, const char *s, size_t len, ts_err *err) {
  char *copy = NULL;
  if (len > 0) {
    if ((copy = ts_malloc(&b->alloc, len)) == NULL)
      return ts_errf(err, "out of memory keeping a dataset's notes");
    memcpy(copy, s, len);
  }
  ts_free(&b->alloc, b->notes);
  b->notes = copy;
  b->notes_len = len;
  return 0;
}

int ts_bulk_find(const ts_bulk *b, const char *name) {
  for (size_t i = 0; i < b->ncols; i++)
    if (strcmp(b->cols[i].name, name) == 0) return (int)i;
  return -1;
}

int ts_bulk_add_column(ts_bulk *b, const char *name, ts_type type, size_t cap, ts_err *err) {
  if (b->map != NULL) return ts_errf(err, "%s: a mapped dataset is read-only", b->source);
  if (b->ncols == TS_BULK_MAXCOLS)
    return ts_errf(err, "a dataset holds at most %d columns", TS_BULK_MAXCOLS);
  if (strlen(name) == 0 || strlen(name) >= TS_BULK_NAMELEN)
    return ts_errf(err, "column name '%s' is empty or longer than %d bytes", name,
                   TS_BULK_NAMELEN - 1);
  if (ts_bulk_find(b, name) >= 0) return ts_errf(err, "column '%s' already exists", name);
  if (type == TS_I64) return ts_errf(err, "column '%s': int64 columns are not supported", name);
  size_t size = ts_type_size(type);
  if (cap > SIZE_MAX / size) return ts_errf(err, "column '%s': %zu rows is too many", name, cap);
  void *data = ts_malloc(&b->alloc, cap * size);
  if (data == NULL)
    return ts_errf(err, "out of memory for column '%s' (%zu rows)", name, cap);
  ts_bulk_advise_large(data, cap * size);
  ts_bulkcol *c = &b->cols[b->ncols];
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  c->type = type;
  c->data = data;
  c->lo = 1;
  c->hi = 0;
  c->checked = true;
  return (int)b->ncols++;
}

void ts_bulk_advise_large(void *p, size_t bytes) {
  const uintptr_t huge = (uintptr_t)1 << 21;
  if (bytes < 2 * huge) return;
  uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t b = ((uintptr_t)p + bytes) & ~(huge - 1);
  if (b > a) madvise((void *)a, b - a, MADV_HUGEPAGE);
}

static void key_range(ts_bulkcol *c, size_t rows) {
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  int32_t na = c->type == TS_I16 ? TS_NA_I16 : c->type == TS_STR ? TS_NA_ID : TS_NA_I32;
  for (size_t r = 0; r < rows; r++) {
    int32_t v = ts_bulk_key(c, r);
    if (v == na) continue;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  c->lo = lo;
  c->hi = hi;
  if (lo > hi) c->lo = 1, c->hi = 0;
}

int ts_bulk_finish(ts_bulk *b, ts_err *err) {
  if (b->rows > TS_MAX_ROWS)
    return ts_errf(err, "%s: %zu rows is more than a dataset holds (%zu)", b->source, b->rows,
                   TS_MAX_ROWS);
  for (size_t i = 0; i < b->ncols; i++) {
    ts_bulkcol *c = &b->cols[i];
    if (b->map == NULL) {
      void *p = ts_realloc(&b->alloc, c->data, b->rows * ts_type_size(c->type));
      if (p == NULL) return ts_errf(err, "out of memory shrinking column '%s'", c->name);
      c->data = p;
    }
    if (c->type != TS_F64 && c->lo > c->hi) key_range(c, b->rows);
  }
  return 0;
}

size_t ts_bulk_row_bytes(const ts_bulk *b) {
  size_t n = 0;
  for (size_t i = 0; i < b->ncols; i++) n += ts_type_size(b->cols[i].type);
  return n;
}

size_t ts_bulk_memory(const ts_bulk *b) {
  return b->rows * ts_bulk_row_bytes(b) + ts_table_memory(b->dict);
}

/* ---- appending ---------------------------------------------------------------------- */

static int same_columns(const ts_bulk *dst, const ts_bulk *src, ts_err *err) {
  if (dst->ncols != src->ncols || strcmp(dst->kind, src->kind) != 0)
    return ts_errf(err, "%s: cannot append a %s dataset of %zu columns to a %s dataset of %zu",
                   src->source, src->kind, src->ncols, dst->kind, dst->ncols);
  for (size_t i = 0; i < dst->ncols; i++)
    if (strcmp(dst->cols[i].name, src->cols[i].name) != 0 ||
        dst->cols[i].type != src->cols[i].type)
      return ts_errf(err, "%s: column %zu is '%s', expected '%s'", src->source, i + 1,
                     src->cols[i].name, dst->cols[i].name);
  return 0;
}

/* The dst id of every src string (interning new ones). */
static int32_t *recode_strings(ts_bulk *dst, const ts_bulk *src, ts_err *err) {
  size_t n = ts_dict_count(src->dict);
  int32_t *map = ts_malloc(&dst->alloc, (n ? n : 1) * sizeof *map);
  if (map == NULL) {
    ts_errf(err, "out of memory appending %s", src->source);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *s = ts_dict_str(src->dict, (int32_t)i, &len);
    if ((map[i] = ts_dict_intern(dst->dict, s, len, err)) < 0) {
      ts_free(&dst->alloc, map);
      return NULL;
    }
  }
  return map;
}

static void copy_column(ts_bulkcol *d, const ts_bulkcol *s, size_t at, size_t rows,
                        const int32_t *map) {
  size_t size = ts_type_size(d->type);
  char *to = (char *)d->data + at * size;
  if (d->type != TS_STR) {
    memcpy(to, s->data, rows * size);
    return;
  }
  const int32_t *from = s->data;
  int32_t *out = (int32_t *)(void *)to;
  for (size_t r = 0; r < rows; r++) out[r] = from[r] < 0 ? from[r] : map[from[r]];
}

int ts_bulk_append(ts_bulk *dst, const ts_bulk *src, ts_err *err) {
  if (dst->map != NULL) return ts_errf(err, "%s: a mapped dataset is read-only", dst->source);
  if (same_columns(dst, src, err) != 0) return -1;
  size_t rows = dst->rows + src->rows;
  if (rows > TS_MAX_ROWS)
    return ts_errf(err, "%zu rows is more than a dataset holds (%zu)", rows, TS_MAX_ROWS);
  ts_mark m = ts_table_mark(dst->dict);
  int32_t *map = recode_strings(dst, src, err);
  if (map == NULL) {
    ts_table_rollback(dst->dict, m);
    return -1;
  }
  /* Grow every column first: a failure then leaves dst as it was (a grown
  ** array with the same first rows is the same column). */
  for (size_t i = 0; i < dst->ncols; i++) {
    ts_bulkcol *c = &dst->cols[i];
    void *p = ts_realloc(&dst->alloc, c->data, rows * ts_type_size(c->type));
    if (p == NULL) {
      ts_free(&dst->alloc, map);
      ts_table_rollback(dst->dict, m);
      return ts_errf(err, "out of memory appending %s", src->source);
    }
    c->data = p;
  }
  for (size_t i = 0; i < dst->ncols; i++) {
    copy_column(&dst->cols[i], &src->cols[i], dst->rows, src->rows, map);
  }
  ts_free(&dst->alloc, map);
  dst->rows = rows;
  for (size_t i = 0; i < dst->ncols; i++)
    if (dst->cols[i].type != TS_F64) key_range(&dst->cols[i], dst->rows);
  return 0;
}

/* ---- checks --------------------------------------------------------------------------- */

int ts_bulk_open_file(const char *path, size_t *size, ts_err *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ts_errf(err, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return ts_errf(err, "%s: not a regular file", path);
  }
  *size = (size_t)st.st_size;
  return fd;
}

int ts_bulk_read(const ts_bulk *b, int i, size_t row, size_t n, void *out, ts_err *err) {
  const ts_bulkcol *c = &b->cols[i];
  size_t size = ts_type_size(c->type), want = n * size;
  off_t at = (off_t)((const char *)c->data - (const char *)b->map + row * size);
  for (size_t got = 0; got < want;) {
    ssize_t k = pread(b->fd, (char *)out + got, want - got, at + (off_t)got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0)
      return ts_errf(err, "%s: cannot read column '%s': %s", b->source, c->name,
                     k < 0 ? strerror(errno) : "the file is shorter than when it was opened");
    got += (size_t)k;
  }
  return 0;
}

/* Whether every key of data[0..n) is missing or within the recorded range. */
static bool keys_within(const ts_bulkcol *c, const void *data, size_t n) {
  int32_t na = c->type == TS_I16 ? TS_NA_I16 : c->type == TS_STR ? TS_NA_ID : TS_NA_I32;
  int32_t lo = c->lo, hi = c->hi;
  bool ok = true;
  for (size_t r = 0; r < n; r++) {
    int32_t v = c->type == TS_I16 ? ((const int16_t *)data)[r] : ((const int32_t *)data)[r];
    ok &= v == na || (v >= lo && v <= hi);
  }
  return ok;
}

#define CHECK_ROWS ((size_t)1 << 16)

/* The checksum of column i and whether its keys are in range, read a block
** at a time. */
static int check_column(ts_bulk *b, int i, uint64_t *sum, bool *in_range, ts_err *err) {
  const ts_bulkcol *c = &b->cols[i];
  ts_hash64_state h;
  ts_hash64_init(&h, 0);
  *in_range = true;
  size_t size = ts_type_size(c->type);
  void *buf = ts_malloc(&b->alloc, CHECK_ROWS * size);
  if (buf == NULL) return ts_errf(err, "out of memory checking column '%s'", c->name);
  int rc = 0;
  for (size_t r = 0; r < b->rows && rc == 0; r += CHECK_ROWS) {
    size_t n = b->rows - r < CHECK_ROWS ? b->rows - r : CHECK_ROWS;
    if ((rc = ts_bulk_read(b, i, r, n, buf, err)) != 0) break;
    ts_hash64_update(&h, buf, n * size);
    if (c->type != TS_F64) *in_range &= keys_within(c, buf, n);
  }
  ts_free(&b->alloc, buf);
  *sum = ts_hash64_digest(&h);
  return rc;
}

int ts_bulk_need(ts_bulk *b, int i, ts_err *err) {
  if (i < 0 || (size_t)i >= b->ncols) return ts_errf(err, "no column %d", i);
  ts_bulkcol *c = &b->cols[i];
  if (c->checked) return 0;
  uint64_t sum = 0;
  bool in_range = false;
  if (check_column(b, i, &sum, &in_range, err) != 0) return -1;
  if (sum != c->checksum)
    return ts_errf(err, "%s: column '%s' is corrupt (checksum mismatch)", b->source, c->name);
  /* Queries index arrays by key value: a value outside the recorded range
  ** (a file written by something else) must not reach them. */
  bool ids_fit = c->type != TS_STR || c->lo > c->hi ||
                 (c->lo >= 0 && (size_t)c->hi < ts_dict_count(b->dict));
  if (!in_range || !ids_fit)
    return ts_errf(err, "%s: column '%s' is corrupt (a value outside its recorded range)",
                   b->source, c->name);
  c->checked = true;
  return 0;
}

int ts_bulk_verify(ts_bulk *b, ts_err *err) {
  for (size_t i = 0; i < b->ncols; i++)
    if (ts_bulk_need(b, (int)i, err) != 0) return -1;
  return 0;
}

/* ---- XXH64 ------------------------------------------------------------------------------- */

#define P1 11400714785074694791ull
#define P2 14029467366897019727ull
#define P3 1609587929392839161ull
#define P4 9650029242287828579ull
#define P5 2870177450012600261ull

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t read64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v); /* little-endian hosts only; the snapshot checks the byte order */
  return v;
}

static uint32_t read32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static uint64_t xround(uint64_t acc, uint64_t input) {
  acc += input * P2;
  return rotl(acc, 31) * P1;
}

static uint64_t merge(uint64_t acc, uint64_t v) {
  acc ^= xround(0, v);
  return acc * P1 + P4;
}

void ts_hash64_init(ts_hash64_state *s, uint64_t seed) {
  memset(s, 0, sizeof *s);
  s->seed = seed;
  s->v[0] = seed + P1 + P2;
  s->v[1] = seed + P2;
  s->v[2] = seed;
  s->v[3] = seed - P1;
}

static void stripes(ts_hash64_state *s, const unsigned char *p, size_t n) {
  uint64_t v1 = s->v[0], v2 = s->v[1], v3 = s->v[2], v4 = s->v[3];
  for (const unsigned char *end = p + n; p < end; p += 32) {
    v1 = xround(v1, read64(p));
    v2 = xround(v2, read64(p + 8));
    v3 = xround(v3, read64(p + 16));
    v4 = xround(v4, read64(p + 24));
  }
  s->v[0] = v1, s->v[1] = v2, s->v[2] = v3, s->v[3] = v4;
}

void ts_hash64_update(ts_hash64_state *s, const void *data, size_t len) {
  const unsigned char *p = data;
  s->total += len;
  if (len == 0) return;
  if (s->buffered > 0) {
    size_t take = 32 - s->buffered < len ? 32 - s->buffered : len;
    memcpy(s->buf + s->buffered, p, take);
    s->buffered += take, p += take, len -= take;
    if (s->buffered < 32) return;
    stripes(s, s->buf, 32);
    s->buffered = 0;
  }
  size_t whole = len & ~(size_t)31;
  stripes(s, p, whole);
  if (len > whole) memcpy(s->buf, p + whole, len - whole);
  s->buffered = len - whole;
}

uint64_t ts_hash64_digest(const ts_hash64_state *s) {
  const unsigned char *p = s->buf, *end = p + s->buffered;
  uint64_t h;
  if (s->total >= 32) {
    const uint64_t *v = s->v;
    h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
    h = merge(merge(merge(merge(h, v[0]), v[1]), v[2]), v[3]);
  } else {
    h = s->seed + P5;
  }
  h += s->total;
  for (; p + 8 <= end; p += 8) h = rotl(h ^ xround(0, read64(p)), 27) * P1 + P4;
  if (p + 4 <= end) {
    h = rotl(h ^ ((uint64_t)read32(p) * P1), 23) * P2 + P3;
    p += 4;
  }
  for (; p < end; p++) h = rotl(h ^ (*p * P5), 11) * P1;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  return h ^ (h >> 32);
}

uint64_t ts_hash64(const void *data, size_t len, uint64_t seed) {
  ts_hash64_state s;
  ts_hash64_init(&s, seed);
  ts_hash64_update(&s, data, len);
  return ts_hash64_digest(&s);
}
