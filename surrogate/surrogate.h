/* Lodestone surrogate potentials: atom-centred descriptors and one feed-forward network
 * per element (Behler-Parrinello form), trained on DFT energies, forces and stresses, with
 * ensembles for uncertainty.  The public interface of surrogate/.
 *
 *   E = sum_i [ e_ref(Z_i) + s_E * NN_{Z_i}( (G_i - mean) / std ) ],   F = -dE/dr,
 *   stress = (1/V) dE/d(strain)  (ASE sign: positive = tensile).
 *
 * Units: Hartree atomic units throughout (bohr, Ha, Ha/bohr, Ha/bohr^3).
 * A model holds n_member networks per element (an ensemble when n_member > 1); every
 * prediction gives the ensemble mean and, for n_member > 1, the spread (standard
 * deviation over members) of the energy and of each force component.
 * The model file format is described in surrogate/README.md (text, versioned).
 */
#ifndef LS_SURROGATE_H
#define LS_SURROGATE_H

#include "common/structure.h"
#include "workflow/calc.h"

#define NNP_MAX_ELEMENTS 32
#define NNP_MAX_LAYERS 8
#define NNP_DESC_NAME_MAX 32

/* How the angular part tells the neighbours' elements apart (moment descriptor):
 *   NNP_CHEM_ELEMENT    one channel per element (length quadratic in the number of elements;
 *                       the only choice of format-1 model files);
 *   NNP_CHEM_CHEBYSHEV  n_chem fixed channels weighted T_k(xi_e), k < n_chem, with xi_e the
 *                       element's place in the model's list mapped to [-1, 1] (length
 *                       independent of the number of elements; see desc_moment.c). */
enum nnp_chem { NNP_CHEM_ELEMENT = 0, NNP_CHEM_CHEBYSHEV = 1 };
int nnp_chem_parse(const char *name, enum nnp_chem *chem); /* "element", "chebyshev"; LS_ERR_INPUT */
const char *nnp_chem_name(enum nnp_chem chem);

/* Descriptor settings shared by the families (surrogate/desc_*.c document their reading).
 * Fields after l_max left zero give the format-1 descriptor (element channels, no four-body). */
struct nnp_descriptor_params {
    char type[NNP_DESC_NAME_MAX]; /* registry name: "moment" or "bp" */
    double r_cut;                  /* bohr */
    int n_radial;                  /* two-body functions per neighbour element */
    int n_angular;                 /* radial functions (moment) or eta values (bp) of the angular part */
    int l_max;                     /* maximum angular order (moment) or number of zeta values (bp) */
    enum nnp_chem chem;            /* moment: element channels of the angular part */
    int n_chem;                    /* moment, NNP_CHEM_CHEBYSHEV: chemical channels (at most n_elem used) */
    int n_radial4;                 /* moment: radial functions of the four-body part (0: none) */
    int l_max4;                    /* moment: largest order l of the four-body part (<= l_max) */
};

enum nnp_activation { NNP_ACT_TANH = 0, NNP_ACT_SILU, NNP_ACT_SOFTPLUS };
/* "tanh", "silu", "softplus" <-> enum; LS_ERR_INPUT naming the known ones. */
int nnp_activation_parse(const char *name, enum nnp_activation *act);
const char *nnp_activation_name(enum nnp_activation act);

typedef struct nnp_model nnp_model;

/* Shape of a model: the descriptor, the hidden layers and the activation. */
struct nnp_model_config {
    struct nnp_descriptor_params desc;
    int n_hidden;                     /* hidden layers */
    int hidden[NNP_MAX_LAYERS - 1];   /* their widths */
    enum nnp_activation act;
};

/* Defaults (chosen on validation splits, validation/mlearn/README.md): moment descriptor,
 * r_cut 5 Å, n_radial 12, n_angular 6, l_max 4, chebyshev channels n_chem 2, no four-body
 * part (n_radial4 0; l_max4 2 when it is asked for); two hidden layers of 32 tanh units. */
void nnp_model_config_default(struct nnp_model_config *cfg);

/* A model for the elements z[0..n_elem-1] with n_member members, parameters randomised
 * from `seed` (member k from seed + k), zero reference energies, identity normalisation.
 * LS_ERR_INPUT for a bad configuration. */
