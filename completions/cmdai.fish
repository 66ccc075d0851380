# fish completion for cmdai. Installed as share/fish/vendor_completions.d/cmdai.fish.

set -l subs check init model config
complete -c cmdai -f
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -a check -d 'Grade a command with the safety rules'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -a init -d 'Print the shell integration'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -a model -d 'Manage local models'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -a config -d 'Show settings and their sources'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -s m -l model -r -F -d 'GGUF file or catalogue name'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -l shell -x -a 'bash zsh fish sh' -d 'Shell to write for'
complete -c cmdai -n "not __fish_seen_subcommand_from init model config" -l level -x -a 'strict moderate permissive' -d 'Safety level'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -l threads -x -d 'CPU threads'
complete -c cmdai -n "not __fish_seen_subcommand_from init model config" -l json -d 'Print one JSON object'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -l explain -d 'Also explain the command'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -l fix -x -d 'Fix a failed command'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -l status -x -d 'Exit status of the failed command'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -l no-input -d 'Never prompt'
complete -c cmdai -l verbose -d 'More detail on errors'
complete -c cmdai -s h -l help -d 'Show help'
complete -c cmdai -n "not __fish_seen_subcommand_from $subs" -s V -l version -d 'Show version'
complete -c cmdai -n "__fish_seen_subcommand_from init; and not __fish_seen_subcommand_from zsh bash fish" -a 'zsh bash fish'
complete -c cmdai -n "__fish_seen_subcommand_from init" -l key -x -a 'ctrl-g alt-g' -d 'Key to bind'
complete -c cmdai -n "__fish_seen_subcommand_from init" -l no-bind -d 'Only define the widget'
complete -c cmdai -n "__fish_seen_subcommand_from model; and not __fish_seen_subcommand_from list pull rm verify path" -a 'list pull rm verify path'
