/* The campaign input file (YAML, through common/config.h): every key, its unit and default
 * are documented in docs/campaign.md; errors name the file, the line and the fix. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/campaign_impl.h"
#include "campaign/launcher.h"
#include "common/config.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/units.h"

/* NULL-ended: also the choices of ls_config_get_enum. */
static const char *const k_prop_names[CAMPAIGN_N_PROPS + 1] = {"ms_tesla", "moment_mub_per_atom",
                                                               "formation_energy", "e_above_hull", "tc_mean_field", NULL};
static const char *const k_prop_units[CAMPAIGN_N_PROPS] = {"T", "muB/atom", "eV/atom", "eV/atom", "K"};

const char *campaign_property_name(enum campaign_property p)
{
    return (int)p >= 0 && p < CAMPAIGN_N_PROPS ? k_prop_names[p] : "?";
}

const char *campaign_property_unit(enum campaign_property p)
{
    return (int)p >= 0 && p < CAMPAIGN_N_PROPS ? k_prop_units[p] : "?";
}

static const char *const k_top_keys[] = {"name", "seed", "elements", "exclude", "allow_rare_earths", "flagged",
                                         "exclude_flagged", "prototypes", "sites", "include", "strategy", "magnetism", "dft",
                                         "calculator", "objectives", "constraints", "budget", "batch_size",
                                         "initial_batch", "stop", "retry", "surrogate", "launcher", NULL};

/* An element symbol at `path`: LS_ERR_INPUT naming the line when it is not an element. */
static int get_element(const ls_config *c, const char *path, int *z)
{
    const char *sym = NULL;
    LS_TRY(ls_config_get_string(c, path, &sym));
    *z = ls_element_z(sym);
    if (*z <= 0 || ls_element_z_from_label(sym) != *z || strlen(sym) > 2)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s' is not an element symbol (write e.g. Fe, Co, Mn)", ls_config_name(c),
                 ls_config_line(c, path), sym);
    return LS_OK;
}

/* A list of element symbols at `path` (n_max at most). */
static int get_element_list(const ls_config *c, const char *path, int n_max, int *z, int *n)
{
    LS_TRY(ls_config_opt_items(c, path, n));
    if (*n > n_max)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: %d elements in '%s', at most %d", ls_config_name(c), ls_config_line(c, path),
                 *n, path, n_max);
    char item[256];
    for (int i = 0; i < *n; i++) {
        snprintf(item, sizeof item, "%s/%d", path, i);
        LS_TRY(get_element(c, item, &z[i]));
        for (int j = 0; j < i; j++)
            if (z[j] == z[i])
                LS_ERROR(LS_ERR_INPUT, "%s:%d: %s is listed twice in '%s'", ls_config_name(c), ls_config_line(c, item),
                         ls_element_symbol(z[i]), path);
    }
    return LS_OK;
}

/* "0.1 eV/atom", "-50 meV/atom", "1.2 T", "300 K", "2 muB/atom": value in the property's
 * reporting unit; a bare number is refused (units on every value). */
static int get_bound(const ls_config *c, const char *path, enum campaign_property prop, double *out)
{
    const char *text = NULL;
    LS_TRY(ls_config_get_string(c, path, &text));
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    char *end = NULL;
    double v = strtod(buf, &end);
    const char *unit = end;
    while (*unit == ' ') unit++;
    int line = ls_config_line(c, path);
    const char *name = ls_config_name(c);
    if (end == buf || !isfinite(v))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s' is not a number with a unit (e.g. '0.1 eV/atom')", name, line, text);
    if (!*unit)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s' has no unit: write '%s %s'", name, line, text, text,
                 campaign_property_unit(prop));
    switch (prop) {
    case CAMPAIGN_PROP_FORMATION_EV_PER_ATOM:
    case CAMPAIGN_PROP_HULL_EV_PER_ATOM: {
        char u[64];
        snprintf(u, sizeof u, "%s", unit);
        char *slash = strstr(u, "/atom");
        if (!slash || slash[5])
            LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s': an energy per atom is expected (eV/atom or meV/atom)", name, line,
                     text);
        *slash = 0;
        double f = 0;
        int st = ls_unit_factor(LS_DIM_ENERGY, u, &f);
        if (st != LS_OK) {
            ls_error_prefix("%s:%d: ", name, line);
            return st;
        }
        *out = v * f * LS_HARTREE_EV;
        return LS_OK;
    }
    case CAMPAIGN_PROP_MS_TESLA:
        if (strcmp(unit, "T") && strcmp(unit, "tesla"))
            LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s': mu0*Ms is in tesla (T)", name, line, text);
        break;
    case CAMPAIGN_PROP_MOMENT_MUB_PER_ATOM:
        if (strcmp(unit, "muB/atom"))
            LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s': moments are in muB/atom", name, line, text);
        break;
    case CAMPAIGN_PROP_TC_K:
        if (strcmp(unit, "K"))
            LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s': temperatures are in K", name, line, text);
        break;
    default:
        break;
    }
    *out = v;
    return LS_OK;
}

static int read_objectives(const ls_config *c, struct campaign_config *cfg)
{
    int n = 0;
    LS_TRY(ls_config_opt_list(c, "objectives", &n));
    if (n == 0) {
        cfg->n_obj = 1;
        cfg->obj[0].prop = CAMPAIGN_PROP_MS_TESLA;
        cfg->obj[0].maximise = 1;
        return LS_OK;
    }
    if (n > CAMPAIGN_MAX_OBJECTIVES)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: %d objectives, at most %d (EHVI)", ls_config_name(c),
                 ls_config_line(c, "objectives"), n, CAMPAIGN_MAX_OBJECTIVES);
    static const char *const keys[] = {"property", "goal", NULL};
    static const char *const goals[] = {"max", "min", NULL};
    char p[64];
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof p, "objectives/%d", i);
        LS_TRY(ls_config_check_keys(c, p, keys));
        int prop = 0, goal = 0;
        snprintf(p, sizeof p, "objectives/%d/property", i);
        LS_TRY(ls_config_get_enum(c, p, k_prop_names, &prop));
        snprintf(p, sizeof p, "objectives/%d/goal", i);
        LS_TRY(ls_config_get_enum(c, p, goals, &goal));
        for (int j = 0; j < i; j++)
            if ((int)cfg->obj[j].prop == prop)
                LS_ERROR(LS_ERR_INPUT, "%s:%d: '%s' is an objective twice: give each property once, with one goal",
                         ls_config_name(c), ls_config_line(c, p), k_prop_names[prop]);
        cfg->obj[i].prop = (enum campaign_property)prop;
        cfg->obj[i].maximise = goal == 0;
    }
    cfg->n_obj = n;
    return LS_OK;
}

