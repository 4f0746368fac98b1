/* Public interface of the plane-wave DFT engine.
 *
 * Usage:
 *     dft_params p;  dft_params_init(&p);          defaults
 *     ... fill p (or dft_params_read_qe / dft_params_read_yaml) ...
 *     dft_result *r = NULL;
 *     int status = dft_scf_run(&p, &r);            r is filled even when not converged
 *     ... r->energy_free, r->forces, r->stress ...
 *     dft_result_destroy(r); dft_params_free(&p);
 *
 * Units: Hartree atomic units everywhere in these structs (except the relaxation request,
 * whose units are in its names, those of workflow/relax.h).  Stress: sigma_ab =
 * (1/Omega) dE/d eps_ab (ASE's sign: positive = tensile).
 */
#ifndef LS_DFT_H
#define LS_DFT_H

#include "common/structure.h"

#define DFT_MAX_SPECIES 16

/* FROM_INPUT: the occupations of every band given (pw.x's 'from_input', dft_params.occ_input);
 * TETRAHEDRA: the tetrahedron method on the k-point mesh (dft_params.tetrahedra). */
enum dft_occupations { DFT_OCC_FIXED = 0, DFT_OCC_SMEARING, DFT_OCC_FROM_INPUT, DFT_OCC_TETRAHEDRA };
/* pw.x's 'tetrahedra' (P. E. Bloechl et al., Phys. Rev. B 49, 16223 (1994)), 'tetrahedra_lin'
 * (the same without Bloechl's correction) and 'tetrahedra_opt' (M. Kawamura et al., Phys. Rev.
 * B 89, 094515 (2014)); dft/scf/tetra.c. */
enum dft_tetrahedra { DFT_TETRA_BLOECHL = 0, DFT_TETRA_LINEAR, DFT_TETRA_OPT };
/* SCF: the self-consistent ground state; NSCF: the bands and Fermi level at new k-points in the
 * potential of a previous SCF's density (read from dft_params.density_file); BANDS: the same
 * without occupations (band structures along a path).  pw.x's calculation = 'nscf', 'bands'. */
enum dft_calculation { DFT_CALC_SCF = 0, DFT_CALC_NSCF, DFT_CALC_BANDS };

/* A k-point given explicitly (pw.x's K_POINTS lists and band paths). */
struct dft_kpoint_in {
    double k[3];                 /* fractional reciprocal coordinates */
    double weight;               /* as given, any positive scale (normalised by the engine) */
    char label[16];              /* high-symmetry label of a path vertex, "" otherwise */
};

struct dft_species {
    ls_label label;              /* as used by the structure's atoms ("Fe", "Fe1") */
    char pseudo[4096];           /* path, or FILE:ELEMENT:NAME for GTH */
    double mass_amu;             /* 0 = standard atomic weight */
    double starting_magnetization; /* -1..1, fraction of the valence charge, as pw.x */
};

/* A geometry optimisation asked for by the input: pw.x's calculation = 'relax' or 'vc-relax'
 * with its &control, &ions and &cell settings (dft/input/input_qe.c; YAML inputs never set one).
 * Not part of the engine's parameters: the readers give it beside them (dft_params_read_relax).
 * Values are converted when read, the unit in each name (those of struct ls_relax_config in
 * workflow/relax.h).  has_* says whether the input gave the key; if not, the value is pw.x's
 * default (what pw.x would use for this input).  `lodestone relax` takes them as its defaults
 * (apps/relax_settings.c; how pw.x's convergence tests map onto Lodestone's: docs/relax.md);
 * commands that compute the given geometry only refuse such an input
 * (dft_relax_request_check_single_point). */
enum dft_relax_kind {
    DFT_RELAX_NONE = 0,  /* calculation = 'scf' (pw.x's default) */
    DFT_RELAX_POSITIONS, /* 'relax': the atoms in a fixed cell */
    DFT_RELAX_CELL       /* 'vc-relax': the atoms and the whole cell (cell_dofree = 'all') */
};

