/*
** baci.c — the BACI parser: mapped file, two halves on two threads, one
** pass over the bytes per half, rows in file order in the same columns.
**
** The dataset's columns are sized from the byte count (a row takes at
** least 13 bytes), which costs address space, not memory: only the pages
** written are ever touched.  The first half writes from row 0; the second
** half's thread first counts the first half's lines (a bound on its rows)
** and writes from there, so no row is ever copied (the gap blank lines
** leave is closed at the end).  Each half interns product codes into its
** own dictionary; the second half's ids are re-coded when both are done.
** The parsed part of a mapped file is dropped from memory as the parse
** moves on, so the peak stays near the size of the columns rather than
** columns plus file.  Fresh pages cost more than parsing on some virtual
** machines, hence huge pages for the columns and one call to map each
** window of the file.
*/
#include "baci.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIN_ROW_BYTES 13      /* "2022,4,4,1,0," */
#define STEP ((size_t)1 << 22) /* bytes between progress reports and page drops */
#define MAX_CODE 15

static const char HEADER[] = "t,i,j,k,v,q";

/* The per-field readers are inlined into one row loop; their error paths
** are kept out of it. */
#define HOT static inline __attribute__((always_inline))
#define COLD static __attribute__((noinline, cold))

typedef struct chunk {
  const char *buf;
  size_t begin, end; /* this half's rows are buf[begin, end) */
  int16_t *t, *i, *j;
  int32_t *k;
  double *v, *q;
  size_t n, cap;
  ts_table *dict;  /* product codes of this half */
  const ts_alloc *alloc;
  uint64_t *code_keys; /* packed codes (0: empty slot) and their ids */
  int32_t *code_ids;
  size_t code_mask, code_n;
  int32_t lo[3], hi[3]; /* ranges of t, i, j */
  bool release;    /* drop parsed pages (the buffer is a file mapping) */
  atomic_size_t done;
  atomic_bool *stop; /* set when an earlier half failed: stop early */
  bool failed;
  size_t err_pos;
  char err_what[sizeof(ts_err) + 64];
} chunk;

/* ---- errors ------------------------------------------------------------------------- */

/* The field starting at s as the message shows it: up to the next comma
** or line end, control bytes as '?', long fields cut. */
static void field_text(const char *s, const char *end, char *out, size_t size) {
  size_t n = 0;
  while (s < end && *s != ',' && *s != '\n' && *s != '\r' && n + 4 < size) {
    unsigned char ch = (unsigned char)*s++;
    out[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
  }
  if (s < end && *s != ',' && *s != '\n' && *s != '\r') {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
}

COLD const char *fail(chunk *c, const char *at, const char *fmt, const char *arg) {
  if (!c->failed) {
    c->failed = true;
    c->err_pos = (size_t)(at - c->buf);
    snprintf(c->err_what, sizeof c->err_what, fmt, arg);
  }
  return NULL;
}

COLD const char *bad_field(chunk *c, const char *s, const char *end, const char *fmt) {
  char text[48];
  field_text(s, end, text, sizeof text);
  return fail(c, s, fmt, text);
}

HOT bool at_eol(const char *p, const char *end) {
  return p == end || *p == '\n' || *p == '\r';
}

COLD const char *too_few(chunk *c, const char *p, int fields) {
  static const char *const counts[] = {"0 fields", "1 field", "2 fields", "3 fields", "4 fields",
                                       "5 fields"};
  return fail(c, p, "row has %s, expected 6 (t,i,j,k,v,q)", counts[fields]);
}

/* ---- fields ---------------------------------------------------------------------------- */

/* ---- eight bytes at a time --------------------------------------------------------------- */

/* The run of digits at p (p + 8 must be inside the buffer): its length,
** 0..7, with its value in *value; -1 when all eight bytes are digits (the
** caller takes the byte-at-a-time path).  A byte x = b ^ '0' is a digit
** exactly when x <= 9: x + 0x76 then stays below 0x80.  A carry out of a
** byte only reaches bytes after the first non-digit, which do not count.
** The value comes from the digits moved to the top of the word (zeros
** before them are leading zeros) and the multiply-shift reduction of
** Lemire's fast_float (parse_eight_digits_unrolled). */
HOT int digits8(const char *p, uint64_t *value) {
  uint64_t w;
  memcpy(&w, p, 8);
  uint64_t x = w ^ 0x3030303030303030u;
  uint64_t nondigit = ((x + 0x7676767676767676u) | x) & 0x8080808080808080u;
  if (nondigit == 0) return -1;
  int len = __builtin_ctzll(nondigit) >> 3;
  if (len == 0) {
    *value = 0;
    return 0;
  }
  uint64_t v = x << (8 * (8 - len));
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFu) * 0x000F424000000064u) +
       (((v >> 16) & 0x000000FF000000FFu) * 0x0000271000000001u)) >> 32;
  *value = (uint32_t)v;
  return len;
}

