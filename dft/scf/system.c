/* Set-up of a DFT calculation from its parameters; see system.h.
 *
 * Local potential on the density sphere: V_loc(G) = (1/Omega) sum_s S_s(G) v_s(|G|), with
 * S_s(G) = sum_{a in s} exp(-i G.tau_a) and v_s the form factor of dft/pseudo/pseudo.h (its G = 0
 * value is the alpha-Z term, so the average of the non-Coulomb part of the local potential
 * is in the Hamiltonian and the eigenvalues, as in pw.x).  Core charge likewise.
 */
#include "dft/scf/system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/log.h"
#include "common/symmetry.h"
#include "common/units.h"
#include "dft/basis/magsym.h"
#include "dft/scf/dist.h"
#include "dft/terms/ewald.h"
#include "dft/terms/nonlocal.h"
#include "dft/scf/linalg.h"
#include "dft/scf/magfield.h"
#include "dft/scf/moments.h"
#include "dft/scf/smearing.h"
#include "dft/scf/tetra.h"

void dft_structure_factor(const dft_system *sys, int species, double complex *sf)
{
    const dft_grid *g = sys->grid;
    for (long ig = 0; ig < g->n_g; ig++) sf[ig] = 0;
    for (int a = 0; a < sys->n_atom; a++) {
        if (sys->species_of[a] != species) continue;
        for (long ig = 0; ig < g->n_g; ig++) {
            double phase = g->g[ig][0] * sys->tau[a][0] + g->g[ig][1] * sys->tau[a][1] + g->g[ig][2] * sys->tau[a][2];
            sf[ig] += cexp(-I * phase);
        }
    }
}

/* Radial form factor on the shells of the sphere, expanded to every G with the structure
 * factor: out[ig] += (scale / Omega) S_s(G) f(|G|). */
static int add_species_field(const dft_system *sys, int s,
                             int (*form)(const dft_pseudo *, int, const double *, double *),
                             double complex *out, double complex *sf, double *fq)
{
    const dft_grid *g = sys->grid;
    LS_TRY(form(sys->pseudo[s], (int)g->n_shell, g->shell_g, fq));
    dft_structure_factor(sys, s, sf);
    for (long ig = 0; ig < g->n_g; ig++) out[ig] += sf[ig] * fq[g->shell_of[ig]] / sys->omega;
    return LS_OK;
}

static int find_species(const dft_params *p, const char *label)
{
    for (int s = 0; s < p->n_species; s++)
        if (strcmp(p->species[s].label, label) == 0) return s;
    return -1;
}

