/*
** bulkquery.h — queries over bulk datasets, in C over columns: filters,
** group-by with sum/count/mean/min/max, top-N and sorting, and the join of
** two result sets (two years) for growth.
**
** A query reads a dataset through an optional selection (ts_sel from
** store.h: row indexes; NULL means every row).  Filters give selections
** in row order; top and sort give them in the order asked for.  Grouping
** and joining give new datasets of kind "result", so that a result can be
** filtered, grouped, sorted, joined and saved like any dataset.
**
** Keys: an integer column (year, exporter, importer, period...), a string
** column (product, flow), or the first 2 or 4 characters of a string
** column (prefix 2 = HS chapter, 4 = HS heading of a product code).
** Missing keys (sentinels) form a group of their own.
**
** Scans of more than b->parallel_min rows run on two threads (each half
** aggregates on its own, then the halves merge), so that both cores work.
** With two threads the dataset's allocator is called from both.  A
** group-by over every row of a snapshot reads its columns from the file
** a block at a time (ts_bulk_read says why); other queries read the
** mapping.
*/
#ifndef TS_BULKQUERY_H
#define TS_BULKQUERY_H

#include <stddef.h>
#include <stdint.h>

#include "bulk.h"
#include "error.h"
#include "store.h"

/* A key or filter column: the column, and for a string column 0 (the whole
** value) or a prefix length (2: chapter, 4: heading). */
typedef struct ts_bkey {
  int col;
  int prefix;
} ts_bkey;

/* One filter condition: the key is one of ints[0..n) (integer columns) or
** strs[0..n) (string columns, compared whole or by prefix).  A string that
** is not in the data matches nothing. */
typedef struct ts_bcond {
  ts_bkey key;
  const int32_t *ints;
  const char *const *strs;
  size_t n;
} ts_bcond;

/* Rows of `in` (NULL: all) meeting every condition, in row order, into
** `out` (which may not be `in`). */
int ts_bulk_filter(ts_bulk *b, const ts_sel *in, const ts_bcond *conds, size_t nconds,
                   ts_sel *out, ts_err *err);

/* Aggregates of a group-by, as flags. */
enum {
  TS_AGG_COUNT = 1, /* rows in the group: column "count" */
  TS_AGG_SUM = 2,   /* sum of the values present: column named as the value column */
  TS_AGG_MEAN = 4,  /* "<col>_mean", NaN when no value is present */
  TS_AGG_MIN = 8,   /* "<col>_min" */
  TS_AGG_MAX = 16,  /* "<col>_max" */
  TS_AGG_PRESENT = 32 /* values present (not missing) in the group: "<col>_n" */
};

/* One row per distinct key combination of the selected rows, sorted by the
** keys (numbers ascending, strings in byte order, missing last); key
** columns named as their source column, or "chapter"/"heading" for
** prefixes 2/4.  `valcol` is a double column (ignored, may be -1, when only
** TS_AGG_COUNT is asked).  The result's measure is its first aggregate
** column. */
ts_bulk *ts_bulk_group(ts_bulk *b, const ts_sel *sel, const ts_bkey *keys, size_t nkeys,
                       int valcol, unsigned aggs, ts_err *err);

/* The selected rows (NULL: all) as a dataset of their own, in selection
** order, with the same columns, kind and measure. */
ts_bulk *ts_bulk_take(ts_bulk *b, const ts_sel *sel, ts_err *err);

/* count, missing, sum, min, max of a double column over the selection. */
int ts_bulk_stats(ts_bulk *b, const ts_sel *sel, int col, ts_stats *out, ts_err *err);

/* The n rows with the largest (desc) or smallest values of column `col`
** (any numeric column), best first; missing values last; ties in row
** order.  n may exceed the rows.  ts_bulk_sort orders every row. */
int ts_bulk_top(ts_bulk *b, const ts_sel *sel, int col, size_t n, bool desc, ts_sel *out,
                ts_err *err);
int ts_bulk_sort(ts_bulk *b, const ts_sel *sel, int col, bool desc, ts_sel *out, ts_err *err);

/* How a join treats keys found on one side only. */
typedef enum ts_join {
  TS_JOIN_INNER, /* dropped: keys of both only */
  TS_JOIN_LEFT,  /* a's kept, with base 0 */
  TS_JOIN_OUTER  /* a's kept with base 0, then b's with value 0 (in b's row order) */
} ts_join;

/* The join of a (the later period) with b (the earlier) on key columns
** acols[i] = bcols[i] (same kind: integer with integer, string with
** string).  Each key of b must be unique (group first).  The result has
** a's key columns, then "value" (a's column aval), "base" (b's column
** bval), "change" = value - base and "growth" = change / base (NaN when
** base is 0 or missing), in a's row order.  A key on one side only counts
** 0 on the other (bulk data leaves zero flows out): a new market has base
** 0, a lost one value 0, and the changes add up to the change of the
** total. */
ts_bulk *ts_bulk_join(ts_bulk *a, const ts_sel *asel, ts_bulk *b, const ts_sel *bsel,
                      const int *acols, const int *bcols, size_t nkeys, int aval, int bval,
                      ts_join how, ts_err *err);

#endif
