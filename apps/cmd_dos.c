/* lodestone dos: density of states (the work is dft_dos_run, dft/dos/dos.c). */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/dft_opts.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/units.h"
#include "dft/dft.h"

static const struct cli_option opts[] = {
    {"width", 'w', CLI_VALUE, "EV", "Gaussian broadening sigma (default 0.1 eV)"},
    {"step", 0, CLI_VALUE, "EV", "energy step (default 0.01 eV)"},
    {"emin", 0, CLI_VALUE, "EV", "lowest energy relative to the Fermi level (default -10 eV)"},
    {"emax", 0, CLI_VALUE, "EV", "highest energy relative to the Fermi level (default 5 eV)"},
    {"kmesh", 'k', CLI_VALUE, "N1xN2xN3", "a denser k-point mesh for the DOS (non-self-consistent, default: the SCF's)"},
    {"no-projections", 0, CLI_FLAG, NULL, "only the total and spin DOS"},
    {"csv", 0, CLI_VALUE, "FILE", "write the DOS as CSV"},
    {"json", 'j', CLI_VALUE, "FILE", "write the DOS as JSON ('-': stdout)"},
    {"svg", 0, CLI_VALUE, "FILE", "plot the DOS (spin down mirrored below the axis)"},
    {"threads", 't', CLI_VALUE, "N", "OpenMP threads (default: OMP_NUM_THREADS or all cores)"},
    {"pools", 'p', CLI_VALUE, "N", "MPI: k-point pools"},
    {"quiet", 'q', CLI_FLAG, NULL, "only warnings and errors on stderr"},
    {NULL, 0, 0, NULL, NULL},
};

int cmd_dos(int argc, char **argv)
{
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("dos", "INPUT [--width EV] [--kmesh 16x16x16] [--csv FILE] [--json FILE] [--svg FILE]",
                       "Density of states of INPUT (any input of 'lodestone scf'): total, spin-resolved\n"
                       "(collinear up and down; noncollinear along the magnetisation) and projected on each\n"
                       "atom's Loewdin-orthogonalised pseudo-atomic orbitals for each l (as projwfc.x), after\n"
                       "the SCF or from a non-self-consistent run with its density on --kmesh.  Broadening:\n"
                       "Gaussian of --width (tetrahedra are not used).  Units: states/eV/cell against E - E_F (eV).\n"
                       "Exit code 1 if the SCF does not converge (the DOS of its last state is written).",
                       opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "dos needs one input file (see lodestone dos --help)");
    if (cli_get(&a, opts, "quiet")) ls_log_set_level(LS_LOG_WARN);
    struct dft_dos_options o;
    memset(&o, 0, sizeof o);
    double w, st, e0, e1;
    LS_TRY(cli_get_double(&a, opts, "width", 0.1, &w));
    LS_TRY(cli_get_double(&a, opts, "step", 0.01, &st));
    LS_TRY(cli_get_double(&a, opts, "emin", -10, &e0));
    LS_TRY(cli_get_double(&a, opts, "emax", 5, &e1));
    if (!(w > 0) || !(st > 0) || !(e1 > e0)) LS_ERROR(LS_ERR_USAGE, "--width and --step must be positive and --emax above --emin");
    o.width = w * LS_EV_HARTREE;
    o.step = st * LS_EV_HARTREE;
    o.emin = e0 * LS_EV_HARTREE;
    o.emax = e1 * LS_EV_HARTREE;
    o.projected = cli_get(&a, opts, "no-projections") == NULL;
    const char *km = cli_get(&a, opts, "kmesh");
    if (km) {
        int n = 0;
        if (sscanf(km, "%dx%dx%d%n", &o.mesh[0], &o.mesh[1], &o.mesh[2], &n) != 3 || km[n] || o.mesh[0] < 1 || o.mesh[1] < 1 ||
            o.mesh[2] < 1 || o.mesh[0] > 200 || o.mesh[1] > 200 || o.mesh[2] > 200)
            LS_ERROR(LS_ERR_USAGE, "--kmesh '%s': write N1xN2xN3 (1..200)", km);
    }
    static const char *const outputs[] = {"csv", "json", "svg"};
    dft_params p;
    int status = dft_cli_read_single_point(&a, opts, "lodestone dos", outputs, 3, &p);
    dft_dos *d = NULL;
    if (status == LS_OK) status = dft_dos_run(&p, &o, &d);
    if (d) {
        char saved[LS_ERROR_MESSAGE_MAX];
        snprintf(saved, sizeof saved, "%s", ls_error_message());
        int run_status = status, out = LS_OK;
        printf("%s: Fermi level %.6f eV, %d k-points, %d spin channel%s, %d projections, %d energies\n", a.pos[0],
               d->fermi * LS_HARTREE_EV, d->n_kpt, d->n_spin, d->n_spin == 1 ? "" : "s", d->n_proj, d->n_e);
        const char *csv = cli_get(&a, opts, "csv"), *json = cli_get(&a, opts, "json"), *svg = cli_get(&a, opts, "svg");
        if (ls_par_rank() == 0) {
            if (out == LS_OK && csv) out = dft_dos_write_csv(d, csv);
            if (out == LS_OK && json) out = dft_dos_write_json(d, &p, json);
            if (out == LS_OK && svg) out = dft_dos_write_svg(d, &p, svg);
        }
        dft_dos_destroy(d);
        if (out != LS_OK) status = out;
        else if (run_status != LS_OK) status = ls_error_set(run_status, __FILE__, __LINE__, "%s", saved);
    }
    dft_params_free(&p);
    return status;
}
