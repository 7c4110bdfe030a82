/*
** l_bulk.c — bulk datasets (BACI, Comtrade) from Lua: import, snapshots,
** and queries that run in C over the columns (core/bulkquery.h).
**
** A dataset the user holds is a view: the shared columns (a "store"
** userdata, freed when no view needs it) and an optional selection of
** rows, in row order after a filter or in rank order after top/sort.
** Filters, groups and joins return new views; rows are read one at a time
** as small tables.  lua/bulk.lua builds the user API (area codes, printing,
** trade.import_baci ...) on this module, tradescope.bulkcore.
*/
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "baci.h"
#include "bulkfold.h"
#include "bulk.h"
#include "bulkquery.h"
#include "comtrade.h"
#include "csv.h"
#include "host.h"
#include "snapshot.h"

#define STORE_TYPE "tradescope.bulkstore"
#define VIEW_TYPE "tradescope.bulk"

typedef struct store {
  ts_bulk *b;
} store;

/* Uservalue 1: the store userdata; 2: a Lua table of metadata shared by
** every view of the same data (lua/bulk.lua keeps the area codes there). */
typedef struct view {
  ts_bulk *b;
  ts_sel sel;
  bool all; /* every row in row order; sel unused */
} view;

/* ---- stores and views -------------------------------------------------------------- */

static int store_gc(lua_State *L) {
  store *s = luaL_checkudata(L, 1, STORE_TYPE);
  ts_bulk_free(s->b);
  s->b = NULL;
  return 0;
}

static view *check_view(lua_State *L, int idx) { return luaL_checkudata(L, idx, VIEW_TYPE); }

static int view_gc(lua_State *L) {
  view *v = check_view(L, 1);
  ts_sel_free(&v->sel);
  return 0;
}

static size_t view_rows(const view *v) { return v->all ? v->b->rows : v->sel.n; }
static const ts_sel *view_sel(const view *v) { return v->all ? NULL : &v->sel; }
static size_t view_row(const view *v, size_t i) { return v->all ? i : v->sel.rows[i]; }

/* A view of the store at index `st` (with metadata table `meta`, or a new
** one when 0); every row until a selection is given. */
static view *push_view(lua_State *L, int st, int meta) {
  st = lua_absindex(L, st);
  if (meta != 0) meta = lua_absindex(L, meta);
  view *v = lua_newuserdatauv(L, sizeof *v, 2);
  store *s = lua_touserdata(L, st);
  v->b = s->b;
  v->all = true;
  ts_sel_init(&v->sel, NULL);
  luaL_setmetatable(L, VIEW_TYPE);
  lua_pushvalue(L, st);
  lua_setiuservalue(L, -2, 1);
  if (meta != 0) lua_pushvalue(L, meta);
  else lua_newtable(L);
  lua_setiuservalue(L, -2, 2);
  return v;
}

/* Takes ownership of b (freed here if Lua cannot allocate) and pushes a
** view of all its rows. */
static view *push_new(lua_State *L, ts_bulk *b, int meta) {
  if (meta != 0) meta = lua_absindex(L, meta);
  store *s = lua_newuserdatauv(L, sizeof *s, 0);
  s->b = b;
  luaL_setmetatable(L, STORE_TYPE);
  view *v = push_view(L, -1, meta);
  lua_remove(L, -2);
  return v;
}

/* A new view over the same store and metadata as the view at idx. */
static view *push_sibling(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_getiuservalue(L, idx, 1);
  lua_getiuservalue(L, idx, 2);
  view *v = push_view(L, -2, -1);
  lua_replace(L, -3);
  lua_pop(L, 1);
  return v;
}

static int col_index(lua_State *L, const ts_bulk *b, const char *name) {
  int c = ts_bulk_find(b, name);
  if (c < 0) luaL_error(L, "no column '%s' (columns: see ds:columns())", name);
  return c;
}

/* A key name: a column, or chapter/heading (prefixes of product codes). */
static ts_bkey key_of(lua_State *L, const ts_bulk *b, const char *name) {
  if (strcmp(name, "chapter") == 0 || strcmp(name, "heading") == 0) {
    int c = ts_bulk_find(b, "product");
    if (c < 0) luaL_error(L, "'%s' needs a product column", name);
    return (ts_bkey){c, name[0] == 'c' ? 2 : 4};
  }
  return (ts_bkey){col_index(L, b, name), 0};
}

/* ---- import and open ------------------------------------------------------------------ */

typedef struct bar {
  const char *name;
  double started, last;
  bool shown;
} bar;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A progress bar on standard error, redrawn at most ten times a second. */
static void draw_bar(void *ud, size_t done, size_t total) {
  bar *p = ud;
  double t = now();
  if (done < total && t - p->last < 0.1) return;
  p->last = t;
  p->shown = true;
  int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
  char cells[64];
  for (int i = 0; i < width; i++) cells[i] = i < fill ? '#' : '.';
  cells[width] = '\0';
  fprintf(stderr, "\r%s [%s] %3d%% %.0f MB  %.1f s", p->name, cells,
          total ? (int)(100.0 * (double)done / (double)total) : 100, (double)done / 1e6,
          t - p->started);
  fflush(stderr);
}