struct dft_relax_request {
    enum dft_relax_kind kind;
    int line;                     /* line of `calculation` in dft_params.source, 0 if absent */
    int has_forc_conv_thr;
    double forc_conv_thr_ev_a;    /* forc_conv_thr: bound on every force component; default
                                     1e-3 Ry/bohr = 0.0257110 eV/A */
    int has_etot_conv_thr;
    double etot_conv_thr_ev;      /* etot_conv_thr: bound on the energy (enthalpy) change
                                     between steps; default 1e-4 Ry = 1.36057e-3 eV */
    int has_nstep;
    int nstep;                    /* nstep: most SCF calculations (ionic steps); default 50 */
    int has_ion_dynamics;
    char optimizer[16];           /* ion_dynamics: "bfgs" (default) or "fire" */
    int has_cell_dynamics;        /* cell_dynamics = 'bfgs' (the only one supported) */
    int has_press;
    double press_gpa;             /* press (kbar / 10): target pressure; default 0 */
    int has_press_conv_thr;
    double press_conv_thr_gpa;    /* press_conv_thr (kbar / 10); default 0.5 kbar = 0.05 GPa */
    int has_cell_dofree;
    int fixed_volume;             /* cell_dofree = 'shape': the cell shape relaxes at the starting
                                     volume (workflow/relax.h, fixed_volume); 'all' (default): 0 */
};

typedef struct dft_params {
    ls_structure *structure;     /* owned */
    int n_species;
    struct dft_species species[DFT_MAX_SPECIES];
    char functional[64];         /* "" = from the pseudopotentials; "PBE", "LDA", "PBEsol" */

    double ecut_wfc;             /* Ha */
    double ecut_rho;             /* Ha; 0 = 4 ecut_wfc */
    int fft[3];                  /* 0 = automatic */
    int basis_ref_given;         /* 1: the plane waves, density G-vectors and FFT grid are chosen in
                                    basis_ref_cell and kept, by Miller index, in the current cell: pw.x's
                                    constant number of plane waves in vc-relax (the pw.x reader sets it) */
    double basis_ref_cell[3][3]; /* bohr, rows */
    int basis_ref_final_scf;     /* with basis_ref_given: 1 = a relaxation ends with an SCF in the relaxed
                                    cell's own basis, whose energy it reports (pw.x's bfgs); 0 = not (pw.x's
                                    damped cell dynamics report the starting cell's basis) */

    int kmesh[3];                /* Monkhorst-Pack divisions */
    int kshift[3];               /* 0 or 1 (half-step shift) */
    double kspacing;             /* 1/bohr (with the 2 pi); > 0 overrides kmesh */
    int use_symmetry;            /* reduce k-points by the crystal symmetry (default 1) */
    int time_reversal;           /* use k -> -k (default 1) */
    int n_klist;                 /* > 0: these k-points instead of the mesh (dft/basis/kpoints_list.c) */
    struct dft_kpoint_in *klist; /* owned, [n_klist] */
    int klist_symmetry;          /* 1: each point expanded by the lattice's rotations and the star
                                    reduced by the crystal's (pw.x's irreducible_BZ); 0: as given */

    enum dft_occupations occupations;
    char smearing[32];           /* registry name or alias, see dft/scf/smearing.h */
    double smearing_width;       /* Ha */
    int n_spin;                  /* 1 or 2 */
    int n_bands;                 /* 0 = automatic */
    enum dft_tetrahedra tetrahedra; /* with DFT_OCC_TETRAHEDRA */
    double *occ_input;           /* DFT_OCC_FROM_INPUT: [n_spin][n_bands] occupations of each band,
                                    0..2 without spin, 0..1 per spin channel; owned */
    enum dft_calculation calculation;
    char density_file[4096];     /* NSCF/BANDS: the density is read from here; SCF: written here when
                                    write_density is set ("" = nowhere) */
    int write_density;           /* SCF: write the converged density to density_file (lodestone scf sets it
                                    for pw.x inputs, as pw.x writes outdir/prefix.save; library calls do not) */
    double total_charge;         /* extra electrons = -total_charge */

    double conv_thr;             /* Ha: estimated SCF error (pw.x's conv_thr / 2) */
    double conv_thr_factor;      /* the SCF stops below conv_thr x this (default 1); pw.x inputs 0.01, but
                                    not below 1e-10 Ry, for eigenvalues converged to ~0.1 meV (dft/README.md,
                                    "pw.x input") */
    int max_iter;
    double mixing_beta;
    int mixing_history;
    double kerker_q0;            /* 1/bohr; 0 disables the Kerker preconditioner */

    int compute_forces;
    int compute_stress;
    int n_threads;               /* 0 = OpenMP default */
    int n_pools;                 /* MPI k-point pools (pw.x's -nk); 0 = automatic (dft/scf/dist.h) */
    char source[4096];           /* input file, for messages */
    /* ---- Magnetism (issue 18): noncollinear spin, spin-orbit coupling, magnetic constraints.
     * All zero (dft_params_init) = the collinear engine as before.  pw.x keys in
     * dft/input/input_qe_magnetic.c; physics in dft/README.md, section "Noncollinear magnetism and
     * spin-orbit coupling". */
    int noncolin;                /* two-component spinors, magnetisation a vector field (pw.x noncolin);
                                    needs n_spin = 1 (pw.x refuses noncolin with nspin = 2) */
    int spinorbit;               /* spin-orbit coupling from fully relativistic (has_so) pseudopotentials
                                    (pw.x lspinorb; needs noncolin).  Without it such files are j-averaged */
    double angle1_deg[DFT_MAX_SPECIES]; /* starting moment direction per species (pw.x angle1/angle2,
                                    degrees): polar angle from z, 0..180 */
    double angle2_deg[DFT_MAX_SPECIES]; /* azimuth from x in the xy plane */
    int has_tot_magnetization;   /* fixed spin moment (pw.x tot_magnetization): collinear, two Fermi levels */
    double tot_magnetization;    /* muB per cell; noncollinear: |M| along the moment's direction */
    enum dft_mag_constraint {
        DFT_MAG_CONSTRAINT_NONE = 0,
        DFT_MAG_CONSTRAINT_ATOMIC,          /* pw.x 'atomic': each atom's moment vector -> its start */
        DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION /* pw.x 'atomic direction': each m_z/|m| -> cos(angle1) */
    } mag_constraint;
    double mag_lambda;           /* penalty strength (pw.x lambda, Ry in the file, Ha here) */
    int line_noncolin, line_lspinorb, line_tot_magnetization; /* lines in `source` (0: not given / YAML) */
} dft_params;