static int setup_atoms(const dft_params *p, dft_system *sys)
{
    const ls_structure *st = p->structure;
    sys->n_atom = st->n_atom;
    sys->n_species = p->n_species;
    memcpy(sys->cell, st->cell, sizeof sys->cell);
    sys->omega = fabs(ls_cell_volume(st->cell));
    sys->species_of = malloc((size_t)st->n_atom * sizeof *sys->species_of);
    sys->tau = malloc((size_t)st->n_atom * sizeof *sys->tau);
    if (!sys->species_of || !sys->tau) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int a = 0; a < st->n_atom; a++) {
        int s = find_species(p, st->species[a]);
        if (s < 0)
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d is '%s' but no species of that name has a pseudopotential "
                     "(add it to the species list / ATOMIC_SPECIES)", p->source, a + 1, st->species[a]);
        sys->species_of[a] = s;
        memcpy(sys->tau[a], st->pos[a], sizeof sys->tau[a]);
    }
    for (int s = 0; s < p->n_species; s++) {
        int status = dft_pseudo_read(p->species[s].pseudo, &sys->pseudo[s]);
        if (status != LS_OK) {
            /* The input that names the file, then the file's own message (with its line). */
            ls_error_prefix("%s: the pseudopotential of species '%s': ", p->source, p->species[s].label);
            return status;
        }
        int z_label = ls_element_z_from_label(p->species[s].label);
        if (z_label && sys->pseudo[s]->z && z_label != sys->pseudo[s]->z)
            LS_ERROR(LS_ERR_INPUT, "%s: species '%s' uses the pseudopotential '%s', which is for %s",
                     p->source, p->species[s].label, p->species[s].pseudo, sys->pseudo[s]->element);
        /* Spin-orbit needs j-resolved projectors; without it a fully relativistic file is
         * j-averaged as pw.x does (average_pp), so one set of files serves both. */
        if (p->spinorbit && !sys->pseudo[s]->has_so) {
            char where[64] = "";
            if (p->line_lspinorb > 0) snprintf(where, sizeof where, "%d:", p->line_lspinorb);
            LS_ERROR(LS_ERR_INPUT, "%s:%s spin-orbit coupling is asked for (lspinorb / spin_orbit), but the pseudopotential "
                     "'%s' of species '%s' is scalar-relativistic (no PP_SPIN_ORB): use a fully relativistic file "
                     "(e.g. inputs/pseudo/pd04-pbe-fr/%s.upf) or switch spin-orbit off",
                     p->source, where, p->species[s].pseudo, p->species[s].label, sys->pseudo[s]->element);
        }
        if (!p->spinorbit) LS_TRY(dft_pseudo_average_so(sys->pseudo[s]));
    }
    double valence = 0;
    for (int a = 0; a < sys->n_atom; a++) valence += sys->pseudo[sys->species_of[a]]->z_valence;
    /* A charge must leave electrons, and may add at most as many as the atoms have. */
    if (!(fabs(p->total_charge) < valence))
        LS_ERROR(LS_ERR_INPUT, "%s: a total charge of %g leaves %g electrons: the atoms' pseudopotentials have %g "
                 "valence electrons, so the charge must lie between %g and %g (exclusive)",
                 p->source, p->total_charge, valence - p->total_charge, valence, -valence, valence);
    sys->n_electrons = valence - p->total_charge;
    return LS_OK;
}

/* Keep only the operations that map the FFT grid onto itself (R_ij n_i / n_j integer and
 * t_i n_i integer), as pw.x does: the exchange-correlation potential is computed point by
 * point on the grid, so under any other operation it is not exactly symmetric, and
 * symmetrising the density with that operation makes the final state inconsistent with the
 * energy (Harris-Foulkes and Kohn-Sham energies then differed by 3e-5 Ha, and the forces by
 * 1e-2 Ha/bohr, for O2 in a box whose inversion centre is off the grid).  The kept
 * operations form a group (the maps of the grid onto itself). */
static void keep_grid_operations(ls_symops *ops, const int n[3], int *t_rev)
{
    int kept = 0, na = ops->n_atom;
    for (int op = 0; op < ops->n_op; op++) {
        int ok = 1;
        for (int i = 0; i < 3; i++) {
            double t = ops->translations[op][i] * n[i];
            if (fabs(t - round(t)) > 1e-5) ok = 0;
            for (int j = 0; j < 3; j++)
                if ((ops->rotations[op][i][j] * n[i]) % n[j] != 0) ok = 0;
        }
        if (!ok) continue;
        if (kept != op) {
            memcpy(ops->rotations[kept], ops->rotations[op], sizeof ops->rotations[op]);
            memcpy(ops->translations[kept], ops->translations[op], sizeof ops->translations[op]);
            memcpy(ops->cart_rotations[kept], ops->cart_rotations[op], sizeof ops->cart_rotations[op]);
            memmove(ops->atom_map + (size_t)kept * na, ops->atom_map + (size_t)op * na, (size_t)na * sizeof *ops->atom_map);
            if (t_rev) t_rev[kept] = t_rev[op];
        }
        kept++;
    }
    if (kept < ops->n_op)
        ls_log_info("symmetry: %d of %d operations kept (the others do not map the %d x %d x %d FFT grid onto itself)",
                    kept, ops->n_op, n[0], n[1], n[2]);
    ops->n_op = kept;
}

