/*
** host.c — the pieces every binding shares: help texts, module listing,
** the embedded Lua library and the statically linked C modules.
*/
#include "host.h"
#include "error.h"

#include <lualib.h>
#include <lfs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int luaopen_cjson(lua_State *L);
int luaopen_cjson_safe(lua_State *L);

/* Registry keys: addresses of these statics are unique light userdata. */
static const char HELP_KEY = 'h';
static const char MODULES_KEY = 'm';
static const char DATADIR_KEY = 'd';

/* The help table is weak-keyed: help never keeps a function alive. */
static void push_weak_table(lua_State *L, const void *key, const char *mode) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    if (mode != NULL) {
      lua_createtable(L, 0, 1);
      lua_pushstring(L, mode);
      lua_setfield(L, -2, "__mode");
      lua_setmetatable(L, -2);
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);
  }
}

void ts_sethelp(lua_State *L, int idx, const char *text) {
  idx = lua_absindex(L, idx);
  push_weak_table(L, &HELP_KEY, "k");
  lua_pushvalue(L, idx);
  lua_pushstring(L, text);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void ts_setfuncs(lua_State *L, int idx, const ts_Reg *l) {
  idx = lua_absindex(L, idx);
  for (; l->name != NULL; l++) {
    lua_pushcfunction(L, l->func);
    if (l->help != NULL) ts_sethelp(L, -1, l->help);
    lua_setfield(L, idx, l->name);
  }
}

int ts_raise(lua_State *L, const ts_err *err) {
  lua_pushstring(L, err->msg);
  return lua_error(L);
}

void ts_newlib(lua_State *L, const ts_Reg *l) {
  int n = 0;
  while (l[n].name != NULL) n++;
  lua_createtable(L, 0, n);
  ts_setfuncs(L, -1, l);
}

void ts_addmodule(lua_State *L, const char *name, const char *summary) {
  push_weak_table(L, &MODULES_KEY, NULL);
  lua_pushstring(L, summary);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

/* Pushes the sorted keys of the table at idx as a sequence. */
static void push_sorted_keys(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "sort");
  lua_remove(L, -2);
  lua_newtable(L);
  int n = 0;
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1))
    if (lua_type(L, -2) == LUA_TSTRING) {
      lua_pushvalue(L, -2);
      lua_rawseti(L, -4, ++n);
    }
  lua_pushvalue(L, -1);
  lua_insert(L, -3);
  lua_call(L, 1, 0);
}

static void print_line(lua_State *L, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  (void)L;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  lua_writestring(line, strlen(line));
  lua_writeline();
}

static void print_modules(lua_State *L) {
  push_weak_table(L, &MODULES_KEY, NULL);
  push_sorted_keys(L, -1);
  print_line(L, "Modules (help(module) lists its functions, help(f) shows one):");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
    lua_pushvalue(L, -1);
    lua_gettable(L, -4);
    print_line(L, "  %-12s %s", lua_tostring(L, -2), lua_tostring(L, -1));
    lua_pop(L, 2);
  }
  lua_pop(L, 3);
}

/* Lists the documented functions of a module table. */
static int print_table_help(lua_State *L, int t, int helptab) {
  int shown = 0;
  push_sorted_keys(L, t);
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
    lua_gettable(L, t);
    if (lua_rawget(L, helptab) == LUA_TSTRING) {
      print_line(L, "  %s", lua_tostring(L, -1));
      shown++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return shown;
}

/* help([x]): prints the one-line help of x, the functions of module x, or
** the list of modules.  Printing (not returning) keeps the REPL output clean. */
static int l_help(lua_State *L) {
  if (lua_isnoneornil(L, 1)) {
    print_modules(L);
    return 0;
  }
  push_weak_table(L, &HELP_KEY, "k");
  int helptab = lua_gettop(L);
  lua_pushvalue(L, 1);
  if (lua_rawget(L, helptab) == LUA_TSTRING) print_line(L, "%s", lua_tostring(L, -1));
  lua_pop(L, 1);
  if (lua_istable(L, 1) && print_table_help(L, 1, helptab) > 0) return 0;
  lua_pushvalue(L, 1);
  if (lua_rawget(L, helptab) == LUA_TNIL)
    print_line(L, "no help for %s", luaL_tolstring(L, 1, NULL));
  return 0;
}

/* tradescope.sethelp(f, text): lets Lua-side library code register help. */
static int l_sethelp(lua_State *L) {
  luaL_checkany(L, 1);
  ts_sethelp(L, 1, luaL_checkstring(L, 2));
  lua_settop(L, 1);
  return 1;
}

static int l_addmodule(lua_State *L) {
  ts_addmodule(L, luaL_checkstring(L, 1), luaL_checkstring(L, 2));
  return 0;
}

static int l_datadir(lua_State *L) {
  const char *dir = ts_datadir(L);
  if (dir == NULL) return 0;
  lua_pushstring(L, dir);
  return 1;
}

void ts_setdatadir(lua_State *L, const char *dir) {
  lua_pushstring(L, dir);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &DATADIR_KEY);
}

