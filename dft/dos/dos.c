/* Density of states (dft_dos_run in dft/dft.h).
 *
 *   D(E) = sum_nk w_k g_max g(E - e_nk),   g(x) = exp(-x^2 / sigma^2) / (sigma sqrt(pi))
 * (g_max = 2 without spin, 1 per spin channel or spinor band).  Spin channels: collinear, the two
 * spins; noncollinear, the weights (1 +- <psi|sigma.e|psi>) / 2 along e = M / |M|.  Projections
 * (P.-O. Loewdin, J. Chem. Phys. 18, 365 (1950), doi:10.1063/1.1747632; as Quantum ESPRESSO's
 * projwfc.x): at each k the pseudo-atomic orbitals phi (PP_CHI, atwfc.h) are orthonormalised,
 * phi' = phi S^-1/2 with S = <phi|phi>, and D_{a,l}(E) = sum_nk w_k g_max sum_{m in (a,l)}
 * |<phi'_m|psi_nk>|^2 g(E - e_nk) (spin-resolved: the spinor components along e).  The
 * irreducible k-points give each atom's share through the symmetry: the projections are averaged
 * over the images of the atoms under the operations.  The rest of the norm is the spilling.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "common/err.h"
#include "common/log.h"
#include "common/symmetry.h"
#include "dft/dft.h"
#include "dft/scf/atwfc.h"
#include "dft/scf/linalg.h"
#include "dft/scf/scf.h"
#include "dft/scf/system.h"

void dft_dos_destroy(dft_dos *d)
{
    if (!d) return;
    free(d->energy);
    free(d->total);
    free(d->spin);
    free(d->proj);
    free(d->pdos);
    free(d->pdos_sum);
    free(d);
}

/* A deep copy of p (dft_params_free it) without forces and stress. */
static int params_copy(const dft_params *p, dft_params *q)
{
    LS_TRY(dft_params_copy(p, q));
    q->compute_forces = q->compute_stress = 0;
    return LS_OK;
}

/* Per-band weights of the channels of one k-point: proj[ib][n_chan][n_spin] (|projection|^2), and
 * the spin weights of the bands sw[ib][2]. */