/* Crystal symmetry of the atoms, told apart by species and, with spin, by their starting
 * magnetisation (so an antiferromagnetic start keeps only the operations of its order). */
static int find_symmetry(const dft_params *p, dft_system *sys)
{
    ls_structure *s = NULL;
    LS_TRY(ls_structure_copy(p->structure, &s));
    int status = LS_OK;
    if (p->n_spin == 2) {
        status = ls_structure_alloc_magmom(s);
        for (int a = 0; status == LS_OK && a < s->n_atom; a++)
            s->magmom[a] = p->species[sys->species_of[a]].starting_magnetization;
    }
    if (status == LS_OK) status = ls_symops_create(s, 0.0, &sys->symops);
    ls_structure_destroy(s);
    if (status != LS_OK) {
        ls_error_prefix("%s: symmetry analysis: ", p->source);
        return status;
    }
    /* Noncollinear: only the operations that keep the starting moments, some of them combined
     * with time reversal (dft/basis/magsym.h). */
    if (sys->noncolin) {
        sys->t_rev = calloc((size_t)sys->symops->n_op + 1, sizeof *sys->t_rev);
        if (!sys->t_rev) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        if (sys->domag) {
            int n0 = sys->symops->n_op, removed = dft_magsym_filter(sys->symops, (const double(*)[3])sys->m_start, sys->t_rev);
            for (int op = 0; op < sys->symops->n_op; op++) sys->n_sym_trev += sys->t_rev[op];
            ls_log_info("magnetic symmetry: %d of the %d crystal operations keep the moments (%d of them with time "
                        "reversal)", n0 - removed, n0, sys->n_sym_trev);
        }
    }
    sys->n_sym = sys->symops->n_op;
    sys->sym_rot = sys->symops->rotations;
    sys->sym_trans = sys->symops->translations;
    return LS_OK;
}

/* The smallest grid of good FFT sizes for the cutoff whose dimension i is a multiple of the
 * denominators of the fractional translations along i (denominators up to 12; translations
 * with larger ones, rare in practice, leave their operations to be dropped). */
static int symmetric_grid_size(const dft_system *sys, const double cell[3][3], double ecut_rho, int n[3])
{
    LS_TRY(dft_grid_good_size(cell, ecut_rho, n));
    if (!sys->symops) return LS_OK;
    for (int i = 0; i < 3; i++) {
        int lcm = 1;
        for (int op = 0; op < sys->symops->n_op; op++) {
            double t = sys->symops->translations[op][i];
            t -= floor(t);
            for (int d = 1; d <= 12; d++) {
                double x = t * d;
                if (fabs(x - round(x)) < 1e-5) {
                    int a = lcm, b = d;
                    while (b) {
                        int r = a % b;
                        a = b;
                        b = r;
                    }
                    lcm = lcm / a * d;
                    break;
                }
            }
        }
        int m = n[i];
        while (!(m % lcm == 0 && dft_grid_fft_size(m) == m)) m++;
        n[i] = m;
    }
    return LS_OK;
}

int dft_params_n_rho(const dft_params *p)
{
    if (!p->noncolin) return p->n_spin == 2 ? 2 : 1;
    if (!p->spinorbit) return 4; /* pw.x: domag = .true. without spin-orbit */
    for (int s = 0; s < p->n_species; s++)
        if (fabs(p->species[s].starting_magnetization) > 1e-6) return 4;
    return 1;
}