const char *ts_datadir(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &DATADIR_KEY);
  const char *dir = lua_tostring(L, -1); /* kept alive by the registry */
  lua_pop(L, 1);
  return dir;
}

static int load_embedded(lua_State *L) {
  const ts_Embedded *e = lua_touserdata(L, lua_upvalueindex(1));
  if (luaL_loadbuffer(L, e->source, strlen(e->source), e->chunkname) != LUA_OK)
    return lua_error(L);
  lua_pushstring(L, e->module);
  lua_call(L, 1, 1);
  return 1;
}

static void preload(lua_State *L, const char *name, lua_CFunction f) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

static void preload_embedded(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (const ts_Embedded *e = ts_embedded; e->module != NULL; e++) {
    lua_pushlightuserdata(L, (void *)e);
    lua_pushcclosure(L, load_embedded, 1);
    lua_setfield(L, -2, e->module);
  }
  lua_pop(L, 1);
}

/* An embedded module whose first line is "--@global NAME" is required at
** start-up into global NAME: Lua-side tools (pretty, report, ...) register
** themselves without a list to keep in step. */
#define GLOBAL_MARK "--@global "

static void install_globals(lua_State *L) {
  for (const ts_Embedded *e = ts_embedded; e->module != NULL; e++) {
    if (strncmp(e->source, GLOBAL_MARK, strlen(GLOBAL_MARK)) != 0) continue;
    const char *name = e->source + strlen(GLOBAL_MARK);
    size_t len = strcspn(name, " \r\n");
    lua_getglobal(L, "require");
    lua_pushstring(L, e->module);
    lua_call(L, 1, 1);
    lua_pushglobaltable(L);
    lua_insert(L, -2);
    lua_pushlstring(L, name, len);
    lua_insert(L, -2);
    lua_settable(L, -3);
    lua_pop(L, 1);
  }
}

static const ts_Reg host_funcs[] = {
  {"sethelp", l_sethelp, "tradescope.sethelp(f, text): record the one-line help of f"},
  {"addmodule", l_addmodule, "tradescope.addmodule(name, summary): list a module in help()"},
  {"datadir", l_datadir, "tradescope.datadir(): the dataset directory in use, or nil"},
  {NULL, NULL, NULL}
};

void ts_openhost(lua_State *L) {
  preload(L, "lfs", luaopen_lfs);
  preload(L, "cjson", luaopen_cjson);
  preload(L, "cjson.safe", luaopen_cjson_safe);
  preload_embedded(L);

  ts_newlib(L, host_funcs);
  lua_pushliteral(L, TS_VERSION);
  lua_setfield(L, -2, "version");
  lua_setglobal(L, "tradescope");
  ts_addmodule(L, "tradescope", "the host: version, datadir(), sethelp()");

  lua_pushcfunction(L, l_help);
  ts_sethelp(L, -1, "help([f]): the one-line help of f, or the list of modules");
  lua_setglobal(L, "help");

  for (const ts_Binding *b = ts_bindings; b->name != NULL; b++) {
    lua_pushcfunction(L, b->open);
    lua_call(L, 0, 0);
  }

  install_globals(L);
}
