/*
** l_quantity.h — quantities as Lua values, for the other bindings.
**
** A quantity is a full userdata "tradescope.quantity" holding a ts_quantity;
** it is immutable.
*/
#ifndef TS_L_QUANTITY_H
#define TS_L_QUANTITY_H

#include <lua.h>

#include "quantity.h"

/* Installs the global `quantity` (called by the host). */
int tsopen_quantity(lua_State *L);

#define TS_QUANTITY_TYPE "tradescope.quantity"

void ts_pushquantity(lua_State *L, const ts_quantity *q);
/* The quantity at idx: a quantity, a number (exact, no unit) or a string in
** any form quantity() parses; raises an argument error otherwise. */
ts_quantity ts_checkquantity(lua_State *L, int idx);
/* The quantity userdata at idx, or NULL when it is not one (no conversion). */
const ts_quantity *ts_testquantity(lua_State *L, int idx);

#endif
