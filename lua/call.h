/*
** call.h — running Lua chunks the way the standalone `lua` does: every call
** protected, a traceback on error, Ctrl-C turned into a Lua error; and the
** limits of an unattended run (--max-memory, --timeout).
*/
#ifndef TS_CALL_H
#define TS_CALL_H

#include <stddef.h>

#include <lua.h>

/* Exit statuses of a run stopped by a limit (listed by --help). */
#define TS_EXIT_TIMEOUT 3
#define TS_EXIT_MEMORY 4

/* The program name used in messages ("tradescope: ..."); NULL in the REPL. */
void ts_setprogname(const char *name);
const char *ts_progname(void);

/* Prints "progname: msg" (or just msg when progname is NULL) to stderr. */
void ts_message(const char *progname, const char *msg);

/* On error, prints the message on the top of the stack and pops it.  An
** error caused by a limit prints one line naming the limit instead
** ("script exceeded --timeout 2 s"). */
int ts_report(lua_State *L, int status);

/* Calls the function below `narg` arguments with a traceback handler and
** with SIGINT interrupting the running code ("interrupted!"). */
int ts_docall(lua_State *L, int narg, int nres);

/* --max-memory: from now on an allocation that would take the state past
** `bytes` in all fails, so Lua raises "not enough memory".  `text` is the
** option's value as given, for the message; it must outlive the state. */
void ts_limit_memory(lua_State *L, size_t bytes, const char *text);

/* --timeout: `seconds` from now, Lua code stops with an error that every
** later instruction raises again, so no pcall can swallow it; one second
** after that (code stuck inside a C function) the process exits with
** TS_EXIT_TIMEOUT.  Call on the main thread, before any user code. */
void ts_limit_time(lua_State *L, double seconds, const char *text);

/* Lifts the memory limit, so that closing the state (finalizers) and the
** last messages never run out. */
void ts_limit_release(void);

/* The exit status for a failed run: TS_EXIT_TIMEOUT or TS_EXIT_MEMORY when
** the last error reported was a limit's, else 1 (EXIT_FAILURE). */
int ts_failure_status(void);

#endif
