/*
** call.h — running Lua chunks the way the standalone `lua` does: every call
** protected, a traceback on error, Ctrl-C turned into a Lua error.
*/
#ifndef TS_CALL_H
#define TS_CALL_H

#include <lua.h>

/* The program name used in messages ("tradescope: ..."); NULL in the REPL. */
void ts_setprogname(const char *name);
const char *ts_progname(void);

/* Prints "progname: msg" (or just msg when progname is NULL) to stderr. */
void ts_message(const char *progname, const char *msg);

/* On error, prints the message on the top of the stack and pops it. */
int ts_report(lua_State *L, int status);

/* Calls the function below `narg` arguments with a traceback handler and
** with SIGINT interrupting the running code ("interrupted!"). */
int ts_docall(lua_State *L, int narg, int nres);

#endif
