/* lodestone: the one program.  Dispatches to a subcommand, prints the recorded error of a
 * failed command to stderr, and sets the exit code: 0 success, 1 failed computation,
 * 2 bad input or usage, 3 interrupted by a signal with a checkpoint saved.  No physics here. */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "common/err.h"
#include "common/log.h"

static const struct cli_command commands[] = {
    {"info", "describe a structure file: formula, cell, density, space group, Wyckoff sites", cmd_info},
    {"convert", "convert a structure file between POSCAR, extended XYZ, XSF and CIF", cmd_convert},
    {"scf", "self-consistent DFT ground state (pw.x or YAML input), energy, forces, stress", cmd_scf},
    {"eos", "equation of state: DFT energies over a range of volumes, Birch-Murnaghan V0, B0, B1", cmd_eos},
    {"train", "train a neural-network potential on energies, forces and stresses", cmd_train},
    {"predict", "energies, forces and errors of a neural-network potential", cmd_predict},
    {"md", "molecular dynamics with a neural-network potential (NVE, Langevin NVT)", cmd_md},
    {"relax", "relax positions and cell (BFGS or FIRE) with DFT or a neural-network potential; restartable", cmd_relax},
    {"suggest", "next candidates to evaluate (Bayesian optimisation, ask/tell with CSV files)", cmd_suggest},
    {"bench-pool", "pool benchmark of a Bayesian-search configuration (Top%, EF, AF)", cmd_bench_pool},
    {"bench-function", "Bayesian optimisation of a standard test function (Branin, Hartmann-6, ...)", cmd_bench_function},
    {NULL, NULL, NULL},
};

static void print_usage(FILE *f)
{
    fprintf(f, "usage: lodestone [--version] [--help] COMMAND [ARGS]\n\n"
               "Lodestone: materials discovery with plane-wave DFT, neural-network potentials and\n"
               "Bayesian optimisation.\n\ncommands:\n");
    for (int i = 0; commands[i].name; i++) fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'lodestone COMMAND --help' describes a command.\n"
               "Exit codes: 0 success, 1 failed computation, 2 bad input or usage,\n"
               "3 stopped by SIGTERM/SIGINT after saving a checkpoint (rerun with --restart).\n");
}

int main(int argc, char **argv)
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
        printf("%s\n", cli_version());
        return 0;
    }
    for (int i = 0; commands[i].name; i++) {
        if (strcmp(argv[1], commands[i].name) != 0) continue;
        ls_error_clear();
        int status = commands[i].run(argc - 1, argv + 1);
        if (status != LS_OK) {
            const char *msg = ls_error_message();
            fprintf(stderr, "lodestone %s: error: %s\n", commands[i].name,
                    msg[0] ? msg : ls_status_name(status));
            if (status == LS_ERR_INTERNAL) fprintf(stderr, "  (internal error at %s; please report it)\n", ls_error_source());
        }
        return ls_status_exit_code(status);
    }
    fprintf(stderr, "lodestone: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return 2;
}