/* A constraint no candidate can meet is refused rather than burning the budget. */
static int check_possible(const ls_config *c, const char *path, const struct campaign_constraint *k)
{
    int impossible = 0;
    const char *why = "";
    switch (k->prop) {
    case CAMPAIGN_PROP_HULL_EV_PER_ATOM:
        impossible = k->upper && k->bound < 0;
        why = "the distance to the convex hull is never negative";
        break;
    case CAMPAIGN_PROP_MS_TESLA:
    case CAMPAIGN_PROP_MOMENT_MUB_PER_ATOM:
    case CAMPAIGN_PROP_TC_K:
        impossible = k->upper && k->bound < 0;
        why = "the magnitude is never negative";
        break;
    default:
        break;
    }
    if (impossible)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: impossible constraint %s %s %g %s: %s", ls_config_name(c),
                 ls_config_line(c, path), campaign_property_name(k->prop), k->upper ? "<=" : ">=", k->bound,
                 campaign_property_unit(k->prop), why);
    return LS_OK;
}

static int read_constraints(const ls_config *c, struct campaign_config *cfg)
{
    int n = 0;
    int given = ls_config_has(c, "constraints");
    LS_TRY(ls_config_opt_list(c, "constraints", &n));
    if (!given) {
        /* The default of a magnet screen: stable against the elements and near the hull. */
        cfg->n_con = 2;
        cfg->con[0] = (struct campaign_constraint){CAMPAIGN_PROP_FORMATION_EV_PER_ATOM, 1, 0.0, 0};
        cfg->con[1] = (struct campaign_constraint){CAMPAIGN_PROP_HULL_EV_PER_ATOM, 1, 0.1, 0};
        return LS_OK;
    }
    if (n > CAMPAIGN_MAX_CONSTRAINTS)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: %d constraints, at most %d", ls_config_name(c),
                 ls_config_line(c, "constraints"), n, CAMPAIGN_MAX_CONSTRAINTS);
    static const char *const keys[] = {"property", "max", "min", NULL};
    char p[64];
    int k = 0;
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof p, "constraints/%d", i);
        LS_TRY(ls_config_check_keys(c, p, keys));
        int prop = 0;
        char pp[80];
        snprintf(pp, sizeof pp, "%s/property", p);
        LS_TRY(ls_config_get_enum(c, pp, k_prop_names, &prop));
        char pmax[80], pmin[80];
        snprintf(pmax, sizeof pmax, "%s/max", p);
        snprintf(pmin, sizeof pmin, "%s/min", p);
        int has_max = ls_config_has(c, pmax), has_min = ls_config_has(c, pmin);
        if (!has_max && !has_min)
            LS_ERROR(LS_ERR_INPUT, "%s:%d: constraint on %s needs 'max:' or 'min:' with a unit", ls_config_name(c),
                     ls_config_line(c, p), k_prop_names[prop]);
        double lo = -INFINITY, hi = INFINITY;
        for (int side = 0; side < 2; side++) {
            const char *q = side == 0 ? pmax : pmin;
            if (!ls_config_has(c, q)) continue;
            if (k >= CAMPAIGN_MAX_CONSTRAINTS)
                LS_ERROR(LS_ERR_INPUT, "%s:%d: more than %d constraint bounds", ls_config_name(c), ls_config_line(c, q),
                         CAMPAIGN_MAX_CONSTRAINTS);
            struct campaign_constraint *con = &cfg->con[k];
            con->prop = (enum campaign_property)prop;
            con->upper = side == 0;
            con->line = ls_config_line(c, q);
            LS_TRY(get_bound(c, q, con->prop, &con->bound));
            LS_TRY(check_possible(c, q, con));
            if (side == 0) hi = con->bound;
            else lo = con->bound;
            k++;
        }
        if (lo > hi)
            LS_ERROR(LS_ERR_INPUT, "%s:%d: impossible constraint on %s: min %g above max %g %s", ls_config_name(c),
                     ls_config_line(c, p), k_prop_names[prop], lo, hi, k_prop_units[prop]);
    }
    cfg->n_con = k;
    return LS_OK;
}

