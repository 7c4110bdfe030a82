/*
** store.h — the column store: tables of named, typed columns of equal length.
**
** A table owns every byte it points to; ts_table_free releases all of it.
** Columns are plain arrays so that a scan is a tight loop:
**
**     const ts_column *v = ts_table_find(t, "v");
**     const double *x = v->data;
**     for (size_t i = 0; i < ts_table_rows(t); i++) sum += x[i];
**
** Missing values are sentinels inside the value range (as R's NA_integer_),
** not a validity bitmap: a scan reads one array, a snapshot stores one array,
** and the cost is one value per integer type that cannot be stored:
**     int16  TS_NA_I16 = INT16_MIN        int64  TS_NA_I64 = INT64_MIN
**     int32  TS_NA_I32 = INT32_MIN        double any NaN (TS_NA_F64 is one)
**     string TS_NA_ID  = -1 (an id no string has)
** Appending the sentinel as an integer is refused as out of range, so a
** stored sentinel always means "missing".
**
** Strings are dictionary-encoded: one dictionary per table maps each distinct
** string to an int32 id (0, 1, 2... in order of first use); a string column
** holds the ids.
**
** Loads are all-or-nothing through ts_table_mark / ts_table_rollback.  Every
** allocation goes through the table's ts_alloc, and a failed allocation is an
** error (-1 and a message), never a crash, and leaves the table as it was.
*/
#ifndef TS_STORE_H
#define TS_STORE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* ---- allocator ------------------------------------------------------------ */

/* Injectable allocator: the libc functions by default, a counting or failing
** one in tests, an arena or a limit (--max-memory) in a host.  No function
** is called with a zero size, realloc_fn and free_fn never with NULL. */
typedef struct ts_alloc {
  void *(*malloc_fn)(void *ud, size_t size);
  void *(*realloc_fn)(void *ud, void *ptr, size_t size);
  void (*free_fn)(void *ud, void *ptr);
  void *ud;
} ts_alloc;

extern const ts_alloc ts_alloc_libc;

/* `a` may be NULL for ts_alloc_libc.  ts_malloc(a, 0) returns a unique
** pointer, as malloc may not. */
void *ts_malloc(const ts_alloc *a, size_t size);
void *ts_realloc(const ts_alloc *a, void *ptr, size_t size);
void ts_free(const ts_alloc *a, void *ptr);

/* `array` is the address of a T * pointing to *cap items of `size` bytes
** (NULL when *cap is 0): grows it to hold at least `need` items, at least
** doubling.  Returns -1 without touching either when the size overflows or
** the allocation fails; the caller writes the message. */
int ts_grow(const ts_alloc *a, void *array, size_t *cap, size_t need, size_t size);

/* ---- types and values ------------------------------------------------------- */

typedef enum ts_type { TS_I16, TS_I32, TS_I64, TS_F64, TS_STR } ts_type;

#define TS_NA_I16 INT16_MIN
#define TS_NA_I32 INT32_MIN
#define TS_NA_I64 INT64_MIN
#define TS_NA_F64 ((double)NAN)
#define TS_NA_ID ((int32_t)-1)

/* "int16", "int32", "int64", "double", "string". */
const char *ts_type_name(ts_type type);
/* Bytes per stored value (a string column stores int32 ids). */
size_t ts_type_size(ts_type type);

/* A value going in or coming out of a table.  Integers go into any numeric
** column that can hold them exactly; numbers into double columns; strings
** into string columns; TS_V_NA into any column. */
typedef enum ts_vkind { TS_V_NA, TS_V_INT, TS_V_NUM, TS_V_STR } ts_vkind;

typedef struct ts_value {
  ts_vkind kind;
  union {
    int64_t i;
    double d;
    struct {
      const char *s; /* not NUL-terminated in general */
      size_t len;
    } str;
  } u;
} ts_value;

static inline ts_value ts_na(void) { return (ts_value){.kind = TS_V_NA}; }
static inline ts_value ts_int(int64_t i) { return (ts_value){.kind = TS_V_INT, .u.i = i}; }
static inline ts_value ts_num(double d) { return (ts_value){.kind = TS_V_NUM, .u.d = d}; }
static inline ts_value ts_strn(const char *s, size_t len) {
  return (ts_value){.kind = TS_V_STR, .u.str = {s, len}};
}
ts_value ts_str(const char *s); /* ts_strn(s, strlen(s)) */

/* ---- tables and columns ------------------------------------------------------ */

typedef struct ts_table ts_table;

/* Fields are read-only outside store.c.  `data` holds ts_table_rows(t)
** values of the column's type (int32 ids for TS_STR); it moves when the
** table grows, so read it again after any append. */
typedef struct ts_column {
  const char *name;
  ts_type type;
  void *data;
  size_t cap; /* values allocated */
} ts_column;

