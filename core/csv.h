/*
** csv.h — an RFC 4180 reader over a memory buffer, and a writer.
**
** Reading is a cursor: each ts_csv_next gives one record as (pointer,
** length) slices.  An unquoted field, and a quoted one without doubled
** quotes, points into the buffer itself; only a field with "" is unescaped,
** into a scratch buffer the reader reuses.  After the first record nothing is
** allocated unless a later record is wider or longer, so a pass is linear.
**
**     ts_csv r;
**     ts_csv_init(&r, "trade.csv", buf, len, NULL);
**     while ((rc = ts_csv_next(&r, &err)) == 1)
**       use(r.fields, r.nfields, r.line);
**     ts_csv_free(&r);             // rc is 0 at the end, -1 on an error
**
** Accepted: quoted fields holding commas, doubled quotes, CR and LF; records
** ending in LF or CRLF; a last record with or without its line end; empty
** fields; a UTF-8 byte order mark at the start (skipped).  Refused, with
** "name:line:column: what": an unterminated quoted field (reported where its
** quote opened), anything but a comma or a line end after a closing quote, a
** quote inside an unquoted field, a record whose field count differs from the
** first record's (the header), invalid UTF-8, a NUL byte, a CR outside quotes
** that is not followed by LF.
**
** Lines are physical lines, counted by LF, from 1; columns are 1-based byte
** offsets within the line (after the byte order mark on line 1), so a field
** after an embedded newline reports the line it is really on.  A blank line
** is a record of one empty field, as RFC 4180 reads it.
*/
#ifndef TS_CSV_H
#define TS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct ts_alloc; /* store.h; NULL everywhere means the libc allocator */

typedef struct ts_csv_field {
  const char *s;    /* the text, quotes removed; not NUL-terminated */
  size_t len;
  size_t line, col; /* where the field starts: its opening quote when quoted */
  bool quoted;
} ts_csv_field;

/* A reader.  The caller reads `fields`, `nfields` and `line`; the rest is
** the reader's.  Fields stay valid until the next ts_csv_next or
** ts_csv_free; those pointing into the buffer live as long as the buffer. */
typedef struct ts_csv {
  const ts_csv_field *fields;
  size_t nfields;
  size_t line; /* the line the current record starts on */

  const char *name; /* for messages; the caller's string */
  const char *buf;
  size_t len, pos;
  size_t cur_line, line_start; /* line at pos, and the offset that line starts at */
  long expect;                 /* fields per record; 0: the first record's; -1: any */
  bool failed;                 /* an error stops the reader for good */
  ts_csv_field *fbuf;
  size_t fcap;
  char *scratch; /* unescaped text of the current record's "" fields */
  size_t scratch_used, scratch_cap;
  char *owned; /* the file contents when opened by ts_csv_init_file */
  const struct ts_alloc *alloc;
} ts_csv;

/* Reads buf[0..len), which the caller owns and keeps unchanged while
** reading.  `name` names the input in messages ("data/trade.csv"); `a` must
** outlive the reader.  Allocates nothing, cannot fail. */
void ts_csv_init(ts_csv *r, const char *name, const char *buf, size_t len,
                 const struct ts_alloc *a);

/* Reads the whole file at `path` and reads it as ts_csv_init does; the reader
** owns the contents.  On failure ("trade.csv: cannot open: No such file or
** directory") the reader is empty, and ts_csv_free is still right. */
int ts_csv_init_file(ts_csv *r, const char *path, const struct ts_alloc *a, ts_err *err);

/* Releases what the reader allocated (not a caller's buffer). */
void ts_csv_free(ts_csv *r);

/* Fields every record must have: n > 0 that many, 0 (the default) as many
** as the first record, -1 any number.  Call before the first ts_csv_next. */
void ts_csv_expect(ts_csv *r, long n);

/* Moves to the next record: 1 when there is one, 0 at the end of the input,
** -1 and a message on malformed input or no memory; every later call then
** returns -1 too. */
int ts_csv_next(ts_csv *r, ts_err *err);

/* Formats "name:line:col: " and the message: how a validator layered on the
** reader reports a bad field (at f->line, f->col).  Returns -1. */
int ts_csv_errf(const ts_csv *r, size_t line, size_t col, ts_err *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Reads the whole file into memory from `a` (released with ts_free(a, *buf)),
** NUL-terminated past *len for convenience. */
int ts_csv_read_file(const char *path, const struct ts_alloc *a, char **buf, size_t *len,
                     ts_err *err);

/* ---- writing ---------------------------------------------------------------- */

/* Whether a field must be quoted: it holds a comma, quote, CR or LF, or
** starts or ends with a space or tab (which spreadsheets would trim).  Only
** those fields are quoted, so a record read from normally-quoted input writes
** back byte-identical. */
bool ts_csv_needs_quotes(const char *s, size_t len);

/* Writes fields[0..n) (their s and len) as one record ending in `eol` ("\n"
** or "\r\n") into dst as snprintf does: at most size - 1 bytes and a NUL;
** returns the full length, so a call with size 0 measures. */
size_t ts_csv_format(char *dst, size_t size, const ts_csv_field *fields, size_t n,
                     const char *eol);

/* The same record written to `out`; -1 and "name: cannot write: why" when
** the stream reports an error. */
int ts_csv_write(FILE *out, const char *name, const ts_csv_field *fields, size_t n,
                 const char *eol, ts_err *err);

#endif
