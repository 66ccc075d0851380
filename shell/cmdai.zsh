# cmdai.zsh: type a request, press Ctrl-G, and the line becomes a checked command.
#
# Printed by `cmdai init zsh`; add to ~/.zshrc:  eval "$(cmdai init zsh)"
# `cmdai init` sets __cmdai_key, __cmdai_key_name, __cmdai_nobind and __cmdai_runner
# above this file.
#
# Environment (read at each key press):
#   CMDAI_BIN      the helper to run (default: cmdai on PATH)
#   CMDAI_TIMEOUT  seconds to wait for an answer (default 120; 0 waits forever)
#   CMDAI_SPINNER  0 turns the spinner off
# Widget: cmdai-widget. Nothing the model prints is ever run or evaluated: it is
# only assigned to $BUFFER, and Enter stays the user's decision.

# State for "fix the last failure": the last command line and its exit status.
typeset -g __cmdai_last_cmd=''
typeset -gi __cmdai_last_status=0 __cmdai_ran=0

__cmdai_preexec() {
  __cmdai_last_cmd=$1
  __cmdai_ran=1
}

__cmdai_precmd() {
  local s=$?
  (( __cmdai_ran )) || return 0
  __cmdai_last_status=$s
  __cmdai_ran=0
}

# One short line above the prompt; the prompt and line are redrawn below it.
__cmdai_say() {
  zle -I
  print -r -- "$1" >/dev/tty
}

__cmdai_widget() {
  emulate -L zsh
  local -a args
  if [[ -z ${BUFFER//[[:space:]]/} ]]; then
    if (( __cmdai_last_status != 0 && __cmdai_last_status != 130 )) && [[ -n $__cmdai_last_cmd ]]; then
      args=(--fix "$__cmdai_last_cmd" --status "$__cmdai_last_status")
    else
      __cmdai_say "cmdai: type a request (e.g. \"find large files\"), then press ${__cmdai_key_name:-Ctrl-G}"
      return 0
    fi
  else
    args=(-- "$BUFFER")
  fi

  # Draw the spinner after the text: move the cursor to the end for the wait.
  local cursor=$CURSOR
  CURSOR=${#BUFFER}
  zle -R

  # Ctrl-C reaches the runner, which cancels the helper and answers 130; the
  # local trap keeps zsh from aborting the widget and the line with it.
  local out
  trap ':' INT
  out=$(command sh -c "$__cmdai_runner" cmdai-runner "${CMDAI_TIMEOUT:-120}" 0 \
    "${CMDAI_BIN:-cmdai}" --shell zsh --no-input "${args[@]}" 2>/dev/null)
  trap - INT
  # Drop keys typed while waiting: an impatient Enter must not run the new line.
  # zselect asks the terminal without changing its mode: `read -t 0 -k` did,
  # and that alone cost ~10 ms a key press with nothing typed ahead.
  local junk fd
  if zmodload -s zsh/zselect && { exec {fd}</dev/tty } 2>/dev/null; then
    while zselect -t 0 -r $fd && read -k 1 -s -u $fd junk; do :; done
    exec {fd}<&-
  fi

  local -a res=("${(@f)out}")
  local st=${res[1]:-70} msg=${res[2]-} cmd=${(F)res[3,-1]}
  if [[ $st != 0 || -z $cmd ]]; then
    CURSOR=$cursor
    __cmdai_say "${msg:-cmdai: no answer from the helper}"
    return 1
  fi
  # Keep the request in history, so the user can recall what was asked.
  [[ $args[1] == -- ]] && print -rs -- "$BUFFER"
  [[ -n $msg ]] && __cmdai_say "$msg"
  # One assignment: zle records the whole widget as one undo step.
  BUFFER=$cmd
  CURSOR=${#BUFFER}
  return 0
}

__cmdai_bind() {
  local m
  for m in emacs viins vicmd; do
    bindkey -M $m "$__cmdai_key" cmdai-widget
  done
}

if [[ -o zle ]]; then
  autoload -Uz add-zsh-hook
  # Remove-then-add, so sourcing twice changes nothing. The precmd hook goes first
  # so that it sees the exit status of the command line.
  add-zsh-hook -d preexec __cmdai_preexec
  add-zsh-hook preexec __cmdai_preexec
  precmd_functions=(__cmdai_precmd ${precmd_functions:#__cmdai_precmd})
  zle -N cmdai-widget __cmdai_widget
  if (( ! ${__cmdai_nobind:-0} )); then
    __cmdai_bind
    # zsh-vi-mode replaces the keymaps when it starts, then runs these commands.
    typeset -ga zvm_after_init_commands
    zvm_after_init_commands=(${zvm_after_init_commands:#__cmdai_bind} __cmdai_bind)
  fi
fi
