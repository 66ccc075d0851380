# shellcheck shell=dash
# cmdai runner: runs the helper for the key binding of every shell.
#
# `cmdai init` embeds this file in the zsh, bash and fish scripts, which run it as
#   sh -c "$__cmdai_runner" cmdai-runner TIMEOUT DRAIN HELPER [ARGS...]
# It prints the exit status, a newline, the one message to show (the helper's first
# "cmdai: " stderr line, or ours), a newline, and on success the command. Meanwhile it
#   - draws a spinner on /dev/tty after 100 ms (saved/restored cursor, so never in
#     the line) and erases it before returning;
#   - cancels on Ctrl-C (status 130) and after TIMEOUT seconds (status 124, 0 = never);
#   - with DRAIN=1, discards keys typed while waiting, so an impatient Enter runs
#     nothing (zsh and bash do this themselves with a builtin, which is cheaper).
# Env: CMDAI_SPINNER=0 turns the spinner off.

t=$1 drain=$2
shift 2
case $t in '' | *[!0-9]*) t=0 ;; esac
# LC_ALL=C on the tools run here (never on the helper): a UTF-8 locale costs
# each coreutils process ~1 ms of loading, on every key press.
d=$(LC_ALL=C mktemp -d "${TMPDIR:-/tmp}/cmdai.XXXXXX") || {
  printf '70\ncmdai: cannot create a temporary directory\n'
  exit 0
}
tty=
if [ "${CMDAI_SPINNER:-1}" != 0 ] && true 2>/dev/null >/dev/tty; then tty=/dev/tty; fi

# Spinner and watchdog: an asynchronous subshell, so Ctrl-C does not reach it.
# It stops when $d/x appears, and on timeout kills the helper (pid in $d/p).
# Its output is not our stdout: its `sleep` would hold the caller's $(...) open.
(
  # shellcheck disable=SC1003
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) f='⠋ ⠙ ⠹ ⠸ ⠼ ⠴ ⠦ ⠧ ⠇ ⠏' ;;
  *) f='| / - \' ;;
  esac
  n=0
  while :; do
    for x in $f; do
      LC_ALL=C sleep 0.1
      [ -e "$d/x" ] && exit 0
      n=$((n + 1))
      if [ "$t" -gt 0 ] && [ "$n" -ge $((t * 10)) ]; then
        : >"$d/t"
        # TERM first; KILL too, as the helper may have inherited an ignored TERM.
        if IFS= read -r p <"$d/p"; then
          kill -TERM "$p" 2>/dev/null
          sleep 0.5
          kill -KILL "$p" 2>/dev/null
        fi
        exit 0
      fi
      [ -n "$tty" ] && printf '\0337 %s\0338' "$x" >"$tty"
    done
  done
) </dev/null >/dev/null 2>&1 &
s=$!

# The helper runs in the foreground, so Ctrl-C reaches it (it exits 130); the
# trap keeps this script alive to clean up. (No `wait` while a trap is set:
# dash can miss the child's exit there and hang.)
c=0
trap 'c=1' INT HUP TERM
sh -c 'echo $$ >"$0" && exec "$@"' "$d/p" "$@" </dev/null >"$d/o" 2>"$d/e"
r=$?
trap - INT HUP TERM
: >"$d/x"
# KILL: an interactive shell's ignored TERM is inherited and cannot be reset here.
kill -KILL "$s" 2>/dev/null
{ wait "$s"; } 2>/dev/null
if [ -n "$tty" ]; then
  printf '\0337  \0338' >"$tty"
fi
[ "$c" = 1 ] || [ "$r" = 130 ] && r=130
# Drop keys typed while waiting (raw, non-blocking read of what is pending).
# Not after Ctrl-C: fish has already gone back to reading the terminal then,
# and the keys typed next are the user's, not typeahead.
if [ "$drain" = 1 ] && [ "$r" != 130 ] && true 2>/dev/null </dev/tty; then
  tty=/dev/tty
  # fish runs key bindings with the terminal already non-canonical, so one
  # non-blocking read takes everything pending: a single process. It ends on
  # "Resource temporarily unavailable" once the input is empty. Where dd has
  # no iflag=nonblock (BSD, busybox), switch the mode with stty and read.
  if ! LC_ALL=C dd if="$tty" iflag=nonblock of=/dev/null 2>"$d/dd"; then
    empty=0
    while IFS= read -r l; do
      case $l in *"temporarily unavailable"*) empty=1 ;; esac
    done <"$d/dd"
    if [ "$empty" = 0 ] && m=$(stty -g <"$tty" 2>/dev/null); then
      stty -icanon -echo min 0 time 0 <"$tty" 2>/dev/null && cat <"$tty" >/dev/null 2>&1
      stty "$m" <"$tty" 2>/dev/null
    fi
  fi
fi
[ -e "$d/t" ] && r=124

# The message to show: the helper's first "cmdai: " line, else one of ours.
e=
while IFS= read -r l || [ -n "$l" ]; do
  case $l in "cmdai: "*) e=$l && break ;; esac
done <"$d/e"
o='' l=''
while IFS= read -r l || [ -n "$l" ]; do
  o=$o${o:+"
"}$l
done <"$d/o"
case $r in
0) case $o in *[![:space:]]*) ;; *) r=5 e=${e:-"cmdai: no usable command for that request"} ;; esac ;;
1) e=${e:-"cmdai: blocked by the safety level"} ;;
3) e=${e:-"cmdai: no model; get one with: cmdai model pull"} ;;
4) e=${e:-"cmdai: the model failed to load"} ;;
5) e=${e:-"cmdai: no usable command for that request"} ;;
6) e=${e:-"cmdai: cannot reach the network"} ;;
74) e=${e:-"cmdai: a file or folder could not be read or written"} ;;
69) e=${e:-"cmdai: the model server cannot be used"} ;;
75) e=${e:-"cmdai: the model server did not answer; try again"} ;;
77) e=${e:-"cmdai: the server refused the API key"} ;;
124) e="cmdai: no answer after ${t}s, gave up" ;;
130) e="cmdai: cancelled" ;;
126 | 127) e=${e:-"cmdai: cannot run $1 (install cmdai, or set CMDAI_BIN)"} ;;
*) e=${e:-"cmdai: failed (exit status $r)"} ;;
esac
printf '%s\n%s\n' "$r" "$e"
# Only a success carries a command: error text never reaches the line.
[ "$r" = 0 ] && printf '%s\n' "$o"
# Cleaned up after we are gone: nobody waits for it (nor for its output).
LC_ALL=C rm -rf "$d" >/dev/null 2>&1 &
exit 0
