# cmdai.fish: type a request, press Ctrl-G, and the line becomes a checked command.
#
# Printed by `cmdai init fish`; add to ~/.config/fish/config.fish:
#   cmdai init fish | source
# `cmdai init` sets __cmdai_key, __cmdai_key_name, __cmdai_nobind and __cmdai_runner
# above this file. Needs fish >= 3.6.
#
# Environment (read at each key press):
#   CMDAI_BIN      the helper to run (default: cmdai on PATH)
#   CMDAI_TIMEOUT  seconds to wait for an answer (default 120; 0 waits forever)
#   CMDAI_SPINNER  0 turns the spinner off
# Function: cmdai-widget (bind it yourself with `cmdai init fish --no-bind`).
# Nothing the model prints is ever run or evaluated: it is only given to
# `commandline -r`, and Enter stays the user's decision.

status is-interactive; or exit 0

# The last command line and its exit status, for "fix the last failure". fish
# sends no event for an empty line, so the previous failure is kept.
set -q __cmdai_last_status; or set -g __cmdai_last_status 0
set -q __cmdai_last_cmd; or set -g __cmdai_last_cmd ''
function __cmdai_postexec --on-event fish_postexec
    set -g __cmdai_last_status $status
    set -g __cmdai_last_cmd $argv[1]
end

# One short line where the prompt was; fish repaints the prompt below it.
function __cmdai_say
    printf '\r\033[K%s\n' $argv[1] >/dev/tty
    commandline -f repaint
end

function cmdai-widget -d 'cmdai: turn the request on the line into a command'
    set -l line (commandline -b | string collect)
    set -l args
    if not string match -qr '\S' -- $line
        if test "$__cmdai_last_status" -ne 0 -a "$__cmdai_last_status" -ne 130; and test -n "$__cmdai_last_cmd"
            set args --fix $__cmdai_last_cmd --status $__cmdai_last_status
        else
            __cmdai_say "cmdai: type a request (e.g. \"find large files\"), then press $__cmdai_key_name"
            return 0
        end
    else
        set args -- $line
    end
    set -l bin cmdai
    set -q CMDAI_BIN[1]; and test -n "$CMDAI_BIN"; and set bin $CMDAI_BIN
    set -l timeout 120
    set -q CMDAI_TIMEOUT[1]; and set timeout $CMDAI_TIMEOUT

    # Ctrl-C reaches the runner, which cancels the helper and answers 130. The
    # runner also drops keys typed while waiting (fish's read has no timeout).
    # fish stops this function on Ctrl-C, before it can show the runner's
    # answer; a one-shot SIGINT handler says it instead.
    function __cmdai_cancelled --on-signal SIGINT
        functions -e __cmdai_cancelled
        __cmdai_say 'cmdai: cancelled'
    end
    set -l res (command sh -c $__cmdai_runner cmdai-runner $timeout 1 $bin --shell fish --no-input $args 2>/dev/null)
    functions -e __cmdai_cancelled
    set -l st $res[1]
    set -l msg $res[2]
    set -l cmd (string join \n -- $res[3..-1])
    if test "$st" != 0 -o -z "$cmd"
        test -n "$msg"; or set msg 'cmdai: no answer from the helper'
        __cmdai_say $msg
        return 1
    end
    test -n "$msg"; and __cmdai_say $msg
    # Keep the request in history, so the user can recall what was asked
    # (fish >= 4.0; 3.x has no way to add an entry).
    if test -n "$line"; and test (string split -f1 . -- $version) -ge 4 2>/dev/null
        builtin history append -- $line
    end
    # One replacement, which fish's undo reverts in one step; cursor at the end.
    commandline -r -- $cmd
    commandline -C (string length -- $cmd)
    commandline -f repaint
end

function __cmdai_bind
    # Default mode (emacs, and vi normal) and vi insert mode; binding again
    # replaces, so sourcing twice changes nothing.
    bind $__cmdai_key cmdai-widget
    bind -M insert $__cmdai_key cmdai-widget
end

if test "$__cmdai_nobind" != 1
    __cmdai_bind
    # fish_vi_key_bindings / fish_default_key_bindings erase every binding.
    function __cmdai_rebind --on-variable fish_key_bindings
        __cmdai_bind
    end
end
