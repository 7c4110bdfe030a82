/*
** baci.c — the BACI parser: two halves of the file on two threads, one
** pass over the bytes per half, rows in file order in the same columns.
**
** The dataset's columns are sized from the byte count (a row takes at
** least 13 bytes), which costs address space, not memory: only the pages
** written are ever touched.  The first half writes from row 0; the second
** half's thread first counts the first half's lines (a bound on its rows)
** and writes from there, so no row is ever copied (the gap blank lines
** leave is closed at the end).  Each half interns product codes into its
** own dictionary; the second half's ids are re-coded when both are done.
** A file is read with pread into one small window per half, not mapped:
** its pages then never count in the process's memory (the peak stays near
** the size of the columns), and on virtual machines that shadow page
** tables every first touch of a mapped page costs an exit to the
** hypervisor, which made reading a mapped file three times slower than
** copying it into a window that stays mapped (0.25 s against 0.08 s for
** 335 MB here).  Fresh pages cost the same there, hence huge pages for the
** columns.
**
** Projection and filters are pushed down into the row loop: a row is
** parsed and checked whole, then dropped before anything is stored when
** it fails the where; columns not asked for are never allocated, and a
** product code is looked up only when the product is kept or filtered on,
** and interned into the dictionary only for a kept row.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MIN_ROW_BYTES 13      /* "2022,4,4,1,0," */
#define STEP ((size_t)1 << 22) /* bytes of a buffer between progress reports */
#define MAX_CODE 15

static const char HEADER[] = "t,i,j,k,v,q";

/* The file's columns, in file order: also the order a dataset keeps them. */
enum { YEAR, EXPORTER, IMPORTER, PRODUCT, VALUE, QUANTITY, NFILECOLS };
static const char *const COLNAMES[NFILECOLS] = {"year", "exporter", "importer", "product",
                                                 "value", "quantity"};
static const ts_type COLTYPES[NFILECOLS] = {TS_I16, TS_I16, TS_I16, TS_STR, TS_F64, TS_F64};

#define KEYBITS 32768 /* t, i and j all lie in 0..32767 */

/* The options compiled for the row loop, shared read-only by both halves. */
typedef struct plan {
  int col[NFILECOLS];    /* the dataset's column of each file column, or -1 */
  uint64_t *keys;        /* by_key: three bitmaps over 0..KEYBITS, rows kept by t, i, j */
  bool by_key, by_code;  /* conditions on t, i, j; on the product code */
  bool need_code;        /* the code is looked up: kept or filtered on */
  char (*products)[MAX_CODE + 1]; /* the where's product codes, as stored */
  const ts_baci_where *where;
} plan;

/* The per-field readers are inlined into one row loop; their error paths
** are kept out of it. */
#define HOT static inline __attribute__((always_inline))
#define COLD static __attribute__((noinline, cold))

/* The bytes being read: a caller's buffer, or a file read through windows. */
typedef struct source {
  const char *data; /* the whole buffer, or NULL */
  int fd;           /* the file when data is NULL */
  size_t len;
} source;