int nnp_model_create(const struct nnp_model_config *cfg, int n_elem, const int *z, int n_member,
                     unsigned long long seed, nnp_model **out);
void nnp_model_destroy(nnp_model *m); /* accepts NULL */

/* Save (atomically) and load the model file.  Loading checks the version, every count and
 * that all numbers are finite: LS_ERR_INPUT with the file, line and what was expected. */
int nnp_model_save(const nnp_model *m, const char *path);
int nnp_model_load(const char *path, nnp_model **out);

/* Queries. */
int nnp_model_n_member(const nnp_model *m);
int nnp_model_n_elem(const nnp_model *m);
int nnp_model_element_z(const nnp_model *m, int ie);
double nnp_model_cutoff(const nnp_model *m); /* bohr */
int nnp_model_n_features(const nnp_model *m);
const char *nnp_model_descriptor_name(const nnp_model *m);
/* One-line description ("moment descriptor, 96 features, 96-32-32-1 tanh, 1 member, Cu"). */
void nnp_model_describe(const nnp_model *m, char *buf, int n_buf);

/* Result of a prediction.  The caller provides the arrays it wants (NULL: not computed). */
struct nnp_result {
    double energy;           /* Ha, ensemble mean */
    double energy_std;       /* Ha, ensemble spread (0 for one member) */
    double (*forces)[3];     /* [n_atom] Ha/bohr, mean; optional */
    double (*force_std)[3];  /* [n_atom] Ha/bohr, spread per component; optional */
    double *atom_energy;     /* [n_atom] Ha, mean atomic energies; optional */
    int has_stress;          /* set when the structure is periodic in all three directions */
    double stress[3][3];     /* Ha/bohr^3, ASE sign, mean */
    double max_force_std;    /* Ha/bohr, largest per-atom spread |std(F_i)| */
    int n_extrapolating;     /* atoms with a descriptor outside the training range (+/- 10 %) */
    double unc_scale_energy, unc_scale_force; /* the calibration factors already applied to the spreads */
};

/* Energy, forces, stress (and spreads) of structure s.  Threads: OpenMP over atoms.
 * LS_ERR_INPUT when s contains an element the model does not know (the message names it
 * and the model's elements).  Extrapolation is reported in res->n_extrapolating, not as
 * an error. */
int nnp_model_predict(const nnp_model *m, const ls_structure *s, struct nnp_result *res);

/* Per-atom evaluation for programs with their own neighbour lists (surrogate/atom_eval.c;
 * the LAMMPS pair style in lammps/ uses it).  The environment of one atom: its element index
 * `elem` (0..n_elem-1, the model's order: nnp_model_element_index) and, per neighbour, its
 * element index and displacement d[j] = r_j - r_i (bohr; neighbours beyond the cutoff are
 * ignored).  Gives the atom's energy (Ha, ensemble mean) and, unless dE_dd is NULL,
 * dE_dd[n_neigh] = dE/dd_j (Ha/bohr, ensemble mean): the forces are F_j -= dE/dd_j,
 * F_i += dE/dd_j, the virial sum_j dE/dd_j (x) d_j.  The same numbers as nnp_model_predict
 * to rounding.  One workspace per thread; LS_ERR_INPUT for an element index out of range. */
typedef struct nnp_atom_work nnp_atom_work;
int nnp_atom_work_create(const nnp_model *m, nnp_atom_work **out);
void nnp_atom_work_destroy(nnp_atom_work *w); /* accepts NULL */
int nnp_model_atom_energy(const nnp_model *m, int elem, int n_neigh, const int *neigh_elem, const double (*d)[3],
                          double *energy, double (*dE_dd)[3], nnp_atom_work *w);
/* Index of atomic number z among the model's elements, -1 when the model lacks it. */
int nnp_model_element_index(const nnp_model *m, int z);

