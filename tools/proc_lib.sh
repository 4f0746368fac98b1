# Shell helpers shared by tools/mpi_check.sh and tools/farm_check.sh (sourced, not run).
#
# children_of: the processes whose parent is $parent_pid, from /proc (no procps needed); used
# to signal the MPI processes of an mpirun as a batch scheduler does.
children_of() {
    for d in /proc/[0-9]*; do
        st=$(cat "$d/stat" 2>/dev/null) || continue
        rest=${st##*) }
        set -- $rest
        if [ "$2" = "$parent_pid" ]; then echo "${d#/proc/}"; fi
    done
}