typedef struct chunk {
  const source *src;
  size_t begin, end; /* this half's rows are the bytes [begin, end) */
  const char *wbuf, *wend; /* the window: wbuf[0] is byte woff; rows end by wend */
  size_t woff;
  char *own; /* a file's window buffer */
  size_t own_cap;
  const char *row; /* the row being read, for messages */
  const plan *plan;
  int16_t *t, *i, *j; /* the kept columns, NULL for the others */
  int32_t *k;
  double *v, *q;
  size_t n, cap;
  ts_table *dict;  /* product codes of this half */
  const ts_alloc *alloc;
  uint64_t *code_keys; /* packed codes (0: empty slot), their ids (-1: not */
  int32_t *code_ids;   /* interned yet) and whether they meet the where */
  bool *code_pass;
  size_t code_mask, code_n;
  int32_t lo[3], hi[3]; /* ranges of t, i, j */
  atomic_size_t done;
  atomic_bool *stop; /* set when an earlier half failed: stop early */
  bool failed;
  size_t err_pos, err_row; /* bytes of the file: the error, the start of its row */
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
    c->err_pos = c->woff + (size_t)(at - c->wbuf);
    c->err_row = c->woff + (size_t)(c->row - c->wbuf);
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
** else, for number() to read.  Exact: the mantissa is below 10^14.  The
** division is most of the cost, so a column not kept (`convert` false) is
** only checked. */
HOT const char *short_decimal(const char *p, const char *end, bool convert, double *out) {
  static const uint64_t P10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
  uint64_t ip, fp;
  if (end - p < 18) return NULL;
  int a = digits8(p, &ip);
  if (a <= 0) return NULL;
  p += a;
  if (*p == '.') {
    int f = digits8(p + 1, &fp);
    if (f <= 0 || p[1 + f] == 'e' || p[1 + f] == 'E') return NULL;
    if (convert) *out = (double)(ip * P10[f] + fp) / (double)P10[f];
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
  bool *pass = ts_malloc(c->alloc, n * sizeof *pass);
  if (keys == NULL || ids == NULL || pass == NULL) {
    ts_free(c->alloc, keys);
    ts_free(c->alloc, ids);
    ts_free(c->alloc, pass);
    return ts_errf(err, "out of memory for product codes");
  }
  memset(keys, 0, n * sizeof *keys);
  for (size_t i = 0; c->code_mask && i <= c->code_mask; i++) {
    if (c->code_keys[i] == 0) continue;
    size_t h = (size_t)((c->code_keys[i] * 0x9E3779B97F4A7C15u) >> 32) & (n - 1);
    while (keys[h] != 0) h = (h + 1) & (n - 1);
    keys[h] = c->code_keys[i];
    ids[h] = c->code_ids[i];
    pass[h] = c->code_pass[i];
  }
  ts_free(c->alloc, c->code_keys);
  ts_free(c->alloc, c->code_ids);
  ts_free(c->alloc, c->code_pass);
  c->code_keys = keys;
  c->code_ids = ids;
  c->code_pass = pass;
  c->code_mask = n - 1;
  return 0;
}

/* A product code as the row holds it: where it starts in the row (for
** messages) and its text. */
typedef struct code {
  const char *field, *s;
  size_t len;
  bool digits;
} code;

/* Whether code s[0..len) (as stored) meets the where's product, chapter
** and heading conditions. */
static bool code_passes(const plan *pl, const char *s, size_t len) {
  const ts_baci_where *w = pl->where;
  bool ok = w->nproducts == 0;
  for (size_t i = 0; i < w->nproducts && !ok; i++)
    ok = strlen(pl->products[i]) == len && memcmp(pl->products[i], s, len) == 0;
  if (ok && w->nchapters > 0) {
    ok = false;
    for (size_t i = 0; i < w->nchapters && !ok; i++)
      ok = len >= 2 && memcmp(w->chapters[i], s, 2) == 0;
  }
  if (ok && w->nheadings > 0) {
    ok = false;
    for (size_t i = 0; i < w->nheadings && !ok; i++)
      ok = len >= 4 && memcmp(w->headings[i], s, 4) == 0;
  }
  return ok;
}

/* A code too long to pack: checked and interned through the dictionary. */
COLD int long_code(chunk *c, const code *k, int32_t *out) {
  if (!code_passes(c->plan, k->s, k->len)) return 0;
  if (c->k == NULL) return 1;
  ts_err err;
  if ((*out = ts_dict_intern(c->dict, k->s, k->len, &err)) < 0) {
    fail(c, k->field, "%s", err.msg);
    return -1;
  }
  return 1;
}

/* The product code of a row that met every other condition: 1 and its
** dictionary id in *out (when the product is kept) if it meets the where,
** 0 if not, -1 on error. */
HOT int code_id(chunk *c, const code *k, int32_t *out) {
  char padded[8];
  const char *s = k->s;
  size_t len = k->len;
  bool in_buf = true;
  if (k->digits && len == 5) { /* the leading zero lost when k was written as a number */
    padded[0] = '0';
    memcpy(padded + 1, s, 5);
    s = padded, len = 6, in_buf = false;
  }
  if (len > 8) return long_code(c, k, out);
  uint64_t key = 0;
  if (in_buf && s + 8 <= c->wend) { /* one load, the bytes past the code masked off */
    memcpy(&key, s, 8);
    key &= len == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * len)) - 1;
  } else {
    for (size_t i = 0; i < len; i++) key |= (uint64_t)(unsigned char)s[i] << (8 * i);
  }
  size_t h = (size_t)((key * 0x9E3779B97F4A7C15u) >> 32) & c->code_mask;
  while (c->code_keys[h] != 0 && c->code_keys[h] != key) h = (h + 1) & c->code_mask;
  bool added = c->code_keys[h] == 0;
  if (added) {
    c->code_keys[h] = key;
    c->code_ids[h] = -1;
    c->code_pass[h] = !c->plan->by_code || code_passes(c->plan, s, len);
  }
  int rc = c->code_pass[h];
  ts_err err;
  if (rc && c->k != NULL && c->code_ids[h] < 0 &&
      (c->code_ids[h] = ts_dict_intern(c->dict, s, len, &err)) < 0)
    rc = -1;
  *out = c->code_ids[h];
  if (rc >= 0 && added && ++c->code_n * 2 > c->code_mask && grow_codes(c, &err) != 0) rc = -1;
  if (rc < 0) fail(c, k->field, "%s", err.msg);
  return rc;
}

/* The product code, optionally quoted, followed by a comma: checked here,
** looked up only if the row is kept (code_id). */
HOT const char *code_field(chunk *c, const char *p, const char *end, code *out) {
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
  *out = (code){s, cs, len, digits};
  return p + 1;
}

static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* digits [. digits] [e [+-] digits], at least one digit; *end_out after it.
** Exact when the mantissa fits 53 bits and the power of ten 22 (Clinger's
** fast path: one correctly rounded operation), else strtod. */
HOT bool number(const char *p, const char *end, bool convert, double *out,
                const char **end_out) {
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
    if (convert) *out = e10 < 0 ? (double)m / POW10[-e10] : (double)m * POW10[e10];
    return true;
  }
  char tmp[80];
  if ((size_t)(p - s) >= sizeof tmp) return false;
  if (!convert) return true;
  memcpy(tmp, s, (size_t)(p - s));
  tmp[p - s] = '\0';
  *out = strtod(tmp, NULL);
  return true;
}

HOT const char *skip_spaces(const char *p, const char *end) {
  while (p < end && *p == ' ') p++;
  return p;
}

