/*
** csv.c — the RFC 4180 reader and writer.
**
** The reader walks the buffer once.  Each byte is classified by one table
** lookup; runs of ordinary bytes are skipped in a tight loop and only the
** few special bytes (comma, quote, CR, LF, NUL, and bytes >= 0x80, which
** start a UTF-8 sequence to validate) leave it.
*/
#include "csv.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Ordered so that inside quotes "ordinary" is every class up to C_CR. */
enum { C_PLAIN, C_COMMA, C_CR, C_QUOTE, C_LF, C_NUL, C_HIGH };

static const unsigned char byte_class[256] = {
    [0] = C_NUL,      [','] = C_COMMA, ['\r'] = C_CR, ['"'] = C_QUOTE,
    ['\n'] = C_LF,    [0x80 ... 0xff] = C_HIGH,
};

typedef const unsigned char *bytes;

/* ---- setup ------------------------------------------------------------------- */

void ts_csv_init(ts_csv *r, const char *name, const char *buf, size_t len,
                 const struct ts_alloc *a) {
  /* "" rather than NULL: pointer arithmetic on NULL is undefined even by 0. */
  *r = (ts_csv){.name = name, .buf = buf ? buf : "", .len = len, .cur_line = 1, .alloc = a};
  if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) r->pos = r->line_start = 3;
}

void ts_csv_free(ts_csv *r) {
  ts_free(r->alloc, r->fbuf);
  ts_free(r->alloc, r->scratch);
  ts_free(r->alloc, r->owned);
  r->fbuf = NULL;
  r->scratch = r->owned = NULL;
  r->fields = NULL;
  r->fcap = r->scratch_cap = r->nfields = 0;
}

void ts_csv_expect(ts_csv *r, long n) { r->expect = n; }

int ts_csv_init_file(ts_csv *r, const char *path, const struct ts_alloc *a, ts_err *err) {
  char *buf = NULL;
  size_t len = 0;
  ts_csv_init(r, path, "", 0, a);
  if (ts_csv_read_file(path, a, &buf, &len, err) != 0) return -1;
  ts_csv_init(r, path, buf, len, a);
  r->owned = buf;
  return 0;
}

/* ---- reading a file ------------------------------------------------------------ */

static int io_error(ts_err *err, const char *path, const char *doing, int code) {
  char why[128];
  return ts_errf(err, "%s: cannot %s: %s", path, doing, strerror_r(code, why, sizeof why));
}

/* Reads until end of file, growing *buf; the size from fstat is only a hint
** (pipes and /proc files have none). */
static int read_all(int fd, const char *path, const struct ts_alloc *a, char **buf, size_t *cap,
                    size_t *len, ts_err *err) {
  for (;;) {
    if (*len + 1 >= *cap && ts_grow(a, buf, cap, *len + 2, 1) != 0)
      return ts_errf(err, "%s: out of memory reading %zu bytes", path, *len + 2);
    ssize_t got = read(fd, *buf + *len, *cap - *len - 1);
    if (got == 0) return 0;
    if (got < 0 && errno != EINTR) return io_error(err, path, "read", errno);
    if (got > 0) *len += (size_t)got;
  }
}

int ts_csv_read_file(const char *path, const struct ts_alloc *a, char **buf, size_t *len,
                     ts_err *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(err, path, "open", errno);
  struct stat st;
  size_t cap = 0, n = 0;
  char *p = NULL;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size < SIZE_MAX - 1 &&
      ts_grow(a, &p, &cap, (size_t)st.st_size + 2, 1) != 0) {
    close(fd);
    return ts_errf(err, "%s: out of memory reading %jd bytes", path, (intmax_t)st.st_size);
  }
  if (read_all(fd, path, a, &p, &cap, &n, err) != 0) {
    ts_free(a, p);
    close(fd);
    return -1;
  }
  close(fd);
  p[n] = '\0';
  *buf = p;
  *len = n;
  return 0;
}

/* ---- errors -------------------------------------------------------------------- */

