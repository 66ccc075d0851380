# bash completion for cmdai. Installed as share/bash-completion/completions/cmdai,
# or: source completions/cmdai.bash
# shellcheck shell=bash

_cmdai() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local sub='' i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
    --) return 0 ;; # after --, it is the request
    -m | --model | --backend | --shell | --level | --threads | --fix | --status | --key | --sha256) ((i++)) ;;
    -*) ;;
    *) sub=${COMP_WORDS[i]} && break ;;
    esac
  done
  case $prev in
  --shell) mapfile -t COMPREPLY < <(compgen -W 'bash zsh fish sh' -- "$cur") && return 0 ;;
  --level) mapfile -t COMPREPLY < <(compgen -W 'strict moderate permissive' -- "$cur") && return 0 ;;
  --backend) mapfile -t COMPREPLY < <(compgen -W 'local openai ollama' -- "$cur") && return 0 ;;
  --key) mapfile -t COMPREPLY < <(compgen -W 'ctrl-g alt-g' -- "$cur") && return 0 ;;
  -m | --model) mapfile -t COMPREPLY < <(compgen -f -- "$cur") && return 0 ;;
  --threads | --fix | --status | --sha256 | --keep-alive | --max-chars) return 0 ;;
  esac
  local words
  case $sub in
  '') words='check init model config server serve --model --backend --shell --level --threads --json --explain --fix --status --max-chars --no-input --verbose --help --version' ;;
  init) words='zsh bash fish --key --no-bind --help' ;;
  check) words='--json --jsonl --level --shell --help' ;;
  model)
    local action='' names='qwen2.5-coder-1.5b qwen2.5-coder-0.5b'
    for ((i = i + 1; i < COMP_CWORD; i++)); do
      case ${COMP_WORDS[i]} in -*) ;; *) action=${COMP_WORDS[i]} && break ;; esac
    done
    case $action in
    '') words='list pull rm verify path --help' ;;
    pull) words="$names --sha256 --allow-unverified --force --no-sync --json --help" ;;
    rm | verify | path) words="$names --json --help" ;;
    *) words='--json --help' ;;
    esac
    ;;
  config) words='--json --help' ;;
  server)
    local action=''
    for ((i = i + 1; i < COMP_CWORD; i++)); do
      case ${COMP_WORDS[i]} in -*) ;; *) action=${COMP_WORDS[i]} && break ;; esac
    done
    case $action in
    '') words='status stop --help' ;;
    *) words='--json --help' ;;
    esac
    ;;
  serve) words='--keep-alive --model --threads --verbose --help' ;;
  *) return 0 ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -F _cmdai cmdai
