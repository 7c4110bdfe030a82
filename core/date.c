/*
** date.c — civil dates at day, month or year precision.
*/
#include "date.h"

#include <stdarg.h>
#include <stdio.h>

#define QUOTE_MAX 60
#define DATE_FORMS "expected YYYY, YYYY-MM or YYYY-MM-DD"

static const char *const MONTH_NAMES[12] = {
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December"
};

bool ts_is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int ts_days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ts_is_leap_year(year)) return 29;
  return days[month - 1];
}

/* Why the fields up to precision `p` are not a date, or NULL when they are one. */
static const char *invalid_reason(int year, int month, int day, ts_date_precision p, char *why,
                                  size_t size) {
  if (year < TS_YEAR_MIN || year > TS_YEAR_MAX)
    snprintf(why, size, "year '%04d' is not in %d..%d", year, TS_YEAR_MIN, TS_YEAR_MAX);
  else if (p >= TS_DATE_MONTH && (month < 1 || month > 12))
    snprintf(why, size, "month '%02d' is not 01..12", month);
  else if (p == TS_DATE_DAY && (day < 1 || day > 31))
    snprintf(why, size, "day '%02d' is not 01..31", day);
  else if (p == TS_DATE_DAY && day > ts_days_in_month(year, month))
    snprintf(why, size, "%s %d has %d days, not %d", MONTH_NAMES[month - 1], year,
             ts_days_in_month(year, month), day);
  else
    return NULL;
  return why;
}

static ts_date_precision precision_of_fields(int month, int day) {
  if (month == 0) return TS_DATE_YEAR;
  return day == 0 ? TS_DATE_MONTH : TS_DATE_DAY;
}

int ts_date_make(int year, int month, int day, ts_date *out, ts_err *err) {
  char why[128];
  if (month == 0 && day != 0)
    return ts_errf(err, "(%d, %d, %d) is not a date: a day needs a month", year, month, day);
  if (invalid_reason(year, month, day, precision_of_fields(month, day), why, sizeof why))
    return ts_errf(err, "(%d, %d, %d) is not a date: %s", year, month, day, why);
  *out = (ts_date){(int16_t)year, (uint8_t)month, (uint8_t)day};
  return 0;
}

bool ts_date_valid(ts_date d) {
  char why[128];
  return !(d.month == 0 && d.day != 0) &&
         invalid_reason(d.year, d.month, d.day, ts_date_precision_of(d), why, sizeof why) == NULL;
}

ts_date_precision ts_date_precision_of(ts_date d) { return precision_of_fields(d.month, d.day); }

/* ---- parsing ------------------------------------------------------------ */

static int fail(ts_err *err, const char *s, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(ts_err *err, const char *s, size_t len, const char *fmt, ...) {
  char why[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  int shown = len > QUOTE_MAX ? QUOTE_MAX : (int)len;
  return ts_errf(err, "'%.*s%s' is not a date: %s", shown, s, len > QUOTE_MAX ? "..." : "", why);
}

/* Reads exactly `width` digits at s[*pos]; -1 when they are not there or more follow. */
static int fixed_digits(const char *s, size_t len, size_t *pos, int width) {
  int v = 0;
  for (int i = 0; i < width; i++, (*pos)++) {
    if (*pos >= len || s[*pos] < '0' || s[*pos] > '9') return -1;
    v = v * 10 + (s[*pos] - '0');
  }
  if (*pos < len && s[*pos] >= '0' && s[*pos] <= '9') return -1;
  return v;
}

/* Reads the dash-separated fields (4, 2 and 2 digits); returns how many, or -1. */
static int read_fields(const char *s, size_t len, int fields[3]) {
  static const int width[3] = {4, 2, 2};
  size_t pos = 0;
  int n = 0;
  for (; n < 3 && pos < len; n++) {
    if (n > 0 && s[pos++] != '-') return -1;
    if ((fields[n] = fixed_digits(s, len, &pos, width[n])) < 0) return -1;
  }
  return pos == len ? n : -1;
}

int ts_date_parse(const char *s, size_t len, ts_date *out, ts_err *err) {
  if (len == 0) return fail(err, s, len, "empty");
  int f[3] = {0, 0, 0};
  size_t year_digits = 0;
  while (year_digits < len && s[year_digits] >= '0' && s[year_digits] <= '9') year_digits++;
  if (year_digits > 0 && year_digits != 4)
    return fail(err, s, len, "year '%.*s' is not in %d..%d", year_digits > 12 ? 12 : (int)year_digits,
                s, TS_YEAR_MIN, TS_YEAR_MAX);
  int n = read_fields(s, len, f);
  if (n < 0) return fail(err, s, len, DATE_FORMS);
  char why[128];
  if (invalid_reason(f[0], f[1], f[2], (ts_date_precision)n, why, sizeof why) != NULL)
    return fail(err, s, len, "%s", why);
  *out = (ts_date){(int16_t)f[0], (uint8_t)f[1], (uint8_t)f[2]};
  return 0;
}

size_t ts_date_format(ts_date d, char *buf, size_t size) {
  int r;
  switch (ts_date_precision_of(d)) {
    case TS_DATE_YEAR: r = snprintf(buf, size, "%04d", d.year); break;
    case TS_DATE_MONTH: r = snprintf(buf, size, "%04d-%02d", d.year, d.month); break;
    default: r = snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day); break;
  }
  return r < 0 ? 0 : (size_t)r;
}

/* ---- arithmetic ---------------------------------------------------------- */

int ts_date_cmp(ts_date a, ts_date b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

int ts_date_add_years(ts_date d, int years, ts_date *out, ts_err *err) {
  int64_t year = (int64_t)d.year + years;
  if (year < TS_YEAR_MIN || year > TS_YEAR_MAX) {
    char text[TS_DATE_BUFSIZE];
    ts_date_format(d, text, sizeof text);
    return ts_errf(err, "cannot add %d years to %s: years must stay within %d..%d", years, text,
                   TS_YEAR_MIN, TS_YEAR_MAX);
  }
  ts_date r = d;
  r.year = (int16_t)year;
  if (r.month == 2 && r.day == 29 && !ts_is_leap_year(r.year)) r.day = 28;
  *out = r;
  return 0;
}

/* d cut to the given precision. */
static ts_date truncated(ts_date d, ts_date_precision p) {
  if (p < TS_DATE_DAY) d.day = 0;
  if (p < TS_DATE_MONTH) d.month = 0;
  return d;
}

/* Whole years from a to b when a <= b. */
static int years_forward(ts_date a, ts_date b) {
  int n = b.year - a.year;
  ts_date at;
  /* add_years cannot fail: a.year + n is b.year. */
  ts_date_add_years(a, n, &at, NULL);
  return ts_date_cmp(at, b) > 0 ? n - 1 : n;
}

int ts_date_years_between(ts_date from, ts_date to) {
  ts_date_precision pf = ts_date_precision_of(from), pt = ts_date_precision_of(to);
  ts_date_precision p = pf < pt ? pf : pt;
  ts_date a = truncated(from, p), b = truncated(to, p);
  return ts_date_cmp(a, b) <= 0 ? years_forward(a, b) : -years_forward(b, a);
}

ts_period ts_date_period(ts_date d) {
  if (d.month == 0) return ts_period_of_year(d.year);
  return ts_period_of_month(d.year, d.month);
}

int ts_date_of_time(time_t t, bool local, ts_date *out, ts_err *err) {
  struct tm tm;
  if ((local ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)) == NULL)
    return ts_errf(err, "time %lld is not a calendar date", (long long)t);
  return ts_date_make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out, err);
}
