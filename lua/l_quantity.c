/*
** l_quantity.c — the Lua binding of core/quantity.c: the global `quantity`.
**
**     local q = quantity "150-160 million USD"
**     print(q, q.value, q:low(), q:canonical())  --> 150–160 M USD  155000000.0  150000000.0  150000000-160000000 USD
**     print(q / quantity "125 million USD")      --> 1.2–1.28
**     print(q * 2, -q, q + "5 million USD")
**
** Arithmetic keeps qualifiers and ranges (see core/quantity.h); a number or a
** string in an operation is read as a quantity, a plain number having no unit.
** `<` and `<=` raise an error when the answer depends on values the
** quantities do not pin down (150-160 against 155).
*/
#include <math.h>
#include <string.h>

#include "host.h"
#include "l_quantity.h"

void ts_pushquantity(lua_State *L, const ts_quantity *q) {
  ts_quantity *u = lua_newuserdatauv(L, sizeof *u, 0);
  *u = *q;
  luaL_setmetatable(L, TS_QUANTITY_TYPE);
}

const ts_quantity *ts_testquantity(lua_State *L, int idx) {
  return luaL_testudata(L, idx, TS_QUANTITY_TYPE);
}

/* The value at idx read as a quantity; false with the reason in e. */
static bool to_quantity(lua_State *L, int idx, ts_quantity *out, ts_err *e) {
  const ts_quantity *q = ts_testquantity(L, idx);
  if (q != NULL) {
    *out = *q;
    return true;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    lua_Number v = lua_tonumber(L, idx);
    return ts_quantity_make(TS_EXACT, v, v, TS_UNIT_NONE, out, e) == 0;
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    return ts_quantity_parse(s, len, out, e) == 0;
  }
  ts_errf(e, "quantity expected, got %s", luaL_typename(L, idx));
  return false;
}

ts_quantity ts_checkquantity(lua_State *L, int idx) {
  ts_quantity q;
  ts_err e;
  if (!to_quantity(L, idx, &q, &e)) luaL_argerror(L, idx, e.msg);
  return q;
}

/* An operand of a metamethod: its error names the value, not an argument number. */
static ts_quantity operand(lua_State *L, int idx) {
  ts_quantity q;
  ts_err e;
  if (!to_quantity(L, idx, &q, &e)) luaL_error(L, "%s", e.msg);
  return q;
}

static const ts_quantity *self(lua_State *L) { return luaL_checkudata(L, 1, TS_QUANTITY_TYPE); }

/* ---- construction -------------------------------------------------------- */

static ts_unit check_unit(lua_State *L, int idx, int *exp10) {
  size_t len = 0;
  const char *name = luaL_optlstring(L, idx, "", &len);
  ts_unit unit = TS_UNIT_NONE;
  ts_err e;
  *exp10 = 0;
  if (len > 0 && ts_unit_lookup(name, len, &unit, exp10, &e) < 0) luaL_argerror(L, idx, e.msg);
  return unit;
}

static ts_qualifier check_qualifier(lua_State *L, int idx, bool has_high) {
  if (lua_isnoneornil(L, idx)) return has_high ? TS_RANGE : TS_EXACT;
  ts_qualifier q;
  ts_err e;
  if (ts_qualifier_lookup(luaL_checkstring(L, idx), &q, &e) < 0) luaL_argerror(L, idx, e.msg);
  return q;
}

/* quantity(value, unit[, qualifier[, high]]) */
static int construct_from_parts(lua_State *L) {
  double value = luaL_checknumber(L, 1), high = 0;
  int exp10;
  ts_unit unit = check_unit(L, 2, &exp10);
  ts_qualifier qual = check_qualifier(L, 3, !lua_isnoneornil(L, 4));
  if (qual == TS_RANGE) high = ts_unit_to_base(luaL_checknumber(L, 4), exp10);
  else luaL_argcheck(L, lua_isnoneornil(L, 4), 4, "only a range has a high end");
  ts_quantity q;
  ts_err e;
  if (ts_quantity_make(qual, ts_unit_to_base(value, exp10), high, unit, &q, &e) < 0)
    return luaL_error(L, "%s", e.msg);
  ts_pushquantity(L, &q);
  return 1;
}

