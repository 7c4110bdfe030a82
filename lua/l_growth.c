/*
** l_growth.c — the Lua binding of core/growth.c: the global `growth`.
**
**     growth.rate(4.4e9, 3.5e9)                    --> 0.25714285714286
**     growth.base(1.9e9, -0.157)                   --> 2253855278.7663
**     growth.base(quantity "more than 315 million USD", 9)   --> > 31.5 M USD
**     growth.cagr(31.5e6, 315e6, 3); growth.needed(4.4e9, 10e9, 5)
**     growth.annualise(trade.get "t-vnru-2024m01-09")        --> ~5.867 bn USD
**     growth.duration("2015-05-29", "2025-01")     --> 9 years 8 months
**     growth.anniversaries("1950-01-30", 2025)     --> 75  2025-01-30
**     print(growth.yoy(trade.find{partner = "RUS"}))
**
** Plain numbers in give plain numbers out.  A quantity, a quantity string
** ("150-160 million USD") or a dataset row (its value) anywhere among the
** values makes every value a quantity, and the result a quantity that keeps
** ranges and bounds (see core/growth.h).  yoy and the anniversaries of rows
** walk the dataset, which lua/growth.lua does.
*/
#include <stdbool.h>
#include <string.h>

#include "growth.h"
#include "host.h"
#include "l_period.h"
#include "l_quantity.h"

#define ROW_TYPE "tradescope.row"
#define RS_TYPE "tradescope.resultset"
#define DURATION_TYPE "tradescope.duration"

/* A value of a formula: a plain number, or a quantity. */
typedef struct operand {
  bool is_q;
  double d;
  ts_quantity q;
} operand;

static bool is_row(lua_State *L, int idx) { return luaL_testudata(L, idx, ROW_TYPE) != NULL; }

/* Pushes field `key` of the row at idx; raises an error naming the row
** when it is empty (or not of the wanted metatable, when `type` is set). */
static void push_row_field(lua_State *L, int idx, const char *key, const char *type,
                           const char *what) {
  lua_getfield(L, idx, key);
  if (type != NULL ? luaL_testudata(L, -1, type) != NULL : !lua_isnil(L, -1)) return;
  lua_getfield(L, idx, "id");
  luaL_error(L, "row '%s' has no %s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?", what);
}

static ts_quantity row_quantity(lua_State *L, int idx, const char *key, const char *what) {
  push_row_field(L, idx, key, TS_QUANTITY_TYPE, what);
  ts_quantity q = *ts_testquantity(L, -1);
  lua_pop(L, 1);
  return q;
}

static operand check_operand(lua_State *L, int idx) {
  operand o = {false, 0, ts_quantity_exact(0, TS_UNIT_NONE)};
  if (lua_type(L, idx) == LUA_TNUMBER) {
    o.d = lua_tonumber(L, idx);
    return o;
  }
  o.is_q = true;
  if (is_row(L, idx)) o.q = row_quantity(L, idx, "value", "value");
  else o.q = ts_checkquantity(L, idx);
  return o;
}

/* Makes every operand a quantity when one of them is (a number has no unit). */
static bool promote(operand *ops, int n) {
  bool any = false;
  for (int i = 0; i < n; i++) any = any || ops[i].is_q;
  if (any)
    for (int i = 0; i < n; i++)
      if (!ops[i].is_q) {
        ops[i].q = ts_quantity_exact(ops[i].d, TS_UNIT_NONE);
        ops[i].is_q = true;
      }
  return any;
}

/* Pushes the number or quantity result, or raises the core's message. */
static int result(lua_State *L, int rc, bool is_q, double d, const ts_quantity *q, const ts_err *e) {
  if (rc < 0) return luaL_error(L, "%s", e->msg);
  if (is_q) ts_pushquantity(L, q);
  else lua_pushnumber(L, d);
  return 1;
}

/* ---- formulas ----------------------------------------------------------------- */

static int growth_rate(lua_State *L) {
  operand o[2] = {check_operand(L, 1), check_operand(L, 2)};
  double d = 0;
  ts_quantity q;
  ts_err e;
  bool is_q = promote(o, 2);
  int rc = is_q ? ts_growth_rate_q(&o[0].q, &o[1].q, &q, &e) : ts_growth_rate(o[0].d, o[1].d, &d, &e);
  return result(L, rc, is_q, d, &q, &e);
}

