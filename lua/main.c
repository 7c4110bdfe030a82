/*
** main.c — the tradescope command.  It behaves as the standard `lua` 5.4
** command does (same options, messages and exit statuses) and adds options
** of its own, all spelled `--word`, which `lua` rejects, so none of them can
** change the meaning of a `lua` command line.
*/
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "call.h"
#include "host.h"
#include "repl.h"
#include "sandbox.h"

#define LUA_INIT_VAR "LUA_INIT"
#define LUA_INITVARVERSION LUA_INIT_VAR LUA_VERSUFFIX

enum {
  HAS_ERROR = 1, HAS_I = 2, HAS_V = 4, HAS_E = 8, HAS_NOENV = 16,
  HAS_HELP = 32, HAS_VERSION = 64, HAS_CHECK = 128, HAS_SANDBOX = 256
};

typedef struct Options {
  int flags;
  int script;            /* index of the script in argv, or argc */
  const char *datadir;   /* --data DIR */
  const char *outdir;    /* --out DIR */
  size_t max_memory;     /* --max-memory SIZE in bytes; 0: none */
  const char *memory_text;
  double timeout;        /* --timeout SECONDS; 0: none */
  const char *timeout_text;
  const char *bad_value; /* why an option's value was refused */
} Options;

/* Loading mode of the chunks the user gives: text only under --sandbox
** (a forged binary chunk can corrupt the interpreter). */
static const char *chunk_mode = NULL;

static void print_usage(FILE *out, const char *progname) {
  fprintf(out,
    "usage: %s [options] [script [args]]\n"
    "Available options are:\n"
    "  -e stat   execute string 'stat'\n"
    "  -i        enter interactive mode after executing 'script'\n"
    "  -l mod    require library 'mod' into global 'mod'\n"
    "  -l g=mod  require library 'mod' into global 'g'\n"
    "  -v        show version information\n"
    "  -E        ignore environment variables\n"
    "  -W        turn warnings on\n"
    "  --        stop handling options\n"
    "  -         stop handling options and execute stdin\n"
    "Options of tradescope:\n"
    "  --data DIR  use the dataset in DIR (default: $TRADESCOPE_DATA, then the\n"
    "              installed dataset, then data/ beside the binary)\n"
    "  --check     validate the dataset and list conflicts between sources\n"
    "  --max-memory SIZE  stop a script that takes more than SIZE bytes of Lua\n"
    "              memory (SIZE: bytes, or a number with k, M or G: 500k, 64M, 1G)\n"
    "  --timeout SECONDS  stop a script that runs longer than SECONDS\n"
    "  --sandbox   no os.execute, io.popen, C modules or debug library; files\n"
    "              written, removed or renamed only inside the output directory\n"
    "  --out DIR   the output directory (default: reports; created by --sandbox)\n"
    "  --help      show this help and exit\n"
    "  --version   show version information and exit\n"
    "Exit status: 0 ok; 1 error (as lua); 3 --timeout exceeded; 4 --max-memory exceeded.\n",
    progname);
  fflush(out);
}

/* Our options that take a value as the next argument. */
static int takes_value(const char *opt) {
  static const char *const with_value[] = {"--data", "--max-memory", "--timeout", "--out"};
  for (size_t i = 0; i < sizeof with_value / sizeof *with_value; i++)
    if (strcmp(opt, with_value[i]) == 0) return 1;
  return 0;
}

static void bad_option(const char *progname, const char *opt) {
  lua_writestringerror("%s: ", progname);
  if (opt[0] == '-' && (opt[1] == 'e' || opt[1] == 'l' || takes_value(opt)))
    lua_writestringerror("'%s' needs argument\n", opt);
  else
    lua_writestringerror("unrecognized option '%s'\n", opt);
  print_usage(stderr, progname);
}

static void print_version(void) {
  lua_writestring("tradescope " TS_VERSION, strlen("tradescope " TS_VERSION));
  lua_writeline();
  lua_writestring(LUA_COPYRIGHT, strlen(LUA_COPYRIGHT));
  lua_writeline();
}

