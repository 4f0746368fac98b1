/* Magnetocrystalline anisotropy: the magnetic force theorem and self-consistent spin-orbit
 * calculations per direction (dft_mae_run in dft/dft.h).
 *
 * Force theorem (A. R. Mackintosh, O. K. Andersen, in Electrons at the Fermi Surface (1980);
 * G. H. O. Daalderop, P. J. Kelly, M. F. H. Schuurmans, Phys. Rev. B 41, 11919 (1990),
 * doi:10.1103/PhysRevB.41.11919; pw.x's lforcet): to first order in the spin-orbit coupling the
 * anisotropy is the change of the band energy sum f e when the self-consistent magnetisation of
 * a calculation without spin-orbit is turned rigidly, m(r) -> m_z(r) d, and the spin-orbit
 * Hamiltonian of that density is diagonalised once, with the Fermi level found again for each d.
 * Here, as in pw.x: a collinear SCF (spin-polarised, fully relativistic files j-averaged), then
 * for each d the noncollinear spin-orbit system on the same FFT grid with the density
 * (n, m_z d) and its own magnetic symmetry and k-points, diagonalised to convergence
 * (dft_scf_solve with nscf, dft/scf/system.h); MAE(d) = E_band(d) - E_band(d_1).  A fixed moment
 * of the input becomes, in the noncollinear runs, the field B = (e_F,up - e_F,down) / 2 along d
 * that the two Fermi levels of the collinear run stand for.
 *
 * Self-consistent: for each d an SCF with spin-orbit from the same turned density; where the
 * magnetic symmetry of d does not fix the moments' direction (the axial vectors invariant under
 * the kept operations span more than d), pw.x's 'atomic direction' penalty keeps each moment's
 * polar angle (lambda of the options); MAE(d) = F(d) - F(d_1).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/symmetry.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/magnet/mae_impl.h"
#include "dft/scf/moments.h"
#include "dft/scf/scf.h"
#include "dft/scf/system.h"

void dft_mae_result_destroy(dft_mae_result *r) { free(r); }

/* A deep copy of p for one run of the workflow (dft_params_free it), on a Monkhorst-Pack mesh
 * (an explicit k-point list of the input is dropped: the caller sets the mesh). */
static int params_copy(const dft_params *p, dft_params *q)
{
    LS_TRY(dft_params_copy(p, q));
    free(q->klist);
    q->klist = NULL;
    q->n_klist = 0;
    return LS_OK;
}

/* Signed starting moments along one axis: collinear inputs as they are; noncollinear ones must
 * have every moment parallel or antiparallel to the first. */
static int collinear_moments(const dft_params *p, double *smag)
{
    double u[3] = {0, 0, 0};
    int have = 0;
    for (int s = 0; s < p->n_species; s++) {
        double m = p->species[s].starting_magnetization;
        smag[s] = m;
        if (!p->noncolin || fabs(m) < 1e-12) continue;
        double a1 = p->angle1_deg[s] * M_PI / 180, a2 = p->angle2_deg[s] * M_PI / 180;
        double d[3] = {sin(a1) * cos(a2), sin(a1) * sin(a2), cos(a1)};
        if (!have) {
            memcpy(u, d, sizeof u);
            have = 1;
            continue;
        }
        double c[3] = {u[1] * d[2] - u[2] * d[1], u[2] * d[0] - u[0] * d[2], u[0] * d[1] - u[1] * d[0]};
        if (c[0] * c[0] + c[1] * c[1] + c[2] * c[2] > 1e-8)
            LS_ERROR(LS_ERR_INPUT, "%s: the force theorem turns a collinear magnetisation: the starting moments of species %s "
                     "are not parallel or antiparallel to those of the others (use --scf-only for noncollinear orders)",
                     p->source, p->species[s].label);
        if (u[0] * d[0] + u[1] * d[1] + u[2] * d[2] < 0) smag[s] = -m;
    }
    return LS_OK;
}

