# The REPL on a terminal: the real binary on a tmux pseudo-terminal.
# Every step waits for what it expects to see (polling the pane), never for
# a fixed time; each test runs its own tmux server, killed on exit.

REPL_TIMEOUT=${REPL_TIMEOUT:-8}

# repl_start [VAR=VALUE...]: runs $TS in a new tmux server with a fresh
# HOME and XDG_STATE_HOME (kept in REPL_HOME across repl_restart).
repl_start() {
  command -v tmux >/dev/null || fail "tmux is not installed"
  REPL_HOME=${REPL_HOME:-$(mktemp -d)}
  REPL_SOCK="tsrepl-$$-$RANDOM"
  trap repl_cleanup EXIT
  printf 'set -g remain-on-exit on\nset -g history-limit 5000\n' >"$REPL_HOME/tmux.conf"
  tmux -L "$REPL_SOCK" -f "$REPL_HOME/tmux.conf" new-session -d -x 120 -y 40 \
    "env HOME='$REPL_HOME' XDG_STATE_HOME='$REPL_HOME/state' $* '$TS'" \
    || fail "cannot start tmux"
  wait_last '^>$'
}

repl_stop() {
  [ -n "${REPL_SOCK:-}" ] && tmux -L "$REPL_SOCK" kill-server 2>/dev/null
  REPL_SOCK=
}

repl_cleanup() {
  repl_stop
  [ -n "${REPL_HOME:-}" ] && rm -rf "$REPL_HOME"
}

# A second session with the same HOME (to see the history of the first).
repl_restart() {
  repl_stop
  repl_start "$@"
}

pane() { tmux -L "$REPL_SOCK" capture-pane -p -S - "$@"; }

# The last line of the pane that is not blank.
last_line() { pane | awk 'NF { last = $0 } END { print last }'; }

# poll DESCRIPTION COMMAND...: retries COMMAND until it succeeds or
# REPL_TIMEOUT seconds pass; then fails showing the pane.
poll() {
  local what=$1 i
  shift
  for ((i = 0; i < REPL_TIMEOUT * 20; i++)); do
    "$@" && return 0
    sleep 0.05
  done
  OUT=$(pane 2>&1 | sed '/^$/d' | tail -n 25)
  fail "timed out waiting for $what"
}

last_matches() { [[ $(last_line) =~ $1 ]]; }
pane_matches() { pane | grep -qE -- "$1"; }

wait_last() { poll "last line ~ $1" last_matches "$1"; }
wait_pane() { poll "pane ~ $1" pane_matches "$1"; }

# Escapes a literal for use in an extended regular expression.
ere() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

keys() { tmux -L "$REPL_SOCK" send-keys "$@"; }

# type_text TEXT: types TEXT and waits until it shows after the prompt.
type_text() {
  keys -l -- "$1"
  wait_last "^>>? .*$(ere "$1")$"
}

# enter LINE: types a line, presses Enter and waits for the next prompt.
enter() {
  type_text "$1"
  keys Enter
  wait_last '^>>?$'
}

# How many lines of the pane match.
count_lines() { pane | grep -cE -- "$1"; }

# Waits until the program has ended; sets RC to its exit status (tmux may
# see the terminal close before it knows the status).
wait_exit() {
  poll "the program to exit" exit_status_known
  RC=$(tmux -L "$REPL_SOCK" display-message -p '#{pane_dead_status}')
}
exit_status_known() {
  local dead status server
  IFS=: read -r dead status server < <(tmux -L "$REPL_SOCK" display-message -p \
    '#{pane_dead}:#{pane_dead_status}#{pane_dead_signal}:#{pid}')
  [ "$dead" = 1 ] || return 1
  [ -n "$status" ] && return 0
  # tmux can miss the SIGCHLD of its child (libutempter's handler, tmux
  # issue 311) and leave it unreaped: remind our own server.
  kill -CHLD "$server" 2>/dev/null
  return 1
}

test_repl_prints_expression_results() {
  repl_start
  enter '1+1'
  wait_pane '^2$'
  enter 'nil, "two", 3.5'
  wait_pane '^nil +"two" +3\.5$'
  enter 'x_set = 1'
  [ "$(pane | grep -A1 -E '^> x_set = 1$' | tail -n 1)" = '>' ] || fail "a statement printed something"
}

test_repl_multiline_chunk() {
  repl_start
  enter 'for i = 1, 3 do'
  enter 'print(i * 10)'
  enter 'end'
  wait_pane '^30$'
  pane_matches '^>> print\(i \* 10\)$' || fail "no continuation prompt"
  pane_matches '^10$' && pane_matches '^20$' || fail "loop output"
}