/* SIZE: plain bytes, or a whole number with k, M or G (powers of 1024). */
static int parse_size(const char *s, size_t *out) {
  if (!isdigit((unsigned char)s[0])) return 0;
  errno = 0;
  char *end;
  unsigned long long n = strtoull(s, &end, 10);
  int shift = 0;
  switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: break;
  }
  if (errno != 0 || *end != '\0' || n == 0 || n > (SIZE_MAX >> shift)) return 0;
  *out = (size_t)n << shift;
  return 1;
}

/* SECONDS: digits with an optional fraction, more than 0, at most a year. */
static int parse_seconds(const char *s, double *out) {
  size_t digits = strspn(s, "0123456789");
  if (digits == 0) return 0;
  size_t frac = s[digits] == '.' ? strspn(s + digits + 1, "0123456789") : 0;
  if (frac > 0) digits += 1 + frac;
  if (s[digits] != '\0') return 0;
  *out = strtod(s, NULL);
  return *out > 0 && *out <= 366 * 86400.0;
}

/* The value of an option written "--opt VALUE" or "--opt=VALUE", or NULL. */
static const char *option_value(char **argv, int *i, const char *name) {
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) != 0) return NULL;
  if (a[n] == '=') return a + n + 1;
  if (a[n] != '\0' || argv[*i + 1] == NULL) return NULL;
  return argv[++*i];
}

static int value_option(char **argv, int *i, Options *o) {
  const char *v;
  if ((v = option_value(argv, i, "--data")) != NULL) o->datadir = v;
  else if ((v = option_value(argv, i, "--out")) != NULL) o->outdir = v;
  else if ((v = option_value(argv, i, "--max-memory")) != NULL) {
    o->memory_text = v;
    if (!parse_size(v, &o->max_memory))
      o->bad_value = "--max-memory: expected a size in bytes, or a number with k, M or G "
                     "(500k, 64M, 1G)";
  } else if ((v = option_value(argv, i, "--timeout")) != NULL) {
    o->timeout_text = v;
    if (!parse_seconds(v, &o->timeout))
      o->bad_value = "--timeout: expected a number of seconds above 0 (2, 0.5, 600)";
  } else return 0;
  return 1;
}

/* Our own options: whole words after "--".  Returns 0 on an unknown one. */
static int long_option(char **argv, int *i, Options *o) {
  const char *a = argv[*i];
  if (strcmp(a, "--help") == 0) o->flags |= HAS_HELP;
  else if (strcmp(a, "--version") == 0) o->flags |= HAS_VERSION;
  else if (strcmp(a, "--check") == 0) o->flags |= HAS_CHECK;
  else if (strcmp(a, "--sandbox") == 0) o->flags |= HAS_SANDBOX;
  else return value_option(argv, i, o);
  return 1;
}

/* As lua.c's collectargs: sets o->script to the first non-option (or the
** offending option on error). */
static void collect_args(char **argv, Options *o) {
  int i;
  for (i = 1; argv[i] != NULL; i++) {
    o->script = i;
    const char *a = argv[i];
    if (a[0] != '-') return;
    switch (a[1]) {
      case '-':
        if (a[2] == '\0') { o->script = i + 1; return; }
        if (!long_option(argv, &i, o)) { o->flags = HAS_ERROR; return; }
        break;
      case '\0': return;                 /* "-": the script is stdin */
      case 'E': case 'W':
        if (a[2] != '\0') { o->flags = HAS_ERROR; return; }
        if (a[1] == 'E') o->flags |= HAS_NOENV;
        break;
      case 'i':
        o->flags |= HAS_I; /* -i implies -v */
        __attribute__((fallthrough));
      case 'v':
        if (a[2] != '\0') { o->flags = HAS_ERROR; return; }
        o->flags |= HAS_V;
        break;
      case 'e':
        o->flags |= HAS_E;
        __attribute__((fallthrough));
      case 'l':
        if (a[2] == '\0') {
          i++;
          if (argv[i] == NULL || argv[i][0] == '-') { o->flags = HAS_ERROR; return; }
        }
        break;
      default: o->flags = HAS_ERROR; return;
    }
  }
  o->script = i;
}

