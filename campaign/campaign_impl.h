/* Internal interface of campaign/ (not for other subsystems: they include campaign.h). */
#ifndef LS_CAMPAIGN_IMPL_H
#define CAMPAIGN_MAX_LOOKUP_DB 8 /* databases a lookup calculator searches */
#define LS_CAMPAIGN_IMPL_H

#include <stdint.h>

#include "campaign/campaign.h"
#include "common/db.h"
#include "common/structure.h"

#define CAMPAIGN_MAX_ELEMENTS 40
#define CAMPAIGN_MAX_PROTOTYPES 16
#define CAMPAIGN_MAX_SITES 4      /* site roles of a prototype (A, B / X, Y, Z) */
#define CAMPAIGN_MAX_ATOMS 8      /* atoms per candidate cell */
#define CAMPAIGN_MAX_ORDERS 4
#define CAMPAIGN_MAX_OBJECTIVES 3
#define CAMPAIGN_MAX_CONSTRAINTS 8
#define CAMPAIGN_N_FEATURES 13
#define CAMPAIGN_SCHEMA_VERSION 2

/* ------------------------------------------------------------------ element data */

/* What the campaign needs of an element (campaign/elements_data.c, sources there). */
struct campaign_element {
    int z;
    double volume_a3;        /* volume per atom of the elemental solid, for the cell estimate */
    double valence;          /* valence electrons (s + d for transition metals, s + p otherwise) */
    double electronegativity; /* Pauling */
    double moment_mub;       /* high-spin starting moment per atom (0: non-magnetic start) */
    int magnetic_3d;         /* Cr, Mn, Fe, Co, Ni */
    const char *reference;   /* elemental reference phase (campaign/references.c) */
};
/* NULL if the campaign has no data for z. */
const struct campaign_element *campaign_element_get(int z);
/* 1 for Sc, Y and La-Lu (the rare earths). */
int campaign_is_rare_earth(int z);

/* ------------------------------------------------------------------ prototypes */

/* A structure prototype with site roles ('A', 'B', or 'X', 'Y', 'Z'), built from a volume. */
struct campaign_prototype {
    const char *name;         /* "B2", "L10", "L12", "L21", "XA", "D022", "D03" */
    const char *description;  /* "CsCl type (Pm-3m), AB" */
    const char *strukturbericht;
    int n_atom;               /* atoms in the primitive cell built */
    int n_role;               /* distinct site roles */
    const char *roles;        /* role letters, e.g. "AB" or "XYZ" */
    const char *site_roles;   /* role of each atom, n_atom letters ("AB", "AAAB", "XXYZ") */
    int reference_only;       /* elemental structures: reference phases, not candidates */
    int spacegroup;           /* with distinct elements on distinct roles */
    int lattice;              /* enum campaign_lattice: how cell and positions follow from c/a */
    double c_over_a;          /* c/a of the conventional cell (tetragonal and hexagonal ones) */
    double b_over_a;          /* b/a (orthorhombic) */
    /* Atoms in conventional fractional coordinates (x, y, z in units of a, a, c); the cell
     * is the primitive cell of `lattice`. */
    double frac_conv[CAMPAIGN_MAX_ATOMS][3];
    /* Sign of each atom's starting moment in the simplest antiparallel order ('ferri'):
     * +1 or -1 (e.g. the Y site of a full Heusler against X). */
    int ferri_sign[CAMPAIGN_MAX_ATOMS];
};

/* Lattices of the prototypes: the primitive cell built from a (and c). */
enum campaign_lattice {
    CAMPAIGN_LAT_CUBIC_P = 0, /* a, a, a */
    CAMPAIGN_LAT_CUBIC_F,     /* fcc primitive: (0,1/2,1/2) a, ... */
    CAMPAIGN_LAT_CUBIC_I,     /* bcc primitive */
    CAMPAIGN_LAT_TETRA_P,     /* a, a, c */
    CAMPAIGN_LAT_TETRA_I,     /* body-centred tetragonal primitive */
    CAMPAIGN_LAT_HEX,         /* a, a at 120 degrees, c */
    CAMPAIGN_LAT_ORTHO_C      /* base-centred orthorhombic: a, b = b_over_a a, c; (1/2, 1/2, 0) */
};
extern const struct campaign_prototype *const campaign_prototypes[]; /* NULL-terminated */
const struct campaign_prototype *campaign_prototype_find(const char *name);
/* A structure of prototype p with element z_role[k] on role roles[k], volume per atom
 * volume_a3 (Å^3), c/a (0: the prototype's); species labels are the element symbols, atoms
 * in the order of p->site_roles. */
int campaign_prototype_build(const struct campaign_prototype *p, const int *z_role, double volume_a3, double c_over_a,
                             ls_structure **out);

/* ------------------------------------------------------------------ settings */

enum campaign_calculator { CAMPAIGN_CALC_DFT = 0, CAMPAIGN_CALC_TOY, CAMPAIGN_CALC_LOOKUP };
/* How batches are chosen: Bayesian optimisation (the default), or the baselines: a seeded
 * random order, or every candidate in enumeration order (an exhaustive screen). */
enum campaign_strategy { CAMPAIGN_STRATEGY_BO = 0, CAMPAIGN_STRATEGY_RANDOM, CAMPAIGN_STRATEGY_EXHAUSTIVE };
enum campaign_order { CAMPAIGN_ORDER_FM = 0, CAMPAIGN_ORDER_FERRI, CAMPAIGN_ORDER_NM };

