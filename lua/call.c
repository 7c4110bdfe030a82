#include "call.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>

/* The state a SIGINT handler stops; a signal handler has no other way in. */
static lua_State *running_state = NULL;
static const char *progname = "tradescope";

void ts_setprogname(const char *name) { progname = name; }
const char *ts_progname(void) { return progname; }

void ts_message(const char *pname, const char *msg) {
  if (pname != NULL) lua_writestringerror("%s: ", pname);
  lua_writestringerror("%s\n", msg);
}

int ts_report(lua_State *L, int status) {
  if (status != LUA_OK) {
    ts_message(progname, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

/* Converts a non-string error object as `lua` does, then adds a traceback. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static void lstop(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

/* Only async-signal-safe work here: arm a hook that raises at the next step. */
static void laction(int sig) {
  int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  signal(sig, SIG_DFL); /* a second Ctrl-C kills the process */
  lua_sethook(running_state, lstop, flag, 1);
}

int ts_docall(lua_State *L, int narg, int nres) {
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  running_state = L;
  void (*old)(int) = signal(SIGINT, laction);
  int status = lua_pcall(L, narg, nres, base);
  signal(SIGINT, old);
  lua_remove(L, base);
  return status;
}