test_repl_pretty_prints_tables() {
  repl_start
  enter 't = {3, 1, b = {x = 1, y = {}}, a = "s\n", [10] = true}'
  enter 't'
  wait_pane '^\{3, 1, \[10\] = true, a = "s\\n", b = \{x = 1, y = \{\}\}\}$'
  enter 't.me = t'
  enter 't.b'
  wait_pane '^\{x = 1, y = \{\}\}$'
  enter 't'
  wait_pane 'me = <cycle>'
}

test_repl_pretty_prints_wide_tables_on_lines() {
  repl_start
  enter 'big = {}; for i = 1, 10000 do big[i] = i end'
  enter 'big'
  wait_pane '^  1, 2, 3, .*, 32,$'
  wait_pane ', 50, \.\.\. 9950 more$'
  local widest
  widest=$(pane | awk '{ if (length($0) > w) w = length($0) } END { print w }')
  [ "$widest" -le 120 ] || fail "a line is $widest wide"
}

coloured_number() { pane -e | grep -q $'\e\\[36m12345'; }

test_repl_colour_unless_NO_COLOR() {
  repl_start
  enter '12345'
  poll "a coloured number" coloured_number
  repl_restart NO_COLOR=1
  enter '12345'
  wait_pane '^12345$'
  coloured_number && fail "coloured although NO_COLOR is set"
  return 0
}

test_repl_completes_fields() {
  repl_start
  keys -l 'string.fo'
  keys Tab
  wait_last '^> string\.format$'
  keys -l '("%d", 7)'
  keys Enter
  wait_pane '^"7"$'
}

test_repl_completes_methods_of_userdata() {
  repl_start
  keys -l 'io.stdout:wr'
  keys Tab
  wait_last '^> io\.stdout:write$'
  keys -l '("method ok\n")'
  keys Enter
  wait_pane '^method ok$'
}

test_repl_completes_nothing_inside_strings() {
  repl_start
  keys -l 'x = "string.fo'
  keys Tab
  sleep 0.3 # nothing is expected to change: give a wrong completion a chance to show
  wait_last '^> x = "string\.fo$'
}

test_repl_ctrl_c_interrupts_a_computation() {
  repl_start
  type_text 'while true do end'
  keys Enter
  # The loop has to be running before Ctrl-C; a Ctrl-C typed just after
  # Enter is dropped, so send it until the loop stops.
  local i
  for ((i = 0; i < REPL_TIMEOUT * 2; i++)); do
    sleep 0.5
    keys C-c
    pane_matches 'interrupted!' && break
  done
  wait_pane 'interrupted!'
  wait_last '^>$'
  enter '"still here"'
  wait_pane '^"still here"$'
}

test_repl_ctrl_c_at_the_prompt_clears_the_line() {
  repl_start
  type_text 'cleared_value = 42'
  keys C-c
  wait_last '^>$'
  enter 'cleared_value'
  wait_pane '^nil$'
  enter 'for i = 1, 2 do'
  keys C-c
  wait_last '^>$'
  enter '"fresh chunk"'
  wait_pane '^"fresh chunk"$'
}

test_repl_ctrl_d_exits() {
  repl_start
  keys C-d
  wait_exit
  [ "$RC" = 0 ] || fail "exit status $RC after Ctrl-D"
}

test_repl_help_prints_once() {
  repl_start
  enter 'help(help)'
  wait_pane '^help\(\[f\]\): '
  [ "$(count_lines '^help\(\[f\]\): ')" = 1 ] || fail "help printed twice"
  [ "$(pane | grep -A1 -E '^help\(\[f\]\): ' | tail -n 1)" = '>' ] || fail "a result after help"
  enter 'help()'
  wait_pane '^  pretty '
}

test_repl_history_survives_a_restart() {
  repl_start
  enter 'history_marker = 7'
  enter 'for i = 1, 2 do'
  enter 'print("from history " .. i)'
  enter 'end'
  wait_pane '^from history 2$'
  keys C-d
  wait_exit
  [ -s "$REPL_HOME/state/tradescope/history" ] || fail "no history file under XDG_STATE_HOME"
  repl_restart
  keys Up
  wait_last '^end$'
  pane_matches '^> for i = 1, 2 do$' || fail "a multi-line chunk is not one entry"
  keys Up
  wait_last '^> history_marker = 7$'
  keys Down
  wait_last '^end$'
  keys Enter
  wait_pane '^from history 2$'
}

test_repl_history_write_failure_is_a_warning() {
  REPL_HOME=$(mktemp -d)
  : >"$REPL_HOME/file"
  repl_start XDG_STATE_HOME="$REPL_HOME/file/state"
  enter '1'
  keys C-d
  wait_exit
  [ "$RC" = 0 ] || fail "exit status $RC when history cannot be saved"
  pane_matches 'cannot save history' || fail "no warning"
}