static void end_bar(bar *p) {
  if (!p->shown) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
}

static bool opt_bool(lua_State *L, int idx, const char *key, bool dflt) {
  if (!lua_istable(L, idx)) return dflt;
  lua_getfield(L, idx, key);
  bool v = lua_isnil(L, -1) ? dflt : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static int opt_int(lua_State *L, int idx, const char *key, int dflt) {
  if (!lua_istable(L, idx)) return dflt;
  lua_getfield(L, idx, key);
  lua_Integer v = lua_isnil(L, -1) ? dflt : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  return v < INT_MIN || v > INT_MAX ? INT_MIN : (int)v; /* out of range: refused by the caller */
}

/* Option errors name the option, not a place in lua/bulk.lua. */
static int opt_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  return lua_error(L);
}

/* The list at t[key] (a single value counts as a list of one) as scratch
** memory of `size`-byte items left on the stack, filled by `put`; its
** length, 0 when t[key] is nil.  `what` names the function and option in
** messages ("import_baci: where year"). */
typedef void (*put_fn)(lua_State *L, const char *what, void *item);

static size_t opt_list(lua_State *L, int t, const char *key, const char *what, size_t size,
                       put_fn put, void **out) {
  *out = NULL;
  if (lua_getfield(L, t, key) == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  int list = lua_gettop(L);
  bool many = lua_istable(L, list);
  size_t n = many ? (size_t)luaL_len(L, list) : 1;
  if (n == 0) opt_error(L, "%s: an empty list", what);
  char *items = lua_newuserdatauv(L, n * size, 0);
  lua_insert(L, list); /* kept below the value until the import is done */
  for (size_t i = 0; i < n; i++) {
    if (many) lua_rawgeti(L, list + 1, (lua_Integer)i + 1);
    else lua_pushvalue(L, list + 1);
    put(L, what, items + i * size);
    lua_pop(L, 1);
  }
  *out = items;
  return n;
}

static void put_int(lua_State *L, const char *what, void *item) {
  int isint;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint) opt_error(L, "%s: expected integers, got %s", what, luaL_tolstring(L, -1, NULL));
  if (v < INT32_MIN || v > INT32_MAX) opt_error(L, "%s: %I is out of range", what, v);
  *(int32_t *)item = (int32_t)v;
}

/* A string item points into the Lua string, which t[key] keeps alive. */
static void put_str(lua_State *L, const char *what, void *item) {
  if (lua_type(L, -1) != LUA_TSTRING)
    opt_error(L, "%s: expected strings, got %s", what, luaL_typename(L, -1));
  *(const char **)item = lua_tostring(L, -1);
}

/* One where list: t[key] into *out, its length returned. */
static size_t where_list(lua_State *L, int w, const char *fn, const char *key, put_fn put,
                         const void **out) {
  char what[64];
  void *p;
  snprintf(what, sizeof what, "%s: where %s", fn, key);
  size_t n = opt_list(L, w, key, what, put == put_int ? sizeof(int32_t) : sizeof(char *), put, &p);
  *out = p;
  return n;
}

/* What a BACI file can be filtered and grouped by: its key columns, and
** the first 2 and 4 characters of product (the last two). */
static const char *const BACI_KEYS[] = {"year", "exporter", "importer", "product", "chapter",
                                        "heading"};
#define NBACI_KEYS 6

/* The index of `name` in BACI_KEYS, or -1. */
static int baci_key(const char *name) {
  for (int k = 0; k < NBACI_KEYS; k++)
    if (strcmp(name, BACI_KEYS[k]) == 0) return k;
  return -1;
}

/* The where table at index w into o->where. */
static void opt_where(lua_State *L, int w, const char *fn, ts_baci_opts *o) {
  if (!lua_istable(L, w)) opt_error(L, "%s: where must be a table {column = value(s)}", fn);
  for (lua_pushnil(L); lua_next(L, w); lua_pop(L, 1)) {
    bool known = lua_type(L, -2) == LUA_TSTRING && baci_key(lua_tostring(L, -2)) >= 0;
    if (!known)
      opt_error(L, "%s: where: no key '%s' (year, exporter, importer, product, chapter, heading)",
                fn, luaL_tolstring(L, -2, NULL));
  }
  ts_baci_where *x = &o->where;
  const void *p;
  x->nyears = where_list(L, w, fn, "year", put_int, &p), x->years = p;
  x->nexporters = where_list(L, w, fn, "exporter", put_int, &p), x->exporters = p;
  x->nimporters = where_list(L, w, fn, "importer", put_int, &p), x->importers = p;
  x->nproducts = where_list(L, w, fn, "product", put_str, &p), x->products = p;
  x->nchapters = where_list(L, w, fn, "chapter", put_str, &p), x->chapters = p;
  x->nheadings = where_list(L, w, fn, "heading", put_str, &p), x->headings = p;
}