/* v (required, then a comma) or q (optional, then the line end); *out
** is set only when `convert` (the column is kept). */
HOT const char *amount_field(chunk *c, const char *p, const char *end, bool last, bool convert,
                             double *out) {
  const char *s = p;
  p = skip_spaces(p, end);
  const char *after = p;
  bool missing = false;
  if (p + 1 < end && p[0] == 'N' && p[1] == 'A') missing = true, after = p + 2;
  else if (p == end || *p == ',' || *p == '\n' || *p == '\r') missing = true;
  else if ((after = short_decimal(p, end, convert, out)) == NULL &&
           !number(p, end, convert, out, &after))
    after = NULL;
  if (after != NULL) after = skip_spaces(after, end);
  bool ended = after != NULL && (last ? at_eol(after, end) : after < end && *after == ',');
  if (!ended) {
    if (!last && after != NULL && at_eol(after, end)) return too_few(c, after, 5);
    if (last && after != NULL && *after == ',')
      return fail(c, after, "%s", "row has more than 6 fields (t,i,j,k,v,q)");
    return bad_field(c, s, end, last ? "column 'q': '%s' is not a quantity (a number 0 or more, empty or NA)"
                                     : "column 'v': '%s' is not a value (a number, 0 or more)");
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

/* ---- the fast path: a whole row at once ---------------------------------------------------- */

/* Field by field, each field's end is found from the previous one's, so
** the row is one long chain of dependent steps.  Most rows are plain
** (t,i,j,k,v,q with digits, an unquoted code, decimals): for those the
** separators of the next 64 bytes are found at once with SSE2 compares,
** and the six fields are then read independently of each other.  The fast
** path only accepts what it is sure of, with the same values the field
** readers give; anything else (quotes, spaces, exponents, long codes or
** numbers, CRs alone, errors) goes to the field readers, which have the
** messages. */
#define FAST_WINDOW 64
#define FAST_NEED (FAST_WINDOW + 16) /* a field's 8-byte load may pass the window */

#ifdef __SSE2__
/* Bit b of *comma, *nl and *dot set where p[b] (b < 64) is a comma, a
** line feed, a point. */
HOT void byte_masks(const char *p, uint64_t *comma, uint64_t *nl, uint64_t *dot) {
  const __m128i c = _mm_set1_epi8(','), n = _mm_set1_epi8('\n'), d = _mm_set1_epi8('.');
  uint64_t mc = 0, mn = 0, md = 0;
  for (int k = 0; k < FAST_WINDOW / 16; k++) {
    __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    mc |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(w, c)) << (16 * k);
    mn |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(w, n)) << (16 * k);
    md |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(w, d)) << (16 * k);
  }
  *comma = mc, *nl = mn, *dot = md;
}
#endif

/* s[0..len) as 1 to 8 decimal digits: digits8's test and reduction on
** the field moved to the top of the word. */
HOT bool digits_n(const char *s, unsigned len, uint64_t *out) {
  if (len - 1 >= 8) return false;
  uint64_t w;
  memcpy(&w, s, 8);
  uint64_t x = (w ^ 0x3030303030303030u) << (8 * (8 - len));
  if (((x + 0x7676767676767676u) | x) & 0x8080808080808080u) return false;
  x = x * 10 + (x >> 8);
  x = (((x & 0x000000FF000000FFu) * 0x000F424000000064u) +
       (((x >> 16) & 0x000000FF000000FFu) * 0x0000271000000001u)) >> 32;
  *out = (uint32_t)x;
  return true;
}

/* s[0..len) as 1 to 8 letters or digits (ASCII), as code_field takes
** them; *digits when all are digits.  Bytes are tested in parallel on
** their low seven bits, which no sum below carries out of. */
HOT bool alnum_n(const char *s, unsigned len, bool *digits) {
  if (len - 1 >= 8) return false;
  const uint64_t H = 0x8080808080808080u;
  uint64_t w;
  memcpy(&w, s, 8);
  uint64_t field = (len == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * len)) - 1) & H;
  uint64_t low = w & ~H, ascii = ~w & H;
  uint64_t digit = ~((low ^ 0x3030303030303030u) + 0x7676767676767676u) & H & ascii;
  uint64_t lower = low | 0x2020202020202020u;
  uint64_t letter = (lower + 0x1f1f1f1f1f1f1f1fu) & ~(lower + 0x0505050505050505u) & H & ascii;
  *digits = (digit & field) == field;
  return ((digit | letter) & field) == field;
}

/* v or q as short_decimal reads it (the same digits give the same
** double): 1 to 7 digits, optionally a point and 1 to 7 digits.  `dots`
** has bit b set where s[b] is a point. */
HOT bool fast_amount(const char *s, unsigned len, uint64_t dots, bool convert, double *out) {
  static const uint64_t P10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
  uint64_t ip, fp;
  unsigned dot = dots != 0 ? (unsigned)__builtin_ctzll(dots) : 64;
  if (dot >= len) {
    if (len > 7 || !digits_n(s, len, &ip)) return false;
    *out = (double)ip;
    return true;
  }
  unsigned f = len - dot - 1;
  if (dot > 7 || f - 1 >= 7 || !digits_n(s, dot, &ip) || !digits_n(s + dot + 1, f, &fp))
    return false;
  if (convert) *out = (double)(ip * P10[f] + fp) / (double)P10[f];
  return true;
}