/* A plain decimal ("17.711", "4") of at most seven digits before and after
** the point, read without a loop per byte; NULL when the text is anything
** else, for number() to read.  Exact: the mantissa is below 10^14. */
HOT const char *short_decimal(const char *p, const char *end, double *out) {
  static const uint64_t P10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
  uint64_t ip, fp;
  if (end - p < 18) return NULL;
  int a = digits8(p, &ip);
  if (a <= 0) return NULL;
  p += a;
  if (*p == '.') {
    int f = digits8(p + 1, &fp);
    if (f <= 0 || p[1 + f] == 'e' || p[1 + f] == 'E') return NULL;
    *out = (double)(ip * P10[f] + fp) / (double)P10[f];
    return p + 1 + f;
  }
  if (*p == 'e' || *p == 'E') return NULL;
  *out = (double)ip;
  return p;
}

/* An integer field lo..hi followed by a comma (field `index` of the row). */
HOT const char *int_field(chunk *c, const char *p, const char *end, int32_t lo, int32_t hi,
                             int index, int32_t *out, const char *what) {
  uint64_t fast;
  int n = end - p >= 8 ? digits8(p, &fast) : -1;
  if (n > 0 && p[n] == ',' && (int64_t)fast >= lo && (int64_t)fast <= hi) {
    *out = (int32_t)fast;
    return p + n + 1;
  }
  const char *s = p;
  int32_t v = 0;
  while (p < end && (unsigned)(*p - '0') < 10 && p - s < 9) v = v * 10 + (*p++ - '0');
  if (p > s && v >= lo && v <= hi && p < end && *p == ',') {
    *out = v;
    return p + 1;
  }
  if (p > s && v >= lo && v <= hi && at_eol(p, end)) return too_few(c, p, index + 1);
  return bad_field(c, s, end, what);
}

/* Product codes of up to 8 bytes packed into a uint64 (a code has no NUL,
** so the packing is unique and never 0, the empty slot) and looked up in
** a small open-addressing table that stays in cache; longer codes go to
** the dictionary's own hash. */
static int grow_codes(chunk *c, ts_err *err) {
  size_t n = c->code_mask ? (c->code_mask + 1) * 2 : 8192;
  uint64_t *keys = ts_malloc(c->alloc, n * sizeof *keys);
  int32_t *ids = ts_malloc(c->alloc, n * sizeof *ids);
  if (keys == NULL || ids == NULL) {
    ts_free(c->alloc, keys);
    ts_free(c->alloc, ids);
    return ts_errf(err, "out of memory for product codes");
  }
  memset(keys, 0, n * sizeof *keys);
  for (size_t i = 0; c->code_mask && i <= c->code_mask; i++) {
    if (c->code_keys[i] == 0) continue;
    size_t h = (size_t)((c->code_keys[i] * 0x9E3779B97F4A7C15u) >> 32) & (n - 1);
    while (keys[h] != 0) h = (h + 1) & (n - 1);
    keys[h] = c->code_keys[i];
    ids[h] = c->code_ids[i];
  }
  ts_free(c->alloc, c->code_keys);
  ts_free(c->alloc, c->code_ids);
  c->code_keys = keys;
  c->code_ids = ids;
  c->code_mask = n - 1;
  return 0;
}