/* The options table at index `t` of function `fn` into o: threads, where
** and (when `columns`) the columns; the lists stay on the stack until the
** import is done.  Whether to draw a progress bar. */
static bool baci_options(lua_State *L, int t, const char *fn, bool columns, ts_baci_opts *o) {
  int threads = opt_int(L, t, "threads", 2);
  if (threads != 1 && threads != 2) opt_error(L, "%s: threads must be 1 or 2", fn);
  *o = (ts_baci_opts){.threads = threads};
  if (lua_istable(L, t)) {
    luaL_checkstack(L, 24, "BACI options");
    if (columns) {
      void *p;
      char what[64];
      snprintf(what, sizeof what, "%s: columns", fn);
      if (lua_getfield(L, t, "columns") != LUA_TNIL && !lua_istable(L, -1))
        opt_error(L, "%s: columns must be a list of column names", fn);
      lua_pop(L, 1);
      o->ncolumns = opt_list(L, t, "columns", what, sizeof(char *), put_str, &p), o->columns = p;
    }
    if (lua_getfield(L, t, "where") != LUA_TNIL) opt_where(L, lua_gettop(L), fn, o);
  }
  ts_err err;
  if (ts_baci_check_opts(o, &err) != 0) opt_error(L, "%s: %s", fn, err.msg);
  return opt_bool(L, t, "progress", true) && isatty(2);
}

/* The file paths of the list at index 1, checked before any is read. */
static size_t baci_paths(lua_State *L, const char *fn) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t n = (size_t)luaL_len(L, 1);
  if (n == 0) luaL_error(L, "%s: no files to read", fn);
  for (size_t i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, (lua_Integer)i);
    luaL_checkstring(L, -1);
    lua_pop(L, 1);
  }
  return n;
}

static const char *path_at(lua_State *L, size_t i) {
  lua_rawgeti(L, 1, (lua_Integer)i);
  const char *path = lua_tostring(L, -1);
  lua_pop(L, 1); /* the list at index 1 keeps the string */
  return path;
}

/* bulkcore.import_baci({paths...} [, {progress = bool, threads = n, columns = {names...},
** where = {year =, exporter =, importer =, product =, chapter =, heading =}}]): one
** dataset of all the files, all or nothing; only the columns and rows asked for. */
static int l_import_baci(lua_State *L) {
  lua_settop(L, 2);
  size_t n = baci_paths(L, "import_baci");
  ts_baci_opts o;
  bool progress = baci_options(L, 2, "import_baci", true, &o);
  ts_bulk *all = NULL;
  ts_err err;
  for (size_t i = 1; i <= n; i++) {
    const char *path = path_at(L, i);
    bar p = {path, now(), 0, false};
    o.progress = progress ? draw_bar : NULL;
    o.progress_ud = &p;
    ts_bulk *b = ts_baci_import(path, &o, &err);
    end_bar(&p);
    if (b == NULL || (all != NULL && ts_bulk_append(all, b, &err) != 0)) {
      ts_bulk_free(b);
      ts_bulk_free(all);
      return ts_raise(L, &err);
    }
    if (all == NULL) all = b;
    else ts_bulk_free(b);
  }
  if (n > 1) snprintf(all->source, sizeof all->source, "%zu BACI files", n);
  push_new(L, all, 0);
  return 1;
}

static unsigned agg_flag(lua_State *L, const char *name) {
  static const char *const names[] = {"count", "sum", "mean", "min", "max", "n", NULL};
  static const unsigned flags[] = {TS_AGG_COUNT, TS_AGG_SUM, TS_AGG_MEAN,
                                   TS_AGG_MIN,   TS_AGG_MAX, TS_AGG_PRESENT};
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], name) == 0) return flags[i];
  return (unsigned)luaL_error(L, "unknown aggregate '%s' (count, sum, mean, min, max, n)", name);
}

/* The aggregate names of the list at index t as flags. */
static unsigned agg_flags(lua_State *L, int t) {
  unsigned aggs = 0;
  luaL_checktype(L, t, LUA_TTABLE);
  for (lua_Integer i = 1; i <= luaL_len(L, t); i++) {
    lua_rawgeti(L, t, i);
    aggs |= agg_flag(L, luaL_checkstring(L, -1));
    lua_pop(L, 1);
  }
  return aggs;
}

/* The file columns a group-by of a BACI file reads: its keys (chapter and
** heading: product) and value column; *nkeys the keys at index 3. */
static size_t group_columns(lua_State *L, const char **keys, size_t *nkeys, const char **cols) {
  luaL_checktype(L, 3, LUA_TTABLE);
  size_t nk = (size_t)luaL_len(L, 3), nc = 0;
  if (nk == 0 || nk > 8) luaL_error(L, "scan_baci: group by 1 to 8 keys");
  for (size_t i = 0; i < nk; i++) {
    lua_rawgeti(L, 3, (lua_Integer)i + 1);
    keys[i] = luaL_checkstring(L, -1);
    lua_pop(L, 1); /* the keys list keeps it */
    int k = baci_key(keys[i]);
    if (k < 0)
      luaL_error(L, "scan_baci: group: no key '%s' (year, exporter, importer, product, chapter, "
                    "heading)", keys[i]);
    const char *col = BACI_KEYS[k < 4 ? k : 3]; /* chapter and heading read product */
    bool seen = false;
    for (size_t c = 0; c < nc; c++) seen |= strcmp(cols[c], col) == 0;
    if (!seen) cols[nc++] = col;
  }
  const char *val = luaL_optstring(L, 4, NULL);
  if (val != NULL && strcmp(val, "value") != 0 && strcmp(val, "quantity") != 0)
    luaL_error(L, "scan_baci: no number column '%s' (value, quantity)", val);
  if (val != NULL) cols[nc++] = val;
  *nkeys = nk;
  return nc;
}

