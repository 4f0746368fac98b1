/* Equation of state: the third-order Birch-Murnaghan fit of energies against volumes.
 *
 *     E(V) = E0 + (9 V0 B0 / 16) { [eta - 1]^3 B1 + [eta - 1]^2 [6 - 4 eta] },  eta = (V0/V)^(2/3)
 *     P(V) = -dE/dV = (3 B0 / 2) [(V0/V)^(7/3) - (V0/V)^(5/3)] { 1 + (3/4) (B1 - 4) [eta - 1] }
 *
 * F. Birch, Phys. Rev. 71, 809 (1947), doi:10.1103/PhysRev.71.809; the form above is the one of
 * the ACWF verification study (Bosoni et al., Nat. Rev. Phys. 6, 45 (2024),
 * doi:10.1038/s42254-023-00655-3) and of ASE's 'birchmurnaghan'.
 *
 * The fit works in whatever consistent units it is given: volumes in [V], energies in [E]
 * give V0 in [V], E0 in [E], B0 in [E]/[V] and B1 dimensionless.  (lodestone eos passes
 * Å^3/atom and eV/atom and reports B0 * 160.2176634 in GPa.)
 *
 * Method.  BM3 is a cubic polynomial in x = V^(-2/3), so a linear least-squares fit of E as a
 * cubic in x (centred and scaled for conditioning) gives the start: V0 from the minimum of the
 * cubic, B0 and B1 from its second and third derivatives there.  Because BM3 curves and
 * cubics in x with a minimum are the same four-parameter family, that start is already the
 * least-squares solution up to rounding; the nonlinear least-squares refinement (GSL
 * gsl_multifit_nlinear, trust region with Levenberg-Marquardt steps, analytic Jacobian)
 * polishes it and gives the covariance in the physical parameters.
 *
 * Standard errors: sqrt(diag(C) s^2), where C = (J^T J)^-1 is the covariance of the
 * parameters at the solution and s^2 = sum(residual^2) / (n - 4) is the residual variance,
 * i.e. the errors assume independent residuals of equal size estimated from the fit itself
 * (DFT energies are deterministic: the errors then measure how well BM3 describes the data).
 */
#ifndef LS_WORKFLOW_EOS_FIT_H
#define LS_WORKFLOW_EOS_FIT_H

/* Fewest points ls_eos_bm3_fit accepts: four parameters and at least one degree of freedom. */
#define LS_EOS_MIN_POINTS 5

struct ls_eos_bm3 {
    double v0, b0, b1, e0;                 /* the parameters, in the units of the data */
    double v0_err, b0_err, b1_err, e0_err; /* standard errors (see above) */
    double rms_residual;                   /* sqrt(mean(residual^2)), units of energy */
    int n_points;
    int v0_inside;                         /* 1 when min(V) <= V0 <= max(V) */
    int n_iter;                            /* iterations of the nonlinear refinement */
};

/* Fit n points (volume[i], energy[i]).  Status: LS_ERR_INPUT for fewer than
 * LS_EOS_MIN_POINTS points or non-finite / non-positive volumes; LS_ERR_NUMERIC when the data
 * have no minimum (e.g. energies that only fall with volume) or the refinement fails.  A
 * minimum outside the sampled volumes is a warning on the log (fit->v0_inside = 0) with the
 * fit returned: its B0 and B1 are extrapolations. */
int ls_eos_bm3_fit(const double *volume, const double *energy, int n, struct ls_eos_bm3 *fit);

/* E(V) and P(V) = -dE/dV of the fitted curve (units of the data). */
double ls_eos_bm3_energy(const struct ls_eos_bm3 *fit, double volume);
double ls_eos_bm3_pressure(const struct ls_eos_bm3 *fit, double volume);

#endif