void dft_params_init(dft_params *p);
void dft_params_free(dft_params *p);
/* A deep copy of src into *dst (dst's previous content is not freed: give an unused struct); the
 * copy owns its own structure.  LS_ERR_NOMEM (dst then owns nothing). */
int dft_params_copy(const dft_params *src, dft_params *dst);
/* Read a Quantum ESPRESSO pw.x input file (see dft/input/input_qe.c for the supported keys).
 * calculation = 'relax' / 'vc-relax' and its settings fill *relax (kind DFT_RELAX_NONE for
 * 'scf'); ATOMIC_POSITIONS if_pos flags (0 = fixed) become p->structure->fixed (1 = fixed),
 * allocated only when some coordinate is fixed.  LS_ERR_INPUT with "FILE:LINE: ..." for bad or
 * unsupported input. */
int dft_params_read_qe_relax(const char *path, dft_params *p, struct dft_relax_request *relax);
/* The same for a computation of the given geometry only: a relax / vc-relax input is
 * LS_ERR_INPUT (dft_relax_request_check_single_point with no command name). */
int dft_params_read_qe(const char *path, dft_params *p);
/* For commands that compute the given geometry only ('lodestone scf', 'lodestone eos'):
 * LS_ERR_INPUT naming the file (`source`) and the line of `calculation` when req asks for a
 * relaxation (which they would otherwise skip without a word), saying to run
 * 'lodestone relax FILE'; `command` names the command in the message (NULL: "a single-point
 * calculation"). */
int dft_relax_request_check_single_point(const struct dft_relax_request *req, const char *source, const char *command);
/* The sizes p asks for, checked before anything is allocated: the FFT grid (given, or the one
 * the density cutoff needs on p's cell) at most DFT_GRID_MAX_DIM per dimension and fitting in
 * memory, the k-point mesh (given, or from the spacing) at most DFT_KPOINTS_MAX_MESH points, the
 * mixing history at most DFT_MIXER_MAX_HISTORY (limits in dft/basis/grid.h, dft/basis/kpoints.h,
 * dft/scf/mixer.h).  LS_ERR_INPUT naming p->source and what to change.  dft_scf_run calls it;
 * the input readers make the same checks with the line of the key. */