static int take_block(void *fold, ts_bulk *rows, ts_err *err) {
  int rc = ts_bfold_add(fold, rows, err);
  ts_bulk_free(rows);
  return rc;
}

/* bulkcore.group_baci({paths...}, opts, {keys...}, valcol | nil, {aggregates...}): the
** groups of every row of the files, read a block at a time (opts.block bytes, default
** 64 MB: about two million rows) and only the columns the keys and value need; opts as
** import_baci's, but no columns. */
static int l_group_baci(lua_State *L) {
  lua_settop(L, 5);
  size_t n = baci_paths(L, "scan_baci"), nk;
  const char *keys[8], *cols[10];
  size_t ncols = group_columns(L, keys, &nk, cols);
  unsigned aggs = agg_flags(L, 5);
  int block = opt_int(L, 2, "block", 64 << 20);
  if (block <= 0) luaL_error(L, "scan_baci: block must be a number of bytes, more than 0");
  ts_baci_opts o;
  bool progress = baci_options(L, 2, "scan_baci", false, &o);
  o.columns = cols, o.ncolumns = ncols;
  ts_err err;
  ts_bfold *fold = ts_bfold_new(keys, nk, lua_tostring(L, 4), aggs, NULL, &err);
  for (size_t i = 1; i <= n && fold != NULL; i++) {
    const char *path = path_at(L, i);
    bar p = {path, now(), 0, false};
    o.progress = progress ? draw_bar : NULL;
    o.progress_ud = &p;
    int rc = ts_baci_import_blocks(path, &o, (size_t)block, take_block, fold, &err);
    end_bar(&p);
    if (rc != 0) ts_bfold_free(fold), fold = NULL;
  }
  char source[64];
  snprintf(source, sizeof source, "%zu BACI file%s", n, n > 1 ? "s" : "");
  ts_bulk *g = fold != NULL ? ts_bfold_result(fold, n > 1 ? source : path_at(L, 1), &err) : NULL;
  ts_bfold_free(fold);
  if (g == NULL) return ts_raise(L, &err);
  push_new(L, g, 0);
  return 1;
}

/* bulkcore.import_comtrade(path): the detail rows and the aggregate rows
** as two datasets. */
static int l_import_comtrade(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  ts_bulk *detail = NULL, *aggr = NULL;
  ts_err err;
  if (ts_comtrade_import(path, NULL, &detail, &aggr, &err) != 0) return ts_raise(L, &err);
  push_new(L, aggr, 0);
  push_new(L, detail, 0);
  lua_insert(L, -2);
  return 2;
}

/* bulkcore.open(path [, verify]) */
static int l_open(lua_State *L) {
  ts_err err;
  ts_bulk *b = ts_snapshot_open(luaL_checkstring(L, 1), lua_toboolean(L, 2), NULL, &err);
  if (b == NULL) return ts_raise(L, &err);
  push_new(L, b, 0);
  if (b->notes_len == 0) return 1;
  lua_pushlstring(L, b->notes, b->notes_len);
  return 2;
}

/* ---- results built in Lua -------------------------------------------------------------- */

static ts_type check_type(lua_State *L, const char *col, const char *name) {
  static const char *const names[] = {"int16", "int32", "double", "string"};
  static const ts_type types[] = {TS_I16, TS_I32, TS_F64, TS_STR};
  for (size_t i = 0; name != NULL && i < 4; i++)
    if (strcmp(name, names[i]) == 0) return types[i];
  return luaL_error(L, "column '%s': type '%s' is not int16, int32, double or string", col,
                    name ? name : "nil");
}

/* Value i of the list at the top of the stack into column c. */
static void store_value(lua_State *L, ts_bulk *b, ts_bulkcol *c, size_t i) {
  ts_err err;
  bool na = lua_isnil(L, -1);
  switch (c->type) {
  case TS_F64:
    ((double *)c->data)[i] = na ? TS_NA_F64 : luaL_checknumber(L, -1);
    break;
  case TS_STR: {
    size_t len = 0;
    const char *s = na ? NULL : luaL_checklstring(L, -1, &len);
    int32_t id = na ? TS_NA_ID : ts_dict_intern(b->dict, s, len, &err);
    if (id == TS_NA_ID && !na) ts_raise(L, &err);
    ((int32_t *)c->data)[i] = id;
    break;
  }
  default: {
    lua_Integer k = na ? 0 : luaL_checkinteger(L, -1);
    lua_Integer lo = c->type == TS_I16 ? INT16_MIN : INT32_MIN;
    lua_Integer hi = c->type == TS_I16 ? INT16_MAX : INT32_MAX;
    if (!na && (k <= lo || k > hi))
      luaL_error(L, "column '%s': %I is out of range for %s", c->name, k, ts_type_name(c->type));
    if (c->type == TS_I16) ((int16_t *)c->data)[i] = na ? TS_NA_I16 : (int16_t)k;
    else ((int32_t *)c->data)[i] = na ? TS_NA_I32 : (int32_t)k;
  }
  }
}

