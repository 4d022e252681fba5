# bash completion for backprop(1).
#
# The commands and each command's options are read at completion time from
# `backprop --help` and `backprop COMMAND --help`, so they follow the
# installed program; only the value lists of a few options are spelled out
# here. File names are completed for data files, models and -o.

# _backprop_commands PROGRAM: the commands the usage text lists.
_backprop_commands()
{
    "$1" --help 2>/dev/null | awk '
        /^commands:/ { on = 1; next }
        on && /^$/ { exit }
        on && /^  [a-z]/ { print $1 }'
}

# _backprop_options PROGRAM COMMAND: one "option placeholder" line per option
# the command's help lists ("-" as the placeholder of a flag).
_backprop_options()
{
    "$1" "$2" --help 2>/dev/null | awk '
        /^ +-/ {
            sub(/^ +/, "")
            split($0, column, /   */)
            n = split(column[1], entries, /, /)
            for (i = 1; i <= n; i++) {
                split(entries[i], word, " ")
                print word[1], (word[2] == "" ? "-" : word[2])
            }
        }'
}

# _backprop_values OPTION: the words an option with a fixed set of values takes.
_backprop_values()
{
    case $1 in
    --activation) echo "sigmoid tanh relu leaky linear" ;;
    --output-activation) echo "sigmoid softmax linear" ;;
    --loss) echo "sse xent mse" ;;
    --format) echo "text json csv" ;;
    --init) echo "uniform xavier he auto" ;;
    --optimizer) echo "sgd momentum nesterov adam" ;;
    --schedule) echo "constant step invtime" ;;
    --scale) echo "minmax standard none" ;;
    --missing) echo "error drop mean" ;;
    --missing-target) echo "auto error drop" ;;
    --decimal) echo ". ," ;;
    --task) echo "auto classification regression" ;;
    --delimiter) echo "tab space ," ;;
    --batch) echo "all" ;;
    --class-weight) echo "balanced" ;;
    --method) echo "grid random halving" ;;
    --metric) echo "accuracy f1 logloss rmse mae r2" ;;
    --space) echo "hidden= activation= lr= batch= l2= epochs= optimizer= init= loss= momentum=" ;;
    esac
}

_backprop_files()
{
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

_backprop()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local program=${COMP_WORDS[0]}
    [[ $program == "~"* ]] && program=$HOME${program#"~"}
    COMPREPLY=()

    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "$(_backprop_commands "$program") --help --version" -- "$cur")
        return
    fi
    local command=${COMP_WORDS[1]}

    # "--opt=value": bash splits it at "=" (it is in COMP_WORDBREAKS).
    if [[ $cur == "=" ]]; then
        cur=
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 2)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    local options
    options=$(_backprop_options "$program" "$command")
    local placeholder
    placeholder=$(awk -v opt="$prev" '$1 == opt { print $2; exit }' <<<"$options")
    if [[ -n $placeholder && $placeholder != "-" ]]; then
        local values
        values=$(_backprop_values "$prev")
        if [[ -n $values ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
        elif [[ $placeholder == *FILE* || $placeholder == MODEL || $placeholder == OUT ]]; then
            _backprop_files "$cur"
        fi
        return # a number or a name: nothing to offer
    fi

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(awk '{ print $1 }' <<<"$options")" -- "$cur")
        return
    fi
    _backprop_files "$cur"
}

complete -F _backprop backprop