/* base(value, change) or base(row): the row's value and reported change. */
static int growth_base(lua_State *L) {
  operand o[2];
  if (is_row(L, 1) && lua_isnoneornil(L, 2)) {
    o[0] = check_operand(L, 1);
    o[1] = (operand){true, 0, row_quantity(L, 1, "change", "numeric reported change")};
  } else {
    o[0] = check_operand(L, 1);
    o[1] = check_operand(L, 2);
  }
  double d = 0;
  ts_quantity q;
  ts_err e;
  bool is_q = promote(o, 2);
  int rc = is_q ? ts_growth_base_q(&o[0].q, &o[1].q, &q, &e) : ts_growth_base(o[0].d, o[1].d, &d, &e);
  return result(L, rc, is_q, d, &q, &e);
}

typedef int (*compound_d)(double, double, double, double *, ts_err *);
typedef int (*compound_q)(const ts_quantity *, const ts_quantity *, double, ts_quantity *, ts_err *);

static int compound(lua_State *L, compound_d fd, compound_q fq) {
  operand o[2] = {check_operand(L, 1), check_operand(L, 2)};
  double years = luaL_checknumber(L, 3), d = 0;
  ts_quantity q;
  ts_err e;
  bool is_q = promote(o, 2);
  int rc = is_q ? fq(&o[0].q, &o[1].q, years, &q, &e) : fd(o[0].d, o[1].d, years, &d, &e);
  return result(L, rc, is_q, d, &q, &e);
}

static int growth_cagr(lua_State *L) { return compound(L, ts_growth_cagr, ts_growth_cagr_q); }
static int growth_needed(lua_State *L) { return compound(L, ts_growth_needed, ts_growth_needed_q); }

/* The months of argument 2 (a number, a period, a period string), or of the
** row at 1's period when 2 is absent. */
static int check_months(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    lua_Integer m = 0;
    if (!lua_numbertointeger(lua_tonumber(L, 2), &m) || m < 1 || m > 100000)
      luaL_argerror(L, 2, "a whole number of months, at least 1");
    return (int)m;
  }
  if (!lua_isnoneornil(L, 2)) return ts_period_months(ts_checkperiod(L, 2));
  if (!is_row(L, 1)) luaL_argerror(L, 2, "the number of months or the period is missing");
  push_row_field(L, 1, "period", TS_PERIOD_TYPE, "period");
  int months = ts_period_months(*ts_testperiod(L, -1));
  lua_pop(L, 1);
  return months;
}

typedef int (*per_months_d)(double, int, double *, ts_err *);
typedef int (*per_months_q)(const ts_quantity *, int, ts_quantity *, ts_err *);

static int per_months(lua_State *L, per_months_d fd, per_months_q fq) {
  operand o = check_operand(L, 1);
  int months = check_months(L);
  double d = 0;
  ts_quantity q;
  ts_err e;
  int rc = o.is_q ? fq(&o.q, months, &q, &e) : fd(o.d, months, &d, &e);
  return result(L, rc, o.is_q, d, &q, &e);
}

static int growth_annualise(lua_State *L) {
  return per_months(L, ts_growth_annualise, ts_growth_annualise_q);
}

/* A function of its own, so that help() lists both spellings. */
static int growth_annualize(lua_State *L) { return growth_annualise(L); }

static int growth_monthly_average(lua_State *L) {
  return per_months(L, ts_growth_monthly_average, ts_growth_monthly_average_q);
}

/* ---- dates ---------------------------------------------------------------------- */

/* A date, a date string, or a row's `date`. */
static ts_date check_date_arg(lua_State *L, int idx) {
  if (!is_row(L, idx)) return ts_checkdate(L, idx);
  push_row_field(L, idx, "date", TS_DATE_TYPE, "date");
  ts_date d = *ts_testdate(L, -1);
  lua_pop(L, 1);
  return d;
}

static void set_int_field(lua_State *L, const char *key, int v) {
  if (v < 0) return; /* unknown at this precision: nil */
  lua_pushinteger(L, v);
  lua_setfield(L, -2, key);
}

static int growth_duration(lua_State *L) {
  static const char *const precisions[] = {"", "year", "month", "day"};
  ts_date from = check_date_arg(L, 1), to = check_date_arg(L, 2);
  ts_duration d;
  ts_err e;
  if (ts_growth_duration(from, to, &d, &e) < 0) return luaL_error(L, "%s", e.msg);
  lua_createtable(L, 0, 4);
  set_int_field(L, "years", d.years);
  set_int_field(L, "months", d.months);
  set_int_field(L, "days", d.days);
  lua_pushstring(L, precisions[d.precision]);
  lua_setfield(L, -2, "precision");
  luaL_setmetatable(L, DURATION_TYPE);
  return 1;
}