static int project_kpoint(const dft_system *sys, int ik, int is, const double *axis, int n_chan, const int *chan_of,
                          int n_spin_out, double *proj, double *sw)
{
    const dft_basis *b = sys->basis[ik];
    int npw = b->n_pw, nb = sys->n_band, npol = sys->npol, n_orb = 0;
    for (int a = 0; a < sys->n_atom; a++) {
        const dft_pseudo *ps = sys->pseudo[sys->species_of[a]];
        for (int i = 0; i < ps->n_chi; i++) n_orb += 2 * ps->chi_l[i] + 1;
    }
    int status = LS_OK;
    double complex *phi = malloc(((size_t)n_orb * npw + 1) * sizeof *phi);
    double complex *s = malloc(((size_t)n_orb * n_orb + 1) * sizeof *s);
    double complex *o = malloc(((size_t)n_orb * n_orb + 1) * sizeof *o);
    double complex *bp = malloc(((size_t)nb * npol * n_orb + 1) * sizeof *bp);
    double complex *c = malloc(((size_t)nb * npol * n_orb + 1) * sizeof *c);
    double *ev = malloc(((size_t)n_orb + 1) * sizeof *ev);
    struct dft_atwfc_label *lab = malloc(((size_t)n_orb + 1) * sizeof *lab);
    if (!phi || !s || !o || !bp || !c || !ev || !lab) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the projections");
    int n = 0;
    LS_TRY_GOTO(status, dft_atomic_orbitals(sys, ik, n_orb, phi, &n, lab), done);
    /* S^-1/2 through the eigenvectors of S (Hermitian, positive). */
    dft_zgemm(CblasNoTrans, CblasConjTrans, n, n, npw, 1.0, phi, npw, phi, npw, 0.0, s, n); /* s[i][j] = <phi_j|phi_i> */
    for (long i = 0; i < (long)n * n; i++) s[i] = conj(s[i]);                             /* <phi_i|phi_j> */
    lapack_int info = LAPACKE_zheev(LAPACK_ROW_MAJOR, 'V', 'U', n, (lapack_complex_double *)s, n, ev);
    if (info != 0) LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "projections: overlap diagonalisation failed (info %d)", (int)info);
    for (int i = 0; i < n; i++) {
        if (!(ev[i] > 1e-10)) LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "projections: the atomic orbitals are linearly dependent");
        ev[i] = 1.0 / sqrt(ev[i]);
    }
    for (int i = 0; i < n; i++) /* o = V diag(ev) V^H, Hermitian */
        for (int j = 0; j < n; j++) {
            double complex acc = 0;
            for (int k = 0; k < n; k++) acc += s[(size_t)i * n + k] * ev[k] * conj(s[(size_t)j * n + k]);
            o[(size_t)i * n + j] = acc;
        }
    /* bp[v][j] = <phi_j | psi_v> for the nb * npol vectors (spinor components), then c = bp O^T:
     * c[v][i] = sum_j O_ij bp[v][j] = <phi'_i|psi_v> (O Hermitian: phi'_i = sum_j phi_j O_ji). */
    const double complex *psi = sys->psi[is * sys->kpts->n_kpt + ik];
    dft_zgemm(CblasNoTrans, CblasConjTrans, nb * npol, n, npw, 1.0, psi, npw, phi, npw, 0.0, bp, n);
    dft_zgemm(CblasNoTrans, CblasTrans, nb * npol, n, n, 1.0, bp, n, o, n, 0.0, c, n);
    memset(proj, 0, (size_t)nb * n_chan * n_spin_out * sizeof *proj);
    for (int ib = 0; ib < nb; ib++) {
        if (npol == 2) { /* spin weights along the axis */
            const double complex *u = psi + (size_t)ib * 2 * npw, *d = u + npw;
            double uu = 0, dd = 0;
            double complex ud = 0;
            for (int ig = 0; ig < npw; ig++) {
                uu += creal(u[ig] * conj(u[ig]));
                dd += creal(d[ig] * conj(d[ig]));
                ud += conj(u[ig]) * d[ig];
            }
            double se = axis[0] * 2 * creal(ud) + axis[1] * 2 * cimag(ud) + axis[2] * (uu - dd);
            sw[2 * ib] = 0.5 * (1 + se);
            sw[2 * ib + 1] = 0.5 * (1 - se);
        }
        for (int i = 0; i < n; i++) {
            int ch = chan_of[lab[i].atom * 4 + lab[i].l];
            if (ch < 0) continue;
            double *pr = proj + ((size_t)ib * n_chan + ch) * n_spin_out;
            if (npol == 1) {
                double complex x = c[(size_t)ib * n + i];
                pr[0] += creal(x * conj(x));
            } else {
                double complex cu = c[(size_t)(2 * ib) * n + i], cd = c[(size_t)(2 * ib + 1) * n + i];
                if (n_spin_out == 1) {
                    pr[0] += creal(cu * conj(cu) + cd * conj(cd));
                } else {
                    /* components along +e and -e: chi_+ = (cos t/2, e^{i f} sin t/2), chi_- orthogonal */
                    double t = acos(fmax(-1.0, fmin(1.0, axis[2]))), f = atan2(axis[1], axis[0]);
                    double complex ep = cexp(I * f);
                    double complex pp = cos(t / 2) * cu + conj(ep) * sin(t / 2) * cd;
                    double complex pm = -sin(t / 2) * cu + conj(ep) * cos(t / 2) * cd;
                    pr[0] += creal(pp * conj(pp));
                    pr[1] += creal(pm * conj(pm));
                }
            }
        }
    }
done:
    free(phi);
    free(s);
    free(o);
    free(bp);
    free(c);
    free(ev);
    free(lab);
    return status;
}

static void broaden(const dft_dos *d, double e_rel, double weight, double sigma, double *out)
{
    double norm = weight / (sigma * sqrt(M_PI));
    for (int ie = 0; ie < d->n_e; ie++) {
        double x = (d->energy[ie] - e_rel) / sigma;
        if (fabs(x) < 8) out[ie] += norm * exp(-x * x);
    }
}