/* Training settings. */
struct nnp_train_config {
    unsigned long long seed;
    int n_epoch;            /* maximum epochs */
    int batch_size;         /* structures per mini-batch (Adam) */
    char optimiser[16];     /* "adam" or "lbfgs" */
    double lr, lr_final;    /* Adam learning rate, decayed exponentially to lr_final */
    double w_energy;        /* weight of (energy error per atom / 1 meV)^2 */
    double w_force;         /* weight of (force component error / 0.02 eV/Å)^2 */
    double w_stress;        /* weight of (stress component error / 1 GPa)^2 (0: ignored) */
    double val_fraction;    /* split off the training set when no validation set is given */
    int patience;           /* early stopping: epochs without validation improvement */
    double bootstrap;       /* ensembles: fraction of the training set each member sees (1: all) */
    int verbose;            /* 1: one progress line per epoch (ls_log_info) */
    double max_time_s;      /* stop after this wall time per member (0: no limit) */
    int warm_start;         /* 1: continue from the model's weights (nnp_model_renormalise's rule
                               for the reference energies and normalisation), no re-initialisation */
};
void nnp_train_config_default(struct nnp_train_config *cfg);

/* Errors of a model on a data set (eV, Å units for reporting). */
struct nnp_errors {
    int n_struct, n_atom;
    double energy_mae_mev_atom, energy_rmse_mev_atom;
    double force_mae_ev_a, force_rmse_ev_a;
    double stress_rmse_gpa;  /* over structures with a reference stress */
    double mean_energy_std_mev_atom, mean_force_std_ev_a; /* ensembles */
    double force_in_1sigma, force_in_2sigma;              /* calibration: fraction of force errors */
    double energy_in_1sigma, energy_in_2sigma;            /* inside 1 and 2 predicted spreads */
    double force_in_1sigma_raw, force_in_2sigma_raw;      /* the same with the unscaled spread */
    double energy_in_1sigma_raw, energy_in_2sigma_raw;    /* (before calibration) */
    double unc_scale_energy, unc_scale_force;             /* the model's calibration factors */
};

/* Train m in place on `train` (structures with energies; forces and stresses used when
 * present): fits the reference energies by least squares, the descriptor normalisation,
 * then each member (seed + member, optionally on a bootstrap subset).  `val` may be NULL
 * (then val_fraction of train is split off, seeded).  Writes per-epoch lines via ls_log. */
int nnp_model_train(nnp_model *m, const ls_structure_list *train, const ls_structure_list *val,
                    const struct nnp_train_config *cfg);

/* Errors of m on a list of structures with reference energies/forces. */
int nnp_model_errors(const nnp_model *m, const ls_structure_list *set, struct nnp_errors *err);

/* The prediction of every structure of `set` in turn (forces and spreads in buffers this
 * function owns), handed to fn(ctx, index, structure, prediction); fn's status other than
 * LS_OK stops the loop and is returned.  A failed prediction is returned with "structure
 * N: " before its message. */
typedef int (*nnp_prediction_fn)(void *ctx, int index, const ls_structure *s, const struct nnp_result *r);
int nnp_model_predict_each(const nnp_model *m, const ls_structure_list *set, nnp_prediction_fn fn, void *ctx);

/* The sums behind struct nnp_errors, filled prediction by prediction (for a caller that
 * predicts anyway): zero it, nnp_error_sums_add each prediction, then nnp_error_sums_finish. */
struct nnp_error_sums {
    int n_struct, n_atom, n_e, e_in1, e_in2, e_in1_raw, e_in2_raw;
    long n_f, n_s, f_in1, f_in2, f_in1_raw, f_in2_raw;
    double unc_scale_energy, unc_scale_force;
    double e_abs, e_sq, e_std, f_abs, f_sq, f_std, s_sq; /* Hartree atomic units */
};
void nnp_error_sums_add(struct nnp_error_sums *sums, const ls_structure *s, const struct nnp_result *r);
void nnp_error_sums_finish(const struct nnp_error_sums *sums, struct nnp_errors *err);

/* The potential as a calculator (surrogate/calc.c; the contract of workflow/calc.h), for
 * relaxations, molecular dynamics (workflow/md.h) and campaigns:
 *
 *     nnp_calc *c = NULL;  LS_TRY(nnp_calc_create(model, &c));    the model is borrowed
 *     status = nnp_model_calc(c, s, &e, forces, stress);          an ls_calc_fn (ctx: the nnp_calc)
 *     ls_calc calc;  nnp_calc_bind(c, &calc);                     with the info hook: the ensemble
 *                                                                 spread of the last prediction
 *     nnp_calc_destroy(c);
 *
 * nnp_model_calc returns LS_OK, or LS_ERR_INPUT when s holds an element the model does not know
 * (an extrapolation is not an error: it is in the info hook's n_extrapolating).  Energy (Ha),
 * forces (Ha/bohr) and stress (Ha/bohr^3, ASE sign; zero for a structure not periodic in 3D) are
 * the ensemble means. */