/* The parameters of a noncollinear spin-orbit run along d on the collinear run's grid. */
static int direction_params(const dft_params *p, const double *smag, const double d[3], const int mesh[3], const int fft[3],
                            dft_params *q)
{
    LS_TRY(params_copy(p, q));
    q->noncolin = 1;
    q->spinorbit = 1;
    q->n_spin = 1;
    memcpy(q->kmesh, mesh, sizeof q->kmesh);
    q->kspacing = 0;
    memcpy(q->fft, fft, sizeof q->fft);
    double th = acos(fmax(-1.0, fmin(1.0, d[2]))) * 180 / M_PI, ph = atan2(d[1], d[0]) * 180 / M_PI;
    for (int s = 0; s < q->n_species; s++) {
        q->species[s].starting_magnetization = smag[s];
        q->angle1_deg[s] = th;
        q->angle2_deg[s] = ph;
    }
    q->mag_constraint = DFT_MAG_CONSTRAINT_NONE;
    q->n_bands = p->noncolin ? p->n_bands : 2 * p->n_bands; /* spinor bands: twice the collinear ones */
    return LS_OK;
}

/* Dimension of the axial vectors left invariant by the system's magnetic group: the trace of
 * the group average of s det(S) S. */
static int invariant_axial_dim(const dft_system *sys)
{
    if (sys->n_sym <= 1) return 3;
    double tr = 0;
    for (int op = 0; op < sys->n_sym; op++) {
        const double (*c)[3] = (const double(*)[3])sys->symops->cart_rotations[op];
        const int (*r)[3] = (const int(*)[3])sys->sym_rot[op];
        int det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
                  r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
        tr += det * (sys->t_rev && sys->t_rev[op] ? -1 : 1) * (c[0][0] + c[1][1] + c[2][2]);
    }
    return (int)lround(tr / sys->n_sym);
}

/* The rotated density (n, m_z d) on the grid of the collinear system. */
static double *turned_density(const dft_system *col, const double d[3])
{
    long nr = col->grid->n_r;
    double *rho = malloc((size_t)4 * nr * sizeof *rho);
    if (!rho) return NULL;
    for (long ir = 0; ir < nr; ir++) {
        double up = col->rho[ir], dn = col->rho[nr + ir], mz = up - dn;
        rho[ir] = up + dn;
        for (int x = 0; x < 3; x++) rho[(size_t)(x + 1) * nr + ir] = mz * d[x];
    }
    return rho;
}

/* Moments of a solved noncollinear system: M of the density, sums of the site spin and orbital
 * moments. */
static int entry_moments(const dft_system *sys, struct dft_mae_entry *e)
{
    long nr = sys->grid->n_r;
    double dv = sys->omega / (double)nr;
    for (int x = 0; x < 3; x++) {
        double m = 0;
        for (long ir = 0; ir < nr; ir++) m += sys->rho[(size_t)(x + 1) * nr + ir];
        e->m_cell[x] = m * dv;
    }
    dft_sites *st = NULL;
    LS_TRY(dft_sites_create(sys, &st));
    int na = sys->n_atom, status = LS_OK;
    double (*ms)[3] = calloc((size_t)na, sizeof *ms), (*ml)[3] = calloc((size_t)na, sizeof *ml);
    if (!ms || !ml) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (status == LS_OK) {
        dft_sites_moments(sys, st, sys->rho, ms, NULL);
        status = dft_sites_orbital(sys, st, ml);
    }
    for (int a = 0; status == LS_OK && a < na; a++)
        for (int x = 0; x < 3; x++) {
            e->m_spin[x] += ms[a][x];
            e->m_orbital[x] += ml[a][x];
        }
    free(ms);
    free(ml);
    dft_sites_destroy(st);
    return status;
}

/* Force theorem along d: nscf with the turned collinear density. */
static int run_force_theorem(const dft_params *p, const double *smag, const dft_system *col, const double d[3],
                             const int mesh[3], struct dft_mae_entry *e)
{
    dft_params q;
    dft_system *sys = NULL;
    double *rho = NULL;
    int status = direction_params(p, smag, d, mesh, col->grid->n, &q);
    if (status == LS_OK) status = dft_system_create(&q, &sys);
    if (status == LS_OK && !(rho = turned_density(col, d))) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (status == LS_OK) {
        sys->rho_init = rho;
        sys->nscf = 1;
        if (sys->fsm) sys->fsm_field = 0.5 * (col->fermi_up - col->fermi_down);
        struct dft_scf_report rep;
        status = dft_scf_solve(sys, &rep);
        if (status == LS_OK || status == LS_ERR_CONVERGENCE) {
            e->done_ft = 1;
            e->converged_ft = status == LS_OK;
            e->e_band = rep.e_band;
            e->e_band_ts = rep.e_band + sys->minus_ts;
            e->n_kpt = sys->kpts->n_kpt;
            e->n_sym = sys->n_sym > 0 ? sys->n_sym : 1;
            e->n_sym_trev = sys->n_sym_trev;
            int s2 = entry_moments(sys, e);
            if (s2 != LS_OK) status = s2;
            else if (status == LS_ERR_CONVERGENCE) ls_error_clear(), status = LS_OK;
        }
    }
    dft_system_destroy(sys);
    free(rho);
    dft_params_free(&q);
    return status;
}