int dft_params_check_sizes(const dft_params *p);
/* Read Lodestone's YAML input (schema: docs/yaml-input.md).  Relative paths
 * are relative to the YAML file.  LS_ERR_INPUT with "FILE:LINE: ..." for bad input; p owns
 * the structure it reads (dft_params_free) also on failure. */
int dft_params_read_yaml(const char *path, dft_params *p);
/* DFT parameters for a bare structure: what the YAML input applies to a structure file
 * (docs/yaml-input.md), from a protocol.  Defaults (dft_protocol_default) are the YAML input's:
 * pseudopotentials <El>.upf of the shipped library (inputs/pseudo/pd04-pbe-sr/, or
 * $LODESTONE_DATA), the functional of the pseudopotentials, the cutoff from the largest 'normal'
 * hint of the species (HINTS.tsv), ecut_rho = 4 ecut, a Monkhorst-Pack mesh of DFTK's spacing
 * 2 pi x 0.022 1/bohr, fixed occupations, no spin, pw.x's SCF settings, forces and stress. */
enum dft_cutoff_hint { DFT_HINT_LOW = 0, DFT_HINT_NORMAL, DFT_HINT_HIGH };

#define DFT_PROTOCOL_MAX_MOMENTS 16

struct dft_element_moment {
    char element[4];       /* "Fe" */
    double moment_mub;     /* starting moment, Bohr magnetons (collinear; sign = direction) */
};

struct dft_protocol {
    const char *functional;         /* NULL or "": from the pseudopotentials; "PBE", "LDA", "PBEsol" */
    const char *pseudo_dir;         /* NULL or "": the shipped library; else a folder with <El>.upf
                                       (and HINTS.tsv for the cutoff) */
    enum dft_cutoff_hint cutoff_hint; /* which hint gives the cutoff (default DFT_HINT_NORMAL) */
    double ecut_ha;                 /* > 0: this cutoff (Ha) instead of the hints */
    double kspacing_bohr_inv;       /* Monkhorst-Pack spacing, 1/bohr with the 2 pi; 0: DFTK's default */
    int kmesh[3];                   /* all > 0: this mesh instead of a spacing */
    const char *smearing;           /* NULL or "": fixed occupations; else a smearing name or alias
                                       (marzari-vanderbilt, cold, methfessel-paxton, gaussian, fermi-dirac) */
    double smearing_width_ha;       /* its width, Ha */
    int spin_polarized;             /* 1: collinear spin (n_spin 2) */
    /* Starting moments (muB), with spin_polarized: per element, or per atom (which wins). */
    int n_element_moments;
    struct dft_element_moment element_moments[DFT_PROTOCOL_MAX_MOMENTS];
    const double *atom_moments_mub; /* [n_atom] or NULL (borrowed for the call) */
};
void dft_protocol_default(struct dft_protocol *proto);

/* p (uninitialised; dft_params_free it) becomes the parameters of s under the protocol.  p owns a
 * copy of s.  Starting moments become pw.x's starting_magnetization of each species, m / Z_val of
 * its pseudopotential; atoms of one label with different moments become distinct species (labels
 * "Fe1", "Fe2", ...: an antiferromagnetic order), so p->structure's labels may differ from s's (the
 * elements and positions do not).  LS_ERR_INPUT naming the atom or species and the fix: no
 * pseudopotential, no cutoff hint, a moment larger than the valence charge, moments without spin
 * polarisation, more than DFT_MAX_SPECIES species, an unknown smearing, bad numbers. */
int dft_params_from_structure(const ls_structure *s, const struct dft_protocol *proto, dft_params *p);
/* The starting moment of every atom (muB, [n_atom]) that p's species give: starting_magnetization
 * times the valence charge of the species' pseudopotential (0 without spin) -- the moments the SCF
 * actually starts from.  LS_ERR_INPUT when a pseudopotential cannot be read. */
int dft_params_starting_moments(const dft_params *p, double *moment_mub);

