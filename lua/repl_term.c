/*
** repl_term.c — the REPL on a terminal.  Lines are read with readline's
** callback interface and pselect, so that a Ctrl-C at the prompt can drop
** the line and show a fresh prompt (readline() itself would re-send the
** signal, which ends the program).  Tab asks the Lua module
** tradescope.complete; history lives in $XDG_STATE_HOME/tradescope/history.
*/
#include "repl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_ENTRIES 1000

/* Every ASCII character that cannot be part of a name path "a.b:c". */
#define WORD_BREAKS " \t\n!\"#$%&'()*+,-/;<=>?@[\\]^`{|}~"

/* Registry key of tradescope.complete's `candidates`. */
static const char COMPLETE_KEY = 'c';

/* Set by the SIGINT handler; a handler can only talk to the program
** through a variable like this.  The handler stays installed for the whole
** session (ts_docall puts its own in place while code runs), so that a
** Ctrl-C typed between two reads never ends the program; one typed then is
** dropped when the next read starts. */
static volatile sig_atomic_t interrupted;

/* readline's line handler and completion function take no context
** argument, so what they share with this file lives here: the state Tab
** completes in and the SIGINT action to restore (for the whole session),
** the line handed over by on_line (for one ts_term_readline call). */
static struct {
  lua_State *L;
  struct sigaction oldsigint;
  char *line;
  int status;     /* a TS_LINE_ value once the line has arrived, else -1 */
} term;

static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

/* Removing the handler here keeps readline from printing the next prompt
** before the line has been run. */
static void on_line(char *line) {
  term.line = line;
  term.status = line != NULL ? TS_LINE_OK : TS_LINE_EOF;
  rl_callback_handler_remove();
}

/* Drops the line being edited and leaves the cursor on a new line, with
** "^C" after the text (when the terminal echoes control characters). */
static void cancel_line(void) {
  rl_free_line_state();
  rl_callback_sigcleanup();
  rl_point = rl_end;
  rl_redisplay();
  rl_echo_signal_char(SIGINT);
  rl_cleanup_after_signal();
  rl_replace_line("", 0);
  fputc('\n', rl_outstream);
  fflush(rl_outstream);
}

/* Waits until the terminal has input; SIGINT is let through only here, so
** none is lost between the check of `interrupted` and the wait. */
static int wait_for_input(const sigset_t *waitmask) {
  int fd = fileno(rl_instream);
  fd_set in;
  FD_ZERO(&in);
  FD_SET(fd, &in);
  return pselect(fd + 1, &in, NULL, NULL, NULL, waitmask);
}

static int read_until_line(const sigset_t *waitmask) {
  while (term.status < 0) {
    int ready = wait_for_input(waitmask);
    if (interrupted) {
      cancel_line();
      return TS_LINE_CANCELLED;
    }
    if (ready > 0) rl_callback_read_char();
    else if (ready < 0 && errno == EINTR) rl_check_signals(); /* SIGWINCH */
    else return TS_LINE_EOF;
  }
  return term.status;
}

int ts_term_readline(const char *prompt, char **line) {
  sigset_t sigint, oldmask, waitmask;
  sigemptyset(&sigint);
  sigaddset(&sigint, SIGINT);
  sigprocmask(SIG_BLOCK, &sigint, &oldmask);
  waitmask = oldmask;
  sigdelset(&waitmask, SIGINT);

  interrupted = 0;
  term.line = NULL;
  term.status = -1;
  rl_callback_handler_install(prompt, on_line);
  int status = read_until_line(&waitmask);
  rl_callback_handler_remove();

  sigprocmask(SIG_SETMASK, &oldmask, NULL);
  *line = status == TS_LINE_OK ? term.line : NULL;
  if (status != TS_LINE_OK) free(term.line);
  term.line = NULL;
  return status;
}

static void catch_sigint(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &term.oldsigint);
}

/* --- completion ------------------------------------------------------------ */

typedef struct Request { const char *word; int start; } Request;

/* Protected: candidates(word, text before it, globals) -> list. */
static int push_candidates(lua_State *L) {
  const Request *req = lua_touserdata(L, 1);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &COMPLETE_KEY) != LUA_TFUNCTION) return 0;
  lua_pushstring(L, req->word);
  lua_pushlstring(L, rl_line_buffer, (size_t)req->start);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_call(L, 3, 1);
  return 1;
}

static void free_matches(char **m, size_t n) {
  for (size_t i = 0; i < n; i++) free(m[i]);
  free(m);
}

static size_t common_prefix(const char *a, const char *b, size_t n) {
  size_t i = 0;
  while (i < n && a[i] == b[i]) i++;
  return i;
}

