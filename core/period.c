/*
** period.c — parsing, printing and arithmetic of month intervals.
*/
#include "period.h"

#include <stdarg.h>
#include <stdio.h>

/* Inputs are quoted in messages; a runaway field must not fill the line. */
#define QUOTE_MAX 60
#define INTERVAL_FORM "an interval runs between months: YYYY-MM/YYYY-MM"

static const int32_t INDEX_MIN = TS_YEAR_MIN * 12;
static const int32_t INDEX_MAX = TS_YEAR_MAX * 12 + 11;

int32_t ts_month_index(int year, int month) { return (int32_t)year * 12 + (month - 1); }
int ts_month_year(int32_t index) { return (int)(index / 12); }
int ts_month_of_year(int32_t index) { return (int)(index % 12) + 1; }

ts_period ts_period_of_month(int year, int month) {
  int32_t m = ts_month_index(year, month);
  return (ts_period){m, m};
}

ts_period ts_period_of_year(int year) {
  return (ts_period){ts_month_index(year, 1), ts_month_index(year, 12)};
}

bool ts_period_valid(ts_period p) {
  return p.first >= INDEX_MIN && p.last <= INDEX_MAX && p.first <= p.last;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct cursor {
  const char *s;
  size_t len, pos;
} cursor;

static int fail(ts_err *err, const cursor *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(ts_err *err, const cursor *c, const char *fmt, ...) {
  char why[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  int shown = c->len > QUOTE_MAX ? QUOTE_MAX : (int)c->len;
  return ts_errf(err, "'%.*s%s' is not a period: %s", shown, c->s,
                 c->len > QUOTE_MAX ? "..." : "", why);
}

static bool at_end(const cursor *c) { return c->pos >= c->len; }
static bool at(const cursor *c, char ch) { return c->pos < c->len && c->s[c->pos] == ch; }

static size_t digits_ahead(const cursor *c) {
  size_t n = 0;
  while (c->pos + n < c->len && c->s[c->pos + n] >= '0' && c->s[c->pos + n] <= '9') n++;
  return n;
}

/* Value of n <= 4 digits at the cursor, which moves past them. */
static int take_number(cursor *c, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++) v = v * 10 + (c->s[c->pos++] - '0');
  return v;
}

/* Digits quoted in messages are capped so that "year '123456789...'" stays short. */
static int shown_digits(size_t n) { return n > 12 ? 12 : (int)n; }

static int read_year(cursor *c, int *year, ts_err *err) {
  size_t n = digits_ahead(c);
  if (n == 0) return fail(err, c, "expected a four-digit year");
  const char *text = c->s + c->pos;
  if (n != 4 || text[0] == '0')
    return fail(err, c, "year '%.*s' is not in %d..%d", shown_digits(n), text,
                TS_YEAR_MIN, TS_YEAR_MAX);
  *year = take_number(c, n);
  return 0;
}

static int read_month(cursor *c, int *month, ts_err *err) {
  size_t n = digits_ahead(c);
  const char *text = c->s + c->pos;
  int v = n == 2 ? take_number(c, n) : 0;
  if (v < 1 || v > 12) return fail(err, c, "month '%.*s' is not 01..12", shown_digits(n), text);
  *month = v;
  return 0;
}

/* "H1"/"Q3" after the dash: `count` parts of `size` months each. */
static int read_part(cursor *c, int year, int count, ts_period *out, ts_err *err) {
  const char *text = c->s + c->pos;
  char letter = *text;
  c->pos++;
  size_t n = digits_ahead(c);
  int v = n == 1 ? take_number(c, n) : 0;
  if (v < 1 || v > count) {
    if (letter == 'H') return fail(err, c, "half '%.*s' is not H1 or H2", shown_digits(n + 1), text);
    return fail(err, c, "quarter '%.*s' is not Q1..Q4", shown_digits(n + 1), text);
  }
  int size = 12 / count;
  out->first = ts_month_index(year, (v - 1) * size + 1);
  out->last = out->first + size - 1;
  return 0;
}

static int read_year_month(cursor *c, int32_t *index, ts_err *err) {
  int year, month;
  if (read_year(c, &year, err) < 0) return -1;
  if (!at(c, '-')) return fail(err, c, "an interval end must be a month, YYYY-MM");
  c->pos++;
  if (read_month(c, &month, err) < 0) return -1;
  *index = ts_month_index(year, month);
  return 0;
}

static int read_interval_end(cursor *c, ts_period *out, ts_err *err) {
  c->pos++; /* the '/' */
  if (read_year_month(c, &out->last, err) < 0) return -1;
  if (out->last < out->first) return fail(err, c, "the interval ends before it starts");
  return 0;
}

/* What follows "YYYY-": a month (maybe starting an interval), a half or a quarter. */
static int read_after_dash(cursor *c, int year, ts_period *out, ts_err *err) {
  if (at(c, 'H') || at(c, 'Q')) {
    if (read_part(c, year, at(c, 'H') ? 2 : 4, out, err) < 0) return -1;
    return at(c, '/') ? fail(err, c, INTERVAL_FORM) : 0;
  }
  if (digits_ahead(c) == 0)
    return fail(err, c, "expected a month (01..12), half (H1, H2) or quarter (Q1..Q4) after '%d-'",
                year);
  int month;
  if (read_month(c, &month, err) < 0) return -1;
  out->first = out->last = ts_month_index(year, month);
  return at(c, '/') ? read_interval_end(c, out, err) : 0;
}

static int read_period(cursor *c, ts_period *out, ts_err *err) {
  int year;
  if (read_year(c, &year, err) < 0) return -1;
  if (at_end(c)) {
    *out = ts_period_of_year(year);
    return 0;
  }
  if (!at(c, '-')) {
    if (at(c, '/')) return fail(err, c, INTERVAL_FORM);
    return fail(err, c, "unexpected '%.*s' after '%.*s'", shown_digits(c->len - c->pos),
                c->s + c->pos, (int)c->pos, c->s);
  }
  c->pos++;
  return read_after_dash(c, year, out, err);
}

int ts_period_parse(const char *s, size_t len, ts_period *out, ts_err *err) {
  cursor c = {s, len, 0};
  if (len == 0) return fail(err, &c, "empty");
  ts_period p;
  if (read_period(&c, &p, err) < 0) return -1;
  if (!at_end(&c))
    return fail(err, &c, "unexpected '%.*s' after '%.*s'", shown_digits(c.len - c.pos),
                s + c.pos, (int)c.pos, s);
  *out = p;
  return 0;
}

/* ---- printing ------------------------------------------------------------ */

size_t ts_period_format(ts_period p, char *buf, size_t size) {
  int y = ts_month_year(p.first), m0 = ts_month_of_year(p.first) - 1;
  int n = ts_period_months(p), r;
  if (n == 12 && m0 == 0) r = snprintf(buf, size, "%d", y);
  else if (n == 6 && m0 % 6 == 0) r = snprintf(buf, size, "%d-H%d", y, m0 / 6 + 1);
  else if (n == 3 && m0 % 3 == 0) r = snprintf(buf, size, "%d-Q%d", y, m0 / 3 + 1);
  else if (n == 1) r = snprintf(buf, size, "%d-%02d", y, m0 + 1);
  else
    r = snprintf(buf, size, "%d-%02d/%d-%02d", y, m0 + 1, ts_month_year(p.last),
                 ts_month_of_year(p.last));
  return r < 0 ? 0 : (size_t)r;
}

/* ---- relations ----------------------------------------------------------- */

int ts_period_months(ts_period p) { return (int)(p.last - p.first) + 1; }

bool ts_period_equal(ts_period a, ts_period b) { return a.first == b.first && a.last == b.last; }

int ts_period_cmp(ts_period a, ts_period b) {
  if (a.first != b.first) return a.first < b.first ? -1 : 1;
  if (a.last != b.last) return a.last < b.last ? -1 : 1;
  return 0;
}

bool ts_period_contains(ts_period outer, ts_period inner) {
  return outer.first <= inner.first && inner.last <= outer.last;
}

bool ts_period_overlaps(ts_period a, ts_period b) {
  return a.first <= b.last && b.first <= a.last;
}

bool ts_period_comparable(ts_period a, ts_period b) {
  return a.first != b.first && (a.first - b.first) % 12 == 0 &&
         ts_period_months(a) == ts_period_months(b);
}

/* ---- derived periods ----------------------------------------------------- */

int ts_period_shift(ts_period p, int years, ts_period *out, ts_err *err) {
  int64_t first = (int64_t)p.first + (int64_t)years * 12;
  int64_t last = (int64_t)p.last + (int64_t)years * 12;
  if (first < INDEX_MIN || last > INDEX_MAX) {
    char text[TS_PERIOD_BUFSIZE];
    ts_period_format(p, text, sizeof text);
    return ts_errf(err, "cannot shift %s by %d years: years must stay within %d..%d", text,
                   years, TS_YEAR_MIN, TS_YEAR_MAX);
  }
  out->first = (int32_t)first;
  out->last = (int32_t)last;
  return 0;
}

int ts_period_previous_year(ts_period p, ts_period *out, ts_err *err) {
  return ts_period_shift(p, -1, out, err);
}

int ts_period_start_year(ts_period p) { return ts_month_year(p.first); }
int ts_period_end_year(ts_period p) { return ts_month_year(p.last); }
ts_period ts_period_start(ts_period p) { return (ts_period){p.first, p.first}; }
ts_period ts_period_end(ts_period p) { return (ts_period){p.last, p.last}; }

ts_period ts_period_month_at(ts_period p, int i) {
  int32_t m = p.first + i;
  return (ts_period){m, m};
}