/* Noncollinear spin and spin-orbit: flags, the starting moments, the GGA axis (pw.x compute_ux). */
static int setup_magnetism(const dft_params *p, dft_system *sys)
{
    sys->npol = 1;
    sys->n_rho = dft_params_n_rho(p);
    if (!p->noncolin) {
        if (p->spinorbit)
            LS_ERROR(LS_ERR_INPUT, "%s: spin-orbit coupling needs a noncollinear calculation (pw.x: lspinorb = .true. "
                     "with noncolin = .true.)", p->source);
        if (p->mag_constraint != DFT_MAG_CONSTRAINT_NONE)
            LS_ERROR(LS_ERR_INPUT, "%s: constrained_magnetization 'atomic' / 'atomic direction' needs a noncollinear "
                     "calculation (noncolin = .true.)", p->source);
        return LS_OK;
    }
    if (p->calculation != DFT_CALC_SCF)
        LS_ERROR(LS_ERR_UNSUPPORTED, "%s: calculation = 'nscf' / 'bands' is not supported by Lodestone for noncollinear "
                 "spin yet: run the scf input (for a DOS on a denser mesh, 'lodestone dos INPUT --kmesh N1xN2xN3')",
                 p->source);
    if (p->n_spin == 2)
        LS_ERROR(LS_ERR_INPUT, "%s: a noncollinear calculation has one spin channel of spinors: nspin = 2 conflicts with "
                 "noncolin (remove nspin, as pw.x requires)", p->source);
    sys->noncolin = 1;
    sys->npol = 2;
    sys->spinorbit = p->spinorbit;
    sys->domag = sys->n_rho == 4;
    sys->m_start = calloc((size_t)sys->n_atom, sizeof *sys->m_start);
    if (!sys->m_start) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int a = 0; a < sys->n_atom; a++) {
        int s = sys->species_of[a];
        double a1 = p->angle1_deg[s] * M_PI / 180.0, a2 = p->angle2_deg[s] * M_PI / 180.0;
        double m = p->species[s].starting_magnetization;
        sys->m_start[a][0] = m * sin(a1) * cos(a2);
        sys->m_start[a][1] = m * sin(a1) * sin(a2);
        sys->m_start[a][2] = m * cos(a1);
    }
    /* The fixed axis of the GGA's local frame: the first non-zero starting moment, when all the
     * others are parallel or antiparallel to it (pw.x compute_ux; is_parallel by the cross product). */
    int first = -1;
    for (int a = 0; a < sys->n_atom && first < 0; a++) {
        const double *m = sys->m_start[a];
        if (m[0] * m[0] + m[1] * m[1] + m[2] * m[2] > 1e-12) first = a;
    }
    if (first >= 0) {
        const double *u = sys->m_start[first];
        double un = sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        sys->lsign = 1;
        for (int a = first + 1; a < sys->n_atom; a++) {
            const double *m = sys->m_start[a];
            double c[3] = {u[1] * m[2] - u[2] * m[1], u[2] * m[0] - u[0] * m[2], u[0] * m[1] - u[1] * m[0]};
            if (c[0] * c[0] + c[1] * c[1] + c[2] * c[2] > 1e-12) sys->lsign = 0;
        }
        for (int x = 0; x < 3; x++) sys->ux[x] = u[x] / un;
    }
    return LS_OK;
}

