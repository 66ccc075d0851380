# cmdai.bash: type a request, press Ctrl-G, and the line becomes a checked command.
# shellcheck shell=bash disable=SC2154
#
# Printed by `cmdai init bash`; add to ~/.bashrc:  eval "$(cmdai init bash)"
# `cmdai init` sets __cmdai_key, __cmdai_key_name, __cmdai_nobind and __cmdai_runner
# above this file. Needs bash >= 4.4 (bind -x with READLINE_LINE).
#
# Environment (read at each key press):
#   CMDAI_BIN      the helper to run (default: cmdai on PATH)
#   CMDAI_TIMEOUT  seconds to wait for an answer (default 120; 0 waits forever)
#   CMDAI_SPINNER  0 turns the spinner off
# Function: __cmdai_widget (bind it yourself with `cmdai init bash --no-bind`).
# Nothing the model prints is ever run or evaluated: it is only assigned to
# READLINE_LINE, and Enter stays the user's decision.

if [[ $- == *i* ]] && ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4))); then

  # Exit status of the last command line, for "fix the last failure". It must be
  # the first thing PROMPT_COMMAND runs; an empty line keeps the previous one.
  __cmdai_last_status=${__cmdai_last_status:-0}
  __cmdai_prompt() {
    __cmdai_last_status=$?
  }

  # One short line where the prompt was; readline redraws the line below it.
  __cmdai_say() {
    \builtin printf '\r\033[K%s\n' "$1" >/dev/tty
  }

  __cmdai_widget() {
    local -a args
    if [[ -z ${READLINE_LINE//[[:space:]]/} ]]; then
      local last=
      if ((__cmdai_last_status != 0 && __cmdai_last_status != 130)); then
        # The newest history entry (fc's offsets shift inside $(...)).
        local HISTTIMEFORMAT=''
        last=$(\builtin history 1)
        if [[ $last =~ ^[[:space:]]*[0-9]+\*?[[:space:]]+(.*)$ ]]; then last=${BASH_REMATCH[1]}; else last=''; fi
      fi
      if [[ -n $last ]]; then
        args=(--fix "$last" --status "$__cmdai_last_status")
      else
        __cmdai_say "cmdai: type a request (e.g. \"find large files\"), then press ${__cmdai_key_name:-Ctrl-G}"
        return 0
      fi
    else
      args=(-- "$READLINE_LINE")
    fi

    # bash hides the line while a bind -x command runs; show it again for the
    # wait (with the prompt's last line when PS1 runs no commands), so that the
    # spinner sits after the request.
    local p=''
    # shellcheck disable=SC2016
    if [[ $PS1 != *'$('* && $PS1 != *'`'* ]]; then
      p=${PS1@P}
      p=${p##*$'\n'}
      p=${p//[$'\001\002']/}
    fi
    \builtin printf '\r\033[K%s%s' "$p" "$READLINE_LINE" >/dev/tty

    # Ctrl-C reaches the runner, which cancels the helper and answers 130. A
    # no-op trap keeps bash from dropping the line; the user's trap comes back.
    local out trap_int
    trap_int=$(\builtin trap -p INT)
    \builtin trap ':' INT
    out=$(\command sh -c "$__cmdai_runner" cmdai-runner "${CMDAI_TIMEOUT:-120}" 0 \
      "${CMDAI_BIN:-cmdai}" --shell bash --no-input "${args[@]}" 2>/dev/null)
    if [[ -n $trap_int ]]; then \builtin eval "$trap_int"; else \builtin trap - INT; fi
    # Drop keys typed while waiting: an impatient Enter must not run the new line.
    while \builtin read -t 0 </dev/tty && IFS= \builtin read -r -s -n 1 _ </dev/tty; do :; done 2>/dev/null
    \builtin printf '\r\033[K' >/dev/tty

    local st=${out%%$'\n'*} msg='' cmd=''
    if [[ $out == *$'\n'* ]]; then
      out=${out#*$'\n'}
      msg=${out%%$'\n'*}
      [[ $out == *$'\n'* ]] && cmd=${out#*$'\n'}
    fi
    if [[ $st != 0 || -z $cmd ]]; then
      __cmdai_say "${msg:-cmdai: no answer from the helper}"
      return 1
    fi
    # Keep the request in history, so the user can recall what was asked.
    [[ ${args[0]} == -- ]] && \builtin history -s -- "$READLINE_LINE"
    [[ -n $msg ]] && __cmdai_say "$msg"
    # One assignment: readline's undo reverts it in one step.
    READLINE_LINE=$cmd
    READLINE_POINT=${#READLINE_LINE}
  }

  # Remove-then-add, so sourcing twice changes nothing.
  __cmdai_pc=${PROMPT_COMMAND:-}
  __cmdai_pc=${__cmdai_pc//__cmdai_prompt;/}
  [[ $__cmdai_pc == __cmdai_prompt ]] && __cmdai_pc=
  PROMPT_COMMAND="__cmdai_prompt${__cmdai_pc:+;$__cmdai_pc}"
  unset __cmdai_pc

  if ((!${__cmdai_nobind:-0})); then
    for __cmdai_m in emacs-standard vi-insert vi-command; do
      \builtin bind -m "$__cmdai_m" -x "\"$__cmdai_key\": __cmdai_widget"
    done
    unset __cmdai_m
  fi
fi
