/*
** repl.h — the interactive loop.  On a terminal: GNU readline with Ctrl-C
** clearing the line, persistent history, Tab completion and pretty-printed
** results; otherwise it reads lines as `lua -i` does and prints results
** through the global `print`.
*/
#ifndef TS_REPL_H
#define TS_REPL_H

#include <lua.h>

void ts_repl(lua_State *L);

/* --- between repl.c and repl_term.c (the terminal side) ----------------- */

/* What reading a line gave. */
enum { TS_LINE_OK, TS_LINE_EOF, TS_LINE_CANCELLED };

/* Sets readline up for a terminal session of L: completion through
** tradescope.complete, SIGINT left to ts_term_readline, history read from
** the state directory.  Returns the history file (malloc'd) or NULL;
** warnings are printed as "progname: ...". */
char *ts_term_open(lua_State *L, const char *progname);

/* Saves the history to `histfile` (a warning on failure) and frees it. */
void ts_term_close(char *histfile, const char *progname);

/* Reads a line with editing.  On TS_LINE_OK *line is malloc'd; Ctrl-C
** gives TS_LINE_CANCELLED (the line is dropped), Ctrl-D on an empty line
** TS_LINE_EOF. */
int ts_term_readline(const char *prompt, char **line);

#endif