/* Self-consistent along d, from the turned collinear density (or atomic without a collinear run). */
static int run_scf(const dft_params *p, const struct dft_mae_options *o, const double *smag, const dft_system *col,
                   const double d[3], const int mesh[3], const int fft[3], struct dft_mae_entry *e)
{
    dft_params q;
    dft_system *sys = NULL;
    double *rho = NULL;
    int status = direction_params(p, smag, d, mesh, fft, &q);
    if (status == LS_OK) status = dft_system_create(&q, &sys);
    if (status == LS_OK && invariant_axial_dim(sys) > 1 && o->lambda > 0) {
        /* The direction is not fixed by symmetry: keep each moment's polar angle. */
        ls_log_info("mae: direction (%.4f, %.4f, %.4f) is not fixed by the magnetic symmetry: 'atomic direction' "
                    "constraint, lambda %.4g Ry", d[0], d[1], d[2], 2 * o->lambda);
        dft_system_destroy(sys);
        sys = NULL;
        q.mag_constraint = DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION;
        q.mag_lambda = o->lambda;
        status = dft_system_create(&q, &sys);
    }
    if (status == LS_OK && col && !(rho = turned_density(col, d)))
        status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (status == LS_OK) {
        sys->rho_init = rho;
        struct dft_scf_report rep;
        status = dft_scf_solve(sys, &rep);
        if (status == LS_OK || status == LS_ERR_CONVERGENCE) {
            e->done_scf = 1;
            e->converged_scf = status == LS_OK;
            e->e_scf = rep.energy_free;
            e->constraint_energy = sys->e_penalty;
            if (!e->done_ft) {
                e->n_kpt = sys->kpts->n_kpt;
                e->n_sym = sys->n_sym > 0 ? sys->n_sym : 1;
                e->n_sym_trev = sys->n_sym_trev;
                memset(e->m_spin, 0, sizeof e->m_spin);
                memset(e->m_orbital, 0, sizeof e->m_orbital);
                int s2 = entry_moments(sys, e);
                if (s2 != LS_OK) status = s2;
            }
            if (status == LS_ERR_CONVERGENCE) ls_error_clear(), status = LS_OK;
        }
    }
    dft_system_destroy(sys);
    free(rho);
    dft_params_free(&q);
    return status;
}

