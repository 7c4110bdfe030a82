/*
** quantity.c — units, parsing, printing and interval arithmetic of quantities.
**
** Accepted input (surrounding spaces ignored, words case-insensitive):
**     [qualifier] [currency] number [multiplier] [(- | – | to) number [multiplier]] [unit]
**   qualifier   about approximately approx. around ~ | more than over above
**               exceeded topped > | less than under below <
**   currency    US$ $ "USD " (then no unit may follow)
**   number      -1234.5  20,000  1.9e9  (thousands grouped by three or not at all)
**   multiplier  thousand k million M mn mln billion bn trillion; % percent (no unit)
**   unit        see UNIT_ALIASES
** A range with no multiplier on its low end shares the high end's
** ("150-160 million").  "about" before a range is dropped: a range already
** says the value is not known exactly.
*/
#include "quantity.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX 60
#define NUMBER_MAX 400 /* longest number text accepted: beyond any double's digits */

/* ---- units and qualifiers ------------------------------------------------ */

static const char *const UNIT_NAMES[TS_UNIT_COUNT] = {
  "", "USD", "TEU", "persons", "tonnes", "flights", "km", "scholarships", "enterprises", "days", "years"
};

/* Scales are powers of ten so that "5 kg" becomes 0.005 t with one rounding. */
typedef struct unit_alias {
  const char *name; /* a space matches any run of spaces */
  ts_unit unit;
  int exp10;
} unit_alias;

static const unit_alias UNIT_ALIASES[] = {
  {"USD", TS_UNIT_USD, 0}, {"US dollars", TS_UNIT_USD, 0}, {"dollars", TS_UNIT_USD, 0},
  {"TEU", TS_UNIT_TEU, 0}, {"TEUs", TS_UNIT_TEU, 0},
  {"persons", TS_UNIT_PERSONS, 0}, {"person", TS_UNIT_PERSONS, 0},
  {"people", TS_UNIT_PERSONS, 0}, {"visitors", TS_UNIT_PERSONS, 0},
  {"visitor", TS_UNIT_PERSONS, 0}, {"citizens", TS_UNIT_PERSONS, 0},
  {"citizen", TS_UNIT_PERSONS, 0}, {"tourists", TS_UNIT_PERSONS, 0},
  {"tourist", TS_UNIT_PERSONS, 0}, {"passengers", TS_UNIT_PERSONS, 0},
  {"tonnes", TS_UNIT_TONNES, 0}, {"tonne", TS_UNIT_TONNES, 0}, {"t", TS_UNIT_TONNES, 0},
  {"kg", TS_UNIT_TONNES, -3},
  {"flights", TS_UNIT_FLIGHTS, 0}, {"flight", TS_UNIT_FLIGHTS, 0},
  {"km", TS_UNIT_KM, 0}, {"kilometres", TS_UNIT_KM, 0}, {"kilometers", TS_UNIT_KM, 0},
  {"kilometre", TS_UNIT_KM, 0}, {"kilometer", TS_UNIT_KM, 0},
  {"scholarships", TS_UNIT_SCHOLARSHIPS, 0}, {"scholarship", TS_UNIT_SCHOLARSHIPS, 0},
  {"enterprises", TS_UNIT_ENTERPRISES, 0}, {"enterprise", TS_UNIT_ENTERPRISES, 0},
  {"companies", TS_UNIT_ENTERPRISES, 0}, {"businesses", TS_UNIT_ENTERPRISES, 0},
  {"days", TS_UNIT_DAYS, 0}, {"day", TS_UNIT_DAYS, 0},
  {"years", TS_UNIT_YEARS, 0}, {"year", TS_UNIT_YEARS, 0},
};

static const char *const QUALIFIER_NAMES[] = {"exact", "approx", "more_than", "less_than", "range"};

const char *ts_unit_name(ts_unit u) {
  return (u >= 0 && u < TS_UNIT_COUNT) ? UNIT_NAMES[u] : "?";
}

/* Unit name for messages, where "" would read as nothing. */
static const char *unit_label(int u) { return u == TS_UNIT_NONE ? "no unit" : ts_unit_name(u); }