static int read_magnetism(const ls_config *c, struct campaign_config *cfg)
{
    static const char *const keys[] = {"orders", "moments", NULL};
    LS_TRY(ls_config_check_keys(c, "magnetism", keys));
    for (int z = 1; z <= 118; z++) {
        const struct campaign_element *e = campaign_element_get(z);
        cfg->moment_mub[z] = e ? e->moment_mub : 0.0;
    }
    int n = 0;
    LS_TRY(ls_config_opt_items(c, "magnetism/orders", &n));
    static const char *const orders[] = {"fm", "ferri", "nm", NULL};
    if (n == 0) {
        cfg->n_order = 2;
        cfg->orders[0] = CAMPAIGN_ORDER_FM;
        cfg->orders[1] = CAMPAIGN_ORDER_FERRI;
    } else {
        if (n > CAMPAIGN_MAX_ORDERS)
            LS_ERROR(LS_ERR_INPUT, "%s:%d: at most %d magnetic orders", ls_config_name(c),
                     ls_config_line(c, "magnetism/orders"), CAMPAIGN_MAX_ORDERS);
        char p[64];
        for (int i = 0; i < n; i++) {
            snprintf(p, sizeof p, "magnetism/orders/%d", i);
            int o = 0;
            LS_TRY(ls_config_get_enum(c, p, orders, &o));
            for (int j = 0; j < i; j++)
                if ((int)cfg->orders[j] == o)
                    LS_ERROR(LS_ERR_INPUT, "%s:%d: magnetic order '%s' listed twice", ls_config_name(c),
                             ls_config_line(c, p), orders[o]);
            cfg->orders[i] = (enum campaign_order)o;
        }
        cfg->n_order = n;
    }
    /* moments: {Fe: 3, Mn: 4}: per element, in muB (a bare number: the unit is stated here). */
    if (ls_config_has(c, "magnetism/moments")) {
        for (int z = 1; z <= 118; z++) {
            char p[64];
            snprintf(p, sizeof p, "magnetism/moments/%s", ls_element_symbol(z));
            if (!ls_config_has(c, p)) continue;
            double m = 0;
            LS_TRY(ls_config_get_double(c, p, &m));
            if (!(m >= 0 && m <= 7))
                LS_ERROR(LS_ERR_INPUT, "%s:%d: starting moment %g muB of %s: give 0 to 7 muB per atom (the sign is set "
                         "by the magnetic order)", ls_config_name(c), ls_config_line(c, p), m, ls_element_symbol(z));
            cfg->moment_mub[z] = m;
        }
        /* Keys that are not elements are typos: check them against the element symbols. */
        static const char *syms[119];
        for (int z = 1; z <= 118; z++) syms[z - 1] = ls_element_symbol(z);
        syms[118] = NULL;
        LS_TRY(ls_config_check_keys(c, "magnetism/moments", syms));
    }
    return LS_OK;
}

static int read_dft(const ls_config *c, struct campaign_config *cfg)
{
    struct campaign_dft_protocol *d = &cfg->dft;
    static const char *const keys[] = {"ecut", "kspacing", "smearing", "conv_thr", "mixing_beta", "max_scf_iter",
                                       "relax", "retries", NULL};
    LS_TRY(ls_config_check_keys(c, "dft", keys));
    /* Defaults: screening-level settings (the PseudoDojo 'low' hints, k-point spacing
     * 0.3 1/angstrom, Marzari-Vanderbilt 0.02 Ry), relaxed until 0.05 eV/A and 0.5 GPa. */
    snprintf(d->ecut_hint, sizeof d->ecut_hint, "low");
    d->ecut_ha = 0;
    if (ls_config_has(c, "dft/ecut")) {
        const char *text = NULL;
        LS_TRY(ls_config_get_string(c, "dft/ecut", &text));
        if (!strcmp(text, "low") || !strcmp(text, "normal") || !strcmp(text, "high")) {
            snprintf(d->ecut_hint, sizeof d->ecut_hint, "%s", text);
        } else {
            LS_TRY(ls_config_get_quantity(c, "dft/ecut", LS_DIM_ENERGY, NULL, &d->ecut_ha));
            if (!(d->ecut_ha > 0 && d->ecut_ha < 1000))
                LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/ecut must be 'low', 'normal', 'high' (PseudoDojo hints) or an "
                         "energy between 0 and 2000 Ry", ls_config_name(c), ls_config_line(c, "dft/ecut"));
            d->ecut_hint[0] = 0;
        }
    }
    LS_TRY(ls_config_opt_quantity(c, "dft/kspacing", LS_DIM_INVLENGTH, NULL, 0.3 * LS_BOHR_ANGSTROM,
                                  &d->kspacing_bohr));
    if (!(d->kspacing_bohr >= 0.02 * LS_BOHR_ANGSTROM && d->kspacing_bohr <= 2.0 * LS_BOHR_ANGSTROM))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/kspacing must lie between 0.02 and 2 1/angstrom", ls_config_name(c),
                 ls_config_line(c, "dft/kspacing"));
    static const char *const skeys[] = {"type", "width", NULL};
    LS_TRY(ls_config_check_keys(c, "dft/smearing", skeys));
    const char *stype = NULL;
    LS_TRY(ls_config_opt_string(c, "dft/smearing/type", "marzari-vanderbilt", &stype));
    snprintf(d->smearing, sizeof d->smearing, "%s", stype);
    LS_TRY(ls_config_opt_quantity(c, "dft/smearing/width", LS_DIM_ENERGY, NULL, 0.01, &d->smearing_ha));
    if (!(d->smearing_ha > 0 && d->smearing_ha < 0.5))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/smearing/width must be positive and below 1 Ry", ls_config_name(c),
                 ls_config_line(c, "dft/smearing/width"));
    LS_TRY(ls_config_opt_quantity(c, "dft/conv_thr", LS_DIM_ENERGY, NULL, 0.5e-7, &d->conv_thr_ha));
    if (!(d->conv_thr_ha > 0 && d->conv_thr_ha < 1e-2))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/conv_thr must be positive and below 0.02 Ry", ls_config_name(c),
                 ls_config_line(c, "dft/conv_thr"));
    LS_TRY(ls_config_opt_double(c, "dft/mixing_beta", 0.3, &d->mixing_beta));
    if (!(d->mixing_beta > 0 && d->mixing_beta <= 1))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/mixing_beta must lie in (0, 1]", ls_config_name(c),
                 ls_config_line(c, "dft/mixing_beta"));
    LS_TRY(ls_config_opt_int(c, "dft/max_scf_iter", 100, &d->max_scf_iter));
    if (d->max_scf_iter < 1 || d->max_scf_iter > 10000)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/max_scf_iter must lie in 1..10000", ls_config_name(c),
                 ls_config_line(c, "dft/max_scf_iter"));
    static const char *const rkeys[] = {"fmax", "stress", "max_steps", "cell", NULL};
    LS_TRY(ls_config_check_keys(c, "dft/relax", rkeys));
    double fmax = 0;
    LS_TRY(ls_config_opt_quantity(c, "dft/relax/fmax", LS_DIM_FORCE, NULL, 0.05 * LS_EV_HARTREE * LS_BOHR_ANGSTROM,
                                  &fmax));
    d->fmax_ev_a = fmax * LS_HA_BOHR_EV_A;
    double stress = 0;
    LS_TRY(ls_config_opt_quantity(c, "dft/relax/stress", LS_DIM_PRESSURE, NULL, 0.5 / LS_HA_BOHR3_GPA, &stress));
    d->stress_gpa = stress * LS_HA_BOHR3_GPA;
    if (!(d->fmax_ev_a > 0) || !(d->stress_gpa > 0))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/relax thresholds must be positive", ls_config_name(c),
                 ls_config_line(c, "dft/relax"));
    LS_TRY(ls_config_opt_int(c, "dft/relax/max_steps", 40, &d->max_relax_steps));
    if (d->max_relax_steps < 0 || d->max_relax_steps > 1000)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/relax/max_steps must lie in 0..1000 (0: no relaxation)", ls_config_name(c),
                 ls_config_line(c, "dft/relax/max_steps"));
    LS_TRY(ls_config_opt_bool(c, "dft/relax/cell", 1, &d->relax_cell));
    LS_TRY(ls_config_opt_int(c, "dft/retries", 2, &d->retries));
    if (d->retries < 0 || d->retries > 5)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: dft/retries must lie in 0..5", ls_config_name(c),
                 ls_config_line(c, "dft/retries"));
    return LS_OK;
}

