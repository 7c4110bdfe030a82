/*
** kb.h — the knowledge base: the dataset's CSV tables, validated field by
** field against a schema and held in column-store tables.
**
** Each table keeps, for every CSV column, the field's text as a string
** column named as in the file (what a save writes back), and typed columns
** derived from it: "<col>:first"/"<col>:last" (int32 month indexes) for a
** period, "<col>:num" (double) for a number.  It also keeps the bytes of
** each row as read, so a save writes every untouched row byte for byte.
**
** Areas (ISO codes handed in by the host, project groupings and places from
** areas.csv) and sources are loaded first: other tables' codes and source ids
** are checked against them.  A load succeeds whole or leaves the table
** empty; messages are "file:line:column: column 'x': what".
*/
#ifndef TS_KB_H
#define TS_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "period.h"
#include "store.h"

typedef enum ts_kbkind {
  TS_KB_ID,        /* unique, non-empty, letters, digits, '-', '_', '.' */
  TS_KB_TEXT,      /* any text */
  TS_KB_WORD,      /* a lowercase identifier: kind, event, metric */
  TS_KB_ENUM,      /* one of `allowed` ("a|b|c") */
  TS_KB_AREA,      /* a known area code */
  TS_KB_AREAS,     /* known area codes separated by ';' */
  TS_KB_PERIOD,    /* a period, or "unspecified" */
  TS_KB_DATE,      /* YYYY, YYYY-MM or YYYY-MM-DD */
  TS_KB_NUMBER,    /* a plain decimal number */
  TS_KB_INTEGER,   /* a non-negative integer */
  TS_KB_UNIT,      /* a unit the quantity parser knows */
  TS_KB_SOURCE,    /* an id of sources.csv */
  TS_KB_COMMODITY  /* TOTAL, an HS code, or an X- project code */
} ts_kbkind;

typedef struct ts_kbcol {
  const char *name;
  ts_kbkind kind;
  bool required;
  const char *allowed; /* TS_KB_ENUM: "a|b|c" */
} ts_kbcol;

typedef struct ts_kbschema {
  const char *name;       /* "trade" */
  const char *file;       /* "trade.csv" */
  const char *key;        /* the column that names a row: "id" or "code" */
  const char *summary;    /* one line for help() */
  const ts_kbcol *cols;
  size_t ncols;
} ts_kbschema;

/* The schemas of the bundled dataset, in load order (areas, sources first). */
extern const ts_kbschema ts_kb_schemas[];
extern const size_t ts_kb_nschemas;
const ts_kbschema *ts_kb_schema(const char *name);

typedef struct ts_kb ts_kb;
typedef struct ts_kbtable ts_kbtable;

ts_kb *ts_kb_new(const ts_alloc *a, ts_err *err);
void ts_kb_free(ts_kb *kb);

/* Registers an area code known from elsewhere (ISO 3166 from iso-codes):
** `parent` is the enclosing area's code or NULL.  Codes are unique. */
int ts_kb_add_area(ts_kb *kb, const char *code, const char *name, const char *kind,
                   const char *parent, ts_err *err);
/* The name, kind and parent of a code (NULL when unknown). */
bool ts_kb_area(const ts_kb *kb, const char *code, const char **name, const char **kind,
                const char **parent);
/* Whether `code` is `area` or lies inside it (through parents or the members
** of a grouping). */
bool ts_kb_area_within(const ts_kb *kb, const char *code, const char *area);

/* Registers a commodity code; ts_kb_load_hs registers every code of the HS
** nomenclature file (data/hs/harmonized-system.csv, column `hscode`). */
int ts_kb_add_commodity(ts_kb *kb, const char *code, ts_err *err);
int ts_kb_load_hs(ts_kb *kb, const char *path, ts_err *err);

/* Loads table `schema` from `path`; every field checked. */
int ts_kb_load(ts_kb *kb, const ts_kbschema *schema, const char *path, ts_err *err);

/* A loaded table by name, or NULL. */
ts_kbtable *ts_kb_table(const ts_kb *kb, const char *name);
const ts_kbschema *ts_kbtable_schema(const ts_kbtable *t);
const ts_table *ts_kbtable_store(const ts_kbtable *t);
/* Rows in file order (a corrected row keeps its place). */
size_t ts_kbtable_rows(const ts_kbtable *t);
uint32_t ts_kbtable_row(const ts_kbtable *t, size_t i);
/* The text of column `col` at store row `row` (NULL when empty). */
const char *ts_kbtable_text(const ts_kbtable *t, size_t col, uint32_t row, size_t *len);
/* The store row of key `id`, or -1. */
int64_t ts_kbtable_find(const ts_kbtable *t, const char *id);

/* Appends a row given as one text per schema column (NULL or "" = empty);
** checked as a load checks a file row.  The new row is written at the end. */
int ts_kbtable_add(ts_kb *kb, ts_kbtable *t, const char *const *fields, ts_err *err);
/* Replaces row `id` by `fields` (same checks; the id may not change). */
int ts_kbtable_replace(ts_kb *kb, ts_kbtable *t, const char *id, const char *const *fields,
                       ts_err *err);
/* Whether the table changed since it was loaded or last saved. */
bool ts_kbtable_dirty(const ts_kbtable *t);
/* Writes the table to `path` through a temporary file renamed into place:
** untouched rows byte for byte, changed and new rows as minimal CSV. */
int ts_kbtable_save(ts_kbtable *t, const char *path, ts_err *err);

/* Row filters, ANDed: ts_kb_select_all puts every row in `sel` in file
** order, then each filter narrows it, keeping the order. */
int ts_kb_select_all(const ts_kbtable *t, ts_sel *sel, ts_err *err);
/* Rows whose column `col` text is one of vals[0..n). */
int ts_kb_filter_text(const ts_kbtable *t, const char *col, const char *const *vals, size_t n,
                      ts_sel *sel, ts_err *err);
/* Rows whose period column overlaps p (within: lies inside p). */
int ts_kb_filter_period(const ts_kbtable *t, const char *col, ts_period p, bool within,
                        ts_sel *sel, ts_err *err);
/* Rows where any area column (single or list) lies within `area`. */
int ts_kb_filter_area(const ts_kb *kb, const ts_kbtable *t, const char *area, ts_sel *sel,
                      ts_err *err);

#endif
