/*
** l_period.c — the Lua binding of core/period.c and core/date.c: the globals
** `period` and `date`.
**
**     local p = period "2023-01/2023-07"
**     print(p, p:months(), p:previous_year())   --> 2023-01/2023-07  7  2022-01/2022-07
**     for m in p:each() do ... end
**     date "2015-05-29":years_until(date.today())
**
** Each global is the library table itself: `period.months(p)` is `p:months()`
** (as string.len(s) is s:len()), so that help(period) lists every method.
*/
#include <limits.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "l_period.h"

/* ---- conversions shared with other bindings ------------------------------- */

void ts_pushperiod(lua_State *L, ts_period p) {
  ts_period *u = lua_newuserdatauv(L, sizeof *u, 0);
  *u = p;
  luaL_setmetatable(L, TS_PERIOD_TYPE);
}

const ts_period *ts_testperiod(lua_State *L, int idx) {
  return luaL_testudata(L, idx, TS_PERIOD_TYPE);
}

void ts_pushdate(lua_State *L, ts_date d) {
  ts_date *u = lua_newuserdatauv(L, sizeof *u, 0);
  *u = d;
  luaL_setmetatable(L, TS_DATE_TYPE);
}

const ts_date *ts_testdate(lua_State *L, int idx) {
  return luaL_testudata(L, idx, TS_DATE_TYPE);
}

/* Parses the string (or number) at idx; false (with the message in e) when it is not one. */
static bool string_period(lua_State *L, int idx, ts_period *out, ts_err *e) {
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  return ts_period_parse(s, len, out, e) == 0;
}

ts_period ts_checkperiod(lua_State *L, int idx) {
  const ts_period *p = ts_testperiod(L, idx);
  if (p != NULL) return *p;
  const ts_date *d = ts_testdate(L, idx);
  if (d != NULL) return ts_date_period(*d);
  if (!lua_isstring(L, idx)) luaL_typeerror(L, idx, "period");
  ts_period r;
  ts_err e;
  if (!string_period(L, idx, &r, &e)) luaL_argerror(L, idx, e.msg);
  return r;
}

ts_date ts_checkdate(lua_State *L, int idx) {
  const ts_date *d = ts_testdate(L, idx);
  if (d != NULL) return *d;
  if (!lua_isstring(L, idx)) luaL_typeerror(L, idx, "date");
  size_t len;
  const char *s = lua_tolstring(L, idx, &len);
  ts_date r;
  ts_err e;
  if (ts_date_parse(s, len, &r, &e) < 0) luaL_argerror(L, idx, e.msg);
  return r;
}

/* A year count that fits the core's int; raises otherwise. */
static int check_years(lua_State *L, int idx) {
  lua_Integer n = luaL_checkinteger(L, idx);
  luaL_argcheck(L, n >= INT_MIN && n <= INT_MAX, idx, "too many years");
  return (int)n;
}

/* __concat for both types: "x" .. v and v .. "x" */
static int l_concat(lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  luaL_tolstring(L, 2, NULL);
  lua_concat(L, 2);
  return 1;
}

/* ---- period ---------------------------------------------------------------- */

/* period(x): a bad string raises its own message, not "bad argument". */
static int period_call(lua_State *L) {
  lua_remove(L, 1); /* the `period` table */
  if (lua_type(L, 1) != LUA_TSTRING) {
    ts_pushperiod(L, ts_checkperiod(L, 1));
    return 1;
  }
  ts_period p;
  ts_err e;
  if (!string_period(L, 1, &p, &e)) return luaL_error(L, "%s", e.msg);
  ts_pushperiod(L, p);
  return 1;
}

static int period_parse(lua_State *L) {
  luaL_checkstring(L, 1);
  ts_period p;
  ts_err e;
  if (!string_period(L, 1, &p, &e)) {
    luaL_pushfail(L);
    lua_pushstring(L, e.msg);
    return 2;
  }
  ts_pushperiod(L, p);
  return 1;
}

static const ts_period *self_period(lua_State *L) {
  return luaL_checkudata(L, 1, TS_PERIOD_TYPE);
}

