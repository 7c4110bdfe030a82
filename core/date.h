/*
** date.h — civil (proleptic Gregorian) dates as the sources give them: to
** the day (2015-05-29), the month (2022-05) or the year (2001).
**
** A date is four bytes: month 0 means precision year, day 0 precision month.
** Years run from 1000 to 9999, as for periods.
*/
#ifndef TS_DATE_H
#define TS_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"
#include "period.h"

/* Room for "2015-05-29" and its NUL. */
#define TS_DATE_BUFSIZE 11

typedef struct ts_date {
  int16_t year;
  uint8_t month; /* 1..12, or 0 for a year */
  uint8_t day;   /* 1..31, or 0 for a year or a month */
} ts_date;

typedef enum ts_date_precision {
  TS_DATE_YEAR = 1,
  TS_DATE_MONTH = 2,
  TS_DATE_DAY = 3
} ts_date_precision;

bool ts_is_leap_year(int year);
int ts_days_in_month(int year, int month);

/* Builds a date, month and day 0 for coarser precision; checks everything
** (day 0 with a month is fine, a day without a month is not). */
int ts_date_make(int year, int month, int day, ts_date *out, ts_err *err);
/* Whether d could have come from ts_date_parse (for data read from disk). */
bool ts_date_valid(ts_date d);
ts_date_precision ts_date_precision_of(ts_date d);

/* Parses YYYY, YYYY-MM or YYYY-MM-DD strictly; the message quotes the input
** and says why ("'2023-02-29' is not a date: February 2023 has 28 days"). */
int ts_date_parse(const char *s, size_t len, ts_date *out, ts_err *err);
/* Writes the date in the form it was parsed from; returns its length. */
size_t ts_date_format(ts_date d, char *buf, size_t size);

/* Total order as the ISO strings sort: by year, month, day, a missing field
** counting as 0, so 2022-05 comes before 2022-05-01.  Returns <0, 0 or >0. */
int ts_date_cmp(ts_date a, ts_date b);

/* d moved by n years.  An anniversary of 29 February falls on 28 February in
** a year that is not a leap year (the convention of most civil law).  Fails
** when the year leaves 1000..9999. */
int ts_date_add_years(ts_date d, int years, ts_date *out, ts_err *err);

/* Whole years from `from` to `to`: the largest n with add_years(from, n) <= to,
** compared at the coarser precision of the two (2001 to 2026-03-01 is 25
** years).  Negative when `to` is before `from`: minus the years from `to` to
** `from`. */
int ts_date_years_between(ts_date from, ts_date to);

/* The month containing a day or a month; the year of a year. */
ts_period ts_date_period(ts_date d);

/* The calendar day at time t, in the local time zone (TZ) when `local` is
** true, else in UTC.  The caller reads the clock. */
int ts_date_of_time(time_t t, bool local, ts_date *out, ts_err *err);

#endif
