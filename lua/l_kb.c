/*
** l_kb.c — the knowledge base from Lua: one global table per dataset table
** (trade, routes, tourism, agreements, targets, rankings, other, areas,
** sources), result sets (userdata over a selection of rows) and row views.
**
** The dataset is loaded on first use (lua/kb.lua reads the reference codes
** and calls kb.open), so that `tradescope -e 'print(1)'` starts as fast as
** `lua`.  Filtering runs here in C over the store's columns.
*/
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "host.h"
#include "kb.h"
#include "l_period.h"
#include "l_quantity.h"
#include "quantity.h"

#define KB_TYPE "tradescope.kb"
#define RS_TYPE "tradescope.resultset"
#define ROW_TYPE "tradescope.row"

typedef struct kb_ud { ts_kb *kb; } kb_ud;

/* A result set keeps its kb userdata alive through its user value. */
typedef struct rs_ud {
  ts_kbtable *t;
  ts_sel sel;
} rs_ud;

typedef struct row_ud {
  ts_kbtable *t;
  uint32_t row;
} row_ud;

/* ---- the kb userdata ------------------------------------------------------------ */

static kb_ud *check_kb(lua_State *L, int idx) { return luaL_checkudata(L, idx, KB_TYPE); }

static int kb_gc(lua_State *L) {
  kb_ud *u = check_kb(L, 1);
  ts_kb_free(u->kb);
  u->kb = NULL;
  return 0;
}

/* kb.new(): an empty knowledge base (areas, sources and tables still to load). */
static int kb_new(lua_State *L) {
  kb_ud *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->kb = NULL;
  luaL_setmetatable(L, KB_TYPE);
  ts_err err;
  u->kb = ts_kb_new(NULL, &err);
  if (u->kb == NULL) return ts_raise(L, &err);
  return 1;
}

static ts_kb *live_kb(lua_State *L, int idx) {
  kb_ud *u = check_kb(L, idx);
  if (u->kb == NULL) luaL_error(L, "the knowledge base is closed");
  return u->kb;
}

static int kb_add_area(lua_State *L) {
  ts_err err;
  if (ts_kb_add_area(live_kb(L, 1), luaL_checkstring(L, 2), luaL_optstring(L, 3, NULL),
                     luaL_optstring(L, 4, NULL), luaL_optstring(L, 5, NULL), &err) < 0)
    return ts_raise(L, &err);
  return 0;
}

static int kb_load_hs(lua_State *L) {
  ts_err err;
  if (ts_kb_load_hs(live_kb(L, 1), luaL_checkstring(L, 2), &err) < 0)
    return ts_raise(L, &err);
  return 0;
}

/* kb:load(table, path): loads and checks one CSV table. */
static int kb_load(lua_State *L) {
  ts_kb *kb = live_kb(L, 1);
  const char *name = luaL_checkstring(L, 2);
  const ts_kbschema *s = ts_kb_schema(name);
  if (s == NULL) return luaL_error(L, "no dataset table '%s'", name);
  ts_err err;
  if (ts_kb_load(kb, s, luaL_checkstring(L, 3), &err) < 0) return ts_raise(L, &err);
  return 0;
}

static ts_kbtable *check_table(lua_State *L, ts_kb *kb, int idx) {
  const char *name = luaL_checkstring(L, idx);
  ts_kbtable *t = ts_kb_table(kb, name);
  if (t == NULL) luaL_error(L, "no dataset table '%s' (is it loaded?)", name);
  return t;
}

static void push_area(lua_State *L, const ts_kb *kb, const char *code) {
  const char *name, *kind, *parent;
  if (!ts_kb_area(kb, code, &name, &kind, &parent)) {
    lua_pushnil(L);
    return;
  }
  lua_createtable(L, 0, 4);
  lua_pushstring(L, code);
  lua_setfield(L, -2, "code");
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  lua_pushstring(L, kind);
  lua_setfield(L, -2, "kind");
  lua_pushstring(L, parent);
  lua_setfield(L, -2, "parent");
}

/* kb:area(code): {code, name, kind, parent}, or nil. */
static int kb_area(lua_State *L) {
  push_area(L, live_kb(L, 1), luaL_checkstring(L, 2));
  return 1;
}

static int kb_within(lua_State *L) {
  lua_pushboolean(L, ts_kb_area_within(live_kb(L, 1), luaL_checkstring(L, 2),
                                       luaL_checkstring(L, 3)));
  return 1;
}