/* readline's form of a list of strings: [0] what replaces the word (their
** common prefix), then the candidates, then NULL.  Non-strings are skipped. */
static char **to_matches(lua_State *L, int idx) {
  size_t n = lua_istable(L, idx) ? lua_rawlen(L, idx) : 0;
  if (n == 0) return NULL;
  char **m = calloc(n + 2, sizeof *m);
  size_t k = 1, prefix = 0;
  for (size_t i = 1; m != NULL && i <= n; i++) {
    if (lua_rawgeti(L, idx, (lua_Integer)i) == LUA_TSTRING) {
      const char *s = lua_tostring(L, -1);
      prefix = k == 1 ? strlen(s) : common_prefix(m[1], s, prefix);
      if ((m[k] = strdup(s)) != NULL) k++;
    }
    lua_pop(L, 1);
  }
  if (m == NULL || k == 1) {
    free(m);
    return NULL;
  }
  if (k == 2) {            /* one candidate: it is the replacement itself */
    m[0] = m[1];
    m[1] = NULL;
  } else if ((m[0] = strndup(m[1], prefix)) == NULL) {
    free_matches(m, k);
    return NULL;
  }
  return m;
}

static char **complete_word(const char *word, int start, int end) {
  (void)end;
  rl_attempted_completion_over = 1;   /* never fall back to file names */
  rl_completion_append_character = '\0';
  lua_State *L = term.L;
  if (L == NULL || !lua_checkstack(L, 8)) return NULL;
  Request req = {word, start};
  int top = lua_gettop(L);
  char **matches = NULL;
  lua_pushcfunction(L, push_candidates);
  lua_pushlightuserdata(L, &req);
  if (lua_pcall(L, 1, 1, 0) == LUA_OK) matches = to_matches(L, -1);
  lua_settop(L, top);
  return matches;
}

/* Protected: keeps tradescope.complete's `candidates` in the registry. */
static int load_completer(lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "tradescope.complete");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "candidates");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &COMPLETE_KEY);
  return 0;
}

/* --- history ---------------------------------------------------------------- */

static void warn(const char *progname, const char *what, const char *path, int err) {
  fprintf(stderr, "%s: %s '%s': %s\n", progname, what, path, strerror(err));
  fflush(stderr);
}

/* $XDG_STATE_HOME/tradescope/history, else ~/.local/state/tradescope/history;
** NULL when neither is known.  A relative XDG_STATE_HOME is ignored, as the
** XDG specification says. */
static char *history_path(void) {
  const char *dir = getenv("XDG_STATE_HOME");
  const char *tail = "/tradescope/history";
  if (dir == NULL || dir[0] != '/') {
    dir = getenv("HOME");
    tail = "/.local/state/tradescope/history";
    if (dir == NULL || dir[0] == '\0') return NULL;
  }
  size_t n = strlen(dir) + strlen(tail) + 1;
  char *path = malloc(n);
  if (path != NULL) snprintf(path, n, "%s%s", dir, tail);
  return path;
}

/* mkdir -p of the directories above `path`; 0 with errno set on failure. */
static int make_parents(char *path) {
  for (char *s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
    *s = '\0';
    int ok = mkdir(path, 0700) == 0 || errno == EEXIST;
    *s = '/';
    if (!ok) return 0;
  }
  return 1;
}

static void load_history(const char *path, const char *progname) {
  /* Timestamps mark where an entry starts, so that a multi-line chunk is
  ** read back as one entry. */
  history_comment_char = '#';    /* timestamps are "#<seconds>" lines */
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  stifle_history(HISTORY_ENTRIES);
  int err = read_history(path);
  if (err != 0 && err != ENOENT) warn(progname, "cannot read history from", path, err);
}

char *ts_term_open(lua_State *L, const char *progname) {
  term.L = L;
  lua_pushcfunction(L, load_completer);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "%s: no completion: %s\n", progname, msg ? msg : "(not a string)");
    lua_pop(L, 1);
  }
  catch_sigint();
  rl_readline_name = "tradescope";
  rl_catch_signals = 0;                 /* SIGINT is ours: see `interrupted` */
  rl_catch_sigwinch = 1;
  rl_persistent_signal_handlers = 1;    /* SIGWINCH also while waiting in pselect */
  rl_attempted_completion_function = complete_word;
  rl_completer_word_break_characters = WORD_BREAKS;
  char *path = history_path();
  if (path != NULL) load_history(path, progname);
  return path;
}

void ts_term_close(char *histfile, const char *progname) {
  term.L = NULL;
  sigaction(SIGINT, &term.oldsigint, NULL);
  if (histfile != NULL) {
    int err = make_parents(histfile) ? write_history(histfile) : errno;
    if (err != 0) warn(progname, "cannot save history in", histfile, err);
  }
  clear_history();
  free(histfile);
}
