/* Internal to campaign/run.c and the evaluators. */
#ifndef LS_CAMPAIGN_RUN_IMPL_H
#define LS_CAMPAIGN_RUN_IMPL_H

/* The progress hook the evaluators call (ctx: the heartbeat of run.c). */
void campaign_progress_note(void *ctx, long long progress);

#endif
