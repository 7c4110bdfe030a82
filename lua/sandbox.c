/*
** sandbox.c — --sandbox.
**
** Removed (calling one raises "NAME is not available under --sandbox"):
**     os.execute, io.popen, os.tmpname, package.loadlib, lfs.link, lfs.lock_dir.
** Absent: every debug function but debug.traceback (debug, and
**     require "debug", give a table holding traceback only).
** Dropped: package.searchers[3] and [4] (C modules); the Lua-file searcher
**     and load, loadfile, dofile accept text chunks only (a forged binary
**     chunk can corrupt the interpreter).
** Restricted to paths inside the output directory (symbolic links and ".."
** resolved first): io.open for writing ("w", "a" or "+" in the mode),
** io.output(filename), os.remove, os.rename (both names), lfs.mkdir,
** lfs.rmdir, lfs.touch, and the bindings' own writers (C_WRITERS:
** dataset.save, a bulk dataset's save).  A refused call fails as the
** function fails on a system error: io.open, os.remove, os.rename and the
** lfs functions return nil, "PATH: outside the output directory DIR
** (--sandbox)" and EACCES; io.output and the C writers raise that message.
** Untouched: reading files, io.write to the standard streams, io.tmpfile,
** os.exit, os.getenv, os.time/date/clock, require of Lua modules, lfs and
** cjson.
*/
#include "sandbox.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "host.h"

static const char OUTDIR_KEY = 'o'; /* the canonical output directory */

/* ---- tradescope.outdir() -------------------------------------------------------- */

static int l_outdir(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  return 1;
}

void ts_setoutdir(lua_State *L, const char *dir) {
  lua_getglobal(L, "tradescope");
  lua_pushstring(L, dir);
  lua_pushcclosure(L, l_outdir, 1);
  ts_sethelp(L, -1, "tradescope.outdir(): the output directory (--out DIR, default reports)");
  lua_setfield(L, -2, "outdir");
  lua_pop(L, 1);
}

/* ---- where a write lands ----------------------------------------------------------- */

static const char *outdir(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &OUTDIR_KEY);
  const char *dir = lua_tostring(L, -1); /* kept alive by the registry */
  lua_pop(L, 1);
  return dir;
}

/* The file a write to `path` reaches, in `out`: the whole path resolved when
** `follow` and it exists (open writes through a symbolic link), else its
** directory resolved and the last name appended (remove, rename and mkdir
** act on a link itself).  Returns 0, an errno, or -1 for a link that points
** nowhere (writing would create a file wherever it points). */
static int resolve(const char *path, int follow, char out[PATH_MAX]) {
  struct stat st;
  if (follow && realpath(path, out) != NULL) return 0;
  if (follow && lstat(path, &st) == 0) return -1;
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/') len--;
  if (len == 0) return ENOENT;
  if (len >= PATH_MAX) return ENAMETOOLONG;
  char copy[PATH_MAX], dir[PATH_MAX];
  memcpy(copy, path, len);
  copy[len] = '\0';
  char *slash = strrchr(copy, '/');
  const char *parent = ".", *name = copy;
  if (slash != NULL) {
    *slash = '\0';
    parent = slash == copy ? "/" : copy;
    name = slash + 1;
  }
  if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return realpath(path, out) != NULL ? 0 : errno;
  if (realpath(parent, dir) == NULL) return errno;
  if (snprintf(out, PATH_MAX, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name) >= PATH_MAX)
    return ENAMETOOLONG;
  return 0;
}

/* Strictly inside: the output directory itself cannot be removed or renamed. */
static int inside(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1) return path[1] != '\0'; /* dir is "/" */
  return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Whether `path` may be written; if not, pushes the message and an errno. */
static int may_write(lua_State *L, const char *path, int follow) {
  char canon[PATH_MAX];
  const char *dir = outdir(L);
  int e = resolve(path, follow, canon);
  if (e == 0 && inside(canon, dir)) return 1;
  if (e > 0) {
    lua_pushfstring(L, "%s: %s", path, strerror(e));
    lua_pushinteger(L, e);
  } else {
    lua_pushfstring(L, "%s: outside the output directory %s (--sandbox)", path, dir);
    lua_pushinteger(L, EACCES);
  }
  return 0;
}