/* The input of the DFT commands by its extension: .yaml/.yml is Lodestone's YAML
 * (dft_params_read_yaml; *relax of kind DFT_RELAX_NONE), anything else a pw.x input
 * (dft_params_read_qe_relax). */
int dft_params_read_relax(const char *path, dft_params *p, struct dft_relax_request *relax);
/* The same for a computation of the given geometry only: a pw.x relax / vc-relax input is
 * LS_ERR_INPUT (dft_params_read_qe). */
int dft_params_read(const char *path, dft_params *p);

typedef struct dft_result {
    int converged;
    int n_iter;
    double energy_free;          /* F = E - TS (pw.x's "total energy"), Ha */
    double energy;               /* E, Ha */
    double energy_zero_width;    /* (E + F)/2 estimate of E(sigma -> 0), Ha */
    double minus_ts;             /* -TS, Ha */
    /* Terms (Ha): kinetic, local, nonlocal, Hartree, xc, Ewald, band energy (pw.x's eband),
     * the one-electron part ... */
    double e_kinetic, e_local, e_nonlocal, e_hartree, e_xc, e_ewald, e_band, e_alphaz;
    double fermi;                /* Ha (highest occupied level for fixed occupations) */
    double homo, lumo;           /* Ha; lumo = INFINITY without empty bands */
    double total_magnetization, absolute_magnetization; /* Bohr magnetons per cell */
    int n_atom;
    double (*forces)[3];         /* Ha/bohr, NULL if not computed */
    double *atom_magnetization;  /* per-atom moments in spheres (muB), NULL without spin */
    double *atom_sphere_radius;  /* their radii (bohr) */
    int has_stress;
    double stress[3][3];         /* Ha/bohr^3, ASE sign */
    int n_kpt, n_band, n_spin;
    double (*kpoints)[3];        /* fractional */
    double *kweights;
    double *eigenvalues;         /* [(is * n_kpt + ik) * n_band + ib], Ha */
    double *occupations;         /* same layout, 0..max occupation */
    int fft[3];
    int n_symmetry;              /* symmetry operations used (1 = identity only) */
    double wall_s;               /* total, and its parts: */
    double wall_setup_s, wall_scf_s, wall_forces_s, wall_stress_s;

    /* ---- Magnetism (issue 18); zero / NULL in collinear runs unless said.  Noncollinear runs have
     * n_spin = 1 (one channel of spinor bands, occupations 0..1); total_magnetization is then |M|. */
    int noncolin, spinorbit;
    double magnetization[3];     /* M = int m(r), muB per cell (collinear: (0, 0, M)) */
    int n_symmetry_trev;         /* of n_symmetry, operations combined with time reversal */
    double (*site_moment)[3];    /* [n_atom] spin moments in pw.x's spheres (muB; noncollinear runs) */
    double (*site_orbital)[3];   /* [n_atom] orbital moments <L> in the same spheres (muB; spin-orbit runs) */
    double *site_radius;         /* [n_atom] their radii, pw.x's r_m (bohr) */
    int has_fsm_fermi;
    double fermi_up, fermi_down; /* fixed spin moment (tot_magnetization), collinear: the two Fermi levels, Ha */
    double fsm_field;            /* fixed spin moment, noncollinear: the Lagrange field B along M, Ha */
    double constraint_energy;    /* magnetic penalty (pw.x constrained_magnetization), Ha, not in the energies */
} dft_result;

/* A band structure (of a 'bands' or 'nscf' result, dft/bands/): STEM.csv and STEM.json (the
 * eigenvalues at each k-point with the distance along the path and the path's labels) and
 * STEM.svg (the plot of E - E_F along the path).  LS_ERR_IO when a file cannot be written. */
int dft_bands_write(const char *stem, const dft_params *p, const dft_result *r);

struct ls_json;
/* The magnetic results (noncollinear M, site spin and orbital moments, fixed-moment Fermi levels)
 * as keys of the JSON object being written (dft/magnet/result_json.c); nothing for a plain
 * collinear run. */
void dft_result_magnetism_json(struct ls_json *j, const dft_result *r);

/* Run the self-consistent field.  Returns LS_OK on convergence, LS_ERR_CONVERGENCE with a
 * complete result (not converged) otherwise, or another error code with *out NULL. */