static int read_calculator(const ls_config *c, struct campaign_config *cfg)
{
    if (!ls_config_has(c, "calculator")) {
        cfg->calculator = CAMPAIGN_CALC_DFT;
        return LS_OK;
    }
    static const char *const kinds[] = {"dft", "toy", "lookup", NULL};
    static const char *const keys[] = {"type",          "database",       "delay",       "delay_spread",
                                       "fail_fraction", "crash_fraction", "crash_saves", NULL};
    int k = 0;
    if (ls_config_has(c, "calculator/type")) {
        LS_TRY(ls_config_check_keys(c, "calculator", keys));
        LS_TRY(ls_config_get_enum(c, "calculator/type", kinds, &k));
    } else {
        LS_TRY(ls_config_get_enum(c, "calculator", kinds, &k));
    }
    cfg->calculator = (enum campaign_calculator)k;
    if (cfg->calculator == CAMPAIGN_CALC_LOOKUP) {
        /* One database or a list, searched in order (an exhaustive screen computed in parts). */
        int n = 0;
        const int is_list = ls_config_has(c, "calculator/database/0");
        if (is_list) LS_TRY(ls_config_opt_items(c, "calculator/database", &n));
        else n = 1;
        if (n < 1 || n > CAMPAIGN_MAX_LOOKUP_DB)
            LS_ERROR(LS_ERR_INPUT, "%s:%d: calculator/database: one database or a list of 1 to %d", ls_config_name(c),
                     ls_config_line(c, "calculator"), CAMPAIGN_MAX_LOOKUP_DB);
        for (int i = 0; i < n; i++) {
            char key[64];
            snprintf(key, sizeof key, is_list ? "calculator/database/%d" : "calculator/database", i);
            const char *db = NULL;
            LS_TRY(ls_config_get_string(c, key, &db));
            /* Relative to the campaign file. */
            const char *slash = strrchr(cfg->path, '/');
            char *to = cfg->lookup_db[i];
            if (db[0] == '/' || !slash) snprintf(to, sizeof cfg->lookup_db[i], "%s", db);
            else snprintf(to, sizeof cfg->lookup_db[i], "%.*s/%s", (int)(slash - cfg->path), cfg->path, db);
        }
        cfg->n_lookup_db = n;
    }
    if (cfg->calculator == CAMPAIGN_CALC_TOY && ls_config_has(c, "calculator/type")) { /* else the defaults */
        double t = 0;
        LS_TRY(ls_config_opt_quantity(c, "calculator/delay", LS_DIM_TIME, "s", 0, &t));
        cfg->toy.delay_s = t * LS_AU_TIME_FS * 1e-15;
        LS_TRY(ls_config_opt_quantity(c, "calculator/delay_spread", LS_DIM_TIME, "s", 0, &t));
        cfg->toy.delay_spread_s = t * LS_AU_TIME_FS * 1e-15;
        LS_TRY(ls_config_opt_double(c, "calculator/fail_fraction", 0, &cfg->toy.fail_fraction));
        LS_TRY(ls_config_opt_double(c, "calculator/crash_fraction", 0, &cfg->toy.crash_fraction));
        LS_TRY(ls_config_opt_int(c, "calculator/crash_saves", 0, &cfg->toy.crash_saves));
        if (!(cfg->toy.crash_fraction >= 0 && cfg->toy.crash_fraction <= 1) || cfg->toy.crash_saves < 0 ||
            cfg->toy.crash_saves > 1000)
            LS_ERROR(LS_ERR_INPUT, "%s:%d: calculator/crash_fraction must lie in 0..1 and crash_saves in 0..1000",
                     ls_config_name(c), ls_config_line(c, "calculator"));
        if (!(cfg->toy.delay_s >= 0 && cfg->toy.delay_spread_s >= 0 && cfg->toy.delay_s + cfg->toy.delay_spread_s < 3600))
            LS_ERROR(LS_ERR_INPUT, "%s:%d: toy calculator delays must lie in 0..3600 s", ls_config_name(c),
                     ls_config_line(c, "calculator"));
        if (!(cfg->toy.fail_fraction >= 0 && cfg->toy.fail_fraction <= 1))
            LS_ERROR(LS_ERR_INPUT, "%s:%d: calculator/fail_fraction must lie in 0..1", ls_config_name(c),
                     ls_config_line(c, "calculator/fail_fraction"));
    }
    return LS_OK;
}