static int setup_bands(const dft_params *p, dft_system *sys)
{
    sys->n_spin = p->n_spin == 2 ? 2 : 1;
    sys->max_occ = sys->n_spin == 2 || sys->noncolin ? 1.0 : 2.0;
    if (p->occupations == DFT_OCC_SMEARING) {
        sys->smearing = dft_smearing_find(p->smearing[0] ? p->smearing : "gaussian");
        if (sys->smearing == NULL)
            LS_ERROR(LS_ERR_INPUT, "%s: unknown smearing '%s' (use fermi-dirac, gaussian, methfessel-paxton "
                     "or marzari-vanderbilt)", p->source, p->smearing);
        sys->sigma = p->smearing_width;
        if (!(sys->sigma > 0)) LS_ERROR(LS_ERR_INPUT, "%s: the smearing width must be positive", p->source);
    } else if (p->occupations == DFT_OCC_FROM_INPUT) {
        if (!p->occ_input || p->n_bands < 1)
            LS_ERROR(LS_ERR_INPUT, "%s: occupations from input need the occupation of each of the bands", p->source);
    } else if (p->occupations == DFT_OCC_FIXED && !sys->noncolin) {
        double half = sys->n_electrons / 2.0;
        if (sys->n_spin == 1 && fabs(half - round(half)) > 1e-8)
            LS_ERROR(LS_ERR_INPUT, "%s: %.6g electrons is an odd or fractional count, which fixed occupations "
                     "cannot hold: use smearing (occupations='smearing') or spin polarisation (nspin=2)",
                     p->source, sys->n_electrons);
    }
    int n_band = p->n_bands;
    if (n_band <= 0) {
        /* pw.x's default: N/2 for insulators; max(1.2 N/2, 1.2 N_up, N/2 + 4) for metals, N_up =
         * (N + 1) / 2 in integers for a whole count N (set_nelup_neldw), so that an odd count
         * may give one band more (45 electrons: 28, not 27). */
        double half = sys->n_electrons / 2.0, n_up = half;
        if (fabs(sys->n_electrons - round(sys->n_electrons)) < 1e-8) n_up = (double)(((long)round(sys->n_electrons) + 1) / 2);
        if (p->occupations == DFT_OCC_SMEARING || p->occupations == DFT_OCC_TETRAHEDRA || sys->n_spin == 2) {
            int a = (int)lround(1.2 * half), a_up = (int)lround(1.2 * n_up), b = (int)lround(fmax(half, n_up)) + 4;
            n_band = a > b ? a : b;
            if (a_up > n_band) n_band = a_up;
        } else {
            n_band = (int)lround(ceil(half - 1e-8));
        }
        /* Spinor bands are not twofold degenerate: twice as many (pw.x's setup). */
        if (sys->noncolin) n_band *= 2;
    }
    if (n_band < 1) n_band = 1;
    sys->n_band = n_band;
    return LS_OK;
}

static int setup_local(dft_system *sys)
{
    const dft_grid *g = sys->grid;
    int status = LS_OK;
    double complex *sf = malloc((size_t)g->n_g * sizeof *sf);
    double *fq = malloc((size_t)g->n_shell * sizeof *fq);
    double complex *work = fftw_malloc((size_t)g->n_r * sizeof *work);
    sys->vloc_g = calloc((size_t)g->n_g, sizeof *sys->vloc_g);
    if (!sf || !fq || !work || !sys->vloc_g) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    int any_core = 0;
    for (int s = 0; s < sys->n_species; s++) {
        LS_TRY_GOTO(status, add_species_field(sys, s, dft_pseudo_vloc_q, sys->vloc_g, sf, fq), done);
        any_core |= sys->pseudo[s]->has_nlcc;
    }
    /* alpha-Z: the G = 0 term times the electron count, reported apart as pw.x does. */
    sys->e_alphaz = creal(sys->vloc_g[0]) * sys->n_electrons;
    if (any_core) {
        sys->rho_core_g = calloc((size_t)g->n_g, sizeof *sys->rho_core_g);
        sys->rho_core = malloc((size_t)g->n_r * sizeof *sys->rho_core);
        if (!sys->rho_core_g || !sys->rho_core) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        for (int s = 0; s < sys->n_species; s++)
            if (sys->pseudo[s]->has_nlcc)
                LS_TRY_GOTO(status, add_species_field(sys, s, dft_pseudo_core_q, sys->rho_core_g, sf, fq), done);
        dft_grid_sphere_to_field(g, sys->rho_core_g, sys->rho_core, work);
    }
done:
    free(sf);
    free(fq);
    fftw_free(work);
    return status;
}

