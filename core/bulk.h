/*
** bulk.h — bulk trade datasets (CEPII BACI, UN Comtrade) as plain columns.
**
** A bulk dataset is a set of named columns of equal length, typed as the
** store's columns are (core/store.h: int16, int32, double, string ids into
** one dictionary per dataset) with the store's missing-value sentinels.  It
** differs from a ts_table in one way that matters at ten million rows: its
** column arrays are handed over whole (an importer fills them in parallel)
** or point into a snapshot's read-only mapping (core/snapshot.h), where a
** ts_table owns and grows every array through its allocator.  The string
** dictionary is a ts_table with no columns, so interning and lookup are the
** store's.
**
** A BACI row is 26 bytes: year, exporter, importer int16; product int32
** (dictionary id of the HS code as written); value, quantity double (NaN
** when the quantity is missing).
**
** Integer columns record the least and greatest value present (lo, hi), so
** that grouping and joining can index dense arrays by value.  A snapshot's
** columns carry a checksum that is verified the first time a query reads
** the column (ts_bulk_need), so that opening stays O(1) in the data size.
*/
#ifndef TS_BULK_H
#define TS_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "store.h"

#define TS_BULK_MAXCOLS 24
#define TS_BULK_NAMELEN 24

typedef struct ts_bulkcol {
  char name[TS_BULK_NAMELEN];
  ts_type type;      /* TS_I16, TS_I32, TS_F64, or TS_STR (int32 dictionary ids) */
  void *data;        /* rows values; read-only when the dataset is mapped */
  int32_t lo, hi;    /* integer and string columns: range of the values present (lo > hi: none) */
  uint64_t checksum; /* ts_hash64 of the data, as a snapshot stores it */
  bool checked;      /* the data is known to match the checksum (always true in memory) */
} ts_bulkcol;

typedef struct ts_bulk {
  char kind[16];   /* "baci", "comtrade", "result": says what the columns mean */
  size_t rows, ncols;
  ts_bulkcol cols[TS_BULK_MAXCOLS];
  int measure;     /* the column top() and join() use when none is named, or -1 */
  ts_table *dict;  /* the strings of every string column */
  ts_alloc alloc;
  void *map;       /* the snapshot mapping the columns point into, or NULL */
  size_t map_len;
  int fd;          /* the mapped file, or -1: whole-column scans read it (ts_bulk_read) */
  char source[256]; /* where the data came from, for messages */
  char *notes;      /* the host's notes about the data (lua/bulk.lua: the country-code map
                    ** as JSON), owned; saved in and read back from a snapshot; or NULL */
  size_t notes_len;
  int threads;         /* threads a scan may use: 1 or 2 (default 2) */
  size_t parallel_min; /* rows from which a scan uses them (default 1 << 18) */
} ts_bulk;

/* ---- building ------------------------------------------------------------------ */

ts_bulk *ts_bulk_new(const char *kind, const ts_alloc *a, ts_err *err);
void ts_bulk_free(ts_bulk *b);

/* Adds a column with room for `cap` values (uninitialised); returns its
** index.  Names are unique, at most TS_BULK_NAMELEN - 1 bytes. */
int ts_bulk_add_column(ts_bulk *b, const char *name, ts_type type, size_t cap, ts_err *err);
/* Gives every owned column exactly b->rows values (after an importer set
** rows) and records lo/hi of the integer columns that have none yet (an
** importer that tracked them while parsing sets them first). */
int ts_bulk_finish(ts_bulk *b, ts_err *err);
/* Appends the rows of src (same columns, same types) to dst, re-coding its
** strings; all or nothing.  dst must own its columns. */
int ts_bulk_append(ts_bulk *dst, const ts_bulk *src, ts_err *err);

/* Replaces b's notes with a copy of s[0..len) (len 0: none). */
int ts_bulk_set_notes(ts_bulk *b, const char *s, size_t len, ts_err *err);

/* Asks for huge pages over a large array about to be written: one fault
** per 2 MB instead of per 4 KB (a hint; nothing happens when refused). */
void ts_bulk_advise_large(void *p, size_t bytes);

/* ---- reading ------------------------------------------------------------------- */

/* Index of column `name`, or -1. */
int ts_bulk_find(const ts_bulk *b, const char *name);
/* Makes sure column i may be read: verifies a mapped column's checksum the
** first time, reading it through ts_bulk_read ("snap.tsb: column 'value'
** is corrupt (checksum mismatch)"). */
int ts_bulk_need(ts_bulk *b, int i, ts_err *err);
/* Opens the regular file at `path` for reading; its descriptor (closed on
** exec), its size in *size; -1: "x.csv: cannot open: No such file or
** directory", "x: not a regular file". */
int ts_bulk_open_file(const char *path, size_t *size, ts_err *err);
/* Copies rows [row, row + n) of column i of a mapped dataset into out,
** read from its file with pread rather than through the mapping: on a
** virtual machine every first touch of a mapped page costs an exit to the
** hypervisor, and every page touched counts in the process's resident
** memory, so a scan of a whole column goes faster and stays small through
** a buffer.  "snap.tsb: cannot read column 'value': ..." */
int ts_bulk_read(const ts_bulk *b, int i, size_t row, size_t n, void *out, ts_err *err);
/* Verifies every column now. */
int ts_bulk_verify(ts_bulk *b, ts_err *err);
/* Bytes of column data plus dictionary held in memory or mapped. */
size_t ts_bulk_memory(const ts_bulk *b);
/* Bytes one row takes in the columns. */
size_t ts_bulk_row_bytes(const ts_bulk *b);

/* The value of integer or string-id column c at row r as an int32
** (sentinels as stored). */
static inline int32_t ts_bulk_key(const ts_bulkcol *c, size_t r) {
  return c->type == TS_I16 ? ((const int16_t *)c->data)[r] : ((const int32_t *)c->data)[r];
}

/* ---- hashing --------------------------------------------------------------------- */

/* XXH64 (Yann Collet's xxHash, 64-bit): fast enough to check a column at
** memory speed, and a published function, so a snapshot can be checked by
** other tools. */
uint64_t ts_hash64(const void *data, size_t len, uint64_t seed);

/* The same over data handed in pieces: init, update with each piece in
** order, digest (equal to ts_hash64 of the pieces joined). */
typedef struct ts_hash64_state {
  uint64_t v[4], seed, total;
  unsigned char buf[32];
  size_t buffered;
} ts_hash64_state;
void ts_hash64_init(ts_hash64_state *s, uint64_t seed);
void ts_hash64_update(ts_hash64_state *s, const void *data, size_t len);
uint64_t ts_hash64_digest(const ts_hash64_state *s);

#endif