static int read_space(const ls_config *c, struct campaign_config *cfg)
{
    const char *name = ls_config_name(c);
    if (!ls_config_has(c, "elements"))
        LS_ERROR(LS_ERR_INPUT, "%s:1: 'elements' is missing: list the elements of the search space, e.g. "
                 "elements: [Mn, Fe, Co, Ni, Al, Ga, Si]", name);
    int z[CAMPAIGN_MAX_ELEMENTS], n = 0;
    LS_TRY(get_element_list(c, "elements", CAMPAIGN_MAX_ELEMENTS, z, &n));
    int zx[CAMPAIGN_MAX_ELEMENTS], nx = 0;
    LS_TRY(get_element_list(c, "exclude", CAMPAIGN_MAX_ELEMENTS, zx, &nx));
    LS_TRY(ls_config_opt_bool(c, "allow_rare_earths", 0, &cfg->allow_rare_earths));
    cfg->n_elem = 0;
    for (int i = 0; i < n; i++) {
        char p[64];
        snprintf(p, sizeof p, "elements/%d", i);
        int excluded = 0;
        for (int j = 0; j < nx; j++) excluded |= zx[j] == z[i];
        if (excluded) continue;
        if (campaign_is_rare_earth(z[i]) && !cfg->allow_rare_earths)
            LS_ERROR(LS_ERR_INPUT, "%s:%d: %s is a rare earth, excluded from this rare-earth-free screen: remove it, or "
                     "set 'allow_rare_earths: true'", name, ls_config_line(c, p), ls_element_symbol(z[i]));
        if (!campaign_element_get(z[i]))
            LS_ERROR(LS_ERR_INPUT, "%s:%d: no campaign data for %s (volume, valence, reference phase): the elements "
                     "supported are those of docs/campaign.md", name, ls_config_line(c, p), ls_element_symbol(z[i]));
        cfg->elements[cfg->n_elem++] = z[i];
    }
    if (cfg->n_elem < 1)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: no element left after the exclusions", name, ls_config_line(c, "elements"));
    /* flagged: {Co: critical raw material, Pt: cost} */
    cfg->n_flagged = 0;
    if (ls_config_has(c, "flagged")) {
        for (int i = 0; i < cfg->n_elem; i++) {
            char p[64];
            snprintf(p, sizeof p, "flagged/%s", ls_element_symbol(cfg->elements[i]));
            if (!ls_config_has(c, p)) continue;
            const char *why = NULL;
            LS_TRY(ls_config_get_string(c, p, &why));
            cfg->flagged[cfg->n_flagged] = cfg->elements[i];
            snprintf(cfg->flag_reason[cfg->n_flagged], sizeof cfg->flag_reason[0], "%s", why);
            cfg->n_flagged++;
        }
        static const char *syms[119];
        for (int zz = 1; zz <= 118; zz++) syms[zz - 1] = ls_element_symbol(zz);
        syms[118] = NULL;
        LS_TRY(ls_config_check_keys(c, "flagged", syms));
    }
    LS_TRY(ls_config_opt_bool(c, "exclude_flagged", 0, &cfg->exclude_flagged));
    /* prototypes */
    static const char *pnames[CAMPAIGN_MAX_PROTOTYPES + 1];
    int np_all = 0;
    while (campaign_prototypes[np_all] && np_all < CAMPAIGN_MAX_PROTOTYPES) {
        pnames[np_all] = campaign_prototypes[np_all]->name;
        np_all++;
    }
    pnames[np_all] = NULL;
    int np = 0;
    LS_TRY(ls_config_opt_items(c, "prototypes", &np));
    if (np == 0 && ls_config_has(c, "prototypes")) {
        cfg->n_proto = 0; /* prototypes: [] - only the included candidates */
    } else if (np == 0) {
        for (int i = 0; i < np_all; i++) cfg->protos[i] = campaign_prototypes[i];
        cfg->n_proto = np_all;
    } else {
        for (int i = 0; i < np; i++) {
            char p[64];
            snprintf(p, sizeof p, "prototypes/%d", i);
            int k = 0;
            LS_TRY(ls_config_get_enum(c, p, pnames, &k));
            for (int j = 0; j < i; j++)
                if (cfg->protos[j] == campaign_prototypes[k])
                    LS_ERROR(LS_ERR_INPUT, "%s:%d: prototype %s listed twice", name, ls_config_line(c, p), pnames[k]);
            cfg->protos[i] = campaign_prototypes[k];
        }
        cfg->n_proto = np;
    }
    /* sites: {A: [Mn, Fe, Co, Ni], X: [Co, Fe]}: a role takes only these elements. */
    memset(cfg->n_role_elem, 0, sizeof cfg->n_role_elem);
    if (ls_config_has(c, "sites")) {
        static const char *const roles[] = {"A", "B", "X", "Y", "Z", NULL};
        LS_TRY(ls_config_check_keys(c, "sites", roles));
        for (int r = 0; roles[r]; r++) {
            char p[64];
            snprintf(p, sizeof p, "sites/%s", roles[r]);
            if (!ls_config_has(c, p)) continue;
            int idx = roles[r][0] - 'A';
            LS_TRY(get_element_list(c, p, CAMPAIGN_MAX_ELEMENTS, cfg->role_elem[idx], &cfg->n_role_elem[idx]));
            for (int i = 0; i < cfg->n_role_elem[idx]; i++) {
                int in = 0;
                for (int j = 0; j < cfg->n_elem; j++) in |= cfg->elements[j] == cfg->role_elem[idx][i];
                if (!in)
                    LS_ERROR(LS_ERR_INPUT, "%s:%d: %s in 'sites/%s' is not among the elements (or is excluded)", name,
                             ls_config_line(c, p), ls_element_symbol(cfg->role_elem[idx][i]), roles[r]);
            }
            if (cfg->n_role_elem[idx] == 0)
                LS_ERROR(LS_ERR_INPUT, "%s:%d: 'sites/%s' is empty: no candidate could be built", name,
                         ls_config_line(c, p), roles[r]);
        }
    }
    /* include: [{prototype: L21, X: Co, Y: Mn, Z: Si}, ...] */
    int ni = 0;
    LS_TRY(ls_config_opt_list(c, "include", &ni));
    if (ni > (int)(sizeof cfg->include / sizeof cfg->include[0]))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: at most %d candidates in 'include'", name, ls_config_line(c, "include"),
                 (int)(sizeof cfg->include / sizeof cfg->include[0]));
    for (int i = 0; i < ni; i++) {
        char p[64], q[80];
        snprintf(p, sizeof p, "include/%d", i);
        static const char *const ikeys[] = {"prototype", "A", "B", "X", "Y", "Z", NULL};
        LS_TRY(ls_config_check_keys(c, p, ikeys));
        snprintf(q, sizeof q, "%s/prototype", p);
        int k = 0;
        LS_TRY(ls_config_get_enum(c, q, pnames, &k));
        const struct campaign_prototype *pr = campaign_prototypes[k];
        if (pr->reference_only)
            LS_ERROR(LS_ERR_INPUT, "%s:%d: %s is an elemental structure (a reference phase), not a candidate prototype",
                     name, ls_config_line(c, q), pr->name);
        struct campaign_include *inc = &cfg->include[i];
        inc->proto = pr;
        for (int r = 0; r < pr->n_role; r++) {
            snprintf(q, sizeof q, "%s/%c", p, pr->roles[r]);
            if (!ls_config_has(c, q))
                LS_ERROR(LS_ERR_INPUT, "%s:%d: include %d (%s) needs an element for each of its sites %s", name,
                         ls_config_line(c, p), i + 1, pr->name, pr->roles);
            LS_TRY(get_element(c, q, &inc->z_role[r]));
            int in = 0;
            for (int j = 0; j < cfg->n_elem; j++) in |= cfg->elements[j] == inc->z_role[r];
            if (!in)
                LS_ERROR(LS_ERR_INPUT, "%s:%d: %s is not among the elements (or is excluded): add it to 'elements'", name,
                         ls_config_line(c, q), ls_element_symbol(inc->z_role[r]));
            for (int r2 = 0; r2 < r; r2++)
                if (inc->z_role[r2] == inc->z_role[r])
                    LS_ERROR(LS_ERR_INPUT, "%s:%d: include %d puts %s on two sites of %s: that is another prototype", name,
                             ls_config_line(c, q), i + 1, ls_element_symbol(inc->z_role[r]), pr->name);
        }
    }
    cfg->n_include = ni;
    return LS_OK;
}