static int dos_from_system(const dft_system *sys, const struct dft_dos_options *o, const dft_params *p, dft_dos *d)
{
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band, na = sys->n_atom;
    d->fermi = sys->fermi;
    d->noncolin = sys->noncolin;
    d->n_spin = sys->n_spin == 2 || (sys->noncolin && sys->domag) ? 2 : 1;
    d->n_kpt = n_kpt;
    if (sys->noncolin && sys->domag) { /* the axis: M of the density */
        long nr = sys->grid->n_r;
        double m[3] = {0, 0, 0};
        for (int x = 0; x < 3; x++)
            for (long ir = 0; ir < nr; ir++) m[x] += sys->rho[(size_t)(x + 1) * nr + ir];
        double mn = sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
        d->axis[2] = 1;
        if (mn > 1e-10)
            for (int x = 0; x < 3; x++) d->axis[x] = m[x] / mn;
    }
    d->n_e = (int)floor((o->emax - o->emin) / o->step + 1e-9) + 1;
    d->energy = malloc((size_t)d->n_e * sizeof *d->energy);
    d->total = calloc((size_t)d->n_e, sizeof *d->total);
    d->spin = calloc((size_t)2 * d->n_e, sizeof *d->spin);
    if (!d->energy || !d->total || !d->spin) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int ie = 0; ie < d->n_e; ie++) d->energy[ie] = o->emin + ie * o->step;
    /* Channels: each atom's distinct l of its atomic orbitals. */
    int *chan_of = malloc((size_t)na * 4 * sizeof *chan_of);
    d->proj = calloc((size_t)na * 4 + 1, sizeof *d->proj);
    if (!chan_of || !d->proj) {
        free(chan_of);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    static const char lname[4] = {'s', 'p', 'd', 'f'};
    for (int a = 0; a < na; a++) {
        int s = sys->species_of[a], k = 1;
        for (int b = 0; b < a; b++) k += sys->species_of[b] == s;
        for (int l = 0; l < 4; l++) {
            chan_of[a * 4 + l] = -1;
            int has = 0;
            for (int i = 0; i < sys->pseudo[s]->n_chi; i++) has |= sys->pseudo[s]->chi_l[i] == l;
            if (!has || !o->projected) continue;
            struct dft_dos_channel *c = &d->proj[d->n_proj];
            c->atom = a;
            c->l = l;
            snprintf(c->label, sizeof c->label, "%s%d %c", p->species[s].label, k, lname[l]);
            chan_of[a * 4 + l] = d->n_proj++;
        }
    }
    int ns_out = d->n_spin, status = LS_OK;
    d->pdos = calloc((size_t)d->n_proj * ns_out * d->n_e + 1, sizeof *d->pdos);
    d->pdos_sum = calloc((size_t)d->n_e, sizeof *d->pdos_sum);
    double *proj = malloc(((size_t)nb * (d->n_proj + 1) * ns_out + 1) * sizeof *proj);
    double *sw = malloc((size_t)2 * nb * sizeof *sw);
    if (!d->pdos || !d->pdos_sum || !proj || !sw) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    double gmax = sys->max_occ, sigma = o->width;
    for (int is = 0; status == LS_OK && is < sys->n_spin; is++)
        for (int ik = 0; status == LS_OK && ik < n_kpt; ik++) {
            double w = sys->kpts->weight[ik] * gmax;
            if (d->n_proj > 0 || sys->noncolin) status = project_kpoint(sys, ik, is, d->axis, d->n_proj, chan_of, ns_out, proj, sw);
            for (int ib = 0; status == LS_OK && ib < nb; ib++) {
                double e = sys->eig[((size_t)is * n_kpt + ik) * nb + ib] - sys->fermi;
                broaden(d, e, w, sigma, d->total);
                if (d->n_spin == 2) {
                    if (sys->noncolin) {
                        broaden(d, e, w * sw[2 * ib], sigma, d->spin);
                        broaden(d, e, w * sw[2 * ib + 1], sigma, d->spin + d->n_e);
                    } else {
                        broaden(d, e, w, sigma, d->spin + (size_t)is * d->n_e);
                    }
                }
                for (int ch = 0; ch < d->n_proj; ch++)
                    for (int c2 = 0; c2 < ns_out; c2++) {
                        int out_spin = sys->noncolin ? c2 : is; /* collinear: the channel's own spin */
                        double x = proj[((size_t)ib * d->n_proj + ch) * ns_out + (sys->noncolin ? c2 : 0)];
                        if (!sys->noncolin && c2 > 0) break;
                        broaden(d, e, w * x, sigma, d->pdos + ((size_t)ch * ns_out + out_spin) * d->n_e);
                        broaden(d, e, w * x, sigma, d->pdos_sum);
                    }
            }
        }
    /* Symmetry: each projection averaged over the images of its atom. */
    if (status == LS_OK && sys->n_sym > 1 && d->n_proj > 0) {
        size_t block = (size_t)ns_out * d->n_e;
        double *acc = calloc((size_t)d->n_proj * block, sizeof *acc);
        if (!acc) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
        for (int op = 0; acc && op < sys->n_sym; op++) {
            const int *map = sys->symops->atom_map + (size_t)op * na;
            for (int ch = 0; ch < d->n_proj; ch++) {
                int target = chan_of[map[d->proj[ch].atom] * 4 + d->proj[ch].l];
                for (size_t k = 0; target >= 0 && k < block; k++) acc[(size_t)target * block + k] += d->pdos[(size_t)ch * block + k];
            }
        }
        if (acc) {
            for (size_t k = 0; k < (size_t)d->n_proj * block; k++) d->pdos[k] = acc[k] / sys->n_sym;
            free(acc);
        }
    }
    free(chan_of);
    free(proj);
    free(sw);
    return status;
}