int dft_scf_run(const dft_params *p, dft_result **out);
void dft_result_destroy(dft_result *r);

/* The labelled frame of a result (what `lodestone scf --xyz` writes, a training frame for the
 * potentials): a copy of s (the structure the result belongs to) with the free energy F = E - TS
 * (Ha) as its energy, the forces (Ha/bohr) and the stress (Ha/bohr^3, ASE sign) when computed, the
 * per-atom moments (muB) of a spin-polarised run, and info calculator=lodestone-scf.  *frame is
 * new (ls_structure_destroy).  A result that did not converge is labelled all the same: the caller
 * decides whether to keep it (r->converged).  LS_ERR_NOMEM; LS_ERR_INPUT when s has another number
 * of atoms than the result. */
int dft_result_label(const dft_result *r, const ls_structure *s, ls_structure **frame);

/* SCF checkpoints.  path: the checkpoint file; restart: start from it when it exists (else
 * afresh, with a log line); every_s: wall seconds between writes.  The state is also written
 * when SIGTERM/SIGINT/SIGUSR1 arrives (common/stop.h; the run then ends with
 * LS_ERR_INTERRUPTED) and when the SCF does not converge; the file is removed after a
 * successful run.  A checkpoint of another structure or spin setting is LS_ERR_INPUT. */
struct dft_checkpoint {
    const char *path;
    int restart;
    double every_s;
};
int dft_scf_run_checkpointed(const dft_params *p, const struct dft_checkpoint *ck, dft_result **out);

/* ---- Magnetocrystalline anisotropy (issue 18; dft/magnet/mae.c; dft/magnet/README.md).  For
 * each k-point mesh of a series and each direction of the moments: the magnetic force theorem (a
 * collinear SCF without spin-orbit, its magnetisation turned rigidly to each direction, one
 * non-self-consistent spin-orbit diagonalisation, the band energy sum f e; pw.x's lforcet)
 * and/or a self-consistent spin-orbit SCF per direction (its free energy; the direction
 * constrained by pw.x's 'atomic direction' penalty where the magnetic symmetry does not fix it). */
#define DFT_MAE_MAX_DIR 16
#define DFT_MAE_MAX_MESH 16

struct dft_mae_options {
    int n_dir;
    double dir[DFT_MAE_MAX_DIR][3];     /* Cartesian directions of the moments (normalised on use) */
    char dir_label[DFT_MAE_MAX_DIR][32];
    int force_theorem;                  /* band-energy differences */
    int self_consistent;                /* free-energy differences of SCFs with spin-orbit */
    double lambda;                      /* Ha, constraint strength of the self-consistent runs */
    int n_mesh;                         /* k-point series; 0: the input's own mesh */
    int mesh[DFT_MAE_MAX_MESH][3];
};

struct dft_mae_entry {                  /* one direction on one mesh */
    int done_ft, converged_ft;
    double e_band;                      /* force theorem: sum f e (Ha), as pw.x's lforcet prints it */
    double e_band_ts;                   /* the same + (-TS) */
    int done_scf, converged_scf;
    double e_scf;                       /* self-consistent free energy, Ha */
    double constraint_energy;           /* Ha (not in e_scf) */
    double m_cell[3];                   /* M of the density, muB per cell */
    double m_spin[3], m_orbital[3];     /* sums of the site moments, muB per cell */
    int n_kpt, n_sym, n_sym_trev;
};

struct dft_mae_mesh_result {
    int mesh[3];
    int n_kpt_collinear, converged_collinear;
    double e_collinear;                 /* the reference collinear SCF (force theorem), Ha */
    double m_collinear;                 /* its moment, muB per cell */
    struct dft_mae_entry d[DFT_MAE_MAX_DIR];
};

