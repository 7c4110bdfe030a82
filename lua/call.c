#include "call.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The state a SIGINT handler stops; a signal handler has no other way in. */
static lua_State *running_state = NULL;
static const char *progname = "tradescope";

/* The limits of this process's one state.  Static because the allocator,
** the hook and the SIGALRM handler are all called without our context. */
static struct {
  lua_Alloc base;            /* the allocator the limit wraps */
  void *base_ud;
  size_t max, used;          /* bytes; max SIZE_MAX: no limit */
  int memory_hit;            /* an allocation was refused */
  const char *memory_text;
  lua_State *main;           /* the thread the timeout hook was set on */
  struct timespec deadline;
  int timed, expired;
  const char *time_text;
  char hard_msg[256];        /* written by the SIGALRM handler */
  size_t hard_len;
  int failure;               /* exit status of the last error reported */
} lim = {.max = SIZE_MAX, .failure = EXIT_FAILURE};

#define HOOK_EVERY 10000 /* instructions between two looks at the clock */

void ts_setprogname(const char *name) { progname = name; }
const char *ts_progname(void) { return progname; }

void ts_message(const char *pname, const char *msg) {
  if (pname != NULL) lua_writestringerror("%s: ", pname);
  lua_writestringerror("%s\n", msg);
}

/* ---- --max-memory ----------------------------------------------------------- */

/* Frees and shrinks always succeed: Lua assumes they cannot fail. */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  size_t old = ptr != NULL ? osize : 0; /* without a block, osize is a type tag */
  if (nsize > old) {
    size_t more = nsize - old;
    if (more > lim.max || lim.used > lim.max - more) {
      lim.memory_hit = 1;
      return NULL;
    }
  }
  void *p = lim.base(lim.base_ud, ptr, osize, nsize);
  if (p != NULL || nsize == 0) lim.used = lim.used - old + nsize;
  return p;
}

void ts_limit_memory(lua_State *L, size_t bytes, const char *text) {
  lim.base = lua_getallocf(L, &lim.base_ud);
  lim.used = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
  lim.max = bytes;
  lim.memory_text = text;
  lua_setallocf(L, limited_alloc, NULL);
}

void ts_limit_release(void) { lim.max = SIZE_MAX; }

/* ---- --timeout ---------------------------------------------------------------- */

static int past_deadline(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > lim.deadline.tv_sec ||
         (now.tv_sec == lim.deadline.tv_sec && now.tv_nsec >= lim.deadline.tv_nsec);
}

/* Once expired, the hook runs at every instruction of every thread it can
** reach, so a pcall (or coroutine.resume) that catches the error gets no
** further than its next instruction. */
static void timeout_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  if (!lim.expired && !past_deadline()) return;
  lim.expired = 1;
  lua_sethook(L, timeout_hook, LUA_MASKCOUNT, 1);
  if (L != lim.main) lua_sethook(lim.main, timeout_hook, LUA_MASKCOUNT, 1);
  luaL_error(L, "script exceeded --timeout %s s", lim.time_text);
}

/* Only async-signal-safe calls: the process may be anywhere. */
static void hard_stop(int sig) {
  (void)sig;
  ssize_t n = write(STDERR_FILENO, lim.hard_msg, lim.hard_len);
  (void)n;
  _exit(TS_EXIT_TIMEOUT);
}

/* The hook of a state when no Ctrl-C is pending: the timeout's, if any. */
static void restore_hook(lua_State *L) {
  if (lim.timed) lua_sethook(L, timeout_hook, LUA_MASKCOUNT, lim.expired ? 1 : HOOK_EVERY);
  else lua_sethook(L, NULL, 0, 0);
}

void ts_limit_time(lua_State *L, double seconds, const char *text) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double whole = (double)(time_t)seconds;
  long nsec = now.tv_nsec + (long)((seconds - whole) * 1e9);
  lim.deadline.tv_sec = now.tv_sec + (time_t)whole + nsec / 1000000000L;
  lim.deadline.tv_nsec = nsec % 1000000000L;
  lim.main = L;
  lim.timed = 1;
  lim.time_text = text;
  int n = snprintf(lim.hard_msg, sizeof lim.hard_msg, "%s%sscript exceeded --timeout %s s\n",
                   progname ? progname : "", progname ? ": " : "", text);
  lim.hard_len = n < 0 ? 0 : (size_t)n < sizeof lim.hard_msg ? (size_t)n : sizeof lim.hard_msg - 1;
  restore_hook(L);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = hard_stop;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {(time_t)whole + 1, (suseconds_t)((seconds - whole) * 1e6)}};
  setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- reporting ------------------------------------------------------------------ */

/* The line for an error that a limit caused, or NULL. */
static const char *limit_message(lua_State *L, int status, char *buf, size_t size) {
  if (lim.expired) {
    snprintf(buf, size, "script exceeded --timeout %s s", lim.time_text);
    lim.failure = TS_EXIT_TIMEOUT;
    return buf;
  }
  const char *msg = lua_tostring(L, -1);
  static const char NOMEM[] = "not enough memory";
  if (lim.memory_hit && (status == LUA_ERRMEM || status == LUA_ERRERR ||
                         (msg != NULL && strncmp(msg, NOMEM, sizeof NOMEM - 1) == 0))) {
    snprintf(buf, size, "script exceeded --max-memory %s", lim.memory_text);
    lim.failure = TS_EXIT_MEMORY;
    return buf;
  }
  lim.failure = EXIT_FAILURE;
  return NULL;
}

int ts_report(lua_State *L, int status) {
  if (status != LUA_OK) {
    char buf[128];
    const char *limit = limit_message(L, status, buf, sizeof buf);
    ts_message(progname, limit != NULL ? limit : lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

int ts_failure_status(void) { return lim.failure; }

/* ---- protected calls --------------------------------------------------------------- */

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
  restore_hook(L);
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