int dft_dos_run(const dft_params *p, const struct dft_dos_options *o, dft_dos **out)
{
    *out = NULL;
    if (!(o->width > 0) || !(o->step > 0) || !(o->emax > o->emin))
        LS_ERROR(LS_ERR_USAGE, "DOS: the width and step must be positive and emax above emin");
    if ((o->emax - o->emin) / o->step > 1e6) LS_ERROR(LS_ERR_USAGE, "DOS: more than a million energies: raise the step");
    dft_params q;
    LS_TRY(params_copy(p, &q));
    dft_system *sys = NULL, *nscf = NULL;
    dft_dos *d = calloc(1, sizeof *d);
    int status = d ? dft_system_create(&q, &sys) : ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    struct dft_scf_report rep;
    double t0 = ls_wall_time();
    if (status == LS_OK) status = dft_scf_solve(sys, &rep);
    if (status == LS_ERR_CONVERGENCE) ls_log_warn("dos: the SCF did not converge; the density of states is that of its last iteration");
    int scf_status = status;
    if ((status == LS_OK || status == LS_ERR_CONVERGENCE) && (o->mesh[0] > 0)) {
        /* The same density on the denser mesh (same grid), non-self-consistently. */
        dft_params r;
        status = params_copy(&q, &r);
        if (status == LS_OK) {
            memcpy(r.kmesh, o->mesh, sizeof r.kmesh);
            r.kspacing = 0;
            free(r.klist); /* the mesh replaces an explicit list */
            r.klist = NULL;
            r.n_klist = 0;
            memcpy(r.fft, sys->grid->n, sizeof r.fft);
            status = dft_system_create(&r, &nscf);
            if (status == LS_OK) {
                nscf->rho_init = sys->rho;
                nscf->nscf = 1;
                if (sys->fsm) nscf->fsm_field = sys->fsm_field;
                ls_log_info("dos: non-self-consistent run on the %d x %d x %d mesh", o->mesh[0], o->mesh[1], o->mesh[2]);
                status = dft_scf_solve(nscf, &rep);
            }
            dft_params_free(&r);
        }
    } else if (status == LS_ERR_CONVERGENCE) {
        ls_error_clear();
        status = LS_OK;
    }
    if (status == LS_OK) status = dos_from_system(nscf ? nscf : sys, o, p, d);
    if (d) d->wall_s = ls_wall_time() - t0;
    dft_system_destroy(nscf);
    dft_system_destroy(sys);
    dft_params_free(&q);
    if (status != LS_OK) {
        dft_dos_destroy(d);
        return status;
    }
    *out = d;
    if (scf_status == LS_ERR_CONVERGENCE)
        return ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__, "the SCF did not converge: the DOS is written from its last state");
    return LS_OK;
}