/* bulkcore.from_columns({{name =, type =, values = {...}}, ...}, rows
** [, measure [, meta]]): a result dataset made in Lua (area groupings,
** indicators), so that it prints, iterates, sorts and feeds reports as
** the C results do.  The store owns the dataset from the start, so an
** error half-way frees it. */
static int l_from_columns(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer rows = luaL_checkinteger(L, 2);
  luaL_argcheck(L, rows >= 0 && rows <= (lua_Integer)TS_MAX_ROWS, 2, "a row count");
  const char *measure = luaL_optstring(L, 3, NULL);
  ts_err err;
  ts_bulk *b = ts_bulk_new("result", NULL, &err);
  if (b == NULL) return ts_raise(L, &err);
  push_new(L, b, lua_isnoneornil(L, 4) ? 0 : 4);
  lua_Integer ncols = luaL_len(L, 1);
  for (lua_Integer k = 1; k <= ncols; k++) {
    lua_rawgeti(L, 1, k);
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_getfield(L, -1, "name");
    lua_getfield(L, -2, "type");
    const char *name = luaL_checkstring(L, -2);
    ts_type type = check_type(L, name, lua_tostring(L, -1));
    int c = ts_bulk_add_column(b, name, type, (size_t)rows, &err);
    if (c < 0) return ts_raise(L, &err);
    lua_pop(L, 2);
    lua_getfield(L, -1, "values");
    luaL_checktype(L, -1, LUA_TTABLE);
    for (lua_Integer i = 1; i <= rows; i++) {
      lua_rawgeti(L, -1, i);
      store_value(L, b, &b->cols[c], (size_t)i - 1);
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }
  b->rows = (size_t)rows;
  if (ts_bulk_finish(b, &err) != 0) return ts_raise(L, &err);
  if (measure != NULL) b->measure = col_index(L, b, measure);
  return 1;
}

/* bulkcore.read_csv(path): {header = {...}, rows = {{...}, ...}} through
** the checked CSV reader (BACI's side files, the HS nomenclature). */
static int l_read_csv(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  ts_csv r;
  ts_err err;
  if (ts_csv_init_file(&r, path, NULL, &err) != 0) return ts_raise(L, &err);
  lua_createtable(L, 0, 2);
  lua_newtable(L);
  int rows = lua_gettop(L), rc, n = 0;
  while ((rc = ts_csv_next(&r, &err)) == 1) {
    lua_createtable(L, (int)r.nfields, 0);
    for (size_t i = 0; i < r.nfields; i++) {
      lua_pushlstring(L, r.fields[i].s, r.fields[i].len);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    if (n == 0) lua_setfield(L, rows - 1, "header");
    else lua_rawseti(L, rows, n);
    n++;
  }
  ts_csv_free(&r);
  if (rc < 0) return ts_raise(L, &err);
  lua_setfield(L, -2, "rows");
  return 1;
}

/* ---- reading rows -------------------------------------------------------------------------- */

static void push_value(lua_State *L, const ts_bulk *b, const ts_bulkcol *c, size_t r) {
  if (c->type == TS_F64) {
    double x = ((const double *)c->data)[r];
    if (isnan(x)) lua_pushnil(L);
    else lua_pushnumber(L, x);
    return;
  }
  int32_t k = ts_bulk_key(c, r);
  if (c->type == TS_STR) {
    size_t len;
    const char *s = ts_dict_str(b->dict, k, &len);
    if (s == NULL) lua_pushnil(L);
    else lua_pushlstring(L, s, len);
  } else if ((c->type == TS_I16 && k == TS_NA_I16) || (c->type == TS_I32 && k == TS_NA_I32)) {
    lua_pushnil(L);
  } else {
    lua_pushinteger(L, k);
  }
}

static void need_all(lua_State *L, ts_bulk *b) {
  ts_err err;
  if (ts_bulk_verify(b, &err) != 0) ts_raise(L, &err);
}

/* Row i (1-based) of the view as {column = value}; missing values absent. */
static int push_row(lua_State *L, view *v, lua_Integer i) {
  if (i < 1 || (size_t)i > view_rows(v)) return 0;
  need_all(L, v->b);
  size_t r = view_row(v, (size_t)i - 1);
  lua_createtable(L, 0, (int)v->b->ncols);
  for (size_t c = 0; c < v->b->ncols; c++) {
    push_value(L, v->b, &v->b->cols[c], r);
    lua_setfield(L, -2, v->b->cols[c].name);
  }
  return 1;
}

static int view_iter(lua_State *L) {
  view *v = check_view(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2) + 1;
  if (i > (lua_Integer)view_rows(v)) return 0;
  lua_pushinteger(L, i);
  push_row(L, v, i);
  return 2;
}

static int view_rows_iter(lua_State *L) {
  check_view(L, 1);
  lua_pushcfunction(L, view_iter);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  return 3;
}

static int view_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)view_rows(check_view(L, 1)));
  return 1;
}