/* A refused call ends as the wrapped function ends on a system error. */
static int refuse(lua_State *L, int raise) {
  if (raise) {
    lua_pop(L, 1);
    return lua_error(L);
  }
  lua_pushnil(L);
  lua_rotate(L, -3, 1);
  return 3;
}

/* Calls upvalue 1 (the original function) with this call's arguments. */
static int call_original(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* ---- wrappers ------------------------------------------------------------------------ */

enum { FOLLOW = 1, RAISE = 2 };

/* Upvalues: the original, a bit mask of the path arguments, FOLLOW|RAISE. */
static int guarded(lua_State *L) {
  lua_Integer args = lua_tointeger(L, lua_upvalueindex(2));
  int how = (int)lua_tointeger(L, lua_upvalueindex(3));
  for (int i = 1; i <= 8; i++)
    if ((args & (1 << i)) && lua_type(L, i) == LUA_TSTRING &&
        !may_write(L, lua_tostring(L, i), how & FOLLOW))
      return refuse(L, how & RAISE);
  return call_original(L);
}

/* Wraps field `name` of the table at `t` (absent fields are left alone). */
static void guard(lua_State *L, int t, const char *name, int args, int how) {
  t = lua_absindex(L, t);
  if (lua_getfield(L, t, name) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    return;
  }
  lua_pushinteger(L, args);
  lua_pushinteger(L, how);
  lua_pushcclosure(L, guarded, 3);
  lua_setfield(L, t, name);
}

#define ARG(i) (1 << (i))

static int io_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *mode = luaL_optstring(L, 2, "r");
  if (strpbrk(mode, "wa+") != NULL && !may_write(L, path, FOLLOW)) return refuse(L, 0);
  return call_original(L);
}

static void wrap(lua_State *L, int t, const char *name, lua_CFunction f) {
  t = lua_absindex(L, t);
  lua_getfield(L, t, name);
  lua_pushcclosure(L, f, 1);
  lua_setfield(L, t, name);
}

static int denied(lua_State *L) {
  return luaL_error(L, "%s is not available under --sandbox", lua_tostring(L, lua_upvalueindex(1)));
}

static void deny(lua_State *L, int t, const char *name, const char *fullname) {
  t = lua_absindex(L, t);
  lua_pushstring(L, fullname);
  lua_pushcclosure(L, denied, 1);
  lua_setfield(L, t, name);
}

/* ---- text-only chunks -------------------------------------------------------------------- */

/* load(chunk, name, mode, env) and loadfile(name, mode, env) with mode "t". */
static int text_mode_at(lua_State *L, int modeidx) {
  if (lua_gettop(L) < modeidx) lua_settop(L, modeidx);
  lua_pushliteral(L, "t");
  lua_replace(L, modeidx);
  return call_original(L);
}

static int load_text(lua_State *L) { return text_mode_at(L, 3); }
static int loadfile_text(lua_State *L) { return text_mode_at(L, 2); }