/* Appends "N unit(s)" to b, with ", " between parts. */
static void add_part(luaL_Buffer *b, bool *first, lua_Integer n, const char *unit) {
  if (!*first) luaL_addstring(b, ", ");
  *first = false;
  lua_pushfstring(b->L, "%I %s%s", n, unit, n == 1 ? "" : "s");
  luaL_addvalue(b);
}

/* "75 years", "9 years, 8 months", "3 years, 5 months, 14 days", "0 days". */
static int duration_tostring(lua_State *L) {
  static const char *const units[] = {"year", "month", "day"}, *const keys[] = {"years", "months", "days"};
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer v[3];
  int known = 0;
  for (int i = 0; i < 3; i++) {
    lua_getfield(L, 1, keys[i]);
    v[i] = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
    if (v[i] >= 0) known = i;
    lua_pop(L, 1);
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  bool first = true;
  for (int i = 0; i <= known; i++)
    if (v[i] > 0) add_part(&b, &first, v[i], units[i]);
  if (first) add_part(&b, &first, 0, units[known]);
  luaL_pushresult(&b);
  return 1;
}

/* anniversaries(date, year | date): n and the anniversary's date, or nil. */
static int anniversary_of_date(lua_State *L) {
  ts_date from = check_date_arg(L, 1), on;
  int n;
  ts_err e;
  int rc;
  if (lua_isinteger(L, 2)) {
    lua_Integer year = lua_tointeger(L, 2);
    if (year < TS_YEAR_MIN || year > TS_YEAR_MAX)
      return luaL_argerror(L, 2, lua_pushfstring(L, "year %I is not in %d..%d", year, TS_YEAR_MIN, TS_YEAR_MAX));
    rc = ts_growth_anniversary_in(from, (int)year, &n, &on, &e);
  } else {
    rc = ts_growth_anniversary_by(from, ts_checkdate(L, 2), &n, &on, &e);
  }
  if (rc < 0) return luaL_error(L, "%s", e.msg);
  if (n == 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, n);
  ts_pushdate(L, on);
  return 2;
}

/* Calls function `name` of lua/growth.lua with this call's arguments. */
static int delegate(lua_State *L, const char *name) {
  int n = lua_gettop(L);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.growth");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, name);
  lua_insert(L, 1);
  lua_pop(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

static int growth_anniversaries(lua_State *L) {
  if (is_row(L, 1) || luaL_testudata(L, 1, RS_TYPE) != NULL) return delegate(L, "anniversaries");
  return anniversary_of_date(L);
}

static int growth_yoy(lua_State *L) { return delegate(L, "yoy"); }

static const ts_Reg growth_lib[] = {
  {"rate", growth_rate, "growth.rate(new, old): the change from old to new as a fraction (0.24 = +24 %)"},
  {"base", growth_base,
   "growth.base(value, change) or growth.base(row): the value one period earlier that a change implies"},
  {"cagr", growth_cagr, "growth.cagr(first, last, years): compound annual growth rate, (last/first)^(1/years) - 1"},
  {"needed", growth_needed, "growth.needed(from, to, years): the yearly rate that takes from to the target to"},
  {"annualise", growth_annualise,
   "growth.annualise(x[, months | period]): x * 12 / months, an estimate (a row: its value and period)"},
  {"annualize", growth_annualize, "growth.annualize(x[, months | period]): the same as growth.annualise"},
  {"monthly_average", growth_monthly_average,
   "growth.monthly_average(x[, months | period]): x / months (a row: its value and period)"},
  {"duration", growth_duration,
   "growth.duration(from, to): {years, months, days} between two dates (or rows' dates), as precise as both"},
  {"anniversaries", growth_anniversaries,
   "growth.anniversaries(date | rows, year | date): the anniversary falling in a year or last reached by a date"},
  {"yoy", growth_yoy,
   "growth.yoy(row | rows): year-on-year rates, from the data's own earlier figure or the reported change"},
  {NULL, NULL, NULL}
};

/* Module tradescope.growthcore: the same functions, for lua/growth.lua. */
static int open_growthcore(lua_State *L) {
  ts_newlib(L, growth_lib);
  return 1;
}

int tsopen_growth(lua_State *L);
int tsopen_growth(lua_State *L) {
  luaL_newmetatable(L, DURATION_TYPE);
  lua_pushcfunction(L, duration_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open_growthcore);
  lua_setfield(L, -2, "tradescope.growthcore");
  lua_pop(L, 1);
  ts_newlib(L, growth_lib);
  lua_setglobal(L, "growth");
  ts_addmodule(L, "growth", "growth rates, bases, CAGR, annualising, year-on-year, anniversaries");
  return 0;
}
