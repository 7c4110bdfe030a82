/*
** sandbox.h — --sandbox: running a script from elsewhere without letting it
** run programs, load native code or touch files outside the output
** directory.  What is removed and what is restricted is listed in
** sandbox.c and in the README.
*/
#ifndef TS_SANDBOX_H
#define TS_SANDBOX_H

#include <lua.h>

#define TS_DEFAULT_OUTDIR "reports"

/* Sets tradescope.outdir() to return `dir` (the --out option). */
void ts_setoutdir(lua_State *L, const char *dir);

/* A lua_CFunction: argument 1 is the output directory, created when it does
** not exist.  Restricts the libraries of L; run it after the libraries and
** the host are open and before any user code.  Raises an error (one line)
** when the output directory cannot be made or found. */
int ts_opensandbox(lua_State *L);

#endif