/* The row at p (FAST_NEED bytes are readable) when it is plain: its
** fields, and where the next row starts; NULL to read it field by field. */
HOT const char *fast_row(const chunk *c, const char *p, int32_t *t, int32_t *i, int32_t *j,
                         code *k, double *v, double *q) {
#ifdef __SSE2__
  uint64_t comma, nl, dots;
  byte_masks(p, &comma, &nl, &dots);
  uint64_t sep = comma | nl;
  unsigned e[6];
  for (int f = 0; f < 6; f++) {
    if (sep == 0) return NULL;
    e[f] = (unsigned)__builtin_ctzll(sep);
    sep &= sep - 1;
  }
  /* five commas, then the line feed */
  if (!(nl >> e[5] & 1) || (nl & (((uint64_t)2 << e[4]) - 1)) != 0) return NULL;
  uint64_t ut, ui, uj;
  bool digits;
  if (!digits_n(p, e[0], &ut) || ut < 1000 || ut > 9999 ||
      !digits_n(p + e[0] + 1, e[1] - e[0] - 1, &ui) || ui > 32767 ||
      !digits_n(p + e[1] + 1, e[2] - e[1] - 1, &uj) || uj > 32767 ||
      !alnum_n(p + e[2] + 1, e[3] - e[2] - 1, &digits))
    return NULL;
  unsigned qend = p[e[5] - 1] == '\r' ? e[5] - 1 : e[5], qlen = qend - e[4] - 1;
  if (!fast_amount(p + e[3] + 1, e[4] - e[3] - 1, dots >> (e[3] + 1), c->v != NULL, v))
    return NULL;
  if (qlen == 0 || (qlen == 2 && p[e[4] + 1] == 'N' && p[e[4] + 2] == 'A')) *q = TS_NA_F64;
  else if (!fast_amount(p + e[4] + 1, qlen, dots >> (e[4] + 1), c->q != NULL, q)) return NULL;
  *t = (int32_t)ut, *i = (int32_t)ui, *j = (int32_t)uj;
  *k = (code){p + e[2] + 1, p + e[2] + 1, e[3] - e[2] - 1, digits};
  return p + e[5] + 1;
#else
  (void)c, (void)p, (void)t, (void)i, (void)j, (void)k, (void)v, (void)q;
  return NULL;
#endif
}

/* 0 or 1, combined with & below: no branch per key. */
HOT unsigned key_kept(const uint64_t *bits, int32_t v) { return (unsigned)(bits[v >> 6] >> (v & 63) & 1); }

/* One row: every field checked, then kept or dropped (the where), then
** the kept columns stored. */
HOT const char *parse_row(chunk *c, const char *p, const char *end) {
  int32_t t = 0, i = 0, j = 0, k = 0;
  double v = 0, q = 0;
  code kc;
  const char *next = end - p >= FAST_NEED ? fast_row(c, p, &t, &i, &j, &kc, &v, &q) : NULL;
  if (next != NULL) p = next;
  else if (!(p = int_field(c, p, end, 1000, 9999, 0, &t,
                      "column 't': '%s' is not a year (1000..9999)")) ||
      !(p = int_field(c, p, end, 0, 32767, 1, &i,
                      "column 'i': '%s' is not a country code (an integer 0..32767)")) ||
      !(p = int_field(c, p, end, 0, 32767, 2, &j,
                      "column 'j': '%s' is not a country code (an integer 0..32767)")) ||
      !(p = code_field(c, p, end, &kc)) ||
      !(p = amount_field(c, p, end, false, c->v != NULL, &v)) ||
      !(p = amount_field(c, p, end, true, c->q != NULL, &q)) || !(p = line_end(c, p, end)))
    return NULL;
  const plan *pl = c->plan;
  if (pl->by_key && !(key_kept(pl->keys, t) & key_kept(pl->keys + KEYBITS / 64, i) &
                      key_kept(pl->keys + 2 * KEYBITS / 64, j)))
    return p;
  if (pl->need_code) {
    int rc = code_id(c, &kc, &k);
    if (rc <= 0) return rc == 0 ? p : NULL;
  }
  size_t n = c->n;
  if (n == c->cap) return fail(c, p, "%s", "more rows than the file size allows");
  if (c->t != NULL) c->t[n] = (int16_t)t;
  if (c->i != NULL) c->i[n] = (int16_t)i;
  if (c->j != NULL) c->j[n] = (int16_t)j;
  if (c->k != NULL) c->k[n] = k;
  if (c->v != NULL) c->v[n] = v;
  if (c->q != NULL) c->q[n] = q;
  c->lo[0] = t < c->lo[0] ? t : c->lo[0];
  c->hi[0] = t > c->hi[0] ? t : c->hi[0];
  c->lo[1] = i < c->lo[1] ? i : c->lo[1];
  c->hi[1] = i > c->hi[1] ? i : c->hi[1];
  c->lo[2] = j < c->lo[2] ? j : c->lo[2];
  c->hi[2] = j > c->hi[2] ? j : c->hi[2];
  c->n = n + 1;
  return p;
}

/* The rows that start in [p, stop); `end` (the half's end, or just after
** a line end) bounds them. */
static const char *parse_rows(chunk *c, const char *p, const char *stop, const char *end) {
  while (p != NULL && p < stop) {
    if (*p == '\n') p++;
    else if (*p == '\r' && p + 1 < end && p[1] == '\n') p += 2;
    else c->row = p, p = parse_row(c, p, end);
  }
  return p;
}

static bool stopped(const chunk *c) { return c->stop != NULL && atomic_load(c->stop); }

/* A caller's buffer: read in place, a step at a time for progress. */
static void parse_buffer(chunk *c) {
  const char *base = c->src->data, *p = base + c->begin, *end = base + c->end;
  c->wbuf = base, c->woff = 0, c->wend = end;
  while (p != NULL && p < end && !stopped(c)) {
    p = parse_rows(c, p, (size_t)(end - p) > STEP ? p + STEP : end, end);
    if (p != NULL) atomic_store(&c->done, (size_t)(p - base) - c->begin);
  }
}

/* n bytes of the file at off into p, fewer only at its end; -1 on error. */
static ssize_t read_at(int fd, char *p, size_t n, size_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t k = pread(fd, p + got, n - got, (off_t)(off + got));
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return -1;
    if (k == 0) break;
    got += (size_t)k;
  }
  return (ssize_t)got;
}

/* tests/fuzz/fuzz_baci_file.c compiles this file with a 64-byte window, so
** that lines cross windows, grow them and end on their edges. */
#ifndef TS_BACI_WINDOW
#define TS_BACI_WINDOW ((size_t)1 << 18)
#endif
#define WINDOW TS_BACI_WINDOW
#define MAX_LINE ((size_t)1 << 26)