/* quantity(s) raises the parser's own message, not "bad argument". */
static int quantity_call(lua_State *L) {
  lua_remove(L, 1); /* the `quantity` table */
  if (lua_gettop(L) > 1) return construct_from_parts(L);
  ts_quantity q = lua_type(L, 1) == LUA_TSTRING ? operand(L, 1) : ts_checkquantity(L, 1);
  ts_pushquantity(L, &q);
  return 1;
}

static int quantity_parse(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  ts_quantity q;
  ts_err e;
  if (ts_quantity_parse(s, len, &q, &e) < 0) {
    luaL_pushfail(L);
    lua_pushstring(L, e.msg);
    return 2;
  }
  ts_pushquantity(L, &q);
  return 1;
}

static int quantity_units(lua_State *L) {
  lua_createtable(L, TS_UNIT_COUNT - 1, 0);
  for (int u = TS_UNIT_NONE + 1; u < TS_UNIT_COUNT; u++) {
    lua_pushstring(L, ts_unit_name((ts_unit)u));
    lua_rawseti(L, -2, u);
  }
  return 1;
}

/* ---- accessors ----------------------------------------------------------- */

/* An infinite bound is "no bound": nil. */
static int push_bound(lua_State *L, double v) {
  if (isinf(v)) lua_pushnil(L);
  else lua_pushnumber(L, v);
  return 1;
}

static int quantity_low(lua_State *L) { return push_bound(L, self(L)->low); }
static int quantity_high(lua_State *L) { return push_bound(L, self(L)->high); }

static int quantity_unit(lua_State *L) {
  const ts_quantity *q = self(L);
  if (q->unit == TS_UNIT_NONE) lua_pushnil(L);
  else lua_pushstring(L, ts_unit_name((ts_unit)q->unit));
  return 1;
}

static int quantity_qualifier(lua_State *L) {
  lua_pushstring(L, ts_qualifier_name((ts_qualifier)self(L)->qual));
  return 1;
}