HOT int32_t intern_code(chunk *c, const char *s, size_t len, bool digits, ts_err *err) {
  char padded[6];
  if (digits && len == 5) { /* the leading zero lost when k was written as a number */
    padded[0] = '0';
    memcpy(padded + 1, s, 5);
    s = padded;
    len = 6;
  }
  if (len > 8) return ts_dict_intern(c->dict, s, len, err);
  uint64_t key = 0;
  if (s + 8 <= c->buf + c->end) { /* one load, the bytes past the code masked off */
    memcpy(&key, s, 8);
    key &= len == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * len)) - 1;
  } else {
    for (size_t i = 0; i < len; i++) key |= (uint64_t)(unsigned char)s[i] << (8 * i);
  }
  size_t h = (size_t)((key * 0x9E3779B97F4A7C15u) >> 32) & c->code_mask;
  for (; c->code_keys[h] != 0; h = (h + 1) & c->code_mask)
    if (c->code_keys[h] == key) return c->code_ids[h];
  int32_t id = ts_dict_intern(c->dict, s, len, err);
  if (id < 0) return -1;
  c->code_keys[h] = key;
  c->code_ids[h] = id;
  if (++c->code_n * 2 > c->code_mask && grow_codes(c, err) != 0) return -1;
  return id;
}

/* The product code, optionally quoted, followed by a comma. */
HOT const char *code_field(chunk *c, const char *p, const char *end, int32_t *out) {
  const char *s = p;
  bool quoted = p < end && *p == '"';
  p += quoted;
  const char *cs = p;
  bool digits = true;
  while (p < end && p - cs <= MAX_CODE) {
    unsigned ch = (unsigned char)*p;
    if (ch - '0' < 10) p++;
    else if ((ch | 0x20) - 'a' < 26) digits = false, p++;
    else break;
  }
  size_t len = (size_t)(p - cs);
  if (quoted && p < end && *p == '"') p++;
  else if (quoted) len = 0;
  if (len == 0 || len > MAX_CODE || p == end || *p != ',') {
    if (len > 0 && len <= MAX_CODE && at_eol(p, end)) return too_few(c, p, 4);
    return bad_field(c, s, end, "column 'k': '%s' is not a product code (1 to 15 letters or "
                                "digits)");
  }
  ts_err err;
  int32_t id = intern_code(c, cs, len, digits, &err);
  if (id < 0) return fail(c, s, "%s", err.msg);
  *out = id;
  return p + 1;
}

static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* digits [. digits] [e [+-] digits], at least one digit; *end_out after it.
** Exact when the mantissa fits 53 bits and the power of ten 22 (Clinger's
** fast path: one correctly rounded operation), else strtod. */
HOT bool number(const char *p, const char *end, double *out, const char **end_out) {
  const char *s = p;
  uint64_t m = 0;
  int frac = 0, exp = 0;
  bool any = false, exact = true;
  for (; p < end && (unsigned)(*p - '0') < 10; p++, any = true) {
    if (m < 100000000000000000u) m = m * 10 + (uint64_t)(*p - '0');
    else exact = false;
  }
  if (p < end && *p == '.') {
    for (p++; p < end && (unsigned)(*p - '0') < 10; p++, any = true) {
      if (m < 100000000000000000u) m = m * 10 + (uint64_t)(*p - '0'), frac++;
      else exact = false;
    }
  }
  if (!any) return false;
  if (p < end && (*p == 'e' || *p == 'E')) {
    const char *e = p + 1;
    bool neg = e < end && *e == '-';
    e += e < end && (*e == '-' || *e == '+');
    if (e == end || (unsigned)(*e - '0') >= 10) return false;
    for (; e < end && (unsigned)(*e - '0') < 10; e++)
      exp = exp < 10000 ? exp * 10 + (*e - '0') : exp;
    exp = neg ? -exp : exp;
    p = e;
  }
  *end_out = p;
  int e10 = exp - frac;
  if (exact && m <= ((uint64_t)1 << 53) && e10 >= -22 && e10 <= 22) {
    *out = e10 < 0 ? (double)m / POW10[-e10] : (double)m * POW10[e10];
    return true;
  }
  char tmp[80];
  if ((size_t)(p - s) >= sizeof tmp) return false;
  memcpy(tmp, s, (size_t)(p - s));
  tmp[p - s] = '\0';
  *out = strtod(tmp, NULL);
  return true;
}

HOT const char *skip_spaces(const char *p, const char *end) {
  while (p < end && *p == ' ') p++;
  return p;
}