/* An error of the read itself, placed at the start of the row it was
** reading. */
COLD void window_fail(chunk *c, size_t off, const char *fmt, const char *arg) {
  c->wbuf = c->row = c->own, c->woff = off;
  fail(c, c->own, fmt, arg);
}

/* A file: a window of whole lines at a time; the bytes after the last
** line end move to the front of the window and the next read goes after
** them.  A line longer than the window makes it grow (up to MAX_LINE). */
static void parse_file(chunk *c) {
  size_t off = c->begin, carry = 0; /* bytes read so far; those kept from the last window */
  for (;;) {
    size_t room = c->own_cap - carry, left = c->end - off;
    ssize_t got = read_at(c->src->fd, c->own + carry, room < left ? room : left, off);
    if (got < 0 || (size_t)got < (room < left ? room : left)) {
      if (got < 0) window_fail(c, off - carry, "cannot read the file: %s", strerror(errno));
      else window_fail(c, off - carry, "%s", "the file ended early (was it changed while read?)");
      return;
    }
    off += (size_t)got;
    size_t have = carry + (size_t)got, upto = have;
    bool last = off == c->end;
    if (!last) {
      const char *nl = memrchr(c->own, '\n', have);
      if (nl == NULL) {
        char *bigger = c->own_cap * 2 <= MAX_LINE ? ts_realloc(c->alloc, c->own, c->own_cap * 2)
                                                    : NULL;
        if (bigger == NULL) {
          window_fail(c, off - have, "%s", c->own_cap * 2 <= MAX_LINE
                                               ? "out of memory for a long line"
                                               : "a line longer than 64 MB (not BACI rows)");
          return;
        }
        c->own = bigger, c->own_cap *= 2, carry = have;
        continue;
      }
      upto = (size_t)(nl - c->own) + 1;
    }
    c->wbuf = c->own, c->woff = off - have, c->wend = c->own + upto;
    if (parse_rows(c, c->own, c->wend, c->wend) == NULL) return;
    atomic_store(&c->done, off - (have - upto) - c->begin);
    if (last || stopped(c)) return;
    carry = have - upto;
    memmove(c->own, c->own + upto, carry);
  }
}

static void *parse_chunk(void *arg) {
  chunk *c = arg;
  if (c->src->data != NULL) parse_buffer(c);
  else parse_file(c);
  atomic_store(&c->done, c->end - c->begin);
  return NULL;
}

/* ---- the whole file ------------------------------------------------------------------------- */

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

#define COUNT_BLOCK ((size_t)1 << 16)

/* Line ends in bytes [from, to) of the source, a file read through a
** small buffer (its pages are then never mapped); SIZE_MAX when the file
** cannot be read. */
static size_t count_source_lines(const source *src, size_t from, size_t to) {
  if (src->data != NULL) return count_lines(src->data + from, to - from);
  char block[COUNT_BLOCK];
  size_t lines = 0;
  while (from < to) {
    ssize_t got = read_at(src->fd, block, to - from < COUNT_BLOCK ? to - from : COUNT_BLOCK,
                          from);
    if (got <= 0) return SIZE_MAX;
    lines += count_lines(block, (size_t)got);
    from += (size_t)got;
  }
  return lines;
}

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

/* The header of the source: its first bytes, enough for any header. */
static int source_header(const source *src, const char *name, size_t *body, ts_err *err) {
  char head[4096];
  if (src->data != NULL) return header_end(src->data, src->len, name, body, err);
  ssize_t got = read_at(src->fd, head, src->len < sizeof head ? src->len : sizeof head, 0);
  if (got < 0) return ts_errf(err, "%s: cannot read: %s", name, strerror(errno));
  return header_end(head, (size_t)got, name, body, err);
}

/* Just after the first line end at or after byte `at`, or the end. */
static size_t line_end_from(const source *src, size_t at) {
  if (at >= src->len) return src->len;
  if (src->data != NULL) {
    const char *nl = memchr(src->data + at, '\n', src->len - at);
    return nl != NULL ? (size_t)(nl - src->data) + 1 : src->len;
  }
  char block[COUNT_BLOCK];
  ssize_t got;
  while (at < src->len) { /* the file may go on past src->len: read no further */
    size_t want = src->len - at < sizeof block ? src->len - at : sizeof block;
    if ((got = read_at(src->fd, block, want, at)) <= 0) break;
    const char *nl = memchr(block, '\n', (size_t)got);
    if (nl != NULL) return at + (size_t)(nl - block) + 1;
    at += (size_t)got;
  }
  return src->len; /* no line end after `at` (or unreadable): the rest */
}

/* Where the first half ends: just after a line end a little past the
** middle, since the second half's thread also counts the first's lines. */
static size_t split_point(const source *src, size_t begin) {
  return line_end_from(src, begin + (src->len - begin) / 2 + (src->len - begin) / 32);
}

static int report(const char *name, const source *src, const chunk *c, ts_err *err) {
  size_t lines = count_source_lines(src, 0, c->err_row);
  if (lines == SIZE_MAX)
    return ts_errf(err, "%s: byte %zu: %s", name, c->err_pos + 1, c->err_what);
  return ts_errf(err, "%s:%zu:%zu: %s", name, lines + 1, c->err_pos - c->err_row + 1,
                 c->err_what);
}

/* The second half's own product dictionary and code table. */
static int alloc_half(chunk *c, const ts_alloc *a, ts_err *err) {
  c->dict = ts_table_new("products", a, err);
  if (c->dict == NULL) return -1;
  return grow_codes(c, err);
}