static int run_mesh(const dft_params *p, const struct dft_mae_options *o, const double *smag, const int mesh[3],
                    dft_mae_result *r, struct dft_mae_mesh_result *mr)
{
    memcpy(mr->mesh, mesh, sizeof mr->mesh);
    dft_params q;
    dft_system *col = NULL;
    LS_TRY(params_copy(p, &q));
    q.noncolin = 0;
    q.spinorbit = 0;
    q.n_spin = 2;
    q.mag_constraint = DFT_MAG_CONSTRAINT_NONE;
    memcpy(q.kmesh, mesh, sizeof q.kmesh);
    q.kspacing = 0;
    if (p->noncolin && q.n_bands > 0) q.n_bands = (q.n_bands + 1) / 2;
    for (int s = 0; s < q.n_species; s++) q.species[s].starting_magnetization = smag[s];
    int status = dft_system_create(&q, &col);
    if (status == LS_OK) {
        struct dft_scf_report rep;
        ls_log_info("mae: mesh %d x %d x %d: collinear SCF without spin-orbit (the reference)", mesh[0], mesh[1], mesh[2]);
        status = dft_scf_solve(col, &rep);
        mr->converged_collinear = status == LS_OK;
        mr->n_kpt_collinear = col->kpts->n_kpt;
        mr->e_collinear = rep.energy_free;
        long nr = col->grid->n_r;
        double m = 0;
        for (long ir = 0; ir < nr; ir++) m += col->rho[ir] - col->rho[nr + ir];
        mr->m_collinear = m * col->omega / (double)nr;
        if (status == LS_ERR_CONVERGENCE) {
            ls_log_warn("mae: the collinear SCF of mesh %dx%dx%d did not converge; the results of this mesh are not reliable",
                        mesh[0], mesh[1], mesh[2]);
            ls_error_clear();
            status = LS_OK;
        }
    }
    for (int i = 0; status == LS_OK && i < r->n_dir; i++) {
        if (o->force_theorem) {
            ls_log_info("mae: force theorem, direction %s", r->dir_label[i]);
            status = run_force_theorem(p, smag, col, r->dir[i], mesh, &mr->d[i]);
        }
        if (status == LS_OK && o->self_consistent) {
            ls_log_info("mae: self-consistent, direction %s", r->dir_label[i]);
            status = run_scf(p, o, smag, col, r->dir[i], mesh, col->grid->n, &mr->d[i]);
        }
    }
    dft_system_destroy(col);
    dft_params_free(&q);
    return status;
}

int dft_mae_run(const dft_params *p, const struct dft_mae_options *o, dft_mae_result **out)
{
    *out = NULL;
    if (o->n_dir < 2 || o->n_dir > DFT_MAE_MAX_DIR)
        LS_ERROR(LS_ERR_USAGE, "give 2 to %d directions of the moments (got %d)", DFT_MAE_MAX_DIR, o->n_dir);
    if (!o->force_theorem && !o->self_consistent) LS_ERROR(LS_ERR_USAGE, "neither the force theorem nor the SCF was asked for");
    if (p->occupations != DFT_OCC_SMEARING)
        LS_ERROR(LS_ERR_INPUT, "%s: the anisotropy of a magnet needs smearing (occupations = 'smearing')", p->source);
    double smag[DFT_MAX_SPECIES];
    LS_TRY(collinear_moments(p, smag));
    int any = 0;
    for (int s = 0; s < p->n_species; s++) any |= fabs(smag[s]) > 1e-6;
    if (!any) LS_ERROR(LS_ERR_INPUT, "%s: no starting magnetisation: the anisotropy needs a magnetic state", p->source);
    dft_mae_result *r = calloc(1, sizeof *r);
    if (!r) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    r->n_dir = o->n_dir;
    for (int i = 0; i < o->n_dir; i++) {
        double n = sqrt(o->dir[i][0] * o->dir[i][0] + o->dir[i][1] * o->dir[i][1] + o->dir[i][2] * o->dir[i][2]);
        if (!(n > 0)) {
            free(r);
            LS_ERROR(LS_ERR_USAGE, "direction %d is zero", i + 1);
        }
        for (int x = 0; x < 3; x++) r->dir[i][x] = o->dir[i][x] / n;
        snprintf(r->dir_label[i], sizeof r->dir_label[i], "%s", o->dir_label[i]);
    }
    int status = dft_mae_describe(p, r);
    r->n_mesh = o->n_mesh > 0 ? o->n_mesh : 1;
    for (int im = 0; status == LS_OK && im < r->n_mesh; im++)
        status = run_mesh(p, o, smag, o->n_mesh > 0 ? o->mesh[im] : p->kmesh, r, &r->m[im]);
    if (status == LS_OK) dft_mae_anisotropy_constants(r);
    if (status != LS_OK) {
        free(r);
        return status;
    }
    *out = r;
    for (int im = 0; im < r->n_mesh; im++) {
        int ok = r->m[im].converged_collinear || !o->force_theorem;
        for (int i = 0; i < r->n_dir; i++)
            ok &= (!o->force_theorem || r->m[im].d[i].converged_ft) && (!o->self_consistent || r->m[im].d[i].converged_scf);
        if (!ok)
            return ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__,
                                "some runs of mesh %dx%dx%d did not converge (see the log and the JSON): results kept",
                                r->m[im].mesh[0], r->m[im].mesh[1], r->m[im].mesh[2]);
    }
    return LS_OK;
}