/* v (required, then a comma) or q (optional, then the line end). */
HOT const char *amount_field(chunk *c, const char *p, const char *end, bool last,
                                double *out) {
  const char *s = p;
  p = skip_spaces(p, end);
  const char *after = p;
  bool missing = false;
  if (p + 1 < end && p[0] == 'N' && p[1] == 'A') missing = true, after = p + 2;
  else if (p == end || *p == ',' || *p == '\n' || *p == '\r') missing = true;
  else if ((after = short_decimal(p, end, out)) == NULL && !number(p, end, out, &after))
    after = NULL;
  if (after != NULL) after = skip_spaces(after, end);
  bool ended = after != NULL && (last ? at_eol(after, end) : after < end && *after == ',');
  if (!ended) {
    if (!last && after != NULL && at_eol(after, end)) return too_few(c, after, 5);
    if (last && after != NULL && *after == ',')
      return fail(c, after, "%s", "row has more than 6 fields (t,i,j,k,v,q)");
    return bad_field(c, s, end, last ? "column 'q': '%s' is not a quantity (a number, empty or NA)"
                                     : "column 'v': '%s' is not a value (a number)");
  }
  if (missing && !last) return bad_field(c, s, end, "column 'v': a value is required, found '%s'");
  if (missing) *out = TS_NA_F64;
  return last ? after : after + 1;
}

/* ---- rows ----------------------------------------------------------------------------------- */

HOT const char *line_end(chunk *c, const char *p, const char *end) {
  if (p == end) return p;
  if (*p == '\n') return p + 1;
  if (*p == '\r' && p + 1 < end && p[1] == '\n') return p + 2;
  if (*p == '\r') return fail(c, p, "%s", "a carriage return not followed by a line feed");
  return fail(c, p, "%s", "row has more than 6 fields (t,i,j,k,v,q)");
}

HOT const char *parse_row(chunk *c, const char *p, const char *end) {
  int32_t t = 0, i = 0, j = 0, k = 0;
  double v = 0, q = 0;
  if (!(p = int_field(c, p, end, 1000, 9999, 0, &t,
                      "column 't': '%s' is not a year (1000..9999)")) ||
      !(p = int_field(c, p, end, 0, 32767, 1, &i,
                      "column 'i': '%s' is not a country code (an integer 0..32767)")) ||
      !(p = int_field(c, p, end, 0, 32767, 2, &j,
                      "column 'j': '%s' is not a country code (an integer 0..32767)")) ||
      !(p = code_field(c, p, end, &k)) || !(p = amount_field(c, p, end, false, &v)) ||
      !(p = amount_field(c, p, end, true, &q)) || !(p = line_end(c, p, end)))
    return NULL;
  size_t n = c->n;
  if (n == c->cap) return fail(c, p, "%s", "more rows than the file size allows");
  c->t[n] = (int16_t)t;
  c->i[n] = (int16_t)i;
  c->j[n] = (int16_t)j;
  c->lo[0] = t < c->lo[0] ? t : c->lo[0];
  c->hi[0] = t > c->hi[0] ? t : c->hi[0];
  c->lo[1] = i < c->lo[1] ? i : c->lo[1];
  c->hi[1] = i > c->hi[1] ? i : c->hi[1];
  c->lo[2] = j < c->lo[2] ? j : c->lo[2];
  c->hi[2] = j > c->hi[2] ? j : c->hi[2];
  c->k[n] = k;
  c->v[n] = v;
  c->q[n] = q;
  c->n = n + 1;
  return p;
}