static int setup_nonlocal(dft_system *sys)
{
    /* Projector tables up to the largest |k+G| of the run (pw.x's interpolation scheme); with a
     * reference cell the plane waves may reach beyond the cutoff's sphere. */
    double q_max = sqrt(2.0 * sys->params->ecut_wfc) * 1.2 + 1.0;
    for (int ik = 0; ik < sys->kpts->n_kpt; ik++)
        for (int ig = 0; ig < sys->basis[ik]->n_pw; ig++) q_max = fmax(q_max, sqrt(2.0 * sys->basis[ik]->kin[ig]) + 1.0);
    for (int s = 0; s < sys->n_species; s++) LS_TRY(dft_pseudo_tabulate(sys->pseudo[s], q_max));
    sys->proj_offset = malloc((size_t)(sys->n_atom + 1) * sizeof *sys->proj_offset);
    if (!sys->proj_offset) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int n = 0;
    for (int a = 0; a < sys->n_atom; a++) {
        sys->proj_offset[a] = n;
        n += dft_pseudo_n_proj(sys->pseudo[sys->species_of[a]]);
    }
    sys->proj_offset[sys->n_atom] = n;
    sys->n_proj_total = n;
    if (sys->spinorbit) LS_TRY(dft_nonlocal_so_build(sys));
    sys->dmat = calloc((size_t)n * (size_t)n + 1, sizeof *sys->dmat);
    sys->proj_l = malloc(((size_t)n + 1) * sizeof *sys->proj_l);
    if (!sys->dmat || !sys->proj_l) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int a = 0; a < sys->n_atom; a++) {
        const dft_pseudo *ps = sys->pseudo[sys->species_of[a]];
        int off = sys->proj_offset[a];
        /* Projector order within an atom: for each beta i, m = -l..l. */
        int pi = off;
        int start[DFT_PSEUDO_MAX_BETA];
        for (int i = 0; i < ps->n_beta; i++) {
            start[i] = pi;
            for (int m = 0; m < 2 * ps->beta_l[i] + 1; m++) sys->proj_l[pi + m] = ps->beta_l[i];
            pi += 2 * ps->beta_l[i] + 1;
        }
        for (int i = 0; i < ps->n_beta; i++)
            for (int j = 0; j < ps->n_beta; j++) {
                if (ps->beta_l[i] != ps->beta_l[j]) continue;
                double d = ps->dij[i * ps->n_beta + j];
                for (int m = 0; m < 2 * ps->beta_l[i] + 1; m++)
                    sys->dmat[(size_t)(start[i] + m) * n + (start[j] + m)] = d;
            }
    }
    return dft_projectors_build(sys);
}