static char fold(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static bool is_space(char c) { return c == ' ' || c == '\t'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return (fold(c) >= 'a' && fold(c) <= 'z'); }

/* Length of s[0..len) matched by `pattern` (case-insensitive when fold_case,
** a space matching a run of spaces), or 0 when it does not match. */
static size_t match(const char *s, size_t len, const char *pattern, bool fold_case) {
  size_t i = 0;
  for (const char *p = pattern; *p != '\0'; p++) {
    if (*p == ' ') {
      if (i >= len || !is_space(s[i])) return 0;
      while (i < len && is_space(s[i])) i++;
    } else {
      if (i >= len) return 0;
      if (fold_case ? fold(s[i]) != fold(*p) : s[i] != *p) return 0;
      i++;
    }
  }
  return i;
}

int ts_unit_lookup(const char *name, size_t len, ts_unit *unit, int *exp10, ts_err *err) {
  for (size_t i = 0; i < sizeof UNIT_ALIASES / sizeof UNIT_ALIASES[0]; i++)
    if (match(name, len, UNIT_ALIASES[i].name, true) == len && len > 0) {
      *unit = UNIT_ALIASES[i].unit;
      *exp10 = UNIT_ALIASES[i].exp10;
      return 0;
    }
  int shown = len > QUOTE_MAX ? QUOTE_MAX : (int)len;
  return ts_errf(err, "unknown unit '%.*s%s'", shown, name, len > QUOTE_MAX ? "..." : "");
}

double ts_unit_to_base(double value, int exp10) {
  double f = 1;
  for (int i = 0; i < (exp10 < 0 ? -exp10 : exp10); i++) f *= 10; /* exact up to 1e22 */
  return exp10 < 0 ? value / f : value * f;
}

const char *ts_qualifier_name(ts_qualifier q) {
  return (q >= TS_EXACT && q <= TS_RANGE) ? QUALIFIER_NAMES[q] : "?";
}

int ts_qualifier_lookup(const char *name, ts_qualifier *q, ts_err *err) {
  for (int i = TS_EXACT; i <= TS_RANGE; i++)
    if (strcmp(name, QUALIFIER_NAMES[i]) == 0) {
      *q = (ts_qualifier)i;
      return 0;
    }
  return ts_errf(err, "unknown qualifier '%.*s' (exact, approx, more_than, less_than, range)",
                 QUOTE_MAX, name);
}

/* ---- construction -------------------------------------------------------- */

ts_quantity ts_quantity_exact(double value, ts_unit unit) {
  return (ts_quantity){value, value, (int16_t)unit, TS_EXACT};
}

int ts_quantity_make(ts_qualifier q, double value, double high, ts_unit unit, ts_quantity *out,
                     ts_err *err) {
  if (unit < 0 || unit >= TS_UNIT_COUNT) return ts_errf(err, "unit %d does not exist", (int)unit);
  if (!isfinite(value) || (q == TS_RANGE && !isfinite(high)))
    return ts_errf(err, "a quantity needs finite values");
  ts_quantity r = {value, value, (int16_t)unit, (uint8_t)q};
  switch (q) {
    case TS_EXACT: case TS_APPROX: break;
    case TS_MORE_THAN: r.high = INFINITY; break;
    case TS_LESS_THAN: r.low = -INFINITY; break;
    case TS_RANGE:
      if (!(value < high)) return ts_errf(err, "a range needs its low end below its high end");
      r.high = high;
      break;
    default: return ts_errf(err, "qualifier %d does not exist", (int)q);
  }
  *out = r;
  return 0;
}

bool ts_quantity_valid(const ts_quantity *q) {
  if (q->unit < 0 || q->unit >= TS_UNIT_COUNT) return false;
  switch (q->qual) {
    case TS_EXACT: case TS_APPROX: return isfinite(q->low) && q->low == q->high;
    case TS_MORE_THAN: return isfinite(q->low) && q->high == INFINITY;
    case TS_LESS_THAN: return q->low == -INFINITY && isfinite(q->high);
    case TS_RANGE: return isfinite(q->low) && isfinite(q->high) && q->low < q->high;
    default: return false;
  }
}

double ts_quantity_value(const ts_quantity *q) {
  switch (q->qual) {
    case TS_MORE_THAN: return q->low;
    case TS_LESS_THAN: return q->high;
    case TS_RANGE: return q->low / 2 + q->high / 2; /* halves first: no overflow */
    default: return q->low;
  }
}

bool ts_quantity_equal(const ts_quantity *a, const ts_quantity *b) {
  return a->qual == b->qual && a->unit == b->unit && a->low == b->low && a->high == b->high;
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct cursor {
  const char *s;
  size_t len, pos;
  const char *input; /* the whole input, for messages */
  size_t input_len;
} cursor;

static int fail(ts_err *err, const cursor *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(ts_err *err, const cursor *c, const char *fmt, ...) {
  char why[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  size_t len = c->input_len;
  int shown = len > QUOTE_MAX ? QUOTE_MAX : (int)len;
  return ts_errf(err, "'%.*s%s' is not a quantity: %s", shown, c->input,
                 len > QUOTE_MAX ? "..." : "", why);
}

static const char *rest(const cursor *c) { return c->s + c->pos; }
static size_t rest_len(const cursor *c) { return c->len - c->pos; }
static int rest_shown(const cursor *c) { return rest_len(c) > 30 ? 30 : (int)rest_len(c); }
static void skip_spaces(cursor *c) { while (c->pos < c->len && is_space(c->s[c->pos])) c->pos++; }
static bool at(const cursor *c, char ch) { return c->pos < c->len && c->s[c->pos] == ch; }

/* Takes `pattern` when it is there; a pattern ending in a letter must end a
** word (when `word_space` it must be followed by a space). */
static bool take(cursor *c, const char *pattern, bool fold_case, bool word_space) {
  size_t n = match(rest(c), rest_len(c), pattern, fold_case);
  if (n == 0) return false;
  size_t after = c->pos + n;
  bool ends_word = is_letter(c->s[after - 1]);
  if (word_space && (after >= c->len || !is_space(c->s[after]))) return false;
  if (ends_word && after < c->len && is_letter(c->s[after])) return false;
  c->pos = after;
  return true;
}

typedef struct phrase {
  const char *text;
  ts_qualifier qual;
} phrase;

static const phrase QUALIFIER_PHRASES[] = {
  {"more than", TS_MORE_THAN}, {"over", TS_MORE_THAN}, {"above", TS_MORE_THAN},
  {"exceeded", TS_MORE_THAN}, {"topped", TS_MORE_THAN}, {">", TS_MORE_THAN},
  {"less than", TS_LESS_THAN}, {"under", TS_LESS_THAN}, {"below", TS_LESS_THAN},
  {"<", TS_LESS_THAN},
  {"about", TS_APPROX}, {"approximately", TS_APPROX}, {"approx.", TS_APPROX},
  {"around", TS_APPROX}, {"~", TS_APPROX},
};

static ts_qualifier take_qualifier(cursor *c) {
  for (size_t i = 0; i < sizeof QUALIFIER_PHRASES / sizeof QUALIFIER_PHRASES[0]; i++) {
    const char *t = QUALIFIER_PHRASES[i].text;
    if (take(c, t, true, is_letter(t[0]))) {
      skip_spaces(c);
      return QUALIFIER_PHRASES[i].qual;
    }
  }
  return TS_EXACT;
}

/* "US$", "$" or "USD " before the number; returns its text or NULL. */
static const char *take_currency(cursor *c) {
  static const char *const prefixes[] = {"US$", "$"};
  for (int i = 0; i < 2; i++)
    if (take(c, prefixes[i], false, false)) {
      skip_spaces(c);
      return prefixes[i];
    }
  if (take(c, "USD", true, true)) {
    skip_spaces(c);
    return "USD";
  }
  return NULL;
}

/* A number as written: sign, digits and decimal point in `buf` (commas
** dropped), its exponent apart so that multipliers and unit scales add to it
** and strtod rounds once ("8.44 billion" is 8.44e9, not 8.44 * 1e9). */
typedef struct number_text {
  char buf[NUMBER_MAX + 32];
  size_t len;
  long exp10;
  size_t start, end; /* where it was in the input */
} number_text;

#define EXP10_CAP 100000L /* beyond any double: keeps exponents from overflowing */

static void push_char(number_text *t, char ch) {
  if (t->len < NUMBER_MAX) t->buf[t->len] = ch;
  t->len++;
}

static size_t copy_digits(cursor *c, number_text *t) {
  size_t n = 0;
  while (c->pos < c->len && is_digit(c->s[c->pos])) {
    push_char(t, c->s[c->pos++]);
    n++;
  }
  return n;
}

static void take_sign(cursor *c, number_text *t) {
  if (at(c, '-') || at(c, '+')) push_char(t, c->s[c->pos++]);
  else if (take(c, "\xE2\x88\x92", false, false)) push_char(t, '-'); /* U+2212 minus sign */
}

/* Integer part: digits, or groups of three after commas ("20,000"). */
static int copy_integer(cursor *c, number_text *t, ts_err *err) {
  size_t first = copy_digits(c, t);
  while (at(c, ',') && c->pos + 1 < c->len && is_digit(c->s[c->pos + 1])) {
    c->pos++;
    if (first > 3 || copy_digits(c, t) != 3) {
      while (c->pos < c->len && (is_digit(c->s[c->pos]) || c->s[c->pos] == ',')) c->pos++;
      return fail(err, c, "'%.*s' does not group thousands by three", (int)(c->pos - t->start),
                  c->s + t->start);
    }
  }
  return 0;
}

/* Fraction, taken only when a digit follows the point ("5." leaves the dot). */
static void copy_fraction(cursor *c, number_text *t) {
  if (at(c, '.') && c->pos + 1 < c->len && is_digit(c->s[c->pos + 1])) {
    c->pos++;
    push_char(t, localeconv()->decimal_point[0]); /* strtod reads the locale's point */
    copy_digits(c, t);
  }
}

/* "e9", "E-3": taken only when digits follow the e. */
static void take_exponent(cursor *c, number_text *t) {
  size_t save = c->pos;
  if (!at(c, 'e') && !at(c, 'E')) return;
  c->pos++;
  int sign = 1;
  if (at(c, '-') || at(c, '+')) sign = c->s[c->pos++] == '-' ? -1 : 1;
  if (!(c->pos < c->len && is_digit(c->s[c->pos]))) {
    c->pos = save;
    return;
  }
  long e = 0;
  for (; c->pos < c->len && is_digit(c->s[c->pos]); c->pos++)
    if (e < EXP10_CAP) e = e * 10 + (c->s[c->pos] - '0');
  t->exp10 = sign * e;
}

static int read_number(cursor *c, number_text *t, ts_err *err) {
  t->len = 0;
  t->exp10 = 0;
  t->start = c->pos;
  take_sign(c, t);
  if (!(c->pos < c->len && is_digit(c->s[c->pos]))) {
    c->pos = t->start;
    if (rest_len(c) == 0) return fail(err, c, "expected a number at the end");
    return fail(err, c, "expected a number at '%.*s'", rest_shown(c), rest(c));
  }
  if (copy_integer(c, t, err) < 0) return -1;
  copy_fraction(c, t);
  take_exponent(c, t);
  t->end = c->pos;
  if (t->len > NUMBER_MAX) return fail(err, c, "the number is too long");
  return 0;
}

/* The value of t times 10^shift, rounded once. */
static int number_value(const cursor *c, number_text *t, long shift, double *v, ts_err *err) {
  snprintf(t->buf + t->len, sizeof t->buf - t->len, "e%ld", t->exp10 + shift);
  *v = strtod(t->buf, NULL);
  if (!isfinite(*v))
    return fail(err, c, "'%.*s' is out of range", (int)(t->end - t->start), c->s + t->start);
  return 0;
}

typedef struct multiplier {
  const char *text;
  int exp10;
  bool fold_case;
} multiplier;

static const multiplier MULTIPLIERS[] = {
  {"thousand", 3, true}, {"million", 6, true}, {"billion", 9, true}, {"trillion", 12, true},
  {"bn", 9, true}, {"mn", 6, true}, {"mln", 6, true}, {"k", 3, false}, {"M", 6, false},
  {"%", -2, false}, {"percent", -2, true}, {"per cent", -2, true},
};

/* Takes a multiplier after optional spaces; false when there is none. */
static bool take_multiplier(cursor *c, int *exp10, bool *percent) {
  size_t save = c->pos;
  skip_spaces(c);
  for (size_t i = 0; i < sizeof MULTIPLIERS / sizeof MULTIPLIERS[0]; i++)
    if (take(c, MULTIPLIERS[i].text, MULTIPLIERS[i].fold_case, false)) {
      *exp10 = MULTIPLIERS[i].exp10;
      if (*exp10 < 0) *percent = true;
      return true;
    }
  c->pos = save;
  return false;
}

static bool take_range_dash(cursor *c) {
  size_t save = c->pos;
  skip_spaces(c);
  if (at(c, '-')) c->pos++;
  else if (!take(c, "\xE2\x80\x93", false, false) && !take(c, "to", true, false)) {
    c->pos = save;
    return false;
  }
  skip_spaces(c);
  return true;
}

/* What the input says, before the unit gives the scale. */
typedef struct reading {
  ts_qualifier qual;
  number_text low, high;
  int low_exp10, high_exp10; /* multipliers */
  bool ranged, percent;
  const char *currency;
} reading;

static int read_values(cursor *c, reading *r, ts_err *err) {
  r->qual = take_qualifier(c);
  r->currency = take_currency(c);
  if (read_number(c, &r->low, err) < 0) return -1;
  bool low_has = take_multiplier(c, &r->low_exp10, &r->percent);
  r->ranged = take_range_dash(c);
  if (!r->ranged) return 0;
  if (read_number(c, &r->high, err) < 0) return -1;
  take_multiplier(c, &r->high_exp10, &r->percent);
  if (!low_has) r->low_exp10 = r->high_exp10;
  return 0;
}

static int read_unit(cursor *c, const reading *r, ts_unit *unit, int *exp10, ts_err *err) {
  skip_spaces(c);
  *unit = r->currency != NULL ? TS_UNIT_USD : TS_UNIT_NONE;
  *exp10 = 0;
  if (rest_len(c) == 0) return 0;
  if (r->currency != NULL)
    return fail(err, c, "the unit is given twice ('%s' and '%.*s')", r->currency, rest_shown(c),
                rest(c));
  if (r->percent) return fail(err, c, "a percentage has no unit ('%.*s')", rest_shown(c), rest(c));
  ts_err why;
  if (ts_unit_lookup(rest(c), rest_len(c), unit, exp10, &why) < 0)
    return fail(err, c, "%s", why.msg);
  return 0;
}

static int checked_quantity(const cursor *c, reading *r, ts_unit unit, int exp10,
                            ts_quantity *out, ts_err *err) {
  double low, high;
  if (number_value(c, &r->low, r->low_exp10 + exp10, &low, err) < 0) return -1;
  if (!r->ranged) return ts_quantity_make(r->qual, low, low, unit, out, err);
  if (number_value(c, &r->high, r->high_exp10 + exp10, &high, err) < 0) return -1;
  if (r->qual == TS_MORE_THAN || r->qual == TS_LESS_THAN)
    return fail(err, c, "a range cannot be 'more than' or 'less than' a value");
  if (!(low < high))
    return fail(err, c, "the range runs backwards: its low end is not below its high end");
  return ts_quantity_make(TS_RANGE, low, high, unit, out, err);
}

int ts_quantity_parse(const char *s, size_t len, ts_quantity *out, ts_err *err) {
  cursor c = {s, len, 0, s, len};
  while (c.len > 0 && is_space(s[c.len - 1])) c.len--;
  skip_spaces(&c);
  if (rest_len(&c) == 0) return fail(err, &c, "empty");
  reading r;
  memset(&r, 0, sizeof r);
  ts_unit unit;
  int exp10;
  if (read_values(&c, &r, err) < 0 || read_unit(&c, &r, &unit, &exp10, err) < 0) return -1;
  return checked_quantity(&c, &r, unit, exp10, out, err);
}

/* ---- printing ------------------------------------------------------------ */

/* Output that behaves as snprintf: truncates, always terminates, counts all. */
typedef struct sink {
  char *buf;
  size_t size, len;
} sink;

static void put(sink *o, const char *s, size_t n) {
  if (o->size > 0 && o->len < o->size - 1) {
    size_t room = o->size - 1 - o->len;
    memcpy(o->buf + o->len, s, n < room ? n : room);
  }
  o->len += n;
}

static void put_str(sink *o, const char *s) { put(o, s, strlen(s)); }

static void put_zeros(sink *o, int n) {
  for (int i = 0; i < n; i++) put(o, "0", 1);
}

static size_t finish(sink *o) {
  if (o->size > 0) o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
  return o->len;
}

/* |v| = 0.DIGITS x 10^point with the fewest digits that read back as v. */
typedef struct decimal {
  char digits[24];
  int n, point;
} decimal;

static void shortest_decimal(double v, decimal *d) {
  char tmp[48];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
    if (strtod(tmp, NULL) == v) break;
  }
  const char *p = tmp;
  d->n = 0;
  for (; *p != 'e'; p++)
    if (is_digit(*p)) d->digits[d->n++] = *p;
  d->point = atoi(p + 1) + 1;
  while (d->n > 1 && d->digits[d->n - 1] == '0') d->n--;
}

/* Plain decimal notation, never an exponent: what a spreadsheet reads. */
static void put_plain(sink *o, double v) {
  if (v == 0) {
    put_str(o, "0");
    return;
  }
  decimal d;
  shortest_decimal(v, &d);
  if (v < 0) put_str(o, "-");
  if (d.point <= 0) {
    put_str(o, "0.");
    put_zeros(o, -d.point);
    put(o, d.digits, (size_t)d.n);
  } else if (d.point >= d.n) {
    put(o, d.digits, (size_t)d.n);
    put_zeros(o, d.point - d.n);
  } else {
    put(o, d.digits, (size_t)d.point);
    put_str(o, ".");
    put(o, d.digits + d.point, (size_t)(d.n - d.point));
  }
}

static void put_unit(sink *o, int unit) {
  if (unit == TS_UNIT_NONE) return;
  put_str(o, " ");
  put_str(o, ts_unit_name(unit));
}

size_t ts_quantity_canonical(const ts_quantity *q, char *buf, size_t size) {
  sink o = {buf, size, 0};
  switch (q->qual) {
    case TS_APPROX: put_str(&o, "~"); put_plain(&o, q->low); break;
    case TS_MORE_THAN: put_str(&o, ">"); put_plain(&o, q->low); break;
    case TS_LESS_THAN: put_str(&o, "<"); put_plain(&o, q->high); break;
    case TS_RANGE:
      put_plain(&o, q->low);
      put_str(&o, "-");
      put_plain(&o, q->high);
      break;
    default: put_plain(&o, q->low); break;
  }
  put_unit(&o, q->unit);
  return finish(&o);
}

/* Scaled values keep three decimals ("8.44 bn"), counts two, and values
** below one four significant digits ("0.1573", "0.0015 bn"). */
static int human_decimals(double x, bool scaled) {
  double a = fabs(x);
  if (a == 0) return 0;
  if (a < 1) {
    int d = 3 - (int)floor(log10(a));
    return d > 20 ? 20 : d;
  }
  return scaled ? 3 : 2;
}

/* Integer part of |x| >= 1e15 from its shortest digits: %.0f would print
** the binary expansion's noise ("1e300" as 1000000000000000052504...). */
static void integer_text(double x, char *buf) {
  decimal d;
  shortest_decimal(x, &d);
  if (x < 0) *buf++ = '-';
  for (int i = 0; i < d.point; i++) *buf++ = i < d.n ? d.digits[i] : '0';
  *buf = '\0';
}

/* x rounded for reading, integer digits grouped by three: "20,000", "8.44". */
static void put_human_number(sink *o, double x, bool scaled) {
  char tmp[400];
  if (fabs(x) >= 1e15) integer_text(x, tmp);
  else snprintf(tmp, sizeof tmp, "%.*f", human_decimals(x, scaled), x);
  const char *p = tmp[0] == '-' ? tmp + 1 : tmp;
  size_t int_len = 0;
  while (is_digit(p[int_len])) int_len++;
  const char *frac = p + int_len;
  while (*frac != '\0' && !is_digit(*frac)) frac++; /* the locale's decimal point */
  size_t frac_len = strlen(frac);
  while (frac_len > 0 && frac[frac_len - 1] == '0') frac_len--;
  bool zero = frac_len == 0 && strspn(p, "0") == int_len;
  if (tmp[0] == '-' && !zero) put_str(o, "-");
  for (size_t i = 0; i < int_len; i++) {
    if (i > 0 && (int_len - i) % 3 == 0) put_str(o, ",");
    put(o, p + i, 1);
  }
  if (frac_len > 0) {
    put_str(o, ".");
    put(o, frac, frac_len);
  }
}

/* "bn" or "M" from the largest finite bound, shared by both ends of a range. */
static double human_divisor(const ts_quantity *q, const char **suffix) {
  double m = 0;
  if (isfinite(q->low)) m = fabs(q->low);
  if (isfinite(q->high) && fabs(q->high) > m) m = fabs(q->high);
  *suffix = m >= 1e9 ? " bn" : m >= 1e6 ? " M" : "";
  return m >= 1e9 ? 1e9 : m >= 1e6 ? 1e6 : 1;
}

size_t ts_quantity_human(const ts_quantity *q, char *buf, size_t size) {
  sink o = {buf, size, 0};
  const char *suffix;
  double d = human_divisor(q, &suffix);
  bool scaled = d > 1;
  switch (q->qual) {
    case TS_APPROX: put_str(&o, "~"); put_human_number(&o, q->low / d, scaled); break;
    case TS_MORE_THAN: put_str(&o, "> "); put_human_number(&o, q->low / d, scaled); break;
    case TS_LESS_THAN: put_str(&o, "< "); put_human_number(&o, q->high / d, scaled); break;
    case TS_RANGE:
      put_human_number(&o, q->low / d, scaled);
      put_str(&o, "\xE2\x80\x93"); /* en dash */
      put_human_number(&o, q->high / d, scaled);
      break;
    default: put_human_number(&o, q->low / d, scaled); break;
  }
  put_str(&o, suffix);
  put_unit(&o, q->unit);
  return finish(&o);
}

/* ---- arithmetic ---------------------------------------------------------- */

/* An operation as its messages name it: "cannot <verb> <a> <joiner> <b>: why". */
typedef struct op {
  const char *verb, *joiner;
  const ts_quantity *a, *b;
} op;

static int op_fail(const op *o, ts_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The human form, cut to `size` with "..." when longer (only absurd magnitudes are). */
static const char *short_human(const ts_quantity *q, char *buf, size_t size) {
  if (ts_quantity_human(q, buf, size) >= size) memcpy(buf + size - 4, "...", 4);
  return buf;
}

static int op_fail(const op *o, ts_err *err, const char *fmt, ...) {
  char a[64], b[64], why[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return ts_errf(err, "cannot %s %s %s %s: %s", o->verb, short_human(o->a, a, sizeof a), o->joiner,
                 short_human(o->b, b, sizeof b), why);
}

static int units_differ(const op *o, ts_err *err) {
  return op_fail(o, err, "units %s and %s differ", unit_label(o->a->unit), unit_label(o->b->unit));
}

static bool unbounded(const ts_quantity *q) { return isinf(q->low) || isinf(q->high); }

/* The quantity whose values are [lo, hi]; an infinite end is an open bound. */
static int interval_result(const op *o, double lo, double hi, int unit, ts_quantity *out,
                           ts_err *err) {
  bool approx = o->a->qual == TS_APPROX || o->b->qual == TS_APPROX;
  bool inputs_bounded = !unbounded(o->a) && !unbounded(o->b);
  if (isnan(lo) || isnan(hi)) return op_fail(o, err, "the result is not a number");
  if (lo == INFINITY || hi == -INFINITY || (inputs_bounded && (isinf(lo) || isinf(hi))))
    return op_fail(o, err, "the result is too large");
  if (isinf(lo) && isinf(hi)) return op_fail(o, err, "the result is bounded neither above nor below");
  ts_quantity r = {lo, hi, (int16_t)unit, TS_RANGE};
  if (isinf(lo)) r.qual = TS_LESS_THAN;
  else if (isinf(hi)) r.qual = TS_MORE_THAN;
  else if (lo == hi) r.qual = approx ? TS_APPROX : TS_EXACT;
  *out = r;
  return 0;
}

int ts_quantity_add(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err) {
  op o = {"add", "and", a, b};
  if (a->unit != b->unit) return units_differ(&o, err);
  return interval_result(&o, a->low + b->low, a->high + b->high, a->unit, out, err);
}

int ts_quantity_sub(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err) {
  op o = {"subtract", "from", b, a};
  if (a->unit != b->unit) return units_differ(&o, err);
  return interval_result(&o, a->low - b->high, a->high - b->low, a->unit, out, err);
}

/* A bound times an exact zero is zero, not 0 * inf = NaN. */
static double product(double x, double y) {
  double p = x * y;
  return isnan(p) ? 0 : p;
}

static void interval_mul(double al, double ah, double bl, double bh, double *lo, double *hi) {
  double p[4] = {product(al, bl), product(al, bh), product(ah, bl), product(ah, bh)};
  *lo = *hi = p[0];
  for (int i = 1; i < 4; i++) {
    if (p[i] < *lo) *lo = p[i];
    if (p[i] > *hi) *hi = p[i];
  }
}

/* Extremes of the four quotients of the bounds (b excludes zero).  Divided
** directly, not through 1/b, so that 150e6 / 125e6 is exactly 1.2.  inf/inf
** says nothing and is skipped: the other quotients bound the result. */
static void interval_div(const ts_quantity *a, const ts_quantity *b, double *lo, double *hi) {
  double q[4] = {a->low / b->low, a->low / b->high, a->high / b->low, a->high / b->high};
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int i = 0; i < 4; i++) {
    if (isnan(q[i])) continue;
    if (q[i] < *lo) *lo = q[i];
    if (q[i] > *hi) *hi = q[i];
  }
}

int ts_quantity_mul(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err) {
  op o = {"multiply", "by", a, b};
  if (a->unit != TS_UNIT_NONE && b->unit != TS_UNIT_NONE)
    return op_fail(&o, err, "one side must have no unit, not %s and %s", unit_label(a->unit),
                   unit_label(b->unit));
  double lo, hi;
  interval_mul(a->low, a->high, b->low, b->high, &lo, &hi);
  return interval_result(&o, lo, hi, a->unit != TS_UNIT_NONE ? a->unit : b->unit, out, err);
}

int ts_quantity_div(const ts_quantity *a, const ts_quantity *b, ts_quantity *out, ts_err *err) {
  op o = {"divide", "by", a, b};
  int unit;
  if (a->unit == b->unit) unit = TS_UNIT_NONE;
  else if (b->unit == TS_UNIT_NONE) unit = a->unit;
  else return units_differ(&o, err);
  if (b->low <= 0 && b->high >= 0) return op_fail(&o, err, "the divisor may be zero");
  double lo, hi;
  interval_div(a, b, &lo, &hi);
  return interval_result(&o, lo, hi, unit, out, err);
}

int ts_quantity_scale(const ts_quantity *a, double factor, ts_quantity *out, ts_err *err) {
  ts_quantity f = ts_quantity_exact(factor, TS_UNIT_NONE);
  if (!isfinite(factor)) {
    char text[64];
    return ts_errf(err, "cannot scale %s by %g: the factor is not finite",
                   short_human(a, text, sizeof text), factor);
  }
  return ts_quantity_mul(a, &f, out, err);
}

/* ---- comparison ---------------------------------------------------------- */

/* more_than excludes its bound from below, less_than from above. */
static bool low_open(const ts_quantity *q) { return q->qual == TS_MORE_THAN; }
static bool high_open(const ts_quantity *q) { return q->qual == TS_LESS_THAN; }

static ts_truth certainly_less(const ts_quantity *a, const ts_quantity *b, bool or_equal) {
  if (a->high < b->low || (a->high == b->low && (or_equal || high_open(a) || low_open(b))))
    return TS_YES;
  if (a->low > b->high || (a->low == b->high && (!or_equal || low_open(a) || high_open(b))))
    return TS_NO;
  return TS_MAYBE;
}

int ts_quantity_less(const ts_quantity *a, const ts_quantity *b, bool or_equal, ts_truth *out,
                     ts_err *err) {
  op o = {"compare", "with", a, b};
  if (a->unit != b->unit) return units_differ(&o, err);
  *out = certainly_less(a, b, or_equal);
  return 0;
}

int ts_quantity_compare(const ts_quantity *a, const ts_quantity *b, ts_order *out, ts_err *err) {
  op o = {"compare", "with", a, b};
  if (a->unit != b->unit) return units_differ(&o, err);
  if (certainly_less(a, b, false) == TS_YES) *out = TS_LESS;
  else if (certainly_less(b, a, false) == TS_YES) *out = TS_GREATER;
  else if (a->low == a->high && b->low == b->high && a->low == b->low) *out = TS_EQUAL;
  else *out = TS_UNORDERED;
  return 0;
}