static void drop_pages(const chunk *c, size_t from, size_t to) {
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t a = ((uintptr_t)(c->buf + from) + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
  uintptr_t b = (uintptr_t)(c->buf + to) & ~(uintptr_t)(page - 1);
  if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}

/* Maps the next window of the file in one call: page faults one page at a
** time cost more than the parse itself on some virtual machines. */
static void populate(const chunk *c, const char *from, const char *to) {
#ifdef MADV_POPULATE_READ
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t a = (uintptr_t)from & ~(uintptr_t)(page - 1);
  if (c->release) madvise((void *)a, (size_t)((uintptr_t)to - a), MADV_POPULATE_READ);
#else
  (void)c, (void)from, (void)to;
#endif
}

static void *parse_chunk(void *arg) {
  chunk *c = arg;
  const char *p = c->buf + c->begin, *end = c->buf + c->end;
  size_t dropped = c->begin;
  while (p != NULL && p < end) {
    const char *stop = (size_t)(end - p) > STEP ? p + STEP : end;
    populate(c, p, stop);
    while (p != NULL && p < stop) {
      if (*p == '\n') p++;
      else if (*p == '\r' && p + 1 < end && p[1] == '\n') p += 2;
      else p = parse_row(c, p, end);
    }
    if (p == NULL) break;
    size_t at = (size_t)(p - c->buf);
    atomic_store(&c->done, at - c->begin);
    if (c->release && at > dropped + STEP) {
      drop_pages(c, dropped, at);
      dropped = at;
    }
    if (c->stop != NULL && atomic_load(c->stop)) break;
  }
  atomic_store(&c->done, c->end - c->begin);
  return NULL;
}

/* ---- the whole file ------------------------------------------------------------------------- */

/* Checks the header line; *body is where the rows start. */
static int header_end(const char *buf, size_t len, const char *name, size_t *body, ts_err *err) {
  if (len == 0)
    return ts_errf(err, "%s: the file is empty (expected the BACI header t,i,j,k,v,q)", name);
  size_t p = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  size_t e = p;
  while (e < len && buf[e] != '\n') e++;
  size_t h = e > p && buf[e - 1] == '\r' ? e - 1 : e;
  char seen[64], text[48];
  size_t k = 0, n = 0;
  for (size_t i = p; i < h && k + 1 < sizeof seen; i++)
    if (buf[i] != '"') seen[k++] = buf[i]; /* BACI has written the header quoted too */
  seen[k] = '\0';
  if (strcmp(seen, HEADER) == 0) {
    *body = e < len ? e + 1 : e;
    return 0;
  }
  for (; n < h - p && n < 40; n++)
    text[n] = (unsigned char)buf[p + n] < 0x20 ? '?' : buf[p + n];
  text[n] = '\0';
  return ts_errf(err, "%s:1:1: expected the BACI header t,i,j,k,v,q, found '%s%s'", name, text,
                 h - p > 40 ? "..." : "");
}

/* Where the first half ends: just after a line end a little past the
** middle, since the second half's thread also counts the first's lines. */
static size_t split_point(const char *buf, size_t begin, size_t len) {
  size_t at = begin + (len - begin) / 2 + (len - begin) / 32;
  const char *nl = memchr(buf + at, '\n', len - at);
  return nl != NULL ? (size_t)(nl - buf) + 1 : len;
}

static int report(const char *name, const char *buf, const chunk *c, ts_err *err) {
  size_t line = 1, start = 0;
  for (const char *p = buf, *e = buf + c->err_pos; (p = memchr(p, '\n', (size_t)(e - p))); p++) {
    line++;
    start = (size_t)(p - buf) + 1;
  }
  return ts_errf(err, "%s:%zu:%zu: %s", name, line, c->err_pos - start + 1, c->err_what);
}

/* The second half's own product dictionary and code table. */
static int alloc_half(chunk *c, const ts_alloc *a, ts_err *err) {
  c->dict = ts_table_new("products", a, err);
  if (c->dict == NULL) return -1;
  return grow_codes(c, err);
}

static void free_half(chunk *c, const ts_alloc *a, bool dict) {
  ts_free(a, c->code_keys);
  ts_free(a, c->code_ids);
  if (dict) ts_table_free(c->dict);
}

/* The dataset's columns, sized for the most rows the file can hold (only
** the pages written are ever touched); the first half writes from row 0. */
static ts_bulk *new_dataset(const char *name, size_t len, const ts_alloc *a, chunk *first,
                            ts_err *err) {
  static const char *const names[] = {"year", "exporter", "importer", "product", "value",
                                      "quantity"};
  static const ts_type types[] = {TS_I16, TS_I16, TS_I16, TS_STR, TS_F64, TS_F64};
  ts_bulk *b = ts_bulk_new("baci", a, err);
  if (b == NULL) return NULL;
  snprintf(b->source, sizeof b->source, "%s", name);
  size_t cap = len / MIN_ROW_BYTES + 1;
  for (int i = 0; i < 6; i++)
    if (ts_bulk_add_column(b, names[i], types[i], cap, err) < 0) {
      ts_bulk_free(b);
      return NULL;
    }
  b->measure = 4;
  first->dict = b->dict;
  if (grow_codes(first, err) != 0) {
    ts_bulk_free(b);
    return NULL;
  }
  return b;
}

/* Points a half's output at row `base` of the dataset's columns. */
static void place(chunk *c, ts_bulk *b, size_t base, size_t cap) {
  c->t = (int16_t *)b->cols[0].data + base;
  c->i = (int16_t *)b->cols[1].data + base;
  c->j = (int16_t *)b->cols[2].data + base;
  c->k = (int32_t *)b->cols[3].data + base;
  c->v = (double *)b->cols[4].data + base;
  c->q = (double *)b->cols[5].data + base;
  c->cap = cap - base;
}

typedef struct run {
  chunk half[2];
  int nhalves;
  ts_bulk *b;
  size_t cap, body, mid, base; /* base: the row the second half writes from */
  atomic_bool stop;
  pthread_t thread;
  bool started;
} run;

/* The second half's thread: count the first half's lines (a bound on its
** rows, so that this half can write its rows straight after them), then
** parse.  Counting reads pages the first half is about to parse, so it
** leaves them mapped for it. */
/* Line ends in p[0..n), sixteen bytes at a time with GCC's portable
** vector types (SSE2 on x86-64): a lane compares to -1 where it holds a
** line end; lane counters are folded before they can overflow. */
typedef signed char bytes16 __attribute__((vector_size(16)));

static size_t count_lines(const char *p, size_t n) {
  const bytes16 lf = {'\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n',
                      '\n', '\n', '\n', '\n', '\n', '\n', '\n', '\n'};
  size_t total = 0, i = 0;
  while (i + 16 <= n) {
    bytes16 acc = {0};
    for (int k = 0; k < 127 && i + 16 <= n; k++, i += 16) {
      bytes16 w;
      memcpy(&w, p + i, 16);
      acc -= (bytes16)(w == lf); /* -1 where equal */
    }
    for (int lane = 0; lane < 16; lane++) total += (size_t)(unsigned char)acc[lane];
  }
  for (; i < n; i++) total += p[i] == '\n';
  return total;
}

static void *second_main(void *arg) {
  run *r = arg;
  /* the first half ends with a line end: its rows are at most its lines */
  r->base = count_lines(r->half[0].buf + r->body, r->mid - r->body);
  place(&r->half[1], r->b, r->base, r->cap);
  return parse_chunk(&r->half[1]);
}

static void wait_second(run *r, const ts_baci_opts *o, size_t total) {
  if (!r->started) return;
  if (o->progress != NULL) {
    while (atomic_load(&r->half[1].done) < r->half[1].end - r->half[1].begin) {
      o->progress(o->progress_ud,
                  atomic_load(&r->half[0].done) + atomic_load(&r->half[1].done), total);
      usleep(50000);
    }
  }
  pthread_join(r->thread, NULL);
  r->started = false;
}

static int parse_halves(run *r, const ts_baci_opts *o, size_t total, ts_err *err) {
  if (r->nhalves == 2) {
    if (pthread_create(&r->thread, NULL, second_main, r) != 0)
      return ts_errf(err, "cannot start a parser thread: %s", strerror(errno));
    r->started = true;
  }
  chunk *c = &r->half[0];
  place(c, r->b, 0, r->cap);
  parse_chunk(c);
  if (c->failed) atomic_store(&r->stop, true);
  wait_second(r, o, total);
  if (o->progress != NULL) o->progress(o->progress_ud, total, total);
  return 0;
}

/* Re-codes the second half's product ids into the dataset's dictionary
** and closes the gap the first half's blank lines left. */
static int join_halves(run *r, ts_err *err) {
  ts_bulk *b = r->b;
  chunk *h = &r->half[1];
  size_t n = ts_dict_count(h->dict), at = r->half[0].n;
  int32_t *map = ts_malloc(&b->alloc, (n ? n : 1) * sizeof *map);
  if (map == NULL) return ts_errf(err, "%s: out of memory joining the halves", b->source);
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *s = ts_dict_str(h->dict, (int32_t)i, &len);
    if ((map[i] = ts_dict_intern(b->dict, s, len, err)) < 0) {
      ts_free(&b->alloc, map);
      return -1;
    }
  }
  for (size_t row = 0; row < h->n; row++) h->k[row] = map[h->k[row]];
  ts_free(&b->alloc, map);
  if (at < r->base)
    for (int c = 0; c < 6; c++) {
      size_t size = ts_type_size(b->cols[c].type);
      char *data = b->cols[c].data;
      memmove(data + at * size, data + r->base * size, h->n * size);
    }
  b->rows = at + h->n;
  return 0;
}