static int read_loop(const ls_config *c, struct campaign_config *cfg)
{
    const char *name = ls_config_name(c);
    static const char *const bkeys[] = {"dft_evaluations", "wall_time", NULL};
    LS_TRY(ls_config_check_keys(c, "budget", bkeys));
    LS_TRY(ls_config_opt_int(c, "budget/dft_evaluations", 50, &cfg->budget_evals));
    if (cfg->budget_evals < 1 || cfg->budget_evals > 10000000)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: budget/dft_evaluations must lie in 1..10000000", name,
                 ls_config_line(c, "budget/dft_evaluations"));
    double wall = 0;
    LS_TRY(ls_config_opt_quantity(c, "budget/wall_time", LS_DIM_TIME, NULL, 0, &wall));
    cfg->budget_wall_s = wall * LS_AU_TIME_FS * 1e-15;
    if (ls_config_has(c, "budget/wall_time") && !(cfg->budget_wall_s > 0))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: budget/wall_time must be positive, with a unit (e.g. '2 h', '30 min')", name,
                 ls_config_line(c, "budget/wall_time"));
    static const char *const strategies[] = {"bayesian", "random", "exhaustive", NULL};
    int strat = 0;
    LS_TRY(ls_config_opt_enum(c, "strategy", strategies, 0, &strat));
    cfg->strategy = (enum campaign_strategy)strat;
    LS_TRY(ls_config_opt_int(c, "batch_size", 4, &cfg->batch_size));
    if (cfg->batch_size < 1 || cfg->batch_size > 4096)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: batch_size must lie in 1..4096", name, ls_config_line(c, "batch_size"));
    LS_TRY(ls_config_opt_int(c, "initial_batch", cfg->batch_size, &cfg->n_initial));
    if (cfg->n_initial < 1 || cfg->n_initial > 100000)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: initial_batch must lie in 1..100000", name, ls_config_line(c, "initial_batch"));
    static const char *const skeys[] = {"stall_rounds", "tolerance", "min_evaluations", NULL};
    LS_TRY(ls_config_check_keys(c, "stop", skeys));
    LS_TRY(ls_config_opt_int(c, "stop/stall_rounds", 4, &cfg->stall_rounds));
    LS_TRY(ls_config_opt_double(c, "stop/tolerance", 0.01, &cfg->converge_tol));
    /* Fewer observations than features leave the model's expected improvement unreliable. */
    LS_TRY(ls_config_opt_int(c, "stop/min_evaluations", 2 * CAMPAIGN_N_FEATURES, &cfg->min_converge_evals));
    if (cfg->min_converge_evals < 0)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: stop/min_evaluations must be >= 0", name, ls_config_line(c, "stop/min_evaluations"));
    if (cfg->stall_rounds < 1 || !(cfg->converge_tol >= 0 && cfg->converge_tol < 1))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: stop/stall_rounds >= 1 and stop/tolerance in [0, 1) (a fraction of the best)",
                 name, ls_config_line(c, "stop"));
    static const char *const rkeys[] = {"max_attempts", "heartbeat", "stale_after", "scf_checkpoint", NULL};
    LS_TRY(ls_config_check_keys(c, "retry", rkeys));
    LS_TRY(ls_config_opt_int(c, "retry/max_attempts", 3, &cfg->max_attempts));
    if (cfg->max_attempts < 1 || cfg->max_attempts > 100)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: retry/max_attempts must lie in 1..100", name, ls_config_line(c, "retry"));
    double t = 0;
    LS_TRY(ls_config_opt_quantity(c, "retry/heartbeat", LS_DIM_TIME, "s", 10.0 / (LS_AU_TIME_FS * 1e-15), &t));
    cfg->heartbeat_s = t * LS_AU_TIME_FS * 1e-15;
    LS_TRY(ls_config_opt_quantity(c, "retry/stale_after", LS_DIM_TIME, "s", 6 * cfg->heartbeat_s / (LS_AU_TIME_FS * 1e-15),
                                  &t));
    cfg->stale_s = t * LS_AU_TIME_FS * 1e-15;
    if (!(cfg->heartbeat_s >= 0.05 && cfg->stale_s >= 3 * cfg->heartbeat_s))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: retry/heartbeat must be at least 0.05 s and retry/stale_after at least 3 "
                 "heartbeats", name, ls_config_line(c, "retry"));
    LS_TRY(ls_config_opt_quantity(c, "retry/scf_checkpoint", LS_DIM_TIME, "s", 30.0 / (LS_AU_TIME_FS * 1e-15), &t));
    cfg->scf_checkpoint_s = t * LS_AU_TIME_FS * 1e-15;
    if (!(cfg->scf_checkpoint_s >= 1 && cfg->scf_checkpoint_s <= 86400))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: retry/scf_checkpoint must lie in 1 s .. 24 h (the SCF state is written that often)",
                 name, ls_config_line(c, "retry"));
    static const char *const ukeys[] = {"enabled", "ensemble", "trust_spread", "retrain_spread", "train_time", NULL};
    LS_TRY(ls_config_check_keys(c, "surrogate", ukeys));
    LS_TRY(ls_config_opt_bool(c, "surrogate/enabled", cfg->calculator == CAMPAIGN_CALC_DFT, &cfg->surrogate.enabled));
    LS_TRY(ls_config_opt_int(c, "surrogate/ensemble", 4, &cfg->surrogate.n_member));
    if (cfg->surrogate.n_member < 2 || cfg->surrogate.n_member > 32)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: surrogate/ensemble must lie in 2..32 (a spread needs two members)", name,
                 ls_config_line(c, "surrogate/ensemble"));
    double e = 0;
    LS_TRY(ls_config_opt_quantity(c, "surrogate/trust_spread", LS_DIM_ENERGY, NULL, 0.03 * LS_EV_HARTREE, &e));
    cfg->surrogate.trust_spread_ev = e * LS_HARTREE_EV;
    LS_TRY(ls_config_opt_quantity(c, "surrogate/retrain_spread", LS_DIM_ENERGY, NULL, 0.01 * LS_EV_HARTREE, &e));
    cfg->surrogate.retrain_spread_ev = e * LS_HARTREE_EV;
    LS_TRY(ls_config_opt_quantity(c, "surrogate/train_time", LS_DIM_TIME, "s", 20.0 / (LS_AU_TIME_FS * 1e-15), &t));
    cfg->surrogate.train_time_s = t * LS_AU_TIME_FS * 1e-15;
    if (!(cfg->surrogate.trust_spread_ev > 0 && cfg->surrogate.retrain_spread_ev > 0 && cfg->surrogate.train_time_s > 0))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: surrogate spreads (energies per atom, e.g. '30 meV') and train_time must be "
                 "positive", name, ls_config_line(c, "surrogate"));
    return LS_OK;
}

