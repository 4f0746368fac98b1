/* Candidates: enumeration, fingerprints, magnetic starts, features (campaign/candidates.c). */
#ifndef LS_CAMPAIGN_CANDIDATES_H
#define LS_CAMPAIGN_CANDIDATES_H

#include "campaign/campaign_impl.h"

/* One magnetic start: the order and the starting moment of every atom (muB, signed). */
struct campaign_start {
    enum campaign_order order;
    double moment_mub[CAMPAIGN_MAX_ATOMS];
};

struct campaign_candidate {
    const struct campaign_prototype *proto;
    int z_role[CAMPAIGN_MAX_SITES];
    char formula[32];          /* reduced, majority element first: "FeCo", "Co2MnSi" */
    char name[64];             /* "B2 FeCo" */
    double volume_a3;          /* starting volume per atom */
    double c_over_a;
    ls_structure *s;           /* the starting structure (owned) */
    char fingerprint[65];      /* SHA-256 hex of the isometry-invariant description */
    int spacegroup;            /* of the prototype (references: of the element's structure) */
    double features[CAMPAIGN_N_FEATURES];
    int n_start;
    struct campaign_start starts[CAMPAIGN_MAX_ORDERS];
};

struct campaign_candidate_list {
    int n, cap;
    struct campaign_candidate *items;
};

extern const char *const campaign_feature_names[CAMPAIGN_N_FEATURES];

/* mu0 Ms (T) of a moment (muB) in a volume (A^3). */
double campaign_ms_tesla(double moment_mub, double volume_a3);

/* Fingerprint (SHA-256 hex) of a structure, invariant under isometries; magnetic moments,
 * when present, are part of the description. */
int campaign_fingerprint(const ls_structure *s, char hex[65]);
int campaign_features(const struct campaign_prototype *p, const ls_structure *s, double *features);

/* One candidate of prototype p with elements z_role (c/a 0: the prototype's). */
int campaign_candidate_make(const struct campaign_config *cfg, const struct campaign_prototype *p, const int *z_role,
                            double c_over_a, struct campaign_candidate *c);
void campaign_candidate_free(struct campaign_candidate *c);

/* Every candidate of the campaign's space, deduplicated, in a deterministic order
 * (prototypes as listed, then the elements' order in the file). */
int campaign_candidates_enumerate(const struct campaign_config *cfg, struct campaign_candidate_list *out);
void campaign_candidate_list_free(struct campaign_candidate_list *l);

#endif