/* The key ranges the halves tracked, so that finishing skips a pass. */
static void set_ranges(ts_bulk *b, const run *r) {
  for (int c = 0; c < 3; c++) {
    int32_t lo = r->half[0].lo[c], hi = r->half[0].hi[c];
    if (r->nhalves == 2) {
      lo = r->half[1].lo[c] < lo ? r->half[1].lo[c] : lo;
      hi = r->half[1].hi[c] > hi ? r->half[1].hi[c] : hi;
    }
    b->cols[c].lo = lo, b->cols[c].hi = hi;
  }
  b->cols[3].lo = 0;
  b->cols[3].hi = (int32_t)ts_dict_count(b->dict) - 1;
}

static void init_halves(run *r, const char *buf, size_t len, bool release, const ts_alloc *a) {
  for (int h = 0; h < 2; h++) {
    r->half[h] = (chunk){.buf = buf, .begin = h == 0 ? r->body : r->mid,
                         .end = h == 0 ? r->mid : len, .release = release,
                         .stop = h == 1 ? &r->stop : NULL, .alloc = a,
                         .lo = {INT32_MAX, INT32_MAX, INT32_MAX},
                         .hi = {INT32_MIN, INT32_MIN, INT32_MIN}};
    atomic_init(&r->half[h].done, 0);
  }
}