typedef struct dft_mae_result {
    int n_dir, n_mesh;
    double dir[DFT_MAE_MAX_DIR][3];     /* unit vectors */
    char dir_label[DFT_MAE_MAX_DIR][32];
    struct dft_mae_mesh_result m[DFT_MAE_MAX_MESH];
    char formula[64];
    int n_atom;
    double n_formula_units;
    double volume;                      /* bohr^3 */
    int uniaxial;                       /* tetragonal, hexagonal or trigonal cell with its axis along z */
    /* From the last mesh (the densest), each method: K1 and K2 of E(theta) = K1 sin^2 + K2 sin^4
     * (K2 only with a third direction), J/m^3; kappa = sqrt(K1 / (mu0 Ms^2)), Ms from the moments
     * (spin + orbital) along the easy direction. */
    int has_k[2];                       /* [0] force theorem, [1] self-consistent */
    double k1[2], k2[2], kappa[2], ms_a_m[2];
} dft_mae_result;

/* Run the workflow for the input p (its structure, cutoffs, smearing, species and moments; its
 * own mesh unless o->n_mesh).  Every SCF's log goes to the log; *out is filled also when some run
 * did not converge (LS_ERR_CONVERGENCE, the entries say which).  Collective with MPI. */
int dft_mae_run(const dft_params *p, const struct dft_mae_options *o, dft_mae_result **out);
void dft_mae_result_destroy(dft_mae_result *r);
/* An energy difference (Ha per cell) in the result's units: 0 meV per formula unit, 1 meV per
 * atom, 2 MJ/m^3. */
double dft_mae_convert(const dft_mae_result *r, double e_ha, int unit);
/* Parse "001,100,110" (three digits, each optionally signed: "1-10") or "x:y:z" components. */
int dft_mae_parse_directions(const char *text, struct dft_mae_options *o);
/* Parse a mesh series "8x8x8,12x12x12". */
int dft_mae_parse_meshes(const char *text, struct dft_mae_options *o);
/* The whole result as JSON (path "-": stdout). */
int dft_mae_write_json(const dft_mae_result *r, const dft_params *p, const struct dft_mae_options *o, const char *path);

/* ---- Density of states (issue 18; dft/dos/dos.c; dft/dos/README.md).  From an
 * SCF (or a non-self-consistent run on a denser mesh with its density): Gaussian-broadened total
 * DOS, spin-resolved (collinear: up and down; noncollinear: along the magnetisation), and projected
 * on each atom's Loewdin-orthogonalised pseudo-atomic orbitals summed over m for each l (as
 * projwfc.x).  States per energy per cell, both spins counted in the total. */
struct dft_dos_options {
    double width;                 /* Gaussian broadening sigma, Ha (g = exp(-x^2/sigma^2)/(sigma sqrt(pi))) */
    double step;                  /* energy step, Ha */
    double emin, emax;            /* window relative to the Fermi level, Ha */
    int mesh[3];                  /* non-self-consistent k-mesh; zeros: the SCF's own */
    int projected;                /* also the projections on atoms and l */
};

struct dft_dos_channel {          /* one projection: an atom and an angular momentum */
    int atom, l;
    char label[32];               /* "Fe1 d" (species label and the atom's number among its kind) */
};

typedef struct dft_dos {
    int n_e;
    double *energy;               /* [n_e] E - E_F, Ha */
    double fermi;                 /* Ha */
    int n_spin;                   /* 1, or 2 spin channels (up, down) */
    int noncolin;
    double axis[3];               /* noncollinear: the spin axis of the channels (along M) */
    double *total;                /* [n_e] states per Ha per cell */
    double *spin;                 /* [n_spin][n_e] (n_spin 2 only) */
    int n_proj;
    struct dft_dos_channel *proj; /* [n_proj] */
    double *pdos;                 /* [n_proj][n_spin][n_e] */
    double *pdos_sum;             /* [n_e] sum of the projections (the rest is spilling) */
    int n_kpt;
    double wall_s;
} dft_dos;

int dft_dos_run(const dft_params *p, const struct dft_dos_options *o, dft_dos **out);
void dft_dos_destroy(dft_dos *d); /* accepts NULL */
/* CSV: E_minus_EF_eV, total, (up, down,) then one column per projection (per spin), states/eV/cell. */
int dft_dos_write_csv(const dft_dos *d, const char *path);
int dft_dos_write_json(const dft_dos *d, const dft_params *p, const char *path);
/* SVG plot: total and projections summed per species and l; with spin, down mirrored below 0. */
int dft_dos_write_svg(const dft_dos *d, const dft_params *p, const char *path);

#endif