int campaign_config_read(const char *path, struct campaign_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    ls_config *c = NULL;
    LS_TRY(ls_config_load(path, &c));
    int status = LS_OK;
    LS_TRY_GOTO(status, ls_config_check_keys(c, "", k_top_keys), done);
    const char *name = NULL;
    LS_TRY_GOTO(status, ls_config_opt_string(c, "name", "campaign", &name), done);
    snprintf(cfg->name, sizeof cfg->name, "%s", name);
    long long seed = 0;
    int seed_i = 0;
    LS_TRY_GOTO(status, ls_config_opt_int(c, "seed", 1, &seed_i), done);
    seed = seed_i;
    if (seed < 0) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: seed must be a non-negative integer", path,
                                ls_config_line(c, "seed"));
    cfg->seed = (uint64_t)seed;
    LS_TRY_GOTO(status, read_space(c, cfg), done);
    LS_TRY_GOTO(status, read_magnetism(c, cfg), done);
    LS_TRY_GOTO(status, read_dft(c, cfg), done);
    LS_TRY_GOTO(status, read_calculator(c, cfg), done);
    LS_TRY_GOTO(status, read_objectives(c, cfg), done);
    LS_TRY_GOTO(status, read_constraints(c, cfg), done);
    LS_TRY_GOTO(status, read_loop(c, cfg), done);
    LS_TRY_GOTO(status, campaign_launcher_config_read(c, cfg), done);
done:
    ls_config_destroy(c);
    return status;
}

/* ------------------------------------------------------------------ canonical form */

struct text_buf {
    char *s;
    size_t n, cap;
    int failed;
};

