/* Graceful stops on SIGTERM, SIGINT and SIGUSR1 (see stop.h). */
#include "common/stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
    /* A second signal ends the process: restore the default action. */
    signal(sig, SIG_DFL);
}

void ls_stop_install(void)
{
    static int installed = 0;
    if (installed) return;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

int ls_stop_requested(void)
{
    return stop_signal;
}

void ls_stop_reset(void)
{
    stop_signal = 0;
}
