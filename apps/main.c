/* lodestone: the one program.  Dispatches to a subcommand, prints the recorded error of a
 * failed command to stderr, and sets the exit code: 0 success, 1 failed computation,
 * 2 bad input or usage, 3 interrupted by a signal with a checkpoint saved.  No physics here.
 *
 * Under mpirun (a build with MPI=1) every process runs main.  Only rank 0 writes to stdout
 * (the others' stdout goes to /dev/null) and prints the error; at the end the processes wait
 * for each other and agree on one status, so they all exit with the same code.  A process
 * that failed alone while the others are stuck in a collective step ends the whole job with
 * MPI_Abort after printing its message (common/parallel.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"

/* How long a failed process waits for the others before stopping the job (seconds).  The
 * others arrive at once when they failed too (bad input) or had finished. */
#define FAILED_RANK_WAIT_S 10.0

static const struct cli_command commands[] = {
    {"info", "describe a structure file: formula, cell, density, space group, Wyckoff sites", cmd_info, 0},
    {"convert", "convert a structure file between POSCAR, extended XYZ, XSF and CIF", cmd_convert, 0},
    {"scf", "self-consistent DFT ground state (pw.x or YAML input), energy, forces, stress", cmd_scf, 1},
    {"eos", "equation of state: DFT energies over a range of volumes, Birch-Murnaghan V0, B0, B1", cmd_eos, 1},
    {"train", "train a neural-network potential on energies, forces and stresses", cmd_train, 0},
    {"predict", "energies, forces and errors of a neural-network potential", cmd_predict, 0},
    {"md", "molecular dynamics with a neural-network potential (NVE, Langevin NVT)", cmd_md, 0},
    {"relax", "relax positions and cell (BFGS or FIRE) with DFT or a neural-network potential; restartable", cmd_relax, 1},
    {"mae", "magnetocrystalline anisotropy: force theorem and self-consistent spin-orbit, K1, kappa", cmd_mae, 1},
    {"dos", "density of states: total, spin-resolved and projected on atoms and l (CSV, JSON, SVG)", cmd_dos, 1},
    {"suggest", "next candidates to evaluate (Bayesian optimisation, ask/tell with CSV files)", cmd_suggest, 0},
    {"bench-pool", "pool benchmark of a Bayesian-search configuration (Top%, EF, AF)", cmd_bench_pool, 0},
    {"bench-function", "Bayesian optimisation of a standard test function (Branin, Hartmann-6, ...)", cmd_bench_function, 0},
    {"campaign", "the closed discovery loop: candidates, surrogate screen, Bayesian batches, DFT, SQLite store", cmd_campaign, 1},
    {NULL, NULL, NULL, 0},
};

static void print_usage(FILE *f)
{
    if (ls_par_rank() != 0) return;
    fprintf(f, "usage: lodestone [--version] [--help] COMMAND [ARGS]\n\n"
               "Lodestone: materials discovery with plane-wave DFT, neural-network potentials and\n"
               "Bayesian optimisation.\n\ncommands:\n");
    for (int i = 0; commands[i].name; i++) fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'lodestone COMMAND --help' describes a command.\n"
               "Exit codes: 0 success, 1 failed computation, 2 bad input or usage,\n"
               "3 stopped by SIGTERM/SIGINT after saving a checkpoint (rerun with --restart).\n");
}

static int run_command(const struct cli_command *cmd, int argc, char **argv)
{
    ls_error_clear();
    if (!cmd->parallel && ls_par_size() > 1)
        LS_ERROR(LS_ERR_USAGE, "'%s' runs on one process: start it without mpirun (only 'scf', 'eos', 'relax', 'mae', "
                 "'dos' and 'campaign run' run on several)",
                 cmd->name);
    return cmd->run(argc, argv);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        cli_print_version(stdout);
        return 0;
    }
    for (int i = 0; commands[i].name; i++) {
        if (strcmp(argv[1], commands[i].name) != 0) continue;
        int status = run_command(&commands[i], argc - 1, argv + 1);
        if (ls_par_size() > 1) {
            /* Wait for the others; a failed process that waits in vain stops the job. */
            if (!ls_par_wait_all(status == LS_OK ? -1.0 : FAILED_RANK_WAIT_S)) {
                const char *msg = ls_error_message();
                fprintf(stderr, "lodestone %s: error on rank %d of %d: %s\n", commands[i].name, ls_par_rank(),
                        ls_par_size(), msg[0] ? msg : ls_status_name(status));
                fflush(stderr);
                ls_par_abort(ls_status_exit_code(status));
            }
            status = ls_comm_agree(ls_comm_world(), status);
            /* The outcome is agreed and saved: when the first process exits non-zero, mpirun
             * sends SIGTERM to the others, which would die of it (a second stop signal ends a
             * process) and turn the job's exit code 3 or 1 into 143. */
            if (status != LS_OK) {
                signal(SIGTERM, SIG_IGN);
                signal(SIGINT, SIG_IGN);
            }
        }
        if (status != LS_OK && ls_par_rank() == 0) {
            const char *msg = ls_error_message();
            fprintf(stderr, "lodestone %s: error: %s\n", commands[i].name, msg[0] ? msg : ls_status_name(status));
            if (status == LS_ERR_INTERNAL) fprintf(stderr, "  (internal error at %s; please report it)\n", ls_error_source());
        }
        return ls_status_exit_code(status);
    }
    if (ls_par_rank() == 0) fprintf(stderr, "lodestone: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    /* `campaign run` may be a task farm (campaign/farm.h): its leader thread talks MPI while
     * the engine computes, which needs MPI_THREAD_MULTIPLE; every other command FUNNELED. */
    int farm = argc > 2 && !strcmp(argv[1], "campaign") && !strcmp(argv[2], "run");
    int status = ls_par_init(&argc, &argv, farm);
    if (status != LS_OK) {
        fprintf(stderr, "lodestone: error: %s\n", ls_error_message());
        return ls_status_exit_code(status);
    }
    /* Rank 0 alone writes the results and the usage; the log is muted elsewhere (common/log.c). */
    if (ls_par_rank() != 0) {
        FILE *null_out = freopen("/dev/null", "w", stdout); /* on failure stdout is just closed */
        (void)null_out;
    }
    int code = dispatch(argc, argv);
    fflush(stdout);
    ls_par_finalize();
    return code;
}