int dft_system_create(const dft_params *p, dft_system **out)
{
    int status = LS_OK, planning = 0;
    *out = NULL;
    dft_system *sys = calloc(1, sizeof *sys);
    if (sys == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    sys->params = p;
    if (p->structure == NULL) LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s: no structure given", p->source);
    LS_TRY_GOTO(status, ls_structure_check(p->structure, 0.5 * LS_ANGSTROM_BOHR, p->source), fail);
    LS_TRY_GOTO(status, dft_params_check_sizes(p), fail);
    LS_TRY_GOTO(status, setup_atoms(p, sys), fail);
    LS_TRY_GOTO(status, setup_magnetism(p, sys), fail);
    LS_TRY_GOTO(status, setup_bands(p, sys), fail);

    /* Functional: explicit, or the first pseudopotential's; spin-polarised for collinear spin and
     * for a noncollinear magnetisation (evaluated in the local spin frame, xc_noncolin.c). */
    const char *functional = p->functional[0] ? p->functional : sys->pseudo[0]->functional;
    LS_TRY_GOTO(status, dft_xc_create(functional, sys->domag ? 2 : sys->n_spin, &sys->xc), fail);

    double ecut_rho = p->ecut_rho > 0 ? p->ecut_rho : 4.0 * p->ecut_wfc;
    if (!(p->ecut_wfc > 0)) LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s: the wavefunction cutoff must be positive", p->source);
    if (ecut_rho < 4.0 * p->ecut_wfc * (1 - 1e-12))
        LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s: the density cutoff (%.6g Ry) must be at least 4 times the "
                      "wavefunction cutoff (%.6g Ry) for norm-conserving pseudopotentials",
                      p->source, 2 * ecut_rho, 2 * p->ecut_wfc);
    /* Symmetry first: an automatic grid is then chosen so that every fractional translation
     * maps grid points onto grid points (a given grid keeps only the operations that do). */
    if (p->use_symmetry) LS_TRY_GOTO(status, find_symmetry(p, sys), fail);
    int n_fft[3] = {p->fft[0], p->fft[1], p->fft[2]};
    /* pw.x's variable-cell runs keep the G-vectors of a reference cell (dft_params.basis_ref_cell) */
    const double (*sel_cell)[3] = p->basis_ref_given ? p->basis_ref_cell : (const double(*)[3])sys->cell;
    if (!(n_fft[0] > 0 && n_fft[1] > 0 && n_fft[2] > 0)) {
        status = symmetric_grid_size(sys, sel_cell, ecut_rho, n_fft);
        if (status != LS_OK) {
            ls_error_prefix("%s: ", p->source);
            goto fail;
        }
    }
    /* From here to the wavefunction FFTs: rank 0 plans first, the other ranks from its wisdom. */
    dft_fftw_plans_begin();
    planning = 1;
    LS_TRY_GOTO(status, dft_grid_create_ref(sys->cell, p->basis_ref_given ? sel_cell : NULL, ecut_rho, n_fft,
                                            &sys->grid), fail);
    if (sys->symops) {
        keep_grid_operations(sys->symops, sys->grid->n, sys->t_rev);
        sys->n_sym = sys->symops->n_op;
        if (sys->t_rev) {
            sys->n_sym_trev = 0;
            for (int op = 0; op < sys->n_sym; op++) sys->n_sym_trev += sys->t_rev[op];
        }
    }
    int mesh[3];
    memcpy(mesh, p->kmesh, sizeof mesh);
    if (p->kspacing > 0) LS_TRY_GOTO(status, dft_kpoints_mesh_from_spacing(sys->grid->recip, p->kspacing, mesh), fail);
    /* k and -k are equivalent unless the state is magnetic and noncollinear (pw.x: time_reversal =
     * .not. noinv .and. .not. (noncolin .and. domag)); time-reversed operations map k to -R^T k. */
    int k_trev = p->time_reversal && !(sys->noncolin && sys->domag);
    if (p->n_klist > 0) {
        /* A list is reduced by the operations without time reversal (a subgroup), which the list
         * code takes as plain rotations. */
        int n_unitary = 0;
        int(*unitary)[3][3] = malloc((size_t)(sys->n_sym > 0 ? sys->n_sym : 1) * sizeof *unitary);
        if (!unitary) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
        for (int op = 0; op < sys->n_sym; op++)
            if (!(sys->t_rev && sys->t_rev[op])) memcpy(unitary[n_unitary++], sys->sym_rot[op], sizeof *unitary);
        status = dft_kpoints_list(p->klist, p->n_klist, p->klist_symmetry, (const double(*)[3])sys->cell, n_unitary,
                                  (const int(*)[3][3])unitary, k_trev, &sys->kpts);
        free(unitary);
        if (status != LS_OK) goto fail;
    } else {
        LS_TRY_GOTO(status, dft_kpoints_mp_mag(mesh, p->kshift, sys->n_sym, (const int(*)[3][3])sys->sym_rot, sys->t_rev,
                                               k_trev, &sys->kpts), fail);
    }
    if (p->occupations == DFT_OCC_TETRAHEDRA)
        LS_TRY_GOTO(status, dft_tetra_create(sys->kpts, (const double(*)[3])sys->grid->recip, p->tetrahedra,
                                             &sys->tetra), fail);
    sys->basis = calloc((size_t)sys->kpts->n_kpt, sizeof *sys->basis);
    if (!sys->basis) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    for (int ik = 0; ik < sys->kpts->n_kpt; ik++)
        LS_TRY_GOTO(status, dft_basis_create(sys->grid, sys->kpts->k[ik], sys->kpts->weight[ik], p->ecut_wfc,
                                             &sys->basis[ik]), fail);
    for (int ik = 0; ik < sys->kpts->n_kpt; ik++)
        if (dft_system_npw(sys, ik) < sys->n_band)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s: only %d plane waves at k-point %d for %d bands: raise the cutoff or lower the number of bands",
                          p->source, dft_system_npw(sys, ik), ik + 1, sys->n_band);

    {
        int m[3] = {0, 0, 0};
        for (int ik = 0; ik < sys->kpts->n_kpt; ik++)
            for (int ig = 0; ig < sys->basis[ik]->n_pw; ig++)
                for (int d = 0; d < 3; d++) {
                    int a = abs(sys->basis[ik]->miller[ig][d]);
                    if (a > m[d]) m[d] = a;
                }
        LS_TRY_GOTO(status, dft_wfft_create(sys->grid->n, m, &sys->wfft), fail);
    }
    dft_fftw_plans_end();
    planning = 0;
    LS_TRY_GOTO(status, dft_dist_create(sys->n_spin * sys->kpts->n_kpt, p->n_pools, &sys->dist), fail);
    LS_TRY_GOTO(status, setup_local(sys), fail);
    LS_TRY_GOTO(status, setup_nonlocal(sys), fail);
    LS_TRY_GOTO(status, dft_magfield_setup(sys), fail);

    double *charge = malloc((size_t)sys->n_atom * sizeof *charge);
    if (!charge) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    for (int a = 0; a < sys->n_atom; a++) charge[a] = sys->pseudo[sys->species_of[a]]->z_valence;
    status = dft_ewald(sys->cell, sys->n_atom, (const double(*)[3])sys->tau, charge, &sys->e_ewald, NULL, NULL);
    free(charge);
    if (status != LS_OK) goto fail;
    *out = sys;
    return LS_OK;