/* The properties a campaign can optimise or constrain (units in the names). */
enum campaign_property {
    CAMPAIGN_PROP_MS_TESLA = 0,         /* mu0 Ms, T */
    CAMPAIGN_PROP_MOMENT_MUB_PER_ATOM,  /* |total moment| per atom */
    CAMPAIGN_PROP_FORMATION_EV_PER_ATOM,
    CAMPAIGN_PROP_HULL_EV_PER_ATOM,
    CAMPAIGN_PROP_TC_K,                 /* mean-field Curie temperature estimate */
    CAMPAIGN_N_PROPS
};
const char *campaign_property_name(enum campaign_property p);    /* "ms_tesla", ... */
const char *campaign_property_unit(enum campaign_property p);    /* "T", "eV/atom", ... */

struct campaign_objective {
    enum campaign_property prop;
    int maximise;
};
struct campaign_constraint {
    enum campaign_property prop;
    int upper;      /* 1: prop <= bound; 0: prop >= bound */
    double bound;   /* in the property's reporting unit */
    int line;       /* of the input, for messages */
};

struct campaign_dft_protocol {
    char ecut_hint[16];       /* "low", "normal", "high", or "" when ecut_ha is given */
    double ecut_ha;           /* 0: from the hint level */
    double kspacing_bohr;     /* 1/bohr, 2 pi included */
    char smearing[32];
    double smearing_ha;
    double conv_thr_ha;       /* pw.x-style estimated SCF error per cell */
    double mixing_beta;
    int max_scf_iter;
    double fmax_ev_a;         /* relaxation thresholds */
    double stress_gpa;
    int max_relax_steps;
    int relax_cell;
    int retries;              /* SCF failures retried with safer settings */
};

struct campaign_toy {         /* the stand-in calculator of tests and benchmarks */
    double delay_s;           /* wall time per evaluation (sleep) */
    double delay_spread_s;    /* + uniform [0, spread) seeded by the input hash */
    double fail_fraction;     /* fraction of evaluations that fail permanently */
    double crash_fraction;    /* fraction of evaluations that kill the process, every time */
    int crash_saves;          /* checkpoints reported before such a crash */
};

struct campaign_launcher {     /* launcher mode (campaign/launcher.c): one batch job per evaluation */
    int enabled;
    char submit[2048];        /* command template that submits a job; prints its id last */
    char status[1024];        /* optional: prints the job's state, nothing once the scheduler forgot it */
    char cancel[1024];        /* optional: cancels a job given up on */
    int max_jobs;             /* jobs submitted and not ended, at most */
    double timeout_s;         /* a job running longer (since submission) is cancelled and retried; 0: none */
    double poll_s;            /* seconds between looks at the jobs */
};

struct campaign_config {
    char path[4096];
    char name[128];
    uint64_t seed;
    int n_elem;
    int elements[CAMPAIGN_MAX_ELEMENTS];
    int n_flagged;
    int flagged[CAMPAIGN_MAX_ELEMENTS];
    char flag_reason[CAMPAIGN_MAX_ELEMENTS][64];
    int exclude_flagged;
    int allow_rare_earths;
    int n_proto;
    const struct campaign_prototype *protos[CAMPAIGN_MAX_PROTOTYPES];
    /* Optional restriction of a role to some elements, per role letter ('A'..'Z'). */
    int n_role_elem[26];
    int role_elem[26][CAMPAIGN_MAX_ELEMENTS];
    /* Candidates listed one by one (`include`), beside the enumerated ones. */
    int n_include;
    struct campaign_include {
        const struct campaign_prototype *proto;
        int z_role[CAMPAIGN_MAX_SITES];
    } include[64];
    int n_order;
    enum campaign_order orders[CAMPAIGN_MAX_ORDERS];
    double moment_mub[119];   /* starting moment per element */
    struct campaign_dft_protocol dft;
    enum campaign_calculator calculator;
    int n_lookup_db;          /* lookup: databases searched in order */
    char lookup_db[CAMPAIGN_MAX_LOOKUP_DB][4096];
    struct campaign_toy toy;
    int n_obj;
    struct campaign_objective obj[CAMPAIGN_MAX_OBJECTIVES];
    int n_con;
    struct campaign_constraint con[CAMPAIGN_MAX_CONSTRAINTS];
    int budget_evals;         /* candidate evaluations (DFT verifications) */
    double budget_wall_s;     /* 0: none */
    int batch_size;
    int n_initial;            /* first batch, space-filling */
    enum campaign_strategy strategy;
    int stall_rounds;
    double converge_tol;      /* relative expected improvement below which the loop has converged */
    int min_converge_evals;   /* no convergence verdict before this many candidate evaluations */
    int max_attempts;         /* lost runs retried until this many attempts */
    double scf_checkpoint_s;  /* SCF state written this often (s) during a DFT run */
    struct campaign_launcher launcher;
    double heartbeat_s;
    double stale_s;
    struct {
        int enabled;
        int n_member;
        double trust_spread_ev;   /* per atom: the potential screens where its spread is below */
        double retrain_spread_ev; /* per atom: retrain when new frames' spread exceeds */
        double train_time_s;      /* per member */
    } surrogate;
};

/* Read and check a campaign file.  LS_ERR_INPUT naming the file and line. */
int campaign_config_read(const char *path, struct campaign_config *cfg);
/* The settings as canonical "key = value" lines (deterministic), for the store and the diff
 * on resume.  Caller frees. */
int campaign_config_canonical(const struct campaign_config *cfg, char **text);
/* Keys whose change invalidates stored results (the candidate space, the DFT protocol, the
 * calculator): a resume with such a change is refused. */
int campaign_config_key_is_binding(const char *key);

#endif