static void free_half(chunk *c, const ts_alloc *a, bool dict) {
  ts_free(a, c->own);
  ts_free(a, c->code_keys);
  ts_free(a, c->code_ids);
  ts_free(a, c->code_pass);
  if (dict) ts_table_free(c->dict);
}

/* The dataset's kept columns, sized for the most rows the file can hold
** (only the pages written are ever touched); the first half writes from
** row 0. */
static ts_bulk *new_dataset(const char *name, size_t cap, const ts_alloc *a, const plan *pl,
                            chunk *first, ts_err *err) {
  ts_bulk *b = ts_bulk_new("baci", a, err);
  if (b == NULL) return NULL;
  snprintf(b->source, sizeof b->source, "%s", name);
  for (int f = 0; f < NFILECOLS; f++)
    if (pl->col[f] >= 0 && ts_bulk_add_column(b, COLNAMES[f], COLTYPES[f], cap, err) < 0) {
      ts_bulk_free(b);
      return NULL;
    }
  b->measure = pl->col[VALUE] >= 0 ? pl->col[VALUE] : pl->col[QUANTITY];
  first->dict = b->dict;
  if (grow_codes(first, err) != 0) {
    ts_bulk_free(b);
    return NULL;
  }
  return b;
}

/* Row `base` of file column f's dataset column, or NULL when not kept. */
static void *column_at(const ts_bulk *b, const plan *pl, int f, size_t base) {
  return pl->col[f] < 0 ? NULL
                        : (char *)b->cols[pl->col[f]].data + base * ts_type_size(COLTYPES[f]);
}

/* Points a half's output at row `base` of the dataset's columns. */
static void place(chunk *c, ts_bulk *b, size_t base, size_t cap) {
  c->t = column_at(b, c->plan, YEAR, base);
  c->i = column_at(b, c->plan, EXPORTER, base);
  c->j = column_at(b, c->plan, IMPORTER, base);
  c->k = column_at(b, c->plan, PRODUCT, base);
  c->v = column_at(b, c->plan, VALUE, base);
  c->q = column_at(b, c->plan, QUANTITY, base);
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
  source src;
} run;

/* The second half's thread: count the first half's lines (a bound on its
** rows, so that this half can write its rows straight after them), then
** parse. */
static void *second_main(void *arg) {
  run *r = arg;
  /* the first half ends with a line end: its rows are at most its lines,
  ** and at most its bytes over a row's least size (blank lines are lines
  ** but not rows: many of them would put base past the columns' end) */
  size_t lines = count_source_lines(&r->src, r->body, r->mid);
  size_t most = (r->mid - r->body) / MIN_ROW_BYTES; /* also when the count cannot read */
  r->base = lines < most ? lines : most;
  place(&r->half[1], r->b, r->base, r->cap);
  return parse_chunk(&r->half[1]);
}

/* Joins the second half's thread, reporting progress every 50 ms until it
** ends (and not a moment longer: a block read by ts_baci_import_blocks is
** short). */
static void wait_second(run *r, const ts_baci_opts *o, size_t total) {
  if (!r->started) return;
  r->started = false;
  if (o->progress == NULL) {
    pthread_join(r->thread, NULL);
    return;
  }
  for (;;) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 50000000;
    if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
    if (pthread_timedjoin_np(r->thread, NULL, &until) == 0) return;
    o->progress(o->progress_ud, atomic_load(&r->half[0].done) + atomic_load(&r->half[1].done),
                total);
  }
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
  for (size_t row = 0; h->k != NULL && row < h->n; row++) h->k[row] = map[h->k[row]];
  ts_free(&b->alloc, map);
  if (at < r->base)
    for (size_t c = 0; c < b->ncols; c++) {
      size_t size = ts_type_size(b->cols[c].type);
      char *data = b->cols[c].data;
      memmove(data + at * size, data + r->base * size, h->n * size);
    }
  b->rows = at + h->n;
  return 0;
}

/* The key ranges the halves tracked, so that finishing skips a pass. */
static void set_ranges(ts_bulk *b, const run *r, const plan *pl) {
  for (int f = YEAR; f <= IMPORTER; f++) {
    if (pl->col[f] < 0) continue;
    int32_t lo = r->half[0].lo[f], hi = r->half[0].hi[f];
    if (r->nhalves == 2) {
      lo = r->half[1].lo[f] < lo ? r->half[1].lo[f] : lo;
      hi = r->half[1].hi[f] > hi ? r->half[1].hi[f] : hi;
    }
    b->cols[pl->col[f]].lo = lo, b->cols[pl->col[f]].hi = hi;
  }
  if (pl->col[PRODUCT] >= 0) {
    b->cols[pl->col[PRODUCT]].lo = 0;
    b->cols[pl->col[PRODUCT]].hi = (int32_t)ts_dict_count(b->dict) - 1;
  }
}

static void init_halves(run *r, const ts_alloc *a, const plan *pl) {
  for (int h = 0; h < 2; h++) {
    r->half[h] = (chunk){.src = &r->src, .plan = pl, .begin = h == 0 ? r->body : r->mid,
                         .end = h == 0 ? r->mid : r->src.len,
                         .stop = h == 1 ? &r->stop : NULL, .alloc = a,
                         .lo = {INT32_MAX, INT32_MAX, INT32_MAX},
                         .hi = {INT32_MIN, INT32_MIN, INT32_MIN}};
    atomic_init(&r->half[h].done, 0);
  }
}

/* ---- options ------------------------------------------------------------------------------ */

static int check_ints(const char *what, const int32_t *v, size_t n, int32_t lo, int32_t hi,
                      const char *kind, ts_err *err) {
  if (n > 0 && v == NULL) return ts_errf(err, "where %s: no values given", what);
  for (size_t i = 0; i < n; i++)
    if (v[i] < lo || v[i] > hi) return ts_errf(err, "where %s: %d is not %s", what, v[i], kind);
  return 0;
}

