# targets.sh - sourced by the fuzz scripts (campaign.sh, bench/fuzz_speed.sh,
# .clusterfuzzlite/build.sh): the targets of fuzz/targets.txt and their options.
#   fuzz_targets             names of the targets, one a line (fuzz_<name>, corpora/<name>/)
#   fuzz_yardsticks          "name corpus" of each speed yardstick, one a line
#   fuzz_option NAME KEY     a value of fuzz/fuzz_NAME.options, empty when absent
#   fuzz_dict NAME           the dictionary that fuzz/fuzz_NAME.options names, as a path
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fuzz_targets() {
    awk '!/^#/ && NF == 1 { print $1 }' "$fuzz_dir/targets.txt"
}

fuzz_yardsticks() {
    awk '!/^#/ && $2 == "yardstick" { print $1, $3 }' "$fuzz_dir/targets.txt"
}

fuzz_option() {
    [ -f "$fuzz_dir/fuzz_$1.options" ] || return 0
    sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*\\(.*\\)$/\\1/p" "$fuzz_dir/fuzz_$1.options" |
        head -n 1
}

fuzz_dict() {
    local dict
    dict="$(fuzz_option "$1" dict)"
    if [ -n "$dict" ]; then echo "$fuzz_dir/$dict"; fi
}