static int col_of(const ts_kbschema *s, const char *name) {
  for (size_t i = 0; i < s->ncols; i++)
    if (strcmp(s->cols[i].name, name) == 0) return (int)i;
  return -1;
}

/* Reads fields {col = text} into one text per schema column; the strings
** stay on the stack (and so alive) until the caller returns. */
static void read_fields(lua_State *L, int idx, const ts_kbschema *s, const char **texts) {
  luaL_checktype(L, idx, LUA_TTABLE);
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    if (key == NULL || col_of(s, key) < 0) { /* a data error: no Lua position, as raise() */
      lua_pushfstring(L, "%s has no column '%s'", s->name, key ? key : luaL_typename(L, -2));
      lua_error(L);
    }
  }
  luaL_checkstack(L, (int)s->ncols, "too many columns");
  for (size_t i = 0; i < s->ncols; i++) {
    lua_getfield(L, idx, s->cols[i].name);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      texts[i] = NULL;
    } else {
      texts[i] = luaL_tolstring(L, -1, NULL);
      lua_remove(L, -2);
    }
  }
}

/* kb:add(table, fields) and kb:replace(table, id, fields). */
static int kb_add(lua_State *L) {
  ts_kb *kb = live_kb(L, 1);
  ts_kbtable *t = check_table(L, kb, 2);
  const char *texts[32] = {0};
  read_fields(L, 3, ts_kbtable_schema(t), texts);
  ts_err err;
  if (ts_kbtable_add(kb, t, texts, &err) < 0) return ts_raise(L, &err);
  return 0;
}

static int kb_replace(lua_State *L) {
  ts_kb *kb = live_kb(L, 1);
  ts_kbtable *t = check_table(L, kb, 2);
  const char *id = luaL_checkstring(L, 3);
  const char *texts[32] = {0};
  read_fields(L, 4, ts_kbtable_schema(t), texts);
  ts_err err;
  if (ts_kbtable_replace(kb, t, id, texts, &err) < 0) return ts_raise(L, &err);
  return 0;
}

/* kb:save(table, path): atomic rewrite; untouched rows byte for byte. */
static int kb_save(lua_State *L) {
  ts_kbtable *t = check_table(L, live_kb(L, 1), 2);
  ts_err err;
  if (ts_kbtable_save(t, luaL_checkstring(L, 3), &err) < 0) return ts_raise(L, &err);
  return 0;
}

static int kb_dirty(lua_State *L) {
  lua_pushboolean(L, ts_kbtable_dirty(check_table(L, live_kb(L, 1), 2)));
  return 1;
}

/* ---- result sets ------------------------------------------------------------------ */

static rs_ud *check_rs(lua_State *L, int idx) { return luaL_checkudata(L, idx, RS_TYPE); }

static int rs_gc(lua_State *L) {
  rs_ud *r = check_rs(L, 1);
  ts_sel_free(&r->sel);
  return 0;
}

/* A new empty result set over t, anchored to the kb userdata at kbidx. */
static rs_ud *new_rs(lua_State *L, ts_kbtable *t, int kbidx) {
  kbidx = lua_absindex(L, kbidx);
  rs_ud *r = lua_newuserdatauv(L, sizeof *r, 1);
  r->t = t;
  ts_sel_init(&r->sel, NULL);
  luaL_setmetatable(L, RS_TYPE);
  lua_pushvalue(L, kbidx);
  lua_setiuservalue(L, -2, 1);
  return r;
}

static void push_row(lua_State *L, int rsidx, ts_kbtable *t, uint32_t row) {
  rsidx = lua_absindex(L, rsidx);
  row_ud *u = lua_newuserdatauv(L, sizeof *u, 1);
  u->t = t;
  u->row = row;
  luaL_setmetatable(L, ROW_TYPE);
  lua_getiuservalue(L, rsidx, 1); /* the kb userdata keeps the table alive */
  lua_setiuservalue(L, -2, 1);
}

/* Collects a filter value (a string or a list of strings) as C strings. */
static size_t filter_values(lua_State *L, int idx, const char **vals, size_t max) {
  if (!lua_istable(L, idx)) {
    vals[0] = lua_tostring(L, idx); /* the value is a copy: converting it in place is fine */
    if (vals[0] == NULL) luaL_error(L, "a filter value must be a string or a list of strings");
    return 1;
  }
  size_t n = (size_t)luaL_len(L, idx);
  if (n > max) luaL_error(L, "too many values in a filter (at most %d)", (int)max);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1);
    vals[i] = lua_tostring(L, -1);
    if (vals[i] == NULL) luaL_error(L, "filter values must be strings");
    lua_pop(L, 1); /* still referenced by the list */
  }
  return n;
}