static void create_arg_table(lua_State *L, char **argv, int argc, int script) {
  if (script == argc) script = 0;
  lua_createtable(L, argc - (script + 1), script + 1);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

static int dochunk(lua_State *L, int status) {
  if (status == LUA_OK) status = ts_docall(L, 0, 0);
  return ts_report(L, status);
}

static int dofile(lua_State *L, const char *name) {
  return dochunk(L, luaL_loadfilex(L, name, chunk_mode));
}

static int dostring(lua_State *L, const char *s, const char *name) {
  return dochunk(L, luaL_loadbufferx(L, s, strlen(s), name, chunk_mode));
}

/* -l g=mod: g = require "mod"; a plain -l mod sets global mod. */
static int dolibrary(lua_State *L, const char *arg) {
  const char *eq = strchr(arg, '=');
  const char *modname = eq ? eq + 1 : arg;
  lua_getglobal(L, "require");
  lua_pushstring(L, modname);
  int status = ts_docall(L, 1, 1);
  if (status == LUA_OK) {
    lua_pushlstring(L, arg, eq ? (size_t)(eq - arg) : strlen(arg));
    lua_insert(L, -2);
    lua_setglobal(L, lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  return ts_report(L, status);
}

static int handle_luainit(lua_State *L) {
  const char *name = "=" LUA_INITVARVERSION;
  const char *init = getenv(name + 1);
  if (init == NULL) {
    name = "=" LUA_INIT_VAR;
    init = getenv(name + 1);
  }
  if (init == NULL) return LUA_OK;
  if (init[0] == '@') return dofile(L, init + 1);
  return dostring(L, init, name);
}

/* Runs -e and -l in command-line order; skips our own options. */
static int run_args(lua_State *L, char **argv, int n) {
  for (int i = 1; i < n; i++) {
    int option = argv[i][1];
    if (option == 'e' || option == 'l') {
      const char *extra = argv[i] + 2;
      if (*extra == '\0') extra = argv[++i];
      int status = option == 'e' ? dostring(L, extra, "=(command line)")
                                 : dolibrary(L, extra);
      if (status != LUA_OK) return 0;
    } else if (option == 'W') {
      lua_warning(L, "@on", 0);
    } else if (takes_value(argv[i])) {
      i++;
    }
  }
  return 1;
}

static int push_script_args(lua_State *L) {
  if (lua_getglobal(L, "arg") != LUA_TTABLE) luaL_error(L, "'arg' is not a table");
  int n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  int i;
  for (i = 1; i <= n; i++) lua_rawgeti(L, -i, i);
  lua_remove(L, -i);
  return n;
}

static int handle_script(lua_State *L, char **argv) {
  const char *fname = argv[0];
  if (strcmp(fname, "-") == 0 && strcmp(argv[-1], "--") != 0) fname = NULL;
  int status = luaL_loadfilex(L, fname, chunk_mode);
  if (status == LUA_OK) status = ts_docall(L, push_script_args(L), LUA_MULTRET);
  return ts_report(L, status);
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The bundled data beside the binary (a build tree) or under ../share (an
** install): found from /proc/self/exe so that no path is compiled in. */
static void default_datadir(lua_State *L) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash == NULL) return;
  *slash = '\0';
  const char *tails[] = {"/data", "/../share/tradescope/data", "/../../data"};
  for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
    char dir[PATH_MAX];
    lua_pushfstring(L, "%s%s", exe, tails[i]);
    int found = is_dir(lua_tostring(L, -1)) && realpath(lua_tostring(L, -1), dir) != NULL;
    lua_pop(L, 1);
    if (found) {
      ts_setdatadir(L, dir);
      return;
    }
  }
}

static int set_datadir(lua_State *L, const Options *o) {
  const char *dir = o->datadir ? o->datadir : getenv("TRADESCOPE_DATA");
  if (dir == NULL || dir[0] == '\0') {
    default_datadir(L);
    return 1;
  }
  if (!is_dir(dir)) {
    lua_pushfstring(L, "%s: data directory '%s' does not exist or is not a directory",
                    o->datadir ? "--data" : "TRADESCOPE_DATA", dir);
    ts_report(L, LUA_ERRRUN);
    return 0;
  }
  ts_setdatadir(L, dir);
  return 1;
}

/* Protected without a traceback: a refusal is one line. */
static int enter_sandbox(lua_State *L, const Options *o) {
  lua_pushcfunction(L, ts_opensandbox);
  lua_pushstring(L, o->outdir ? o->outdir : TS_DEFAULT_OUTDIR);
  if (ts_report(L, lua_pcall(L, 1, 0, 0)) != LUA_OK) return 0;
  chunk_mode = "t";
  return 1;
}

/* The limits apply from the start: LUA_INIT, -e, -l, the script, --check. */
static void set_limits(lua_State *L, const Options *o) {
  if (o->max_memory > 0) ts_limit_memory(L, o->max_memory, o->memory_text);
  if (o->timeout > 0) ts_limit_time(L, o->timeout, o->timeout_text);
}

/* --check runs the dataset checker of the Lua library. */
static int run_check(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.checkcmd");
  int status = ts_docall(L, 1, 1);
  if (status == LUA_OK) status = ts_docall(L, 0, 1);
  if (ts_report(L, status) != LUA_OK) return 0;
  int ok = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return ok;
}

static int run_main(lua_State *L, int argc, char **argv, const Options *o) {
  int script = o->script;
  if (o->flags & HAS_V) print_version();
  if (o->flags & HAS_NOENV) {
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
  }
  luaL_openlibs(L);
  if (!set_datadir(L, o)) return 0;
  ts_openhost(L);
  ts_setoutdir(L, o->outdir ? o->outdir : TS_DEFAULT_OUTDIR);
  if ((o->flags & HAS_SANDBOX) && !enter_sandbox(L, o)) return 0;
  create_arg_table(L, argv, argc, script);
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
  if (!(o->flags & HAS_NOENV) && handle_luainit(L) != LUA_OK) return 0;
  if (!run_args(L, argv, script)) return 0;
  if (o->flags & HAS_CHECK) return run_check(L);
  if (script < argc && handle_script(L, argv + script) != LUA_OK) return 0;
  if (o->flags & HAS_I) {
    ts_repl(L);
  } else if (script == argc && !(o->flags & (HAS_E | HAS_V))) {
    if (isatty(STDIN_FILENO)) {
      print_version();
      ts_repl(L);
    } else if (dofile(L, NULL) != LUA_OK) {
      return 0;
    }
  }
  return 1;
}

static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  Options o = {.script = argc};
  luaL_checkversion(L);
  collect_args(argv, &o);
  if (o.flags == HAS_ERROR) {
    bad_option(ts_progname(), argv[o.script]);
    return 0;
  }
  if (o.bad_value != NULL) {
    ts_message(ts_progname(), o.bad_value);
    return 0;
  }
  if (o.flags & HAS_HELP) {
    print_usage(stdout, ts_progname());
    lua_pushboolean(L, 1);
    return 1;
  }
  if (o.flags & HAS_VERSION) {
    print_version();
    lua_pushboolean(L, 1);
    return 1;
  }
  set_limits(L, &o);
  lua_pushboolean(L, run_main(L, argc, argv, &o));
  return 1;
}

int main(int argc, char **argv) {
  if (argv[0] != NULL && argv[0][0] != '\0') ts_setprogname(argv[0]);
  lua_State *L = luaL_newstate();
  if (L == NULL) {
    ts_message(argv[0], "cannot create state: not enough memory");
    return EXIT_FAILURE;
  }
  lua_gc(L, LUA_GCSTOP);
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int status = lua_pcall(L, 2, 1, 0);
  ts_limit_release();
  int result = lua_toboolean(L, -1);
  ts_report(L, status);
  int failure = ts_failure_status();
  lua_close(L);
  return (result && status == LUA_OK) ? EXIT_SUCCESS : failure;
}
