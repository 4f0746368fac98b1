/* The command-line program: one binary, subcommands.  Each subcommand lives in
 * apps/cmd_<name>.c and is registered in the table in apps/main.c.  A command returns a
 * status from common/err.h; main() prints the recorded error and turns the status into
 * the exit code (0 success, 1 failed computation, 2 bad input or usage).
 *
 * Options are parsed with cli_args: every command declares its options in a table, so
 * `lodestone CMD --help` and unknown-option errors come for free.
 */
#ifndef LS_APPS_CLI_H
#define LS_APPS_CLI_H

#include <stdio.h>

struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    int parallel; /* 1: may run on several MPI processes (mpirun); 0: one process only */
};

enum cli_opt_kind { CLI_FLAG, CLI_VALUE };

struct cli_option {
    const char *name;  /* long name without dashes, e.g. "json" */
    char short_name;   /* 0 if none */
    enum cli_opt_kind kind;
    const char *value_name; /* "FILE" for help */
    const char *help;
};

#define CLI_MAX_OPTIONS 48
#define CLI_MAX_POSITIONAL 16

struct cli_args {
    const char *value[CLI_MAX_OPTIONS]; /* per option in the table: value, "1" for a given flag, NULL */
    int n_pos;
    const char *pos[CLI_MAX_POSITIONAL];
    int help;
};

/* Parse argv[1..] against a NULL-name-terminated option table.  --help sets args->help.
 * Errors (unknown option, missing value, too many arguments) are LS_ERR_USAGE. */
int cli_parse(int argc, char **argv, const struct cli_option *opts, struct cli_args *args);
/* Value of option `name` (NULL if not given). */
const char *cli_get(const struct cli_args *args, const struct cli_option *opts, const char *name);
/* Print usage: "usage: lodestone CMD SYNOPSIS", the description, and the options. */
void cli_print_help(const char *cmd, const char *synopsis, const char *description,
                    const struct cli_option *opts);
/* Parse a number option with the option's name in the error message. */
int cli_get_double(const struct cli_args *args, const struct cli_option *opts, const char *name,
                   double fallback, double *out);
int cli_get_int(const struct cli_args *args, const struct cli_option *opts, const char *name,
                long fallback, long *out);
/* A whole number in [lo, hi] (every count or size a user gives has a stated limit): LS_ERR_USAGE
 * "--NAME must be between LO and HI (what), got V" otherwise; `what` says what the number is
 * ("optimiser steps"). */
int cli_get_int_range(const struct cli_args *args, const struct cli_option *opts, const char *name, long fallback,
                      long lo, long hi, const char *what, long *out);
/* A number in [lo, hi] (finite): LS_ERR_USAGE "--NAME must be between LO and HI UNIT, got V". */
int cli_get_double_range(const struct cli_args *args, const struct cli_option *opts, const char *name,
                         double fallback, double lo, double hi, const char *unit, double *out);
/* LS_ERR_USAGE when the output `out` of option --`option` is the same file as one of the n inputs
 * (NULL entries and "-" are skipped), compared by file identity (device and
 * inode: a.xyz, ./a.xyz and a hard link are one file); an output that does not exist yet is not an
 * input.  Writing there would destroy the input: the message names both and asks for another
 * path. */
int cli_check_output(const char *option, const char *out, int n, const char *const *inputs);

/* --threads N (OpenMP threads per process, set with omp_set_num_threads) and --pools K (MPI
 * k-point pools, 1 to the number of processes) of the DFT commands; 0 when not given.  pools may
 * be NULL for a command without --pools.  LS_ERR_USAGE for values out of range. */
int cli_get_threads_pools(const struct cli_args *args, const struct cli_option *opts, int *threads, int *pools);
/* 1 when `name` is one of the comma-separated entries of `list` ("a,b,c"; NULL: none). */
int cli_list_contains(const char *list, const char *name);

/* The lattice parameters as JSON keys of the object being written: "a_A", "b_A", "c_A" (the
 * cell rows' lengths, Å) and "alpha_deg", "beta_deg", "gamma_deg" (as ls_cell_parameters). */
struct ls_json;
void cli_json_lattice_keys(struct ls_json *j, const double len_a[3], const double ang_deg[3]);

/* Version string "lodestone X.Y.Z (git REV)". */
const char *cli_version(void);
/* Its parts: "X.Y.Z" and the short git revision ("unknown" outside a git checkout). */
const char *cli_version_number(void);
const char *cli_git_revision(void);
/* lodestone --version: version, git revision, data directory, library versions (apps/version.c). */
void cli_print_version(FILE *f);

/* Subcommands. */
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_scf(int argc, char **argv);
int cmd_eos(int argc, char **argv);     /* equation of state (DFT) */
int cmd_train(int argc, char **argv);   /* surrogate potentials */
int cmd_predict(int argc, char **argv);
int cmd_md(int argc, char **argv);
int cmd_relax(int argc, char **argv);
int cmd_mae(int argc, char **argv);     /* magnetocrystalline anisotropy (issue 18) */
int cmd_dos(int argc, char **argv);     /* density of states (issue 18) */
int cmd_suggest(int argc, char **argv);
int cmd_bench_pool(int argc, char **argv);
int cmd_bench_function(int argc, char **argv);
int cmd_campaign(int argc, char **argv);   /* the closed discovery loop */

#endif