/* A new empty table named `name` (used in messages); `a` NULL for libc. */
ts_table *ts_table_new(const char *name, const ts_alloc *a, ts_err *err);
void ts_table_free(ts_table *t);

const char *ts_table_name(const ts_table *t);
size_t ts_table_rows(const ts_table *t);
size_t ts_table_ncols(const ts_table *t);
/* Column i in order of addition, or NULL when out of range. */
const ts_column *ts_table_col(const ts_table *t, size_t i);
/* Column by name, or NULL. */
const ts_column *ts_table_find(const ts_table *t, const char *name);

/* Adds a column (filled with missing values for the rows already present);
** returns its index, or -1 for a duplicate name or no memory. */
int ts_table_add_column(ts_table *t, const char *name, ts_type type, ts_err *err);

/* Makes room for `rows` rows in every column, so that appends up to that
** count allocate nothing (the bulk importer reserves once). */
int ts_table_reserve(ts_table *t, size_t rows, ts_err *err);

/* Appends one row: row[i] goes to column i, n must be the column count.
** All or nothing: on error (type, range, memory) the table is unchanged. */
int ts_table_append(ts_table *t, const ts_value *row, size_t n, ts_err *err);

/* The value at (column, row) as a ts_value (TS_V_NA for missing; a string
** points into the dictionary).  Integer columns give TS_V_INT, double
** columns TS_V_NUM.  row must be < ts_table_rows(t). */
ts_value ts_table_get(const ts_table *t, const ts_column *c, size_t row);

/* Bytes the table holds from its allocator (capacity, not just the rows). */
size_t ts_table_memory(const ts_table *t);

/* Tables hold at most this many rows, so that row indexes fit a uint32. */
#define TS_MAX_ROWS ((size_t)UINT32_MAX)

/* ---- dictionary ---------------------------------------------------------------- */

/* The id of s[0..len), adding it when new; -1 and a message on no memory or
** when the dictionary is full (INT32_MAX strings). */
int32_t ts_dict_intern(ts_table *t, const char *s, size_t len, ts_err *err);
/* The id of s[0..len), or TS_NA_ID when the table has never seen it. */
int32_t ts_dict_find(const ts_table *t, const char *s, size_t len);
/* The string of `id` (NUL-terminated; its length in *len when len is not
** NULL), or NULL when id is not an id of this table.  Valid until the next
** string is interned (the dictionary's bytes may move). */
const char *ts_dict_str(const ts_table *t, int32_t id, size_t *len);
/* Number of distinct strings. */
size_t ts_dict_count(const ts_table *t);

/* ---- transactions ----------------------------------------------------------------- */

/* A point to return to: the row, column and string counts (and the
** dictionary's byte count) at the time it was taken. */
typedef struct ts_mark {
  size_t rows, cols, strings, bytes;
} ts_mark;

ts_mark ts_table_mark(const ts_table *t);
/* Drops the rows appended, the columns added and the strings interned since
** `m`; never fails and never allocates.  Capacity is kept for the retry. */
void ts_table_rollback(ts_table *t, ts_mark m);

/* ---- selections, filters, aggregates ------------------------------------------------ */

/* A selection vector: ascending row indexes.  The caller owns it; `alloc` is
** copied at init and used for all its growth. */
typedef struct ts_sel {
  uint32_t *rows;
  size_t n, cap;
  ts_alloc alloc;
} ts_sel;

void ts_sel_init(ts_sel *s, const ts_alloc *a);
void ts_sel_free(ts_sel *s);

/* Selects the rows of `in` (every row when `in` is NULL) where column c
** (int16, int32 or string ids) equals v / is one of vals[0..n).  Replaces the
** contents of `out`; `out` may be `in` itself, which filters in place, so
** filters chain as AND.  For a string column look the id up first with
** ts_dict_find; TS_NA_ID selects the missing values. */
int ts_filter_eq(const ts_table *t, const ts_column *c, int32_t v, const ts_sel *in,
                 ts_sel *out, ts_err *err);
int ts_filter_in(const ts_table *t, const ts_column *c, const int32_t *vals, size_t n,
                 const ts_sel *in, ts_sel *out, ts_err *err);

/* Aggregates of a double column over a selection (NULL: every row).  Missing
** values (NaN) are skipped and counted apart, as SQL does: count is the
** number of values present, sum is 0 and min/max NaN when there are none. */
typedef struct ts_stats {
  size_t count, missing;
  double sum, min, max;
} ts_stats;

int ts_stats_f64(const ts_table *t, const ts_column *c, const ts_sel *sel, ts_stats *out,
                 ts_err *err);

#endif
