/* The surrogate potential in the loop: training, retraining, screening (campaign/screen.c). */
#ifndef LS_CAMPAIGN_SCREEN_H
#define LS_CAMPAIGN_SCREEN_H

#include "campaign/store.h"

/* Train the first model, or retrain when the spread on new DFT frames exceeds the threshold;
 * *model_id: the model in force (0: none).  Nothing to do when the surrogate is off. */
int campaign_surrogate_update(const struct campaign_config *cfg, campaign_store *st, int round, long long *model_id);
/* Predict every available candidate with model `model_id`, store the predictions for `round`,
 * and clear avail[i] for the trusted, clearly unstable ones (*n_screened of them). */
int campaign_surrogate_screen(const struct campaign_config *cfg, campaign_store *st,
                              const struct campaign_candidate_list *cands, long long model_id, int round,
                              unsigned char *avail, int *n_screened);

#endif
