/*
** repl.h — the interactive loop.  On a terminal: GNU readline, history,
** completion and pretty-printed results; otherwise it reads lines as
** `lua -i` does and prints results through the global `print`.
*/
#ifndef TS_REPL_H
#define TS_REPL_H

#include <lua.h>

void ts_repl(lua_State *L);

#endif