static int quantity_canonical(lua_State *L) {
  char buf[TS_QUANTITY_BUFSIZE];
  ts_quantity_canonical(self(L), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int quantity_human(lua_State *L) {
  char buf[TS_QUANTITY_BUFSIZE];
  ts_quantity_human(self(L), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int quantity_compare(lua_State *L) {
  ts_quantity a = ts_checkquantity(L, 1), b = ts_checkquantity(L, 2);
  ts_order o;
  ts_err e;
  if (ts_quantity_compare(&a, &b, &o, &e) < 0) return luaL_error(L, "%s", e.msg);
  if (o == TS_UNORDERED) lua_pushnil(L);
  else lua_pushinteger(L, o);
  return 1;
}

/* q.value is a field; every other key is a method of the library table. */
static int quantity_index(lua_State *L) {
  const ts_quantity *q = self(L);
  const char *key = lua_tostring(L, 2);
  if (key != NULL && strcmp(key, "value") == 0) {
    lua_pushnumber(L, ts_quantity_value(q));
    return 1;
  }
  lua_settop(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}

/* ---- metamethods ---------------------------------------------------------- */

typedef int (*binop)(const ts_quantity *, const ts_quantity *, ts_quantity *, ts_err *);

static int arith(lua_State *L, binop op) {
  ts_quantity a = operand(L, 1), b = operand(L, 2), r;
  ts_err e;
  if (op(&a, &b, &r, &e) < 0) return luaL_error(L, "%s", e.msg);
  ts_pushquantity(L, &r);
  return 1;
}

static int quantity_add(lua_State *L) { return arith(L, ts_quantity_add); }
static int quantity_sub(lua_State *L) { return arith(L, ts_quantity_sub); }
static int quantity_mul(lua_State *L) { return arith(L, ts_quantity_mul); }
static int quantity_div(lua_State *L) { return arith(L, ts_quantity_div); }

static int quantity_unm(lua_State *L) {
  ts_quantity r;
  ts_err e;
  if (ts_quantity_scale(self(L), -1, &r, &e) < 0) return luaL_error(L, "%s", e.msg);
  ts_pushquantity(L, &r);
  return 1;
}

static int quantity_eq(lua_State *L) {
  const ts_quantity *a = ts_testquantity(L, 1), *b = ts_testquantity(L, 2);
  lua_pushboolean(L, a != NULL && b != NULL && ts_quantity_equal(a, b));
  return 1;
}

static int order(lua_State *L, bool or_equal) {
  ts_quantity a = operand(L, 1), b = operand(L, 2);
  ts_truth t;
  ts_err e;
  if (ts_quantity_less(&a, &b, or_equal, &t, &e) < 0) return luaL_error(L, "%s", e.msg);
  if (t == TS_MAYBE) {
    char ha[TS_QUANTITY_BUFSIZE], hb[TS_QUANTITY_BUFSIZE];
    ts_quantity_human(&a, ha, sizeof ha);
    ts_quantity_human(&b, hb, sizeof hb);
    return luaL_error(L, "cannot compare %s with %s: ranges overlap", ha, hb);
  }
  lua_pushboolean(L, t == TS_YES);
  return 1;
}

static int quantity_lt(lua_State *L) { return order(L, false); }
static int quantity_le(lua_State *L) { return order(L, true); }

static int quantity_concat(lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  luaL_tolstring(L, 2, NULL);
  lua_concat(L, 2);
  return 1;
}

static const ts_Reg quantity_lib[] = {
  {"parse", quantity_parse, "quantity.parse(s): the quantity written s, or nil and a message"},
  {"units", quantity_units, "quantity.units(): the names of the known units"},
  {"low", quantity_low, "q:low(): the low end (the value, the bound), nil below a less-than bound"},
  {"high", quantity_high, "q:high(): the high end, nil above a more-than bound"},
  {"unit", quantity_unit, "q:unit(): the unit name (\"USD\", \"persons\"), nil for a plain number"},
  {"qualifier", quantity_qualifier,
   "q:qualifier(): \"exact\", \"approx\", \"more_than\", \"less_than\" or \"range\""},
  {"canonical", quantity_canonical,
   "q:canonical(): the machine form, \"150000000-160000000 USD\"; quantity() reads it back"},
  {"human", quantity_human, "q:human(): the form analysts write, \"150–160 M USD\" (also tostring)"},
  {"compare", quantity_compare,
   "quantity.compare(a, b): -1, 0 or 1, or nil when the values they may take allow either"},
  {NULL, NULL, NULL}
};

static const luaL_Reg quantity_meta[] = {
  {"__tostring", quantity_human}, {"__add", quantity_add}, {"__sub", quantity_sub},
  {"__mul", quantity_mul}, {"__div", quantity_div}, {"__unm", quantity_unm},
  {"__eq", quantity_eq}, {"__lt", quantity_lt}, {"__le", quantity_le},
  {"__concat", quantity_concat}, {NULL, NULL}
};

int tsopen_quantity(lua_State *L) {
  ts_newlib(L, quantity_lib);
  luaL_newmetatable(L, TS_QUANTITY_TYPE);
  luaL_setfuncs(L, quantity_meta, 0);
  lua_pushvalue(L, -2);
  lua_pushcclosure(L, quantity_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, quantity_call);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  ts_sethelp(L, -1,
             "quantity(s) or quantity(value, unit[, qualifier[, high]]): a value with unit and "
             "qualifier, \"150-160 million USD\"; q.value is the value, bound or range midpoint");
  lua_setglobal(L, "quantity");
  ts_addmodule(L, "quantity", "values with unit and qualifier: quantity \"1.9 billion USD\"");
  return 0;
}