typedef struct nnp_calc nnp_calc;
int nnp_calc_create(const nnp_model *m, nnp_calc **out);
void nnp_calc_destroy(nnp_calc *c); /* accepts NULL */
int nnp_model_calc(void *calc, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3]);
/* calc becomes c as a struct ls_calc: name "nnp", compute nnp_model_calc, the info hook (energy
 * and largest force spread, atoms outside the training range; has_spread for ensembles). */
void nnp_calc_bind(nnp_calc *c, ls_calc *calc);
/* The scalars of the last prediction (energy, energy_std, max_force_std, n_extrapolating, stress);
 * its array pointers are NULL. */
const struct nnp_result *nnp_calc_last(const nnp_calc *c);

/* Calibration of the ensemble spread (surrogate/calibrate.c).  For errors modelled as
 * Gaussian with standard deviation s * sigma_i (sigma_i the members' spread, s one factor),
 * the maximum-likelihood factor is s^2 = mean_i (err_i / sigma_i)^2; fitted separately for
 * energies per atom (one per structure) and force components, on `val` (structures with
 * reference energies and forces, not used to fit the weights), and stored in the model
 * (model file: uncertainty_scale).  Needs an ensemble (n_member >= 2): LS_ERR_INPUT else.
 * *err_before and *err_after (may be NULL) receive the errors and coverages on `val` with
 * the spreads before and after. */
int nnp_model_calibrate(nnp_model *m, const ls_structure_list *val, struct nnp_errors *err_before,
                        struct nnp_errors *err_after);
/* The factors (1, 1 when not calibrated). */
void nnp_model_uncertainty_scale(const nnp_model *m, double *energy, double *force);

/* A calibration plot (SVG): for the energies (per atom) and force components of `set`, the
 * fraction of errors within z(p) spreads against the fraction p a Gaussian puts there,
 * z(p) = sqrt(2) erfinv(p), with the unscaled and the scaled spreads; the diagonal is
 * perfect calibration.  `title` goes on top.  LS_ERR_INPUT without an ensemble. */
int nnp_model_calibration_plot(const nnp_model *m, const ls_structure_list *set, const char *title, const char *path);

/* Active learning (surrogate/active.c): the calls a campaign makes between DFT batches.
 *
 *   nnp_model_train(m, grown_set, NULL, &tc) with tc.warm_start = 1 retrains the ensemble
 *   from its weights on the grown set; nnp_active_select picks the next structures to compute. */
enum nnp_score { NNP_SCORE_FORCE = 0, NNP_SCORE_ENERGY = 1 };
struct nnp_select_config {
    int n_select;          /* structures to pick (at most the pool's size) */
    enum nnp_score score;  /* FORCE: largest atomic force spread |std F_i| (Ha/bohr); ENERGY: energy spread per atom (Ha) */
    double diversity;      /* length scale of the diversity penalty, as a fraction of the pool's rms fingerprint
                              spread (0: pure ranking by spread; default 0.1) */
};
void nnp_select_config_default(struct nnp_select_config *cfg); /* 10, FORCE, 0.1 */

/* Pick up to cfg->n_select structures of `pool` with the largest calibrated spread, greedily,
 * each later pick's spread damped by 1 - exp(-d^2 / 2 ell^2) with d its fingerprint distance
 * to the picks so far (active.c gives the fingerprint).  selected[n_select] receives pool
 * indices (0-based) in the order picked, score[n_select] (may be NULL) their spreads,
 * *n_selected how many.  LS_ERR_INPUT for a single-member model, an element the model lacks
 * (naming the pool structure), n_select < 1, diversity < 0. */
int nnp_active_select(const nnp_model *m, const ls_structure_list *pool, const struct nnp_select_config *cfg,
                      int *selected, double *score, int *n_selected);

/* The warm-start rule: fit the reference energies and the descriptor normalisation (mean,
 * 1/std, range) on `set`, as training from scratch would, and re-express every network's
 * first and last layer so that every prediction is unchanged (to rounding).  Training with
 * warm_start = 1 does this on its training split first. */
int nnp_model_renormalise(nnp_model *m, const ls_structure_list *set);


#endif