static int dofile_text(lua_State *L) {
  const char *name = luaL_optstring(L, 1, NULL);
  lua_settop(L, 1);
  if (luaL_loadfilex(L, name, "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

/* package.searchers[2] in text mode; upvalue 1 is the package table. */
static int search_lua_text(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_getfield(L, lua_upvalueindex(1), "searchpath");
  lua_pushstring(L, name);
  if (lua_getfield(L, lua_upvalueindex(1), "path") != LUA_TSTRING)
    return luaL_error(L, "'package.path' must be a string");
  lua_call(L, 2, 2);
  if (lua_isnil(L, -2)) return 1; /* the list of files tried */
  const char *file = lua_tostring(L, -2);
  if (luaL_loadfilex(L, file, "t") != LUA_OK)
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file,
                      lua_tostring(L, -1));
  lua_pushstring(L, file);
  return 2;
}

/* ---- the libraries --------------------------------------------------------------------- */

static void restrict_os_io(lua_State *L) {
  lua_getglobal(L, "os");
  deny(L, -1, "execute", "os.execute");
  deny(L, -1, "tmpname", "os.tmpname");
  guard(L, lua_gettop(L), "remove", ARG(1), 0);
  guard(L, lua_gettop(L), "rename", ARG(1) | ARG(2), 0);
  lua_getglobal(L, "io");
  deny(L, -1, "popen", "io.popen");
  wrap(L, lua_gettop(L), "open", io_open);
  guard(L, lua_gettop(L), "output", ARG(1), FOLLOW | RAISE);
  lua_pop(L, 2);
}

/* debug becomes a table holding traceback only: the rest reaches locals,
** upvalues, hooks and the registry, which would undo every other
** restriction.  Absent rather than raising, so that library code written
** as `debug and debug.getmetatable or getmetatable` still works. */
static void restrict_debug(lua_State *L) {
  lua_getglobal(L, "debug");
  lua_createtable(L, 0, 1);
  lua_getfield(L, -2, "traceback");
  lua_setfield(L, -2, "traceback");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "debug");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_insert(L, -2);
  lua_setfield(L, -2, "debug");
  lua_pop(L, 2);
}

static void restrict_lfs_table(lua_State *L, int t) {
  t = lua_absindex(L, t);
  guard(L, t, "mkdir", ARG(1), 0);
  guard(L, t, "rmdir", ARG(1), 0);
  guard(L, t, "touch", ARG(1), FOLLOW);
  deny(L, t, "link", "lfs.link");
  deny(L, t, "lock_dir", "lfs.lock_dir");
}

/* package.preload.lfs, restricted as it loads; upvalue 1 the real loader. */
static int load_lfs(lua_State *L) {
  call_original(L);
  lua_settop(L, 1);
  if (lua_istable(L, 1)) restrict_lfs_table(L, 1);
  return 1;
}

static void restrict_package(lua_State *L) {
  lua_getglobal(L, "package");
  int pkg = lua_gettop(L);
  deny(L, pkg, "loadlib", "package.loadlib");
  lua_getfield(L, pkg, "searchers");
  lua_pushvalue(L, pkg);
  lua_pushcclosure(L, search_lua_text, 1);
  lua_rawseti(L, -2, 2);
  for (lua_Integer i = luaL_len(L, -1); i > 2; i--) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  lua_pop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  if (lua_getfield(L, -1, "lfs") == LUA_TFUNCTION) {
    lua_pushcclosure(L, load_lfs, 1);
    lua_setfield(L, -2, "lfs");
  } else {
    lua_pop(L, 1);
  }
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, "lfs") == LUA_TTABLE) restrict_lfs_table(L, -1);
  lua_pop(L, 4);
}

static void restrict_loading(lua_State *L) {
  lua_pushglobaltable(L);
  wrap(L, -1, "load", load_text);
  wrap(L, -1, "loadfile", loadfile_text);
  lua_pushcfunction(L, dofile_text);
  lua_setfield(L, -2, "dofile");
  lua_pop(L, 1);
}

/* Methods of the bindings that write files from C, out of reach of the io
** and os wrappers: each is guarded in its type's method table.  A binding
** that adds a writer adds it here. */
static const struct {
  const char *type, *methods, *name;
  int patharg;
} C_WRITERS[] = {
  {"tradescope.kb", "__index", "save", 3},      /* dataset.save (l_kb.c) */
  {"tradescope.bulk", "__methods", "save", 2},  /* ds:save(path), a snapshot (l_bulk.c) */
};

static void restrict_c_writers(lua_State *L) {
  for (size_t i = 0; i < sizeof C_WRITERS / sizeof *C_WRITERS; i++) {
    int top = lua_gettop(L);
    if (luaL_getmetatable(L, C_WRITERS[i].type) == LUA_TTABLE &&
        lua_getfield(L, -1, C_WRITERS[i].methods) == LUA_TTABLE)
      guard(L, -1, C_WRITERS[i].name, ARG(C_WRITERS[i].patharg), RAISE);
    lua_settop(L, top);
  }
}

/* The output directory, made when missing, as a canonical path. */
static void set_outdir(lua_State *L, const char *dir) {
  char canon[PATH_MAX];
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    luaL_error(L, "--out: cannot create '%s': %s", dir, strerror(errno));
  if (realpath(dir, canon) == NULL)
    luaL_error(L, "--out: '%s': %s", dir, strerror(errno));
  struct stat st;
  if (stat(canon, &st) != 0 || !S_ISDIR(st.st_mode))
    luaL_error(L, "--out: '%s' is not a directory", dir);
  lua_pushstring(L, canon);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &OUTDIR_KEY);
}

int ts_opensandbox(lua_State *L) {
  set_outdir(L, luaL_checkstring(L, 1));
  restrict_os_io(L);
  restrict_debug(L);
  restrict_package(L);
  restrict_loading(L);
  restrict_c_writers(L);
  return 0;
}
