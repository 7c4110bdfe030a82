/*
** bulkfold.h — a group-by fed a block of rows at a time, for data read in
** blocks (ts_baci_import_blocks) that is never whole in memory.
**
** Each block is grouped (ts_bulk_group) into partial groups: the sum, the
** rows, the values present, and the least and greatest value when asked.
** The partial groups pile up and are merged again whenever they outgrow
** the groups merged before, so memory holds about one block and the
** groups.  The result is the dataset ts_bulk_group gives over all the
** rows at once: the same columns, names, order, kind and measure.  Sums
** may differ from it in the last bits, the values being added in another
** order.
*/
#ifndef TS_BULKFOLD_H
#define TS_BULKFOLD_H

#include <stddef.h>

#include "bulk.h"
#include "bulkquery.h"
#include "error.h"

typedef struct ts_bfold ts_bfold;

/* A fold by `keys` (column names, or "chapter"/"heading": the first 2 or 4
** characters of the "product" column) over the double column `valcol`
** (NULL when aggs is TS_AGG_COUNT alone) with the TS_AGG_ flags `aggs`. */
ts_bfold *ts_bfold_new(const char *const *keys, size_t nkeys, const char *valcol, unsigned aggs,
                       const ts_alloc *a, ts_err *err);
void ts_bfold_free(ts_bfold *f);

/* Groups the rows of `block` (every block with the same columns) into the
** fold; the block stays the caller's.  On failure the fold is unusable. */
int ts_bfold_add(ts_bfold *f, ts_bulk *block, ts_err *err);

/* The groups of every row added, a new dataset named `source` in
** messages; NULL when nothing was added. */
ts_bulk *ts_bfold_result(ts_bfold *f, const char *source, ts_err *err);

#endif