static void check_area_values(lua_State *L, const ts_kb *kb, const char **vals, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!ts_kb_area(kb, vals[i], NULL, NULL, NULL))
      luaL_error(L, "unknown area code '%s'", vals[i]);
}

static void check_enum_values(lua_State *L, const ts_kbcol *c, const char **vals, size_t n) {
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(vals[i]);
    bool found = false;
    for (const char *p = c->allowed; !found && *p != '\0';) {
      size_t item = strcspn(p, "|");
      found = item == len && memcmp(p, vals[i], len) == 0;
      p += item + (p[item] == '|');
    }
    if (!found) luaL_error(L, "'%s' is not a %s (one of %s)", vals[i], c->name, c->allowed);
  }
}

/* The period of filter `key` at idx (a period, a date or its notation); the
** message names the filter, not a stack slot. */
static ts_period filter_period(lua_State *L, int idx, const char *key) {
  const ts_period *p = ts_testperiod(L, idx);
  if (p != NULL) return *p;
  const ts_date *d = ts_testdate(L, idx);
  if (d != NULL) return ts_date_period(*d);
  if (!lua_isstring(L, idx))
    luaL_error(L, "filter '%s': expected a period, got %s", key, luaL_typename(L, idx));
  size_t len;
  const char *s = lua_tolstring(L, idx, &len); /* a copy: converting it in place is fine */
  ts_period r;
  ts_err e;
  if (ts_period_parse(s, len, &r, &e) < 0) luaL_error(L, "filter '%s': %s", key, e.msg);
  return r;
}

/* Narrows r->sel by one key = value pair (key at -2, value at -1). */
static void apply_filter(lua_State *L, const ts_kb *kb, rs_ud *r) {
  const ts_kbschema *s = ts_kbtable_schema(r->t);
  const char *key = lua_tostring(L, -2);
  ts_err err;
  int rc = 0;
  if (key == NULL) luaL_error(L, "filter keys must be column names");
  int ci = col_of(s, key);
  bool period_key = strcmp(key, "within") == 0 || (ci >= 0 && s->cols[ci].kind == TS_KB_PERIOD);
  if (period_key) {
    const char *col = strcmp(key, "within") == 0 ? "period" : key;
    rc = ts_kb_filter_period(r->t, col, filter_period(L, lua_gettop(L), key),
                             strcmp(key, "within") == 0, &r->sel, &err);
  } else if (strcmp(key, "area") == 0 && (ci < 0 || s->cols[ci].kind == TS_KB_AREAS)) {
    const char *vals[64];
    size_t n = filter_values(L, lua_gettop(L), vals, 64);
    check_area_values(L, kb, vals, n);
    ts_sel keep, part;
    ts_sel_init(&keep, NULL);
    ts_sel_init(&part, NULL);
    for (size_t i = 0; i < n && rc == 0; i++) {
      rc = ts_kb_select_all(r->t, &part, &err);
      if (rc == 0) rc = ts_kb_filter_area(kb, r->t, vals[i], &part, &err);
      /* union in file order: a row stays if it is in any part */
      for (size_t j = 0; rc == 0 && j < part.n; j++) {
        if (ts_grow(&keep.alloc, &keep.rows, &keep.cap, keep.n + 1, sizeof *keep.rows) < 0) {
          rc = ts_errf(&err, "out of memory");
          break;
        }
        keep.rows[keep.n++] = part.rows[j];
      }
    }
    size_t k = 0;
    for (size_t i = 0; rc == 0 && i < r->sel.n; i++)
      for (size_t j = 0; j < keep.n; j++)
        if (keep.rows[j] == r->sel.rows[i]) {
          r->sel.rows[k++] = r->sel.rows[i];
          break;
        }
    if (rc == 0) r->sel.n = k;
    ts_sel_free(&keep);
    ts_sel_free(&part);
  } else if (ci >= 0) {
    const char *vals[64];
    size_t n = filter_values(L, lua_gettop(L), vals, 64);
    if (s->cols[ci].kind == TS_KB_AREA) check_area_values(L, kb, vals, n);
    if (s->cols[ci].kind == TS_KB_ENUM) check_enum_values(L, &s->cols[ci], vals, n);
    rc = ts_kb_filter_text(r->t, key, vals, n, &r->sel, &err);
  } else {
    luaL_error(L, "%s has no column '%s' (filter by a column, 'area' or 'within')", s->name, key);
  }
  if (rc < 0) ts_raise(L, &err);
}

