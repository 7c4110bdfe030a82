/*
** baci.h — the CEPII BACI importer: one `t,i,j,k,v,q` CSV file into a bulk
** dataset (core/bulk.h) of columns year, exporter, importer (int16),
** product (int32 dictionary id), value and quantity (double): 26 bytes a row.
**
** The file is mapped and parsed by a hand-written reader (no generic CSV
** reader: this is the hot path), in two halves on two threads whose rows
** are then joined in file order.  Every field is checked:
**     t  a year, 1000..9999
**     i  exporter, j  importer: a country code, an integer 0..32767
**     k  an HS code of 1 to 15 letters or digits, optionally in double
**        quotes, kept as written ("010121", "9999AA"); a 5-digit numeric
**        code is a 6-digit one whose leading zero was lost (older BACI
**        releases wrote k as a number) and gets it back
**     v  value (thousand USD): a non-negative decimal number, required
**     q  quantity (tonnes): the same, or empty or NA for missing (NaN)
** Numbers may have spaces around them.  The header must be t,i,j,k,v,q;
** rows end in LF or CRLF; blank lines are skipped.  The first bad field
** stops the import with "file:line:column: column 'i': 'x' is not a
** country code (an integer 0..32767)"; an import succeeds whole or returns
** NULL and allocates nothing that outlives the call.
**
** Decimal numbers convert exactly as strtod does (a short mantissa and
** exponent are converted with one correctly rounded operation, anything
** else goes through strtod), so sums agree with other tools.
*/
#ifndef TS_BACI_H
#define TS_BACI_H

#include <stddef.h>

#include "bulk.h"
#include "error.h"

/* Called with the bytes parsed so far and the total, from the calling
** thread only, at most every few megabytes and once at the end. */
typedef void (*ts_progress_fn)(void *ud, size_t done, size_t total);

typedef struct ts_baci_opts {
  int threads;             /* 1 or 2; 0 means 2 */
  ts_progress_fn progress; /* or NULL */
  void *progress_ud;
  /* NULL for libc.  With two threads it is called from both at once
  ** (each thread's product dictionary grows), so it must be thread-safe. */
  const ts_alloc *alloc;
} ts_baci_opts;

/* Imports the file at `path` (opts may be NULL). */
ts_bulk *ts_baci_import(const char *path, const ts_baci_opts *opts, ts_err *err);

/* The same over buf[0..len), named `name` in messages. */
ts_bulk *ts_baci_parse(const char *name, const char *buf, size_t len, const ts_baci_opts *opts,
                       ts_err *err);

#endif