int ts_csv_errf(const ts_csv *r, size_t line, size_t col, ts_err *err, const char *fmt, ...) {
  char what[sizeof err->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return ts_errf(err, "%s:%zu:%zu: %s", r->name, line, col, what);
}

static size_t col_of(const ts_csv *r, bytes p) {
  return (size_t)(p - (bytes)r->buf) - r->line_start + 1;
}

/* Reports at p on the current line, and stops the reader. */
static int fail_at(ts_csv *r, bytes p, ts_err *err, const char *what) {
  r->failed = true;
  return ts_csv_errf(r, r->cur_line, col_of(r, p), err, "%s", what);
}

static int fail_byte(ts_csv *r, bytes p, ts_err *err, const char *fmt) {
  char what[64];
  snprintf(what, sizeof what, fmt, *p);
  return fail_at(r, p, err, what);
}

static int fail_after_quote(ts_csv *r, bytes p, ts_err *err) {
  if (*p >= 0x20 && *p < 0x7f) return fail_byte(r, p, err, "unexpected '%c' after closing quote");
  return fail_byte(r, p, err, "unexpected byte 0x%02x after closing quote");
}

/* ---- the scanner ------------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at p (Unicode table 3-7: no
** overlong forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_len(bytes p, bytes end) {
  unsigned c = p[0], lo = 0x80, hi = 0xbf;
  size_t n;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c == 0xe0) n = 3, lo = 0xa0;
  else if (c == 0xed) n = 3, hi = 0x9f;
  else if (c >= 0xe1 && c <= 0xef) n = 3;
  else if (c == 0xf0) n = 4, lo = 0x90;
  else if (c == 0xf4) n = 4, hi = 0x8f;
  else if (c >= 0xf1 && c <= 0xf3) n = 4;
  else return 0;
  if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if ((p[i] & 0xc0) != 0x80) return 0;
  return n;
}

/* A byte the fast loops stopped at that is wrong anywhere in a field;
** returns the bytes to skip (a valid UTF-8 sequence), or 0 after an error. */
static size_t check_special(ts_csv *r, bytes p, bytes end, ts_err *err) {
  if (byte_class[*p] == C_NUL) {
    fail_at(r, p, err, "NUL byte");
    return 0;
  }
  size_t n = utf8_len(p, end);
  if (n == 0) fail_byte(r, p, err, "invalid UTF-8 byte 0x%02x");
  return n;
}

/* An unquoted field from p; stops at the comma or line end after it. */
static bytes scan_plain(ts_csv *r, bytes p, bytes end, ts_err *err) {
  for (;;) {
    while (p < end && byte_class[*p] == C_PLAIN) p++;
    if (p == end) return p;
    unsigned k = byte_class[*p];
    if (k == C_COMMA || k == C_CR || k == C_LF) return p;
    if (k == C_QUOTE) {
      fail_at(r, p, err, "'\"' inside an unquoted field (quote the field and double the '\"')");
      return NULL;
    }
    size_t n = check_special(r, p, end, err);
    if (n == 0) return NULL;
    p += n;
  }
}

/* The body of a quoted field from just past its opening quote at q; returns
** its closing quote, counting the lines it crosses.  *escaped tells whether
** it holds a doubled quote. */
static bytes scan_quoted(ts_csv *r, bytes q, bytes end, bool *escaped, ts_err *err) {
  size_t open_line = r->cur_line, open_col = col_of(r, q);
  bytes p = q + 1;
  for (;;) {
    while (p < end && byte_class[*p] <= C_CR) p++;
    if (p == end) {
      r->failed = true;
      ts_csv_errf(r, open_line, open_col, err, "unterminated quoted field");
      return NULL;
    }
    if (*p == '"') {
      if (p + 1 == end || p[1] != '"') return p;
      *escaped = true;
      p += 2;
    } else if (*p == '\n') {
      r->cur_line++;
      r->line_start = (size_t)(++p - (bytes)r->buf);
    } else {
      size_t n = check_special(r, p, end, err);
      if (n == 0) return NULL;
      p += n;
    }
  }
}

/* ---- records ------------------------------------------------------------------------ */

static int out_of_memory(ts_csv *r, bytes p, ts_err *err) {
  return fail_at(r, p, err, "out of memory");
}

/* Copies a quoted body with "" collapsed to the scratch buffer.  Its address
** is set once the record is complete: the scratch buffer may still move. */
static int unescape(ts_csv *r, ts_csv_field *f, bytes body, bytes close, ts_err *err) {
  size_t need = r->scratch_used + (size_t)(close - body);
  if (ts_grow(r->alloc, &r->scratch, &r->scratch_cap, need, 1) != 0)
    return out_of_memory(r, body, err);
  char *out = r->scratch + r->scratch_used;
  for (bytes p = body; p < close; p++) {
    *out++ = (char)*p;
    if (*p == '"') p++;
  }
  f->s = NULL;
  f->len = (size_t)(out - (r->scratch + r->scratch_used));
  r->scratch_used += f->len;
  return 0;
}

/* Reads the field at p into f; returns where it ends, or NULL on error. */
static bytes read_field(ts_csv *r, bytes p, bytes end, ts_csv_field *f, ts_err *err) {
  *f = (ts_csv_field){.s = (const char *)p, .line = r->cur_line, .col = col_of(r, p)};
  if (p == end || *p != '"') {
    bytes e = scan_plain(r, p, end, err);
    if (e != NULL) f->len = (size_t)(e - p);
    return e;
  }
  bool escaped = false;
  bytes close = scan_quoted(r, p, end, &escaped, err);
  if (close == NULL) return NULL;
  f->quoted = true;
  f->s = (const char *)p + 1;
  f->len = (size_t)(close - p - 1);
  if (escaped && unescape(r, f, p + 1, close, err) != 0) return NULL;
  bytes after = close + 1;
  if (after < end && *after != ',' && *after != '\r' && *after != '\n') {
    fail_after_quote(r, after, err);
    return NULL;
  }
  return after;
}

static void place_unescaped(ts_csv *r) {
  size_t off = 0;
  for (size_t i = 0; i < r->nfields; i++) {
    if (r->fbuf[i].s != NULL) continue;
    r->fbuf[i].s = r->scratch + off;
    off += r->fbuf[i].len;
  }
}

/* Surplus fields are reported where the first surplus one starts, missing
** ones where the record ends. */
static int check_count(ts_csv *r, size_t end_line, size_t end_col, ts_err *err) {
  if (r->expect == 0) r->expect = (long)r->nfields;
  if (r->expect < 0 || r->nfields == (size_t)r->expect) return 0;
  r->failed = true;
  size_t want = (size_t)r->expect;
  if (r->nfields > want) end_line = r->fbuf[want].line, end_col = r->fbuf[want].col;
  return ts_csv_errf(r, end_line, end_col, err, "expected %zu field%s, found %zu", want,
                     want == 1 ? "" : "s", r->nfields);
}

/* Consumes the line end at p; NULL for a bare CR. */
static bytes end_line(ts_csv *r, bytes p, bytes end, ts_err *err) {
  if (p == end) return p;
  if (*p == '\r' && (p + 1 == end || p[1] != '\n')) {
    fail_at(r, p, err, "bare carriage return (CR not followed by LF)");
    return NULL;
  }
  p += *p == '\r' ? 2 : 1;
  r->cur_line++;
  r->line_start = (size_t)(p - (bytes)r->buf);
  return p;
}

int ts_csv_next(ts_csv *r, ts_err *err) {
  if (r->failed) return ts_errf(err, "%s: reading stopped at an earlier error", r->name);
  bytes p = (bytes)r->buf + r->pos, end = (bytes)r->buf + r->len;
  if (p >= end) return 0;
  r->nfields = r->scratch_used = 0;
  r->line = r->cur_line;
  for (;;) {
    if (ts_grow(r->alloc, &r->fbuf, &r->fcap, r->nfields + 1, sizeof *r->fbuf) != 0)
      return out_of_memory(r, p, err);
    if ((p = read_field(r, p, end, &r->fbuf[r->nfields], err)) == NULL) return -1;
    r->nfields++;
    if (p == end || *p != ',') break;
    p++;
  }
  size_t line = r->cur_line, col = col_of(r, p);
  if ((p = end_line(r, p, end, err)) == NULL) return -1;
  r->pos = (size_t)(p - (bytes)r->buf);
  place_unescaped(r);
  r->fields = r->fbuf;
  return check_count(r, line, col, err) != 0 ? -1 : 1;
}

/* ---- writing ------------------------------------------------------------------------- */

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool ts_csv_needs_quotes(const char *s, size_t len) {
  if (len == 0) return false;
  if (is_blank(s[0]) || is_blank(s[len - 1])) return true;
  for (size_t i = 0; i < len; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') return true;
  return false;
}

/* Where output goes: a bounded buffer (measuring past its end) or a stream. */
typedef struct sink {
  char *dst;
  size_t size, n;
  FILE *f;
} sink;

static void put(sink *k, const char *s, size_t len) {
  if (k->f != NULL) {
    if (len > 0) fwrite(s, 1, len, k->f);
  } else if (len > 0 && k->n + 1 < k->size) {
    size_t room = k->size - 1 - k->n;
    memcpy(k->dst + k->n, s, len < room ? len : room);
  }
  k->n += len;
}

static void put_field(sink *k, const char *s, size_t len) {
  if (!ts_csv_needs_quotes(s, len)) {
    put(k, s, len);
    return;
  }
  put(k, "\"", 1);
  for (const char *q; len > 0 && (q = memchr(s, '"', len)) != NULL;) {
    put(k, s, (size_t)(q - s) + 1); /* through the quote, then its double */
    put(k, "\"", 1);
    len -= (size_t)(q - s) + 1;
    s = q + 1;
  }
  put(k, s, len);
  put(k, "\"", 1);
}

static void put_record(sink *k, const ts_csv_field *fields, size_t n, const char *eol) {
  for (size_t i = 0; i < n; i++) {
    if (i > 0) put(k, ",", 1);
    put_field(k, fields[i].s, fields[i].len);
  }
  put(k, eol, strlen(eol));
}

size_t ts_csv_format(char *dst, size_t size, const ts_csv_field *fields, size_t n,
                     const char *eol) {
  sink k = {.dst = dst, .size = size};
  put_record(&k, fields, n, eol);
  if (size > 0) dst[k.n < size ? k.n : size - 1] = '\0';
  return k.n;
}

int ts_csv_write(FILE *out, const char *name, const ts_csv_field *fields, size_t n,
                 const char *eol, ts_err *err) {
  sink k = {.f = out};
  put_record(&k, fields, n, eol);
  if (ferror(out)) return io_error(err, name, "write", errno);
  return 0;
}
