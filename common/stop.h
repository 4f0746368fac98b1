/* Graceful stops: SIGTERM (a batch scheduler at the wall-time limit), SIGINT (Ctrl-C) and
 * SIGUSR1 only set a flag; long loops (SCF iterations, relaxation steps, EOS volumes) poll it,
 * write their checkpoint and return LS_ERR_INTERRUPTED (exit code 3).  A second signal of the
 * same kind ends the process at once (the default action). */
#ifndef LS_STOP_H
#define LS_STOP_H

/* Install the handlers (idempotent). */
void ls_stop_install(void);
/* The signal number that asked to stop, or 0. */
int ls_stop_requested(void);
/* Forget a request (tests). */
void ls_stop_reset(void);

#endif
