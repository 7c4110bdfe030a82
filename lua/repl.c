/*
** repl.c — the read-eval-print loop, with the input rules of `lua`: a line
** is first tried as an expression ("return " .. line), an incomplete chunk
** (syntax error at <eof>) continues on the next line, results are printed.
**
** On a terminal (repl_term.c) lines are edited with Ctrl-C dropping the
** line, chunks go to a persistent history and results are printed by
** tradescope.pretty.  With stdin not a terminal everything is as `lua -i`.
*/
#include "repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <lauxlib.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "call.h"

#define EOFMARK "<eof>"
#define MARKLEN (sizeof(EOFMARK) - 1)

/* loadline's answers besides a load status. */
#define READ_EOF (-1)
#define READ_CANCELLED (-2)

/* Registry key of tradescope.pretty's `format`. */
static const char PRETTY_KEY = 'p';

typedef struct Repl {
  lua_State *L;
  int term;               /* stdin is a terminal */
} Repl;

/* Leaves the prompt value on the stack (popped by the caller). */
static const char *get_prompt(lua_State *L, int firstline) {
  lua_getglobal(L, firstline ? "_PROMPT" : "_PROMPT2");
  const char *p = lua_tostring(L, -1);
  return p != NULL ? p : (firstline ? "> " : ">> ");
}

/* A syntax error at <eof>: the chunk may go on.  The message stays. */
static int incomplete(lua_State *L, int status) {
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    return lmsg >= MARKLEN && strcmp(msg + lmsg - MARKLEN, EOFMARK) == 0;
  }
  return 0;
}

static int read_line(const Repl *r, const char *prompt, char **line) {
  if (r->term) return ts_term_readline(prompt, line);
  *line = readline(prompt);
  return *line != NULL ? TS_LINE_OK : TS_LINE_EOF;
}

/* Pushes the next line; returns a TS_LINE_ value (nothing pushed unless OK). */
static int pushline(const Repl *r, int firstline) {
  lua_State *L = r->L;
  char *b;
  int got = read_line(r, get_prompt(L, firstline), &b);
  lua_pop(L, 1);
  if (got != TS_LINE_OK) return got;
  size_t l = strlen(b);
  if (l > 0 && b[l - 1] == '\n') b[--l] = '\0';
  if (firstline && b[0] == '=') /* compatibility with Lua 5.2, as lua does */
    lua_pushfstring(L, "return %s", b + 1);
  else
    lua_pushlstring(L, b, l);
  free(b);
  return TS_LINE_OK;
}

/* A whole chunk is one history entry; a repeat of the last one is not kept. */
static void save_line(const char *line) {
  if (line[0] == '\0') return;
  HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  if (last == NULL || strcmp(last->line, line) != 0) add_history(line);
}

static int addreturn(lua_State *L) {
  const char *line = lua_tostring(L, -1);
  const char *retline = lua_pushfstring(L, "return %s;", line);
  int status = luaL_loadbuffer(L, retline, strlen(retline), "=stdin");
  if (status == LUA_OK) {
    lua_remove(L, -2);
    save_line(line);
  } else {
    lua_pop(L, 2);
  }
  return status;
}

/* Ctrl-D in the middle of a chunk.  `lua` loses the error message here and
** reports "(null)"; with stdin not a terminal we say the same, on a
** terminal the real message ("'end' expected near <eof>"). */
static int eof_in_chunk(const Repl *r, const char *chunk) {
  lua_State *L = r->L;
  save_line(chunk);
  if (!r->term) {
    lua_pop(L, 1);
    lua_pushliteral(L, "(null)");
  }
  return LUA_ERRSYNTAX;
}

static int multiline(const Repl *r) {
  lua_State *L = r->L;
  for (;;) {
    size_t len;
    const char *chunk = lua_tolstring(L, 1, &len);
    int status = luaL_loadbuffer(L, chunk, len, "=stdin");
    if (!incomplete(L, status)) {
      save_line(chunk);
      return status;
    }
    int got = pushline(r, 0);
    if (got == TS_LINE_EOF) return eof_in_chunk(r, chunk);
    lua_remove(L, -2); /* the message */
    if (got == TS_LINE_CANCELLED) return READ_CANCELLED;
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3);
  }
}