fail:
    if (planning) dft_fftw_plans_end();
    dft_system_destroy(sys);
    return status;
}

void dft_system_destroy(dft_system *sys)
{
    if (sys == NULL) return;
    for (int s = 0; s < DFT_MAX_SPECIES; s++) dft_pseudo_destroy(sys->pseudo[s]);
    free(sys->species_of);
    free(sys->tau);
    dft_wfft_destroy(sys->wfft);
    dft_grid_destroy(sys->grid);
    dft_xc_destroy(sys->xc);
    if (sys->kpts) {
        for (int ik = 0; ik < sys->kpts->n_kpt; ik++) {
            if (sys->basis) dft_basis_destroy(sys->basis[ik]);
            if (sys->projectors) free(sys->projectors[ik].proj);
        }
        if (sys->psi)
            for (int i = 0; i < sys->kpts->n_kpt * sys->n_spin; i++) free(sys->psi[i]);
    }
    dft_kpoints_destroy(sys->kpts);
    dft_tetra_destroy(sys->tetra);
    dft_dist_destroy(sys->dist);
    free(sys->basis);
    free(sys->projectors);
    free(sys->psi);
    free(sys->proj_offset);
    free(sys->dmat);
    free(sys->proj_l);
    ls_symops_destroy(sys->symops);
    free(sys->vloc_g);
    free(sys->rho_core);
    free(sys->rho_core_g);
    free(sys->eig);
    free(sys->occ);
    free(sys->rho);
    free(sys->veff);
    free(sys->dso);
    free(sys->dso_offset);
    free(sys->m_start);
    free(sys->t_rev);
    free(sys->spin_proj);
    dft_sites_destroy(sys->sites);
    free(sys);
}