/* find(kb, table, filter) and rs:find(filter) share this. */
static int find_rows(lua_State *L, const ts_kb *kb, ts_kbtable *t, int kbidx, const rs_ud *from,
                     int filter) {
  rs_ud *r = new_rs(L, t, kbidx);
  int rsidx = lua_gettop(L);
  ts_err err;
  if (from == NULL) {
    if (ts_kb_select_all(t, &r->sel, &err) < 0) return ts_raise(L, &err);
  } else {
    if (ts_grow(&r->sel.alloc, &r->sel.rows, &r->sel.cap, from->sel.n, sizeof *r->sel.rows) < 0)
      return luaL_error(L, "out of memory");
    memcpy(r->sel.rows, from->sel.rows, from->sel.n * sizeof *r->sel.rows);
    r->sel.n = from->sel.n;
  }
  if (!lua_isnoneornil(L, filter)) {
    luaL_checktype(L, filter, LUA_TTABLE);
    for (lua_pushnil(L); lua_next(L, filter); lua_pop(L, 1)) {
      lua_pushvalue(L, -2);
      lua_pushvalue(L, -2);
      apply_filter(L, kb, r);
      lua_pop(L, 2);
    }
  }
  lua_settop(L, rsidx);
  return 1;
}

/* kb:find(table[, filter]) */
static int kb_find(lua_State *L) {
  ts_kb *kb = live_kb(L, 1);
  lua_settop(L, 3);
  return find_rows(L, kb, check_table(L, kb, 2), 1, NULL, 3);
}

/* kb:get(table, key): the row view of one key, or nil. */
static int kb_get(lua_State *L) {
  ts_kbtable *t = check_table(L, live_kb(L, 1), 2);
  int64_t row = ts_kbtable_find(t, luaL_checkstring(L, 3));
  if (row < 0) return 0;
  new_rs(L, t, 1);
  push_row(L, -1, t, (uint32_t)row);
  return 1;
}

static int rs_find(lua_State *L) {
  rs_ud *r = check_rs(L, 1);
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 1);
  int kbidx = lua_gettop(L);
  return find_rows(L, live_kb(L, kbidx), r->t, kbidx, r, 2);
}

static int rs_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_rs(L, 1)->sel.n);
  return 1;
}

static int rs_at(lua_State *L, rs_ud *r, lua_Integer i) {
  if (i < 1 || (size_t)i > r->sel.n) return 0;
  push_row(L, 1, r->t, r->sel.rows[i - 1]);
  return 1;
}

static int rs_iter(lua_State *L) {
  rs_ud *r = check_rs(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2) + 1;
  if (i > (lua_Integer)r->sel.n) return 0;
  lua_pushinteger(L, i);
  push_row(L, 1, r->t, r->sel.rows[i - 1]);
  return 2;
}

/* for i, row in rs:rows() do ... end */
static int rs_rows(lua_State *L) {
  check_rs(L, 1);
  lua_pushcfunction(L, rs_iter);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  return 3;
}

static int rs_table(lua_State *L) {
  lua_pushstring(L, ts_kbtable_schema(check_rs(L, 1)->t)->name);
  return 1;
}