/* Leaves a loaded chunk on the stack and returns its load status, or
** returns READ_EOF / READ_CANCELLED with nothing to run. */
static int loadline(const Repl *r) {
  lua_State *L = r->L;
  lua_settop(L, 0);
  int got = pushline(r, 1);
  if (got != TS_LINE_OK) return got == TS_LINE_EOF ? READ_EOF : READ_CANCELLED;
  int status = addreturn(L);
  if (status != LUA_OK) status = multiline(r);
  if (status == READ_CANCELLED) lua_settop(L, 0);
  else lua_remove(L, 1);
  return status;
}

/* The terminal's width, or 0 when stdout is not a terminal. */
static int terminal_width(void) {
  struct winsize ws;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 0;
}

/* Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
static int use_color(void) {
  const char *no = getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && (no == NULL || no[0] == '\0');
}

static void push_pretty_opts(lua_State *L) {
  lua_createtable(L, 0, 2);
  int width = terminal_width();
  if (width > 0) {
    lua_pushinteger(L, width);
    lua_setfield(L, -2, "width");
  }
  lua_pushboolean(L, use_color());
  lua_setfield(L, -2, "color");
}

/* Protected: writes its arguments through pretty.format, separated by tabs
** as `print` separates them. */
static int pretty_results(lua_State *L) {
  int n = lua_gettop(L);
  push_pretty_opts(L);
  int opts = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &PRETTY_KEY);
    lua_pushvalue(L, i);
    lua_pushvalue(L, opts);
    lua_call(L, 2, 1);
    size_t len;
    const char *s = luaL_checklstring(L, -1, &len);
    if (i > 1) lua_writestring("\t", 1);
    lua_writestring(s, len);
    lua_pop(L, 1);
  }
  lua_writeline();
  return 0;
}

static int has_pretty(lua_State *L) {
  int t = lua_rawgetp(L, LUA_REGISTRYINDEX, &PRETTY_KEY);
  lua_pop(L, 1);
  return t == LUA_TFUNCTION;
}

/* Results go through the global `print`, as in `lua`; on a terminal
** through pretty.format, interruptible by Ctrl-C. */
static void print_results(const Repl *r) {
  lua_State *L = r->L;
  int n = lua_gettop(L);
  if (n == 0) return;
  luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
  if (r->term && has_pretty(L)) {
    lua_pushcfunction(L, pretty_results);
    lua_insert(L, 1);
    ts_report(L, ts_docall(L, n, 0));
    return;
  }
  lua_getglobal(L, "print");
  lua_insert(L, 1);
  if (lua_pcall(L, n, 0, 0) != LUA_OK)
    ts_message(NULL, lua_pushfstring(L, "error calling 'print' (%s)", lua_tostring(L, -1)));
}

/* Protected: loads tradescope.pretty, keeps its `format` for results and
** offers the module as the global `pretty` (unless that name is taken). */
static int load_pretty(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.pretty");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "format");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &PRETTY_KEY);
  if (lua_getglobal(L, "pretty") == LUA_TNIL) {
    lua_pushvalue(L, -2);
    lua_setglobal(L, "pretty");
  }
  return 0;
}

static void open_tools(lua_State *L) {
  lua_pushcfunction(L, load_pretty);
  ts_report(L, lua_pcall(L, 0, 0, 0));
}

void ts_repl(lua_State *L) {
  const char *progname = ts_progname();
  Repl r = {L, isatty(STDIN_FILENO)};
  char *histfile = NULL;
  int status;
  open_tools(L);
  if (r.term) histfile = ts_term_open(L, progname);
  ts_setprogname(NULL);
  while ((status = loadline(&r)) != READ_EOF) {
    if (status == READ_CANCELLED) continue;
    if (status == LUA_OK) status = ts_docall(L, 0, LUA_MULTRET);
    if (status == LUA_OK) print_results(&r);
    else ts_report(L, status);
  }
  lua_settop(L, 0);
  lua_writeline();
  if (r.term) ts_term_close(histfile, progname);
  ts_setprogname(progname);
}