static int view_columns(lua_State *L) {
  view *v = check_view(L, 1);
  lua_createtable(L, (int)v->b->ncols, 0);
  for (size_t c = 0; c < v->b->ncols; c++) {
    lua_createtable(L, 0, 2);
    lua_pushstring(L, v->b->cols[c].name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, ts_type_name(v->b->cols[c].type));
    lua_setfield(L, -2, "type");
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  return 1;
}

/* ds:values(col): the column's values over the view as a Lua list. */
static int view_values(lua_State *L) {
  view *v = check_view(L, 1);
  int c = col_index(L, v->b, luaL_checkstring(L, 2));
  ts_err err;
  if (ts_bulk_need(v->b, c, &err) != 0) return ts_raise(L, &err);
  size_t n = view_rows(v);
  lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
  for (size_t i = 0; i < n; i++) {
    push_value(L, v->b, &v->b->cols[c], view_row(v, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int view_info(lua_State *L) {
  view *v = check_view(L, 1);
  lua_createtable(L, 0, 6);
  lua_pushstring(L, v->b->kind);
  lua_setfield(L, -2, "kind");
  lua_pushstring(L, v->b->source);
  lua_setfield(L, -2, "source");
  lua_pushinteger(L, (lua_Integer)v->b->rows);
  lua_setfield(L, -2, "stored_rows");
  lua_pushinteger(L, (lua_Integer)ts_bulk_memory(v->b));
  lua_setfield(L, -2, "bytes");
  lua_pushinteger(L, (lua_Integer)ts_bulk_row_bytes(v->b));
  lua_setfield(L, -2, "row_bytes");
  lua_pushboolean(L, v->b->map != NULL);
  lua_setfield(L, -2, "mapped");
  if (v->b->measure >= 0) {
    lua_pushstring(L, v->b->cols[v->b->measure].name);
    lua_setfield(L, -2, "measure");
  }
  return 1;
}

/* ds:meta(): the metadata table views of the same data share. */
static int view_meta(lua_State *L) {
  check_view(L, 1);
  lua_getiuservalue(L, 1, 2);
  return 1;
}

static int view_verify(lua_State *L) {
  need_all(L, check_view(L, 1)->b);
  lua_pushboolean(L, 1);
  return 1;
}

/* ---- queries -------------------------------------------------------------------------------- */

/* The rows of the view as a new dataset of its own (for saving a view). */
static ts_bulk *materialise(lua_State *L, view *v) {
  ts_err err;
  ts_bulk *b = ts_bulk_take(v->b, view_sel(v), &err);
  if (b == NULL) ts_raise(L, &err);
  return b;
}

/* ds:_save(path [, notes]): the notes are kept with the data (bulk.lua
** stores the country-code map there). */
static int view_save(lua_State *L) {
  view *v = check_view(L, 1);
  const char *path = luaL_checkstring(L, 2);
  size_t notes_len = 0;
  const char *notes = luaL_optlstring(L, 3, "", &notes_len);
  ts_err err;
  ts_bulk *b = v->all ? v->b : materialise(L, v);
  int rc = ts_bulk_set_notes(b, notes, notes_len, &err);
  if (rc == 0) rc = ts_snapshot_save(b, path, &err);
  if (!v->all) ts_bulk_free(b);
  if (rc != 0) return ts_raise(L, &err);
  return 0;
}

/* Collects the values of one filter entry (a value or a list). */
typedef struct values {
  int32_t ints[256];
  const char *strs[256];
  size_t n;
} values;

static void filter_values(lua_State *L, int idx, bool str, const char *key, values *out) {
  idx = lua_absindex(L, idx);
  bool list = lua_istable(L, idx);
  size_t n = list ? (size_t)luaL_len(L, idx) : 1;
  if (n > 256) luaL_error(L, "filter %s: at most 256 values", key);
  out->n = n;
  for (size_t i = 0; i < n; i++) {
    if (list) lua_rawgeti(L, idx, (lua_Integer)i + 1);
    else lua_pushvalue(L, idx);
    if (str) {
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "filter %s: expected codes as strings, got %s", key, luaL_typename(L, -1));
      out->strs[i] = lua_tostring(L, -1); /* kept alive by the filter table */
    } else {
      lua_Integer k;
      if (!lua_isinteger(L, -1) && !(lua_type(L, -1) == LUA_TNUMBER &&
                                     lua_numbertointeger(lua_tonumber(L, -1), &k)))
        luaL_error(L, "filter %s: expected integers, got %s", key, luaL_typename(L, -1));
      k = lua_tointeger(L, -1);
      if (k < INT32_MIN + 1 || k > INT32_MAX)
        luaL_error(L, "filter %s: %I is out of range", key, (LUAI_UACINT)k);
      out->ints[i] = (int32_t)k;
    }
    lua_pop(L, 1);
  }
}

/* ds:_filter{key = value | {values}, ...}: every condition at once. */
static int view_filter(lua_State *L) {
  view *v = check_view(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  ts_bcond conds[16];
  values *vals = lua_newuserdatauv(L, 16 * sizeof *vals, 0); /* scratch, collected */
  lua_insert(L, 3);
  size_t n = 0;
  for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "filter keys must be column names");
    if (n == 16) return luaL_error(L, "at most 16 filter conditions");
    const char *key = lua_tostring(L, -2);
    ts_bkey k = key_of(L, v->b, key);
    bool str = v->b->cols[k.col].type == TS_STR;
    filter_values(L, -1, str, key, &vals[n]);
    conds[n] = (ts_bcond){k, str ? NULL : vals[n].ints, str ? vals[n].strs : NULL, vals[n].n};
    n++;
  }
  view *out = push_sibling(L, 1);
  out->all = false;
  ts_err err;
  if (ts_bulk_filter(v->b, view_sel(v), conds, n, &out->sel, &err) != 0) return ts_raise(L, &err);
  return 1;
}

/* ds:_group({keys...}, valcol | nil, {aggregates...}) */
static int view_group(lua_State *L) {
  view *v = check_view(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 4, LUA_TTABLE);
  size_t nk = (size_t)luaL_len(L, 2);
  if (nk == 0 || nk > 8) return luaL_error(L, "group by 1 to 8 keys");
  ts_bkey keys[8];
  for (size_t i = 0; i < nk; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    keys[i] = key_of(L, v->b, luaL_checkstring(L, -1));
    lua_pop(L, 1);
  }
  unsigned aggs = agg_flags(L, 4);
  int valcol = lua_isnoneornil(L, 3) ? -1 : col_index(L, v->b, luaL_checkstring(L, 3));
  ts_err err;
  ts_bulk *g = ts_bulk_group(v->b, view_sel(v), keys, nk, valcol, aggs, &err);
  if (g == NULL) return ts_raise(L, &err);
  lua_getiuservalue(L, 1, 2);
  push_new(L, g, -1);
  return 1;
}

/* ds:stats(col): {count, missing, sum, mean, min, max} over the view. */
static int view_stats(lua_State *L) {
  view *v = check_view(L, 1);
  int c = col_index(L, v->b, luaL_checkstring(L, 2));
  ts_stats st;
  ts_err err;
  if (ts_bulk_stats(v->b, view_sel(v), c, &st, &err) != 0) return ts_raise(L, &err);
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, (lua_Integer)st.count);
  lua_setfield(L, -2, "count");
  lua_pushinteger(L, (lua_Integer)st.missing);
  lua_setfield(L, -2, "missing");
  lua_pushnumber(L, st.sum);
  lua_setfield(L, -2, "sum");
  if (st.count > 0) {
    lua_pushnumber(L, st.sum / (double)st.count);
    lua_setfield(L, -2, "mean");
    lua_pushnumber(L, st.min);
    lua_setfield(L, -2, "min");
    lua_pushnumber(L, st.max);
    lua_setfield(L, -2, "max");
  }
  return 1;
}

static int measure_or(lua_State *L, const view *v, int idx) {
  if (!lua_isnoneornil(L, idx)) return col_index(L, v->b, luaL_checkstring(L, idx));
  if (v->b->measure < 0) return luaL_error(L, "this dataset has no default column: name one");
  return v->b->measure;
}

static bool order_desc(lua_State *L, int idx, bool dflt) {
  if (lua_isnoneornil(L, idx)) return dflt;
  const char *o = luaL_checkstring(L, idx);
  if (strcmp(o, "desc") == 0) return true;
  if (strcmp(o, "asc") == 0) return false;
  return luaL_error(L, "order must be 'asc' or 'desc', not '%s'", o);
}

/* ds:top(n [, col [, "desc"|"asc"]]) */
static int view_top(lua_State *L) {
  view *v = check_view(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (n < 0) return luaL_argerror(L, 2, "a count of rows, 0 or more");
  int c = measure_or(L, v, 3);
  bool desc = order_desc(L, 4, true);
  view *out = push_sibling(L, 1);
  out->all = false;
  ts_err err;
  if (ts_bulk_top(v->b, view_sel(v), c, (size_t)n, desc, &out->sel, &err) != 0)
    return ts_raise(L, &err);
  return 1;
}

/* ds:sort([col [, "asc"|"desc"]]) */
static int view_sort(lua_State *L) {
  view *v = check_view(L, 1);
  int c = measure_or(L, v, 2);
  bool desc = order_desc(L, 3, false);
  view *out = push_sibling(L, 1);
  out->all = false;
  ts_err err;
  if (ts_bulk_sort(v->b, view_sel(v), c, desc, &out->sel, &err) != 0) return ts_raise(L, &err);
  return 1;
}

/* ds:_join(other, {on...}, value column of ds, value column of other, "inner" | "left" |
** "outer") */
static int view_join(lua_State *L) {
  view *a = check_view(L, 1), *b = check_view(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  size_t nk = (size_t)luaL_len(L, 3);
  if (nk == 0 || nk > 8) return luaL_error(L, "join on 1 to 8 key columns");
  int acols[8], bcols[8];
  for (size_t i = 0; i < nk; i++) {
    lua_rawgeti(L, 3, (lua_Integer)i + 1);
    const char *name = luaL_checkstring(L, -1);
    acols[i] = col_index(L, a->b, name);
    bcols[i] = col_index(L, b->b, name);
    lua_pop(L, 1);
  }
  int aval = measure_or(L, a, 4), bval = measure_or(L, b, 5);
  static const char *const hows[] = {"inner", "left", "outer", NULL};
  static const ts_join how_of[] = {TS_JOIN_INNER, TS_JOIN_LEFT, TS_JOIN_OUTER};
  ts_join how = how_of[luaL_checkoption(L, 6, "inner", hows)];
  ts_err err;
  ts_bulk *j = ts_bulk_join(a->b, view_sel(a), b->b, view_sel(b), acols, bcols, nk, aval, bval,
                            how, &err);
  if (j == NULL) return ts_raise(L, &err);
  lua_getiuservalue(L, 1, 2);
  push_new(L, j, -1);
  return 1;
}

static int view_tostring(lua_State *L) {
  check_view(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.bulk");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "format");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

static int view_index(lua_State *L) {
  view *v = check_view(L, 1);
  if (lua_isinteger(L, 2)) return push_row(L, v, lua_tointeger(L, 2));
  luaL_getmetafield(L, 1, "__methods");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

static const ts_Reg view_methods[] = {
  {"rows", view_rows_iter,
   "ds:rows(): iterator: for i, row in ds:rows() do ... end (also #ds, ds[i])"},
  {"columns", view_columns, "ds:columns(): {{name =, type =}, ...} of the dataset's columns"},
  {"values", view_values, "ds:values(col): the values of one column as a list"},
  {"info", view_info, "ds:info(): kind, source, stored rows, bytes, row_bytes, mapped, measure"},
  {"meta", view_meta, "ds:meta(): the metadata table shared by views of the same data"},
  {"verify", view_verify, "ds:verify(): check every column's checksum now (snapshots)"},
  {"_save", view_save, "ds:_save(path [, notes]): the C snapshot writer under ds:save"},
  {"_filter", view_filter, "ds:_filter{col = v | {v...}}: the C filter under ds:filter"},
  {"_group", view_group, "ds:_group(keys, col, aggs): the C group-by under ds:group"},
  {"stats", view_stats, "ds:stats(col): {count, missing, sum, mean, min, max} of a column"},
  {"top", view_top,
   "ds:top(n [, col [, 'asc']]): the n rows with the largest values (default: the measure)"},
  {"sort", view_sort, "ds:sort([col [, 'desc']]): every row ordered by a column"},
  {"_join", view_join, "ds:_join(other, on, col, other_col): the C join under ds:join"},
  {NULL, NULL, NULL}
};

static int open_bulkcore(lua_State *L) {
  static const ts_Reg funcs[] = {
    {"group_baci", l_group_baci,
     "bulkcore.group_baci(paths, opts, keys, col, aggs): a group-by while reading BACI files"},
    {"import_baci", l_import_baci,
     "bulkcore.import_baci({paths}, opts): BACI files into one dataset"},
    {"import_comtrade", l_import_comtrade, "bulkcore.import_comtrade(path): detail, aggregates"},
    {"open", l_open, "bulkcore.open(path [, verify]): a snapshot, mapped, and its notes"},
    {"from_columns", l_from_columns,
     "bulkcore.from_columns({{name =, type =, values =}...}, rows [, measure [, meta]])"},
    {"read_csv", l_read_csv, "bulkcore.read_csv(path): {header =, rows =} of a checked CSV file"},
    {NULL, NULL, NULL}
  };
  ts_newlib(L, funcs);
  luaL_getmetatable(L, VIEW_TYPE);
  lua_getfield(L, -1, "__methods");
  lua_setfield(L, -3, "methods");
  lua_pop(L, 1);
  return 1;
}

int tsopen_bulk(lua_State *L);
int tsopen_bulk(lua_State *L) {
  static const luaL_Reg store_meta[] = {{"__gc", store_gc}, {NULL, NULL}};
  static const luaL_Reg view_meta_fns[] = {
    {"__gc", view_gc}, {"__len", view_len}, {"__index", view_index},
    {"__tostring", view_tostring}, {NULL, NULL}
  };
  luaL_newmetatable(L, STORE_TYPE);
  luaL_setfuncs(L, store_meta, 0);
  lua_pop(L, 1);
  luaL_newmetatable(L, VIEW_TYPE);
  luaL_setfuncs(L, view_meta_fns, 0);
  ts_newlib(L, view_methods);
  lua_setfield(L, -2, "__methods");
  lua_pop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open_bulkcore);
  lua_setfield(L, -2, "tradescope.bulkcore");
  lua_pop(L, 1);
  return 0;
}
