/*
** l_period.h — periods and dates as Lua values, for the other bindings.
**
** A period is a full userdata "tradescope.period" holding a ts_period, a date
** one "tradescope.date" holding a ts_date; both are immutable.
*/
#ifndef TS_L_PERIOD_H
#define TS_L_PERIOD_H

#include <stdbool.h>

#include <lua.h>

#include "date.h"
#include "period.h"

/* Installs the globals `period` and `date` (called by the host). */
int tsopen_period(lua_State *L);

#define TS_PERIOD_TYPE "tradescope.period"
#define TS_DATE_TYPE "tradescope.date"

void ts_pushperiod(lua_State *L, ts_period p);
/* The period at idx: a period, a date (the month or year containing it) or
** a string in period notation; raises an argument error otherwise. */
ts_period ts_checkperiod(lua_State *L, int idx);
/* The period userdata at idx, or NULL when it is not one (no conversion). */
const ts_period *ts_testperiod(lua_State *L, int idx);

void ts_pushdate(lua_State *L, ts_date d);
/* The date at idx: a date or a string YYYY[-MM[-DD]]; raises an argument error otherwise. */
ts_date ts_checkdate(lua_State *L, int idx);
const ts_date *ts_testdate(lua_State *L, int idx);

#endif
