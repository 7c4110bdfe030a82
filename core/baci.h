/*
** baci.h — the CEPII BACI importer: one `t,i,j,k,v,q` CSV file into a bulk
** dataset (core/bulk.h) of columns year, exporter, importer (int16),
** product (int32 dictionary id), value and quantity (double): 26 bytes a row.
**
** The file is read (in small windows, never whole) and parsed by a
** hand-written reader (no generic CSV reader: this is the hot path), in
** two halves on two threads whose rows are then joined in file order.
** Every field is checked:
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
** Projection and filter pushdown (as DuckDB's read_csv does): an import
** may keep only some columns (the others are never allocated) and only the
** rows meeting a `where` (sets of years, exporters, importers, product
** codes, chapters or headings).  Every field of every row is still checked
** with the same messages, so a file that would not import whole does not
** import in part either; kept rows stay in file order, and the product
** dictionary holds only the codes of kept rows.
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

/* The rows to keep: each set given (n > 0) is a condition, and a row is
** kept when it meets all of them.  Years are 1000..9999 and country codes
** 0..32767, as in the file; product codes are compared as stored (a
** 5-digit numeric code gets its leading zero back, as in the file);
** chapters are 2 and headings 4 letters or digits, compared with the
** start of the product code. */
typedef struct ts_baci_where {
  const int32_t *years, *exporters, *importers;
  size_t nyears, nexporters, nimporters;
  const char *const *products, *const *chapters, *const *headings;
  size_t nproducts, nchapters, nheadings;
} ts_baci_where;

typedef struct ts_baci_opts {
  int threads;             /* 1 or 2; 0 means 2 */
  ts_progress_fn progress; /* or NULL */
  void *progress_ud;
  /* NULL for libc.  With two threads it is called from both at once
  ** (each thread's product dictionary grows), so it must be thread-safe. */
  const ts_alloc *alloc;
  /* The columns to keep, by name (year, exporter, importer, product, value,
  ** quantity), stored in that order whatever the order given; NULL (or
  ** ncolumns 0) keeps all six. */
  const char *const *columns;
  size_t ncolumns;
  ts_baci_where where; /* all zero: every row */
} ts_baci_opts;

/* Checks the columns and where of opts (NULL is fine) without reading a
** file, with the message an import would give: "columns: no column 'x'
** (year, exporter, importer, product, value, quantity)", "where exporter:
** 40000 is not a country code (an integer 0..32767)". */
int ts_baci_check_opts(const ts_baci_opts *opts, ts_err *err);

/* Imports the file at `path` (opts may be NULL). */
ts_bulk *ts_baci_import(const char *path, const ts_baci_opts *opts, ts_err *err);

/* Takes the rows of one block: the callee owns `rows` from then on, and
** returns 0, or -1 with a message in err to stop the reading. */
typedef int (*ts_baci_take_fn)(void *ud, ts_bulk *rows, ts_err *err);

/* Imports the file at `path` a block at a time: the lines that start in
** each `block` bytes (and the rest of the last of them) become a dataset
** handed to `take`, in file order, before the next block is read, so that
** memory holds one block however large the file.  Rows are checked and
** kept as ts_baci_import does, with messages naming the line in the whole
** file; progress counts the whole file.  The first bad row stops the
** reading with -1, after the blocks before it were taken.  Every block is
** at least one dataset, so a file of only the header gives one of no rows. */
int ts_baci_import_blocks(const char *path, const ts_baci_opts *opts, size_t block,
                          ts_baci_take_fn take, void *ud, ts_err *err);

/* The same over buf[0..len), named `name` in messages. */
ts_bulk *ts_baci_parse(const char *name, const char *buf, size_t len, const ts_baci_opts *opts,
                       ts_err *err);

#endif