static ts_bulk *parse(const char *name, const char *buf, size_t len, const ts_baci_opts *o,
                      bool release, ts_err *err) {
  const ts_alloc *a = o->alloc != NULL ? o->alloc : &ts_alloc_libc;
  run r = {.nhalves = o->threads == 1 ? 1 : 2};
  if (header_end(buf, len, name, &r.body, err) != 0) return NULL;
  atomic_init(&r.stop, false);
  r.mid = r.nhalves == 2 ? split_point(buf, r.body, len) : len;
  if (r.mid == len) r.nhalves = 1;
  init_halves(&r, buf, len, release, a);
  r.cap = len / MIN_ROW_BYTES + 1;
  if ((r.b = new_dataset(name, len, a, &r.half[0], err)) == NULL) return NULL;
  int rc = r.nhalves == 2 ? alloc_half(&r.half[1], a, err) : 0;
  if (rc == 0) rc = parse_halves(&r, o, len - r.body, err);
  if (rc == 0 && (r.half[0].failed || r.half[1].failed))
    rc = report(name, buf, r.half[0].failed ? &r.half[0] : &r.half[1], err);
  r.b->rows = r.half[0].n;
  if (rc == 0 && r.nhalves == 2) rc = join_halves(&r, err);
  free_half(&r.half[0], a, false);
  if (r.nhalves == 2) free_half(&r.half[1], a, true);
  if (rc == 0) set_ranges(r.b, &r);
  if (rc == 0) rc = ts_bulk_finish(r.b, err);
  if (rc != 0) {
    ts_bulk_free(r.b);
    return NULL;
  }
  return r.b;
}

static const ts_baci_opts DEFAULTS = {0, NULL, NULL, NULL};

ts_bulk *ts_baci_parse(const char *name, const char *buf, size_t len, const ts_baci_opts *opts,
                       ts_err *err) {
  return parse(name, buf, len, opts != NULL ? opts : &DEFAULTS, false, err);
}

ts_bulk *ts_baci_import(const char *path, const ts_baci_opts *opts, ts_err *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ts_errf(err, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ts_errf(err, "%s: not a regular file", path);
    close(fd);
    return NULL;
  }
  size_t len = (size_t)st.st_size;
  if (len == 0) {
    close(fd);
    return parse(path, "", 0, opts != NULL ? opts : &DEFAULTS, false, err);
  }
  void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    ts_errf(err, "%s: cannot map: %s", path, strerror(errno));
    return NULL;
  }
  madvise(map, len, MADV_SEQUENTIAL);
  ts_bulk *b = parse(path, map, len, opts != NULL ? opts : &DEFAULTS, true, err);
  munmap(map, len);
  return b;
}