/* rs:columns(): the column names in file order. */
static int rs_columns(lua_State *L) {
  const ts_kbschema *s = ts_kbtable_schema(check_rs(L, 1)->t);
  lua_createtable(L, (int)s->ncols, 0);
  for (size_t i = 0; i < s->ncols; i++) {
    lua_pushstring(L, s->cols[i].name);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int rs_tostring(lua_State *L) {
  check_rs(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.kb");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "format_resultset");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

static const ts_Reg rs_methods[] = {
  {"rows", rs_rows, "rs:rows(): iterator: for i, row in rs:rows() do ... end (also #rs, rs[i])"},
  {"find", rs_find, "rs:find{...}: the rows of rs that also match the filter"},
  {"columns", rs_columns, "rs:columns(): the column names of rs's table"},
  {"table", rs_table, "rs:table(): the name of rs's table"},
  {NULL, NULL, NULL}
};

static int rs_index(lua_State *L) {
  rs_ud *r = check_rs(L, 1);
  if (lua_isinteger(L, 2)) return rs_at(L, r, lua_tointeger(L, 2));
  luaL_getmetafield(L, 1, "__methods");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

/* ---- row views ------------------------------------------------------------------------ */

static row_ud *check_row(lua_State *L, int idx) { return luaL_checkudata(L, idx, ROW_TYPE); }

static const char *text_of(const row_ud *u, int col) {
  return col < 0 ? NULL : ts_kbtable_text(u->t, (size_t)col, u->row, NULL);
}

/* value/qualifier/value_high/unit (or change/...) as a quantity, or nil. */
static int push_quantity_of(lua_State *L, const row_ud *u, const char *value, const char *qual,
                            const char *high, const char *unit) {
  const ts_kbschema *s = ts_kbtable_schema(u->t);
  const char *v = text_of(u, col_of(s, value)), *q = text_of(u, col_of(s, qual));
  if (v == NULL || q == NULL || strcmp(q, "direction_only") == 0) return 0;
  const char *h = text_of(u, col_of(s, high));
  const char *un = unit ? text_of(u, col_of(s, unit)) : NULL;
  ts_qualifier qq;
  ts_unit uu = TS_UNIT_NONE;
  int exp10;
  ts_quantity out;
  ts_err err;
  if (ts_qualifier_lookup(q, &qq, &err) < 0 ||
      (un != NULL && ts_unit_lookup(un, strlen(un), &uu, &exp10, &err) < 0) ||
      ts_quantity_make(qq, strtod(v, NULL), h ? strtod(h, NULL) : 0, uu, &out, &err) < 0)
    return ts_raise(L, &err);
  ts_pushquantity(L, &out);
  return 1;
}

static int push_typed(lua_State *L, const row_ud *u, int ci) {
  const ts_kbcol *c = &ts_kbtable_schema(u->t)->cols[ci];
  size_t len;
  const char *s = ts_kbtable_text(u->t, (size_t)ci, u->row, &len);
  if (s == NULL) return 0;
  ts_err err;
  if (c->kind == TS_KB_PERIOD && strcmp(s, "unspecified") != 0) {
    ts_period p;
    if (ts_period_parse(s, len, &p, &err) < 0) return ts_raise(L, &err);
    ts_pushperiod(L, p);
  } else if (c->kind == TS_KB_DATE) {
    ts_date d;
    if (ts_date_parse(s, len, &d, &err) < 0) return ts_raise(L, &err);
    ts_pushdate(L, d);
  } else if (c->kind == TS_KB_NUMBER || c->kind == TS_KB_INTEGER) {
    lua_pushnumber(L, strtod(s, NULL));
    if (c->kind == TS_KB_INTEGER) {
      lua_Integer i;
      if (lua_numbertointeger(lua_tonumber(L, -1), &i)) {
        lua_pop(L, 1);
        lua_pushinteger(L, i);
      }
    }
  } else {
    lua_pushlstring(L, s, len);
  }
  return 1;
}

/* row:text(col): the field exactly as in the file (nil when empty). */
static int row_text(lua_State *L) {
  row_ud *u = check_row(L, 1);
  int ci = col_of(ts_kbtable_schema(u->t), luaL_checkstring(L, 2));
  if (ci < 0) return luaL_argerror(L, 2, "no such column");
  const char *s = text_of(u, ci);
  if (s == NULL) return 0;
  lua_pushstring(L, s);
  return 1;
}

/* row:fields(): {column = text} of every non-empty field. */
static int row_fields(lua_State *L) {
  row_ud *u = check_row(L, 1);
  const ts_kbschema *s = ts_kbtable_schema(u->t);
  lua_createtable(L, 0, (int)s->ncols);
  for (size_t i = 0; i < s->ncols; i++) {
    const char *x = text_of(u, (int)i);
    if (x == NULL) continue;
    lua_pushstring(L, x);
    lua_setfield(L, -2, s->cols[i].name);
  }
  return 1;
}

static int row_index(lua_State *L) {
  row_ud *u = check_row(L, 1);
  const char *key = luaL_checkstring(L, 2);
  const ts_kbschema *s = ts_kbtable_schema(u->t);
  if (strcmp(key, "value") == 0 && col_of(s, "qualifier") >= 0)
    return push_quantity_of(L, u, "value", "qualifier", "value_high", "unit");
  if (strcmp(key, "change") == 0 && col_of(s, "change_qualifier") >= 0)
    return push_quantity_of(L, u, "change", "change_qualifier", "change_high", NULL);
  if (strcmp(key, "table") == 0) {
    lua_pushstring(L, s->name);
    return 1;
  }
  int ci = col_of(s, key);
  if (ci >= 0) return push_typed(L, u, ci);
  luaL_getmetafield(L, 1, "__methods");
  lua_getfield(L, -1, key);
  return 1;
}

static int row_eq(lua_State *L) {
  row_ud *a = check_row(L, 1), *b = check_row(L, 2);
  lua_pushboolean(L, a->t == b->t && a->row == b->row);
  return 1;
}

static int row_tostring(lua_State *L) {
  check_row(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.kb");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "format_row");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

static const ts_Reg row_methods[] = {
  {"text", row_text, "row:text(col): the field exactly as written in the file, or nil"},
  {"fields", row_fields, "row:fields(): {column = text} of the row's non-empty fields"},
  {NULL, NULL, NULL}
};

/* ---- registration ---------------------------------------------------------------------------- */

static void new_type(lua_State *L, const char *name, const luaL_Reg *meta, const ts_Reg *methods) {
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, meta, 0);
  ts_newlib(L, methods);
  lua_setfield(L, -2, "__methods");
  lua_pop(L, 1);
}

/* kb:schema(table): {columns = {...}, key = ..., file = ..., summary = ...}. */
static int kb_schema(lua_State *L) {
  const ts_kbschema *s = ts_kb_schema(luaL_checkstring(L, 1));
  if (s == NULL) return 0;
  lua_createtable(L, 0, 4);
  lua_createtable(L, (int)s->ncols, 0);
  for (size_t i = 0; i < s->ncols; i++) {
    lua_pushstring(L, s->cols[i].name);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "columns");
  lua_pushstring(L, s->key);
  lua_setfield(L, -2, "key");
  lua_pushstring(L, s->file);
  lua_setfield(L, -2, "file");
  lua_pushstring(L, s->summary);
  lua_setfield(L, -2, "summary");
  return 1;
}

/* kb.tables(): the dataset's table names in load order. */
static int kb_tables(lua_State *L) {
  lua_createtable(L, (int)ts_kb_nschemas, 0);
  for (size_t i = 0; i < ts_kb_nschemas; i++) {
    lua_pushstring(L, ts_kb_schemas[i].name);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static const luaL_Reg kb_methods[] = {
  {"add_area", kb_add_area}, {"load_hs", kb_load_hs}, {"load", kb_load},
  {"area", kb_area}, {"within", kb_within}, {"find", kb_find}, {"get", kb_get},
  {"add", kb_add}, {"replace", kb_replace}, {"save", kb_save}, {"dirty", kb_dirty},
  {NULL, NULL}
};

/* The C side of module tradescope.kb; lua/kb.lua builds the user API on it. */
static int open_kbcore(lua_State *L) {
  lua_createtable(L, 0, 3);
  lua_pushcfunction(L, kb_new);
  lua_setfield(L, -2, "new");
  lua_pushcfunction(L, kb_schema);
  lua_setfield(L, -2, "schema");
  lua_pushcfunction(L, kb_tables);
  lua_setfield(L, -2, "tables");
  return 1;
}

int tsopen_kb(lua_State *L);
int tsopen_kb(lua_State *L) {
  static const luaL_Reg kb_meta[] = {{"__gc", kb_gc}, {"__close", kb_gc}, {NULL, NULL}};
  static const luaL_Reg rs_meta[] = {
    {"__gc", rs_gc}, {"__len", rs_len}, {"__index", rs_index}, {"__tostring", rs_tostring},
    {NULL, NULL}
  };
  static const luaL_Reg row_meta[] = {
    {"__index", row_index}, {"__eq", row_eq}, {"__tostring", row_tostring}, {NULL, NULL}
  };
  luaL_newmetatable(L, KB_TYPE);
  luaL_setfuncs(L, kb_meta, 0);
  luaL_newlib(L, kb_methods);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  new_type(L, RS_TYPE, rs_meta, rs_methods);
  new_type(L, ROW_TYPE, row_meta, row_methods);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open_kbcore);
  lua_setfield(L, -2, "tradescope.kbcore");
  lua_pop(L, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.kb");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "install");
  lua_call(L, 0, 0);
  lua_pop(L, 1);
  return 0;
}
