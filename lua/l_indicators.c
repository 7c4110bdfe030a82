/*
** l_indicators.c — core/indicators.c for Lua: module tradescope.indcore,
** functions over Lua sequences of numbers.  lua/indicators.lua builds the
** global `indicators` on it (keyed tables, result sets, printing).
*/
#include <math.h>

#include "host.h"
#include "indicators.h"

static int raise(lua_State *L, const ts_err *e) { return luaL_error(L, "%s", e->msg); }

/* The numbers of the sequence at idx, in a userdata the GC owns. */
static double *check_values(lua_State *L, int idx, size_t *n) {
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_Integer len = luaL_len(L, idx);
  double *x = lua_newuserdatauv(L, (len > 0 ? (size_t)len : 1) * sizeof *x, 0);
  for (lua_Integer i = 1; i <= len; i++) {
    lua_rawgeti(L, idx, i);
    int ok;
    x[i - 1] = lua_tonumberx(L, -1, &ok);
    if (!ok) luaL_error(L, "value %I is a %s, not a number", i, luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  *n = (size_t)len;
  return x;
}

static void push_list(lua_State *L, const double *x, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, x[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static int push_number(lua_State *L, int rc, double v, const ts_err *e) {
  if (rc < 0) return raise(L, e);
  lua_pushnumber(L, v);
  return 1;
}

static int l_share(lua_State *L) {
  double v = 0;
  ts_err e;
  int rc = ts_ind_share(luaL_checknumber(L, 1), luaL_checknumber(L, 2), &v, &e);
  return push_number(L, rc, v, &e);
}

static int l_sum(lua_State *L) {
  size_t n;
  double *x = check_values(L, 1, &n), v = 0;
  ts_err e;
  int rc = ts_ind_sum(x, n, &v, &e);
  return push_number(L, rc, v, &e);
}

static int l_shares(lua_State *L) {
  size_t n;
  double *x = check_values(L, 1, &n);
  ts_err e;
  if (ts_ind_shares(x, n, x, &e) < 0) return raise(L, &e);
  push_list(L, x, n);
  return 1;
}

static int l_hhi(lua_State *L) {
  size_t n;
  double *x = check_values(L, 1, &n), v = 0;
  ts_err e;
  int rc = ts_ind_hhi(x, n, &v, &e);
  return push_number(L, rc, v, &e);
}

static int l_hhi_normalised(lua_State *L) {
  size_t n;
  double *x = check_values(L, 1, &n), v = 0;
  ts_err e;
  int rc = ts_ind_hhi_normalised(x, n, &v, &e);
  return push_number(L, rc, v, &e);
}

typedef int (*ratio_fn)(double, double, double, double, double *, ts_err *);

static int four_numbers(lua_State *L, ratio_fn f) {
  double v = 0;
  ts_err e;
  int rc = f(luaL_checknumber(L, 1), luaL_checknumber(L, 2), luaL_checknumber(L, 3),
             luaL_checknumber(L, 4), &v, &e);
  return push_number(L, rc, v, &e);
}

static int l_rca(lua_State *L) { return four_numbers(L, ts_ind_rca); }
static int l_intensity(lua_State *L) { return four_numbers(L, ts_ind_intensity); }

/* rca_each(country, world, country_total, world_total) */
static int l_rca_each(lua_State *L) {
  size_t n, m;
  double *country = check_values(L, 1, &n), *world = check_values(L, 2, &m);
  if (n != m) return luaL_error(L, "rca: %d country values but %d world values", (int)n, (int)m);
  double *out = lua_newuserdatauv(L, (n > 0 ? n : 1) * sizeof *out, 0);
  ts_err e;
  if (ts_ind_rca_each(country, world, n, luaL_checknumber(L, 3), luaL_checknumber(L, 4), out, &e) < 0)
    return raise(L, &e);
  push_list(L, out, n);
  return 1;
}

/* concentration(list): {hhi, normalised (nil for one part), parts, top (1-based), top_share} */
static int l_concentration(lua_State *L) {
  size_t n;
  double *x = check_values(L, 1, &n);
  ts_concentration c;
  ts_err e;
  if (ts_ind_concentration(x, n, &c, &e) < 0) return raise(L, &e);
  lua_createtable(L, 0, 5);
  lua_pushnumber(L, c.hhi);
  lua_setfield(L, -2, "hhi");
  if (!isnan(c.normalised)) {
    lua_pushnumber(L, c.normalised);
    lua_setfield(L, -2, "normalised");
  }
  lua_pushinteger(L, (lua_Integer)c.parts);
  lua_setfield(L, -2, "parts");
  lua_pushinteger(L, (lua_Integer)c.top + 1);
  lua_setfield(L, -2, "top");
  lua_pushnumber(L, c.top_share);
  lua_setfield(L, -2, "top_share");
  return 1;
}

static const luaL_Reg indcore[] = {
  {"share", l_share}, {"sum", l_sum}, {"shares", l_shares}, {"hhi", l_hhi},
  {"hhi_normalised", l_hhi_normalised}, {"rca", l_rca}, {"rca_each", l_rca_each},
  {"intensity", l_intensity}, {"concentration", l_concentration}, {NULL, NULL}
};

static int open_indcore(lua_State *L) {
  luaL_newlib(L, indcore);
  return 1;
}

int tsopen_indicators(lua_State *L);
int tsopen_indicators(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open_indcore);
  lua_setfield(L, -2, "tradescope.indcore");
  lua_pop(L, 1);
  return 0;
}