static bool is_code(const char *s, size_t minlen, size_t maxlen) {
  size_t n = 0;
  for (; s[n] != '\0' && n <= maxlen; n++)
    if ((unsigned)(s[n] - '0') >= 10 && (unsigned)(((unsigned char)s[n] | 0x20) - 'a') >= 26)
      return false;
  return n >= minlen && n <= maxlen;
}

static int check_codes(const char *what, const char *const *v, size_t n, size_t minlen,
                       size_t maxlen, const char *kind, ts_err *err) {
  if (n > 0 && v == NULL) return ts_errf(err, "where %s: no values given", what);
  for (size_t i = 0; i < n; i++)
    if (v[i] == NULL || !is_code(v[i], minlen, maxlen))
      return ts_errf(err, "where %s: '%.40s' is not %s", what, v[i] ? v[i] : "", kind);
  return 0;
}

/* The file column named `name`, or -1. */
static int file_column(const char *name) {
  for (int f = 0; f < NFILECOLS; f++)
    if (name != NULL && strcmp(name, COLNAMES[f]) == 0) return f;
  return -1;
}

static int check_columns(const ts_baci_opts *o, ts_err *err) {
  bool seen[NFILECOLS] = {false};
  if (o->ncolumns > 0 && o->columns == NULL) return ts_errf(err, "columns: no names given");
  for (size_t i = 0; i < o->ncolumns; i++) {
    int f = file_column(o->columns[i]);
    if (f < 0)
      return ts_errf(err, "columns: no column '%.40s' (year, exporter, importer, product, value, "
                          "quantity)", o->columns[i] ? o->columns[i] : "");
    if (seen[f]) return ts_errf(err, "columns: '%s' is named twice", COLNAMES[f]);
    seen[f] = true;
  }
  return 0;
}

int ts_baci_check_opts(const ts_baci_opts *o, ts_err *err) {
  if (o == NULL) return 0;
  const ts_baci_where *w = &o->where;
  const char *country = "a country code (an integer 0..32767)";
  if (check_columns(o, err) != 0 ||
      check_ints("year", w->years, w->nyears, 1000, 9999, "a year (1000..9999)", err) != 0 ||
      check_ints("exporter", w->exporters, w->nexporters, 0, 32767, country, err) != 0 ||
      check_ints("importer", w->importers, w->nimporters, 0, 32767, country, err) != 0 ||
      check_codes("product", w->products, w->nproducts, 1, MAX_CODE,
                  "a product code (1 to 15 letters or digits)", err) != 0 ||
      check_codes("chapter", w->chapters, w->nchapters, 2, 2, "a chapter (2 letters or digits)",
                  err) != 0 ||
      check_codes("heading", w->headings, w->nheadings, 4, 4, "a heading (4 letters or digits)",
                  err) != 0)
    return -1;
  return 0;
}

static void plan_free(plan *pl, const ts_alloc *a) {
  ts_free(a, pl->keys);
  ts_free(a, pl->products);
}

/* One of plan.keys: the values given, or every value when none. */
static void key_set(uint64_t *bits, const int32_t *v, size_t n) {
  memset(bits, n > 0 ? 0 : 0xff, KEYBITS / 8);
  for (size_t i = 0; i < n; i++) bits[v[i] >> 6] |= (uint64_t)1 << (v[i] & 63);
}

/* Checks the options and compiles them for the row loop. */
static int plan_build(plan *pl, const ts_baci_opts *o, const ts_alloc *a, ts_err *err) {
  const ts_baci_where *w = &o->where;
  memset(pl, 0, sizeof *pl);
  pl->where = w;
  if (ts_baci_check_opts(o, err) != 0) return -1;
  bool keep[NFILECOLS];
  for (int f = 0; f < NFILECOLS; f++) keep[f] = o->ncolumns == 0;
  for (size_t i = 0; i < o->ncolumns; i++) keep[file_column(o->columns[i])] = true;
  for (int f = 0, n = 0; f < NFILECOLS; f++) pl->col[f] = keep[f] ? n++ : -1;
  pl->by_key = w->nyears > 0 || w->nexporters > 0 || w->nimporters > 0;
  pl->by_code = w->nproducts > 0 || w->nchapters > 0 || w->nheadings > 0;
  pl->need_code = keep[PRODUCT] || pl->by_code;
  if (pl->by_key) {
    if ((pl->keys = ts_malloc(a, 3 * KEYBITS / 8)) == NULL)
      return ts_errf(err, "out of memory for the where");
    key_set(pl->keys, w->years, w->nyears);
    key_set(pl->keys + KEYBITS / 64, w->exporters, w->nexporters);
    key_set(pl->keys + 2 * KEYBITS / 64, w->importers, w->nimporters);
  }
  if (w->nproducts > 0) {
    if ((pl->products = ts_malloc(a, w->nproducts * sizeof *pl->products)) == NULL)
      return ts_errf(err, "out of memory for the where");
    for (size_t i = 0; i < w->nproducts; i++) { /* as the file's codes are stored */
      const char *c = w->products[i];
      bool five_digits = strlen(c) == 5 && strspn(c, "0123456789") == 5;
      snprintf(pl->products[i], sizeof *pl->products, "%s%s", five_digits ? "0" : "", c);
    }
  }
  return 0;
}

/* ---- the whole file, again ------------------------------------------------------------------- */