static void tb_printf(struct text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_printf(struct text_buf *b, const char *fmt, ...)
{
    if (b->failed) return;
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->n + (size_t)need + 1 > b->cap) {
        size_t cap = (b->cap + (size_t)need + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)need;
}

/* Keys (prefixes) whose change invalidates stored results. */
static const char *const k_binding[] = {"space.", "magnetism.", "dft.", "calculator", NULL};

int campaign_config_key_is_binding(const char *key)
{
    for (int i = 0; k_binding[i]; i++)
        if (!strncmp(key, k_binding[i], strlen(k_binding[i]))) return 1;
    return 0;
}

int campaign_config_canonical(const struct campaign_config *cfg, char **text)
{
    struct text_buf b = {0};
    static const char *const order_names[] = {"fm", "ferri", "nm"};
    static const char *const calc_names[] = {"dft", "toy", "lookup"};
    tb_printf(&b, "name = %s\n", cfg->name);
    tb_printf(&b, "seed = %llu\n", (unsigned long long)cfg->seed);
    tb_printf(&b, "space.elements =");
    for (int i = 0; i < cfg->n_elem; i++) tb_printf(&b, " %s", ls_element_symbol(cfg->elements[i]));
    tb_printf(&b, "\nspace.prototypes =");
    for (int i = 0; i < cfg->n_proto; i++) tb_printf(&b, " %s", cfg->protos[i]->name);
    tb_printf(&b, "\n");
    for (int r = 0; r < 26; r++) {
        if (!cfg->n_role_elem[r]) continue;
        tb_printf(&b, "space.sites.%c =", 'A' + r);
        for (int i = 0; i < cfg->n_role_elem[r]; i++) tb_printf(&b, " %s", ls_element_symbol(cfg->role_elem[r][i]));
        tb_printf(&b, "\n");
    }
    for (int i = 0; i < cfg->n_include; i++) {
        tb_printf(&b, "space.include.%d = %s", i, cfg->include[i].proto->name);
        for (int r = 0; r < cfg->include[i].proto->n_role; r++)
            tb_printf(&b, " %c:%s", cfg->include[i].proto->roles[r], ls_element_symbol(cfg->include[i].z_role[r]));
        tb_printf(&b, "\n");
    }
    tb_printf(&b, "space.exclude_flagged = %d\n", cfg->exclude_flagged);
    if (cfg->exclude_flagged) {
        tb_printf(&b, "space.flagged =");
        for (int i = 0; i < cfg->n_flagged; i++) tb_printf(&b, " %s", ls_element_symbol(cfg->flagged[i]));
        tb_printf(&b, "\n");
    }
    tb_printf(&b, "flagged =");
    for (int i = 0; i < cfg->n_flagged; i++)
        tb_printf(&b, " %s(%s)", ls_element_symbol(cfg->flagged[i]), cfg->flag_reason[i]);
    tb_printf(&b, "\nmagnetism.orders =");
    for (int i = 0; i < cfg->n_order; i++) tb_printf(&b, " %s", order_names[cfg->orders[i]]);
    tb_printf(&b, "\nmagnetism.moments_mub =");
    for (int i = 0; i < cfg->n_elem; i++)
        tb_printf(&b, " %s:%.6g", ls_element_symbol(cfg->elements[i]), cfg->moment_mub[cfg->elements[i]]);
    const struct campaign_dft_protocol *d = &cfg->dft;
    tb_printf(&b, "\ndft.ecut = %s\n", d->ecut_hint[0] ? d->ecut_hint : "");
    tb_printf(&b, "dft.ecut_ha = %.10g\n", d->ecut_ha);
    tb_printf(&b, "dft.kspacing_per_bohr = %.10g\n", d->kspacing_bohr);
    tb_printf(&b, "dft.smearing = %s %.10g Ha\n", d->smearing, d->smearing_ha);
    tb_printf(&b, "dft.conv_thr_ha = %.10g\n", d->conv_thr_ha);
    tb_printf(&b, "dft.mixing_beta = %.10g\n", d->mixing_beta);
    tb_printf(&b, "dft.max_scf_iter = %d\n", d->max_scf_iter);
    tb_printf(&b, "dft.relax = fmax %.10g eV/A, stress %.10g GPa, steps %d, cell %d\n", d->fmax_ev_a, d->stress_gpa,
              d->max_relax_steps, d->relax_cell);
    tb_printf(&b, "dft.retries = %d\n", d->retries);
    tb_printf(&b, "calculator = %s\n", calc_names[cfg->calculator]);
    for (int i = 0; cfg->calculator == CAMPAIGN_CALC_LOOKUP && i < cfg->n_lookup_db; i++) {
        if (i == 0) tb_printf(&b, "calculator.database = %s\n", cfg->lookup_db[0]); /* as before lists */
        else tb_printf(&b, "calculator.database.%d = %s\n", i, cfg->lookup_db[i]);
    }
    if (cfg->calculator == CAMPAIGN_CALC_TOY)
        tb_printf(&b, "calculator.toy = delay %.6g s, spread %.6g s, fail %.6g, crash %.6g after %d saves\n",
                  cfg->toy.delay_s, cfg->toy.delay_spread_s, cfg->toy.fail_fraction, cfg->toy.crash_fraction,
                  cfg->toy.crash_saves);
    for (int i = 0; i < cfg->n_obj; i++)
        tb_printf(&b, "objective.%d = %s %s\n", i, campaign_property_name(cfg->obj[i].prop),
                  cfg->obj[i].maximise ? "max" : "min");
    for (int i = 0; i < cfg->n_con; i++)
        tb_printf(&b, "constraint.%d = %s %s %.10g %s\n", i, campaign_property_name(cfg->con[i].prop),
                  cfg->con[i].upper ? "<=" : ">=", cfg->con[i].bound, campaign_property_unit(cfg->con[i].prop));
    tb_printf(&b, "budget.dft_evaluations = %d\n", cfg->budget_evals);
    tb_printf(&b, "budget.wall_time_s = %.10g\n", cfg->budget_wall_s);
    static const char *const strategy_names[] = {"bayesian", "random", "exhaustive"};
    tb_printf(&b, "strategy = %s\n", strategy_names[cfg->strategy]);
    tb_printf(&b, "batch_size = %d\n", cfg->batch_size);
    tb_printf(&b, "initial_batch = %d\n", cfg->n_initial);
    tb_printf(&b, "stop.stall_rounds = %d\n", cfg->stall_rounds);
    tb_printf(&b, "stop.tolerance = %.10g\n", cfg->converge_tol);
    tb_printf(&b, "stop.min_evaluations = %d\n", cfg->min_converge_evals);
    tb_printf(&b, "retry.max_attempts = %d\n", cfg->max_attempts);
    tb_printf(&b, "retry.heartbeat_s = %.10g\n", cfg->heartbeat_s);
    tb_printf(&b, "retry.stale_after_s = %.10g\n", cfg->stale_s);
    tb_printf(&b, "retry.scf_checkpoint_s = %.10g\n", cfg->scf_checkpoint_s);
    if (cfg->launcher.enabled)
        tb_printf(&b, "launcher = submit '%s', status '%s', cancel '%s', max_jobs %d, timeout %.10g s, poll %.10g s\n",
                  cfg->launcher.submit, cfg->launcher.status, cfg->launcher.cancel, cfg->launcher.max_jobs,
                  cfg->launcher.timeout_s, cfg->launcher.poll_s);
    tb_printf(&b, "surrogate = enabled %d, ensemble %d, trust %.10g eV, retrain %.10g eV, train %.10g s\n",
              cfg->surrogate.enabled, cfg->surrogate.n_member, cfg->surrogate.trust_spread_ev,
              cfg->surrogate.retrain_spread_ev, cfg->surrogate.train_time_s);
    if (b.failed) {
        free(b.s);
        LS_ERROR(LS_ERR_NOMEM, "out of memory writing the campaign settings");
    }
    *text = b.s;
    return LS_OK;
}
