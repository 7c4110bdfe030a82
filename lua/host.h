/*
** host.h — what the tradescope host gives its bindings.
**
** A binding lua/l_NAME.c wraps core/NAME.c and exports
**     int tsopen_NAME(lua_State *L);
** which installs its globals (e.g. `period`) and returns 0.  The Makefile
** collects every lua/l_NAME.c into ts_bindings[]; lua/NAME.lua files are compiled
** in as modules "tradescope.NAME" (ts_embedded[]).
*/
#ifndef TS_HOST_H
#define TS_HOST_H

#include <lua.h>
#include <lauxlib.h>

struct ts_err; /* core/error.h; the generated files include this header without core/ */

typedef struct ts_Binding { const char *name; lua_CFunction open; } ts_Binding;
typedef struct ts_Embedded { const char *module, *chunkname, *source; } ts_Embedded;
extern const ts_Binding ts_bindings[];
extern const ts_Embedded ts_embedded[];

/* A luaL_Reg with a one-line help text, shown by `help(f)` in the REPL. */
typedef struct ts_Reg {
  const char *name;
  lua_CFunction func;
  const char *help;
} ts_Reg;

/* Pushes a new table holding the functions of `l` and records their help. */
void ts_newlib(lua_State *L, const ts_Reg *l);
/* Sets the functions of `l` into the table at `idx` and records their help. */
void ts_setfuncs(lua_State *L, int idx, const ts_Reg *l);
/* Records `text` as the help of the value at `idx` (function or table). */
void ts_sethelp(lua_State *L, int idx, const char *text);
/* Records a module (global `name`) for the `help()` listing. */
void ts_addmodule(lua_State *L, const char *name, const char *summary);

/* Raises err's message as it is: data errors already say where
** (file:line:column), so no Lua position is added. */
int ts_raise(lua_State *L, const struct ts_err *err);

/* Installs package.preload entries for lfs, cjson and the embedded Lua
** library, then every binding; called once on a fresh state. */
void ts_openhost(lua_State *L);

/* The dataset directory: --data, $TRADESCOPE_DATA, then beside the binary
** (data/, ../share/tradescope/data).  Set by main before the bindings run. */
void ts_setdatadir(lua_State *L, const char *dir);
const char *ts_datadir(lua_State *L);

#endif