/* A file's window buffer for each half. */
static int alloc_windows(run *r, const ts_alloc *a, ts_err *err) {
  for (int h = 0; h < r->nhalves && r->src.data == NULL; h++) {
    if ((r->half[h].own = ts_malloc(a, WINDOW)) == NULL)
      return ts_errf(err, "out of memory for the read buffer");
    r->half[h].own_cap = WINDOW;
  }
  return 0;
}

static const ts_alloc *alloc_of(const ts_baci_opts *o) {
  return o->alloc != NULL ? o->alloc : &ts_alloc_libc;
}

/* The rows of the lines that start in bytes [body, src->len) of the
** source: body is just after the header (source_header) or after a line
** end past it. */
static ts_bulk *parse(const char *name, const source *src, size_t body, const plan *pl,
                      const ts_baci_opts *o, ts_err *err) {
  const ts_alloc *a = alloc_of(o);
  size_t len = src->len;
  run r = {.nhalves = o->threads == 1 ? 1 : 2, .src = *src, .body = body};
  atomic_init(&r.stop, false);
  r.mid = r.nhalves == 2 ? split_point(src, r.body) : len;
  if (r.mid == len) r.nhalves = 1;
  init_halves(&r, a, pl);
  r.cap = (len - r.body) / MIN_ROW_BYTES + 1;
  if ((r.b = new_dataset(name, r.cap, a, pl, &r.half[0], err)) == NULL) {
    free_half(&r.half[0], a, false);
    return NULL;
  }
  int rc = alloc_windows(&r, a, err);
  if (rc == 0 && r.nhalves == 2) rc = alloc_half(&r.half[1], a, err);
  if (rc == 0) rc = parse_halves(&r, o, len - r.body, err);
  if (rc == 0 && (r.half[0].failed || r.half[1].failed))
    rc = report(name, &r.src, r.half[0].failed ? &r.half[0] : &r.half[1], err);
  r.b->rows = r.half[0].n;
  if (rc == 0 && r.nhalves == 2) rc = join_halves(&r, err);
  free_half(&r.half[0], a, false);
  if (r.nhalves == 2) free_half(&r.half[1], a, true);
  if (rc == 0) set_ranges(r.b, &r, pl);
  if (rc == 0) rc = ts_bulk_finish(r.b, err);
  if (rc != 0) {
    ts_bulk_free(r.b);
    return NULL;
  }
  return r.b;
}

static const ts_baci_opts DEFAULTS = {.threads = 0};

/* The whole source, its header checked, with the options compiled. */
static ts_bulk *parse_whole(const char *name, const source *src, const ts_baci_opts *o,
                            ts_err *err) {
  const ts_alloc *a = alloc_of(o);
  plan pl;
  size_t body;
  ts_bulk *b = NULL;
  if (plan_build(&pl, o, a, err) == 0 && source_header(src, name, &body, err) == 0)
    b = parse(name, src, body, &pl, o, err);
  plan_free(&pl, a);
  return b;
}

ts_bulk *ts_baci_parse(const char *name, const char *buf, size_t len, const ts_baci_opts *opts,
                       ts_err *err) {
  source src = {buf, -1, len};
  return parse_whole(name, &src, opts != NULL ? opts : &DEFAULTS, err);
}

static int open_source(const char *path, source *src, ts_err *err) {
  size_t size;
  int fd = ts_bulk_open_file(path, &size, err);
  if (fd < 0) return -1;
  *src = (source){NULL, fd, size};
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return 0;
}

ts_bulk *ts_baci_import(const char *path, const ts_baci_opts *opts, ts_err *err) {
  source src;
  if (ts_baci_check_opts(opts, err) != 0 || open_source(path, &src, err) != 0) return NULL;
  ts_bulk *b = parse_whole(path, &src, opts != NULL ? opts : &DEFAULTS, err);
  close(src.fd);
  return b;
}

/* A block's progress as the whole file's. */
typedef struct block_progress {
  const ts_baci_opts *o;
  size_t at, total;
} block_progress;

static void report_block(void *ud, size_t done, size_t total) {
  (void)total;
  block_progress *p = ud;
  p->o->progress(p->o->progress_ud, p->at + done, p->total);
}

/* The blocks of an open file: its header checked and the options compiled
** once, then each block's lines parsed and taken. */
static int parse_blocks(const char *path, const source *whole, const plan *pl,
                        const ts_baci_opts *opts, size_t block, ts_baci_take_fn take, void *ud,
                        ts_err *err) {
  size_t body;
  if (source_header(whole, path, &body, err) != 0) return -1;
  block_progress bp = {opts, 0, whole->len - body}; /* counted as an import counts */
  ts_baci_opts o = *opts;
  if (o.progress != NULL) o.progress = report_block, o.progress_ud = &bp;
  for (size_t at = 0;;) { /* blocks count from the file's start; rows from its body */
    size_t to = block < whole->len - at ? line_end_from(whole, at + block) : whole->len;
    source part = *whole;
    part.len = to;
    bp.at = at > body ? at - body : 0;
    ts_bulk *b = parse(path, &part, at > body ? at : body, pl, &o, err);
    if (b == NULL || take(ud, b, err) != 0) return -1;
    if ((at = to) == whole->len) return 0;
  }
}

int ts_baci_import_blocks(const char *path, const ts_baci_opts *opts, size_t block,
                          ts_baci_take_fn take, void *ud, ts_err *err) {
  if (opts == NULL) opts = &DEFAULTS;
  const ts_alloc *a = alloc_of(opts);
  plan pl;
  source whole;
  int rc = plan_build(&pl, opts, a, err);
  if (rc == 0 && (rc = open_source(path, &whole, err)) == 0) {
    rc = parse_blocks(path, &whole, &pl, opts, block, take, ud, err);
    close(whole.fd);
  }
  plan_free(&pl, a);
  return rc;
}