static int period_tostring(lua_State *L) {
  char buf[TS_PERIOD_BUFSIZE];
  ts_period_format(*self_period(L), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int period_months(lua_State *L) {
  lua_pushinteger(L, ts_period_months(*self_period(L)));
  return 1;
}

static int period_contains(lua_State *L) {
  ts_period p = *self_period(L);
  lua_pushboolean(L, ts_period_contains(p, ts_checkperiod(L, 2)));
  return 1;
}

static int period_overlaps(lua_State *L) {
  ts_period p = *self_period(L);
  lua_pushboolean(L, ts_period_overlaps(p, ts_checkperiod(L, 2)));
  return 1;
}

static int period_comparable(lua_State *L) {
  ts_period p = *self_period(L);
  lua_pushboolean(L, ts_period_comparable(p, ts_checkperiod(L, 2)));
  return 1;
}

static int push_shifted(lua_State *L, ts_period p, int years) {
  ts_period r;
  ts_err e;
  if (ts_period_shift(p, years, &r, &e) < 0) return luaL_error(L, "%s", e.msg);
  ts_pushperiod(L, r);
  return 1;
}

static int period_previous_year(lua_State *L) { return push_shifted(L, *self_period(L), -1); }

static int period_shift(lua_State *L) {
  ts_period p = *self_period(L);
  return push_shifted(L, p, check_years(L, 2));
}

static int period_start(lua_State *L) {
  ts_pushperiod(L, ts_period_start(*self_period(L)));
  return 1;
}

static int period_finish(lua_State *L) {
  ts_pushperiod(L, ts_period_end(*self_period(L)));
  return 1;
}

static int period_year(lua_State *L) {
  lua_pushinteger(L, ts_period_start_year(*self_period(L)));
  return 1;
}

static int period_end_year(lua_State *L) {
  lua_pushinteger(L, ts_period_end_year(*self_period(L)));
  return 1;
}

/* Stateless iterator: (period, previous month or nil) -> next month. */
static int period_next_month(lua_State *L) {
  ts_period p = *self_period(L);
  int32_t next = lua_isnil(L, 2) ? p.first : ts_checkperiod(L, 2).first + 1;
  if (next < p.first || next > p.last) return 0;
  ts_pushperiod(L, (ts_period){next, next});
  return 1;
}

static int period_each(lua_State *L) {
  self_period(L);
  lua_pushcfunction(L, period_next_month);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static int period_eq(lua_State *L) {
  const ts_period *a = ts_testperiod(L, 1), *b = ts_testperiod(L, 2);
  lua_pushboolean(L, a != NULL && b != NULL && ts_period_equal(*a, *b));
  return 1;
}

static int period_lt(lua_State *L) {
  lua_pushboolean(L, ts_period_cmp(ts_checkperiod(L, 1), ts_checkperiod(L, 2)) < 0);
  return 1;
}

static int period_le(lua_State *L) {
  lua_pushboolean(L, ts_period_cmp(ts_checkperiod(L, 1), ts_checkperiod(L, 2)) <= 0);
  return 1;
}

static const ts_Reg period_lib[] = {
  {"parse", period_parse, "period.parse(s): the period written s, or nil and a message"},
  {"months", period_months, "p:months(): the number of months in p"},
  {"contains", period_contains, "p:contains(x): whether every month of period, date or string x is in p"},
  {"overlaps", period_overlaps, "p:overlaps(x): whether p and period x share a month"},
  {"previous_year", period_previous_year, "p:previous_year(): the same months one year earlier"},
  {"shift", period_shift, "p:shift(n): the same months n years later (n < 0: earlier)"},
  {"comparable", period_comparable,
   "p:comparable(x): whether x covers the same months of the year in another year"},
  {"start", period_start, "p:start(): the first month of p, as a period"},
  {"finish", period_finish, "p:finish(): the last month of p, as a period"},
  {"year", period_year, "p:year(): the year p starts in"},
  {"end_year", period_end_year, "p:end_year(): the year p ends in"},
  {"each", period_each, "p:each(): iterator over the months of p: for m in p:each() do ... end"},
  {NULL, NULL, NULL}
};

static const luaL_Reg period_meta[] = {
  {"__tostring", period_tostring}, {"__eq", period_eq}, {"__lt", period_lt},
  {"__le", period_le}, {"__concat", l_concat}, {NULL, NULL}
};

/* ---- date ------------------------------------------------------------------ */

static int date_call(lua_State *L) {
  lua_remove(L, 1); /* the `date` table */
  if (lua_type(L, 1) != LUA_TSTRING) {
    ts_pushdate(L, ts_checkdate(L, 1));
    return 1;
  }
  size_t len;
  const char *s = lua_tolstring(L, 1, &len);
  ts_date d;
  ts_err e;
  if (ts_date_parse(s, len, &d, &e) < 0) return luaL_error(L, "%s", e.msg);
  ts_pushdate(L, d);
  return 1;
}

static int date_parse(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  ts_date d;
  ts_err e;
  if (ts_date_parse(s, len, &d, &e) < 0) {
    luaL_pushfail(L);
    lua_pushstring(L, e.msg);
    return 2;
  }
  ts_pushdate(L, d);
  return 1;
}

static int date_today(lua_State *L) {
  time_t t = (time_t)luaL_optinteger(L, 1, (lua_Integer)time(NULL));
  ts_date d;
  ts_err e;
  if (ts_date_of_time(t, true, &d, &e) < 0) return luaL_error(L, "%s", e.msg);
  ts_pushdate(L, d);
  return 1;
}

static const ts_date *self_date(lua_State *L) { return luaL_checkudata(L, 1, TS_DATE_TYPE); }

static int date_tostring(lua_State *L) {
  char buf[TS_DATE_BUFSIZE];
  ts_date_format(*self_date(L), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int date_years_until(lua_State *L) {
  ts_date d = *self_date(L);
  lua_pushinteger(L, ts_date_years_between(d, ts_checkdate(L, 2)));
  return 1;
}

static int date_add_years(lua_State *L) {
  ts_date d = *self_date(L), r;
  ts_err e;
  if (ts_date_add_years(d, check_years(L, 2), &r, &e) < 0) return luaL_error(L, "%s", e.msg);
  ts_pushdate(L, r);
  return 1;
}

static int date_period(lua_State *L) {
  ts_pushperiod(L, ts_date_period(*self_date(L)));
  return 1;
}

static int date_year(lua_State *L) {
  lua_pushinteger(L, self_date(L)->year);
  return 1;
}

/* A missing field is nil, not 0: "2022-05" has no day. */
static int push_field(lua_State *L, int v) {
  if (v == 0) lua_pushnil(L);
  else lua_pushinteger(L, v);
  return 1;
}

static int date_month(lua_State *L) { return push_field(L, self_date(L)->month); }
static int date_day(lua_State *L) { return push_field(L, self_date(L)->day); }

static int date_precision(lua_State *L) {
  static const char *const names[] = {"", "year", "month", "day"};
  lua_pushstring(L, names[ts_date_precision_of(*self_date(L))]);
  return 1;
}

static int date_eq(lua_State *L) {
  const ts_date *a = ts_testdate(L, 1), *b = ts_testdate(L, 2);
  lua_pushboolean(L, a != NULL && b != NULL && ts_date_cmp(*a, *b) == 0);
  return 1;
}

static int date_lt(lua_State *L) {
  lua_pushboolean(L, ts_date_cmp(ts_checkdate(L, 1), ts_checkdate(L, 2)) < 0);
  return 1;
}

static int date_le(lua_State *L) {
  lua_pushboolean(L, ts_date_cmp(ts_checkdate(L, 1), ts_checkdate(L, 2)) <= 0);
  return 1;
}

static const ts_Reg date_lib[] = {
  {"parse", date_parse, "date.parse(s): the date written s (YYYY[-MM[-DD]]), or nil and a message"},
  {"today", date_today, "date.today([t]): the local calendar day now, or at os.time() value t"},
  {"years_until", date_years_until,
   "d:years_until(x): whole years from d to date x (29 Feb counts its anniversary on 28 Feb)"},
  {"add_years", date_add_years,
   "d:add_years(n): the date n years later; 29 Feb becomes 28 Feb in a common year"},
  {"period", date_period, "d:period(): the month (or year) containing d, as a period"},
  {"year", date_year, "d:year(): the year of d"},
  {"month", date_month, "d:month(): the month 1..12 of d, or nil for a year"},
  {"day", date_day, "d:day(): the day of the month of d, or nil for a month or a year"},
  {"precision", date_precision, "d:precision(): \"day\", \"month\" or \"year\""},
  {NULL, NULL, NULL}
};

static const luaL_Reg date_meta[] = {
  {"__tostring", date_tostring}, {"__eq", date_eq}, {"__lt", date_lt},
  {"__le", date_le}, {"__concat", l_concat}, {NULL, NULL}
};

/* ---- registration ------------------------------------------------------------ */

/* Installs global `name`: the library table, callable as `constructor`, and
** the metatable `type` of its values, whose methods are the library's. */
static void open_type(lua_State *L, const char *name, const char *type, const ts_Reg *lib,
                      const luaL_Reg *meta, lua_CFunction constructor, const char *help) {
  ts_newlib(L, lib);
  luaL_newmetatable(L, type);
  luaL_setfuncs(L, meta, 0);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, constructor);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  ts_sethelp(L, -1, help);
  lua_setglobal(L, name);
}

int tsopen_period(lua_State *L) {
  open_type(L, "period", TS_PERIOD_TYPE, period_lib, period_meta, period_call,
            "period(s): the period written s: 2023, 2023-H1, 2023-Q3, 2023-07, 2023-01/2023-07");
  ts_addmodule(L, "period", "calendar periods of whole months: period \"2023-H1\"");
  open_type(L, "date", TS_DATE_TYPE, date_lib, date_meta, date_call,
            "date(s): the date written s: 2015-05-29, 2022-05 or 2001");
  ts_addmodule(L, "date", "civil dates to the day, month or year: date \"2015-05-29\"");
  return 0;
}
